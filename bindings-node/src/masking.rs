//! `Masker` and its `Detection`s.

use std::collections::HashMap;

use halo_core::secret::{MemorySource, SecretSource, SystemSource};
use napi::bindgen_prelude::{Buffer, Either, Unknown};
use napi::{Env, Error, Result, Status};
use napi_derive::napi;

use crate::config::Config;
use crate::errors::throw_masking_error;
use crate::js::{self, Handle, Js};

/// Masks personal data and secrets in records and log text under the policy
/// of `security.data_masking`. Build one with `Masker.fromConfig()` or
/// `Masker.default()` and share it. Refused policies are thrown as `Error`
/// objects with `code` (`masking.invalid_rule`, `masking.invalid_pattern`,
/// `masking.invalid_key`, `masking.missing_pseudonym_key`,
/// `masking.weak_pseudonym_key`, `masking.pseudonym_key_unavailable`).
#[napi]
pub struct Masker {
    inner: std::sync::Arc<halo_core::masking::Masker>,
}

/// One finding of `Masker.find()`: `text.slice(start, end)` is what is
/// masked.
impl std::fmt::Debug for Masker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Masker").finish_non_exhaustive()
    }
}

#[napi(object)]
#[derive(Debug)]
pub struct Detection {
    /// `email`, `phone`, `ssn`, `card`, `bearer`, `jwt`, `secret` or
    /// `url_credentials`.
    pub detector: String,
    /// Start index in the JavaScript string (UTF-16 code units).
    pub start: u32,
    /// End index in the JavaScript string (UTF-16 code units).
    pub end: u32,
}

impl Masker {
    /// The core masker, shared.
    pub(crate) fn shared(&self) -> std::sync::Arc<halo_core::masking::Masker> {
        std::sync::Arc::clone(&self.inner)
    }
}

#[napi]
impl Masker {
    /// The masker of `config.security.data_masking`. The pseudonym key is
    /// read from the process environment or file it names, or, when
    /// `secretEnv` is given, from it only (values as strings or Buffers).
    #[napi(factory)]
    pub fn from_config(
        env: Env,
        config: &Config,
        secret_env: Option<HashMap<String, Either<String, Buffer>>>,
    ) -> Result<Self> {
        let source: Box<dyn SecretSource> = match secret_env {
            None => Box::new(SystemSource),
            Some(vars) => Box::new(vars.into_iter().fold(
                MemorySource::new(),
                |source, (name, value)| match value {
                    Either::A(text) => source.with_env(name, text),
                    Either::B(bytes) => source.with_env(name, bytes.as_ref()),
                },
            )),
        };
        let inner = halo_core::masking::Masker::from_config_with(config.inner(), source.as_ref())
            .map_err(|e| throw_masking_error(&env, &e))?;
        Ok(Self {
            inner: std::sync::Arc::new(inner),
        })
    }

    /// The guide's policy: emails keep their domain, phone numbers their
    /// area code; `password`, `api_key` and `token` are secret.
    #[napi(factory, js_name = "default")]
    pub fn guide_default() -> Self {
        Self {
            inner: std::sync::Arc::new(halo_core::masking::Masker::default()),
        }
    }

    /// Free text or a log line with emails, phone numbers, SSNs, card
    /// numbers, bearer tokens, JWTs, URL credentials and secret `key=value`
    /// pairs masked.
    #[napi(ts_args_type = "text: string", ts_return_type = "string")]
    pub fn mask_text<'env>(&self, env: &'env Env, text: Unknown<'env>) -> Result<Unknown<'env>> {
        let js = Js::new(env);
        let given = Handle::of(&text);
        let mut buffer = Vec::new();
        let range = js.read(given, &mut buffer)?;
        let text = js::text(&buffer, range)?;
        // Text with nothing to mask comes back as the caller's own string.
        match self.inner.mask_text(text) {
            std::borrow::Cow::Borrowed(_) => js.unknown(given),
            std::borrow::Cow::Owned(masked) => js.unknown(js.string(&masked)?),
        }
    }

    /// A masked copy of a JSON-like record (objects, arrays, strings,
    /// numbers, booleans, `null`), masked by field name.
    #[napi(ts_args_type = "record: any", ts_return_type = "any")]
    pub fn mask_record(&self, record: serde_json::Value) -> serde_json::Value {
        let mut record = record;
        self.inner.mask_record(&mut record);
        record
    }

    /// `maskRecord` on JSON text: the masked record as compact JSON text.
    #[napi]
    pub fn mask_json(&self, text: String) -> Result<String> {
        let mut record: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| Error::new(Status::InvalidArg, format!("the record is not JSON: {e}")))?;
        self.inner.mask_record(&mut record);
        Ok(record.to_string())
    }

    /// Every finding of `maskText` in `text`, in order.
    #[napi]
    pub fn find(&self, text: String) -> Vec<Detection> {
        let mut units = 0usize;
        let mut byte = 0;
        let mut index = |to: usize| {
            units += text
                .get(byte..to)
                .map_or(0, |part| part.encode_utf16().count());
            byte = to;
            u32::try_from(units).unwrap_or(u32::MAX)
        };
        self.inner
            .find(&text)
            .into_iter()
            .map(|d| Detection {
                detector: d.detector.as_str().to_owned(),
                start: index(d.range.start),
                end: index(d.range.end),
            })
            .collect()
    }

    /// `value` masked by the rule named `rule`; `null` when there is no such
    /// rule.
    #[napi]
    pub fn mask_value(&self, rule: String, value: String) -> Option<String> {
        self.inner.mask_value(&rule, &value)
    }

    /// The rule names, in order.
    #[napi]
    pub fn rule_names(&self) -> Vec<String> {
        self.inner.rule_names().map(str::to_owned).collect()
    }
}
