//! API keys for the `api_key` authentication method: issued once, stored
//! only as hashes, rotated with a grace period.
//!
//! # Key format
//!
//! `halo_<id>_<secret><checksum>`: the prefix, a 16-hex-digit key id, then
//! 48 hex digits of secret (192 random bits) and 8 hex digits of checksum
//! (the first 4 bytes of SHA-256 over everything before it), 78 characters
//! in all. The prefix lets secret scanners and people recognise a key; the
//! checksum lets [`ApiKeyStore::verify`] reject typos and random strings
//! without a store look-up.
//!
//! The store keeps SHA-256 of the whole key, or HMAC-SHA-256 under the
//! configured `pepper` when there is one (then a stolen store cannot be
//! checked against guessed keys without the pepper). Keys are looked up by
//! their id and compared in constant time.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use data_encoding::HEXLOWER;
use hmac::{Hmac, KeyInit, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::totp::unix_seconds;
use super::{AccessError, random};
use crate::config::Config;
use crate::secret::{SecretBytes, SecretSource};

/// The prefix of every key.
pub const KEY_PREFIX: &str = "halo_";
/// The length of a key in characters.
pub const KEY_LENGTH: usize = KEY_PREFIX.len() + ID_HEX + 1 + SECRET_HEX + CHECK_HEX;

const ID_HEX: usize = 16;
const SECRET_HEX: usize = 48;
const CHECK_HEX: usize = 8;

/// Issues, verifies and rotates API keys kept in an [`ApiKeyBackend`].
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use halo_core::access::{ApiKeyStore, KeyStatus, MemoryKeyBackend};
/// use halo_core::secret::ExposeSecret;
///
/// let store = ApiKeyStore::new(MemoryKeyBackend::new());
/// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let issued = store.issue("apollo webhook", now)?; // show issued.key once
/// let verified = store.verify(issued.key.expose_secret(), now)?;
/// assert_eq!(verified.status, KeyStatus::Active);
///
/// let successor = store.rotate(&issued.id, now)?;
/// let old = store.verify(issued.key.expose_secret(), now + Duration::from_secs(3600))?;
/// assert!(matches!(old.status, KeyStatus::Retiring { .. })); // 24 h grace
/// # Ok::<(), halo_core::access::AccessError>(())
/// ```
pub struct ApiKeyStore {
    backend: Box<dyn ApiKeyBackend>,
    pepper: Option<SecretBytes>,
    rotation: Option<Duration>,
    grace_period: Duration,
}

/// A newly issued key. The only time the key itself is available.
pub struct IssuedKey {
    /// The key id (not secret).
    pub id: String,
    /// The whole key, to hand to its user once.
    pub key: SecretString,
}

/// What [`ApiKeyStore::verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedKey {
    /// The key id.
    pub id: String,
    /// The label given when the key was issued.
    pub label: String,
    /// Whether the key is current or on its way out.
    pub status: KeyStatus,
}

/// The status of a valid key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyStatus {
    /// The current key.
    Active,
    /// Replaced by a successor; valid until `until`.
    Retiring {
        /// When the key stops working.
        until: SystemTime,
    },
}

/// One stored key: its hash and life cycle, never the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyRecord {
    /// The key id.
    pub id: String,
    /// A label for people (`apollo webhook`).
    pub label: String,
    /// Hex SHA-256 (or HMAC-SHA-256 under the pepper) of the whole key.
    pub hash: String,
    /// When the key was issued, in Unix seconds.
    pub created_at: u64,
    /// Where the key is in its life cycle.
    pub state: KeyState,
    /// The id of the key that replaced it, once rotated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successor: Option<String>,
}

/// Where a stored key is in its life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum KeyState {
    /// In use.
    Active,
    /// Rotated; accepted until `until` (Unix seconds).
    Retiring {
        /// When it stops being accepted.
        until: u64,
    },
    /// Refused from now on.
    Revoked,
}

/// Where key records live.
pub trait ApiKeyBackend: Send + Sync {
    /// The record with `id`, if any.
    fn get(&self, id: &str) -> Result<Option<ApiKeyRecord>, AccessError>;
    /// Inserts or replaces the record with `record.id`.
    fn put(&self, record: ApiKeyRecord) -> Result<(), AccessError>;
    /// Every record, in id order.
    fn list(&self) -> Result<Vec<ApiKeyRecord>, AccessError>;
}

