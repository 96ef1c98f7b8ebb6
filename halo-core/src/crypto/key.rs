//! Key ids, key material and where keys come from.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretBox};
use zeroize::Zeroizing;

use super::CryptoError;
use crate::config::{Config, KeyManagement};
use crate::secret::{SecretRef, SecretSource};

/// The length of every key, in bytes (AES-256 and the blind-index HMAC key).
pub const KEY_BYTES: usize = 32;

/// A short name for a key: 1 to 32 ASCII letters, digits, `_` or `-`.
///
/// Key ids are written into every envelope, so they are public; they never
/// hold anything secret.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId(String);

/// 32 bytes of key material, zeroized on drop and never printed.
pub struct KeyMaterial(SecretBox<[u8; KEY_BYTES]>);

/// Where a [`Keyring`](super::Keyring) gets its keys.
///
/// [`StaticKeys`] reads them from secret references; an application that
/// keeps keys in a KMS implements this trait over its client (unwrapping data
/// keys there) and builds the keyring with
/// [`Keyring::from_provider`](super::Keyring::from_provider).
pub trait KeyProvider {
    /// Every key id the provider holds.
    fn key_ids(&self) -> Vec<KeyId>;

    /// The id new data is encrypted under, if the provider has one.
    fn primary_key_id(&self) -> Option<KeyId>;

    /// The material of key `id`.
    fn key(&self, id: &KeyId) -> Result<KeyMaterial, CryptoError>;
}

/// Keys from secret references (environment variables or files), each
/// holding 32 bytes in standard base64 (`openssl rand -base64 32`).
pub struct StaticKeys<'a> {
    refs: BTreeMap<KeyId, SecretRef>,
    primary: Option<KeyId>,
    source: &'a dyn SecretSource,
}

impl KeyId {
    /// Checks and wraps a key id.
    pub fn new(id: impl Into<String>) -> Result<Self, CryptoError> {
        let id = id.into();
        if is_key_id(&id) {
            Ok(Self(id))
        } else {
            Err(CryptoError::InvalidKeyId)
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl KeyMaterial {
    /// Wraps 32 bytes.
    pub fn from_bytes(bytes: [u8; KEY_BYTES]) -> Self {
        Self(SecretBox::new(Box::new(bytes)))
    }

    /// Copies 32 bytes from a slice; any other length is refused.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, CryptoError> {
        let array: [u8; KEY_BYTES] = bytes
            .try_into()
            .map_err(|_| invalid("", "must be 32 bytes"))?;
        Ok(Self::from_bytes(array))
    }

    /// Decodes 32 bytes of standard base64 (with padding); surrounding
    /// whitespace is ignored.
    pub fn from_base64(text: &str) -> Result<Self, CryptoError> {
        let bytes = Zeroizing::new(
            STANDARD
                .decode(text.trim())
                .map_err(|_| invalid("", "must be 32 bytes in standard base64"))?,
        );
        Self::from_slice(&bytes)
    }

    /// 32 fresh random bytes from the operating system.
    pub fn generate() -> Result<Self, CryptoError> {
        let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
        getrandom::fill(bytes.as_mut()).map_err(|_| CryptoError::Random)?;
        Ok(Self::from_bytes(*bytes))
    }

    pub(crate) fn expose(&self) -> &[u8; KEY_BYTES] {
        self.0.expose_secret()
    }
}

impl<'a> StaticKeys<'a> {
    /// No keys yet; references are resolved through `source` when the
    /// keyring is built.
    pub fn new(source: &'a dyn SecretSource) -> Self {
        Self {
            refs: BTreeMap::new(),
            primary: None,
            source,
        }
    }

    /// The keys of `security.encryption.at_rest`.
    ///
    /// Fails with `crypto.provider_required` when `key_management` is not
    /// `static`: those keys live in a KMS this crate does not call.
    pub fn from_config(config: &Config, source: &'a dyn SecretSource) -> Result<Self, CryptoError> {
        let at_rest = &config.security.encryption.at_rest;
        if at_rest.key_management != KeyManagement::Static {
            return Err(CryptoError::ProviderRequired {
                key_management: at_rest.key_management.as_str(),
            });
        }

        let mut keys = Self::new(source);
        for (id, reference) in &at_rest.keys {
            keys = keys.with_key(KeyId::new(id.as_str())?, reference.clone());
        }
        if let Some(primary) = at_rest.primary_key_id() {
            keys = keys.with_primary(KeyId::new(primary)?);
        }
        Ok(keys)
    }

    /// Adds key `id`, read from `reference`.
    pub fn with_key(mut self, id: KeyId, reference: SecretRef) -> Self {
        self.refs.insert(id, reference);
        self
    }

    /// Makes `id` the primary key. Without this, a single key is primary.
    pub fn with_primary(mut self, id: KeyId) -> Self {
        self.primary = Some(id);
        self
    }
}

impl KeyProvider for StaticKeys<'_> {
    fn key_ids(&self) -> Vec<KeyId> {
        self.refs.keys().cloned().collect()
    }

    fn primary_key_id(&self) -> Option<KeyId> {
        match &self.primary {
            Some(id) => Some(id.clone()),
            None if self.refs.len() == 1 => self.refs.keys().next().cloned(),
            None => None,
        }
    }

    fn key(&self, id: &KeyId) -> Result<KeyMaterial, CryptoError> {
        let reference = self.refs.get(id).ok_or_else(|| CryptoError::UnknownKeyId {
            key_id: id.as_str().to_owned(),
        })?;
        resolve_key(id.as_str(), reference, self.source)
    }
}

/// Resolves `reference` and decodes it as a base64 key; errors name `name`.
pub(crate) fn resolve_key(
    name: &str,
    reference: &SecretRef,
    source: &dyn SecretSource,
) -> Result<KeyMaterial, CryptoError> {
    let text = reference
        .resolve_with(source)
        .map_err(|source| CryptoError::InvalidKey {
            key_id: name.to_owned(),
            reason: format!("cannot be read from {}", reference.origin()),
            source: Some(source),
        })?;
    KeyMaterial::from_base64(text.expose_secret()).map_err(|err| match err {
        CryptoError::InvalidKey { reason, .. } => invalid(name, &reason),
        other => other,
    })
}

fn invalid(key_id: &str, reason: &str) -> CryptoError {
    CryptoError::InvalidKey {
        key_id: key_id.to_owned(),
        reason: reason.to_owned(),
        source: None,
    }
}

pub(crate) fn is_key_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyMaterial([REDACTED])")
    }
}

impl fmt::Debug for StaticKeys<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticKeys")
            .field("keys", &self.refs)
            .field("primary", &self.primary)
            .finish_non_exhaustive()
    }
}
