//! `halo_core.Masker` and its `Detection`s.

use std::collections::BTreeMap;

use halo_core::secret::{MemorySource, SecretSource, SystemSource};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::config::Config;
use crate::errors::{masking_error, value_error};

/// Masks personal data and secrets in records and log text under one policy.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct Masker {
    pub(crate) inner: std::sync::Arc<halo_core::masking::Masker>,
}

/// One finding of `Masker.find()`: the detector and the slice of the text.
#[pyclass(module = "halo_core", frozen, get_all, eq)]
#[derive(PartialEq)]
pub(crate) struct Detection {
    detector: &'static str,
    start: usize,
    end: usize,
}

/// A value given for an environment variable: `bytes` or `str`.
#[derive(FromPyObject)]
pub(crate) enum EnvValue {
    Bytes(Vec<u8>),
    Text(String),
}

#[pymethods]
impl Masker {
    /// The masker of `config.security.data_masking` (the guide's policy when
    /// `config` is omitted). The pseudonym key is read from the process
    /// environment or file, or, when `env` is given, from `env` only.
    #[new]
    #[pyo3(signature = (config=None, *, env=None))]
    fn new(config: Option<&Config>, env: Option<BTreeMap<String, EnvValue>>) -> PyResult<Self> {
        let default;
        let config = match config {
            Some(config) => config.inner(),
            None => {
                default = halo_core::Config::default();
                &default
            }
        };
        let source = secret_source(env);
        let inner = halo_core::masking::Masker::from_config_with(config, source.as_ref())
            .map_err(|e| masking_error(&e))?;
        Ok(Self {
            inner: std::sync::Arc::new(inner),
        })
    }

    /// The guide's policy: emails keep their domain, phone numbers their
    /// area code; `password`, `api_key` and `token` are secret.
    #[staticmethod]
    fn default() -> Self {
        Self {
            inner: std::sync::Arc::new(halo_core::masking::Masker::default()),
        }
    }

    /// Free text or a log line with emails, phone numbers, SSNs, card
    /// numbers, credentials and secret values masked.
    fn mask_text<'py>(&self, text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
        let source = text.to_str()?;
        Ok(match self.inner.mask_text(source) {
            std::borrow::Cow::Borrowed(_) => text.clone(),
            std::borrow::Cow::Owned(masked) => PyString::new(text.py(), &masked),
        })
    }

    /// A masked copy of a JSON-like record (dicts, lists, strings, numbers,
    /// booleans, `None`), masked by field name.
    fn mask_record<'py>(&self, record: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let py = record.py();
        let json = py.import("json")?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("allow_nan", false)?;
        let text: String = json
            .call_method("dumps", (record,), Some(&kwargs))?
            .extract()?;
        let masked = self.mask_json_str(&text)?;
        json.call_method1("loads", (masked,))
    }

    /// `mask_record` on JSON text: the masked record as compact JSON text.
    fn mask_json(&self, text: &str) -> PyResult<String> {
        self.mask_json_str(text)
    }

    /// Every finding of `mask_text` in `text`, in order; `start` and `end`
    /// index the Python string.
    fn find(&self, text: &str) -> Vec<Detection> {
        let mut chars = 0;
        let mut byte = 0;
        let mut index = |to: usize| {
            chars += text[byte..to].chars().count();
            byte = to;
            chars
        };
        self.inner
            .find(text)
            .into_iter()
            .map(|d| Detection {
                detector: d.detector.as_str(),
                start: index(d.range.start),
                end: index(d.range.end),
            })
            .collect()
    }

    /// `value` masked by the rule named `rule`; `None` when there is no such
    /// rule.
    fn mask_value(&self, rule: &str, value: &str) -> Option<String> {
        self.inner.mask_value(rule, value)
    }

    /// The rule names, in order.
    fn rule_names(&self) -> Vec<String> {
        self.inner.rule_names().map(str::to_owned).collect()
    }

    fn __repr__(&self) -> String {
        format!("Masker(rules={:?})", self.rule_names())
    }
}

impl Masker {
    fn mask_json_str(&self, text: &str) -> PyResult<String> {
        let mut record: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| value_error(format!("the record is not JSON: {e}")))?;
        self.inner.mask_record(&mut record);
        Ok(record.to_string())
    }
}

#[pymethods]
impl Detection {
    fn __repr__(&self) -> String {
        format!(
            "Detection(detector={:?}, start={}, end={})",
            self.detector, self.start, self.end
        )
    }
}

/// The secrets of the process (environment and files), or only `env` when
/// it is given.
pub(crate) fn secret_source(env: Option<BTreeMap<String, EnvValue>>) -> Box<dyn SecretSource> {
    match env {
        None => Box::new(SystemSource),
        Some(env) => Box::new(env.into_iter().fold(
            MemorySource::new(),
            |source, (name, value)| match value {
                EnvValue::Bytes(bytes) => source.with_env(name, bytes),
                EnvValue::Text(text) => source.with_env(name, text),
            },
        )),
    }
}
