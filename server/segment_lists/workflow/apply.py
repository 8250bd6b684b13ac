"""Apply a plan: create lists, or reuse, adopt (rename), merge (new filters) or move aside existing
ones as the user chose; fill the static Competitors list.

Every write is journaled as an intent before the API call and settled with its outcome after, so
a crash in between is reconciled on the next run (`reconcile`): a create by looking the list up by
name, a rename or filter update by reading the list back (`list_changes`).
Confirmation is the caller's job (`write_requests`, then the face asks): by the time `apply_items`
runs, the user has agreed to exactly these items.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from segment_lists.boundary.text import clean, quoted
from segment_lists.data.hubspot_limits import MEMBERSHIP_WRITE_BATCH
from segment_lists.domain.plan import APPLICABLE_ACTIONS, ListAccess, Plan, PlanItem
from segment_lists.filters import definition_key
from segment_lists.portal import AmbiguousWrite, DailyLimitReached, DuplicateListName, NotFound, PortalError
from segment_lists.portal.models import Folder, HubSpotList
from segment_lists.workflow.failures import NothingToApply
from segment_lists.workflow.journal import Action
from segment_lists.workflow.list_changes import CHANGES, reconcile_change, refilter_journaled, rename_journaled
from segment_lists.workflow.next_steps import PLAIN_STEPS, NextSteps, Step
from segment_lists.workflow.runtime import PortalRef, Runtime
from segment_lists.workflow.static_members import StaticAdds, parse_competitor_csv, static_additions

# How far HubSpot's clock may lag ours when judging whether a list was created after our intent.
CLOCK_SKEW_SECONDS = 120


class ItemOutcome(BaseModel):
    key: str
    name: str
    outcome: Literal["created", "reused", "adopted", "merged", "already-created", "skipped", "failed"]
    list_id: str | None = None
    members_added: int | None = None
    message: str
    # Created lists: who can see and edit it, as read back from HubSpot (HubSpot's access modes).
    access: str | None = None

    @field_validator("name", "message", "access")
    @classmethod
    def _as_data(cls, text: str | None) -> str | None:
        # An outcome is output only: list names in it (CRM text, or the user's) are stripped of
        # control and bidi characters, so every message built from it is too.
        return None if text is None else clean(text, limit=2000)


class ApplyResult(BaseModel):
    portal: PortalRef
    run_id: str
    plan_id: str | None
    items: list[ItemOutcome]
    reconciled: list[str] = Field(default_factory=list)

    @property
    def created_ids(self) -> list[str]:
        return [item.list_id for item in self.items if item.outcome == "created" and item.list_id]


def select_items(plan: Plan, keys: Sequence[str] | None, *, next_steps: NextSteps = PLAIN_STEPS) -> list[PlanItem]:
    """The plan items to apply: the given keys (all applicable ones when None), in plan order."""
    if keys is None:
        return [item for item in plan.items if item.action in APPLICABLE_ACTIONS]
    known = {item.key for item in plan.items}
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise NothingToApply(
            f"no plan item {', '.join(repr(k) for k in unknown)} in {plan.plan_id}; "
            f"valid keys: {', '.join(sorted(known))}"
        )
    blocked = [item for item in plan.items if item.key in keys and item.action not in APPLICABLE_ACTIONS]
    if blocked:
        raise NothingToApply(
            "; ".join(f"{item.key} is '{item.action}': {item.reason.rstrip('.')}" for item in blocked)
            + ". Answer the open question (a clash is answered in answers.choices, by item key) and "
            f"{next_steps(Step.PLAN)} again."
        )
    return [item for item in plan.items if item.key in keys]


def reconcile(rt: Runtime) -> list[str]:
    """Settle intents left without an outcome by a crash, by looking at the portal."""
    notes = []
    for action in rt.journal.unsettled(rt.portal_id):
        detail = action.detail or {}
        if action.action == "create" and action.list_name:
            found = rt.portal.get_list_by_name(action.list_name)
            if found is not None and _ours(found, action):
                rt.journal.settle_created(
                    action.action_id,
                    rt.portal_id,
                    action.run_id,
                    found.id,
                    found.name,
                    found.processing_type,
                    action.segment_key,
                    detail.get("filter_branch"),
                    detail.get("catalog_name"),
                )
                notes.append(f"{quoted(action.list_name)} was created (id {found.id}) before an interruption")
            else:
                # Not there (yet): a request still in flight could land later; `create_journaled` adopts
                # such a list instead of failing on its name (see `_adopt`).
                rt.journal.settle(action.action_id, "failed", detail={**detail, "reconciled": "not found"})
                notes.append(f"{quoted(action.list_name)} was not created before an interruption")
        elif action.action in CHANGES and action.list_id:
            notes.append(reconcile_change(rt, action))
        elif action.action in {"delete", "restore"} and action.list_id:
            try:
                rt.portal.get_list(action.list_id, include_filters=False)
                exists = True
            except NotFound:
                exists = False
            done = (not exists) if action.action == "delete" else exists
            if done:
                rt.journal.settle_deleted(
                    action.action_id, rt.portal_id, action.list_id, deleted=action.action == "delete"
                )
            else:
                rt.journal.settle(action.action_id, "failed", detail={**detail, "reconciled": "not done"})
            notes.append(f"{action.action} of list {action.list_id} {'completed' if done else 'did not happen'}")
        elif action.action == "create_folder":
            made = _folder_made_after(rt, action)
            if made is not None:
                # Recorded as ours, so a rollback of the run removes it once it is empty.
                rt.journal.settle(action.action_id, "ok", detail={**detail, "folder_id": made.id})
            else:
                rt.journal.settle(action.action_id, "failed", detail={**detail, "reconciled": "not found"})
        elif action.action == "delete_folder" and detail.get("folder_id"):
            try:
                rt.portal.folder_tree(str(detail["folder_id"]))
                rt.journal.settle(action.action_id, "failed", detail={**detail, "reconciled": "not done"})
            except NotFound:
                rt.journal.settle(action.action_id, "ok")
        else:
            # Adding members is idempotent (the next apply adds whatever is missing).
            rt.journal.settle(action.action_id, "unknown")
    if notes:
        rt.lists_changed()
    return notes


def _folder_made_after(rt: Runtime, intent: Action) -> Folder | None:
    """The folder an interrupted create_folder intent made: of that name, created after the intent
    (allowing for clock skew) and not already recorded as made by another intent. None when unsure: a
    folder that may be the user's is never claimed (a rollback would remove it)."""
    name = str((intent.detail or {}).get("name") or "")
    announced = datetime.fromisoformat(intent.intent_at.replace("Z", "+00:00")) - timedelta(seconds=CLOCK_SKEW_SECONDS)
    claimed = _folders_we_made(rt)
    fresh = (
        [
            folder
            for folder in _same_name_folders(rt, name)
            if folder.created_at is not None and folder.created_at >= announced and folder.id not in claimed
        ]
        if name
        else []
    )
    return fresh[-1] if fresh else None


