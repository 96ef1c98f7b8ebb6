"""The HaloPSA client against the sandbox over loopback HTTP, and the shared
reply vectors in tests/vectors/halo/ served through the sandbox."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import timedelta
from typing import Any, Iterator

import pytest

from halo_core import (
    Clients,
    Config,
    HaloAuthError,
    HaloClient,
    HaloConfigError,
    HaloCoreError,
    HaloError,
    HaloNotFoundError,
    HaloOutcomeUnknownError,
    HaloRateLimitedError,
    HaloTransportError,
)
from halo_core.testing import Fault, FaultPlan, Sandbox

import vectors

FAST = timedelta(milliseconds=5)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


@pytest.fixture
def halo(sandbox: Sandbox) -> HaloClient:
    return sandbox.client(retry_base_delay=FAST, retry_max_delay=FAST)


def test_upsert_get_list_delete_round_trip(sandbox: Sandbox, halo: HaloClient) -> None:
    created = halo.clients.upsert([{"name": "Acme", "colour": "teal"}, {"name": "Globex"}])
    assert [c["name"] for c in created] == ["Acme", "Globex"]
    stored = sorted(sandbox.records("Client"), key=lambda r: r["id"])
    assert [r["name"] for r in stored] == ["Acme", "Globex"]
    acme_id = stored[0]["id"]

    acme = halo.clients.get(acme_id)
    assert acme["colour"] == "teal", "fields outside the model survive"
    halo.clients.upsert([{**acme, "website": "https://acme.example"}])
    assert halo.clients.get(acme_id)["website"] == "https://acme.example"

    halo.clients.delete(acme_id)
    assert [r["name"] for r in sandbox.records("Client")] == ["Globex"]
    with pytest.raises(HaloNotFoundError) as caught:
        halo.clients.get(acme_id)
    assert caught.value.code == "halo.not_found"
    assert isinstance(caught.value, HaloError) and isinstance(caught.value, HaloCoreError)


def test_list_all_reads_every_page_with_typed_filters(sandbox: Sandbox, halo: HaloClient) -> None:
    sandbox.seed("Client", [{"name": "Acme"}, {"name": "Globex"}])
    client_id = sandbox.records("Client")[0]["id"]
    sandbox.seed(
        "Users",
        [{"name": f"user {i}", "client_id": client_id if i % 2 else 0} for i in range(250)],
    )
    before = sandbox.request_count("GET", "/api/Users")
    everyone = halo.users.list_all()
    assert len(everyone) == 250
    assert sandbox.request_count("GET", "/api/Users") - before == 3, "three pages of 100"
    theirs = halo.users.list_all(client_id=client_id)
    assert len(theirs) == 125 and all(u["client_id"] == client_id for u in theirs)
    assert len(halo.users.list_all(max_rows=30, page_size=20)) == 30
    assert halo.users.count() == 250


def test_opportunity_filters(sandbox: Sandbox, halo: HaloClient) -> None:
    sandbox.seed(
        "Opportunities",
        [
            {"summary": "a", "oppemailaddress": "ada@example.com", "oppcompanyname": "Acme"},
            {"summary": "b", "oppemailaddress": "bob@example.com", "oppcompanyname": "Globex"},
        ],
    )
    found = halo.opportunities.list_all(search_oppemailaddress="ada@example.com")
    assert [o["summary"] for o in found] == ["a"]
    found = halo.opportunities.list_all(search_oppcompanyname="Globex")
    assert [o["summary"] for o in found] == ["b"]


def test_retries_transient_faults_and_counts_them(sandbox: Sandbox, halo: HaloClient) -> None:
    sandbox.seed("Client", [{"name": "Acme"}])
    sandbox.inject(Fault.status(503), times=2)
    sandbox.inject(Fault.rate_limited(retry_after=0))
    assert [c["name"] for c in halo.clients.list_all()] == ["Acme"]
    stats = halo.stats()
    assert (stats.requests, stats.retries) == (4, 3)


def test_create_is_not_repeated_after_commit_then_lose(sandbox: Sandbox, halo: HaloClient) -> None:
    sandbox.inject(Fault.commit_then_lose())
    with pytest.raises(HaloOutcomeUnknownError) as caught:
        halo.clients.upsert([{"name": "Acme"}])
    assert caught.value.code == "halo.outcome_unknown"
    assert len(sandbox.records("Client")) == 1, "applied once, never sent again"
    assert sandbox.request_count("POST", "/api/Client") == 1


def test_error_classes_carry_codes(sandbox: Sandbox) -> None:
    halo = sandbox.client(max_attempts=2, retry_base_delay=FAST, retry_max_delay=FAST)
    sandbox.inject(Fault.rate_limited(retry_after=0), times=2)
    with pytest.raises(HaloRateLimitedError) as limited:
        halo.clients.list_all()
    assert limited.value.code == "halo.rate_limited" and limited.value.transient

    sandbox.inject(Fault.reset(), times=2)
    with pytest.raises(HaloTransportError) as broken:
        halo.clients.get(1)
    assert broken.value.code == "halo.transport"

    sandbox.inject(Fault.status(403, '{"message": "scope"}'))
    with pytest.raises(HaloAuthError) as refused:
        halo.clients.get(1)
    assert refused.value.code == "halo.forbidden" and not refused.value.transient

    wrong = HaloClient(base_url=sandbox.base_url, client_id="sandbox-client", client_secret="no")
    with pytest.raises(HaloAuthError) as rejected:
        wrong.clients.list_all()
    assert rejected.value.code == "halo.auth_failed"
    assert "no" not in str(rejected.value).split()


def test_sandbox_client_paces_when_given_a_rate_limit(sandbox: Sandbox) -> None:
    paced = sandbox.client(rate_limit=(1, timedelta(milliseconds=300)))
    started = time.monotonic()
    for _ in range(3):
        paced.clients.list_all()
    assert time.monotonic() - started >= 0.55, "one request per 300 ms window"
    unpaced = sandbox.client()
    started = time.monotonic()
    for _ in range(3):
        unpaced.clients.list_all()
    assert time.monotonic() - started < 0.5


def test_token_expiry_is_renewed_transparently(sandbox: Sandbox, halo: HaloClient) -> None:
    halo.clients.list_all()
    sandbox.inject(Fault.expire_tokens())
    halo.clients.list_all()
    assert sandbox.tokens_issued == 2


@pytest.mark.parametrize(
    ("settings", "needle"),
    [
        ({"base_url": "http://halo.example.com"}, "https"),
        ({"base_url": "not a url"}, "valid"),
        ({"client_id": " "}, "client id"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"rate_limit": (0, timedelta(seconds=1))}, "rate limit"),
    ],
)
def test_invalid_settings_raise_config_error(settings: dict[str, Any], needle: str) -> None:
    kwargs: dict[str, Any] = {
        "base_url": "https://acme.halopsa.com",
        "client_id": "id",
        "client_secret": "s3cret-value",
        **settings,
    }
    with pytest.raises(HaloConfigError) as caught:
        HaloClient(**kwargs)
    assert caught.value.code == "halo.config" and isinstance(caught.value, ValueError)
    assert needle in str(caught.value)
    assert "s3cret-value" not in repr(HaloClient) + str(caught.value)


def test_from_config_refuses_old_tls() -> None:
    config = Config.from_json(
        '{"security": {"encryption": {"in_transit": {"min_tls_version": "1.1"}}}}'
    )
    with pytest.raises(HaloConfigError):
        HaloClient(base_url="https://a.halopsa.com", client_id="i", client_secret="s", config=config)


def test_repr_hides_the_secret(sandbox: Sandbox) -> None:
    halo = HaloClient(base_url=sandbox.base_url, client_id="sandbox-client", client_secret="hunter22")
    assert "hunter22" not in repr(halo)


def test_bad_record_is_a_value_error_without_the_value(halo: HaloClient) -> None:
    with pytest.raises(ValueError) as caught:
        halo.clients.upsert([{"name": "Acme"}, {"name": "private-name", "id": "not-an-int"}])
    assert "record 1" in str(caught.value) and "not-an-int" not in str(caught.value)


def test_blocking_calls_release_the_gil(sandbox: Sandbox, halo: HaloClient) -> None:
    ticks = 0
    stop = threading.Event()

    def tick() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    thread = threading.Thread(target=tick)
    thread.start()
    sandbox.inject(Fault.delay(timedelta(milliseconds=300)))
    start = ticks
    halo.clients.list_all()
    during = ticks - start
    stop.set()
    thread.join()
    assert during >= 20, f"only {during} ticks while waiting on HaloPSA"


def test_async_methods_run_concurrently(sandbox: Sandbox, halo: HaloClient) -> None:
    async def main() -> list[Any]:
        created = await halo.clients.upsert_async([{"name": "Acme"}])
        acme_id = created[0]["id"]
        sandbox.inject(Fault.delay(timedelta(milliseconds=200)), times=4)
        started = time.monotonic()
        results = await asyncio.gather(
            *(halo.clients.get_async(acme_id) for _ in range(4)),
            halo.clients.list_all_async(search="Acme"),
        )
        assert time.monotonic() - started < 0.7, "the four delayed calls overlapped"
        await halo.clients.delete_async(acme_id)
        with pytest.raises(HaloNotFoundError):
            await halo.clients.get_async(acme_id)
        return list(results)

    results = asyncio.run(main())
    assert [r["name"] for r in results[:4]] == ["Acme"] * 4
    assert [c["name"] for c in results[4]] == ["Acme"]


def test_sandbox_stop_and_fault_plan() -> None:
    sandbox = Sandbox()
    halo = sandbox.client(retry_base_delay=FAST, retry_max_delay=FAST, max_attempts=8)
    sandbox.set_fault_plan(FaultPlan(0.5, [(Fault.status(500), 1)], 7))
    for _ in range(10):
        halo.clients.list_all()
    assert halo.stats().retries > 0
    served = {status for _m, _r, status, _n in sandbox.requests()}
    assert {200, 500} <= served
    sandbox.set_fault_plan(None)
    assert FaultPlan.mixed(10, seed=1).chance == pytest.approx(0.1)
    with pytest.raises(ValueError):
        FaultPlan(1.5, [], 0)
    sandbox.stop()
    with pytest.raises(RuntimeError):
        sandbox.records("Client")
    with pytest.raises(ValueError):
        Sandbox().records("Nope")


REPLIES = list(vectors.cases("halo"))
# The handler whose list accepts exactly these keys, as the core's models
# declare them; a vector with keys not listed here fails rather than skips.
HANDLERS = {
    ("clients",): "clients",
    ("sites",): "sites",
    ("users",): "users",
    ("tickets", "opportunities"): "opportunities",
    ("tickets",): "tickets",
    ("actions",): "actions",
    ("agents",): "agents",
}


def test_reply_vectors_are_present() -> None:
    assert len(REPLIES) >= 20


@pytest.mark.parametrize(("name", "case"), REPLIES, ids=[i for i, _ in REPLIES])
def test_reply_vector(sandbox: Sandbox, halo: HaloClient, name: str, case: dict[str, Any]) -> None:
    kind, expect = case["kind"], case["expect"]
    if kind == "list":
        call = getattr(halo, HANDLERS[tuple(case["keys"])]).list_all
    elif kind == "object":
        call = lambda: halo.clients.get(1)  # noqa: E731
    elif kind == "upsert":
        call = lambda: halo.clients.upsert([{"name": "x"}])  # noqa: E731
    else:
        sandbox.inject(Fault.status(400, case["body"]))
        with pytest.raises(HaloError) as caught:
            halo.clients.get(1)
        assert caught.value.code == "halo.api"
        if expect["message"] is not None:
            assert expect["message"] in str(caught.value)
        return
    sandbox.inject(Fault.status(200, case["body"]))
    if "code" in expect:
        with pytest.raises(HaloError) as caught:
            call()
        assert caught.value.code == expect["code"]
        if "message" in expect:
            assert expect["message"] in str(caught.value)
        return
    rows = call()
    rows = rows if isinstance(rows, list) else [rows]
    assert [r["id"] for r in rows] == expect["ids"]
