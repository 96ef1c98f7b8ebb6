//! Shipping audit events to a SIEM: JSON batches over HTTP with retries and
//! a bounded buffer.

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::{AuditError, AuditEvent, AuditSink};

/// The default buffer size, in events (10 000).
pub const DEFAULT_CAPACITY: usize = 10_000;
/// The default largest batch, in events (100).
pub const DEFAULT_BATCH_SIZE: usize = 100;
/// The default number of attempts per batch (5).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

/// Ships audit events to a SIEM endpoint in JSON batches.
///
/// [`HttpSink::append`] only queues the event; a worker thread POSTs
/// batches of up to `batch_size` events as one JSON array
/// (`content-type: application/json`) and retries failed batches with
/// exponential backoff. When the buffer is full, an event is dropped (and
/// counted) instead of blocking: `append` waits at most `enqueue_wait`
/// (default: not at all) and then fails with `audit.buffer_full`.
///
/// Delivery is at least once: a batch whose response was lost is sent again,
/// so receivers should de-duplicate on `seq` (`event.sequence` in ECS).
/// Sequence numbers count from 1 per sink instance and are assigned before
/// queueing, so a gap at the receiver shows dropped or failed events. A
/// restarted process starts again at 1. Retried are connection failures,
/// timeouts and statuses 408, 429 and 5xx; other statuses fail the batch at
/// once. Events in the buffer when the process exits without
/// [`HttpSink::shutdown`] are lost.
pub struct HttpSink {
    shared: Arc<Shared>,
    format: HttpFormat,
    flush_timeout: Duration,
    enqueue_wait: Duration,
    next_seq: AtomicU64,
    worker: Mutex<Option<JoinHandle<()>>>,
}

/// Configures an [`HttpSink`].
#[must_use]
pub struct HttpSinkBuilder {
    url: url::Url,
    authorization: Option<SecretString>,
    format: HttpFormat,
    capacity: usize,
    batch_size: usize,
    max_attempts: u32,
    backoff: Duration,
    max_backoff: Duration,
    timeout: Duration,
    flush_timeout: Duration,
    enqueue_wait: Duration,
}

/// The shape of each shipped event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpFormat {
    /// The module's event schema with `seq` added (the default).
    Native,
    /// Elastic Common Schema documents ([`AuditEvent::to_ecs`]).
    Ecs,
}

/// Counters of an [`HttpSink`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpStats {
    /// Events delivered (a 2xx answer to their batch).
    pub sent: u64,
    /// Events dropped because the buffer was full.
    pub dropped: u64,
    /// Events given up after the last attempt or a non-retryable status.
    pub failed: u64,
    /// Batch attempts that were retried.
    pub retries: u64,
    /// Events queued or being sent now.
    pub pending: usize,
}

struct Shared {
    queue: Mutex<Queue>,
    /// Wakes the worker: events queued, or shutdown.
    work: Condvar,
    /// Wakes producers and flushers: space freed, batch finished.
    idle: Condvar,
    capacity: usize,
    sent: AtomicU64,
    dropped: AtomicU64,
    failed: AtomicU64,
    retries: AtomicU64,
}

#[derive(Default)]
struct Queue {
    items: VecDeque<Value>,
    in_flight: usize,
    shutdown: bool,
}

struct Worker {
    shared: Arc<Shared>,
    agent: ureq::Agent,
    url: url::Url,
    authorization: Option<SecretString>,
    batch_size: usize,
    max_attempts: u32,
    backoff: Duration,
    max_backoff: Duration,
}

enum Attempt {
    Delivered,
    Retry,
    GiveUp,
}

impl HttpSink {
    /// A builder for the endpoint `url`.
    pub fn builder(url: url::Url) -> HttpSinkBuilder {
        HttpSinkBuilder {
            url,
            authorization: None,
            format: HttpFormat::Native,
            capacity: DEFAULT_CAPACITY,
            batch_size: DEFAULT_BATCH_SIZE,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            timeout: Duration::from_secs(10),
            flush_timeout: Duration::from_secs(30),
            enqueue_wait: Duration::ZERO,
        }
    }

    /// The counters so far.
    pub fn stats(&self) -> HttpStats {
        let s = &self.shared;
        let pending = s.lock().map_or(0, |q| q.items.len() + q.in_flight);
        HttpStats {
            sent: s.sent.load(Ordering::Relaxed),
            dropped: s.dropped.load(Ordering::Relaxed),
            failed: s.failed.load(Ordering::Relaxed),
            retries: s.retries.load(Ordering::Relaxed),
            pending,
        }
    }

