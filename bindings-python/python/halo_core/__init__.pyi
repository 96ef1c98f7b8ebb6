import os
from typing import Any, Iterable, Literal, Mapping, Union
import datetime
import ipaddress
from collections.abc import Mapping, Sequence
from typing import Any, Iterable, Literal, Mapping, Union
from collections.abc import Mapping
from typing import Any, Iterable, Literal, Mapping, Union
from typing import Any, Literal, Mapping

from halo_core.errors import AccessError as AccessError
from halo_core.errors import AccessSettingsError as AccessSettingsError
from halo_core.errors import ConfigError as ConfigError
from halo_core.errors import CryptoError as CryptoError
from halo_core.errors import CryptoInputError as CryptoInputError
from halo_core.errors import HaloCoreError as HaloCoreError
from halo_core.errors import RateLimitError as RateLimitError
from halo_core.errors import RateLimitValueError as RateLimitValueError
from halo_core.errors import WebhookError as WebhookError
from halo_core.errors import WebhookInputError as WebhookInputError
from halo_core.errors import MaskingError as MaskingError
from halo_core.errors import LeadValidationError as LeadValidationError
from halo_core.errors import HaloError as HaloError
from halo_core.errors import HaloConfigError as HaloConfigError
from halo_core.errors import HaloAuthError as HaloAuthError
from halo_core.errors import HaloNotFoundError as HaloNotFoundError
from halo_core.errors import HaloRateLimitedError as HaloRateLimitedError
from halo_core.errors import HaloTransportError as HaloTransportError
from halo_core.errors import HaloOutcomeUnknownError as HaloOutcomeUnknownError
from halo_core.errors import SandboxError as SandboxError
from halo_core.errors import SyncError as SyncError
from halo_core.errors import SyncOptionError as SyncOptionError
from halo_core.errors import AuditError as AuditError
from halo_core.errors import AuditInputError as AuditInputError
from halo_core.errors import ComplianceError as ComplianceError
from halo_core.errors import ComplianceInputError as ComplianceInputError

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

class Grant:
    """The role and the permission, as written there, that allowed a decision."""

    @property
    def role(self) -> str: ...
    @property
    def permission(self) -> str: ...

class Decision:
    """The answer of :meth:`Policy.decide`."""

    @property
    def allowed(self) -> bool: ...
    @property
    def granted_by(self) -> Grant | None: ...

class Policy:
    """A compiled RBAC policy; raises :class:`AccessSettingsError` when built
    from a broken one (``access.rbac_cycle``, ``access.rbac_unknown_role``)."""

    def __init__(self, roles: dict[str, dict[str, list[str]]]) -> None:
        """Roles as ``{"name": {"permissions": [...], "inherits": [...]}}``."""
    @staticmethod
    def from_config(config: Config) -> Policy:
        """The policy of ``security.authorization.rbac``."""
    def is_allowed(self, role: str, permission: str) -> bool: ...
    def decide(self, roles: list[str], permission: str) -> Decision: ...
    def effective_permissions(self, role: str) -> list[str] | None: ...
    def roles(self) -> list[str]: ...

class MfaPolicy:
    """Which roles need a second factor; times are Unix seconds."""

    @staticmethod
    def from_config(config: Config) -> MfaPolicy: ...
    def requirement(
        self, role: str, enrolled: bool, account_created_at: int, now: int
    ) -> tuple[Literal["not_required", "required", "in_grace"], int | None]: ...
    def allows(self, method: Literal["totp", "sms", "email"]) -> bool: ...

class MemoryOtpStore:
    """TOTP replay and throttling state, in memory."""

    def __init__(self) -> None: ...

