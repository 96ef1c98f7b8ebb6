//! `HaloClient` and its resources (`clients`, `sites`, `users`,
//! `opportunities`, `tickets`, `actions`, `agents`).
//!
//! Every call returns a Promise, rejected with an `Error` whose `code` is
//! the core's (`halo.not_found`, `halo.rate_limited`,
//! `halo.outcome_unknown`, ...). Records are plain objects in Halo's own
//! field names; fields the core does not name are kept as Halo sent them.
//! Paging, token renewal, pacing and retries are the core's.

mod handlers;

use std::fmt;
use std::time::Duration;

use halo_core::SecretString;
use halo_core::config::TlsVersion;
use halo_core::halo::{self as core, RateLimit, RetryPolicy};
use napi::{Env, Result};
use napi_derive::napi;

use crate::errors::throw_invalid_argument;
use crate::sandbox::Sandbox;

use handlers::{
    ActionResource, AgentResource, ClientResource, OpportunityResource, SiteResource,
    TicketResource, UserResource,
};

pub(crate) use handlers::decode_records;

/// A client-side request budget: at most `requests` in any rolling `perMs`.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct RateLimitOptions {
    /// Requests allowed in one window (Halo's fair use: 500).
    pub requests: u32,
    /// The rolling window in milliseconds (Halo's fair use: 180 000).
    pub per_ms: u32,
}

/// How failed requests are retried; each field left out keeps the core's
/// default. Creates that may have been applied are never retried.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct RetryOptions {
    /// Attempts in total, the first included. Default 5; 1 disables retries.
    pub max_attempts: Option<u32>,
    /// The first backoff delay, doubled on each retry. Default 2 000 ms.
    pub base_delay_ms: Option<u32>,
    /// The longest backoff delay. Default 60 000 ms.
    pub max_delay_ms: Option<u32>,
    /// The longest `Retry-After` honoured. Default 300 000 ms.
    pub max_retry_after_ms: Option<u32>,
}

/// Settings of a `HaloClient`. Only `baseUrl`, `clientId` and
/// `clientSecret` are required.
#[napi(object)]
pub struct HaloClientOptions {
    /// The tenant's base URL (`https://acme.halopsa.com`); `https` except
    /// on a loopback address.
    pub base_url: String,
    /// The application's client id.
    pub client_id: String,
    /// The application's client secret.
    pub client_secret: String,
    /// Sent as `?tenant=` to the token endpoint. Default: none.
    pub tenant: Option<String>,
    /// The space-separated scopes requested. Default `all`.
    pub scope: Option<String>,
    /// Ask `/api/authinfo` for the token endpoint first. Default `true`.
    pub discover_auth: Option<bool>,
    /// The timeout of one attempt. Default 70 000 ms.
    pub timeout_ms: Option<u32>,
    /// The connect timeout. Default 10 000 ms.
    pub connect_timeout_ms: Option<u32>,
    /// The `User-Agent`. Default `halo-core/<version>`.
    pub user_agent: Option<String>,
    /// The client-side budget. Default 500 requests per 180 000 ms.
    pub rate_limit: Option<RateLimitOptions>,
    /// Sends without a client-side budget (Halo's own 429s still apply).
    pub without_rate_limit: Option<bool>,
    /// The retry policy; see `RetryOptions` for the defaults.
    pub retry: Option<RetryOptions>,
    /// How long before expiry a token is renewed. Default 120 000 ms.
    pub renew_before_expiry_ms: Option<u32>,
    /// The lowest TLS version, `'1.2'` (default) or `'1.3'`.
    pub min_tls_version: Option<String>,
}

/// Settings of a client made by `HaloClient.forSandbox`; it has the
/// sandbox's URL and credentials and no client-side budget.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct SandboxClientOptions {
    /// The retry policy; see `RetryOptions` for the defaults.
    pub retry: Option<RetryOptions>,
    /// A client-side budget. Default: none.
    pub rate_limit: Option<RateLimitOptions>,
    /// The timeout of one attempt. Default 70 000 ms.
    pub timeout_ms: Option<u32>,
}

/// What a client has sent so far.
#[napi(object)]
#[derive(Debug)]
pub struct ClientStats {
    /// API requests, each attempt counted (token requests excluded).
    pub requests: i64,
    /// Attempts that repeated an earlier one (429, 5xx, broken connection,
    /// refused token).
    pub retries: i64,
}

/// The HaloPSA REST client: OAuth2 client credentials with a cached token,
/// Halo's paging, fair-use pacing and retries that never create a record
/// twice. Build one and share it.
#[napi]
#[derive(Debug, Clone)]
pub struct HaloClient {
    inner: core::HaloClient,
}

impl HaloClient {
    /// The core client.
    pub(crate) fn inner(&self) -> &core::HaloClient {
        &self.inner
    }
}

