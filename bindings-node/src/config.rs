//! `Config`, its posture findings and its load problems.

use napi::{Env, Result};
use napi_derive::napi;

use crate::errors::throw_config_error;

/// The configuration document (`{"security": ..., "compliance": ...}`),
/// loaded strictly. Loading errors are thrown as `Error` objects with
/// `code` (`config.invalid`, `config.syntax`, `config.io`,
/// `config.too_large`) and `problems`.
#[napi]
#[derive(Debug)]
pub struct Config {
    inner: halo_core::Config,
}

/// A finding of `Config.posture()`.
#[napi(object)]
#[derive(Debug)]
pub struct Finding {
    /// Stable code such as `mfa.admin_not_required`.
    pub code: String,
    /// `low`, `medium` or `high`.
    pub severity: String,
    /// JSON path of the setting concerned.
    pub path: String,
    /// One line saying what is wrong.
    pub message: String,
}

/// One problem of a configuration document that did not load.
#[napi(object)]
#[derive(Debug)]
pub(crate) struct Problem {
    /// Dotted JSON path, list positions in brackets.
    pub path: String,
    /// Stable code such as `config.unknown_field`.
    pub code: String,
    /// What is wrong; never quotes a value of the document.
    pub message: String,
    /// How to fix it, such as "did you mean `burst_limit`?".
    pub hint: Option<String>,
}

#[napi]
impl Config {
    /// The guide's configuration without its site-specific examples.
    #[napi(factory, js_name = "default")]
    pub fn guide_default() -> Self {
        Self {
            inner: halo_core::Config::default(),
        }
    }

    /// Loads a document from JSON text.
    #[napi(factory)]
    pub fn from_json(env: Env, text: String) -> Result<Self> {
        let inner = halo_core::Config::from_json_str(&text);
        Ok(Self {
            inner: inner.map_err(|e| throw_config_error(&env, &e))?,
        })
    }

    /// Loads a document from a JSON file.
    #[napi(factory)]
    pub fn from_path(env: Env, path: String) -> Result<Self> {
        let inner = halo_core::Config::from_path(path);
        Ok(Self {
            inner: inner.map_err(|e| throw_config_error(&env, &e))?,
        })
    }

    /// The document as JSON text that loads back to an equal `Config`.
    #[napi]
    pub fn to_json(&self, env: Env) -> Result<String> {
        self.inner
            .to_json_string()
            .map_err(|e| throw_config_error(&env, &e))
    }

    /// Whether both configurations are the same document.
    #[napi]
    pub fn equals(&self, other: &Config) -> bool {
        self.inner == other.inner
    }

    /// Findings against the guide's pre-deployment checklist, most severe
    /// first.
    #[napi]
    pub fn posture(&self) -> Vec<Finding> {
        self.inner
            .posture()
            .into_iter()
            .map(Finding::from)
            .collect()
    }
}

impl Config {
    /// The core configuration.
    pub(crate) fn inner(&self) -> &halo_core::Config {
        &self.inner
    }
}

impl From<halo_core::Finding> for Finding {
    fn from(f: halo_core::Finding) -> Self {
        let severity = f.severity.to_string();
        Self {
            code: f.code.to_owned(),
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
            code: p.code().to_owned(),
            message,
            hint,
        }
    }
}
