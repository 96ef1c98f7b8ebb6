//! [`Masker`] and its [`Detection`]s. Records cross as JSON text.

use std::collections::HashMap;
use std::sync::Arc;

use halo_core::secret::{MemorySource, SystemSource};
use zeroize::Zeroizing;

use crate::config::Config;
use crate::errors::{HaloCoreError, Result};
use crate::lead::to_json;

/// Masks personal data and secrets in records and log text under the policy
/// of `security.data_masking`. Refused policies are
/// `HaloCoreError::Masking` (`masking.invalid_rule`,
/// `masking.pseudonym_key_unavailable`, ...). `Debug` shows no key (the
/// core's `Masker` redacts it).
#[derive(Debug, uniffi::Object)]
pub struct Masker {
    inner: halo_core::Masker,
}

/// One finding of [`Masker::find`]: `text.substring(start, end)` is what
/// is masked.
#[derive(Debug, uniffi::Record)]
pub struct Detection {
    /// `email`, `phone`, `ssn`, `card`, `bearer`, `jwt`, `secret` or
    /// `url_credentials`.
    pub detector: String,
    /// Start index in UTF-16 code units (a JVM `String` index).
    pub start: u32,
    /// End index in UTF-16 code units.
    pub end: u32,
}

#[uniffi::export]
impl Masker {
    /// The masker of `config.security.data_masking`; the pseudonym key is
    /// read from `secrets` only (environment variable name to bytes, moved
    /// into zeroizing memory at once).
    #[uniffi::constructor]
    pub fn from_config(config: &Config, secrets: HashMap<String, Vec<u8>>) -> Result<Arc<Self>> {
        let mut source = MemorySource::new();
        for (name, value) in secrets {
            let value = Zeroizing::new(value);
            source = source.with_env(name, value.as_slice());
        }
        let inner = halo_core::Masker::from_config_with(config.inner(), &source)?;
        Ok(Arc::new(Self { inner }))
    }

    /// The masker of `config.security.data_masking`, its pseudonym key
    /// read from the process environment or the file it names.
    #[uniffi::constructor]
    pub fn from_config_and_environment(config: &Config) -> Result<Arc<Self>> {
        let inner = halo_core::Masker::from_config_with(config.inner(), &SystemSource)?;
        Ok(Arc::new(Self { inner }))
    }

    /// The guide's policy: emails keep their domain, phone numbers their
    /// area code; `password`, `api_key` and `token` are secret.
    #[uniffi::constructor]
    pub fn guide_default() -> Arc<Self> {
        Arc::new(Self {
            inner: halo_core::Masker::default(),
        })
    }

    /// Free text or a log line with emails, phone numbers, SSNs, card
    /// numbers, bearer tokens, JWTs, URL credentials and secret `key=value`
    /// pairs masked.
    pub fn mask_text(&self, text: String) -> String {
        match self.inner.mask_text(&text) {
            std::borrow::Cow::Borrowed(_) => text,
            std::borrow::Cow::Owned(masked) => masked,
        }
    }

    /// A JSON record (as text) masked by field name, as compact JSON text;
    /// `invalid_argument` when the text is not JSON.
    pub fn mask_record(&self, json: String) -> Result<String> {
        let mut record: serde_json::Value = serde_json::from_str(&json)
            .map_err(|_| HaloCoreError::invalid_argument("the record is not JSON"))?;
        self.inner.mask_record(&mut record);
        to_json(&record)
    }

    /// Every finding of `mask_text` in `text`, in order.
    pub fn find(&self, text: String) -> Vec<Detection> {
        let mut units = 0usize;
        let mut byte = 0;
        let mut index = |to: usize| {
            let part = text.get(byte..to);
            units += part.map_or(0, |part| part.encode_utf16().count());
            byte = to;
            u32::try_from(units).unwrap_or(u32::MAX)
        };
        let found = self.inner.find(&text).into_iter();
        found
            .map(|d| Detection {
                detector: d.detector.as_str().to_owned(),
                start: index(d.range.start),
                end: index(d.range.end),
            })
            .collect()
    }

    /// `value` masked by the rule named `rule`; `null` when there is no such
    /// rule.
    pub fn mask_value(&self, rule: String, value: String) -> Option<String> {
        self.inner.mask_value(&rule, &value)
    }

    /// The rule names, in order.
    pub fn rule_names(&self) -> Vec<String> {
        self.inner.rule_names().map(str::to_owned).collect()
    }
}
