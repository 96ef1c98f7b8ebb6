//! Per-subject data keys: crypto-shredding for erasure requests.

use std::fmt;
use std::sync::{Mutex, PoisonError};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use zeroize::Zeroizing;

use super::aead::Cipher;
use super::envelope::EnvelopeKind;
use super::field::{map_fields, open, parse_kind, seal};
use super::{CryptoError, KeyMaterial, Keyring, SubjectKeyStore, WrappedKey};

/// Bytes of randomness in a key generation id (12 base64url characters).
const GENERATION_BYTES: usize = 9;

/// Encrypts each data subject's fields under a data key of their own,
/// wrapped by the keyring and kept in a [`SubjectKeyStore`].
///
/// [`forget`](Self::forget) deletes the wrapped key, after which every
/// envelope of that subject fails with `crypto.subject_forgotten`, wherever
/// copies of the envelopes went (databases, exports, backups). That is
/// crypto-shredding: erasure by destroying the only key.
///
/// Envelopes are bound to the subject id and the field name, so an envelope
/// moved to another subject or field fails. Encrypting for a forgotten
/// subject creates a new key; the old envelopes stay unreadable.
pub struct SubjectKeys {
    keyring: Keyring,
    store: Box<dyn SubjectKeyStore>,
    fields: Vec<String>,
    creating: Mutex<()>,
}

impl SubjectKeys {
    /// Subject keys wrapped by `keyring`, kept in `store`, for the guide's
    /// default fields.
    pub fn new(keyring: Keyring, store: impl SubjectKeyStore + 'static) -> Self {
        Self {
            keyring,
            store: Box::new(store),
            fields: crate::config::AtRest::default().encrypted_fields,
            creating: Mutex::new(()),
        }
    }

    /// Replaces the record fields that
    /// [`encrypt_record`](Self::encrypt_record) encrypts.
    pub fn with_fields(mut self, fields: impl IntoIterator<Item = String>) -> Self {
        self.fields = fields.into_iter().collect();
        self
    }

    /// The keyring that wraps the subject keys.
    pub fn keyring(&self) -> &Keyring {
        &self.keyring
    }

    /// The keyring, to rotate the wrapping keys.
    pub fn keyring_mut(&mut self) -> &mut Keyring {
        &mut self.keyring
    }

    /// Encrypts `plaintext` for `subject` (an opaque subject id, such as a
    /// lead id), creating the subject's key on first use.
    pub fn encrypt_field(
        &self,
        subject: &str,
        field: &str,
        plaintext: &[u8],
    ) -> Result<String, CryptoError> {
        let (generation, cipher) = self.key_for_writing(subject)?;
        seal(
            &cipher,
            EnvelopeKind::Subject,
            &generation,
            field,
            subject,
            plaintext,
        )
    }

    /// Decrypts an envelope of `subject`'s `field`. Fails with
    /// `crypto.subject_forgotten` once the subject's key is gone.
    pub fn decrypt_field(
        &self,
        subject: &str,
        field: &str,
        envelope: &str,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let envelope = parse_kind(envelope, EnvelopeKind::Subject)?;
        let stored = self
            .store
            .load(subject)?
            .ok_or(CryptoError::SubjectForgotten)?;
        if stored.generation != envelope.key_id() {
            return Err(CryptoError::SubjectForgotten);
        }
        let cipher = self.unwrap(subject, &stored)?;
        open(&cipher, envelope, field, subject)
    }

    /// A copy of `record` with the configured fields encrypted for
    /// `subject`, as [`FieldCipher::encrypt_record`](super::FieldCipher::encrypt_record)
    /// does.
    pub fn encrypt_record(&self, subject: &str, record: &Value) -> Result<Value, CryptoError> {
        map_fields(&self.fields, record, |field, value| {
            let text = Zeroizing::new(value.to_string());
            Ok(Value::String(self.encrypt_field(
                subject,
                field,
                text.as_bytes(),
            )?))
        })
    }

