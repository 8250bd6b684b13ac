"""The default flow, run by the workflow functions the MCP tools call (shared by bench/flow.py)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from segment_lists.domain.catalog import ExclusivityGroup
from segment_lists.domain.interview import Answers, PartnerMarker
from segment_lists.workflow.apply import apply_items, select_items
from segment_lists.workflow.exclusivity import check_groups
from segment_lists.workflow.inventory import take_inventory
from segment_lists.workflow.proposal import propose
from segment_lists.workflow.runtime import Runtime
from segment_lists.workflow.verify import count_members


@dataclass
class Phase:
    name: str
    seconds: float
    calls: Counter[str] = field(default_factory=Counter)
    server_seconds: float = 0.0  # the sandbox's own list evaluation during the phase (see bench/README.md)


def demo_answers(competitor_domains: list[str]) -> Answers:
    # The demo portal's two planted clashes answered as the reliability harness does: the same lists
    # are created as before clashes became questions (11, one reused), plus one rename.
    return Answers(
        competitor_domains=competitor_domains,
        partner_marker=PartnerMarker(property="contact_type", values=["partner"]),
        choices={"core.customers": "reuse", "core.suppressed": "move-aside"},
    )


def plan_groups(rt: Runtime, plan: Any) -> list[tuple[ExclusivityGroup, dict[str, str]]]:
    by_key = {e.segment_key: e.list_id for e in rt.journal.library(rt.portal_id) if e.segment_key}
    return [(group, {k: by_key[k] for k in group.members if k in by_key}) for group in plan.groups]


class Recorder:
    def __init__(self, rt: Runtime, server_seconds: Callable[[], float] = lambda: 0.0) -> None:
        self.rt = rt
        self.phases: list[Phase] = []
        self.server_seconds = server_seconds

    def run(self, name: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        before = self.rt.portal.stats().calls
        server_before = self.server_seconds()
        started = time.perf_counter()
        result = fn(*args, **kwargs)
        seconds = time.perf_counter() - started
        after = self.rt.portal.stats().calls
        self.phases.append(Phase(name, seconds, after - before, self.server_seconds() - server_before))
        return result


def optimized_flow(
    rt: Runtime,
    answers: Answers,
    wait_seconds: float = 1800,
    *,
    temporary_lists: bool = False,
    server_seconds: Callable[[], float] = lambda: 0.0,
) -> tuple[Recorder, dict[str, Any]]:
    rec = Recorder(rt, server_seconds)
    rec.run("inventory", take_inventory, rt)
    plan = rec.run("plan", propose, rt, answers)
    items = select_items(plan, None)
    applied = rec.run("create", apply_items, rt, plan, items, competitor_csv=answers.competitor_csv)
    ids = [item.list_id for item in applied.items if item.list_id]
    counts = rec.run("verify", count_members, rt, ids, plan=plan, wait_seconds=wait_seconds)
    report = rec.run(
        "exclusivity",
        check_groups,
        rt,
        plan_groups(rt, plan),
        wait_seconds=wait_seconds,
        temporary_lists=temporary_lists,
    )
    return rec, {"plan": plan, "applied": applied, "counts": counts, "exclusivity": report}
