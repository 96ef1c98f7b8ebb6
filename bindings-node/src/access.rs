//! Access control: RBAC `Policy`, `MfaPolicy`, `Totp`, one-time and
//! recovery codes, `ApiKeyStore` and `TokenValidator`. Times are Unix
//! seconds; failures throw `Error`s whose `code` starts with `access.`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use halo_core::access::{self as core, KeyStatus, MfaRequirement as CoreRequirement};
use halo_core::config::{JwtAlgorithm, MfaMethod};
use halo_core::secret::{ExposeSecret, SecretBytes, SecretString, SystemSource};
use napi::bindgen_prelude::Buffer;
use napi::{Env, Result};
use napi_derive::napi;

use crate::config::Config;
use crate::errors::{throw_access_error, throw_bad_argument};

fn at(seconds: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
}

fn seconds(time: SystemTime) -> i64 {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    i64::try_from(secs).unwrap_or(i64::MAX)
}

fn now_or(now: Option<i64>) -> SystemTime {
    now.map_or_else(SystemTime::now, at)
}

/// One role given to the `Policy` constructor.
#[napi(object)]
#[derive(Debug)]
pub struct RoleSpec {
    /// Dotted permission names, `prefix.*` or `*`. Default: none.
    pub permissions: Option<Vec<String>>,
    /// Roles whose permissions this role also has. Default: none.
    pub inherits: Option<Vec<String>>,
}

/// The role and permission (as written there) that allowed a decision.
#[napi(object)]
#[derive(Debug)]
pub struct Grant {
    /// The role holding the grant.
    pub role: String,
    /// The permission as written in that role.
    pub permission: String,
}

/// The answer of `Policy.decide`.
#[napi(object)]
#[derive(Debug)]
pub struct Decision {
    /// Whether the permission is granted.
    pub allowed: bool,
    /// The grant that allowed it; absent when denied.
    pub granted_by: Option<Grant>,
}

/// A compiled RBAC policy.
#[napi]
#[derive(Debug)]
pub struct Policy {
    inner: core::Policy,
}

#[napi]
impl Policy {
    /// Builds a policy from `{name: {permissions, inherits}}`; throws
    /// `access.rbac_cycle`, `access.rbac_unknown_role`, ...
    #[napi(constructor)]
    pub fn new(env: Env, roles: HashMap<String, RoleSpec>) -> Result<Self> {
        let mut names: Vec<&String> = roles.keys().collect();
        names.sort();
        let mut builder = core::Policy::builder();
        for name in names {
            let role = &roles[name];
            let permissions = role.permissions.as_deref().unwrap_or_default();
            let inherits = role.inherits.as_deref().unwrap_or_default();
            builder = builder.role(name, permissions, inherits);
        }
        let inner = builder.build().map_err(|e| throw_access_error(&env, &e))?;
        Ok(Self { inner })
    }

    /// The policy of `security.authorization.rbac`.
    #[napi(factory)]
    pub fn from_config(env: Env, config: &Config) -> Result<Self> {
        let inner =
            core::Policy::from_config(config.inner()).map_err(|e| throw_access_error(&env, &e))?;
        Ok(Self { inner })
    }

    /// Whether `role` holds `permission`.
    #[napi]
    pub fn is_allowed(&self, role: String, permission: String) -> bool {
        self.inner.is_allowed(&role, &permission)
    }

    /// Whether any of `roles` holds `permission`, and which grant allowed it.
    #[napi]
    pub fn decide(&self, roles: Vec<String>, permission: String) -> Decision {
        let decision = self.inner.decide(&roles, &permission);
        Decision {
            allowed: decision.allowed,
            granted_by: decision.granted_by.map(|g| Grant {
                role: g.role,
                permission: g.permission,
            }),
        }
    }

    /// Every permission of `role`, sorted; `null` for an unknown role.
    #[napi]
    pub fn effective_permissions(&self, role: String) -> Option<Vec<String>> {
        self.inner.effective_permissions(&role)
    }
}

/// What `MfaPolicy.requirement` asks of an account.
#[napi(object)]
#[derive(Debug)]
pub struct MfaRequirement {
    /// `not_required`, `required` or `in_grace`.
    pub kind: String,
    /// When the grace period ends (Unix seconds), for `in_grace`.
    pub until: Option<i64>,
}

