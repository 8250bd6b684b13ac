"""HubSpot list filters, compiled once and evaluated set-at-a-time.

A (normalized) `filterBranch` dict compiles into a `Plan`: a tree of nodes that each turn the
portal's data into the set of matching record ids. Evaluating a whole population at once (one
pass over one property column per filter, set intersection for AND, union for OR, association
indexes for ASSOCIATION branches) is what keeps 100k records x 20 lists within seconds.

Semantics follow HubSpot (reference §8, §9, §13):
- OR root = any AND child; AND = every filter and every nested branch.
- A record without a value (property absent or "") gets `includeObjectsWithNoValueSet` for every
  operator, negative ones included; ALL_PROPERTY (IS_KNOWN / IS_UNKNOWN / IS_BLANK / IS_NOT_BLANK)
  is the exception: it is *about* the value being set, so the flag is ignored.
- STRING / MULTISTRING / COMPARATIVE_STRING compare case-insensitively (the *_EXACTLY operators
  case-sensitively); ENUMERATION compares option values exactly, a multi-checkbox value being the
  `;`-separated set of its options. HAS_EVER_* / HAS_NEVER_* read every value the property has had
  (property_history plus the current value).
- Time comparisons are in epoch ms; time points resolve in the filter's zoneId, falling back to
  the portal's zone. TIME_POINT endpoints default to EXCLUSIVE, TIME_RANGED bounds to INCLUSIVE
  (HubSpot's recipes always send them; the defaults are ours).
- Filters HubSpot accepts but the sandbox has no data for (page views, form submissions, email
  events, CTAs, webinars, surveys, ads, privacy consent, unified/integration events, communication
  subscriptions): positive operators match nobody, negative ones (NOT_*, HAS_NOT_*) match everyone,
  which is the truth for a portal where nothing of the kind ever happened. The DATE operation
  (poorly specified by HubSpot) and the ANNIVERSARY property parsers are accepted and match nobody.
Shapes the sandbox cannot make sense of raise `FilterCompileError` (a 400 at create).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from segment_lists.filters import vocab
from segment_lists.filters.time import (
    CALENDAR_UNITS,
    TimePointError,
    calendar_window,
    check_time_point,
    resolve_ms,
    zone_of,
)
from segment_lists.sandbox.clock import to_ms
from segment_lists.sandbox.crm.column import Column, Range
from segment_lists.sandbox.crm.values import parse_bool, parse_datetime_ms, parse_number

DAY_MS = 86_400_000
MAX_FILTERS = vocab.MAX_FILTERS_PER_LIST


class FilterCompileError(ValueError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class EvalData(Protocol):
    """What evaluation reads. Columns hold parsed values of records that have one (kind: text, lower,
    number, bool, time, enum); history columns hold every value ever had, parsed likewise."""

    now: datetime
    zone: ZoneInfo

    def all_ids(self, object_type: str) -> set[int]: ...
    def column(self, object_type: str, prop: str, kind: str) -> dict[int, Any]: ...
    def history(self, object_type: str, prop: str, kind: str) -> dict[int, list[Any]]: ...
    def updated_at(self, object_type: str, prop: str) -> dict[int, int]: ...
    def associated(
        self, from_type: str, to_type: str, type_id: int, category: str | None, to_ids: set[int]
    ) -> set[int]: ...
    def list_members(self, list_id: int) -> set[int]: ...
    def list_object_type(self, list_id: int) -> str | None: ...


class Node(Protocol):
    def evaluate(self, data: EvalData, object_type: str) -> set[int]: ...


@dataclass
class ListRef:
    list_id: int
    object_type: str | None  # the object type the referencing context expects (None: any)
    path: str


@dataclass
class Plan:
    """A compiled filterBranch for records of `object_type`."""

    object_type: str
    root: Node
    list_refs: list[ListRef] = field(default_factory=list)
    object_types: set[str] = field(default_factory=set)
    # True when membership depends on the clock (relative dates): re-evaluate when time moves.
    time_relative: bool = False

    def evaluate(self, data: EvalData) -> set[int]:
        return self.root.evaluate(data, self.object_type)


# --- nodes ------------------------------------------------------------------------------------


@dataclass
class OrNode:
    children: list[Node]

    def evaluate(self, data: EvalData, object_type: str) -> set[int]:
        result: set[int] = set()
        for child in self.children:
            result |= child.evaluate(data, object_type)
        return result


@dataclass
class AndNode:
    parts: list[Node]

    def evaluate(self, data: EvalData, object_type: str) -> set[int]:
        result: set[int] | None = None
        for part in self.parts:
            if result is None:
                result = part.evaluate(data, object_type)
            elif isinstance(part, PropertyNode | KnownNode):
                # Narrow the records still in the running: no set of everyone matching the part.
                result = part.among(data, object_type, result)
            else:
                result &= part.evaluate(data, object_type)
            if not result:
                return set()
        return set(data.all_ids(object_type)) if result is None else result


@dataclass
class AssociationNode:
    """Records with at least one associated `target_type` record passing `inner` (IN_LIST),
    or with none (NOT_IN_LIST)."""

    target_type: str
    type_id: int
    category: str | None
    negate: bool
    inner: Node

    def evaluate(self, data: EvalData, object_type: str) -> set[int]:
        passing = self.inner.evaluate(data, self.target_type)
        linked = data.associated(object_type, self.target_type, self.type_id, self.category, passing)
        linked &= data.all_ids(object_type)
        return data.all_ids(object_type) - linked if self.negate else linked


@dataclass
class ConstantNode:
    accept: bool

    def evaluate(self, data: EvalData, object_type: str) -> set[int]:
        return set(data.all_ids(object_type)) if self.accept else set()


@dataclass
class InListNode:
    list_id: int
    negate: bool

    def evaluate(self, data: EvalData, object_type: str) -> set[int]:
        members = data.list_members(self.list_id) & data.all_ids(object_type)
        return data.all_ids(object_type) - members if self.negate else members


@dataclass
class AssociatedInListNode:
    """filterType ASSOCIATION: associated (through a type) with a member of another list."""

    list_id: int
    to_type: str | None
    type_id: int
    category: str | None
    negate: bool

    def evaluate(self, data: EvalData, object_type: str) -> set[int]:
        to_type = self.to_type or data.list_object_type(self.list_id)
        linked = (
            set()
            if to_type is None
            else data.associated(object_type, to_type, self.type_id, self.category, data.list_members(self.list_id))
        )
        linked &= data.all_ids(object_type)
        return data.all_ids(object_type) - linked if self.negate else linked


ValuePredicate = Callable[[Any], bool]
RecordPredicate = Callable[[int, Any], bool]


@dataclass
class PropertyNode:
    """One PROPERTY filter: a predicate over one column plus the no-value rule."""

    prop: str
    kind: str
    source: str  # value | history | updated
    include_missing: bool
    build: Callable[[EvalData, str], ValuePredicate | RecordPredicate]
    per_record: bool = False

    def column(self, data: EvalData, object_type: str) -> dict[int, Any]:
        if self.source == "history":
            return data.history(object_type, self.prop, self.kind)
        if self.source == "updated":
            return data.updated_at(object_type, self.prop)
        return data.column(object_type, self.prop, self.kind)

    def evaluate(self, data: EvalData, object_type: str) -> set[int]:
        column = self.column(data, object_type)
        predicate = self.build(data, object_type)
        if self.per_record:
            matched = {rid for rid, value in column.items() if predicate(rid, value)}  # type: ignore[call-arg]
        else:
            matched = select(column, predicate)  # type: ignore[arg-type]
        if self.include_missing:
            matched |= missing(column, data.all_ids(object_type))
        return matched

    def among(self, data: EvalData, object_type: str, candidates: set[int]) -> set[int]:
        """`candidates & evaluate()`, in set operations on the candidates when the column can."""
        column = self.column(data, object_type)
        if self.per_record or not isinstance(column, Column):
            return candidates & self.evaluate(data, object_type)
        return column.select_among(self.build(data, object_type), candidates, self.include_missing)  # type: ignore[arg-type]


def select(column: dict[int, Any], test: ValuePredicate) -> set[int]:
    """Ids whose value passes `test`: from the column's indexes when it has them (the record index's
    columns), else record by record (the reference path, same answers)."""
    if isinstance(column, Column):
        return column.select(test)
    return {rid for rid, value in column.items() if test(value)}


def missing(column: dict[int, Any], everyone: set[int]) -> set[int]:
    """Ids of `everyone` without a value (may be the column's own set: do not change it)."""
    return column.missing(everyone) if isinstance(column, Column) else everyone - column.keys()


@dataclass
class KnownNode:
    """ALL_PROPERTY: whether the property has a value at all."""

    prop: str
    known: bool

    def evaluate(self, data: EvalData, object_type: str) -> set[int]:
        return set(self._matching(data, object_type))

    def among(self, data: EvalData, object_type: str, candidates: set[int]) -> set[int]:
        return candidates & self._matching(data, object_type)

    def _matching(self, data: EvalData, object_type: str) -> set[int] | Any:
        """The matching ids, possibly the column's own (read-only) set or its keys."""
        column = data.column(object_type, self.prop, "text")
        if self.known:
            return column.ids() if isinstance(column, Column) else column.keys()
        return missing(column, data.all_ids(object_type))


@dataclass
class SubscriptionNode:
    """EMAIL_SUBSCRIPTION from the contact's opt-out properties (the sandbox has no subscription store):
    `hs_email_optout_<id>` "true" = OPT_OUT, "false" = OPT_IN; otherwise the portal-wide
    `hs_email_optout` "true" = OPT_OUT, else NOT_OPTED. A record matches when any listed subscription
    has an accepted status."""

    subscription_ids: list[str]
    accepted: set[str]
    portal_wide: bool

    def evaluate(self, data: EvalData, object_type: str) -> set[int]:
        everyone = data.all_ids(object_type)
        global_out = select(data.column(object_type, "hs_email_optout", "bool"), bool)
        matched: set[int] = set()
        for sid in self.subscription_ids or [""]:
            specific = {} if self.portal_wide or not sid else data.column(object_type, f"hs_email_optout_{sid}", "bool")
            opted_out = select(specific, bool) | (global_out - specific.keys())
            opted_in = select(specific, lambda v: not v)
            if "OPT_OUT" in self.accepted:
                matched |= opted_out
            if "OPT_IN" in self.accepted:
                matched |= opted_in - global_out if self.portal_wide else opted_in
            if self.accepted & {"NOT_OPTED", "NOT_SPECIFIED"}:
                matched |= everyone - opted_out - opted_in
        return matched


# --- compilation ------------------------------------------------------------------------------

NO_DATA_FILTERS = frozenset(
    {
        "PAGE_VIEW",
        "CTA",
        "EVENT",
        "FORM_SUBMISSION",
        "FORM_SUBMISSION_ON_PAGE",
        "EMAIL_EVENT",
        "WEBINAR",
        "SURVEY_MONKEY",
        "SURVEY_MONKEY_VALUE",
        "PRIVACY",
        "ADS_SEARCH",
        "ADS_TIME",
        "UNIFIED_EVENTS",
        "INTEGRATION_EVENT",
        "COMMUNICATION_SUBSCRIPTION",
    }
)
# HubSpot's operator allow-lists and guide names: one vocabulary for validation and evaluation.
OPERATORS: dict[str, frozenset[str]] = {kind: frozenset(ops) for kind, ops in vocab.OPERATORS.items()}
SKIPPED_PARSERS = frozenset({"ANNIVERSARY", "ANNIVERSARY_WITH_ZONE_SAME_LOCAL_CONVERSION"})


def operation_type(raw: Any) -> str:
    return vocab.canonical_operation_type(raw) or str(raw or "").upper()


class Compiler:
    def __init__(self, object_type: str) -> None:
        self.object_type = object_type
        self.plan_types: set[str] = {object_type}
        self.refs: list[ListRef] = []
        self.time_relative = False
        self.filter_count = 0

    # branches

    def root(self, branch: Any) -> Node:
        path = "filterBranch"
        if not isinstance(branch, dict):
            raise FilterCompileError(path, "must be an object")
        if str(branch.get("filterBranchType", "")).upper() != "OR":
            raise FilterCompileError(path, "the root filter branch must be of type OR")
        if branch.get("filters"):
            raise FilterCompileError(path, "the root OR branch must not have filters; put them in AND branches")
        children = branch.get("filterBranches") or []
        if not children:
            raise FilterCompileError(path, "the root OR branch needs at least one AND branch")
        nodes: list[Node] = []
        for index, child in enumerate(children):
            child_path = f"{path}.filterBranches[{index}]"
            if not isinstance(child, dict) or str(child.get("filterBranchType", "")).upper() != "AND":
                raise FilterCompileError(child_path, "children of the root OR branch must be AND branches")
            nodes.append(self.and_branch(child, child_path, self.object_type))
        return OrNode(nodes)

    def and_branch(self, branch: dict[str, Any], path: str, object_type: str) -> Node:
        parts = [
            self.filter(item, f"{path}.filters[{i}]", object_type) for i, item in enumerate(branch.get("filters") or [])
        ]
        for index, child in enumerate(branch.get("filterBranches") or []):
            parts.append(self.nested(child, f"{path}.filterBranches[{index}]", object_type))
        return AndNode(parts)

    def nested(self, branch: Any, path: str, object_type: str) -> Node:
        if not isinstance(branch, dict):
            raise FilterCompileError(path, "must be an object")
        kind = str(branch.get("filterBranchType", "")).upper()
        if kind == "ASSOCIATION":
            target = branch.get("objectTypeId")
            type_id = branch.get("associationTypeId")
            if not isinstance(target, str) or not target:
                raise FilterCompileError(path, "ASSOCIATION branch needs objectTypeId")
            if (
                isinstance(type_id, bool)
                or not isinstance(type_id, int | str)
                or not str(type_id).lstrip("-").isdigit()
            ):
                raise FilterCompileError(path, "ASSOCIATION branch needs an integer associationTypeId")
            operator = str(branch.get("operator", "IN_LIST")).upper()
            if operator not in {"IN_LIST", "NOT_IN_LIST"}:
                raise FilterCompileError(path, "ASSOCIATION branch operator must be IN_LIST or NOT_IN_LIST")
            self.plan_types.add(target)
            inner = self.and_branch(branch, path, target)
            return AssociationNode(
                target, int(type_id), branch.get("associationCategory"), operator == "NOT_IN_LIST", inner
            )
        if kind == "UNIFIED_EVENTS":
            operator = str(branch.get("operator", "")).upper()
            if operator not in {"HAS_COMPLETED", "HAS_NOT_COMPLETED"}:
                raise FilterCompileError(
                    path, "UNIFIED_EVENTS branch operator must be HAS_COMPLETED or HAS_NOT_COMPLETED"
                )
            # No events ever happen in the sandbox.
            return ConstantNode(operator == "HAS_NOT_COMPLETED")
        raise FilterCompileError(
            path, f"an AND branch may only nest ASSOCIATION or UNIFIED_EVENTS branches, not {kind or '?'}"
        )

    # filters

    def filter(self, item: Any, path: str, object_type: str) -> Node:
        self.filter_count += 1
        if self.filter_count > MAX_FILTERS:
            raise FilterCompileError(path, f"a list may have at most {MAX_FILTERS} filters")
        if not isinstance(item, dict):
            raise FilterCompileError(path, "must be an object")
        kind = str(item.get("filterType", "")).upper()
        if kind == "PROPERTY":
            return self.property_filter(item, path)
        if kind == "IN_LIST":
            list_id = _list_id(item.get("listId"), path)
            operator = str(item.get("operator", "")).upper()
            if operator not in {"IN_LIST", "NOT_IN_LIST"}:
                raise FilterCompileError(path, "IN_LIST filter operator must be IN_LIST or NOT_IN_LIST")
            metadata = item.get("metadata") or {}
            if metadata.get("inListType"):
                # Workflow / import / dataset lists do not exist in the sandbox: nobody is in them.
                return ConstantNode(operator == "NOT_IN_LIST")
            self.refs.append(ListRef(list_id, object_type, path))
            return InListNode(list_id, operator == "NOT_IN_LIST")
        if kind == "ASSOCIATION":
            list_id = _list_id(item.get("listId"), path)
            operator = str(item.get("operator", "")).upper()
            if operator not in {"IN_LIST", "NOT_IN_LIST"}:
                raise FilterCompileError(path, "ASSOCIATION filter operator must be IN_LIST or NOT_IN_LIST")
            type_id = item.get("associationTypeId")
            if not str(type_id).lstrip("-").isdigit():
                raise FilterCompileError(path, "ASSOCIATION filter needs an integer associationTypeId")
            to_type = item.get("toObjectTypeId") or None
            self.refs.append(ListRef(list_id, to_type, path))
            if to_type:
                self.plan_types.add(to_type)
            return AssociatedInListNode(
                list_id, to_type, int(type_id), item.get("associationCategory"), operator == "NOT_IN_LIST"
            )
        if kind == "CONSTANT":
            if not isinstance(item.get("shouldAccept"), bool):
                raise FilterCompileError(path, "CONSTANT filter needs a boolean shouldAccept")
            return ConstantNode(item["shouldAccept"])
        if kind == "EMAIL_SUBSCRIPTION":
            ids = item.get("subscriptionIds")
            statuses = item.get("acceptedStatuses")
            if not isinstance(ids, list) or not isinstance(statuses, list) or not statuses:
                raise FilterCompileError(path, "EMAIL_SUBSCRIPTION filter needs subscriptionIds and acceptedStatuses")
            portal_wide = str(item.get("subscriptionType", "SUBSCRIPTION")).upper() in {"PORTAL", "BRAND"}
            return SubscriptionNode([str(s) for s in ids], {str(s).upper() for s in statuses}, portal_wide)
        if kind in NO_DATA_FILTERS:
            operator = str(item.get("operator", "")).upper()
            return ConstantNode(
                operator.startswith(("NOT_", "HAS_NOT_"))
                or operator in {"NOT_FILLED_OUT", "PRIVACY_CONSENT_NOT_GRANTED"}
            )
        raise FilterCompileError(path, f"unknown filterType {item.get('filterType')!r}")

    def property_filter(self, item: dict[str, Any], path: str) -> Node:
        prop = item.get("property")
        operation = item.get("operation")
        if not isinstance(prop, str) or not prop:
            raise FilterCompileError(path, "PROPERTY filter needs a property")
        if not isinstance(operation, dict):
            raise FilterCompileError(path, "PROPERTY filter needs an operation object")
        op_path = f"{path}.operation"
        kind = operation_type(operation.get("operationType"))
        operator = str(operation.get("operator", "")).upper()
        allowed = OPERATORS.get(kind)
        if kind == "DATE":
            return ConstantNode(False)
        if allowed is None:
            raise FilterCompileError(op_path, f"unknown operationType {operation.get('operationType')!r}")
        if operator not in allowed:
            raise FilterCompileError(
                op_path,
                f"operator {operator or '(missing)'} is not valid for {kind}; "
                f"expected one of {', '.join(sorted(allowed))}",
            )
        include = operation.get("includeObjectsWithNoValueSet", False) is True
        builder = getattr(self, "op_" + kind.lower())
        return builder(prop, operator, operation, include, op_path)

    # operations -------------------------------------------------------------------------------

    def op_all_property(self, prop: str, operator: str, op: dict[str, Any], include: bool, path: str) -> Node:
        return KnownNode(prop, operator in {"IS_KNOWN", "IS_NOT_BLANK"})

    def op_string(self, prop: str, operator: str, op: dict[str, Any], include: bool, path: str) -> Node:
        if "value" not in op or op["value"] is None or isinstance(op["value"], list | dict):
            raise FilterCompileError(path, "STRING operation needs a single string value (use MULTISTRING for values)")
        x = str(op["value"]).lower()
        tests: dict[str, ValuePredicate] = {
            "IS_EQUAL_TO": lambda v: v == x,
            "IS_NOT_EQUAL_TO": lambda v: v != x,
            "CONTAINS": lambda v: x in v,
            "DOES_NOT_CONTAIN": lambda v: x not in v,
            "STARTS_WITH": lambda v: v.startswith(x),
            "ENDS_WITH": lambda v: v.endswith(x),
            "HAS_EVER_BEEN_EQUAL_TO": lambda vs: x in vs,
            "HAS_NEVER_BEEN_EQUAL_TO": lambda vs: x not in vs,
            "HAS_EVER_CONTAINED": lambda vs: any(x in v for v in vs),
            "HAS_NEVER_CONTAINED": lambda vs: not any(x in v for v in vs),
        }
        return _simple(prop, "lower", _source(operator), include, tests[operator])

    def op_multistring(self, prop: str, operator: str, op: dict[str, Any], include: bool, path: str) -> Node:
        values = op.get("values")
        if not isinstance(values, list) or not values:
            raise FilterCompileError(path, "MULTISTRING operation needs a non-empty values array")
        exact = operator.endswith("_EXACTLY")
        xs = [str(v) if exact else str(v).lower() for v in values]
        xset = frozenset(xs)
        tests: dict[str, ValuePredicate] = {
            "IS_EQUAL_TO": lambda v: v in xset,
            "IS_NOT_EQUAL_TO": lambda v: v not in xset,
            "CONTAINS": lambda v: any(x in v for x in xs),
            "DOES_NOT_CONTAIN": lambda v: not any(x in v for x in xs),
            "CONTAINS_EXACTLY": lambda v: any(x in v for x in xs),
            "DOES_NOT_CONTAIN_EXACTLY": lambda v: not any(x in v for x in xs),
            "STARTS_WITH": lambda v: v.startswith(tuple(xs)),
            "ENDS_WITH": lambda v: v.endswith(tuple(xs)),
        }
        return _simple(prop, "text" if exact else "lower", "value", include, tests[operator])

    def op_enumeration(self, prop: str, operator: str, op: dict[str, Any], include: bool, path: str) -> Node:
        values = op.get("values")
        if not isinstance(values, list) or not values:
            raise FilterCompileError(
                path,
                "ENUMERATION operation needs a non-empty values array (there is no IS_EQUAL_TO: use IS_ANY_OF)",
            )
        xs = frozenset(str(v).lower() if isinstance(v, bool) else str(v) for v in values)
        ever = operator.startswith(("HAS_EVER", "HAS_NEVER"))
        base = (
            operator.replace("HAS_EVER_BEEN_", "IS_")
            .replace("HAS_NEVER_BEEN_", "IS_")
            .replace("HAS_EVER_CONTAINED_ALL", "CONTAINS_ALL")
            .replace("HAS_NEVER_CONTAINED_ALL", "CONTAINS_ALL")
        )
        tests: dict[str, ValuePredicate] = {
            "IS_ANY_OF": lambda v: not xs.isdisjoint(v),
            "IS_NONE_OF": lambda v: xs.isdisjoint(v),
            "IS_EXACTLY": lambda v: v == xs,
            "IS_NOT_EXACTLY": lambda v: v != xs,
            "CONTAINS_ALL": lambda v: xs <= v,
            "DOES_NOT_CONTAIN_ALL": lambda v: not xs <= v,
        }
        test = tests[base]
        if not ever:
            return _simple(prop, "enum", "value", include, test)
        if operator.startswith("HAS_EVER"):
            return _simple(prop, "enum", "history", include, lambda vs: any(test(v) for v in vs))
        return _simple(prop, "enum", "history", include, lambda vs: not any(test(v) for v in vs))

    def op_number(self, prop: str, operator: str, op: dict[str, Any], include: bool, path: str) -> Node:
        x = parse_number(op.get("value"))  # type: ignore[arg-type]
        if x is None:
            raise FilterCompileError(path, "NUMBER operation needs a numeric value")
        tests: dict[str, ValuePredicate] = {
            "IS_EQUAL_TO": Range(x, x),
            "IS_NOT_EQUAL_TO": Range(x, x, negate=True),
            "IS_GREATER_THAN": Range(low=x, low_inclusive=False),
            "IS_GREATER_THAN_OR_EQUAL_TO": Range(low=x),
            "IS_LESS_THAN": Range(high=x, high_inclusive=False),
            "IS_LESS_THAN_OR_EQUAL_TO": Range(high=x),
            "HAS_EVER_BEEN_EQUAL_TO": lambda vs: x in vs,
            "HAS_NEVER_BEEN_EQUAL_TO": lambda vs: x not in vs,
        }
        return _simple(prop, "number", _source(operator), include, tests[operator])

    def op_number_ranged(self, prop: str, operator: str, op: dict[str, Any], include: bool, path: str) -> Node:
        low, high = parse_number(op.get("lowerBound")), parse_number(op.get("upperBound"))  # type: ignore[arg-type]
        if low is None or high is None:
            raise FilterCompileError(path, "NUMBER_RANGED operation needs numeric lowerBound and upperBound")
        return _simple(prop, "number", "value", include, Range(low, high, negate=operator != "IS_BETWEEN"))

    def op_bool(self, prop: str, operator: str, op: dict[str, Any], include: bool, path: str) -> Node:
        x = parse_bool(op.get("value"))  # type: ignore[arg-type]
        if x is None:
            raise FilterCompileError(path, "BOOL operation needs a boolean value")
        tests: dict[str, ValuePredicate] = {
            "IS_EQUAL_TO": lambda v: v is x,
            "IS_NOT_EQUAL_TO": lambda v: v is not x,
            "HAS_EVER_BEEN_EQUAL_TO": lambda vs: x in vs,
            "HAS_NEVER_BEEN_EQUAL_TO": lambda vs: x not in vs,
        }
        return _simple(prop, "bool", _source(operator), include, tests[operator])

    def op_datetime(self, prop: str, operator: str, op: dict[str, Any], include: bool, path: str) -> Node:
        ts = parse_datetime_ms(op.get("timestamp"))
        if ts is None:
            raise FilterCompileError(path, "DATETIME operation needs a timestamp (epoch ms)")
        convert = op.get("requiresTimeZoneConversion") is True

        def build(data: EvalData, object_type: str) -> ValuePredicate:
            tz = data.zone if convert else ZoneInfo("UTC")
            day = datetime.fromtimestamp(ts / 1000, tz).replace(hour=0, minute=0, second=0, microsecond=0)
            start, end = to_ms(day), to_ms((day.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=tz))
            return {
                "IS_BEFORE": Range(high=ts, high_inclusive=False),
                "IS_AFTER": Range(low=ts, low_inclusive=False),
                "IS_EQUAL_TO": Range(start, end, high_inclusive=False),
                "IS_BEFORE_DATE": Range(high=start, high_inclusive=False),
                "IS_AFTER_DATE": Range(low=end),
            }[operator]

        return PropertyNode(prop, "time", "value", include, build)

    def op_ranged_date(self, prop: str, operator: str, op: dict[str, Any], include: bool, path: str) -> Node:
        low = parse_datetime_ms(op.get("lowerBound", op.get("lowerBoundTimestamp")))
        high = parse_datetime_ms(op.get("upperBound", op.get("upperBoundTimestamp")))
        if low is None or high is None:
            raise FilterCompileError(path, "RANGED_DATE operation needs lowerBound and upperBound (epoch ms)")
        return _simple(prop, "time", "value", include, Range(low, high, negate=operator != "IS_BETWEEN"))

    def op_rolling_date_range(self, prop: str, operator: str, op: dict[str, Any], include: bool, path: str) -> Node:
        days = _int(op.get("numberOfDays"), path, "numberOfDays")
        self.time_relative = True

        def build(data: EvalData, object_type: str) -> ValuePredicate:
            now = to_ms(data.now)
            span = days * DAY_MS
            return {
                "IS_LESS_THAN_X_DAYS_AGO": Range(now - span, now),
                "IS_MORE_THAN_X_DAYS_AGO": Range(high=now - span, high_inclusive=False),
                "IS_LESS_THAN_X_DAYS_FROM_NOW": Range(now, now + span),
                "IS_MORE_THAN_X_DAYS_FROM_NOW": Range(low=now + span, low_inclusive=False),
            }[operator]

        return PropertyNode(prop, "time", "value", include, build)

    def op_rolling_property_updated(
        self, prop: str, operator: str, op: dict[str, Any], include: bool, path: str
    ) -> Node:
        days = _int(op.get("numberOfDays"), path, "numberOfDays")
        self.time_relative = True

        def build(data: EvalData, object_type: str) -> ValuePredicate:
            since = to_ms(data.now) - days * DAY_MS
            if operator == "UPDATED_IN_LAST_X_DAYS":
                return Range(low=since)
            return Range(high=since, high_inclusive=False)

        return PropertyNode(prop, "updated", "updated", include, build)

    def op_comparative_date(self, prop: str, operator: str, op: dict[str, Any], include: bool, path: str) -> Node:
        return self._comparative(prop, operator, op, include, path, "time", updated=False)

    def op_comparative_property_updated(
        self, prop: str, operator: str, op: dict[str, Any], include: bool, path: str
    ) -> Node:
        return self._comparative(prop, operator, op, include, path, "updated", updated=True)

    def op_comparative_string(self, prop: str, operator: str, op: dict[str, Any], include: bool, path: str) -> Node:
        return self._comparative(prop, operator, op, include, path, "lower", updated=False)

    def _comparative(
        self,
        prop: str,
        operator: str,
        op: dict[str, Any],
        include: bool,
        path: str,
        kind: str,
        *,
        updated: bool,
    ) -> Node:
        other = op.get("comparisonPropertyName")
        if not isinstance(other, str) or not other:
            raise FilterCompileError(path, "comparative operation needs comparisonPropertyName")
        raw_default = op.get("defaultComparisonValue")
        default: Any = None
        if raw_default not in (None, ""):
            default = str(raw_default).lower() if kind == "lower" else parse_datetime_ms(raw_default)
        tests: dict[str, Callable[[Any, Any], bool]] = {
            "IS_BEFORE": lambda v, o: v < o,
            "IS_AFTER": lambda v, o: v > o,
            "IS_EQUAL_TO": lambda v, o: v == o,
            "IS_NOT_EQUAL_TO": lambda v, o: v != o,
            "CONTAINS": lambda v, o: o in v,
            "DOES_NOT_CONTAIN": lambda v, o: o not in v,
            "STARTS_WITH": lambda v, o: v.startswith(o),
            "ENDS_WITH": lambda v, o: v.endswith(o),
        }
        test = tests[operator]

        def build(data: EvalData, object_type: str) -> RecordPredicate:
            others = data.updated_at(object_type, other) if updated else data.column(object_type, other, kind)

            def check(rid: int, value: Any) -> bool:
                compared = others.get(rid, default)
                return compared is not None and test(value, compared)

            return check

        return PropertyNode(prop, kind, "updated" if updated else "value", include, build, per_record=True)

    def op_calendar_date(self, prop: str, operator: str, op: dict[str, Any], include: bool, path: str) -> Node:
        if str(op.get("timeUnit", "")).upper() not in CALENDAR_UNITS:
            raise FilterCompileError(path, "CALENDAR_DATE operation needs timeUnit DAY, WEEK, MONTH, QUARTER or YEAR")
        self.time_relative = True

        def build(data: EvalData, object_type: str) -> ValuePredicate:
            start, end = calendar_window(op, data.now, data.zone)
            return Range(start, end, high_inclusive=False)

        return PropertyNode(prop, "time", "value", include, build)

    def op_time_point(self, prop: str, operator: str, op: dict[str, Any], include: bool, path: str) -> Node:
        point = op.get("timePoint")
        self._check_point(point, f"{path}.timePoint")
        parser = self._parser(op, path)
        if parser is None:
            return ConstantNode(False)
        inclusive = str(op.get("endpointBehavior") or "EXCLUSIVE").upper() == "INCLUSIVE"
        before = operator == "IS_BEFORE"
        fixed = _fixed_point(point)
        if fixed is not None:
            # One threshold for every record: a plain value test the column can answer from its index.
            def build_fixed(data: EvalData, object_type: str) -> ValuePredicate:
                at = fixed(data)
                return Range(high=at, high_inclusive=inclusive) if before else Range(low=at, low_inclusive=inclusive)

            return PropertyNode(prop, parser, parser, include, build_fixed)
        resolve = self._resolver(point)

        def build(data: EvalData, object_type: str) -> RecordPredicate:
            at = resolve(data, object_type)

            def check(rid: int, value: int) -> bool:
                t = at(rid)
                if t is None:
                    return False
                if before:
                    return value <= t if inclusive else value < t
                return value >= t if inclusive else value > t

            return check

        return PropertyNode(prop, parser, parser, include, build, per_record=True)

    def op_time_ranged(self, prop: str, operator: str, op: dict[str, Any], include: bool, path: str) -> Node:
        low_point, high_point = op.get("lowerBoundTimePoint"), op.get("upperBoundTimePoint")
        self._check_point(low_point, f"{path}.lowerBoundTimePoint")
        self._check_point(high_point, f"{path}.upperBoundTimePoint")
        parser = self._parser(op, path)
        if parser is None:
            return ConstantNode(False)
        low_inclusive = str(op.get("lowerBoundEndpointBehavior") or "INCLUSIVE").upper() == "INCLUSIVE"
        high_inclusive = str(op.get("upperBoundEndpointBehavior") or "INCLUSIVE").upper() == "INCLUSIVE"
        between = operator == "IS_BETWEEN"
        fixed_low, fixed_high = _fixed_point(low_point), _fixed_point(high_point)
        if fixed_low is not None and fixed_high is not None:

            def build_fixed(data: EvalData, object_type: str) -> ValuePredicate:
                return Range(fixed_low(data), fixed_high(data), low_inclusive, high_inclusive, negate=not between)

            return PropertyNode(prop, parser, parser, include, build_fixed)
        resolve_low, resolve_high = self._resolver(low_point), self._resolver(high_point)

        def build(data: EvalData, object_type: str) -> RecordPredicate:
            low_at, high_at = resolve_low(data, object_type), resolve_high(data, object_type)

            def check(rid: int, value: int) -> bool:
                low, high = low_at(rid), high_at(rid)
                if low is None or high is None:
                    return False
                inside = (value >= low if low_inclusive else value > low) and (
                    value <= high if high_inclusive else value < high
                )
                return inside if between else not inside

            return check

        return PropertyNode(prop, parser, parser, include, build, per_record=True)

    # time helpers

    def _check_point(self, point: Any, path: str) -> None:
        try:
            check_time_point(point)
        except TimePointError as error:
            raise FilterCompileError(path, str(error)) from None
        if str(point.get("timeType", "")).upper() == "INDEXED":
            self.time_relative = True

    @staticmethod
    def _parser(op: dict[str, Any], path: str) -> str | None:
        """The column a time operation reads: 'time' (VALUE) or 'updated' (UPDATED_AT);
        None = accepted but not evaluated."""
        if str(op.get("type", op.get("operationType", ""))).upper() not in {"TIME_POINT", "TIME_RANGED"}:
            raise FilterCompileError(path, "TIME_POINT / TIME_RANGED operations need type equal to the operationType")
        parser = str(op.get("propertyParser") or "VALUE").upper()
        if parser in SKIPPED_PARSERS:
            return None
        if parser == "UPDATED_AT":
            return "updated"
        if parser in {"VALUE", "VALUE_WITH_ZONE_SAME_LOCAL_CONVERSION"}:
            return "time"
        raise FilterCompileError(path, f"unknown propertyParser {parser!r}")

    @staticmethod
    def _resolver(point: dict[str, Any]) -> Callable[[EvalData, str], Callable[[int], int | None]]:
        """A time point per record (a TIME_RANGED with one PROPERTY_REFERENCED bound reads both so)."""
        fixed = _fixed_point(point)
        if fixed is not None:

            def constant(data: EvalData, object_type: str) -> Callable[[int], int | None]:
                at = fixed(data)
                return lambda rid: at

            return constant
        other = point["property"]
        updated = str(point.get("referenceType", "VALUE")).upper() == "UPDATED_AT"

        def per_record(data: EvalData, object_type: str) -> Callable[[int], int | None]:
            column = data.updated_at(object_type, other) if updated else data.column(object_type, other, "time")
            return column.get

        return per_record


def _fixed_point(point: dict[str, Any]) -> Callable[[EvalData], int] | None:
    """A DATE or INDEXED time point's resolution (the same instant for every record); None for a
    PROPERTY_REFERENCED one."""
    if str(point.get("timeType", "")).upper() == "PROPERTY_REFERENCED":
        return None
    return lambda data: resolve_ms(point, data.now, zone_of(point.get("zoneId"), data.zone))


def _simple(prop: str, kind: str, source: str, include: bool, test: ValuePredicate) -> PropertyNode:
    return PropertyNode(prop, kind, source, include, lambda data, object_type: test)


def _source(operator: str) -> str:
    return "history" if operator.startswith(("HAS_EVER", "HAS_NEVER")) else "value"


def _int(raw: Any, path: str, name: str) -> int:
    if isinstance(raw, bool) or not str(raw).lstrip("-").isdigit():
        raise FilterCompileError(path, f"{name} must be an integer")
    return int(raw)


def _list_id(raw: Any, path: str) -> int:
    if isinstance(raw, bool) or not str(raw).isdigit():
        raise FilterCompileError(path, "listId must be a numeric list id")
    return int(raw)


def compile_plan(branch: dict[str, Any], object_type: str) -> Plan:
    """Compile a normalized filterBranch; raises FilterCompileError."""
    compiler = Compiler(object_type)
    root = compiler.root(branch)
    return Plan(object_type, root, compiler.refs, compiler.plan_types, compiler.time_relative)


def referenced_list_ids(branch: Any) -> Iterable[int]:
    """List ids a stored branch refers to (IN_LIST and ASSOCIATION filters), without compiling it."""
    if isinstance(branch, dict):
        if (
            str(branch.get("filterType", "")).upper() in {"IN_LIST", "ASSOCIATION"}
            and str(branch.get("listId", "")).isdigit()
        ):
            yield int(branch["listId"])
        for key in ("filters", "filterBranches"):
            for child in branch.get(key) or []:
                yield from referenced_list_ids(child)
