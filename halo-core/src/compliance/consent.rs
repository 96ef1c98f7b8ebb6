//! An append-only history of consent per data subject and purpose.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::ComplianceError;
use super::error::{check_text, text_problem};
use super::ledger_file::LedgerFile;
use crate::config::Config;

/// The longest subject id, in bytes.
pub const MAX_SUBJECT_BYTES: usize = 256;
/// The longest purpose name, in bytes.
pub const MAX_PURPOSE_BYTES: usize = 64;
/// The longest consent source, in bytes.
pub const MAX_SOURCE_BYTES: usize = 256;

/// Who consented to what, when, and where that was recorded: every grant
/// and withdrawal ever made, never edited.
///
/// Built from `compliance.gdpr.consent_management`
/// ([`from_config`](Self::from_config)) or with a
/// [`builder`](Self::builder); kept in memory, or in a JSON Lines file with
/// [`ConsentLedgerBuilder::open`] (see the [module docs](super#the-consent-ledger-file)).
///
/// Changes for one subject must come in time order: a change dated before
/// the subject's last recorded change fails with `compliance.out_of_order`,
/// so the past can never be rewritten. [`has_consent`](Self::has_consent)
/// answers for any instant from the latest change at or before it; two
/// changes at the same instant count in the order they were recorded.
/// Its `Debug` shows purposes and counts, not the history.
pub struct ConsentLedger {
    purposes: BTreeSet<String>,
    required: BTreeSet<String>,
    custom_purposes: bool,
    subjects: BTreeMap<String, Vec<ConsentEvent>>,
    file: Option<LedgerFile>,
}

/// Builds a [`ConsentLedger`].
#[derive(Debug, Clone, Default)]
pub struct ConsentLedgerBuilder {
    purposes: BTreeSet<String>,
    required: BTreeSet<String>,
    custom_purposes: bool,
}

/// One grant or withdrawal of consent, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ConsentEvent {
    /// The data subject's id (best a pseudonymous id, such as a blind
    /// index: the ledger is not encrypted).
    pub subject: String,
    /// The purpose (`marketing`, `profiling`, `data_sharing`, or a custom
    /// one).
    pub purpose: String,
    /// Granted or withdrawn.
    pub action: ConsentAction,
    /// When the subject made the change.
    pub at: Timestamp,
    /// Where the change was captured (`web_form`, `email_link`,
    /// `import:apollo`, ...): a label, not personal data.
    pub source: String,
}

/// What a [`ConsentEvent`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConsentAction {
    /// Consent was given.
    Grant,
    /// Consent was withdrawn.
    Withdraw,
}

impl ConsentLedger {
    /// An in-memory ledger for the purposes of
    /// `compliance.gdpr.consent_management.consent_types` (default
    /// `marketing`, `profiling`, `data_sharing`), all of them required when
    /// `consent_management.required` is true (the default).
    pub fn from_config(config: &Config) -> Result<Self, ComplianceError> {
        Self::builder_from_config(config).build()
    }

    /// A builder holding the purposes of [`from_config`](Self::from_config),
    /// to add more or to open a file.
    pub fn builder_from_config(config: &Config) -> ConsentLedgerBuilder {
        let consent = &config.compliance.gdpr.consent_management;
        let mut builder = Self::builder();
        for purpose in &consent.consent_types {
            builder = if consent.required {
                builder.require(purpose.clone())
            } else {
                builder.purpose(purpose.clone())
            };
        }
        builder
    }

    /// A builder with no purposes, none required, custom purposes refused.
    pub fn builder() -> ConsentLedgerBuilder {
        ConsentLedgerBuilder::default()
    }

    /// Records that `subject` granted consent for `purpose` at `at`,
    /// captured by `source`. With a file, the entry is written and synced
    /// before this returns.
    pub fn grant(
        &mut self,
        subject: &str,
        purpose: &str,
        at: Timestamp,
        source: &str,
    ) -> Result<(), ComplianceError> {
        self.record(subject, purpose, ConsentAction::Grant, at, source)
    }

    /// Records that `subject` withdrew consent for `purpose` at `at`,
    /// captured by `source`.
    pub fn withdraw(
        &mut self,
        subject: &str,
        purpose: &str,
        at: Timestamp,
        source: &str,
    ) -> Result<(), ComplianceError> {
        self.record(subject, purpose, ConsentAction::Withdraw, at, source)
    }

    /// Whether `subject` had consented to `purpose` at `at`: true when the
    /// latest change at or before `at` is a grant. No change means no
    /// consent.
    pub fn has_consent(
        &self,
        subject: &str,
        purpose: &str,
        at: Timestamp,
    ) -> Result<bool, ComplianceError> {
        self.check_purpose(purpose)?;
        Ok(self.consented(subject, purpose, at))
    }

    /// The required purposes `subject` had not consented to at `at`, in name
    /// order. Empty when consent is not required.
    pub fn missing_required(&self, subject: &str, at: Timestamp) -> Vec<&str> {
        self.required
            .iter()
            .filter(|purpose| !self.consented(subject, purpose, at))
            .map(String::as_str)
            .collect()
    }

    /// Every change recorded for `subject`, oldest first.
    pub fn history(&self, subject: &str) -> &[ConsentEvent] {
        self.subjects.get(subject).map_or(&[], Vec::as_slice)
    }

    /// The configured purposes, in name order.
    pub fn purposes(&self) -> impl Iterator<Item = &str> {
        self.purposes.iter().map(String::as_str)
    }

    /// The required purposes, in name order.
    pub fn required(&self) -> impl Iterator<Item = &str> {
        self.required.iter().map(String::as_str)
    }

    /// The number of changes recorded, for every subject.
    pub fn len(&self) -> usize {
        self.subjects.values().map(Vec::len).sum()
    }

