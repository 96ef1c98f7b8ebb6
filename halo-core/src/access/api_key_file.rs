//! A JSON file of API key records.

use std::collections::BTreeMap;
use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use super::AccessError;
use super::api_key::{ApiKeyBackend, ApiKeyRecord};

/// Key records in one JSON file, `{"keys": [record, ...]}`.
///
/// The file holds ids, labels, hashes and life cycles, never a key. It is
/// read on every call and replaced atomically (written beside, then
/// renamed) on every change. One process at a time: the lock is in memory.
#[derive(Debug)]
pub struct JsonFileKeyBackend {
    path: PathBuf,
    lock: Mutex<()>,
}

#[derive(serde::Serialize, serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    keys: Vec<ApiKeyRecord>,
}

impl JsonFileKeyBackend {
    /// A backend over `path`; a missing file is an empty store.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            lock: Mutex::new(()),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read(&self) -> Result<BTreeMap<String, ApiKeyRecord>, AccessError> {
        let text = match fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => return Err(AccessError::store("key file cannot be read", e)),
        };
        let file: File = serde_json::from_str(&text)
            .map_err(|e| AccessError::store("key file is not a valid key list", e))?;
        Ok(file.keys.into_iter().map(|r| (r.id.clone(), r)).collect())
    }

    fn write(&self, records: BTreeMap<String, ApiKeyRecord>) -> Result<(), AccessError> {
        let file = File {
            keys: records.into_values().collect(),
        };
        let text = serde_json::to_vec_pretty(&file)
            .map_err(|e| AccessError::store("key list cannot be serialised", e))?;
        let mut temp = self.path.clone().into_os_string();
        temp.push(".tmp");
        let temp = PathBuf::from(temp);
        let write = || -> std::io::Result<()> {
            let mut out = fs::File::create(&temp)?;
            out.write_all(&text)?;
            out.sync_all()?;
            fs::rename(&temp, &self.path)
        };
        write().map_err(|e| AccessError::store("key file cannot be written", e))
    }
}

impl ApiKeyBackend for JsonFileKeyBackend {
    fn get(&self, id: &str) -> Result<Option<ApiKeyRecord>, AccessError> {
        let _guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(self.read()?.remove(id))
    }

    fn put(&self, record: ApiKeyRecord) -> Result<(), AccessError> {
        let _guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        let mut records = self.read()?;
        records.insert(record.id.clone(), record);
        self.write(records)
    }

    fn list(&self) -> Result<Vec<ApiKeyRecord>, AccessError> {
        let _guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(self.read()?.into_values().collect())
    }
}
