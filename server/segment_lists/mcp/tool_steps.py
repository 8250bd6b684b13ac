"""The next steps in the MCP face's words: the tools (and arguments) the model calls."""

from __future__ import annotations

from segment_lists.workflow.next_steps import CONNECT_HINT, NextSteps, Step
from segment_lists.workflow.tool_names import ToolName


def _with(tool: ToolName, argument: str, target: str | None) -> str:
    return f"call {tool}" + (f" with {argument} '{target}'" if target else "")


TOOL_STEPS = NextSteps(
    face="MCP",
    phrases={
        Step.LIST_IDS: lambda _: f"call {ToolName.LIST_EXISTING_LISTS} for valid list ids",
        Step.PLAN: lambda _: f"call {ToolName.PROPOSE_SEGMENTS}",
        Step.APPLY: lambda _: f"call {ToolName.CREATE_LIST}",
        Step.COUNT: lambda _: f"call {ToolName.COUNT_MEMBERS}",
        Step.LIBRARY: lambda _: f"call {ToolName.EXPORT_LIBRARY} for the lists this tool made, with their ids",
        Step.RESTORE: lambda target: _with(ToolName.RESTORE_LIST, "list_id", target),
        Step.ROLLBACK: lambda target: _with(ToolName.ROLLBACK_RUN, "run_id", target),
        Step.FORCE: lambda _: "call again with force=true after the user agrees",
        Step.ALLOW_FOREIGN: lambda _: (
            "call again with allow_foreign=true only if the user explicitly agrees to delete it"
        ),
        Step.CONNECT: lambda _: f"to connect, {CONNECT_HINT}, then restart the server",
        Step.SANDBOX: lambda _: (
            "to try it without a HubSpot account, start the server with `segment-lists serve --sandbox`"
        ),
    },
)
