//! Building a [`HaloClient`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use super::auth::{Auth, Credentials};
use super::client::{Core, Counters, HaloClient};
use super::error::HaloError;
use super::pacing::Pacer;
use super::policy::{RateLimit, RetryPolicy};
use crate::config::{Config, TlsVersion};

/// Settings for a [`HaloClient`]. Only the base URL, client id and client
/// secret are required.
pub struct HaloClientBuilder {
    base_url: Option<String>,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    tenant: Option<String>,
    scope: String,
    discover: bool,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    rate_limit: Option<RateLimit>,
    retry: RetryPolicy,
    renew_margin: Duration,
    min_tls: TlsVersion,
}

impl Default for HaloClientBuilder {
    fn default() -> Self {
        Self {
            base_url: None,
            client_id: None,
            client_secret: None,
            tenant: None,
            scope: "all".into(),
            discover: true,
            timeout: Duration::from_secs(70),
            connect_timeout: Duration::from_secs(10),
            user_agent: concat!("halo-core/", env!("CARGO_PKG_VERSION")).into(),
            rate_limit: Some(RateLimit::default()),
            retry: RetryPolicy::default(),
            renew_margin: Duration::from_secs(120),
            min_tls: TlsVersion::V1_2,
        }
    }
}

impl HaloClientBuilder {
    /// A builder taking what the configuration document says about HaloPSA
    /// connections: `security.encryption.in_transit.min_tls_version` (a
    /// version below 1.2 makes [`build`](Self::build) fail).
    pub fn from_config(config: &Config) -> Self {
        Self::default().min_tls_version(config.security.encryption.in_transit.min_tls_version)
    }

    /// The tenant's base URL, such as `https://acme.halopsa.com` (the API is
    /// under `/api`, the token endpoint under `/auth`). Must be `https`,
    /// except on a loopback address (the sandbox).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The application's client id.
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self
    }

    /// The application's client secret.
    pub fn client_secret(mut self, secret: SecretString) -> Self {
        self.client_secret = Some(secret);
        self
    }

    /// The tenant name sent as `?tenant=` to the token endpoint (hosted
    /// tenants may need it). Default: none.
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = Some(tenant.into());
        self
    }

    /// The space-separated scopes requested. Default `all`.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }

    /// Whether to ask `/api/authinfo` for the token endpoint first. Default
    /// on; a failed discovery, or an `auth_url` on another host, falls back
    /// to `{base}/auth/token`.
    pub fn discover_auth(mut self, discover: bool) -> Self {
        self.discover = discover;
        self
    }

    /// The timeout of one request attempt. Default 70 seconds (Halo's
    /// gateway gives up near 60).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The TCP/TLS connect timeout. Default 10 seconds.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent`. Default `halo-core/<version>`.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// The client-side request budget. Default 500 per 180 seconds.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Sends without a client-side budget (Halo's own 429s still apply).
    pub fn without_rate_limit(mut self) -> Self {
        self.rate_limit = None;
        self
    }

    /// The retry policy. Default [`RetryPolicy::default`].
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How long before expiry a token is renewed. Default 120 seconds, and
    /// never later than half-way through the token's lifetime.
    pub fn renew_before_expiry(mut self, margin: Duration) -> Self {
        self.renew_margin = margin;
        self
    }

    /// The lowest TLS version accepted: 1.2 (default) or 1.3. Lower
    /// versions are refused when building.
    pub fn min_tls_version(mut self, version: TlsVersion) -> Self {
        self.min_tls = version;
        self
    }

    /// Builds the client. Fails with `halo.config` on a missing or invalid
    /// setting.
    pub fn build(self) -> Result<HaloClient, HaloError> {
        let base = parse_base(self.base_url.as_deref())?;
        let client_id = self
            .client_id
            .filter(|id| !id.trim().is_empty())
            .ok_or_else(|| config("client id is required"))?;
        let secret = self
            .client_secret
            .ok_or_else(|| config("client secret is required"))?;
        let tls = match self.min_tls {
            TlsVersion::V1_2 => reqwest::tls::Version::TLS_1_2,
            TlsVersion::V1_3 => reqwest::tls::Version::TLS_1_3,
            _ => return Err(config("TLS versions below 1.2 are not supported")),
        };
        if self.retry.max_attempts == 0 {
            return Err(config("retry max_attempts must be at least 1"));
        }
        if self
            .rate_limit
            .is_some_and(|l| l.requests == 0 || l.per.is_zero())
        {
            return Err(config(
                "rate limit must allow at least one request per non-zero window",
            ));
        }

        // Installing fails only when a provider is already installed: fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .tls_version_min(tls)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|_| config("the HTTP client could not be built"))?;

        let credentials = Credentials {
            client_id,
            secret,
            scope: self.scope,
            tenant: self.tenant,
        };
        let auth = Auth::new(credentials, base.clone(), self.discover, self.renew_margin);
        let pacer = Pacer::new(self.rate_limit);
        Ok(HaloClient {
            core: Arc::new(Core {
                http,
                base,
                auth,
                pacer,
                retry: self.retry,
                counters: Counters::default(),
            }),
        })
    }
}

fn parse_base(url: Option<&str>) -> Result<Url, HaloError> {
    let url = url.ok_or_else(|| config("base URL is required"))?;
    let parsed = Url::parse(url).map_err(|_| config("base URL is not a valid URL"))?;
    let loopback = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    match parsed.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => {
            return Err(config(
                "base URL must use https (plain http only on loopback)",
            ));
        }
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(config("base URL must not carry credentials"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(config("base URL must not carry a query or fragment"));
    }
    Ok(parsed)
}

fn config(reason: &str) -> HaloError {
    HaloError::Config {
        reason: reason.into(),
    }
}

impl fmt::Debug for HaloClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HaloClientBuilder")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[REDACTED]"),
            )
            .field("tenant", &self.tenant)
            .field("scope", &self.scope)
            .field("rate_limit", &self.rate_limit)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}
