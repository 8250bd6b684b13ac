"""Size estimates for plan items, with a number of calls that does not grow with the portal.

Exact when the whole definition translates into one CRM search (one call, remembered on the runtime,
so the prerequisite counts are reused: customers = the lifecycle stage count, "no company" = total
minus the fill count). A group on the associated company (ASSOCIATION branch: ICP tiers, size bands,
industries) cannot be counted by a contact search: HubSpot's search cannot filter contacts by their
company's properties. Such groups are read from the contacts' primary companies (`associatedcompanyid`,
which HubSpot keeps as the type-1 primary company's id):
- every contact with a primary company, when there are at most `SAMPLE_PAGES` search pages of them:
  the count is exact;
- otherwise a sample of `SAMPLE_PAGES` pages spread over the id range (both ends and evenly between),
  their companies batch-read once for every item: the estimate says so, with its 95% margin
  (`estimate_margin`), and HubSpot counts the list exactly once it exists (count_members).
The former two-step count (every matching company's id, then contacts 100 company ids a search) cost
one search per 67 companies: 145 searches for a 100k-contact plan; the sample costs 4, at any size.
A group that neither reading can count leaves the estimate open, with why, never guessed.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Collection, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from segment_lists.data.hubspot_limits import CRM_SEARCH_PAGE
from segment_lists.domain.catalog import PRIMARY_COMPANY_TYPE
from segment_lists.domain.plan import Plan, PlanItem
from segment_lists.domain.search_groups import SearchGroups, matches
from segment_lists.domain.search_translation import to_search_groups
from segment_lists.portal.models import CrmRecord
from segment_lists.workflow.runtime import Runtime

SAMPLE_PAGES = 4  # search pages of contacts (200 each) read for company conditions: exact up to 800
BATCH = 100  # company ids per batch read
Z_95 = 1.96
HAS_COMPANY = [{"filters": [{"propertyName": "associatedcompanyid", "operator": "HAS_PROPERTY"}]}]


def _wrap(*groups: dict[str, Any]) -> dict[str, Any]:
    return {"filterBranchType": "OR", "filterBranchOperator": "OR", "filters": [], "filterBranches": list(groups)}


def _and(filters: list[dict[str, Any]]) -> dict[str, Any]:
    return {"filterBranchType": "AND", "filterBranchOperator": "AND", "filters": filters, "filterBranches": []}


@dataclass
class CompanyReading:
    """An AND group that is exactly one ASSOCIATION branch to companies with searchable filters."""

    company_groups: SearchGroups
    primary: bool  # the primary company (type 1); otherwise any associated company, read through the primary


@dataclass
class CompanySample:
    """Contacts with a primary company and that company's properties: all of them, or a spread sample."""

    filled: int  # contacts with a primary company
    companies: list[dict[str, str | None]]  # per sampled contact, its primary company's properties
    exact: bool

    def count(self, groups: SearchGroups) -> tuple[int, int] | None:
        """(estimate, 95% margin) of contacts whose primary company matches; None if undecidable."""
        hits = 0
        for properties in self.companies:
            found = matches(groups, properties)
            if found is None:
                return None
            hits += bool(found)
        n = len(self.companies)
        if self.exact or n == 0:
            return hits, 0
        share = hits / n
        # Wilson-style centre keeps a margin when no sampled contact matched (or all did).
        centre = (hits + 2) / (n + 4)
        finite = math.sqrt(max(0.0, (self.filled - n) / max(1, self.filled - 1)))
        margin = Z_95 * math.sqrt(centre * (1 - centre) / n) * self.filled * finite
        return round(share * self.filled), max(1, round(margin))


@dataclass
class _Estimator:
    rt: Runtime
    now: datetime
    company_properties: list[str]
    _sample: Future[CompanySample] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(max_workers=1))

    def start_sample(self) -> Future[CompanySample]:
        with self._lock:
            if self._sample is None:
                self._sample = self._pool.submit(_company_sample, self.rt, self.company_properties)
            return self._sample

    def sample(self) -> CompanySample:
        return self.start_sample().result()

    def item(self, item: PlanItem) -> tuple[int | None, str, int | None]:
        """(estimate, note, margin): margin 0 = exact, None = no estimate."""
        if item.filter_branch is None:
            return None, "static list: counted after members are added", None
        rt = self.rt
        groups = to_search_groups(item.filter_branch, now=self.now, zone=rt.time_zone)
        if groups is not None:
            return rt.count("contacts", groups), "exact (CRM search)", 0
        total = margin = 0
        sampled = any_company = False
        parts = item.filter_branch.get("filterBranches") or []
        disjoint = _disjoint(parts)
        for group in parts:
            single = to_search_groups(_wrap(group), now=self.now, zone=rt.time_zone)
            if single is not None:
                total += rt.count("contacts", single)
                continue
            reading = _company_reading(group, self.now, rt.time_zone)
            counted = self.sample().count(reading.company_groups) if reading is not None else None
            if reading is None or counted is None:
                return None, "no CRM search can count this definition before the list exists", None
            total += counted[0]
            margin += counted[1]
            sampled = sampled or counted[1] > 0
            any_company = any_company or not reading.primary
        notes = []
        if sampled:
            sample = self.sample()
            notes.append(
                f"estimated (±{margin:,}, 95%): company conditions read from a sample of {len(sample.companies):,} "
                f"of the {sample.filled:,} contacts with a primary company, because a CRM search cannot filter "
                "contacts by their company's properties; HubSpot counts the list exactly once it exists"
            )
        else:
            notes.append("exact (CRM search; company conditions read from every contact's primary company)")
        if any_company:
            notes.append(
                "counted through each contact's primary company: a contact whose other companies match is missed"
            )
        if not disjoint:
            notes.append("groups counted separately: a contact in two of them is counted twice")
        exact = not sampled and not any_company and disjoint
        return total, "; ".join(notes), 0 if exact else max(margin, 1)


