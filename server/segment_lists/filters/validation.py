"""Validation of a filterBranch: every problem, each with the path to it and the fix.

Two passes over the raw JSON. The first walks the tree and checks HubSpot's grammar: the root is an
OR with no filters and at least one AND branch, AND branches nest only ASSOCIATION/UNIFIED_EVENTS
branches, every filter and operation has its type's fields and an allowed operator, time points are
well formed, and a list has at most 250 filters. The second runs the pydantic models for JSON
types (a string where a number belongs, ...) and reports what the first did not already cover.
Paths start at `filterBranch`, e.g. `filterBranch.filterBranches[0].filters[1]`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from . import vocab
from .models import OPERATION_MODELS, FilterBranch

ROOT = "filterBranch"


class FilterIssue(BaseModel):
    """One problem in a filterBranch: where it is and what to do about it."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class FilterValidationError(ValueError):
    """Raised by `parse_filter_branch`; carries every issue found, not just the first."""

    def __init__(self, issues: Iterable[FilterIssue]) -> None:
        self.issues: list[FilterIssue] = list(issues)
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.issues)
        head = f"invalid filterBranch ({count} issue{'s' if count != 1 else ''}):"
        return "\n".join([head, *(f"- {issue}" for issue in self.issues)])


def validate_filter_branch(
    data: Any, *, guide_names: bool = True, empty_and_branches: bool = False
) -> list[FilterIssue]:
    """Every issue in `data` (a filterBranch as JSON); [] when HubSpot would accept it. Never raises.

    `guide_names`: accept the filters guide's lowercase operation type names (`datetime-rolling`,
    ...). Whether HubSpot's API does is unconfirmed (reference §9.1), hence the switch.
    `empty_and_branches`: accept an AND branch with neither filters nor nested branches. HubSpot's
    UI cannot save one and its API's answer is undocumented: refused unless asked (the stricter reading).
    """
    walker = _Walker(guide_names=guide_names, empty_and_branches=empty_and_branches)
    try:
        walker.root(data)
        if isinstance(data, dict):
            walker.types(data)
    except Exception as exc:  # a validator must answer, whatever it is given
        walker.add(ROOT, f"could not be checked ({type(exc).__name__}: {exc})")
    return walker.issues


def parse_filter_branch(data: Any, *, guide_names: bool = True, empty_and_branches: bool = False) -> FilterBranch:
    """The typed tree for `data`; raises FilterValidationError listing every issue."""
    issues = validate_filter_branch(data, guide_names=guide_names, empty_and_branches=empty_and_branches)
    if issues:
        raise FilterValidationError(issues)
    return FilterBranch.from_hubspot(data)


# --- helpers -------------------------------------------------------------------------------------


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _listing(names: Sequence[str]) -> str:
    return ", ".join(names)


def _closest(word: str, choices: Iterable[str]) -> str | None:
    pool = list(choices)
    upper = {choice.upper(): choice for choice in pool}
    found = difflib.get_close_matches(word.upper(), list(upper), n=1, cutoff=0.5)
    return upper[found[0]] if found else None


def _kind_name(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )


def _unknown(what: str, value: Any, choices: Sequence[str]) -> str:
    if not isinstance(value, str):
        return f'"{what}" must be a string, one of {_listing(choices)}'
    guess = _closest(value, choices)
    hint = f'did you mean "{guess}"?' if guess else f"use one of {_listing(choices)}"
    return f'unknown {what} "{value}"; {hint}'