def _ours(found: HubSpotList, intent: Action) -> bool:
    """Could `found` be the list this create intent announced? Same type, created after the intent
    (allowing for clock skew between us and HubSpot) and, for an active list, the same definition."""
    detail = intent.detail or {}
    if detail.get("processing_type") and found.processing_type != detail["processing_type"]:
        return False
    if found.created_at is not None:
        announced = datetime.fromisoformat(intent.intent_at.replace("Z", "+00:00"))
        if found.created_at < announced - timedelta(seconds=CLOCK_SKEW_SECONDS):
            return False
    wanted = detail.get("filter_branch")
    if wanted and found.filter_branch is not None:
        return definition_key(wanted) == definition_key(found.filter_branch)
    return True


def _adopt(rt: Runtime, name: str, current: int) -> HubSpotList | None:
    """After HubSpot said the name is taken: the list an earlier, interrupted create of ours made
    (its outcome was never heard, or a reconcile ran before the request landed), if it is one."""
    uncertain = [
        intent
        for intent in rt.journal.create_intents(rt.portal_id, name)
        if intent.action_id != current
        and (intent.outcome in {"pending", "unknown"} or (intent.detail or {}).get("reconciled") == "not found")
    ]
    if not uncertain:
        return None
    found = rt.portal.get_list_by_name(name)
    if found is None or rt.journal.created_by_tool(rt.portal_id, found.id) is not None:
        return None
    return found if any(_ours(found, intent) for intent in uncertain) else None