/// Which roles need a second factor.
#[napi]
#[derive(Debug)]
pub struct MfaPolicy {
    inner: core::MfaPolicy,
}

#[napi]
impl MfaPolicy {
    /// The policy of `security.mfa`.
    #[napi(factory)]
    pub fn from_config(config: &Config) -> Self {
        Self {
            inner: core::MfaPolicy::from_config(config.inner()),
        }
    }

    /// What an account with `role` must do at `now`.
    #[napi]
    pub fn requirement(
        &self,
        role: String,
        enrolled: bool,
        account_created_at: i64,
        now: i64,
    ) -> MfaRequirement {
        let r = self
            .inner
            .requirement(&role, enrolled, at(account_created_at), at(now));
        let (kind, until) = match r {
            CoreRequirement::InGrace { until } => ("in_grace", Some(seconds(until))),
            CoreRequirement::Required => ("required", None),
            _ => ("not_required", None),
        };
        MfaRequirement {
            kind: kind.to_owned(),
            until,
        }
    }
}

/// TOTP replay and throttling state, in memory.
#[napi]
#[derive(Debug)]
pub struct MemoryOtpStore {
    inner: Arc<core::MemoryOtpStore>,
}

#[napi]
impl MemoryOtpStore {
    /// An empty store.
    #[napi(constructor)]
    #[allow(clippy::new_without_default, reason = "a JavaScript constructor")]
    pub fn new() -> Self {
        Self {
            inner: Arc::new(core::MemoryOtpStore::new()),
        }
    }
}

/// Options of a `Totp`.
#[napi(object)]
#[derive(Debug, Default)]
pub struct TotpOptions {
    /// `SHA1` (default), `SHA256` or `SHA512`.
    pub algorithm: Option<String>,
    /// 6 (default) to 8.
    pub digits: Option<u32>,
    /// Time step in seconds. Default 30.
    pub step: Option<u32>,
    /// Failures before a lockout. Default 5.
    pub max_failures: Option<u32>,
    /// Lockout in seconds. Default 300.
    pub lockout: Option<u32>,
}

/// RFC 6238 time-based one-time passwords.
#[napi]
#[derive(Debug)]
pub struct Totp {
    inner: core::Totp,
}

#[napi]
impl Totp {
    /// A TOTP over raw secret bytes (at least 16).
    #[napi(factory)]
    pub fn from_bytes(env: Env, secret: Buffer, options: Option<TotpOptions>) -> Result<Self> {
        let options = options.unwrap_or_default();
        let algorithm = totp_algorithm(&env, &options)?;
        let totp = core::Totp::new(&secret, algorithm, options.digits.unwrap_or(6));
        Self::finish(&env, totp, &options)
    }

    /// A TOTP over a base32 secret as shown to users.
    #[napi(factory)]
    pub fn from_base32(env: Env, secret: String, options: Option<TotpOptions>) -> Result<Self> {
        let options = options.unwrap_or_default();
        let algorithm = totp_algorithm(&env, &options)?;
        let secret = SecretString::from(secret);
        let totp = core::Totp::from_base32(&secret, algorithm, options.digits.unwrap_or(6));
        Self::finish(&env, totp, &options)
    }

    /// A new random base32 secret (20 bytes).
    #[napi]
    pub fn generate_secret(env: Env) -> Result<String> {
        let secret = core::Totp::generate_secret().map_err(|e| throw_access_error(&env, &e))?;
        Ok(secret.expose_secret().to_owned())
    }

    /// The code for the time step containing `at`.
    #[napi]
    pub fn generate(&self, at: i64) -> String {
        self.inner.generate(self::at(at))
    }

    /// Verifies `code` for `account`; throws `access.otp_mismatch`,
    /// `access.otp_reused` or `access.otp_throttled`.
    #[napi]
    pub fn verify(
        &self,
        env: Env,
        account: String,
        code: String,
        store: &MemoryOtpStore,
        now: Option<i64>,
    ) -> Result<()> {
        self.inner
            .verify(&account, &code, now_or(now), store.inner.as_ref())
            .map_err(|e| throw_access_error(&env, &e))
    }

    /// The `otpauth://` URI for authenticator apps (contains the secret).
    #[napi]
    pub fn provisioning_uri(&self, issuer: String, account: String) -> String {
        let uri = self.inner.provisioning_uri(&issuer, &account);
        uri.expose_secret().to_owned()
    }
}

