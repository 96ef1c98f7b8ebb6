//! Erasure of a data subject by crypto-shredding.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde_json::{Value, json};

use super::ComplianceError;
use super::consent::MAX_SUBJECT_BYTES;
use super::error::check_text;
use crate::crypto::SubjectKeys;

/// What [`erase_subject`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erasure {
    subject: String,
    key_destroyed: bool,
    erased_at: Timestamp,
}

/// The audit event an [`Erasure`] is to be recorded as, field by field, in
/// the terms of `halo_core::audit`: `AuditEvent::new(category, action)`
/// with `.resource(resource)`, `.outcome(outcome)` and one `.detail(key,
/// value)` per entry of `details`. The actor, who asked for the erasure, is
/// the caller's to add.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErasureEvent {
    /// Always `data_access` (`AuditCategory::DataAccess`).
    pub category: &'static str,
    /// Always `erase` (`AuditAction::Erase`).
    pub action: &'static str,
    /// Always `success` (`AuditOutcome::Success`): a failed erasure returns
    /// an error instead of an [`Erasure`].
    pub outcome: &'static str,
    /// The erased subject's id (pseudonymous, like every subject id here).
    pub resource: String,
    /// `key_destroyed` (a boolean) and `erased_at` (RFC 3339 text).
    pub details: BTreeMap<&'static str, Value>,
}

/// Erases `subject` by destroying their data key in `keys`
/// ([`SubjectKeys::forget`]), at `at`.
///
/// Afterwards every envelope encrypted for the subject fails to decrypt
/// with `crypto.subject_forgotten`, wherever it is stored. See the
/// [module docs](super#erasure) for what this does not erase. Erasing a
/// subject without a key succeeds with
/// [`key_destroyed`](Erasure::key_destroyed) false, so a repeated request
/// is harmless. Record [`Erasure::audit_event`] in the audit log.
pub fn erase_subject(
    keys: &SubjectKeys,
    subject: &str,
    at: Timestamp,
) -> Result<Erasure, ComplianceError> {
    check_text("subject id", subject, MAX_SUBJECT_BYTES)?;
    let key_destroyed = keys
        .forget(subject)
        .map_err(|source| ComplianceError::Erasure { source })?;

    tracing::info!(key_destroyed, "data subject erased");
    Ok(Erasure {
        subject: subject.to_owned(),
        key_destroyed,
        erased_at: at,
    })
}

impl Erasure {
    /// The subject id.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// Whether a key existed and was destroyed (false when the subject had
    /// no key, for example after an earlier erasure).
    pub fn key_destroyed(&self) -> bool {
        self.key_destroyed
    }

    /// When the erasure was made.
    pub fn erased_at(&self) -> Timestamp {
        self.erased_at
    }

    /// The fields of the audit event recording this erasure.
    pub fn audit_event(&self) -> ErasureEvent {
        ErasureEvent {
            category: "data_access",
            action: "erase",
            outcome: "success",
            resource: self.subject.clone(),
            details: BTreeMap::from([
                ("key_destroyed", json!(self.key_destroyed)),
                ("erased_at", json!(self.erased_at.to_string())),
            ]),
        }
    }
}
