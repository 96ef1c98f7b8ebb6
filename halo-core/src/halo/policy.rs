//! Pacing and retry settings: the client-side rate limit and the retry policy.

use std::time::Duration;

/// A client-side request budget: at most `requests` in any rolling `per`.
///
/// The default is Halo's fair-use policy, 500 requests per 180 seconds.
/// Other figures have been reported (300 per 5 minutes, 700 per 5 minutes):
/// set the one your tenant enforces. The pacer adds 1% to the window, so
/// latency differences between requests cannot push Halo's count over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed in one window. Default 500.
    pub requests: u32,
    /// The rolling window. Default 180 seconds.
    pub per: Duration,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            requests: 500,
            per: Duration::from_secs(180),
        }
    }
}

/// How failed requests are retried.
///
/// Rate-limited requests (429) are always safe to retry. Transport errors,
/// timeouts and 5xx replies are retried only for reads, deletes and updates
/// that carry an id; a create that may have been applied is never retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included. Default 5; 1 disables retries.
    pub max_attempts: u32,
    /// The first backoff delay, doubled on each retry. Default 2 seconds.
    pub base_delay: Duration,
    /// The longest backoff delay. Default 60 seconds.
    pub max_delay: Duration,
    /// The longest `Retry-After` honoured; longer ones are cut to this.
    /// Default 300 seconds.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(300),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The delay before retry number `retry` (1 for the first retry): the
    /// capped exponential delay with "equal jitter", so between half of it
    /// and all of it. `unit` is a random number in `[0, 1)`.
    pub fn backoff(&self, retry: u32, unit: f64) -> Duration {
        let doublings = retry.saturating_sub(1).min(30);
        let full = self
            .base_delay
            .saturating_mul(1 << doublings)
            .min(self.max_delay);
        let half = full / 2;
        half + half.mul_f64(unit.clamp(0.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.backoff(1, 1.0), Duration::from_secs(2));
        assert_eq!(policy.backoff(2, 1.0), Duration::from_secs(4));
        assert_eq!(policy.backoff(3, 0.0), Duration::from_secs(4));
        assert_eq!(policy.backoff(10, 1.0), Duration::from_secs(60));
        assert_eq!(policy.backoff(40, 0.0), Duration::from_secs(30));
    }
}
