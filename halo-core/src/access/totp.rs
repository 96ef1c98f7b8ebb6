//! Time-based one-time passwords (RFC 6238) over HMAC (RFC 4226).
//!
//! Verification accepts the current time step and one step either side,
//! refuses a code whose time step was already used by the account
//! (RFC 6238 §5.2), and after [`DEFAULT_MAX_FAILURES`] consecutive failures
//! refuses every attempt for [`DEFAULT_LOCKOUT`]. Replay and failure state
//! lives in an [`OtpStore`].
//!
//! Limits: SHA-1, SHA-256 and SHA-512; 6 to 8 digits; secrets of at least
//! 16 bytes (RFC 4226 §4 asks for 128 bits); the epoch is the Unix epoch
//! (`T0 = 0`).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use secrecy::{ExposeSecret, SecretBox, SecretString};
use subtle::ConstantTimeEq;

use super::otp_store::OtpStore;
use super::{AccessError, random};
use crate::secret::SecretBytes;

/// Consecutive failures after which an account is locked out.
pub const DEFAULT_MAX_FAILURES: u32 = 5;
/// How long a locked-out account waits (5 minutes).
pub const DEFAULT_LOCKOUT: Duration = Duration::from_secs(300);
/// The RFC 6238 default time step (30 seconds).
pub const DEFAULT_STEP: Duration = Duration::from_secs(30);
/// The shortest secret accepted, in bytes.
pub const MIN_SECRET_BYTES: usize = 16;
/// The size of secrets made by [`Totp::generate_secret`], in bytes (160
/// bits, the HMAC-SHA-1 output size RFC 4226 recommends).
pub const GENERATED_SECRET_BYTES: usize = 20;

/// HMAC of `message` under `key` with hash `$digest`. HMAC takes keys of
/// any length, so `new_from_slice` cannot fail; an empty tag stands in.
macro_rules! hmac_tag {
    ($digest:ty, $key:expr, $message:expr) => {
        zeroize::Zeroizing::new(match <Hmac<$digest> as KeyInit>::new_from_slice($key) {
            Ok(mut mac) => {
                mac.update($message);
                mac.finalize().into_bytes().to_vec()
            }
            Err(_) => Vec::new(),
        })
    };
}

/// The HMAC hash of a [`Totp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TotpAlgorithm {
    /// HMAC-SHA-1, what authenticator apps assume by default.
    Sha1,
    /// HMAC-SHA-256.
    Sha256,
    /// HMAC-SHA-512.
    Sha512,
}

impl TotpAlgorithm {
    /// The algorithm's name in `otpauth://` URIs: `SHA1`, `SHA256`, `SHA512`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA1",
            Self::Sha256 => "SHA256",
            Self::Sha512 => "SHA512",
        }
    }

    /// The algorithm named `name` (`SHA1`, `SHA256`, `SHA512`).
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Sha1, Self::Sha256, Self::Sha512]
            .into_iter()
            .find(|a| a.as_str() == name)
    }
}

/// A TOTP generator and verifier for one enrolled secret.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use halo_core::access::{MemoryOtpStore, Totp, TotpAlgorithm};
///
/// let totp = Totp::new(b"12345678901234567890", TotpAlgorithm::Sha1, 8)?;
/// let at = UNIX_EPOCH + Duration::from_secs(59);
/// assert_eq!(totp.generate(at), "94287082"); // RFC 6238 Appendix B
///
/// let store = MemoryOtpStore::new();
/// totp.verify("alice", "94287082", at, &store)?;
/// let again = totp.verify("alice", "94287082", at, &store).unwrap_err();
/// assert_eq!(again.code(), "access.otp_reused");
/// # Ok::<(), halo_core::access::AccessError>(())
/// ```
pub struct Totp {
    secret: SecretBytes,
    algorithm: TotpAlgorithm,
    digits: u32,
    step: u64,
    max_failures: u32,
    lockout: Duration,
}

