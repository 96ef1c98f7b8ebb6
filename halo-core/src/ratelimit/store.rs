//! Where key state lives.

use std::fmt;

use super::RateLimitError;
use super::rule::{Rule, Verdict};

/// A place that keeps the state of every (rule, key) pair and applies one
/// request to it atomically.
///
/// Implementations apply [`Rule::apply`] (or the same arithmetic) to the
/// stored [`KeyState`](super::KeyState) of `(rule_name, key)`, as one atomic
/// step with respect to every other caller sharing the store, and may
/// forget a state once its [`expires_at`](super::KeyState::expires_at) has
/// passed.
pub trait RateStore: Send + Sync + fmt::Debug {
    /// Applies one request of `key` under the rule named `rule_name` at
    /// `now` (nanoseconds since the UNIX epoch).
    fn acquire(
        &self,
        rule_name: &str,
        rule: &Rule,
        key: &str,
        now: u64,
    ) -> Result<Verdict, RateLimitError>;
}
