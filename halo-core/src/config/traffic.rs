//! `security.rate_limiting` and `security.webhooks`.

use std::collections::BTreeMap;
use std::time::Duration;

use ipnet::IpNet;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::decode::Obj;
use super::error::ProblemKind;
use super::units;
use crate::secret::SecretRef;

/// The default largest webhook body, in bytes (1 MiB).
pub const DEFAULT_MAX_BODY_BYTES: u64 = 1024 * 1024;

/// `security.rate_limiting`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateLimiting {
    /// Whether requests are limited. Default `true`.
    pub enabled: bool,
    /// Rules by name. Default: the guide's `api_endpoints` (100 per minute,
    /// burst 20, blocked 15 minutes), `webhooks` (1000 per minute, burst 100)
    /// and `auth_endpoints` (10 per minute, burst 5). A `rules` object in the
    /// document replaces the default set.
    pub rules: BTreeMap<String, RateRule>,
    /// Requests that are never limited.
    pub whitelist: Whitelist,
}

/// One rate-limit rule.
///
/// The sustained rate is written as exactly one of `requests_per_second`,
/// `requests_per_minute` or `requests_per_hour`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateRule {
    /// Requests allowed per [`RateRule::per`].
    pub requests: u32,
    /// The period of the sustained rate.
    pub per: RatePeriod,
    /// Requests an idle key may make at the same instant (`burst_limit`, 1
    /// to 1 000 000); after them, one per [`RateRule::emission_interval`].
    /// See [`crate::ratelimit`].
    pub burst_limit: u32,
    /// How long a key stays refused after it exceeds the rule
    /// (`block_duration_minutes`, 1 to 10 080). Default: no block.
    pub block_duration: Option<Duration>,
}

/// The period of a [`RateRule`]'s sustained rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RatePeriod {
    /// Per second.
    Second,
    /// Per minute.
    Minute,
    /// Per hour.
    Hour,
}

/// `security.rate_limiting.whitelist`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Whitelist {
    /// Source networks that are never limited. Default: none (the guide's
    /// `192.168.1.0/24` is an example of a site's own network).
    pub ips: Vec<IpNet>,
    /// User agents that are never limited. Default: none. A user agent is
    /// chosen by the caller, so prefer `ips`.
    pub user_agents: Vec<String>,
}

/// `security.webhooks`.
///
/// The top-level block configures the default provider; `providers` adds
/// named ones (`"halopsa"`, `"apollo"`, ...) with the same keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Webhooks {
    /// The default provider: the guide's block.
    #[serde(flatten)]
    pub default: WebhookProvider,
    /// Named providers. Default: none.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub providers: BTreeMap<String, WebhookProvider>,
}

/// How deliveries from one sender are authenticated and validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookProvider {
    /// How a delivery proves where it comes from.
    pub authentication: WebhookAuthentication,
    /// Checks on the request's origin.
    pub validation: WebhookValidation,
    /// The largest body accepted, checked before any hashing
    /// (`max_body_bytes`, 1 to 67 108 864). Default 1 MiB.
    pub max_body_bytes: u64,
}

/// `authentication` of a webhook provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookAuthentication {
    /// Whether a delivery must authenticate at all. Default `true`.
    pub required: bool,
    /// Methods that may authenticate a delivery: any one of them that
    /// succeeds is enough. Default `signature`, `api_key`.
    pub methods: Vec<WebhookMethod>,
    /// The `signature` method.
    pub signature: SignatureConfig,
    /// The `api_key` method. Default: header `X-API-Key`, no key.
    pub api_key: WebhookApiKey,
    /// The `basic` method (HTTP Basic, what HaloPSA sends). Default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basic: Option<BasicAuth>,
}

choice! {
    /// A way a webhook delivery authenticates.
    pub enum WebhookMethod {
        /// An HMAC signature over the body.
        Signature = "signature",
        /// A shared key in a header.
        ApiKey = "api_key",
        /// HTTP Basic credentials.
        Basic = "basic",
    }
}