    /// Waits until every queued event has been delivered or given up, for
    /// at most `timeout` (`audit.flush_timeout` then).
    pub fn flush_within(&self, timeout: Duration) -> Result<(), AuditError> {
        let deadline = Instant::now() + timeout;
        let mut queue = self.shared.lock()?;
        while !queue.items.is_empty() || queue.in_flight > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                let pending = queue.items.len() + queue.in_flight;
                return Err(AuditError::FlushTimeout { pending });
            }
            queue = self
                .shared
                .idle
                .wait_timeout(queue, left)
                .map_err(|_| AuditError::SinkFailed)?
                .0;
        }
        Ok(())
    }

    /// Flushes for at most `timeout`, then stops the worker. Later appends
    /// fail with `audit.shut_down`. Events still queued after the timeout
    /// are sent (or given up) by the worker before it stops.
    pub fn shutdown(&self, timeout: Duration) -> Result<(), AuditError> {
        let flushed = self.flush_within(timeout);
        self.shared.stop();
        let handle = self
            .worker
            .lock()
            .map_err(|_| AuditError::SinkFailed)?
            .take();
        if flushed.is_ok()
            && let Some(handle) = handle
        {
            handle.join().map_err(|_| AuditError::SinkFailed)?;
        }
        flushed
    }

    fn document(&self, event: &AuditEvent, seq: u64) -> Result<Value, AuditError> {
        match self.format {
            HttpFormat::Ecs => Ok(event.to_ecs(Some(seq))),
            HttpFormat::Native => {
                let mut doc = event.to_json()?;
                doc["seq"] = Value::from(seq);
                Ok(doc)
            }
        }
    }
}

impl HttpSinkBuilder {
    /// The `Authorization` header value sent with every batch (for example
    /// `Bearer <token>`). Default: none.
    pub fn authorization(mut self, value: SecretString) -> Self {
        self.authorization = Some(value);
        self
    }

    /// The shape of shipped events. Default [`HttpFormat::Native`].
    pub fn format(mut self, format: HttpFormat) -> Self {
        self.format = format;
        self
    }

    /// How many events wait at most. Default [`DEFAULT_CAPACITY`].
    pub fn capacity(mut self, events: usize) -> Self {
        self.capacity = events.max(1);
        self
    }

    /// The largest batch. Default [`DEFAULT_BATCH_SIZE`].
    pub fn batch_size(mut self, events: usize) -> Self {
        self.batch_size = events.max(1);
        self
    }

    /// Attempts per batch, the first included. Default
    /// [`DEFAULT_MAX_ATTEMPTS`].
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry, doubled for each further one up to
    /// `max`. Default 200 ms, at most 10 s.
    pub fn backoff(mut self, first: Duration, max: Duration) -> Self {
        self.backoff = first;
        self.max_backoff = max.max(first);
        self
    }

    /// The time limit of one request. Default 10 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long [`AuditSink::flush`] waits. Default 30 s.
    pub fn flush_timeout(mut self, timeout: Duration) -> Self {
        self.flush_timeout = timeout;
        self
    }

    /// How long `append` waits for space in a full buffer before dropping
    /// the event. Default zero: it drops at once.
    pub fn enqueue_wait(mut self, wait: Duration) -> Self {
        self.enqueue_wait = wait;
        self
    }

    /// Starts the worker thread. Fails with `audit.io` when the thread
    /// cannot be started.
    pub fn start(self) -> Result<HttpSink, AuditError> {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            work: Condvar::new(),
            idle: Condvar::new(),
            capacity: self.capacity,
            sent: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            retries: AtomicU64::new(0),
        });
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .build();
        let worker = Worker {
            shared: Arc::clone(&shared),
            agent: config.into(),
            url: self.url,
            authorization: self.authorization,
            batch_size: self.batch_size,
            max_attempts: self.max_attempts,
            backoff: self.backoff,
            max_backoff: self.max_backoff,
        };
        let handle = std::thread::Builder::new()
            .name("halo-audit-http".to_owned())
            .spawn(move || worker.run())
            .map_err(AuditError::io("start the worker for", "siem-http"))?;
        Ok(HttpSink {
            shared,
            format: self.format,
            flush_timeout: self.flush_timeout,
            enqueue_wait: self.enqueue_wait,
            next_seq: AtomicU64::new(1),
            worker: Mutex::new(Some(handle)),
        })
    }
}

impl Shared {
    fn lock(&self) -> Result<MutexGuard<'_, Queue>, AuditError> {
        self.queue.lock().map_err(|_| AuditError::SinkFailed)
    }

    fn stop(&self) {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        queue.shutdown = true;
        drop(queue);
        self.work.notify_all();
    }
}

