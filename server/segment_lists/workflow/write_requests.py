"""Every write as the user must confirm it, prepared the same way for both faces.

`prepare_*` reads what the write needs, and returns a request: the preview the user reads, the
canonical arguments and the portal state a confirmation token is bound to (so a token confirms exactly
this write on exactly this state), and `carry_out`, which does the write. Or it says why there is
nothing to confirm: `done` (nothing to do, e.g. the list is already deleted) or `refused` (it must not
be done, e.g. a workflow uses the list). Asking the user, through a dialog, a token or a terminal
prompt, is the face's part; it happens between `prepare_*` and `carry_out`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from segment_lists.domain.plan import Plan, PlanItem
from segment_lists.domain.text import clean
from segment_lists.filters import definition_key
from segment_lists.portal import NotFound
from segment_lists.portal.models import HubSpotList
from segment_lists.workflow import previews
from segment_lists.workflow.apply import ApplyResult, apply_items, select_items
from segment_lists.workflow.clash_evidence import dependents_of
from segment_lists.workflow.custom_list import CustomList, create_custom_list, describe_custom, validate_custom
from segment_lists.workflow.failures import InvalidRequest, ListNotFound, NothingToRestore
from segment_lists.workflow.list_changes import Restoration
from segment_lists.workflow.proposal import load_plan
from segment_lists.workflow.rollback import (
    DeleteOutcome,
    DeletionCheck,
    RollbackResult,
    check_deletion,
    delete_checked,
    restore_list,
    rollback_run,
    rollback_targets,
)
from segment_lists.workflow.runtime import Runtime
from segment_lists.workflow.tool_names import ToolName


@dataclass(kw_only=True)
class WriteRequest:
    tool: ToolName  # the write, as the confirmation names it
    arguments: dict[str, Any] = field(default_factory=dict)  # canonical: what the user agreed to...
    state: Any = None  # ...and what must still hold in the portal when it is carried out
    preview: str = ""  # what the user reads, word for word
    done: str | None = None  # nothing to do (and nothing to confirm): says why
    refused: str | None = None  # must not be done: says why and what to do

    @property
    def needs_confirmation(self) -> bool:
        return self.done is None and self.refused is None


# --- create: plan items, or one custom list --------------------------------------------------------


@dataclass(kw_only=True)
class ApplyRequest(WriteRequest):
    plan: Plan
    items: list[PlanItem]
    competitor_csv: str | None = None

    def carry_out(self, rt: Runtime) -> ApplyResult:
        return apply_items(rt, self.plan, self.items, competitor_csv=self.competitor_csv)


@dataclass(kw_only=True)
class CustomListRequest(WriteRequest):
    custom: CustomList
    branch: dict[str, Any] | None

    def carry_out(self, rt: Runtime) -> ApplyResult:
        return create_custom_list(rt, self.custom, self.branch)


def prepare_apply(
    rt: Runtime, plan: Plan, keys: Sequence[str] | None, *, competitor_csv: str | None = None
) -> ApplyRequest:
    """Plan items to create or adopt (every applicable one when `keys` is None)."""
    selected = select_items(plan, keys)
    # What the user confirmed must still hold: the plan, the items, which planned names are taken, and
    # the existing lists the items rename or re-filter, as they are now.
    taken = {lst.name.strip().lower() for lst in rt.lists(refresh=True)}
    touched = sorted(
        {
            str(i.existing_list_id)
            for i in selected
            if i.action in {"adopt", "merge", "move-aside"} and i.existing_list_id
        }
    )
    existing = {lst.id: lst for lst in rt.portal.get_lists(touched, include_filters=True)} if touched else {}
    # A merge changes who a workflow or an email reaches: who uses the list is checked now, for the preview.
    merged = [str(i.existing_list_id) for i in selected if i.action == "merge" and i.existing_list_id]
    state = {
        "plan": plan.plan_id,
        "items": [item.key for item in selected],
        "taken": sorted(item.name for item in selected if item.name.strip().lower() in taken),
        "existing": sorted(
            (lst.id, lst.name, definition_key(lst.filter_branch) if lst.filter_branch else "")
            for lst in existing.values()
        ),
    }
    return ApplyRequest(
        tool=ToolName.CREATE_LIST,
        arguments={"plan_id": plan.plan_id, "items": [item.key for item in selected], "competitor_csv": competitor_csv},
        state=state,
        preview=previews.apply_preview(rt, plan, selected, existing, dependents_of(rt, merged)),
        plan=plan,
        items=selected,
        competitor_csv=competitor_csv,
    )


def prepare_custom(rt: Runtime, custom: CustomList) -> CustomListRequest:
    branch = validate_custom(custom.filter_branch, custom.processing_type)
    preview = previews.custom_preview(
        rt, custom.name, custom.processing_type, describe_custom(rt, custom, branch), len(custom.record_ids)
    )
    return CustomListRequest(
        tool=ToolName.CREATE_LIST,
        arguments={"custom": custom.model_dump(mode="json")},
        state={"name_taken": rt.portal.get_list_by_name(custom.name) is not None},
        preview=preview,
        custom=custom,
        branch=branch,
    )


def prepare_create(
    rt: Runtime,
    *,
    plan_id: str | None = None,
    items: Sequence[str] | None = None,
    custom: CustomList | None = None,
    competitor_csv: str | None = None,
) -> ApplyRequest | CustomListRequest:
    """create_list's request: items of a saved plan, or one custom list."""
    if (plan_id is None) == (custom is None):
        raise InvalidRequest("Give either plan_id (with optional items) or custom, not both and not neither")
    if custom is not None:
        return prepare_custom(rt, custom)
    assert plan_id is not None
    return prepare_apply(rt, load_plan(rt, plan_id), items, competitor_csv=competitor_csv)


