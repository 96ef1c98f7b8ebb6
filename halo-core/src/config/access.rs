//! `security.authentication`, `security.authorization` and `security.mfa`.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Serialize, Serializer};
use url::Url;

use super::decode::{Obj, suggest};
use super::error::ProblemKind;
use super::units;
use crate::secret::SecretRef;

/// `security.authentication`: how callers of the integration authenticate.
///
/// The document may hold one method object or a list of them; either loads
/// into [`Authentication::methods`], and it is written back as a list.
/// Default: no method.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Authentication {
    /// The configured methods, in document order.
    pub methods: Vec<AuthMethod>,
}

/// One authentication method, selected by its `method` key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "method")]
#[non_exhaustive]
#[allow(
    clippy::large_enum_variant,
    reason = "loaded once per process; boxing buys nothing"
)]
pub enum AuthMethod {
    /// `"method": "oauth2"`: OAuth2 bearer tokens.
    #[serde(rename = "oauth2")]
    OAuth2(OAuth2),
    /// `"method": "api_key"`: a key in a request header.
    #[serde(rename = "api_key")]
    ApiKey(ApiKeyAuth),
}

/// The `oauth2` method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OAuth2 {
    /// Who issues the tokens. Default `halopsa`.
    pub provider: String,
    /// Where tokens are obtained. Default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_endpoint: Option<Url>,
    /// Scopes requested and accepted. Default `read`, `write`, `admin`.
    pub scopes: Vec<String>,
    /// OAuth2 client id, when this integration requests tokens itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Reference to the OAuth2 client secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<SecretRef>,
    /// How presented bearer tokens are checked.
    pub token_validation: TokenValidation,
}

/// `token_validation` of the `oauth2` method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenValidation {
    /// Required `iss` claim, when set. Default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Required `aud` claim, when set. Default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// Clock skew allowed on `exp` and `nbf` (`leeway`, seconds, 0 to 300).
    /// Default 30 s.
    #[serde(rename = "leeway", serialize_with = "units::seconds")]
    pub leeway: Duration,
    /// Where the issuer's JSON Web Key Set is published. Default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwks_url: Option<Url>,
    /// Accepted signature algorithms (`algorithms`). Default `RS256`,
    /// `ES256`. `HS256` needs `hs256_secret`, and `hs256_secret` needs
    /// `HS256`.
    pub algorithms: Vec<JwtAlgorithm>,
    /// Reference to the shared secret of `HS256` tokens. Default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hs256_secret: Option<SecretRef>,
}

choice! {
    /// A JWT signature algorithm (RFC 7518 names).
    pub enum JwtAlgorithm {
        /// RSASSA-PKCS1-v1_5 with SHA-256.
        Rs256 = "RS256",
        /// RSASSA-PKCS1-v1_5 with SHA-384.
        Rs384 = "RS384",
        /// RSASSA-PKCS1-v1_5 with SHA-512.
        Rs512 = "RS512",
        /// RSASSA-PSS with SHA-256.
        Ps256 = "PS256",
        /// ECDSA on P-256 with SHA-256.
        Es256 = "ES256",
        /// ECDSA on P-384 with SHA-384.
        Es384 = "ES384",
        /// Ed25519.
        EdDsa = "EdDSA",
        /// HMAC with SHA-256 over a shared secret.
        Hs256 = "HS256",
    }
}

/// The `api_key` method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiKeyAuth {
    /// The request header carrying the key. Default `X-API-Key`.
    pub header_name: String,
    /// When keys are replaced.
    pub key_rotation: KeyRotation,
    /// The per-key request limit.
    pub rate_limiting: ApiKeyRateLimit,
    /// Reference to a server-side secret mixed into stored key hashes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pepper: Option<SecretRef>,
}

/// `key_rotation` of the `api_key` method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyRotation {
    /// Whether keys are rotated. Default `true`.
    pub enabled: bool,
    /// How long a key lives (`interval_days`, 1 to 3650). Default 90 days.
    #[serde(rename = "interval_days", serialize_with = "units::days")]
    pub interval: Duration,
    /// How long a replaced key keeps working (`grace_period_hours`, 0 to
    /// 8760). Default 24 hours.
    #[serde(rename = "grace_period_hours", serialize_with = "units::hours")]
    pub grace_period: Duration,
}

