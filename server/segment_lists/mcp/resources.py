"""Resources: the segment library (what this tool created, with ids and definitions) and saved plans."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError

from segment_lists.mcp.state import app_state
from segment_lists.mcp.tool_steps import TOOL_STEPS
from segment_lists.workflow.agent_cli_export import library_jsonl
from segment_lists.workflow.failures import EXPECTED_FAILURES, UnknownPlan, describe_failure
from segment_lists.workflow.library import export_library
from segment_lists.workflow.proposal import load_plan


def register_resources(server: MCPServer[Any]) -> None:
    @server.resource(
        "segment-lists://library{?format}",
        name="segment-library",
        mime_type="application/json",
        title="Segment library",
        description="Every segment this tool created or adopted in the portal: ids, names, definitions, "
        "sizes. format=markdown for a table, format=jsonl for HubSpot Agent CLI's JSON Lines.",
    )
    def library(ctx: Context[Any], format: str = "json") -> str:
        try:
            rt = app_state(ctx).runtime()
            if format == "jsonl":
                return library_jsonl(rt)
            export = export_library(rt)
        except EXPECTED_FAILURES as error:  # a resource read reports, never crashes
            failure = describe_failure(error, "nothing was read", next_steps=TOOL_STEPS)
            raise ResourceError(f"could not read the library: {failure.text()}") from None
        return export.markdown if format == "markdown" else export.model_dump_json(indent=2)

    @server.resource(
        "segment-lists://plans/{plan_id}",
        name="segment-plan",
        mime_type="application/json",
        title="A saved plan",
        description="A plan made by propose_segments, by id.",
    )
    async def plan(plan_id: str, ctx: Context[Any]) -> str:
        def read() -> str:
            return load_plan(app_state(ctx).runtime(), plan_id).model_dump_json(indent=2)

        try:
            return await anyio.to_thread.run_sync(read)
        except UnknownPlan:
            raise ResourceNotFoundError(f"No plan {plan_id!r} in this portal's journal") from None

    @server.resource(
        "segment-lists://plans/{plan_id}/items/{key}",
        name="segment-plan-item",
        mime_type="application/json",
        title="One item of a saved plan",
        description="One segment of a plan in full: definition (filterBranch), action, clash evidence, notes.",
    )
    async def plan_item(plan_id: str, key: str, ctx: Context[Any]) -> str:
        def read() -> str:
            return load_plan(app_state(ctx).runtime(), plan_id).item(key).model_dump_json(indent=2)

        try:
            return await anyio.to_thread.run_sync(read)
        except UnknownPlan:
            raise ResourceNotFoundError(f"No plan {plan_id!r} in this portal's journal") from None
        except KeyError:
            raise ResourceNotFoundError(f"No item {key!r} in plan {plan_id!r}") from None
