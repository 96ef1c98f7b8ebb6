//! `FieldCipher`, `BlindIndex` and `SubjectKeys`. Errors are thrown as
//! `Error` objects with a `code` such as `crypto.decrypt_failed`.

use std::collections::HashMap;

use halo_core::crypto::{self as core, CryptoError, KeyId, KeyMaterial};
use napi::bindgen_prelude::{Buffer, Unknown};
use napi::{Env, Result};
use napi_derive::napi;
use serde_json::Value;

use crate::config::Config;
use crate::errors::throw_crypto_error;
use crate::js::{self, Handle, Js};

/// AES-256-GCM field encryption into `hc1.<key id>.<nonce>.<ciphertext>`
/// envelopes bound to a field name and a context (record id or tenant).
#[napi]
#[derive(Debug)]
pub struct FieldCipher {
    inner: core::FieldCipher,
}

/// Keyed, truncated HMAC-SHA256 of normalised values, for equality search
/// over encrypted emails and phones. Deterministic: it reveals which records
/// share a value.
#[napi]
#[derive(Debug)]
pub struct BlindIndex {
    inner: core::BlindIndex,
}

/// A data key per data subject, wrapped by the keyring; `forget` destroys
/// it, so every envelope of that subject becomes unreadable.
#[napi]
#[derive(Debug)]
pub struct SubjectKeys {
    inner: core::SubjectKeys,
}

#[napi]
impl FieldCipher {
    /// A cipher over `keys` (key id to 32 bytes in standard base64).
    /// `primary` may be left out with one key; `fields` defaults to
    /// `email`, `phone`, `social_security_number`, `bank_account_details`.
    #[napi(factory)]
    pub fn from_keys(
        env: Env,
        keys: HashMap<String, String>,
        primary: Option<String>,
        fields: Option<Vec<String>>,
    ) -> Result<Self> {
        let keyring = keyring(keys, primary).map_err(|e| throw_crypto_error(&env, &e))?;
        let mut inner = core::FieldCipher::new(keyring);
        if let Some(fields) = fields {
            inner = inner.with_fields(fields);
        }
        Ok(Self { inner })
    }

    /// The cipher of `security.encryption.at_rest`, its keys read from the
    /// environment and files.
    #[napi(factory)]
    pub fn from_config(env: Env, config: &Config) -> Result<Self> {
        let source = halo_core::secret::SystemSource;
        let inner = core::FieldCipher::from_config(config.inner(), &source);
        Ok(Self {
            inner: inner.map_err(|e| throw_crypto_error(&env, &e))?,
        })
    }

    /// Encrypts `plaintext` bound to `field` and `context`.
    #[napi(ts_args_type = "field: string, context: string, plaintext: Buffer")]
    pub fn encrypt_field(
        &self,
        env: Env,
        field: Unknown<'_>,
        context: Unknown<'_>,
        plaintext: &[u8],
    ) -> Result<String> {
        // Both names in one buffer: one allocation, usually one copy each.
        let js = Js::new(&env);
        let mut text = Vec::with_capacity(128);
        let field = js.read(Handle::of(&field), &mut text)?;
        let context = js.read(Handle::of(&context), &mut text)?;
        let (field, context) = (js::text(&text, field)?, js::text(&text, context)?);
        let envelope = self.inner.encrypt_field(field, context, plaintext);
        envelope.map_err(|e| throw_crypto_error(&env, &e))
    }

    /// Decrypts an envelope of `field` and `context`.
    #[napi]
    pub fn decrypt_field(
        &self,
        env: Env,
        field: String,
        context: String,
        envelope: String,
    ) -> Result<Buffer> {
        let plaintext = self.inner.decrypt_field(&field, &context, &envelope);
        Ok(plaintext
            .map_err(|e| throw_crypto_error(&env, &e))?
            .to_vec()
            .into())
    }

    /// A copy of `record` with the configured fields encrypted.
    #[napi]
    pub fn encrypt_record(&self, env: Env, context: String, record: Value) -> Result<Value> {
        let out = self.inner.encrypt_record(&context, &record);
        out.map_err(|e| throw_crypto_error(&env, &e))
    }

