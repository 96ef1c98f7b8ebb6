//! Access control: who may do what, and how callers prove who they are.
//!
//! - [`Policy`]: role-based access control compiled from
//!   `security.authorization.rbac`; [`Policy::is_allowed`] by names costs a
//!   few hash look-ups.
//! - [`MfaPolicy`]: which roles need a second factor, and the enrolment
//!   grace period of `security.mfa`.
//! - [`Totp`]: RFC 6238 time-based codes that refuse a reused time step and
//!   throttle repeated failures; [`OneTimeCodes`] for codes sent by SMS or
//!   email; [`RecoveryCodes`] for single-use recovery codes. Delivering a
//!   code is the application's job.
//! - [`ApiKeyStore`]: recognisable API keys stored only as hashes, with
//!   rotation and a grace period (`api_key` authentication method).
//! - [`TokenValidator`]: signed JWT bearer tokens checked against a JSON Web
//!   Key Set (`oauth2` authentication method).
//!
//! All of it is synchronous. Times are passed in as [`SystemTime`]
//! arguments, so tests and replays control the clock; methods without a
//! time argument read the system clock.
//!
//! Every failure is an [`AccessError`] with a stable code.
//!
//! [`SystemTime`]: std::time::SystemTime

mod api_key;
mod api_key_file;
mod codes;
mod error;
mod jwks;
mod mfa;
mod otp_store;
mod random;
mod rbac;
mod token;
mod totp;

pub use api_key::{
    ApiKeyBackend, ApiKeyRecord, ApiKeyStore, IssuedKey, KEY_LENGTH, KEY_PREFIX, KeyState,
    KeyStatus, MemoryKeyBackend, VerifiedKey, parse_api_key,
};
pub use api_key_file::JsonFileKeyBackend;
pub use codes::{
    CODE_DIGITS, DEFAULT_CODE_ATTEMPTS, DEFAULT_CODE_TTL, OneTimeCodes, RecoveryCodes,
};
pub use error::AccessError;
#[cfg(feature = "jwks-http")]
pub use jwks::HttpJwks;
pub use jwks::{
    DEFAULT_MAX_AGE, DEFAULT_MIN_REFRESH, Jwk, JwkSet, JwksCache, JwksSource, MAX_JWKS_BYTES,
    StaticJwks,
};
pub use mfa::{MfaPolicy, MfaRequirement};
pub use otp_store::{Failures, MemoryOtpStore, OtpStore};
pub use rbac::{Decision, Grant, Policy, PolicyBuilder};
pub use token::{TokenValidator, ValidatedToken};
pub use totp::{
    DEFAULT_LOCKOUT, DEFAULT_MAX_FAILURES, DEFAULT_STEP, GENERATED_SECRET_BYTES, MIN_SECRET_BYTES,
    Totp, TotpAlgorithm,
};
