"""Bad input gets a tool error (is_error, text the model can act on) and changes nothing; a server
without a token says how to get one. Both protocol eras, through the real protocol."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, MCPError

from mcp_support import MODES, SeededPortal, call, failing, seeded_portal
from segment_lists.mcp.server import build_server
from segment_lists.mcp.state import AppState
from segment_lists.workflow.environment import load_settings

pytestmark = pytest.mark.anyio

# The seed's own mistake: HubSpot has no IS_EQUAL_TO for enumerations (it wants IS_ANY_OF + values).
SEED_MISTAKE = {
    "filterBranchType": "OR",
    "filterBranchOperator": "OR",
    "filters": [],
    "filterBranches": [
        {
            "filterBranchType": "AND",
            "filterBranchOperator": "AND",
            "filterBranches": [],
            "filters": [
                {
                    "filterType": "PROPERTY",
                    "property": "lifecyclestage",
                    "operation": {"operationType": "ENUMERATION", "operator": "IS_EQUAL_TO", "value": "customer"},
                }
            ],
        }
    ],
}
SEED_MISTAKE_FIX = (
    'filterBranch.filterBranches[0].filters[0]: ENUMERATION has no IS_EQUAL_TO; use IS_ANY_OF with "values"'
)


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededPortal]:
    # Shared: every call here must leave the portal as it was, which the test checks.
    with seeded_portal(tmp_path_factory.mktemp("errors"), contacts=300) as seeded:
        yield seeded


async def _plan_id(client: Client) -> str:
    return (await call(client, "propose_segments", {"estimate": False}))["plan"]["plan_id"]


@pytest.mark.parametrize("mode", MODES)
async def test_bad_arguments_are_actionable_tool_errors_and_write_nothing(portal: SeededPortal, mode: str) -> None:
    before = portal.lists()
    async with portal.client(mode) as client:
        plan_id = await _plan_id(client)
        cases: list[tuple[str, dict[str, Any], list[str]]] = [
            ("create_list", {"plan_id": "plan-0000000000000000"}, ["plan-0000000000000000", "call propose_segments"]),
            ("count_members", {"list_ids": ["1"], "plan_id": "plan-nope"}, ["propose_segments", "nothing was counted"]),
            (
                "create_list",
                {"plan_id": plan_id, "items": ["core.customers", "core.no_such_segment"]},
                ["'core.no_such_segment'", "valid keys:", "core.customers", "nothing was created"],
            ),
            (
                "create_list",
                {"custom": {"name": "Customers (seed)", "filter_branch": SEED_MISTAKE}},
                [SEED_MISTAKE_FIX, "nothing was created"],
            ),
            (
                "create_list",
                {"custom": {"name": "Static", "processing_type": "MANUAL", "filter_branch": SEED_MISTAKE}},
                ["takes no filter_branch", "nothing was created"],
            ),
            ("create_list", {}, ["Give either plan_id", "nothing was created"]),
            (
                "create_list",
                {"plan_id": plan_id, "custom": {"name": "x", "processing_type": "MANUAL"}},
                ["not both", "nothing was created"],
            ),
            ("delete_list", {"list_id": "987654"}, ["987654", "does not exist", "list_existing_lists"]),
            ("delete_list", {"list_id": "not-a-number"}, ["list_id"]),
            ("rollback_run", {"run_id": "run-nope"}, ["run-nope", "nothing was deleted"]),
            ("rollback_run", {}, ["no apply run yet; call create_list first", "nothing was deleted"]),
            ("check_exclusivity", {"run_id": "run-nope"}, ["run-nope", "nothing was checked"]),
            ("check_exclusivity", {"list_ids": ["1", "987654"]}, ["987654", "nothing was checked"]),
            ("count_members", {}, ["list_ids or a run_id", "nothing was counted"]),
            ("propose_segments", {"answers": {"families": ["no-such-family"]}}, ["families"]),
        ]
        problems = []
        for tool, arguments, expected in cases:
            result = await client.call_tool(tool, arguments)
            text = " ".join(getattr(block, "text", "") for block in result.content)
            if not result.is_error:
                problems.append(f"{tool}({arguments}): not an error: {text[:300]}")
            elif text.strip() == f"Error executing tool {tool}":  # sanitised: an unexpected exception
                problems.append(f"{tool}({arguments}): an unexpected exception, not a tool error")
            elif missing := [e for e in expected if e not in text]:
                problems.append(f"{tool}({arguments}): {missing} not in {text!r}")
        assert problems == [], "\n".join(problems)

        # Restore: HubSpot cannot list deleted lists, so an unknown id is only found out by the restore
        # itself, after the confirmation; a live list has nothing to restore.
        asked = await call(client, "restore_list", {"list_id": "987654"})
        assert asked["status"] == "confirmation_required" and "987654" in asked["preview"]
        text = await failing(
            client, "restore_list", {"list_id": "987654", "confirmation_token": asked["confirmation_token"]}
        )
        assert "no deleted list 987654" in text and "nothing was restored" in text
        live = await call(client, "restore_list", {"list_id": "1"})
        assert live["status"] == "done" and "is not deleted; nothing was restored" in live["message"]
        assert "confirmation_token" not in live
        library = await call(client, "export_library")
    assert library["lists"] == []
    assert portal.lists() == before


@pytest.mark.parametrize("mode", MODES)
async def test_no_token_says_how_to_get_one(tmp_path: Path, mode: str) -> None:
    settings = load_settings(env={}, dotenv=tmp_path / "none.env", state_dir=tmp_path)
    assert settings.token is None and not settings.sandbox
    async with Client(build_server(AppState(settings=settings)), mode=mode) as client:
        tools = (await client.list_tools()).tools  # listing needs no portal
        assert tools
        for tool, arguments in [
            ("list_existing_lists", {}),
            ("propose_segments", {}),
            ("create_list", {"custom": {"name": "x", "processing_type": "MANUAL"}}),
            ("delete_list", {"list_id": "1"}),
        ]:
            text = await failing(client, tool, arguments)
            assert "HUBSPOT_ACCESS_TOKEN" in text and "--sandbox" in text, text
        with pytest.raises(MCPError) as caught:
            await client.read_resource("segment-lists://library")
        assert "HUBSPOT_ACCESS_TOKEN" in str(caught.value)
    assert not (tmp_path / "journal.sqlite3").exists()  # nothing was started either