    /// A copy of `record` with the configured fields decrypted.
    #[napi]
    pub fn decrypt_record(&self, env: Env, context: String, record: Value) -> Result<Value> {
        let out = self.inner.decrypt_record(&context, &record);
        out.map_err(|e| throw_crypto_error(&env, &e))
    }

    /// A copy of an encrypted `record` with fields under older keys moved
    /// to the primary key.
    #[napi]
    pub fn reencrypt_record(&self, env: Env, context: String, record: Value) -> Result<Value> {
        let out = self.inner.reencrypt_record(&context, &record);
        out.map_err(|e| throw_crypto_error(&env, &e))
    }

    /// Whether `envelope` is under a key other than the primary key.
    #[napi]
    pub fn needs_reencrypt(&self, env: Env, envelope: String) -> Result<bool> {
        let needs = self.inner.needs_reencrypt(&envelope);
        needs.map_err(|e| throw_crypto_error(&env, &e))
    }

    /// `envelope` decrypted and encrypted again under the primary key.
    #[napi]
    pub fn reencrypt(
        &self,
        env: Env,
        field: String,
        context: String,
        envelope: String,
    ) -> Result<String> {
        let out = self.inner.reencrypt(&field, &context, &envelope);
        out.map_err(|e| throw_crypto_error(&env, &e))
    }

    /// Adds (or replaces) key `keyId`.
    #[napi]
    pub fn add_key(&mut self, env: Env, key_id: String, key: String) -> Result<()> {
        let parsed = KeyId::new(key_id).and_then(|id| Ok((id, KeyMaterial::from_base64(&key)?)));
        let (id, key) = parsed.map_err(|e| throw_crypto_error(&env, &e))?;
        self.inner.keyring_mut().insert(id, key);
        Ok(())
    }

    /// Makes `keyId` the primary key.
    #[napi]
    pub fn set_primary(&mut self, env: Env, key_id: String) -> Result<()> {
        let result = KeyId::new(key_id).and_then(|id| self.inner.keyring_mut().set_primary(&id));
        result.map_err(|e| throw_crypto_error(&env, &e))
    }

    /// Removes key `keyId` (not the primary key).
    #[napi]
    pub fn remove_key(&mut self, env: Env, key_id: String) -> Result<()> {
        let result = KeyId::new(key_id).and_then(|id| self.inner.keyring_mut().remove(&id));
        result.map_err(|e| throw_crypto_error(&env, &e))
    }

    /// The id new data is encrypted under.
    #[napi(getter)]
    pub fn primary_key_id(&self) -> String {
        self.inner.keyring().primary().to_string()
    }

    /// Every key id, in order.
    #[napi(getter)]
    pub fn key_ids(&self) -> Vec<String> {
        self.inner
            .keyring()
            .ids()
            .map(ToString::to_string)
            .collect()
    }

    /// The record fields that are encrypted.
    #[napi(getter)]
    pub fn fields(&self) -> Vec<String> {
        self.inner.fields().to_vec()
    }
}

#[napi]
impl BlindIndex {
    /// An index under `key` (32 bytes, standard base64) keeping `length`
    /// bytes of the HMAC (8 to 32, default 16).
    #[napi(factory)]
    pub fn from_key(env: Env, key: String, length: Option<u32>) -> Result<Self> {
        let length = length.map_or(16, |n| n as usize);
        let inner = KeyMaterial::from_base64(&key).and_then(|k| core::BlindIndex::new(k, length));
        Ok(Self {
            inner: inner.map_err(|e| throw_crypto_error(&env, &e))?,
        })
    }

    /// The index of `security.encryption.at_rest`.
    #[napi(factory)]
    pub fn from_config(env: Env, config: &Config) -> Result<Self> {
        let source = halo_core::secret::SystemSource;
        let inner = core::BlindIndex::from_config(config.inner(), &source);
        Ok(Self {
            inner: inner.map_err(|e| throw_crypto_error(&env, &e))?,
        })
    }

