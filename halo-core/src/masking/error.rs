//! Why a masker could not be built.

use crate::secret::SecretError;

/// Why a [`Masker`](super::Masker) or [`MaskRule`](super::MaskRule) could not
/// be built. Messages name rules and keys, never a value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MaskingError {
    /// A mask pattern is refused (`masking.invalid_pattern`).
    #[error("invalid mask pattern: {reason}")]
    InvalidPattern {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A rule's options do not fit together (`masking.invalid_rule`).
    #[error("masking rule `{rule}` is invalid: {reason}")]
    InvalidRule {
        /// The rule's name.
        rule: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A key or field name holds no letter or digit (`masking.invalid_key`).
    #[error("a masking key needs at least one ASCII letter or digit")]
    InvalidKey,
    /// A rule pseudonymizes values but no key is set
    /// (`masking.missing_pseudonym_key`).
    #[error("masking rule `{rule}` pseudonymizes values but no pseudonym key is set")]
    MissingPseudonymKey {
        /// The rule's name.
        rule: String,
    },
    /// The pseudonym key is too short (`masking.weak_pseudonym_key`).
    #[error("the pseudonym key must be at least {min} bytes")]
    WeakPseudonymKey {
        /// The least accepted length, in bytes.
        min: usize,
    },
    /// The pseudonym key could not be resolved
    /// (`masking.pseudonym_key_unavailable`).
    #[error("the pseudonym key cannot be resolved")]
    PseudonymKeyUnavailable {
        /// Why, naming the variable or file.
        #[source]
        source: SecretError,
    },
}

impl MaskingError {
    /// The stable code of this error, shared by every language binding.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidPattern { .. } => "masking.invalid_pattern",
            Self::InvalidRule { .. } => "masking.invalid_rule",
            Self::InvalidKey => "masking.invalid_key",
            Self::MissingPseudonymKey { .. } => "masking.missing_pseudonym_key",
            Self::WeakPseudonymKey { .. } => "masking.weak_pseudonym_key",
            Self::PseudonymKeyUnavailable { .. } => "masking.pseudonym_key_unavailable",
        }
    }
}