impl Totp {
    /// A TOTP over `secret` with a 30-second step. Fails with
    /// `access.otp_invalid_settings` for fewer than 16 secret bytes or
    /// `digits` outside 6 to 8.
    pub fn new(secret: &[u8], algorithm: TotpAlgorithm, digits: u32) -> Result<Self, AccessError> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(AccessError::InvalidOtpSettings(
                "secret shorter than 16 bytes",
            ));
        }
        if !(6..=8).contains(&digits) {
            return Err(AccessError::InvalidOtpSettings("digits must be 6 to 8"));
        }
        Ok(Self {
            secret: SecretBox::new(secret.into()),
            algorithm,
            digits,
            step: DEFAULT_STEP.as_secs(),
            max_failures: DEFAULT_MAX_FAILURES,
            lockout: DEFAULT_LOCKOUT,
        })
    }

    /// A TOTP over a base32 secret as shown to users (case, spaces and `=`
    /// padding ignored). Fails with `access.otp_invalid_secret`.
    pub fn from_base32(
        secret: &SecretString,
        algorithm: TotpAlgorithm,
        digits: u32,
    ) -> Result<Self, AccessError> {
        let cleaned: zeroize::Zeroizing<String> = secret
            .expose_secret()
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '=')
            .map(|c| c.to_ascii_uppercase())
            .collect::<String>()
            .into();
        let bytes: zeroize::Zeroizing<Vec<u8>> = BASE32_NOPAD
            .decode(cleaned.as_bytes())
            .map_err(|_| AccessError::InvalidSecret)?
            .into();
        Self::new(&bytes, algorithm, digits)
    }

    /// A new random secret of 20 bytes, base32-encoded (32 characters).
    pub fn generate_secret() -> Result<SecretString, AccessError> {
        let bytes = zeroize::Zeroizing::new(random::bytes::<GENERATED_SECRET_BYTES>()?);
        Ok(BASE32_NOPAD.encode(bytes.as_ref()).into())
    }

    /// Uses a time step other than 30 seconds (1 to 300 s).
    pub fn with_step(mut self, step: Duration) -> Result<Self, AccessError> {
        if !(1..=300).contains(&step.as_secs()) {
            return Err(AccessError::InvalidOtpSettings("step must be 1 to 300 s"));
        }
        self.step = step.as_secs();
        Ok(self)
    }

    /// Locks an account out for `lockout` after `max_failures` consecutive
    /// failures (at least 1). Default 5 failures, 5 minutes.
    pub fn with_throttle(mut self, max_failures: u32, lockout: Duration) -> Self {
        self.max_failures = max_failures.max(1);
        self.lockout = lockout;
        self
    }

    /// The code for the time step containing `at`.
    pub fn generate(&self, at: SystemTime) -> String {
        self.code_at_step(unix_seconds(at) / self.step)
    }

    /// Checks `code` for `account` at `now`, accepting one time step either
    /// side, and records the matched step so the same code cannot be used
    /// again.
    ///
    /// Fails with `access.otp_throttled` while the account is locked out
    /// (without looking at the code), `access.otp_mismatch` (counted as a
    /// failure) and `access.otp_reused`.
    pub fn verify(
        &self,
        account: &str,
        code: &str,
        now: SystemTime,
        store: &dyn OtpStore,
    ) -> Result<(), AccessError> {
        let now = unix_seconds(now);
        self.check_throttle(account, now, store)?;

        let Some(step) = self.matching_step(code, now) else {
            store.record_failure(account, now)?;
            return Err(AccessError::CodeMismatch);
        };
        if !store.mark_step_used(account, step)? {
            return Err(AccessError::CodeReused);
        }
        store.clear_failures(account)
    }

    /// The `otpauth://totp/` URI that authenticator apps read from a QR
    /// code, in the Key URI format: label `issuer:account`, and the secret,
    /// issuer, algorithm, digits and period as parameters. It contains the
    /// secret.
    pub fn provisioning_uri(&self, issuer: &str, account: &str) -> SecretString {
        let encode = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
        let secret = zeroize::Zeroizing::new(BASE32_NOPAD.encode(self.secret.expose_secret()));
        let algorithm = self.algorithm.as_str();
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm={algorithm}&digits={}&period={}",
            encode(issuer),
            encode(account),
            secret.as_str(),
            encode(issuer),
            self.digits,
            self.step,
        )
        .into()
    }

    fn check_throttle(
        &self,
        account: &str,
        now: u64,
        store: &dyn OtpStore,
    ) -> Result<(), AccessError> {
        let failures = store.failures(account)?;
        if failures.count < self.max_failures {
            return Ok(());
        }
        let until = failures.last_at.saturating_add(self.lockout.as_secs());
        if now < until {
            return Err(AccessError::Throttled {
                retry_after: Duration::from_secs(until - now),
            });
        }
        Ok(())
    }

    /// The step in `[now - 1, now + 1]` whose code equals `code`, compared in
    /// constant time.
    fn matching_step(&self, code: &str, now: u64) -> Option<u64> {
        if code.len() != self.digits as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let current = now / self.step;
        let mut found = None;
        for step in [
            current.saturating_sub(1),
            current,
            current.saturating_add(1),
        ] {
            let expected = self.code_at_step(step);
            if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) && found.is_none() {
                found = Some(step);
            }
        }
        found
    }

    /// RFC 4226 §5.3: HMAC of the big-endian counter, dynamic truncation,
    /// modulo 10^digits.
    fn code_at_step(&self, step: u64) -> String {
        let message = step.to_be_bytes();
        let key = self.secret.expose_secret();
        let mac = match self.algorithm {
            TotpAlgorithm::Sha1 => hmac_tag!(sha1::Sha1, key, &message),
            TotpAlgorithm::Sha256 => hmac_tag!(sha2::Sha256, key, &message),
            TotpAlgorithm::Sha512 => hmac_tag!(sha2::Sha512, key, &message),
        };
        let offset = usize::from(mac.last().copied().unwrap_or(0) & 0x0f);
        let word: [u8; 4] = mac
            .get(offset..offset + 4)
            .and_then(|w| w.try_into().ok())
            .unwrap_or_default();
        let value = u32::from_be_bytes(word) & 0x7fff_ffff;
        let code = value % 10u32.pow(self.digits);
        format!("{code:0width$}", width = self.digits as usize)
    }
}