def _folder_id(rt: Runtime, name: str | None, run_id: str) -> str | None:
    """The plan's folder: found by name, else created. HubSpot does not refuse a second folder of the
    same name, so runs converge on one: runs sharing this journal take turns (a file lock), and a run
    with another journal (another machine) that created one at the same moment keeps whichever is
    oldest, removing its own while it is still empty. Every run decides alike, so all lists end up in
    one folder and no empty duplicate is left."""
    if not name:
        return None
    with rt.journal.lock("folders"):
        found = _same_name_folders(rt, name)
        if found:
            _remove_our_duplicates(rt, found[1:], run_id)
            return found[0].id
        action = rt.journal.intend(run_id, rt.portal_id, "create_folder", detail={"name": name})
        folder = rt.portal.create_folder(name)
        rt.journal.settle(action, "ok", detail={"name": name, "folder_id": folder.id})
    found = _same_name_folders(rt, name)
    oldest = found[0].id if found else folder.id
    if oldest != folder.id:
        _remove_our_duplicates(rt, [f for f in found if f.id == folder.id], run_id)
    return oldest


def _folders_we_made(rt: Runtime) -> set[str]:
    """Ids of the folders this journal's runs created (as their settled create_folder actions say)."""
    return {
        str((action.detail or {}).get("folder_id"))
        for run in rt.journal.runs(rt.portal_id, "apply")
        for action in rt.journal.actions(run.run_id)
        if action.action == "create_folder" and action.outcome == "ok"
    }


def _same_name_folders(rt: Runtime, name: str) -> list[Folder]:
    """Folders of this name (as HubSpot compares names: case-insensitively), oldest first."""
    wanted = name.strip().lower()
    matches = [f for f in rt.portal.folder_tree().walk() if f.id != "0" and f.name.strip().lower() == wanted]
    return sorted(matches, key=lambda f: (f.created_at is None, f.created_at or 0, int(f.id) if f.id.isdigit() else 0))


def _remove_our_duplicates(rt: Runtime, duplicates: Sequence[Folder], run_id: str) -> None:
    """Delete the duplicates this journal created, if they are still empty (journaled); others stay."""
    ours = _folders_we_made(rt)
    for duplicate in duplicates:
        if duplicate.id not in ours:
            continue
        try:
            current = rt.portal.folder_tree(duplicate.id)
        except NotFound:
            continue
        if current.child_lists or current.child_nodes:
            continue
        action = rt.journal.intend(
            run_id, rt.portal_id, "delete_folder", detail={"folder_id": duplicate.id, "why": "duplicate"}
        )
        try:
            rt.portal.delete_folder(duplicate.id)
        except PortalError as error:
            rt.journal.settle(action, "failed", detail={"folder_id": duplicate.id, "error": clean(str(error))})
            continue
        rt.journal.settle(action, "ok")


