//! The limiter: rules by name, exemptions, a store and a clock.

use std::any::Any;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use ipnet::IpNet;

use super::client::ClientInfo;
use super::clock::{Clock, SystemClock, system_time};
use super::decision::RateDecision;
use super::error::RateLimitError;
use super::memory::MemoryStore;
use super::rule::{Rule, Verdict};
use super::store::RateStore;
use crate::bytes::same;
use crate::config::Config;

/// The longest key accepted, in bytes.
pub const MAX_KEY_BYTES: usize = 512;

/// The name of the rule built from the first `api_key` authentication
/// method's per-key limit; further `api_key` methods give `api_key.1`,
/// `api_key.2`, ... in document order.
pub const API_KEY_RULE: &str = "api_key";

/// What a check does when the store fails.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureMode {
    /// Return the store's error (`ratelimit.store_unavailable`,
    /// `ratelimit.store_failed`); the caller refuses the request. The
    /// default.
    #[default]
    Closed,
    /// Allow the request as [`RateDecision::Unchecked`], carrying the store
    /// error's code, so that an outage of the store is not an outage of the
    /// service. Requests are then not limited at all.
    Open,
}

impl FailureMode {
    /// `closed` or `open`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Closed => "closed",
            Self::Open => "open",
        }
    }

    /// The mode named `name` (`closed` or `open`); `None` for another name.
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Closed, Self::Open]
            .into_iter()
            .find(|m| m.as_str() == name)
    }
}

/// Checks requests against named rules.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    rules: Arc<[NamedRule]>,
    exemptions: Arc<Exemptions>,
    store: Store,
    clock: Time,
    failure_mode: FailureMode,
}

/// Builds a [`RateLimiter`] in code.
#[derive(Debug)]
pub struct RateLimiterBuilder {
    rules: Vec<NamedRule>,
    exempt_networks: Vec<IpNet>,
    exempt_user_agents: Vec<String>,
    store: Option<Store>,
    clock: Time,
    failure_mode: FailureMode,
}

/// A limiter's store. The in-process store is called directly, so that a
/// check on it compiles to one path with no indirect call; any other store
/// through its trait.
#[derive(Debug, Clone)]
enum Store {
    Memory(Arc<MemoryStore>),
    Other(Arc<dyn RateStore>),
}

/// A limiter's clock, the system clock called directly like the memory
/// store.
#[derive(Debug, Clone)]
enum Time {
    System,
    Other(Arc<dyn Clock>),
}

impl Store {
    #[inline]
    fn acquire(
        &self,
        rule_name: &str,
        rule: &Rule,
        key: &str,
        now: u64,
    ) -> Result<Verdict, RateLimitError> {
        match self {
            Self::Memory(store) => store.acquire(rule_name, rule, key, now),
            Self::Other(store) => store.acquire(rule_name, rule, key, now),
        }
    }
}

impl Time {
    #[inline]
    fn now_nanos(&self) -> u64 {
        match self {
            Self::System => SystemClock.now_nanos(),
            Self::Other(clock) => clock.now_nanos(),
        }
    }
}

/// The allow-list, with networks as address and mask numbers so that a
/// check compares integers and skips what is not configured.
#[derive(Debug, Default)]
struct Exemptions {
    /// (network address, mask) of the IPv4 networks.
    v4: Box<[(u32, u32)]>,
    /// (network address, mask) of the IPv6 networks.
    v6: Box<[(u128, u128)]>,
    user_agents: Box<[String]>,
}

#[derive(Debug, Clone)]
struct NamedRule {
    name: String,
    /// `None` when the configuration switches the rule off.
    rule: Option<Rule>,
}

impl RateLimiter {
    /// A builder with no rules, no exemptions, a [`MemoryStore`], the system
    /// clock and [`FailureMode::Closed`].
    pub fn builder() -> RateLimiterBuilder {
        RateLimiterBuilder {
            rules: Vec::new(),
            exempt_networks: Vec::new(),
            exempt_user_agents: Vec::new(),
            store: None,
            clock: Time::System,
            failure_mode: FailureMode::Closed,
        }
    }

    /// The limiter of a configuration, on a [`MemoryStore`].
    pub fn from_config(config: &Config) -> Result<Self, RateLimitError> {
        Self::builder_from_config(config).build()
    }

