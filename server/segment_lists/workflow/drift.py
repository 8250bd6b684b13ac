"""Where the portal stands against a plan: per segment missing, in sync, drifted, or waiting on an answer.

"Drifted" means a list this tool created (the journal knows it) no longer has the planned filters:
someone edited it in HubSpot since, or the segments file changed. The difference is said in plain
words: both definitions, and the conditions one has and the other lacks.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

from pydantic import BaseModel, Field

from segment_lists.boundary.text import clean
from segment_lists.domain.interview import Answers
from segment_lists.domain.plan import Plan, PlanItem
from segment_lists.filters import definition_key, describe
from segment_lists.portal.models import HubSpotList
from segment_lists.workflow.library import lists_by_segment
from segment_lists.workflow.proposal import propose
from segment_lists.workflow.runtime import PortalRef, Runtime

Status = Literal["missing", "in-sync", "drifted", "adopt", "name-taken", "needs-input", "conflict"]
STATUS_WORDS: dict[str, str] = {
    "missing": "missing: apply creates it",
    "in-sync": "in sync",
    "drifted": "DRIFTED: the list in HubSpot differs from the segments file",
    "adopt": "exists: an existing list has exactly this definition; apply adopts it",
    "name-taken": "the name is taken by another list; apply creates it under a new name",
    "needs-input": "needs an answer in the segments file",
    "conflict": "conflict: decide in the segments file",
}
Labels = tuple[dict[str, str], dict[str, dict[str, str]]]


class ItemStatus(BaseModel):
    key: str
    name: str
    status: Status
    list_id: str | None = None
    size: int | None = None
    message: str
    planned: str = Field(description="The planned definition in plain words")
    live: str | None = Field(default=None, description="The definition in HubSpot now, in plain words")
    added: list[str] = Field(default_factory=list, description="Conditions HubSpot has that the plan lacks")
    removed: list[str] = Field(default_factory=list, description="Conditions the plan has that HubSpot lacks")


class LibraryStatus(BaseModel):
    portal: PortalRef
    plan_id: str
    items: list[ItemStatus]

    def count(self, status: Status) -> int:
        return sum(1 for item in self.items if item.status == status)

    @property
    def drifted(self) -> list[ItemStatus]:
        return [item for item in self.items if item.status == "drifted"]

    @property
    def pending(self) -> list[ItemStatus]:
        """What `apply` would still do (or cannot do without an answer)."""
        return [item for item in self.items if item.status in {"missing", "adopt", "name-taken", "needs-input"}]

    def applicable_keys(self) -> list[str]:
        return [item.key for item in self.items if item.status in {"missing", "adopt", "name-taken"}]


def _words(branch: dict[str, Any], words: Labels) -> str:
    return clean(describe(branch, property_labels=words[0], option_labels=words[1]), limit=2000)


def conditions(branch: dict[str, Any] | None, words: Labels) -> list[str]:
    """Each condition of each AND group, in plain words (an association's conditions as one unit)."""
    if not branch:
        return []
    units = []
    for group in branch.get("filterBranches") or []:
        for flt in group.get("filters") or []:
            units.append(_words(_root(group, filters=[flt]), words))
        for nested in group.get("filterBranches") or []:
            units.append(_words(_root(group, branches=[nested]), words))
    for flt in branch.get("filters") or []:
        units.append(_words(_root({"filterBranchType": "AND"}, filters=[flt]), words))
    return units


def _root(group: dict[str, Any], *, filters: list[Any] | None = None, branches: list[Any] | None = None) -> dict:
    inner = {
        "filterBranchType": group.get("filterBranchType", "AND"),
        "filterBranchOperator": "AND",
        "filters": filters or [],
        "filterBranches": branches or [],
    }
    return {"filterBranchType": "OR", "filterBranchOperator": "OR", "filters": [], "filterBranches": [inner]}


def difference(planned: dict[str, Any] | None, live: dict[str, Any] | None, words: Labels) -> tuple[list, list]:
    """(added in HubSpot, removed in HubSpot), condition by condition."""
    want, have = Counter(conditions(planned, words)), Counter(conditions(live, words))
    return sorted((have - want).elements()), sorted((want - have).elements())


def compare(
    plan: Plan,
    library: dict[str, str],
    live: dict[str, HubSpotList],
    words: Labels,
    portal: PortalRef,
) -> LibraryStatus:
    """`library`: segment key -> id of the list this tool made for it; `live`: those lists, with filters."""
    return LibraryStatus(
        portal=portal,
        plan_id=plan.plan_id,
        items=[_status(item, library.get(item.key), live, words) for item in plan.items],
    )


def _status(item: PlanItem, list_id: str | None, live: dict[str, HubSpotList], words: Labels) -> ItemStatus:
    base: dict[str, Any] = {"key": item.key, "name": item.name, "planned": item.description}
    if item.action in {"needs-input", "conflict"}:
        return ItemStatus(**base, status=item.action, message=item.question or item.reason)
    lst = live.get(list_id) if list_id else None
    if list_id and lst is None:
        return ItemStatus(
            **base,
            status="missing",
            message=f"list {list_id} made for it earlier no longer exists in HubSpot (deleted); apply creates it",
        )
    if lst is None:
        if item.action == "reuse":
            return ItemStatus(**base, status="adopt", list_id=item.existing_list_id, message=item.reason)
        if item.action == "rename":
            return ItemStatus(**base, status="name-taken", message=item.reason)
        return ItemStatus(**base, status="missing", message=STATUS_WORDS["missing"])
    # The list as HubSpot names it: the plan may want a clash-free "(2)" name for a list that is ours.
    base.update(list_id=lst.id, size=lst.size, name=clean(lst.name))
    # Names are not compared: an adopted list keeps its own name, and a clash-avoiding "(2)" is expected.
    problems = []
    if item.processing_type != lst.processing_type and not (
        item.processing_type == "MANUAL" and lst.processing_type in {"MANUAL", "SNAPSHOT"}
    ):
        problems.append(f"it is {lst.processing_type} in HubSpot, {item.processing_type} in the segments file")
    added: list[str] = []
    removed: list[str] = []
    live_words = None
    if item.processing_type == "DYNAMIC" and definition_key(lst.filter_branch) != definition_key(item.filter_branch):
        live_words = _words(lst.filter_branch, words) if lst.filter_branch else "no filters"
        added, removed = difference(item.filter_branch, lst.filter_branch, words)
        change = []
        if removed:
            change.append("lost " + "; ".join(removed))
        if added:
            change.append("gained " + "; ".join(added))
        problems.append("its filters were changed: " + (", and ".join(change) if change else "they are regrouped"))
    if not problems:
        return ItemStatus(**base, status="in-sync", message=f"list {lst.id} matches the segments file")
    return ItemStatus(
        **base,
        status="drifted",
        live=live_words,
        added=added,
        removed=removed,
        message=f"list {lst.id}: " + "; ".join(problems),
    )


def plan_status(rt: Runtime, answers: Answers, *, estimate: bool) -> tuple[Plan, LibraryStatus]:
    """The plan for these answers (journaled, like propose_segments'), and where the portal stands against it."""
    plan = propose(rt, answers, estimate=estimate)
    return plan, library_status(rt, plan)


def library_status(rt: Runtime, plan: Plan) -> LibraryStatus:
    """Read the lists this tool made for the plan's segments (one batch read with filters) and compare."""
    library = lists_by_segment(rt)
    wanted = sorted({library[item.key] for item in plan.items if item.key in library}, key=int)
    live = {lst.id: lst for lst in rt.portal.get_lists(wanted, include_filters=True)} if wanted else {}
    return compare(plan, library, live, rt.labels(), rt.ref)
