//! `halo_core.AuditLog` over a chained file log, `verify` and `read_log`.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use halo_core::audit as core;
use halo_core::crypto::KeyMaterial;
use jiff::Timestamp;
use pyo3::prelude::*;
use serde_json::{Map, Value};

use crate::config::Config;
use crate::crypto::FieldCipher;
use crate::errors::{audit_error, audit_input_error};
use crate::lead::{to_json, to_python};
use crate::masking::{EnvValue, secret_source};

/// Records audit events into an HMAC-chained, append-only log directory.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct AuditLog {
    inner: Arc<core::AuditLog>,
}

/// What `verify` found: counts, and the first damage when the chain breaks.
#[pyclass(module = "halo_core", frozen, get_all)]
pub(crate) struct VerifyReport {
    segments: usize,
    entries: u64,
    first_seq: Option<u64>,
    last_seq: Option<u64>,
    unanchored: u64,
    intact: bool,
    damage: Option<Py<Damage>>,
}

/// Where the chain first breaks: `kind` is `edited`, `deleted`,
/// `inserted`, `reordered`, `truncated` or `torn_line`.
#[pyclass(module = "halo_core", frozen, get_all)]
pub(crate) struct Damage {
    kind: &'static str,
    file: String,
    line: usize,
    seq: Option<u64>,
}

/// A chain key given from Python: 32 raw bytes, or standard base64 text.
#[derive(FromPyObject)]
pub(crate) enum KeyArg {
    Bytes(Vec<u8>),
    Text(String),
}

#[pymethods]
impl AuditLog {
    /// A log kept in `dir` under `chain_key`. `fsync` is `"every_entry"`
    /// (the core's default), `"never"`, or a number of entries. Details are
    /// masked by the guide's policy and not encrypted; `from_config` gives
    /// the configured masking and encrypted details.
    #[new]
    #[pyo3(signature = (dir, chain_key, *, fsync = None, max_segment_bytes = None))]
    fn new(
        py: Python<'_>,
        dir: PathBuf,
        chain_key: KeyArg,
        fsync: Option<FsyncArg>,
        max_segment_bytes: Option<u64>,
    ) -> PyResult<Self> {
        let key = chain_key.into_key()?;
        let mut sink = core::FileSink::builder(dir, key);
        if let Some(policy) = fsync {
            sink = sink.fsync(policy.into_policy()?);
        }
        if let Some(bytes) = max_segment_bytes {
            sink = sink.max_segment_bytes(bytes);
        }
        let log = py.detach(move || core::AuditLog::builder().sink(sink.open()?).build());
        Ok(Self {
            inner: Arc::new(log.map_err(|e| audit_error(&e))?),
        })
    }

    /// The log of `config.security.auditing` kept in `dir`: its chain key,
    /// event filters, masking, retention and (by default) encrypted
    /// details. Secrets come from the environment, or from `env` only when
    /// given.
    #[staticmethod]
    #[pyo3(signature = (config, dir, *, env = None))]
    fn from_config(
        config: PyRef<'_, Config>,
        dir: PathBuf,
        env: Option<BTreeMap<String, EnvValue>>,
    ) -> PyResult<Self> {
        let source = secret_source(env);
        let log = core::AuditLog::from_config(config.inner(), dir, source.as_ref());
        Ok(Self {
            inner: Arc::new(log.map_err(|e| audit_error(&e))?),
        })
    }

    /// Records one event (details masked first). Returns its sequence
    /// number, or `None` when the configuration turns the event off.
    #[pyo3(signature = (
        category, action, *, outcome = None, actor = None, resource = None,
        source_ip = None, user_agent = None, details = None, time = None,
    ))]
    #[allow(clippy::too_many_arguments, reason = "the event's members")]
    fn record(
        &self,
        py: Python<'_>,
        category: &str,
        action: &str,
        outcome: Option<&str>,
        actor: Option<String>,
        resource: Option<String>,
        source_ip: Option<IpAddr>,
        user_agent: Option<String>,
        details: Option<Bound<'_, PyAny>>,
        time: Option<SystemTime>,
    ) -> PyResult<Option<u64>> {
        let mut event = core::AuditEvent::new(parse_category(category)?, parse_action(action)?);
        if let Some(outcome) = outcome {
            event = event.outcome(named(outcome, "outcome")?);
        }
        event.actor = actor;
        event.resource = resource;
        event.source_ip = source_ip;
        event.user_agent = user_agent;
        if let Some(details) = details {
            match to_json(&details)? {
                Value::Object(map) => event.details = map,
                _ => return Err(audit_input_error("details must be a mapping")),
            }
        }
        if let Some(time) = time {
            event = event.at(timestamp(time)?);
        }
        let log = Arc::clone(&self.inner);
        let recorded = py
            .detach(move || log.record(event))
            .map_err(|e| audit_error(&e))?;
        Ok(match recorded {
            core::Recorded::Written { seq } => Some(seq),
            _ => None,
        })
    }

    /// Whether events of `category` and `action` are recorded.
    fn is_recorded(&self, category: &str, action: &str) -> PyResult<bool> {
        Ok(self
            .inner
            .is_recorded(parse_category(category)?, &parse_action(action)?))
    }

    /// Makes everything recorded so far durable.
    fn flush(&self, py: Python<'_>) -> PyResult<()> {
        let log = Arc::clone(&self.inner);
        py.detach(move || log.flush()).map_err(|e| audit_error(&e))
    }

    /// Removes segments older than the retention period before `now`
    /// (default: the current time); returns `(segments removed, last
    /// sequence number removed)`.
    #[pyo3(signature = (now = None))]
    fn prune(&self, py: Python<'_>, now: Option<SystemTime>) -> PyResult<(usize, Option<u64>)> {
        let now = match now {
            Some(now) => timestamp(now)?,
            None => Timestamp::now(),
        };
        let log = Arc::clone(&self.inner);
        let pruned = py
            .detach(move || log.prune(now))
            .map_err(|e| audit_error(&e))?;
        Ok((pruned.segments, pruned.through_seq))
    }

    /// The retention period, such as `"365_days"`.
    #[getter]
    fn retention(&self) -> String {
        self.inner.retention().to_string()
    }

    fn __repr__(&self) -> String {
        format!("AuditLog(retention={:?})", self.retention())
    }
}