def apply_items(
    rt: Runtime,
    plan: Plan,
    items: Sequence[PlanItem],
    *,
    competitor_csv: str | None = None,
    run_id: str | None = None,
    static_members: dict[str, list[str]] | None = None,
) -> ApplyResult:
    """Create (or adopt) `items`. `static_members`: per static item, the contacts the user confirmed
    (from `planned_additions`); without it they are looked up now."""
    reconciled = reconcile(rt)
    run_id = run_id or _unfinished_run(rt, plan.plan_id) or rt.journal.start_run(rt.portal_id, "apply", plan.plan_id)
    folder_id = (
        _folder_id(rt, plan.folder, run_id) if any(i.action in {"create", "move-aside"} for i in items) else None
    )
    # Items are independent once the folder exists: they run concurrently under the portal's
    # limiter (each still journaled intent-before-call), and outcomes keep plan order.
    stop = threading.Event()
    limit_message = (
        "not attempted: the daily API limit was reached; apply again after the reset to finish "
        "(lists already created are kept)"
    )

    def attempt(item: PlanItem) -> ItemOutcome | BaseException:
        if stop.is_set():
            # Nothing more can be done today; the same call resumes without duplicates.
            return ItemOutcome(key=item.key, name=item.name, outcome="skipped", message=limit_message)
        try:
            return _apply_one(rt, plan, item, run_id, folder_id, competitor_csv, static_members)
        except DailyLimitReached as error:
            stop.set()
            return error
        except PortalError as error:  # one failed item must not hide what the others did
            return error
        except BaseException as error:  # raised below, once every other item has settled
            return error

    results = rt.map(attempt, items)
    outcomes: list[ItemOutcome] = []
    status = "ok"
    unexpected: BaseException | None = None
    for item, result in zip(items, results, strict=True):
        if isinstance(result, ItemOutcome):
            if result.outcome == "skipped":
                status = "interrupted"
            outcomes.append(result)
            continue
        if isinstance(result, DailyLimitReached):
            status = "interrupted"
        elif isinstance(result, PortalError):
            status = "partial" if status == "ok" else status
        elif unexpected is None:
            unexpected = result
        # The list may exist though the item failed (created, then its members could not be added).
        made = _already_created(rt, item) if item.action in {"create", "move-aside"} else item.existing_list_id
        outcomes.append(
            ItemOutcome(key=item.key, name=item.name, outcome="failed", list_id=made, message=clean(str(result)))
        )
    if unexpected is not None:
        rt.journal.finish_run(run_id, "failed")
        raise unexpected
    rt.journal.finish_run(run_id, status)
    rt.lists_changed()
    return ApplyResult(portal=rt.ref, run_id=run_id, plan_id=plan.plan_id, items=outcomes, reconciled=reconciled)


def _unfinished_run(rt: Runtime, plan_id: str) -> str | None:
    """The latest run of this plan that never finished (killed, or stopped by the daily limit):
    resuming continues it, so one rollback_run undoes everything the plan's apply created."""
    for run in reversed(rt.journal.runs(rt.portal_id, "apply")):
        if run.plan_id == plan_id:
            return run.run_id if run.status in {"running", "interrupted"} else None
    return None


def static_target(rt: Runtime, item: PlanItem) -> str | None:
    """The existing list a plan item's members would go into (the one it reuses, or one an earlier run
    created for it), or None when the list is still to be created."""
    return item.existing_list_id if item.action == "reuse" else _already_created(rt, item)


def _already_created(rt: Runtime, item: PlanItem) -> str | None:
    """A list this tool created for the same segment and name, still present."""
    for entry in rt.journal.library(rt.portal_id):
        if entry.segment_key == item.key and entry.name.lower() == item.name.lower() and entry.origin == "created":
            return entry.list_id
    return None


def _apply_one(
    rt: Runtime,
    plan: Plan,
    item: PlanItem,
    run_id: str,
    folder_id: str | None,
    competitor_csv: str | None,
    confirmed: dict[str, list[str]] | None = None,
) -> ItemOutcome:
    if item.action in {"reuse", "adopt", "merge"} and item.existing_list_id:
        return _take_over(rt, item, run_id, competitor_csv, confirmed)
    moved = _move_aside(rt, item, run_id) if item.action == "move-aside" and item.existing_list_id else ""
    outcome = _create_item(rt, item, run_id, folder_id, competitor_csv, confirmed)
    if moved:
        outcome.message = f"{moved}; {outcome.message}"
    return outcome