    /// A builder holding a configuration's rules and exemptions, to choose
    /// the store, clock or failure mode before building.
    ///
    /// Every rule of `security.rate_limiting.rules` is added by name, and
    /// each `api_key` method of `security.authentication` adds its per-key
    /// limit as [`API_KEY_RULE`] (`requests_per_hour`, `burst_limit`, no
    /// block). A switched-off section (`enabled: false`) keeps its rule
    /// names, which then answer [`RateDecision::Unlimited`].
    pub fn builder_from_config(config: &Config) -> RateLimiterBuilder {
        let limiting = &config.security.rate_limiting;
        let mut builder = Self::builder();
        for (name, rule) in &limiting.rules {
            let rule = Rule::from_config(rule);
            builder = match limiting.enabled {
                true => builder.rule(name, rule),
                false => builder.unlimited_rule(name),
            };
        }
        let api_keys = config.security.authentication.api_key_methods();
        for (i, method) in api_keys.enumerate() {
            let name = match i {
                0 => API_KEY_RULE.to_owned(),
                i => format!("{API_KEY_RULE}.{i}"),
            };
            let limit = &method.rate_limiting;
            let rule = Rule::per_hour(limit.requests_per_hour).with_burst(limit.burst_limit);
            builder = match limit.enabled {
                true => builder.rule(name, rule),
                false => builder.unlimited_rule(name),
            };
        }
        builder
            .exempt_networks(limiting.whitelist.ips.iter().copied())
            .exempt_user_agents(limiting.whitelist.user_agents.iter().cloned())
    }

    /// Counts one request of `key` (a client address, an API key id, ...)
    /// under the rule named `rule`, unless `client` is exempt.
    ///
    /// Fails with `ratelimit.unknown_rule` for a name the limiter does not
    /// have, `ratelimit.key_too_long` for a key over [`MAX_KEY_BYTES`], and
    /// with the store's error when the store fails under
    /// [`FailureMode::Closed`].
    pub fn check(
        &self,
        rule: &str,
        key: &str,
        client: &ClientInfo<'_>,
    ) -> Result<RateDecision, RateLimitError> {
        let by_name = |r: &&NamedRule| same(r.name.as_bytes(), rule.as_bytes());
        let Some(named) = self.rules.iter().find(by_name) else {
            return Err(RateLimitError::UnknownRule {
                name: rule.to_owned(),
            });
        };
        if key.len() > MAX_KEY_BYTES {
            return Err(RateLimitError::KeyTooLong {
                len: key.len(),
                limit: MAX_KEY_BYTES,
            });
        }
        if self.is_exempt(client) {
            return Ok(RateDecision::Exempt);
        }
        let Some(limits) = &named.rule else {
            return Ok(RateDecision::Unlimited);
        };

        let now = self.clock.now_nanos();
        match self.store.acquire(rule, limits, key, now) {
            Ok(verdict) => Ok(decide(limits, verdict, now)),
            Err(err) if err.is_store_failure() && self.failure_mode == FailureMode::Open => {
                Ok(RateDecision::Unchecked { code: err.code() })
            }
            Err(err) => Err(err),
        }
    }

    /// Whether `client` is on the allow-list.
    #[inline]
    pub fn is_exempt(&self, client: &ClientInfo<'_>) -> bool {
        let exemptions = &*self.exemptions;
        let by_ip = match client.ip {
            Some(IpAddr::V4(ip)) if !exemptions.v4.is_empty() => {
                let ip = u32::from(ip);
                exemptions.v4.iter().any(|&(net, mask)| ip & mask == net)
            }
            Some(IpAddr::V6(ip)) if !exemptions.v6.is_empty() => {
                let ip = u128::from(ip);
                exemptions.v6.iter().any(|&(net, mask)| ip & mask == net)
            }
            _ => false,
        };
        by_ip
            || client.user_agent.is_some_and(|ua| {
                let mut agents = exemptions.user_agents.iter();
                agents.any(|e| e.len() == ua.len() && e == ua)
            })
    }

    /// The rule named `name`; `None` when there is no such rule or it is
    /// switched off.
    pub fn rule(&self, name: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.name == name)
            .and_then(|r| r.rule.as_ref())
    }

    /// The rule names, in the order they were added.
    pub fn rule_names(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.name.as_str())
    }

    /// What the limiter does when its store fails.
    pub fn failure_mode(&self) -> FailureMode {
        self.failure_mode
    }
}

impl RateLimiterBuilder {
    /// Adds the rule `name`. Names are unique: a name added twice fails the
    /// build with `ratelimit.duplicate_rule`.
    #[must_use]
    pub fn rule(self, name: impl Into<String>, rule: Rule) -> Self {
        self.named(name.into(), Some(rule))
    }

    /// Adds a rule name whose checks all answer [`RateDecision::Unlimited`]:
    /// what a switched-off configuration section loads as.
    #[must_use]
    pub fn unlimited_rule(self, name: impl Into<String>) -> Self {
        self.named(name.into(), None)
    }

    /// Exempts requests from `network`.
    #[must_use]
    pub fn exempt_network(mut self, network: IpNet) -> Self {
        self.exempt_networks.push(network);
        self
    }

