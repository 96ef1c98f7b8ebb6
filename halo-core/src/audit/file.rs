//! The JSON Lines file sink: one HMAC chain over size- and day-rolled
//! segment files, with a head checkpoint.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::Offset;
use serde_json::Map;

use super::key::{ChainKey, Domain, GENESIS, Tag};
use super::verify::{self, Scan};
use super::wire::{
    self, ANCHOR_FILE, Anchor, Checkpoint, EventLine, HEAD_FILE, Head, Line, SegmentHeader,
};
use super::{AuditError, AuditEvent, AuditSink, Pruned};
use crate::crypto::FieldCipher;

/// The default size at which a segment is closed and the next one opened
/// (64 MiB).
pub const DEFAULT_MAX_SEGMENT_BYTES: u64 = 64 * 1024 * 1024;

/// The field name encrypted details are bound to; the context is
/// `<log id>:<seq>`, so an envelope moved to another entry fails to decrypt.
pub(crate) const DETAILS_FIELD: &str = "audit.details";

/// When appended lines are forced to stable storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FsyncPolicy {
    /// Never; the operating system writes when it likes. A crash or power
    /// loss can lose the last entries (and leave a torn line).
    Never,
    /// After every entry (the default): an entry `record` returned for
    /// survives a crash.
    EveryEntry,
    /// After every `n` entries, and when a segment is closed.
    EveryN(NonZeroU32),
}

/// Appends audit events to a directory of JSON Lines segment files under
/// one HMAC-SHA256 chain. See the module documentation for the format.
///
/// `Send` and `Sync`: appends are serialised by a mutex. Writes block the
/// calling thread (with [`FsyncPolicy::EveryEntry`], for an fsync or
/// three); from async code call [`AuditLog::record`](super::AuditLog::record)
/// through `spawn_blocking` when that matters.
///
/// One writer per directory: two processes appending to the same directory
/// break the chain (nothing locks the directory).
pub struct FileSink {
    dir: PathBuf,
    key: ChainKey,
    cipher: Option<FieldCipher>,
    fsync: FsyncPolicy,
    max_segment_bytes: u64,
    writer: Mutex<Writer>,
}

/// Opens a [`FileSink`]: the directory, the chain key, and optionally the
/// cipher for details, the fsync policy and the segment size.
#[must_use]
pub struct FileSinkBuilder {
    dir: PathBuf,
    key: ChainKey,
    cipher: Option<FieldCipher>,
    fsync: FsyncPolicy,
    max_segment_bytes: u64,
}

/// The end of the chain, where the next line goes.
struct Writer {
    file: Option<File>,
    log: String,
    segment: u64,
    bytes: u64,
    day: Option<Date>,
    next_seq: u64,
    last: Tag,
    unsynced: u32,
    failed: bool,
}

impl FileSink {
    /// A builder for the log in `dir` under `key`.
    pub fn builder(dir: impl Into<PathBuf>, key: ChainKey) -> FileSinkBuilder {
        FileSinkBuilder {
            dir: dir.into(),
            key,
            cipher: None,
            fsync: FsyncPolicy::EveryEntry,
            max_segment_bytes: DEFAULT_MAX_SEGMENT_BYTES,
        }
    }

    /// The log's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether details are encrypted before they are chained.
    pub fn encrypts(&self) -> bool {
        self.cipher.is_some()
    }

