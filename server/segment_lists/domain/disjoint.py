"""Whether two list definitions can never hold the same contact, decided from the definitions alone.

HubSpot evaluates every contact against a dynamic list's definition, so once both lists have
processed, two definitions that cannot both be true of one contact share no member: their overlap
is 0 without a single API call, whatever the lists' sizes. This is what makes the catalog's
company-based partitions (ICP tiers, size bands) free to check: their conditions are on the
*primary* company, of which a contact has at most one ("a record can only have one primary company",
https://knowledge.hubspot.com/records/associate-records#set-a-primary-company), so "its primary
company's tier is Tier 1" and "... is Tier 2" contradict each other, and both contradict "no primary
company" (`associatedcompanyid`, HubSpot's primary company id property, is unknown).

The proof is conservative: each definition becomes an OR of AND groups of search-style filters
(`search_translation`), company conditions prefixed with `PRIMARY_COMPANY` and implying a primary
company; the two are disjoint only when every pairing of a group of one with a group of the other
holds a contradiction on one property:
- a value required and no value required;
- two value sets with nothing in common, or a value set inside a set of excluded values, or two
  number ranges that do not meet - only for properties known to hold one value (not multi-select
  checkboxes: "a;b" is in both [a] and [b]);
compared without case (HubSpot's string matching ignores it). Anything else (any-company branches,
event filters, unknown properties) proves nothing: the caller then counts the overlap.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime
from typing import Any

from segment_lists.domain.catalog import PRIMARY_COMPANY_TYPE
from segment_lists.domain.search_translation import to_search_groups

PRIMARY_COMPANY = "primary company:"  # prefix of a company property read through the primary company
HAS_PRIMARY = {"propertyName": "associatedcompanyid", "operator": "HAS_PROPERTY"}
# NEQ / NOT_IN always come with HAS_PROPERTY (search_translation), which is what implies the value.
VALUED = frozenset({"EQ", "IN", "GT", "GTE", "LT", "LTE", "BETWEEN", "HAS_PROPERTY"})
SingleValued = Callable[[str], bool]  # a (prefixed) property name -> holds at most one value


def certainly_disjoint(
    first: dict[str, Any], second: dict[str, Any], single_valued: SingleValued, *, now: datetime, zone: str
) -> bool:
    """True only when no contact can satisfy both filterBranches."""
    a, b = _groups(first, now, zone), _groups(second, now, zone)
    if a is None or b is None:
        return False
    return all(_contradicts([*x, *y], single_valued) for x, y in itertools.product(a, b))


def _groups(branch: dict[str, Any], now: datetime, zone: str) -> list[list[dict[str, Any]]] | None:
    if str(branch.get("filterBranchType", "")).upper() != "OR" or branch.get("filters"):
        return None
    groups: list[list[dict[str, Any]]] = []
    for child in branch.get("filterBranches") or []:
        alternatives = _and_group(child, now, zone)
        if alternatives is None:
            return None
        groups.extend(alternatives)
    return groups


def _and_group(branch: dict[str, Any], now: datetime, zone: str) -> list[list[dict[str, Any]]] | None:
    """The AND group's alternatives (OR of ANDs), its primary-company branches folded in."""
    if str(branch.get("filterBranchType", "")).upper() != "AND":
        return None
    parts: list[list[list[dict[str, Any]]]] = []
    if branch.get("filters"):
        own = _translate(branch.get("filters") or [], now, zone)
        if own is None:
            return None
        parts.append(own)
    for nested in branch.get("filterBranches") or []:
        company = _primary_company(nested, now, zone)
        if company is None:
            return None
        parts.append(company)
    return [[f for part in combination for f in part] for combination in itertools.product(*parts)]


def _primary_company(branch: dict[str, Any], now: datetime, zone: str) -> list[list[dict[str, Any]]] | None:
    if (
        str(branch.get("filterBranchType", "")).upper() != "ASSOCIATION"
        or branch.get("objectTypeId") != "0-2"
        or str(branch.get("operator", "")).upper() != "IN_LIST"
        or str(branch.get("associationTypeId")) != str(PRIMARY_COMPANY_TYPE)
        or branch.get("filterBranches")
    ):
        return None
    translated = _translate(branch.get("filters") or [], now, zone)
    if translated is None:
        return None
    prefixed = [[{**f, "propertyName": PRIMARY_COMPANY + f["propertyName"]} for f in group] for group in translated]
    return [[HAS_PRIMARY, *group] for group in prefixed]


def _translate(filters: list[dict[str, Any]], now: datetime, zone: str) -> list[list[dict[str, Any]]] | None:
    if not filters:
        return [[]]
    wrapped = {
        "filterBranchType": "OR",
        "filters": [],
        "filterBranches": [{"filterBranchType": "AND", "filters": filters, "filterBranches": []}],
    }
    groups = to_search_groups(wrapped, now=now, zone=zone)
    return None if groups is None else [group["filters"] for group in groups]


def _contradicts(filters: list[dict[str, Any]], single_valued: SingleValued) -> bool:
    by_name: dict[str, list[dict[str, Any]]] = {}
    for item in filters:
        by_name.setdefault(item["propertyName"], []).append(item)
    for name, items in by_name.items():
        operators = {item["operator"] for item in items}
        if "NOT_HAS_PROPERTY" in operators and operators & VALUED:
            return True
        if single_valued(name) and (_values_clash(items) or _ranges_clash(items)):
            return True
    return False


def _values_clash(items: list[dict[str, Any]]) -> bool:
    """Required value sets that share nothing, or a required set inside an excluded one."""
    required = [_values(item) for item in items if item["operator"] in ("EQ", "IN")]
    excluded = set().union(*[_values(item) for item in items if item["operator"] in ("NEQ", "NOT_IN")])
    if not required:
        return False
    allowed = set.intersection(*required) - excluded
    return not allowed


def _values(item: dict[str, Any]) -> set[str]:
    raw = item.get("values") if item["operator"] in ("IN", "NOT_IN") else [item.get("value")]
    return {str(value).lower() for value in raw or []}


def _ranges_clash(items: list[dict[str, Any]]) -> bool:
    """Number (or date) bounds that leave no value: low > high, or low == high with one side open."""
    low, low_open, high, high_open = -float("inf"), False, float("inf"), False
    for item in items:
        operator = item["operator"]
        if operator not in ("GT", "GTE", "LT", "LTE", "BETWEEN"):
            continue
        try:
            value = float(item["value"])
            top = float(item["highValue"]) if operator == "BETWEEN" else value
        except (KeyError, TypeError, ValueError):
            return False
        if operator in ("GT", "GTE", "BETWEEN") and (value > low or (value == low and operator == "GT")):
            low, low_open = value, operator == "GT"
        if operator in ("LT", "LTE", "BETWEEN") and (top < high or (top == high and operator == "LT")):
            high, high_open = top, operator == "LT"
    return low > high or (low == high and (low_open or high_open))
