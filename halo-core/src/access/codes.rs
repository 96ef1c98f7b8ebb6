//! One-time codes for the `sms` and `email` methods, and single-use
//! recovery codes. Both are kept only as hashes.
//!
//! [`OneTimeCodes`] keeps pending codes in process memory, keyed by HMAC-
//! SHA-256 under a key drawn when it is created: a pending code lives a few
//! minutes, so losing them on restart only means asking for a new one.
//! Sending the code is the application's job.
//!
//! [`RecoveryCodes`] is a value the application stores with the account (it
//! serialises to JSON): salted SHA-256 hashes of codes of 50 random bits.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use data_encoding::{BASE32_NOPAD, HEXLOWER};
use hmac::{Hmac, KeyInit, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::totp::unix_seconds;
use super::{AccessError, random};
use crate::config::MfaMethod;

/// How long a one-time code stays valid by default (10 minutes).
pub const DEFAULT_CODE_TTL: Duration = Duration::from_secs(600);
/// Wrong codes accepted before a pending code is discarded, by default.
pub const DEFAULT_CODE_ATTEMPTS: u32 = 5;
/// Digits of a one-time code.
pub const CODE_DIGITS: u32 = 6;

/// Pending one-time codes sent by SMS or email.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use halo_core::access::OneTimeCodes;
/// use halo_core::config::MfaMethod;
/// use halo_core::secret::ExposeSecret;
///
/// let codes = OneTimeCodes::new()?;
/// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let code = codes.issue("alice", MfaMethod::Email, now)?; // send it by email
/// let method = codes.verify("alice", code.expose_secret(), now + Duration::from_secs(60))?;
/// assert_eq!(method, MfaMethod::Email);
/// # Ok::<(), halo_core::access::AccessError>(())
/// ```
pub struct OneTimeCodes {
    key: secrecy::SecretBox<[u8; 32]>,
    ttl: Duration,
    attempts: u32,
    pending: Mutex<HashMap<String, Pending>>,
}

#[derive(Clone, Copy)]
struct Pending {
    hash: [u8; 32],
    method: MfaMethod,
    expires_at: u64,
    attempts_left: u32,
}

/// Single-use recovery codes, stored as salted hashes.
///
/// ```
/// use halo_core::access::RecoveryCodes;
/// use halo_core::secret::ExposeSecret;
///
/// let (codes, mut stored) = RecoveryCodes::generate(10)?; // show `codes` once
/// stored.redeem(codes[0].expose_secret())?;
/// assert_eq!(stored.remaining(), 9);
/// assert!(stored.redeem(codes[0].expose_secret()).is_err()); // single use
/// # Ok::<(), halo_core::access::AccessError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodes {
    /// Hex salt shared by the set.
    salt: String,
    /// Hex SHA-256 of salt and normalised code, one per unused code.
    hashes: Vec<String>,
}

impl OneTimeCodes {
    /// Codes valid 10 minutes, 5 wrong attempts each.
    pub fn new() -> Result<Self, AccessError> {
        Ok(Self {
            key: secrecy::SecretBox::new(Box::new(random::bytes::<32>()?)),
            ttl: DEFAULT_CODE_TTL,
            attempts: DEFAULT_CODE_ATTEMPTS,
            pending: Mutex::new(HashMap::new()),
        })
    }

    /// Sets how long a code is valid (at least 1 s) and how many wrong
    /// attempts discard it (at least 1).
    pub fn with_limits(mut self, ttl: Duration, attempts: u32) -> Self {
        self.ttl = ttl.max(Duration::from_secs(1));
        self.attempts = attempts.max(1);
        self
    }

    /// A new 6-digit code for `account`, replacing any pending one. Only
    /// `sms` and `email` take codes (`access.mfa_method_not_allowed`).
    pub fn issue(
        &self,
        account: &str,
        method: MfaMethod,
        now: SystemTime,
    ) -> Result<SecretString, AccessError> {
        if !matches!(method, MfaMethod::Sms | MfaMethod::Email) {
            return Err(AccessError::MethodNotAllowed(method.as_str()));
        }
        let code = random::digits(CODE_DIGITS)?;
        let pending = Pending {
            hash: self.hash(account, &code),
            method,
            expires_at: unix_seconds(now).saturating_add(self.ttl.as_secs()),
            attempts_left: self.attempts,
        };
        self.lock().insert(account.to_owned(), pending);
        Ok(code.into())
    }

    /// Checks `code` against the pending code of `account`; on success the
    /// code is consumed and its method returned.
    ///
    /// Fails with `access.otp_no_pending_code` (none, expired, or discarded
    /// after too many wrong attempts) and `access.otp_mismatch`.
    pub fn verify(
        &self,
        account: &str,
        code: &str,
        now: SystemTime,
    ) -> Result<MfaMethod, AccessError> {
        let mut pending = self.lock();
        let Some(entry) = pending.get_mut(account) else {
            return Err(AccessError::NoPendingCode);
        };
        if unix_seconds(now) >= entry.expires_at {
            pending.remove(account);
            return Err(AccessError::NoPendingCode);
        }
        if bool::from(self.hash(account, code.trim()).ct_eq(&entry.hash)) {
            let method = entry.method;
            pending.remove(account);
            return Ok(method);
        }
        entry.attempts_left = entry.attempts_left.saturating_sub(1);
        if entry.attempts_left == 0 {
            pending.remove(account);
        }
        Err(AccessError::CodeMismatch)
    }

