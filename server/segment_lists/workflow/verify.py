"""count_members: wait for HubSpot to finish processing, then compare sizes with expectations.

Waiting is one batched read of every pending list per poll, spaced by the time already waited; it sleeps without
holding any limiter slot, so other work in the same process keeps HubSpot's allowance to itself.
The trend (quarterly review) merges HubSpot's size history with the journal's snapshots and flags
what the catalog would not expect: a size now outside the expected range, or a change of more
than half (up or down) over the period.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from segment_lists.boundary.ids import checked_list_id
from segment_lists.boundary.text import clean, counted
from segment_lists.domain.plan import Plan
from segment_lists.workflow.failures import InvalidRequest
from segment_lists.workflow.next_steps import Step
from segment_lists.workflow.processing import Progress, wait_for_processing
from segment_lists.workflow.proposal import load_plan
from segment_lists.workflow.runs import apply_run, run_list_ids
from segment_lists.workflow.runtime import PortalRef, Runtime

UNUSUAL_GROWTH = 1.5  # the last size over the first: beyond x1.5 (or below 1/1.5) is flagged
HISTORY_DAYS = 365
ESTIMATE_TOLERANCE = 0.1  # a count within 10% (or 5 records) of the estimate agrees with it


TrendFlag = Literal["unusual-growth", "unusual-shrinkage", "left-expected-range", "outside-expected-range"]


class SizePoint(BaseModel):
    at: str
    size: int
    source: Literal["hubspot", "journal"]


class MemberCount(BaseModel):
    list_id: str
    name: str = Field(description="The list's name in HubSpot now")
    segment_key: str | None = Field(default=None, description="Its role in the library: the catalog segment")
    catalog_name: str | None = Field(default=None, description="The catalog's name for that segment")
    size: int | None
    processing_status: str | None
    estimate: int | None = None
    expected_range: tuple[int, int] | None = None
    verdict: Literal["ok", "outside-expected-range", "differs-from-estimate", "still-processing", "not-found"]
    message: str
    history: list[SizePoint] = Field(default_factory=list)
    trend: str | None = None
    trend_flag: TrendFlag | None = None  # set when the trend is outside what the catalog expects


class CountReport(BaseModel):
    portal: PortalRef
    counts: list[MemberCount]
    waited_seconds: float


def count_members(
    rt: Runtime,
    list_ids: Sequence[str],
    *,
    plan: Plan | None = None,
    wait_seconds: float = 120,
    include_history: bool = False,
    progress: Progress | None = None,
) -> CountReport:
    started = time.monotonic()
    ids = list(dict.fromkeys(str(i) for i in list_ids))
    found = wait_for_processing(rt, ids, timeout=wait_seconds, progress=progress)
    expectations = _expectations(rt, plan)
    roles = _roles(rt, plan)
    histories = (
        dict(zip(ids, rt.map(lambda i: _history(rt, i) if i in found else [], ids), strict=True))
        if include_history
        else {}
    )
    counts = []
    for list_id in ids:
        lst = found.get(list_id)
        if lst is None:
            counts.append(
                MemberCount(
                    list_id=list_id,
                    name="",
                    size=None,
                    processing_status=None,
                    verdict="not-found",
                    message=f"list {list_id} does not exist (or was deleted); {rt.next_steps(Step.LIST_IDS)}",
                )
            )
            continue
        estimate, expected, margin = expectations.get(list_id, (None, None, 0))
        count = _judge(
            list_id,
            clean(lst.name),
            lst.size,
            lst.processing_status,
            estimate,
            expected,
            rt.next_steps(Step.COUNT),
            margin=margin,
        )
        count.segment_key, count.catalog_name = roles.get(list_id, (None, None))
        if lst.size is not None and lst.processing_status == "COMPLETE":
            rt.journal.snapshot(rt.portal_id, list_id, lst.size, "count_members")
        if include_history:
            count.history = histories[list_id]
            count.trend, count.trend_flag = trend(count.history, expected)
        counts.append(count)
    return CountReport(portal=rt.ref, counts=counts, waited_seconds=round(time.monotonic() - started, 2))


def count_requested(
    rt: Runtime,
    *,
    list_ids: Sequence[str] | None = None,
    run_id: str | None = None,
    plan_id: str | None = None,
    wait_seconds: float = 120,
    include_history: bool = False,
    progress: Progress | None = None,
) -> CountReport:
    """Count the given lists and/or every list of an apply run, judged against the plan given or the
    run's own plan."""
    ids = [checked_list_id(i) for i in list_ids or []]  # the faces checked them; a third face may not have
    if run_id:
        run = apply_run(rt, run_id)
        ids += run_list_ids(rt, run.run_id, created_only=False)
        plan_id = plan_id or run.plan_id
    if not ids:
        raise InvalidRequest("Give list_ids or a run_id (of an apply run)")
    plan = load_plan(rt, plan_id) if plan_id else None
    return count_members(
        rt, ids, plan=plan, wait_seconds=wait_seconds, include_history=include_history, progress=progress
    )


