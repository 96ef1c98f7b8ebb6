//! halo-core's integration tests: one binary, one module per concept.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "helpers of tests stop the test on the first unexpected value"
)]

mod config_vectors;
mod vectors;
mod webhook_props;
mod webhook_vectors;
