"""Changes to lists that already exist: a new name (adopt, move aside, merge) or new filters (merge).

Each change is journaled before it is made, with what the list was before, so a rollback restores
it, and a crash between the write and its outcome is settled by reading the list back (as creates
are reconciled by name). Restoring is itself such a change, journaled in the rollback's run.
Undo is state-based: a list is only given its old name (or filters) back while it still has the
name (or filters) this tool gave it; a list someone changed since is left as it is and reported.

HubSpot: rename is `PUT /crm/v3/lists/{listId}/update-list-name?listName=...`, new filters are
`PUT /crm/v3/lists/{listId}/update-list-filters` (active lists only); both keep the list id, so
workflows and emails that use the list keep working
(https://developers.hubspot.com/docs/api-reference/latest/crm/lists/guide).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from pydantic import BaseModel

from segment_lists.boundary.text import clean, quoted
from segment_lists.filters import definition_key
from segment_lists.portal import NotFound, PortalError, ValidationFailed
from segment_lists.portal.models import HubSpotList
from segment_lists.workflow.journal import Action
from segment_lists.workflow.runtime import Runtime

CHANGES = ("rename", "update_filters")
Why = Literal["adopt", "merge", "move-aside", "rollback"]


def _same_filters(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    if a is None or b is None:
        return a is b
    return definition_key(a) == definition_key(b)


def _settle_failure(rt: Runtime, action_id: int, error: Exception) -> None:
    # A refusal (4xx) changed nothing; anything else may have landed: the read-back decides later.
    outcome = "failed" if isinstance(error, ValidationFailed | NotFound) else "unknown"
    rt.journal.settle(action_id, outcome, detail=None)


def _journaled(
    rt: Runtime,
    run_id: str,
    kind: str,
    lst: HubSpotList,
    detail: dict[str, Any],
    write: Callable[[], HubSpotList],
    *,
    list_name: str,
    segment_key: str | None,
    undoes: int | None,
) -> HubSpotList:
    """Journal the change (with what the list was before), make it, settle it."""
    if undoes is not None:
        detail["undoes"] = undoes
    action = rt.journal.intend(
        run_id, rt.portal_id, kind, segment_key=segment_key, list_name=list_name, list_id=lst.id, detail=detail
    )
    try:
        changed = write()
    except Exception as error:
        _settle_failure(rt, action, error)
        raise
    rt.journal.settle(action, "ok")
    rt.lists_changed()
    return changed


def rename_journaled(
    rt: Runtime,
    run_id: str,
    lst: HubSpotList,
    name: str,
    *,
    why: Why,
    segment_key: str | None = None,
    undoes: int | None = None,
) -> HubSpotList:
    """Give `lst` the name `name` (nothing to do when it has it already)."""
    if lst.name == name:
        return lst
    return _journaled(
        rt,
        run_id,
        "rename",
        lst,
        {"previous_name": lst.name, "name": name, "why": why},
        lambda: rt.portal.rename_list(lst.id, name),
        list_name=name,
        segment_key=segment_key,
        undoes=undoes,
    )


def refilter_journaled(
    rt: Runtime,
    run_id: str,
    lst: HubSpotList,
    branch: dict[str, Any],
    *,
    why: Why,
    segment_key: str | None = None,
    undoes: int | None = None,
) -> HubSpotList:
    """Give the active list `lst` (read with its filters) the definition `branch`."""
    if _same_filters(lst.filter_branch, branch):
        return lst
    return _journaled(
        rt,
        run_id,
        "update_filters",
        lst,
        {"previous_filter_branch": lst.filter_branch, "filter_branch": branch, "why": why},
        lambda: rt.portal.update_list_filters(lst.id, branch),
        list_name=lst.name,
        segment_key=segment_key,
        undoes=undoes,
    )


def _state(action: Action, lst: HubSpotList) -> Literal["done", "not-done", "other"]:
    """Does the list show this change (done), what it was before (not done), or something else?"""
    detail = action.detail or {}
    if action.action == "rename":
        if lst.name == detail.get("name"):
            return "done"
        return "not-done" if lst.name == detail.get("previous_name") else "other"
    if _same_filters(lst.filter_branch, detail.get("filter_branch")):
        return "done"
    return "not-done" if _same_filters(lst.filter_branch, detail.get("previous_filter_branch")) else "other"


def reconcile_change(rt: Runtime, action: Action) -> str:
    """Settle a change a crash left without outcome, by reading the list back; a note on what was found."""
    what = "rename" if action.action == "rename" else "filter update"
    try:
        lst = rt.portal.get_list(str(action.list_id), include_filters=action.action == "update_filters")
    except NotFound:
        rt.journal.settle(action.action_id, "failed", detail={**(action.detail or {}), "reconciled": "list gone"})
        return f"the {what} of list {action.list_id} did not happen: the list is gone"
    state = _state(action, lst)
    outcome = {"done": "ok", "not-done": "failed", "other": "unknown"}[state]
    rt.journal.settle(action.action_id, outcome, detail={**(action.detail or {}), "reconciled": state})
    said = {"done": "was made", "not-done": "did not happen", "other": "cannot be told (the list changed since)"}
    return f"the {what} of list {action.list_id} ({quoted(lst.name)}) {said[state]} before an interruption"


# --- undo --------------------------------------------------------------------------------------------


class Restoration(BaseModel):
    """One change of an apply run, as a rollback would undo it."""

    action_id: int
    list_id: str
    kind: Literal["name", "filters"]
    name: str  # the list's name in HubSpot now
    back_to: str  # the previous name, or the previous definition in plain words
    state: Literal["to-restore", "already-restored", "changed-since", "gone"]
    message: str


class RestoreOutcome(BaseModel):
    list_id: str
    name: str
    outcome: Literal["name-restored", "filters-restored", "already-restored", "left-as-is", "gone", "failed"]
    message: str


def run_changes(rt: Runtime, run_id: str) -> list[Action]:
    """The renames and filter updates an apply run announced, newest first. Failed ones too: a request
    a crash cut off may land after the next run settled it as not done, so what the list shows decides
    (a change that failed and does not show is simply not mentioned)."""
    return [a for a in reversed(rt.journal.actions(run_id)) if a.action in CHANGES]


def restorations(rt: Runtime, run_id: str) -> list[Restoration]:
    """What undoing the run's changes would do, judged on each list as it is now."""
    changes = run_changes(rt, run_id)
    if not changes:
        return []
    ids = sorted({str(a.list_id) for a in changes}, key=lambda i: int(i) if i.isdigit() else 0)
    lists = {lst.id: lst for lst in rt.portal.get_lists(ids, include_filters=True)}
    found = [_restoration(rt, action, lists.get(str(action.list_id))) for action in changes]
    return [r for r, a in zip(found, changes, strict=True) if a.outcome != "failed" or r.state == "to-restore"]