class Totp:
    """RFC 6238 time-based one-time passwords (default SHA1, 6 digits, 30 s;
    lockout of 300 s after 5 failures)."""

    def __init__(
        self,
        secret: bytes,
        algorithm: Literal["SHA1", "SHA256", "SHA512"] = "SHA1",
        digits: int = 6,
        step: int = 30,
        max_failures: int = 5,
        lockout: int = 300,
    ) -> None: ...
    @staticmethod
    def from_base32(
        secret: str,
        algorithm: Literal["SHA1", "SHA256", "SHA512"] = "SHA1",
        digits: int = 6,
        step: int = 30,
        max_failures: int = 5,
        lockout: int = 300,
    ) -> Totp: ...
    @staticmethod
    def generate_secret() -> str:
        """A new random base32 secret of 20 bytes."""
    def generate(self, at: int) -> str: ...
    def verify(self, account: str, code: str, store: MemoryOtpStore, now: int | None = None) -> None:
        """Raises :class:`AccessError` (``access.otp_mismatch``, ``access.otp_reused``,
        ``access.otp_throttled``)."""
    def provisioning_uri(self, issuer: str, account: str) -> str: ...

class OneTimeCodes:
    """6-digit codes for the ``sms`` and ``email`` methods, kept hashed."""

    def __init__(self, ttl: int = 600, attempts: int = 5) -> None: ...
    def issue(self, account: str, method: Literal["sms", "email"], now: int | None = None) -> str: ...
    def verify(self, account: str, code: str, now: int | None = None) -> str: ...

class RecoveryCodes:
    """Single-use recovery codes, stored as salted hashes."""

    @staticmethod
    def generate(count: int) -> tuple[list[str], RecoveryCodes]: ...
    @staticmethod
    def from_json(text: str) -> RecoveryCodes: ...
    def to_json(self) -> str: ...
    def redeem(self, code: str) -> None: ...
    def remaining(self) -> int: ...

class VerifiedKey:
    """A key that passed :meth:`ApiKeyStore.verify`."""

    @property
    def id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def status(self) -> Literal["active", "retiring"]: ...
    @property
    def until(self) -> int | None: ...

class ApiKeyStore:
    """API keys kept as hashes, in memory or in a JSON file; times are Unix
    seconds (default: now)."""

    def __init__(self, config: Config | None = None, path: str | os.PathLike[str] | None = None) -> None: ...
    def issue(self, label: str, now: int | None = None) -> tuple[str, str]: ...
    def verify(self, key: str, now: int | None = None) -> VerifiedKey: ...
    def rotate(self, id: str, now: int | None = None) -> tuple[str, str]: ...
    def revoke(self, id: str) -> None: ...
    def due_for_rotation(self, now: int | None = None) -> list[str]: ...

class ValidatedToken:
    """The claims of a bearer token that passed validation."""

    @property
    def subject(self) -> str | None: ...
    @property
    def issuer(self) -> str | None: ...
    @property
    def expires_at(self) -> int: ...
    @property
    def scopes(self) -> list[str]: ...
    @property
    def claims_json(self) -> str: ...
    def require_scope(self, scope: str) -> None: ...

class TokenValidator:
    """Validates signed JWT bearer tokens against a JSON Web Key Set."""

    def __init__(
        self,
        jwks_json: str,
        issuer: str | None = None,
        audience: str | None = None,
        leeway: int = 30,
        algorithms: list[str] = ["RS256", "ES256"],
    ) -> None: ...
    @staticmethod
    def from_config(config: Config, jwks_json: str | None = None) -> TokenValidator: ...
    def dangerous_accept_hs256(self, secret: bytes) -> None:
        """Also accepts HS256 tokens signed with the shared ``secret``."""
    def validate(self, token: str, now: int | None = None) -> ValidatedToken: ...

_Address = str | ipaddress.IPv4Address | ipaddress.IPv6Address

class Rule:
    """A rate limit: a sustained rate, a burst (requests allowed at once from
    an idle key; default 1) and an optional block (default none)."""

    def __init__(self, requests: int, period: datetime.timedelta) -> None: ...
    @staticmethod
    def per_second(requests: int) -> Rule: ...
    @staticmethod
    def per_minute(requests: int) -> Rule: ...
    @staticmethod
    def per_hour(requests: int) -> Rule: ...
    def with_burst(self, burst: int) -> Rule: ...
    def with_block(self, block: datetime.timedelta) -> Rule:
        """The same rule where a refused key is blocked for ``block``."""
    @property
    def emission_interval(self) -> datetime.timedelta: ...
    @property
    def burst(self) -> int: ...
    @property
    def block(self) -> datetime.timedelta | None: ...
    def __eq__(self, other: object) -> bool: ...

