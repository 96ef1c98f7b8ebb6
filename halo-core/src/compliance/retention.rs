//! How long each kind of record is kept, and legal holds that stop the clock.

use std::collections::BTreeMap;

use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

use super::ComplianceError;
use super::error::check_text;
use crate::config::{Config, Period, PeriodUnit};

/// The entity under which [`RetentionPolicy::from_config`] keeps
/// `compliance.hipaa.audit_trails.retention`.
pub const HIPAA_AUDIT_TRAIL: &str = "hipaa_audit_trail";

/// The longest record id a hold accepts, in bytes.
const MAX_RECORD_ID_BYTES: usize = 256;
/// The longest hold reason, in bytes.
const MAX_REASON_BYTES: usize = 1_024;

/// Retention periods by entity (`leads`, `prospects`, `opportunities`, ...)
/// and the legal holds placed on single records.
///
/// A record of an entity expires at its creation time plus the entity's
/// period, computed as calendar arithmetic in UTC (see the
/// [module docs](super#retention-arithmetic)). An entity with several
/// periods is kept for the longest of them. A record under a legal hold
/// never expires while the hold stands.
///
/// Holds live in memory only: persist [`holds`](Self::holds) yourself and
/// place them again after a restart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionPolicy {
    periods: BTreeMap<String, Vec<Period>>,
    holds: BTreeMap<String, LegalHold>,
}

/// Builds a [`RetentionPolicy`] in code.
#[derive(Debug, Clone, Default)]
pub struct RetentionPolicyBuilder {
    periods: BTreeMap<String, Vec<Period>>,
}

/// Why a record must be kept regardless of its retention period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalHold {
    reason: String,
}

/// Where a record stands against its retention period.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expiry {
    /// The record is within its retention period.
    Retained {
        /// When the period ends.
        expires_at: Timestamp,
    },
    /// The retention period has ended (at or before the time asked about):
    /// the record is due for deletion.
    Expired {
        /// When the period ended.
        expired_at: Timestamp,
    },
    /// The record is under a legal hold and must be kept, whatever its
    /// period says.
    Held {
        /// When the period ends or ended.
        expires_at: Timestamp,
        /// The hold's reason.
        reason: String,
    },
}

impl RetentionPolicy {
    /// The policy of the configuration: every entry of
    /// `compliance.gdpr.data_retention` (default `leads` and `prospects` 7
    /// years, `opportunities` 10 years), plus, when `compliance.hipaa` is
    /// present with `audit_trails.enabled`, its `audit_trails.retention`
    /// (default 6 years) under [`HIPAA_AUDIT_TRAIL`]. If `data_retention`
    /// also names that entity, the longer of the two periods applies.
    pub fn from_config(config: &Config) -> Self {
        Self::builder_from_config(config).build()
    }

    /// A builder holding the periods of [`from_config`](Self::from_config),
    /// to add more.
    pub fn builder_from_config(config: &Config) -> RetentionPolicyBuilder {
        let compliance = &config.compliance;
        let mut builder = Self::builder();
        for (entity, period) in &compliance.gdpr.data_retention {
            builder = builder.retain(entity.clone(), *period);
        }
        if let Some(hipaa) = compliance.hipaa.as_ref().filter(|h| h.audit_trails.enabled) {
            builder = builder.retain(HIPAA_AUDIT_TRAIL, hipaa.audit_trails.retention);
        }
        builder
    }

    /// An empty builder: no entity has a period until one is added.
    pub fn builder() -> RetentionPolicyBuilder {
        RetentionPolicyBuilder::default()
    }

    /// The entities that have a period, in name order.
    pub fn entities(&self) -> impl Iterator<Item = &str> {
        self.periods.keys().map(String::as_str)
    }

    /// The periods of `entity` (more than one when several sources set it).
    pub fn periods(&self, entity: &str) -> Result<&[Period], ComplianceError> {
        self.periods
            .get(entity)
            .map(Vec::as_slice)
            .ok_or_else(|| ComplianceError::UnknownEntity {
                entity: entity.to_owned(),
            })
    }