    fn hash(&self, account: &str, code: &str) -> [u8; 32] {
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(self.key.expose_secret())
        else {
            return [0; 32];
        };
        mac.update(&(account.len() as u64).to_be_bytes());
        mac.update(account.as_bytes());
        mac.update(code.as_bytes());
        mac.finalize().into_bytes().into()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Pending>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl RecoveryCodes {
    /// `count` new codes (1 to 100), each 10 base32 characters shown as
    /// `XXXXX-XXXXX`, and the hashes to store. The codes are shown to the
    /// user once and never kept.
    pub fn generate(count: usize) -> Result<(Vec<SecretString>, Self), AccessError> {
        if !(1..=100).contains(&count) {
            return Err(AccessError::InvalidOtpSettings(
                "recovery code count must be 1 to 100",
            ));
        }
        let salt = random::bytes::<16>()?;
        let mut codes = Vec::with_capacity(count);
        let mut hashes = Vec::with_capacity(count);
        for _ in 0..count {
            // 50 bits: 10 base32 characters from 7 random bytes, cut to 10.
            let raw = zeroize::Zeroizing::new(random::bytes::<7>()?);
            let text = zeroize::Zeroizing::new(BASE32_NOPAD.encode(raw.as_ref()));
            let code = text.get(..10).unwrap_or_default();
            hashes.push(HEXLOWER.encode(&hash_recovery(&salt, code)));
            codes.push(format!("{}-{}", &code[..5], &code[5..]).into());
        }
        let stored = Self {
            salt: HEXLOWER.encode(&salt),
            hashes,
        };
        Ok((codes, stored))
    }

    /// Uses up `code` (case, spaces and dashes ignored). Fails with
    /// `access.otp_mismatch` for a code that is not (or no longer) in the
    /// set. Every stored hash is compared, in constant time.
    pub fn redeem(&mut self, code: &str) -> Result<(), AccessError> {
        let normalised: zeroize::Zeroizing<String> = code
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect::<String>()
            .into();
        let salt = HEXLOWER
            .decode(self.salt.as_bytes())
            .map_err(|_| AccessError::CodeMismatch)?;
        let presented = hash_recovery(&salt, &normalised);

        let mut found = None;
        for (i, stored) in self.hashes.iter().enumerate() {
            let stored = HEXLOWER.decode(stored.as_bytes()).unwrap_or_default();
            if bool::from(stored.ct_eq(&presented)) && found.is_none() {
                found = Some(i);
            }
        }
        let index = found.ok_or(AccessError::CodeMismatch)?;
        self.hashes.remove(index);
        Ok(())
    }

    /// How many codes are left.
    pub fn remaining(&self) -> usize {
        self.hashes.len()
    }
}

fn hash_recovery(salt: &[u8], code: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(salt);
    hasher.update(code.as_bytes());
    hasher.finalize().into()
}

impl fmt::Debug for OneTimeCodes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OneTimeCodes")
            .field("key", &"[REDACTED]")
            .field("ttl", &self.ttl)
            .field("attempts", &self.attempts)
            .field("pending", &self.lock().len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn codes_expire() {
        let codes = OneTimeCodes::new()
            .unwrap()
            .with_limits(Duration::from_secs(60), 3);
        let code = codes.issue("a", MfaMethod::Sms, at(1000)).unwrap();
        let err = codes
            .verify("a", code.expose_secret(), at(1060))
            .unwrap_err();
        assert_eq!(err.code(), "access.otp_no_pending_code");
    }

    #[test]
    fn attempts_are_limited() {
        let codes = OneTimeCodes::new()
            .unwrap()
            .with_limits(Duration::from_secs(60), 2);
        let code = codes.issue("a", MfaMethod::Email, at(1000)).unwrap();
        let wrong = if code.expose_secret() == "000000" {
            "000001"
        } else {
            "000000"
        };
        assert_eq!(
            codes.verify("a", wrong, at(1001)).unwrap_err().code(),
            "access.otp_mismatch"
        );
        assert_eq!(
            codes.verify("a", wrong, at(1001)).unwrap_err().code(),
            "access.otp_mismatch"
        );
        let err = codes
            .verify("a", code.expose_secret(), at(1001))
            .unwrap_err();
        assert_eq!(err.code(), "access.otp_no_pending_code");
    }

    #[test]
    fn codes_are_single_use_and_per_account() {
        let codes = OneTimeCodes::new().unwrap();
        let code = codes.issue("a", MfaMethod::Sms, at(1000)).unwrap();
        assert!(codes.verify("b", code.expose_secret(), at(1001)).is_err());
        assert_eq!(
            codes.verify("a", code.expose_secret(), at(1001)).unwrap(),
            MfaMethod::Sms
        );
        assert!(codes.verify("a", code.expose_secret(), at(1001)).is_err());
        assert_eq!(code.expose_secret().len(), 6);
    }

    #[test]
    fn totp_takes_no_sent_code() {
        let codes = OneTimeCodes::new().unwrap();
        let err = codes.issue("a", MfaMethod::Totp, at(0)).unwrap_err();
        assert_eq!(err.code(), "access.mfa_method_not_allowed");
    }

    #[test]
    fn recovery_codes_are_stored_hashed() {
        let (codes, mut stored) = RecoveryCodes::generate(8).unwrap();
        let json = serde_json::to_string(&stored).unwrap();
        for code in &codes {
            let plain = code.expose_secret().replace('-', "");
            assert!(!json.contains(&plain));
            assert!(!json.contains(code.expose_secret()));
        }
        let lower = codes[3].expose_secret().to_lowercase().replace('-', " ");
        stored.redeem(&lower).unwrap();
        assert_eq!(stored.remaining(), 7);
        assert_eq!(
            stored.redeem(&lower).unwrap_err().code(),
            "access.otp_mismatch"
        );
        assert!(RecoveryCodes::generate(0).is_err());
    }

    #[test]
    fn debug_hides_the_key() {
        let shown = format!("{:?}", OneTimeCodes::new().unwrap());
        assert!(shown.contains("[REDACTED]"));
    }
}
