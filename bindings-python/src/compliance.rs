//! `halo_core.RetentionPolicy`, `ConsentLedger`, `Exporter` and
//! `erase_subject`. Instants are timezone-aware `datetime`s.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::SystemTime;

use halo_core::compliance as core;
use halo_core::config::{ExportFormat, Period};
use jiff::Timestamp;
use pyo3::prelude::*;
use serde_json::Value;

use crate::audit::{AuditLog, system_time, timestamp};
use crate::config::Config;
use crate::crypto::SubjectKeys;
use crate::errors::{compliance_error, value_error};
use crate::lead::to_json;

/// Retention periods per entity, with legal holds (kept in memory).
#[pyclass(module = "halo_core")]
pub(crate) struct RetentionPolicy {
    inner: core::RetentionPolicy,
}

/// Whether a record is past its retention: `kind` is `retained`, `expired`
/// or `held`; `at` is when it expires (or expired).
#[pyclass(module = "halo_core", frozen, get_all)]
pub(crate) struct Expiry {
    kind: &'static str,
    at: SystemTime,
    reason: Option<String>,
}

/// Consent per data subject and purpose, in memory or in a synced file.
#[pyclass(module = "halo_core")]
pub(crate) struct ConsentLedger {
    inner: core::ConsentLedger,
}

/// Writes a subject's data as a JSON or CSV document.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct Exporter {
    inner: core::Exporter,
}

/// What `erase_subject` did.
#[pyclass(module = "halo_core", frozen, get_all)]
pub(crate) struct Erasure {
    subject: String,
    actor: String,
    key_destroyed: bool,
    erased_at: SystemTime,
}

#[pymethods]
impl RetentionPolicy {
    /// The periods of `config.compliance` (the default configuration when
    /// omitted), or, with `periods` (entity to `"7_years"`-style periods),
    /// only those.
    #[new]
    #[pyo3(signature = (config = None, *, periods = None))]
    fn new(
        config: Option<PyRef<'_, Config>>,
        periods: Option<BTreeMap<String, Vec<String>>>,
    ) -> PyResult<Self> {
        let mut builder = match (&config, &periods) {
            (_, Some(_)) => core::RetentionPolicy::builder(),
            (Some(config), None) => core::RetentionPolicy::builder_from_config(config.inner()),
            (None, None) => {
                core::RetentionPolicy::builder_from_config(&halo_core::Config::default())
            }
        };
        for (entity, texts) in periods.unwrap_or_default() {
            for text in texts {
                let period: Period = text
                    .parse()
                    .map_err(|reason: &str| value_error(format!("{entity}: {reason}")))?;
                builder = builder.retain(entity.clone(), period);
            }
        }
        Ok(Self {
            inner: builder.build(),
        })
    }

    /// The entities with a period.
    #[getter]
    fn entities(&self) -> Vec<String> {
        self.inner.entities().map(str::to_owned).collect()
    }

    /// When a record of `entity` created at `created_at` expires (the
    /// longest of its periods).
    fn expires_at(&self, entity: &str, created_at: SystemTime) -> PyResult<SystemTime> {
        let at = self.inner.expires_at(entity, timestamp(created_at)?);
        system_time(at.map_err(|e| compliance_error(&e))?)
    }

    /// Whether record `record_id` of `entity` is expired at `now` (default:
    /// the current time); a held record is `held` whatever the date.
    #[pyo3(signature = (entity, record_id, created_at, now = None))]
    fn is_expired(
        &self,
        entity: &str,
        record_id: &str,
        created_at: SystemTime,
        now: Option<SystemTime>,
    ) -> PyResult<Expiry> {
        let now = now.map_or_else(|| Ok(Timestamp::now()), timestamp)?;
        let expiry = self
            .inner
            .is_expired(entity, record_id, timestamp(created_at)?, now)
            .map_err(|e| compliance_error(&e))?;
        match expiry {
            core::Expiry::Expired { expired_at } => Expiry::of("expired", expired_at, None),
            core::Expiry::Held { expires_at, reason } => {
                Expiry::of("held", expires_at, Some(reason))
            }
            core::Expiry::Retained { expires_at } => Expiry::of("retained", expires_at, None),
            _ => Err(value_error("unknown expiry".to_owned())),
        }
    }

