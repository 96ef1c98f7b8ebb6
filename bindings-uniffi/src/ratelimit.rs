//! [`RateLimiter`] on a memory store, its [`ManualClock`] for tests, and
//! [`client_ip`]. Failures are `HaloCoreError::RateLimit`
//! (`ratelimit.unknown_rule`, `ratelimit.key_too_long`, ...) or
//! `invalid_argument` for an address or mode that does not parse.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use halo_core::ratelimit as core;

use crate::config::Config;
use crate::errors::{HaloCoreError, Result};

/// A clock that moves only when told to, for tests. Times are milliseconds
/// since the UNIX epoch.
#[derive(Debug, uniffi::Object)]
pub struct ManualClock {
    inner: core::ManualClock,
}

/// What a check decided.
#[derive(Debug, uniffi::Record)]
pub struct RateDecision {
    /// `allowed`, `limited`, `blocked`, `exempt`, `unlimited` or `unchecked`.
    pub kind: String,
    /// Whether the request may proceed.
    pub allowed: bool,
    /// The rule's burst, for counted requests.
    pub limit: Option<u32>,
    /// Requests still allowed now, when allowed.
    pub remaining: Option<u32>,
    /// Milliseconds until the whole burst is available again, when allowed.
    pub reset_ms: Option<f64>,
    /// Milliseconds to wait, when limited or blocked.
    pub retry_after_ms: Option<f64>,
    /// When the block ends, in milliseconds since the UNIX epoch.
    pub until_ms: Option<f64>,
    /// The store error's code, when unchecked (failing open).
    pub code: Option<String>,
    /// Response headers: `RateLimit-Limit`, `RateLimit-Remaining`,
    /// `RateLimit-Reset`, `Retry-After`, as they apply.
    pub headers: HashMap<String, String>,
}

/// Checks requests against the named rules of a configuration (GCRA), in
/// this process's memory; share one per process.
#[derive(Debug, uniffi::Object)]
pub struct RateLimiter {
    inner: core::RateLimiter,
}

#[uniffi::export]
impl ManualClock {
    /// A clock at `ms` milliseconds after the UNIX epoch.
    #[uniffi::constructor]
    pub fn new(ms: u64) -> Arc<Self> {
        Arc::new(Self {
            inner: core::ManualClock::new(Duration::from_millis(ms)),
        })
    }

    /// Sets the time to `ms` milliseconds after the UNIX epoch.
    pub fn set(&self, ms: u64) {
        self.inner.set(Duration::from_millis(ms));
    }

    /// Moves the time forward by `ms` milliseconds.
    pub fn advance(&self, ms: u64) {
        self.inner.advance(Duration::from_millis(ms));
    }
}

#[uniffi::export]
impl RateLimiter {
    /// The limiter of a configuration (`security.rate_limiting` and the
    /// `api_key` limits, as rule `api_key`) on a memory store, reading the
    /// time from `clock` (default: the system clock). `failure_mode` is
    /// `closed` (default: a store failure is an error) or `open` (a store
    /// failure allows the request as `unchecked`).
    #[uniffi::constructor(default(clock = None, failure_mode = None))]
    pub fn from_config(
        config: &Config,
        clock: Option<Arc<ManualClock>>,
        failure_mode: Option<String>,
    ) -> Result<Arc<Self>> {
        let mode = failure_mode.as_deref().unwrap_or("closed");
        let mode = core::FailureMode::from_name(mode).ok_or_else(|| {
            HaloCoreError::invalid_argument("failure_mode must be closed or open")
        })?;
        let mut builder = core::RateLimiter::builder_from_config(config.inner());
        if let Some(clock) = clock {
            builder = builder.clock(clock.inner.clone());
        }
        let inner = builder.failure_mode(mode).build()?;
        Ok(Arc::new(Self { inner }))
    }

    /// Counts one request of `key` under `rule` unless the client (`ip`,
    /// `user_agent`) is exempt.
    #[uniffi::method(default(ip = None, user_agent = None))]
    pub fn check(
        &self,
        rule: String,
        key: String,
        ip: Option<String>,
        user_agent: Option<String>,
    ) -> Result<RateDecision> {
        let info = core::ClientInfo {
            ip: ip.as_deref().map(address).transpose()?,
            user_agent: user_agent.as_deref(),
        };
        Ok(self.inner.check(&rule, &key, &info)?.into())
    }

    /// The rule names, in the order they were added.
    pub fn rule_names(&self) -> Vec<String> {
        self.inner.rule_names().map(str::to_owned).collect()
    }
}

/// The address of the client behind `remote`, reading `header`
/// (`x-forwarded-for` or `forwarded`) only from `trusted` proxy networks
/// (CIDR); headers of other names are ignored.
#[uniffi::export]
pub fn client_ip(
    remote: String,
    headers: Vec<crate::webhook::Header>,
    trusted: Vec<String>,
    header: String,
) -> Result<String> {
    let header = core::ProxyHeader::from_name(&header).ok_or_else(|| {
        HaloCoreError::invalid_argument("header must be `x-forwarded-for` or `forwarded`")
    })?;
    let networks = trusted.iter().map(|t| {
        t.parse::<ipnet::IpNet>()
            .map_err(|_| HaloCoreError::invalid_argument("invalid network"))
    });
    let trusted = core::TrustedProxies::new(networks.collect::<Result<Vec<_>>>()?, header);
    let pairs = headers.iter().map(|h| (h.name.as_str(), h.value.as_str()));
    Ok(core::client_ip(address(&remote)?, pairs, &trusted).to_string())
}

fn address(text: &str) -> Result<IpAddr> {
    text.parse()
        .map_err(|_| HaloCoreError::invalid_argument("invalid IP address"))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

impl From<core::RateDecision> for RateDecision {
    fn from(d: core::RateDecision) -> Self {
        let headers = d.headers().into_iter();
        let mut out = Self {
            kind: d.kind().to_owned(),
            allowed: d.is_allowed(),
            limit: None,
            remaining: None,
            reset_ms: None,
            retry_after_ms: d.retry_after().map(ms),
            until_ms: None,
            code: None,
            headers: headers.map(|(k, v)| (k.to_owned(), v)).collect(),
        };
        match d {
            core::RateDecision::Allowed {
                limit,
                remaining,
                reset,
            } => {
                (out.limit, out.remaining, out.reset_ms) =
                    (Some(limit), Some(remaining), Some(ms(reset)))
            }
            core::RateDecision::Limited { limit, .. } => out.limit = Some(limit),
            core::RateDecision::Blocked { limit, until, .. } => {
                out.limit = Some(limit);
                out.until_ms = until.duration_since(UNIX_EPOCH).ok().map(ms);
            }
            core::RateDecision::Unchecked { code } => out.code = Some(code.to_owned()),
            _ => {}
        }
        out
    }
}
