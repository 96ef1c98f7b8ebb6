//! The configuration document: one JSON file in the format of the security
//! guide, `{"security": {...}, "compliance": {...}}`, from which every
//! component can be built.
//!
//! Loading is strict. An unknown key, a value of the wrong type, a number out
//! of range or a repeated key is an error naming its JSON path, with a "did
//! you mean" hint for near misses; all problems are reported together.
//! Every section and every key is optional: what is left out takes the
//! guide's value. Values that only make sense for one site (the guide's
//! example IP ranges, user agents, URLs, issuers) have no default.
//!
//! Objects that map names to entries (`roles`, rate-limit `rules`, masking
//! `rules`, `data_retention`) replace the default set when present; they are
//! never merged with it.
//!
//! Secrets are never written in the document: see [`crate::secret`].
//!
//! ```
//! use halo_core::config::Config;
//!
//! let config = Config::from_json_str(r#"{
//!     "security": {"rate_limiting": {"rules": {"api": {"requests_per_minute": 60, "burst_limit": 10}}}}
//! }"#)?;
//! assert_eq!(config.security.rate_limiting.rules["api"].burst_limit, 10);
//! assert!(config.security.mfa.enabled); // the guide's default
//!
//! let typo = Config::from_json_str(r#"{"security": {"mfa": {"enabeld": false}}}"#).unwrap_err();
//! assert_eq!(typo.problems()[0].path, "security.mfa.enabeld");
//! assert_eq!(typo.problems()[0].hint.as_deref(), Some("did you mean `enabled`?"));
//! # Ok::<(), halo_core::config::ConfigError>(())
//! ```

/// Declares a string-valued setting: the enum, its spellings, and its
/// serialisation.
macro_rules! choice {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+ }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name { $( $(#[$vmeta])* $variant, )+ }

        impl $crate::config::decode::Choice for $name {
            const ALL: &'static [(&'static str, Self)] = &[ $( ($text, Self::$variant), )+ ];
        }

        impl $name {
            /// The spelling used in the configuration document.
            pub fn as_str(self) -> &'static str {
                match self { $( Self::$variant => $text, )+ }
            }

            /// The value spelt `text` in the configuration document.
            pub fn from_name(text: &str) -> Option<Self> {
                match text { $( $text => Some(Self::$variant), )+ _ => None }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

/// Walks every secret reference of a `Security` with its JSON path. The one
/// walk serves the shared and the mutable visitor (`mut` as the last
/// argument), so a new secret field is listed in one place.
macro_rules! visit_secrets {
    ($security:expr, $visit:expr $(, $m:tt)?) => {{
        let security = $security;
        let mut visit = $visit;
        for (i, method) in (& $($m)? security.authentication.methods).into_iter().enumerate() {
            let at = format!("security.authentication[{i}]");
            match method {
                AuthMethod::OAuth2(o) => {
                    if let Some(s) = & $($m)? o.client_secret {
                        visit(format!("{at}.client_secret"), s);
                    }
                    if let Some(s) = & $($m)? o.token_validation.hs256_secret {
                        visit(format!("{at}.token_validation.hs256_secret"), s);
                    }
                }
                AuthMethod::ApiKey(k) => {
                    if let Some(s) = & $($m)? k.pepper {
                        visit(format!("{at}.pepper"), s);
                    }
                }
            }
        }

        let base = "security.encryption.at_rest";
        for (id, s) in & $($m)? security.encryption.at_rest.keys {
            visit(format!("{base}.keys.{id}"), s);
        }
        if let Some(s) = & $($m)? security.encryption.at_rest.blind_index_key {
            visit(format!("{base}.blind_index_key"), s);
        }
        if let Some(s) = & $($m)? security.data_masking.pseudonym_key {
            visit("security.data_masking.pseudonym_key".to_owned(), s);
        }
        if let Some(s) = & $($m)? security.auditing.storage.chain_key {
            visit("security.auditing.storage.chain_key".to_owned(), s);
        }

        let webhooks = & $($m)? security.webhooks;
        let named = (& $($m)? webhooks.providers).into_iter().map(|(name, provider)| {
            (format!("security.webhooks.providers.{name}.authentication"), provider)
        });
        let default = ("security.webhooks.authentication".to_owned(), & $($m)? webhooks.default);
        for (at, provider) in std::iter::once(default).chain(named) {
            let auth = & $($m)? provider.authentication;
            for (i, s) in (& $($m)? auth.signature.secrets).into_iter().enumerate() {
                visit(format!("{at}.signature.secret[{i}]"), s);
            }
            for (i, s) in (& $($m)? auth.api_key.keys).into_iter().enumerate() {
                visit(format!("{at}.api_key.key[{i}]"), s);
            }
            if let Some(basic) = & $($m)? auth.basic {
                visit(format!("{at}.basic.password"), & $($m)? basic.password);
            }
        }
    }};
}

mod access;
mod decode;
mod error;
mod masking;
mod period;
mod posture;
mod protection;
mod records;
mod secret_scan;
mod strict;
mod traffic;
mod units;

use std::path::Path;

use serde::Serialize;

pub(crate) use access::is_permission;
pub use access::{
    ApiKeyAuth, ApiKeyRateLimit, AuthMethod, Authentication, Authorization, JwtAlgorithm,
    KeyRotation, Mfa, MfaMethod, OAuth2, Rbac, Role, TokenValidation,
};
pub use error::{ConfigError, Problem, ProblemKind};
pub use masking::{
    DataMasking, LogMasking, MAX_MASK_PATTERN_BYTES, MaskKind, MaskRuleConfig, MaskingMode,
};
pub use period::{Period, PeriodUnit};
pub use posture::{Finding, Severity};
pub use protection::{
    AtRest, Cipher, DEFAULT_BLIND_INDEX_BYTES, Encryption, InTransit, KeyManagement, TlsVersion,
};
pub use records::{
    AuditEvents, AuditStorage, Auditing, AuthenticationEvents, CodeAnalysis, Compliance,
    ConfigurationEvents, ConsentManagement, DataAccessEvents, DataPortability, ExportFormat, Gdpr,
    Hipaa, HipaaAuditTrails, PhiProtection,
};
pub use traffic::{
    BasicAuth, DEFAULT_MAX_BODY_BYTES, RateLimiting, RatePeriod, RateRule, SignatureAlgorithm,
    SignatureConfig, SignatureEncoding, SignatureScheme, WebhookApiKey, WebhookAuthentication,
    WebhookMethod, WebhookProvider, WebhookValidation, Webhooks, Whitelist,
};

use crate::secret::SecretRef;
use decode::Decoder;
pub(crate) use masking::check_mask_pattern;

/// The largest configuration document accepted, in bytes (4 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 4 * 1024 * 1024;

/// The whole configuration document.
///
/// [`Config::default`] is the guide's configuration without its site-specific
/// examples.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Config {
    /// `security`.
    pub security: Security,
    /// `compliance`.
    pub compliance: Compliance,
}

/// `security`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Security {
    /// How callers authenticate.
    pub authentication: Authentication,
    /// Who may do what.
    pub authorization: Authorization,
    /// Multi-factor authentication.
    pub mfa: Mfa,
    /// Encryption at rest and in transit.
    pub encryption: Encryption,
    /// Masking of personal data in records and logs.
    pub data_masking: DataMasking,
    /// Request rate limits.
    pub rate_limiting: RateLimiting,
    /// Inbound webhook verification.
    pub webhooks: Webhooks,
    /// The audit trail.
    pub auditing: Auditing,
    /// Static analysis settings (informational).
    pub code_analysis: CodeAnalysis,
}

