//! Verifying a log directory, and reading verified entries back.
//!
//! The walk goes through the segments in order, checking every line's MAC
//! and its link to the line before, then compares the end of the chain with
//! the head checkpoint. It stops at the first damage.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::Offset;

use super::key::{ChainKey, Domain, GENESIS, Tag};
use super::wire::{self, ANCHOR_FILE, Checkpoint, HEAD_FILE, Head, Line};
use super::{AuditError, LoggedEvent};

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyReport {
    /// Segment files checked.
    pub segments: usize,
    /// Event entries whose MAC and link were checked.
    pub entries: u64,
    /// The first sequence number kept (after pruning, later than 1).
    pub first_seq: Option<u64>,
    /// The last sequence number found.
    pub last_seq: Option<u64>,
    /// Intact entries after the one the head checkpoint names: written, but
    /// the head was not replaced before the process stopped.
    pub unanchored: u64,
    /// The first damage found, if any.
    pub damage: Option<Damage>,
}

/// Where the chain first breaks, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Damage {
    /// What kind of damage.
    pub kind: DamageKind,
    /// The file name inside the log directory (`segment-00000002.jsonl`,
    /// `HEAD.json`, `ANCHOR.json`).
    pub file: String,
    /// The 1-based line number; 0 when the file as a whole is concerned.
    pub line: usize,
    /// The sequence number expected at that place, when there is one.
    pub seq: Option<u64>,
}

/// The kinds of damage [`verify`] tells apart (see the module
/// documentation for how).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DamageKind {
    /// A line's content no longer matches its MAC, or a validly sealed line
    /// stands where another belongs (`edited`).
    Edited,
    /// Entries, a segment header, a segment file or the head checkpoint are
    /// missing (`deleted`).
    Deleted,
    /// A line is there that does not belong: removing it would mend the
    /// chain (`inserted`).
    Inserted,
    /// Entries are all there but out of order (`reordered`).
    Reordered,
    /// The log ends before the place the head checkpoint names
    /// (`truncated`).
    Truncated,
    /// The last line has no newline: a write was cut short (`torn_line`).
    TornLine,
}

/// The result of a walk, with what the writer and pruning need.
pub(crate) struct Scan {
    pub(crate) report: VerifyReport,
    pub(crate) segments: Vec<SegmentSummary>,
    /// Segment files before the anchor (left by an interrupted prune).
    pub(crate) stale: Vec<PathBuf>,
    pub(crate) tail: Option<Tail>,
    pub(crate) events: Vec<LoggedEvent>,
}

/// One intact segment.
pub(crate) struct SegmentSummary {
    pub(crate) number: u64,
    pub(crate) path: PathBuf,
    pub(crate) first_seq: u64,
    pub(crate) prev: Tag,
    pub(crate) newest: Option<Timestamp>,
}

/// The end of an intact chain.
pub(crate) struct Tail {
    pub(crate) log: String,
    pub(crate) segment: u64,
    pub(crate) bytes: u64,
    pub(crate) day: Date,
    pub(crate) next_seq: u64,
    pub(crate) last: Tag,
}

/// The chain state of the walk.
struct Walk<'a> {
    key: &'a ChainKey,
    collect: bool,
    log: Option<String>,
    expected: u64,
    last: Tag,
    head: Option<Head>,
    head_matches: bool,
    scan: Scan,
}

/// Checks the log in `dir` under `key`: every entry's MAC and link, the
/// segments' order and anchoring, and the end of the chain against the head
/// checkpoint.
///
/// Damage is reported in [`VerifyReport::damage`], not as an error; errors
/// are `audit.no_log` (the directory holds no log) and `audit.io`.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("halo-audit-doc-{}", std::process::id()));
/// use halo_core::audit::{verify, AuditAction, AuditCategory, AuditEvent, AuditLog};
/// use halo_core::audit::{ChainKey, FileSink};
///
/// let key = ChainKey::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")?;
/// let sink = FileSink::builder(&dir, key).open()?;
/// let log = AuditLog::builder().sink(sink).build()?;
/// log.record(AuditEvent::new(AuditCategory::Authentication, AuditAction::LoginAttempt))?;
///
/// let key = ChainKey::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")?;
/// let report = verify(&dir, &key)?;
/// assert!(report.damage.is_none());
/// assert_eq!(report.last_seq, Some(1));
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), halo_core::audit::AuditError>(())
/// ```
pub fn verify(dir: impl AsRef<Path>, key: &ChainKey) -> Result<VerifyReport, AuditError> {
    scan(dir.as_ref(), key, false).map(|scan| scan.report)
}