/// `rate_limiting` of the `api_key` method: a limit per key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiKeyRateLimit {
    /// Whether the limit applies. Default `true`.
    pub enabled: bool,
    /// Sustained rate (1 to 10 000 000). Default 1000 per hour.
    pub requests_per_hour: u32,
    /// Requests an idle key may make at the same instant (1 to 1 000 000).
    /// Default 100. See [`crate::ratelimit`].
    pub burst_limit: u32,
}

/// `security.authorization`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Authorization {
    /// Role-based access control.
    pub rbac: Rbac,
}

/// `security.authorization.rbac`: roles, their permissions and inheritance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rbac {
    /// Whether access is checked by role. Default `true`.
    pub enabled: bool,
    /// Roles by name. Default: the guide's `admin`, `operator` and `viewer`.
    /// A `roles` object in the document replaces the default set.
    pub roles: BTreeMap<String, Role>,
}

/// One role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Role {
    /// Dotted permission names (`data.sync`), `prefix.*` or `*`.
    pub permissions: Vec<String>,
    /// Roles whose permissions this role also has. Every name must be a role
    /// of the same document.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inherits: Vec<String>,
}

/// `security.mfa`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mfa {
    /// Whether MFA is enforced at all. Default `true`.
    pub enabled: bool,
    /// Roles that must use MFA. Default `admin`, `operator`. When roles are
    /// configured, every name must be one of them.
    pub required_for: Vec<String>,
    /// Accepted second factors. Default `totp`, `sms`, `email`.
    pub methods: Vec<MfaMethod>,
    /// How long a new account may work before enrolling (`grace_period_days`,
    /// 0 to 365). Default 7 days.
    #[serde(rename = "grace_period_days", serialize_with = "units::days")]
    pub grace_period: Duration,
}

choice! {
    /// A second factor.
    pub enum MfaMethod {
        /// Time-based one-time passwords (RFC 6238).
        Totp = "totp",
        /// A one-time code sent by SMS.
        Sms = "sms",
        /// A one-time code sent by email.
        Email = "email",
    }
}

impl Default for OAuth2 {
    fn default() -> Self {
        Self {
            provider: "halopsa".to_owned(),
            token_endpoint: None,
            scopes: ["read", "write", "admin"].map(str::to_owned).to_vec(),
            client_id: None,
            client_secret: None,
            token_validation: TokenValidation::default(),
        }
    }
}

impl Default for TokenValidation {
    fn default() -> Self {
        Self {
            issuer: None,
            audience: None,
            leeway: Duration::from_secs(30),
            jwks_url: None,
            algorithms: vec![JwtAlgorithm::Rs256, JwtAlgorithm::Es256],
            hs256_secret: None,
        }
    }
}

impl Default for ApiKeyAuth {
    fn default() -> Self {
        Self {
            header_name: "X-API-Key".to_owned(),
            key_rotation: KeyRotation::default(),
            rate_limiting: ApiKeyRateLimit::default(),
            pepper: None,
        }
    }
}

impl Default for KeyRotation {
    fn default() -> Self {
        Self {
            enabled: true,
            interval: units::from_days(90),
            grace_period: units::from_hours(24),
        }
    }
}

impl Default for ApiKeyRateLimit {
    fn default() -> Self {
        Self {
            enabled: true,
            requests_per_hour: 1000,
            burst_limit: 100,
        }
    }
}

impl Default for Rbac {
    fn default() -> Self {
        let role = |permissions: &[&str], inherits: &[&str]| Role {
            permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
            inherits: inherits.iter().map(|r| (*r).to_owned()).collect(),
        };
        let admin = [
            "config.manage",
            "users.manage",
            "data.sync",
            "analytics.view",
            "logs.view",
        ];
        let roles = BTreeMap::from([
            ("admin".to_owned(), role(&admin, &["operator"])),
            (
                "operator".to_owned(),
                role(&["data.sync", "data.view", "analytics.view"], &["viewer"]),
            ),
            (
                "viewer".to_owned(),
                role(&["data.view.readonly", "analytics.view"], &[]),
            ),
        ]);
        Self {
            enabled: true,
            roles,
        }
    }
}

