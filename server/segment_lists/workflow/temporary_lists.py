"""Exact overlaps at a cost that does not grow with the lists: HubSpot counts them.

For a pair of lists one CRM search cannot compare (definitions on associated companies, static lists),
the read-only methods page members: thousands of calls at a million contacts. Instead, a temporary
active list whose definition is "in list A and in list B" (two IN_LIST filters in one AND group, the
Lists API's own way to refer to a list: https://developers.hubspot.com/docs/api-reference/latest/crm/lists/guide)
is created; HubSpot processes it, and its size is the overlap. About four calls a pair (create, a
first members page for the samples when it is not empty, delete) plus status polls shared by all.

It is a write in the user's portal, so:
- only with consent (`check_groups(..., temporary_lists=True)`: the command line's flag; never the
  default), and never when the portal's active-list limit is near (the count in the inventory against
  the tier's limit, `data.hubspot_limits.TIER_ACTIVE_LISTS`, learnt from HubSpot's rate-limit headers);
- in a folder of its own (`TEMPORARY_FOLDER`), under names that say what they are;
- journaled before each create and each delete (a run of kind "check");
- always removed, in a `finally`; and after a crash the next check removes what the journal says was
  made and not yet removed (`remove_leftovers`), by id, or by name when the create's answer was lost;
- never part of the library (nothing is recorded there), and hidden from the inventory.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from segment_lists.data.hubspot_limits import TIER_ACTIVE_LISTS
from segment_lists.filters import and_, in_list, or_
from segment_lists.portal import NotFound, PortalError
from segment_lists.workflow.processing import wait_for_processing
from segment_lists.workflow.runtime import Runtime

TEMPORARY_FOLDER = "Segment lists - temporary overlap checks (removed automatically)"
NAME_PREFIX = "[Temporary] Overlap check"
HEADROOM = 0.05  # leave this share of the active-list limit free (at least `MIN_HEADROOM` lists)
MIN_HEADROOM = 5
CREATE = "create_temporary_list"
DELETE = "delete_temporary_list"


@dataclass
class TemporaryOverlap:
    overlap: int | None  # None: HubSpot had not finished processing within the wait
    sample_ids: list[str] = field(default_factory=list)
    calls: int = 0


class TemporaryListsRefused(Exception):
    """Why temporary lists are not used here (the read-only methods answer instead)."""


@dataclass(frozen=True)
class Headroom:
    """The portal's active lists against its tier's limit, and how many to leave free."""

    active: int
    limit: int
    spare: int  # left free whatever happens (`HEADROOM` of the limit, at least `MIN_HEADROOM`)
    tier: str

    @property
    def room(self) -> int:
        """How many temporary lists the portal can take now (0 when it is already near its limit)."""
        return max(0, self.limit - self.spare - self.active)

    def __str__(self) -> str:
        return (
            f"the portal has {self.active:,} active lists of the {self.limit:,} its "
            f"{self.tier.replace('-', ' ')} subscription allows"
        )


def list_headroom(rt: Runtime) -> Headroom:
    tier = rt.portal.learned_limits().tier or rt.settings.rate_tier
    limit = TIER_ACTIVE_LISTS[tier]
    active = sum(1 for lst in rt.lists(refresh=True) if lst.is_dynamic)
    return Headroom(active=active, limit=limit, spare=max(MIN_HEADROOM, int(limit * HEADROOM)), tier=tier)


def headroom_check(rt: Runtime, needed: int) -> None:
    """Refuse when `needed` more active lists would bring the portal near its limit."""
    headroom = list_headroom(rt)
    if needed > headroom.room:
        raise TemporaryListsRefused(f"{headroom}; {needed} temporary ones would leave fewer than {headroom.spare} free")


def temporary_list_ids(rt: Runtime) -> set[str]:
    """Every list this journal made as a temporary list (removed or not): never shown as the user's."""
    return {
        action.list_id
        for run in rt.journal.runs(rt.portal_id, "check")
        for action in rt.journal.actions(run.run_id)
        if action.action == CREATE and action.list_id
    }


