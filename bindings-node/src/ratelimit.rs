//! `RateLimiter`, `Rule`, `ManualClock` and `clientIp`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, UNIX_EPOCH};

use halo_core::ratelimit as core;
use napi::{Env, Result};
use napi_derive::napi;

use crate::config::Config;
use crate::errors::{throw_invalid_argument, throw_ratelimit_error};

/// A rate limit: a sustained rate, a burst (requests allowed at once from an
/// idle key; default 1) and an optional block (default none).
#[napi]
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    inner: core::Rule,
}

/// A clock that moves only when told to, for tests. Times are milliseconds
/// since the UNIX epoch.
#[napi]
#[derive(Debug)]
pub struct ManualClock {
    inner: core::ManualClock,
}

/// Who made a request.
#[napi(object)]
#[derive(Debug, Default)]
pub struct ClientInfo {
    /// The client's address (see `clientIp`). Default: unknown.
    pub ip: Option<String>,
    /// The `User-Agent` header. Default: none.
    pub user_agent: Option<String>,
}

/// Options of `new RateLimiter` and `RateLimiter.fromConfig`.
#[napi(object)]
#[derive(Debug, Default)]
pub struct RateLimiterOptions {
    /// Networks (CIDR) whose requests are exempt. Default: none; ignored by
    /// `fromConfig`, which reads the whitelist.
    pub exempt_networks: Option<Vec<String>>,
    /// User agents (exact match) whose requests are exempt. Default: none;
    /// ignored by `fromConfig`.
    pub exempt_user_agents: Option<Vec<String>>,
    /// `closed` (default: a store failure throws) or `open` (a store failure
    /// allows the request as `unchecked`).
    pub failure_mode: Option<String>,
}

/// What a check decided.
#[napi(object)]
#[derive(Debug)]
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

/// Checks requests against named rules (GCRA), in this process's memory.
#[napi]
#[derive(Debug)]
pub struct RateLimiter {
    inner: core::RateLimiter,
}

#[napi]
impl Rule {
    /// `requests` per second, burst 1, no block.
    #[napi(factory)]
    pub fn per_second(requests: u32) -> Self {
        core::Rule::per_second(requests).into()
    }

    /// `requests` per minute, burst 1, no block.
    #[napi(factory)]
    pub fn per_minute(requests: u32) -> Self {
        core::Rule::per_minute(requests).into()
    }

    /// `requests` per hour, burst 1, no block.
    #[napi(factory)]
    pub fn per_hour(requests: u32) -> Self {
        core::Rule::per_hour(requests).into()
    }

    /// The same rule with `burst`.
    #[napi]
    pub fn with_burst(&self, burst: u32) -> Self {
        self.inner.with_burst(burst).into()
    }

    /// The same rule where a refused key is blocked for `blockMs`
    /// milliseconds.
    #[napi]
    pub fn with_block(&self, block_ms: u32) -> Self {
        let block = Duration::from_millis(u64::from(block_ms));
        self.inner.with_block(block).into()
    }

    /// Milliseconds between two requests at the sustained rate.
    #[napi(getter)]
    pub fn emission_interval_ms(&self) -> f64 {
        self.inner.emission_interval().as_secs_f64() * 1000.0
    }

    /// Requests allowed at once from an idle key.
    #[napi(getter)]
    pub fn burst(&self) -> u32 {
        self.inner.burst()
    }
}

#[napi]
impl ManualClock {
    /// A clock at `ms` milliseconds after the UNIX epoch.
    #[napi(constructor)]
    pub fn new(ms: i64) -> Self {
        Self {
            inner: core::ManualClock::new(millis(ms)),
        }
    }

    /// Sets the time to `ms` milliseconds after the UNIX epoch.
    #[napi]
    pub fn set(&self, ms: i64) {
        self.inner.set(millis(ms));
    }

    /// Moves the time forward by `ms` milliseconds.
    #[napi]
    pub fn advance(&self, ms: i64) {
        self.inner.advance(millis(ms));
    }

    /// Milliseconds since the UNIX epoch.
    #[napi(getter)]
    pub fn now_ms(&self) -> f64 {
        self.inner.elapsed().as_secs_f64() * 1000.0
    }
}

