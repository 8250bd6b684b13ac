"""Measure the library against a plan: count every list that exists (after HubSpot has processed it)
and check the plan's exclusivity groups among them. `segment-lists verify` and `report` both do this.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Protocol

from segment_lists.boundary.text import counted
from segment_lists.domain.interview import Answers
from segment_lists.domain.plan import Plan
from segment_lists.workflow.drift import LibraryStatus, plan_status
from segment_lists.workflow.exclusivity import ExclusivityReport, check_groups, plan_groups
from segment_lists.workflow.runtime import Runtime
from segment_lists.workflow.verify import CountReport, count_members


class Steps(Protocol):
    """How a long use case shows progress (the command line draws bars; others stay quiet)."""

    def step(self, label: str) -> AbstractContextManager[object]:
        """An indeterminate step, e.g. 'reading the portal and planning'."""
        ...

    def bar(self, done: float, total: float, message: str) -> None:
        """A determinate one, e.g. lists processed out of lists created."""
        ...


class Quiet:
    def step(self, label: str) -> AbstractContextManager[object]:
        return nullcontext()

    def bar(self, done: float, total: float, message: str) -> None:
        return None


@dataclass(frozen=True)
class LibraryCheck:
    plan: Plan
    status: LibraryStatus
    counts: CountReport
    exclusivity: ExclusivityReport


def measure_library(
    rt: Runtime,
    plan: Plan,
    status: LibraryStatus,
    *,
    wait: float,
    history: bool,
    steps: Steps | None = None,
    temporary_lists: bool = False,
) -> tuple[CountReport, ExclusivityReport]:
    """Counts of the lists that exist (in sync or drifted), and the exclusivity of the groups that have
    two or more of them (`temporary_lists`: the user agreed to HubSpot counting overlaps that way)."""
    steps = steps or Quiet()
    ids = [state.list_id for state in status.items if state.list_id and state.status in {"in-sync", "drifted"}]
    steps.bar(0, max(1, len(ids)), "waiting for HubSpot to process the lists")
    counts = (
        count_members(rt, ids, plan=plan, wait_seconds=wait, include_history=history, progress=steps.bar)
        if ids
        else CountReport(portal=rt.ref, counts=[], waited_seconds=0.0)
    )
    groups = [(group, members) for group, members in plan_groups(rt, plan) if len(members) >= 2]
    with steps.step(f"checking {counted(len(groups), 'exclusivity group')}"):
        exclusivity = check_groups(rt, groups, temporary_lists=temporary_lists)
    return counts, exclusivity


def check_library(
    rt: Runtime,
    answers: Answers,
    *,
    wait: float,
    history: bool = False,
    estimate: bool = False,
    steps: Steps | None = None,
    temporary_lists: bool = False,
) -> LibraryCheck:
    """Plan the answers, then measure the portal's lists against the plan."""
    steps = steps or Quiet()
    with steps.step("reading the portal and planning"):
        plan, status = plan_status(rt, answers, estimate=estimate)
    counts, exclusivity = measure_library(
        rt, plan, status, wait=wait, history=history, steps=steps, temporary_lists=temporary_lists
    )
    return LibraryCheck(plan=plan, status=status, counts=counts, exclusivity=exclusivity)
