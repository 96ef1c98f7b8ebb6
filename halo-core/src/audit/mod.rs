//! The tamper-evident audit trail: audit events, an HMAC-chained
//! append-only log in JSON Lines files, verification that names the first
//! damage, retention, and shipping to a SIEM.
//!
//! # Pieces
//!
//! - [`AuditEvent`]: what happened ([`AuditCategory`], [`AuditAction`],
//!   [`AuditOutcome`]), by whom, to what, from where, with details.
//! - [`AuditLog`]: filters events by `security.auditing` (see
//!   [`AuditLog::is_recorded`] for the mapping of actions to flags), masks
//!   their details with a [`Masker`](crate::masking::Masker), and appends
//!   them to one [`AuditSink`]. [`AuditLog::from_config`] builds it over a
//!   [`FileSink`]; [`AuditLog::builder`] takes any sink.
//! - [`FileSink`]: the chained log in a directory, with a [`FsyncPolicy`],
//!   optional encryption of details under a
//!   [`FieldCipher`](crate::crypto::FieldCipher), and pruning.
//! - [`verify`] and [`read_log`]: check a directory with only the
//!   [`ChainKey`]; read the entries back (decrypting with the cipher).
//! - `HttpSink` (feature `siem-http`): batches events to a SIEM endpoint
//!   over HTTP with retries and a bounded buffer.
//! - [`MemorySink`]: events in memory, for tests.
//!
//! ```
//! # let dir = std::env::temp_dir().join(format!("halo-audit-mod-{}", std::process::id()));
//! use halo_core::audit::{verify, AuditAction, AuditCategory, AuditEvent, AuditLog, AuditOutcome,
//!                        ChainKey, FileSink, Recorded};
//! use serde_json::json;
//!
//! const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
//! let log = AuditLog::builder()
//!     .sink(FileSink::builder(&dir, ChainKey::from_base64(KEY)?).open()?)
//!     .build()?;
//! let event = AuditEvent::new(AuditCategory::DataAccess, AuditAction::Export)
//!     .actor("svc-export")
//!     .outcome(AuditOutcome::Success)
//!     .detail("requested_by", json!("jane@example.com"));
//! assert_eq!(log.record(event)?, Recorded::Written { seq: 1 });
//!
//! let text = std::fs::read_to_string(dir.join("segment-00000001.jsonl")).unwrap();
//! assert!(!text.contains("jane@example.com")); // masked before it was written
//! assert!(verify(&dir, &ChainKey::from_base64(KEY)?)?.is_intact());
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), halo_core::audit::AuditError>(())
//! ```
//!
//! # The event schema
//!
//! An event is a JSON object with these members; names are stable, absent
//! optional members are left out:
//!
//! | member | JSON type | ECS field |
//! |---|---|---|
//! | `time` | string: RFC 3339 in UTC, `2026-03-01T12:00:00Z` | `@timestamp` |
//! | `category` | string (below) | `event.category`, `labels.audit_category` |
//! | `action` | string (below) | `event.action` |
//! | `outcome` | string, optional: `success`, `failure`, `denied` | `event.outcome` |
//! | `actor` | string, optional | `user.name` |
//! | `resource` | string, optional | `labels.resource` |
//! | `source_ip` | string, optional: IPv4 or IPv6 | `source.ip` |
//! | `user_agent` | string, optional | `user_agent.original` |
//! | `details` | object, optional, masked | `halo.details` |
//! | `seq` (log and SIEM entries) | number, from 1 | `event.sequence` |
//!
//! - Categories: `authentication`, `data_access`, `configuration_change`,
//!   `security`. ECS has no such set; they map to the ECS categories
//!   `authentication`, `database`, `configuration` and
//!   `intrusion_detection`, and the original name goes to
//!   `labels.audit_category`.
//! - Actions: `login_attempt`, `login_failed`, `password_changed`, `read`,
//!   `write`, `export`, `config_update`, `permission_change`, `erase`,
//!   `prune`, or a custom name ([`AuditAction::custom`]).
//! - ECS has no `denied` outcome: it becomes `event.outcome: "failure"` with
//!   `event.type: ["denied"]`.
//! - ECS has no general resource field, hence `labels.resource`; details
//!   go to the custom field set `halo.details`.
//!
//! [`AuditEvent::to_json`] gives the first form, [`AuditEvent::to_ecs`] the
//! ECS document (with `event.kind: "event"` and `ecs.version: "8.11.0"`).
//!
//! # On disk
//!
//! A log directory holds segment files `segment-00000001.jsonl`,
//! `segment-00000002.jsonl`, ..., the head checkpoint `HEAD.json`, and after
//! pruning `ANCHOR.json`. Every line of every file is a JSON object whose
//! last member is `"mac"`: the lowercase hex HMAC-SHA256, under the chain
//! key, of a domain label followed by the line's bytes up to (not including)
//! `,"mac":`. The labels are `halo-audit/line/v1\n` for segment lines,
//! `halo-audit/head/v1\n` and `halo-audit/anchor/v1\n` for the checkpoint
//! files. The MAC covers the exact bytes written, so no canonical JSON is
//! needed to check it.
//!
//! - The first line of a segment is its header: `{"type":"segment","log":
//!   <32 hex digits, random per log>,"segment":<n>,"first_seq":<seq of its
//!   first entry>,"opened":<RFC 3339>,"prev":<MAC of the last line of
//!   segment n-1, or 64 zeros for segment 1>,"mac":...}`.
//! - Every other line is an entry: `{"type":"event","seq":<n>,"prev":<MAC
//!   of the line before, header included>, <the event's members>,
//!   "mac":...}`. When details are encrypted, `details` is replaced by
//!   `"details_enc":"hc1...."`: an [`Envelope`](crate::crypto::Envelope) of
//!   the details' JSON text for field `audit.details` and context
//!   `<log id>:<seq>`. The MAC covers the envelope, so verifying needs only
//!   the chain key.
//! - `HEAD.json`: `{"type":"head","log":...,"segment":<last segment>,
//!   "seq":<last seq>,"last":<MAC of the last line>,"mac":...}`, replaced
//!   (write aside, rename) after every entry and when a segment is opened,
//!   and synced whenever the segment is.
//! - `ANCHOR.json`: `{"type":"anchor","log":...,"segment":<first kept>,
//!   "first_seq":...,"prev":<the link in that segment's header>,
//!   "pruned_at":...,"mac":...}`, written before pruned segments are
//!   removed. Segment files numbered below the anchor are left-overs of an
//!   interrupted prune: verification skips them and the next prune removes
//!   them.
//!
//! A segment is closed, and the next opened, when it has reached
//! [`DEFAULT_MAX_SEGMENT_BYTES`] (64 MiB, configurable) or when an event's
//! UTC day is later than the day the segment was opened.
//!
//! # How damage is told apart
//!
//! [`verify`] reports the first damage found, as a [`Damage`]: file, line,
//! expected sequence number and [`DamageKind`]:
//!
//! - `torn_line`: a last line with no newline (a write cut short by a
//!   crash, or bytes cut off a file).
//! - `inserted`: a line whose removal mends the chain: a line that does not
//!   verify followed by the line that belongs there, a validly sealed line
//!   repeating an earlier sequence number, or a second segment header.
//! - `edited`: a line that does not verify and is not `inserted`; a
//!   validly sealed line at the right sequence number that does not link to
//!   the line before (replaced by a line of another log under the same key);
//!   a header of the wrong segment or log; a checkpoint file that does not
//!   verify.
//! - `reordered`: a sequence number later than expected where the missing
//!   numbers do appear further on.
//! - `deleted`: a sequence number later than expected where the missing
//!   numbers appear nowhere later; a segment file missing from the run; a
//!   segment whose first line is an entry (its header gone); a missing
//!   `HEAD.json`.
//! - `truncated`: the chain ends before the segment, sequence number or
//!   last MAC the head names (lines or whole segments cut off the end).
//!
//! # What is protected, and what is not
//!
//! - Without the chain key, any change to a committed line, any removed,
//!   added or moved line or segment, and cutting the log back to before the
//!   head are detected.
//! - Whoever holds the chain key can rewrite history undetectably. Keep it
//!   out of the log's directory and away from the account that writes
//!   backups of it.
//! - Deleting the whole directory, or replacing it (head included) with an
//!   older copy of itself, is detectable only against a copy of the head
//!   kept elsewhere (ship `HEAD.json`, or the events, to a SIEM).
//! - Entries written after the last head replacement (a crash between the
//!   two writes) are reported as [`VerifyReport::unanchored`]: they verify,
//!   but could have been cut off undetectably.
//! - Encrypted details are confidential; everything else in an entry
//!   (actor, resource, address, user agent, time) is in clear. Details are
//!   masked before they are written; actor and resource are not, so use ids.
//! - One writer per directory; nothing locks it against a second process.
//! - A torn last line (crash during a write) makes the log refuse to
//!   continue with `audit.chain_broken`: after checking that [`verify`]
//!   names only that line, remove the fragment by hand.
//! - Opening an existing log and pruning verify the whole log, which takes
//!   time proportional to its size.
//!
//! # Speed
//!
//! `benches/audit.rs` on a shared 2-core virtual machine (ext4, other
//! builds running, so the spread is wide): about 1 000 to 6 000 appends per
//! second with [`FsyncPolicy::Never`] (replacing the head file after every
//! entry costs more than the MAC), about 2 400 with `EveryN(64)`, and about
//! 80 with `EveryEntry`, where each entry costs three fsyncs (segment, head,
//! directory). [`verify`] checks about 150 000 entries per second.
//!
//! This module does not ship logs off the machine on its own (use the HTTP
//! sink or a log shipper), and does not sign with public keys: verifiers
//! need the same secret key that writers have.

mod error;
mod event;
mod file;
#[cfg(feature = "siem-http")]
mod http;
mod key;
mod log;
mod read;
mod sink;
mod verify;
mod wire;

pub use error::AuditError;
pub use event::{AuditAction, AuditCategory, AuditEvent, AuditOutcome, MAX_ACTION_BYTES};
pub use file::{DEFAULT_MAX_SEGMENT_BYTES, FileSink, FileSinkBuilder, FsyncPolicy};
#[cfg(feature = "siem-http")]
pub use http::{
    DEFAULT_BATCH_SIZE, DEFAULT_CAPACITY, DEFAULT_MAX_ATTEMPTS, HttpFormat, HttpSink,
    HttpSinkBuilder, HttpStats,
};
pub use key::ChainKey;
pub use log::{AuditLog, AuditLogBuilder, DEFAULT_RETENTION, Recorded, retention_of};
pub use read::{LoggedEvent, read_log};
pub use sink::{AuditSink, MemorySink, Pruned};
pub use verify::{Damage, DamageKind, VerifyReport, verify};
pub use wire::{ANCHOR_FILE, HEAD_FILE};

#[cfg(test)]
mod tests;
