//! `halo_core.RateLimiter`, its rules, decisions and manual clock, and
//! `client_ip`.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::{Duration, SystemTime};

use halo_core::ratelimit as core;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::config::Config;
use crate::errors::ratelimit_error;

/// A rate limit: a sustained rate, a burst (requests allowed at once from an
/// idle key) and an optional block.
#[pyclass(module = "halo_core", frozen, eq, from_py_object)]
#[derive(Clone, PartialEq)]
pub(crate) struct Rule {
    inner: core::Rule,
}

/// A clock that moves only when told to; clones share one time.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct ManualClock {
    inner: core::ManualClock,
}

/// Checks requests against named rules, in this process's memory.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct RateLimiter {
    inner: core::RateLimiter,
}

/// What a check decided.
#[pyclass(module = "halo_core", frozen, get_all)]
pub(crate) struct RateDecision {
    kind: &'static str,
    allowed: bool,
    limit: Option<u32>,
    remaining: Option<u32>,
    reset: Option<Duration>,
    retry_after: Option<Duration>,
    until: Option<SystemTime>,
    code: Option<&'static str>,
    headers: Vec<(&'static str, String)>,
}

#[pymethods]
impl Rule {
    /// `requests` per `period`, burst 1, no block.
    #[new]
    fn new(requests: u32, period: Duration) -> Self {
        core::Rule::per(requests, period).into()
    }

    /// `requests` per second, burst 1, no block.
    #[staticmethod]
    fn per_second(requests: u32) -> Self {
        core::Rule::per_second(requests).into()
    }

    /// `requests` per minute, burst 1, no block.
    #[staticmethod]
    fn per_minute(requests: u32) -> Self {
        core::Rule::per_minute(requests).into()
    }

    /// `requests` per hour, burst 1, no block.
    #[staticmethod]
    fn per_hour(requests: u32) -> Self {
        core::Rule::per_hour(requests).into()
    }

    /// The same rule with `burst`.
    fn with_burst(&self, burst: u32) -> Self {
        self.inner.with_burst(burst).into()
    }

    /// The same rule where a refused key is blocked for `block`.
    fn with_block(&self, block: Duration) -> Self {
        self.inner.with_block(block).into()
    }

    #[getter]
    fn emission_interval(&self) -> Duration {
        self.inner.emission_interval()
    }

    #[getter]
    fn burst(&self) -> u32 {
        self.inner.burst()
    }

    #[getter]
    fn block(&self) -> Option<Duration> {
        self.inner.block()
    }

    fn __repr__(&self) -> String {
        let r = &self.inner;
        format!(
            "Rule(emission_interval={:?}, burst={}, block={:?})",
            r.emission_interval(),
            r.burst(),
            r.block()
        )
    }
}

#[pymethods]
impl ManualClock {
    /// A clock at `since_epoch` after the UNIX epoch.
    #[new]
    fn new(since_epoch: Duration) -> Self {
        Self {
            inner: core::ManualClock::new(since_epoch),
        }
    }

    /// Sets the time to `since_epoch` after the UNIX epoch.
    fn set(&self, since_epoch: Duration) {
        self.inner.set(since_epoch);
    }

    /// Moves the time forward by `by`.
    fn advance(&self, by: Duration) {
        self.inner.advance(by);
    }

    /// The current time, since the UNIX epoch.
    #[getter]
    fn now(&self) -> Duration {
        self.inner.elapsed()
    }
}

#[pymethods]
impl RateLimiter {
    /// A limiter of `rules` (name to `Rule`) on a memory store.
    #[new]
    #[pyo3(signature = (rules, *, exempt_networks = Vec::new(), exempt_user_agents = Vec::new(), clock = None, failure_mode = "closed"))]
    fn new(
        rules: BTreeMap<String, Rule>,
        exempt_networks: Vec<String>,
        exempt_user_agents: Vec<String>,
        clock: Option<PyRef<'_, ManualClock>>,
        failure_mode: &str,
    ) -> PyResult<Self> {
        let mut builder = core::RateLimiter::builder();
        for (name, rule) in rules {
            builder = builder.rule(name, rule.inner);
        }
        let builder = builder
            .exempt_networks(networks(&exempt_networks)?)
            .exempt_user_agents(exempt_user_agents);
        finish(builder, clock, failure_mode)
    }

