//! Erasure of a data subject by crypto-shredding.

use jiff::Timestamp;

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

/// Erases `subject` by destroying their data key in `keys`
/// ([`SubjectKeys::forget`]), at `at`.
///
/// Afterwards every envelope encrypted for the subject fails to decrypt
/// with `crypto.subject_forgotten`, wherever it is stored. See the
/// [module docs](super#erasure) for what this does not erase. Erasing a
/// subject without a key succeeds with
/// [`key_destroyed`](Erasure::key_destroyed) false, so a repeated request
/// is harmless.
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
}