def _take_over(
    rt: Runtime, item: PlanItem, run_id: str, competitor_csv: str | None, confirmed: dict[str, list[str]] | None
) -> ItemOutcome:
    """reuse / adopt / merge: the existing list becomes the segment's (renamed and re-filtered as chosen)."""
    list_id = str(item.existing_list_id)
    entry = rt.journal.created_by_tool(rt.portal_id, list_id)
    # A list an earlier run of this tool created stays that run's (so its rollback still deletes it);
    # adopting it here would make it nobody's to roll back. One an earlier run took over stays as is.
    created = entry is not None and entry.origin == "created"
    earlier = entry is not None and entry.segment_key == item.key and entry.run_id != run_id
    if item.action == "reuse" and entry is not None and (created or earlier):
        return ItemOutcome(
            key=item.key,
            name=entry.name,
            outcome="already-created" if created else "reused",
            list_id=list_id,
            members_added=_fill_static(rt, item, list_id, run_id, competitor_csv, confirmed),
            message=(
                f"created by this tool in {entry.run_id}; left as is"
                if created
                else f"in the library for this segment since {entry.run_id}; left as is"
            ),
        )
    try:
        lst = rt.portal.get_list(list_id, include_filters=True)
    except NotFound:
        return ItemOutcome(
            key=item.key,
            name=item.name,
            outcome="failed",
            list_id=None,
            message=f"list {list_id} no longer exists; nothing was changed. To see where things stand, "
            f"{rt.next_steps(Step.PLAN)} again",
        )
    before = (lst.name, lst.filter_branch)
    if item.action == "merge":
        if not lst.is_dynamic:
            return ItemOutcome(
                key=item.key,
                name=clean(lst.name),
                outcome="failed",
                list_id=list_id,
                message=f"{quoted(lst.name)} is a {lst.processing_type} list now; only active lists can be merged. "
                "Nothing was changed",
            )
        lst = refilter_journaled(rt, run_id, lst, item.filter_branch or {}, why="merge", segment_key=item.key)
    if item.rename_existing_to and item.action in {"adopt", "merge"}:
        lst = rename_journaled(rt, run_id, lst, item.rename_existing_to, why=item.action, segment_key=item.key)
    changed = before != (lst.name, lst.filter_branch)
    origin = "created" if created else {"reuse": "reused", "adopt": "adopted", "merge": "merged"}[item.action]
    if changed or not earlier:
        rt.journal.record_created(
            rt.portal_id,
            entry.run_id if created and entry is not None else run_id,
            list_id,
            lst.name,
            item.processing_type,
            item.key,
            item.filter_branch,
            origin=origin,  # type: ignore[arg-type]
            catalog_name=item.catalog_name or item.name,
        )
    added = _fill_static(rt, item, list_id, run_id, competitor_csv, confirmed)
    name = clean(lst.name)
    if item.action == "reuse":
        return ItemOutcome(
            key=item.key, name=name, outcome="reused", list_id=list_id, members_added=added, message=item.reason
        )
    if not changed:
        message = f"already {origin} for this segment in {entry.run_id}" if earlier and entry else "already so"
        message += "; nothing changed"
    elif item.action == "adopt":
        message = f"renamed {quoted(before[0])} to {quoted(name)}"
    else:
        message = "gave it the catalog's filters" + (
            f" and renamed {quoted(before[0])} to {quoted(name)}" if before[0] != lst.name else ""
        )
    if changed:
        message += f"; HubSpot keeps id {list_id}, so whatever uses it keeps working"
    return ItemOutcome(
        key=item.key,
        name=name,
        outcome="adopted" if item.action == "adopt" else "merged",
        list_id=list_id,
        members_added=added,
        message=message,
    )


