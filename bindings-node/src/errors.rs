//! Core errors thrown as JavaScript `Error` objects with a stable `code`.

use std::future::Future;

use napi::bindgen_prelude::{JsObjectValue, PromiseRaw, ToNapiValue};
use napi::{Env, Error, JsValue, Status};

use crate::config::Problem;
use crate::lead::Violation;

/// Throws a core configuration error as an `Error` whose `code` is the
/// core's code and whose `problems` lists every problem, then returns the
/// marker napi uses for an exception already thrown.
pub(crate) fn throw_config_error(env: &Env, err: &halo_core::ConfigError) -> Error {
    let problems: Vec<Problem> = err.problems().iter().map(Problem::from).collect();
    throw_coded(env, err.code(), &err.to_string(), Some(problems))
}

/// Throws a core crypto error as an `Error` whose `code` is the core's code
/// (`crypto.decrypt_failed`, `crypto.unknown_key_id`, ...).
pub(crate) fn throw_crypto_error(env: &Env, err: &halo_core::CryptoError) -> Error {
    throw_coded(env, err.code(), &err.to_string(), None)
}

/// Throws a core access error as an `Error` whose `code` is the core's code.
pub(crate) fn throw_access_error(env: &Env, err: &halo_core::AccessError) -> Error {
    throw_coded(env, err.code(), &err.to_string(), None)
}

/// Throws `access.invalid_argument` for an argument that cannot be converted.
pub(crate) fn throw_bad_argument(env: &Env, message: &str) -> Error {
    throw_coded(env, "access.invalid_argument", message, None)
}

/// Throws a core rate-limit error as an `Error` whose `code` is the core's
/// code (`ratelimit.unknown_rule`, `ratelimit.store_unavailable`, ...).
pub(crate) fn throw_ratelimit_error(env: &Env, err: &halo_core::RateLimitError) -> Error {
    throw_coded(env, err.code(), &err.to_string(), None)
}

/// Throws a core HaloPSA client error as an `Error` whose `code` is the
/// core's code (`halo.config`, ...).
pub(crate) fn throw_halo_error(env: &Env, err: &halo_core::HaloError) -> Error {
    throw_coded(env, err.code(), &err.to_string(), None)
}

/// Throws a core sync error as an `Error` whose `code` is the core's code
/// (`sync.invalid_option`, ...).
pub(crate) fn throw_sync_error(env: &Env, err: &halo_core::sync::SyncError) -> Error {
    throw_coded(env, err.code(), &err.to_string(), None)
}

/// Throws a core audit error as an `Error` whose `code` is the core's code
/// (`audit.invalid_key`, `audit.io`, `audit.no_log`, ...).
pub(crate) fn throw_audit_error(env: &Env, err: &halo_core::AuditError) -> Error {
    throw_coded(env, err.code(), &err.to_string(), None)
}

/// Throws a core compliance error as an `Error` whose `code` is the core's
/// code (`compliance.unknown_entity`, ...).
pub(crate) fn throw_compliance_error(env: &Env, err: &halo_core::ComplianceError) -> Error {
    throw_coded(env, err.code(), &err.to_string(), None)
}

/// Throws an `Error` for a bad argument, with the code `invalid_argument`.
pub(crate) fn throw_invalid_argument(env: &Env, message: &str) -> Error {
    throw_coded(env, "invalid_argument", message, None)
}

/// Throws a core webhook error as an `Error` whose `code` is the core's
/// code (`webhook.signature_mismatch`, `webhook.replayed`, ...) and whose
/// `status` is the HTTP status to answer with.
pub(crate) fn throw_webhook_error(env: &Env, err: &halo_core::WebhookError) -> Error {
    throw_with(env, err.code(), &err.to_string(), |object| {
        object.set_named_property("status", u32::from(err.http_status()))
    })
}

