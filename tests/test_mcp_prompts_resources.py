"""Prompts (list, render with and without arguments, completions) and resources (the library as JSON
and Markdown, a saved plan by id) through the real protocol, in both eras."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import MCPError
from mcp.types import PromptReference, ResourceTemplateReference, TextContent, TextResourceContents

from mcp_support import MODES, SeededPortal, call, confirmed, full_plan, seeded_portal
from segment_lists.mcp.prompts import load_prompt

pytestmark = pytest.mark.anyio

PROMPTS = {
    "create-segment-lists": "create-segment-lists.md",
    "segment-interview": "segment-interview.md",
    "quarterly-review": "quarterly-review.md",
    "rollback-segment-lists": "rollback.md",
}


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[SeededPortal]:
    with seeded_portal(tmp_path, contacts=300) as seeded:
        yield seeded


def _text(message: object) -> str:
    content = message.content  # type: ignore[attr-defined]
    assert isinstance(content, TextContent)
    return content.text


@pytest.mark.parametrize("mode", MODES)
async def test_prompts_list_and_render(portal: SeededPortal, mode: str) -> None:
    async with portal.client(mode) as client:
        listed = {p.name: p for p in (await client.list_prompts()).prompts}
        assert set(listed) == set(PROMPTS)
        for name, prompt in listed.items():
            source = load_prompt(PROMPTS[name])
            assert (prompt.title, prompt.description) == (source.title, source.description)
            # Few, optional arguments: Claude Code passes them positionally, and may pass none.
            assert all(not argument.required for argument in prompt.arguments or [])
            rendered = await client.get_prompt(name, {})
            assert [m.role for m in rendered.messages] == ["user"]
            text = _text(rendered.messages[0])
            assert "{" not in text.replace("{{", ""), f"{name}: an unfilled placeholder"
        assert [a.name for a in listed["create-segment-lists"].arguments or []] == ["focus", "language"]
        assert [a.name for a in listed["rollback-segment-lists"].arguments or []] == ["run_id", "language"]

        plain = _text((await client.get_prompt("create-segment-lists", {})).messages[0])
        focused = _text(
            (await client.get_prompt("create-segment-lists", {"focus": "industries Manufacturing"})).messages[0]
        )
        assert "Start with Q1." in plain and "industries Manufacturing" not in plain
        assert "The user already said: industries Manufacturing" in focused
        rollback = _text((await client.get_prompt("rollback-segment-lists", {"run_id": "run-abc"})).messages[0])
        assert "in run run-abc" in rollback
        latest = _text((await client.get_prompt("rollback-segment-lists", {})).messages[0])
        assert "in the latest run" in latest
        chinese = _text((await client.get_prompt("create-segment-lists", {"language": "zh"})).messages[0])
        assert chinese == load_prompt(PROMPTS["create-segment-lists"], "zh").body.replace(
            "{focus_line}", "从问题1开始。"
        )
        assert "{" not in chinese

        with pytest.raises(MCPError):
            await client.get_prompt("no-such-prompt", {})


@pytest.mark.parametrize("mode", MODES)
async def test_focus_completions(portal: SeededPortal, mode: str) -> None:
    async with portal.client(mode) as client:
        ref = PromptReference(name="create-segment-lists")
        manufacturing = (await client.complete(ref, {"name": "focus", "value": "manuf"})).completion
        assert manufacturing.values and all("manuf" in v.lower() for v in manufacturing.values)
        assert "industries Manufacturing" in manufacturing.values
        everything = (await client.complete(ref, {"name": "focus", "value": ""})).completion
        assert len(everything.values) <= 100 and everything.total is not None and everything.total >= 100
        assert everything.has_more is True
        assert "size tiers" in (await client.complete(ref, {"name": "focus", "value": "size"})).completion.values
        nothing = (await client.complete(ref, {"name": "focus", "value": "zzzz-no-such"})).completion
        assert nothing.values == []
        other = await client.complete(PromptReference(name="segment-interview"), {"name": "focus", "value": "a"})
        assert other.completion.values == []


@pytest.mark.parametrize("mode", MODES)
async def test_resources_library_and_plan(portal: SeededPortal, mode: str) -> None:
    async with portal.client(mode) as client:
        templates = {t.uri_template for t in (await client.list_resource_templates()).resource_templates}
        assert templates == {
            "segment-lists://library{?format}",
            "segment-lists://plans/{plan_id}",
            "segment-lists://plans/{plan_id}/items/{key}",
        }

        empty = json.loads(_resource_text(await client.read_resource("segment-lists://library")))
        assert empty["lists"] == [] and empty["portal"]["is_sandbox"] is True

        # The demo's list with the customers' definition is reused as it is: it keeps its own name.
        answers = {"choices": {"core.customers": "reuse"}}
        proposed = await call(client, "propose_segments", {"answers": answers, "estimate": False})
        plan_id = proposed["plan"]["plan_id"]
        keys = ["core.customers", "core.internal", "engagement.never_engaged"]
        _, created = await confirmed(client, "create_list", {"plan_id": plan_id, "items": keys})
        ids = {item["list_id"] for item in created["items"]}

        library = json.loads(_resource_text(await client.read_resource("segment-lists://library")))
        assert {entry["list_id"] for entry in library["lists"]} == ids
        by_id = {entry["list_id"]: entry for entry in library["lists"]}
        assert {entry["segment_key"] for entry in library["lists"]} == set(keys)
        assert all(entry["definition"] for entry in by_id.values())  # all three are active lists
        # Each list under the name HubSpot has for it, with its catalog role beside it.
        customers = by_id[portal.demo.existing_lists["customers_old"]]
        assert customers["hubspot_name"] == "Customers (2023 import)" == customers["name"]
        assert customers["catalog_name"] == "[Core] - All Customers" and customers["origin"] == "reused"
        assert all(entry["hubspot_name"] == portal.lists()[entry["list_id"]][0] for entry in library["lists"])
        counted = await call(client, "count_members", {"run_id": created["run_id"], "wait_seconds": 30})
        row = next(c for c in counted["counts"] if c["list_id"] == customers["list_id"])
        assert (row["name"], row["segment_key"], row["catalog_name"]) == (
            "Customers (2023 import)",
            "core.customers",
            "[Core] - All Customers",
        )

        markdown = _resource_text(await client.read_resource("segment-lists://library?format=markdown"))
        rows = [line for line in markdown.splitlines() if line.startswith("| ") and "---" not in line]
        assert rows[0].startswith("| List (in HubSpot) | Role | Id |")
        assert any(
            row.startswith("| Customers (2023 import) | core.customers ([Core] - All Customers) |") for row in rows
        )
        assert len(rows) == 1 + len(ids)
        for list_id in ids:
            assert any(f"| {list_id} |" in row for row in rows)
        assert "Create Date" in markdown and "createdate" not in markdown  # definitions in the portal's words

        # The same library in HubSpot Agent CLI's JSON Lines (one segment a line), by resource too.
        jsonl = _resource_text(await client.read_resource("segment-lists://library?format=jsonl"))
        records = [json.loads(line) for line in jsonl.splitlines()]
        assert {r["id"] for r in records} == ids and all(r["listType"] == "ACTIVE" for r in records)
        assert {r["segmentLists"]["segmentKey"] for r in records} == set(keys)

        plan = json.loads(_resource_text(await client.read_resource(f"segment-lists://plans/{plan_id}")))
        # The resource holds what detail on demand shows (which leaves out what is not set).
        assert _without_nulls(plan) == await full_plan(client, plan_id)
        with pytest.raises(MCPError) as missing:
            await client.read_resource("segment-lists://plans/plan-does-not-exist")
        assert "plan-does-not-exist" in str(missing.value)
        # One item in full, the same as detail on demand gives it.
        item = json.loads(
            _resource_text(await client.read_resource(f"segment-lists://plans/{plan_id}/items/icp.tier_1"))
        )
        assert item == next(i for i in plan["items"] if i["key"] == "icp.tier_1")
        with pytest.raises(MCPError) as no_item:
            await client.read_resource(f"segment-lists://plans/{plan_id}/items/core.nothing")
        assert "core.nothing" in str(no_item.value)


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def _resource_text(result: object) -> str:
    [content] = result.contents  # type: ignore[attr-defined]
    assert isinstance(content, TextResourceContents)
    return content.text


async def test_resource_template_completion(portal: SeededPortal) -> None:
    async with portal.client("auto") as client:
        ref = ResourceTemplateReference(uri="segment-lists://library{?format}")
        result = await client.complete(ref, {"name": "format", "value": "m"})
    assert result.completion.values == ["markdown"]
