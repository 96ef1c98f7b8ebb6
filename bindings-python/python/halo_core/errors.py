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


class MaskingError(HaloCoreError, ValueError):
    """A masking policy was refused: a bad rule or key (``masking.invalid_rule``,
    ``masking.invalid_pattern``, ``masking.invalid_key``), or a pseudonym key
    that is missing, too short or unreadable (``masking.missing_pseudonym_key``,
    ``masking.weak_pseudonym_key``, ``masking.pseudonym_key_unavailable``).
    """


__all__ = ["HaloCoreError", "ConfigError", "MaskingError"]
