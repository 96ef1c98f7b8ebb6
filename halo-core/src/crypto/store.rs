//! Where wrapped subject keys are kept: a trait, an in-memory store and a
//! directory of files written atomically.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::CryptoError;

/// A subject's data key as stored: encrypted under the keyring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrappedKey {
    /// A random id of this key, written into every envelope under it, so
    /// that data from before a `forget` never decrypts under a later key.
    pub generation: String,
    /// The 32-byte key as a keyring envelope (field `subject_key.<generation>`,
    /// context the subject id).
    pub wrapped: String,
}

/// Storage of wrapped subject keys by subject id.
///
/// Implementations must never overwrite in [`insert_new`](Self::insert_new):
/// two writers creating a key for the same subject at once must end with one
/// key, or data encrypted under the other would be lost.
pub trait SubjectKeyStore: Send + Sync {
    /// The subject's key, if one is stored.
    fn load(&self, subject: &str) -> Result<Option<WrappedKey>, CryptoError>;

    /// Stores `key` unless the subject already has one; returns whether it
    /// was stored.
    fn insert_new(&self, subject: &str, key: &WrappedKey) -> Result<bool, CryptoError>;

    /// Replaces the subject's key (used to re-wrap it under a new primary
    /// key; the generation is unchanged).
    fn replace(&self, subject: &str, key: &WrappedKey) -> Result<(), CryptoError>;

    /// Deletes the subject's key; returns whether there was one.
    fn remove(&self, subject: &str) -> Result<bool, CryptoError>;
}

/// Wrapped keys in memory, for tests and short-lived processes.
#[derive(Debug, Default)]
pub struct MemoryKeyStore {
    keys: Mutex<BTreeMap<String, WrappedKey>>,
}

/// Wrapped keys as one small JSON file per subject in a directory.
///
/// File names are the base64url SHA-256 of the subject id, so that ids
/// (which may be emails) do not appear in directory listings. Writes go to a
/// temporary file that is synced and then linked or renamed into place, so a
/// crash never leaves a half-written key. Deleting a file destroys the key as
/// far as this process can: copies in backups, snapshots or an SSD's spare
/// blocks are outside its reach.
#[derive(Debug, Clone)]
pub struct FileKeyStore {
    dir: PathBuf,
}

impl MemoryKeyStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn keys(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, WrappedKey>> {
        // The map is never left half-updated, so a poisoned lock is usable.
        self.keys.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl SubjectKeyStore for MemoryKeyStore {
    fn load(&self, subject: &str) -> Result<Option<WrappedKey>, CryptoError> {
        Ok(self.keys().get(subject).cloned())
    }

    fn insert_new(&self, subject: &str, key: &WrappedKey) -> Result<bool, CryptoError> {
        let mut keys = self.keys();
        if keys.contains_key(subject) {
            return Ok(false);
        }
        keys.insert(subject.to_owned(), key.clone());
        Ok(true)
    }

    fn replace(&self, subject: &str, key: &WrappedKey) -> Result<(), CryptoError> {
        self.keys().insert(subject.to_owned(), key.clone());
        Ok(())
    }

    fn remove(&self, subject: &str) -> Result<bool, CryptoError> {
        Ok(self.keys().remove(subject).is_some())
    }
}

impl FileKeyStore {
    /// A store in `dir`, created (with parents) if missing.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, CryptoError> {
        let dir = dir.into();
        fs::create_dir_all(&dir).map_err(store_error("create the directory"))?;
        Ok(Self { dir })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, subject: &str) -> PathBuf {
        let digest = Sha256::digest(subject.as_bytes());
        self.dir
            .join(format!("{}.json", URL_SAFE_NO_PAD.encode(digest)))
    }

    /// Writes `key` to a synced temporary file in the directory.
    fn write_temp(&self, key: &WrappedKey) -> Result<PathBuf, CryptoError> {
        let mut suffix = [0u8; 12];
        getrandom::fill(&mut suffix).map_err(|_| CryptoError::Random)?;
        let path = self
            .dir
            .join(format!(".tmp-{}", URL_SAFE_NO_PAD.encode(suffix)));
        let json = serde_json::to_vec(key).map_err(|e| CryptoError::Store {
            action: "encode a key",
            source: io::Error::other(e),
        })?;

        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(store_error("create a temporary file"))?;
        file.write_all(&json)
            .and_then(|()| file.sync_all())
            .map_err(store_error("write a temporary file"))?;
        Ok(path)
    }

    fn sync_dir(&self) -> Result<(), CryptoError> {
        File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(store_error("sync the directory"))
    }
}

impl SubjectKeyStore for FileKeyStore {
    fn load(&self, subject: &str) -> Result<Option<WrappedKey>, CryptoError> {
        let bytes = match fs::read(self.path(subject)) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(store_error("read a key")(e)),
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| CryptoError::Store {
                action: "decode a key",
                source: io::Error::new(io::ErrorKind::InvalidData, e),
            })
    }

    fn insert_new(&self, subject: &str, key: &WrappedKey) -> Result<bool, CryptoError> {
        let temp = self.write_temp(key)?;
        // A hard link fails if the target exists, which makes this a
        // create-if-absent that another process cannot race.
        let linked = fs::hard_link(&temp, self.path(subject));
        let _ = fs::remove_file(&temp);
        match linked {
            Ok(()) => self.sync_dir().map(|()| true),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(store_error("store a key")(e)),
        }
    }

    fn replace(&self, subject: &str, key: &WrappedKey) -> Result<(), CryptoError> {
        let temp = self.write_temp(key)?;
        if let Err(e) = fs::rename(&temp, self.path(subject)) {
            let _ = fs::remove_file(&temp);
            return Err(store_error("replace a key")(e));
        }
        self.sync_dir()
    }

    fn remove(&self, subject: &str) -> Result<bool, CryptoError> {
        match fs::remove_file(self.path(subject)) {
            Ok(()) => self.sync_dir().map(|()| true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(store_error("delete a key")(e)),
        }
    }
}

fn store_error(action: &'static str) -> impl Fn(io::Error) -> CryptoError {
    move |source| CryptoError::Store { action, source }
}
