//! halo-core's integration tests: one binary, one module per concept.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation should stop the test"
)]

mod config_vectors;
#[cfg(feature = "redis")]
mod ratelimit_redis;
mod ratelimit_vectors;
#[cfg(feature = "redis")]
mod redis_server;
mod vectors;
