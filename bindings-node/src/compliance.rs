//! `RetentionPolicy`, `ConsentLedger`, `Exporter` and `eraseSubject`.
//!
//! Errors are thrown as `Error` objects with the core's `code`
//! (`compliance.unknown_entity`, `compliance.format_disabled`, ...). Times
//! are RFC 3339 strings in UTC. The arithmetic, the ledger file format and
//! the CSV neutralisation are the core's (`halo_core::compliance`).

use halo_core::compliance::{self as core, Expiry, SubjectCopy};
use halo_core::config::ExportFormat;
use napi::{Env, Result};
use napi_derive::napi;
use serde_json::Value;

use crate::audit::{AuditLog, timestamp};
use crate::config::Config;
use crate::crypto::SubjectKeys;
use crate::errors::{throw_compliance_error, throw_invalid_argument};

/// Where a record stands against its retention period.
#[napi(object)]
#[derive(Debug)]
pub struct ExpiryReport {
    /// `retained`, `expired` or `held`.
    pub status: String,
    /// When the period ends or ended (RFC 3339).
    pub expires_at: String,
    /// The legal hold's reason, for `held`.
    pub reason: Option<String>,
}

/// One grant or withdrawal of consent.
#[napi(object)]
#[derive(Debug)]
pub struct ConsentChange {
    /// The subject's (pseudonymous) id.
    pub subject: String,
    /// The purpose.
    pub purpose: String,
    /// `grant` or `withdraw`.
    pub action: String,
    /// When (RFC 3339).
    pub at: String,
    /// Where it was captured (`web_form`).
    pub source: String,
}

/// What `eraseSubject` did.
#[napi(object)]
#[derive(Debug)]
pub struct ErasureReport {
    /// The subject erased.
    pub subject: String,
    /// Who asked.
    pub actor: String,
    /// Whether a key was destroyed (false when there was none: a repeated
    /// request is harmless).
    pub key_destroyed: bool,
    /// When (RFC 3339).
    pub erased_at: String,
}

/// Retention periods per entity, with legal holds kept in memory.
#[napi]
#[derive(Debug)]
pub struct RetentionPolicy {
    inner: core::RetentionPolicy,
}

/// Consent grants and withdrawals per subject, in memory or in a JSON
/// Lines file (not encrypted: use pseudonymous subject ids).
#[napi]
#[derive(Debug)]
pub struct ConsentLedger {
    inner: core::ConsentLedger,
}

/// Writes a subject's data as a JSON or CSV document.
#[napi]
#[derive(Debug)]
pub struct Exporter {
    inner: core::Exporter,
}

#[napi]
impl RetentionPolicy {
    /// The periods of `compliance` in `config` (default: the guide's:
    /// leads and prospects 7 years, opportunities 10).
    #[napi(factory)]
    pub fn from_config(config: Option<&Config>) -> Self {
        let config = config.map(Config::inner).cloned().unwrap_or_default();
        Self {
            inner: core::RetentionPolicy::from_config(&config),
        }
    }

    /// The entities with a period, in name order.
    #[napi(getter)]
    pub fn entities(&self) -> Vec<String> {
        self.inner.entities().map(str::to_owned).collect()
    }

    /// When a record of `entity` created at `createdAt` expires, holds
    /// ignored; throws `compliance.unknown_entity`.
    #[napi]
    pub fn expires_at(&self, env: Env, entity: String, created_at: String) -> Result<String> {
        let created = instant(&env, &created_at)?;
        let at = self.inner.expires_at(&entity, created);
        Ok(at
            .map_err(|e| throw_compliance_error(&env, &e))?
            .to_string())
    }

