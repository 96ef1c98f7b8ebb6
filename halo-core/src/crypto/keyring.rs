//! The keyring: keys by id, one of them primary.

use std::collections::BTreeMap;
use std::fmt;

use super::aead::Cipher;
use super::{CryptoError, KeyId, KeyMaterial, KeyProvider, StaticKeys};
use crate::config::Config;
use crate::secret::SecretSource;

/// AES-256 keys under short key ids, one of them primary.
///
/// New data is encrypted under the primary key; data under any other key in
/// the ring stays readable, which is what makes rotation work without
/// downtime: add the new key, make it primary, re-encrypt at leisure
/// ([`FieldCipher::reencrypt`](super::FieldCipher::reencrypt)), then remove
/// the old key. Key material is zeroized on drop and `Debug` shows ids only.
pub struct Keyring {
    keys: BTreeMap<KeyId, Entry>,
    primary: KeyId,
}

// The material itself is dropped (and zeroized) once expanded; the cipher
// zeroizes its round keys on drop.
struct Entry {
    cipher: Cipher,
}

impl Keyring {
    /// A ring with a single key, which is primary.
    pub fn new(id: KeyId, key: KeyMaterial) -> Self {
        let mut keys = BTreeMap::new();
        keys.insert(id.clone(), Entry::new(key));
        Self { keys, primary: id }
    }

    /// The keys of `security.encryption.at_rest`, resolved through `source`.
    ///
    /// Fails with `crypto.provider_required` unless `key_management` is
    /// `static`, `crypto.no_key` when no key is configured, and
    /// `crypto.invalid_key` when a key cannot be read or is not 32 bytes of
    /// base64.
    pub fn from_config(config: &Config, source: &dyn SecretSource) -> Result<Self, CryptoError> {
        Self::from_provider(&StaticKeys::from_config(config, source)?)
    }

    /// A ring of `keys`, with `primary` the key new data is encrypted under;
    /// `primary` may be left out when there is exactly one key.
    pub fn from_keys(
        keys: impl IntoIterator<Item = (KeyId, KeyMaterial)>,
        primary: Option<KeyId>,
    ) -> Result<Self, CryptoError> {
        let keys: BTreeMap<KeyId, Entry> = keys
            .into_iter()
            .map(|(id, key)| (id, Entry::new(key)))
            .collect();
        let primary = match primary {
            Some(id) => id,
            None if keys.len() == 1 => keys.keys().next().cloned().ok_or(CryptoError::NoKey {
                what: "primary key",
            })?,
            None => {
                return Err(CryptoError::NoKey {
                    what: "primary key",
                });
            }
        };
        if !keys.contains_key(&primary) {
            return Err(CryptoError::UnknownKeyId {
                key_id: primary.as_str().to_owned(),
            });
        }
        Ok(Self { keys, primary })
    }

    /// Every key of `provider`.
    pub fn from_provider(provider: &dyn KeyProvider) -> Result<Self, CryptoError> {
        let primary = provider.primary_key_id().ok_or(CryptoError::NoKey {
            what: "primary key",
        })?;
        let mut keys = Vec::new();
        for id in provider.key_ids() {
            let key = provider.key(&id)?;
            keys.push((id, key));
        }
        Self::from_keys(keys, Some(primary))
    }

    /// Adds key `id`, replacing a key of the same id.
    pub fn insert(&mut self, id: KeyId, key: KeyMaterial) {
        self.keys.insert(id, Entry::new(key));
    }

    /// Makes `id` the primary key; it must be in the ring.
    pub fn set_primary(&mut self, id: &KeyId) -> Result<(), CryptoError> {
        if !self.keys.contains_key(id) {
            return Err(CryptoError::UnknownKeyId {
                key_id: id.as_str().to_owned(),
            });
        }
        self.primary = id.clone();
        Ok(())
    }

    /// Removes key `id`, after which data under it cannot be decrypted.
    /// The primary key cannot be removed; make another key primary first.
    pub fn remove(&mut self, id: &KeyId) -> Result<(), CryptoError> {
        if *id == self.primary {
            return Err(CryptoError::InvalidKey {
                key_id: id.as_str().to_owned(),
                reason: "the primary key cannot be removed".to_owned(),
                source: None,
            });
        }
        match self.keys.remove(id) {
            Some(_) => Ok(()),
            None => Err(CryptoError::UnknownKeyId {
                key_id: id.as_str().to_owned(),
            }),
        }
    }

    /// The id new data is encrypted under.
    pub fn primary(&self) -> &KeyId {
        &self.primary
    }

    /// Every key id in the ring, in order.
    pub fn ids(&self) -> impl Iterator<Item = &KeyId> {
        self.keys.keys()
    }

    /// Whether the ring holds key `id`.
    pub fn contains(&self, id: &str) -> bool {
        KeyId::new(id).is_ok_and(|id| self.keys.contains_key(&id))
    }

    pub(crate) fn primary_cipher(&self) -> Result<(&KeyId, &Cipher), CryptoError> {
        let entry = self.keys.get(&self.primary).ok_or(CryptoError::NoKey {
            what: "primary key",
        })?;
        Ok((&self.primary, &entry.cipher))
    }

    pub(crate) fn cipher(&self, id: &str) -> Result<&Cipher, CryptoError> {
        let unknown = || CryptoError::UnknownKeyId {
            key_id: id.to_owned(),
        };
        let id = KeyId::new(id).map_err(|_| unknown())?;
        self.keys.get(&id).map(|e| &e.cipher).ok_or_else(unknown)
    }
}

impl Entry {
    fn new(material: KeyMaterial) -> Self {
        Self {
            cipher: Cipher::new(&material),
        }
    }
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("ids", &self.keys.keys().collect::<Vec<_>>())
            .field("primary", &self.primary)
            .finish()
    }
}
