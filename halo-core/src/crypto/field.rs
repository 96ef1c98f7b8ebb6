//! Field encryption under the keyring: single fields and whole records.

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::aead::{Cipher, random_nonce};
use super::envelope::{Envelope, EnvelopeKind, associated_data};
use super::{CryptoError, Keyring};
use crate::config::Config;
use crate::secret::SecretSource;

/// Encrypts and decrypts record fields into text envelopes.
///
/// Each envelope is bound to its field name and a context (a record id or a
/// tenant): an envelope copied to another field or record fails to decrypt.
#[derive(Debug)]
pub struct FieldCipher {
    keyring: Keyring,
    fields: Vec<String>,
}

impl FieldCipher {
    /// A cipher over `keyring` for the guide's default fields: `email`,
    /// `phone`, `social_security_number`, `bank_account_details`.
    pub fn new(keyring: Keyring) -> Self {
        let defaults = crate::config::AtRest::default().encrypted_fields;
        Self {
            keyring,
            fields: defaults,
        }
    }

    /// The cipher of `security.encryption.at_rest`: its keys (see
    /// [`Keyring::from_config`]) and its `encrypted_fields`.
    ///
    /// Fails with `crypto.disabled` when `enabled` is false, so that a
    /// caller never believes data is encrypted when it is not.
    pub fn from_config(config: &Config, source: &dyn SecretSource) -> Result<Self, CryptoError> {
        let at_rest = &config.security.encryption.at_rest;
        if !at_rest.enabled {
            return Err(CryptoError::Disabled);
        }
        let keyring = Keyring::from_config(config, source)?;
        Ok(Self::new(keyring).with_fields(at_rest.encrypted_fields.iter().cloned()))
    }

    /// Replaces the record fields that [`encrypt_record`](Self::encrypt_record)
    /// encrypts.
    pub fn with_fields(mut self, fields: impl IntoIterator<Item = String>) -> Self {
        self.fields = fields.into_iter().collect();
        self
    }

    /// The record fields that are encrypted.
    pub fn fields(&self) -> &[String] {
        &self.fields
    }

    /// The keyring.
    pub fn keyring(&self) -> &Keyring {
        &self.keyring
    }

    /// The keyring, to add keys, change the primary key or remove keys.
    pub fn keyring_mut(&mut self) -> &mut Keyring {
        &mut self.keyring
    }

    /// Encrypts `plaintext` under the primary key with a fresh random nonce,
    /// bound to `field` and `context`.
    pub fn encrypt_field(
        &self,
        field: &str,
        context: &str,
        plaintext: &[u8],
    ) -> Result<String, CryptoError> {
        let (id, cipher) = self.keyring.primary_cipher()?;
        seal(
            cipher,
            EnvelopeKind::Keyring,
            id.as_str(),
            field,
            context,
            plaintext,
        )
    }

    /// Decrypts an envelope made by [`encrypt_field`](Self::encrypt_field)
    /// with the same `field` and `context`.
    ///
    /// Fails with `crypto.malformed_envelope`, `crypto.unknown_key_id`, or
    /// `crypto.decrypt_failed` (which says nothing about why).
    pub fn decrypt_field(
        &self,
        field: &str,
        context: &str,
        envelope: &str,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let envelope = parse_kind(envelope, EnvelopeKind::Keyring)?;
        let cipher = self.keyring.cipher(envelope.key_id())?;
        open(cipher, envelope, field, context)
    }

    /// Whether `envelope` is under a key other than the primary key.
    pub fn needs_reencrypt(&self, envelope: &str) -> Result<bool, CryptoError> {
        let envelope = parse_kind(envelope, EnvelopeKind::Keyring)?;
        Ok(envelope.key_id() != self.keyring.primary().as_str())
    }

    /// Decrypts `envelope` and encrypts it again under the primary key (with
    /// a fresh nonce, even when it already was under the primary key).
    pub fn reencrypt(
        &self,
        field: &str,
        context: &str,
        envelope: &str,
    ) -> Result<String, CryptoError> {
        let plaintext = self.decrypt_field(field, context, envelope)?;
        self.encrypt_field(field, context, &plaintext)
    }

