import os
from typing import Any, Literal, Mapping

from halo_core.errors import ConfigError as ConfigError
from halo_core.errors import CryptoError as CryptoError
from halo_core.errors import CryptoInputError as CryptoInputError
from halo_core.errors import HaloCoreError as HaloCoreError
from halo_core.errors import LeadValidationError as LeadValidationError

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

class Violation:
    """One thing wrong with a lead; never holds the value."""

    @property
    def field(self) -> str:
        """The field's name, or an unknown key."""
    @property
    def code(self) -> str:
        """Stable code such as ``lead.required`` or ``lead.email_invalid``."""
    @property
    def message(self) -> str: ...
    def to_dict(self) -> dict[str, str]: ...

class ValidLead:
    """A lead that passed a :class:`LeadSchema`, normalised."""

    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str: ...
    @property
    def email(self) -> str:
        """Domain in lower-case ASCII (IDN in ``xn--`` form)."""
    @property
    def phone(self) -> str | None:
        """``+`` and digits, or E.164 under ``phone_policy="e164"``."""
    @property
    def company(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def website(self) -> str | None: ...
    @property
    def country(self) -> str | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def source_id(self) -> str | None: ...
    @property
    def extra(self) -> dict[str, Any]:
        """Fields kept under ``unknown_fields="keep"``."""
    @property
    def dedupe_key(self) -> str:
        """The normalised email lower-cased whole."""
    def to_dict(self) -> dict[str, Any]:
        """The normalised lead; absent optional fields left out."""
    def __eq__(self, other: object) -> bool: ...

class Outcome:
    """One line of JSON Lines or one CSV row: a lead or an error."""

    @property
    def line(self) -> int:
        """1-based line number."""
    @property
    def ok(self) -> bool: ...
    @property
    def lead(self) -> Any:
        """A :class:`ValidLead` (JSON Lines) or a lead dict (CSV); ``None``
        on error."""
    @property
    def error(self) -> LeadValidationError | None: ...

class LeadSchema:
    """The rules a lead is validated against; defaults are the guide's Joi
    schema (names 1–50 characters, company 1–100, valid email, optional
    phone matching ``^\\+?[\\d\\s\\-\\(\\)]+$``, unknown fields rejected)."""

    def __init__(
        self,
        *,
        lengths: Mapping[str, tuple[int, int]] | None = None,
        unknown_fields: Literal["reject", "strip", "keep"] = "reject",
        phone_policy: Literal["pattern", "e164"] = "pattern",
        phone_region: str | None = None,
        max_json_bytes: int | None = None,
    ) -> None:
        """Raises :class:`LeadValidationError` (``lead.schema_invalid``)."""
    def validate(self, lead: Mapping[str, Any]) -> ValidLead:
        """Raises :class:`LeadValidationError` with every violation."""
    def validate_json(self, json: str | bytes) -> ValidLead: ...
    def validate_jsonl(self, jsonl: str | bytes) -> list[Outcome]:
        """One outcome per non-blank line; releases the GIL."""
    def length(self, field: str) -> tuple[int, int]: ...
    @property
    def unknown_fields(self) -> Literal["reject", "strip", "keep"]: ...
    @property
    def max_json_bytes(self) -> int: ...

class Lead:
    """Mapping of lead-source records into lead dicts."""

    @staticmethod
    def from_apollo(person: Mapping[str, Any]) -> dict[str, str]:
        """An Apollo.io person record; raises :class:`LeadValidationError`
        (``lead.source_field_missing``, ``.field``)."""
    @staticmethod
    def from_zoominfo(contact: Mapping[str, Any]) -> dict[str, str]: ...

class CsvMapping:
    """How CSV columns (matched ignoring case and spaces) map onto lead
    fields."""

    def __init__(
        self,
        columns: Mapping[str, str] | None = None,
        *,
        keep_other_columns: bool = False,
        delimiter: str = ",",
    ) -> None: ...
    def read(self, csv: str | bytes) -> list[Outcome]:
        """Raises :class:`LeadValidationError` when the header lacks a
        required column."""
