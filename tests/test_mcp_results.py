"""Results written for a model (issue 13 item 1): a Markdown text, compact structured content (no nulls,
no defaults, no preview repeated), and detail only when asked for, through the real MCP protocol.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult

from mcp_support import SeededPortal, error_text, seeded_portal
from segment_lists.mcp.render import cell, compact_schema, plural, shorten
from segment_lists.sandbox import lists_service

pytestmark = pytest.mark.anyio


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[SeededPortal]:
    with seeded_portal(tmp_path) as seeded:
        yield seeded


def _nulls(value: Any, path: str = "") -> list[str]:
    if value is None:
        return [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _nulls(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _nulls(item, f"{path}[{index}]")]
    return []


class Reader:
    """Calls tools and checks every answer the way a model reads it."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.texts: dict[str, str] = {}

    async def __call__(self, tool: str, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
        result: CallToolResult = await self.client.call_tool(tool, arguments or {})
        assert not result.is_error, error_text(result)
        [block] = result.content
        text = block.text  # type: ignore[union-attr]
        content = result.structured_content
        assert content is not None
        # Markdown for a person, not a JSON dump; it names the portal first.
        assert not text.lstrip().startswith(("{", "[")), text[:80]
        assert text.startswith("**SANDBOX portal"), text[:80]
        # Words a marketer can read aloud: no Python None, no '1 contacts'.
        assert "None" not in text, text
        assert not re.search(r"\b1 (contacts|lists|segments|questions)\b", text), text
        # Compact: no null anywhere, no empty lists or false flags (defaults are left out).
        assert _nulls(content) == [], _nulls(content)
        assert not any(value is False or value == [] for value in content.values()), content
        # Every read answer carries the same summary for clients that show only structured content.
        if "summary" in content:
            assert text.startswith(content["summary"])  # then only the detail asked for
        self.texts[tool] = text
        return content


async def test_every_result_is_markdown_and_compact_and_done_repeats_no_preview(portal: SeededPortal) -> None:
    async with portal.client() as client:
        read = Reader(client)
        inventory = await read("list_existing_lists")
        assert "| Id | Name |" in read.texts["list_existing_lists"]
        assert "filter_branch" not in inventory["lists"][0]  # the definition JSON only when asked for
        proposed = await read("propose_segments", {"estimate": False})
        plan = proposed["plan"]
        assert "details" not in plan and "plan_detail" not in plan
        assert "| Key | Segment | Type | Action |" in proposed["summary"]
        assert "**Next**:" in proposed["summary"] and plan["plan_id"] in proposed["summary"]
        # Labels, not raw values, in what is read aloud.
        assert "DYNAMIC" not in proposed["summary"] and "| active |" in proposed["summary"]
        keys = [item["key"] for item in plan["items"] if item["action"] == "create"][:2]

        asked = await read("create_list", {"plan_id": plan["plan_id"], "items": keys})
        assert asked["status"] == "confirmation_required"
        assert asked["preview"] in read.texts["create_list"]  # the preview is shown, once, to ask
        done = await read(
            "create_list",
            {"plan_id": plan["plan_id"], "items": keys, "confirmation_token": asked["confirmation_token"]},
        )
        assert done["status"] == "done" and "preview" not in done
        assert asked["preview"] not in read.texts["create_list"]
        assert len(read.texts["create_list"]) < len(asked["preview"])
        assert "| Segment | Id | Outcome |" in read.texts["create_list"]
        assert f"run_id '{done['run_id']}'" in done["message"]

        counts = await read("count_members", {"run_id": done["run_id"], "wait_seconds": 30})
        assert "history" not in counts["counts"][0]
        report = await read("check_exclusivity", {"run_id": done["run_id"]})
        assert all("samples" not in pair for group in report["groups"] for pair in group.get("pairs", []))
        library = await read("export_library")
        assert "definition" not in library["lists"][0]  # definitions: format markdown
        documented = await read("export_library", {"format": "markdown"})
        assert "| List (in HubSpot) | Role | Id | Type | Members | Definition |" in documented["summary"]


async def test_plan_detail_on_demand_shows_the_saved_plan(portal: SeededPortal) -> None:
    async with portal.client() as client:
        read = Reader(client)
        proposed = await read("propose_segments", {"estimate": False})
        plan_id = proposed["plan"]["plan_id"]
        saved = await read("propose_segments", {"plan_id": plan_id, "detail": ["core.suppressed", "icp.tier_1"]})
        assert saved["plan"]["plan_id"] == plan_id
        assert saved["plan"]["items"] == proposed["plan"]["items"]  # the same plan, not a new one
        suppressed, tier = saved["plan"]["details"]
        assert suppressed["key"] == "core.suppressed" and suppressed["clash"]["options"]
        assert tier["filter_branch"]["filterBranchType"] == "OR" and tier["description"]
        whole = await read("propose_segments", {"plan_id": plan_id, "detail": ["plan"]})
        assert {group["name"] for group in whole["plan"]["plan_detail"]["groups"]} >= {"icp-tiers", "engagement"}
        # Stages in the portal's words: the custom stage by its label, its numeric id beside it.
        stages = next(line for line in read.texts["propose_segments"].splitlines() if "Lifecycle stages in use" in line)
        assert "Churned Customer (id 2497212665)" in stages and "Customer " in stages and "customer " not in stages
        assert (
            whole["plan"]["plan_detail"]["prerequisites"]["lifecycle_stage_labels"]["2497212665"] == "Churned Customer"
        )
        unknown = await read("propose_segments", {"plan_id": plan_id, "detail": ["core.nothing"]})
        assert "No item core.nothing in this plan" in unknown["summary"]

        both = await client.call_tool("propose_segments", {"plan_id": plan_id, "answers": {}})
        assert both.is_error and "not both" in error_text(both)
        too_many = await client.call_tool("propose_segments", {"plan_id": plan_id, "detail": ["a"] * 6})
        assert too_many.is_error


async def test_a_long_inventory_comes_a_page_at_a_time(portal: SeededPortal) -> None:
    for i in range(120):
        name = f"Webinar {i:03d} - registrants"
        lists_service.create_list(
            portal.running.sandbox, {"name": name, "objectTypeId": "0-1", "processingType": "MANUAL"}
        )
    every = set(portal.lists())
    async with portal.client() as client:
        read = Reader(client)
        seen: list[str] = []
        cursor: str | None = None
        pages = 0
        while True:
            page = await read("list_existing_lists", {"cursor": cursor} if cursor else {})
            pages += 1
            assert page["total"] == len(every)
            seen += [lst["list_id"] for lst in page["lists"]]
            cursor = page.get("next_cursor")
            if cursor is None:
                break
            assert f"cursor '{cursor}'" in page["summary"]
        assert pages > 1 and len(seen) == len(set(seen)) and set(seen) == every
        # 120 like-named lists are one group of similar names, not 7,140 pairs.
        similar = [d for d in page["duplicates"] if d["kind"] == "similar-name"]
        assert len(similar) == 1 and len(similar[0]["list_ids"]) == 120


async def test_tools_list_is_compact(portal: SeededPortal) -> None:
    async with portal.client() as client:
        tools = (await client.list_tools()).tools
    listing = json.dumps([t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools])
    assert len(listing) <= 15_000, len(listing)  # issue 13's budget; bench/context.py measures the wire
    schemas = json.dumps([[t.input_schema, t.output_schema] for t in tools])
    assert '"title": "' not in schemas.replace('"title": {', "")  # no generated titles (a property may be one)
    for tool in tools:
        assert tool.output_schema is not None and tool.output_schema["type"] == "object"


def test_words_are_never_cut_and_plurals_agree() -> None:
    assert shorten("Lifecycle Stage is any of Customer", 20) == "Lifecycle Stage is\u2026"
    assert shorten("short", 20) == "short"
    assert plural(1, "contact") == "1 contact" and plural(1200, "contact") == "1,200 contacts"
    assert plural(1, "contact is", "contacts are") == "1 contact is"
    # A cell reads aloud: nothing for nothing, separators in numbers, no markup, no HTML entities.
    assert cell(None) == "" and cell(1234567) == "1,234,567" and cell(True) == "yes"
    assert cell("287 -> 300") == "287 \u2192 300" and "&gt;" not in cell("Settings > Objects")
    assert cell('<script>x" end') == "\u2039script\u203ax' end"


def test_compact_schema_says_the_same_in_fewer_bytes() -> None:
    schema = {
        "title": "Args",
        "type": "object",
        "properties": {
            "title": {"title": "Title", "type": "string"},  # a property may be named title
            "run_id": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None, "title": "Run Id"},
            "wait": {"default": 120, "type": "integer", "title": "Wait"},
        },
    }
    assert compact_schema(schema) == {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "run_id": {"type": "string"},
            "wait": {"default": 120, "type": "integer"},
        },
    }