def _move_aside(rt: Runtime, item: PlanItem, run_id: str) -> str:
    """Rename the existing list out of the way (only while it still has the name it had when planned)."""
    try:
        lst = rt.portal.get_list(str(item.existing_list_id), include_filters=False)
    except NotFound:
        return ""
    planned = item.clash.list_name if item.clash is not None else item.name
    if not item.rename_existing_to or lst.name not in {planned, item.name}:
        return ""  # already moved (a resumed run), or renamed by someone since: the name is not in the way
    old = lst.name
    rename_journaled(rt, run_id, lst, item.rename_existing_to, why="move-aside", segment_key=item.key)
    return f"moved {quoted(old)} (id {lst.id}) aside as {quoted(item.rename_existing_to)}, unchanged otherwise"


def _create_item(
    rt: Runtime,
    item: PlanItem,
    run_id: str,
    folder_id: str | None,
    competitor_csv: str | None,
    confirmed: dict[str, list[str]] | None,
) -> ItemOutcome:
    existing = _already_created(rt, item)
    if existing is not None:
        try:
            rt.portal.get_list(existing, include_filters=False)
            added = _fill_static(rt, item, existing, run_id, competitor_csv, confirmed)
            return ItemOutcome(
                key=item.key,
                name=item.name,
                outcome="already-created",
                list_id=existing,
                members_added=added,
                message="created by an earlier run of this plan; left as is",
            )
        except NotFound:
            pass  # deleted since: create it again
    try:
        created = create_journaled(
            rt,
            run_id,
            item.name,
            processing_type=item.processing_type,
            filter_branch=item.filter_branch,
            segment_key=item.key,
            folder_id=folder_id,
            team_ids=item.access.team_ids if item.access.mode == "teams" else (),
            catalog_name=item.catalog_name or item.name,
        )
    except DuplicateListName:
        # Another run of the same plan (a second client sharing this journal) got there first.
        existing = _already_created(rt, item)
        if existing is None:
            raise
        return ItemOutcome(
            key=item.key,
            name=item.name,
            outcome="already-created",
            list_id=existing,
            members_added=_fill_static(rt, item, existing, run_id, competitor_csv, confirmed),
            message="created by another run of this plan at the same time; left as is",
        )
    added = _fill_static(rt, item, created.id, run_id, competitor_csv, confirmed)
    return ItemOutcome(
        key=item.key,
        name=item.name,
        outcome="created",
        list_id=created.id,
        members_added=added,
        message=f"created as {'an active' if item.processing_type == 'DYNAMIC' else 'a static'} list",
        access=access_read_back(rt, created, item.access),
    )


def access_read_back(rt: Runtime, created: HubSpotList, wanted: ListAccess) -> str:
    """Who can see and edit a list we created, as HubSpot stored it (its `listPermissions`), in words;
    and whether that is what was asked."""
    lst = created if created.list_permissions is not None else rt.portal.get_list(created.id, include_filters=False)
    granted = lst.list_permissions
    if granted is None:
        return "HubSpot did not say who can see or edit it; check the list's Access tab in HubSpot"
    if not granted.restricted:
        stored = "everyone can view and edit"
    else:
        names = dict(zip((str(i) for i in wanted.team_ids), wanted.team_names, strict=False))
        parts = [f"team {names.get(t, t)} ({t})" for t in granted.teams_with_edit_access]
        parts += [f"user {u}" for u in granted.users_with_edit_access]
        stored = f"view and edit: {', '.join(parts)}; other teams and users: no access"
    asked = set(str(i) for i in wanted.team_ids) if wanted.mode == "teams" else set()
    if asked != set(granted.teams_with_edit_access):
        return f"{stored} (asked: {wanted.describe()}; HubSpot kept what is stated)"
    return stored