impl Totp {
    fn finish(
        env: &Env,
        totp: std::result::Result<core::Totp, core::AccessError>,
        options: &TotpOptions,
    ) -> Result<Self> {
        let step = Duration::from_secs(options.step.unwrap_or(30).into());
        let inner = totp
            .and_then(|t| t.with_step(step))
            .map_err(|e| throw_access_error(env, &e))?
            .with_throttle(
                options.max_failures.unwrap_or(5),
                Duration::from_secs(options.lockout.unwrap_or(300).into()),
            );
        Ok(Self { inner })
    }
}

fn totp_algorithm(env: &Env, options: &TotpOptions) -> Result<core::TotpAlgorithm> {
    let name = options.algorithm.as_deref().unwrap_or("SHA1");
    core::TotpAlgorithm::from_name(name)
        .ok_or_else(|| throw_bad_argument(env, "algorithm must be `SHA1`, `SHA256` or `SHA512`"))
}

fn mfa_method(env: &Env, name: &str) -> Result<MfaMethod> {
    MfaMethod::from_name(name)
        .ok_or_else(|| throw_bad_argument(env, "method must be `totp`, `sms` or `email`"))
}

/// Pending 6-digit codes for the `sms` and `email` methods, kept hashed.
#[napi]
#[derive(Debug)]
pub struct OneTimeCodes {
    inner: core::OneTimeCodes,
}

#[napi]
impl OneTimeCodes {
    /// Codes valid `ttl` seconds (default 600), `attempts` wrong tries each
    /// (default 5).
    #[napi(constructor)]
    pub fn new(env: Env, ttl: Option<u32>, attempts: Option<u32>) -> Result<Self> {
        let inner = core::OneTimeCodes::new().map_err(|e| throw_access_error(&env, &e))?;
        let ttl = Duration::from_secs(ttl.unwrap_or(600).into());
        Ok(Self {
            inner: inner.with_limits(ttl, attempts.unwrap_or(5)),
        })
    }

    /// A new code for `account`, to send by `method` (`sms` or `email`).
    #[napi]
    pub fn issue(
        &self,
        env: Env,
        account: String,
        method: String,
        now: Option<i64>,
    ) -> Result<String> {
        let method = mfa_method(&env, &method)?;
        let code = self
            .inner
            .issue(&account, method, now_or(now))
            .map_err(|e| throw_access_error(&env, &e))?;
        Ok(code.expose_secret().to_owned())
    }

    /// Consumes the pending code; returns its method.
    #[napi]
    pub fn verify(
        &self,
        env: Env,
        account: String,
        code: String,
        now: Option<i64>,
    ) -> Result<String> {
        let method = self
            .inner
            .verify(&account, &code, now_or(now))
            .map_err(|e| throw_access_error(&env, &e))?;
        Ok(method.as_str().to_owned())
    }
}

/// Recovery codes to show once, and the hashes to store.
#[napi(object)]
#[derive(Debug)]
pub struct GeneratedRecoveryCodes {
    /// The codes, `XXXXX-XXXXX`.
    pub codes: Vec<String>,
    /// The stored form (JSON), for `RecoveryCodes.fromJson`.
    pub stored: String,
}

/// Single-use recovery codes, stored as salted hashes.
#[napi]
#[derive(Debug)]
pub struct RecoveryCodes {
    inner: core::RecoveryCodes,
}

#[napi]
impl RecoveryCodes {
    /// `count` new codes and their stored form.
    #[napi]
    pub fn generate(env: Env, count: u32) -> Result<GeneratedRecoveryCodes> {
        let (codes, stored) = core::RecoveryCodes::generate(count as usize)
            .map_err(|e| throw_access_error(&env, &e))?;
        let stored = serde_json::to_string(&stored)
            .map_err(|_| throw_bad_argument(&env, "cannot serialise"))?;
        Ok(GeneratedRecoveryCodes {
            codes: codes.iter().map(|c| c.expose_secret().to_owned()).collect(),
            stored,
        })
    }

    /// Stored codes from their JSON form.
    #[napi(factory)]
    pub fn from_json(env: Env, text: String) -> Result<Self> {
        let inner = serde_json::from_str(&text)
            .map_err(|_| throw_bad_argument(&env, "not a stored recovery code set"))?;
        Ok(Self { inner })
    }

