import os
from collections.abc import Mapping
from typing import Any, Literal

from halo_core.errors import ConfigError as ConfigError
from halo_core.errors import HaloCoreError as HaloCoreError
from halo_core.errors import MaskingError as MaskingError

__version__: str

class Problem:
    """One problem of a configuration document that did not load."""

    @property
    def path(self) -> str:
        """Dotted JSON path, list positions in brackets."""
    @property
    def code(self) -> str:
        """Stable code such as ``config.unknown_field``."""
    @property
    def message(self) -> str: ...
    @property
    def hint(self) -> str | None:
        """How to fix it, such as ``did you mean `burst_limit`?``."""

class Finding:
    """A finding of :meth:`Config.posture`."""

    @property
    def code(self) -> str:
        """Stable code such as ``mfa.admin_not_required``."""
    @property
    def severity(self) -> Literal["low", "medium", "high"]: ...
    @property
    def path(self) -> str: ...
    @property
    def message(self) -> str: ...

class Config:
    """The configuration document (``{"security": ..., "compliance": ...}``)."""

    @staticmethod
    def default() -> Config:
        """The guide's configuration without its site-specific examples."""
    @staticmethod
    def from_json(text: str) -> Config:
        """Loads a document strictly; raises :class:`ConfigError`."""
    @staticmethod
    def from_path(path: str | os.PathLike[str]) -> Config:
        """Loads a document from a file; raises :class:`ConfigError`."""
    def to_json(self) -> str:
        """JSON text that loads back to an equal ``Config``."""
    def posture(self) -> list[Finding]:
        """Findings against the guide's pre-deployment checklist."""
    def __eq__(self, other: object) -> bool: ...

class Detection:
    """One finding of :meth:`Masker.find`: ``text[start:end]`` is what is masked."""

    @property
    def detector(
        self,
    ) -> Literal["email", "phone", "ssn", "card", "bearer", "jwt", "secret", "url_credentials"]: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    def __eq__(self, other: object) -> bool: ...

class Masker:
    """Masks personal data and secrets in records and log text under the
    policy of ``security.data_masking``. Immutable and thread-safe."""

    def __init__(self, config: Config | None = None, *, env: Mapping[str, bytes | str] | None = None) -> None:
        """The masker of ``config`` (the guide's policy when omitted).

        The pseudonym key is read from the process environment or file it
        names, or, when ``env`` is given, from ``env`` only. Raises
        :class:`MaskingError`.
        """
    @staticmethod
    def default() -> Masker:
        """The guide's policy: emails keep their domain, phone numbers their
        area code; ``password``, ``api_key`` and ``token`` are secret."""
    def mask_text(self, text: str) -> str:
        """Free text or a log line with emails, phone numbers, SSNs, card
        numbers, bearer tokens, JWTs, URL credentials and secret
        ``key=value`` pairs masked; ``text`` itself when nothing is found."""
    def mask_record(self, record: Any) -> Any:
        """A masked copy of a JSON-like record, masked by field name.

        The record goes through JSON: integers beyond 64 bits become floats,
        and NaN or infinities raise ``ValueError``."""
    def mask_json(self, text: str) -> str:
        """:meth:`mask_record` on JSON text; returns compact JSON text."""
    def find(self, text: str) -> list[Detection]:
        """Every finding of :meth:`mask_text`, in order."""
    def mask_value(self, rule: str, value: str) -> str | None:
        """``value`` masked by the rule named ``rule``; ``None`` without such a rule."""
    def rule_names(self) -> list[str]:
        """The rule names, in order."""