def remove_leftovers(rt: Runtime) -> list[str]:
    """Remove the temporary lists an interrupted check left (as the journal says); their ids."""
    removed = []
    for run in rt.journal.runs(rt.portal_id, "check"):
        actions = rt.journal.actions(run.run_id)
        gone = {a.list_name for a in actions if a.action == DELETE and a.outcome == "ok"}
        for action in actions:
            if action.action != CREATE or action.list_name in gone or action.outcome == "failed":
                continue
            list_id = action.list_id
            if list_id is None:  # the create's answer was lost: find it by its (unique) name
                found = rt.portal.get_list_by_name(action.list_name or "")
                list_id = found.id if found is not None else None
            _delete(rt, run.run_id, action.list_name or "", list_id)
            if list_id:
                removed.append(list_id)
        if run.status == "running":
            rt.journal.finish_run(run.run_id, "cleaned up")
    if removed:
        rt.lists_changed()
    return removed


def _delete(rt: Runtime, run_id: str, name: str, list_id: str | None) -> None:
    action = rt.journal.intend(run_id, rt.portal_id, DELETE, list_name=name, list_id=list_id)
    if list_id is not None:
        rt.portal.delete_list(list_id)  # gone already is fine
    rt.journal.settle(action, "ok")


def _folder(rt: Runtime) -> str | None:
    """The temporary lists' own folder, found or made (None: folders unreadable; the root then)."""
    try:
        for child in rt.portal.folder_tree().child_nodes:
            if child.name == TEMPORARY_FOLDER:
                return child.id
        return rt.portal.create_folder(TEMPORARY_FOLDER).id
    except PortalError:
        return None


def _name(tag: str, index: int, pair: tuple[str, str]) -> str:
    """A temporary list's name: made once per check (tag), and found again by it after a crash."""
    return f"{NAME_PREFIX} {tag}-{index + 1}: lists {pair[0]} and {pair[1]}"


def count_overlaps(
    rt: Runtime, pairs: Sequence[tuple[str, str]], *, samples: int, wait_seconds: float
) -> list[TemporaryOverlap]:
    """Each pair's overlap, counted by HubSpot through a temporary list (journaled, always removed)."""
    headroom_check(rt, len(pairs))
    remove_leftovers(rt)
    run_id = rt.journal.start_run(rt.portal_id, "check")
    tag = uuid.uuid4().hex[:8]
    made: dict[int, str] = {}
    results = [TemporaryOverlap(overlap=None, calls=0) for _ in pairs]
    folder_id: str | None = None
    try:
        folder_id = _folder(rt)

        def create(index: int) -> None:
            first, second = pairs[index]
            name = _name(tag, index, pairs[index])
            action = rt.journal.intend(run_id, rt.portal_id, CREATE, list_name=name)
            branch = or_(and_(in_list(first), in_list(second))).to_hubspot()
            try:
                created = rt.portal.create_list(
                    name, processing_type="DYNAMIC", filter_branch=branch, folder_id=folder_id
                )
            except PortalError:
                rt.journal.settle(action, "unknown")  # `remove_leftovers` looks for it by name
                raise
            rt.journal.settle(action, "ok", list_id=created.id)
            made[index] = created.id
            results[index].calls += 1

        rt.map(create, range(len(pairs)))
        done = wait_for_processing(rt, list(made.values()), timeout=wait_seconds)
        for index, list_id in made.items():
            lst = done.get(list_id)
            if getattr(lst, "processing_status", None) == "COMPLETE":
                results[index].overlap = int(getattr(lst, "size", 0) or 0)

        def sample(index: int) -> None:
            if results[index].overlap:
                page = rt.portal.memberships_page(made[index], limit=samples)
                results[index].sample_ids = [m.record_id for m in page.members][:samples]
                results[index].calls += 1

        rt.map(sample, list(made))
    finally:
        for index, list_id in made.items():
            name = _name(tag, index, pairs[index])
            # On failure it is left for `remove_leftovers` on the next check: the journal still has it.
            with contextlib.suppress(NotFound, PortalError):
                _delete(rt, run_id, name, list_id)
                results[index].calls += 1
        if folder_id is not None:
            with contextlib.suppress(PortalError):  # HubSpot refuses while it still holds a list: kept then
                rt.portal.delete_folder(folder_id)
        rt.journal.finish_run(run_id, "done")
        rt.lists_changed()
    return results
