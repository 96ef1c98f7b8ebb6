//! Core errors thrown as JavaScript `Error` objects with a stable `code`.

use napi::bindgen_prelude::JsObjectValue;
use napi::{Env, Error, Status};

use crate::config::Problem;

/// Throws a core configuration error as an `Error` whose `code` is the
/// core's code and whose `problems` lists every problem, then returns the
/// marker napi uses for an exception already thrown.
pub(crate) fn throw_config_error(env: &Env, err: &halo_core::ConfigError) -> Error {
    let problems: Vec<Problem> = err.problems().iter().map(Problem::from).collect();
    throw_coded(env, err.code(), &err.to_string(), Some(problems))
}

/// Throws a core masking error as an `Error` whose `code` is the core's code.
pub(crate) fn throw_masking_error(env: &Env, err: &halo_core::masking::MaskingError) -> Error {
    throw_coded(env, err.code(), &err.to_string(), None)
}

fn throw_coded(env: &Env, code: &str, message: &str, problems: Option<Vec<Problem>>) -> Error {
    let thrown = env
        .create_error(Error::new(Status::GenericFailure, message))
        .and_then(|mut object| {
            object.set_named_property("code", code)?;
            if let Some(problems) = problems {
                object.set_named_property("problems", problems)?;
            }
            env.throw(object)
        });
    match thrown {
        Ok(()) => Error::from_status(Status::PendingException),
        // Building the rich error failed: fall back to a plain one.
        Err(_) => Error::new(Status::GenericFailure, format!("{code}: {message}")),
    }
}
