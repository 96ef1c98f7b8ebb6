//! The audit log: filtering by the configuration, masking, and one sink.

use std::fmt;
use std::path::Path;

use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use serde_json::{Value, json};

use super::{
    AuditAction, AuditCategory, AuditError, AuditEvent, AuditSink, ChainKey, FileSink, Pruned,
};
use crate::config::{AuditEvents, Config, Period, PeriodUnit};
use crate::crypto::FieldCipher;
use crate::masking::Masker;
use crate::secret::SecretSource;

/// The default retention: 365 days, the guide's value.
pub const DEFAULT_RETENTION: Period = Period::fixed(365, PeriodUnit::Days);

/// Records audit events: drops those the configuration turns off, masks
/// details, and hands the rest to its sink.
///
/// `Send` and `Sync`: share one log (in an `Arc`) between threads and tasks.
pub struct AuditLog {
    sink: Box<dyn AuditSink>,
    masker: Masker,
    enabled: bool,
    events: AuditEvents,
    retention: Period,
}

/// Builds an [`AuditLog`] in code. Defaults: every event on, the guide's
/// masker ([`Masker::default`]), retention 365 days; a sink is required.
#[must_use]
pub struct AuditLogBuilder {
    sink: Option<Box<dyn AuditSink>>,
    masker: Option<Masker>,
    enabled: bool,
    events: AuditEvents,
    retention: Period,
}

/// What [`AuditLog::record`] did with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Recorded {
    /// Written under this sequence number.
    Written {
        /// The entry's sequence number.
        seq: u64,
    },
    /// Not written: the configuration turns this event off.
    Skipped,
}

impl AuditLog {
    /// An empty builder.
    pub fn builder() -> AuditLogBuilder {
        AuditLogBuilder {
            sink: None,
            masker: None,
            enabled: true,
            events: AuditEvents::default(),
            retention: DEFAULT_RETENTION,
        }
    }

    /// The log of `security.auditing`, kept as a [`FileSink`] in `dir`.
    ///
    /// The chain key comes from `storage.chain_key` (`audit.no_chain_key`
    /// without one). With `storage.encryption` (the default), details are
    /// encrypted under the cipher of `security.encryption.at_rest`
    /// ([`FieldCipher::from_config`]); when that cannot be built this fails
    /// with `audit.crypto_failed` rather than writing details in clear.
    /// Details are masked by [`Masker::from_config_with`]. Retention is
    /// `storage.retention_days`, or `compliance.hipaa.audit_trails.retention`
    /// when HIPAA is configured and that is longer. Secrets are resolved
    /// through `source`. `storage.immutable: false` does not turn the chain
    /// off: the file log is always chained (posture reports the setting).
    pub fn from_config(
        config: &Config,
        dir: impl AsRef<Path>,
        source: &dyn SecretSource,
    ) -> Result<Self, AuditError> {
        let auditing = &config.security.auditing;
        let key = ChainKey::from_config(config, source)?;
        let mut sink = FileSink::builder(dir.as_ref(), key);
        if auditing.storage.encryption {
            let cipher =
                FieldCipher::from_config(config, source).map_err(|source| AuditError::Crypto {
                    action: "build the cipher",
                    source,
                })?;
            sink = sink.cipher(cipher);
        }
        let masker = Masker::from_config_with(config, source)
            .map_err(|source| AuditError::Masking { source })?;
        Self::builder()
            .sink(sink.open()?)
            .masker(masker)
            .enabled(auditing.enabled)
            .events(auditing.events.clone())
            .retention(retention_of(config))
            .build()
    }

    /// Records `event`: skips it when the configuration turns it off (see
    /// [`AuditLog::is_recorded`]), masks its details, and appends it.
    ///
    /// Fails with `audit.invalid_action` for a custom action name that
    /// [`AuditAction::custom`] refuses, or with the sink's error.
    pub fn record(&self, mut event: AuditEvent) -> Result<Recorded, AuditError> {
        if !event.action.is_valid() {
            return Err(AuditError::InvalidAction);
        }
        if !self.is_recorded(event.category, &event.action) {
            return Ok(Recorded::Skipped);
        }
        if !event.details.is_empty() {
            let mut details = Value::Object(std::mem::take(&mut event.details));
            self.masker.mask_record(&mut details);
            if let Value::Object(masked) = details {
                event.details = masked;
            }
        }
        let seq = self.sink.append(&event)?;
        Ok(Recorded::Written { seq })
    }

