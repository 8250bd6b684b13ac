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

from segment_lists.boundary.ids import checked_list_id
from segment_lists.boundary.text import counted, quoted
from segment_lists.domain.plan import Plan, PlanItem
from segment_lists.filters import definition_key
from segment_lists.portal import NotFound
from segment_lists.portal.models import HubSpotList
from segment_lists.workflow import previews
from segment_lists.workflow.apply import ApplyResult, apply_items, planned_additions, select_items, static_target
from segment_lists.workflow.clash_evidence import dependents_of
from segment_lists.workflow.custom_list import (
    CustomList,
    create_custom_list,
    custom_additions,
    describe_custom,
    validate_custom,
)
from segment_lists.workflow.dependencies import find_dependents
from segment_lists.workflow.exclusivity import (
    ExclusivityReport,
    GroupLists,
    check_groups,
    requested_groups,
    temporary_outlook,
)
from segment_lists.workflow.failures import InvalidRequest, ListNotFound, NothingToRestore
from segment_lists.workflow.list_changes import Restoration
from segment_lists.workflow.next_steps import Step
from segment_lists.workflow.processing import Progress
from segment_lists.workflow.proposal import load_plan
from segment_lists.workflow.rollback import (
    DeleteOutcome,
    DeletionCheck,
    RollbackResult,
    check_deletion,
    delete_checked,
    deletion_blockers,
    folders_created,
    restore_list,
    rollback_runs,
    rollback_targets,
)
from segment_lists.workflow.runtime import Runtime
from segment_lists.workflow.static_members import StaticAdds
from segment_lists.workflow.temporary_lists import list_headroom
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
    additions: dict[str, StaticAdds] = field(default_factory=dict)  # static item key -> what it gains

    def carry_out(self, rt: Runtime) -> ApplyResult:
        # Exactly the contacts the user confirmed (the token also bound them, through the state).
        members = {key: adds.record_ids for key, adds in self.additions.items()}
        return apply_items(rt, self.plan, self.items, competitor_csv=self.competitor_csv, static_members=members)


@dataclass(kw_only=True)
class CustomListRequest(WriteRequest):
    custom: CustomList
    branch: dict[str, Any] | None
    additions: StaticAdds | None = None

    def carry_out(self, rt: Runtime) -> ApplyResult:
        members = self.additions.record_ids if self.additions is not None else None
        return create_custom_list(rt, self.custom, self.branch, members)


def prepare_apply(
    rt: Runtime, plan: Plan, keys: Sequence[str] | None, *, competitor_csv: str | None = None
) -> ApplyRequest:
    """Plan items to create or adopt (every applicable one when `keys` is None)."""
    selected = select_items(plan, keys, next_steps=rt.next_steps)
    additions = {
        item.key: adds
        for item in selected
        if (adds := planned_additions(rt, item, static_target(rt, item), competitor_csv)) is not None
    }
    # What the user confirmed must still hold: the plan, the items, which planned names are taken,
    # exactly which contacts the static lists gain, and the existing lists the items rename or
    # re-filter, as they are now.
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
        "members": {key: adds.record_ids for key, adds in additions.items()},
        "existing": sorted(
            (lst.id, lst.name, definition_key(lst.filter_branch) if lst.filter_branch else "")
            for lst in existing.values()
        ),
    }
    return ApplyRequest(
        tool=ToolName.CREATE_LIST,
        arguments={"plan_id": plan.plan_id, "items": [item.key for item in selected], "competitor_csv": competitor_csv},
        state=state,
        preview=previews.apply_preview(rt, plan, selected, additions, existing, dependents_of(rt, merged)),
        plan=plan,
        items=selected,
        competitor_csv=competitor_csv,
        additions=additions,
    )