class ManualClock:
    """A clock that moves only when told to, for tests."""

    def __init__(self, since_epoch: datetime.timedelta) -> None: ...
    def set(self, since_epoch: datetime.timedelta) -> None: ...
    def advance(self, by: datetime.timedelta) -> None: ...
    @property
    def now(self) -> datetime.timedelta:
        """The current time, since the UNIX epoch."""

class RateDecision:
    """What a check decided."""

    @property
    def kind(self) -> Literal["allowed", "limited", "blocked", "exempt", "unlimited", "unchecked"]: ...
    @property
    def allowed(self) -> bool:
        """Whether the request may proceed."""
    @property
    def limit(self) -> int | None:
        """The rule's burst, for counted requests."""
    @property
    def remaining(self) -> int | None:
        """Requests still allowed now, when allowed."""
    @property
    def reset(self) -> datetime.timedelta | None:
        """Time until the whole burst is available again, when allowed."""
    @property
    def retry_after(self) -> datetime.timedelta | None:
        """Time to wait, when limited or blocked."""
    @property
    def until(self) -> datetime.datetime | None:
        """When the block ends, when blocked."""
    @property
    def code(self) -> str | None:
        """The store error's code, when unchecked (failing open)."""
    @property
    def headers(self) -> list[tuple[str, str]]:
        """``RateLimit-Limit``, ``RateLimit-Remaining``, ``RateLimit-Reset``
        and ``Retry-After`` as they apply."""

class RateLimiter:
    """Checks requests against named rules (GCRA), in memory."""

    def __init__(
        self,
        rules: Mapping[str, Rule],
        *,
        exempt_networks: Sequence[str] = (),
        exempt_user_agents: Sequence[str] = (),
        clock: ManualClock | None = None,
        failure_mode: Literal["closed", "open"] = "closed",
    ) -> None:
        """Raises :class:`RateLimitValueError` for an impossible rule."""
    @staticmethod
    def from_config(
        config: Config,
        *,
        clock: ManualClock | None = None,
        failure_mode: Literal["closed", "open"] = "closed",
    ) -> RateLimiter:
        """The limiter of ``security.rate_limiting`` and the ``api_key``
        limits (rule ``api_key``)."""
    def check(
        self, rule: str, key: str, *, ip: _Address | None = None, user_agent: str | None = None
    ) -> RateDecision:
        """Counts one request of ``key`` under ``rule`` unless exempt; raises
        :class:`RateLimitValueError` (unknown rule, key over 512 bytes) or
        :class:`RateLimitError` (store failure when failing closed)."""
    def is_exempt(self, *, ip: _Address | None = None, user_agent: str | None = None) -> bool: ...
    @property
    def rule_names(self) -> list[str]: ...

