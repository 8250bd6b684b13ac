"""CRM search (`POST /crm/v3/objects/{objectType}/search`) over the in-memory records.

HubSpot's documented rules (reference §11, §12.2; the figures are `SandboxConfig.search_limits`,
HubSpot's from `data.hubspot_limits` by default): filter groups are ORed, filters in a group ANDed;
<= 5 groups, <= 6 filters per group, <= 18 filters in all; one sort; page size default 10, max 200;
at most 10,000 results can be paged through (paging past that is a 400); request body <= 3,000
characters. String comparisons are case-insensitive, enumeration comparisons exact.
Undocumented, strict by default (`SandboxConfig.strictness`): a page reaching past the 10,000th
result (`after + limit`) is a 400; an enumeration compared with a value that is not one of its
options is a 400; operators and sort directions must be upper case as in the spec.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from segment_lists.sandbox.crm import associations, column_search, records
from segment_lists.sandbox.crm.object_types import OBJECT_TYPES, ObjectType
from segment_lists.sandbox.crm.properties import property_defs
from segment_lists.sandbox.crm.records import Record
from segment_lists.sandbox.crm.search_rules import (
    NEGATIVE_OPERATORS_MATCH_EMPTY,
    OPERATORS,
    TOKEN_SPLIT,
    contains_token,
    range_test,
)
from segment_lists.sandbox.crm.values import search_parser, split_multi
from segment_lists.sandbox.errors import validation_error

if TYPE_CHECKING:
    from segment_lists.sandbox.instance import Sandbox

# Properties HubSpot's search always returns, whatever `properties` asks for.
ALWAYS_RETURNED = ("createdate", "hs_object_id")

Predicate = Callable[[Record], bool]


def search(sandbox: Sandbox, kind: ObjectType, body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise validation_error("Invalid input JSON: expected a JSON object as the request body.")
    caps = sandbox.config.search_limits
    if len(json.dumps(body)) > caps.max_body_chars:
        raise validation_error(f"The search request body exceeds the maximum of {caps.max_body_chars} characters.")
    limit = _int(body.get("limit"), "limit", default=10)
    if limit < 0 or limit > caps.max_page:
        raise validation_error(f"limit must be between 0 and {caps.max_page}; got {limit}.")
    offset = _int(body.get("after"), "after", default=0)
    max_results = caps.max_results
    reaches = offset + max(limit, 1)
    if offset >= max_results or (reaches > max_results and sandbox.config.strictness.search_window == "reject"):
        raise validation_error(
            f"Paging beyond {max_results} results is not supported: after={offset} with limit={limit} "
            f"reaches result {reaches}. Narrow the search with filters instead."
        )
    defs = property_defs(sandbox, kind.type_id)
    groups = _compile_groups(sandbox, kind, defs, body.get("filterGroups") or [])
    query = _query_predicate(kind, body.get("query"))
    sort_key, descending = _sort(defs, body.get("sorts") or [], uppercase=sandbox.config.strictness.uppercase_enums)

    wanted = returned_properties(kind, body.get("properties"))
    by_id = sort_key is None or _sorts_by_id(body.get("sorts"))
    ids = column_search.matching_ids(sandbox, kind, defs, body.get("filterGroups") or []) if query is None else None
    if ids is not None and by_id:
        # Only the page's records are touched: a count over 1M contacts stays cheap.
        total = len(ids)
        end = min(offset + limit, max_results, total)
        with sandbox.store.lock:
            ordered = sandbox.record_index.first(kind.type_id, ids, end, descending=descending)
        page = [r for r in (records.get_record(sandbox, kind.type_id, i) for i in ordered[offset:end]) if r]
        result: dict[str, Any] = {"total": total, "results": [render(r, wanted, defs) for r in page]}
        if end < min(total, max_results) and limit > 0:
            result["paging"] = {"next": {"after": str(end)}}
        return result

    matches: list[Record] = []
    if ids is not None:
        matches = [r for r in (records.get_record(sandbox, kind.type_id, i) for i in sorted(ids)) if r]
    else:
        for record in records.iter_records(sandbox, kind.type_id):
            if groups and not any(all(p(record) for p in group) for group in groups):
                continue
            if query is not None and not query(record):
                continue
            matches.append(record)
    if sort_key is not None:
        present = [r for r in matches if sort_key(r) is not None]
        missing = [r for r in matches if sort_key(r) is None]
        present.sort(key=lambda r: (sort_key(r), r.id), reverse=descending)
        matches = present + missing

    end = min(offset + limit, max_results, len(matches))
    page = matches[offset:end]
    result = {"total": len(matches), "results": [render(r, wanted, defs) for r in page]}
    if end < min(len(matches), max_results) and limit > 0:
        result["paging"] = {"next": {"after": str(end)}}
    return result


def _sorts_by_id(raw: Any) -> bool:
    """No sort, or one on hs_object_id (always set, equal to the id): record order by id."""
    if not raw:
        return True
    rule = raw[0]
    name = rule.lstrip("-+") if isinstance(rule, str) else str(rule.get("propertyName", ""))
    return name == "hs_object_id"


def _int(raw: Any, name: str, *, default: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise validation_error(f"{name} must be an integer-formatted string; got {raw!r}.") from None


def returned_properties(kind: ObjectType, requested: Any) -> list[str]:
    names = [str(p) for p in requested or [] if p]
    if not names:
        return list(kind.default_properties)
    extra = [p for p in (*ALWAYS_RETURNED, kind.last_modified_property) if p not in names]
    return names + extra


def render(record: Record, names: list[str], defs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A record as SimplePublicObject, with `names` (unknown properties left out, unset ones null)."""
    properties = {n: record.properties.get(n) for n in names if n in defs}
    body: dict[str, Any] = {
        "id": str(record.id),
        "properties": properties,
        "createdAt": record.created_at,
        "updatedAt": record.updated_at,
        "archived": record.archived,
    }
    if record.archived:
        body["archivedAt"] = record.updated_at
    return body


