//! GDPR and HIPAA helpers: retention periods with legal holds, a consent
//! ledger, subject data exports (JSON and CSV) and erasure by
//! crypto-shredding.
//!
//! Every piece is built from the `compliance` section of the configuration
//! ([`RetentionPolicy::from_config`], [`ConsentLedger::from_config`],
//! [`Exporter::from_config`]) or in code. The module answers questions and
//! writes documents; it does not delete records, schedule sweeps, talk to
//! HaloPSA or decide what a lawful basis is. Those stay with the
//! application.
//!
//! Defaults, all from the configuration's: `leads` and `prospects` are kept
//! 7 years and `opportunities` 10 years; with a `hipaa` section, its audit
//! trail 6 years; consent is asked for `marketing`, `profiling` and
//! `data_sharing`, all required; custom purposes are refused unless the
//! builder allows them; exports are enabled in JSON and CSV.
//!
//! ```
//! use halo_core::compliance::{ConsentLedger, Expiry, RetentionPolicy};
//! use halo_core::config::Config;
//!
//! let config = Config::default();
//! let mut retention = RetentionPolicy::from_config(&config);
//! let created: jiff::Timestamp = "2020-02-29T12:00:00Z".parse()?;
//! assert_eq!(retention.expires_at("leads", created)?.to_string(), "2027-02-28T12:00:00Z");
//! retention.place_hold("lead-7", "litigation 2026-17")?;
//! let now: jiff::Timestamp = "2030-01-01T00:00:00Z".parse()?;
//! assert!(retention.is_expired("leads", "lead-7", created, now)?.is_held());
//!
//! let mut ledger = ConsentLedger::from_config(&config)?;
//! let at: jiff::Timestamp = "2026-03-01T09:00:00Z".parse()?;
//! ledger.grant("bi:3kTx0q", "marketing", at, "web_form")?;
//! assert!(ledger.has_consent("bi:3kTx0q", "marketing", at)?);
//! assert_eq!(ledger.missing_required("bi:3kTx0q", at), ["data_sharing", "profiling"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Retention arithmetic
//!
//! A record expires at its creation instant plus its entity's
//! [`Period`](crate::config::Period), computed in UTC:
//!
//! - days and weeks are exact multiples of 24 hours (UTC has no daylight
//!   saving, so a calendar day is always 24 hours);
//! - months and years move the calendar date and keep the time of day;
//!   when the day does not exist in the target month, it is clamped to that
//!   month's last day. So 7 years from 2020-02-29 is 2027-02-28, 1 month
//!   from 2026-01-31 is 2026-02-28, and 1 month from 2026-03-31 is
//!   2026-04-30. 4 years from 2020-02-29 is 2024-02-29. This is the rule of
//!   `jiff`, PostgreSQL intervals and Java's `plusYears`. It ends such a
//!   period on 28 February rather than 1 March; where a legal minimum must
//!   not fall a day short, give the period in days instead.
//!
//! A record is expired from its expiry instant on (`now >= expires_at`).
//! An entity without a period is an error (`compliance.unknown_entity`),
//! never "keep forever".
//!
//! # HIPAA
//!
//! When `compliance.hipaa` is present and its `audit_trails.enabled` is
//! true (the default), `audit_trails.retention` (default 6 years) becomes
//! the period of the entity [`HIPAA_AUDIT_TRAIL`] (`hipaa_audit_trail`).
//! It does not stretch any GDPR entity. If `data_retention` also lists
//! `hipaa_audit_trail`, both periods apply and the longer one wins, for
//! each creation date (the same holds for any entity given several periods
//! through [`RetentionPolicyBuilder::retain`]).
//!
//! # Legal holds
//!
//! [`RetentionPolicy::place_hold`] marks one record id as held with a
//! reason; [`RetentionPolicy::is_expired`] then answers
//! [`Expiry::Held`] whatever the date, until
//! [`release_hold`](RetentionPolicy::release_hold). Holds are kept in
//! memory only; the application persists them.
//!
//! # The consent ledger file
//!
//! [`ConsentLedgerBuilder::open`] keeps the ledger in a JSON Lines file:
//! one change per line, terminated by `\n`, appended in a single write and
//! synced (`fdatasync`) before `grant` or `withdraw` returns; on Unix the
//! file is created with mode `0600`. A write that fails is cut off again;
//! a sync that fails leaves the entry in the file (reopening reads it) but
//! not in the open ledger, and the change returns `compliance.ledger_io`.
//! A line looks like:
//!
//! ```text
//! {"subject":"bi:3kTx0q","purpose":"marketing","action":"grant","at":"2026-03-01T09:00:00Z","source":"web_form"}
//! ```
//!
//! Opening reads every line back. A line that is empty, not JSON, not an
//! entry, dated before the previous change of its subject, or not
//! terminated (a write interrupted by a crash) fails with
//! `compliance.ledger_corrupt` and its line number; the content is never
//! echoed. Repair is deliberately manual: inspect the file, then remove or
//! fix the line.
//!
//! **The file is not encrypted.** Use a pseudonymous subject id, such as a
//! [`BlindIndex`](crate::crypto::BlindIndex) of the email, never the email
//! itself, and keep sources to labels (`web_form`), not free text. The
//! ledger is evidence of consent (GDPR Article 7(1)) and is not erased by
//! [`erase_subject`].
//!
//! The whole ledger is held in memory, and only one process may write a
//! file at a time: a second writer's changes are not seen by the first
//! until it reopens the file, and there is no file lock.
//!
//! # Exports
//!
//! [`Exporter::export`] writes a [`SubjectCopy`] (records as JSON values,
//! plus consent history). Formats come from
//! `compliance.gdpr.data_portability`; a format not listed, or
//! `enabled: false`, is an error.
//!
//! - **JSON**: `{"subject": ..., "records": [...], "consent": [{"purpose",
//!   "action", "at", "source"}]}`, pretty-printed, records exactly as given.
//! - **CSV** (RFC 4180, written by the `csv` crate): a header row, then one
//!   row per record, then one row per consent change. Record fields are
//!   flattened under `record.` with dotted names (`record.address.city`,
//!   array items as `record.tags.0`); an empty object or array is the cell
//!   `{}` or `[]`, `null` an empty cell, numbers and booleans their JSON
//!   text. Columns are the record columns in byte order, then
//!   `consent.purpose`, `consent.action`, `consent.at`, `consent.source`;
//!   a row leaves the columns it lacks empty. Two fields of one record that
//!   flatten to the same name (`{"a.b": 1, "a": {"b": 2}}`) are an error.
//!   Every cell, header cells included, goes through [`neutralise_cell`]:
//!   a cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets a
//!   leading `'`, following OWASP's "CSV Injection" guidance
//!   (<https://owasp.org/www-community/attacks/CSV_Injection>). Negative
//!   numbers are no exception (`-5` is written `'-5`); the JSON export is
//!   the lossless one. CSV cannot tell `null` from `""` nor a number from
//!   its text.
//!
//! # Erasure
//!
//! [`erase_subject`] destroys the subject's data key through
//! [`SubjectKeys::forget`](crate::crypto::SubjectKeys::forget), returns an
//! [`Erasure`] report, and records [`Erasure::audit_event`] in the
//! [`AuditLog`](crate::audit::AuditLog) it is given (category
//! `data_access`, action `erase`, which the audit log records even when
//! auditing is otherwise off). A failed erasure is recorded as a `failure`
//! event. What is erased, precisely:
//!
//! - the wrapped data key in the key store (a file deleted, or a map entry
//!   removed). Every envelope encrypted for the subject stays where it is,
//!   as ciphertext, but can no longer be decrypted by anyone:
//!   `crypto.subject_forgotten`.
//!
//! What is **not** erased:
//!
//! - fields that were never encrypted with the subject's key (plaintext
//!   columns, fields outside `encrypted_fields`, data under the shared
//!   keyring);
//! - copies in HaloPSA, which holds its own plaintext records;
//! - backups and snapshots of the key store taken before the erasure (a
//!   restored backup brings the key back), and an SSD's spare blocks;
//! - logs, exports already handed out, and caches;
//! - blind indexes of the subject's email or phone, which still match the
//!   same value;
//! - the consent ledger, kept as evidence.
//!
//! # Speed
//!
//! `benches/compliance.rs`, on a shared 2-core x86-64 machine under load
//! (medians): a CSV export of 100 nested records and 100 consent changes
//! takes about 1.5 ms, the same as JSON about 0.25 ms; `has_consent` over
//! a subject's 100 changes about 0.47 µs; `expires_at` about 0.22 µs; a
//! synced `grant` to a ledger file about 0.5 ms (one `fdatasync`, so the
//! disk decides).

mod consent;
mod erasure;
mod error;
mod export;
mod flatten;
mod ledger_file;
mod retention;
#[cfg(test)]
mod tests;

pub use consent::{
    ConsentAction, ConsentEvent, ConsentLedger, ConsentLedgerBuilder, MAX_PURPOSE_BYTES,
    MAX_SOURCE_BYTES, MAX_SUBJECT_BYTES,
};
pub use erasure::{Erasure, erase_subject};
pub use error::ComplianceError;
pub use export::{Exporter, SubjectCopy};
pub use flatten::{FORMULA_TRIGGERS, neutralise_cell};
pub use retention::{
    Expiry, HIPAA_AUDIT_TRAIL, LegalHold, RetentionPolicy, RetentionPolicyBuilder,
};
