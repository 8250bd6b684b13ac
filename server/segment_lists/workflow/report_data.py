"""The segment library report's data: the plan, where the portal stands against it, counts with their
size trend, and each exclusivity group as a matrix, in one model. The faces render it (the command
line as an HTML page and Markdown).

Said once here, so every part of a page says it the same way:
- a list is named as HubSpot names it now (a reused list keeps its own name, an adopted one has the
  convention's, a list moved aside its "(legacy)" one), with its catalog role beside it (one field,
  `role`: "Core · Suppressed Contacts"); the table, the heat maps and the trends use that name;
- a property or an option is named by its label in the portal, never by its internal name or id;
- the members of all lists added up are "list memberships" (a contact in two lists counts twice),
  shown beside the portal's own contact count;
- a trend needs two measurements at different times (a leading zero while HubSpot builds a new
  list is not one).
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, Field

from segment_lists.boundary.text import clean
from segment_lists.domain.i18n import Language, words
from segment_lists.domain.interview import Answers
from segment_lists.domain.plan import Plan
from segment_lists.workflow.drift import Labels, LibraryStatus
from segment_lists.workflow.exclusivity import ExclusivityReport
from segment_lists.workflow.measure import Steps, check_library
from segment_lists.workflow.runtime import PortalRef, Runtime
from segment_lists.workflow.verify import CountReport


class TrendPoint(BaseModel):
    at: str
    size: int


class ReportList(BaseModel):
    key: str
    name: str  # as HubSpot names the list now (the planned name while it does not exist)
    role: str  # its place in the catalog, e.g. "Core · Suppressed Contacts"
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
    names: list[str]  # the same names as the lists table
    roles: list[str] = Field(default_factory=list)
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
    portal_contacts: int | None = None  # contacts in the portal, beside the list memberships
    prerequisites: list[str]
    warnings: list[str]
    open_questions: list[str]

    @property
    def memberships(self) -> int:
        """Members of every list that exists, added up: a contact in two lists counts twice."""
        return sum(item.size or 0 for item in self.lists if item.list_id)

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
    labels: Labels = ({}, {}),
    portal_contacts: int | None = None,
) -> ReportData:
    """`labels`: the portal's property labels and option labels (`Runtime.labels`), so prerequisites
    read in the portal's words."""
    by_id = {count.list_id: count for count in counts.counts} if counts else {}
    lists = []
    for item, state in zip(plan.items, status.items, strict=True):
        count = by_id.get(state.list_id or "")
        # HubSpot's name when the list exists: the status read it from the portal; else the count did.
        name = (count.name if count and count.name else None) or state.name
        lists.append(
            ReportList(
                key=item.key,
                name=clean(name, limit=300),
                role=clean(f"{item.category} · {item.segment}", limit=300),
                list_id=state.list_id,
                kind=item.processing_type,
                definition=clean(item.description, limit=2000),
                size=count.size if count else state.size,
                estimate=item.estimated_size,
                expected_range=item.expected_range,
                verdict=count.verdict if count else None,
                status=state.status,
                status_message=state.message,
                trend=trend_points([TrendPoint(at=p.at, size=p.size) for p in (count.history if count else [])]),
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
        # The table's names first, so a list reads the same in the table and in its heat map.
        by_list = {entry.list_id: entry for entry in lists if entry.list_id}
        names = [
            by_list[list_id].name if list_id in by_list else (name or list_id)
            for name, list_id in zip(names, ids, strict=True)
        ]
        groups.append(
            ReportGroup(
                name=result.group,
                description=result.description,
                partition=result.partition,
                names=names,
                roles=[by_list[list_id].role if list_id in by_list else "" for list_id in ids],
                sizes=[sizes.get(list_id) for list_id in ids],
                overlaps=matrix,
                uncovered=result.uncovered,
                exclusive=result.exclusive,
                message=result.message,
            )
        )
    return ReportData(
        portal=status.portal,
        language=language,
        generated_at=(now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC"),
        plan_id=plan.plan_id,
        lists=lists,
        groups=groups,
        prerequisites=[clean(line, limit=500) for line in prerequisite_lines(plan, labels, language)],
        portal_contacts=portal_contacts,
        warnings=[clean(w.message, limit=1000) for w in plan.warnings],
        open_questions=[clean(q, limit=1000) for q in plan.open_questions],
    )


def trend_points(points: list[TrendPoint]) -> list[TrendPoint]:
    """The measurements a trend is drawn from: one per moment (the last said), in time order, without
    the leading zeros of a list HubSpot was still building (as `verify.trend` reads them)."""
    by_moment = {point.at: point for point in sorted(points, key=lambda p: p.at)}
    ordered = list(by_moment.values())
    while len(ordered) > 1 and ordered[0].size == 0:
        ordered = ordered[1:]
    return ordered


def prerequisite_lines(plan: Plan, labels: Labels, language: Language) -> list[str]:
    """The plan's prerequisites in the portal's words: property labels ("Company: Ideal Customer
    Profile Tier"), lifecycle stage labels ("Churned Customer"), never internal names or ids."""
    w = words(language)
    names, options = labels
    prereq = plan.prerequisites
    lines = []
    if prereq.icp_how:
        lines.append(f"{w['icp']}: {prereq.icp_how}")
    if prereq.own_domains:
        lines.append(f"{w['own_domains']} ({prereq.own_domains_source}): {', '.join(prereq.own_domains)}")
    if prereq.lifecycle_stages_in_use:
        stage_labels = options.get("0-1.lifecyclestage") or options.get("lifecyclestage") or {}
        in_use = sorted(prereq.lifecycle_stages_in_use.items(), key=lambda pair: (-pair[1], pair[0]))
        stages = ", ".join(f"{stage_labels.get(stage, stage)} {count:,}" for stage, count in in_use)
        lines.append(f"{w['lifecycle']}: {stages}")
    for key, rate in sorted(prereq.fill_rates.items(), key=lambda pair: property_label(pair[0], names, w)):
        lines.append(w["filled_for"].format(property=property_label(key, names, w), share=f"{rate:.0%}"))
    if plan.access_note:
        lines.append(f"{w['access']}: {plan.access_note}")
    return lines


def property_label(key: str, names: dict[str, str], w: dict[str, str]) -> str:
    """'company.hs_ideal_customer_profile' -> 'Company: Ideal Customer Profile Tier' (the portal's label)."""
    obj, _, prop = key.partition(".")
    qualifier, word = {"contact": ("0-1", w["contact_property"]), "company": ("0-2", w["company_property"])}.get(
        obj, ("", obj)
    )
    label = names.get(f"{qualifier}.{prop}") or names.get(prop) or prop
    return f"{word}: {label}"


def library_report(
    rt: Runtime, answers: Answers, *, wait: float, language: Language = "en", steps: Steps | None = None
) -> ReportData:
    """Plan the answers (with estimates), measure the library (with size history) and gather the report."""
    check = check_library(rt, answers, wait=wait, history=True, estimate=True, steps=steps)
    return collect(
        check.plan,
        check.status,
        check.counts,
        check.exclusivity,
        language=language,
        labels=rt.labels(),
        portal_contacts=rt.count("contacts"),  # asked while planning: remembered, not asked again
    )
