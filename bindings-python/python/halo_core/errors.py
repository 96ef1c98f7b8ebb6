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


__all__ = [
    "HaloCoreError",
    "ConfigError",
    "CryptoError",
    "CryptoInputError",
    "LeadValidationError",
]