/// `signature` of a webhook provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureConfig {
    /// Only `hmac-sha256` is supported (and the default).
    pub algorithm: SignatureAlgorithm,
    /// How the signature is laid out. Default `generic`.
    pub scheme: SignatureScheme,
    /// The header carrying the signature. Default by scheme:
    /// `X-Webhook-Signature` (generic), `webhook-signature` (Standard
    /// Webhooks, the only name allowed there), `Stripe-Signature` (stripe),
    /// `X-Hub-Signature-256` (github).
    pub header: String,
    /// The header carrying the signed timestamp, for the `generic` scheme
    /// only. Default: none (the body alone is signed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp_header: Option<String>,
    /// How the `generic` scheme writes the signature: `hex` (the default) or
    /// `base64`. Only the `generic` scheme takes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<SignatureEncoding>,
    /// How far a delivery's timestamp may be from now, either way
    /// (`tolerance_seconds`, 1 to 86 400). Default 300 s.
    #[serde(rename = "tolerance_seconds", serialize_with = "units::seconds")]
    pub tolerance: Duration,
    /// The signing secrets (`secret`: one reference or a list). Every one is
    /// tried, so a new secret can be added before the sender switches.
    #[serde(rename = "secret", skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<SecretRef>,
}

choice! {
    /// A webhook signature algorithm.
    pub enum SignatureAlgorithm {
        /// HMAC with SHA-256.
        HmacSha256 = "hmac-sha256",
    }
}

choice! {
    /// A layout of webhook signature headers.
    pub enum SignatureScheme {
        /// The guide's: a hex or base64 HMAC of the body in one header.
        Generic = "generic",
        /// Standard Webhooks (`webhook-id`, `webhook-timestamp`,
        /// `webhook-signature`).
        StandardWebhooks = "standard_webhooks",
        /// Stripe style (`t=...,v1=...`).
        Stripe = "stripe",
        /// GitHub style (`X-Hub-Signature-256: sha256=...`).
        Github = "github",
    }
}

choice! {
    /// How the `generic` scheme encodes a signature.
    pub enum SignatureEncoding {
        /// Lowercase or uppercase hexadecimal, 64 characters.
        Hex = "hex",
        /// Standard base64 with padding, 44 characters.
        Base64 = "base64",
    }
}

/// `api_key` of a webhook provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookApiKey {
    /// The header carrying the key. Default `X-API-Key`.
    pub header: String,
    /// Accepted keys (`key`: one reference or a list). Default: none.
    #[serde(rename = "key", skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<SecretRef>,
}

/// `basic` of a webhook provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BasicAuth {
    /// The expected user name.
    pub username: String,
    /// Reference to the expected password.
    pub password: SecretRef,
}

/// `validation` of a webhook provider.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WebhookValidation {
    /// Source networks deliveries may come from; empty allows any. Default:
    /// none (the guide's `192.0.2.0/24` is a documentation range).
    pub ip_whitelist: Vec<IpNet>,
    /// Whether the `User-Agent` must equal `expected_user_agent`. Default
    /// `false`.
    pub user_agent_check: bool,
    /// The expected `User-Agent`; required when `user_agent_check` is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_user_agent: Option<String>,
}

impl Default for RateLimiting {
    fn default() -> Self {
        let rule = |requests, burst_limit, block: Option<u64>| RateRule {
            requests,
            per: RatePeriod::Minute,
            burst_limit,
            block_duration: block.map(units::from_minutes),
        };
        let rules = BTreeMap::from([
            ("api_endpoints".to_owned(), rule(100, 20, Some(15))),
            ("webhooks".to_owned(), rule(1000, 100, None)),
            ("auth_endpoints".to_owned(), rule(10, 5, None)),
        ]);
        Self {
            enabled: true,
            rules,
            whitelist: Whitelist::default(),
        }
    }
}

