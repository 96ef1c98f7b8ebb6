//! `halo_core` access control: RBAC `Policy`, `MfaPolicy`, `Totp`, one-time
//! and recovery codes, `ApiKeyStore` and `TokenValidator`. Times are Unix
//! seconds.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use halo_core::access::{self as core, KeyStatus, MfaRequirement};
use halo_core::config::{JwtAlgorithm, MfaMethod};
use halo_core::secret::{ExposeSecret, SecretBytes, SecretString, SystemSource};
use pyo3::prelude::*;

use crate::config::Config;
use crate::errors::{access_error, bad_argument};

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

fn seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn now_or(now: Option<u64>) -> SystemTime {
    now.map_or_else(SystemTime::now, at)
}

/// A compiled role policy.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct Policy {
    inner: core::Policy,
}

/// The answer of `Policy.decide`.
#[pyclass(module = "halo_core", frozen, get_all)]
pub(crate) struct Decision {
    allowed: bool,
    granted_by: Option<Grant>,
}

/// The role and permission that allowed a decision.
#[pyclass(module = "halo_core", frozen, get_all)]
#[derive(Clone)]
pub(crate) struct Grant {
    role: String,
    permission: String,
}

#[pymethods]
impl Policy {
    /// Builds a policy from `{"role": {"permissions": [...], "inherits": [...]}}`.
    #[new]
    fn new(roles: BTreeMap<String, BTreeMap<String, Vec<String>>>) -> PyResult<Self> {
        let mut builder = core::Policy::builder();
        for (name, role) in &roles {
            if let Some(key) = role
                .keys()
                .find(|k| *k != "permissions" && *k != "inherits")
            {
                return Err(bad_argument(&format!("unknown role field `{key}`")));
            }
            let empty = Vec::new();
            let permissions = role.get("permissions").unwrap_or(&empty);
            let inherits = role.get("inherits").unwrap_or(&empty);
            builder = builder.role(name, permissions, inherits);
        }
        let inner = builder.build().map_err(|e| access_error(&e))?;
        Ok(Self { inner })
    }

    /// The policy of `security.authorization.rbac`.
    #[staticmethod]
    fn from_config(config: &Config) -> PyResult<Self> {
        let inner = core::Policy::from_config(config.inner()).map_err(|e| access_error(&e))?;
        Ok(Self { inner })
    }

    /// Whether `role` holds `permission`.
    fn is_allowed(&self, role: &str, permission: &str) -> bool {
        self.inner.is_allowed(role, permission)
    }

    /// Whether any of `roles` holds `permission`, and which grant allowed it.
    fn decide(&self, roles: Vec<String>, permission: &str) -> Decision {
        let decision = self.inner.decide(&roles, permission);
        Decision {
            allowed: decision.allowed,
            granted_by: decision.granted_by.map(|g| Grant {
                role: g.role,
                permission: g.permission,
            }),
        }
    }

    /// Every permission of `role`, sorted; `None` for an unknown role.
    fn effective_permissions(&self, role: &str) -> Option<Vec<String>> {
        self.inner.effective_permissions(role)
    }

    /// The role names, sorted.
    fn roles(&self) -> Vec<String> {
        self.inner.roles().into_iter().map(str::to_owned).collect()
    }
}

/// Which roles need a second factor.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct MfaPolicy {
    inner: core::MfaPolicy,
}

#[pymethods]
impl MfaPolicy {
    /// The policy of `security.mfa`.
    #[staticmethod]
    fn from_config(config: &Config) -> Self {
        Self {
            inner: core::MfaPolicy::from_config(config.inner()),
        }
    }

    /// `("not_required", None)`, `("required", None)` or
    /// `("in_grace", until)`.
    fn requirement(
        &self,
        role: &str,
        enrolled: bool,
        account_created_at: u64,
        now: u64,
    ) -> (&'static str, Option<u64>) {
        match self
            .inner
            .requirement(role, enrolled, at(account_created_at), at(now))
        {
            MfaRequirement::InGrace { until } => ("in_grace", Some(seconds(until))),
            MfaRequirement::Required => ("required", None),
            _ => ("not_required", None),
        }
    }

    /// Whether `method` (`totp`, `sms`, `email`) is accepted.
    fn allows(&self, method: &str) -> PyResult<bool> {
        Ok(self.inner.allows(mfa_method(method)?))
    }
}

fn mfa_method(name: &str) -> PyResult<MfaMethod> {
    MfaMethod::from_name(name)
        .ok_or_else(|| bad_argument("method must be `totp`, `sms` or `email`"))
}