def _company_reading(group: dict[str, Any], now: datetime, zone: str) -> CompanyReading | None:
    branches = group.get("filterBranches") or []
    if group.get("filters") or len(branches) != 1:
        return None
    branch = branches[0]
    if (
        branch.get("filterBranchType") != "ASSOCIATION"
        or branch.get("objectTypeId") != "0-2"
        or branch.get("operator") != "IN_LIST"
        or branch.get("filterBranches")
    ):
        return None
    company_groups = to_search_groups(_wrap(_and(branch.get("filters") or [])), now=now, zone=zone)
    if company_groups is None:
        return None
    return CompanyReading(company_groups, str(branch.get("associationTypeId")) == str(PRIMARY_COMPANY_TYPE))


def _disjoint(groups: list[dict[str, Any]]) -> bool:
    """The catalog's remainder lists: "the primary company is X" or "no company at all" never meet.
    One group, or primary-company groups beside groups that require no primary company."""
    if len(groups) <= 1:
        return True
    company = [g for g in groups if _is_primary_branch(g)]
    others = [g for g in groups if not _is_primary_branch(g)]
    return len(company) <= 1 and all(NO_COMPANY_LIST in _plain_filters(g) for g in others)


NO_COMPANY_LIST = ("associatedcompanyid", "IS_UNKNOWN")


def _is_primary_branch(group: dict[str, Any]) -> bool:
    branches = group.get("filterBranches") or []
    return (
        len(branches) == 1
        and not group.get("filters")
        and branches[0].get("filterBranchType") == "ASSOCIATION"
        and str(branches[0].get("associationTypeId")) == str(PRIMARY_COMPANY_TYPE)
    )


def _plain_filters(group: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (str(f.get("property")), str((f.get("operation") or {}).get("operator")))
        for f in group.get("filters") or []
        if f.get("filterType") == "PROPERTY"
    ]


def _company_sample(rt: Runtime, properties: list[str]) -> CompanySample:
    filled = rt.count("contacts", HAS_COMPANY)
    if filled <= SAMPLE_PAGES * CRM_SEARCH_PAGE:
        contacts = rt.portal.search_records("contacts", HAS_COMPANY, properties=["associatedcompanyid"])
        exact = True
    else:
        ends = rt.map(lambda descending: _sample_page(rt, HAS_COMPANY, descending=descending), [False, True])
        low, high = int(ends[0][-1].id), int(ends[1][-1].id)
        starts = [low + (high - low) * step // (SAMPLE_PAGES - 1) for step in range(1, SAMPLE_PAGES - 1)]
        middles = rt.map(lambda start: _sample_page(rt, _above(start)), starts)
        by_id = {record.id: record for page in [*ends, *middles] for record in page}
        contacts = list(by_id.values())
        exact = len(contacts) >= filled
    company_of = {c.id: str(c.properties.get("associatedcompanyid") or "") for c in contacts}
    ids = sorted({i for i in company_of.values() if i}, key=lambda i: (len(i), i))
    chunks = [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]
    read: dict[str, dict[str, str | None]] = {}
    for records in rt.map(lambda chunk: rt.portal.batch_read("companies", chunk, properties or ["name"]), chunks):
        read.update({record.id: dict(record.properties) for record in records})
    return CompanySample(filled, [read.get(company_of[c.id], {}) for c in contacts], exact)


def _sample_page(rt: Runtime, groups: SearchGroups, *, descending: bool = False) -> list[CrmRecord]:
    return rt.portal.search_page(
        "contacts", groups, limit=CRM_SEARCH_PAGE, properties=["associatedcompanyid"], descending=descending
    )[1]


def _above(record_id: int) -> SearchGroups:
    above = {"propertyName": "hs_object_id", "operator": "GT", "value": str(record_id)}
    return [{"filters": [*HAS_COMPANY[0]["filters"], above]}]


def _company_properties(items: Sequence[PlanItem], now: datetime, zone: str) -> list[str]:
    names: set[str] = set()
    for item in items:
        for group in (item.filter_branch or {}).get("filterBranches") or []:
            reading = _company_reading(group, now, zone)
            if reading is not None:
                names.update(f["propertyName"] for g in reading.company_groups for f in g["filters"])
    return sorted(names)


def estimate_plan(rt: Runtime, plan: Plan, keys: Collection[str] | None = None) -> Plan:
    """The plan with `estimated_size`, `estimate_note` and `estimate_margin` filled in (concurrently,
    paced by the limiter; the company sample is read once, when the first item needs it); `keys`:
    only these items (the others keep what they have)."""
    now = datetime.now(UTC)
    items = [item for item in plan.items if item.action != "needs-input" and (keys is None or item.key in keys)]
    company_properties = _company_properties(items, now, rt.time_zone)
    estimator = _Estimator(rt, now, company_properties)
    if company_properties:
        # The sample is three round trips in sequence (ends, middles, companies): start it before the
        # items' searches so that its chain runs under theirs instead of after them.
        estimator.start_sample()
    try:
        results = rt.map(estimator.item, items)
    finally:
        estimator._pool.shutdown(wait=False)
    estimates = {item.key: result for item, result in zip(items, results, strict=True)}
    updated = []
    for item in plan.items:
        if item.key in estimates:
            size, note, margin = estimates[item.key]
            item = item.model_copy(update={"estimated_size": size, "estimate_note": note, "estimate_margin": margin})
        updated.append(item)
    return plan.model_copy(update={"items": updated})
