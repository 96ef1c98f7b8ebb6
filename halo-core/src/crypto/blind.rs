//! Blind indexes: keyed, truncated HMACs of normalised values, for equality
//! search and de-duplication without decryption.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::key::resolve_key;
use super::{CryptoError, KeyMaterial};
use crate::config::Config;
use crate::secret::SecretSource;

/// The domain prefix of the HMAC input, so that index values can never equal
/// HMACs the same key computes for another purpose.
const DOMAIN: &[u8] = b"hcb1";

/// How a value is normalised before it is indexed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Normalization {
    /// Surrounding whitespace removed, then lowercased (the whole address,
    /// local part included).
    Email,
    /// ASCII digits only: `+1 (555) 010-0100` and `15550100100` match.
    Phone,
    /// Surrounding whitespace removed, inner runs of whitespace collapsed to
    /// one space, then lowercased.
    Text,
    /// The value as given, byte for byte.
    Exact,
}

/// Keyed HMAC-SHA256 over normalised values, truncated, base64url encoded.
///
/// The index of a value is
/// `base64url(HMAC-SHA256(key, "hcb1" || len(field) || field || value)[..n])`
/// where `len` is a 4-byte big-endian length, `value` is the normalised
/// value's UTF-8, `n` is the configured length (8 to 32 bytes, default 16)
/// and base64url has no padding. The field name is part of the input, so the
/// same phone number indexed as `phone` and as `mobile` gives two unrelated
/// indexes.
///
/// # Leakage
///
/// A blind index is deterministic by design, and so reveals what equality
/// search needs: which records share a value, and how often each value
/// occurs. Someone who reads the indexes learns the frequency distribution
/// (the most common email domain cannot be hidden once `Email` indexes whole
/// addresses, but common addresses can be spotted). Someone who also has the
/// index key can test guesses offline; phone numbers and SSNs have small
/// value spaces and fall to exhaustive search, so the index key must be
/// guarded like an encryption key and kept apart from it. Truncation trades
/// the other way: shorter indexes collide, so a search returns some false
/// matches to filter after decryption, and each index reveals less.
pub struct BlindIndex {
    key: KeyMaterial,
    bytes: usize,
}

impl Normalization {
    /// The normalisation used for a field name: `Email` for names containing
    /// `email`, `Phone` for names containing `phone`, `Text` otherwise.
    pub fn for_field(field: &str) -> Self {
        let field = field.to_ascii_lowercase();
        if field.contains("email") {
            Self::Email
        } else if field.contains("phone") {
            Self::Phone
        } else {
            Self::Text
        }
    }

    /// `value` normalised.
    pub fn apply(self, value: &str) -> String {
        match self {
            Self::Email => value.trim().to_lowercase(),
            Self::Phone => value.chars().filter(char::is_ascii_digit).collect(),
            Self::Text => value
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase(),
            Self::Exact => value.to_owned(),
        }
    }
}

impl BlindIndex {
    /// An index under `key` keeping `bytes` bytes (8 to 32) of the HMAC.
    pub fn new(key: KeyMaterial, bytes: usize) -> Result<Self, CryptoError> {
        if !(8..=32).contains(&bytes) {
            return Err(CryptoError::InvalidIndexLength { bytes });
        }
        Ok(Self { key, bytes })
    }

    /// The index of `security.encryption.at_rest`: `blind_index_key` and
    /// `blind_index_bytes`. Fails with `crypto.no_key` when no
    /// `blind_index_key` is configured.
    pub fn from_config(config: &Config, source: &dyn SecretSource) -> Result<Self, CryptoError> {
        let at_rest = &config.security.encryption.at_rest;
        let reference = at_rest.blind_index_key.as_ref().ok_or(CryptoError::NoKey {
            what: "blind index key",
        })?;
        let key = resolve_key("blind_index_key", reference, source)?;
        let bytes = usize::try_from(at_rest.blind_index_bytes)
            .map_err(|_| CryptoError::InvalidIndexLength { bytes: usize::MAX })?;
        Self::new(key, bytes)
    }

    /// How many bytes of the HMAC an index keeps.
    pub fn len_bytes(&self) -> usize {
        self.bytes
    }

    /// The index of `value` in `field`, normalised by
    /// [`Normalization::for_field`].
    pub fn index(&self, field: &str, value: &str) -> Result<String, CryptoError> {
        self.index_with(field, Normalization::for_field(field), value)
    }

    /// The index of `value` in `field` under an explicit normalisation.
    pub fn index_with(
        &self,
        field: &str,
        normalization: Normalization,
        value: &str,
    ) -> Result<String, CryptoError> {
        let field_len = u32::try_from(field.len()).map_err(|_| CryptoError::MalformedRecord {
            reason: "field name longer than 4 GiB",
        })?;
        let normalized = zeroize::Zeroizing::new(normalization.apply(value));

        let mut mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(self.key.expose()).map_err(|_| {
                CryptoError::NoKey {
                    what: "usable blind index key",
                }
            })?;
        mac.update(DOMAIN);
        mac.update(&field_len.to_be_bytes());
        mac.update(field.as_bytes());
        mac.update(normalized.as_bytes());
        let digest = mac.finalize().into_bytes();
        Ok(URL_SAFE_NO_PAD.encode(&digest[..self.bytes]))
    }
}

impl fmt::Debug for BlindIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlindIndex")
            .field("key", &"[REDACTED]")
            .field("bytes", &self.bytes)
            .finish()
    }
}