def prepare_custom(rt: Runtime, custom: CustomList) -> CustomListRequest:
    branch = validate_custom(rt, custom)
    additions = custom_additions(rt, custom)
    preview = previews.custom_preview(
        rt, custom.name, custom.processing_type, describe_custom(rt, custom, branch), additions
    )
    return CustomListRequest(
        tool=ToolName.CREATE_LIST,
        arguments={"custom": custom.model_dump(mode="json")},
        state={
            "name_taken": rt.portal.get_list_by_name(custom.name) is not None,
            "members": additions.record_ids if additions is not None else None,
        },
        preview=preview,
        custom=custom,
        branch=branch,
        additions=additions,
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
    list_id = checked_list_id(list_id)  # one id for the check, the journal, the token and the delete
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
            f"List {list_id} ({quoted(entry.name)}) is already deleted; nothing was deleted. "
            f"To bring it back within 90 days, {rt.next_steps(Step.RESTORE, list_id)}."
        )
        return request
    if check.blockers:
        request.refused = "Nothing was deleted: " + " Also: ".join(check.blockers)
        return request
    request.check = check
    # The token binds what the user saw: the list as it is, who uses it, and whose it is.
    request.state = {
        "updated_at": str(check.list.updated_at),
        "size": check.list.size,
        "dependents": sorted((d.kind, d.id) for d in check.report.dependents),
        "unchecked": sorted(u.kind for u in check.report.unchecked),
        "made_by_tool": check.made_by is None,
    }
    request.preview = previews.delete_preview(
        rt, check.list, check.report, force=force, allow_foreign=allow_foreign, made_by=check.made_by
    )
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
    list_id = checked_list_id(list_id)
    request = RestoreRequest(
        tool=ToolName.RESTORE_LIST, arguments={"list_id": list_id}, state={"list_id": list_id}, list_id=list_id
    )
    try:
        live = rt.portal.get_list(list_id, include_filters=False)
        if live.deleted_at is None:
            request.done = f"List {list_id} ({quoted(live.name)}) is not deleted; nothing was restored."
            return request
    except NotFound:
        pass
    entry = rt.journal.created_by_tool(rt.portal_id, list_id)
    request.preview = previews.restore_preview(rt, list_id, entry.name if entry is not None else None)
    return request


@dataclass(kw_only=True)
class RollbackRequest(WriteRequest):
    run_id: str  # the newest run undone
    run_ids: list[str] = field(default_factory=list)
    force: bool = False
    lists: list[HubSpotList] = field(default_factory=list)
    restorations: list[Restoration] = field(default_factory=list)

    def carry_out(self, rt: Runtime) -> RollbackResult:
        return rollback_runs(rt, self.run_ids, force=self.force)


def prepare_rollback(rt: Runtime, run_id: str | None, *, force: bool = False) -> RollbackRequest:
    """Undo an apply run: delete the lists it created that still exist, then give the lists it renamed
    or re-filtered their previous names and filters back. Without a run id, the latest run and the
    other runs of the same plan (`rollback_targets`), in one confirmation that names every list and
    change, what will not be deleted and why, and (with force) what will break."""
    targets = rollback_targets(rt, run_id)
    lists = targets.lists
    undo = targets.changes
    ids = [lst.id for lst in lists]
    reports = find_dependents(rt, ids) if ids else {}
    # Lists of this same undo that use each other do not block (or break) one another.
    for report in reports.values():
        report.dependents = [d for d in report.dependents if not (d.kind == "list" and d.id in ids)]
    blocked = {
        lst.id: reasons
        for lst in lists
        if (reasons := deletion_blockers(rt, lst, reports[lst.id], force=force, allow_foreign=False, deleting_too=ids))
    }
    newest = targets.runs[0].run.run_id
    request = RollbackRequest(
        tool=ToolName.ROLLBACK_RUN,
        arguments={"run_ids": targets.run_ids, "force": force},
        state={
            "lists": sorted((lst.id, str(lst.updated_at)) for lst in lists),
            "dependents": sorted((i, d.kind, d.id) for i, r in reports.items() for d in r.dependents),
            "unchecked": sorted((i, u.kind) for i, r in reports.items() for u in r.unchecked),
            "restore": [(r.action_id, r.state, r.name) for r in undo],
        },
        run_id=newest,
        run_ids=targets.run_ids,
        force=force,
        lists=lists,
        restorations=undo,
    )
    others = "".join(
        f" Run {entry.run.run_id} (not part of this undo) still has {counted(len(entry.lists), 'list')}"
        f"{previews.changed_count(entry.changes)}; to undo it, {rt.next_steps(Step.ROLLBACK, entry.run.run_id)}."
        for entry in targets.others
    )
    restorable = any(r.state == "to-restore" for r in undo)
    if not lists and not restorable:
        kept = [r.message for r in undo if r.state == "changed-since"]
        request.done = (
            f"Run {newest} has no lists left to delete or restore; nothing was deleted or restored."
            + (f" Left as they are: {'; '.join(kept)}." if kept else "")
            + others
        )
    elif len(blocked) == len(lists) and lists and not restorable:
        request.refused = "Nothing was deleted: " + " ".join(
            f"List {list_id}: " + " Also: ".join(reasons) + "." for list_id, reasons in blocked.items()
        )
    else:
        request.preview = previews.rollback_preview(
            rt, targets, reports, blocked, force=force, folders=folders_created(rt, targets.run_ids)
        )
    return request


