//! Where a limiter reads the time.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of the current time, in nanoseconds since the UNIX epoch.
///
/// Wall-clock time is used (not a monotonic clock) because a Redis store
/// shares key state between processes and hosts: their clocks must agree
/// (NTP), and a skew of `d` between two replicas shifts the limit by `d`.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Nanoseconds since the UNIX epoch; 0 for a clock set before 1970.
    fn now_nanos(&self) -> u64;
}

/// The system's wall clock, read cheaply.
///
/// The process reads the wall clock at most every 100 ms and adds the time
/// elapsed since on the processor's cycle counter (through `quanta`, which
/// falls back to the operating system's monotonic clock where the counter
/// is unreliable). A step of the wall clock (an NTP correction) is thus
/// seen within 100 ms, and the counter's drift over 100 ms is negligible.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

/// A clock that moves only when told to, for tests and simulations.
///
/// Clones share one time, so a test keeps a clone and hands another to the
/// limiter.
#[derive(Debug, Clone, Default)]
pub struct ManualClock {
    nanos: Arc<AtomicU64>,
}

impl ManualClock {
    /// A clock at `since_epoch` after the UNIX epoch.
    pub fn new(since_epoch: Duration) -> Self {
        let clock = Self::default();
        clock.set(since_epoch);
        clock
    }

    /// Sets the time to `since_epoch` after the UNIX epoch (saturating at
    /// about the year 2554).
    pub fn set(&self, since_epoch: Duration) {
        self.nanos
            .store(saturating_nanos(since_epoch), Ordering::SeqCst);
    }

    /// Moves the time forward by `by`.
    pub fn advance(&self, by: Duration) {
        let by = saturating_nanos(by);
        let _ = self
            .nanos
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                Some(n.saturating_add(by))
            });
    }

    /// The current time, since the UNIX epoch.
    pub fn elapsed(&self) -> Duration {
        Duration::from_nanos(self.nanos.load(Ordering::SeqCst))
    }
}

/// How long a thread's wall-clock reading is extended on the cycle counter,
/// in nanoseconds (100 ms).
const REANCHOR_AFTER: u64 = 100_000_000;

/// The cycle counter, calibrated once per process.
static COUNTER: OnceLock<quanta::Clock> = OnceLock::new();
/// The wall clock minus the counter, in nanoseconds, at the last reading of
/// the wall clock. One number, so a reader never sees half an update.
static OFFSET: AtomicU64 = AtomicU64::new(0);
/// The counter, in nanoseconds, at the last reading of the wall clock; 0
/// before the first. Stored after [`OFFSET`] with release ordering, so a
/// thread that sees it sees that offset (or a later one).
static ANCHORED_AT: AtomicU64 = AtomicU64::new(0);

impl Clock for SystemClock {
    #[inline]
    fn now_nanos(&self) -> u64 {
        let counter = COUNTER.get_or_init(quanta::Clock::new);
        let ticks = counter.delta_as_nanos(0, counter.raw());
        let anchored = ANCHORED_AT.load(Ordering::Acquire);
        if anchored != 0 && ticks.wrapping_sub(anchored) < REANCHOR_AFTER {
            return ticks.wrapping_add(OFFSET.load(Ordering::Relaxed));
        }
        let wall = wall_clock_nanos();
        OFFSET.store(wall.wrapping_sub(ticks), Ordering::Relaxed);
        ANCHORED_AT.store(ticks.max(1), Ordering::Release);
        wall
    }
}

fn wall_clock_nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, saturating_nanos)
}

impl Clock for ManualClock {
    fn now_nanos(&self) -> u64 {
        self.nanos.load(Ordering::SeqCst)
    }
}

/// `d` in whole nanoseconds, saturating at `u64::MAX`.
pub(crate) fn saturating_nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// The instant `nanos` after the UNIX epoch.
pub(crate) fn system_time(nanos: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_nanos(nanos)
}