impl Default for WebhookProvider {
    fn default() -> Self {
        Self {
            authentication: WebhookAuthentication::default(),
            validation: WebhookValidation::default(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

impl Default for WebhookAuthentication {
    fn default() -> Self {
        Self {
            required: true,
            methods: vec![WebhookMethod::Signature, WebhookMethod::ApiKey],
            signature: SignatureConfig::default(),
            api_key: WebhookApiKey::default(),
            basic: None,
        }
    }
}

impl Default for SignatureConfig {
    fn default() -> Self {
        Self {
            algorithm: SignatureAlgorithm::HmacSha256,
            scheme: SignatureScheme::Generic,
            header: SignatureScheme::Generic.default_header().to_owned(),
            timestamp_header: None,
            encoding: None,
            tolerance: Duration::from_secs(300),
            secrets: Vec::new(),
        }
    }
}

impl Default for WebhookApiKey {
    fn default() -> Self {
        Self {
            header: "X-API-Key".to_owned(),
            keys: Vec::new(),
        }
    }
}

impl SignatureScheme {
    /// The signature header this scheme uses when none is configured.
    pub fn default_header(self) -> &'static str {
        match self {
            Self::Generic => "X-Webhook-Signature",
            Self::StandardWebhooks => "webhook-signature",
            Self::Stripe => "Stripe-Signature",
            Self::Github => "X-Hub-Signature-256",
        }
    }
}

impl RateRule {
    /// The sustained rate as the time between two requests.
    pub fn emission_interval(&self) -> Duration {
        self.per.duration() / self.requests.max(1)
    }
}

impl RatePeriod {
    /// The length of the period.
    pub fn duration(self) -> Duration {
        match self {
            Self::Second => Duration::from_secs(1),
            Self::Minute => Duration::from_secs(60),
            Self::Hour => Duration::from_secs(3600),
        }
    }

    fn key(self) -> &'static str {
        match self {
            Self::Second => "requests_per_second",
            Self::Minute => "requests_per_minute",
            Self::Hour => "requests_per_hour",
        }
    }
}

impl RateLimiting {
    pub(crate) fn read(o: &mut Obj<'_>) -> Self {
        Self {
            enabled: o.bool("enabled", true),
            rules: o.named_sections("rules", || Self::default().rules, |_, o| RateRule::read(o)),
            whitelist: o.section("whitelist", Whitelist::default, |o| Whitelist {
                ips: o.networks("ips"),
                user_agents: o.strings("user_agents", &[]),
            }),
        }
    }
}

impl RateRule {
    fn read(o: &mut Obj<'_>) -> Self {
        let periods = [RatePeriod::Second, RatePeriod::Minute, RatePeriod::Hour];
        let given: Vec<(RatePeriod, u32)> = periods
            .into_iter()
            .filter_map(|per| Some((per, o.optional_uint(per.key(), 1..=1_000_000_000)?)))
            .filter_map(|(per, n)| Some((per, u32::try_from(n).ok()?)))
            .collect();
        let (per, requests) = match given.as_slice() {
            [one] => *one,
            [] => {
                let message = "needs one of `requests_per_second`, `requests_per_minute`, \
                               `requests_per_hour`";
                if !periods.iter().any(|p| o.has(p.key())) {
                    o.report(ProblemKind::MissingField, message);
                }
                (RatePeriod::Minute, 1)
            }
            [first, ..] => {
                o.report(
                    ProblemKind::Conflict,
                    "more than one sustained rate is given",
                );
                *first
            }
        };
        if !o.has("burst_limit") {
            o.report_at(
                "burst_limit",
                ProblemKind::MissingField,
                "required field is missing",
            );
        }
        Self {
            requests,
            per,
            burst_limit: o.u32("burst_limit", 1..=1_000_000, 1),
            block_duration: o
                .optional_uint("block_duration_minutes", 1..=10_080)
                .map(units::from_minutes),
        }
    }
}

impl Webhooks {
    pub(crate) fn read(o: &mut Obj<'_>) -> Self {
        Self {
            default: WebhookProvider::read(o),
            providers: o
                .named_sections("providers", BTreeMap::new, |_, o| WebhookProvider::read(o)),
        }
    }

    /// The default provider followed by the named ones, with their names
    /// (`None` for the default).
    pub fn all_providers(&self) -> impl Iterator<Item = (Option<&str>, &WebhookProvider)> {
        std::iter::once((None, &self.default)).chain(
            self.providers
                .iter()
                .map(|(name, p)| (Some(name.as_str()), p)),
        )
    }
}

impl WebhookProvider {
    fn read(o: &mut Obj<'_>) -> Self {
        let authentication = o.section("authentication", WebhookAuthentication::default, |o| {
            WebhookAuthentication::read(o)
        });
        let validation = o.section("validation", WebhookValidation::default, |o| {
            let validation = WebhookValidation {
                ip_whitelist: o.networks("ip_whitelist"),
                user_agent_check: o.bool("user_agent_check", false),
                expected_user_agent: o.string("expected_user_agent"),
            };
            if validation.user_agent_check && validation.expected_user_agent.is_none() {
                let message = "`user_agent_check` is on but no user agent is expected";
                o.report_at("expected_user_agent", ProblemKind::MissingField, message);
            }
            validation
        });
        let max_body_bytes = o.uint(
            "max_body_bytes",
            1..=64 * 1024 * 1024,
            DEFAULT_MAX_BODY_BYTES,
        );
        Self {
            authentication,
            validation,
            max_body_bytes,
        }
    }
}

impl WebhookAuthentication {
    fn read(o: &mut Obj<'_>) -> Self {
        let d = Self::default();
        let auth = Self {
            required: o.bool("required", d.required),
            methods: o.choices("methods", &d.methods),
            signature: o.section("signature", SignatureConfig::default, SignatureConfig::read),
            api_key: o.section("api_key", WebhookApiKey::default, |o| WebhookApiKey {
                header: header_name(o, "header").unwrap_or_else(|| "X-API-Key".to_owned()),
                keys: o.secrets("key"),
            }),
            basic: o
                .optional_section("basic", |o| {
                    let username = o.required_string("username");
                    let password = o.required_secret("password");
                    Some(BasicAuth {
                        username: username?,
                        password: password?,
                    })
                })
                .flatten(),
        };
        if auth.required && o.is_empty_list("methods") {
            let message = "authentication is required but no method is allowed";
            o.report_at("methods", ProblemKind::Conflict, message);
        }
        auth
    }
}

impl SignatureConfig {
    fn read(o: &mut Obj<'_>) -> Self {
        let d = Self::default();
        let scheme = o.choice("scheme", d.scheme);
        let config = Self {
            algorithm: o.choice("algorithm", d.algorithm),
            scheme,
            header: header_name(o, "header").unwrap_or_else(|| scheme.default_header().to_owned()),
            timestamp_header: header_name(o, "timestamp_header"),
            encoding: o.optional_choice("encoding"),
            tolerance: Duration::from_secs(o.uint("tolerance_seconds", 1..=86_400, 300)),
            secrets: o.secrets("secret"),
        };
        if scheme != SignatureScheme::Generic {
            for key in ["timestamp_header", "encoding"] {
                if o.has(key) {
                    let message = "only the `generic` scheme takes this setting";
                    o.report_at(key, ProblemKind::Conflict, message);
                }
            }
        }
        let fixed = SignatureScheme::StandardWebhooks.default_header();
        if scheme == SignatureScheme::StandardWebhooks && !config.header.eq_ignore_ascii_case(fixed)
        {
            let message = "the `standard_webhooks` scheme uses its own fixed headers";
            let hint = "leave `header` out".to_owned();
            o.report_hint_at("header", ProblemKind::Conflict, message, hint);
        }
        config
    }
}

/// A header name: a non-empty string that HTTP allows as a field name.
fn header_name(o: &mut Obj<'_>, key: &'static str) -> Option<String> {
    let name = o.string(key)?;
    if http::HeaderName::from_bytes(name.as_bytes()).is_ok() {
        return Some(name);
    }
    let hint = "write a header name such as `X-Webhook-Signature`".to_owned();
    o.report_hint_at(
        key,
        ProblemKind::InvalidValue,
        "not a valid header name",
        hint,
    );
    None
}

impl Serialize for RateRule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry(self.per.key(), &self.requests)?;
        map.serialize_entry("burst_limit", &self.burst_limit)?;
        if let Some(block) = &self.block_duration {
            map.serialize_entry("block_duration_minutes", &MinutesOf(block))?;
        }
        map.end()
    }
}

struct MinutesOf<'a>(&'a Duration);

impl Serialize for MinutesOf<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        units::optional_minutes(&Some(*self.0), serializer)
    }
}