    /// Whether events of `category` and `action` are recorded:
    ///
    /// | event | recorded when |
    /// |---|---|
    /// | category `security`, or action `erase` or `prune` | always, even with `enabled: false` |
    /// | any other, with `enabled: false` | never |
    /// | action `login_attempt` | `events.authentication.login_attempts` |
    /// | action `login_failed` | `events.authentication.failed_logins` |
    /// | action `password_changed` | `events.authentication.password_changes` |
    /// | action `read` | `events.data_access.read_operations` |
    /// | action `write` | `events.data_access.write_operations` |
    /// | action `export` | `events.data_access.export_operations` |
    /// | action `config_update` | `events.configuration_changes.config_updates` |
    /// | action `permission_change` | `events.configuration_changes.user_permissions` |
    /// | a custom action | always (no flag names it) |
    ///
    /// The action decides, whatever the category (but `security`).
    pub fn is_recorded(&self, category: AuditCategory, action: &AuditAction) -> bool {
        if category == AuditCategory::Security
            || matches!(action, AuditAction::Erase | AuditAction::Prune)
        {
            return true;
        }
        if !self.enabled {
            return false;
        }
        let events = &self.events;
        match action {
            AuditAction::LoginAttempt => events.authentication.login_attempts,
            AuditAction::LoginFailed => events.authentication.failed_logins,
            AuditAction::PasswordChanged => events.authentication.password_changes,
            AuditAction::Read => events.data_access.read_operations,
            AuditAction::Write => events.data_access.write_operations,
            AuditAction::Export => events.data_access.export_operations,
            AuditAction::ConfigUpdate => events.configuration_changes.config_updates,
            AuditAction::PermissionChange => events.configuration_changes.user_permissions,
            AuditAction::Erase | AuditAction::Prune | AuditAction::Custom(_) => true,
        }
    }

    /// Makes everything recorded so far durable (or delivered).
    pub fn flush(&self) -> Result<(), AuditError> {
        self.sink.flush()
    }

    /// Removes history older than the retention period before `now`, and
    /// records a `security`/`prune` event (timed `now`) saying how many
    /// segments went and through which sequence number. The event is
    /// recorded on every call, also when nothing was removed.
    ///
    /// With a [`FileSink`], only whole closed segments whose newest entry is
    /// older than the cutoff are removed, oldest first; the segment being
    /// written is always kept, and the log must verify first
    /// (`audit.chain_broken` otherwise).
    pub fn prune(&self, now: Timestamp) -> Result<Pruned, AuditError> {
        let cutoff = cutoff(now, self.retention);
        let pruned = self.sink.prune(cutoff)?;
        let event = AuditEvent::new(AuditCategory::Security, AuditAction::Prune)
            .at(now)
            .outcome(super::AuditOutcome::Success)
            .detail("segments", json!(pruned.segments))
            .detail("through_seq", json!(pruned.through_seq))
            .detail("cutoff", json!(cutoff.to_string()));
        self.record(event)?;
        tracing::debug!(segments = pruned.segments, "audit log pruned");
        Ok(pruned)
    }

    /// How long history is kept.
    pub fn retention(&self) -> Period {
        self.retention
    }

    /// The sink.
    pub fn sink(&self) -> &dyn AuditSink {
        self.sink.as_ref()
    }
}

impl AuditLogBuilder {
    /// Where events go. Required.
    pub fn sink(mut self, sink: impl AuditSink + 'static) -> Self {
        self.sink = Some(Box::new(sink));
        self
    }

    /// The masker applied to details. Default [`Masker::default`].
    pub fn masker(mut self, masker: Masker) -> Self {
        self.masker = Some(masker);
        self
    }

    /// Whether non-security events are recorded at all. Default `true`.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = enabled;
        self
    }

    /// Which events are recorded. Default: all.
    pub fn events(mut self, events: AuditEvents) -> Self {
        self.events = events;
        self
    }

    /// How long history is kept. Default 365 days.
    pub fn retention(mut self, retention: Period) -> Self {
        self.retention = retention;
        self
    }

    /// The log. Fails with `audit.incomplete` without a sink.
    pub fn build(self) -> Result<AuditLog, AuditError> {
        Ok(AuditLog {
            sink: self.sink.ok_or(AuditError::Incomplete { what: "a sink" })?,
            masker: self.masker.unwrap_or_default(),
            enabled: self.enabled,
            events: self.events,
            retention: self.retention,
        })
    }
}

/// The configured retention: the longer of `storage.retention_days` and,
/// when HIPAA is configured with its audit trail on, its retention.
pub fn retention_of(config: &Config) -> Period {
    let own = config.security.auditing.storage.retention;
    match &config.compliance.hipaa {
        Some(hipaa) if hipaa.audit_trails.enabled => {
            let hipaa = hipaa.audit_trails.retention;
            if hipaa.min_days() > own.min_days() {
                hipaa
            } else {
                own
            }
        }
        _ => own,
    }
}

/// `now` minus `retention`, in UTC calendar arithmetic.
fn cutoff(now: Timestamp, retention: Period) -> Timestamp {
    let count = i64::from(retention.count());
    let span = match retention.unit() {
        PeriodUnit::Weeks => Span::new().try_weeks(count),
        PeriodUnit::Months => Span::new().try_months(count),
        PeriodUnit::Years => Span::new().try_years(count),
        _ => Span::new().try_days(count),
    };
    span.ok()
        .and_then(|span| now.to_zoned_datetime(TimeZone::UTC).checked_sub(span).ok())
        .map_or(Timestamp::MIN, |zoned| zoned.timestamp())
}

impl fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditLog")
            .field("enabled", &self.enabled)
            .field("events", &self.events)
            .field("retention", &self.retention)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for AuditLogBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditLogBuilder")
            .field("enabled", &self.enabled)
            .field("retention", &self.retention)
            .finish_non_exhaustive()
    }
}