#[napi]
impl HaloClient {
    /// A client for a tenant; throws `halo.config` for a missing or invalid
    /// setting.
    #[napi(constructor)]
    pub fn new(env: Env, options: HaloClientOptions) -> Result<Self> {
        let mut builder = core::HaloClient::builder()
            .base_url(options.base_url)
            .client_id(options.client_id)
            .client_secret(SecretString::from(options.client_secret));
        if let Some(tenant) = options.tenant {
            builder = builder.tenant(tenant);
        }
        if let Some(scope) = options.scope {
            builder = builder.scope(scope);
        }
        if let Some(discover) = options.discover_auth {
            builder = builder.discover_auth(discover);
        }
        if let Some(ms) = options.timeout_ms {
            builder = builder.timeout(millis(ms));
        }
        if let Some(ms) = options.connect_timeout_ms {
            builder = builder.connect_timeout(millis(ms));
        }
        if let Some(agent) = options.user_agent {
            builder = builder.user_agent(agent);
        }
        if let Some(limit) = options.rate_limit {
            builder = builder.rate_limit(rate_limit(limit));
        }
        if options.without_rate_limit == Some(true) {
            builder = builder.without_rate_limit();
        }
        if let Some(retry) = options.retry {
            builder = builder.retry(retry_policy(retry));
        }
        if let Some(ms) = options.renew_before_expiry_ms {
            builder = builder.renew_before_expiry(millis(ms));
        }
        match options.min_tls_version.as_deref() {
            None => {}
            Some("1.2") => builder = builder.min_tls_version(TlsVersion::V1_2),
            Some("1.3") => builder = builder.min_tls_version(TlsVersion::V1_3),
            Some(_) => {
                return Err(throw_halo_config(&env, "minTlsVersion must be 1.2 or 1.3"));
            }
        }
        Self::built(&env, builder)
    }

    /// A client pointed at `sandbox`, with its URL and credentials.
    #[napi(factory)]
    pub fn for_sandbox(
        env: Env,
        sandbox: &Sandbox,
        options: Option<SandboxClientOptions>,
    ) -> Result<Self> {
        let mut builder = sandbox
            .client_builder()
            .ok_or_else(|| throw_invalid_argument(&env, "the sandbox is stopped"))?;
        if let Some(options) = options {
            if let Some(retry) = options.retry {
                builder = builder.retry(retry_policy(retry));
            }
            if let Some(limit) = options.rate_limit {
                builder = builder.rate_limit(rate_limit(limit));
            }
            if let Some(ms) = options.timeout_ms {
                builder = builder.timeout(millis(ms));
            }
        }
        Self::built(&env, builder)
    }

    /// Clients (customers and prospect companies).
    #[napi(getter)]
    pub fn clients(&self) -> ClientResource {
        self.inner.clients().into()
    }

    /// Sites of clients.
    #[napi(getter)]
    pub fn sites(&self) -> SiteResource {
        self.inner.sites().into()
    }

    /// Contacts.
    #[napi(getter)]
    pub fn users(&self) -> UserResource {
        self.inner.users().into()
    }

    /// Opportunities (Halo's CRM leads).
    #[napi(getter)]
    pub fn opportunities(&self) -> OpportunityResource {
        self.inner.opportunities().into()
    }

    /// Tickets.
    #[napi(getter)]
    pub fn tickets(&self) -> TicketResource {
        self.inner.tickets().into()
    }

    /// Actions on tickets; one is read or deleted together with its
    /// ticket's id.
    #[napi(getter)]
    pub fn actions(&self) -> ActionResource {
        self.inner.actions().into()
    }

    /// Agents (technicians), read-only.
    #[napi(getter)]
    pub fn agents(&self) -> AgentResource {
        self.inner.agents().into()
    }

    /// What this client (and every client sharing its connection) has sent.
    #[napi]
    pub fn stats(&self) -> ClientStats {
        let stats = self.inner.stats();
        ClientStats {
            requests: i64::try_from(stats.requests).unwrap_or(i64::MAX),
            retries: i64::try_from(stats.retries).unwrap_or(i64::MAX),
        }
    }

    fn built(env: &Env, builder: core::HaloClientBuilder) -> Result<Self> {
        match builder.build() {
            Ok(inner) => Ok(Self { inner }),
            Err(err) => Err(crate::errors::throw_halo_error(env, &err)),
        }
    }
}

fn throw_halo_config(env: &Env, reason: &str) -> napi::Error {
    let err = core::HaloError::Config {
        reason: reason.to_owned(),
    };
    crate::errors::throw_halo_error(env, &err)
}

fn millis(ms: u32) -> Duration {
    Duration::from_millis(u64::from(ms))
}

pub(crate) fn rate_limit(options: RateLimitOptions) -> RateLimit {
    RateLimit {
        requests: options.requests,
        per: millis(options.per_ms),
    }
}

fn retry_policy(options: RetryOptions) -> RetryPolicy {
    let defaults = RetryPolicy::default();
    RetryPolicy {
        max_attempts: options.max_attempts.unwrap_or(defaults.max_attempts),
        base_delay: options.base_delay_ms.map_or(defaults.base_delay, millis),
        max_delay: options.max_delay_ms.map_or(defaults.max_delay, millis),
        max_retry_after: options
            .max_retry_after_ms
            .map_or(defaults.max_retry_after, millis),
    }
}

// The client secret never shows in `Debug`.
impl fmt::Debug for HaloClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HaloClientOptions")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("tenant", &self.tenant)
            .field("scope", &self.scope)
            .field("rate_limit", &self.rate_limit)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}
