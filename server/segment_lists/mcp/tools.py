"""The tools. Each is a thin wrapper: arguments in, a workflow call, a pydantic result out.

Blocking portal work runs on worker threads (the SDK is synchronous); write tools pass a server-side
confirmation gate first. Every result names the portal it acted on.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any, Literal

import anyio
import anyio.to_thread
from mcp.server import MCPServer
from mcp.server.mcpserver import Context, ElicitationResult, Resolve
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import BaseModel, Field

from segment_lists.domain.catalog import ExclusivityGroup
from segment_lists.domain.interview import Answers
from segment_lists.domain.plan import Plan
from segment_lists.domain.text import clean
from segment_lists.mcp.errors import tool_errors
from segment_lists.mcp.write_gate import ConfirmWrite, Gate, app_state, ask, gate, will_elicit
from segment_lists.portal import NotFound
from segment_lists.workflow import previews
from segment_lists.workflow.apply import (
    ApplyResult,
    ItemOutcome,
    apply_items,
    competitor_record_ids,
    select_items,
    validate_custom,
)
from segment_lists.workflow.apply import (
    create_list as create_one,
)
from segment_lists.workflow.exclusivity import ExclusivityReport, check_groups
from segment_lists.workflow.inventory import Inventory, take_inventory
from segment_lists.workflow.journal import LibraryEntry
from segment_lists.workflow.proposal import load_plan, propose
from segment_lists.workflow.rollback import (
    DeleteOutcome,
    DeletionCheck,
    RollbackResult,
    check_deletion,
    delete_checked,
)
from segment_lists.workflow.rollback import restore_list as restore_one
from segment_lists.workflow.rollback import rollback_run as rollback
from segment_lists.workflow.runtime import PortalRef, Runtime
from segment_lists.workflow.verify import CountReport
from segment_lists.workflow.verify import count_members as count

READ = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True)
CREATE = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=True)
RESTORE = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=True)
DELETE = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=True)

Status = Literal["done", "confirmation_required", "declined", "refused"]
TokenArg = Annotated[
    str | None,
    Field(
        description="Only for clients without form elicitation: the token from a "
        "previous confirmation_required answer, after the user agreed."
    ),
]


async def _run(rt_fn: Any, *args: Any, **kwargs: Any) -> Any:
    return await anyio.to_thread.run_sync(lambda: rt_fn(*args, **kwargs))


async def _runtime(ctx: Context[Any], action: str) -> Runtime:
    with tool_errors(action):
        return await anyio.to_thread.run_sync(app_state(ctx).runtime)


# --- results ---------------------------------------------------------------------------------------


class ProposeResult(BaseModel):
    portal: PortalRef
    plan: Plan
    next_step: str


class CustomList(BaseModel):
    name: str = Field(min_length=1, max_length=255)
    processing_type: Literal["DYNAMIC", "MANUAL"] = "DYNAMIC"
    filter_branch: dict[str, Any] | None = Field(
        default=None, description="HubSpot Lists v3 filterBranch JSON (root OR, AND groups); required for DYNAMIC"
    )
    record_ids: list[str] = Field(default_factory=list, max_length=10_000, description="MANUAL lists: contact ids")
    competitor_domains: list[str] = Field(
        default_factory=list, description="MANUAL lists: add contacts at these email domains"
    )


class CreateListResult(BaseModel):
    portal: PortalRef
    status: Status
    message: str
    preview: str
    confirmation_token: str | None = None
    run_id: str | None = None
    items: list[ItemOutcome] = Field(default_factory=list)
    reconciled: list[str] = Field(default_factory=list)


class DeleteListResult(BaseModel):
    portal: PortalRef
    status: Status
    message: str
    preview: str = ""
    confirmation_token: str | None = None
    outcome: DeleteOutcome | None = None


class RollbackToolResult(BaseModel):
    portal: PortalRef
    status: Status
    message: str
    preview: str = ""
    confirmation_token: str | None = None
    result: RollbackResult | None = None


class LibraryExport(BaseModel):
    portal: PortalRef
    lists: list[LibraryEntry]
    markdown: str


# --- shared pieces ---------------------------------------------------------------------------------


def _plan_items(rt: Runtime, plan_id: str, items: list[str] | None) -> tuple[Plan, list[Any]]:
    plan = load_plan(rt, plan_id)
    return plan, select_items(plan, items)


def _apply_state(rt: Runtime, plan: Plan, selected: list[Any]) -> dict[str, Any]:
    """What the user confirmed must still hold: the plan, the items, and which planned names are taken."""
    taken = {lst.name.strip().lower() for lst in rt.lists(refresh=True)}
    return {
        "plan": plan.plan_id,
        "items": [i.key for i in selected],
        "taken": sorted(i.name for i in selected if i.name.strip().lower() in taken),
    }


def _custom_preview(rt: Runtime, custom: CustomList) -> tuple[dict[str, Any] | None, str]:
    branch = validate_custom(custom.filter_branch, custom.processing_type)
    description = (
        rt.describe(branch)
        if branch
        else (
            "contacts at " + ", ".join(custom.competitor_domains)
            if custom.competitor_domains
            else "members added by id"
        )
    )
    return branch, previews.custom_preview(rt, custom.name, custom.processing_type, description, len(custom.record_ids))


def _library_markdown(rt: Runtime, entries: list[LibraryEntry], sizes: dict[str, int | None]) -> str:
    lines = ["| List | Id | Type | Members | Definition |", "|---|---|---|---|---|"]
    for entry in entries:
        definition = rt.describe(entry.definition) if entry.definition else "static list"
        kind = "active" if entry.processing_type == "DYNAMIC" else "static"
        size = sizes.get(entry.list_id)
        lines.append(
            f"| {clean(entry.name)} | {entry.list_id} | {kind} | {'' if size is None else size} | {clean(definition)} |"
        )
    return "\n".join(lines)


def library_export(rt: Runtime) -> LibraryExport:
    entries = rt.journal.library(rt.portal_id)
    sizes = (
        {lst.id: lst.size for lst in rt.portal.get_lists([e.list_id for e in entries], include_filters=False)}
        if entries
        else {}
    )
    return LibraryExport(portal=rt.ref, lists=entries, markdown=_library_markdown(rt, entries, sizes))


# --- registration ----------------------------------------------------------------------------------


def _tool(server: MCPServer[Any], *, title: str, annotations: ToolAnnotations) -> Any:
    """`server.tool` with the docstring dedented: the SDK sends it verbatim, indentation and all."""

    def register(fn: Any) -> Any:
        return server.tool(title=title, annotations=annotations, description=inspect.cleandoc(fn.__doc__ or ""))(fn)

    return register


def register_tools(server: MCPServer[Any], *, read_only: bool) -> None:
    register_read_tools(server)
    if not read_only:
        register_write_tools(server)


def register_read_tools(server: MCPServer[Any]) -> None:
    @_tool(server, title="List existing HubSpot lists", annotations=READ)
    async def list_existing_lists(
        ctx: Context[Any],
        name_contains: Annotated[
            str | None, Field(max_length=200, description="Only lists whose name contains this text (case-insensitive)")
        ] = None,
        include_filters: Annotated[bool, Field(description="Also return each active list's filterBranch JSON")] = False,
    ) -> Inventory:
        """Inventory every contact list in the portal: id, name, type, processing status, size, folder, the
        definition in plain words, and duplicates (same name, same definition, similar names). Step 1."""
        rt = await _runtime(ctx, "nothing was read")
        with tool_errors("nothing was read"):
            return await _run(take_inventory, rt, include_filters=include_filters, name_contains=name_contains)

    @_tool(server, title="Propose a segment-list plan", annotations=READ)
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
        estimate: Annotated[bool, Field(description="Estimate each list's size with CRM searches")] = True,
    ) -> ProposeResult:
        """Check prerequisites (ICP tier property, lifecycle stages, industry values, fill rates) and propose
        the plan: per segment its name, type, exact filterBranch, plain-words definition, estimated size and
        action (create, reuse, rename, conflict, needs-input) with the reason. Creates nothing."""
        rt = await _runtime(ctx, "no plan was made")
        with tool_errors("no plan was made"):
            plan = await _run(propose, rt, answers or Answers(), estimate=estimate)
        open_items = [i.key for i in plan.items if i.action in {"needs-input", "conflict"}]
        next_step = (
            "Show the plan to the user. "
            + (
                f"Resolve {', '.join(open_items)} with them first (answer the questions and call "
                "propose_segments again). "
                if open_items
                else ""
            )
            + f"Then call create_list with plan_id '{plan.plan_id}' and the item keys they confirm."
        )
        return ProposeResult(portal=rt.ref, plan=plan, next_step=next_step)

    @_tool(server, title="Count list members", annotations=READ)
    async def count_members(
        ctx: Context[Any],
        list_ids: Annotated[list[str] | None, Field(max_length=500, description="Lists to count")] = None,
        run_id: Annotated[str | None, Field(description="Count every list of this apply run instead")] = None,
        plan_id: Annotated[str | None, Field(description="Compare with this plan's estimates and ranges")] = None,
        wait_seconds: Annotated[int, Field(ge=0, le=900, description="How long to wait for processing")] = 120,
        include_history: Annotated[
            bool, Field(description="Add size history and the trend (quarterly review)")
        ] = False,
    ) -> CountReport:
        """Wait for HubSpot to finish processing (progress is reported), then return each list's size compared
        with the plan's estimate and the catalog's expected range; optionally the size history and trend."""
        rt = await _runtime(ctx, "nothing was counted")
        with tool_errors("nothing was counted"):
            ids = list(list_ids or [])
            if run_id:
                ids += [e.list_id for e in rt.journal.library(rt.portal_id) if e.run_id == run_id]
                if plan_id is None:
                    plan_id = next((r.plan_id for r in rt.journal.runs(rt.portal_id) if r.run_id == run_id), None)
            if not ids:
                raise ToolError("Give list_ids or a run_id (from create_list); nothing was counted.")
            plan = await _run(load_plan, rt, plan_id) if plan_id else None

            def progress(done: float, total: float, message: str) -> None:
                anyio.from_thread.run(ctx.report_progress, done, total, message)

            return await _run(
                count, rt, ids, plan=plan, wait_seconds=wait_seconds, include_history=include_history, progress=progress
            )

    @_tool(server, title="Check that exclusive lists do not overlap", annotations=READ)
    async def check_exclusivity(
        ctx: Context[Any],
        run_id: Annotated[str | None, Field(description="Check the declared groups among this run's lists")] = None,
        list_ids: Annotated[
            list[str] | None, Field(max_length=50, description="Or: check these lists pairwise")
        ] = None,
    ) -> ExclusivityReport:
        """Mutually exclusive lists (Customers vs Competitors, ICP tiers, engagement...) must not overlap:
        pairwise overlap counts with sample offenders; partitions also report contacts in none of the lists."""
        rt = await _runtime(ctx, "nothing was checked")
        with tool_errors("nothing was checked"):
            groups: list[tuple[ExclusivityGroup, dict[str, str]]] = []
            if list_ids:
                ids = list(dict.fromkeys(list_ids))
                groups.append(
                    (
                        ExclusivityGroup(name="given lists", members=ids, description="The lists you named, pairwise."),
                        {i: i for i in ids},
                    )
                )
            if run_id or not list_ids:
                groups += await _run(_run_groups, rt, run_id)
            if not groups:
                raise ToolError(
                    "No exclusivity groups to check: give list_ids, or a run_id whose plan declared "
                    "groups; nothing was checked."
                )
            return await _run(check_groups, rt, groups)

    @_tool(server, title="Export the segment library", annotations=READ)
    async def export_library(ctx: Context[Any]) -> LibraryExport:
        """Every list this tool created or adopted in this portal: ids, names, definitions, current sizes, as
        data and as a Markdown table for documentation."""
        rt = await _runtime(ctx, "nothing was exported")
        with tool_errors("nothing was exported"):
            return await _run(library_export, rt)


def _run_groups(rt: Runtime, run_id: str | None) -> list[tuple[ExclusivityGroup, dict[str, str]]]:
    runs = [r for r in rt.journal.runs(rt.portal_id, "apply") if r.plan_id]
    if run_id is not None:
        runs = [r for r in runs if r.run_id == run_id]
        if not runs:
            raise ToolError(f"No apply run '{run_id}' in this portal's journal; nothing was checked.")
    if not runs:
        return []
    run = runs[-1]
    plan = load_plan(rt, run.plan_id)
    # Every live list of the library that stands for a plan segment (from this run or earlier ones).
    by_key = {e.segment_key: e.list_id for e in rt.journal.library(rt.portal_id) if e.segment_key}
    return [(group, {k: by_key[k] for k in group.members if k in by_key}) for group in plan.groups]


async def ask_create(
    ctx: Context[Any], plan_id: str | None = None, items: list[str] | None = None, custom: CustomList | None = None
) -> Any:
    if not will_elicit(ctx):  # the token path needs no question: spare the portal the preview's calls
        return ask(ctx, None)
    preview = None
    try:
        rt = await anyio.to_thread.run_sync(app_state(ctx).runtime)
        if custom is not None:
            preview = (await _run(_custom_preview, rt, custom))[1]
        elif plan_id is not None:
            plan, selected = await _run(_plan_items, rt, plan_id, items)
            preview = previews.apply_preview(rt, plan, selected)
    except Exception:  # the tool body reports the same problem properly
        preview = None
    return ask(ctx, preview)


async def ask_delete(ctx: Context[Any], list_id: str, force: bool = False, allow_foreign: bool = False) -> Any:
    if not will_elicit(ctx):
        return ask(ctx, None)
    preview = None
    try:
        rt = await anyio.to_thread.run_sync(app_state(ctx).runtime)
        check = await _run(_delete_check, rt, list_id, force, allow_foreign)
        if not check.blockers:
            preview = previews.delete_preview(rt, check.list)
    except Exception:
        preview = None
    return ask(ctx, preview)


async def ask_restore(ctx: Context[Any], list_id: str) -> Any:
    if not will_elicit(ctx):
        return ask(ctx, None)
    try:
        rt = await anyio.to_thread.run_sync(app_state(ctx).runtime)
        live, preview = await _run(_restore_check, rt, list_id)
        return ask(ctx, None if live is not None else preview)
    except Exception:
        return ask(ctx, None)


async def ask_rollback(ctx: Context[Any], run_id: str | None = None, force: bool = False) -> Any:
    if not will_elicit(ctx):
        return ask(ctx, None)
    try:
        rt = await anyio.to_thread.run_sync(app_state(ctx).runtime)
        resolved, lists = await _run(_rollback_targets, rt, run_id)
        return ask(ctx, previews.rollback_preview(rt, resolved, lists) if lists else None)
    except Exception:
        return ask(ctx, None)


def register_write_tools(server: MCPServer[Any]) -> None:

    @_tool(server, title="Create segment lists", annotations=CREATE)
    async def create_list(
        ctx: Context[Any],
        decision: Annotated[ElicitationResult[ConfirmWrite], Resolve(ask_create)],
        plan_id: Annotated[str | None, Field(description="The plan from propose_segments")] = None,
        items: Annotated[
            list[str] | None,
            Field(
                max_length=100,
                description="Plan item keys to create, e.g. "
                "['core.customers']; default: every item whose action is create, "
                "rename or reuse",
            ),
        ] = None,
        custom: Annotated[CustomList | None, Field(description="Instead of a plan: one custom list")] = None,
        competitor_csv: Annotated[
            str | None,
            Field(
                max_length=200_000,
                description="CSV text of competitor emails or domains for the static Competitors list",
            ),
        ] = None,
        confirmation_token: TokenArg = None,
    ) -> CreateListResult:
        """Create the confirmed plan items (or one custom list) in HubSpot, after the user confirms. Journals
        each list before creating it; lists go into the plan's folder with the chosen teams' edit access; the
        static Competitors list is filled from the competitor domains / CSV. Does not wait for processing:
        call count_members next."""
        action = "nothing was created"
        rt = await _runtime(ctx, action)
        if (plan_id is None) == (custom is None):
            raise ToolError(f"Give either plan_id (with optional items) or custom, not both and not neither; {action}.")
        with tool_errors(action):
            if custom is not None:
                branch, preview = await _run(_custom_preview, rt, custom)
                arguments = {"custom": custom.model_dump(mode="json")}
                state = {"name_taken": await _run(rt.portal.get_list_by_name, custom.name) is not None}
            else:
                plan, selected = await _run(_plan_items, rt, plan_id, items)
                preview = previews.apply_preview(rt, plan, selected)
                arguments = {"plan_id": plan_id, "items": [i.key for i in selected], "competitor_csv": competitor_csv}
                state = await _run(_apply_state, rt, plan, selected)
            verdict = await _run(
                gate,
                ctx,
                rt,
                decision,
                tool="create_list",
                arguments=arguments,
                state=state,
                preview=preview,
                token=confirmation_token,
            )
            if verdict.verdict != "go":
                return _not_done(CreateListResult, rt, verdict, preview)
            if custom is not None:
                result = await _run(_create_custom, rt, custom, branch)
            else:
                result = await _run(apply_items, rt, plan, selected, competitor_csv=competitor_csv)
        failed = [i for i in result.items if i.outcome == "failed"]
        message = (
            f"Run {result.run_id}: "
            + ", ".join(f"{i.outcome} {i.name}" for i in result.items)
            + (". Some items failed: see their messages." if failed else ".")
            + " Next: count_members with this run_id, then check_exclusivity."
        )
        return CreateListResult(
            portal=rt.ref,
            status="done",
            message=message,
            preview=preview,
            run_id=result.run_id,
            items=result.items,
            reconciled=result.reconciled,
        )

    @_tool(server, title="Delete a list", annotations=DELETE)
    async def delete_list(
        ctx: Context[Any],
        list_id: Annotated[str, Field(min_length=1, max_length=32, pattern=r"^\d+$", description="The list id")],
        decision: Annotated[ElicitationResult[ConfirmWrite], Resolve(ask_delete)],
        force: Annotated[
            bool,
            Field(
                description="Delete even though workflows, emails or lists use it (or could "
                "not be checked) - only after the user explicitly agrees"
            ),
        ] = False,
        allow_foreign: Annotated[
            bool, Field(description="Delete a list this tool did not create - only after the user explicitly agrees")
        ] = False,
        confirmation_token: TokenArg = None,
    ) -> DeleteListResult:
        """Delete one list after checking that no other list, workflow or marketing email uses it, and after the
        user confirms. Contacts are never deleted; the list can be restored for 90 days (restore_list)."""
        action = "nothing was deleted"
        rt = await _runtime(ctx, action)
        with tool_errors(action):
            try:
                check = await _run(_delete_check, rt, list_id, force, allow_foreign)
            except NotFound:
                # Deleting what this tool already deleted is a harmless repeat; any other missing id is
                # most likely a wrong id, and "done" would let the model tell the user it was deleted.
                entry = rt.journal.created_by_tool(rt.portal_id, list_id)
                if entry is None or entry.deleted_at is None:
                    raise ToolError(
                        f"List {list_id} does not exist (or was deleted outside this tool); {action}. "
                        "Call list_existing_lists for valid list ids."
                    ) from None
                return DeleteListResult(
                    portal=rt.ref,
                    status="done",
                    message=f"List {list_id} ('{clean(entry.name)}') is already deleted; nothing was deleted. "
                    "restore_list can bring it back within 90 days.",
                )
            if check.blockers:
                return DeleteListResult(
                    portal=rt.ref, status="refused", message="Nothing was deleted: " + " Also: ".join(check.blockers)
                )
            lst = check.list
            preview = previews.delete_preview(rt, lst)
            state = {"updated_at": str(lst.updated_at), "size": lst.size}
            verdict = await _run(
                gate,
                ctx,
                rt,
                decision,
                tool="delete_list",
                arguments={"list_id": list_id, "force": force, "allow_foreign": allow_foreign},
                state=state,
                preview=preview,
                token=confirmation_token,
            )
            if verdict.verdict != "go":
                return _not_done(DeleteListResult, rt, verdict, preview)
            # The check above ran after the user's answer: delete without checking a third time.
            outcome = await _run(delete_checked, rt, check)
        status: Status = "done" if outcome.outcome in {"deleted", "already-deleted"} else "refused"
        return DeleteListResult(portal=rt.ref, status=status, message=outcome.message, preview=preview, outcome=outcome)

    @_tool(server, title="Restore a deleted list", annotations=RESTORE)
    async def restore_list(
        ctx: Context[Any],
        list_id: Annotated[str, Field(min_length=1, max_length=32, pattern=r"^\d+$")],
        decision: Annotated[ElicitationResult[ConfirmWrite], Resolve(ask_restore)],
        confirmation_token: TokenArg = None,
    ) -> DeleteListResult:
        """Restore a list deleted within the last 90 days, after the user confirms."""
        action = "nothing was restored"
        rt = await _runtime(ctx, action)
        with tool_errors(action):
            live, preview = await _run(_restore_check, rt, list_id)
            if live is not None:
                return DeleteListResult(
                    portal=rt.ref,
                    status="done",
                    message=f"List {list_id} ('{clean(live.name)}') is not deleted; nothing was restored.",
                )
            verdict = await _run(
                gate,
                ctx,
                rt,
                decision,
                tool="restore_list",
                arguments={"list_id": list_id},
                state={"list_id": list_id},
                preview=preview,
                token=confirmation_token,
            )
            if verdict.verdict != "go":
                return _not_done(DeleteListResult, rt, verdict, preview)
            try:
                outcome = await _run(restore_one, rt, list_id)
            except NotFound:
                raise ToolError(
                    f"HubSpot has no deleted list {list_id} to restore (deleted lists can be restored for 90 "
                    f"days); {action}. export_library shows the lists this tool made, with their ids."
                ) from None
        return DeleteListResult(portal=rt.ref, status="done", message=outcome.message, preview=preview, outcome=outcome)

    @_tool(server, title="Roll back a run", annotations=DELETE)
    async def rollback_run(
        ctx: Context[Any],
        decision: Annotated[ElicitationResult[ConfirmWrite], Resolve(ask_rollback)],
        run_id: Annotated[str | None, Field(description="The create_list run to undo (default: the latest)")] = None,
        force: Annotated[
            bool, Field(description="Delete even lists that something uses - only after the user explicitly agrees")
        ] = False,
        confirmation_token: TokenArg = None,
    ) -> RollbackToolResult:
        """Undo a create_list run: delete every list it created (never lists it reused), each after the
        dependency check, once the user confirms. Contacts are never deleted; lists can be restored."""
        action = "nothing was deleted"
        rt = await _runtime(ctx, action)
        with tool_errors(action):
            resolved, lists = await _run(_rollback_targets, rt, run_id)
            if not lists:
                return RollbackToolResult(
                    portal=rt.ref,
                    status="done",
                    message=f"Run {resolved} has no lists left to delete; nothing was deleted.",
                )
            preview = previews.rollback_preview(rt, resolved, lists)
            state = {"lists": sorted((lst.id, str(lst.updated_at)) for lst in lists)}
            verdict = await _run(
                gate,
                ctx,
                rt,
                decision,
                tool="rollback_run",
                arguments={"run_id": resolved, "force": force},
                state=state,
                preview=preview,
                token=confirmation_token,
            )
            if verdict.verdict != "go":
                return _not_done(RollbackToolResult, rt, verdict, preview)
            result = await _run(rollback, rt, resolved, force=force)
        refused = [o for o in result.outcomes if o.outcome == "refused"]
        message = f"Deleted {sum(o.outcome == 'deleted' for o in result.outcomes)} list(s) of run {resolved}." + (
            f" {len(refused)} refused: see their messages." if refused else ""
        )
        return RollbackToolResult(portal=rt.ref, status="done", message=message, preview=preview, result=result)


def _not_done(model: type[Any], rt: Runtime, verdict: Gate, preview: str) -> Any:
    return model(
        portal=rt.ref,
        status=verdict.verdict,
        message=verdict.message,
        preview=preview,
        confirmation_token=verdict.confirmation_token,
    )


def _delete_check(rt: Runtime, list_id: str, force: bool, allow_foreign: bool) -> DeletionCheck:
    return check_deletion(rt, list_id, force=force, allow_foreign=allow_foreign)


def _restore_check(rt: Runtime, list_id: str) -> tuple[Any, str]:
    """The list if it is live (nothing to restore), and the preview. HubSpot cannot list deleted
    lists, so an id that is neither live nor in the journal is only found out by the restore itself."""
    try:
        lst = rt.portal.get_list(list_id, include_filters=False)
        if lst.deleted_at is None:
            return lst, ""
    except NotFound:
        pass
    entry = rt.journal.created_by_tool(rt.portal_id, list_id)
    what = f"'{clean(entry.name)}' (id {list_id})" if entry is not None else list_id
    return None, f"In {previews.where(rt)}: restore the deleted list {what}."


def _rollback_targets(rt: Runtime, run_id: str | None) -> tuple[str, list[Any]]:
    runs = rt.journal.runs(rt.portal_id, "apply")
    if run_id is None:
        if not runs:
            raise ToolError("This portal's journal has no create_list run to roll back; nothing was deleted.")
        run_id = runs[-1].run_id
    elif run_id not in {r.run_id for r in runs}:
        raise ToolError(f"No create_list run '{run_id}' in this portal's journal; nothing was deleted.")
    ids = [e.list_id for e in rt.journal.library(rt.portal_id) if e.run_id == run_id and e.origin == "created"]
    return run_id, rt.portal.get_lists(ids, include_filters=False) if ids else []


def _create_custom(rt: Runtime, custom: CustomList, branch: dict[str, Any] | None) -> ApplyResult:
    run_id = rt.journal.start_run(rt.portal_id, "apply")
    list_id = create_one(
        rt, run_id, custom.name, processing_type=custom.processing_type, filter_branch=branch, segment_key=None
    )
    added = None
    if custom.processing_type == "MANUAL":
        ids = list(dict.fromkeys([*custom.record_ids, *competitor_record_ids(rt, custom.competitor_domains, [])]))
        added = 0
        for start in range(0, len(ids), 500):
            action = rt.journal.intend(run_id, rt.portal_id, "add_members", list_id=list_id, list_name=custom.name)
            change = rt.portal.add_members(list_id, ids[start : start + 500])
            rt.journal.settle(action, "ok")
            added += len(change.added)
    rt.journal.finish_run(run_id, "ok")
    rt.lists_changed()
    return ApplyResult(
        portal=rt.ref,
        run_id=run_id,
        plan_id=None,
        items=[
            ItemOutcome(
                key="custom",
                name=custom.name,
                outcome="created",
                list_id=list_id,
                members_added=added,
                message="created",
            )
        ],
    )