    fn lock(&self) -> Result<MutexGuard<'_, Writer>, AuditError> {
        // A panic while appending may have left a partial line behind.
        self.writer.lock().map_err(|_| AuditError::SinkFailed)
    }

    fn append_locked(&self, w: &mut Writer, event: &AuditEvent) -> Result<u64, AuditError> {
        let day = Offset::UTC.to_datetime(event.time).date();
        let full = w.bytes >= self.max_segment_bytes;
        if w.file.is_none() || full || w.day.is_some_and(|d| day > d) {
            self.roll(w, event.time)?;
        }

        let seq = w.next_seq;
        let line = self.event_line(w, seq, event)?;
        let (text, tag) = wire::seal(&self.key, Domain::Line, &Line::Event(line))?;
        self.write_line(w, &text)?;
        w.next_seq += 1;
        w.last = tag;

        w.unsynced += 1;
        let sync = match self.fsync {
            FsyncPolicy::Never => false,
            FsyncPolicy::EveryEntry => true,
            FsyncPolicy::EveryN(n) => w.unsynced >= n.get(),
        };
        if sync {
            self.sync_segment(w)?;
        }
        self.write_head(w, sync)?;
        Ok(seq)
    }

    fn event_line(
        &self,
        w: &Writer,
        seq: u64,
        event: &AuditEvent,
    ) -> Result<EventLine, AuditError> {
        let mut stored = event.clone();
        let mut details_enc = None;
        if let Some(cipher) = &self.cipher {
            let details = std::mem::replace(&mut stored.details, Map::new());
            let plaintext = zeroize::Zeroizing::new(
                serde_json::to_vec(&details).map_err(|source| AuditError::Encode { source })?,
            );
            let context = format!("{}:{seq}", w.log);
            let sealed = cipher
                .encrypt_field(DETAILS_FIELD, &context, &plaintext)
                .map_err(|source| AuditError::Crypto {
                    action: "encrypt",
                    source,
                })?;
            details_enc = Some(sealed);
        }
        Ok(EventLine {
            seq,
            prev: wire::hex(&w.last),
            details_enc,
            event: stored,
        })
    }

    /// Closes the current segment (if any) and opens the next, whose header
    /// links to the last line written.
    fn roll(&self, w: &mut Writer, now: Timestamp) -> Result<(), AuditError> {
        if w.file.is_some() && self.fsync != FsyncPolicy::Never {
            self.sync_segment(w)?;
        }
        if w.log.is_empty() {
            w.log = new_log_id()?;
        }
        let segment = w.segment + 1;
        let header = Line::Segment(SegmentHeader {
            log: w.log.clone(),
            segment,
            first_seq: w.next_seq,
            opened: now,
            prev: wire::hex(&w.last),
        });
        let (text, tag) = wire::seal(&self.key, Domain::Line, &header)?;

        let path = self.dir.join(wire::segment_name(segment));
        let file = OpenOptions::new()
            .append(true)
            .create_new(true)
            .open(&path)
            .map_err(AuditError::io("create", &path))?;
        w.file = Some(file);
        w.segment = segment;
        w.bytes = 0;
        w.day = Some(Offset::UTC.to_datetime(now).date());
        self.write_line(w, &text)?;
        w.last = tag;
        let sync = self.fsync != FsyncPolicy::Never;
        if sync {
            self.sync_segment(w)?;
        }
        // The head names the new segment at once, so that a crash before
        // its first entry leaves a log that verifies and continues.
        self.write_head(w, sync)
    }

    /// Writes one line in a single `write` call; a failure poisons the sink,
    /// as part of the line may have reached the file.
    fn write_line(&self, w: &mut Writer, line: &str) -> Result<(), AuditError> {
        let mut text = String::with_capacity(line.len() + 1);
        text.push_str(line);
        text.push('\n');
        let path = self.dir.join(wire::segment_name(w.segment));
        let file = w.file.as_mut().ok_or(AuditError::SinkFailed)?;
        if let Err(source) = file.write_all(text.as_bytes()) {
            w.failed = true;
            return Err(AuditError::Io {
                action: "write",
                path,
                source,
            });
        }
        w.bytes += text.len() as u64;
        Ok(())
    }

    fn sync_segment(&self, w: &mut Writer) -> Result<(), AuditError> {
        w.unsynced = 0;
        let Some(file) = &w.file else { return Ok(()) };
        file.sync_data().map_err(|source| {
            w.failed = true;
            AuditError::Io {
                action: "sync",
                path: self.dir.join(wire::segment_name(w.segment)),
                source,
            }
        })
    }

    fn write_head(&self, w: &Writer, sync: bool) -> Result<(), AuditError> {
        let head = Checkpoint::Head(Head {
            log: w.log.clone(),
            segment: w.segment,
            seq: w.next_seq - 1,
            last: wire::hex(&w.last),
        });
        let (text, _) = wire::seal(&self.key, Domain::Head, &head)?;
        wire::replace_file(&self.dir, HEAD_FILE, &text, sync)
    }

    fn prune_locked(&self, w: &mut Writer, cutoff: Timestamp) -> Result<Pruned, AuditError> {
        if w.file.is_none() {
            return Ok(Pruned::default());
        }
        self.sync_segment(w)?;
        let scan = verify::scan(&self.dir, &self.key, false)?;
        if let Some(damage) = scan.report.damage {
            return Err(AuditError::ChainBroken { damage });
        }

        // Only a leading run of closed segments goes, so the rest still
        // forms one chain from the anchor on.
        let closed = scan.segments.len().saturating_sub(1);
        let count = scan.segments[..closed]
            .iter()
            .take_while(|s| s.newest.is_some_and(|t| t < cutoff))
            .count();
        if count == 0 && scan.stale.is_empty() {
            return Ok(Pruned::default());
        }

        let mut through_seq = None;
        if let Some(kept) = scan.segments.get(count).filter(|_| count > 0) {
            let anchor = Checkpoint::Anchor(Anchor {
                log: w.log.clone(),
                segment: kept.number,
                first_seq: kept.first_seq,
                prev: wire::hex(&kept.prev),
                pruned_at: Timestamp::now(),
            });
            let (text, _) = wire::seal(&self.key, Domain::Anchor, &anchor)?;
            wire::replace_file(&self.dir, ANCHOR_FILE, &text, true)?;
            through_seq = kept.first_seq.checked_sub(1);
        }
        let doomed = scan
            .stale
            .iter()
            .chain(scan.segments[..count].iter().map(|s| &s.path));
        for path in doomed {
            fs::remove_file(path).map_err(AuditError::io("remove", path))?;
        }
        wire::sync_dir(&self.dir)?;
        Ok(Pruned {
            segments: count + scan.stale.len(),
            through_seq,
        })
    }
}

