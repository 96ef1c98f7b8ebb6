//! `halo_core.FieldCipher`, `BlindIndex` and `SubjectKeys`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use halo_core::crypto::{self as core, KeyId, KeyMaterial};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::config::Config;
use crate::errors::crypto_error;

/// Field encryption under a keyring of AES-256-GCM keys.
#[pyclass(module = "halo_core")]
pub(crate) struct FieldCipher {
    pub(crate) inner: core::FieldCipher,
}

/// Keyed blind indexes for equality search over encrypted values.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct BlindIndex {
    inner: core::BlindIndex,
}

/// A data key per data subject; `forget` destroys it.
#[pyclass(module = "halo_core")]
pub(crate) struct SubjectKeys {
    pub(crate) inner: core::SubjectKeys,
}

#[pymethods]
impl FieldCipher {
    /// A cipher over `keys` (key id to 32 bytes in standard base64), with
    /// `primary` the key new data is encrypted under (optional with one key).
    #[new]
    #[pyo3(signature = (keys, primary = None, fields = None))]
    fn new(
        keys: BTreeMap<String, String>,
        primary: Option<String>,
        fields: Option<Vec<String>>,
    ) -> PyResult<Self> {
        let mut inner = core::FieldCipher::new(keyring(keys, primary)?);
        if let Some(fields) = fields {
            inner = inner.with_fields(fields);
        }
        Ok(Self { inner })
    }

    /// The cipher of `security.encryption.at_rest`, its keys read from the
    /// environment and files.
    #[staticmethod]
    fn from_config(config: &Config) -> PyResult<Self> {
        let source = halo_core::secret::SystemSource;
        let inner = core::FieldCipher::from_config(config.inner(), &source);
        Ok(Self {
            inner: inner.map_err(|e| crypto_error(&e))?,
        })
    }

    /// Encrypts `plaintext` bound to `field` and `context`.
    fn encrypt_field(&self, field: &str, context: &str, plaintext: &[u8]) -> PyResult<String> {
        let envelope = self.inner.encrypt_field(field, context, plaintext);
        envelope.map_err(|e| crypto_error(&e))
    }

    /// Decrypts an envelope of `field` and `context`.
    fn decrypt_field<'py>(
        &self,
        py: Python<'py>,
        field: &str,
        context: &str,
        envelope: &str,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let plaintext = self.inner.decrypt_field(field, context, envelope);
        Ok(PyBytes::new(py, &plaintext.map_err(|e| crypto_error(&e))?))
    }

    /// A copy of `record` with the configured fields encrypted.
    fn encrypt_record<'py>(
        &self,
        py: Python<'py>,
        context: &str,
        record: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        map_json(py, record, |v| self.inner.encrypt_record(context, v))
    }

    /// A copy of `record` with the configured fields decrypted.
    fn decrypt_record<'py>(
        &self,
        py: Python<'py>,
        context: &str,
        record: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        map_json(py, record, |v| self.inner.decrypt_record(context, v))
    }

    /// A copy of an encrypted `record` with fields under older keys moved to
    /// the primary key.
    fn reencrypt_record<'py>(
        &self,
        py: Python<'py>,
        context: &str,
        record: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        map_json(py, record, |v| self.inner.reencrypt_record(context, v))
    }

    /// Whether `envelope` is under a key other than the primary key.
    fn needs_reencrypt(&self, envelope: &str) -> PyResult<bool> {
        self.inner
            .needs_reencrypt(envelope)
            .map_err(|e| crypto_error(&e))
    }

    /// `envelope` decrypted and encrypted again under the primary key.
    fn reencrypt(&self, field: &str, context: &str, envelope: &str) -> PyResult<String> {
        let envelope = self.inner.reencrypt(field, context, envelope);
        envelope.map_err(|e| crypto_error(&e))
    }

    /// Adds (or replaces) key `key_id`.
    fn add_key(&mut self, key_id: &str, key: &str) -> PyResult<()> {
        let (id, key) = (key_id_of(key_id)?, material(key)?);
        self.inner.keyring_mut().insert(id, key);
        Ok(())
    }

    /// Makes `key_id` the primary key.
    fn set_primary(&mut self, key_id: &str) -> PyResult<()> {
        let id = key_id_of(key_id)?;
        let result = self.inner.keyring_mut().set_primary(&id);
        result.map_err(|e| crypto_error(&e))
    }

    /// Removes key `key_id` (not the primary key).
    fn remove_key(&mut self, key_id: &str) -> PyResult<()> {
        let id = key_id_of(key_id)?;
        let result = self.inner.keyring_mut().remove(&id);
        result.map_err(|e| crypto_error(&e))
    }

    /// The id new data is encrypted under.
    #[getter]
    fn primary_key_id(&self) -> String {
        self.inner.keyring().primary().to_string()
    }

    /// Every key id, in order.
    #[getter]
    fn key_ids(&self) -> Vec<String> {
        self.inner
            .keyring()
            .ids()
            .map(ToString::to_string)
            .collect()
    }

    /// The record fields that are encrypted.
    #[getter]
    fn fields(&self) -> Vec<String> {
        self.inner.fields().to_vec()
    }

    fn __repr__(&self) -> String {
        format!("FieldCipher(key_ids={:?})", self.key_ids())
    }
}

