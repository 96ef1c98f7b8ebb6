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
mod audit_files;
#[cfg(feature = "siem-http")]
mod audit_http;
mod audit_log;
mod audit_props;
mod audit_tamper;
mod audit_vectors;
mod compliance;
mod compliance_props;
mod compliance_vectors;
mod config_vectors;
mod crypto;
mod crypto_vectors;
#[cfg(all(feature = "client", feature = "sandbox"))]
mod halo_client;
mod halo_models;
mod halo_vectors;
mod lead_vectors;
mod masking_properties;
mod masking_vectors;
#[cfg(feature = "redis")]
mod ratelimit_redis;
mod ratelimit_vectors;
#[cfg(feature = "redis")]
mod redis_server;
#[cfg(all(feature = "client", feature = "sandbox"))]
mod sync;
mod vectors;
mod webhook_props;
mod webhook_vectors;