# --- filters ----------------------------------------------------------------------------------------


def _compile_groups(
    sandbox: Sandbox, kind: ObjectType, defs: dict[str, dict[str, Any]], raw_groups: Any
) -> list[list[Predicate]]:
    caps = sandbox.config.search_limits
    max_groups, max_per_group, max_filters = caps.max_groups, caps.max_filters_per_group, caps.max_filters
    if not isinstance(raw_groups, list):
        raise validation_error("filterGroups must be an array.")
    if len(raw_groups) > max_groups:
        raise validation_error(
            f"Too many filterGroups: {len(raw_groups)}. A search can have at most {max_groups} filterGroups."
        )
    total = 0
    compiled: list[list[Predicate]] = []
    for group in raw_groups:
        filters = group.get("filters") if isinstance(group, dict) else None
        if not isinstance(filters, list):
            raise validation_error("Each filterGroup needs a filters array.")
        if len(filters) > max_per_group:
            raise validation_error(
                f"Too many filters in a filterGroup: {len(filters)}. A filterGroup can have at "
                f"most {max_per_group} filters."
            )
        total += len(filters)
        compiled.append([_compile_filter(sandbox, kind, defs, f) for f in filters])
    if total > max_filters:
        raise validation_error(f"Too many filters: {total}. A search can have at most {max_filters} filters in all.")
    return compiled


