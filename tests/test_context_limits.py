"""Every tool's result fits Claude Code's limit: a successful MCP result over 50,000 characters is
saved to a file and the model gets only its path (and results are capped at 25,000 tokens).

A result's size grows with what it lists, not with how many contacts a portal has (a count of
1,000,000 is seven characters): the lists in the portal, the plan's items, the lists of a run, the
overlapping pairs and their sample offenders. So the portal here is large where results grow, and
cheap to seed: the demo portal at 5,000 contacts plus 500 more lists, named as campaigns and events
are (150 active with definitions, 350 static; HubSpot allows 1,500 of each on Enterprise), the widest
plan (every family, five industries, partner and competitor answers given, so every item is created),
and every tool with its default and its heaviest options, through the real MCP protocol. `bench/context.py` measures the
same calls on the demo portal against issue 13's tighter budgets.

What counts is what a model reads: Claude Code hands it only the structured content (as compact JSON)
when a result has one, other clients the text; a result's size is the larger of the two.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from mcp.types import CallToolResult

from mcp_support import SeededPortal, seeded_portal
from segment_lists.filters import and_, or_, prop_any_of, prop_multistring
from segment_lists.sandbox import lists_service

pytestmark = pytest.mark.slow  # about a minute: the portal is seeded once, every tool called once

CLAUDE_CODE_LIMIT = 50_000
CONTACTS = 5_000
EXTRA_ACTIVE, EXTRA_STATIC = 150, 350
STAGES = ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer"]
COUNTRIES = ["Germany", "France", "United States", "Japan", "Brazil", "India", "Canada", "Spain"]


def seed_lists(portal: SeededPortal) -> None:
    """The lists a long-lived portal collects: campaign, event and import lists, in the thousand."""
    sandbox = portal.running.sandbox
    for i in range(EXTRA_ACTIVE):
        branch = or_(
            and_(prop_any_of("lifecyclestage", *STAGES[i % 3 : i % 3 + 3])),
            and_(prop_multistring("country", "IS_EQUAL_TO", COUNTRIES[i % 8], COUNTRIES[(i + 3) % 8])),
        )
        request = {"name": f"Campaign {i:04d} - {COUNTRIES[i % 8]} nurture audience", "objectTypeId": "0-1"}
        lists_service.create_list(
            sandbox, {**request, "processingType": "DYNAMIC", "filterBranch": branch.to_hubspot()}
        )
    for i in range(EXTRA_STATIC):
        name = f"Event {i:04d} - booth scans import (trade show {2020 + i % 6})"
        lists_service.create_list(sandbox, {"name": name, "objectTypeId": "0-1", "processingType": "MANUAL"})


def wide_answers(portal: SeededPortal) -> dict[str, Any]:
    return {
        "families": ["core", "icp", "industries", "size", "regions", "engagement"],
        "industries": ["Manufacturing", "Retail", "Education", "Logistics", "Professional Services"],
        "competitor_domains": portal.demo.crm.competitor_domains,
        "partner_marker": {"property": "contact_type", "values": ["partner"]},
    }


def model_chars(result: CallToolResult) -> int:
    """What a model reads of a result: its text, or its structured content as compact JSON."""
    assert not result.is_error, result.content
    text = sum(len(getattr(block, "text", "")) for block in result.content)
    structured = json.dumps(result.structured_content, ensure_ascii=False, separators=(",", ":"))
    return max(text, len(structured))


async def measure_every_tool(portal: SeededPortal) -> dict[str, int]:
    sizes: dict[str, int] = {}
    async with portal.client() as client:  # no elicitation: writes answer with a preview and a token

        async def measured(case: str, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
            result = await client.call_tool(tool, arguments)
            sizes[case] = model_chars(result)
            assert result.structured_content is not None
            return result.structured_content

        await measured("list_existing_lists", "list_existing_lists", {})
        await measured("list_existing_lists filters", "list_existing_lists", {"include_filters": True})
        await measured("propose_segments", "propose_segments", {})
        plan = (await measured("propose_segments wide", "propose_segments", {"answers": wide_answers(portal)}))["plan"]
        asked = await measured("create_list preview", "create_list", {"plan_id": plan["plan_id"]})
        token = asked["confirmation_token"]
        done = await measured("create_list", "create_list", {"plan_id": plan["plan_id"], "confirmation_token": token})
        run = {"run_id": done["run_id"]}
        created = [item["list_id"] for item in done["items"] if item.get("list_id")]
        await measured("count_members", "count_members", {**run, "wait_seconds": 120})
        await measured("count_members history", "count_members", {**run, "include_history": True})
        await measured("check_exclusivity", "check_exclusivity", run)
        await measured("check_exclusivity 50 lists", "check_exclusivity", {"list_ids": created[:50]})
        await measured("export_library", "export_library", {})
        await measured("delete_list preview", "delete_list", {"list_id": created[0]})
        asked = await measured("rollback_run preview", "rollback_run", run)
        await measured("rollback_run", "rollback_run", {**run, "confirmation_token": asked["confirmation_token"]})
        await measured("restore_list preview", "restore_list", {"list_id": created[0]})
    return sizes


@pytest.fixture(scope="module")
def sizes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, int]]:
    with seeded_portal(tmp_path_factory.mktemp("large"), contacts=CONTACTS) as portal:
        before = len(portal.lists())
        seed_lists(portal)
        assert len(portal.lists()) == before + EXTRA_ACTIVE + EXTRA_STATIC
        yield anyio.run(measure_every_tool, portal)


CASES = [
    "list_existing_lists",
    "list_existing_lists filters",
    "propose_segments",
    "propose_segments wide",
    "create_list preview",
    "create_list",
    "count_members",
    "count_members history",
    "check_exclusivity",
    "check_exclusivity 50 lists",
    "export_library",
    "delete_list preview",
    "rollback_run preview",
    "rollback_run",
    "restore_list preview",
]
# Before issue 13 (text only): list_existing_lists 15,701,209 (one "similar-name" entry per pair of
# like-named lists), with filters 15,913,324, propose_segments wide 77,588, check_exclusivity of 50
# lists 274,750, export_library 52,393.


@pytest.mark.parametrize("case", CASES)
def test_every_result_fits_claude_codes_limit(sizes: dict[str, int], case: str) -> None:
    assert set(sizes) == set(CASES)
    assert sizes[case] <= CLAUDE_CODE_LIMIT, f"{case}: {sizes[case]:,} characters"
