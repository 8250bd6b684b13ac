"""What the recommendation for a clash rests on: who uses the existing list, and how a merge would
change its members (contacts that join, contacts that leave), counted before anything is written.

Members that would leave are the list's members now that the catalog's definition does not match;
those that would join match it and are not members. Both come from the list's memberships and one
CRM search of the catalog's definition, when that definition translates into a search and neither
side is too large to read; otherwise the change is said to be unknown, with why.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from segment_lists.boundary.text import quoted
from segment_lists.domain.clashes import Evidence
from segment_lists.domain.plan import MembershipChange, Plan
from segment_lists.domain.search_translation import to_search_groups
from segment_lists.workflow.dependencies import DependencyReport, find_dependents
from segment_lists.workflow.runtime import Runtime

# Beyond this many members (either side) the comparison costs more reads than a plan should.
COMPARE_LIMIT = 20_000


def in_words(report: DependencyReport) -> tuple[list[str], list[str]]:
    """(dependents, what could not be checked), each as a line a person reads."""
    return (
        [f"{d.kind} {quoted(d.name)} (id {d.id}): {d.how}" for d in report.dependents],
        [f"{u.kind}s ({u.reason})" for u in report.unchecked],
    )


def membership_change(rt: Runtime, list_id: str, size: int | None, branch: dict[str, Any] | None) -> MembershipChange:
    if not branch:
        return MembershipChange(note="the segment has no definition yet")
    groups = to_search_groups(branch, now=datetime.now(UTC), zone=rt.time_zone)
    if groups is None:
        return MembershipChange(
            note="the catalog's definition cannot be counted with a CRM search before a list has it"
        )
    matching = rt.count("contacts", groups)
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
        changes = rt.map(
            lambda item: membership_change(rt, item.clash.list_id, item.clash.size, item.filter_branch), mergeable
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
