//! Erasure of a data subject by crypto-shredding, recorded in the audit
//! trail.

use jiff::Timestamp;
use serde_json::json;

use super::ComplianceError;
use super::consent::MAX_SUBJECT_BYTES;
use super::error::check_text;
use crate::audit::{AuditAction, AuditCategory, AuditEvent, AuditLog, AuditOutcome};
use crate::crypto::SubjectKeys;

/// The longest actor id, in bytes.
const MAX_ACTOR_BYTES: usize = 256;

/// What [`erase_subject`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erasure {
    subject: String,
    actor: String,
    key_destroyed: bool,
    erased_at: Timestamp,
}

/// Erases `subject` at `at`, on behalf of `actor` (the user or service id
/// that asked), by destroying the subject's data key in `keys`
/// ([`SubjectKeys::forget`]), and records it in `audit` when given.
///
/// Afterwards every envelope encrypted for the subject fails to decrypt
/// with `crypto.subject_forgotten`, wherever it is stored. See the
/// [module docs](super#erasure) for what this does not erase. Erasing a
/// subject without a key succeeds with
/// [`key_destroyed`](Erasure::key_destroyed) false, so a repeated request
/// is harmless.
///
/// The audit event is [`Erasure::audit_event`], recorded after the key is
/// destroyed. If the key cannot be destroyed, a `failure` event is recorded
/// (as far as the log allows) and the error is `compliance.erasure_failed`.
/// If the key was destroyed but the event cannot be recorded, the error is
/// `compliance.audit_failed`: the erasure stands, and repeating the call
/// records an event with `key_destroyed` false.
pub fn erase_subject(
    keys: &SubjectKeys,
    subject: &str,
    actor: &str,
    at: Timestamp,
    audit: Option<&AuditLog>,
) -> Result<Erasure, ComplianceError> {
    check_text("subject id", subject, MAX_SUBJECT_BYTES)?;
    check_text("actor", actor, MAX_ACTOR_BYTES)?;

    let key_destroyed = match keys.forget(subject) {
        Ok(destroyed) => destroyed,
        Err(source) => {
            tracing::warn!(code = source.code(), "data subject erasure failed");
            if let Some(log) = audit {
                let failed = event(subject, actor, at).outcome(AuditOutcome::Failure);
                // The key store's error is the one to report; a failing log
                // on top of it changes nothing the caller can act on.
                let _ = log.record(failed.detail("error", json!(source.code())));
            }
            return Err(ComplianceError::Erasure { source });
        }
    };
    let erasure = Erasure {
        subject: subject.to_owned(),
        actor: actor.to_owned(),
        key_destroyed,
        erased_at: at,
    };

    tracing::info!(key_destroyed, "data subject erased");
    if let Some(log) = audit {
        log.record(erasure.audit_event())
            .map_err(|source| ComplianceError::Audit { source })?;
    }
    Ok(erasure)
}

impl Erasure {
    /// The subject id.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// Who asked for the erasure.
    pub fn actor(&self) -> &str {
        &self.actor
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

    /// The audit event recording this erasure: category `data_access`,
    /// action `erase`, outcome `success`, the actor, resource
    /// `subject/<subject id>`, time [`erased_at`](Self::erased_at), and the
    /// detail `key_destroyed`. [`erase_subject`] records it when given a
    /// log; without one, record it yourself.
    pub fn audit_event(&self) -> AuditEvent {
        event(&self.subject, &self.actor, self.erased_at)
            .outcome(AuditOutcome::Success)
            .detail("key_destroyed", json!(self.key_destroyed))
    }
}

fn event(subject: &str, actor: &str, at: Timestamp) -> AuditEvent {
    AuditEvent::new(AuditCategory::DataAccess, AuditAction::Erase)
        .actor(actor)
        .resource(format!("subject/{subject}"))
        .at(at)
}