def create_journaled(
    rt: Runtime,
    run_id: str,
    name: str,
    *,
    processing_type: str,
    filter_branch: dict[str, Any] | None,
    segment_key: str | None,
    folder_id: str | None = None,
    team_ids: Sequence[int] = (),
    catalog_name: str | None = None,
) -> HubSpotList:
    """Journal the intent, create, settle. Returns the list as HubSpot answered."""
    action = rt.journal.intend(
        run_id,
        rt.portal_id,
        "create",
        segment_key=segment_key,
        list_name=name,
        detail={"filter_branch": filter_branch, "processing_type": processing_type, "catalog_name": catalog_name},
    )
    try:
        created = rt.portal.create_list(
            name,
            processing_type=processing_type,
            filter_branch=filter_branch,
            folder_id=folder_id,
            team_ids=list(team_ids),
        )
    except DuplicateListName as error:
        adopted = _adopt(rt, name, action)
        if adopted is None:
            rt.journal.settle(action, "failed", detail={"error": clean(str(error))})
            raise
        created = adopted
    except AmbiguousWrite as error:
        # Whether HubSpot created it is unknown: the next run looks it up by name.
        rt.journal.settle(action, "unknown", detail={"error": clean(str(error)), "processing_type": processing_type})
        raise
    except Exception as error:
        rt.journal.settle(action, "failed", detail={"error": clean(str(error))})
        raise
    rt.journal.settle_created(
        action,
        rt.portal_id,
        run_id,
        created.id,
        created.name,
        processing_type,
        segment_key,
        filter_branch,
        catalog_name,
    )
    return created


def planned_additions(
    rt: Runtime, item: PlanItem, list_id: str | None, competitor_csv: str | None
) -> StaticAdds | None:
    """What filling a static plan item adds now (None for an active list): every contact at its
    domains (the interview's and the CSV's) and at the CSV's listed addresses, less its members."""
    if item.processing_type != "MANUAL":
        return None
    return static_additions(
        rt,
        domains=[(domain, "interview") for domain in item.static_domains],
        csv_entries=parse_competitor_csv(competitor_csv),
        current=rt.portal.member_ids(list_id) if list_id else (),
    )


def _fill_static(
    rt: Runtime,
    item: PlanItem,
    list_id: str,
    run_id: str,
    competitor_csv: str | None,
    confirmed: dict[str, list[str]] | None = None,
) -> int | None:
    """Add the static item's contacts: the ones the user confirmed (`confirmed`, by item key) when
    given, else those `planned_additions` finds now; never one that is a member already."""
    if item.processing_type != "MANUAL":
        return None
    if confirmed is not None and item.key in confirmed:
        wanted = confirmed[item.key]
    else:
        adds = planned_additions(rt, item, None, competitor_csv)
        wanted = adds.record_ids if adds is not None else []
    current = set(rt.portal.member_ids(list_id))
    missing = [record_id for record_id in wanted if record_id not in current]
    return add_members_journaled(rt, run_id, list_id, missing, list_name=item.name, segment_key=item.key)


def add_members_journaled(
    rt: Runtime,
    run_id: str,
    list_id: str,
    record_ids: Sequence[str],
    *,
    list_name: str,
    segment_key: str | None = None,
) -> int:
    """Add records to a static list in batches, each journaled before it is sent; returns how many
    were added (ids already members are not counted)."""
    added = 0
    for start in range(0, len(record_ids), MEMBERSHIP_WRITE_BATCH):
        chunk = list(record_ids[start : start + MEMBERSHIP_WRITE_BATCH])
        action = rt.journal.intend(
            run_id,
            rt.portal_id,
            "add_members",
            segment_key=segment_key,
            list_name=list_name,
            list_id=list_id,
            detail={"count": len(chunk)},
        )
        change = rt.portal.add_members(list_id, chunk)
        rt.journal.settle(action, "ok")
        added += len(change.added)
    return added
