//! The text envelope: parsing, encoding and the associated data.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::CryptoError;
use super::aead::{NONCE_BYTES, TAG_BYTES};
use super::key::is_key_id;

/// The version prefix of envelopes under a keyring key.
pub const KEYRING_PREFIX: &str = "hc1";
/// The version prefix of envelopes under a data subject's key.
pub const SUBJECT_PREFIX: &str = "hcs1";
/// The longest envelope accepted, in bytes (1 MiB of plaintext fits).
pub const MAX_ENVELOPE_BYTES: usize = 1_400_000;

/// Which kind of key an envelope is encrypted under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EnvelopeKind {
    /// A key of the keyring, named by its key id (`hc1`).
    Keyring,
    /// A data subject's key, named by its generation id (`hcs1`).
    Subject,
}

/// A parsed envelope: `<prefix>.<key id>.<nonce>.<ciphertext and tag>`.
///
/// Parsing checks the shape only; nothing is authenticated until the
/// envelope is decrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    kind: EnvelopeKind,
    key_id: String,
    nonce: [u8; NONCE_BYTES],
    sealed: Vec<u8>,
}

impl Envelope {
    /// Parses envelope text, failing with `crypto.malformed_envelope`.
    pub fn parse(text: &str) -> Result<Self, CryptoError> {
        if text.len() > MAX_ENVELOPE_BYTES {
            return Err(CryptoError::malformed("too long"));
        }
        let mut parts = text.split('.');
        let (Some(prefix), Some(key_id), Some(nonce), Some(sealed), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(CryptoError::malformed(
                "expected four parts separated by `.`",
            ));
        };

        let kind = match prefix {
            KEYRING_PREFIX => EnvelopeKind::Keyring,
            SUBJECT_PREFIX => EnvelopeKind::Subject,
            _ => return Err(CryptoError::malformed("unknown version prefix")),
        };
        if !is_key_id(key_id) {
            return Err(CryptoError::malformed("invalid key id"));
        }
        let nonce = decode(nonce, "nonce is not base64url")?
            .try_into()
            .map_err(|_| CryptoError::malformed("nonce is not 12 bytes"))?;
        let sealed = decode(sealed, "ciphertext is not base64url")?;
        if sealed.len() < TAG_BYTES {
            return Err(CryptoError::malformed("ciphertext shorter than the tag"));
        }

        Ok(Self {
            kind,
            key_id: key_id.to_owned(),
            nonce,
            sealed,
        })
    }

    /// Which kind of key the envelope is under.
    pub fn kind(&self) -> EnvelopeKind {
        self.kind
    }

    /// The key id (or, for subject envelopes, the key's generation id).
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The 96-bit nonce.
    pub fn nonce(&self) -> &[u8; NONCE_BYTES] {
        &self.nonce
    }

    /// The ciphertext followed by the 16-byte tag.
    pub fn sealed(&self) -> &[u8] {
        &self.sealed
    }

    /// The ciphertext and tag, taken out of the envelope.
    pub(crate) fn into_sealed(self) -> Vec<u8> {
        self.sealed
    }

    pub(crate) fn encode(
        kind: EnvelopeKind,
        key_id: &str,
        nonce: &[u8; NONCE_BYTES],
        sealed: &[u8],
    ) -> String {
        let prefix = kind.prefix();
        let len = prefix.len() + key_id.len() + 19 + sealed.len().div_ceil(3) * 4;
        let mut text = String::with_capacity(len);
        text.push_str(prefix);
        text.push('.');
        text.push_str(key_id);
        text.push('.');
        URL_SAFE_NO_PAD.encode_string(nonce, &mut text);
        text.push('.');
        URL_SAFE_NO_PAD.encode_string(sealed, &mut text);
        text
    }
}

impl EnvelopeKind {
    /// The version prefix of this kind.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Keyring => KEYRING_PREFIX,
            Self::Subject => SUBJECT_PREFIX,
        }
    }
}

/// The associated data: the prefix, then key id, field and context, each
/// preceded by its length in bytes as a 4-byte big-endian number.
pub(crate) fn associated_data(
    kind: EnvelopeKind,
    key_id: &str,
    field: &str,
    context: &str,
) -> Result<Vec<u8>, CryptoError> {
    let prefix = kind.prefix();
    let mut aad =
        Vec::with_capacity(prefix.len() + 12 + key_id.len() + field.len() + context.len());
    aad.extend_from_slice(prefix.as_bytes());
    for part in [key_id, field, context] {
        let len = u32::try_from(part.len()).map_err(|_| CryptoError::MalformedRecord {
            reason: "field name or context longer than 4 GiB",
        })?;
        aad.extend_from_slice(&len.to_be_bytes());
        aad.extend_from_slice(part.as_bytes());
    }
    Ok(aad)
}

fn decode(text: &str, reason: &'static str) -> Result<Vec<u8>, CryptoError> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| CryptoError::malformed(reason))
}
