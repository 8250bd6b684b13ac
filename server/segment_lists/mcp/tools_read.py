"""The read tools: inventory, plan, counts, exclusivity, the library. Each: arguments -> one workflow
call on a worker thread -> its result as a model reads it (`read_results`). One option writes: with
temporary_lists, check_exclusivity lets HubSpot count overlaps through temporary lists, after the
user confirms them as any write (`write_gate`); the tool stays read-only by default, and as a whole
leaves the portal as it found it, so it keeps its read-only annotation and a read-only server offers
it (and refuses the option)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, ElicitationResult, Resolve
from mcp.types import CallToolResult
from pydantic import Field

from segment_lists.boundary.ids import ListId
from segment_lists.domain.interview import Answers
from segment_lists.domain.plan import Plan
from segment_lists.mcp.read_results import (
    DETAIL_ITEMS,
    OFFENDERS,
    TEMPORARY_LISTS,
    CountView,
    ExclusivityView,
    InventoryView,
    LibraryView,
    ProposeView,
    count_result,
    exclusivity_not_done,
    exclusivity_result,
    inventory_result,
    library_result,
    propose_result,
)
from segment_lists.mcp.tool_support import READ, ToolSpec, progress_reporter, run, runtime
from segment_lists.mcp.write_gate import ConfirmWrite, Gate, ask, ask_about, gate
from segment_lists.workflow import agent_cli_export, library
from segment_lists.workflow.exclusivity import check_requested
from segment_lists.workflow.failures import InvalidRequest
from segment_lists.workflow.inventory import take_inventory
from segment_lists.workflow.proposal import load_plan, propose
from segment_lists.workflow.runtime import Runtime
from segment_lists.workflow.verify import count_requested
from segment_lists.workflow.write_requests import prepare_temporary_lists


async def list_existing_lists(
    ctx: Context[Any],
    name_contains: Annotated[str | None, Field(max_length=200, description="Only names containing this")] = None,
    include_filters: Annotated[bool, Field(description="Add each active segment's filterBranch JSON")] = False,
    cursor: Annotated[str | None, Field(pattern=r"^[0-9]{1,6}$", description="next_cursor of the last page")] = None,
) -> Annotated[CallToolResult, InventoryView]:
    """Step 1: every contact segment (HubSpot list) in the portal, a page at a time: id, name, type,
    size, definition in words, and possible duplicates."""
    action = "nothing was read"
    rt = await runtime(ctx, action)
    inventory = await run(action, take_inventory, rt, include_filters=include_filters, name_contains=name_contains)
    return inventory_result(inventory, cursor=cursor)


async def propose_segments(
    ctx: Context[Any],
    answers: Annotated[Answers | None, Field(description="Interview answers; omitted fields take the defaults")] = None,
    estimate: Annotated[bool, Field(description="Estimate sizes with CRM searches")] = True,
    plan_id: Annotated[str | None, Field(max_length=64, description="Show this saved plan (no new plan)")] = None,
    detail: Annotated[
        list[str] | None,
        Field(max_length=DETAIL_ITEMS, description="Item keys to show in full, or 'plan' for groups and prerequisites"),
    ] = None,
) -> Annotated[CallToolResult, ProposeView]:
    """Step 2: check prerequisites and propose the plan (creates nothing): per segment its name, action
    (create, reuse, adopt, merge, move-aside, skip, or a question) and estimated size. An existing list
    in the way is a question with options: answer in answers.choices by item key, then propose again."""
    action = "no plan was made"
    rt = await runtime(ctx, action)
    if plan_id is not None:
        plan = await run(action, _saved_plan, rt, plan_id, answers)
    else:
        plan = await run(action, propose, rt, answers or Answers(), estimate=estimate)
    return propose_result(plan, rt.ref, detail=detail)


def _saved_plan(rt: Runtime, plan_id: str, answers: Answers | None) -> Plan:
    if answers is not None:
        raise InvalidRequest("give answers (to plan again) or plan_id (to show a saved plan), not both")
    return load_plan(rt, plan_id)


async def count_members(
    ctx: Context[Any],
    list_ids: Annotated[list[ListId] | None, Field(max_length=500, description="Segment (list) ids")] = None,
    run_id: Annotated[str | None, Field(description="Or: every segment of this create_list run")] = None,
    plan_id: Annotated[str | None, Field(description="Compare with this plan's estimates")] = None,
    wait_seconds: Annotated[int, Field(ge=0, le=900, description="Longest wait for processing")] = 120,
    include_history: Annotated[bool, Field(description="Add size history and trend")] = False,
) -> Annotated[CallToolResult, CountView]:
    """Step 4: wait for HubSpot's processing, then each segment's size against the plan's estimate and
    the expected range."""
    action = "nothing was counted"
    rt = await runtime(ctx, action)
    report = await run(
        action,
        count_requested,
        rt,
        list_ids=list_ids,
        run_id=run_id,
        plan_id=plan_id,
        wait_seconds=wait_seconds,
        include_history=include_history,
        progress=progress_reporter(ctx),
    )
    return count_result(report)


async def ask_check(
    ctx: Context[Any], run_id: str | None = None, list_ids: list[str] | None = None, temporary_lists: bool = False
) -> Any:
    if not temporary_lists:  # a read-only check: nothing to ask
        return ask(ctx, None)
    return await ask_about(ctx, prepare_temporary_lists, run_id=run_id, list_ids=list_ids)


async def check_exclusivity(
    ctx: Context[Any],
    decision: Annotated[ElicitationResult[ConfirmWrite], Resolve(ask_check)],
    run_id: Annotated[str | None, Field(description="Groups of this run's plan")] = None,
    list_ids: Annotated[list[ListId] | None, Field(max_length=50, description="Or: these ids pairwise")] = None,
    offenders: Annotated[bool, Field(description=OFFENDERS)] = False,
    temporary_lists: Annotated[bool, Field(description=TEMPORARY_LISTS)] = False,
    # How a token is used is said by the answer that gives it, and by the server's instructions.
    confirmation_token: str | None = None,
) -> Annotated[CallToolResult, ExclusivityView]:
    """Step 5: segments that must not overlap (customers vs competitors, ICP tiers...): overlaps
    per pair and what to do; partitions also count contacts in none."""
    action = "nothing was checked"
    rt = await runtime(ctx, action)
    progress = progress_reporter(ctx)
    if not temporary_lists:
        if confirmation_token is not None:
            await run(action, _token_without_consent)
        report = await run(action, check_requested, rt, run_id=run_id, list_ids=list_ids, progress=progress)
        return exclusivity_result(report, offenders=offenders)
    request = await run(action, prepare_temporary_lists, rt, run_id=run_id, list_ids=list_ids)
    if request.refused is not None:
        return exclusivity_not_done(rt.ref, Gate(verdict="refused", message=request.refused))
    if request.needs_confirmation:
        verdict = await run(action, gate, ctx, rt, decision, request, confirmation_token)
        if verdict.verdict != "go":
            return exclusivity_not_done(rt.ref, verdict, request.preview)
    report = await run(action, request.carry_out, rt, progress)
    return exclusivity_result(report, offenders=offenders)


def _token_without_consent() -> None:
    raise InvalidRequest("confirmation_token confirms temporary lists: give it with temporary_lists=true")


async def export_library(
    ctx: Context[Any],
    format: Annotated[
        Literal["json", "markdown", "jsonl"],
        Field(description="json: a table; markdown: with definitions, for docs; jsonl: HubSpot Agent CLI records"),
    ] = "json",
) -> Annotated[CallToolResult, LibraryView]:
    """Step 6: the segments this tool created or took over, with ids, HubSpot's names and roles, and sizes."""
    action = "nothing was exported"
    rt = await runtime(ctx, action)
    if format == "jsonl":
        export = await run(action, agent_cli_export.export_jsonl, rt)
    else:
        export = await run(action, library.export_library, rt)
    return library_result(export, format=format)


TOOLS = (
    ToolSpec(list_existing_lists, "List existing HubSpot segments", READ, {"name_contains": "Customers"}),
    ToolSpec(
        propose_segments,
        "Propose a segment plan",
        READ,
        {"answers": {"families": ["core", "industries"], "industries": ["Manufacturing"]}},
    ),
    ToolSpec(count_members, "Count segment members", READ, {"list_ids": ["1234", "5678"], "wait_seconds": 120}),
    ToolSpec(check_exclusivity, "Check segment overlaps", READ, {"list_ids": ["1234", "5678"]}),
    ToolSpec(export_library, "Export the segment library", READ, {"format": "json"}),
)
