//! Core errors raised as the exception classes of `halo_core.errors`.

use pyo3::prelude::*;

pyo3::import_exception!(halo_core.errors, ConfigError);
pyo3::import_exception!(halo_core.errors, MaskingError);

use crate::config::Problem;

/// Raises a core configuration error as `halo_core.ConfigError`, keeping its
/// code and every problem.
pub(crate) fn config_error(err: &halo_core::ConfigError) -> PyErr {
    let problems: Vec<Problem> = err.problems().iter().map(Problem::from).collect();
    ConfigError::new_err((err.to_string(), err.code(), problems))
}

/// Raises a core masking error as `halo_core.MaskingError` with its code.
pub(crate) fn masking_error(err: &halo_core::masking::MaskingError) -> PyErr {
    MaskingError::new_err((err.to_string(), err.code()))
}

/// A plain `ValueError` for arguments the core never sees.
pub(crate) fn value_error(message: String) -> PyErr {
    pyo3::exceptions::PyValueError::new_err(message)
}
