//! The one error type of the compliance module.

use crate::audit::AuditError;
use crate::crypto::CryptoError;

/// Why a retention, consent, export or erasure operation failed.
///
/// No variant carries a subject id, a consent source, a hold reason or any
/// other value taken from personal data: entity names, purposes and column
/// names are part of the application's schema and are quoted; everything
/// else is described by what it is, not by what it contains.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ComplianceError {
    /// The retention policy has no period for this kind of record.
    #[error("no retention period is configured for entity `{entity}`")]
    UnknownEntity {
        /// The entity asked for.
        entity: String,
    },
    /// A date computed from a retention period is outside the range of
    /// [`jiff::Timestamp`] (years -9999 to 9999).
    #[error("the retention period runs past the supported range of dates")]
    DateOutOfRange,
    /// The consent ledger does not know this purpose, and custom purposes
    /// were not allowed.
    #[error("consent purpose `{purpose}` is not configured")]
    UnknownPurpose {
        /// The purpose asked for (validated: a short identifier).
        purpose: String,
    },
    /// An identifier, purpose, source or reason is empty, too long or holds
    /// control characters.
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// Which argument (`subject id`, `purpose`, `source`, ...).
        what: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A consent change is dated before the last change already recorded
    /// for the same subject and purpose; the ledger only grows forwards.
    #[error("a consent change cannot be dated before the last recorded change")]
    OutOfOrder,
    /// A line of the consent ledger file is not a valid entry. The line's
    /// content is never included.
    #[error("consent ledger line {line} is corrupt: {reason}")]
    LedgerCorrupt {
        /// The 1-based line number.
        line: u64,
        /// What is wrong, without the line's content.
        reason: &'static str,
    },
    /// Reading or writing the consent ledger file failed.
    #[error("consent ledger: {action} failed")]
    LedgerIo {
        /// What the ledger was doing.
        action: &'static str,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// `compliance.gdpr.data_portability.enabled` is false.
    #[error("data portability is disabled in the configuration")]
    PortabilityDisabled,
    /// The export format is not among `data_portability.formats`.
    #[error("export format `{format}` is not enabled")]
    FormatDisabled {
        /// The format asked for.
        format: &'static str,
    },
    /// Two different fields of the exported records flatten to the same CSV
    /// column (for example `{"a.b": 1}` and `{"a": {"b": 2}}`).
    #[error("two fields flatten to the same CSV column `{column}`")]
    ColumnCollision {
        /// The column name.
        column: String,
    },
    /// Writing the export failed.
    #[error("writing the export failed")]
    Export {
        /// The underlying CSV or JSON error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The subject's key could not be destroyed.
    #[error("erasing the subject's key failed")]
    Erasure {
        /// The key store's error.
        #[source]
        source: CryptoError,
    },
    /// The subject's key was destroyed, but the audit event could not be
    /// recorded.
    #[error("the erasure was made but could not be recorded in the audit log")]
    Audit {
        /// The audit log's error.
        #[source]
        source: AuditError,
    },
}

impl ComplianceError {
    /// The stable code, such as `compliance.unknown_entity`, shared by every
    /// language binding.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownEntity { .. } => "compliance.unknown_entity",
            Self::DateOutOfRange => "compliance.date_out_of_range",
            Self::UnknownPurpose { .. } => "compliance.unknown_purpose",
            Self::InvalidInput { .. } => "compliance.invalid_input",
            Self::OutOfOrder => "compliance.out_of_order",
            Self::LedgerCorrupt { .. } => "compliance.ledger_corrupt",
            Self::LedgerIo { .. } => "compliance.ledger_io",
            Self::PortabilityDisabled => "compliance.portability_disabled",
            Self::FormatDisabled { .. } => "compliance.format_disabled",
            Self::ColumnCollision { .. } => "compliance.column_collision",
            Self::Export { .. } => "compliance.export_failed",
            Self::Erasure { .. } => "compliance.erasure_failed",
            Self::Audit { .. } => "compliance.audit_failed",
        }
    }

    pub(crate) fn invalid(what: &'static str, reason: &'static str) -> Self {
        Self::InvalidInput { what, reason }
    }
}

/// Checks a caller-supplied identifier or label: 1 to `max` bytes, no
/// control characters.
pub(crate) fn check_text(
    what: &'static str,
    text: &str,
    max: usize,
) -> Result<(), ComplianceError> {
    match text_problem(text, max) {
        Some(reason) => Err(ComplianceError::invalid(what, reason)),
        None => Ok(()),
    }
}

/// What is wrong with an identifier or label, if anything.
pub(crate) fn text_problem(text: &str, max: usize) -> Option<&'static str> {
    if text.is_empty() {
        Some("it is empty")
    } else if text.len() > max {
        Some("it is too long")
    } else if text.chars().any(char::is_control) {
        Some("it holds control characters")
    } else {
        None
    }
}
