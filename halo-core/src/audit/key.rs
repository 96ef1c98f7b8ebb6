//! The chain key and the MACs it makes.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::AuditError;
use crate::config::Config;
use crate::crypto::KeyMaterial;
use crate::secret::{ExposeSecret, SecretSource};

/// The length of a chain MAC in bytes (HMAC-SHA256).
pub(crate) const MAC_LEN: usize = 32;

/// A chain MAC.
pub(crate) type Tag = [u8; MAC_LEN];

/// The MAC that the first segment header links to.
pub(crate) const GENESIS: Tag = [0; MAC_LEN];

/// What a MAC covers, so that no line of one kind verifies as another.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Domain {
    /// A segment header or an event line.
    Line,
    /// The head checkpoint.
    Head,
    /// The record of where the kept chain starts after pruning.
    Anchor,
}

/// The HMAC-SHA256 key of an audit chain: 32 bytes, zeroized on drop and
/// never printed.
///
/// Whoever holds it can verify the log, and also rewrite it undetectably:
/// keep it apart from the log's directory.
pub struct ChainKey(KeyMaterial);

impl ChainKey {
    /// Wraps key material.
    pub fn new(key: KeyMaterial) -> Self {
        Self(key)
    }

    /// 32 fresh random bytes.
    pub fn generate() -> Result<Self, AuditError> {
        KeyMaterial::generate()
            .map(Self)
            .map_err(|_| AuditError::InvalidChainKey {
                reason: "the random number generator failed",
                source: None,
            })
    }

    /// Decodes 32 bytes of standard base64 (`openssl rand -base64 32`).
    pub fn from_base64(text: &str) -> Result<Self, AuditError> {
        KeyMaterial::from_base64(text)
            .map(Self)
            .map_err(|_| AuditError::InvalidChainKey {
                reason: "must be 32 bytes in standard base64",
                source: None,
            })
    }

    /// The key of `security.auditing.storage.chain_key`, resolved through
    /// `source`. Fails with `audit.no_chain_key` when none is configured.
    pub fn from_config(config: &Config, source: &dyn SecretSource) -> Result<Self, AuditError> {
        let reference = config
            .security
            .auditing
            .storage
            .chain_key
            .as_ref()
            .ok_or(AuditError::NoChainKey)?;
        let text =
            reference
                .resolve_with(source)
                .map_err(|source| AuditError::InvalidChainKey {
                    reason: "it cannot be read",
                    source: Some(source),
                })?;
        Self::from_base64(text.expose_secret())
    }

    /// The MAC of `bytes` in `domain`.
    pub(crate) fn tag(&self, domain: Domain, bytes: &[u8]) -> Tag {
        self.keyed(domain, bytes).finalize().into_bytes().into()
    }

    /// Whether `tag` is the MAC of `bytes` in `domain`, in constant time.
    pub(crate) fn verify(&self, domain: Domain, bytes: &[u8], tag: &[u8]) -> bool {
        self.keyed(domain, bytes).verify_slice(tag).is_ok()
    }

    fn keyed(&self, domain: Domain, bytes: &[u8]) -> Hmac<Sha256> {
        // Any key length is accepted by HMAC, so this cannot fail; the
        // fallback keeps the library free of `expect`.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(self.0.expose())
            .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new(&Default::default()));
        mac.update(domain.label());
        mac.update(bytes);
        mac
    }
}

impl Domain {
    fn label(self) -> &'static [u8] {
        match self {
            Self::Line => b"halo-audit/line/v1\n",
            Self::Head => b"halo-audit/head/v1\n",
            Self::Anchor => b"halo-audit/anchor/v1\n",
        }
    }
}

impl fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChainKey([REDACTED])")
    }
}