/// Replay and throttling state of TOTP verification, in memory.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct MemoryOtpStore {
    inner: Arc<core::MemoryOtpStore>,
}

#[pymethods]
impl MemoryOtpStore {
    #[new]
    fn new() -> Self {
        Self {
            inner: Arc::new(core::MemoryOtpStore::new()),
        }
    }
}

/// RFC 6238 time-based one-time passwords.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct Totp {
    inner: core::Totp,
}

#[pymethods]
impl Totp {
    /// A TOTP over raw secret bytes (at least 16).
    #[new]
    #[pyo3(signature = (secret, algorithm = "SHA1", digits = 6, step = 30, max_failures = 5, lockout = 300))]
    fn new(
        secret: &[u8],
        algorithm: &str,
        digits: u32,
        step: u64,
        max_failures: u32,
        lockout: u64,
    ) -> PyResult<Self> {
        let totp = core::Totp::new(secret, totp_algorithm(algorithm)?, digits);
        Self::finish(totp, step, max_failures, lockout)
    }

    /// A TOTP over a base32 secret as shown to users.
    #[staticmethod]
    #[pyo3(signature = (secret, algorithm = "SHA1", digits = 6, step = 30, max_failures = 5, lockout = 300))]
    fn from_base32(
        secret: String,
        algorithm: &str,
        digits: u32,
        step: u64,
        max_failures: u32,
        lockout: u64,
    ) -> PyResult<Self> {
        let secret = SecretString::from(secret);
        let totp = core::Totp::from_base32(&secret, totp_algorithm(algorithm)?, digits);
        Self::finish(totp, step, max_failures, lockout)
    }

    /// A new random base32 secret (20 bytes).
    #[staticmethod]
    fn generate_secret() -> PyResult<String> {
        let secret = core::Totp::generate_secret().map_err(|e| access_error(&e))?;
        Ok(secret.expose_secret().to_owned())
    }

    /// The code for the time step containing `at`.
    fn generate(&self, at: u64) -> String {
        self.inner.generate(self::at(at))
    }

    /// Verifies `code` for `account`; raises `AccessError` on failure.
    #[pyo3(signature = (account, code, store, now = None))]
    fn verify(
        &self,
        account: &str,
        code: &str,
        store: &MemoryOtpStore,
        now: Option<u64>,
    ) -> PyResult<()> {
        self.inner
            .verify(account, code, now_or(now), store.inner.as_ref())
            .map_err(|e| access_error(&e))
    }

    /// The `otpauth://` URI for authenticator apps (contains the secret).
    fn provisioning_uri(&self, issuer: &str, account: &str) -> String {
        self.inner
            .provisioning_uri(issuer, account)
            .expose_secret()
            .to_owned()
    }

    fn __repr__(&self) -> String {
        "Totp(...)".to_owned()
    }
}

impl Totp {
    fn finish(
        totp: Result<core::Totp, core::AccessError>,
        step: u64,
        max_failures: u32,
        lockout: u64,
    ) -> PyResult<Self> {
        let inner = totp
            .and_then(|t| t.with_step(Duration::from_secs(step)))
            .map_err(|e| access_error(&e))?
            .with_throttle(max_failures, Duration::from_secs(lockout));
        Ok(Self { inner })
    }
}

fn totp_algorithm(name: &str) -> PyResult<core::TotpAlgorithm> {
    core::TotpAlgorithm::from_name(name)
        .ok_or_else(|| bad_argument("algorithm must be `SHA1`, `SHA256` or `SHA512`"))
}

/// Pending one-time codes for the `sms` and `email` methods.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct OneTimeCodes {
    inner: core::OneTimeCodes,
}

#[pymethods]
impl OneTimeCodes {
    #[new]
    #[pyo3(signature = (ttl = 600, attempts = 5))]
    fn new(ttl: u64, attempts: u32) -> PyResult<Self> {
        let inner = core::OneTimeCodes::new().map_err(|e| access_error(&e))?;
        Ok(Self {
            inner: inner.with_limits(Duration::from_secs(ttl), attempts),
        })
    }

    /// A new 6-digit code for `account`, to send by `method`.
    #[pyo3(signature = (account, method, now = None))]
    fn issue(&self, account: &str, method: &str, now: Option<u64>) -> PyResult<String> {
        let code = self
            .inner
            .issue(account, mfa_method(method)?, now_or(now))
            .map_err(|e| access_error(&e))?;
        Ok(code.expose_secret().to_owned())
    }

    /// Consumes the pending code; returns its method.
    #[pyo3(signature = (account, code, now = None))]
    fn verify(&self, account: &str, code: &str, now: Option<u64>) -> PyResult<&'static str> {
        let method = self
            .inner
            .verify(account, code, now_or(now))
            .map_err(|e| access_error(&e))?;
        Ok(method.as_str())
    }
}

