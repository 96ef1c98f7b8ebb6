//! Reading verified entries back, and decrypting their details.

use std::path::Path;

use serde_json::{Map, Value};

use super::file::DETAILS_FIELD;
use super::verify::scan;
use super::{AuditError, AuditEvent, ChainKey};
use crate::crypto::FieldCipher;

/// An entry read back from a verified log.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LoggedEvent {
    /// Its sequence number.
    pub seq: u64,
    /// The event. When the log encrypts details, `details` is empty here;
    /// see [`LoggedEvent::details`].
    pub event: AuditEvent,
    pub(crate) sealed: Option<String>,
    pub(crate) context: String,
}

/// Every entry of the log in `dir`, after verifying it in full. Fails with
/// `audit.chain_broken` when it is damaged.
pub fn read_log(dir: impl AsRef<Path>, key: &ChainKey) -> Result<Vec<LoggedEvent>, AuditError> {
    let scan = scan(dir.as_ref(), key, true)?;
    match scan.report.damage {
        Some(damage) => Err(AuditError::ChainBroken { damage }),
        None => Ok(scan.events),
    }
}

impl LoggedEvent {
    /// Whether the details are encrypted.
    pub fn is_encrypted(&self) -> bool {
        self.sealed.is_some()
    }

    /// The details: decrypted with `cipher` when the log encrypts them
    /// (`audit.cipher_required` without one, `audit.crypto_failed` when the
    /// envelope does not open), as written otherwise.
    pub fn details(&self, cipher: Option<&FieldCipher>) -> Result<Map<String, Value>, AuditError> {
        let Some(sealed) = &self.sealed else {
            return Ok(self.event.details.clone());
        };
        let cipher = cipher.ok_or(AuditError::CipherRequired)?;
        let text = cipher
            .decrypt_field(DETAILS_FIELD, &self.context, sealed)
            .map_err(|source| AuditError::Crypto {
                action: "decrypt",
                source,
            })?;
        serde_json::from_slice(&text).map_err(|source| AuditError::Encode { source })
    }

    /// The event with its details in clear (see [`LoggedEvent::details`]).
    pub fn decrypted(&self, cipher: Option<&FieldCipher>) -> Result<AuditEvent, AuditError> {
        let mut event = self.event.clone();
        event.details = self.details(cipher)?;
        Ok(event)
    }
}