    /// When a record of `entity` created at `created_at` expires, ignoring
    /// holds. Fails with `compliance.unknown_entity` for an entity without a
    /// period: an unlisted entity never silently means "keep forever".
    pub fn expires_at(
        &self,
        entity: &str,
        created_at: Timestamp,
    ) -> Result<Timestamp, ComplianceError> {
        let mut latest = None;
        for period in self.periods(entity)? {
            let end = add_period(created_at, *period)?;
            latest = Some(latest.map_or(end, |l: Timestamp| l.max(end)));
        }
        latest.ok_or_else(|| ComplianceError::UnknownEntity {
            entity: entity.to_owned(),
        })
    }

    /// Where the record `record_id` of `entity`, created at `created_at`,
    /// stands at `now`: held, expired (`now` at or after the end of its
    /// period) or retained.
    pub fn is_expired(
        &self,
        entity: &str,
        record_id: &str,
        created_at: Timestamp,
        now: Timestamp,
    ) -> Result<Expiry, ComplianceError> {
        let expires_at = self.expires_at(entity, created_at)?;
        if let Some(hold) = self.holds.get(record_id) {
            return Ok(Expiry::Held {
                expires_at,
                reason: hold.reason.clone(),
            });
        }
        Ok(if now >= expires_at {
            Expiry::Expired {
                expired_at: expires_at,
            }
        } else {
            Expiry::Retained { expires_at }
        })
    }

    /// Places a legal hold on `record_id` (an opaque record id, not personal
    /// data) with a non-empty `reason`; returns the hold it replaced, if any.
    /// Ids and reasons are at most 256 and 1024 bytes, without control
    /// characters.
    pub fn place_hold(
        &mut self,
        record_id: impl Into<String>,
        reason: impl Into<String>,
    ) -> Result<Option<LegalHold>, ComplianceError> {
        let (record_id, reason) = (record_id.into(), reason.into());
        check_text("record id", &record_id, MAX_RECORD_ID_BYTES)?;
        check_text("hold reason", &reason, MAX_REASON_BYTES)?;
        Ok(self.holds.insert(record_id, LegalHold { reason }))
    }

    /// Releases the hold on `record_id`; returns it, or `None` if there was
    /// none. The record's period applies again from then on.
    pub fn release_hold(&mut self, record_id: &str) -> Option<LegalHold> {
        self.holds.remove(record_id)
    }

    /// The hold on `record_id`, if any.
    pub fn hold(&self, record_id: &str) -> Option<&LegalHold> {
        self.holds.get(record_id)
    }

    /// Every hold with its record id, in id order.
    pub fn holds(&self) -> impl Iterator<Item = (&str, &LegalHold)> {
        self.holds.iter().map(|(id, hold)| (id.as_str(), hold))
    }
}

impl RetentionPolicyBuilder {
    /// Adds `period` for `entity`. Given more than one period, an entity is
    /// kept for the longest of them.
    pub fn retain(mut self, entity: impl Into<String>, period: Period) -> Self {
        self.periods.entry(entity.into()).or_default().push(period);
        self
    }

    /// The policy, with no holds.
    pub fn build(self) -> RetentionPolicy {
        RetentionPolicy {
            periods: self.periods,
            holds: BTreeMap::new(),
        }
    }
}

impl LegalHold {
    /// Why the record is held.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl Expiry {
    /// Whether the record is due for deletion (never while held).
    pub fn is_expired(&self) -> bool {
        matches!(self, Self::Expired { .. })
    }

    /// Whether the record is under a legal hold.
    pub fn is_held(&self) -> bool {
        matches!(self, Self::Held { .. })
    }
}

/// `start + period` in UTC: days and weeks are exact multiples of 24 hours;
/// months and years move the calendar date and keep the time of day, with a
/// day that does not exist in the target month clamped to that month's last
/// day.
fn add_period(start: Timestamp, period: Period) -> Result<Timestamp, ComplianceError> {
    let count = i64::from(period.count());
    let span = match period.unit() {
        PeriodUnit::Days => Span::new().try_days(count),
        PeriodUnit::Weeks => Span::new().try_weeks(count),
        PeriodUnit::Months => Span::new().try_months(count),
        PeriodUnit::Years => Span::new().try_years(count),
    }
    .map_err(|_| ComplianceError::DateOutOfRange)?;

    start
        .to_zoned_datetime(TimeZone::UTC)
        .checked_add(span)
        .map(|end| end.timestamp())
        .map_err(|_| ComplianceError::DateOutOfRange)
}
