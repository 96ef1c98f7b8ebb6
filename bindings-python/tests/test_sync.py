"""LeadSync through the binding, against the sandbox over loopback HTTP."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from datetime import timedelta
from typing import Iterator

import pytest

from halo_core import HaloClient, LeadSchema, LeadSync, Masker, SyncOptionError, ValidLead
from halo_core.testing import Fault, FaultPlan, Sandbox

FAST = timedelta(milliseconds=2)
SCHEMA = LeadSchema()


def leads(n: int, *, start: int = 0) -> list[ValidLead]:
    return [
        SCHEMA.validate(
            {
                "first_name": f"First{i}",
                "last_name": f"Last{i}",
                "email": f"Person{i}@Example.COM",
                "company": f"Company {i % 37}",
            }
        )
        for i in range(start, start + n)
    ]


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


@pytest.fixture
def halo(sandbox: Sandbox) -> HaloClient:
    return sandbox.client(retry_base_delay=FAST, retry_max_delay=FAST, max_attempts=10)


def emails(sandbox: Sandbox) -> Counter[str]:
    return Counter(o["oppemailaddress"] for o in sandbox.records("Opportunities"))


def test_thousand_leads_under_faults_make_one_opportunity_each(
    sandbox: Sandbox, halo: HaloClient
) -> None:
    batch = leads(1000)
    batch.append(leads(1, start=5)[0])  # a duplicate of lead 5, at index 1000
    sandbox.set_fault_plan(FaultPlan.mixed(8, seed=42))
    sync = LeadSync(halo, batch_size=50, concurrency=4)

    first = sync.sync(batch)
    sandbox.set_fault_plan(None)

    counts = emails(sandbox)
    assert len(counts) == 1000 and set(counts.values()) == {1}, "one opportunity per email"
    assert "Person7@example.com" in counts, "the domain is normalised, the local part kept"
    assert first.received == 1001
    assert first.duplicates == [1000]
    assert first.failed == []
    assert first.created == 1000 and first.synced == 1000
    assert first.retries > 0, "the fault plan hit the run"
    assert first.requests == halo.stats().requests

    second = sync.sync(batch)
    assert second.created == 0 and second.unchanged == 1000
    assert len(sandbox.records("Opportunities")) == 1000


def test_report_lists_failures_by_index_and_code(sandbox: Sandbox) -> None:
    halo = sandbox.client(max_attempts=1, retry_base_delay=FAST)
    sync = LeadSync(halo, lookup="per_lead", concurrency=1)
    sandbox.inject(Fault.status(403, '{"message": "no"}'))  # one lead's lookup is refused
    report = sync.sync(leads(2))
    assert len(report.failed) == 1
    index, code = report.failed[0]
    assert code == "halo.forbidden" and index in (0, 1)
    assert report.created == 1
    assert set(emails(sandbox)) == {f"Person{1 - index}@example.com"}
    assert isinstance(report.elapsed, timedelta)
    assert "First0" not in repr(report)


def test_clients_and_users_are_created_and_linked(sandbox: Sandbox, halo: HaloClient) -> None:
    report = LeadSync(halo, clients=True, users=True, masker=Masker.default()).sync(leads(40))
    assert report.clients_created == 37 and report.users_created == 40
    users = {u["emailaddress"]: u for u in sandbox.records("Users")}
    for opp in sandbox.records("Opportunities"):
        assert users[opp["oppemailaddress"]]["id"] == opp["user_id"]
        assert opp["client_id"] == users[opp["oppemailaddress"]]["client_id"]


def test_sync_releases_the_gil(sandbox: Sandbox, halo: HaloClient) -> None:
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
    LeadSync(halo).sync(leads(5))
    during = ticks - start
    stop.set()
    thread.join()
    assert during >= 20, f"only {during} ticks during the sync"


def test_sync_async(sandbox: Sandbox, halo: HaloClient) -> None:
    report = asyncio.run(LeadSync(halo).sync_async(leads(30)))
    assert report.created == 30 and len(emails(sandbox)) == 30


@pytest.mark.parametrize(
    "options",
    [{"batch_size": 0}, {"batch_size": 101}, {"concurrency": 0}, {"actor": " "}],
)
def test_bad_options_raise(halo: HaloClient, options: dict[str, object]) -> None:
    with pytest.raises(SyncOptionError) as caught:
        LeadSync(halo, **options)  # type: ignore[arg-type]
    assert caught.value.code == "sync.invalid_option" and isinstance(caught.value, ValueError)


def test_bad_lookup_raises(halo: HaloClient) -> None:
    with pytest.raises(ValueError):
        LeadSync(halo, lookup="sometimes")  # type: ignore[arg-type]