impl VerifyReport {
    /// Whether no damage was found.
    pub fn is_intact(&self) -> bool {
        self.damage.is_none()
    }
}

/// Walks the log in `dir`; `collect` keeps the entries.
pub(crate) fn scan(dir: &Path, key: &ChainKey, collect: bool) -> Result<Scan, AuditError> {
    let mut segments = BTreeMap::new();
    let entries = fs::read_dir(dir).map_err(AuditError::io("list", dir))?;
    for entry in entries {
        let entry = entry.map_err(AuditError::io("list", dir))?;
        if let Some(number) = entry.file_name().to_str().and_then(wire::segment_number) {
            segments.insert(number, entry.path());
        }
    }
    let head = read_optional(&dir.join(HEAD_FILE))?;
    let anchor = read_optional(&dir.join(ANCHOR_FILE))?;
    if segments.is_empty() && head.is_none() && anchor.is_none() {
        return Err(AuditError::NoLog {
            path: dir.to_owned(),
        });
    }

    let mut walk = Walk::new(key, collect);
    let mut start = 1;
    if let Some(text) = anchor {
        match wire::open_checkpoint(key, Domain::Anchor, &text) {
            Some(Checkpoint::Anchor(a)) => match wire::unhex(a.prev.as_bytes()) {
                Some(prev) => {
                    (start, walk.expected, walk.last) = (a.segment, a.first_seq, prev);
                    walk.log = Some(a.log);
                }
                None => return Ok(walk.damaged(DamageKind::Edited, ANCHOR_FILE, 1, None)),
            },
            _ => return Ok(walk.damaged(DamageKind::Edited, ANCHOR_FILE, 1, None)),
        }
    }
    let head_state = head.map(
        |text| match wire::open_checkpoint(key, Domain::Head, &text) {
            Some(Checkpoint::Head(h)) => Some(h),
            _ => None,
        },
    );
    walk.head = head_state.clone().flatten();

    let kept: Vec<(u64, PathBuf)> = segments
        .into_iter()
        .filter_map(|(n, p)| {
            if n < start {
                walk.scan.stale.push(p);
                None
            } else {
                Some((n, p))
            }
        })
        .collect();
    for (i, (number, path)) in kept.iter().enumerate() {
        let expected_number = start + i as u64;
        if *number != expected_number {
            let name = wire::segment_name(expected_number);
            return Ok(walk.damaged(DamageKind::Deleted, &name, 0, Some(walk.expected)));
        }
        let later = &kept[i + 1..];
        if walk.segment(*number, path, later)? {
            return Ok(walk.scan);
        }
    }
    if kept.is_empty() {
        let name = wire::segment_name(start);
        let kind = if head_state.is_some() {
            DamageKind::Truncated
        } else {
            DamageKind::Deleted
        };
        return Ok(walk.damaged(kind, &name, 0, Some(walk.expected)));
    }
    let last_number = start + kept.len() as u64 - 1;
    Ok(walk.check_head(head_state, last_number))
}

impl<'a> Walk<'a> {
    fn new(key: &'a ChainKey, collect: bool) -> Self {
        Self {
            key,
            collect,
            log: None,
            expected: 1,
            last: GENESIS,
            head: None,
            head_matches: false,
            scan: Scan {
                report: VerifyReport {
                    segments: 0,
                    entries: 0,
                    first_seq: None,
                    last_seq: None,
                    unanchored: 0,
                    damage: None,
                },
                segments: Vec::new(),
                stale: Vec::new(),
                tail: None,
                events: Vec::new(),
            },
        }
    }