/// Throws a core masking error as an `Error` whose `code` is the core's code.
pub(crate) fn throw_masking_error(env: &Env, err: &halo_core::masking::MaskingError) -> Error {
    throw_coded(env, err.code(), &err.to_string(), None)
}

/// Throws a core lead error as an `Error` whose `code` is the core's code,
/// whose `violations` lists every violation (empty unless the code is
/// `lead.invalid`) and whose `field`, for source mapping errors, names the
/// source's field.
pub(crate) fn throw_lead_error(env: &Env, err: &halo_core::lead::LeadError) -> Error {
    let violations: Vec<Violation> = err.violations().iter().map(Violation::from).collect();
    let field = crate::lead::source_field(err);
    throw_with(env, err.code(), &err.to_string(), |object| {
        object.set_named_property("violations", violations)?;
        if let Some(field) = field {
            object.set_named_property("field", field)?;
        }
        Ok(())
    })
}

/// Why a Promise of the binding is rejected: the core's stable code and its
/// message, which never carries secrets or a lead's data.
#[derive(Debug)]
pub(crate) struct Rejection {
    code: String,
    message: String,
    index: Option<usize>,
}

impl Rejection {
    /// A rejection with `code` and `message`.
    pub(crate) fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            index: None,
        }
    }

    /// The same rejection naming the input position it is about.
    pub(crate) fn at(mut self, index: usize) -> Self {
        self.index = Some(index);
        self
    }
}

impl From<halo_core::HaloError> for Rejection {
    fn from(err: halo_core::HaloError) -> Self {
        Self::new(err.code(), err.to_string())
    }
}

/// Runs `future` on the binding's async runtime and returns a Promise of
/// `convert`'s value, rejected with an `Error` whose `code` (and `index`,
/// when the rejection names one) comes from the `Rejection`.
pub(crate) fn promise<'env, T, V, F, C>(
    env: &'env Env,
    future: F,
    convert: C,
) -> napi::Result<PromiseRaw<'env, V>>
where
    T: Send + 'static,
    V: ToNapiValue,
    F: Future<Output = Result<T, Rejection>> + Send + 'static,
    C: FnOnce(&Env, T) -> napi::Result<V> + 'static,
{
    env.spawn_future_with_callback(async move { Ok(future.await) }, move |env, outcome| {
        match outcome {
            Ok(value) => convert(env, value),
            Err(rejection) => Err(rejection_error(env, &rejection)),
        }
    })
}

/// The `Error` object of a rejection, as a napi error that carries it.
fn rejection_error(env: &Env, rejection: &Rejection) -> Error {
    let message = rejection.message.as_str();
    let built = env
        .create_error(Error::new(Status::GenericFailure, message))
        .and_then(|mut object| {
            object.set_named_property("code", rejection.code.as_str())?;
            if let Some(index) = rejection.index {
                object.set_named_property("index", index as u32)?;
            }
            Ok(Error::from(object.to_unknown()))
        });
    built.unwrap_or_else(|_| {
        let text = format!("{}: {message}", rejection.code);
        Error::new(Status::GenericFailure, text)
    })
}

fn throw_coded(env: &Env, code: &str, message: &str, problems: Option<Vec<Problem>>) -> Error {
    throw_with(env, code, message, |object| {
        if let Some(problems) = problems {
            object.set_named_property("problems", problems)?;
        }
        Ok(())
    })
}

fn throw_with(
    env: &Env,
    code: &str,
    message: &str,
    extra: impl FnOnce(&mut napi::bindgen_prelude::Object<'_>) -> napi::Result<()>,
) -> Error {
    let thrown = env
        .create_error(Error::new(Status::GenericFailure, message))
        .and_then(|mut object| {
            object.set_named_property("code", code)?;
            extra(&mut object)?;
            env.throw(object)
        });
    match thrown {
        Ok(()) => Error::from_status(Status::PendingException),
        // Building the rich error failed: fall back to a plain one.
        Err(_) => Error::new(Status::GenericFailure, format!("{code}: {message}")),
    }
}