    /// A copy of `record` (a JSON object) with every configured field that
    /// is present and not `null` replaced by an envelope of its JSON text.
    ///
    /// Only top-level fields are encrypted. The JSON text is what is
    /// encrypted, so that numbers, objects and strings all decrypt to the
    /// same value: `"a@b.example"` is encrypted with its quotes.
    pub fn encrypt_record(&self, context: &str, record: &Value) -> Result<Value, CryptoError> {
        self.map_record(record, |field, value| {
            let text = Zeroizing::new(value.to_string());
            Ok(Value::String(self.encrypt_field(
                field,
                context,
                text.as_bytes(),
            )?))
        })
    }

    /// The inverse of [`encrypt_record`](Self::encrypt_record): every
    /// configured field that is present and not `null` must be an envelope.
    pub fn decrypt_record(&self, context: &str, record: &Value) -> Result<Value, CryptoError> {
        self.map_record(record, |field, value| {
            let envelope = value
                .as_str()
                .ok_or(CryptoError::malformed("not a string"))?;
            let text = self.decrypt_field(field, context, envelope)?;
            serde_json::from_slice(&text).map_err(|_| CryptoError::MalformedRecord {
                reason: "a decrypted field is not JSON",
            })
        })
    }

    /// A copy of an encrypted `record` with every configured field under a
    /// key other than the primary key re-encrypted under the primary key.
    pub fn reencrypt_record(&self, context: &str, record: &Value) -> Result<Value, CryptoError> {
        self.map_record(record, |field, value| {
            let envelope = value
                .as_str()
                .ok_or(CryptoError::malformed("not a string"))?;
            if self.needs_reencrypt(envelope)? {
                Ok(Value::String(self.reencrypt(field, context, envelope)?))
            } else {
                Ok(value.clone())
            }
        })
    }

    fn map_record(
        &self,
        record: &Value,
        f: impl FnMut(&str, &Value) -> Result<Value, CryptoError>,
    ) -> Result<Value, CryptoError> {
        map_fields(&self.fields, record, f)
    }
}

/// A copy of `record` (a JSON object) with `f` applied to each of `fields`
/// that is present and not `null`.
pub(crate) fn map_fields(
    fields: &[String],
    record: &Value,
    mut f: impl FnMut(&str, &Value) -> Result<Value, CryptoError>,
) -> Result<Value, CryptoError> {
    let object = record.as_object().ok_or(CryptoError::MalformedRecord {
        reason: "a record must be a JSON object",
    })?;
    let mut out = Map::with_capacity(object.len());
    for (name, value) in object {
        let mapped = if value.is_null() || !fields.iter().any(|f| f == name) {
            value.clone()
        } else {
            f(name, value)?
        };
        out.insert(name.clone(), mapped);
    }
    Ok(Value::Object(out))
}

/// Encrypts under `cipher` with a fresh nonce into envelope text.
pub(crate) fn seal(
    cipher: &Cipher,
    kind: EnvelopeKind,
    key_id: &str,
    field: &str,
    context: &str,
    plaintext: &[u8],
) -> Result<String, CryptoError> {
    let aad = associated_data(kind, key_id, field, context)?;
    let nonce = random_nonce()?;
    let sealed = cipher.seal(&nonce, &aad, plaintext)?;
    Ok(Envelope::encode(kind, key_id, &nonce, &sealed))
}

/// Decrypts a parsed envelope under `cipher`.
pub(crate) fn open(
    cipher: &Cipher,
    envelope: Envelope,
    field: &str,
    context: &str,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let aad = associated_data(envelope.kind(), envelope.key_id(), field, context)?;
    let nonce = *envelope.nonce();
    cipher.open(&nonce, &aad, envelope.into_sealed())
}

/// Parses `text`, requiring envelope kind `kind`.
pub(crate) fn parse_kind(text: &str, kind: EnvelopeKind) -> Result<Envelope, CryptoError> {
    let envelope = Envelope::parse(text)?;
    if envelope.kind() != kind {
        return Err(CryptoError::malformed("envelope of another kind"));
    }
    Ok(envelope)
}
