//! The Node.js face of halo-core: argument and error conversion only. Every
//! rule and default lives in the `halo-core` crate.

#![deny(clippy::all)]

mod access;
mod config;
mod crypto;
mod errors;
mod lead;
mod masking;
mod ratelimit;
mod webhook;

pub use ratelimit::client_ip;
