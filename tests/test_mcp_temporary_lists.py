"""check_exclusivity's temporary lists through MCP (issue 16): a write in the user's portal, so only
with the user's consent, confirmed as every write of this server is (a preview and a token, or the
client's own dialog). The first call writes nothing; the confirmed one lets HubSpot count the big
overlaps and removes its lists; a wrong, reused or mismatched token, a declined dialog and a
read-only server write nothing. Without the option nothing is written, and the result says when the
option would save many calls; offenders=true shows how each pair was counted and what it cost.

The portal: the sandbox with five static lists of 8,000 of its 10,000 contacts each (random, so
every pair overlaps). Static lists cannot be compared by a CRM search, so read-only each pair pages
both lists' members (32 pages a list); a temporary list ("in list A and in list B") costs ~3 calls.
What the portal holds is read independently (the official SDK, the sandbox's access log).
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from mcp_support import Answering, SeededPortal, call, failing, seeded_portal
from reliability_harness import runtime_for
from segment_lists.data.hubspot_limits import TIER_ACTIVE_LISTS
from segment_lists.mcp.read_results import DETAIL_PAIRS
from segment_lists.mcp.server import build_server
from segment_lists.workflow.exclusivity import TEMPORARY_LIST_CALLS
from segment_lists.workflow.temporary_lists import NAME_PREFIX, TEMPORARY_FOLDER

pytestmark = pytest.mark.anyio

CONTACTS = 10_000
MEMBERS = 8_000
LISTS = 5
PAIRS = LISTS * (LISTS - 1) // 2
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SeededPortal, list[str]]]:
    """The seeded sandbox, and the ids of its big static lists."""
    tmp = tmp_path_factory.mktemp("temporary-lists")
    with seeded_portal(tmp, contacts=CONTACTS, processing_seconds=0.2) as seeded:
        rt = runtime_for(seeded.base_url, tmp / "setup")
        contacts = _contacts(seeded)
        pick = random.Random(16)
        ids = []
        for n in range(LISTS):
            made = rt.portal.create_list(f"Event attendees {n + 1}", processing_type="MANUAL")
            rt.portal.add_members(made.id, pick.sample(contacts, MEMBERS))
            ids.append(made.id)
        rt.close()
        yield seeded, ids


def _contacts(seeded: SeededPortal) -> list[str]:
    with seeded.running.sandbox.store.read() as db:
        rows = db.execute("SELECT id FROM objects WHERE object_type = '0-1' AND archived = 0 ORDER BY id").fetchall()
    return [str(row[0]) for row in rows]


def _writes(seeded: SeededPortal, since: int) -> list[str]:
    return [f"{e.method} {e.path}" for e in seeded.running.sandbox.access_log.entries()[since:] if e.method in WRITES]


def _list_writes(seeded: SeededPortal, since: int) -> list[str]:
    """Writes to lists or folders (searches, list lookups and batch reads are POSTs that only read)."""
    reads = ("/search", "/all", "/idmapping")
    return [w for w in _writes(seeded, since) if not (w.endswith(reads) or "/batch/read" in w)]


def _made(writes: list[str]) -> list[str]:
    """The lists created: POST /crm/lists/<version>."""
    return [w for w in writes if re.fullmatch(r"POST /crm/lists/[^/]+", w)]


def _deleted(writes: list[str]) -> list[str]:
    return [w for w in writes if re.fullmatch(r"DELETE /crm/lists/[^/]+/[0-9]+", w)]


def _log_size(seeded: SeededPortal) -> int:
    return len(seeded.running.sandbox.access_log.entries())


def _overlaps(result: dict[str, Any]) -> dict[tuple[str, str], tuple[int, list[str]]]:
    return {
        (pair["first"], pair["second"]): (pair["overlap"], [s["record_id"] for s in pair.get("samples", [])])
        for group in result["groups"]
        for pair in group.get("pairs", [])
    }


def _counted_by(result: dict[str, Any]) -> dict[tuple[str, str], tuple[str, int]]:
    return {
        (pair["first"], pair["second"]): (pair["method"], pair["calls"])
        for group in result["groups"]
        for pair in group.get("counted_by", [])
    }


def _temporary_in_portal(seeded: SeededPortal) -> list[str]:
    return [name for name in seeded.names() if name.startswith(NAME_PREFIX)]


async def test_without_the_option_nothing_is_written_and_the_saving_is_said_briefly(
    portal: tuple[SeededPortal, list[str]],
) -> None:
    seeded, ids = portal
    before, lists = _log_size(seeded), seeded.lists()
    async with seeded.client() as client:
        plain = await call(client, "check_exclusivity", {"list_ids": ids})
        # A token confirms temporary lists only: given alone, it is an error, not a silent read-only check.
        error = await failing(client, "check_exclusivity", {"list_ids": ids, "confirmation_token": "confirm-x"})
    assert "temporary_lists=true" in error and "nothing was checked" in error
    assert _list_writes(seeded, before) == [] and seeded.lists() == lists
    assert plain["overlapping_pairs"] == PAIRS and "consent" not in plain
    # The default result stays small: no per-pair detail; one line says what the option would save.
    assert "counted_by" not in str(plain["groups"]) and "counted by" not in plain["summary"]
    assert "Temporary lists would save about" in plain["summary"]
    assert "temporary_lists=true" in plain["summary"]


async def test_the_first_call_writes_nothing_and_asks(portal: tuple[SeededPortal, list[str]]) -> None:
    seeded, ids = portal
    before, lists = _log_size(seeded), seeded.lists()
    async with seeded.client() as client:
        first = await call(client, "check_exclusivity", {"list_ids": ids, "temporary_lists": True})
    assert _list_writes(seeded, before) == [] and seeded.lists() == lists
    assert first["consent"]["status"] == "confirmation_required"
    assert first["consent"]["confirmation_token"].startswith("confirm-")
    assert "overlapping_pairs" not in first and "groups" not in first  # nothing was checked yet
    preview = first["summary"]
    # Everything the confirmation binds, and what it costs, in words: the portal, the lists, the most
    # temporary lists, their folder, their removal, the list limit, the calls against the read-only way.
    assert "SANDBOX" in preview and f"ids {', '.join(sorted(ids, key=int))}" in preview
    assert f"at most {PAIRS} temporary active lists" in preview
    assert f'"{TEMPORARY_FOLDER}"' in preview and "deleted as soon as HubSpot has counted it" in preview
    limit = TIER_ACTIVE_LISTS[seeded.running.sandbox.config.tier]  # the tier HubSpot's headers say
    active = sum(kind == "DYNAMIC" for _, kind, _ in lists.values())
    assert f"List limit: the portal has {active:,} active lists of the {limit:,}" in preview
    assert "Cost: about" in preview and f"instead of about {LISTS * MEMBERS // 250:,}" in preview
    assert preview.count("Event attendees") == 2 * PAIRS


async def test_confirming_counts_through_temporary_lists_as_the_read_only_way_does(
    portal: tuple[SeededPortal, list[str]],
) -> None:
    seeded, ids = portal
    lists = seeded.lists()
    async with seeded.client() as client:
        read_only = await call(client, "check_exclusivity", {"list_ids": ids, "offenders": True})
        arguments = {"list_ids": ids, "temporary_lists": True, "offenders": True}
        first = await call(client, "check_exclusivity", arguments)
        before = _log_size(seeded)
        token = first["consent"]["confirmation_token"]
        done = await call(client, "check_exclusivity", {**arguments, "confirmation_token": token})
    # On demand (offenders): every pair's method and calls, in the command line's words.
    paged = _counted_by(read_only)
    assert len(paged) == PAIRS and {method for method, _ in paged.values()} == {"members"}
    assert all(calls == 2 * MEMBERS // 250 for _, calls in paged.values()), paged
    assert "counted by: " in read_only["summary"] and "members (64 calls)" in read_only["summary"]
    assert "This check made" in read_only["summary"]
    assert "consent" not in done
    assert _overlaps(done) == _overlaps(read_only) and len(_overlaps(done)) == PAIRS
    counted = _counted_by(done)
    assert {method for method, _ in counted.values()} == {"temporary-list"}
    assert all(calls <= TEMPORARY_LIST_CALLS for _, calls in counted.values()), counted
    assert f"Temporary lists: used for {PAIRS} pairs" in done["summary"]
    # Made (in their folder), counted and removed: the portal holds what it held before.
    writes = _list_writes(seeded, before)
    assert len(_made(writes)) == len(_deleted(writes)) == PAIRS, writes
    assert seeded.lists() == lists and _temporary_in_portal(seeded) == []
    root = seeded.sdk().crm.lists.folders_api.get_all(folder_id="0").folder
    assert TEMPORARY_FOLDER not in {folder.name for folder in root.child_nodes or []}


async def test_a_wrong_reused_or_mismatched_token_writes_nothing(portal: tuple[SeededPortal, list[str]]) -> None:
    seeded, ids = portal
    lists = seeded.lists()
    arguments = {"list_ids": ids, "temporary_lists": True}
    async with seeded.client() as client:
        before = _log_size(seeded)
        wrong = await failing(client, "check_exclusivity", {**arguments, "confirmation_token": "confirm-made-up"})
        assert "unknown confirmation token" in wrong
        # A token confirms exactly the lists the user saw: not others, not fewer.
        first = await call(client, "check_exclusivity", arguments)
        token = first["consent"]["confirmation_token"]
        fewer = {**arguments, "list_ids": ids[:3], "confirmation_token": token}
        other = await failing(client, "check_exclusivity", fewer)
        assert "arguments differ" in other
        # ... nor another write's.
        elsewhere = await failing(
            client, "delete_list", {"list_id": ids[0], "allow_foreign": True, "confirmation_token": token}
        )
        assert "confirms check_exclusivity, not delete_list" in elsewhere
        assert _list_writes(seeded, before) == [] and seeded.lists() == lists
        # Used once (the mismatches above did not consume it), then never again.
        await call(client, "check_exclusivity", {**arguments, "confirmation_token": token})
        before = _log_size(seeded)
        reused = await failing(client, "check_exclusivity", {**arguments, "confirmation_token": token})
        assert "already used" in reused
    assert _list_writes(seeded, before) == [] and seeded.lists() == lists


async def test_a_read_only_server_refuses_the_option(portal: tuple[SeededPortal, list[str]]) -> None:
    seeded, ids = portal
    before, lists = _log_size(seeded), seeded.lists()
    async with Client(build_server(seeded.state(read_only=True))) as client:
        assert "check_exclusivity" in {tool.name for tool in (await client.list_tools()).tools}
        refused = await call(client, "check_exclusivity", {"list_ids": ids, "temporary_lists": True})
        plain = await call(client, "check_exclusivity", {"list_ids": ids})
    assert refused["consent"] == {"status": "refused"}
    assert "read-only" in refused["summary"] and "without temporary_lists" in refused["summary"]
    assert "groups" not in refused
    # The read-only check still works there, and says nothing of an option the server refuses.
    assert plain["overlapping_pairs"] == PAIRS and "Temporary lists" not in plain["summary"]
    assert _list_writes(seeded, before) == [] and seeded.lists() == lists


@pytest.mark.parametrize(("mode", "confirm"), [("auto", True), ("legacy", True), ("auto", False)])
async def test_through_the_clients_dialog(portal: tuple[SeededPortal, list[str]], mode: str, confirm: bool) -> None:
    seeded, ids = portal
    lists = seeded.lists()
    user = Answering(confirm=confirm)
    async with seeded.client(mode, elicitation_callback=user) as client:
        before = _log_size(seeded)
        result = await call(client, "check_exclusivity", {"list_ids": ids, "temporary_lists": True})
    assert len(user.seen) == 1 and f"at most {PAIRS} temporary active lists" in user.seen[0]
    made = _made(_list_writes(seeded, before))
    if confirm:
        assert result["overlapping_pairs"] == PAIRS and len(made) == PAIRS
    else:
        assert result["consent"]["status"] == "declined" and made == []
    assert seeded.lists() == lists


async def test_no_pair_worth_a_temporary_list_is_checked_read_only_without_asking(
    portal: tuple[SeededPortal, list[str]], tmp_path: Path
) -> None:
    seeded, ids = portal
    rt = runtime_for(seeded.base_url, tmp_path / "setup")
    contacts = _contacts(seeded)
    small = []
    for n in range(2):
        made = rt.portal.create_list(f"Small list {n + 1}", processing_type="MANUAL")
        rt.portal.add_members(made.id, contacts[n * 50 : 200 + n * 50])
        small.append(made.id)
    rt.close()
    before = _log_size(seeded)
    async with seeded.client() as client:
        result = await call(client, "check_exclusivity", {"list_ids": small, "temporary_lists": True})
    assert "consent" not in result and result["overlapping_pairs"] == 1
    assert "Temporary lists: not needed" in result["summary"]
    assert _list_writes(seeded, before) == []


async def test_a_big_check_itemizes_its_costliest_pairs(portal: tuple[SeededPortal, list[str]], tmp_path: Path) -> None:
    seeded, big = portal
    rt = runtime_for(seeded.base_url, tmp_path / "setup")
    contacts = _contacts(seeded)
    small = []
    for n in range(8):  # 13 lists: 78 pairs, more than one answer itemizes
        made = rt.portal.create_list(f"Booth visitors {n + 1}", processing_type="MANUAL")
        rt.portal.add_members(made.id, contacts[n * 20 : 60 + n * 20])
        small.append(made.id)
    rt.close()
    async with seeded.client() as client:
        result = await call(client, "check_exclusivity", {"list_ids": big + small, "offenders": True})
    counted = _counted_by(result)
    assert len(counted) == DETAIL_PAIRS
    # The big lists' pairs (64 member pages each) are among the itemized, the rest counted in words.
    assert {(a, b) for a, b in itertools.combinations(big, 2)} <= set(counted)
    pairs = len(list(itertools.combinations(big + small, 2)))
    assert f"{pairs - DETAIL_PAIRS} other pairs (not itemized)" in result["summary"]