def _compile_filter(sandbox: Sandbox, kind: ObjectType, defs: dict[str, dict[str, Any]], raw: Any) -> Predicate:
    if not isinstance(raw, dict) or not raw.get("propertyName") or not raw.get("operator"):
        raise validation_error("Each filter needs propertyName and operator.")
    name = str(raw["propertyName"])
    operator = str(raw["operator"])
    if not sandbox.config.strictness.uppercase_enums:
        operator = operator.upper()
    if operator not in OPERATORS:
        raise validation_error(f"Invalid filter operator: {raw['operator']}. Expected one of {', '.join(OPERATORS)}.")
    value, high, values = raw.get("value"), raw.get("highValue"), raw.get("values")
    if operator in ("IN", "NOT_IN"):
        if not isinstance(values, list) or not values:
            raise validation_error(f"Operator {operator} requires a non-empty values array (property {name}).")
    elif operator == "BETWEEN":
        if value is None or high is None:
            raise validation_error(f"Operator BETWEEN requires value and highValue (property {name}).")
    elif operator not in ("HAS_PROPERTY", "NOT_HAS_PROPERTY") and value is None:
        raise validation_error(f"Operator {operator} requires a value (property {name}).")

    if name.startswith("associations."):
        return _association_filter(sandbox, kind, name, operator, value, values)
    if name == "ilsListMemberships.listId":
        return _list_membership_filter(sandbox, operator, value, values)
    definition = defs.get(name)
    if definition is None:
        # HubSpot rejects filters on properties that do not exist (exact wording unconfirmed).
        raise validation_error(f"Unable to find property {name} on object type {kind.name}.")
    if sandbox.config.strictness.search_option_values:
        _check_options(name, definition, operator, value, values)
    return _property_filter(name, definition, operator, value, high, values)


def _check_options(name: str, definition: dict[str, Any], operator: str, value: Any, values: Any) -> None:
    """An enumeration compared with a value that is not one of its options: HubSpot's answer is
    undocumented; the strict reading refuses it (option values are exact and case-sensitive)."""
    if definition.get("type") != "enumeration" or operator not in ("EQ", "NEQ", "IN", "NOT_IN"):
        return
    options = {str(o.get("value")) for o in definition.get("options") or []}
    given = values if operator in ("IN", "NOT_IN") else [value]
    wrong = [str(v) for v in given if str(v) not in options]
    if wrong:
        raise validation_error(
            f"{', '.join(repr(w) for w in wrong)} is not a valid option for property {name}; "
            f"valid options are: {', '.join(sorted(options))}."
        )


def _property_filter(
    name: str, definition: dict[str, Any], operator: str, value: Any, high: Any, values: Any
) -> Predicate:
    prop_type = definition["type"]
    convert = search_parser(prop_type)
    multi = prop_type == "enumeration"

    def get(record: Record) -> str | None:
        raw = record.properties.get(name)
        return None if raw is None or raw == "" else raw

    if operator == "HAS_PROPERTY":
        return lambda r: get(r) is not None
    if operator == "NOT_HAS_PROPERTY":
        return lambda r: get(r) is None
    if operator in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        pattern = str(value).lower()
        negate = operator == "NOT_CONTAINS_TOKEN"

        def token_match(r: Record) -> bool:
            raw = get(r)
            if raw is None:
                return negate and NEGATIVE_OPERATORS_MATCH_EMPTY
            found = contains_token(raw.lower(), pattern)
            return not found if negate else found

        return token_match

    if operator in ("IN", "NOT_IN"):
        wanted = {convert(v) for v in values}
        wanted.discard(None)
        negate = operator == "NOT_IN"

        def in_match(r: Record) -> bool:
            raw = get(r)
            if raw is None:
                return negate and NEGATIVE_OPERATORS_MATCH_EMPTY
            have = set(split_multi(raw)) if multi else {convert(raw)}
            found = bool(have & wanted)
            return not found if negate else found

        return in_match

    target = convert(value)
    if target is None and operator != "BETWEEN":
        raise validation_error(f"{value!r} is not a valid value for property {name} of type {prop_type}.")
    if operator in ("EQ", "NEQ"):
        negate = operator == "NEQ"

        def eq_match(r: Record) -> bool:
            raw = get(r)
            if raw is None:
                return negate and NEGATIVE_OPERATORS_MATCH_EMPTY
            found = target in split_multi(raw) if multi else convert(raw) == target
            return not found if negate else found

        return eq_match

    low = target
    upper = convert(high) if operator == "BETWEEN" else None
    if operator == "BETWEEN" and (low is None or upper is None):
        raise validation_error(f"BETWEEN on {name} needs comparable value and highValue.")
    compare = range_test(operator, low, upper)

    def range_match(r: Record) -> bool:
        raw = get(r)
        if raw is None:
            return False
        typed = convert(raw)
        return typed is not None and compare(typed)

    return range_match


