"""Texts a marketer can read aloud (issue 13, item 5), through the real MCP protocol against a sandbox
whose lists take time to process (`SandboxConfig.processing_seconds`, the sandbox's own slowness):

- progress that advances: one notification per list that finishes (progress = lists done, total = the
  lists waited for, the message names the list), never the same "1 of 17" on every poll;
- an exclusivity group with fewer than two lists is "not checked", with why, never "no overlaps";
- definitions in the portal's labels (Machinery), not raw option values (MACHINERY);
- counts with their noun in the right number, notes cut at a word boundary.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mcp_support import MODES, SeededPortal, call, confirmed, full_plan, progress_recorder, seeded_portal
from segment_lists.boundary.text import ELLIPSIS, clean, counted, shorten

pytestmark = pytest.mark.anyio

PROCESSING_SECONDS = 1.5  # long enough for several polls while the lists process


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[SeededPortal]:
    with seeded_portal(tmp_path, contacts=300, processing_seconds=PROCESSING_SECONDS) as seeded:
        yield seeded


async def _create(client: Any, answers: dict[str, Any], families: set[str]) -> tuple[str, list[dict[str, Any]]]:
    """Plan `answers`, create the items of `families` (confirmed by token); the run id and its items."""
    plan = (await call(client, "propose_segments", {"answers": answers, "estimate": False}))["plan"]
    keys = [i["key"] for i in plan["items"] if i["action"] == "create" and i["key"].split(".")[0] in families]
    assert keys, plan["items"]
    _, done = await confirmed(client, "create_list", {"plan_id": plan["plan_id"], "items": keys})
    assert {i["outcome"] for i in done["items"]} == {"created"}, done["items"]
    return done["run_id"], done["items"]


def _assert_advances(updates: list[tuple[float, float | None, str | None]], names: set[str]) -> None:
    """One notification per finished list, in order, each naming a different one of `names`."""
    total = len(names)
    assert [progress for progress, _, _ in updates] == list(range(1, total + 1)), updates
    assert {of for _, of, _ in updates} == {total}, updates
    messages = [message or "" for _, _, message in updates]
    assert len(set(messages)) == total, messages
    named = {name for message in messages for name in names if f'"{name}"' in message}
    assert named == names, messages


@pytest.mark.parametrize("mode", MODES)
async def test_progress_advances_one_list_at_a_time(portal: SeededPortal, mode: str) -> None:
    async with portal.client(mode, confirmation="token") as client:
        run_id, items = await _create(client, {"families": ["icp"]}, {"icp"})
        updates, on_progress = progress_recorder()
        started = time.monotonic()
        counts = await call(client, "count_members", {"run_id": run_id}, progress_callback=on_progress)
        # It did wait, over several polls (a lower bound that proves the sandbox's delay, not a timing).
        assert time.monotonic() - started >= PROCESSING_SECONDS / 2
        _assert_advances(updates, {item["name"] for item in items})
        assert {c["verdict"] for c in counts["counts"]} != {"still-processing"}

        # check_exclusivity waits for lists still processing too, and says so the same way.
        run_id, items = await _create(client, {"families": ["icp", "engagement"]}, {"engagement"})
        updates, on_progress = progress_recorder()
        report = await call(client, "check_exclusivity", {"run_id": run_id}, progress_callback=on_progress)
        assert report.get("still_processing", []) == []
        _assert_advances(updates, {item["name"] for item in items})


async def test_a_group_with_fewer_than_two_lists_is_not_checked(portal: SeededPortal) -> None:
    async with portal.client("auto", confirmation="token") as client:
        run_id, items = await _create(client, {"families": ["core", "icp"]}, {"icp"})
        [tier_1] = [i for i in items if i["key"] == "icp.tier_1"]

        report = await call(client, "check_exclusivity", {"run_id": run_id})
        groups = {group["group"]: group for group in report["groups"]}
        checked = {name for name, group in groups.items() if group.get("exclusive") is not None}
        assert checked == {name for name, group in groups.items() if len(group["list_ids"]) >= 2}
        assert any(len(group["list_ids"]) >= 2 for group in groups.values())  # the ICP tiers
        unchecked = [group for group in groups.values() if len(group["list_ids"]) < 2]
        assert unchecked, groups  # core groups: none of their lists was created
        for group in unchecked:
            assert group.get("exclusive") is None and group["checked"] is False, group
            assert not group.get("pairs") and group.get("uncovered") is None, group
            [line] = [line for line in report["summary"].splitlines() if f"**{group['group']}**" in line]
            assert "Not checked: " in line and "no overlap" not in line and "nothing to compare" in line, line

        one = await call(client, "check_exclusivity", {"list_ids": [tier_1["list_id"]]})
        [given_group] = one["groups"]
        assert given_group.get("exclusive") is None and one.get("overlapping_pairs", 0) == 0
        message = one["summary"]
        assert "Not checked: it names only one list, " in message and tier_1["name"] in message, message
        assert "Give at least two lists." in message


async def test_definitions_use_the_portals_labels(portal: SeededPortal) -> None:
    async with portal.client("auto") as client:
        planned = (
            await call(
                client,
                "propose_segments",
                {"answers": {"families": ["industries"], "industries": ["Manufacturing"]}, "estimate": False},
            )
        )["plan"]
        plan = await full_plan(client, planned["plan_id"])
    [item] = [i for i in plan["items"] if i["key"] == "industry.manufacturing"]
    assert "MACHINERY" in str(item["filter_branch"])  # HubSpot's value is what the definition sends...
    assert "Machinery" in item["description"] and "MACHINERY" not in item["description"]  # ...the label is said
    assert not re.search(r"\b[A-Z]{2,}_[A-Z_]+\b", item["description"]), item["description"]


def test_counts_carry_their_noun_in_the_right_number() -> None:
    assert counted(1, "contact") == "1 contact"
    assert counted(0, "contact") == "0 contacts"
    assert counted(17, "list") == "17 lists"
    assert counted(2, "company", "companies") == "2 companies"


@given(st.lists(st.sampled_from(["exactly", "this", "definition", "of", "Tier-1", "a", "customers,"]), max_size=40))
def test_a_shortened_note_ends_on_a_whole_word(words: list[str]) -> None:
    text = " ".join(words)
    for limit in (10, 25, 60):
        short = shorten(text, limit)
        assert len(short) <= limit
        if short == text:
            continue
        assert short.endswith(ELLIPSIS)
        kept = short.removesuffix(ELLIPSIS).split()
        if len(words[0]) < limit - 1:  # only a first word that cannot fit is cut inside
            assert kept == [w.rstrip(" ,;:.-") if i == len(kept) - 1 else w for i, w in enumerate(words[: len(kept)])]


def test_clean_cuts_at_a_word_boundary() -> None:
    note = "the list keeps exactly this definition and its id"
    assert clean(note, limit=35) == "the list keeps exactly this\u2026"
    assert clean(note, limit=len(note)) == note
