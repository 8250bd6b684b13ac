"""What the recommendation for a clash rests on: who uses the existing list, and how a merge would
change its members (contacts that join, contacts that leave), counted before anything is written.

Members that would leave are the list's members now that the catalog's definition does not match;
those that would join match it and are not members. When both definitions translate into a search,
one search of their AND counts who stays (a bounded cost at any size); otherwise both sides are read
(the list's memberships, a CRM search of the catalog's definition) when small enough, else the
change is said to be unknown, with why.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from segment_lists.boundary.text import quoted
from segment_lists.domain.clashes import Evidence
from segment_lists.domain.plan import MembershipChange, Plan
from segment_lists.domain.search_groups import intersection
from segment_lists.domain.search_translation import to_search_groups
from segment_lists.portal.models import HubSpotList
from segment_lists.workflow.dependencies import DependencyReport, find_dependents
from segment_lists.workflow.runtime import Runtime


def in_words(report: DependencyReport) -> tuple[list[str], list[str]]:
    """(dependents, what could not be checked), each as a line a person reads."""
    return (
        [f"{d.kind} {quoted(d.name)} (id {d.id}): {d.how}" for d in report.dependents],
        [f"{u.kind}s ({u.reason})" for u in report.unchecked],
    )


# Paging both sides (when one CRM search cannot compare them) is done only this far: a plan is
# something a person waits for in chat, and 10 pages a side are about 4 seconds of search allowance.
COMPARE_LIMIT = 2_000


def membership_change(
    rt: Runtime,
    list_id: str,
    size: int | None,
    branch: dict[str, Any] | None,
    current: HubSpotList | None = None,
) -> MembershipChange:
    """Who joins and who leaves if `list_id` took `branch`. When the list's current definition and
    the new one both translate into search filterGroups and the list is processed, one search of
    both (their AND) counts who stays: joins = new - both, leaves = size - both. Otherwise both sides
    are read, when small enough."""
    if not branch:
        return MembershipChange(note="the segment has no definition yet")
    now = datetime.now(UTC)
    groups = to_search_groups(branch, now=now, zone=rt.time_zone)
    if groups is None:
        return MembershipChange(
            note="the catalog's definition cannot be counted with a CRM search before a list has it"
        )
    matching = rt.count("contacts", groups)
    old_groups = (
        to_search_groups(current.filter_branch, now=now, zone=rt.time_zone)
        if current is not None and current.is_dynamic and current.filter_branch
        else None
    )
    both = intersection(old_groups, groups)
    if both is not None and size is not None and current is not None and current.processing_status == "COMPLETE":
        stay = rt.count("contacts", both) if both else 0
        return MembershipChange(
            joins=max(0, matching - stay),
            leaves=max(0, size - stay),
            note="from one CRM search of both definitions and the list's size",
        )
    if matching > COMPARE_LIMIT or (size or 0) > COMPARE_LIMIT:
        return MembershipChange(note=f"too large to compare beforehand ({matching} contacts match the new definition)")
    new = set(rt.portal.search_ids("contacts", groups))
    old = set(rt.portal.member_ids(list_id))
    return MembershipChange(
        joins=len(new - old), leaves=len(old - new), note="from its members now and a CRM search of the new definition"
    )


def gather_evidence(rt: Runtime, plan: Plan, *, measure: bool) -> dict[str, Evidence]:
    """Evidence for every existing list a plan item clashes with; membership changes only when
    `measure` (they cost CRM searches) and only where a merge is an option."""
    clashes = {item.clash.list_id: item for item in plan.items if item.clash is not None}
    if not clashes:
        return {}
    reports = find_dependents(rt, clashes)
    evidence = {}
    for list_id in clashes:
        dependents, unchecked = in_words(reports[list_id])
        evidence[list_id] = Evidence(dependents=dependents, unchecked=unchecked)
    if measure:
        mergeable = [item for item in clashes.values() if item.clash is not None and item.clash.offers("merge")]
        ids = sorted({item.clash.list_id for item in mergeable}, key=int)
        current = {lst.id: lst for lst in rt.portal.get_lists(ids, include_filters=True)} if ids else {}
        changes = rt.map(
            lambda item: membership_change(
                rt, item.clash.list_id, item.clash.size, item.filter_branch, current.get(item.clash.list_id)
            ),
            mergeable,
        )
        for item, change in zip(mergeable, changes, strict=True):
            evidence[item.clash.list_id].membership_change = change
    return evidence


def dependents_of(rt: Runtime, list_ids: Iterable[str]) -> dict[str, tuple[list[str], list[str]]]:
    """Fresh: who uses each list now, in words (for the confirmation of a merge)."""
    ids = list(dict.fromkeys(list_ids))
    if not ids:
        return {}
    return {list_id: in_words(report) for list_id, report in find_dependents(rt, ids).items()}
