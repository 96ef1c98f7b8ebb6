//! `halo_core.Config`, its posture findings and its load problems.

use std::path::PathBuf;

use pyo3::prelude::*;

use crate::errors::config_error;

/// The configuration document, loaded strictly.
#[pyclass(module = "halo_core", frozen, eq)]
#[derive(PartialEq)]
pub(crate) struct Config {
    inner: halo_core::Config,
}

/// A finding of `Config.posture()`.
#[pyclass(module = "halo_core", frozen, get_all)]
pub(crate) struct Finding {
    code: &'static str,
    severity: String,
    path: String,
    message: String,
}

/// One problem of a configuration that did not load.
#[pyclass(module = "halo_core", frozen, get_all)]
#[derive(Clone)]
pub(crate) struct Problem {
    path: String,
    code: &'static str,
    message: String,
    hint: Option<String>,
}

impl Config {
    /// The core configuration.
    pub(crate) fn inner(&self) -> &halo_core::Config {
        &self.inner
    }
}

#[pymethods]
impl Config {
    /// The guide's configuration without its site-specific examples.
    #[staticmethod]
    fn default() -> Self {
        Self {
            inner: halo_core::Config::default(),
        }
    }

    /// Loads a document from JSON text.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        let inner = halo_core::Config::from_json_str(text).map_err(|e| config_error(&e))?;
        Ok(Self { inner })
    }

    /// Loads a document from a JSON file.
    #[staticmethod]
    fn from_path(path: PathBuf) -> PyResult<Self> {
        let inner = halo_core::Config::from_path(path).map_err(|e| config_error(&e))?;
        Ok(Self { inner })
    }

    /// The document as JSON text that loads back to an equal `Config`.
    fn to_json(&self) -> PyResult<String> {
        self.inner.to_json_string().map_err(|e| config_error(&e))
    }

    /// Findings against the guide's pre-deployment checklist, most severe
    /// first.
    fn posture(&self) -> Vec<Finding> {
        self.inner
            .posture()
            .into_iter()
            .map(Finding::from)
            .collect()
    }

    fn __repr__(&self) -> String {
        "Config(...)".to_owned()
    }
}

#[pymethods]
impl Finding {
    fn __repr__(&self) -> String {
        format!(
            "Finding(code={:?}, severity={:?}, path={:?})",
            self.code, self.severity, self.path
        )
    }
}

#[pymethods]
impl Problem {
    fn __repr__(&self) -> String {
        format!("Problem(path={:?}, code={:?})", self.path, self.code)
    }
}

impl From<halo_core::Finding> for Finding {
    fn from(f: halo_core::Finding) -> Self {
        let severity = f.severity.to_string();
        Self {
            code: f.code,
            severity,
            path: f.path,
            message: f.message,
        }
    }
}

impl From<&halo_core::config::Problem> for Problem {
    fn from(p: &halo_core::config::Problem) -> Self {
        let (path, message, hint) = (p.path.clone(), p.message.clone(), p.hint.clone());
        Self {
            path,
            code: p.code(),
            message,
            hint,
        }
    }
}
