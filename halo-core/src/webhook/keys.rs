//! Key material held by verifiers and signers: keyed HMAC states, digests of
//! API keys and Basic credentials, and Standard Webhooks secret decoding.
//!
//! Every type here zeroizes on drop and prints `[REDACTED]`.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest as _, Sha256};
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroizing;

use super::WebhookError;

/// The length of an HMAC-SHA256 tag in bytes.
pub(crate) const TAG_LEN: usize = 32;

/// An HMAC-SHA256 tag.
pub(crate) type Tag = [u8; TAG_LEN];

/// The prefix of Standard Webhooks secrets.
const WHSEC_PREFIX: &str = "whsec_";

/// An HMAC-SHA256 state already keyed, so that each delivery costs only the
/// hashing of its own bytes. The key itself is not kept; the two keyed
/// SHA-256 cores are zeroized on drop (`sha2`'s `zeroize` feature).
#[derive(Clone)]
pub(crate) struct MacKey(Hmac<Sha256>);

/// The SHA-256 of a credential (an API key, or `user:password`), compared in
/// constant time whatever the presented length.
#[derive(Clone)]
pub(crate) struct CredentialDigest(Zeroizing<[u8; TAG_LEN]>);

impl MacKey {
    /// A key from raw secret bytes (any length).
    pub(crate) fn new(secret: &[u8]) -> Result<Self, WebhookError> {
        if secret.is_empty() {
            return Err(WebhookError::setting("a signing secret is empty"));
        }
        Hmac::<Sha256>::new_from_slice(secret)
            .map(Self)
            .map_err(|_| WebhookError::setting("a signing secret cannot key HMAC-SHA256"))
    }

    /// A key from a Standard Webhooks secret: `whsec_` (optional) followed by
    /// the base64 of the key bytes.
    pub(crate) fn standard_webhooks(secret: &[u8]) -> Result<Self, WebhookError> {
        let encoded = secret
            .strip_prefix(WHSEC_PREFIX.as_bytes())
            .unwrap_or(secret);
        let key = Zeroizing::new(STANDARD.decode(encoded).map_err(|_| {
            WebhookError::setting("a Standard Webhooks secret is not `whsec_` and base64")
        })?);
        Self::new(&key)
    }

    /// The tag of the concatenation of `parts`.
    pub(crate) fn tag(&self, parts: &[&[u8]]) -> Tag {
        let mut mac = self.0.clone();
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }
}

impl CredentialDigest {
    /// The digest of `credential`.
    pub(crate) fn of(credential: &[u8]) -> Self {
        Self(Zeroizing::new(Sha256::digest(credential).into()))
    }

    /// Whether `presented` hashes to this digest, in constant time.
    pub(crate) fn matches(&self, presented: &[u8]) -> Choice {
        let digest = Zeroizing::new(<[u8; TAG_LEN]>::from(Sha256::digest(presented)));
        digest.ct_eq(&*self.0)
    }
}

/// Refuses an API key that cannot travel in a header unchanged: empty,
/// outside visible ASCII and spaces, or with spaces around it (HTTP strips
/// those, so such a key could never match).
pub(crate) fn check_api_key(key: &str) -> Result<(), WebhookError> {
    let printable = key.bytes().all(|b| (0x20..=0x7e).contains(&b));
    if key.is_empty() || !printable || key.trim_matches(' ') != key {
        let reason = "an API key must be visible ASCII without surrounding spaces";
        return Err(WebhookError::setting(reason));
    }
    Ok(())
}

/// Whether any of `tags` equals `expected`, comparing every one in constant
/// time.
pub(crate) fn any_matches(expected: &Tag, tags: &[Tag]) -> bool {
    // Compared as four words: `subtle` then fences four values, not 32.
    let expected = words(expected);
    let found = tags.iter().fold(Choice::from(0), |found, tag| {
        found | words(tag)[..].ct_eq(&expected[..])
    });
    found.into()
}

/// A short delivery id derived from a verified tag: `sig_` and the first 16
/// bytes of the tag's SHA-256, in lowercase hex.
pub(crate) fn id_of_tag(tag: &Tag) -> String {
    let digest = Sha256::digest(tag);
    let mut buffer = [0u8; 32];
    let mut id = String::with_capacity(4 + buffer.len());
    id.push_str("sig_");
    // The buffer is exactly twice the input, so encoding cannot fail.
    id.push_str(base16ct::lower::encode_str(&digest[..16], &mut buffer).unwrap_or_default());
    id
}

fn words(tag: &Tag) -> [u64; 4] {
    let (chunks, _) = tag.as_chunks::<8>();
    let mut words = [0u64; 4];
    for (word, chunk) in words.iter_mut().zip(chunks) {
        *word = u64::from_le_bytes(*chunk);
    }
    words
}

impl fmt::Debug for MacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MacKey([REDACTED])")
    }
}

impl fmt::Debug for CredentialDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CredentialDigest([REDACTED])")
    }
}