    /// Whether no change has been recorded.
    pub fn is_empty(&self) -> bool {
        self.subjects.is_empty()
    }

    /// The ledger's file, when it has one.
    pub fn path(&self) -> Option<&Path> {
        self.file.as_ref().map(LedgerFile::path)
    }

    fn record(
        &mut self,
        subject: &str,
        purpose: &str,
        action: ConsentAction,
        at: Timestamp,
        source: &str,
    ) -> Result<(), ComplianceError> {
        check_text("subject id", subject, MAX_SUBJECT_BYTES)?;
        self.check_purpose(purpose)?;
        check_text("source", source, MAX_SOURCE_BYTES)?;
        if self.last_change(subject).is_some_and(|last| at < last) {
            return Err(ComplianceError::OutOfOrder);
        }

        let event = ConsentEvent {
            subject: subject.to_owned(),
            purpose: purpose.to_owned(),
            action,
            at,
            source: source.to_owned(),
        };
        if let Some(file) = &mut self.file {
            file.append(&event)?;
        }
        tracing::debug!(purpose, action = ?action, "consent change recorded");
        self.push(event);
        Ok(())
    }

    /// Adds a change read back from the file, with the checks `record`
    /// makes except that a purpose no longer configured is kept: it is
    /// history.
    pub(super) fn push_loaded(&mut self, event: ConsentEvent) -> Result<(), &'static str> {
        let texts_valid = text_problem(&event.subject, MAX_SUBJECT_BYTES).is_none()
            && text_problem(&event.source, MAX_SOURCE_BYTES).is_none();
        if !texts_valid {
            return Err("a subject id or source is empty, too long or holds control characters");
        }
        if check_purpose_name(&event.purpose).is_err() {
            return Err("the purpose is not a valid purpose name");
        }
        if self
            .last_change(&event.subject)
            .is_some_and(|last| event.at < last)
        {
            return Err("dated before the previous change of its subject");
        }
        self.push(event);
        Ok(())
    }

    fn push(&mut self, event: ConsentEvent) {
        self.subjects
            .entry(event.subject.clone())
            .or_default()
            .push(event);
    }

    fn last_change(&self, subject: &str) -> Option<Timestamp> {
        self.subjects.get(subject)?.last().map(|e| e.at)
    }

    fn consented(&self, subject: &str, purpose: &str, at: Timestamp) -> bool {
        self.history(subject)
            .iter()
            .rev()
            .find(|e| e.purpose == purpose && e.at <= at)
            .is_some_and(|e| e.action == ConsentAction::Grant)
    }

    fn check_purpose(&self, purpose: &str) -> Result<(), ComplianceError> {
        check_purpose_name(purpose)?;
        if self.custom_purposes || self.purposes.contains(purpose) {
            return Ok(());
        }
        Err(ComplianceError::UnknownPurpose {
            purpose: purpose.to_owned(),
        })
    }
}

impl ConsentLedgerBuilder {
    /// Adds a purpose consent can be given for, not required.
    pub fn purpose(mut self, purpose: impl Into<String>) -> Self {
        self.purposes.insert(purpose.into());
        self
    }

    /// Adds a purpose that [`ConsentLedger::missing_required`] reports when
    /// consent to it is missing.
    pub fn require(mut self, purpose: impl Into<String>) -> Self {
        let purpose = purpose.into();
        self.purposes.insert(purpose.clone());
        self.required.insert(purpose);
        self
    }

    /// Accepts any well-formed purpose name, not only the configured ones.
    /// Off by default, so that a typo (`marketting`) is an error rather
    /// than a purpose nobody ever asks about.
    pub fn allow_custom_purposes(mut self) -> Self {
        self.custom_purposes = true;
        self
    }

    /// An in-memory ledger. Fails with `compliance.invalid_input` when a
    /// purpose name is not 1 to 64 ASCII letters, digits, `_`, `-`, `.` or
    /// `:`.
    pub fn build(self) -> Result<ConsentLedger, ComplianceError> {
        for purpose in &self.purposes {
            check_purpose_name(purpose)?;
        }
        Ok(ConsentLedger {
            purposes: self.purposes,
            required: self.required,
            custom_purposes: self.custom_purposes,
            subjects: BTreeMap::new(),
            file: None,
        })
    }

    /// A ledger kept in the JSON Lines file at `path`, created if missing:
    /// the entries already there are read back first. Fails with
    /// `compliance.ledger_corrupt`, naming the line, if any line is not a
    /// valid entry.
    pub fn open(self, path: impl Into<PathBuf>) -> Result<ConsentLedger, ComplianceError> {
        let mut ledger = self.build()?;
        let file = LedgerFile::open(path.into(), |event| ledger.push_loaded(event))?;
        ledger.file = Some(file);
        Ok(ledger)
    }
}

/// A purpose name: 1 to 64 ASCII letters, digits, `_`, `-`, `.` or `:`.
fn check_purpose_name(purpose: &str) -> Result<(), ComplianceError> {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':');
    if purpose.is_empty() || purpose.len() > MAX_PURPOSE_BYTES {
        return Err(ComplianceError::invalid(
            "purpose",
            "it must be 1 to 64 bytes",
        ));
    }
    if !purpose.bytes().all(allowed) {
        return Err(ComplianceError::invalid(
            "purpose",
            "it may hold only ASCII letters, digits, `_`, `-`, `.` and `:`",
        ));
    }
    Ok(())
}

impl fmt::Debug for ConsentLedger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsentLedger")
            .field("purposes", &self.purposes)
            .field("required", &self.required)
            .field("custom_purposes", &self.custom_purposes)
            .field("subjects", &self.subjects.len())
            .field("changes", &self.len())
            .field("path", &self.path())
            .finish()
    }
}
