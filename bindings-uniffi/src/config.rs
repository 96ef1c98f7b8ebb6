//! [`Config`], its posture [`Finding`]s and its load [`Problem`]s.

use std::sync::Arc;

use crate::errors::Result;

/// The configuration document (`{"security": ..., "compliance": ...}`),
/// loaded strictly: an unknown key is an error naming its path. Loading
/// errors are `HaloCoreError::Config` with every [`Problem`]. Two configs
/// are equal (`==` in Kotlin) when they are the same document.
#[derive(Debug, PartialEq, Eq, uniffi::Object)]
#[uniffi::export(Eq)]
pub struct Config {
    inner: halo_core::Config,
}

/// A finding of [`Config::posture`] against the guide's checklist.
#[derive(Debug, uniffi::Record)]
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
#[derive(Debug, uniffi::Record)]
pub struct Problem {
    /// Dotted JSON path, list positions in brackets.
    pub path: String,
    /// Stable code such as `config.unknown_field`.
    pub code: String,
    /// What is wrong; never quotes a value of the document.
    pub message: String,
    /// How to fix it, such as "did you mean `burst_limit`?".
    pub hint: Option<String>,
}

impl Config {
    /// The core configuration.
    pub(crate) fn inner(&self) -> &halo_core::Config {
        &self.inner
    }
}

#[uniffi::export]
impl Config {
    /// The guide's configuration without its site-specific examples.
    #[uniffi::constructor]
    pub fn guide_default() -> Arc<Self> {
        Arc::new(Self {
            inner: halo_core::Config::default(),
        })
    }

    /// Loads a document from JSON text.
    #[uniffi::constructor]
    pub fn from_json(text: String) -> Result<Arc<Self>> {
        let inner = halo_core::Config::from_json_str(&text)?;
        Ok(Arc::new(Self { inner }))
    }

    /// Loads a document from a JSON file.
    #[uniffi::constructor]
    pub fn from_path(path: String) -> Result<Arc<Self>> {
        let inner = halo_core::Config::from_path(path)?;
        Ok(Arc::new(Self { inner }))
    }

    /// The document as JSON text that loads back to an equal `Config`;
    /// `config.inline_secret` when it holds an inline secret.
    pub fn to_json(&self) -> Result<String> {
        Ok(self.inner.to_json_string()?)
    }

    /// Findings against the guide's pre-deployment checklist, most severe
    /// first.
    pub fn posture(&self) -> Vec<Finding> {
        let findings = self.inner.posture().into_iter();
        findings.map(Finding::from).collect()
    }
}

impl From<halo_core::Finding> for Finding {
    fn from(f: halo_core::Finding) -> Self {
        Self {
            code: f.code.to_owned(),
            severity: f.severity.to_string(),
            path: f.path,
            message: f.message,
        }
    }
}

impl From<&halo_core::config::Problem> for Problem {
    fn from(p: &halo_core::config::Problem) -> Self {
        Self {
            path: p.path.clone(),
            code: p.code().to_owned(),
            message: p.message.clone(),
            hint: p.hint.clone(),
        }
    }
}