/// Single-use recovery codes, stored as salted hashes.
#[pyclass(module = "halo_core")]
pub(crate) struct RecoveryCodes {
    inner: core::RecoveryCodes,
}

#[pymethods]
impl RecoveryCodes {
    /// `(codes, stored)`: codes to show once, and the hashes to keep.
    #[staticmethod]
    fn generate(count: usize) -> PyResult<(Vec<String>, Self)> {
        let (codes, inner) = core::RecoveryCodes::generate(count).map_err(|e| access_error(&e))?;
        let codes = codes.iter().map(|c| c.expose_secret().to_owned()).collect();
        Ok((codes, Self { inner }))
    }

    /// Stored codes from `to_json` output.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        let inner = serde_json::from_str(text)
            .map_err(|_| bad_argument("not a stored recovery code set"))?;
        Ok(Self { inner })
    }

    /// The hashes as JSON, to store with the account.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner).map_err(|_| bad_argument("cannot serialise"))
    }

    /// Uses up `code`; raises `AccessError` (`access.otp_mismatch`).
    fn redeem(&mut self, code: &str) -> PyResult<()> {
        self.inner.redeem(code).map_err(|e| access_error(&e))
    }

    /// How many codes are left.
    fn remaining(&self) -> usize {
        self.inner.remaining()
    }
}

/// API keys stored as hashes, in memory or in a JSON file.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct ApiKeyStore {
    inner: core::ApiKeyStore,
}

/// A key that passed `ApiKeyStore.verify`.
#[pyclass(module = "halo_core", frozen, get_all)]
pub(crate) struct VerifiedKey {
    id: String,
    label: String,
    /// `active` or `retiring`.
    status: &'static str,
    /// When a retiring key stops working.
    until: Option<u64>,
}

#[pymethods]
impl ApiKeyStore {
    /// A store in memory, or in the JSON file at `path`, configured by the
    /// first `api_key` method of `config` (the guide's defaults without
    /// one); its pepper is resolved from the environment or files.
    #[new]
    #[pyo3(signature = (config = None, path = None))]
    fn new(config: Option<&Config>, path: Option<std::path::PathBuf>) -> PyResult<Self> {
        let default = halo_core::Config::default();
        let config = config.map_or(&default, Config::inner);
        let inner = match path {
            Some(path) => core::ApiKeyStore::from_config(
                config,
                core::JsonFileKeyBackend::new(path),
                &SystemSource,
            ),
            None => {
                core::ApiKeyStore::from_config(config, core::MemoryKeyBackend::new(), &SystemSource)
            }
        };
        Ok(Self {
            inner: inner.map_err(|e| access_error(&e))?,
        })
    }

    /// `(id, key)`: a new key, shown once.
    #[pyo3(signature = (label, now = None))]
    fn issue(&self, label: &str, now: Option<u64>) -> PyResult<(String, String)> {
        let issued = self
            .inner
            .issue(label, now_or(now))
            .map_err(|e| access_error(&e))?;
        Ok((issued.id, issued.key.expose_secret().to_owned()))
    }

    /// Checks a presented key; raises `AccessError`.
    #[pyo3(signature = (key, now = None))]
    fn verify(&self, key: &str, now: Option<u64>) -> PyResult<VerifiedKey> {
        let verified = self
            .inner
            .verify(key, now_or(now))
            .map_err(|e| access_error(&e))?;
        let (status, until) = match verified.status {
            KeyStatus::Retiring { until } => ("retiring", Some(seconds(until))),
            _ => ("active", None),
        };
        Ok(VerifiedKey {
            id: verified.id,
            label: verified.label,
            status,
            until,
        })
    }

    /// `(id, key)` of a successor; the old key stays valid for the grace
    /// period.
    #[pyo3(signature = (id, now = None))]
    fn rotate(&self, id: &str, now: Option<u64>) -> PyResult<(String, String)> {
        let issued = self
            .inner
            .rotate(id, now_or(now))
            .map_err(|e| access_error(&e))?;
        Ok((issued.id, issued.key.expose_secret().to_owned()))
    }

    /// Refuses the key `id` from now on.
    fn revoke(&self, id: &str) -> PyResult<()> {
        self.inner.revoke(id).map_err(|e| access_error(&e))
    }

    /// Ids of active keys due for rotation.
    #[pyo3(signature = (now = None))]
    fn due_for_rotation(&self, now: Option<u64>) -> PyResult<Vec<String>> {
        self.inner
            .due_for_rotation(now_or(now))
            .map_err(|e| access_error(&e))
    }
}

