//! RBAC [`Policy`] and [`Totp`] with its [`MemoryOtpStore`]. Times are Unix
//! seconds; failures are `HaloCoreError::Access` with an `access.` code.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use halo_core::access as core;
use halo_core::secret::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::config::Config;
use crate::errors::{HaloCoreError, Result};

/// One role given to [`Policy::from_roles`].
#[derive(Debug, uniffi::Record)]
pub struct RoleSpec {
    /// Dotted permission names, `prefix.*` or `*`. Default: none.
    #[uniffi(default)]
    pub permissions: Vec<String>,
    /// Roles whose permissions this role also has. Default: none.
    #[uniffi(default)]
    pub inherits: Vec<String>,
}

/// The role and permission (as written there) that allowed a decision.
#[derive(Debug, uniffi::Record)]
pub struct Grant {
    /// The role holding the grant.
    pub role: String,
    /// The permission as written in that role.
    pub permission: String,
}

/// The answer of [`Policy::decide`].
#[derive(Debug, uniffi::Record)]
pub struct Decision {
    /// Whether the permission is granted.
    pub allowed: bool,
    /// The grant that allowed it, for the audit trail; `null` when denied.
    pub granted_by: Option<Grant>,
}

/// A compiled RBAC policy; deny by default.
#[derive(Debug, uniffi::Object)]
pub struct Policy {
    inner: core::Policy,
}

/// Options of a [`Totp`]; each left out keeps the default.
#[derive(Debug, Default, uniffi::Record)]
pub struct TotpOptions {
    /// `SHA1` (default), `SHA256` or `SHA512`.
    #[uniffi(default)]
    pub algorithm: Option<String>,
    /// 6 (default) to 8.
    #[uniffi(default)]
    pub digits: Option<u32>,
    /// Time step in seconds. Default 30.
    #[uniffi(default)]
    pub step: Option<u32>,
    /// Failures before a lockout. Default 5.
    #[uniffi(default)]
    pub max_failures: Option<u32>,
    /// Lockout in seconds. Default 300.
    #[uniffi(default)]
    pub lockout: Option<u32>,
}

/// TOTP replay and throttling state, in this process's memory.
#[derive(Debug, uniffi::Object)]
pub struct MemoryOtpStore {
    inner: core::MemoryOtpStore,
}

/// RFC 6238 time-based one-time passwords.
#[derive(Debug, uniffi::Object)]
pub struct Totp {
    inner: core::Totp,
}

#[uniffi::export]
impl Policy {
    /// The policy of `security.authorization.rbac`.
    #[uniffi::constructor]
    pub fn from_config(config: &Config) -> Result<Arc<Self>> {
        let inner = core::Policy::from_config(config.inner())?;
        Ok(Arc::new(Self { inner }))
    }

    /// A policy of `roles` by name; `access.rbac_cycle`,
    /// `access.rbac_unknown_role`, ... when it cannot compile.
    #[uniffi::constructor]
    pub fn from_roles(roles: HashMap<String, RoleSpec>) -> Result<Arc<Self>> {
        let mut roles: Vec<_> = roles.into_iter().collect();
        roles.sort_by(|a, b| a.0.cmp(&b.0));
        let mut builder = core::Policy::builder();
        for (name, role) in &roles {
            builder = builder.role(name, &role.permissions, &role.inherits);
        }
        Ok(Arc::new(Self {
            inner: builder.build()?,
        }))
    }

    /// Whether `role` holds `permission`.
    pub fn is_allowed(&self, role: String, permission: String) -> bool {
        self.inner.is_allowed(&role, &permission)
    }

    /// Whether any of `roles` holds `permission`, and which grant allowed it.
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
    pub fn effective_permissions(&self, role: String) -> Option<Vec<String>> {
        self.inner.effective_permissions(&role)
    }
}

#[uniffi::export]
impl MemoryOtpStore {
    /// An empty store.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            inner: core::MemoryOtpStore::new(),
        })
    }
}

#[uniffi::export]
impl Totp {
    /// A TOTP over raw secret bytes (at least 16), moved into zeroizing
    /// memory at once.
    #[uniffi::constructor(default(options))]
    pub fn from_bytes(secret: Vec<u8>, options: TotpOptions) -> Result<Arc<Self>> {
        let secret = Zeroizing::new(secret);
        let algorithm = algorithm(&options)?;
        let totp = core::Totp::new(&secret, algorithm, options.digits.unwrap_or(6))?;
        Self::finish(totp, &options)
    }

    /// A TOTP over a base32 secret as shown to users.
    #[uniffi::constructor(default(options))]
    pub fn from_base32(secret: String, options: TotpOptions) -> Result<Arc<Self>> {
        let secret = SecretString::from(secret);
        let algorithm = algorithm(&options)?;
        let totp = core::Totp::from_base32(&secret, algorithm, options.digits.unwrap_or(6))?;
        Self::finish(totp, &options)
    }

    /// The code for the time step containing `at` (Unix seconds).
    pub fn generate(&self, at: i64) -> String {
        self.inner.generate(time(at))
    }

    /// Verifies `code` for `account` at `now` (Unix seconds; default the
    /// system clock); `access.otp_mismatch`, `access.otp_reused` or
    /// `access.otp_throttled`.
    #[uniffi::method(default(now = None))]
    pub fn verify(
        &self,
        account: String,
        code: String,
        store: &MemoryOtpStore,
        now: Option<i64>,
    ) -> Result<()> {
        let now = now.map_or_else(SystemTime::now, time);
        Ok(self.inner.verify(&account, &code, now, &store.inner)?)
    }

    /// The `otpauth://` URI for authenticator apps. It contains the secret:
    /// show it once (as a QR code), never log it.
    pub fn provisioning_uri(&self, issuer: String, account: String) -> String {
        let uri = self.inner.provisioning_uri(&issuer, &account);
        uri.expose_secret().to_owned()
    }
}

impl Totp {
    fn finish(totp: core::Totp, options: &TotpOptions) -> Result<Arc<Self>> {
        let step = Duration::from_secs(options.step.unwrap_or(30).into());
        let lockout = Duration::from_secs(options.lockout.unwrap_or(300).into());
        let inner = totp
            .with_step(step)?
            .with_throttle(options.max_failures.unwrap_or(5), lockout);
        Ok(Arc::new(Self { inner }))
    }
}

/// A new random base32 TOTP secret (20 bytes) to enrol a user with.
#[uniffi::export]
pub fn totp_generate_secret() -> Result<String> {
    let secret = core::Totp::generate_secret()?;
    Ok(secret.expose_secret().to_owned())
}

fn algorithm(options: &TotpOptions) -> Result<core::TotpAlgorithm> {
    let name = options.algorithm.as_deref().unwrap_or("SHA1");
    core::TotpAlgorithm::from_name(name).ok_or_else(|| HaloCoreError::Access {
        code: "access.invalid_argument".to_owned(),
        reason: "algorithm must be `SHA1`, `SHA256` or `SHA512`".to_owned(),
    })
}

fn time(seconds: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
}
