"""tools/list as clients see it: a snapshot of names, titles, descriptions, annotations and schemas,
truthful annotations, and read-only mode exposing no write tool. Both protocol eras.

Regenerate the snapshot after an intended change: UPDATE_SNAPSHOTS=1 uv run pytest tests/test_mcp_tools_list.py
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import Tool

from mcp_support import ERAS, MODES
from segment_lists.mcp.server import build_server
from segment_lists.mcp.state import AppState
from segment_lists.workflow.environment import load_settings
from segment_lists.workflow.tool_names import ToolName

pytestmark = pytest.mark.anyio

SNAPSHOT = Path(__file__).parent / "snapshots" / "tools.json"
T = ToolName
READ_TOOLS = {T.LIST_EXISTING_LISTS, T.PROPOSE_SEGMENTS, T.COUNT_MEMBERS, T.CHECK_EXCLUSIVITY, T.EXPORT_LIBRARY}
WRITE_TOOLS = {T.CREATE_LIST, T.DELETE_LIST, T.RESTORE_LIST, T.ROLLBACK_RUN}
DESTRUCTIVE = {T.DELETE_LIST, T.ROLLBACK_RUN}


def _server(tmp_path: Path, *, read_only: bool = False) -> Any:
    # No token and no sandbox: listing tools must not need a portal.
    settings = load_settings(env={}, dotenv=tmp_path / "none.env", state_dir=tmp_path)
    return build_server(AppState(settings=settings, read_only=read_only))


async def _tools(server: Any, mode: str) -> dict[str, Tool]:
    async with Client(server, mode=mode) as client:
        assert client.protocol_version == ERAS[mode]
        return {tool.name: tool for tool in (await client.list_tools()).tools}


def _snapshot_form(tools: dict[str, Tool]) -> list[dict[str, Any]]:
    return [
        {
            "name": tool.name,
            "title": tool.title,
            "description": tool.description,
            "annotations": tool.annotations.model_dump(mode="json", by_alias=True) if tool.annotations else None,
            "inputSchema": tool.input_schema,
            "outputSchema": tool.output_schema,
        }
        for tool in sorted(tools.values(), key=lambda t: t.name)
    ]


@pytest.mark.parametrize("mode", MODES)
async def test_tools_list_matches_the_snapshot(tmp_path: Path, mode: str) -> None:
    current = json.dumps(_snapshot_form(await _tools(_server(tmp_path), mode)), indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(current, encoding="utf-8")
    assert SNAPSHOT.is_file(), f"no snapshot yet: run with UPDATE_SNAPSHOTS=1 to write {SNAPSHOT}"
    saved = SNAPSHOT.read_text(encoding="utf-8")
    if current != saved:
        diff = "".join(
            difflib.unified_diff(saved.splitlines(True), current.splitlines(True), "snapshot", "tools/list", n=2)
        )
        pytest.fail(f"tools/list changed (UPDATE_SNAPSHOTS=1 to accept):\n{diff}")


@pytest.mark.parametrize("mode", MODES)
async def test_annotations_are_truthful(tmp_path: Path, mode: str) -> None:
    tools = await _tools(_server(tmp_path), mode)
    assert set(tools) == READ_TOOLS | WRITE_TOOLS == set(ToolName)  # every name defined once, every one served
    for name, tool in tools.items():
        hints = tool.annotations
        assert hints is not None, name
        # All four set explicitly: a client must not fall back to the spec's pessimistic defaults.
        assert None not in (
            hints.read_only_hint,
            hints.destructive_hint,
            hints.idempotent_hint,
            hints.open_world_hint,
        ), name
        assert hints.read_only_hint is (name in READ_TOOLS), name
        assert hints.destructive_hint is (name in DESTRUCTIVE), name
        assert hints.open_world_hint is True, name  # every tool talks to a HubSpot portal
        assert tool.title, name
        assert tool.description and "\n " not in tool.description, f"{name}: description keeps code indentation"
        assert tool.output_schema is not None and tool.output_schema.get("type") == "object", name
        assert "portal" in tool.output_schema["properties"], f"{name}: results must name their portal"
    assert tools["create_list"].annotations.idempotent_hint is False  # type: ignore[union-attr]
    for name in WRITE_TOOLS:
        props = tools[name].input_schema["properties"]
        # The confirmation decision is resolved server-side: the model can neither see nor forge it.
        assert "decision" not in props, name
        assert "confirmation_token" in props, name
        assert "ctx" not in props, name


@pytest.mark.parametrize("mode", MODES)
async def test_read_only_registers_no_write_tool(tmp_path: Path, mode: str) -> None:
    tools = await _tools(_server(tmp_path, read_only=True), mode)
    assert set(tools) == READ_TOOLS
    assert all(tool.annotations and tool.annotations.read_only_hint for tool in tools.values())
    async with Client(_server(tmp_path, read_only=True), mode=mode) as client:
        result = await client.call_tool("delete_list", {"list_id": "1"})
    assert result.is_error
    assert "delete_list" in " ".join(getattr(block, "text", "") for block in result.content)
