//! The one error type of the audit module.

use std::path::PathBuf;

use super::Damage;
use crate::crypto::CryptoError;
use crate::masking::MaskingError;
use crate::secret::SecretError;

/// Why an audit event could not be recorded, or a log could not be opened,
/// verified, read or pruned.
///
/// No variant carries event details, key material or MACs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// Reading or writing the log directory failed.
    #[error("audit log: {action} `{}` failed", path.display())]
    Io {
        /// What was being done (`open`, `write`, `rename`, ...).
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The chain is broken, so the log cannot be continued, pruned or read.
    #[error("audit chain is broken: {damage}")]
    ChainBroken {
        /// The first damage found.
        damage: Damage,
    },
    /// The directory holds no audit log.
    #[error("`{}` holds no audit log", path.display())]
    NoLog {
        /// The directory.
        path: PathBuf,
    },
    /// No chain key is configured (`security.auditing.storage.chain_key`).
    #[error("no audit chain key is configured")]
    NoChainKey,
    /// The chain key cannot be resolved or is not 32 bytes of base64.
    #[error("the audit chain key is invalid: {reason}")]
    InvalidChainKey {
        /// What is wrong with it.
        reason: &'static str,
        /// The secret resolution error, when the key could not be read.
        #[source]
        source: Option<SecretError>,
    },
    /// Details could not be encrypted or decrypted.
    #[error("audit details: {action} failed")]
    Crypto {
        /// `encrypt`, `decrypt` or `build the cipher`.
        action: &'static str,
        /// The underlying failure.
        #[source]
        source: CryptoError,
    },
    /// Details are encrypted and no cipher was given to read them.
    #[error("audit details are encrypted and no cipher was given")]
    CipherRequired,
    /// The masker of the configuration could not be built.
    #[error("audit masking could not be set up")]
    Masking {
        /// The underlying failure.
        #[source]
        source: MaskingError,
    },
    /// A builder was finished without something it needs.
    #[error("audit log is incomplete: {what} is missing")]
    Incomplete {
        /// What is missing.
        what: &'static str,
    },
    /// A custom action name is not 1 to 64 of `a-z`, `0-9`, `_`, `.`, `-`,
    /// or is the name of a built-in action.
    #[error("audit action name is invalid")]
    InvalidAction,
    /// An event could not be serialised.
    #[error("audit event could not be encoded")]
    Encode {
        /// The underlying failure.
        #[source]
        source: serde_json::Error,
    },
    /// An earlier write failed half-way, so the sink refuses to append
    /// behind a possibly partial line. Reopen the log to continue.
    #[error("audit sink failed earlier and accepts no more events")]
    SinkFailed,
    /// The SIEM sink's buffer was full: the event was dropped (and counted).
    #[error("audit buffer is full, the event was dropped")]
    BufferFull,
    /// The sink has been shut down.
    #[error("audit sink is shut down")]
    ShutDown,
    /// `flush` did not finish in the time given.
    #[error("audit flush timed out with {pending} events pending")]
    FlushTimeout {
        /// Events still waiting to be delivered.
        pending: usize,
    },
}

impl AuditError {
    /// The stable code of this error, shared by every language binding.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Io { .. } => "audit.io",
            Self::ChainBroken { .. } => "audit.chain_broken",
            Self::NoLog { .. } => "audit.no_log",
            Self::NoChainKey => "audit.no_chain_key",
            Self::InvalidChainKey { .. } => "audit.invalid_chain_key",
            Self::Crypto { .. } => "audit.crypto_failed",
            Self::CipherRequired => "audit.cipher_required",
            Self::Masking { .. } => "audit.masking_failed",
            Self::Incomplete { .. } => "audit.incomplete",
            Self::InvalidAction => "audit.invalid_action",
            Self::Encode { .. } => "audit.encode_failed",
            Self::SinkFailed => "audit.sink_failed",
            Self::BufferFull => "audit.buffer_full",
            Self::ShutDown => "audit.shut_down",
            Self::FlushTimeout { .. } => "audit.flush_timeout",
        }
    }

    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io {
            action,
            path,
            source,
        }
    }
}
