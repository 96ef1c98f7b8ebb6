//! Core errors raised as the exception classes of `halo_core.errors`.

use pyo3::prelude::*;

pyo3::import_exception!(halo_core.errors, ConfigError);
pyo3::import_exception!(halo_core.errors, CryptoError);
pyo3::import_exception!(halo_core.errors, CryptoInputError);
pyo3::import_exception!(halo_core.errors, AccessError);
pyo3::import_exception!(halo_core.errors, AccessSettingsError);
pyo3::import_exception!(halo_core.errors, RateLimitError);
pyo3::import_exception!(halo_core.errors, RateLimitValueError);
pyo3::import_exception!(halo_core.errors, WebhookError);
pyo3::import_exception!(halo_core.errors, WebhookInputError);
pyo3::import_exception!(halo_core.errors, MaskingError);
pyo3::import_exception!(halo_core.errors, LeadValidationError);
pyo3::import_exception!(halo_core.errors, HaloError);
pyo3::import_exception!(halo_core.errors, HaloConfigError);
pyo3::import_exception!(halo_core.errors, HaloAuthError);
pyo3::import_exception!(halo_core.errors, HaloNotFoundError);
pyo3::import_exception!(halo_core.errors, HaloRateLimitedError);
pyo3::import_exception!(halo_core.errors, HaloTransportError);
pyo3::import_exception!(halo_core.errors, HaloOutcomeUnknownError);
pyo3::import_exception!(halo_core.errors, SandboxError);
pyo3::import_exception!(halo_core.errors, SyncError);
pyo3::import_exception!(halo_core.errors, SyncOptionError);
pyo3::import_exception!(halo_core.errors, AuditError);
pyo3::import_exception!(halo_core.errors, AuditInputError);
pyo3::import_exception!(halo_core.errors, ComplianceError);
pyo3::import_exception!(halo_core.errors, ComplianceInputError);

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
/// Raises a core access error: `halo_core.AccessSettingsError` (also a
/// `ValueError`) for a bad policy or setting, `halo_core.AccessError` for a
/// refused credential, both with the core's code.
pub(crate) fn access_error(err: &halo_core::AccessError) -> PyErr {
    use halo_core::AccessError as E;
    let settings = matches!(
        err,
        E::UnknownParentRole { .. }
            | E::InheritanceCycle { .. }
            | E::InvalidPermission { .. }
            | E::InvalidRole
            | E::RbacDisabled
            | E::InvalidOtpSettings(_)
            | E::InvalidSecret
            | E::InvalidTokenSettings(_)
    );
    let args = (err.to_string(), err.code());
    if settings {
        AccessSettingsError::new_err(args)
    } else {
        AccessError::new_err(args)
    }
}

/// Raises `halo_core.AccessSettingsError` (`access.invalid_argument`) for an
/// argument the binding cannot convert.
pub(crate) fn bad_argument(message: &str) -> PyErr {
    AccessSettingsError::new_err((message.to_owned(), "access.invalid_argument"))
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

/// Raises a core webhook error as `halo_core.WebhookError`, or as
/// `halo_core.WebhookInputError` (also a `ValueError`) when a setting given
/// to a constructor cannot be used, with its code and the HTTP status the
/// core maps it to.
pub(crate) fn webhook_error(err: &halo_core::WebhookError) -> PyErr {
    let args = (err.to_string(), err.code(), err.http_status());
    match err.code() {
        "webhook.invalid_setting" => WebhookInputError::new_err(args),
        _ => WebhookError::new_err(args),
    }
}

/// Raises a core masking error as `halo_core.MaskingError` with its code.
pub(crate) fn masking_error(err: &halo_core::masking::MaskingError) -> PyErr {
    MaskingError::new_err((err.to_string(), err.code()))
}

/// A plain `ValueError` for arguments the core never sees.
pub(crate) fn value_error(message: String) -> PyErr {
    pyo3::exceptions::PyValueError::new_err(message)
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

/// Raises a core HaloPSA client error as the `halo_core.HaloError` subclass
/// of its code, with `.code` and `.transient`.
pub(crate) fn halo_error(err: &halo_core::HaloError) -> PyErr {
    let args = (err.to_string(), err.code(), err.is_transient());
    match err.code() {
        "halo.config" => HaloConfigError::new_err(args),
        "halo.auth_failed" | "halo.forbidden" => HaloAuthError::new_err(args),
        "halo.not_found" => HaloNotFoundError::new_err(args),
        "halo.rate_limited" => HaloRateLimitedError::new_err(args),
        "halo.transport" | "halo.timeout" => HaloTransportError::new_err(args),
        "halo.outcome_unknown" => HaloOutcomeUnknownError::new_err(args),
        _ => HaloError::new_err(args),
    }
}

/// Raises a sandbox start failure as `halo_core.SandboxError`.
pub(crate) fn sandbox_error(err: &halo_core::sandbox::SandboxError) -> PyErr {
    SandboxError::new_err((err.to_string(), err.code()))
}

/// Raises a sync that could not run: `SyncOptionError` (also a
/// `ValueError`) for a bad option, `SyncError` otherwise.
pub(crate) fn sync_error(err: &halo_core::sync::SyncError) -> PyErr {
    let args = (err.to_string(), err.code());
    match err.code() {
        "sync.invalid_option" => SyncOptionError::new_err(args),
        _ => SyncError::new_err(args),
    }
}

/// Raises a core audit error: `AuditInputError` (also a `ValueError`) for a
/// bad chain key or action name, `AuditError` otherwise, with the code.
pub(crate) fn audit_error(err: &halo_core::AuditError) -> PyErr {
    let args = (err.to_string(), err.code());
    match err.code() {
        "audit.invalid_chain_key" | "audit.invalid_action" | "audit.no_chain_key" => {
            AuditInputError::new_err(args)
        }
        _ => AuditError::new_err(args),
    }
}

/// Raises `AuditInputError` (`audit.invalid_argument`) for an argument the
/// binding cannot convert.
pub(crate) fn audit_input_error(message: &str) -> PyErr {
    AuditInputError::new_err((message.to_owned(), "audit.invalid_argument"))
}

/// Raises a core compliance error: `ComplianceInputError` (also a
/// `ValueError`) for input the core refuses, `ComplianceError` for
/// disabled exports and failed files, erasures and audits.
pub(crate) fn compliance_error(err: &halo_core::ComplianceError) -> PyErr {
    let args = (err.to_string(), err.code());
    match err.code() {
        "compliance.unknown_entity"
        | "compliance.date_out_of_range"
        | "compliance.unknown_purpose"
        | "compliance.invalid_input"
        | "compliance.out_of_order"
        | "compliance.column_collision" => ComplianceInputError::new_err(args),
        _ => ComplianceError::new_err(args),
    }
}