impl AuditLog {
    /// The log, for components that record into it.
    pub(crate) fn shared(&self) -> Arc<core::AuditLog> {
        Arc::clone(&self.inner)
    }
}

#[pymethods]
impl VerifyReport {
    fn __repr__(&self, py: Python<'_>) -> String {
        let damage = self
            .damage
            .as_ref()
            .map(|d| d.borrow(py).kind)
            .unwrap_or("none");
        format!(
            "VerifyReport(entries={}, intact={}, damage={damage})",
            self.entries, self.intact
        )
    }
}

#[pymethods]
impl Damage {
    fn __repr__(&self) -> String {
        format!(
            "Damage(kind={:?}, file={:?}, line={}, seq={:?})",
            self.kind, self.file, self.line, self.seq
        )
    }
}

/// Checks the log in `dir` under `chain_key`; damage is reported, not
/// raised.
#[pyfunction]
pub(crate) fn verify(py: Python<'_>, dir: PathBuf, chain_key: KeyArg) -> PyResult<VerifyReport> {
    let key = chain_key.into_key()?;
    let report = py
        .detach(move || core::verify(dir, &key))
        .map_err(|e| audit_error(&e))?;
    let damage = match report.damage {
        Some(d) => Some(Py::new(
            py,
            Damage {
                kind: d.kind.as_str(),
                file: d.file,
                line: d.line,
                seq: d.seq,
            },
        )?),
        None => None,
    };
    Ok(VerifyReport {
        intact: damage.is_none(),
        segments: report.segments,
        entries: report.entries,
        first_seq: report.first_seq,
        last_seq: report.last_seq,
        unanchored: report.unanchored,
        damage,
    })
}

/// Every entry of an intact log as `{"seq": n, "event": {...}}`, details
/// decrypted with `cipher` when the log encrypts them; raises `AuditError`
/// (`audit.chain_broken`) for a damaged log.
#[pyfunction]
#[pyo3(signature = (dir, chain_key, cipher = None))]
pub(crate) fn read_log(
    py: Python<'_>,
    dir: PathBuf,
    chain_key: KeyArg,
    cipher: Option<PyRef<'_, FieldCipher>>,
) -> PyResult<Py<PyAny>> {
    let key = chain_key.into_key()?;
    let entries = py
        .detach(move || core::read_log(dir, &key))
        .map_err(|e| audit_error(&e))?;
    let cipher = cipher.as_ref().map(|c| &c.inner);
    let mut out = Vec::with_capacity(entries.len());
    for entry in &entries {
        let event = entry.decrypted(cipher).map_err(|e| audit_error(&e))?;
        let json = event.to_json().map_err(|e| audit_error(&e))?;
        let mut item = Map::new();
        item.insert("seq".into(), Value::from(entry.seq));
        item.insert("event".into(), json);
        out.push(Value::Object(item));
    }
    Ok(to_python(py, &Value::Array(out))?.unbind())
}

/// `fsync` as given: a policy name or a number of entries.
#[derive(FromPyObject)]
pub(crate) enum FsyncArg {
    Every(u32),
    Name(String),
}

impl FsyncArg {
    fn into_policy(self) -> PyResult<core::FsyncPolicy> {
        match self {
            Self::Every(n) => NonZeroU32::new(n)
                .map(core::FsyncPolicy::EveryN)
                .ok_or_else(|| audit_input_error("fsync must be at least 1 entry")),
            Self::Name(name) => match name.as_str() {
                "every_entry" => Ok(core::FsyncPolicy::EveryEntry),
                "never" => Ok(core::FsyncPolicy::Never),
                _ => Err(audit_input_error(
                    "fsync must be `every_entry`, `never` or a number of entries",
                )),
            },
        }
    }
}

impl KeyArg {
    pub(crate) fn into_key(self) -> PyResult<core::ChainKey> {
        match self {
            Self::Bytes(bytes) => KeyMaterial::from_slice(&bytes)
                .map(core::ChainKey::new)
                .map_err(|_| audit_input_error("the chain key must be 32 bytes")),
            Self::Text(text) => core::ChainKey::from_base64(&text).map_err(|e| audit_error(&e)),
        }
    }
}

fn parse_category(name: &str) -> PyResult<core::AuditCategory> {
    named(name, "category")
}

fn parse_action(name: &str) -> PyResult<core::AuditAction> {
    core::AuditAction::from_name(name).map_err(|e| audit_error(&e))
}

/// A snake_case enum member by name, through its serde form.
fn named<T: serde::de::DeserializeOwned>(name: &str, what: &str) -> PyResult<T> {
    serde_json::from_value(Value::String(name.to_owned()))
        .map_err(|_| audit_input_error(&format!("unknown audit {what}")))
}

pub(crate) fn timestamp(time: SystemTime) -> PyResult<Timestamp> {
    Timestamp::try_from(time)
        .map_err(|_| pyo3::exceptions::PyValueError::new_err("time is out of range"))
}

pub(crate) fn system_time(time: Timestamp) -> PyResult<SystemTime> {
    SystemTime::try_from(time)
        .map_err(|_| pyo3::exceptions::PyValueError::new_err("time is out of range"))
}