/// Key records in process memory.
#[derive(Debug, Default)]
pub struct MemoryKeyBackend {
    records: Mutex<BTreeMap<String, ApiKeyRecord>>,
}

impl ApiKeyStore {
    /// A store over `backend` without pepper, rotating every 90 days with a
    /// 24-hour grace period (the guide's values).
    pub fn new(backend: impl ApiKeyBackend + 'static) -> Self {
        Self {
            backend: Box::new(backend),
            pepper: None,
            rotation: Some(Duration::from_secs(90 * 86_400)),
            grace_period: Duration::from_secs(86_400),
        }
    }

    /// A store configured by the first `api_key` method of
    /// `security.authentication` (the guide's defaults when there is none),
    /// resolving its `pepper` through `secrets`.
    pub fn from_config(
        config: &Config,
        backend: impl ApiKeyBackend + 'static,
        secrets: &dyn SecretSource,
    ) -> Result<Self, AccessError> {
        let mut store = Self::new(backend);
        if let Some(method) = config.security.authentication.api_key_methods().next() {
            let rotation = &method.key_rotation;
            store.rotation = rotation.enabled.then_some(rotation.interval);
            store.grace_period = rotation.grace_period;
            if let Some(pepper) = &method.pepper {
                store.pepper = Some(pepper.resolve_bytes_with(secrets)?);
            }
        }
        Ok(store)
    }

    /// Mixes `pepper` into stored hashes. Keys stored without it (or with
    /// another pepper) no longer verify.
    pub fn with_pepper(mut self, pepper: SecretBytes) -> Self {
        self.pepper = Some(pepper);
        self
    }

    /// Sets the rotation interval (`None`: never due) and the grace period
    /// of rotated keys.
    pub fn with_rotation(mut self, interval: Option<Duration>, grace_period: Duration) -> Self {
        self.rotation = interval;
        self.grace_period = grace_period;
        self
    }

    /// Issues a new key labelled `label` and stores its hash.
    pub fn issue(&self, label: &str, now: SystemTime) -> Result<IssuedKey, AccessError> {
        let id = HEXLOWER.encode(&random::bytes::<{ ID_HEX / 2 }>()?);
        let secret = zeroize::Zeroizing::new(random::bytes::<{ SECRET_HEX / 2 }>()?);
        let mut key = zeroize::Zeroizing::new(format!(
            "{KEY_PREFIX}{id}_{}",
            HEXLOWER.encode(secret.as_ref())
        ));
        let check = checksum(&key);
        key.push_str(&check);

        self.backend.put(ApiKeyRecord {
            id: id.clone(),
            label: label.to_owned(),
            hash: HEXLOWER.encode(&self.hash(&key)),
            created_at: unix_seconds(now),
            state: KeyState::Active,
            successor: None,
        })?;
        Ok(IssuedKey {
            id,
            key: SecretString::from(key.as_str()),
        })
    }

    /// Checks a presented key at `now`.
    ///
    /// Fails with `access.api_key_malformed` (format or checksum),
    /// `access.api_key_unknown` (no such id, or the secret does not match),
    /// `access.api_key_expired` (rotated and past its grace period) and
    /// `access.api_key_revoked`.
    pub fn verify(&self, presented: &str, now: SystemTime) -> Result<VerifiedKey, AccessError> {
        let id = parse_api_key(presented).ok_or(AccessError::ApiKeyMalformed)?;
        let record = self.backend.get(id)?.ok_or(AccessError::ApiKeyUnknown)?;
        let stored = HEXLOWER
            .decode(record.hash.as_bytes())
            .map_err(|_| AccessError::ApiKeyUnknown)?;
        if !bool::from(stored.ct_eq(&self.hash(presented))) {
            return Err(AccessError::ApiKeyUnknown);
        }

        let status = match record.state {
            KeyState::Active => KeyStatus::Active,
            KeyState::Revoked => return Err(AccessError::ApiKeyRevoked),
            KeyState::Retiring { until } if unix_seconds(now) >= until => {
                return Err(AccessError::ApiKeyExpired);
            }
            KeyState::Retiring { until } => KeyStatus::Retiring {
                until: UNIX_EPOCH + Duration::from_secs(until),
            },
        };
        Ok(VerifiedKey {
            id: record.id,
            label: record.label,
            status,
        })
    }

