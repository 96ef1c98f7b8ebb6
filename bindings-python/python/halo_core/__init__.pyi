import os
from typing import Literal

from halo_core.errors import ConfigError as ConfigError
from halo_core.errors import HaloCoreError as HaloCoreError

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