    /// Holds `record_id` (it never expires) until released.
    fn place_hold(&mut self, record_id: String, reason: String) -> PyResult<()> {
        self.inner
            .place_hold(record_id, reason)
            .map(drop)
            .map_err(|e| compliance_error(&e))
    }

    /// Releases a hold; returns its reason, or `None` if there was none.
    fn release_hold(&mut self, record_id: &str) -> Option<String> {
        self.inner
            .release_hold(record_id)
            .map(|h| h.reason().to_owned())
    }

    /// The reason `record_id` is held, if it is.
    fn hold(&self, record_id: &str) -> Option<String> {
        self.inner.hold(record_id).map(|h| h.reason().to_owned())
    }
}

#[pymethods]
impl Expiry {
    fn __repr__(&self) -> String {
        format!("Expiry(kind={:?})", self.kind)
    }
}

#[pymethods]
impl ConsentLedger {
    /// The purposes of `config.compliance.gdpr.consent_management` (the
    /// default configuration when omitted), or, with `purposes` and
    /// `required`, only those. With `path` the ledger is read from and
    /// appended to that file.
    #[new]
    #[pyo3(signature = (
        config = None, *, path = None, purposes = None, required = None,
        allow_custom_purposes = false,
    ))]
    fn new(
        py: Python<'_>,
        config: Option<PyRef<'_, Config>>,
        path: Option<PathBuf>,
        purposes: Option<Vec<String>>,
        required: Option<Vec<String>>,
        allow_custom_purposes: bool,
    ) -> PyResult<Self> {
        let code_first = purposes.is_some() || required.is_some();
        let mut builder = match (&config, code_first) {
            (_, true) => core::ConsentLedger::builder(),
            (Some(config), false) => core::ConsentLedger::builder_from_config(config.inner()),
            (None, false) => {
                core::ConsentLedger::builder_from_config(&halo_core::Config::default())
            }
        };
        for purpose in purposes.unwrap_or_default() {
            builder = builder.purpose(purpose);
        }
        for purpose in required.unwrap_or_default() {
            builder = builder.require(purpose);
        }
        if allow_custom_purposes {
            builder = builder.allow_custom_purposes();
        }
        let ledger = match path {
            Some(path) => py.detach(move || builder.open(path)),
            None => builder.build(),
        };
        Ok(Self {
            inner: ledger.map_err(|e| compliance_error(&e))?,
        })
    }

    /// Records consent to `purpose` at `at` (default: now) from `source`.
    #[pyo3(signature = (subject, purpose, source, at = None))]
    fn grant(
        &mut self,
        subject: &str,
        purpose: &str,
        source: &str,
        at: Option<SystemTime>,
    ) -> PyResult<()> {
        let at = at.map_or_else(|| Ok(Timestamp::now()), timestamp)?;
        self.inner
            .grant(subject, purpose, at, source)
            .map_err(|e| compliance_error(&e))
    }

    /// Records a withdrawal of consent to `purpose`.
    #[pyo3(signature = (subject, purpose, source, at = None))]
    fn withdraw(
        &mut self,
        subject: &str,
        purpose: &str,
        source: &str,
        at: Option<SystemTime>,
    ) -> PyResult<()> {
        let at = at.map_or_else(|| Ok(Timestamp::now()), timestamp)?;
        self.inner
            .withdraw(subject, purpose, at, source)
            .map_err(|e| compliance_error(&e))
    }

    /// Whether `subject` consents to `purpose` at `at` (default: now).
    #[pyo3(signature = (subject, purpose, at = None))]
    fn has_consent(&self, subject: &str, purpose: &str, at: Option<SystemTime>) -> PyResult<bool> {
        let at = at.map_or_else(|| Ok(Timestamp::now()), timestamp)?;
        self.inner
            .has_consent(subject, purpose, at)
            .map_err(|e| compliance_error(&e))
    }

    /// The required purposes `subject` has not consented to at `at`.
    #[pyo3(signature = (subject, at = None))]
    fn missing_required(&self, subject: &str, at: Option<SystemTime>) -> PyResult<Vec<String>> {
        let at = at.map_or_else(|| Ok(Timestamp::now()), timestamp)?;
        Ok(self
            .inner
            .missing_required(subject, at)
            .into_iter()
            .map(str::to_owned)
            .collect())
    }

    /// `subject`'s changes as `(purpose, action, at, source)`, oldest first.
    fn history(&self, subject: &str) -> PyResult<Vec<(String, &'static str, SystemTime, String)>> {
        self.inner
            .history(subject)
            .iter()
            .map(|e| {
                let action = match e.action {
                    core::ConsentAction::Grant => "grant",
                    _ => "withdraw",
                };
                Ok((
                    e.purpose.clone(),
                    action,
                    system_time(e.at)?,
                    e.source.clone(),
                ))
            })
            .collect()
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }
}