#[napi]
impl RateLimiter {
    /// A limiter of `rules` (name to `Rule`) on a memory store, reading the
    /// time from `clock` (default: the system clock). Throws
    /// `ratelimit.invalid_rule` for an impossible rule.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        rules: HashMap<String, &Rule>,
        options: Option<RateLimiterOptions>,
        clock: Option<&ManualClock>,
    ) -> Result<Self> {
        let options = options.unwrap_or_default();
        let mut rules: Vec<(String, core::Rule)> =
            rules.into_iter().map(|(n, r)| (n, r.inner)).collect();
        rules.sort_by(|a, b| a.0.cmp(&b.0));
        let mut builder = core::RateLimiter::builder();
        for (name, rule) in rules {
            builder = builder.rule(name, rule);
        }
        let networks = networks(&env, options.exempt_networks.as_deref().unwrap_or_default())?;
        let builder = builder
            .exempt_networks(networks)
            .exempt_user_agents(options.exempt_user_agents.clone().unwrap_or_default());
        finish(&env, builder, &options, clock)
    }

    /// The limiter of a configuration (`security.rate_limiting` and the
    /// `api_key` limits, as rule `api_key`), on a memory store, reading the
    /// time from `clock` (default: the system clock).
    #[napi(factory)]
    pub fn from_config(
        env: Env,
        config: &Config,
        options: Option<RateLimiterOptions>,
        clock: Option<&ManualClock>,
    ) -> Result<Self> {
        let builder = core::RateLimiter::builder_from_config(config.inner());
        finish(&env, builder, &options.unwrap_or_default(), clock)
    }

    /// Counts one request of `key` under `rule` unless the client is exempt.
    /// Throws `ratelimit.unknown_rule`, `ratelimit.key_too_long`, or a store
    /// error when failing closed.
    #[napi]
    pub fn check(
        &self,
        env: Env,
        rule: String,
        key: String,
        client: Option<ClientInfo>,
    ) -> Result<RateDecision> {
        let client = client.unwrap_or_default();
        let ip = address(&env, client.ip.as_deref())?;
        let info = core::ClientInfo {
            ip,
            user_agent: client.user_agent.as_deref(),
        };
        let decision = self.inner.check(&rule, &key, &info);
        decision
            .map(RateDecision::from)
            .map_err(|e| throw_ratelimit_error(&env, &e))
    }

    /// Whether a client is on the allow-list.
    #[napi]
    pub fn is_exempt(&self, env: Env, client: ClientInfo) -> Result<bool> {
        let ip = address(&env, client.ip.as_deref())?;
        let info = core::ClientInfo {
            ip,
            user_agent: client.user_agent.as_deref(),
        };
        Ok(self.inner.is_exempt(&info))
    }

    /// The rule names, in the order they were added.
    #[napi(getter)]
    pub fn rule_names(&self) -> Vec<String> {
        self.inner.rule_names().map(str::to_owned).collect()
    }
}

/// The address of the client behind `remote`, reading `header`
/// (`x-forwarded-for`, the default, or `forwarded`) only from `trusted`
/// proxy networks (CIDR).
#[napi]
pub fn client_ip(
    env: Env,
    remote: String,
    headers: Vec<Vec<String>>,
    trusted: Vec<String>,
    header: Option<String>,
) -> Result<String> {
    let header = header.as_deref().unwrap_or("x-forwarded-for");
    let Some(header) = core::ProxyHeader::from_name(header) else {
        return Err(throw_invalid_argument(
            &env,
            "header must be `x-forwarded-for` or `forwarded`",
        ));
    };
    let remote = address(&env, Some(&remote))?.unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let trusted = core::TrustedProxies::new(networks(&env, &trusted)?, header);
    let pairs = headers.iter().filter_map(|h| match h.as_slice() {
        [name, value] => Some((name.as_str(), value.as_str())),
        _ => None,
    });
    Ok(core::client_ip(remote, pairs, &trusted).to_string())
}

fn finish(
    env: &Env,
    builder: core::RateLimiterBuilder,
    options: &RateLimiterOptions,
    clock: Option<&ManualClock>,
) -> Result<RateLimiter> {
    let mode = options.failure_mode.as_deref().unwrap_or("closed");
    let Some(mode) = core::FailureMode::from_name(mode) else {
        return Err(throw_invalid_argument(
            env,
            "failureMode must be `closed` or `open`",
        ));
    };
    let builder = match clock {
        Some(clock) => builder.clock(clock.inner.clone()),
        None => builder,
    };
    let inner = builder.failure_mode(mode).build();
    Ok(RateLimiter {
        inner: inner.map_err(|e| throw_ratelimit_error(env, &e))?,
    })
}

fn address(env: &Env, text: Option<&str>) -> Result<Option<IpAddr>> {
    text.map(|t| {
        t.parse()
            .map_err(|_| throw_invalid_argument(env, "invalid IP address"))
    })
    .transpose()
}

fn networks(env: &Env, texts: &[String]) -> Result<Vec<ipnet::IpNet>> {
    texts
        .iter()
        .map(|t| {
            t.parse()
                .map_err(|_| throw_invalid_argument(env, "invalid network"))
        })
        .collect()
}

fn millis(ms: i64) -> Duration {
    Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

impl From<core::Rule> for Rule {
    fn from(inner: core::Rule) -> Self {
        Self { inner }
    }
}

impl From<core::RateDecision> for RateDecision {
    fn from(d: core::RateDecision) -> Self {
        let mut out = Self {
            kind: d.kind().to_owned(),
            allowed: d.is_allowed(),
            limit: None,
            remaining: None,
            reset_ms: None,
            retry_after_ms: d.retry_after().map(ms),
            until_ms: None,
            code: None,
            headers: d
                .headers()
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        };
        match d {
            core::RateDecision::Allowed {
                limit,
                remaining,
                reset,
            } => {
                (out.limit, out.remaining, out.reset_ms) =
                    (Some(limit), Some(remaining), Some(ms(reset)));
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
