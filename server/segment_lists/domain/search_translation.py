"""Turn a list's filterBranch into CRM search filterGroups, when HubSpot's search can express it.

A list definition is an OR of AND groups; CRM search is also an OR of AND groups, with fewer
operators and tight limits (5 groups, 6 filters per group, 18 in all). Each list filter becomes a
set of alternatives (for example "before X, or unknown" when `includeObjectsWithNoValueSet` is
set), the AND group becomes their product, and the result is used only if it fits the limits.
Relative dates are resolved at query time. Anything search cannot say exactly (ASSOCIATION branches,
IN_LIST, substring operators, event filters) makes the whole translation `None`: callers then
count another way, never approximately.

Negated operators are written as "has a value AND not ..." plus, when unknowns are included, a
separate NOT_HAS_PROPERTY alternative, so the result does not depend on whether HubSpot's NEQ and
NOT_IN match records without a value (unconfirmed).
"""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from segment_lists.data.hubspot_limits import SEARCH_MAX_FILTERS, SEARCH_MAX_FILTERS_PER_GROUP, SEARCH_MAX_GROUPS
from segment_lists.filters.time import TimePointError, resolve_ms

DAY_MS = 86_400_000
POSITIVE = frozenset({"EQ", "IN", "GT", "GTE", "LT", "LTE", "BETWEEN"})

SearchFilter = dict[str, Any]
Alternatives = list[list[SearchFilter]]  # OR of ANDs


class Untranslatable(Exception):
    """This definition has no exact CRM search equivalent."""


def to_search_groups(branch: dict[str, Any], *, now: datetime, zone: str = "UTC") -> list[dict[str, Any]] | None:
    """`[{"filters": [...]}, ...]` for POST /crm/v3/objects/contacts/search, or None."""
    try:
        groups = _root(branch, now, ZoneInfo(zone))
    except Untranslatable:
        return None
    groups = _dedupe(groups)
    if not groups:
        # Matches nothing (e.g. CONSTANT false): HubSpot has no "false" filter; say so plainly.
        return None
    if len(groups) > SEARCH_MAX_GROUPS or any(len(g) > SEARCH_MAX_FILTERS_PER_GROUP for g in groups):
        return None
    if sum(len(g) for g in groups) > SEARCH_MAX_FILTERS:
        return None
    return [{"filters": group} for group in groups]


def _dedupe(groups: Alternatives) -> Alternatives:
    seen: set[str] = set()
    unique = []
    for group in groups:
        key = repr(sorted(repr(sorted(f.items())) for f in group))
        if key not in seen:
            seen.add(key)
            unique.append(group)
    return unique


def _root(branch: dict[str, Any], now: datetime, zone: ZoneInfo) -> Alternatives:
    if str(branch.get("filterBranchType", "")).upper() != "OR" or branch.get("filters"):
        raise Untranslatable("root must be an OR branch without filters")
    groups: Alternatives = []
    for child in branch.get("filterBranches") or []:
        groups.extend(_and(child, now, zone))
    return groups


def _and(branch: dict[str, Any], now: datetime, zone: ZoneInfo) -> Alternatives:
    if str(branch.get("filterBranchType", "")).upper() != "AND" or branch.get("filterBranches"):
        raise Untranslatable("nested branches (ASSOCIATION, UNIFIED_EVENTS) have no search equivalent")
    per_filter = [_filter(item, now, zone) for item in branch.get("filters") or []]
    groups: Alternatives = []
    for combination in itertools.product(*per_filter):
        merged = _simplify([search_filter for part in combination for search_filter in part])
        if merged is None:
            continue
        groups.append(merged)
        if len(_dedupe(groups)) > SEARCH_MAX_GROUPS:
            raise Untranslatable("too many groups")
    return groups


def _simplify(group: list[SearchFilter]) -> list[SearchFilter] | None:
    """Drop impossible groups (x unknown and x has a value) and HAS_PROPERTY implied by another filter."""
    valued = {f["propertyName"] for f in group if f["operator"] not in {"HAS_PROPERTY", "NOT_HAS_PROPERTY"}}
    # Every remaining operator (NEQ and NOT_IN too) is only ever emitted next to HAS_PROPERTY.
    has = {f["propertyName"] for f in group if f["operator"] == "HAS_PROPERTY"} | valued
    missing = {f["propertyName"] for f in group if f["operator"] == "NOT_HAS_PROPERTY"}
    if has & missing:
        return None
    simplified = []
    for search_filter in group:
        # A positive comparison already implies a value; NOT_IN / NEQ do not (unconfirmed semantics).
        if search_filter["operator"] == "HAS_PROPERTY" and any(
            f["propertyName"] == search_filter["propertyName"] and f["operator"] in POSITIVE for f in group
        ):
            continue
        if search_filter not in simplified:
            simplified.append(search_filter)
    return simplified


def _has(name: str) -> SearchFilter:
    return {"propertyName": name, "operator": "HAS_PROPERTY"}


def _missing(name: str) -> SearchFilter:
    return {"propertyName": name, "operator": "NOT_HAS_PROPERTY"}


def _op(name: str, operator: str, **values: Any) -> SearchFilter:
    return {"propertyName": name, "operator": operator, **values}