impl Worker {
    fn run(self) {
        while let Some(batch) = self.next_batch() {
            let count = batch.len() as u64;
            let delivered = self.deliver(&Value::Array(batch));
            let counter = if delivered {
                &self.shared.sent
            } else {
                &self.shared.failed
            };
            counter.fetch_add(count, Ordering::Relaxed);

            let mut queue = self
                .shared
                .queue
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            queue.in_flight = 0;
            drop(queue);
            self.shared.idle.notify_all();
        }
    }

    /// The next batch, waiting for one; `None` once shut down and drained.
    fn next_batch(&self) -> Option<Vec<Value>> {
        let mut queue = self
            .shared
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        while queue.items.is_empty() {
            if queue.shutdown {
                return None;
            }
            queue = self
                .shared
                .work
                .wait(queue)
                .unwrap_or_else(PoisonError::into_inner);
        }
        let take = queue.items.len().min(self.batch_size);
        let batch: Vec<Value> = queue.items.drain(..take).collect();
        queue.in_flight = batch.len();
        drop(queue);
        self.shared.idle.notify_all();
        Some(batch)
    }

    /// Sends one batch with retries; whether it was delivered.
    fn deliver(&self, batch: &Value) -> bool {
        let Ok(body) = serde_json::to_vec(batch) else {
            return false;
        };
        let mut wait = self.backoff;
        for attempt in 1..=self.max_attempts {
            match self.attempt(&body) {
                Attempt::Delivered => return true,
                Attempt::GiveUp => break,
                Attempt::Retry if attempt == self.max_attempts => break,
                Attempt::Retry => {
                    self.shared.retries.fetch_add(1, Ordering::Relaxed);
                    self.pause(wait);
                    wait = (wait * 2).min(self.max_backoff);
                }
            }
        }
        tracing::warn!(
            code = "audit.siem_failed",
            attempts = self.max_attempts,
            "audit batch given up"
        );
        false
    }

    fn attempt(&self, body: &[u8]) -> Attempt {
        let mut request = self
            .agent
            .post(self.url.as_str())
            .header("content-type", "application/json");
        if let Some(value) = &self.authorization {
            request = request.header("authorization", value.expose_secret());
        }
        match request.send(body) {
            Ok(_) => Attempt::Delivered,
            Err(ureq::Error::StatusCode(status)) => {
                tracing::debug!(status, "audit batch refused");
                if status == 408 || status == 429 || status >= 500 {
                    Attempt::Retry
                } else {
                    Attempt::GiveUp
                }
            }
            Err(_) => Attempt::Retry,
        }
    }

    /// Waits `wait` before a retry; shutdown cuts the wait short.
    fn pause(&self, wait: Duration) {
        let queue = self
            .shared
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if !queue.shutdown {
            let _ = self.shared.work.wait_timeout(queue, wait);
        }
    }
}

impl AuditSink for HttpSink {
    fn append(&self, event: &AuditEvent) -> Result<u64, AuditError> {
        let seq = self.next_seq.fetch_add(1, Ordering::Relaxed);
        let doc = self.document(event, seq)?;

        let deadline = Instant::now() + self.enqueue_wait;
        let mut queue = self.shared.lock()?;
        if queue.shutdown {
            return Err(AuditError::ShutDown);
        }
        while queue.items.len() >= self.shared.capacity {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                self.shared.dropped.fetch_add(1, Ordering::Relaxed);
                return Err(AuditError::BufferFull);
            }
            queue = self
                .shared
                .idle
                .wait_timeout(queue, left)
                .map_err(|_| AuditError::SinkFailed)?
                .0;
        }
        queue.items.push_back(doc);
        drop(queue);
        self.shared.work.notify_one();
        Ok(seq)
    }

    fn flush(&self) -> Result<(), AuditError> {
        self.flush_within(self.flush_timeout)
    }
}

impl Drop for HttpSink {
    fn drop(&mut self) {
        // The worker finishes what is queued (with its bounded retries) on
        // its own; dropping never waits for the network.
        self.shared.stop();
    }
}

impl fmt::Debug for HttpSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpSink")
            .field("format", &self.format)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for HttpSinkBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL is left out: its query string could carry a token.
        f.debug_struct("HttpSinkBuilder")
            .field(
                "authorization",
                &self.authorization.as_ref().map(|_| "[REDACTED]"),
            )
            .field("format", &self.format)
            .field("capacity", &self.capacity)
            .field("batch_size", &self.batch_size)
            .field("max_attempts", &self.max_attempts)
            .finish_non_exhaustive()
    }
}