def _restoration(rt: Runtime, action: Action, lst: HubSpotList | None) -> Restoration:
    detail = action.detail or {}
    kind: Literal["name", "filters"] = "name" if action.action == "rename" else "filters"
    back_to = (
        str(detail.get("previous_name"))
        if kind == "name"
        else (rt.describe(detail.get("previous_filter_branch")) or "no filters")
    )
    base = {"action_id": action.action_id, "list_id": str(action.list_id), "kind": kind, "back_to": clean(back_to)}
    if lst is None:
        return Restoration(**base, name="", state="gone", message=f"list {action.list_id} no longer exists")
    name = clean(lst.name)
    state = _state(action, lst)
    if state == "not-done":
        return Restoration(
            **base, name=name, state="already-restored", message=f"{quoted(name)} has its previous {kind}"
        )
    if state == "other":
        what = "was renamed" if kind == "name" else "had its filters changed"
        return Restoration(
            **base,
            name=name,
            state="changed-since",
            message=f"{quoted(name)} (id {lst.id}) {what} by someone since this tool changed it; left as it is",
        )
    message = (
        f"rename {quoted(name)} (id {lst.id}) back to {quoted(back_to)}"
        if kind == "name"
        else f"give {quoted(name)} (id {lst.id}) its previous filters back: {clean(back_to)}"
    )
    return Restoration(**base, name=name, state="to-restore", message=message)


def restore(rt: Runtime, rollback_run_id: str, changes: Sequence[Action]) -> list[RestoreOutcome]:
    """Undo the changes (newest first), each only while the list still shows it; journaled."""
    outcomes = []
    for action in changes:
        detail = action.detail or {}
        list_id = str(action.list_id)
        try:
            lst = rt.portal.get_list(list_id, include_filters=action.action == "update_filters")
        except NotFound:
            if action.outcome != "failed":
                outcomes.append(RestoreOutcome(list_id=list_id, name="", outcome="gone", message="the list is gone"))
            continue
        state = _state(action, lst)
        name = clean(lst.name)
        if state != "done" and action.outcome == "failed":
            continue  # it never happened: nothing to undo or to mention
        if state != "done":
            outcome: Literal["already-restored", "left-as-is"] = (
                "already-restored" if state == "not-done" else "left-as-is"
            )
            message = (
                "already as it was before"
                if state == "not-done"
                else "changed by someone since this tool changed it; left as it is"
            )
            outcomes.append(RestoreOutcome(list_id=list_id, name=name, outcome=outcome, message=message))
            continue
        try:
            if action.action == "rename":
                previous = str(detail["previous_name"])
                rename_journaled(rt, rollback_run_id, lst, previous, why="rollback", undoes=action.action_id)
                outcomes.append(
                    RestoreOutcome(
                        list_id=list_id,
                        name=clean(previous),
                        outcome="name-restored",
                        message=f"renamed {quoted(name)} back to {quoted(previous)}",
                    )
                )
            else:
                refilter_journaled(
                    rt, rollback_run_id, lst, detail["previous_filter_branch"], why="rollback", undoes=action.action_id
                )
                outcomes.append(
                    RestoreOutcome(
                        list_id=list_id,
                        name=name,
                        outcome="filters-restored",
                        message=f"gave {quoted(name)} its previous filters back: "
                        + clean(rt.describe(detail["previous_filter_branch"]) or "no filters"),
                    )
                )
        except PortalError as error:
            outcomes.append(
                RestoreOutcome(
                    list_id=list_id,
                    name=name,
                    outcome="failed",
                    message=f"could not restore its previous {'name' if action.action == 'rename' else 'filters'}: "
                    + clean(str(error)),
                )
            )
    return outcomes