def _association_filter(
    sandbox: Sandbox, kind: ObjectType, name: str, operator: str, value: Any, values: Any
) -> Predicate:
    """`associations.company` (EQ a company id) and friends: used in the wild, not in the spec."""
    target_name = name.split(".", 1)[1]
    target = next((t for t in OBJECT_TYPES.values() if target_name in (t.singular, t.name, t.type_id)), None)
    if target is None:
        raise validation_error(f"Unable to find property {name} on object type {kind.name}.")
    if operator not in ("EQ", "NEQ", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        raise validation_error(f"Operator {operator} is not supported on {name}.")
    wanted = {str(v) for v in (values if operator in ("IN", "NOT_IN") else [value]) if v is not None}

    def match(r: Record) -> bool:
        linked = {str(i) for i in associations.associated_ids(sandbox, kind.type_id, r.id, target.type_id)}
        if operator == "HAS_PROPERTY":
            return bool(linked)
        if operator == "NOT_HAS_PROPERTY":
            return not linked
        found = bool(linked & wanted)
        return not found if operator in ("NEQ", "NOT_IN") else found

    return match


def _list_membership_filter(sandbox: Sandbox, operator: str, value: Any, values: Any) -> Predicate:
    """`ilsListMemberships.listId` (EQ / IN a list id): seen in the wild [unconfirmed]."""
    if operator not in ("EQ", "IN", "NEQ", "NOT_IN"):
        raise validation_error(f"Operator {operator} is not supported on ilsListMemberships.listId.")
    ids = [
        int(v) for v in (values if operator in ("IN", "NOT_IN") else [value]) if str(v).isascii() and str(v).isdigit()
    ]
    store = sandbox.list_engine.member_store
    with sandbox.store.lock:
        members = set().union(*(store.ids(list_id) for list_id in ids))
    negate = operator in ("NEQ", "NOT_IN")
    return lambda r: (r.id in members) != negate


# --- query and sort ---------------------------------------------------------------------------------


def _query_predicate(kind: ObjectType, raw: Any) -> Predicate | None:
    if raw is None or str(raw).strip() == "":
        return None
    terms = [t for t in str(raw).lower().split() if t]

    def match(record: Record) -> bool:
        texts = [record.properties.get(p, "").lower() for p in kind.searchable]
        texts = [t for t in texts if t]
        return all(
            any(
                t.startswith(term) or term in t or any(tok.startswith(term) for tok in TOKEN_SPLIT.split(t))
                for t in texts
            )
            for term in terms
        )

    return match


def _sort(
    defs: dict[str, dict[str, Any]], raw: Any, *, uppercase: bool = True
) -> tuple[Callable[[Record], Any] | None, bool]:
    if not isinstance(raw, list):
        raise validation_error("sorts must be an array.")
    if not raw:
        return None, False
    if len(raw) > 1:
        raise validation_error("Only one sort is allowed per search request.")
    rule = raw[0]
    if isinstance(rule, str):
        descending = rule.startswith("-")
        name = rule.lstrip("-+")
    elif isinstance(rule, dict) and rule.get("propertyName"):
        name = str(rule["propertyName"])
        direction = str(rule.get("direction", "ASCENDING"))
        direction = direction if uppercase else direction.upper()
        if direction not in ("ASCENDING", "DESCENDING"):
            raise validation_error(f"Invalid sort direction: {rule.get('direction')}")
        descending = direction == "DESCENDING"
    else:
        raise validation_error("Each sort needs a propertyName.")
    definition = defs.get(name)
    if definition is None:
        raise validation_error(f"Unable to sort by unknown property {name}.")
    convert = search_parser(definition["type"])
    return (lambda r: convert(r.properties.get(name))), descending