def client_ip(
    remote: _Address,
    headers: Sequence[tuple[str, str]],
    trusted: Sequence[str],
    header: Literal["x-forwarded-for", "forwarded"] = "x-forwarded-for",
) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The client's address behind ``remote``, reading ``header`` only from
    trusted proxy networks."""

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

class ClientStats:
    """Requests sent and retried so far by a :class:`HaloClient`."""

    @property
    def requests(self) -> int:
        """API requests sent, each attempt counted (token requests excluded)."""
    @property
    def retries(self) -> int:
        """Attempts that repeated an earlier one."""
    def __eq__(self, other: object) -> bool: ...

class HaloClient:
    """A HaloPSA API client: OAuth2 client credentials with a cached token,
    Halo's paging, a client-side fair-use budget (500 requests per 180 s by
    default) and retries that never create a record twice. Records are
    dicts. Blocking methods release the GIL; ``*_async`` methods are
    awaitable from asyncio."""

    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        config: Config | None = None,
        tenant: str | None = None,
        scope: str | None = None,
        discover_auth: bool | None = None,
        timeout: datetime.timedelta | None = None,
        connect_timeout: datetime.timedelta | None = None,
        user_agent: str | None = None,
        rate_limit: tuple[int, datetime.timedelta] | None = None,
        without_rate_limit: bool = False,
        max_attempts: int | None = None,
        retry_base_delay: datetime.timedelta | None = None,
        retry_max_delay: datetime.timedelta | None = None,
        max_retry_after: datetime.timedelta | None = None,
        renew_before_expiry: datetime.timedelta | None = None,
    ) -> None:
        """Raises :class:`HaloConfigError` for a missing or invalid setting
        (``base_url`` must be https except on loopback)."""
    @property
    def clients(self) -> Clients: ...
    @property
    def sites(self) -> Sites: ...
    @property
    def users(self) -> Users: ...
    @property
    def opportunities(self) -> Opportunities: ...
    @property
    def tickets(self) -> Tickets: ...
    @property
    def actions(self) -> Actions: ...
    @property
    def agents(self) -> Agents: ...
    def stats(self) -> ClientStats: ...

class Clients:
    """``/api/Client``."""

    def list_all(
        self,
        *,
        page_size: int | None = None,
        max_rows: int | None = None,
        search: str | None = None,
        order: str | None = None,
        order_desc: bool | None = None,
        include_active: bool | None = None,
        include_inactive: bool | None = None,
        last_updated_from: str | None = None,
        domain: str | None = None,
    ) -> list[dict[str, Any]]:
        """Every matching record, read page by page (``pageinate=true``, at
        most 100 rows a page); ``page_size`` defaults to 100."""
    async def list_all_async(
        self,
        *,
        page_size: int | None = None,
        max_rows: int | None = None,
        search: str | None = None,
        order: str | None = None,
        order_desc: bool | None = None,
        include_active: bool | None = None,
        include_inactive: bool | None = None,
        last_updated_from: str | None = None,
        domain: str | None = None,
    ) -> list[dict[str, Any]]: ...
    def get(self, id: int) -> dict[str, Any]:
        """The record with ``id``; :class:`HaloNotFoundError` if absent."""
    async def get_async(self, id: int) -> dict[str, Any]: ...
    def upsert(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Creates the records without ``id`` and updates those with one, in
        one ``POST``; a create that may have been applied is never retried
        (:class:`HaloOutcomeUnknownError`)."""
    async def upsert_async(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]: ...
    def delete(self, id: int) -> None: ...
    async def delete_async(self, id: int) -> None: ...
    def count(self) -> int | None:
        """How many records there are, as Halo counts them (one request)."""

