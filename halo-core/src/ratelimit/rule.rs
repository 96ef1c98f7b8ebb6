//! A rule and the GCRA arithmetic that enforces it on one key.

use std::fmt;
use std::time::Duration;

use strength_reduce::StrengthReducedU64;

use super::clock::saturating_nanos;
use crate::config::RateRule;

/// A rate limit: a sustained rate, a burst and an optional block.
///
/// `burst` is the number of requests a key that has been idle long enough
/// may make at the same instant; after that, one request per emission
/// interval. A key recovers one request of burst per emission interval, and
/// is idle (as if never seen) once `burst` intervals have passed without a
/// request. A rule built from `requests` per period with burst `b` allows at
/// most `b + requests - 1` requests in any window of one period.
///
/// ```
/// use std::time::Duration;
/// use halo_core::ratelimit::Rule;
///
/// let api = Rule::per_minute(100).with_burst(20).with_block(Duration::from_secs(900));
/// assert_eq!(api.emission_interval(), Duration::from_millis(600));
/// assert_eq!(api.burst(), 20);
/// ```
#[derive(Clone, Copy)]
pub struct Rule {
    interval: u64,
    burst: u32,
    block: u64,
    /// `interval` (at least 1) as a multiplication: a check divides by it to
    /// count the requests left, and a hardware division costs as much as
    /// the rest of the arithmetic together.
    per_interval: StrengthReducedU64,
}

/// The state one store keeps for one key under one rule, in nanoseconds
/// since the UNIX epoch.
///
/// A state whose [`expires_at`](Self::expires_at) is not after now means the
/// same as no state at all, so stores may forget it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyState {
    /// The theoretical arrival time: when the key's burst is whole again.
    pub tat: u64,
    /// Until when the key is blocked; 0 when it is not.
    pub blocked_until: u64,
}

/// The outcome of one request under a rule, in nanoseconds since the UNIX
/// epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// Allowed; the key's new theoretical arrival time.
    Allowed {
        /// When the key's burst is whole again.
        tat: u64,
    },
    /// Refused; the earliest time the next request is allowed.
    Limited {
        /// When a request is allowed again.
        allowed_at: u64,
    },
    /// Refused because the key is blocked (possibly by this very request).
    Blocked {
        /// When the block ends.
        until: u64,
    },
}

impl Rule {
    /// `requests` per second, burst 1, no block.
    pub fn per_second(requests: u32) -> Self {
        Self::per(requests, Duration::from_secs(1))
    }

    /// `requests` per minute, burst 1, no block.
    pub fn per_minute(requests: u32) -> Self {
        Self::per(requests, Duration::from_secs(60))
    }

    /// `requests` per hour, burst 1, no block.
    pub fn per_hour(requests: u32) -> Self {
        Self::per(requests, Duration::from_secs(3600))
    }

    /// `requests` per `period`, burst 1, no block. The emission interval is
    /// `period / requests` rounded down to whole nanoseconds; a rule of 0
    /// requests or an interval below 1 ns is refused when the limiter is
    /// built.
    pub fn per(requests: u32, period: Duration) -> Self {
        let interval = match requests {
            0 => 0,
            n => saturating_nanos(period / n),
        };
        Self {
            interval,
            burst: 1,
            block: 0,
            per_interval: StrengthReducedU64::new(interval.max(1)),
        }
    }

    /// The rule of a configuration entry.
    pub fn from_config(rule: &RateRule) -> Self {
        let limited = Self::per(rule.requests, rule.per.duration()).with_burst(rule.burst_limit);
        match rule.block_duration {
            Some(block) => limited.with_block(block),
            None => limited,
        }
    }

    /// The same rule with burst `burst` (see the type's docs). A burst of 0
    /// is refused when the limiter is built.
    #[must_use]
    pub fn with_burst(self, burst: u32) -> Self {
        Self { burst, ..self }
    }

    /// The same rule where a refused key is blocked for `block`: every
    /// request in that time is refused, and counts for nothing.
    #[must_use]
    pub fn with_block(self, block: Duration) -> Self {
        Self {
            block: saturating_nanos(block),
            ..self
        }
    }

    /// The time between two requests at the sustained rate.
    pub fn emission_interval(&self) -> Duration {
        Duration::from_nanos(self.interval)
    }

    /// Requests allowed at once from an idle key.
    pub fn burst(&self) -> u32 {
        self.burst
    }

    /// How long a refused key is blocked; `None` when refusals do not block.
    pub fn block(&self) -> Option<Duration> {
        (self.block > 0).then(|| Duration::from_nanos(self.block))
    }

    /// Why the rule cannot be enforced, if it cannot.
    pub(crate) fn problem(&self) -> Option<&'static str> {
        if self.interval == 0 {
            Some(
                "the sustained rate must be at least one request per period and its emission interval at least 1 ns",
            )
        } else if self.burst == 0 {
            Some("the burst must be at least 1")
        } else {
            None
        }
    }

    /// How far ahead of now the theoretical arrival time may be after an
    /// allowed request: the whole burst.
    pub(crate) fn window(&self) -> u64 {
        self.interval.saturating_mul(u64::from(self.burst))
    }

    /// Applies one request at `now` to `state` (GCRA, then the block).
    pub fn apply(&self, state: &mut KeyState, now: u64) -> Verdict {
        if state.blocked_until > now {
            return Verdict::Blocked {
                until: state.blocked_until,
            };
        }
        let tat = state.tat.max(now);
        let next = tat.saturating_add(self.interval);
        if next - now <= self.window() {
            state.tat = next;
            return Verdict::Allowed { tat: next };
        }
        if self.block > 0 {
            state.blocked_until = now.saturating_add(self.block);
            return Verdict::Blocked {
                until: state.blocked_until,
            };
        }
        Verdict::Limited {
            allowed_at: next - self.window(),
        }
    }

    /// Requests still allowed at `now` by a key whose theoretical arrival
    /// time is `tat`.
    pub(crate) fn remaining(&self, tat: u64, now: u64) -> u32 {
        let headroom = now.saturating_add(self.window()).saturating_sub(tat);
        u32::try_from(headroom / self.per_interval).unwrap_or(u32::MAX)
    }
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        (self.interval, self.burst, self.block) == (other.interval, other.burst, other.block)
    }
}

impl Eq for Rule {}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule")
            .field("interval", &self.interval)
            .field("burst", &self.burst)
            .field("block", &self.block)
            .finish()
    }
}

impl KeyState {
    /// When the state stops mattering: the later of the theoretical arrival
    /// time and the end of the block.
    pub fn expires_at(&self) -> u64 {
        self.tat.max(self.blocked_until)
    }
}