    /// Where record `recordId` of `entity` stands at `now` (default now).
    #[napi]
    pub fn is_expired(
        &self,
        env: Env,
        entity: String,
        record_id: String,
        created_at: String,
        now: Option<String>,
    ) -> Result<ExpiryReport> {
        let created = instant(&env, &created_at)?;
        let now = timestamp(now.as_deref()).map_err(|m| throw_invalid_argument(&env, m))?;
        let expiry = self.inner.is_expired(&entity, &record_id, created, now);
        Ok(
            match expiry.map_err(|e| throw_compliance_error(&env, &e))? {
                Expiry::Retained { expires_at } => report("retained", expires_at, None),
                Expiry::Expired { expired_at } => report("expired", expired_at, None),
                Expiry::Held { expires_at, reason } => report("held", expires_at, Some(reason)),
                _ => return Err(throw_invalid_argument(&env, "unknown expiry")),
            },
        )
    }

    /// Places a legal hold on `recordId`; returns whether one was replaced.
    #[napi]
    pub fn place_hold(&mut self, env: Env, record_id: String, reason: String) -> Result<bool> {
        let placed = self.inner.place_hold(record_id, reason);
        Ok(placed
            .map_err(|e| throw_compliance_error(&env, &e))?
            .is_some())
    }

    /// Releases the hold on `recordId`; returns whether there was one.
    #[napi]
    pub fn release_hold(&mut self, record_id: String) -> bool {
        self.inner.release_hold(&record_id).is_some()
    }
}

#[napi]
impl ConsentLedger {
    /// The purposes of `compliance.gdpr.consent_management` in `config`
    /// (default: `marketing`, `profiling`, `data_sharing`, all required),
    /// kept in the file at `path` (read back first) or in memory.
    #[napi(factory)]
    pub fn from_config(env: Env, config: Option<&Config>, path: Option<String>) -> Result<Self> {
        let config = config.map(Config::inner).cloned().unwrap_or_default();
        let builder = core::ConsentLedger::builder_from_config(&config);
        let ledger = match path {
            Some(path) => builder.open(path),
            None => builder.build(),
        };
        Ok(Self {
            inner: ledger.map_err(|e| throw_compliance_error(&env, &e))?,
        })
    }

    /// Records a grant (written and synced first with a file).
    #[napi]
    pub fn grant(
        &mut self,
        env: Env,
        subject: String,
        purpose: String,
        at: String,
        source: String,
    ) -> Result<()> {
        let at = instant(&env, &at)?;
        let granted = self.inner.grant(&subject, &purpose, at, &source);
        granted.map_err(|e| throw_compliance_error(&env, &e))
    }

    /// Records a withdrawal.
    #[napi]
    pub fn withdraw(
        &mut self,
        env: Env,
        subject: String,
        purpose: String,
        at: String,
        source: String,
    ) -> Result<()> {
        let at = instant(&env, &at)?;
        let withdrawn = self.inner.withdraw(&subject, &purpose, at, &source);
        withdrawn.map_err(|e| throw_compliance_error(&env, &e))
    }

    /// Whether `subject` had consented to `purpose` at `at` (default now).
    #[napi]
    pub fn has_consent(
        &self,
        env: Env,
        subject: String,
        purpose: String,
        at: Option<String>,
    ) -> Result<bool> {
        let at = timestamp(at.as_deref()).map_err(|m| throw_invalid_argument(&env, m))?;
        let has = self.inner.has_consent(&subject, &purpose, at);
        has.map_err(|e| throw_compliance_error(&env, &e))
    }

    /// The required purposes `subject` lacked consent for at `at`.
    #[napi]
    pub fn missing_required(
        &self,
        env: Env,
        subject: String,
        at: Option<String>,
    ) -> Result<Vec<String>> {
        let at = timestamp(at.as_deref()).map_err(|m| throw_invalid_argument(&env, m))?;
        let missing = self.inner.missing_required(&subject, at);
        Ok(missing.into_iter().map(str::to_owned).collect())
    }

    /// Every change recorded for `subject`, oldest first.
    #[napi]
    pub fn history(&self, subject: String) -> Vec<ConsentChange> {
        let history = self.inner.history(&subject);
        history.iter().map(change).collect()
    }
}

