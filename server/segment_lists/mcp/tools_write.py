"""The write tools: create, delete, restore, roll back. Each: the workflow prepares the write (what it
does, in words, and what binds a confirmation), the gate asks the user, the workflow carries it out.
The `ask_*` resolvers let a client with form elicitation ask before the tool body runs."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context, ElicitationResult, Resolve
from pydantic import Field

from segment_lists.boundary.ids import ListId
from segment_lists.boundary.text import counted
from segment_lists.mcp.results import CreateListResult, DeleteListResult, RollbackToolResult, not_done
from segment_lists.mcp.tool_support import CREATE, DELETE, RESTORE, Status, TokenArg, ToolSpec, run, runtime
from segment_lists.mcp.write_gate import ConfirmWrite, ask_about, gate
from segment_lists.workflow.custom_list import CustomList
from segment_lists.workflow.runtime import Runtime
from segment_lists.workflow.tool_names import ToolName
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
        return model(portal=rt.ref, status="done", message=request.done)
    if request.refused is not None:
        return model(portal=rt.ref, status="refused", message=request.refused)
    verdict = await run(action, gate, ctx, rt, decision, request, token)
    return None if verdict.verdict == "go" else not_done(model, rt.ref, verdict, request.preview)


async def create_list(
    ctx: Context[Any],
    decision: Annotated[ElicitationResult[ConfirmWrite], Resolve(ask_create)],
    plan_id: Annotated[str | None, Field(description="The plan from propose_segments")] = None,
    items: Annotated[
        list[str] | None,
        Field(
            max_length=100,
            description="Plan item keys to apply, e.g. "
            "['core.customers']; default: every item whose action is create, "
            "reuse, adopt, merge or move-aside",
        ),
    ] = None,
    custom: Annotated[CustomList | None, Field(description="Instead of a plan: one custom segment")] = None,
    competitor_csv: Annotated[
        str | None,
        Field(
            max_length=200_000,
            description="CSV text of competitor emails or domains for the static Competitors segment",
        ),
    ] = None,
    confirmation_token: TokenArg = None,
) -> CreateListResult:
    """Apply the confirmed plan items (or create one custom segment) in HubSpot, after the user confirms:
    create new segments, and reuse, adopt (rename), merge (replace the filters, same id) or move aside
    (rename, then create) existing segments as the user chose. Journals each write before making it (with
    the segment's previous name and filters); new segments go into the plan's folder with the chosen teams'
    edit access; the static Competitors segment is filled from the competitor domains / CSV. Does not wait
    for processing: call count_members next."""
    action = "nothing was created"
    rt = await runtime(ctx, action)
    request = await run(
        action, prepare_create, rt, plan_id=plan_id, items=items, custom=custom, competitor_csv=competitor_csv
    )
    if (
        answer := await _unless_confirmed(ctx, rt, action, CreateListResult, decision, request, confirmation_token)
    ) is not None:
        return answer
    result = await run(action, request.carry_out, rt)
    failed = [i for i in result.items if i.outcome == "failed"]
    message = (
        f"Run {result.run_id}: "
        + ", ".join(f"{i.outcome} {i.name}" for i in result.items)
        + (". Some items failed: see their messages." if failed else ".")
        + f" Next: {ToolName.COUNT_MEMBERS} with this run_id, then {ToolName.CHECK_EXCLUSIVITY}."
    )
    return CreateListResult(
        portal=rt.ref,
        status="done",
        message=message,
        preview=request.preview,
        run_id=result.run_id,
        items=result.items,
        reconciled=result.reconciled,
    )


async def delete_list(
    ctx: Context[Any],
    list_id: Annotated[ListId, Field(description="The segment's id (its list id)")],
    decision: Annotated[ElicitationResult[ConfirmWrite], Resolve(ask_delete)],
    force: Annotated[
        bool,
        Field(
            description="Delete even though workflows, emails or other segments use it (or could "
            "not be checked) - only after the user explicitly agrees"
        ),
    ] = False,
    allow_foreign: Annotated[
        bool, Field(description="Delete a segment this tool did not create - only after the user explicitly agrees")
    ] = False,
    confirmation_token: TokenArg = None,
) -> DeleteListResult:
    """Delete one segment after checking that no other segment, workflow or marketing email uses it, and after
    the user confirms. Contacts are never deleted; the segment can be restored for 90 days (restore_list)."""
    action = "nothing was deleted"
    rt = await runtime(ctx, action)
    request = await run(action, prepare_delete, rt, list_id, force=force, allow_foreign=allow_foreign)
    if (
        answer := await _unless_confirmed(ctx, rt, action, DeleteListResult, decision, request, confirmation_token)
    ) is not None:
        return answer
    outcome = await run(action, request.carry_out, rt)
    status: Status = "done" if outcome.outcome in {"deleted", "already-deleted"} else "refused"
    return DeleteListResult(
        portal=rt.ref, status=status, message=outcome.message, preview=request.preview, outcome=outcome
    )


async def restore_list(
    ctx: Context[Any],
    list_id: Annotated[ListId, Field(description="The id of the deleted list")],
    decision: Annotated[ElicitationResult[ConfirmWrite], Resolve(ask_restore)],
    confirmation_token: TokenArg = None,
) -> DeleteListResult:
    """Restore a segment deleted within the last 90 days, after the user confirms."""
    action = "nothing was restored"
    rt = await runtime(ctx, action)
    request = await run(action, prepare_restore, rt, list_id)
    if (
        answer := await _unless_confirmed(ctx, rt, action, DeleteListResult, decision, request, confirmation_token)
    ) is not None:
        return answer
    outcome = await run(action, request.carry_out, rt)
    return DeleteListResult(
        portal=rt.ref, status="done", message=outcome.message, preview=request.preview, outcome=outcome
    )


async def rollback_run(
    ctx: Context[Any],
    decision: Annotated[ElicitationResult[ConfirmWrite], Resolve(ask_rollback)],
    run_id: Annotated[
        str | None,
        Field(description="The create_list run to undo (default: the latest, with the other runs of its plan)"),
    ] = None,
    force: Annotated[
        bool, Field(description="Delete even segments that something uses - only after the user explicitly agrees")
    ] = False,
    confirmation_token: TokenArg = None,
) -> RollbackToolResult:
    """Undo a create_list run, once the user confirms: delete every segment it created (never ones it
    reused), each after the dependency check, and give every segment it renamed or merged its previous
    name and filters back. Contacts are never deleted; deleted segments can be restored."""
    action = "nothing was deleted"
    rt = await runtime(ctx, action)
    request = await run(action, prepare_rollback, rt, run_id, force=force)
    if (
        answer := await _unless_confirmed(ctx, rt, action, RollbackToolResult, decision, request, confirmation_token)
    ) is not None:
        return answer
    result = await run(action, request.carry_out, rt)
    refused = [o for o in result.outcomes if o.outcome == "refused"]
    runs = f"run {result.run_id}" if len(result.run_ids) <= 1 else f"runs {', '.join(result.run_ids)}"
    restored = [r for r in result.restored if r.outcome in {"name-restored", "filters-restored"}]
    unrestored = [r for r in result.restored if r.outcome in {"failed", "left-as-is"}]
    message = (
        f"Deleted {counted(sum(o.outcome == 'deleted' for o in result.outcomes), 'list')} of {runs}."
        + (f" {len(refused)} refused: see their messages." if refused else "")
        + (f" Restored: {'; '.join(r.message for r in restored)}." if restored else "")
        + (f" Not restored: {'; '.join(r.message for r in unrestored)}." if unrestored else "")
        + (
            f" Removed the empty {'folder' if len(result.folders_removed) == 1 else 'folders'} "
            f"{', '.join(result.folders_removed)}."
            if result.folders_removed
            else ""
        )
    )
    return RollbackToolResult(portal=rt.ref, status="done", message=message, preview=request.preview, result=result)


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
