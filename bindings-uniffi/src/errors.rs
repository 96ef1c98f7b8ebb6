//! [`HaloCoreError`]: every core error as one UniFFI error, so that Kotlin
//! sees one sealed `HaloCoreException` with a variant per module and the
//! core's stable `code()` string (`webhook.signature_mismatch`, ...).

use crate::config::Problem;
use crate::lead::Violation;

/// A failure of a halo-core call. `code` is the core's stable code string,
/// shared with Rust, Python and Node; `reason` is the core's message, which
/// never quotes a secret or a value of user data.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[non_exhaustive]
pub enum HaloCoreError {
    /// A configuration document did not load (`config.invalid`,
    /// `config.syntax`, `config.io`, `config.too_large`,
    /// `config.inline_secret`), with every problem found.
    #[error("{reason}")]
    Config {
        /// The stable code.
        code: String,
        /// What went wrong.
        reason: String,
        /// Every problem of the document; empty unless `config.invalid`.
        problems: Vec<Problem>,
    },
    /// A webhook delivery or setting was refused (`webhook.*`).
    #[error("{reason}")]
    Webhook {
        /// The stable code.
        code: String,
        /// What went wrong.
        reason: String,
    },
    /// A lead was refused (`lead.invalid` with violations, `lead.syntax`,
    /// `lead.not_object`, `lead.too_large`, `lead.schema_invalid`, ...).
    #[error("{reason}")]
    Lead {
        /// The stable code.
        code: String,
        /// What went wrong.
        reason: String,
        /// Every violation, field and code; empty unless `lead.invalid`.
        violations: Vec<Violation>,
        /// For source mapping errors, the source's field.
        source_field: Option<String>,
    },
    /// A masking policy was refused (`masking.*`).
    #[error("{reason}")]
    Masking {
        /// The stable code.
        code: String,
        /// What went wrong.
        reason: String,
    },
    /// A key or envelope was refused (`crypto.*`).
    #[error("{reason}")]
    Crypto {
        /// The stable code.
        code: String,
        /// What went wrong.
        reason: String,
    },
    /// An access check failed (`access.*`: RBAC and TOTP).
    #[error("{reason}")]
    Access {
        /// The stable code.
        code: String,
        /// What went wrong.
        reason: String,
    },
    /// A rate-limit rule, key or store failed (`ratelimit.*`).
    #[error("{reason}")]
    RateLimit {
        /// The stable code.
        code: String,
        /// What went wrong.
        reason: String,
    },
    /// An argument could not be converted (`invalid_argument`): an address,
    /// a network, a name of a mode, a JSON text.
    #[error("{reason}")]
    InvalidArgument {
        /// The stable code, `invalid_argument`.
        code: String,
        /// What went wrong.
        reason: String,
    },
}

/// The result of a call that may fail with a core error.
pub(crate) type Result<T> = std::result::Result<T, HaloCoreError>;

#[uniffi::export]
impl HaloCoreError {
    /// The stable code string, the same in every language.
    pub fn code(&self) -> String {
        match self {
            Self::Config { code, .. }
            | Self::Webhook { code, .. }
            | Self::Lead { code, .. }
            | Self::Masking { code, .. }
            | Self::Crypto { code, .. }
            | Self::Access { code, .. }
            | Self::RateLimit { code, .. }
            | Self::InvalidArgument { code, .. } => code.clone(),
        }
    }
}

impl HaloCoreError {
    /// An `invalid_argument` error.
    pub(crate) fn invalid_argument(reason: &str) -> Self {
        Self::InvalidArgument {
            code: "invalid_argument".to_owned(),
            reason: reason.to_owned(),
        }
    }
}

impl From<halo_core::ConfigError> for HaloCoreError {
    fn from(err: halo_core::ConfigError) -> Self {
        Self::Config {
            code: err.code().to_owned(),
            reason: err.to_string(),
            problems: err.problems().iter().map(Problem::from).collect(),
        }
    }
}

impl From<halo_core::WebhookError> for HaloCoreError {
    fn from(err: halo_core::WebhookError) -> Self {
        Self::Webhook {
            code: err.code().to_owned(),
            reason: err.to_string(),
        }
    }
}

impl From<halo_core::LeadError> for HaloCoreError {
    fn from(err: halo_core::LeadError) -> Self {
        use halo_core::LeadError::{SourceFieldMissing, SourceFieldType};
        let source_field = match &err {
            SourceFieldMissing { field, .. } | SourceFieldType { field, .. } => {
                Some(field.to_string())
            }
            _ => None,
        };
        Self::Lead {
            code: err.code().to_owned(),
            reason: err.to_string(),
            violations: err.violations().iter().map(Violation::from).collect(),
            source_field,
        }
    }
}

impl From<halo_core::MaskingError> for HaloCoreError {
    fn from(err: halo_core::MaskingError) -> Self {
        Self::Masking {
            code: err.code().to_owned(),
            reason: err.to_string(),
        }
    }
}

impl From<halo_core::CryptoError> for HaloCoreError {
    fn from(err: halo_core::CryptoError) -> Self {
        Self::Crypto {
            code: err.code().to_owned(),
            reason: err.to_string(),
        }
    }
}

impl From<halo_core::AccessError> for HaloCoreError {
    fn from(err: halo_core::AccessError) -> Self {
        Self::Access {
            code: err.code().to_owned(),
            reason: err.to_string(),
        }
    }
}

impl From<halo_core::RateLimitError> for HaloCoreError {
    fn from(err: halo_core::RateLimitError) -> Self {
        Self::RateLimit {
            code: err.code().to_owned(),
            reason: err.to_string(),
        }
    }
}
