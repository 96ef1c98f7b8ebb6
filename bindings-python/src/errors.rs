//! Core errors raised as the exception classes of `halo_core.errors`.

use pyo3::prelude::*;

pyo3::import_exception!(halo_core.errors, ConfigError);

use crate::config::Problem;

/// Raises a core configuration error as `halo_core.ConfigError`, keeping its
/// code and every problem.
pub(crate) fn config_error(err: &halo_core::ConfigError) -> PyErr {
    let problems: Vec<Problem> = err.problems().iter().map(Problem::from).collect();
    ConfigError::new_err((err.to_string(), err.code(), problems))
}
