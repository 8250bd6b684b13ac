"""check_exclusivity: lists that must not overlap, and partitions that must cover every contact.

Each list's members are paged once (250 per call) and shared by every pair that needs them; pairs
are intersected locally. Offenders are shown with a few record ids and their emails.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

from pydantic import BaseModel, Field

from segment_lists.catalog import ExclusivityGroup
from segment_lists.text import clean
from segment_lists.workflow.runtime import PortalRef, Runtime

SAMPLES = 5
WORKERS = 4


class Offender(BaseModel):
    record_id: str
    email: str | None = None


class PairOverlap(BaseModel):
    group: str
    first: str  # list id
    second: str
    first_name: str
    second_name: str
    overlap: int
    samples: list[Offender] = Field(default_factory=list)
    method: Literal["members", "search"] = "members"


class GroupResult(BaseModel):
    group: str
    description: str
    list_ids: list[str]
    partition: bool
    exclusive: bool
    pairs: list[PairOverlap]
    uncovered: int | None = None  # partitions: contacts in none of the lists
    message: str


class ExclusivityReport(BaseModel):
    portal: PortalRef
    groups: list[GroupResult]
    overlapping_pairs: int
    calls: int = 0


def check_groups(rt: Runtime, groups: Sequence[tuple[ExclusivityGroup, dict[str, str]]]) -> ExclusivityReport:
    """`groups`: each declared group with its segment key -> list id mapping (members that exist)."""
    before = rt.portal.stats().total_calls
    needed = sorted({list_id for _, ids in groups for list_id in ids.values()}, key=int)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        members = dict(zip(needed, pool.map(lambda i: set(rt.portal.member_ids(i)), needed), strict=True))
    names = {lst.id: clean(lst.name) for lst in rt.portal.get_lists(needed, include_filters=False)} if needed else {}
    total_contacts = rt.portal.count("contacts") if any(g.partition for g, _ in groups) else 0
    results = []
    overlapping = 0
    for group, ids in groups:
        list_ids = [ids[key] for key in group.members if key in ids]
        pairs = []
        for first, second in itertools.combinations(list_ids, 2):
            common = members[first] & members[second]
            pairs.append(
                PairOverlap(
                    group=group.name,
                    first=first,
                    second=second,
                    first_name=names.get(first, ""),
                    second_name=names.get(second, ""),
                    overlap=len(common),
                    samples=_samples(rt, common),
                )
            )
        overlapping += sum(1 for pair in pairs if pair.overlap)
        uncovered = None
        if group.partition:
            covered = set().union(*(members[i] for i in list_ids)) if list_ids else set()
            uncovered = max(0, total_contacts - len(covered))
        exclusive = all(pair.overlap == 0 for pair in pairs)
        results.append(
            GroupResult(
                group=group.name,
                description=group.description,
                list_ids=list_ids,
                partition=group.partition,
                exclusive=exclusive,
                pairs=pairs,
                uncovered=uncovered,
                message=_message(group, pairs, uncovered),
            )
        )
    calls = rt.portal.stats().total_calls - before
    return ExclusivityReport(portal=rt.ref, groups=results, overlapping_pairs=overlapping, calls=calls)


def _samples(rt: Runtime, common: set[str]) -> list[Offender]:
    if not common:
        return []
    sample = sorted(common, key=int)[:SAMPLES]
    emails = {
        record.id: record.properties.get("email") for record in rt.portal.batch_read("contacts", sample, ["email"])
    }
    return [Offender(record_id=i, email=clean(emails.get(i)) or None) for i in sample]


def _message(group: ExclusivityGroup, pairs: list[PairOverlap], uncovered: int | None) -> str:
    bad = [pair for pair in pairs if pair.overlap]
    parts = []
    if bad:
        parts.append(
            "; ".join(
                f"{pair.overlap} contacts are in both '{pair.first_name}' and '{pair.second_name}'" for pair in bad
            )
        )
    else:
        parts.append("no overlaps")
    if uncovered:
        parts.append(f"{uncovered} contacts are in none of these lists")
    return ". ".join(parts) + "."
