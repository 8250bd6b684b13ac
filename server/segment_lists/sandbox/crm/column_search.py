"""CRM search by columns: the set of matching record ids, without visiting every record.

`search` checks each record against compiled predicates, which costs seconds per search at 1M
contacts. Here each filter is answered from the portal's per-property columns (`sandbox.record_index`,
parsed once, kept current as records change) and groups are set intersections and unions: the
same answers (the column parsers are the predicates' conversions), a fraction of the time.
Anything the columns cannot answer exactly (association and list-membership filters) returns
None and the caller falls back to the per-record scan. Validation stays with `search`, which calls
this module (never the other way round) and only with filters that already compiled; what a filter
means lives in `search_rules`, read by both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from segment_lists.sandbox.crm.column import ORDERED_KINDS, Range
from segment_lists.sandbox.crm.search_rules import (
    NEGATIVE_OPERATORS,
    NEGATIVE_OPERATORS_MATCH_EMPTY,
    contains_token,
    range_test,
)
from segment_lists.sandbox.crm.values import search_parser

if TYPE_CHECKING:
    from segment_lists.sandbox.crm.object_types import ObjectType
    from segment_lists.sandbox.crm.record_index import RecordIndex
    from segment_lists.sandbox.instance import Sandbox

# Column kind (record_index.PARSERS) that holds exactly what `values.search_parser` gives.
KINDS = {"number": "number", "datetime": "time", "date": "time", "bool": "bool"}


def matching_ids(
    sandbox: Sandbox, kind: ObjectType, defs: dict[str, dict[str, Any]], raw_groups: list[Any]
) -> set[int] | None:
    if not NEGATIVE_OPERATORS_MATCH_EMPTY:
        return None  # the complements below assume "no value" matches every negative operator
    for group in raw_groups:
        for raw in group.get("filters") or []:
            name = str(raw["propertyName"])
            if name.startswith("associations.") or name == "ilsListMemberships.listId" or name not in defs:
                return None
    with sandbox.store.lock:
        index = sandbox.record_index
        index.sync()
        everyone = index.all_ids(kind.type_id)
        if not raw_groups:
            return set(everyone)
        found: set[int] = set()
        for group in raw_groups:
            sets = [_filter(index, kind.type_id, defs, raw, everyone) for raw in group.get("filters") or []]
            if not sets:
                return set(everyone)
            sets.sort(key=len)
            # `sets` may hold a column's own sets: read them, never change them.
            matched = sets[0] & sets[1] if len(sets) > 1 else sets[0]
            for other in sets[2:]:
                matched &= other
            found |= matched
        return found


def _filter(
    index: RecordIndex, type_id: str, defs: dict[str, dict[str, Any]], raw: dict[str, Any], everyone: set[int]
) -> set[int]:
    """The ids one filter matches. May be a column's own set: the caller only reads it."""
    name = str(raw["propertyName"])
    operator = str(raw["operator"]).upper()
    prop_type = defs[name]["type"]
    if operator == "HAS_PROPERTY":
        return index.column(type_id, name, "text").ids()
    if operator == "NOT_HAS_PROPERTY":
        return index.column(type_id, name, "text").missing(everyone)
    negate = operator in NEGATIVE_OPERATORS
    convert = search_parser(prop_type)
    enum = prop_type == "enumeration"
    value, high, values = raw.get("value"), raw.get("highValue"), raw.get("values")
    if operator in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        pattern = str(value).lower()
        hits = index.column(type_id, name, "lower").select(lambda text: contains_token(text, pattern))
    elif operator in ("IN", "NOT_IN", "EQ", "NEQ"):
        wanted = {convert(v) for v in (values if operator in ("IN", "NOT_IN") else [value])}
        wanted.discard(None)
        if enum:
            hits = index.column(type_id, name, "enum").select(lambda parts: not wanted.isdisjoint(parts))
        else:
            hits = index.column(type_id, name, KINDS.get(prop_type, "lower")).select_in(wanted)
    else:
        low = convert(value)
        upper = convert(high) if operator == "BETWEEN" else None
        column = index.column(type_id, name, "text" if enum else KINDS.get(prop_type, "lower"))
        bounds = _bounds(operator, low, upper) if column.kind in ORDERED_KINDS else None
        hits = column.select(bounds or range_test(operator, low, upper))
    # A negative operator matches records without a (usable) value as well: the complement.
    return everyone - hits if negate else hits


def _bounds(operator: str, low: Any, upper: Any) -> Range | None:
    """`range_test` as a `Range` the column can bisect, when the bounds are numbers (a bound that did
    not parse matches nothing: `range_test` is the one to say so)."""
    if low is None or (operator == "BETWEEN" and upper is None):
        return None
    return {
        "LT": Range(high=low, high_inclusive=False),
        "LTE": Range(high=low),
        "GT": Range(low=low, low_inclusive=False),
        "GTE": Range(low=low),
        "BETWEEN": Range(low, upper),
    }[operator]