impl Default for Mfa {
    fn default() -> Self {
        Self {
            enabled: true,
            required_for: vec!["admin".to_owned(), "operator".to_owned()],
            methods: vec![MfaMethod::Totp, MfaMethod::Sms, MfaMethod::Email],
            grace_period: units::from_days(7),
        }
    }
}

impl Authentication {
    pub(crate) fn read(o: &mut Obj<'_>) -> Self {
        let Some(value) = o.raw("authentication") else {
            return Self::default();
        };
        let path = o.path_of("authentication");
        let items: Vec<(String, &serde_json::Value)> = match value {
            serde_json::Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("{path}[{i}]"), v))
                .collect(),
            other => vec![(path, other)],
        };

        let mut methods = Vec::new();
        for (path, item) in items {
            if let Some(method) = o.with_decoder(|d| {
                let mut obj = d.object(item, &path);
                let method = AuthMethod::read(&mut obj);
                obj.finish();
                method
            }) {
                methods.push(method);
            }
        }
        Self { methods }
    }

    /// The `api_key` methods, in document order.
    pub fn api_key_methods(&self) -> impl Iterator<Item = &ApiKeyAuth> {
        self.methods.iter().filter_map(|m| match m {
            AuthMethod::ApiKey(k) => Some(k),
            AuthMethod::OAuth2(_) => None,
        })
    }

    /// The `oauth2` methods, in document order.
    pub fn oauth2_methods(&self) -> impl Iterator<Item = &OAuth2> {
        self.methods.iter().filter_map(|m| match m {
            AuthMethod::OAuth2(o) => Some(o),
            AuthMethod::ApiKey(_) => None,
        })
    }
}

impl AuthMethod {
    fn read(o: &mut Obj<'_>) -> Option<Self> {
        match o.required_string("method").as_deref() {
            Some("oauth2") => Some(Self::OAuth2(OAuth2::read(o))),
            Some("api_key") => Some(Self::ApiKey(ApiKeyAuth::read(o))),
            Some(other) => {
                let hint = suggest(other, &["oauth2", "api_key"])
                    .unwrap_or_else(|| "expected `oauth2` or `api_key`".to_owned());
                o.report_hint_at(
                    "method",
                    ProblemKind::InvalidValue,
                    "unsupported method",
                    hint,
                );
                None
            }
            None => None,
        }
    }
}

impl OAuth2 {
    fn read(o: &mut Obj<'_>) -> Self {
        let d = Self::default();
        Self {
            provider: o.string_or("provider", &d.provider),
            token_endpoint: o.url("token_endpoint"),
            scopes: o.strings("scopes", &["read", "write", "admin"]),
            client_id: o.string("client_id"),
            client_secret: o.secret("client_secret"),
            token_validation: o.section("token_validation", TokenValidation::default, |o| {
                TokenValidation::read(o)
            }),
        }
    }
}

impl TokenValidation {
    fn read(o: &mut Obj<'_>) -> Self {
        let d = Self::default();
        let validation = Self {
            issuer: o.string("issuer"),
            audience: o.string("audience"),
            leeway: Duration::from_secs(o.uint("leeway", 0..=300, 30)),
            jwks_url: o.url("jwks_url"),
            algorithms: o.choices("algorithms", &d.algorithms),
            hs256_secret: o.secret("hs256_secret"),
        };
        if o.is_empty_list("algorithms") {
            o.report_at(
                "algorithms",
                ProblemKind::InvalidValue,
                "no algorithm is accepted",
            );
        }
        let hs256 = validation.algorithms.contains(&JwtAlgorithm::Hs256);
        if hs256 && validation.hs256_secret.is_none() {
            let message = "`HS256` is accepted but `hs256_secret` is not set";
            o.report_at("algorithms", ProblemKind::Conflict, message);
        }
        if !hs256 && validation.hs256_secret.is_some() {
            let message = "`hs256_secret` is set but `HS256` is not accepted";
            o.report_at("hs256_secret", ProblemKind::Conflict, message);
        }
        validation
    }
}

