import os
from typing import Any, Literal, Mapping

from halo_core.errors import ConfigError as ConfigError
from halo_core.errors import CryptoError as CryptoError
from halo_core.errors import CryptoInputError as CryptoInputError
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

class FieldCipher:
    """AES-256-GCM field encryption into ``hc1.<key id>.<nonce>.<ciphertext>``
    envelopes bound to a field name and a context (record id or tenant)."""

    def __init__(
        self,
        keys: Mapping[str, str],
        primary: str | None = None,
        fields: list[str] | None = None,
    ) -> None:
        """``keys`` maps key ids to 32 bytes in standard base64; ``primary``
        may be left out with one key; ``fields`` defaults to ``email``,
        ``phone``, ``social_security_number``, ``bank_account_details``."""
    @staticmethod
    def from_config(config: Config) -> FieldCipher:
        """The cipher of ``security.encryption.at_rest``, keys read from the
        environment and files; raises :class:`CryptoError`."""
    def encrypt_field(self, field: str, context: str, plaintext: bytes) -> str: ...
    def decrypt_field(self, field: str, context: str, envelope: str) -> bytes:
        """Raises :class:`CryptoError` (``crypto.decrypt_failed``,
        ``crypto.unknown_key_id``) or :class:`CryptoInputError`."""
    def encrypt_record(self, context: str, record: Mapping[str, Any]) -> dict[str, Any]: ...
    def decrypt_record(self, context: str, record: Mapping[str, Any]) -> dict[str, Any]: ...
    def reencrypt_record(self, context: str, record: Mapping[str, Any]) -> dict[str, Any]: ...
    def needs_reencrypt(self, envelope: str) -> bool: ...
    def reencrypt(self, field: str, context: str, envelope: str) -> str: ...
    def add_key(self, key_id: str, key: str) -> None: ...
    def set_primary(self, key_id: str) -> None: ...
    def remove_key(self, key_id: str) -> None: ...
    @property
    def primary_key_id(self) -> str: ...
    @property
    def key_ids(self) -> list[str]: ...
    @property
    def fields(self) -> list[str]: ...

class BlindIndex:
    """Keyed, truncated HMAC-SHA256 of normalised values for equality search.
    Deterministic: it reveals which records share a value."""

    def __init__(self, key: str, length: int = 16) -> None:
        """``key`` is 32 bytes in standard base64; ``length`` 8 to 32 bytes."""
    @staticmethod
    def from_config(config: Config) -> BlindIndex: ...
    def index(self, field: str, value: str) -> str: ...

class SubjectKeys:
    """A data key per data subject, wrapped by the keyring; ``forget``
    destroys it so the subject's envelopes become unreadable."""

    def __init__(
        self,
        keys: Mapping[str, str],
        primary: str | None = None,
        store_dir: str | os.PathLike[str] | None = None,
        fields: list[str] | None = None,
    ) -> None:
        """Keys are kept in files under ``store_dir``, or in memory."""
    def encrypt_field(self, subject: str, field: str, plaintext: bytes) -> str: ...
    def decrypt_field(self, subject: str, field: str, envelope: str) -> bytes:
        """Raises :class:`CryptoError` with ``crypto.subject_forgotten`` once
        the subject is forgotten."""
    def encrypt_record(self, subject: str, record: Mapping[str, Any]) -> dict[str, Any]: ...
    def decrypt_record(self, subject: str, record: Mapping[str, Any]) -> dict[str, Any]: ...
    def forget(self, subject: str) -> bool: ...
    def rewrap(self, subject: str) -> bool: ...