def _filter(item: dict[str, Any], now: datetime, zone: ZoneInfo) -> Alternatives:
    kind = str(item.get("filterType", "")).upper()
    if kind == "CONSTANT":
        return [[]] if item.get("shouldAccept") else []
    if kind != "PROPERTY":
        raise Untranslatable(f"{kind} filters have no search equivalent")
    name = item["property"]
    operation = item["operation"]
    include_unknown = bool(operation.get("includeObjectsWithNoValueSet"))
    alternatives = _operation(name, operation, now, zone)
    op_type = str(operation.get("operationType", "")).upper()
    if include_unknown and op_type != "ALL_PROPERTY":
        alternatives = alternatives + [[_missing(name)]]
    return alternatives


def _operation(name: str, operation: dict[str, Any], now: datetime, zone: ZoneInfo) -> Alternatives:
    op_type = str(operation.get("operationType", "")).upper()
    operator = str(operation.get("operator", "")).upper()
    if op_type == "ALL_PROPERTY":
        if operator in {"IS_KNOWN", "IS_NOT_BLANK"}:
            return [[_has(name)]]
        if operator in {"IS_UNKNOWN", "IS_BLANK"}:
            return [[_missing(name)]]
    if op_type == "ENUMERATION":
        values = [str(v) for v in operation.get("values") or []]
        if operator == "IS_ANY_OF":
            return [[_op(name, "IN", values=values)]]
        if operator == "IS_NONE_OF":
            return [[_has(name), _op(name, "NOT_IN", values=values)]]
    if op_type in {"STRING", "MULTISTRING"}:
        values = [str(v) for v in operation.get("values") or [operation.get("value")]]
        lowered = [v.lower() for v in values]  # search IN/NOT_IN take lowercase strings
        if operator == "IS_EQUAL_TO":
            return [[_op(name, "EQ", value=values[0])]] if len(values) == 1 else [[_op(name, "IN", values=lowered)]]
        if operator == "IS_NOT_EQUAL_TO":
            return [[_has(name), _op(name, "NOT_IN", values=lowered)]]
    if op_type == "BOOL":
        value = "true" if operation.get("value") else "false"
        if operator == "IS_EQUAL_TO":
            return [[_op(name, "EQ", value=value)]]
        if operator == "IS_NOT_EQUAL_TO":
            return [[_has(name), _op(name, "NEQ", value=value)]]
    if op_type == "NUMBER":
        mapping = {
            "IS_EQUAL_TO": "EQ",
            "IS_GREATER_THAN": "GT",
            "IS_GREATER_THAN_OR_EQUAL_TO": "GTE",
            "IS_LESS_THAN": "LT",
            "IS_LESS_THAN_OR_EQUAL_TO": "LTE",
        }
        if operator in mapping:
            return [[_op(name, mapping[operator], value=str(operation["value"]))]]
        if operator == "IS_NOT_EQUAL_TO":
            return [[_has(name), _op(name, "NEQ", value=str(operation["value"]))]]
    if op_type == "NUMBER_RANGED":
        low, high = str(operation["lowerBound"]), str(operation["upperBound"])
        if operator == "IS_BETWEEN":
            return [[_op(name, "BETWEEN", value=low, highValue=high)]]
        if operator == "IS_NOT_BETWEEN":
            return [[_op(name, "LT", value=low)], [_op(name, "GT", value=high)]]
    if op_type in {"TIME_RANGED", "TIME_POINT"} and str(operation.get("propertyParser", "VALUE")).upper() != "VALUE":
        raise Untranslatable("last-updated times are not searchable")
    if op_type == "TIME_RANGED":
        low = _point(operation.get("lowerBoundTimePoint"), now, zone)
        high = _point(operation.get("upperBoundTimePoint"), now, zone)
        if str(operation.get("lowerBoundEndpointBehavior", "INCLUSIVE")).upper() == "EXCLUSIVE":
            low += 1
        if str(operation.get("upperBoundEndpointBehavior", "INCLUSIVE")).upper() == "EXCLUSIVE":
            high -= 1
        if operator == "IS_BETWEEN":
            return [[_op(name, "BETWEEN", value=str(low), highValue=str(high))]]
        if operator == "IS_NOT_BETWEEN":
            return [[_op(name, "LT", value=str(low))], [_op(name, "GT", value=str(high))]]
    if op_type == "TIME_POINT":
        point = _point(operation.get("timePoint"), now, zone)
        inclusive = str(operation.get("endpointBehavior", "EXCLUSIVE")).upper() == "INCLUSIVE"
        if operator == "IS_BEFORE":
            return [[_op(name, "LTE" if inclusive else "LT", value=str(point))]]
        if operator == "IS_AFTER":
            return [[_op(name, "GTE" if inclusive else "GT", value=str(point))]]
    if op_type == "ROLLING_DATE_RANGE":
        days = int(operation["numberOfDays"])
        now_ms = int(now.timestamp() * 1000)
        if operator == "IS_LESS_THAN_X_DAYS_AGO":
            return [[_op(name, "BETWEEN", value=str(now_ms - days * DAY_MS), highValue=str(now_ms))]]
        if operator == "IS_MORE_THAN_X_DAYS_AGO":
            return [[_op(name, "LT", value=str(now_ms - days * DAY_MS))]]
    raise Untranslatable(f"{op_type} {operator} has no search equivalent")


def _point(point: Any, now: datetime, zone: ZoneInfo) -> int:
    if not isinstance(point, dict) or str(point.get("timeType", "")).upper() not in {"DATE", "INDEXED"}:
        raise Untranslatable("only DATE and INDEXED time points resolve to a search value")
    try:
        return resolve_ms(point, now, zone)
    except TimePointError as error:
        raise Untranslatable(str(error)) from None
