"""The handlers of sites, tickets, actions and agents against the sandbox:
paging, reads, upserts, deletes and one failure each, blocking and awaited.
Clients, users and opportunities are covered in test_halo.py."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any, Iterator

import pytest

from halo_core import (
    Actions,
    Agents,
    HaloAuthError,
    HaloClient,
    HaloError,
    HaloNotFoundError,
    Sites,
    Tickets,
)
from halo_core.testing import Sandbox

FAST = timedelta(milliseconds=5)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


@pytest.fixture
def halo(sandbox: Sandbox) -> HaloClient:
    return sandbox.client(retry_base_delay=FAST, retry_max_delay=FAST)


@pytest.mark.parametrize(
    ("handler", "resource", "row"),
    [
        ("sites", "Site", {"client_id": 3}),
        ("tickets", "Tickets", {"client_id": 3}),
        ("actions", "Actions", {"ticket_id": 3}),
    ],
)
def test_list_all_reads_every_page(
    sandbox: Sandbox, halo: HaloClient, handler: str, resource: str, row: dict[str, Any]
) -> None:
    ids = sandbox.seed(resource, [{**row, "note": f"row {i}"} for i in range(250)])
    route = f"/api/{resource}"
    records = getattr(halo, handler)

    before = sandbox.request_count("GET", route)
    everything = records.list_all()
    assert [r["id"] for r in everything] == ids
    assert sandbox.request_count("GET", route) - before == 3, "three pages of 100"

    before = sandbox.request_count("GET", route)
    assert len(records.list_all(max_rows=30, page_size=20)) == 30
    assert sandbox.request_count("GET", route) - before == 2
    assert records.count() == 250


def test_sites_upsert_get_filter_delete(sandbox: Sandbox, halo: HaloClient) -> None:
    assert isinstance(halo.sites, Sites)
    created = halo.sites.upsert(
        [{"name": "Head office", "client_id": 7, "phonenumber": "01"}, {"name": "Depot"}]
    )
    assert [s["name"] for s in created] == ["Head office", "Depot"]
    office_id = created[0]["id"]

    office = halo.sites.get(office_id)
    assert office["client_id"] == 7 and office["phonenumber"] == "01"
    halo.sites.upsert([{**office, "name": "Main office"}])
    assert halo.sites.get(office_id)["name"] == "Main office"
    assert len(sandbox.records("Site")) == 2, "the update created nothing"
    assert [s["id"] for s in halo.sites.list_all(client_id=7)] == [office_id]

    halo.sites.delete(office_id)
    assert [s["name"] for s in sandbox.records("Site")] == ["Depot"]
    with pytest.raises(HaloNotFoundError) as caught:
        halo.sites.get(office_id)
    assert caught.value.code == "halo.not_found"


def test_tickets_upsert_get_filter_delete(sandbox: Sandbox, halo: HaloClient) -> None:
    assert isinstance(halo.tickets, Tickets)
    created = halo.tickets.upsert(
        [
            {"summary": "Printer down", "client_id": 4, "tickettype_id": 1, "priority_id": 2},
            {"summary": "Old", "client_id": 4, "hasbeenclosed": True},
        ]
    )
    printer_id, old_id = (t["id"] for t in created)

    printer = halo.tickets.get(printer_id)
    assert printer["summary"] == "Printer down" and printer["priority_id"] == 2
    halo.tickets.upsert([{"id": printer_id, "details": "Tray 2 jams"}])
    assert halo.tickets.get(printer_id)["details"] == "Tray 2 jams"
    assert len(sandbox.records("Tickets")) == 2, "the update created nothing"
    assert [t["id"] for t in halo.tickets.list_all(client_id=4)] == [printer_id, old_id]
    assert [t["id"] for t in halo.tickets.list_all(client_id=4, open_only=True)] == [printer_id]

    halo.tickets.delete(old_id)
    assert [t["id"] for t in sandbox.records("Tickets")] == [printer_id]


def test_ticket_update_of_an_unknown_id_is_an_api_error(halo: HaloClient) -> None:
    with pytest.raises(HaloError) as caught:
        halo.tickets.upsert([{"id": 99, "summary": "gone"}])
    assert caught.value.code == "halo.api" and not caught.value.transient
    assert "no record with id 99" in str(caught.value)


def test_actions_upsert_get_filter_delete_on_ticket(sandbox: Sandbox, halo: HaloClient) -> None:
    assert isinstance(halo.actions, Actions)
    ticket_id = halo.tickets.upsert([{"summary": "Printer down"}])[0]["id"]
    created = halo.actions.upsert(
        [
            {"ticket_id": ticket_id, "note": "Called the user", "outcome": "Note"},
            {"ticket_id": ticket_id + 1, "note": "Elsewhere"},
        ]
    )
    action_id = created[0]["id"]

    action = halo.actions.get_on_ticket(action_id, ticket_id)
    assert action["note"] == "Called the user" and action["outcome"] == "Note"
    halo.actions.upsert([{**action, "note": "Called the user twice"}])
    assert halo.actions.get_on_ticket(action_id, ticket_id)["note"] == "Called the user twice"
    assert len(sandbox.records("Actions")) == 2, "the update created nothing"
    assert [a["id"] for a in halo.actions.list_all(ticket_id=ticket_id)] == [action_id]

    halo.actions.delete_on_ticket(action_id, ticket_id)
    assert [a["note"] for a in sandbox.records("Actions")] == ["Elsewhere"]
    with pytest.raises(HaloNotFoundError) as caught:
        halo.actions.get_on_ticket(action_id, ticket_id)
    assert caught.value.code == "halo.not_found"


def test_actions_need_a_ticket_scope_to_write(sandbox: Sandbox) -> None:
    reader = sandbox.client(scope="read:tickets")
    with pytest.raises(HaloAuthError) as caught:
        reader.actions.upsert([{"ticket_id": 1, "note": "x"}])
    assert caught.value.code == "halo.forbidden"
    assert sandbox.records("Actions") == []
    assert reader.actions.list_all() == []


def test_agents_are_read_only(sandbox: Sandbox, halo: HaloClient) -> None:
    assert isinstance(halo.agents, Agents)
    bound = {name for name in dir(halo.agents) if not name.startswith("_")}
    assert not {"upsert", "upsert_async", "delete", "delete_async"} & bound

    me = halo.agents.me()
    assert me["name"] == "API Agent"
    assert halo.agents.get(me["id"]) == me
    with pytest.raises(HaloNotFoundError) as caught:
        halo.agents.get(999)
    assert caught.value.code == "halo.not_found"


def test_agents_list_pages_through_bare_arrays(sandbox: Sandbox, halo: HaloClient) -> None:
    ids = sandbox.seed("Agent", [{"name": f"agent {i}"} for i in range(200)])
    before = sandbox.request_count("GET", "/api/Agent")
    agents = halo.agents.list_all()
    assert [a["id"] for a in agents][1:] == ids, "the built-in API agent comes first"
    assert sandbox.request_count("GET", "/api/Agent") - before == 3, "pages of 100, 100, 1"
    assert len(halo.agents.list_all(search="agent 1", max_rows=5)) == 5
    assert halo.agents.count() is None, "a bare array carries no record_count"


def test_async_methods_of_the_new_handlers(sandbox: Sandbox, halo: HaloClient) -> None:
    async def main() -> None:
        site = (await halo.sites.upsert_async([{"name": "Depot", "client_id": 2}]))[0]
        ticket = (await halo.tickets.upsert_async([{"summary": "Printer down"}]))[0]
        action = (await halo.actions.upsert_async([{"ticket_id": ticket["id"], "note": "n"}]))[0]

        got = await asyncio.gather(
            halo.sites.get_async(site["id"]),
            halo.tickets.get_async(ticket["id"]),
            halo.actions.get_on_ticket_async(action["id"], ticket["id"]),
            halo.agents.me_async(),
        )
        assert [g["id"] for g in got] == [site["id"], ticket["id"], action["id"], 1]
        assert (await halo.agents.get_async(1))["name"] == "API Agent"

        listed = await asyncio.gather(
            halo.sites.list_all_async(client_id=2),
            halo.tickets.list_all_async(search="printer"),
            halo.actions.list_all_async(ticket_id=ticket["id"]),
            halo.agents.list_all_async(),
        )
        assert [len(rows) for rows in listed] == [1, 1, 1, 1]

        await halo.actions.delete_on_ticket_async(action["id"], ticket["id"])
        await halo.tickets.delete_async(ticket["id"])
        await halo.sites.delete_async(site["id"])
        with pytest.raises(HaloNotFoundError):
            await halo.sites.get_async(site["id"])

    asyncio.run(main())
    assert all(sandbox.records(r) == [] for r in ("Site", "Tickets", "Actions"))
