//! Refusing a delivery that was already accepted.
//!
//! After a delivery is authenticated, its id is claimed in a
//! [`ReplayGuard`]: the Standard Webhooks `webhook-id`, or for the other
//! signature schemes an id derived from the verified signature. A claim
//! lasts until the delivery's timestamp (or, without one, the time of
//! verification) plus the provider's tolerance; after that the timestamp
//! check refuses the delivery anyway, so the guard can forget it.
//!
//! Deliveries authenticated by an API key or HTTP Basic carry nothing that
//! binds them to their body, so they have no id and are not guarded.
//! Deliveries signed without a timestamp (the generic scheme without a
//! timestamp header, GitHub) are guarded only for the tolerance after they
//! are first seen; an identical body sent again within that time is
//! refused as a replay.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use super::WebhookError;

/// The number of ids a [`MemoryReplayGuard`] holds by default (100 000).
pub const DEFAULT_REPLAY_CAPACITY: usize = 100_000;

/// Records delivery ids so that each is accepted once.
///
/// Implementations must make `claim` atomic: of two concurrent claims of
/// the same key, exactly one returns [`Claim::Claimed`]. Keys are
/// `{length of provider name}:{provider name}:{id}` for named providers and
/// `:{id}` for the default one, so providers never collide.
///
/// A guard that cannot answer returns
/// [`WebhookError::ReplayGuardUnavailable`], and the delivery is refused.
pub trait ReplayGuard: Send + Sync + fmt::Debug {
    /// Records `key` until `expires_at` (inclusive), unless it is already
    /// recorded and has not expired at `now`.
    fn claim(
        &self,
        key: &str,
        expires_at: SystemTime,
        now: SystemTime,
    ) -> Result<Claim, WebhookError>;

    /// Forgets `key`, so that a retry of a delivery the caller failed to
    /// process is accepted.
    fn release(&self, key: &str) -> Result<(), WebhookError>;
}

/// The outcome of [`ReplayGuard::claim`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Claim {
    /// The key was not held and now is.
    Claimed,
    /// The key is already held: the delivery is a replay.
    Replayed,
}

/// A replay guard in process memory, bounded in size.
///
/// An id is held until its expiry, inclusive; expired ids are dropped on
/// every claim. When `capacity` unexpired ids
/// are held, further claims fail with `webhook.replay_guard_unavailable`
/// rather than forget an id early: only authenticated deliveries are
/// claimed, so only the real sender can fill it. It is not shared between
/// processes; use a shared store when several instances receive the same
/// webhooks.
pub struct MemoryReplayGuard {
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    expiry: HashMap<String, SystemTime>,
    by_expiry: BTreeSet<(SystemTime, String)>,
}

impl MemoryReplayGuard {
    /// A guard holding at most `capacity` ids.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            state: Mutex::new(State::default()),
        }
    }

    /// The number of ids currently held, expired or not.
    pub fn len(&self) -> usize {
        self.lock().expiry.len()
    }

    /// Whether no id is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is consistent after every statement, so a panic in
        // another thread leaves nothing half-done to distrust.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl ReplayGuard for MemoryReplayGuard {
    fn claim(
        &self,
        key: &str,
        expires_at: SystemTime,
        now: SystemTime,
    ) -> Result<Claim, WebhookError> {
        let mut state = self.lock();
        state.forget_expired(now);
        if state.expiry.contains_key(key) {
            return Ok(Claim::Replayed);
        }
        if state.expiry.len() >= self.capacity {
            let reason = "the in-memory guard is full".to_owned();
            return Err(WebhookError::ReplayGuardUnavailable {
                reason,
                source: None,
            });
        }
        state.expiry.insert(key.to_owned(), expires_at);
        state.by_expiry.insert((expires_at, key.to_owned()));
        Ok(Claim::Claimed)
    }

    fn release(&self, key: &str) -> Result<(), WebhookError> {
        let mut state = self.lock();
        if let Some(expires_at) = state.expiry.remove(key) {
            state.by_expiry.remove(&(expires_at, key.to_owned()));
        }
        Ok(())
    }
}

impl State {
    fn forget_expired(&mut self, now: SystemTime) {
        while let Some((expires_at, _)) = self.by_expiry.first() {
            if *expires_at >= now {
                break;
            }
            if let Some((_, key)) = self.by_expiry.pop_first() {
                self.expiry.remove(&key);
            }
        }
    }
}

impl Default for MemoryReplayGuard {
    fn default() -> Self {
        Self::new(DEFAULT_REPLAY_CAPACITY)
    }
}

impl fmt::Debug for MemoryReplayGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryReplayGuard")
            .field("capacity", &self.capacity)
            .field("held", &self.len())
            .finish()
    }
}
