//! The one error type of the crypto module.

use crate::secret::SecretError;

/// Why a key could not be loaded, or a field could not be encrypted or
/// decrypted.
///
/// Decryption failures are deliberately opaque: [`CryptoError::DecryptFailed`]
/// does not say whether the key, the nonce, the associated data or the
/// ciphertext was wrong. No variant carries plaintext or key material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// The envelope did not authenticate under its key with the given field
    /// and context.
    #[error("decryption failed")]
    DecryptFailed,
    /// The envelope names a key id the keyring does not hold.
    #[error("no key with id `{key_id}` in the keyring")]
    UnknownKeyId {
        /// The key id (validated: ASCII letters, digits, `_` and `-`).
        key_id: String,
    },
    /// The text is not an envelope of a supported version.
    #[error("malformed envelope: {reason}")]
    MalformedEnvelope {
        /// Which part is wrong.
        reason: &'static str,
    },
    /// Key material is not 32 bytes of base64, or cannot be resolved.
    #[error("key `{key_id}` is invalid: {reason}")]
    InvalidKey {
        /// The key id, or the setting the key came from.
        key_id: String,
        /// What is wrong with it.
        reason: String,
        /// The secret resolution error, when the key could not be read.
        #[source]
        source: Option<SecretError>,
    },
    /// A key id is not 1 to 32 ASCII letters, digits, `_` or `-`.
    #[error("key id must be 1 to 32 ASCII letters, digits, `_` or `-`")]
    InvalidKeyId,
    /// The data subject's key was destroyed by `forget` (or never existed in
    /// this store).
    #[error("the data subject's key has been destroyed")]
    SubjectForgotten,
    /// No key is available for what was asked.
    #[error("no {what} is configured")]
    NoKey {
        /// What is missing (`primary key`, `blind index key`).
        what: &'static str,
    },
    /// Key management is not `static`, so keys must come from a
    /// [`KeyProvider`](super::KeyProvider) the application supplies.
    #[error("key management `{key_management}` needs a key provider supplied by the application")]
    ProviderRequired {
        /// The configured key management.
        key_management: &'static str,
    },
    /// `security.encryption.at_rest.enabled` is false.
    #[error("encryption at rest is disabled in the configuration")]
    Disabled,
    /// A blind index length outside 8 to 32 bytes.
    #[error("a blind index keeps 8 to 32 bytes, not {bytes}")]
    InvalidIndexLength {
        /// The length asked for.
        bytes: usize,
    },
    /// A record is not a JSON object, or a decrypted field is not JSON.
    #[error("malformed record: {reason}")]
    MalformedRecord {
        /// What is wrong.
        reason: &'static str,
    },
    /// The subject key store failed.
    #[error("subject key store: {action} failed")]
    Store {
        /// What the store was doing.
        action: &'static str,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The operating system's random number generator failed.
    #[error("the random number generator failed")]
    Random,
}

impl CryptoError {
    /// The stable code of this error, shared by every language binding.
    pub fn code(&self) -> &'static str {
        match self {
            Self::DecryptFailed => "crypto.decrypt_failed",
            Self::UnknownKeyId { .. } => "crypto.unknown_key_id",
            Self::MalformedEnvelope { .. } => "crypto.malformed_envelope",
            Self::InvalidKey { .. } => "crypto.invalid_key",
            Self::InvalidKeyId => "crypto.invalid_key_id",
            Self::SubjectForgotten => "crypto.subject_forgotten",
            Self::NoKey { .. } => "crypto.no_key",
            Self::ProviderRequired { .. } => "crypto.provider_required",
            Self::Disabled => "crypto.disabled",
            Self::InvalidIndexLength { .. } => "crypto.invalid_index_length",
            Self::MalformedRecord { .. } => "crypto.malformed_record",
            Self::Store { .. } => "crypto.store_failed",
            Self::Random => "crypto.random_failed",
        }
    }

    pub(crate) fn malformed(reason: &'static str) -> Self {
        Self::MalformedEnvelope { reason }
    }
}
