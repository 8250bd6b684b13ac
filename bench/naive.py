"""The naive baseline: the same flow as a straightforward client would write it.

Sequential calls (one at a time), nothing cached (properties and lists read whenever needed),
default page sizes (100 members a page), processing polled list by list every second, and for
exclusivity every pair pages both lists' members again. Same portal, same answers, same plan.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from segment_lists.workflow.apply import apply_items, select_items
from segment_lists.workflow.inventory import take_inventory
from segment_lists.workflow.proposal import propose
from segment_lists.workflow.runtime import Runtime

DEFAULT_PAGE = 100  # HubSpot's default membership page size
POLL_SECONDS = 1.0


def members(rt: Runtime, list_id: str) -> set[str]:
    found: set[str] = set()
    after: str | None = None
    while True:
        page = rt.portal.memberships_page(list_id, after=after, limit=DEFAULT_PAGE)
        found.update(m.record_id for m in page.members)
        if not page.next_after or not page.members:
            return found
        after = page.next_after


def verify(rt: Runtime, list_ids: list[str], timeout: float) -> dict[str, int | None]:
    sizes: dict[str, int | None] = {}
    for list_id in list_ids:
        deadline = time.monotonic() + timeout
        while True:
            lst = rt.portal.get_list(list_id, include_filters=False)
            if lst.processing_status == "COMPLETE" or time.monotonic() > deadline:
                sizes[list_id] = lst.size
                break
            time.sleep(POLL_SECONDS)
    return sizes


def exclusivity(rt: Runtime, groups: list[tuple[Any, dict[str, str]]]) -> dict[tuple[str, str], int]:
    overlaps: dict[tuple[str, str], int] = {}
    for group, ids in groups:
        list_ids = [ids[k] for k in group.members if k in ids]
        union: set[str] = set()
        for first, second in itertools.combinations(list_ids, 2):
            a, b = members(rt, first), members(rt, second)
            union |= a | b
            common = sorted(a & b, key=int)
            overlaps[(first, second)] = len(common)
            if common:
                rt.portal.batch_read("contacts", common[:5], ["email"])
        if group.partition:
            rt.portal.count("contacts")
    return overlaps


def naive_flow(rt: Runtime, answers: Any, recorder: Any, plan_groups: Any, wait_seconds: float) -> dict[str, Any]:
    rt.workers, rt.cache = 1, False
    recorder.run("inventory", take_inventory, rt)
    plan = recorder.run("plan", propose, rt, answers)
    applied = recorder.run("create", apply_items, rt, plan, select_items(plan, None))
    ids = [item.list_id for item in applied.items if item.list_id]
    sizes = recorder.run("verify", verify, rt, ids, wait_seconds)
    overlaps = recorder.run("exclusivity", exclusivity, rt, plan_groups(rt, plan))
    return {"plan": plan, "applied": applied, "sizes": sizes, "overlaps": overlaps}