impl Config {
    /// Loads a configuration document from JSON text.
    pub fn from_json_str(text: &str) -> Result<Self, ConfigError> {
        if text.len() > MAX_DOCUMENT_BYTES {
            return Err(ConfigError::TooLarge {
                limit: MAX_DOCUMENT_BYTES,
            });
        }
        let value = strict::parse(text)?;
        Self::from_value(&value)
    }

    /// Loads a configuration document from a file of JSON text.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let io = |source| ConfigError::Io {
            path: path.to_owned(),
            source,
        };
        let size = std::fs::metadata(path).map_err(io)?.len();
        if size > MAX_DOCUMENT_BYTES as u64 {
            return Err(ConfigError::TooLarge {
                limit: MAX_DOCUMENT_BYTES,
            });
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        Self::from_json_str(&text)
    }

    /// Builds a configuration from an already parsed JSON value.
    ///
    /// Repeated keys cannot be detected here (the value has already kept one
    /// of them); prefer [`Config::from_json_str`] for text.
    pub fn from_value(value: &serde_json::Value) -> Result<Self, ConfigError> {
        let mut decoder = Decoder::default();
        let mut root = decoder.object(value, "");

        let security = root.section("security", Security::default, Security::read);
        let compliance = root.section("compliance", Compliance::default, Compliance::read);
        root.finish();

        if decoder.problems.is_empty() {
            Ok(Self {
                security,
                compliance,
            })
        } else {
            Err(ConfigError::Invalid {
                problems: decoder.problems,
            })
        }
    }

    /// The document as pretty-printed JSON that loads back to an equal
    /// `Config`.
    ///
    /// Fails with `config.inline_secret` when the configuration holds an
    /// inline secret: such values are never written out.
    pub fn to_json_string(&self) -> Result<String, ConfigError> {
        if self.secret_refs().iter().any(|(_, s)| s.is_inline()) {
            return Err(ConfigError::InlineSecret);
        }
        serde_json::to_string_pretty(self).map_err(|_| ConfigError::InlineSecret)
    }

    /// Every secret reference in the document, with its JSON path.
    pub fn secret_refs<'a>(&'a self) -> Vec<(String, &'a SecretRef)> {
        let mut refs = Vec::new();
        visit_secrets!(&self.security, |path, secret: &'a SecretRef| {
            refs.push((path, secret));
        });
        refs
    }

    /// Calls `visit` with the path of every secret reference and the
    /// reference, which it may replace.
    pub(crate) fn for_each_secret_mut(&mut self, visit: impl FnMut(String, &mut SecretRef)) {
        visit_secrets!(&mut self.security, visit, mut);
    }
}

impl Security {
    fn read(o: &mut decode::Obj<'_>) -> Self {
        let authentication = Authentication::read(o);
        let authorization = o.section("authorization", Authorization::default, |o| Authorization {
            rbac: o.section("rbac", Rbac::default, Rbac::read),
        });
        let roles = &authorization.rbac.roles;
        Self {
            mfa: o.section("mfa", Mfa::default, |o| Mfa::read(o, roles)),
            encryption: o.section("encryption", Encryption::default, Encryption::read),
            data_masking: o.section("data_masking", DataMasking::default, DataMasking::read),
            rate_limiting: o.section("rate_limiting", RateLimiting::default, RateLimiting::read),
            webhooks: o.section("webhooks", Webhooks::default, Webhooks::read),
            auditing: o.section("auditing", Auditing::default, Auditing::read),
            code_analysis: o.section("code_analysis", CodeAnalysis::default, CodeAnalysis::read),
            authentication,
            authorization,
        }
    }
}

impl std::str::FromStr for Config {
    type Err = ConfigError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::from_json_str(text)
    }
}

#[cfg(test)]
mod tests;
