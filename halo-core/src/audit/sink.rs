//! Where recorded events go: the sink trait, and an in-memory sink.

use std::sync::Mutex;

use jiff::Timestamp;

use super::{AuditError, AuditEvent};

/// Somewhere audit events are written.
///
/// [`FileSink`](super::FileSink) keeps the tamper-evident chain;
/// `HttpSink` (feature `siem-http`) ships events to a SIEM;
/// [`MemorySink`] keeps them in memory for tests. Implementations must be
/// safe to call from many threads at once.
pub trait AuditSink: Send + Sync {
    /// Writes one event (already filtered and masked) and returns its
    /// sequence number.
    fn append(&self, event: &AuditEvent) -> Result<u64, AuditError>;

    /// Makes everything appended so far durable or delivered. Default:
    /// nothing to do.
    fn flush(&self) -> Result<(), AuditError> {
        Ok(())
    }

    /// Removes what is older than `cutoff`, where the sink keeps history.
    /// Default: nothing is kept, nothing is removed.
    fn prune(&self, cutoff: Timestamp) -> Result<Pruned, AuditError> {
        let _ = cutoff;
        Ok(Pruned::default())
    }
}

/// What a prune removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Pruned {
    /// Segment files removed.
    pub segments: usize,
    /// The last sequence number removed, when any entry was.
    pub through_seq: Option<u64>,
}

/// Keeps events in memory, numbered from 1. For tests and examples.
#[derive(Debug, Default)]
pub struct MemorySink {
    events: Mutex<Vec<AuditEvent>>,
}

impl MemorySink {
    /// An empty sink.
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of every event appended, in order.
    pub fn events(&self) -> Vec<AuditEvent> {
        self.events.lock().map(|e| e.clone()).unwrap_or_default()
    }
}

impl AuditSink for MemorySink {
    fn append(&self, event: &AuditEvent) -> Result<u64, AuditError> {
        let mut events = self.events.lock().map_err(|_| AuditError::SinkFailed)?;
        events.push(event.clone());
        Ok(events.len() as u64)
    }
}

impl<S: AuditSink + ?Sized> AuditSink for std::sync::Arc<S> {
    fn append(&self, event: &AuditEvent) -> Result<u64, AuditError> {
        (**self).append(event)
    }

    fn flush(&self) -> Result<(), AuditError> {
        (**self).flush()
    }

    fn prune(&self, cutoff: Timestamp) -> Result<Pruned, AuditError> {
        (**self).prune(cutoff)
    }
}