    /// Exempts requests from every network of `networks`.
    #[must_use]
    pub fn exempt_networks(mut self, networks: impl IntoIterator<Item = IpNet>) -> Self {
        self.exempt_networks.extend(networks);
        self
    }

    /// Exempts requests whose user agent equals `user_agent` exactly.
    #[must_use]
    pub fn exempt_user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.exempt_user_agents.push(user_agent.into());
        self
    }

    /// Exempts requests whose user agent equals any of `user_agents`.
    #[must_use]
    pub fn exempt_user_agents(mut self, user_agents: impl IntoIterator<Item = String>) -> Self {
        self.exempt_user_agents.extend(user_agents);
        self
    }

    /// Keeps key state in `store`. Default: a new [`MemoryStore`].
    ///
    /// A [`MemoryStore`] given here is called directly by each check (no
    /// dynamic dispatch, and its look-up inlined into the check); any other
    /// store through the [`RateStore`] trait.
    #[must_use]
    pub fn store(mut self, store: impl RateStore + 'static) -> Self {
        let store = Arc::new(store);
        let any: Arc<dyn Any + Send + Sync> = store.clone();
        self.store = Some(match any.downcast::<MemoryStore>() {
            Ok(memory) => Store::Memory(memory),
            Err(_) => Store::Other(store),
        });
        self
    }

    /// Keeps key state in a store shared with other limiters, called
    /// through the [`RateStore`] trait (a few nanoseconds a check more than
    /// a [`MemoryStore`] given to [`store`](Self::store)).
    #[must_use]
    pub fn shared_store(mut self, store: Arc<dyn RateStore>) -> Self {
        self.store = Some(Store::Other(store));
        self
    }

    /// Reads the time from `clock`. Default: [`SystemClock`], which is
    /// called directly; any other clock through the [`Clock`] trait.
    #[must_use]
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        let any: &dyn Any = &clock;
        self.clock = if any.is::<SystemClock>() {
            Time::System
        } else {
            Time::Other(Arc::new(clock))
        };
        self
    }

    /// Sets what a check does when the store fails. Default
    /// [`FailureMode::Closed`].
    #[must_use]
    pub fn failure_mode(mut self, mode: FailureMode) -> Self {
        self.failure_mode = mode;
        self
    }

    /// The limiter; fails with `ratelimit.duplicate_rule` for a name added
    /// twice (a configuration rule named [`API_KEY_RULE`] next to an
    /// `api_key` method, for one), and `ratelimit.invalid_rule` for a rule of
    /// zero requests, zero burst or an emission interval under 1 ns.
    pub fn build(self) -> Result<RateLimiter, RateLimitError> {
        for (i, named) in self.rules.iter().enumerate() {
            if self.rules[..i].iter().any(|r| r.name == named.name) {
                return Err(RateLimitError::DuplicateRule {
                    name: named.name.clone(),
                });
            }
            if let Some(reason) = named.rule.as_ref().and_then(Rule::problem) {
                return Err(RateLimitError::InvalidRule {
                    name: named.name.clone(),
                    reason,
                });
            }
        }
        let mut v4 = Vec::new();
        let mut v6 = Vec::new();
        for network in &self.exempt_networks {
            match network {
                IpNet::V4(n) => v4.push((u32::from(n.network()), u32::from(n.netmask()))),
                IpNet::V6(n) => v6.push((u128::from(n.network()), u128::from(n.netmask()))),
            }
        }
        let exemptions = Exemptions {
            v4: v4.into(),
            v6: v6.into(),
            user_agents: self.exempt_user_agents.into(),
        };
        Ok(RateLimiter {
            rules: self.rules.into(),
            exemptions: Arc::new(exemptions),
            store: self
                .store
                .unwrap_or_else(|| Store::Memory(Arc::new(MemoryStore::new()))),
            clock: self.clock,
            failure_mode: self.failure_mode,
        })
    }

    fn named(mut self, name: String, rule: Option<Rule>) -> Self {
        self.rules.push(NamedRule { name, rule });
        self
    }
}

/// The decision for a store's verdict at `now`.
fn decide(rule: &Rule, verdict: Verdict, now: u64) -> RateDecision {
    let limit = rule.burst();
    match verdict {
        Verdict::Allowed { tat } => RateDecision::Allowed {
            limit,
            remaining: rule.remaining(tat, now),
            reset: Duration::from_nanos(tat.saturating_sub(now)),
        },
        Verdict::Limited { allowed_at } => RateDecision::Limited {
            limit,
            retry_after: Duration::from_nanos(allowed_at.saturating_sub(now)),
        },
        Verdict::Blocked { until } => RateDecision::Blocked {
            limit,
            until: system_time(until),
            retry_after: Duration::from_nanos(until.saturating_sub(now)),
        },
    }
}
