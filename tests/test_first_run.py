"""A newcomer's first run, as Claude Code starts the server: `serve` over stdio with no token anywhere
(no HUBSPOT_* variable, no .env, an empty HOME and state directory).

Without a token the embedded sandbox stands in, and every tool answers on it with a result that says
SANDBOX, that HubSpot is not connected and how to connect; nothing is written under HOME. With the
sandbox switched off (`SEGMENT_LISTS_SANDBOX=never`), every tool answers a tool error that says how to
connect, and the server still lists its tools and prompts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client

from mcp_support import call, error_text, failing, newcomer
from segment_lists.mcp import tools_read, tools_write

pytestmark = pytest.mark.anyio

TOOLS = {spec.name for spec in (*tools_read.TOOLS, *tools_write.TOOLS)}
# What a newcomer must read wherever the product is not connected (README section "Connect your portal").
CONNECT = ("HUBSPOT_ACCESS_TOKEN", "service key", "Connect your portal")


def assert_first_run_notice(tool: str, result: dict[str, Any]) -> None:
    portal = result["portal"]
    assert portal["is_sandbox"] is True, (tool, portal)
    notice = portal["notice"]
    assert "SANDBOX" in notice and "not your HubSpot" in notice, (tool, notice)
    assert "Not connected to HubSpot" in notice and all(word in notice for word in CONNECT), (tool, notice)


async def confirmed_call(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """The token path, as a client without elicitation takes it: both answers carry the notice."""
    asked = await call(client, tool, arguments)
    assert_first_run_notice(tool, asked)
    assert asked["status"] == "confirmation_required" and "SANDBOX" in asked["preview"], asked
    done = await call(client, tool, {**arguments, "confirmation_token": asked["confirmation_token"]})
    assert_first_run_notice(tool, done)
    assert done["status"] == "done", done
    return done


async def test_without_a_token_every_tool_answers_on_the_labelled_sandbox(tmp_path: Path) -> None:
    called: set[str] = set()
    with anyio.fail_after(240):
        async with Client(newcomer(tmp_path)) as client:
            listed = {tool.name for tool in (await client.list_tools()).tools}
            assert listed == TOOLS
            prompts = {prompt.name for prompt in (await client.list_prompts()).prompts}
            assert "create-segment-lists" in prompts

            inventory = await call(client, "list_existing_lists")
            assert_first_run_notice("list_existing_lists", inventory)
            assert inventory["lists"], "the demo portal has lists to show"
            called.add("list_existing_lists")

            proposed = await call(client, "propose_segments")
            assert_first_run_notice("propose_segments", proposed)
            plan_id = proposed["plan"]["plan_id"]
            called.add("propose_segments")

            created = await confirmed_call(client, "create_list", {"plan_id": plan_id, "items": ["icp.tier_1"]})
            run_id = created["run_id"]
            (item,) = created["items"]
            list_id = item["list_id"]
            assert item["outcome"] == "created" and list_id
            called.add("create_list")

            for tool, arguments in (
                ("count_members", {"run_id": run_id, "wait_seconds": 60}),
                ("check_exclusivity", {"run_id": run_id}),
                ("export_library", {}),
            ):
                assert_first_run_notice(tool, await call(client, tool, arguments))
                called.add(tool)

            await confirmed_call(client, "delete_list", {"list_id": list_id})
            await confirmed_call(client, "restore_list", {"list_id": list_id})
            await confirmed_call(client, "rollback_run", {"run_id": run_id})
            called |= {"delete_list", "restore_list", "rollback_run"}

            library = await client.read_resource("segment-lists://library")
            assert library.contents
    assert called == TOOLS
    # The sandbox's journal went to a fresh temp directory: nothing under HOME.
    assert list((tmp_path / "home").rglob("*")) == []


async def test_with_the_sandbox_switched_off_every_tool_says_how_to_connect(tmp_path: Path) -> None:
    arguments: dict[str, dict[str, Any]] = {
        "list_existing_lists": {},
        "propose_segments": {},
        "create_list": {"plan_id": "plan-1"},
        "count_members": {"list_ids": ["1"]},
        "check_exclusivity": {"list_ids": ["1", "2"]},
        "export_library": {},
        "delete_list": {"list_id": "1"},
        "restore_list": {"list_id": "1"},
        "rollback_run": {},
    }
    assert set(arguments) == TOOLS
    with anyio.fail_after(60):
        async with Client(newcomer(tmp_path, SEGMENT_LISTS_SANDBOX="never")) as client:
            assert {tool.name for tool in (await client.list_tools()).tools} == TOOLS
            assert (await client.get_prompt("create-segment-lists")).messages
            for tool, args in arguments.items():
                text = await failing(client, tool, args)
                assert "Not connected to HubSpot" in text and all(word in text for word in CONNECT), (tool, text)
                assert "--sandbox" in text, (tool, text)
            unreadable = await client.call_tool("list_existing_lists", {})
            assert unreadable.is_error and "Traceback" not in error_text(unreadable)
    assert list((tmp_path / "home").rglob("*")) == []
