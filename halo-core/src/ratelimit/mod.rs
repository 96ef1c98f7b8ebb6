//! Request rate limits: GCRA per (rule, key) with bursts, blocks and
//! allow-lists, kept in memory or on Redis.
//!
//! A [`RateLimiter`] holds named [`Rule`]s (from `security.rate_limiting`
//! and the per-key limits of `api_key` authentication, or built in code), a
//! [`RateStore`] and a [`Clock`]. [`RateLimiter::check`] answers one request
//! with a [`RateDecision`], whose [`headers`](RateDecision::headers) are
//! ready for the response.
//!
//! # What the numbers mean
//!
//! Each rule is a generic cell rate algorithm (GCRA, the "virtual
//! scheduling" form of ITU-T I.371): with emission interval `T` (the period
//! divided by the requests per period) and burst `b`, a key that has been
//! idle for `b × T` may make `b` requests at the same instant; the next one
//! is refused until `T` has passed, and so on at the sustained rate.
//! `burst_limit` is therefore the number of requests allowed at once from an
//! idle key, never "extra" requests on top of the rate: 100 per minute with
//! burst 20 lets an idle key send 20 requests at once, then one every
//! 600 ms. A refused request is not counted.
//!
//! When a rule has a block duration, the refusal that a key would have got
//! blocks it instead: every request for that long is refused as
//! [`RateDecision::Blocked`] with the time left, and is not counted.
//!
//! # Exemptions
//!
//! A request from a network of the whitelist, or whose user agent equals an
//! entry of the whitelist exactly (case-sensitive, whole value, no pattern),
//! is [`RateDecision::Exempt`] and not counted. A user agent is chosen by
//! the caller, so such an entry exempts anyone who copies it; prefer
//! networks. The client's address behind proxies comes from [`client_ip`].
//!
//! # Stores and failures
//!
//! [`MemoryStore`] is the default: fast, bounded, per process.
//! `RedisStore` (feature `redis`) shares limits between processes with one
//! atomic script per check. When a store fails, the limiter's
//! [`FailureMode`] decides: [`Closed`](FailureMode::Closed) (the default)
//! returns the store's coded error, [`Open`](FailureMode::Open) allows the
//! request as [`RateDecision::Unchecked`] carrying that error's code.
//!
//! Time comes from an injectable [`Clock`] (wall clock by default,
//! [`ManualClock`] for tests). Keys are at most [`MAX_KEY_BYTES`] bytes;
//! hash longer identifiers first.
//!
//! ```
//! use std::net::IpAddr;
//! use std::time::Duration;
//! use halo_core::ratelimit::{ClientInfo, ManualClock, RateDecision, RateLimiter, Rule};
//!
//! let clock = ManualClock::new(Duration::from_secs(1_700_000_000));
//! let limiter = RateLimiter::builder()
//!     .rule("auth", Rule::per_minute(10).with_burst(5))
//!     .clock(clock.clone())
//!     .build()?;
//! let client = ClientInfo::new("203.0.113.9".parse::<IpAddr>()?);
//!
//! for _ in 0..5 {
//!     assert!(limiter.check("auth", "203.0.113.9", &client)?.is_allowed());
//! }
//! let refused = limiter.check("auth", "203.0.113.9", &client)?;
//! assert_eq!(refused.retry_after(), Some(Duration::from_secs(6)));
//!
//! clock.advance(Duration::from_secs(6));
//! assert!(limiter.check("auth", "203.0.113.9", &client)?.is_allowed());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod client;
mod clock;
mod decision;
mod error;
mod limiter;
mod memory;
#[cfg(feature = "redis")]
mod redis;
#[cfg(feature = "redis")]
mod replay;
mod rule;
mod store;
#[cfg(test)]
mod tests;

pub use client::{ClientInfo, ProxyHeader, TrustedProxies, client_ip};
pub use clock::{Clock, ManualClock, SystemClock};
pub use decision::RateDecision;
pub use error::RateLimitError;
pub use limiter::{API_KEY_RULE, FailureMode, MAX_KEY_BYTES, RateLimiter, RateLimiterBuilder};
pub use memory::{DEFAULT_MAX_KEYS, MemoryStore};
#[cfg(feature = "redis")]
pub use redis::{
    DEFAULT_COMMAND_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_CONNECTIONS, DEFAULT_KEY_PREFIX,
    DEFAULT_RECONNECT_BACKOFF, RedisStore, RedisStoreBuilder,
};
#[cfg(feature = "redis")]
pub use replay::RedisReplayGuard;
pub use rule::{KeyState, Rule, Verdict};
pub use store::RateStore;