/// Validates signed JWT bearer tokens.
#[pyclass(module = "halo_core")]
pub(crate) struct TokenValidator {
    inner: core::TokenValidator,
}

/// A token that passed validation.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct ValidatedToken {
    inner: core::ValidatedToken,
}

#[pymethods]
impl TokenValidator {
    /// A validator over the key set `jwks_json`; other settings as in the
    /// configuration (`issuer`, `audience`, `leeway` seconds, `algorithms`).
    #[new]
    #[pyo3(signature = (jwks_json, issuer = None, audience = None, leeway = 30, algorithms = vec!["RS256".to_owned(), "ES256".to_owned()]))]
    fn new(
        jwks_json: &str,
        issuer: Option<String>,
        audience: Option<String>,
        leeway: u64,
        algorithms: Vec<String>,
    ) -> PyResult<Self> {
        let keys = core::StaticJwks::from_json(jwks_json).map_err(|e| access_error(&e))?;
        let algorithms = algorithms
            .iter()
            .map(|a| jwt_algorithm(a))
            .collect::<PyResult<Vec<_>>>()?;
        let mut inner = core::TokenValidator::new(core::JwksCache::new(keys))
            .with_leeway(Duration::from_secs(leeway))
            .with_algorithms(&algorithms)
            .map_err(|e| access_error(&e))?;
        if let Some(issuer) = issuer {
            inner = inner.with_issuer(issuer);
        }
        if let Some(audience) = audience {
            inner = inner.with_audience(audience);
        }
        Ok(Self { inner })
    }

    /// The validator of the first `oauth2` method of `config`, fetching
    /// keys from its `jwks_url`, or using `jwks_json` when given.
    #[staticmethod]
    #[pyo3(signature = (config, jwks_json = None))]
    fn from_config(config: &Config, jwks_json: Option<&str>) -> PyResult<Self> {
        let inner = match jwks_json {
            Some(text) => {
                let keys = core::StaticJwks::from_json(text).map_err(|e| access_error(&e))?;
                core::TokenValidator::from_config_with_keys(
                    config.inner(),
                    core::JwksCache::new(keys),
                    &SystemSource,
                )
            }
            None => core::TokenValidator::from_config(config.inner(), &SystemSource),
        };
        Ok(Self {
            inner: inner.map_err(|e| access_error(&e))?,
        })
    }

    /// Also accepts HS256 tokens signed with the shared `secret`.
    fn dangerous_accept_hs256(&mut self, secret: &[u8]) {
        let placeholder = core::TokenValidator::new(core::JwksCache::new(core::StaticJwks(
            core::JwkSet::default(),
        )));
        let inner = std::mem::replace(&mut self.inner, placeholder);
        self.inner = inner.dangerous_accept_hs256(SecretBytes::new(secret.into()));
    }

    /// Validates `token` at `now` (default: the system clock); raises
    /// `AccessError`.
    #[pyo3(signature = (token, now = None))]
    fn validate(&self, py: Python<'_>, token: &str, now: Option<u64>) -> PyResult<ValidatedToken> {
        let now = now_or(now);
        let inner = py
            .detach(|| self.inner.validate_at(token, now))
            .map_err(|e| access_error(&e))?;
        Ok(ValidatedToken { inner })
    }
}

#[pymethods]
impl ValidatedToken {
    /// `sub`, when present.
    #[getter]
    fn subject(&self) -> Option<String> {
        self.inner.subject.clone()
    }

    /// `iss`, when present.
    #[getter]
    fn issuer(&self) -> Option<String> {
        self.inner.issuer.clone()
    }

    /// `exp`, in Unix seconds.
    #[getter]
    fn expires_at(&self) -> u64 {
        seconds(self.inner.expires_at)
    }

    /// The granted scopes.
    #[getter]
    fn scopes(&self) -> Vec<String> {
        self.inner.scopes.clone()
    }

    /// Every claim, as JSON text.
    #[getter]
    fn claims_json(&self) -> String {
        serde_json::Value::Object(self.inner.claims.clone()).to_string()
    }

    /// Raises `AccessError` (`access.token_missing_scope`) unless the token
    /// grants `scope`.
    fn require_scope(&self, scope: &str) -> PyResult<()> {
        self.inner
            .require_scope(scope)
            .map_err(|e| access_error(&e))
    }
}

fn jwt_algorithm(name: &str) -> PyResult<JwtAlgorithm> {
    JwtAlgorithm::from_name(name).ok_or_else(|| bad_argument("unsupported JWT algorithm"))
}