    /// The limiter of a configuration (`security.rate_limiting` and the
    /// `api_key` limits), on a memory store.
    #[staticmethod]
    #[pyo3(signature = (config, *, clock = None, failure_mode = "closed"))]
    fn from_config(
        config: PyRef<'_, Config>,
        clock: Option<PyRef<'_, ManualClock>>,
        failure_mode: &str,
    ) -> PyResult<Self> {
        let builder = core::RateLimiter::builder_from_config(config.inner());
        finish(builder, clock, failure_mode)
    }

    /// Counts one request of `key` under `rule`, unless the client is
    /// exempt.
    #[pyo3(signature = (rule, key, *, ip = None, user_agent = None))]
    fn check(
        &self,
        rule: &str,
        key: &str,
        ip: Option<IpAddr>,
        user_agent: Option<&str>,
    ) -> PyResult<RateDecision> {
        let client = core::ClientInfo { ip, user_agent };
        let decision = self.inner.check(rule, key, &client);
        decision
            .map(RateDecision::from)
            .map_err(|e| ratelimit_error(&e))
    }

    /// Whether a client is on the allow-list.
    #[pyo3(signature = (*, ip = None, user_agent = None))]
    fn is_exempt(&self, ip: Option<IpAddr>, user_agent: Option<&str>) -> bool {
        self.inner.is_exempt(&core::ClientInfo { ip, user_agent })
    }

    /// The rule names, in the order they were added.
    #[getter]
    fn rule_names(&self) -> Vec<String> {
        self.inner.rule_names().map(str::to_owned).collect()
    }

    fn __repr__(&self) -> String {
        format!("RateLimiter(rules={:?})", self.rule_names())
    }
}

#[pymethods]
impl RateDecision {
    fn __repr__(&self) -> String {
        format!(
            "RateDecision(kind={:?}, allowed={})",
            self.kind, self.allowed
        )
    }
}

/// The address of the client behind `remote`, reading `header`
/// (`x-forwarded-for` or `forwarded`) only from `trusted` proxy networks.
#[pyfunction]
#[pyo3(signature = (remote, headers, trusted, header = "x-forwarded-for"))]
pub(crate) fn client_ip(
    remote: IpAddr,
    headers: Vec<(String, String)>,
    trusted: Vec<String>,
    header: &str,
) -> PyResult<IpAddr> {
    let header = core::ProxyHeader::from_name(header)
        .ok_or_else(|| PyValueError::new_err("header must be `x-forwarded-for` or `forwarded`"))?;
    let trusted = core::TrustedProxies::new(networks(&trusted)?, header);
    Ok(core::client_ip(remote, headers, &trusted))
}

fn finish(
    builder: core::RateLimiterBuilder,
    clock: Option<PyRef<'_, ManualClock>>,
    failure_mode: &str,
) -> PyResult<RateLimiter> {
    let mode = core::FailureMode::from_name(failure_mode)
        .ok_or_else(|| PyValueError::new_err("failure_mode must be `closed` or `open`"))?;
    let builder = match clock {
        Some(clock) => builder.clock(clock.inner.clone()),
        None => builder,
    };
    let inner = builder.failure_mode(mode).build();
    Ok(RateLimiter {
        inner: inner.map_err(|e| ratelimit_error(&e))?,
    })
}

fn networks(texts: &[String]) -> PyResult<Vec<ipnet::IpNet>> {
    texts
        .iter()
        .map(|t| {
            t.parse()
                .map_err(|_| PyValueError::new_err("invalid network"))
        })
        .collect()
}

impl From<core::Rule> for Rule {
    fn from(inner: core::Rule) -> Self {
        Self { inner }
    }
}

impl From<core::RateDecision> for RateDecision {
    fn from(d: core::RateDecision) -> Self {
        let mut out = Self {
            kind: d.kind(),
            allowed: d.is_allowed(),
            limit: None,
            remaining: None,
            reset: None,
            retry_after: d.retry_after(),
            until: None,
            code: None,
            headers: d.headers(),
        };
        match d {
            core::RateDecision::Allowed {
                limit,
                remaining,
                reset,
            } => {
                (out.limit, out.remaining, out.reset) = (Some(limit), Some(remaining), Some(reset))
            }
            core::RateDecision::Limited { limit, .. } => out.limit = Some(limit),
            core::RateDecision::Blocked { limit, until, .. } => {
                (out.limit, out.until) = (Some(limit), Some(until));
            }
            core::RateDecision::Unchecked { code } => out.code = Some(code),
            _ => {}
        }
        out
    }
}
