"""The segment library report's data: the plan, where the portal stands against it, counts with their
size trend, and each exclusivity group as a matrix, in one model. The faces render it (the command
line as an HTML page and Markdown).
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, Field

from segment_lists.boundary.text import clean
from segment_lists.domain.i18n import Language
from segment_lists.domain.interview import Answers
from segment_lists.domain.plan import Plan
from segment_lists.workflow.drift import LibraryStatus
from segment_lists.workflow.exclusivity import ExclusivityReport
from segment_lists.workflow.measure import Steps, check_library
from segment_lists.workflow.runtime import PortalRef, Runtime
from segment_lists.workflow.verify import CountReport


class TrendPoint(BaseModel):
    at: str
    size: int


class ReportList(BaseModel):
    key: str
    name: str
    list_id: str | None
    kind: str  # DYNAMIC / MANUAL
    definition: str
    size: int | None = None
    estimate: int | None = None
    expected_range: tuple[int, int] | None = None
    verdict: str | None = None
    status: str
    status_message: str
    trend: list[TrendPoint] = Field(default_factory=list)


class ReportGroup(BaseModel):
    name: str
    description: str
    partition: bool
    names: list[str]
    sizes: list[int | None]
    overlaps: list[list[int | None]]  # symmetric; the diagonal holds the sizes
    uncovered: int | None = None
    exclusive: bool
    message: str


class ReportData(BaseModel):
    portal: PortalRef
    language: Language = "en"
    generated_at: str
    plan_id: str
    lists: list[ReportList]
    groups: list[ReportGroup]
    prerequisites: list[str]
    warnings: list[str]
    open_questions: list[str]

    @property
    def overlapping_pairs(self) -> int:
        return sum(
            1
            for group in self.groups
            for i, row in enumerate(group.overlaps)
            for j, value in enumerate(row)
            if j > i and value
        )


def collect(
    plan: Plan,
    status: LibraryStatus,
    counts: CountReport | None,
    exclusivity: ExclusivityReport | None,
    *,
    language: Language = "en",
    now: datetime | None = None,
) -> ReportData:
    by_id = {count.list_id: count for count in counts.counts} if counts else {}
    lists = []
    for item, state in zip(plan.items, status.items, strict=True):
        count = by_id.get(state.list_id or "")
        lists.append(
            ReportList(
                key=item.key,
                name=item.name,
                list_id=state.list_id,
                kind=item.processing_type,
                definition=clean(item.description, limit=2000),
                size=count.size if count else state.size,
                estimate=item.estimated_size,
                expected_range=item.expected_range,
                verdict=count.verdict if count else None,
                status=state.status,
                status_message=state.message,
                trend=[TrendPoint(at=p.at, size=p.size) for p in (count.history if count else [])],
            )
        )
    groups = []
    sizes = {entry.list_id: entry.size for entry in lists if entry.list_id}
    for result in exclusivity.groups if exclusivity else []:
        ids = result.list_ids
        index = {list_id: n for n, list_id in enumerate(ids)}
        matrix: list[list[int | None]] = [[None] * len(ids) for _ in ids]
        for n, list_id in enumerate(ids):
            matrix[n][n] = sizes.get(list_id)
        names = [""] * len(ids)
        for pair in result.pairs:
            i, j = index[pair.first], index[pair.second]
            matrix[i][j] = matrix[j][i] = pair.overlap
            names[i], names[j] = pair.first_name, pair.second_name
        by_list = {entry.list_id: entry.name for entry in lists}
        names = [name or by_list.get(list_id) or list_id for name, list_id in zip(names, ids, strict=True)]
        groups.append(
            ReportGroup(
                name=result.group,
                description=result.description,
                partition=result.partition,
                names=names,
                sizes=[sizes.get(list_id) for list_id in ids],
                overlaps=matrix,
                uncovered=result.uncovered,
                exclusive=result.exclusive,
                message=result.message,
            )
        )
    prereq = plan.prerequisites
    lines = []
    if prereq.icp_how:
        lines.append(f"ICP tier: {prereq.icp_how}")
    if prereq.own_domains:
        lines.append(f"Own email domains ({prereq.own_domains_source}): {', '.join(prereq.own_domains)}")
    if prereq.lifecycle_stages_in_use:
        stages = ", ".join(f"{stage} {count}" for stage, count in sorted(prereq.lifecycle_stages_in_use.items()))
        lines.append(f"Lifecycle stages in use: {stages}")
    for key, rate in sorted(prereq.fill_rates.items()):
        lines.append(f"{key} filled for {rate:.0%}")
    if plan.access_note:
        lines.append(f"Access: {plan.access_note}")
    return ReportData(
        portal=status.portal,
        language=language,
        generated_at=(now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC"),
        plan_id=plan.plan_id,
        lists=lists,
        groups=groups,
        prerequisites=[clean(line, limit=500) for line in lines],
        warnings=[clean(w.message, limit=1000) for w in plan.warnings],
        open_questions=[clean(q, limit=1000) for q in plan.open_questions],
    )


def library_report(
    rt: Runtime, answers: Answers, *, wait: float, language: Language = "en", steps: Steps | None = None
) -> ReportData:
    """Plan the answers (with estimates), measure the library (with size history) and gather the report."""
    check = check_library(rt, answers, wait=wait, history=True, estimate=True, steps=steps)
    return collect(check.plan, check.status, check.counts, check.exclusivity, language=language)