    /// The inverse of [`encrypt_record`](Self::encrypt_record).
    pub fn decrypt_record(&self, subject: &str, record: &Value) -> Result<Value, CryptoError> {
        map_fields(&self.fields, record, |field, value| {
            let envelope = value
                .as_str()
                .ok_or(CryptoError::malformed("not a string"))?;
            let text = self.decrypt_field(subject, field, envelope)?;
            serde_json::from_slice(&text).map_err(|_| CryptoError::MalformedRecord {
                reason: "a decrypted field is not JSON",
            })
        })
    }

    /// Destroys `subject`'s key; returns whether there was one.
    pub fn forget(&self, subject: &str) -> Result<bool, CryptoError> {
        self.store.remove(subject)
    }

    /// Whether `subject` has a key.
    pub fn has_key(&self, subject: &str) -> Result<bool, CryptoError> {
        Ok(self.store.load(subject)?.is_some())
    }

    /// Re-wraps `subject`'s key under the keyring's primary key if it is
    /// under another; returns whether it did. The data key, and so every
    /// envelope, is unchanged.
    pub fn rewrap(&self, subject: &str) -> Result<bool, CryptoError> {
        let Some(stored) = self.store.load(subject)? else {
            return Ok(false);
        };
        let wrapped = parse_kind(&stored.wrapped, EnvelopeKind::Keyring)?;
        if wrapped.key_id() == self.keyring.primary().as_str() {
            return Ok(false);
        }
        let key = self.unwrap_material(subject, &stored)?;
        let rewrapped = self.wrap(subject, &stored.generation, &key)?;
        self.store.replace(subject, &rewrapped)?;
        Ok(true)
    }

    fn key_for_writing(&self, subject: &str) -> Result<(String, Cipher), CryptoError> {
        let _guard = self.creating.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(stored) = self.store.load(subject)? {
            return Ok((stored.generation.clone(), self.unwrap(subject, &stored)?));
        }

        let key = KeyMaterial::generate()?;
        let generation = new_generation()?;
        let wrapped = self.wrap(subject, &generation, &key)?;
        if self.store.insert_new(subject, &wrapped)? {
            return Ok((generation, Cipher::new(&key)));
        }
        // Another process created the key first: use theirs.
        let stored = self
            .store
            .load(subject)?
            .ok_or(CryptoError::SubjectForgotten)?;
        Ok((stored.generation.clone(), self.unwrap(subject, &stored)?))
    }

    fn wrap(
        &self,
        subject: &str,
        generation: &str,
        key: &KeyMaterial,
    ) -> Result<WrappedKey, CryptoError> {
        let (id, cipher) = self.keyring.primary_cipher()?;
        let field = wrap_field(generation);
        let wrapped = seal(
            cipher,
            EnvelopeKind::Keyring,
            id.as_str(),
            &field,
            subject,
            key.expose(),
        )?;
        Ok(WrappedKey {
            generation: generation.to_owned(),
            wrapped,
        })
    }

    fn unwrap_material(
        &self,
        subject: &str,
        stored: &WrappedKey,
    ) -> Result<KeyMaterial, CryptoError> {
        let envelope = parse_kind(&stored.wrapped, EnvelopeKind::Keyring)?;
        let cipher = self.keyring.cipher(envelope.key_id())?;
        let bytes = open(cipher, envelope, &wrap_field(&stored.generation), subject)?;
        KeyMaterial::from_slice(&bytes).map_err(|_| CryptoError::DecryptFailed)
    }

    fn unwrap(&self, subject: &str, stored: &WrappedKey) -> Result<Cipher, CryptoError> {
        Ok(Cipher::new(&self.unwrap_material(subject, stored)?))
    }
}

/// The field name a subject key is wrapped under.
fn wrap_field(generation: &str) -> String {
    format!("subject_key.{generation}")
}

fn new_generation() -> Result<String, CryptoError> {
    let mut bytes = [0u8; GENERATION_BYTES];
    getrandom::fill(&mut bytes).map_err(|_| CryptoError::Random)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

impl fmt::Debug for SubjectKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubjectKeys")
            .field("keyring", &self.keyring)
            .field("fields", &self.fields)
            .finish_non_exhaustive()
    }
}