#[pymethods]
impl Exporter {
    /// The exporter of `compliance.gdpr.data_portability` (the default
    /// configuration when omitted), or, with `formats`, an enabled exporter
    /// of those formats.
    #[new]
    #[pyo3(signature = (config = None, *, formats = None))]
    fn new(config: Option<PyRef<'_, Config>>, formats: Option<Vec<String>>) -> PyResult<Self> {
        let inner = match (formats, config) {
            (Some(names), _) => core::Exporter::new(
                names
                    .iter()
                    .map(|n| format_of(n))
                    .collect::<PyResult<Vec<_>>>()?,
            ),
            (None, Some(config)) => core::Exporter::from_config(config.inner()),
            (None, None) => core::Exporter::from_config(&halo_core::Config::default()),
        };
        Ok(Self { inner })
    }

    /// The document of `subject`'s `records` (JSON values) and, when
    /// `ledger` is given, their consent history, in `format` (`json` or
    /// `csv`).
    #[pyo3(signature = (subject, records, *, format = "json", ledger = None))]
    fn export(
        &self,
        subject: String,
        records: Vec<Bound<'_, PyAny>>,
        format: &str,
        ledger: Option<PyRef<'_, ConsentLedger>>,
    ) -> PyResult<String> {
        let values = records
            .iter()
            .map(to_json)
            .collect::<PyResult<Vec<Value>>>()?;
        let copy = match ledger {
            Some(ledger) => core::SubjectCopy::from_ledger(&ledger.inner, subject, values),
            None => core::SubjectCopy::new(subject, values),
        };
        self.inner
            .export(&copy, format_of(format)?)
            .map_err(|e| compliance_error(&e))
    }

    /// Whether exports are enabled.
    #[getter]
    fn enabled(&self) -> bool {
        self.inner.is_enabled()
    }

    /// The formats allowed.
    #[getter]
    fn formats(&self) -> Vec<&'static str> {
        self.inner.formats().iter().map(|f| f.as_str()).collect()
    }
}

#[pymethods]
impl Erasure {
    fn __repr__(&self) -> String {
        format!("Erasure(key_destroyed={})", self.key_destroyed)
    }
}

/// Erases `subject` by destroying its data key in `keys`, recording the
/// erasure in `audit` when given; `at` defaults to now.
#[pyfunction]
#[pyo3(signature = (keys, subject, actor, *, at = None, audit = None))]
pub(crate) fn erase_subject(
    py: Python<'_>,
    keys: PyRef<'_, SubjectKeys>,
    subject: &str,
    actor: &str,
    at: Option<SystemTime>,
    audit: Option<PyRef<'_, AuditLog>>,
) -> PyResult<Erasure> {
    let at = at.map_or_else(|| Ok(Timestamp::now()), timestamp)?;
    let log = audit.map(|a| a.shared());
    let keys = &keys.inner;
    let erasure = py
        .detach(|| core::erase_subject(keys, subject, actor, at, log.as_deref()))
        .map_err(|e| compliance_error(&e))?;
    Ok(Erasure {
        subject: erasure.subject().to_owned(),
        actor: erasure.actor().to_owned(),
        key_destroyed: erasure.key_destroyed(),
        erased_at: system_time(erasure.erased_at())?,
    })
}

/// The cell as a CSV export writes it: a leading `'` before a formula
/// trigger (`=`, `+`, `-`, `@`, tab, carriage return).
#[pyfunction]
pub(crate) fn neutralise_cell(cell: &str) -> String {
    core::neutralise_cell(cell).into_owned()
}

impl Expiry {
    fn of(kind: &'static str, at: Timestamp, reason: Option<String>) -> PyResult<Self> {
        Ok(Self {
            kind,
            at: system_time(at)?,
            reason,
        })
    }
}

fn format_of(name: &str) -> PyResult<ExportFormat> {
    ExportFormat::from_name(name)
        .ok_or_else(|| value_error("format must be `json` or `csv`".to_owned()))
}
