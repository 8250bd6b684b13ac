"""Delete, restore and roll back, each behind a dependency check and the journal.

Rolling back an apply run deletes the lists it created and gives the lists it changed (adopted,
merged, moved aside) their previous names and filters back (`list_changes`), and says what it did.

Lists this tool did not create are refused unless the user explicitly agrees (`allow_foreign`);
lists something else uses are refused, with the names, unless the user agrees (`force`). HubSpot
keeps a deleted list restorable for 90 days; deleting a list never deletes contacts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

from segment_lists.domain.text import clean
from segment_lists.portal import NotFound
from segment_lists.portal.models import HubSpotList
from segment_lists.workflow.apply import reconcile
from segment_lists.workflow.dependencies import DependencyReport, find_dependents
from segment_lists.workflow.list_changes import Restoration, RestoreOutcome, restorations, restore, run_changes
from segment_lists.workflow.runs import apply_run, run_list_ids
from segment_lists.workflow.runtime import PortalRef, Runtime
from segment_lists.workflow.tool_names import ToolName


class DeleteOutcome(BaseModel):
    list_id: str
    name: str
    outcome: Literal["deleted", "restored", "refused", "already-deleted", "failed"]
    message: str
    dependencies: DependencyReport | None = None


class RollbackResult(BaseModel):
    portal: PortalRef
    run_id: str
    rollback_run_id: str
    outcomes: list[DeleteOutcome] = Field(default_factory=list)
    restored: list[RestoreOutcome] = Field(
        default_factory=list, description="Lists the run renamed or re-filtered, and what the rollback restored"
    )


def deletion_blockers(
    rt: Runtime,
    lst: HubSpotList,
    report: DependencyReport,
    *,
    force: bool,
    allow_foreign: bool,
    deleting_too: Sequence[str] = (),
) -> list[str]:
    """Why this list must not be deleted now (empty: go ahead)."""
    reasons = []
    entry = rt.journal.created_by_tool(rt.portal_id, lst.id)
    if (entry is None or entry.origin != "created") and not allow_foreign:
        reasons.append(
            f"list '{clean(lst.name)}' (id {lst.id}) was not created by this tool; call again with "
            "allow_foreign=true only if the user explicitly agrees to delete it"
        )
    if not force:
        users = [d for d in report.dependents if not (d.kind == "list" and d.id in deleting_too)]
        if users:
            reasons.append(
                "it is used by "
                + "; ".join(f"{d.kind} '{d.name}' (id {d.id}): {d.how}" for d in users)
                + ". Remove it there first, or call again with force=true after the user agrees"
            )
        if report.unchecked:
            reasons.append(
                "could not check "
                + "; ".join(f"{u.kind}s ({u.reason})" for u in report.unchecked)
                + ". Fix that, or call again with force=true after the user agrees"
            )
    return reasons


class DeletionCheck(BaseModel):
    """A list as it is now, who uses it, and why it must not be deleted (empty: it may be)."""

    list: HubSpotList
    report: DependencyReport
    blockers: list[str]


def check_deletion(rt: Runtime, list_id: str, *, force: bool = False, allow_foreign: bool = False) -> DeletionCheck:
    """Raises NotFound when the list does not exist (or is deleted)."""
    reconcile(rt)
    lst = rt.portal.get_list(list_id, include_filters=False)
    report = find_dependents(rt, [list_id])[list_id]
    return DeletionCheck(
        list=lst, report=report, blockers=deletion_blockers(rt, lst, report, force=force, allow_foreign=allow_foreign)
    )


def delete_checked(rt: Runtime, check: DeletionCheck, run_id: str | None = None) -> DeleteOutcome:
    """Delete a list whose fresh check found no blockers (the caller confirmed with the user in between)."""
    lst = check.list
    if check.blockers:
        return DeleteOutcome(
            list_id=lst.id,
            name=clean(lst.name),
            outcome="refused",
            dependencies=check.report,
            message="Nothing was deleted: " + " Also: ".join(check.blockers),
        )
    return _delete(rt, lst, check.report, run_id or rt.journal.start_run(rt.portal_id, "delete"))


def delete_list(
    rt: Runtime, list_id: str, *, force: bool = False, allow_foreign: bool = False, run_id: str | None = None
) -> DeleteOutcome:
    try:
        check = check_deletion(rt, list_id, force=force, allow_foreign=allow_foreign)
    except NotFound:
        return DeleteOutcome(
            list_id=list_id,
            name="",
            outcome="already-deleted",
            message=f"list {list_id} does not exist or is already deleted; nothing was deleted",
        )
    return delete_checked(rt, check, run_id)


def _delete(rt: Runtime, lst: HubSpotList, report: DependencyReport, run_id: str) -> DeleteOutcome:
    action = rt.journal.intend(
        run_id, rt.portal_id, "delete", list_id=lst.id, list_name=lst.name, detail={"size": lst.size}
    )
    try:
        rt.portal.delete_list(lst.id)
    except Exception as error:
        rt.journal.settle(action, "failed", detail={"error": clean(str(error))})
        raise
    rt.journal.settle_deleted(action, rt.portal_id, lst.id, deleted=True)
    rt.lists_changed()
    return DeleteOutcome(
        list_id=lst.id,
        name=clean(lst.name),
        outcome="deleted",
        dependencies=report,
        message=f"deleted '{clean(lst.name)}'; its contacts are untouched. {ToolName.RESTORE_LIST} can bring "
        "it back within 90 days",
    )


def restore_list(rt: Runtime, list_id: str, *, run_id: str | None = None) -> DeleteOutcome:
    reconcile(rt)
    run_id = run_id or rt.journal.start_run(rt.portal_id, "restore")
    action = rt.journal.intend(run_id, rt.portal_id, "restore", list_id=list_id)
    try:
        rt.portal.restore_list(list_id)
    except Exception as error:
        rt.journal.settle(action, "failed", detail={"error": clean(str(error))})
        raise
    rt.journal.settle_deleted(action, rt.portal_id, list_id, deleted=False)
    rt.lists_changed()
    lst = rt.portal.get_list(list_id, include_filters=False)
    return DeleteOutcome(
        list_id=list_id, name=clean(lst.name), outcome="restored", message=f"restored '{clean(lst.name)}'"
    )


def rollback_targets(rt: Runtime, run_id: str | None) -> tuple[str, list[HubSpotList], list[Restoration]]:
    """The apply run meant (the latest when None), the lists it created that still exist, and the
    lists it changed, with what undoing each change would do."""
    run = apply_run(rt, run_id)
    ids = run_list_ids(rt, run.run_id, created_only=True)
    lists = rt.portal.get_lists(ids, include_filters=False) if ids else []
    return run.run_id, lists, restorations(rt, run.run_id)


def rollback_run(rt: Runtime, run_id: str, *, force: bool = False) -> RollbackResult:
    """Delete every list the run created (never lists it reused), newest first; then give every list it
    renamed or re-filtered its previous name and filters back (after the deletes: a list moved aside
    gets back the name the deleted one had)."""
    reconcile(rt)
    entries = [e for e in rt.journal.library(rt.portal_id) if e.run_id == run_id and e.origin == "created"]
    rollback_id = rt.journal.start_run(rt.portal_id, "rollback", None)
    ids = [e.list_id for e in entries]
    reports = find_dependents(rt, ids) if ids else {}
    outcomes = []
    for entry in reversed(entries):
        try:
            lst = rt.portal.get_list(entry.list_id, include_filters=False)
        except NotFound:
            rt.journal.mark_deleted(rt.portal_id, entry.list_id)
            outcomes.append(
                DeleteOutcome(
                    list_id=entry.list_id, name=clean(entry.name), outcome="already-deleted", message="already deleted"
                )
            )
            continue
        report = reports[entry.list_id]
        blockers = deletion_blockers(rt, lst, report, force=force, allow_foreign=False, deleting_too=ids)
        if blockers:
            outcomes.append(
                DeleteOutcome(
                    list_id=lst.id,
                    name=clean(lst.name),
                    outcome="refused",
                    dependencies=report,
                    message="Not deleted: " + " Also: ".join(blockers),
                )
            )
            continue
        outcomes.append(_delete(rt, lst, report, rollback_id))
    changes = run_changes(rt, run_id)
    restored = restore(rt, rollback_id, changes) if changes else []
    _forget_undone(rt, run_id, restored)
    if restored:
        rt.lists_changed()
    clean_run = all(o.outcome != "refused" for o in outcomes) and all(r.outcome != "failed" for r in restored)
    rt.journal.finish_run(rollback_id, "ok" if clean_run else "partial")
    return RollbackResult(
        portal=rt.ref, run_id=run_id, rollback_run_id=rollback_id, outcomes=outcomes, restored=restored
    )


def _forget_undone(rt: Runtime, run_id: str, restored: list[RestoreOutcome]) -> None:
    """A list the run adopted or merged whose changes are all undone is no segment's list any more."""
    undone = {"name-restored", "filters-restored", "already-restored"}
    for entry in rt.journal.library(rt.portal_id):
        if entry.run_id != run_id or entry.origin not in {"adopted", "merged"}:
            continue
        mine = [r.outcome for r in restored if r.list_id == entry.list_id]
        if mine and all(outcome in undone for outcome in mine):
            rt.journal.forget(rt.portal_id, entry.list_id)
