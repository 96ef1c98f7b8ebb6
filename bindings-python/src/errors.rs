//! Core errors raised as the exception classes of `halo_core.errors`.

use pyo3::prelude::*;

pyo3::import_exception!(halo_core.errors, ConfigError);
pyo3::import_exception!(halo_core.errors, CryptoError);
pyo3::import_exception!(halo_core.errors, CryptoInputError);
pyo3::import_exception!(halo_core.errors, LeadValidationError);

use crate::config::Problem;

/// Raises a core configuration error as `halo_core.ConfigError`, keeping its
/// code and every problem.
pub(crate) fn config_error(err: &halo_core::ConfigError) -> PyErr {
    let problems: Vec<Problem> = err.problems().iter().map(Problem::from).collect();
    ConfigError::new_err((err.to_string(), err.code(), problems))
}

/// Raises a core crypto error as `halo_core.CryptoError`, or as
/// `halo_core.CryptoInputError` (also a `ValueError`) when the input was
/// malformed rather than undecryptable.
pub(crate) fn crypto_error(err: &halo_core::CryptoError) -> PyErr {
    let args = (err.to_string(), err.code());
    match err.code() {
        "crypto.malformed_envelope"
        | "crypto.invalid_key"
        | "crypto.invalid_key_id"
        | "crypto.invalid_index_length"
        | "crypto.malformed_record" => CryptoInputError::new_err(args),
        _ => CryptoError::new_err(args),
    }
}

/// Raises a core lead error as `halo_core.LeadValidationError` (also a
/// `ValueError`) with its code, its violations (empty unless the code is
/// `lead.invalid`) and, for source mapping errors, the source field.
pub(crate) fn lead_error(err: &halo_core::lead::LeadError) -> PyErr {
    use halo_core::lead::LeadError;
    let violations: Vec<crate::lead::Violation> = err.violations().iter().map(Into::into).collect();
    let field = match err {
        LeadError::SourceFieldMissing { field, .. } | LeadError::SourceFieldType { field, .. } => {
            Some(field.to_string())
        }
        _ => None,
    };
    LeadValidationError::new_err((err.to_string(), err.code(), violations, field))
}
