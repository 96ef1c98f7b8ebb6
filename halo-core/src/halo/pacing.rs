//! The client-side pacer: a rolling-window log of sent requests, so a run
//! that stays within the budget never meets Halo's 429.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::policy::RateLimit;

/// Holds callers back so no more than the budget leaves in any window.
#[derive(Debug)]
pub(crate) struct Pacer {
    limit: Option<RateLimit>,
    state: Mutex<PacerState>,
}

#[derive(Debug, Default)]
struct PacerState {
    sent: VecDeque<Instant>,
    paused_until: Option<Instant>,
}

impl Pacer {
    pub(crate) fn new(limit: Option<RateLimit>) -> Self {
        Self {
            limit,
            state: Mutex::new(PacerState::default()),
        }
    }

    /// Waits until one more request fits the budget, and books it.
    pub(crate) async fn acquire(&self) {
        loop {
            let wait = self.try_book(Instant::now());
            match wait {
                None => return,
                Some(until) => tokio::time::sleep_until(until).await,
            }
        }
    }

    /// Holds every caller until `until` (after a 429 from Halo).
    pub(crate) fn pause_until(&self, until: Instant) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if state.paused_until.is_none_or(|current| current < until) {
            state.paused_until = Some(until);
        }
    }

    /// Books a slot at `now`, or says when to try again.
    fn try_book(&self, now: Instant) -> Option<Instant> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(until) = state.paused_until.filter(|until| *until > now) {
            return Some(until);
        }
        let limit = self.limit?;
        // One percent of slack absorbs differences in network latency between
        // the first and the last request of a window, as Halo counts arrivals.
        let window = limit.per.max(Duration::from_millis(1)) + limit.per / 100;
        while state
            .sent
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= window)
        {
            state.sent.pop_front();
        }
        if state.sent.len() < limit.requests.max(1) as usize {
            state.sent.push_back(now);
            return None;
        }
        state.sent.front().map(|oldest| *oldest + window)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn books_up_to_the_budget_then_waits_for_the_oldest() {
        let pacer = Pacer::new(Some(RateLimit {
            requests: 2,
            per: Duration::from_secs(10),
        }));
        let start = Instant::now();
        assert_eq!(pacer.try_book(start), None);
        assert_eq!(pacer.try_book(start + Duration::from_secs(1)), None);
        let wait = pacer.try_book(start + Duration::from_secs(2));
        assert_eq!(wait, Some(start + Duration::from_millis(10_100)));
        assert!(pacer.try_book(start + Duration::from_secs(10)).is_some());
        assert_eq!(pacer.try_book(start + Duration::from_millis(10_100)), None);
    }

    #[test]
    fn a_pause_holds_everyone() {
        let pacer = Pacer::new(None);
        let start = Instant::now();
        pacer.pause_until(start + Duration::from_secs(3));
        assert_eq!(pacer.try_book(start), Some(start + Duration::from_secs(3)));
        assert_eq!(pacer.try_book(start + Duration::from_secs(3)), None);
    }
}