    /// The stored form, JSON.
    #[napi]
    pub fn to_json(&self, env: Env) -> Result<String> {
        serde_json::to_string(&self.inner).map_err(|_| throw_bad_argument(&env, "cannot serialise"))
    }

    /// Uses up `code`; throws `access.otp_mismatch`.
    #[napi]
    pub fn redeem(&mut self, env: Env, code: String) -> Result<()> {
        self.inner
            .redeem(&code)
            .map_err(|e| throw_access_error(&env, &e))
    }

    /// How many codes are left.
    #[napi]
    pub fn remaining(&self) -> u32 {
        u32::try_from(self.inner.remaining()).unwrap_or(u32::MAX)
    }
}

/// A newly issued API key, shown once.
#[napi(object)]
#[derive(Debug)]
pub struct IssuedKey {
    /// The key id (not secret).
    pub id: String,
    /// The whole key.
    pub key: String,
}

/// A key that passed `ApiKeyStore.verify`.
#[napi(object)]
#[derive(Debug)]
pub struct VerifiedKey {
    /// The key id.
    pub id: String,
    /// The label given at issue.
    pub label: String,
    /// `active` or `retiring`.
    pub status: String,
    /// When a retiring key stops working (Unix seconds).
    pub until: Option<i64>,
}

/// API keys kept as hashes, in memory or in a JSON file.
#[napi]
#[derive(Debug)]
pub struct ApiKeyStore {
    inner: core::ApiKeyStore,
}

#[napi]
impl ApiKeyStore {
    /// A store in memory, or in the JSON file at `path`, configured by the
    /// first `api_key` method of `config` (the guide's defaults without one).
    #[napi(constructor)]
    pub fn new(env: Env, config: Option<&Config>, path: Option<String>) -> Result<Self> {
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
            inner: inner.map_err(|e| throw_access_error(&env, &e))?,
        })
    }

    /// Issues a key labelled `label`.
    #[napi]
    pub fn issue(&self, env: Env, label: String, now: Option<i64>) -> Result<IssuedKey> {
        let issued = self
            .inner
            .issue(&label, now_or(now))
            .map_err(|e| throw_access_error(&env, &e))?;
        Ok(IssuedKey {
            id: issued.id,
            key: issued.key.expose_secret().to_owned(),
        })
    }

    /// Checks a presented key; throws `access.api_key_*`.
    #[napi]
    pub fn verify(&self, env: Env, key: String, now: Option<i64>) -> Result<VerifiedKey> {
        let verified = self
            .inner
            .verify(&key, now_or(now))
            .map_err(|e| throw_access_error(&env, &e))?;
        let (status, until) = match verified.status {
            KeyStatus::Retiring { until } => ("retiring", Some(seconds(until))),
            _ => ("active", None),
        };
        Ok(VerifiedKey {
            id: verified.id,
            label: verified.label,
            status: status.to_owned(),
            until,
        })
    }

    /// Issues a successor; the old key stays valid for the grace period.
    #[napi]
    pub fn rotate(&self, env: Env, id: String, now: Option<i64>) -> Result<IssuedKey> {
        let issued = self
            .inner
            .rotate(&id, now_or(now))
            .map_err(|e| throw_access_error(&env, &e))?;
        Ok(IssuedKey {
            id: issued.id,
            key: issued.key.expose_secret().to_owned(),
        })
    }

    /// Refuses the key `id` from now on.
    #[napi]
    pub fn revoke(&self, env: Env, id: String) -> Result<()> {
        self.inner
            .revoke(&id)
            .map_err(|e| throw_access_error(&env, &e))
    }

    /// Ids of active keys due for rotation.
    #[napi]
    pub fn due_for_rotation(&self, env: Env, now: Option<i64>) -> Result<Vec<String>> {
        self.inner
            .due_for_rotation(now_or(now))
            .map_err(|e| throw_access_error(&env, &e))
    }
}

/// Options of `TokenValidator.fromJwks`.
#[napi(object)]
#[derive(Debug, Default)]
pub struct TokenOptions {
    /// Required `iss`. Default: none.
    pub issuer: Option<String>,
    /// Required `aud`. Default: none.
    pub audience: Option<String>,
    /// Clock skew in seconds. Default 30.
    pub leeway: Option<u32>,
    /// Accepted algorithms. Default `["RS256", "ES256"]`.
    pub algorithms: Option<Vec<String>>,
}

