"""Operations on CRM search filterGroups (the output of `search_translation`): whether groups fit
HubSpot's search limits, the intersection and union of two definitions as one search, and whether a
record read back (its properties) satisfies them.

Matching is used on samples only (a size estimate from a few hundred records): it follows search's
documented meaning of each operator and answers None for anything it cannot decide, so a caller
never estimates from a guess.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from typing import Any

from segment_lists.data.hubspot_limits import SEARCH_MAX_FILTERS, SEARCH_MAX_FILTERS_PER_GROUP, SEARCH_MAX_GROUPS

SearchGroups = list[dict[str, Any]]
POSITIVE = frozenset({"EQ", "IN", "GT", "GTE", "LT", "LTE", "BETWEEN", "HAS_PROPERTY"})


def fits(groups: SearchGroups) -> bool:
    """Within search's limits: 5 groups, 6 filters a group, 18 in all (hubspot_limits)."""
    return (
        len(groups) <= SEARCH_MAX_GROUPS
        and all(len(g["filters"]) <= SEARCH_MAX_FILTERS_PER_GROUP for g in groups)
        and sum(len(g["filters"]) for g in groups) <= SEARCH_MAX_FILTERS
    )


def impossible(filters: list[dict[str, Any]]) -> bool:
    """Certainly matches nothing: a property required both to have a value and to have none."""
    valued = {f["propertyName"] for f in filters if f["operator"] in POSITIVE}
    missing = {f["propertyName"] for f in filters if f["operator"] == "NOT_HAS_PROPERTY"}
    return bool(valued & missing)


def intersection(first: SearchGroups | None, second: SearchGroups | None) -> SearchGroups | None:
    """Both definitions at once ((A1 or A2) and (B1 or B2) = A1B1 or A1B2 or ...), [] when that is
    certainly empty, None when either does not translate or the product exceeds search's limits."""
    if first is None or second is None:
        return None
    product: SearchGroups = []
    seen: set[str] = set()
    for a, b in itertools.product(first, second):
        filters: list[dict[str, Any]] = []
        for item in [*a["filters"], *b["filters"]]:
            if item not in filters:
                filters.append(item)
        key = json.dumps(sorted(json.dumps(f, sort_keys=True) for f in filters))
        if impossible(filters) or key in seen:
            continue
        seen.add(key)
        product.append({"filters": filters})
    return product if fits(product) else None  # [] (certainly empty) always fits


def union(parts: list[SearchGroups | None]) -> SearchGroups | None:
    if any(part is None for part in parts):
        return None
    groups = [g for part in parts for g in part or []]
    return groups if groups and fits(groups) else None


def matches(groups: SearchGroups, properties: Mapping[str, str | None]) -> bool | None:
    """Does a record with these property values satisfy the groups (any group, all its filters)?
    None when an operator or a value cannot be decided here."""
    undecided = False
    for group in groups:
        results = [_filter_matches(f, properties) for f in group.get("filters") or []]
        if all(r is True for r in results):
            return True
        if any(r is None for r in results) and not any(r is False for r in results):
            undecided = True
    return None if undecided else False


def _filter_matches(item: dict[str, Any], properties: Mapping[str, str | None]) -> bool | None:
    raw = properties.get(str(item.get("propertyName")))
    value = None if raw is None or raw == "" else str(raw)
    operator = item.get("operator")
    if operator == "HAS_PROPERTY":
        return value is not None
    if operator == "NOT_HAS_PROPERTY":
        return value is None
    if operator in ("EQ", "NEQ", "IN", "NOT_IN"):
        listed = operator in ("IN", "NOT_IN")
        wanted = [str(v) for v in (item.get("values") or [])] if listed else [str(item.get("value"))]
        if value is None:
            # Whether NEQ / NOT_IN match records without a value is undocumented: undecided.
            return False if operator in ("EQ", "IN") else None
        have = {part for part in value.split(";") if part} | {value}
        found = any(w in have or w.lower() in {h.lower() for h in have} for w in wanted)
        return found if operator in ("EQ", "IN") else not found
    if operator in ("GT", "GTE", "LT", "LTE", "BETWEEN"):
        if value is None:
            return False
        try:
            number = float(value)
            low = float(item["value"])
            high = float(item["highValue"]) if operator == "BETWEEN" else 0.0
        except (KeyError, TypeError, ValueError):
            return None  # dates read back as text, or a bound that is not a number
        return {
            "GT": number > low,
            "GTE": number >= low,
            "LT": number < low,
            "LTE": number <= low,
            "BETWEEN": low <= number <= high,
        }[operator]
    return None