#[pymethods]
impl BlindIndex {
    /// An index under `key` (32 bytes, standard base64) keeping `length`
    /// bytes (8 to 32) of the HMAC.
    #[new]
    #[pyo3(signature = (key, length = 16))]
    fn new(key: &str, length: usize) -> PyResult<Self> {
        let inner = core::BlindIndex::new(material(key)?, length);
        Ok(Self {
            inner: inner.map_err(|e| crypto_error(&e))?,
        })
    }

    /// The index of `security.encryption.at_rest`.
    #[staticmethod]
    fn from_config(config: &Config) -> PyResult<Self> {
        let source = halo_core::secret::SystemSource;
        let inner = core::BlindIndex::from_config(config.inner(), &source);
        Ok(Self {
            inner: inner.map_err(|e| crypto_error(&e))?,
        })
    }

    /// The index of `value` in `field`.
    fn index(&self, field: &str, value: &str) -> PyResult<String> {
        self.inner.index(field, value).map_err(|e| crypto_error(&e))
    }

    fn __repr__(&self) -> String {
        format!("BlindIndex(length={})", self.inner.len_bytes())
    }
}

#[pymethods]
impl SubjectKeys {
    /// Subject keys wrapped by `keys`, kept in files under `store_dir`, or
    /// in memory when it is `None`.
    #[new]
    #[pyo3(signature = (keys, primary = None, store_dir = None, fields = None))]
    fn new(
        keys: BTreeMap<String, String>,
        primary: Option<String>,
        store_dir: Option<PathBuf>,
        fields: Option<Vec<String>>,
    ) -> PyResult<Self> {
        let keyring = keyring(keys, primary)?;
        let mut inner = match store_dir {
            Some(dir) => {
                let store = core::FileKeyStore::open(dir).map_err(|e| crypto_error(&e))?;
                core::SubjectKeys::new(keyring, store)
            }
            None => core::SubjectKeys::new(keyring, core::MemoryKeyStore::new()),
        };
        if let Some(fields) = fields {
            inner = inner.with_fields(fields);
        }
        Ok(Self { inner })
    }

    /// Encrypts `plaintext` of `field` for `subject`.
    fn encrypt_field(&self, subject: &str, field: &str, plaintext: &[u8]) -> PyResult<String> {
        let envelope = self.inner.encrypt_field(subject, field, plaintext);
        envelope.map_err(|e| crypto_error(&e))
    }

    /// Decrypts an envelope of `subject`'s `field`.
    fn decrypt_field<'py>(
        &self,
        py: Python<'py>,
        subject: &str,
        field: &str,
        envelope: &str,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let plaintext = self.inner.decrypt_field(subject, field, envelope);
        Ok(PyBytes::new(py, &plaintext.map_err(|e| crypto_error(&e))?))
    }

    /// A copy of `record` with the configured fields encrypted for `subject`.
    fn encrypt_record<'py>(
        &self,
        py: Python<'py>,
        subject: &str,
        record: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        map_json(py, record, |v| self.inner.encrypt_record(subject, v))
    }

    /// A copy of `record` with the configured fields decrypted.
    fn decrypt_record<'py>(
        &self,
        py: Python<'py>,
        subject: &str,
        record: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        map_json(py, record, |v| self.inner.decrypt_record(subject, v))
    }

    /// Destroys `subject`'s key; returns whether there was one.
    fn forget(&self, subject: &str) -> PyResult<bool> {
        self.inner.forget(subject).map_err(|e| crypto_error(&e))
    }

    /// Re-wraps `subject`'s key under the primary key; returns whether it did.
    fn rewrap(&self, subject: &str) -> PyResult<bool> {
        self.inner.rewrap(subject).map_err(|e| crypto_error(&e))
    }

    fn __repr__(&self) -> String {
        "SubjectKeys(...)".to_owned()
    }
}

fn keyring(keys: BTreeMap<String, String>, primary: Option<String>) -> PyResult<core::Keyring> {
    let mut entries = Vec::with_capacity(keys.len());
    for (id, key) in &keys {
        entries.push((key_id_of(id)?, material(key)?));
    }
    let primary = primary.as_deref().map(key_id_of).transpose()?;
    core::Keyring::from_keys(entries, primary).map_err(|e| crypto_error(&e))
}

fn key_id_of(id: &str) -> PyResult<KeyId> {
    KeyId::new(id).map_err(|e| crypto_error(&e))
}

fn material(base64: &str) -> PyResult<KeyMaterial> {
    KeyMaterial::from_base64(base64).map_err(|e| crypto_error(&e))
}

/// Converts `record` to JSON, applies `f`, and converts the result back.
fn map_json<'py>(
    py: Python<'py>,
    record: &Bound<'py, PyAny>,
    f: impl FnOnce(&serde_json::Value) -> Result<serde_json::Value, core::CryptoError>,
) -> PyResult<Bound<'py, PyAny>> {
    let json = py.import("json")?;
    let text: String = json.call_method1("dumps", (record,))?.extract()?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|_| {
        crypto_error(&core::CryptoError::MalformedRecord {
            reason: "a record must be JSON",
        })
    })?;
    let out = f(&value).map_err(|e| crypto_error(&e))?;
    json.call_method1("loads", (out.to_string(),))
}