# Operators that belong to another operation type: the fix names it (checked before the generic
# list). The set names the fields whose checks the fix makes moot ("*": the type itself changes).
_OPERATOR_HINTS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    ("ENUMERATION", "IS_EQUAL_TO"): ('use IS_ANY_OF with "values"', frozenset({"value", "values"})),
    ("ENUMERATION", "IS_NOT_EQUAL_TO"): ('use IS_NONE_OF with "values"', frozenset({"value", "values"})),
    ("ENUMERATION", "CONTAINS"): ('use CONTAINS_ALL with "values"', frozenset({"value", "values"})),
    ("STRING", "IS_ANY_OF"): ('use MULTISTRING with IS_EQUAL_TO and "values"', frozenset({"*"})),
    ("STRING", "IS_NONE_OF"): ('use MULTISTRING with IS_NOT_EQUAL_TO and "values"', frozenset({"*"})),
    ("MULTISTRING", "IS_ANY_OF"): ('use IS_EQUAL_TO (it matches any of "values")', frozenset()),
    ("MULTISTRING", "IS_NONE_OF"): ('use IS_NOT_EQUAL_TO (it matches none of "values")', frozenset()),
    ("NUMBER", "IS_BETWEEN"): ('use NUMBER_RANGED with "lowerBound" and "upperBound"', frozenset({"*"})),
    ("NUMBER", "IS_NOT_BETWEEN"): ('use NUMBER_RANGED with "lowerBound" and "upperBound"', frozenset({"*"})),
    ("TIME_POINT", "IS_BETWEEN"): (
        'use TIME_RANGED with "lowerBoundTimePoint" and "upperBoundTimePoint"',
        frozenset({"*"}),
    ),
    ("TIME_POINT", "IS_NOT_BETWEEN"): (
        'use TIME_RANGED with "lowerBoundTimePoint" and "upperBoundTimePoint"',
        frozenset({"*"}),
    ),
    ("TIME_RANGED", "IS_BEFORE"): ('use TIME_POINT with "timePoint"', frozenset({"*"})),
    ("TIME_RANGED", "IS_AFTER"): ('use TIME_POINT with "timePoint"', frozenset({"*"})),
}
_KNOWN_OPERATORS = ("IS_KNOWN", "IS_UNKNOWN", "IS_BLANK", "IS_NOT_BLANK")

# `value` vs `values` mix-ups: (type, the field given by mistake) -> the fix.
_VALUE_SHAPE_HINTS: dict[tuple[str, str], str] = {
    (
        "STRING",
        "values",
    ): 'STRING takes "value" (one string), not "values"; use MULTISTRING for several values',
    ("MULTISTRING", "value"): 'MULTISTRING takes "values" (a list of strings), not "value"; use STRING '
    "for a single value",
    ("ENUMERATION", "value"): 'ENUMERATION takes "values" (a list of option values), not "value"',
    ("NUMBER", "values"): 'NUMBER takes "value" (one number), not "values"',
    ("BOOL", "values"): 'BOOL takes "value" (true or false), not "values"',
}

_FIELD_HINTS: dict[str, str] = {
    "values": "a non-empty list of strings",
    "timestamp": "epoch milliseconds",
    "requiresTimeZoneConversion": "true or false",
    "numberOfDays": "an integer",
    "lowerBound": "an integer",
    "upperBound": "an integer",
    "comparisonPropertyName": "another property's internal name",
    "timeUnit": _listing(vocab.CALENDAR_TIME_UNITS),
    "timePoint": "a DATE, INDEXED or PROPERTY_REFERENCED time point",
    "lowerBoundTimePoint": "a DATE, INDEXED or PROPERTY_REFERENCED time point",
    "upperBoundTimePoint": "a DATE, INDEXED or PROPERTY_REFERENCED time point",
}
_VALUE_HINTS = {"STRING": "a string", "NUMBER": "a number", "BOOL": "true or false"}

# "day" -> "days": {amount, unit} offsets are translated into the fix (see _offset_fix).
_OFFSET_UNIT_WORDS = {unit.rstrip("s"): unit for unit in vocab.OFFSET_UNITS}


def _required_fields(kind: str) -> list[str]:
    """Wire names of the fields HubSpot requires on an operation of `kind` (from the models)."""
    model = OPERATION_MODELS[kind]
    names = [
        field.alias or name
        for name, field in model.model_fields.items()
        if field.is_required() and name not in ("operation_type", "operator")
    ]
    if kind in ("TIME_POINT", "TIME_RANGED"):
        names.insert(0, "type")  # optional in the model (lossless parsing), required by the spec
    return names


# --- the grammar walk ----------------------------------------------------------------------------


