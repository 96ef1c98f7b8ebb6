//! The Node.js face of halo-core: argument and error conversion only. Every
//! rule and default lives in the `halo-core` crate.

#![deny(clippy::all)]

mod access;
mod audit;
mod builders;
mod compliance;
mod config;
mod crypto;
mod errors;
mod halo;
mod js;
mod lead;
mod masking;
mod ratelimit;
mod sandbox;
mod sync;
mod webhook;

pub use audit::{AuditDamage, AuditVerifyReport, read_audit, verify_audit};
pub use compliance::{ErasureReport, erase_subject, neutralise_cell};
pub use ratelimit::client_ip;
