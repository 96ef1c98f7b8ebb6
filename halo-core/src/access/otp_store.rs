//! Where TOTP verification keeps its state: the last time step used per
//! account (to refuse replays) and the count of recent failures (to
//! throttle guessing).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};

use super::AccessError;

/// Recent failed attempts of one account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    /// Consecutive failures since the last success.
    pub count: u32,
    /// When the last failure happened, in seconds since the Unix epoch.
    pub last_at: u64,
}

/// Storage for TOTP replay and throttling state, keyed by an account id
/// chosen by the application. Implementations must make
/// [`mark_step_used`](OtpStore::mark_step_used) atomic per account when
/// several processes share the store.
pub trait OtpStore: Send + Sync {
    /// The account's recent failures.
    fn failures(&self, account: &str) -> Result<Failures, AccessError>;
    /// Counts one more failure at `at` (Unix seconds).
    fn record_failure(&self, account: &str, at: u64) -> Result<(), AccessError>;
    /// Forgets the account's failures.
    fn clear_failures(&self, account: &str) -> Result<(), AccessError>;
    /// Records `step` as used and returns `true`, unless a step at or after
    /// it was already used, in which case nothing changes and it returns
    /// `false`.
    fn mark_step_used(&self, account: &str, step: u64) -> Result<bool, AccessError>;
}

/// An [`OtpStore`] in process memory. State is lost on restart, which
/// re-opens the replay window of the codes of the last minute or so.
#[derive(Default)]
pub struct MemoryOtpStore {
    accounts: Mutex<HashMap<String, AccountState>>,
}

#[derive(Debug, Clone, Copy, Default)]
struct AccountState {
    failures: Failures,
    last_step: Option<u64>,
}

impl MemoryOtpStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn with<T>(&self, account: &str, f: impl FnOnce(&mut AccountState) -> T) -> T {
        let mut accounts = self.accounts.lock().unwrap_or_else(PoisonError::into_inner);
        f(accounts.entry(account.to_owned()).or_default())
    }
}

impl OtpStore for MemoryOtpStore {
    fn failures(&self, account: &str) -> Result<Failures, AccessError> {
        Ok(self.with(account, |s| s.failures))
    }

    fn record_failure(&self, account: &str, at: u64) -> Result<(), AccessError> {
        self.with(account, |s| {
            s.failures.count = s.failures.count.saturating_add(1);
            s.failures.last_at = at;
        });
        Ok(())
    }

    fn clear_failures(&self, account: &str) -> Result<(), AccessError> {
        self.with(account, |s| s.failures = Failures::default());
        Ok(())
    }

    fn mark_step_used(&self, account: &str, step: u64) -> Result<bool, AccessError> {
        Ok(self.with(account, |s| {
            if s.last_step.is_some_and(|last| step <= last) {
                return false;
            }
            s.last_step = Some(step);
            true
        }))
    }
}

impl fmt::Debug for MemoryOtpStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let accounts = self.accounts.lock().map_or(0, |a| a.len());
        f.debug_struct("MemoryOtpStore")
            .field("accounts", &accounts)
            .finish()
    }
}