class _Walker:
    def __init__(self, *, guide_names: bool, empty_and_branches: bool = False) -> None:
        self.guide_names = guide_names
        self.empty_and_branches = empty_and_branches
        self.issues: list[FilterIssue] = []
        self.reported: set[str] = set()
        # Nodes whose required fields this walk checked: pydantic's "missing" errors there are noise.
        self.covered: set[str] = set()
        self.filter_count = 0

    def add(self, path: str, message: str) -> None:
        self.issues.append(FilterIssue(path=path, message=message))
        self.reported.add(path)

    # branches

    def root(self, data: Any) -> None:
        if not isinstance(data, dict):
            self.add(ROOT, f"must be an object (the list's filterBranch), not {_kind_name(data)}")
            return
        if "filterBranch" in data and "filterBranchType" not in data:
            self.add(
                ROOT,
                'pass the filterBranch itself, not the create-list request around it (its "filterBranch")',
            )
            return
        kind = data.get("filterBranchType")
        if kind == "AND":
            self.add(
                ROOT,
                "the root must be an OR branch; wrap this AND branch: "
                '{"filterBranchType": "OR", "filters": [], "filterBranches": [<this AND branch>]}',
            )
        elif kind != "OR" and kind in vocab.BRANCH_TYPES:
            self.add(ROOT, f'the root must be an OR branch ("filterBranchType": "OR"), not {kind}')
        filters = data.get("filters")
        if isinstance(filters, list) and filters and kind == "OR":
            self.add(
                f"{ROOT}.filters",
                'the OR root must have no filters; put them in an AND branch under "filterBranches"',
            )
        children = data.get("filterBranches")
        if kind == "OR" and (not isinstance(children, list) or not children):
            self.add(ROOT, 'the OR root needs at least one AND branch in "filterBranches"')
        self.branch(data, ROOT, root=True)
        if self.filter_count > vocab.MAX_FILTERS_PER_LIST:
            self.add(
                ROOT,
                f"has {self.filter_count} filters; HubSpot allows at most "
                f"{vocab.MAX_FILTERS_PER_LIST} per list (split it into several lists, "
                "combined with IN_LIST filters)",
            )

    def branch(self, node: Any, path: str, *, root: bool = False) -> None:
        if not isinstance(node, dict):
            self.add(path, f"a branch must be an object, not {_kind_name(node)}")
            return
        self.covered.add(path)
        kind = node.get("filterBranchType")
        if kind is None:
            self.add(path, f'missing "filterBranchType" (one of {_listing(vocab.BRANCH_TYPES)})')
        elif kind not in vocab.BRANCH_TYPES:
            self.add(path, _unknown("filterBranchType", kind, vocab.BRANCH_TYPES))
            kind = None
        operator = node.get("filterBranchOperator")
        if kind is not None and isinstance(operator, str):
            expected = vocab.BRANCH_OPERATOR_DEFAULT.get(kind, kind)
            if operator != expected:
                self.add(path, f'"filterBranchOperator" of an {kind} branch must be "{expected}", not "{operator}"')
        if kind == "ASSOCIATION":
            self.association(node, path)
        elif kind == "UNIFIED_EVENTS":
            self.unified_events(node, path)

        filters = node.get("filters", [])
        if not isinstance(filters, list):
            self.add(f"{path}.filters", f'"filters" must be a list, not {_kind_name(filters)}')
            filters = []
        for index, item in enumerate(filters):
            self.filter(item, f"{path}.filters[{index}]")

        children = node.get("filterBranches", [])
        if not isinstance(children, list):
            self.add(f"{path}.filterBranches", f'"filterBranches" must be a list, not {_kind_name(children)}')
            children = []
        if kind == "AND" and not filters and not children and not self.empty_and_branches:
            self.add(path, "an AND branch needs at least one filter or nested branch; remove it or add a filter")
        for index, child in enumerate(children):
            child_path = f"{path}.filterBranches[{index}]"
            child_kind = child.get("filterBranchType") if isinstance(child, dict) else None
            if child_kind in vocab.BRANCH_TYPES:
                self.position(kind, child_kind, child_path, parent_is_root=root)
            self.branch(child, child_path)

    def position(self, parent: str | None, child: str, path: str, *, parent_is_root: bool) -> None:
        """HubSpot's placement rules (the spec's schema does not encode them; reference §8.1)."""
        if parent == "OR" and parent_is_root and child != "AND":
            self.add(path, f"branches under the OR root must be AND branches, not {child}")
        elif parent == "OR" and not parent_is_root:
            pass  # already reported: an OR is only allowed as the root
        elif parent == "AND" and child not in vocab.NESTABLE_IN_AND:
            self.add(path, f"an AND branch may only nest ASSOCIATION or UNIFIED_EVENTS branches, not {child}")
        elif parent == "ASSOCIATION" and child != "ASSOCIATION":
            self.add(path, f"an ASSOCIATION branch may only nest ASSOCIATION branches, not {child}")
        elif parent == "UNIFIED_EVENTS":
            self.add(path, "a UNIFIED_EVENTS branch has no sub-branches")

    def association(self, node: dict[str, Any], path: str) -> None:
        missing = [
            name
            for name in ("objectTypeId", "operator", "associationTypeId", "associationCategory")
            if name not in node
        ]
        if missing:
            self.add(
                path,
                f'ASSOCIATION branch is missing {_quoted(missing)} (e.g. "objectTypeId": "0-2", '
                '"operator": "IN_LIST", "associationTypeId": 279, "associationCategory": "HUBSPOT_DEFINED")',
            )
        operator = node.get("operator")
        if isinstance(operator, str) and operator not in vocab.ASSOCIATION_OPERATORS:
            self.add(
                path,
                f"ASSOCIATION branch has no operator {operator}; use {_listing(vocab.ASSOCIATION_OPERATORS)}",
            )
        category = node.get("associationCategory")
        if isinstance(category, str) and category not in vocab.ASSOCIATION_CATEGORIES:
            self.add(path, _unknown("associationCategory", category, vocab.ASSOCIATION_CATEGORIES))

    def unified_events(self, node: dict[str, Any], path: str) -> None:
        missing = [name for name in ("eventTypeId", "operator") if name not in node]
        if missing:
            self.add(path, f"UNIFIED_EVENTS branch is missing {_quoted(missing)}")
        operator = node.get("operator")
        if isinstance(operator, str) and operator not in vocab.UNIFIED_EVENTS_OPERATORS:
            self.add(
                path,
                f"UNIFIED_EVENTS branch has no operator {operator}; use {_listing(vocab.UNIFIED_EVENTS_OPERATORS)}",
            )

    # filters

    def filter(self, node: Any, path: str) -> None:
        self.filter_count += 1
        if not isinstance(node, dict):
            self.add(path, f"a filter must be an object, not {_kind_name(node)}")
            return
        self.covered.add(path)
        kind = node.get("filterType")
        if kind is None:
            self.add(path, f'missing "filterType" (usually "PROPERTY"; one of {_listing(vocab.FILTER_TYPES)})')
            return
        if kind not in vocab.FILTER_TYPES:
            self.add(path, _unknown("filterType", kind, vocab.FILTER_TYPES))
            return
        missing = [name for name in vocab.FILTER_REQUIRED_FIELDS[kind] if name not in node]
        if missing:
            self.add(path, f"{kind} filter is missing {_quoted(missing)}")
        operator = node.get("operator")
        allowed = vocab.FILTER_OPERATORS.get(kind)
        if allowed and isinstance(operator, str) and operator not in allowed:
            self.add(path, f"{kind} filter has no operator {operator}; use one of {_listing(allowed)}")
        if kind == "PROPERTY":
            if node.get("property") == "":
                self.add(path, '"property" must be a property\'s internal name, not empty')
            if "operation" in node:
                self.operation(node["operation"], path)
        elif kind == "EMAIL_SUBSCRIPTION":
            for name in ("subscriptionIds", "acceptedStatuses"):
                if node.get(name) == []:
                    self.add(path, f'EMAIL_SUBSCRIPTION "{name}" must not be empty')
        elif kind == "IN_LIST":
            metadata = node.get("metadata")
            if isinstance(metadata, dict):
                in_list_type = metadata.get("inListType")
                if isinstance(in_list_type, str) and in_list_type not in vocab.IN_LIST_TYPES:
                    self.add(f"{path}.metadata", _unknown("inListType", in_list_type, vocab.IN_LIST_TYPES))

    def operation(self, op: Any, filter_path: str) -> None:
        op_path = f"{filter_path}.operation"
        if not isinstance(op, dict):
            self.add(op_path, f'"operation" must be an object, not {_kind_name(op)}')
            return
        self.covered.add(op_path)
        raw = op.get("operationType")
        if raw is None:
            self.add(
                filter_path,
                f'the operation is missing "operationType" (one of {_listing(vocab.OPERATION_TYPES)})',
            )
            return
        kind = vocab.canonical_operation_type(raw)
        if kind is None:
            if isinstance(raw, str) and raw.lower() in vocab.SCHEMALESS_GUIDE_NAMES:
                self.add(
                    filter_path,
                    f'operationType "{raw}" has no schema in the Lists v3 API; compare with a value',
                )
            else:
                self.add(filter_path, _unknown("operationType", raw, vocab.OPERATION_TYPES))
            return
        if raw != kind and not self.guide_names:
            self.add(filter_path, f'write operationType "{kind}", not "{raw}"')

        suppressed: set[str] = set()  # fields whose absence a more precise message already explains
        operator = op.get("operator")
        allowed = vocab.OPERATORS[kind]
        if operator is None:
            self.add(filter_path, f'{kind} operation is missing "operator" (one of {_listing(allowed)})')
        elif not isinstance(operator, str):
            self.add(f"{op_path}.operator", f"must be a string, one of {_listing(allowed)}")
        elif operator not in allowed:
            hint, moot = _OPERATOR_HINTS.get((kind, operator), (None, frozenset()))
            if hint is None and operator in _KNOWN_OPERATORS and kind != "ALL_PROPERTY":
                hint, moot = f"use ALL_PROPERTY with {operator}", frozenset({"*"})
            suppressed.update(moot)
            self.add(filter_path, f"{kind} has no {operator}; {hint or 'use one of ' + _listing(allowed)}")

        if "*" in suppressed:
            return  # the fix changes the operation type: its fields are checked once that is done
        for (hint_kind, wrong), message in _VALUE_SHAPE_HINTS.items():
            if hint_kind == kind and wrong in op and not suppressed & {"value", "values"}:
                self.add(filter_path, message)
                suppressed.update({"value", "values"})

        missing = [name for name in _required_fields(kind) if name not in op and name not in suppressed]
        for name in missing:
            if name == "type":
                self.add(
                    filter_path,
                    f'{kind} operation is missing "type": "{kind}" (it repeats the operationType)',
                )
                continue
            hint = _VALUE_HINTS.get(kind) if name == "value" else _FIELD_HINTS.get(name)
            self.add(filter_path, f'{kind} operation is missing "{name}"' + (f" ({hint})" if hint else ""))

        if kind in ("ENUMERATION", "MULTISTRING") and op.get("values") == [] and "values" not in suppressed:
            self.add(filter_path, f'{kind} "values" must not be empty; give at least one value')
        if isinstance(op.get("type"), str) and kind in ("TIME_POINT", "TIME_RANGED") and op["type"] != kind:
            self.add(filter_path, f'"type" must be "{kind}" (the same as operationType), not "{op["type"]}"')
        low, high = op.get("lowerBound"), op.get("upperBound")
        if (
            kind in ("NUMBER_RANGED", "RANGED_DATE")
            and isinstance(low, int | float)
            and isinstance(high, int | float)
            and not isinstance(low, bool)
            and not isinstance(high, bool)
            and low > high
        ):
            self.add(filter_path, f'"lowerBound" ({low}) is greater than "upperBound" ({high}); swap them')
        if kind == "CALENDAR_DATE":
            self.choice(op, "timeUnit", vocab.CALENDAR_TIME_UNITS, op_path)
        self.choice(op, "propertyParser", vocab.PROPERTY_PARSERS, op_path)
        for name in ("endpointBehavior", "lowerBoundEndpointBehavior", "upperBoundEndpointBehavior"):
            self.choice(op, name, vocab.ENDPOINT_BEHAVIORS, op_path)

        if kind == "TIME_POINT" and "timePoint" in op:
            self.time_point(op["timePoint"], f"{op_path}.timePoint", kind)
        if kind == "TIME_RANGED":
            for name in ("lowerBoundTimePoint", "upperBoundTimePoint"):
                if name in op:
                    self.time_point(op[name], f"{op_path}.{name}", kind)

    def choice(self, node: dict[str, Any], name: str, choices: Sequence[str], path: str) -> None:
        value = node.get(name)
        if isinstance(value, str) and value not in choices:
            self.add(f"{path}.{name}", _unknown(name, value, choices))

    # time points

    def time_point(self, point: Any, path: str, kind: str) -> None:
        if not isinstance(point, dict):
            self.add(path, f"a time point must be an object, not {_kind_name(point)}")
            return
        self.covered.add(path)
        time_type = point.get("timeType")
        if time_type is None:
            self.add(path, f'missing "timeType" ({_listing(vocab.TIME_TYPES)})')
            return
        if time_type not in vocab.TIME_TYPES:
            self.add(path, _unknown("timeType", time_type, vocab.TIME_TYPES))
            return
        required = {
            "DATE": ("year", "month", "day"),
            "INDEXED": ("indexReference",),
            "PROPERTY_REFERENCED": (),
        }
        missing = [name for name in (*required[time_type], "zoneId") if name not in point]
        if time_type == "PROPERTY_REFERENCED":
            missing = [name for name in ("property", "referenceType", "zoneId") if name not in point]
        for name in missing:
            hint = ' (an IANA zone such as "America/New_York" or "UTC")' if name == "zoneId" else ""
            self.add(path, f'{time_type} time point is missing "{name}"{hint}')
        self.choice(point, "timezoneSource", vocab.TIMEZONE_SOURCES, path)
        if time_type == "DATE":
            month, day = point.get("month"), point.get("day")
            if isinstance(month, int) and not isinstance(month, bool) and not 1 <= month <= 12:
                self.add(f"{path}.month", f"month is 1-based (1..12), not {month}")
            if isinstance(day, int) and not isinstance(day, bool) and not 1 <= day <= 31:
                self.add(f"{path}.day", f"day must be 1..31, not {day}")
        elif time_type == "PROPERTY_REFERENCED":
            self.choice(point, "referenceType", vocab.PROPERTY_PARSERS, path)
        elif time_type == "INDEXED":
            self.index_reference(point.get("indexReference"), f"{path}.indexReference")
            if "offset" in point:
                self.offset(point["offset"], f"{path}.offset", kind)

    def index_reference(self, ref: Any, path: str) -> None:
        if ref is None:
            return
        if not isinstance(ref, dict):
            self.add(path, f'must be an object such as {{"referenceType": "TODAY"}}, not {_kind_name(ref)}')
            return
        self.covered.add(path)
        kind = ref.get("referenceType")
        choices = tuple(vocab.INDEX_REFERENCE_REQUIRED)
        if kind is None:
            self.add(path, f'missing "referenceType" ({_listing(choices)})')
            return
        if kind not in vocab.INDEX_REFERENCE_REQUIRED:
            self.add(path, _unknown("referenceType", kind, choices))
            return
        missing = [name for name in vocab.INDEX_REFERENCE_REQUIRED[kind] if name not in ref]
        if missing:
            self.add(path, f"a {kind} reference needs {_quoted(missing)}")

    def offset(self, offset: Any, path: str, kind: str) -> None:
        if not isinstance(offset, dict):
            self.add(path, f'{kind} offset must be an object such as {{"days": -90}}, not {_kind_name(offset)}')
            return
        self.covered.add(path)
        unknown = [key for key in offset if key not in vocab.OFFSET_UNITS]
        if not unknown:
            return
        if {"amount", "unit", "timeUnit"} & set(unknown):
            self.add(path, f'{kind} offset must be {_offset_fix(offset)}, not {{"amount": .., "unit": ..}}')
        else:
            self.add(path, f"unknown offset unit(s) {_quoted(unknown)}; use {_listing(vocab.OFFSET_UNITS)}")

    # JSON types, via the models

    def types(self, data: dict[str, Any]) -> None:
        try:
            FilterBranch.from_hubspot(data)
        except ValidationError as exc:
            seen: set[str] = set()
            for error in exc.errors():
                path, parent = _locate(data, error["loc"])
                if error["type"] == "missing":
                    if parent in self.covered or parent in self.reported:
                        continue
                    message = "missing required field"
                elif path in self.reported or error["type"].startswith("union_tag"):
                    continue
                else:
                    text = error["msg"].removeprefix("Value error, ")
                    message = f"{text} (got {_short(error.get('input'))})"
                if (path, message) not in seen:
                    seen.add((path, message))
                    self.add(path, message)


