//! The on-disk line formats: segment headers, event lines, the head
//! checkpoint and the prune anchor, each a JSON object whose last member is
//! its MAC.

use std::fs::{self, File};
use std::io::Write as _;
use std::path::Path;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::key::{ChainKey, Domain, MAC_LEN, Tag};
use super::{AuditError, AuditEvent};

/// The name of the head checkpoint file.
pub const HEAD_FILE: &str = "HEAD.json";
/// The name of the file that records where the kept chain starts after
/// pruning.
pub const ANCHOR_FILE: &str = "ANCHOR.json";

const SEGMENT_PREFIX: &str = "segment-";
const SEGMENT_SUFFIX: &str = ".jsonl";
/// `,"mac":"` + 64 hex digits + `"}`.
const MAC_SUFFIX_LEN: usize = 8 + 2 * MAC_LEN + 2;

/// A line of a segment file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum Line {
    /// The first line of every segment.
    Segment(SegmentHeader),
    /// An audit event.
    Event(EventLine),
}

/// The first line of a segment: which log, which segment, and the link to
/// the last line of the segment before.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct SegmentHeader {
    pub(crate) log: String,
    pub(crate) segment: u64,
    pub(crate) first_seq: u64,
    pub(crate) opened: Timestamp,
    pub(crate) prev: String,
}

/// An event with its place in the chain.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct EventLine {
    pub(crate) seq: u64,
    pub(crate) prev: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) details_enc: Option<String>,
    #[serde(flatten)]
    pub(crate) event: AuditEvent,
}

/// The head checkpoint and the prune anchor.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum Checkpoint {
    /// `HEAD.json`: the last line written.
    Head(Head),
    /// `ANCHOR.json`: where the kept chain starts.
    Anchor(Anchor),
}

/// Where the log ended when the head was last written.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Head {
    pub(crate) log: String,
    pub(crate) segment: u64,
    /// The last event's sequence number, 0 before the first.
    pub(crate) seq: u64,
    /// The MAC of the last line written.
    pub(crate) last: String,
}

/// Where the kept chain starts after pruning.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Anchor {
    pub(crate) log: String,
    /// The first kept segment.
    pub(crate) segment: u64,
    /// Its first sequence number.
    pub(crate) first_seq: u64,
    /// The link its header carries.
    pub(crate) prev: String,
    /// When the pruning ran.
    pub(crate) pruned_at: Timestamp,
}

/// The file name of segment `number`: `segment-00000001.jsonl`.
pub(crate) fn segment_name(number: u64) -> String {
    format!("{SEGMENT_PREFIX}{number:08}{SEGMENT_SUFFIX}")
}

/// The number of a segment file name, or `None` for other files.
pub(crate) fn segment_number(name: &str) -> Option<u64> {
    let digits = name
        .strip_prefix(SEGMENT_PREFIX)?
        .strip_suffix(SEGMENT_SUFFIX)?;
    let valid = digits.len() >= 8 && digits.bytes().all(|b| b.is_ascii_digit());
    valid.then(|| digits.parse().ok()).flatten()
}

/// `value` as one line (without the newline) ending in its MAC, and the MAC.
pub(crate) fn seal(
    key: &ChainKey,
    domain: Domain,
    value: &impl Serialize,
) -> Result<(String, Tag), AuditError> {
    let mut body = serde_json::to_string(value).map_err(|source| AuditError::Encode { source })?;
    body.pop(); // the closing brace, put back after the MAC
    let tag = key.tag(domain, body.as_bytes());
    body.push_str(",\"mac\":\"");
    body.push_str(&hex(&tag));
    body.push_str("\"}");
    Ok((body, tag))
}

/// The MAC of `line` when it verifies under `key` in `domain`; `None` when
/// the line is not of the sealed form or its MAC does not match.
pub(crate) fn open(key: &ChainKey, domain: Domain, line: &[u8]) -> Option<Tag> {
    let split = line.len().checked_sub(MAC_SUFFIX_LEN)?;
    let (body, suffix) = line.split_at(split);
    let hex_tag = suffix.strip_prefix(b",\"mac\":\"")?.strip_suffix(b"\"}")?;
    let tag = unhex(hex_tag)?;
    key.verify(domain, body, &tag).then_some(tag)
}

/// A verified line of a segment.
pub(crate) fn open_line(key: &ChainKey, line: &[u8]) -> Option<(Tag, Line)> {
    let tag = open(key, Domain::Line, line)?;
    serde_json::from_slice(line)
        .ok()
        .map(|parsed| (tag, parsed))
}

/// A verified checkpoint file's content.
pub(crate) fn open_checkpoint(key: &ChainKey, domain: Domain, text: &[u8]) -> Option<Checkpoint> {
    let line = text.strip_suffix(b"\n").unwrap_or(text);
    open(key, domain, line)?;
    serde_json::from_slice(line).ok()
}

/// Replaces `dir/name` with `line` atomically (write aside, rename), with
/// the file and the directory synced when `sync` is set.
pub(crate) fn replace_file(
    dir: &Path,
    name: &str,
    line: &str,
    sync: bool,
) -> Result<(), AuditError> {
    let path = dir.join(name);
    let aside = dir.join(format!("{name}.tmp"));
    let mut file = File::create(&aside).map_err(AuditError::io("create", &aside))?;
    let mut text = String::with_capacity(line.len() + 1);
    text.push_str(line);
    text.push('\n');
    file.write_all(text.as_bytes())
        .map_err(AuditError::io("write", &aside))?;
    if sync {
        file.sync_data().map_err(AuditError::io("sync", &aside))?;
    }
    drop(file);
    fs::rename(&aside, &path).map_err(AuditError::io("rename", &path))?;
    if sync {
        sync_dir(dir)?;
    }
    Ok(())
}

/// Makes a directory's entries durable (new and renamed files).
pub(crate) fn sync_dir(dir: &Path) -> Result<(), AuditError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(AuditError::io("sync", dir))
}

/// Lowercase hex of a MAC.
pub(crate) fn hex(tag: &Tag) -> String {
    base16ct::lower::encode_string(tag)
}

/// A MAC from its lowercase hex.
pub(crate) fn unhex(text: &[u8]) -> Option<Tag> {
    let mut tag = [0u8; MAC_LEN];
    let decoded = base16ct::lower::decode(text, &mut tag).ok()?;
    (decoded.len() == MAC_LEN).then_some(tag)
}