def _roles(rt: Runtime, plan: Plan | None) -> dict[str, tuple[str | None, str | None]]:
    """List id -> (segment key, catalog name): the role each library list plays, beside HubSpot's name."""
    planned = {item.key: item.catalog_name or item.name for item in plan.items} if plan else {}
    return {
        entry.list_id: (
            entry.segment_key,
            clean(entry.catalog_name or planned.get(entry.segment_key or "") or "") or None,
        )
        for entry in rt.journal.library(rt.portal_id)
    }


def _expectations(rt: Runtime, plan: Plan | None) -> dict[str, tuple[int | None, tuple[int, int] | None, int]]:
    if plan is None:
        return {}
    by_key = {item.key: item for item in plan.items}
    found = {}
    for entry in rt.journal.library(rt.portal_id):
        item = by_key.get(entry.segment_key or "")
        if item is not None:
            found[entry.list_id] = (item.estimated_size, item.expected_range, item.estimate_margin or 0)
    return found


def _judge(
    list_id: str,
    name: str,
    size: int | None,
    status: str | None,
    estimate: int | None,
    expected: tuple[int, int] | None,
    count_again: str,
    *,
    margin: int = 0,
) -> MemberCount:
    """`margin`: a sampled estimate's 95% margin; a count within it agrees with the estimate."""
    base = {
        "list_id": list_id,
        "name": name,
        "size": size,
        "processing_status": status,
        "estimate": estimate,
        "expected_range": expected,
    }
    if status != "COMPLETE" or size is None:
        return MemberCount(
            **base,
            verdict="still-processing",
            message=f"HubSpot is still processing this list; {count_again} again in a minute",
        )
    if expected is not None and not expected[0] <= size <= expected[1]:
        return MemberCount(
            **base,
            verdict="outside-expected-range",
            message=f"{counted(size, 'member')}, outside the expected {expected[0]}-{expected[1]}: check the "
            "definition and the properties it depends on",
        )
    if estimate is not None and abs(size - estimate) > max(5, ESTIMATE_TOLERANCE * estimate, margin):
        return MemberCount(
            **base,
            verdict="differs-from-estimate",
            message=f"{counted(size, 'member')}, the plan estimated {estimate}: records changed since the plan, "
            "or the estimate counted primary companies only",
        )
    return MemberCount(
        **base,
        verdict="ok",
        message=counted(size, "member") + (f", as estimated ({estimate})" if estimate is not None else ""),
    )


def _history(rt: Runtime, list_id: str) -> list[SizePoint]:
    points = [
        SizePoint(at=s.taken_at, size=s.size, source="journal") for s in rt.journal.snapshots(rt.portal_id, list_id)
    ]
    end = datetime.now(UTC)
    hubspot = rt.portal.size_history(list_id, end - timedelta(days=HISTORY_DAYS), end)
    points += [SizePoint(at=_utc(p.timestamp), size=p.size, source="hubspot") for p in hubspot.size_history]
    return sorted(points, key=lambda p: p.at)


def _utc(moment: datetime) -> str:
    """ISO text in UTC, so journal and HubSpot points sort together by plain string order."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def trend(history: Sequence[SizePoint], expected: tuple[int, int] | None) -> tuple[str | None, TrendFlag | None]:
    """A one-line trend over the history and, when it is outside what the catalog expects, a flag.

    Leading zeros are skipped: a new list reports 0 while HubSpot builds it, which is not growth."""
    points = sorted(history, key=lambda p: p.at)
    while len(points) > 1 and points[0].size == 0:
        points = points[1:]
    if not points:
        return None, None
    first, last = points[0], points[-1]
    flag: TrendFlag | None = None
    text = f"{first.size} -> {last.size} since {first.at[:10]}" if len(points) > 1 else f"{last.size} (one point)"
    if len(points) > 1 and first.size > 0:
        ratio = last.size / first.size
        text += f" ({ratio - 1:+.0%})"
        if ratio >= UNUSUAL_GROWTH:
            flag = "unusual-growth"
        elif ratio <= 1 / UNUSUAL_GROWTH:
            flag = "unusual-shrinkage"
    if expected is not None and not expected[0] <= last.size <= expected[1]:
        inside_before = any(expected[0] <= p.size <= expected[1] for p in points[:-1])
        flag = "left-expected-range" if inside_before else (flag or "outside-expected-range")
        text += f"; now outside the expected {expected[0]}-{expected[1]}"
    if flag in {"unusual-growth", "unusual-shrinkage"}:
        text += ": unusual for this segment; check what changed (imports, property edits, the definition)"
    return text, flag