    /// Walks one segment file; `true` when damage was found.
    fn segment(
        &mut self,
        number: u64,
        path: &Path,
        later: &[(u64, PathBuf)],
    ) -> Result<bool, AuditError> {
        let name = wire::segment_name(number);
        let bytes = fs::read(path).map_err(AuditError::io("read", path))?;
        let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
        if lines.is_empty() {
            let kind = if later.is_empty() {
                DamageKind::Truncated
            } else {
                DamageKind::Deleted
            };
            self.mark(kind, &name, 0, Some(self.expected));
            return Ok(true);
        }

        let mut newest = None;
        let mut header: Option<(u64, Tag, Date)> = None;
        for (index, raw) in lines.iter().enumerate() {
            let lineno = index + 1;
            let Some(text) = raw.strip_suffix(b"\n") else {
                self.mark(DamageKind::TornLine, &name, lineno, Some(self.expected));
                return Ok(true);
            };
            let Some((tag, line)) = wire::open_line(self.key, text) else {
                let next = lines.get(index + 1).and_then(|l| l.strip_suffix(b"\n"));
                let mends = next.is_some_and(|n| self.links(n, index == 0, number));
                let kind = if mends {
                    DamageKind::Inserted
                } else {
                    DamageKind::Edited
                };
                self.mark(kind, &name, lineno, Some(self.expected));
                return Ok(true);
            };
            let problem = match (&line, index) {
                (Line::Event(_), 0) => Some(DamageKind::Deleted),
                (Line::Segment(_), 1..) => Some(DamageKind::Inserted),
                (Line::Segment(h), _) if h.segment != number || !self.same_log(&h.log) => {
                    Some(DamageKind::Edited)
                }
                (Line::Segment(h), _) => {
                    self.position(h.first_seq, &h.prev, false, &lines[1..], later)
                }
                (Line::Event(e), _) => {
                    self.position(e.seq, &e.prev, true, &lines[index + 1..], later)
                }
            };
            if let Some(kind) = problem {
                self.mark(kind, &name, lineno, Some(self.expected));
                return Ok(true);
            }

            self.last = tag;
            if let Some(head) = &self.head
                && head.segment == number
                && wire::unhex(head.last.as_bytes()) == Some(tag)
            {
                self.head_matches = true;
            }
            match line {
                Line::Segment(h) => {
                    if self.log.is_none() {
                        self.log = Some(h.log.clone());
                    }
                    let day = Offset::UTC.to_datetime(h.opened).date();
                    header = Some((
                        h.first_seq,
                        wire::unhex(h.prev.as_bytes()).unwrap_or(GENESIS),
                        day,
                    ));
                }
                Line::Event(e) => {
                    newest = newest.max(Some(e.event.time));
                    self.accept(e);
                }
            }
        }

        let (first_seq, prev, day) = header.unwrap_or((self.expected, GENESIS, Date::ZERO));
        self.scan.report.segments += 1;
        self.scan.segments.push(SegmentSummary {
            number,
            path: path.to_owned(),
            first_seq,
            prev,
            newest,
        });
        self.scan.tail = Some(Tail {
            log: self.log.clone().unwrap_or_default(),
            segment: number,
            bytes: bytes.len() as u64,
            day,
            next_seq: self.expected,
            last: self.last,
        });
        Ok(false)
    }

    fn accept(&mut self, e: wire::EventLine) {
        let report = &mut self.scan.report;
        report.entries += 1;
        report.first_seq = report.first_seq.or(Some(e.seq));
        report.last_seq = Some(e.seq);
        if self.collect {
            let context = format!("{}:{}", self.log.as_deref().unwrap_or_default(), e.seq);
            self.scan.events.push(LoggedEvent {
                seq: e.seq,
                event: e.event,
                sealed: e.details_enc,
                context,
            });
        }
        self.expected += 1;
    }

    /// Whether a line at sequence position `seq` linking to `prev` is in its
    /// place; if not, how it is out of place.
    fn position(
        &self,
        seq: u64,
        prev: &str,
        is_event: bool,
        rest: &[&[u8]],
        later: &[(u64, PathBuf)],
    ) -> Option<DamageKind> {
        let links = wire::unhex(prev.as_bytes()) == Some(self.last);
        match seq.cmp(&self.expected) {
            std::cmp::Ordering::Equal if links => None,
            std::cmp::Ordering::Equal => Some(DamageKind::Edited),
            std::cmp::Ordering::Greater => {
                let missing = self.expected..seq;
                if self.appears_later(&missing, rest, later) {
                    Some(DamageKind::Reordered)
                } else {
                    Some(DamageKind::Deleted)
                }
            }
            std::cmp::Ordering::Less if is_event => Some(DamageKind::Inserted),
            std::cmp::Ordering::Less => Some(DamageKind::Inserted),
        }
    }

