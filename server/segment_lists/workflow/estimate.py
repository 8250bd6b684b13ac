"""Size estimates for plan items, from CRM search totals (cached on the runtime, run concurrently).

Exact when the whole definition translates into one CRM search. For groups on the associated
company (ASSOCIATION branches) it counts in two steps: the matching companies, then the contacts
whose primary company is one of them (`associatedcompanyid`), so secondary companies are missed and
the note says so. Groups that cannot be counted leave the estimate open rather than guessed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from segment_lists.domain.plan import Plan, PlanItem
from segment_lists.domain.search_translation import to_search_groups
from segment_lists.workflow.runtime import Runtime

IN_VALUES_LIMIT = 100  # values per IN filter HubSpot's search accepts
MAX_TWO_STEP_COMPANIES = 5_000  # beyond this the company id lists cost more calls than they are worth


def _wrap(*groups: dict[str, Any]) -> dict[str, Any]:
    return {"filterBranchType": "OR", "filterBranchOperator": "OR", "filters": [], "filterBranches": list(groups)}


def _and(filters: list[dict[str, Any]]) -> dict[str, Any]:
    return {"filterBranchType": "AND", "filterBranchOperator": "AND", "filters": filters, "filterBranches": []}


def estimate_item(rt: Runtime, item: PlanItem, now: datetime | None = None) -> tuple[int | None, str]:
    if item.filter_branch is None:
        return None, "static list: counted after members are added"
    now = now or datetime.now(UTC)
    groups = to_search_groups(item.filter_branch, now=now, zone=rt.time_zone)
    if groups is not None:
        return rt.count("contacts", groups), "exact (CRM search)"
    total = 0
    approximate = False
    for group in item.filter_branch.get("filterBranches") or []:
        single = to_search_groups(_wrap(group), now=now, zone=rt.time_zone)
        if single is not None:
            total += rt.count("contacts", single)
            continue
        counted = _company_group(rt, group, now)
        if counted is None:
            return None, "no CRM search can count this definition before the list exists"
        total += counted
        approximate = True
    if len(item.filter_branch.get("filterBranches") or []) > 1:
        approximate = True
    note = "approximate: groups counted separately" if approximate else "exact (CRM search)"
    if approximate:
        note += "; company conditions counted through each contact's primary company"
    return total, note


def _company_group(rt: Runtime, group: dict[str, Any], now: datetime) -> int | None:
    """An AND group that is exactly one ASSOCIATION branch to companies with searchable filters."""
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
    company_groups = to_search_groups(_wrap(_and(branch.get("filters") or [])), now=now, zone=rt.time_zone)
    if company_groups is None or rt.count("companies", company_groups) > MAX_TWO_STEP_COMPANIES:
        return None
    company_ids = rt.portal.search_ids("companies", company_groups)
    chunks = [company_ids[start : start + IN_VALUES_LIMIT] for start in range(0, len(company_ids), IN_VALUES_LIMIT)]
    return sum(
        rt.map(
            lambda chunk: rt.count(
                "contacts", [{"filters": [{"propertyName": "associatedcompanyid", "operator": "IN", "values": chunk}]}]
            ),
            chunks,
        )
    )


def estimate_plan(rt: Runtime, plan: Plan) -> Plan:
    """The plan with `estimated_size` and `estimate_note` filled in (concurrently, paced by the limiter)."""
    now = datetime.now(UTC)
    items = [item for item in plan.items if item.action != "needs-input"]
    results = rt.map(lambda item: estimate_item(rt, item, now), items)
    estimates = {item.key: result for item, result in zip(items, results, strict=True)}
    updated = []
    for item in plan.items:
        if item.key in estimates:
            size, note = estimates[item.key]
            item = item.model_copy(update={"estimated_size": size, "estimate_note": note})
        updated.append(item)
    return plan.model_copy(update={"items": updated})
