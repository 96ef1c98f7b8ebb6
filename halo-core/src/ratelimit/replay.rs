//! The webhook replay guard on Redis, so that every replica of a receiver
//! refuses a delivery that any of them has already accepted.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::RedisStore;
use crate::webhook::{Claim, ReplayGuard, WebhookError};

/// A [`ReplayGuard`] that claims delivery ids in Redis with one atomic
/// `SET NX PX` ([`RedisStore::claim_once`]).
///
/// The claim lives until the delivery's expiry, measured on this process's
/// clock and then run down on Redis's clock, so replicas whose clocks differ
/// by a few seconds still agree. When Redis cannot be reached the claim
/// fails with `webhook.replay_guard_unavailable` and the verifier refuses
/// the delivery: a sender retries, and nothing is accepted twice.
#[derive(Debug, Clone)]
pub struct RedisReplayGuard {
    store: Arc<RedisStore>,
}

impl RedisReplayGuard {
    /// A guard over `store` (which may also serve a rate limiter).
    pub fn new(store: Arc<RedisStore>) -> Self {
        Self { store }
    }
}

impl ReplayGuard for RedisReplayGuard {
    fn claim(
        &self,
        key: &str,
        expires_at: SystemTime,
        now: SystemTime,
    ) -> Result<Claim, WebhookError> {
        // The expiry is inclusive, hence one more millisecond.
        let ttl = expires_at.duration_since(now).unwrap_or(Duration::ZERO);
        match self.store.claim_once(key, ttl + Duration::from_millis(1)) {
            Ok(true) => Ok(Claim::Claimed),
            Ok(false) => Ok(Claim::Replayed),
            Err(err) => Err(unavailable(err)),
        }
    }

    fn release(&self, key: &str) -> Result<(), WebhookError> {
        self.store.release(key).map_err(unavailable)
    }
}

fn unavailable(err: super::RateLimitError) -> WebhookError {
    WebhookError::ReplayGuardUnavailable {
        reason: "the Redis store did not answer".to_owned(),
        source: Some(Box::new(err)),
    }
}
