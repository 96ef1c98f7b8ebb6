import datetime
import ipaddress
import os
from collections.abc import Mapping, Sequence
from typing import Literal

from halo_core.errors import ConfigError as ConfigError
from halo_core.errors import HaloCoreError as HaloCoreError
from halo_core.errors import RateLimitError as RateLimitError
from halo_core.errors import RateLimitValueError as RateLimitValueError

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
