//! The Python face of halo-core: argument and error conversion only. Every
//! rule and default lives in the `halo-core` crate.

mod access;
mod audit;
mod compliance;
mod config;
mod crypto;
mod errors;
mod halo;
mod lead;
mod masking;
mod ratelimit;
mod runtime;
mod sandbox;
mod sync;
mod webhook;

use pyo3::prelude::*;

/// Rust allocations of the extension (the core's values, masked text,
/// validated leads) come from mimalloc: glibc's allocator spent a fifth of
/// a batch validation in its free lists. Python's own objects are not
/// affected.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The native module, imported by the `halo_core` package.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<config::Config>()?;
    m.add_class::<config::Finding>()?;
    m.add_class::<config::Problem>()?;
    m.add_class::<crypto::FieldCipher>()?;
    m.add_class::<crypto::BlindIndex>()?;
    m.add_class::<crypto::SubjectKeys>()?;
    m.add_class::<access::Policy>()?;
    m.add_class::<access::Decision>()?;
    m.add_class::<access::Grant>()?;
    m.add_class::<access::MfaPolicy>()?;
    m.add_class::<access::MemoryOtpStore>()?;
    m.add_class::<access::Totp>()?;
    m.add_class::<access::OneTimeCodes>()?;
    m.add_class::<access::RecoveryCodes>()?;
    m.add_class::<access::ApiKeyStore>()?;
    m.add_class::<access::VerifiedKey>()?;
    m.add_class::<access::TokenValidator>()?;
    m.add_class::<access::ValidatedToken>()?;
    m.add_class::<ratelimit::Rule>()?;
    m.add_class::<ratelimit::ManualClock>()?;
    m.add_class::<ratelimit::RateLimiter>()?;
    m.add_class::<ratelimit::RateDecision>()?;
    m.add_function(wrap_pyfunction!(ratelimit::client_ip, m)?)?;
    m.add_class::<webhook::Signature>()?;
    m.add_class::<webhook::Provider>()?;
    m.add_class::<webhook::WebhookVerifier>()?;
    m.add_class::<webhook::WebhookSigner>()?;
    m.add_class::<webhook::Verified>()?;
    m.add_class::<masking::Masker>()?;
    m.add_class::<masking::Detection>()?;
    m.add_class::<lead::LeadSchema>()?;
    m.add_class::<lead::ValidLead>()?;
    m.add_class::<lead::Violation>()?;
    m.add_class::<lead::Outcome>()?;
    m.add_class::<lead::Lead>()?;
    m.add_class::<lead::CsvMapping>()?;
    m.add_class::<halo::HaloClient>()?;
    m.add_class::<halo::ClientStats>()?;
    m.add_class::<halo::Clients>()?;
    m.add_class::<halo::Sites>()?;
    m.add_class::<halo::Users>()?;
    m.add_class::<halo::Opportunities>()?;
    m.add_class::<halo::Tickets>()?;
    m.add_class::<halo::Actions>()?;
    m.add_class::<halo::Agents>()?;
    m.add_class::<sandbox::Sandbox>()?;
    m.add_class::<sandbox::Fault>()?;
    m.add_class::<sandbox::FaultPlan>()?;
    m.add_class::<sync::LeadSync>()?;
    m.add_class::<sync::SyncReport>()?;
    m.add_class::<audit::AuditLog>()?;
    m.add_class::<audit::VerifyReport>()?;
    m.add_class::<audit::Damage>()?;
    m.add_function(wrap_pyfunction!(audit::verify, m)?)?;
    m.add_function(wrap_pyfunction!(audit::read_log, m)?)?;
    m.add_class::<compliance::RetentionPolicy>()?;
    m.add_class::<compliance::Expiry>()?;
    m.add_class::<compliance::ConsentLedger>()?;
    m.add_class::<compliance::Exporter>()?;
    m.add_class::<compliance::Erasure>()?;
    m.add_function(wrap_pyfunction!(compliance::erase_subject, m)?)?;
    m.add_function(wrap_pyfunction!(compliance::neutralise_cell, m)?)?;
    Ok(())
}