impl fmt::Debug for Totp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Totp")
            .field("secret", &"[REDACTED]")
            .field("algorithm", &self.algorithm)
            .field("digits", &self.digits)
            .field("step", &self.step)
            .finish()
    }
}

/// Seconds since the Unix epoch; times before it count as 0.
pub(crate) fn unix_seconds(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::MemoryOtpStore;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn totp() -> Totp {
        Totp::new(b"12345678901234567890", TotpAlgorithm::Sha1, 6).unwrap()
    }

    #[test]
    fn window_is_one_step_each_side() {
        let t = totp();
        let store = MemoryOtpStore::new();
        let code = t.generate(at(1_000_000));
        assert!(t.verify("a", &code, at(1_000_000 + 30), &store).is_ok());
        let store = MemoryOtpStore::new();
        let err = t
            .verify("a", &code, at(1_000_000 + 60), &store)
            .unwrap_err();
        assert_eq!(err.code(), "access.otp_mismatch");
    }

    #[test]
    fn an_earlier_step_after_a_later_one_is_refused() {
        let t = totp();
        let store = MemoryOtpStore::new();
        let now = 1_000_020;
        let next = t.generate(at(now + 30));
        let current = t.generate(at(now));
        t.verify("a", &next, at(now), &store).unwrap();
        let err = t.verify("a", &current, at(now), &store).unwrap_err();
        assert_eq!(err.code(), "access.otp_reused");
    }

    #[test]
    fn throttles_then_recovers() {
        let t = totp().with_throttle(3, Duration::from_secs(60));
        let store = MemoryOtpStore::new();
        let now = 2_000_000;
        for _ in 0..3 {
            let err = t.verify("a", "000000", at(now), &store).unwrap_err();
            assert_eq!(err.code(), "access.otp_mismatch");
        }
        let good = t.generate(at(now + 10));
        let err = t.verify("a", &good, at(now + 10), &store).unwrap_err();
        assert_eq!(err.code(), "access.otp_throttled");
        assert_eq!(err.to_string(), "too many failed attempts; retry in 50 s");
        // Another account is not affected.
        t.verify("b", &good, at(now + 10), &store).unwrap();
        // After the lockout the right code works and clears the count.
        let later = t.generate(at(now + 60));
        t.verify("a", &later, at(now + 60), &store).unwrap();
        assert_eq!(store.failures("a").unwrap().count, 0);
    }

    #[test]
    fn malformed_codes_are_mismatches() {
        let t = totp();
        let store = MemoryOtpStore::new();
        for code in ["", "12345", "1234567", "12345a", "１２３４５６"] {
            let err = t.verify("a", code, at(59), &store).unwrap_err();
            assert_eq!(err.code(), "access.otp_mismatch", "{code}");
        }
    }

    #[test]
    fn settings_are_checked() {
        assert!(Totp::new(&[0; 15], TotpAlgorithm::Sha1, 6).is_err());
        assert!(Totp::new(&[0; 16], TotpAlgorithm::Sha1, 5).is_err());
        assert!(Totp::new(&[0; 16], TotpAlgorithm::Sha1, 9).is_err());
        assert!(totp().with_step(Duration::ZERO).is_err());
        let bad = SecretString::from("not base32!");
        let err = Totp::from_base32(&bad, TotpAlgorithm::Sha1, 6).unwrap_err();
        assert_eq!(err.code(), "access.otp_invalid_secret");
    }

    #[test]
    fn generated_secret_round_trips() {
        let secret = Totp::generate_secret().unwrap();
        assert_eq!(secret.expose_secret().len(), 32);
        let t = Totp::from_base32(&secret, TotpAlgorithm::Sha256, 6).unwrap();
        assert_eq!(t.secret.expose_secret().len(), GENERATED_SECRET_BYTES);
    }

    #[test]
    fn provisioning_uri_in_key_uri_format() {
        // Base32 of "12345678901234567890" (RFC 4648 alphabet).
        let uri = totp().provisioning_uri("Acme MSP", "alice@example.com");
        assert_eq!(
            uri.expose_secret(),
            "otpauth://totp/Acme%20MSP:alice%40example%2Ecom?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme%20MSP&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn debug_hides_the_secret() {
        let shown = format!("{:?}", totp());
        assert!(shown.contains("[REDACTED]"));
        assert!(!shown.contains("1234567890"));
        assert!(!shown.contains("GEZDGNBV"));
    }
}
