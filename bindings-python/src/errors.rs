//! Core errors raised as the exception classes of `halo_core.errors`.

use pyo3::prelude::*;

pyo3::import_exception!(halo_core.errors, ConfigError);
pyo3::import_exception!(halo_core.errors, RateLimitError);
pyo3::import_exception!(halo_core.errors, RateLimitValueError);

use crate::config::Problem;

/// Raises a core configuration error as `halo_core.ConfigError`, keeping its
/// code and every problem.
pub(crate) fn config_error(err: &halo_core::ConfigError) -> PyErr {
    let problems: Vec<Problem> = err.problems().iter().map(Problem::from).collect();
    ConfigError::new_err((err.to_string(), err.code(), problems))
}

/// Raises a core rate-limit error: `RateLimitError` for store failures,
/// `RateLimitValueError` (also a `ValueError`) for bad rules, names and keys.
pub(crate) fn ratelimit_error(err: &halo_core::RateLimitError) -> PyErr {
    let args = (err.to_string(), err.code());
    if err.is_store_failure() {
        RateLimitError::new_err(args)
    } else {
        RateLimitValueError::new_err(args)
    }
}
