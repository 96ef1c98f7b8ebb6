//! halo-core's integration tests: one binary, one module per concept.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation should stop the test"
)]

mod access_api_key;
mod access_rbac;
mod access_token;
mod access_totp;
mod config_vectors;
mod vectors;