/// Validates signed JWT bearer tokens.
#[napi]
#[derive(Debug)]
pub struct TokenValidator {
    inner: core::TokenValidator,
}

/// A token that passed validation.
#[napi]
#[derive(Debug)]
pub struct ValidatedToken {
    inner: core::ValidatedToken,
}

#[napi]
impl TokenValidator {
    /// A validator over the key set `jwksJson`.
    #[napi(factory)]
    pub fn from_jwks(env: Env, jwks_json: String, options: Option<TokenOptions>) -> Result<Self> {
        let options = options.unwrap_or_default();
        let keys =
            core::StaticJwks::from_json(&jwks_json).map_err(|e| throw_access_error(&env, &e))?;
        let names = options
            .algorithms
            .unwrap_or_else(|| vec!["RS256".to_owned(), "ES256".to_owned()]);
        let mut algorithms = Vec::with_capacity(names.len());
        for name in &names {
            let alg = JwtAlgorithm::from_name(name)
                .ok_or_else(|| throw_bad_argument(&env, "unsupported JWT algorithm"))?;
            algorithms.push(alg);
        }
        let mut inner = core::TokenValidator::new(core::JwksCache::new(keys))
            .with_leeway(Duration::from_secs(options.leeway.unwrap_or(30).into()))
            .with_algorithms(&algorithms)
            .map_err(|e| throw_access_error(&env, &e))?;
        if let Some(issuer) = options.issuer {
            inner = inner.with_issuer(issuer);
        }
        if let Some(audience) = options.audience {
            inner = inner.with_audience(audience);
        }
        Ok(Self { inner })
    }

    /// The validator of the first `oauth2` method of `config`, fetching keys
    /// from its `jwks_url`, or using `jwksJson` when given.
    #[napi(factory)]
    pub fn from_config(env: Env, config: &Config, jwks_json: Option<String>) -> Result<Self> {
        let inner = match jwks_json {
            Some(text) => core::StaticJwks::from_json(&text).and_then(|keys| {
                core::TokenValidator::from_config_with_keys(
                    config.inner(),
                    core::JwksCache::new(keys),
                    &SystemSource,
                )
            }),
            None => core::TokenValidator::from_config(config.inner(), &SystemSource),
        };
        Ok(Self {
            inner: inner.map_err(|e| throw_access_error(&env, &e))?,
        })
    }

    /// Also accepts HS256 tokens signed with the shared `secret`.
    #[napi]
    pub fn dangerous_accept_hs256(&mut self, secret: Buffer) {
        let empty = core::StaticJwks(core::JwkSet::default());
        let placeholder = core::TokenValidator::new(core::JwksCache::new(empty));
        let inner = std::mem::replace(&mut self.inner, placeholder);
        self.inner = inner.dangerous_accept_hs256(SecretBytes::new(secret.to_vec().into()));
    }

    /// Validates `token` at `now` (default: the system clock); throws
    /// `access.token_*`.
    #[napi]
    pub fn validate(&self, env: Env, token: String, now: Option<i64>) -> Result<ValidatedToken> {
        let inner = self
            .inner
            .validate_at(&token, now_or(now))
            .map_err(|e| throw_access_error(&env, &e))?;
        Ok(ValidatedToken { inner })
    }
}

#[napi]
impl ValidatedToken {
    /// `sub`, when present.
    #[napi(getter)]
    pub fn subject(&self) -> Option<String> {
        self.inner.subject.clone()
    }

    /// `iss`, when present.
    #[napi(getter)]
    pub fn issuer(&self) -> Option<String> {
        self.inner.issuer.clone()
    }

    /// `exp`, in Unix seconds.
    #[napi(getter)]
    pub fn expires_at(&self) -> i64 {
        seconds(self.inner.expires_at)
    }

    /// The granted scopes.
    #[napi(getter)]
    pub fn scopes(&self) -> Vec<String> {
        self.inner.scopes.clone()
    }

    /// Every claim, as JSON text.
    #[napi(getter)]
    pub fn claims_json(&self) -> String {
        serde_json::Value::Object(self.inner.claims.clone()).to_string()
    }

    /// Throws `access.token_missing_scope` unless the token grants `scope`.
    #[napi]
    pub fn require_scope(&self, env: Env, scope: String) -> Result<()> {
        self.inner
            .require_scope(&scope)
            .map_err(|e| throw_access_error(&env, &e))
    }
}
