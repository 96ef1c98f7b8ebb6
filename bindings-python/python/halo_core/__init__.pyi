import os
from typing import Any, Iterable, Literal, Mapping, Union

from halo_core.errors import ConfigError as ConfigError
from halo_core.errors import CryptoError as CryptoError
from halo_core.errors import CryptoInputError as CryptoInputError
from halo_core.errors import HaloCoreError as HaloCoreError
from halo_core.errors import WebhookError as WebhookError
from halo_core.errors import WebhookInputError as WebhookInputError

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

SchemeName = Literal["generic", "standard_webhooks", "stripe", "github", "basic", "api_key"]
"""How a delivery authenticated."""

Headers = Union[
    Mapping[str, str],
    Iterable[tuple[Union[str, bytes], Union[str, bytes]]],
]
"""A mapping (``dict``, Flask's or Starlette's ``request.headers``; its
``items()`` are read) or ``(name, value)`` pairs. Names are compared without
regard to case; a header the verifier needs that appears twice is refused."""

class Signature:
    """A signature method: one scheme and its active secrets (several during
    a rotation). Only HMAC-SHA256 is supported."""

    def __init__(
        self,
        scheme: Literal["generic", "standard_webhooks", "stripe", "github"],
        secrets: list[str | bytes],
        *,
        header: str | None = None,
        timestamp_header: str | None = None,
        encoding: Literal["hex", "base64"] | None = None,
    ) -> None:
        """Standard Webhooks secrets are ``whsec_`` and base64; the others
        are used as given. ``header`` overrides the scheme's header;
        ``timestamp_header`` and ``encoding`` are for ``generic`` only.
        Raises :class:`WebhookInputError`."""
    @property
    def scheme(self) -> str: ...

class Provider:
    """One sender's checks. Any one of its methods (signature, API keys,
    Basic) may authenticate a delivery."""

    def __init__(
        self,
        signature: Signature | None = None,
        *,
        api_keys: list[str] = ...,
        api_key_header: str = "X-API-Key",
        basic: tuple[str, str] | None = None,
        allow_networks: list[str] = ...,
        expected_user_agent: str | None = None,
        tolerance: int | None = None,
        max_body_bytes: int | None = None,
        dangerous_accept_unauthenticated: bool = False,
    ) -> None:
        """``allow_networks`` are CIDRs or addresses (v4 or v6); once given,
        deliveries from elsewhere or without an address are refused.
        ``tolerance`` defaults to 300 s, ``max_body_bytes`` to 1 MiB.
        ``basic`` is ``(username, password)``."""

class Verified:
    """What a successful verification establishes."""

    @property
    def provider(self) -> str | None:
        """The named provider, ``None`` for the default."""
    @property
    def scheme(self) -> SchemeName | None:
        """``None`` only for a provider accepting unauthenticated deliveries."""
    @property
    def id(self) -> str | None:
        """The id claimed in the replay guard (Standard Webhooks
        ``webhook-id``, or ``sig_`` and 32 hex digits); ``None`` for Basic
        and API-key deliveries."""
    @property
    def timestamp(self) -> int | None:
        """The signed timestamp in Unix seconds, for schemes that sign one."""
    def __eq__(self, other: object) -> bool: ...

class WebhookVerifier:
    """Verifies inbound deliveries on their raw body bytes: source network,
    user agent, body size, headers, timestamp tolerance, signature in
    constant time against every active secret, then a replay guard in
    memory. Build one at start-up and share it."""

    def __init__(
        self,
        default: Provider | None = None,
        providers: Mapping[str, Provider] | None = None,
        *,
        replay_capacity: int | None = None,
        dangerous_without_replay_guard: bool = False,
    ) -> None: ...
    @staticmethod
    def from_config(config: Config, secrets: Mapping[str, str | bytes] | None = None) -> WebhookVerifier:
        """The verifier of ``security.webhooks``. Secret references are
        resolved from ``secrets`` (environment variable name to value) when
        given, otherwise from the process environment and files. Raises
        :class:`WebhookError` (``webhook.secret_unavailable``, ...)."""
    def verify(
        self,
        body: bytes | bytearray,
        headers: Headers,
        remote_addr: str | None = None,
        provider: str | None = None,
        *,
        now: int | None = None,
    ) -> Verified:
        """Raises :class:`WebhookError` with the code of the first failed
        check. ``remote_addr`` that does not parse as an IP address counts
        as no address. ``now`` (Unix seconds) defaults to the clock."""
    def verify_ignoring_timestamp(
        self,
        body: bytes | bytearray,
        headers: Headers,
        remote_addr: str | None = None,
        provider: str | None = None,
        *,
        now: int | None = None,
    ) -> Verified:
        """Like :meth:`verify` but accepts a signed timestamp at any
        distance from now; for stored deliveries checked again, or tests."""
    def release(self, verified: Verified) -> None:
        """Forgets the replay claim of a delivery that could not be
        processed, so that the sender's retry is accepted."""
    @property
    def provider_names(self) -> list[str]: ...

class WebhookSigner:
    """Produces the headers that authenticate a delivery (for tests and for
    sending webhooks). Basic and API-key headers carry the credential."""

    def __init__(self, signature: Signature) -> None: ...
    @staticmethod
    def basic(username: str, password: str) -> WebhookSigner: ...
    @staticmethod
    def api_key(header: str, key: str) -> WebhookSigner: ...
    @staticmethod
    def from_config(
        config: Config,
        provider: str | None = None,
        secrets: Mapping[str, str | bytes] | None = None,
    ) -> WebhookSigner:
        """The signer of a provider's signature method."""
    @property
    def scheme(self) -> SchemeName: ...
    def sign(self, body: bytes | bytearray, *, id: str = "", timestamp: int | None = None) -> list[tuple[str, str]]:
        """``(name, value)`` headers. ``id`` is needed by Standard Webhooks
        only; ``timestamp`` (Unix seconds) defaults to now."""