    /// Whether a validly sealed event with a sequence number in `missing`
    /// comes later in this segment (`rest`) or a later one.
    fn appears_later(
        &self,
        missing: &std::ops::Range<u64>,
        rest: &[&[u8]],
        later: &[(u64, PathBuf)],
    ) -> bool {
        let found = |line: &[u8]| {
            let line = line.strip_suffix(b"\n").unwrap_or(line);
            let parsed = wire::open_line(self.key, line);
            matches!(parsed, Some((_, Line::Event(e))) if missing.contains(&e.seq))
        };
        if rest.iter().any(|l| found(l)) {
            return true;
        }
        later.iter().any(|(_, path)| {
            fs::read(path).is_ok_and(|bytes| bytes.split_inclusive(|&b| b == b'\n').any(found))
        })
    }

    /// Whether `line` would be in its place right now: a header at the start
    /// of a segment, an event otherwise.
    fn links(&self, line: &[u8], is_first: bool, number: u64) -> bool {
        match wire::open_line(self.key, line) {
            Some((_, Line::Segment(h))) => {
                is_first
                    && h.segment == number
                    && h.first_seq == self.expected
                    && wire::unhex(h.prev.as_bytes()) == Some(self.last)
            }
            Some((_, Line::Event(e))) => {
                !is_first
                    && e.seq == self.expected
                    && wire::unhex(e.prev.as_bytes()) == Some(self.last)
            }
            None => false,
        }
    }

    fn same_log(&self, log: &str) -> bool {
        self.log.as_deref().is_none_or(|known| known == log)
    }

    /// Compares the end of the chain with the head checkpoint.
    fn check_head(mut self, head: Option<Option<Head>>, last_number: u64) -> Scan {
        let last_seq = self.expected.saturating_sub(1);
        let head = match head {
            None => return self.damaged(DamageKind::Deleted, HEAD_FILE, 0, None),
            Some(None) => return self.damaged(DamageKind::Edited, HEAD_FILE, 1, None),
            Some(Some(head)) => head,
        };
        if !self.same_log(&head.log) {
            return self.damaged(DamageKind::Edited, HEAD_FILE, 1, None);
        }
        let name = wire::segment_name(last_number);
        let at_end = head.segment == last_number
            && head.seq == last_seq
            && wire::unhex(head.last.as_bytes()) == Some(self.last);
        let beyond = head.segment > last_number || head.seq > last_seq;
        // A head behind the end must name a line of the chain: the entries
        // after it were written just before a crash.
        if !at_end && (beyond || !self.head_matches) {
            return self.damaged(DamageKind::Truncated, &name, 0, Some(self.expected));
        }
        self.scan.report.unanchored = last_seq.saturating_sub(head.seq);
        self.scan
    }

    /// Notes the first damage; the walk stops there.
    fn mark(&mut self, kind: DamageKind, file: &str, line: usize, seq: Option<u64>) {
        self.scan.report.damage = Some(Damage {
            kind,
            file: file.to_owned(),
            line,
            seq,
        });
        self.scan.tail = None;
    }

    /// Notes the damage and ends the walk.
    fn damaged(&mut self, kind: DamageKind, file: &str, line: usize, seq: Option<u64>) -> Scan {
        self.mark(kind, file, line, seq);
        std::mem::replace(&mut self.scan, Walk::new(self.key, false).scan)
    }
}

/// The bytes of `path`, or `None` when it does not exist.
fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, AuditError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(AuditError::Io {
            action: "read",
            path: path.to_owned(),
            source,
        }),
    }
}

impl DamageKind {
    /// The name used in reports: `edited`, `deleted`, `inserted`,
    /// `reordered`, `truncated`, `torn_line`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Edited => "edited",
            Self::Deleted => "deleted",
            Self::Inserted => "inserted",
            Self::Reordered => "reordered",
            Self::Truncated => "truncated",
            Self::TornLine => "torn_line",
        }
    }
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at `{}`", self.kind.as_str(), self.file)?;
        if self.line > 0 {
            write!(f, " line {}", self.line)?;
        }
        if let Some(seq) = self.seq {
            write!(f, " (sequence {seq})")?;
        }
        Ok(())
    }
}
