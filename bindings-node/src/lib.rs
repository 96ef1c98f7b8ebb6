//! The Node.js face of halo-core: argument and error conversion only. Every
//! rule and default lives in the `halo-core` crate.

#![deny(clippy::all)]

mod access;
mod config;
mod crypto;
mod errors;
mod halo;
mod lead;
mod masking;
mod ratelimit;
mod sandbox;
mod sync;
mod webhook;

pub use ratelimit::client_ip;