def _offset_fix(offset: dict[str, Any]) -> str:
    amount = offset.get("amount")
    unit = offset.get("unit", offset.get("timeUnit"))
    if isinstance(amount, int) and isinstance(unit, str):
        word = _OFFSET_UNIT_WORDS.get(unit.lower().rstrip("s"))
        if word:
            direction = offset.get("offsetDirection")
            signed = -abs(amount) if direction == "PAST" else abs(amount) if direction == "FUTURE" else amount
            return f'{{"{word}": {signed}}}'
    return '{"days": -90} (a unit name with a signed amount)'


def _locate(data: Any, loc: tuple[Any, ...]) -> tuple[str, str]:
    """The issue path of a pydantic error location, skipping union tags; also its parent's path."""
    path, parent, node = ROOT, ROOT, data
    for position, step in enumerate(loc):
        last = position == len(loc) - 1
        if isinstance(node, dict) and isinstance(step, str) and step in node:
            parent, path, node = path, f"{path}.{step}", node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            parent, path, node = path, f"{path}[{step}]", node[step]
        elif isinstance(node, dict) and isinstance(step, str) and last:
            parent, path = path, f"{path}.{step}"
    return path, parent


def _short(value: Any) -> str:
    # A word-boundary cut, as boundary.text.shorten does (filters is shared with the sandbox, which
    # imports nothing but filters and data).
    text = repr(value)
    if len(text) <= 40:
        return text
    cut = text[:39]
    space = cut.rfind(" ")
    return (cut[:space] if space >= 27 and text[39] != " " else cut).rstrip(" ,;:.") + "\u2026"
