//! [`FieldCipher`] and [`BlindIndex`]. Failures are
//! `HaloCoreError::Crypto` with a code such as `crypto.decrypt_failed`.
//!
//! Keys are 32 bytes, given raw or in standard base64, by key id; each is
//! moved into the core's zeroizing key type at once.

use std::collections::HashMap;
use std::sync::Arc;

use halo_core::crypto::{self as core, KeyId, KeyMaterial};
use halo_core::secret::SystemSource;
use zeroize::Zeroizing;

use crate::config::Config;
use crate::errors::{HaloCoreError, Result};
use crate::lead::to_json;

/// AES-256-GCM field encryption into `hc1.<key id>.<nonce>.<ciphertext>`
/// envelopes bound to a field name and a context (record id or tenant).
#[derive(Debug, uniffi::Object)]
pub struct FieldCipher {
    inner: core::FieldCipher,
}

/// Keyed, truncated HMAC-SHA256 of normalised values, for equality search
/// over encrypted emails and phones. Deterministic: it reveals which records
/// share a value.
#[derive(Debug, uniffi::Object)]
pub struct BlindIndex {
    inner: core::BlindIndex,
}

#[uniffi::export]
impl FieldCipher {
    /// A cipher over `keys` (key id to 32 bytes in standard base64).
    /// `primary` may be left out with one key; `fields` (the record fields
    /// encrypted) defaults to `email`, `phone`, `social_security_number`,
    /// `bank_account_details`.
    #[uniffi::constructor(default(primary = None, fields = None))]
    pub fn from_base64_keys(
        keys: HashMap<String, String>,
        primary: Option<String>,
        fields: Option<Vec<String>>,
    ) -> Result<Arc<Self>> {
        let mut entries = Vec::with_capacity(keys.len());
        for (id, key) in keys {
            let key = Zeroizing::new(key);
            entries.push((KeyId::new(id)?, KeyMaterial::from_base64(&key)?));
        }
        Self::build(entries, primary, fields)
    }

    /// A cipher over `keys` (key id to 32 raw bytes); otherwise as
    /// `from_base64_keys`.
    #[uniffi::constructor(default(primary = None, fields = None))]
    pub fn from_raw_keys(
        keys: HashMap<String, Vec<u8>>,
        primary: Option<String>,
        fields: Option<Vec<String>>,
    ) -> Result<Arc<Self>> {
        let mut entries = Vec::with_capacity(keys.len());
        for (id, key) in keys {
            let key = Zeroizing::new(key);
            entries.push((KeyId::new(id)?, KeyMaterial::from_slice(&key)?));
        }
        Self::build(entries, primary, fields)
    }

    /// The cipher of `security.encryption.at_rest`, its keys read from the
    /// process environment and files.
    #[uniffi::constructor]
    pub fn from_config_and_environment(config: &Config) -> Result<Arc<Self>> {
        let inner = core::FieldCipher::from_config(config.inner(), &SystemSource)?;
        Ok(Arc::new(Self { inner }))
    }

    /// Encrypts `plaintext` bound to `field` and `context`.
    pub fn encrypt_field(
        &self,
        field: String,
        context: String,
        plaintext: Vec<u8>,
    ) -> Result<String> {
        let plaintext = Zeroizing::new(plaintext);
        Ok(self.inner.encrypt_field(&field, &context, &plaintext)?)
    }

    /// Decrypts an envelope of `field` and `context`; `crypto.decrypt_failed`
    /// when the envelope, field or context does not match.
    pub fn decrypt_field(
        &self,
        field: String,
        context: String,
        envelope: String,
    ) -> Result<Vec<u8>> {
        let plaintext = self.inner.decrypt_field(&field, &context, &envelope)?;
        Ok(plaintext.to_vec())
    }

    /// A copy of a JSON record (as text) with the configured fields
    /// encrypted, as compact JSON text.
    pub fn encrypt_record(&self, context: String, json: String) -> Result<String> {
        let record = parse(&json)?;
        to_json(&self.inner.encrypt_record(&context, &record)?)
    }

    /// A copy of a JSON record (as text) with the configured fields
    /// decrypted, as compact JSON text.
    pub fn decrypt_record(&self, context: String, json: String) -> Result<String> {
        let record = parse(&json)?;
        to_json(&self.inner.decrypt_record(&context, &record)?)
    }

    /// Whether `envelope` is under a key other than the primary key.
    pub fn needs_reencrypt(&self, envelope: String) -> Result<bool> {
        Ok(self.inner.needs_reencrypt(&envelope)?)
    }

    /// The id new data is encrypted under.
    pub fn primary_key_id(&self) -> String {
        self.inner.keyring().primary().to_string()
    }

    /// Every key id, in order.
    pub fn key_ids(&self) -> Vec<String> {
        let ids = self.inner.keyring().ids();
        ids.map(ToString::to_string).collect()
    }

    /// The record fields that are encrypted.
    pub fn fields(&self) -> Vec<String> {
        self.inner.fields().to_vec()
    }
}

impl FieldCipher {
    fn build(
        entries: Vec<(KeyId, KeyMaterial)>,
        primary: Option<String>,
        fields: Option<Vec<String>>,
    ) -> Result<Arc<Self>> {
        let primary = primary.map(KeyId::new).transpose()?;
        let mut inner = core::FieldCipher::new(core::Keyring::from_keys(entries, primary)?);
        if let Some(fields) = fields {
            inner = inner.with_fields(fields);
        }
        Ok(Arc::new(Self { inner }))
    }
}

#[uniffi::export]
impl BlindIndex {
    /// An index under `key` (32 bytes, standard base64) keeping `length`
    /// bytes of the HMAC (8 to 32; default 16).
    #[uniffi::constructor(default(length = 16))]
    pub fn from_base64_key(key: String, length: u32) -> Result<Arc<Self>> {
        let key = Zeroizing::new(key);
        let inner = core::BlindIndex::new(KeyMaterial::from_base64(&key)?, length as usize)?;
        Ok(Arc::new(Self { inner }))
    }

    /// An index under `key` (32 raw bytes); otherwise as `from_base64_key`.
    #[uniffi::constructor(default(length = 16))]
    pub fn from_raw_key(key: Vec<u8>, length: u32) -> Result<Arc<Self>> {
        let key = Zeroizing::new(key);
        let inner = core::BlindIndex::new(KeyMaterial::from_slice(&key)?, length as usize)?;
        Ok(Arc::new(Self { inner }))
    }

    /// The index of `security.encryption.at_rest`, its key read from the
    /// process environment and files.
    #[uniffi::constructor]
    pub fn from_config_and_environment(config: &Config) -> Result<Arc<Self>> {
        let inner = core::BlindIndex::from_config(config.inner(), &SystemSource)?;
        Ok(Arc::new(Self { inner }))
    }

    /// The index of `value` in `field`.
    pub fn index(&self, field: String, value: String) -> Result<String> {
        Ok(self.inner.index(&field, &value)?)
    }
}

fn parse(json: &str) -> Result<serde_json::Value> {
    serde_json::from_str(json)
        .map_err(|_| HaloCoreError::invalid_argument("the record is not JSON"))
}
