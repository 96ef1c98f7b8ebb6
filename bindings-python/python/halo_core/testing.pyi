import datetime
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from halo_core import HaloClient

class Fault:
    """A fault applied to the next resource requests."""

    @staticmethod
    def status(status: int, body: str = "", retry_after: int | None = None) -> Fault:
        """Answer with ``status`` and ``body`` without handling the request."""
    @staticmethod
    def rate_limited(retry_after: int | None = None) -> Fault: ...
    @staticmethod
    def reset() -> Fault:
        """Break the connection; nothing is applied."""
    @staticmethod
    def delay(by: datetime.timedelta) -> Fault: ...
    @staticmethod
    def commit_then_lose() -> Fault:
        """Apply the request, then break the connection."""
    @staticmethod
    def expire_tokens() -> Fault: ...
    def __eq__(self, other: object) -> bool: ...

class FaultPlan:
    """Faults drawn at random from a seed for every resource request."""

    def __init__(self, chance: float, faults: Sequence[tuple[Fault, int]], seed: int) -> None: ...
    @classmethod
    def mixed(cls, every: int, seed: int) -> FaultPlan:
        """500s, 503s, resets, 429 storms, token expiry and commit-then-lose,
        starting on one request in ``every`` on average."""
    @property
    def chance(self) -> float: ...

class Sandbox:
    """An in-process HaloPSA simulator on a loopback port."""

    def __init__(
        self,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        tenant: str | None = None,
        token_lifetime: datetime.timedelta | None = None,
        default_page_size: int | None = None,
        max_page_size: int | None = None,
        rate_limit: tuple[int, datetime.timedelta] | None = None,
        send_retry_after: bool | None = None,
        discovery: bool | None = None,
        port: int | None = None,
    ) -> None: ...
    @property
    def base_url(self) -> str: ...
    def client(self, **settings: Any) -> HaloClient:
        """A client for this sandbox, without a client-side rate limit unless
        ``rate_limit`` is given; ``settings`` are :class:`HaloClient`'s other
        keyword arguments."""
    def inject(self, fault: Fault, times: int = 1) -> None: ...
    def set_fault_plan(self, plan: FaultPlan | None) -> None: ...
    def clear_faults(self) -> None: ...
    def expire_tokens(self) -> None: ...
    def seed(self, resource: str, records: Sequence[Mapping[str, Any]]) -> list[int]:
        """Stores ``records`` of ``resource`` (``"Client"``, ``"Site"``,
        ``"Users"``, ``"Opportunities"``, ``"Tickets"``, ``"Actions"``,
        ``"Agent"``; case-insensitive) as if created; returns their ids."""
    def records(self, resource: str) -> list[dict[str, Any]]: ...
    def request_count(self, method: str | None = None, route: str | None = None) -> int: ...
    def requests(self) -> list[tuple[str, str, int, int]]: ...
    @property
    def tokens_issued(self) -> int: ...
    def stop(self) -> None: ...
    def __enter__(self) -> Sandbox: ...
    def __exit__(self, *exc: object) -> bool: ...

__all__ = ["Fault", "FaultPlan", "Sandbox"]
