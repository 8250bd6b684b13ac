"""The read tools: inventory, plan, counts, exclusivity, the library. Each: arguments -> one workflow
call on a worker thread -> its result (`propose_segments` adds the next step for the model)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context
from pydantic import Field

from segment_lists.boundary.ids import ListId
from segment_lists.domain.interview import Answers
from segment_lists.domain.plan import Plan
from segment_lists.mcp.results import ProposeResult
from segment_lists.mcp.tool_support import READ, ToolSpec, progress_reporter, run, runtime
from segment_lists.workflow import agent_cli_export, library
from segment_lists.workflow.exclusivity import ExclusivityReport, check_requested
from segment_lists.workflow.inventory import Inventory, take_inventory
from segment_lists.workflow.proposal import propose
from segment_lists.workflow.tool_names import ToolName
from segment_lists.workflow.verify import CountReport, count_requested


async def list_existing_lists(
    ctx: Context[Any],
    name_contains: Annotated[
        str | None, Field(max_length=200, description="Only segments whose name contains this text (case-insensitive)")
    ] = None,
    include_filters: Annotated[bool, Field(description="Also return each active segment's filterBranch JSON")] = False,
) -> Inventory:
    """Inventory every contact segment (HubSpot's UI name for lists) in the portal: id, name, type (active
    or static), processing status, size, folder, the definition in plain words, and duplicates (same
    name, same definition, similar names). Step 1."""
    action = "nothing was read"
    rt = await runtime(ctx, action)
    return await run(action, take_inventory, rt, include_filters=include_filters, name_contains=name_contains)


async def propose_segments(
    ctx: Context[Any],
    answers: Annotated[
        Answers | None,
        Field(
            description="The interview answers; anything left out takes "
            "the default (core + ICP + engagement; active = email open or "
            "click in 90 days)"
        ),
    ] = None,
    estimate: Annotated[bool, Field(description="Estimate each segment's size with CRM searches")] = True,
) -> ProposeResult:
    """Check prerequisites (ICP tier property, lifecycle stages, industry values, fill rates) and propose
    the plan: per segment its name, type, exact filterBranch, plain-words definition, estimated size and
    action (create, reuse, adopt, merge, move-aside, skip, conflict, needs-input) with the reason. An
    existing list that clashes with an item is a question (conflict) with options, recommended first;
    answer it in answers.choices by item key. Creates nothing."""
    action = "no plan was made"
    rt = await runtime(ctx, action)
    plan = await run(action, propose, rt, answers or Answers(), estimate=estimate)
    return ProposeResult(portal=rt.ref, plan=plan, next_step=_next_step(plan))


def _next_step(plan: Plan) -> str:
    clashes = [i for i in plan.items if i.action == "conflict" and i.clash is not None]
    questions = [i.key for i in plan.items if i.action == "needs-input" or (i.action == "conflict" and i.clash is None)]
    steps = ["Show the plan to the user."]
    if clashes:
        steps.append(
            "Ask the user about each clash with an existing list, showing its options with the recommended one "
            "first: "
            + "; ".join(
                f"{i.key}: {', '.join(o.choice for o in i.clash.options)} (recommended {i.clash.recommended})"
                for i in clashes
                if i.clash is not None
            )
            + ". Put the answers in answers.choices ({item key: choice})."
        )
    if questions:
        steps.append(f"Answer the open questions of {', '.join(questions)} with them.")
    if clashes or questions:
        steps.append(f"Then call {ToolName.PROPOSE_SEGMENTS} again with the updated answers.")
    steps.append(
        f"{'Items without a question can be created now: c' if clashes or questions else 'C'}all "
        f"{ToolName.CREATE_LIST} with plan_id '{plan.plan_id}' and the item keys they confirm."
    )
    return " ".join(steps)


async def count_members(
    ctx: Context[Any],
    list_ids: Annotated[list[ListId] | None, Field(max_length=500, description="Segment (list) ids to count")] = None,
    run_id: Annotated[str | None, Field(description="Count every segment of this create_list run instead")] = None,
    plan_id: Annotated[str | None, Field(description="Compare with this plan's estimates and ranges")] = None,
    wait_seconds: Annotated[int, Field(ge=0, le=900, description="How long to wait for processing")] = 120,
    include_history: Annotated[bool, Field(description="Add size history and the trend (quarterly review)")] = False,
) -> CountReport:
    """Wait for HubSpot to finish processing (progress is reported), then return each segment's size compared
    with the plan's estimate and the catalog's expected range; optionally the size history and trend."""
    action = "nothing was counted"
    rt = await runtime(ctx, action)
    return await run(
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


async def check_exclusivity(
    ctx: Context[Any],
    run_id: Annotated[str | None, Field(description="Check the declared groups among this run's segments")] = None,
    list_ids: Annotated[
        list[ListId] | None, Field(max_length=50, description="Or: check these segment (list) ids pairwise")
    ] = None,
) -> ExclusivityReport:
    """Mutually exclusive segments (Customers vs Competitors, ICP tiers, engagement...) must not overlap:
    pairwise overlap counts with sample offenders; partitions also report contacts in none of them."""
    action = "nothing was checked"
    rt = await runtime(ctx, action)
    return await run(action, check_requested, rt, run_id=run_id, list_ids=list_ids, progress=progress_reporter(ctx))


async def export_library(
    ctx: Context[Any],
    format: Annotated[
        Literal["json", "jsonl"],
        Field(
            description="json: segments as data plus a Markdown table; jsonl: one line per segment in HubSpot Agent "
            "CLI's record shape (id, name, objectTypeId, listType, filterBranch, properties), nothing else"
        ),
    ] = "json",
) -> library.LibraryExport:
    """Every segment this tool created or took over (reused, adopted, merged) in this portal: ids, the name
    each has in HubSpot now with its catalog role beside it, definitions, current sizes, as data and as a
    Markdown table for documentation, or as JSON Lines for HubSpot's Agent CLI and skills."""
    action = "nothing was exported"
    rt = await runtime(ctx, action)
    if format == "jsonl":
        return await run(action, agent_cli_export.export_jsonl, rt)
    return await run(action, library.export_library, rt)


TOOLS = (
    ToolSpec(list_existing_lists, "List existing HubSpot segments", READ, {"name_contains": "Customers"}),
    ToolSpec(
        propose_segments,
        "Propose a segment plan",
        READ,
        {"answers": {"families": ["core", "industries"], "industries": ["Manufacturing"]}},
    ),
    ToolSpec(count_members, "Count segment members", READ, {"list_ids": ["1234", "5678"], "wait_seconds": 120}),
    ToolSpec(check_exclusivity, "Check that exclusive segments do not overlap", READ, {"list_ids": ["1234", "5678"]}),
    ToolSpec(export_library, "Export the segment library", READ, {"format": "json"}),
)
