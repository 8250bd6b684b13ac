"""Delete, restore and roll back, each behind a dependency check and the journal.

Lists this tool did not create are refused unless the user explicitly agrees (`allow_foreign`);
lists something else uses are refused, with the names, unless the user agrees (`force`). HubSpot
keeps a deleted list restorable for 90 days; deleting a list never deletes contacts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

from segment_lists.boundary.text import clean, quoted
from segment_lists.portal import NotFound, PortalError
from segment_lists.portal.models import HubSpotList
from segment_lists.workflow.apply import reconcile
from segment_lists.workflow.dependencies import DependencyReport, find_dependents
from segment_lists.workflow.journal import Run
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
    run_id: str  # the newest run undone
    run_ids: list[str] = Field(default_factory=list)  # every run undone, newest first
    rollback_run_id: str
    outcomes: list[DeleteOutcome] = Field(default_factory=list)
    folders_removed: list[str] = Field(default_factory=list)  # folders the runs created, left empty


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
            f"list {quoted(lst.name)} (id {lst.id}) was not created by this tool; call again with "
            "allow_foreign=true only if the user explicitly agrees to delete it"
        )
    if not force:
        users = [d for d in report.dependents if not (d.kind == "list" and d.id in deleting_too)]
        if users:
            reasons.append(
                "it is used by "
                + "; ".join(f"{d.kind} {quoted(d.name)} (id {d.id}): {d.how}" for d in users)
                + ". Remove it there first, or call again with force=true after the user agrees"
            )
        if report.unchecked:
            reasons.append(
                "could not check "
                + "; ".join(f"{u.kind}s ({u.reason})" for u in report.unchecked)
                + ". Fix that, or call again with force=true after the user agrees"
            )
        unseen = report.unseen_sentence()
        if unseen:
            reasons.append(unseen + ", or call again with force=true after the user agrees")
    return reasons


class DeletionCheck(BaseModel):
    """A list as it is now, who uses it, who made it, and why it must not be deleted (empty: it may be)."""

    list: HubSpotList
    report: DependencyReport
    blockers: list[str]
    made_by: str | None = None  # when this tool did not create it: by whom and when, as far as known


def check_deletion(rt: Runtime, list_id: str, *, force: bool = False, allow_foreign: bool = False) -> DeletionCheck:
    """Raises NotFound when the list does not exist (or is deleted)."""
    reconcile(rt)
    lst = rt.portal.get_list(list_id, include_filters=False)
    report = find_dependents(rt, [list_id])[list_id]
    return DeletionCheck(
        list=lst,
        report=report,
        blockers=deletion_blockers(rt, lst, report, force=force, allow_foreign=allow_foreign),
        made_by=made_outside(rt, lst),
    )


def made_outside(rt: Runtime, lst: HubSpotList) -> str | None:
    """Who made a list this tool did not create, in words ("created in HubSpot by Jane Doe
    <jane@acme.com> (user 42) on 2024-03-01"); None for a list this tool created. The user's name
    needs settings.users.read: without it the user id is all that is said."""
    entry = rt.journal.created_by_tool(rt.portal_id, lst.id)
    if entry is not None and entry.origin == "created":
        return None
    who = ""
    if lst.created_by_id:
        who = f" by user {lst.created_by_id}"
        try:
            shown = rt.portal.user(lst.created_by_id).shown
        except PortalError:
            shown = ""
        if shown:
            who = f" by {quoted(shown)} (user {lst.created_by_id})"
    when = f" on {lst.created_at.date().isoformat()}" if lst.created_at else ""
    adopted = f"; this tool adopted it in {entry.run_id}" if entry is not None else ""
    return f"created in HubSpot{who}{when}{adopted}"


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
        message=f"deleted {quoted(lst.name)}; its contacts are untouched. {ToolName.RESTORE_LIST} can bring "
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
        list_id=list_id, name=clean(lst.name), outcome="restored", message=f"restored {quoted(lst.name)}"
    )


class RunLists(BaseModel):
    """An apply run and the lists it created that still exist."""

    run: Run
    lists: list[HubSpotList] = Field(default_factory=list)


class RollbackTargets(BaseModel):
    """What an undo covers (`runs`, newest first) and the apply runs with lists it leaves alone."""

    runs: list[RunLists]
    others: list[RunLists] = Field(default_factory=list)

    @property
    def lists(self) -> list[HubSpotList]:
        return [lst for entry in self.runs for lst in entry.lists]

    @property
    def run_ids(self) -> list[str]:
        return [entry.run.run_id for entry in self.runs]


def rollback_targets(rt: Runtime, run_id: str | None) -> RollbackTargets:
    """The apply run meant, with the lists it created that still exist. Without a run id: the latest
    run and every other run of the same plan (the same interview answers: a plan proposed again after
    an interruption is the same plan) that still has lists, so "undo" undoes all of it."""
    chosen = apply_run(rt, run_id)
    runs = rt.journal.runs(rt.portal_id, "apply")
    ids_by_run = {run.run_id: run_list_ids(rt, run.run_id, created_only=True) for run in runs}
    wanted = [list_id for ids in ids_by_run.values() for list_id in ids]
    live = {lst.id: lst for lst in rt.portal.get_lists(wanted, include_filters=False)} if wanted else {}
    keys: dict[str, str] = {}

    def lists_of(run: Run) -> RunLists:
        return RunLists(run=run, lists=[live[i] for i in ids_by_run[run.run_id] if i in live])

    if run_id is None:
        family = [run for run in runs if _plan_key(rt, run, keys) == _plan_key(rt, chosen, keys)]
    else:
        family = [chosen]
    targets = [lists_of(run) for run in reversed(family)]
    targets = [entry for entry in targets if entry.lists or entry.run.run_id == chosen.run_id]
    members = {run.run_id for run in family}
    others = [lists_of(run) for run in reversed(runs) if run.run_id not in members]
    return RollbackTargets(runs=targets, others=[entry for entry in others if entry.lists])


def _plan_key(rt: Runtime, run: Run, cache: dict[str, str]) -> str:
    """Runs of the same plan share a key: their plans' interview answers (a custom list's run is alone)."""
    if run.plan_id is None:
        return run.run_id
    if run.plan_id not in cache:
        body = rt.journal.load_plan(rt.portal_id, run.plan_id) or {}
        answers = body.get("answers")
        cache[run.plan_id] = json.dumps(answers, sort_keys=True) if answers is not None else run.plan_id
    return cache[run.plan_id]


def rollback_run(rt: Runtime, run_id: str, *, force: bool = False) -> RollbackResult:
    """Undo one apply run (see `rollback_runs`)."""
    return rollback_runs(rt, [run_id], force=force)


def rollback_runs(rt: Runtime, run_ids: Sequence[str], *, force: bool = False) -> RollbackResult:
    """Delete every list the runs created (never lists they reused), newest first; then every folder
    they created that is left empty."""
    reconcile(rt)
    chosen = set(run_ids)
    entries = [e for e in rt.journal.library(rt.portal_id) if e.run_id in chosen and e.origin == "created"]
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
    removed = remove_empty_folders(rt, run_ids, rollback_id)
    rt.journal.finish_run(rollback_id, "ok" if all(o.outcome != "refused" for o in outcomes) else "partial")
    return RollbackResult(
        portal=rt.ref,
        run_id=run_ids[0],
        run_ids=list(run_ids),
        rollback_run_id=rollback_id,
        outcomes=outcomes,
        folders_removed=removed,
    )


def folders_created(rt: Runtime, run_ids: Sequence[str]) -> list[tuple[str, str]]:
    """(folder id, name) of every folder these runs created, as the journal recorded them."""
    found = []
    for run_id in run_ids:
        for action in rt.journal.actions(run_id):
            detail = action.detail or {}
            if action.action == "create_folder" and action.outcome == "ok" and detail.get("folder_id"):
                found.append((str(detail["folder_id"]), str(detail.get("name") or "")))
    return found


def remove_empty_folders(rt: Runtime, run_ids: Sequence[str], rollback_id: str) -> list[str]:
    """Delete the folders these runs created that hold nothing now (journaled); a folder with lists or
    folders in it (another run's, or the user's) stays. Returns what was removed, in words."""
    removed = []
    for folder_id, name in folders_created(rt, run_ids):
        try:
            folder = rt.portal.folder_tree(folder_id)
        except NotFound:
            continue
        if folder.child_lists or folder.child_nodes:
            continue
        action = rt.journal.intend(rollback_id, rt.portal_id, "delete_folder", detail={"folder_id": folder_id})
        try:
            rt.portal.delete_folder(folder_id)
        except PortalError as error:
            rt.journal.settle(action, "failed", detail={"folder_id": folder_id, "error": clean(str(error))})
            continue
        rt.journal.settle(action, "ok")
        removed.append(f"{quoted(name or folder.name)} (id {folder_id})")
    return removed
