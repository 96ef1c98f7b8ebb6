"""The exception tree of halo_core.

Every error raised by halo_core is a ``HaloCoreError`` with a stable ``code``
string (``config.invalid``, ``webhook.signature_mismatch``, ...), the same
code the Rust and Node faces of the library use. Errors about bad input also
subclass ``ValueError``.
"""

from __future__ import annotations

from typing import Any, Sequence


class HaloCoreError(Exception):
    """Base class of every halo_core error."""

    code: str

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class ConfigError(HaloCoreError, ValueError):
    """A configuration document did not load.

    ``problems`` lists every problem (``path``, ``code``, ``message``,
    ``hint``) when the document is well-formed JSON but invalid; it is empty
    for unreadable files and JSON syntax errors.
    """

    problems: list[Any]

    def __init__(self, message: str, code: str, problems: Sequence[Any] = ()) -> None:
        super().__init__(message, code)
        self.problems = list(problems)


class CryptoError(HaloCoreError):
    """Field encryption failed: ``crypto.decrypt_failed`` (deliberately
    opaque), ``crypto.unknown_key_id``, ``crypto.subject_forgotten``,
    ``crypto.no_key``, ``crypto.provider_required``, ``crypto.disabled``, ...
    """


class CryptoInputError(CryptoError, ValueError):
    """Malformed input to field encryption: ``crypto.malformed_envelope``,
    ``crypto.invalid_key``, ``crypto.invalid_key_id``,
    ``crypto.invalid_index_length`` or ``crypto.malformed_record``.
    """


class AccessError(HaloCoreError):
    """An access check or credential was refused: a wrong or reused code,
    an unknown, expired or revoked API key, a bearer token that failed
    validation (``access.token_expired``, ``access.api_key_unknown``, ...)."""


class AccessSettingsError(AccessError, ValueError):
    """An access policy or setting is invalid: an inheritance cycle, an
    unknown parent role, a malformed permission, TOTP settings out of range
    (``access.rbac_cycle``, ``access.otp_invalid_settings``, ...)."""


class RateLimitError(HaloCoreError):
    """A rate-limit check failed because its store failed
    (``ratelimit.store_unavailable``, ``ratelimit.store_failed``), with the
    limiter failing closed."""


class RateLimitValueError(RateLimitError, ValueError):
    """A rate limiter was given a bad rule, rule name or key
    (``ratelimit.unknown_rule``, ``ratelimit.duplicate_rule``,
    ``ratelimit.invalid_rule``, ``ratelimit.key_too_long``)."""


class WebhookError(HaloCoreError):
    """A webhook delivery was refused, or a verifier or signer could not be
    built: ``webhook.missing_header``, ``webhook.malformed_header``,
    ``webhook.timestamp_out_of_tolerance``, ``webhook.signature_mismatch``,
    ``webhook.credentials_rejected``, ``webhook.replayed``,
    ``webhook.ip_not_allowed``, ``webhook.user_agent_rejected``,
    ``webhook.body_too_large``, ``webhook.no_secret``,
    ``webhook.unknown_provider``, ``webhook.secret_unavailable``,
    ``webhook.replay_guard_unavailable``. Messages never contain a
    signature, secret, body or address.

    ``status`` is the HTTP status a receiver answers a refused delivery
    with, from the core's mapping: 400 for a missing or malformed header,
    401 when the signature, timestamp or credentials fail, 403 for a refused
    address or user agent, 404 for an unknown provider, 409 for a replay,
    413 for a body over the limit, 500 for a verifier set up wrongly and 503
    when the replay guard cannot be reached (the sender should retry).
    """

    status: int

    def __init__(self, message: str, code: str, status: int = 500) -> None:
        super().__init__(message, code)
        self.status = status


class WebhookInputError(WebhookError, ValueError):
    """A setting given to ``Signature``, ``Provider`` or ``WebhookSigner``
    cannot be used (``webhook.invalid_setting``): an unknown scheme, a bad
    header name or network, a ``whsec_`` secret that does not decode.
    """


class MaskingError(HaloCoreError, ValueError):
    """A masking policy was refused: a bad rule or key (``masking.invalid_rule``,
    ``masking.invalid_pattern``, ``masking.invalid_key``), or a pseudonym key
    that is missing, too short or unreadable (``masking.missing_pseudonym_key``,
    ``masking.weak_pseudonym_key``, ``masking.pseudonym_key_unavailable``).
    """


