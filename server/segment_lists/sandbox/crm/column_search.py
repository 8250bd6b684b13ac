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
            matched = set(sets[0])
            for other in sets[1:]:
                matched &= other
            found |= matched
        return found


def _filter(
    index: RecordIndex, type_id: str, defs: dict[str, dict[str, Any]], raw: dict[str, Any], everyone: set[int]
) -> set[int]:
    name = str(raw["propertyName"])
    operator = str(raw["operator"]).upper()
    prop_type = defs[name]["type"]
    if operator == "HAS_PROPERTY":
        return set(index.column(type_id, name, "text"))
    if operator == "NOT_HAS_PROPERTY":
        return everyone - index.column(type_id, name, "text").keys()
    negate = operator in NEGATIVE_OPERATORS
    convert = search_parser(prop_type)
    enum = prop_type == "enumeration"
    value, high, values = raw.get("value"), raw.get("highValue"), raw.get("values")
    if operator in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        pattern = str(value).lower()
        column = index.column(type_id, name, "lower")
        hits = {rid for rid, text in column.items() if contains_token(text, pattern)}
    elif operator in ("IN", "NOT_IN", "EQ", "NEQ"):
        wanted = {convert(v) for v in (values if operator in ("IN", "NOT_IN") else [value])}
        wanted.discard(None)
        if enum:
            hits = {rid for rid, parts in index.column(type_id, name, "enum").items() if parts & wanted}
        else:
            column = index.column(type_id, name, KINDS.get(prop_type, "lower"))
            hits = {rid for rid, have in column.items() if have in wanted}
    else:
        low = convert(value)
        upper = convert(high) if operator == "BETWEEN" else None
        compare = range_test(operator, low, upper)
        column = index.column(type_id, name, "text" if enum else KINDS.get(prop_type, "lower"))
        hits = {rid for rid, have in column.items() if compare(have)}
    # A negative operator matches records without a (usable) value as well: the complement.
    return everyone - hits if negate else hits