# --- exclusivity through temporary lists ---------------------------------------------------------------


@dataclass(kw_only=True)
class TemporaryListsRequest(WriteRequest):
    groups: list[GroupLists] = field(default_factory=list)
    limit: int = 0  # the most temporary lists the user agreed to

    def carry_out(self, rt: Runtime, progress: Progress | None = None) -> ExclusivityReport:
        if self.done is not None:  # nothing to confirm, so nothing may be written: read-only
            report = check_groups(rt, self.groups, progress=progress)
            report.temporary_lists = self.done
            return report
        return check_groups(rt, self.groups, progress=progress, temporary_lists=True, temporary_limit=self.limit)


def prepare_temporary_lists(
    rt: Runtime, *, run_id: str | None = None, list_ids: Sequence[str] | None = None
) -> TemporaryListsRequest:
    """An exclusivity check whose biggest overlaps HubSpot counts through temporary lists (issue 16):
    a write in the user's portal, so confirmed like any other. Nothing to confirm when no pair needs
    one (`done`: checked read-only); refused on a read-only server or near the portal's list limit."""
    groups = requested_groups(rt, run_id=run_id, list_ids=list_ids)
    given = sorted({checked_list_id(i) for i in list_ids}, key=int) if list_ids else None
    request = TemporaryListsRequest(
        tool=ToolName.CHECK_EXCLUSIVITY,
        arguments={"run_id": run_id, "list_ids": given, "temporary_lists": True},
        groups=groups,
    )
    if rt.settings.read_only:
        request.refused = (
            "This server is read-only, and temporary lists are writes: none was made and nothing was checked. "
            "Without them, overlaps are counted read-only."
        )
        return request
    outlook = temporary_outlook(rt, groups)
    if not outlook.pairs:
        request.done = "not needed: every pair was cheaper to count without them (nothing was written)"
        return request
    headroom = list_headroom(rt)
    if len(outlook.pairs) > headroom.room:
        request.refused = (
            f"Temporary lists are not used: {headroom}; {counted(len(outlook.pairs), 'temporary list')} would leave "
            f"fewer than {headroom.spare:,} free. Nothing was made or checked; without them, overlaps are counted "
            f"read-only (about {outlook.read_only_calls:,} calls for those pairs)."
        )
        return request
    request.limit = len(outlook.pairs)
    # The token binds the lists checked, how, and the most temporary lists made (the portal: the token's own).
    request.state = {
        "groups": [(group.name, sorted(by_key.values(), key=int)) for group, by_key in groups],
        "temporary_lists": request.limit,
    }
    request.preview = previews.temporary_lists_preview(rt, outlook, headroom)
    return request