class Sites:
    """``/api/Site`` (locations of clients)."""

    def list_all(
        self,
        *,
        page_size: int | None = None,
        max_rows: int | None = None,
        search: str | None = None,
        order: str | None = None,
        order_desc: bool | None = None,
        include_active: bool | None = None,
        include_inactive: bool | None = None,
        last_updated_from: str | None = None,
        client_id: int | None = None,
    ) -> list[dict[str, Any]]:
        """Every matching record, read page by page (``pageinate=true``, at
        most 100 rows a page); ``page_size`` defaults to 100."""
    async def list_all_async(
        self,
        *,
        page_size: int | None = None,
        max_rows: int | None = None,
        search: str | None = None,
        order: str | None = None,
        order_desc: bool | None = None,
        include_active: bool | None = None,
        include_inactive: bool | None = None,
        last_updated_from: str | None = None,
        client_id: int | None = None,
    ) -> list[dict[str, Any]]: ...
    def get(self, id: int) -> dict[str, Any]:
        """The record with ``id``; :class:`HaloNotFoundError` if absent."""
    async def get_async(self, id: int) -> dict[str, Any]: ...
    def upsert(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Creates the records without ``id`` and updates those with one, in
        one ``POST``; a create that may have been applied is never retried
        (:class:`HaloOutcomeUnknownError`)."""
    async def upsert_async(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]: ...
    def delete(self, id: int) -> None: ...
    async def delete_async(self, id: int) -> None: ...
    def count(self) -> int | None:
        """How many records there are, as Halo counts them (one request)."""

class Users:
    """``/api/Users`` (contacts)."""

    def list_all(
        self,
        *,
        page_size: int | None = None,
        max_rows: int | None = None,
        search: str | None = None,
        order: str | None = None,
        order_desc: bool | None = None,
        include_active: bool | None = None,
        include_inactive: bool | None = None,
        last_updated_from: str | None = None,
        client_id: int | None = None,
        site_id: int | None = None,
        search_phonenumbers: bool | None = None,
    ) -> list[dict[str, Any]]:
        """Every matching record, read page by page (``pageinate=true``, at
        most 100 rows a page); ``page_size`` defaults to 100."""
    async def list_all_async(
        self,
        *,
        page_size: int | None = None,
        max_rows: int | None = None,
        search: str | None = None,
        order: str | None = None,
        order_desc: bool | None = None,
        include_active: bool | None = None,
        include_inactive: bool | None = None,
        last_updated_from: str | None = None,
        client_id: int | None = None,
        site_id: int | None = None,
        search_phonenumbers: bool | None = None,
    ) -> list[dict[str, Any]]: ...
    def get(self, id: int) -> dict[str, Any]:
        """The record with ``id``; :class:`HaloNotFoundError` if absent."""
    async def get_async(self, id: int) -> dict[str, Any]: ...
    def upsert(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Creates the records without ``id`` and updates those with one, in
        one ``POST``; a create that may have been applied is never retried
        (:class:`HaloOutcomeUnknownError`)."""
    async def upsert_async(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]: ...
    def delete(self, id: int) -> None: ...
    async def delete_async(self, id: int) -> None: ...
    def count(self) -> int | None:
        """How many records there are, as Halo counts them (one request)."""

class Opportunities:
    """``/api/Opportunities`` (CRM leads)."""

    def list_all(
        self,
        *,
        page_size: int | None = None,
        max_rows: int | None = None,
        search: str | None = None,
        order: str | None = None,
        order_desc: bool | None = None,
        include_active: bool | None = None,
        include_inactive: bool | None = None,
        last_updated_from: str | None = None,
        client_id: int | None = None,
        search_oppemailaddress: str | None = None,
        search_oppcompanyname: str | None = None,
        open_only: bool | None = None,
    ) -> list[dict[str, Any]]:
        """Every matching record, read page by page (``pageinate=true``, at
        most 100 rows a page); ``page_size`` defaults to 100."""
    async def list_all_async(
        self,
        *,
        page_size: int | None = None,
        max_rows: int | None = None,
        search: str | None = None,
        order: str | None = None,
        order_desc: bool | None = None,
        include_active: bool | None = None,
        include_inactive: bool | None = None,
        last_updated_from: str | None = None,
        client_id: int | None = None,
        search_oppemailaddress: str | None = None,
        search_oppcompanyname: str | None = None,
        open_only: bool | None = None,
    ) -> list[dict[str, Any]]: ...
    def get(self, id: int) -> dict[str, Any]:
        """The record with ``id``; :class:`HaloNotFoundError` if absent."""
    async def get_async(self, id: int) -> dict[str, Any]: ...
    def upsert(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Creates the records without ``id`` and updates those with one, in
        one ``POST``; a create that may have been applied is never retried
        (:class:`HaloOutcomeUnknownError`)."""
    async def upsert_async(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]: ...
    def delete(self, id: int) -> None: ...
    async def delete_async(self, id: int) -> None: ...
    def count(self) -> int | None:
        """How many records there are, as Halo counts them (one request)."""

class Tickets:
    """``/api/Tickets``."""

    def list_all(
        self,
        *,
        page_size: int | None = None,
        max_rows: int | None = None,
        search: str | None = None,
        order: str | None = None,
        order_desc: bool | None = None,
        include_active: bool | None = None,
        include_inactive: bool | None = None,
        last_updated_from: str | None = None,
        client_id: int | None = None,
        open_only: bool | None = None,
    ) -> list[dict[str, Any]]:
        """Every matching record, read page by page (``pageinate=true``, at
        most 100 rows a page); ``page_size`` defaults to 100."""
    async def list_all_async(
        self,
        *,
        page_size: int | None = None,
        max_rows: int | None = None,
        search: str | None = None,
        order: str | None = None,
        order_desc: bool | None = None,
        include_active: bool | None = None,
        include_inactive: bool | None = None,
        last_updated_from: str | None = None,
        client_id: int | None = None,
        open_only: bool | None = None,
    ) -> list[dict[str, Any]]: ...
    def get(self, id: int) -> dict[str, Any]:
        """The record with ``id``; :class:`HaloNotFoundError` if absent."""
    async def get_async(self, id: int) -> dict[str, Any]: ...
    def upsert(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Creates the records without ``id`` and updates those with one, in
        one ``POST``; a create that may have been applied is never retried
        (:class:`HaloOutcomeUnknownError`)."""
    async def upsert_async(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]: ...
    def delete(self, id: int) -> None: ...
    async def delete_async(self, id: int) -> None: ...
    def count(self) -> int | None:
        """How many records there are, as Halo counts them (one request)."""

class Actions:
    """``/api/Actions`` (notes, emails, updates on tickets). Halo looks an
    action up within its ticket: reading or deleting one takes the ticket's
    id as well."""

    def list_all(
        self,
        *,
        page_size: int | None = None,
        max_rows: int | None = None,
        search: str | None = None,
        order: str | None = None,
        order_desc: bool | None = None,
        include_active: bool | None = None,
        include_inactive: bool | None = None,
        last_updated_from: str | None = None,
        ticket_id: int | None = None,
    ) -> list[dict[str, Any]]:
        """Every matching record, read page by page (``pageinate=true``, at
        most 100 rows a page); ``page_size`` defaults to 100."""
    async def list_all_async(
        self,
        *,
        page_size: int | None = None,
        max_rows: int | None = None,
        search: str | None = None,
        order: str | None = None,
        order_desc: bool | None = None,
        include_active: bool | None = None,
        include_inactive: bool | None = None,
        last_updated_from: str | None = None,
        ticket_id: int | None = None,
    ) -> list[dict[str, Any]]: ...
    def get_on_ticket(self, id: int, ticket_id: int) -> dict[str, Any]:
        """The action ``id`` of ticket ``ticket_id``; :class:`HaloNotFoundError`
        if absent."""
    async def get_on_ticket_async(self, id: int, ticket_id: int) -> dict[str, Any]: ...
    def upsert(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Creates the records without ``id`` and updates those with one, in
        one ``POST``; a create that may have been applied is never retried
        (:class:`HaloOutcomeUnknownError`)."""
    async def upsert_async(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]: ...
    def delete_on_ticket(self, id: int, ticket_id: int) -> None: ...
    async def delete_on_ticket_async(self, id: int, ticket_id: int) -> None: ...
    def count(self) -> int | None:
        """How many records there are, as Halo counts them (one request)."""

class Agents:
    """``/api/Agent``: read-only, as in HaloPSA (no ``upsert`` or
    ``delete``)."""

    def list_all(
        self,
        *,
        page_size: int | None = None,
        max_rows: int | None = None,
        search: str | None = None,
        order: str | None = None,
        order_desc: bool | None = None,
        include_active: bool | None = None,
        include_inactive: bool | None = None,
        last_updated_from: str | None = None,
    ) -> list[dict[str, Any]]:
        """Every matching record, read page by page (``pageinate=true``, at
        most 100 rows a page); ``page_size`` defaults to 100."""
    async def list_all_async(
        self,
        *,
        page_size: int | None = None,
        max_rows: int | None = None,
        search: str | None = None,
        order: str | None = None,
        order_desc: bool | None = None,
        include_active: bool | None = None,
        include_inactive: bool | None = None,
        last_updated_from: str | None = None,
    ) -> list[dict[str, Any]]: ...
    def get(self, id: int) -> dict[str, Any]:
        """The record with ``id``; :class:`HaloNotFoundError` if absent."""
    async def get_async(self, id: int) -> dict[str, Any]: ...
    def me(self) -> dict[str, Any]:
        """The agent the application acts as (``/api/Agent/me``)."""
    async def me_async(self) -> dict[str, Any]: ...
    def count(self) -> int | None:
        """How many agents there are, as Halo counts them (one request);
        ``None`` when Halo answers with a bare list and no count."""

class SyncReport:
    """What one :meth:`LeadSync.sync` did; ``failed`` holds ``(input index,
    code)`` pairs, never lead data."""

    @property
    def received(self) -> int: ...
    @property
    def created(self) -> int: ...
    @property
    def updated(self) -> int: ...
    @property
    def unchanged(self) -> int: ...
    @property
    def synced(self) -> int:
        """Created, updated or unchanged."""
    @property
    def duplicates(self) -> list[int]:
        """Input indices of leads whose key appeared earlier; skipped."""
    @property
    def failed(self) -> list[tuple[int, str]]: ...
    @property
    def clients_created(self) -> int: ...
    @property
    def users_created(self) -> int: ...
    @property
    def audit_failures(self) -> int: ...
    @property
    def reconciled(self) -> int:
        """Creates whose outcome was unknown, settled by lookups."""
    @property
    def requests(self) -> int: ...
    @property
    def retries(self) -> int: ...
    @property
    def elapsed(self) -> datetime.timedelta: ...

class LeadSync:
    """Validated leads into HaloPSA as opportunities (and optionally clients
    and contacts), exactly once: de-duplicated within the input and against
    HaloPSA, with unknown-outcome creates settled by lookups."""

    def __init__(
        self,
        client: HaloClient,
        *,
        clients: bool | None = None,
        users: bool | None = None,
        batch_size: int | None = None,
        concurrency: int | None = None,
        lookup: Literal["auto", "per_lead", "snapshot"] | None = None,
        reconcile_rounds: int | None = None,
        actor: str | None = None,
        masker: Masker | None = None,
        audit: AuditLog | None = None,
    ) -> None:
        """Raises :class:`SyncOptionError` for an option out of range."""
    def sync(self, leads: Sequence[ValidLead]) -> SyncReport:
        """Syncs with the GIL released; raises :class:`SyncError` only when
        the existing records could not be read."""
    async def sync_async(self, leads: Sequence[ValidLead]) -> SyncReport: ...

_Category = Literal["authentication", "data_access", "configuration_change", "security"]
_Outcome = Literal["success", "failure", "denied"]
_DamageKind = Literal["edited", "deleted", "inserted", "reordered", "truncated", "torn_line"]

class AuditLog:
    """A tamper-evident audit trail: events masked, then appended to JSON
    Lines segment files under one HMAC-SHA256 chain."""

    def __init__(
        self,
        dir: str | os.PathLike[str],
        chain_key: bytes | str,
        *,
        fsync: Literal["every_entry", "never"] | int | None = None,
        max_segment_bytes: int | None = None,
    ) -> None:
        """``chain_key`` is 32 raw bytes or their standard base64; ``fsync``
        defaults to every entry. Details are masked by the guide's policy
        and not encrypted (see :meth:`from_config`)."""
    @staticmethod
    def from_config(
        config: Config,
        dir: str | os.PathLike[str],
        *,
        env: Mapping[str, str | bytes] | None = None,
    ) -> AuditLog:
        """The log of ``security.auditing``: its chain key, filters, masking,
        retention and encrypted details."""
    def record(
        self,
        category: _Category,
        action: str,
        *,
        outcome: _Outcome | None = None,
        actor: str | None = None,
        resource: str | None = None,
        source_ip: str | ipaddress.IPv4Address | ipaddress.IPv6Address | None = None,
        user_agent: str | None = None,
        details: Mapping[str, Any] | None = None,
        time: datetime.datetime | None = None,
    ) -> int | None:
        """Records an event; returns its sequence number, or ``None`` when
        the configuration turns it off."""
    def is_recorded(self, category: _Category, action: str) -> bool: ...
    def flush(self) -> None: ...
    def prune(self, now: datetime.datetime | None = None) -> tuple[int, int | None]:
        """Removes segments past retention: ``(segments, last seq removed)``."""
    @property
    def retention(self) -> str: ...

class Damage:
    """Where an audit chain first breaks."""

    @property
    def kind(self) -> _DamageKind: ...
    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int:
        """1-based; 0 when the whole file is concerned."""
    @property
    def seq(self) -> int | None: ...

class VerifyReport:
    """What :func:`verify` found."""

    @property
    def segments(self) -> int: ...
    @property
    def entries(self) -> int: ...
    @property
    def first_seq(self) -> int | None: ...
    @property
    def last_seq(self) -> int | None: ...
    @property
    def unanchored(self) -> int: ...
    @property
    def intact(self) -> bool: ...
    @property
    def damage(self) -> Damage | None: ...

def verify(dir: str | os.PathLike[str], chain_key: bytes | str) -> VerifyReport:
    """Checks every MAC and link of the log in ``dir``; damage is reported,
    not raised (:class:`AuditError` for ``audit.no_log`` and ``audit.io``)."""

def read_log(
    dir: str | os.PathLike[str], chain_key: bytes | str, cipher: FieldCipher | None = None
) -> list[dict[str, Any]]:
    """Every entry of an intact log as ``{"seq": n, "event": {...}}``."""

class Expiry:
    """Whether a record is past retention."""

    @property
    def kind(self) -> Literal["retained", "expired", "held"]: ...
    @property
    def at(self) -> datetime.datetime:
        """When it expires or expired."""
    @property
    def reason(self) -> str | None:
        """The legal hold's reason, for ``held``."""

class RetentionPolicy:
    """Retention periods per entity, in UTC calendar arithmetic, with legal
    holds kept in memory."""

    def __init__(
        self, config: Config | None = None, *, periods: Mapping[str, Sequence[str]] | None = None
    ) -> None:
        """From ``config.compliance`` (default configuration when omitted),
        or only ``periods`` (``{"leads": ["7_years"]}``)."""
    @property
    def entities(self) -> list[str]: ...
    def expires_at(self, entity: str, created_at: datetime.datetime) -> datetime.datetime:
        """Raises :class:`ComplianceInputError` (``compliance.unknown_entity``)."""
    def is_expired(
        self,
        entity: str,
        record_id: str,
        created_at: datetime.datetime,
        now: datetime.datetime | None = None,
    ) -> Expiry: ...
    def place_hold(self, record_id: str, reason: str) -> None: ...
    def release_hold(self, record_id: str) -> str | None: ...
    def hold(self, record_id: str) -> str | None: ...

class ConsentLedger:
    """Consent per subject and purpose; with ``path``, an append-only JSON
    Lines file synced on every change."""

    def __init__(
        self,
        config: Config | None = None,
        *,
        path: str | os.PathLike[str] | None = None,
        purposes: Sequence[str] | None = None,
        required: Sequence[str] | None = None,
        allow_custom_purposes: bool = False,
    ) -> None: ...
    def grant(
        self, subject: str, purpose: str, source: str, at: datetime.datetime | None = None
    ) -> None: ...
    def withdraw(
        self, subject: str, purpose: str, source: str, at: datetime.datetime | None = None
    ) -> None: ...
    def has_consent(
        self, subject: str, purpose: str, at: datetime.datetime | None = None
    ) -> bool: ...
    def missing_required(self, subject: str, at: datetime.datetime | None = None) -> list[str]: ...
    def history(
        self, subject: str
    ) -> list[tuple[str, Literal["grant", "withdraw"], datetime.datetime, str]]: ...
    def __len__(self) -> int: ...

class Exporter:
    """Subject data exports (GDPR portability) as JSON or CSV; CSV cells
    that start a formula are neutralised."""

    def __init__(self, config: Config | None = None, *, formats: Sequence[str] | None = None) -> None: ...
    def export(
        self,
        subject: str,
        records: Sequence[Any],
        *,
        format: Literal["json", "csv"] = "json",
        ledger: ConsentLedger | None = None,
    ) -> str: ...
    @property
    def enabled(self) -> bool: ...
    @property
    def formats(self) -> list[str]: ...

class Erasure:
    """What :func:`erase_subject` did."""

    @property
    def subject(self) -> str: ...
    @property
    def actor(self) -> str: ...
    @property
    def key_destroyed(self) -> bool: ...
    @property
    def erased_at(self) -> datetime.datetime: ...

def erase_subject(
    keys: SubjectKeys,
    subject: str,
    actor: str,
    *,
    at: datetime.datetime | None = None,
    audit: AuditLog | None = None,
) -> Erasure:
    """Crypto-shreds ``subject``: destroys its data key and records the
    erasure in ``audit``."""

def neutralise_cell(cell: str) -> str:
    """A CSV cell as exports write it (a ``'`` before ``=``, ``+``, ``-``,
    ``@``, tab or carriage return)."""