# --- delete, restore, roll back ----------------------------------------------------------------------


@dataclass(kw_only=True)
class DeleteRequest(WriteRequest):
    check: DeletionCheck | None = None

    def carry_out(self, rt: Runtime) -> DeleteOutcome:
        # The check ran after the user's answer (prepare runs again on the confirmed call): delete
        # without checking a third time.
        assert self.check is not None
        return delete_checked(rt, self.check)


def prepare_delete(rt: Runtime, list_id: str, *, force: bool = False, allow_foreign: bool = False) -> DeleteRequest:
    request = DeleteRequest(
        tool=ToolName.DELETE_LIST, arguments={"list_id": list_id, "force": force, "allow_foreign": allow_foreign}
    )
    try:
        check = check_deletion(rt, list_id, force=force, allow_foreign=allow_foreign)
    except NotFound:
        # Deleting what this tool already deleted is a harmless repeat; any other missing id is most
        # likely a wrong id, and "done" would let the model tell the user it was deleted.
        entry = rt.journal.created_by_tool(rt.portal_id, list_id)
        if entry is None or entry.deleted_at is None:
            raise ListNotFound(f"List {list_id} does not exist (or was deleted outside this tool)") from None
        request.done = (
            f"List {list_id} ('{clean(entry.name)}') is already deleted; nothing was deleted. "
            f"{ToolName.RESTORE_LIST} can bring it back within 90 days."
        )
        return request
    if check.blockers:
        request.refused = "Nothing was deleted: " + " Also: ".join(check.blockers)
        return request
    request.check = check
    request.state = {"updated_at": str(check.list.updated_at), "size": check.list.size}
    request.preview = previews.delete_preview(rt, check.list)
    return request


@dataclass(kw_only=True)
class RestoreRequest(WriteRequest):
    list_id: str

    def carry_out(self, rt: Runtime) -> DeleteOutcome:
        try:
            return restore_list(rt, self.list_id)
        except NotFound:
            raise NothingToRestore(
                f"HubSpot has no deleted list {self.list_id} to restore (deleted lists can be restored for 90 days)"
            ) from None


def prepare_restore(rt: Runtime, list_id: str) -> RestoreRequest:
    """HubSpot cannot list deleted lists, so an id that is neither live nor in the journal is only
    found out by the restore itself."""
    request = RestoreRequest(
        tool=ToolName.RESTORE_LIST, arguments={"list_id": list_id}, state={"list_id": list_id}, list_id=list_id
    )
    try:
        live = rt.portal.get_list(list_id, include_filters=False)
        if live.deleted_at is None:
            request.done = f"List {list_id} ('{clean(live.name)}') is not deleted; nothing was restored."
            return request
    except NotFound:
        pass
    entry = rt.journal.created_by_tool(rt.portal_id, list_id)
    request.preview = previews.restore_preview(rt, list_id, entry.name if entry is not None else None)
    return request


@dataclass(kw_only=True)
class RollbackRequest(WriteRequest):
    run_id: str
    force: bool = False
    lists: list[HubSpotList] = field(default_factory=list)
    restorations: list[Restoration] = field(default_factory=list)

    def carry_out(self, rt: Runtime) -> RollbackResult:
        return rollback_run(rt, self.run_id, force=self.force)


def prepare_rollback(rt: Runtime, run_id: str | None, *, force: bool = False) -> RollbackRequest:
    """Undo an apply run (the latest when None): delete the lists it created that still exist, and give
    the lists it renamed or re-filtered their previous names and filters back."""
    resolved, lists, undo = rollback_targets(rt, run_id)
    request = RollbackRequest(
        tool=ToolName.ROLLBACK_RUN,
        arguments={"run_id": resolved, "force": force},
        state={
            "lists": sorted((lst.id, str(lst.updated_at)) for lst in lists),
            "restore": [(r.action_id, r.state, r.name) for r in undo],
        },
        run_id=resolved,
        force=force,
        lists=lists,
        restorations=undo,
    )
    if not lists and not any(r.state == "to-restore" for r in undo):
        kept = [r.message for r in undo if r.state == "changed-since"]
        request.done = f"Run {resolved} has no lists left to delete or restore; nothing was deleted or restored." + (
            f" Left as they are: {'; '.join(kept)}." if kept else ""
        )
    else:
        request.preview = previews.rollback_preview(rt, resolved, lists, undo)
    return request
