"""The write tools: create, delete, restore, roll back. Each: the workflow prepares the write (what it
does, in words, and what binds a confirmation), the gate asks the user, the workflow carries it out.
The `ask_*` resolvers let a client with form elicitation ask before the tool body runs."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context, ElicitationResult, Resolve
from mcp.types import CallToolResult
from pydantic import Field

from segment_lists.boundary.ids import ListId
from segment_lists.mcp.results import (
    CreateView,
    DeleteView,
    RollbackView,
    created,
    deleted,
    not_done,
    rolled_back,
    write_answer,
)
from segment_lists.mcp.tool_support import CREATE, DELETE, RESTORE, Status, TokenArg, ToolSpec, run, runtime
from segment_lists.mcp.write_gate import ConfirmWrite, ask_about, gate
from segment_lists.workflow.custom_list import CustomList
from segment_lists.workflow.runtime import Runtime
from segment_lists.workflow.write_requests import (
    WriteRequest,
    prepare_create,
    prepare_delete,
    prepare_restore,
    prepare_rollback,
)


async def ask_create(
    ctx: Context[Any],
    plan_id: str | None = None,
    items: list[str] | None = None,
    custom: CustomList | None = None,
    competitor_csv: str | None = None,
) -> Any:
    # Every argument the write takes: the dialog must show what the CSV adds, as the token path does.
    return await ask_about(
        ctx, prepare_create, plan_id=plan_id, items=items, custom=custom, competitor_csv=competitor_csv
    )


async def ask_delete(ctx: Context[Any], list_id: str, force: bool = False, allow_foreign: bool = False) -> Any:
    return await ask_about(ctx, prepare_delete, list_id, force=force, allow_foreign=allow_foreign)


async def ask_restore(ctx: Context[Any], list_id: str) -> Any:
    return await ask_about(ctx, prepare_restore, list_id)


async def ask_rollback(ctx: Context[Any], run_id: str | None = None, force: bool = False) -> Any:
    return await ask_about(ctx, prepare_rollback, run_id, force=force)


async def _unless_confirmed(
    ctx: Context[Any],
    rt: Runtime,
    action: str,
    model: type[Any],
    decision: Any,
    request: WriteRequest,
    token: str | None,
) -> Any:
    """The answer when the write does not happen now (nothing to do, refused, waiting for or denied
    the user's confirmation); None once the user confirmed it."""
    if request.done is not None:
        return write_answer(model(portal=rt.ref, status="done", message=request.done))
    if request.refused is not None:
        return write_answer(model(portal=rt.ref, status="refused", message=request.refused))
    verdict = await run(action, gate, ctx, rt, decision, request, token)
    return None if verdict.verdict == "go" else not_done(model, rt.ref, verdict, request.preview)


async def create_list(
    ctx: Context[Any],
    decision: Annotated[ElicitationResult[ConfirmWrite], Resolve(ask_create)],
    plan_id: Annotated[str | None, Field(description="From propose_segments")] = None,
    items: Annotated[
        list[str] | None,
        Field(max_length=100, description="Item keys to apply (default: every item without a question)"),
    ] = None,
    custom: Annotated[CustomList | None, Field(description="Instead of a plan: one custom segment")] = None,
    competitor_csv: Annotated[
        str | None, Field(max_length=200_000, description="CSV of competitor emails or domains")
    ] = None,
    confirmation_token: TokenArg = None,
) -> Annotated[CallToolResult, CreateView]:
    """Step 3: apply plan items (or one custom segment) in HubSpot once the user confirms: create, or
    reuse, adopt, merge or move aside existing lists as answered. Every write is journaled and can be
    rolled back. Next: count_members."""
    action = "nothing was created"
    rt = await runtime(ctx, action)
    request = await run(
        action, prepare_create, rt, plan_id=plan_id, items=items, custom=custom, competitor_csv=competitor_csv
    )
    if (
        answer := await _unless_confirmed(ctx, rt, action, CreateView, decision, request, confirmation_token)
    ) is not None:
        return answer
    result = await run(action, request.carry_out, rt)
    return created(rt.ref, result)


async def delete_list(
    ctx: Context[Any],
    list_id: Annotated[ListId, Field(description="The segment's id (its list id)")],
    decision: Annotated[ElicitationResult[ConfirmWrite], Resolve(ask_delete)],
    force: Annotated[bool, Field(description="Even if something uses it; only if the user agrees")] = False,
    allow_foreign: Annotated[
        bool, Field(description="Even if this tool did not make it; only if the user agrees")
    ] = False,
    confirmation_token: TokenArg = None,
) -> Annotated[CallToolResult, DeleteView]:
    """Delete one segment once the user confirms, after checking that no segment, workflow or email uses
    it. Contacts stay; restore_list brings it back within 90 days."""
    action = "nothing was deleted"
    rt = await runtime(ctx, action)
    request = await run(action, prepare_delete, rt, list_id, force=force, allow_foreign=allow_foreign)
    if (
        answer := await _unless_confirmed(ctx, rt, action, DeleteView, decision, request, confirmation_token)
    ) is not None:
        return answer
    outcome = await run(action, request.carry_out, rt)
    status: Status = "done" if outcome.outcome in {"deleted", "already-deleted"} else "refused"
    return deleted(rt.ref, status, outcome)


async def restore_list(
    ctx: Context[Any],
    list_id: Annotated[ListId, Field(description="The id of the deleted list")],
    decision: Annotated[ElicitationResult[ConfirmWrite], Resolve(ask_restore)],
    confirmation_token: TokenArg = None,
) -> Annotated[CallToolResult, DeleteView]:
    """Restore a segment deleted within the last 90 days, after the user confirms."""
    action = "nothing was restored"
    rt = await runtime(ctx, action)
    request = await run(action, prepare_restore, rt, list_id)
    if (
        answer := await _unless_confirmed(ctx, rt, action, DeleteView, decision, request, confirmation_token)
    ) is not None:
        return answer
    outcome = await run(action, request.carry_out, rt)
    return deleted(rt.ref, "done", outcome)


async def rollback_run(
    ctx: Context[Any],
    decision: Annotated[ElicitationResult[ConfirmWrite], Resolve(ask_rollback)],
    run_id: Annotated[
        str | None, Field(description="The create_list run (default: the latest, with its plan's other runs)")
    ] = None,
    force: Annotated[bool, Field(description="Even segments something uses; only if the user agrees")] = False,
    confirmation_token: TokenArg = None,
) -> Annotated[CallToolResult, RollbackView]:
    """Undo a create_list run once the user confirms: delete the segments it created (after the
    dependency check) and give renamed or merged ones their old name and filters back."""
    action = "nothing was deleted"
    rt = await runtime(ctx, action)
    request = await run(action, prepare_rollback, rt, run_id, force=force)
    if (
        answer := await _unless_confirmed(ctx, rt, action, RollbackView, decision, request, confirmation_token)
    ) is not None:
        return answer
    result = await run(action, request.carry_out, rt)
    return rolled_back(rt.ref, result)


TOOLS = (
    ToolSpec(
        create_list,
        "Create segments",
        CREATE,
        {"plan_id": "<plan_id from propose_segments>", "items": ["core.customers", "icp.tier_1"]},
    ),
    ToolSpec(delete_list, "Delete a segment", DELETE, {"list_id": "1234"}),
    ToolSpec(restore_list, "Restore a deleted segment", RESTORE, {"list_id": "1234"}),
    ToolSpec(rollback_run, "Roll back a run", DELETE, {"run_id": "<run_id from create_list>"}),
)