impl ApiKeyAuth {
    fn read(o: &mut Obj<'_>) -> Self {
        let d = Self::default();
        Self {
            header_name: o.string_or("header_name", &d.header_name),
            key_rotation: o.section("key_rotation", KeyRotation::default, |o| KeyRotation {
                enabled: o.bool("enabled", true),
                interval: units::from_days(o.uint("interval_days", 1..=3650, 90)),
                grace_period: units::from_hours(o.uint("grace_period_hours", 0..=8760, 24)),
            }),
            rate_limiting: o.section("rate_limiting", ApiKeyRateLimit::default, |o| {
                ApiKeyRateLimit {
                    enabled: o.bool("enabled", true),
                    requests_per_hour: o.u32("requests_per_hour", 1..=10_000_000, 1000),
                    burst_limit: o.u32("burst_limit", 1..=1_000_000, 100),
                }
            }),
            pepper: o.secret("pepper"),
        }
    }
}

impl Rbac {
    pub(crate) fn read(o: &mut Obj<'_>) -> Self {
        let roles = o.named_sections(
            "roles",
            || Self::default().roles,
            |_, o| Role {
                permissions: o.strings("permissions", &[]),
                inherits: o.strings("inherits", &[]),
            },
        );
        let rbac = Self {
            enabled: o.bool("enabled", true),
            roles,
        };
        rbac.check(o);
        rbac
    }

    /// Reports malformed permission names and inheritance from roles that do
    /// not exist. (Cycles are reported when a policy is built from the roles.)
    fn check(&self, o: &mut Obj<'_>) {
        let names: Vec<&str> = self.roles.keys().map(String::as_str).collect();
        for (name, role) in &self.roles {
            for (i, permission) in role.permissions.iter().enumerate() {
                if !is_permission(permission) {
                    let at = format!("roles.{name}.permissions[{i}]");
                    let message = "not a permission name (dotted words, `prefix.*` or `*`)";
                    o.report_at(&at, ProblemKind::InvalidValue, message);
                }
            }
            for (i, parent) in role.inherits.iter().enumerate() {
                if !self.roles.contains_key(parent) {
                    let at = format!("roles.{name}.inherits[{i}]");
                    let hint = suggest(parent, &names);
                    o.report_maybe_hint_at(&at, ProblemKind::InvalidValue, "no such role", hint);
                }
            }
        }
    }
}

impl Mfa {
    pub(crate) fn read(o: &mut Obj<'_>, roles: &BTreeMap<String, Role>) -> Self {
        let d = Self::default();
        let mfa = Self {
            enabled: o.bool("enabled", d.enabled),
            required_for: o.strings("required_for", &["admin", "operator"]),
            methods: o.choices("methods", &d.methods),
            grace_period: units::from_days(o.uint("grace_period_days", 0..=365, 7)),
        };
        if mfa.enabled && o.is_empty_list("methods") {
            o.report_at(
                "methods",
                ProblemKind::Conflict,
                "MFA is enabled but no method is allowed",
            );
        }

        // A misspelt role here would silently exempt that role from MFA.
        let names: Vec<&str> = roles.keys().map(String::as_str).collect();
        for (i, role) in mfa.required_for.iter().enumerate() {
            if !roles.is_empty() && !roles.contains_key(role) {
                let at = format!("required_for[{i}]");
                let hint = suggest(role, &names);
                o.report_maybe_hint_at(&at, ProblemKind::InvalidValue, "no such role", hint);
            }
        }
        mfa
    }
}

/// Whether `name` is a permission: dot-separated words of ASCII letters,
/// digits, `_` and `-`, where the last word may be `*`; or `*` alone.
pub(crate) fn is_permission(name: &str) -> bool {
    let word = |w: &str| {
        !w.is_empty()
            && w.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    let mut parts = name.split('.').peekable();
    while let Some(part) = parts.next() {
        let last = parts.peek().is_none();
        if !(word(part) || (last && part == "*")) {
            return false;
        }
    }
    true
}

impl Serialize for Authentication {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.methods.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_names() {
        for good in [
            "data.sync",
            "data.view.readonly",
            "data.*",
            "*",
            "logs-view",
            "a_b",
        ] {
            assert!(is_permission(good), "{good}");
        }
        for bad in [
            "",
            ".",
            "data.",
            ".data",
            "data..view",
            "*.data",
            "data.*.view",
            "da ta",
        ] {
            assert!(!is_permission(bad), "{bad}");
        }
    }
}