#[napi]
impl Exporter {
    /// An exporter allowing `formats` (`'json'`, `'csv'`).
    #[napi(constructor)]
    pub fn new(env: Env, formats: Vec<String>) -> Result<Self> {
        let formats = formats.iter().map(|f| format(&env, f));
        Ok(Self {
            inner: core::Exporter::new(formats.collect::<Result<Vec<_>>>()?),
        })
    }

    /// The exporter of `compliance.gdpr.data_portability` (default: JSON
    /// and CSV enabled).
    #[napi(factory)]
    pub fn from_config(config: Option<&Config>) -> Self {
        let config = config.map(Config::inner).cloned().unwrap_or_default();
        Self {
            inner: core::Exporter::from_config(&config),
        }
    }

    /// The document for `subject` holding `records` and, with `ledger`, the
    /// subject's consent history. CSV cells that a spreadsheet would run as
    /// a formula are neutralised. Throws `compliance.format_disabled`,
    /// `compliance.portability_disabled` or `compliance.column_collision`.
    #[napi]
    pub fn export(
        &self,
        env: Env,
        subject: String,
        records: Vec<Value>,
        #[napi(ts_arg_type = "'json' | 'csv'")] format_name: String,
        ledger: Option<&ConsentLedger>,
    ) -> Result<String> {
        let format = format(&env, &format_name)?;
        let copy = match ledger {
            Some(ledger) => SubjectCopy::from_ledger(&ledger.inner, subject, records),
            None => SubjectCopy::new(subject, records),
        };
        let document = self.inner.export(&copy, format);
        document.map_err(|e| throw_compliance_error(&env, &e))
    }
}

/// Destroys `subject`'s data key in `keys` (every envelope of the subject
/// becomes unreadable) and, with `audit`, records the erasure. Throws
/// `compliance.erasure_failed` or `compliance.audit_failed`.
#[napi]
pub fn erase_subject(
    env: Env,
    keys: &SubjectKeys,
    subject: String,
    actor: String,
    at: Option<String>,
    audit: Option<&AuditLog>,
) -> Result<ErasureReport> {
    let at = timestamp(at.as_deref()).map_err(|m| throw_invalid_argument(&env, m))?;
    let log = audit.map(AuditLog::shared);
    let erased = core::erase_subject(keys.inner(), &subject, &actor, at, log.as_deref());
    let erased = erased.map_err(|e| throw_compliance_error(&env, &e))?;
    Ok(ErasureReport {
        subject: erased.subject().to_owned(),
        actor: erased.actor().to_owned(),
        key_destroyed: erased.key_destroyed(),
        erased_at: erased.erased_at().to_string(),
    })
}

/// The cell as written to a CSV export: a leading `'` before `=`, `+`,
/// `-`, `@`, tab or carriage return (OWASP "CSV Injection").
#[napi]
pub fn neutralise_cell(cell: String) -> String {
    core::neutralise_cell(&cell).into_owned()
}

fn report(status: &str, at: jiff::Timestamp, reason: Option<String>) -> ExpiryReport {
    ExpiryReport {
        status: status.to_owned(),
        expires_at: at.to_string(),
        reason,
    }
}

fn change(event: &core::ConsentEvent) -> ConsentChange {
    let action = match event.action {
        core::ConsentAction::Grant => "grant",
        core::ConsentAction::Withdraw => "withdraw",
        _ => "unknown",
    };
    ConsentChange {
        subject: event.subject.clone(),
        purpose: event.purpose.clone(),
        action: action.to_owned(),
        at: event.at.to_string(),
        source: event.source.clone(),
    }
}

fn instant(env: &Env, text: &str) -> Result<jiff::Timestamp> {
    timestamp(Some(text)).map_err(|m| throw_invalid_argument(env, m))
}

fn format(env: &Env, name: &str) -> Result<ExportFormat> {
    ExportFormat::from_name(name)
        .ok_or_else(|| throw_invalid_argument(env, "export format must be json or csv"))
}