    /// Issues a successor to the active key `id` and keeps `id` valid for
    /// the grace period. Fails with `access.api_key_not_active` for a key
    /// already rotated or revoked, `access.api_key_unknown` for no such key.
    pub fn rotate(&self, id: &str, now: SystemTime) -> Result<IssuedKey, AccessError> {
        let mut record = self.backend.get(id)?.ok_or(AccessError::ApiKeyUnknown)?;
        if record.state != KeyState::Active {
            return Err(AccessError::ApiKeyNotActive(id.to_owned()));
        }
        let successor = self.issue(&record.label, now)?;
        record.state = KeyState::Retiring {
            until: unix_seconds(now).saturating_add(self.grace_period.as_secs()),
        };
        record.successor = Some(successor.id.clone());
        self.backend.put(record)?;
        Ok(successor)
    }

    /// Refuses the key `id` from now on.
    pub fn revoke(&self, id: &str) -> Result<(), AccessError> {
        let mut record = self.backend.get(id)?.ok_or(AccessError::ApiKeyUnknown)?;
        record.state = KeyState::Revoked;
        self.backend.put(record)
    }

    /// The ids of active keys at least one rotation interval old at `now`;
    /// none when rotation is off.
    pub fn due_for_rotation(&self, now: SystemTime) -> Result<Vec<String>, AccessError> {
        let Some(interval) = self.rotation else {
            return Ok(Vec::new());
        };
        let now = unix_seconds(now);
        Ok(self
            .backend
            .list()?
            .into_iter()
            .filter(|r| r.state == KeyState::Active)
            .filter(|r| r.created_at.saturating_add(interval.as_secs()) <= now)
            .map(|r| r.id)
            .collect())
    }

    /// Every stored record (hashes and life cycle only).
    pub fn records(&self) -> Result<Vec<ApiKeyRecord>, AccessError> {
        self.backend.list()
    }

    fn hash(&self, key: &str) -> [u8; 32] {
        match &self.pepper {
            Some(pepper) => match <Hmac<Sha256> as KeyInit>::new_from_slice(pepper.expose_secret())
            {
                Ok(mut mac) => {
                    mac.update(key.as_bytes());
                    mac.finalize().into_bytes().into()
                }
                Err(_) => [0; 32],
            },
            None => Sha256::digest(key.as_bytes()).into(),
        }
    }
}

impl MemoryKeyBackend {
    /// An empty backend.
    pub fn new() -> Self {
        Self::default()
    }
}

impl ApiKeyBackend for MemoryKeyBackend {
    fn get(&self, id: &str) -> Result<Option<ApiKeyRecord>, AccessError> {
        let records = self.records.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(records.get(id).cloned())
    }

    fn put(&self, record: ApiKeyRecord) -> Result<(), AccessError> {
        let mut records = self.records.lock().unwrap_or_else(PoisonError::into_inner);
        records.insert(record.id.clone(), record);
        Ok(())
    }

    fn list(&self) -> Result<Vec<ApiKeyRecord>, AccessError> {
        let records = self.records.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(records.values().cloned().collect())
    }
}

/// The id of a well-formed key whose checksum matches; `None` otherwise.
pub fn parse_api_key(presented: &str) -> Option<&str> {
    if presented.len() != KEY_LENGTH {
        return None;
    }
    let rest = presented.strip_prefix(KEY_PREFIX)?;
    let (id, tail) = rest.split_at_checked(ID_HEX)?;
    let tail = tail.strip_prefix('_')?;
    let lower_hex = |s: &str| s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !lower_hex(id) || !lower_hex(tail) {
        return None;
    }
    let (body, check) = presented.split_at_checked(KEY_LENGTH - CHECK_HEX)?;
    bool::from(checksum(body).as_bytes().ct_eq(check.as_bytes())).then_some(id)
}

fn checksum(body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    HEXLOWER.encode(&digest[..CHECK_HEX / 2])
}

impl fmt::Debug for ApiKeyStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKeyStore")
            .field("pepper", &self.pepper.as_ref().map(|_| "[REDACTED]"))
            .field("rotation", &self.rotation)
            .field("grace_period", &self.grace_period)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for IssuedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedKey")
            .field("id", &self.id)
            .field("key", &"[REDACTED]")
            .finish()
    }
}