impl FileSinkBuilder {
    /// Encrypts each entry's details with `cipher` (an `hc1` envelope bound
    /// to field `audit.details` and context `<log id>:<seq>`) before the
    /// entry is chained. Default: details are written in clear (masked).
    pub fn cipher(mut self, cipher: FieldCipher) -> Self {
        self.cipher = Some(cipher);
        self
    }

    /// When lines are forced to disk. Default [`FsyncPolicy::EveryEntry`].
    pub fn fsync(mut self, policy: FsyncPolicy) -> Self {
        self.fsync = policy;
        self
    }

    /// The size at which a segment is closed. Default
    /// [`DEFAULT_MAX_SEGMENT_BYTES`]; a segment always holds at least one
    /// entry. Segments also close when an event's UTC day is later than
    /// the day the segment was opened.
    pub fn max_segment_bytes(mut self, bytes: u64) -> Self {
        self.max_segment_bytes = bytes;
        self
    }

    /// Opens the log, creating the directory when missing. An existing log
    /// is verified in full and continued; a broken one is refused with
    /// `audit.chain_broken` (a torn last line included). A new log writes
    /// nothing until its first event.
    pub fn open(self) -> Result<FileSink, AuditError> {
        fs::create_dir_all(&self.dir).map_err(AuditError::io("create", &self.dir))?;
        let writer = match verify::scan(&self.dir, &self.key, false) {
            Err(AuditError::NoLog { .. }) => Writer::new(),
            Err(other) => return Err(other),
            Ok(scan) => self.continue_from(scan)?,
        };
        Ok(FileSink {
            dir: self.dir,
            key: self.key,
            cipher: self.cipher,
            fsync: self.fsync,
            max_segment_bytes: self.max_segment_bytes,
            writer: Mutex::new(writer),
        })
    }

    fn continue_from(&self, scan: Scan) -> Result<Writer, AuditError> {
        if let Some(damage) = scan.report.damage {
            return Err(AuditError::ChainBroken { damage });
        }
        let Some(tail) = scan.tail else {
            return Ok(Writer::new());
        };
        let path = self.dir.join(wire::segment_name(tail.segment));
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(AuditError::io("open", &path))?;
        Ok(Writer {
            file: Some(file),
            log: tail.log,
            segment: tail.segment,
            bytes: tail.bytes,
            day: Some(tail.day),
            next_seq: tail.next_seq,
            last: tail.last,
            unsynced: 0,
            failed: false,
        })
    }
}

impl Writer {
    fn new() -> Self {
        Self {
            file: None,
            log: String::new(),
            segment: 0,
            bytes: 0,
            day: None,
            next_seq: 1,
            last: GENESIS,
            unsynced: 0,
            failed: false,
        }
    }
}

/// 16 random bytes in hex: tells logs under one key apart.
fn new_log_id() -> Result<String, AuditError> {
    let mut id = [0u8; 16];
    getrandom::fill(&mut id).map_err(|_| AuditError::InvalidChainKey {
        reason: "the random number generator failed",
        source: None,
    })?;
    Ok(base16ct::lower::encode_string(&id))
}

impl AuditSink for FileSink {
    fn append(&self, event: &AuditEvent) -> Result<u64, AuditError> {
        let mut w = self.lock()?;
        if w.failed {
            return Err(AuditError::SinkFailed);
        }
        let result = self.append_locked(&mut w, event);
        if let Err(err) = &result {
            tracing::warn!(code = err.code(), "audit append failed");
        }
        result
    }

    fn flush(&self) -> Result<(), AuditError> {
        let mut w = self.lock()?;
        self.sync_segment(&mut w)?;
        if w.file.is_some() {
            self.write_head(&w, true)?;
        }
        Ok(())
    }

    fn prune(&self, cutoff: Timestamp) -> Result<Pruned, AuditError> {
        let mut w = self.lock()?;
        self.prune_locked(&mut w, cutoff)
    }
}

impl fmt::Debug for FileSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileSink")
            .field("dir", &self.dir)
            .field("key", &self.key)
            .field("encrypts", &self.cipher.is_some())
            .field("fsync", &self.fsync)
            .field("max_segment_bytes", &self.max_segment_bytes)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for FileSinkBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileSinkBuilder")
            .field("dir", &self.dir)
            .field("key", &self.key)
            .field("encrypts", &self.cipher.is_some())
            .field("fsync", &self.fsync)
            .finish_non_exhaustive()
    }
}