class LeadValidationError(HaloCoreError, ValueError):
    """A lead, JSON text, source record or CSV input was refused.

    ``code`` is ``lead.invalid`` when the lead was read but breaks the
    schema; ``violations`` then lists every problem as objects with
    ``field``, ``code`` and ``message`` (never the value). Other codes:
    ``lead.syntax``, ``lead.not_object``, ``lead.too_large``,
    ``lead.source_field_missing`` and ``lead.source_field_type`` (``field``
    names the source's field), ``lead.csv`` and ``lead.schema_invalid``.
    """

    violations: list[Any]
    field: str | None

    def __init__(
        self,
        message: str,
        code: str,
        violations: Sequence[Any] = (),
        field: str | None = None,
    ) -> None:
        super().__init__(message, code)
        self.violations = list(violations)
        self.field = field


class HaloError(HaloCoreError):
    """A HaloPSA call failed. ``code`` is one of ``halo.auth_failed``,
    ``halo.forbidden``, ``halo.not_found``, ``halo.rate_limited``,
    ``halo.api``, ``halo.transport``, ``halo.timeout``, ``halo.decode``,
    ``halo.outcome_unknown`` or ``halo.config``; ``transient`` says whether
    the failure may go away by itself (rate limit, transport, timeout, 5xx).
    Messages never contain the client secret, a token, a body or a query.
    """

    transient: bool

    def __init__(self, message: str, code: str, transient: bool = False) -> None:
        super().__init__(message, code)
        self.transient = transient


class HaloConfigError(HaloError, ValueError):
    """A client setting is missing or invalid (``halo.config``)."""


class HaloAuthError(HaloError):
    """The credentials were rejected (``halo.auth_failed``) or the call was
    refused (``halo.forbidden``)."""


class HaloNotFoundError(HaloError):
    """No record at that id (``halo.not_found``)."""


class HaloRateLimitedError(HaloError):
    """HTTP 429 persisted through every retry (``halo.rate_limited``)."""


class HaloTransportError(HaloError):
    """The connection failed or timed out (``halo.transport``,
    ``halo.timeout``)."""


class HaloOutcomeUnknownError(HaloError):
    """A create may or may not have been applied (``halo.outcome_unknown``);
    look the record up before trying again."""


class SandboxError(HaloCoreError):
    """The HaloPSA sandbox could not start (``sandbox.bind``)."""


class SyncError(HaloCoreError):
    """A lead sync could not run at all (``sync.lookup_failed``: the records
    already in HaloPSA could not be read). Failures of single leads are not
    errors: they are in the report."""


class SyncOptionError(SyncError, ValueError):
    """A sync option is out of range (``sync.invalid_option``)."""


class AuditError(HaloCoreError):
    """The audit log failed: ``audit.io``, ``audit.no_log``,
    ``audit.chain_broken`` (reading a damaged log), ``audit.crypto_failed``,
    ``audit.cipher_required``, ``audit.masking_failed``, ... Damage found by
    :func:`halo_core.verify` is reported, not raised."""


class AuditInputError(AuditError, ValueError):
    """A bad chain key (``audit.invalid_chain_key``, ``audit.no_chain_key``),
    action name (``audit.invalid_action``) or argument
    (``audit.invalid_argument``)."""


class ComplianceError(HaloCoreError):
    """A compliance helper failed: ``compliance.portability_disabled``,
    ``compliance.format_disabled``, ``compliance.ledger_io``,
    ``compliance.ledger_corrupt``, ``compliance.export_failed``,
    ``compliance.erasure_failed``, ``compliance.audit_failed``."""


class ComplianceInputError(ComplianceError, ValueError):
    """Input the compliance helpers refuse: ``compliance.unknown_entity``,
    ``compliance.date_out_of_range``, ``compliance.unknown_purpose``,
    ``compliance.invalid_input``, ``compliance.out_of_order``,
    ``compliance.column_collision``."""


__all__ = [
    "AccessError",
    "AccessSettingsError",
    "AuditError",
    "AuditInputError",
    "ComplianceError",
    "ComplianceInputError",
    "ConfigError",
    "CryptoError",
    "CryptoInputError",
    "HaloAuthError",
    "HaloConfigError",
    "HaloCoreError",
    "HaloError",
    "HaloNotFoundError",
    "HaloOutcomeUnknownError",
    "HaloRateLimitedError",
    "HaloTransportError",
    "LeadValidationError",
    "MaskingError",
    "RateLimitError",
    "RateLimitValueError",
    "SandboxError",
    "SyncError",
    "SyncOptionError",
    "WebhookError",
    "WebhookInputError",
]