    /// The index of `value` in `field`.
    #[napi]
    pub fn index(&self, env: Env, field: String, value: String) -> Result<String> {
        let index = self.inner.index(&field, &value);
        index.map_err(|e| throw_crypto_error(&env, &e))
    }
}

impl SubjectKeys {
    /// The core subject keys.
    pub(crate) fn inner(&self) -> &core::SubjectKeys {
        &self.inner
    }
}

#[napi]
impl SubjectKeys {
    /// Subject keys wrapped by `keys`, kept in files under `storeDir`, or in
    /// memory when it is left out.
    #[napi(factory)]
    pub fn create(
        env: Env,
        keys: HashMap<String, String>,
        primary: Option<String>,
        store_dir: Option<String>,
        fields: Option<Vec<String>>,
    ) -> Result<Self> {
        let built = keyring(keys, primary).and_then(|keyring| match store_dir {
            Some(dir) => Ok(core::SubjectKeys::new(
                keyring,
                core::FileKeyStore::open(dir)?,
            )),
            None => Ok(core::SubjectKeys::new(keyring, core::MemoryKeyStore::new())),
        });
        let mut inner = built.map_err(|e| throw_crypto_error(&env, &e))?;
        if let Some(fields) = fields {
            inner = inner.with_fields(fields);
        }
        Ok(Self { inner })
    }

    /// Encrypts `plaintext` of `field` for `subject`.
    #[napi]
    pub fn encrypt_field(
        &self,
        env: Env,
        subject: String,
        field: String,
        plaintext: Buffer,
    ) -> Result<String> {
        let envelope = self.inner.encrypt_field(&subject, &field, &plaintext);
        envelope.map_err(|e| throw_crypto_error(&env, &e))
    }

    /// Decrypts an envelope of `subject`'s `field`; throws
    /// `crypto.subject_forgotten` once the subject is forgotten.
    #[napi]
    pub fn decrypt_field(
        &self,
        env: Env,
        subject: String,
        field: String,
        envelope: String,
    ) -> Result<Buffer> {
        let plaintext = self.inner.decrypt_field(&subject, &field, &envelope);
        Ok(plaintext
            .map_err(|e| throw_crypto_error(&env, &e))?
            .to_vec()
            .into())
    }

    /// A copy of `record` with the configured fields encrypted for `subject`.
    #[napi]
    pub fn encrypt_record(&self, env: Env, subject: String, record: Value) -> Result<Value> {
        let out = self.inner.encrypt_record(&subject, &record);
        out.map_err(|e| throw_crypto_error(&env, &e))
    }

    /// A copy of `record` with the configured fields decrypted.
    #[napi]
    pub fn decrypt_record(&self, env: Env, subject: String, record: Value) -> Result<Value> {
        let out = self.inner.decrypt_record(&subject, &record);
        out.map_err(|e| throw_crypto_error(&env, &e))
    }

    /// Destroys `subject`'s key; returns whether there was one.
    #[napi]
    pub fn forget(&self, env: Env, subject: String) -> Result<bool> {
        let forgot = self.inner.forget(&subject);
        forgot.map_err(|e| throw_crypto_error(&env, &e))
    }

    /// Re-wraps `subject`'s key under the primary key; returns whether it did.
    #[napi]
    pub fn rewrap(&self, env: Env, subject: String) -> Result<bool> {
        let done = self.inner.rewrap(&subject);
        done.map_err(|e| throw_crypto_error(&env, &e))
    }
}

pub(crate) fn keyring(
    keys: HashMap<String, String>,
    primary: Option<String>,
) -> std::result::Result<core::Keyring, CryptoError> {
    let mut entries = Vec::with_capacity(keys.len());
    for (id, key) in keys {
        entries.push((KeyId::new(id)?, KeyMaterial::from_base64(&key)?));
    }
    let primary = primary.map(KeyId::new).transpose()?;
    core::Keyring::from_keys(entries, primary)
}
