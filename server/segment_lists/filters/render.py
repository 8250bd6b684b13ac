"""Plain-English rendering of any filterBranch: groups joined with "or", filters with "and".

    Lifecycle stage is any of Customer
    (Unsubscribed from all email is true) or (Marketing contact status is any of Non-marketing)
    Last marketing email open date is in the last 90 days and associated company's ICP tier is any of Tier 1

Works on the raw JSON (models are rendered through `to_hubspot()`), so it describes anything,
valid or not, and never raises: unknown filter types are described generically, e.g.
"PAGE_VIEW filter (operator HAS_PAGEVIEW_EQ)". Labels come from `property_labels` (property name ->
label) and `option_labels` (property name -> option value -> label); a key may be qualified with the
object type ("0-2.industry") to tell a company's property from a contact's. Raw names otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from .models import HubSpotModel
from .vocab import OBJECT_TYPE_NAMES, OFFSET_UNITS, canonical_operation_type

Labels = Mapping[str, str]
OptionLabels = Mapping[str, Mapping[str, str]]

_OPERATOR_WORDS: dict[str, str] = {
    "IS_ANY_OF": "is any of",
    "IS_NONE_OF": "is none of",
    "IS_EXACTLY": "is exactly",
    "IS_NOT_EXACTLY": "is not exactly",
    "CONTAINS_ALL": "contains all of",
    "DOES_NOT_CONTAIN_ALL": "does not contain all of",
    "HAS_EVER_BEEN_ANY_OF": "has ever been any of",
    "HAS_NEVER_BEEN_ANY_OF": "has never been any of",
    "HAS_EVER_BEEN_EXACTLY": "has ever been exactly",
    "HAS_NEVER_BEEN_EXACTLY": "has never been exactly",
    "HAS_EVER_CONTAINED_ALL": "has ever contained all of",
    "HAS_NEVER_CONTAINED_ALL": "has never contained all of",
    "IS_EQUAL_TO": "is",
    "IS_NOT_EQUAL_TO": "is not",
    "CONTAINS": "contains",
    "DOES_NOT_CONTAIN": "does not contain",
    "CONTAINS_EXACTLY": "contains exactly",
    "DOES_NOT_CONTAIN_EXACTLY": "does not contain exactly",
    "STARTS_WITH": "starts with",
    "ENDS_WITH": "ends with",
    "HAS_EVER_BEEN_EQUAL_TO": "has ever been",
    "HAS_NEVER_BEEN_EQUAL_TO": "has never been",
    "HAS_EVER_CONTAINED": "has ever contained",
    "HAS_NEVER_CONTAINED": "has never contained",
    "IS_GREATER_THAN": "is greater than",
    "IS_GREATER_THAN_OR_EQUAL_TO": "is at least",
    "IS_LESS_THAN": "is less than",
    "IS_LESS_THAN_OR_EQUAL_TO": "is at most",
    "IS_KNOWN": "is known",
    "IS_UNKNOWN": "is unknown",
    "IS_BLANK": "is blank",
    "IS_NOT_BLANK": "is not blank",
    "IS_BEFORE": "is before",
    "IS_AFTER": "is after",
    "IS_BEFORE_DATE": "is before",
    "IS_AFTER_DATE": "is after",
    "IS_BETWEEN": "is between",
    "IS_NOT_BETWEEN": "is not between",
    "IS_LESS_THAN_X_DAYS_AGO": "is less than {n} days ago",
    "IS_MORE_THAN_X_DAYS_AGO": "is more than {n} days ago",
    "IS_LESS_THAN_X_DAYS_FROM_NOW": "is less than {n} days from now",
    "IS_MORE_THAN_X_DAYS_FROM_NOW": "is more than {n} days from now",
    "UPDATED_IN_LAST_X_DAYS": "was updated in the last {n} days",
    "NOT_UPDATED_IN_LAST_X_DAYS": "was not updated in the last {n} days",
}
_CALENDAR_WORDS = {
    "IN_THIS_TIME_UNIT": "is in this {unit}",
    "IN_THIS_TIME_UNIT_SO_FAR": "is in this {unit} so far",
    "IN_NEXT_TIME_UNIT": "is in the next {unit}",
    "IN_LAST_TIME_UNIT": "is in the last {unit}",
}


def describe(
    branch: HubSpotModel | dict[str, Any],
    *,
    property_labels: Labels | None = None,
    option_labels: OptionLabels | None = None,
    list_names: Labels | None = None,
) -> str:
    """`branch` (a filterBranch, model or JSON) in plain English; never raises."""
    data = branch.to_hubspot() if isinstance(branch, HubSpotModel) else branch
    words = _Words(property_labels or {}, option_labels or {}, list_names or {})
    try:
        return words.branch(data, top=True) or "no filters"
    except Exception:  # a description must never break the caller; say what we can
        kind = _word(data.get("filterBranchType")) if isinstance(data, dict) else "not an object"
        return f"a filter definition that could not be described ({kind})"


def _word(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if abs(count) == 1 else f"{count} {unit}s"


class _Words:
    def __init__(self, properties: Labels, options: OptionLabels, lists: Labels) -> None:
        self.properties = properties
        self.options = options
        self.lists = lists

    # labels

    def label(self, name: Any, object_type: str | None) -> str:
        text = _word(name)
        if object_type and f"{object_type}.{text}" in self.properties:
            return self.properties[f"{object_type}.{text}"]
        return self.properties.get(text, text)

    def option(self, name: Any, value: Any, object_type: str | None) -> str:
        key = _word(name)
        table = (self.options.get(f"{object_type}.{key}") if object_type else None) or self.options.get(key) or {}
        return table.get(_word(value), _word(value))

    # branches

    def branch(self, node: Any, *, top: bool = False, object_type: str | None = None) -> str:
        if not isinstance(node, dict):
            return "an unreadable branch"
        kind = node.get("filterBranchType")
        if kind == "OR":
            groups = [self.branch(child, object_type=object_type) for child in _items(node, "filterBranches")]
            groups += [self.filter(item, object_type) for item in _items(node, "filters")]
            groups = [group for group in groups if group]
            if len(groups) <= 1:
                return groups[0] if groups else ""
            return " or ".join(f"({group})" if " and " in group else group for group in groups)
        if kind == "AND":
            return self.conjunction(node, object_type)
        if kind == "ASSOCIATION":
            return self.association(node)
        if kind == "UNIFIED_EVENTS":
            inner = self.conjunction(node, object_type)
            done = "has not completed" if node.get("operator") == "HAS_NOT_COMPLETED" else "has completed"
            text = f"{done} event {_word(node.get('eventTypeId'))}"
            return f"{text} where {inner}" if inner else text
        inner = self.conjunction(node, object_type)
        if kind == "NOT_ALL":
            return f"not all of ({inner})"
        if kind == "NOT_ANY":
            return f"none of ({inner})"
        return f"{_word(kind)} group ({inner})" if inner else f"{_word(kind)} group"

    def conjunction(self, node: dict[str, Any], object_type: str | None) -> str:
        parts = [self.filter(item, object_type) for item in _items(node, "filters")]
        parts += [self.branch(child, object_type=object_type) for child in _items(node, "filterBranches")]
        return " and ".join(part for part in parts if part)

    def association(self, node: dict[str, Any]) -> str:
        object_type = _word(node.get("objectTypeId"))
        noun = OBJECT_TYPE_NAMES.get(object_type, f"object {object_type}")
        clauses = [self.filter(item, object_type) for item in _items(node, "filters")]
        clauses += [self.branch(child, object_type=object_type) for child in _items(node, "filterBranches")]
        clauses = [clause for clause in clauses if clause]
        negated = node.get("operator") == "NOT_IN_LIST"
        if not clauses:
            return f"has no associated {noun}" if negated else f"has an associated {noun}"
        if len(clauses) == 1 and not negated:
            return f"associated {noun}'s {clauses[0]}"
        lead = "has no associated" if negated else "has an associated"
        return f"{lead} {noun} whose {' and '.join(clauses)}"

    # filters

    def filter(self, item: Any, object_type: str | None) -> str:
        if not isinstance(item, dict):
            return "an unreadable filter"
        kind = item.get("filterType")
        if kind == "PROPERTY":
            return self.property(item, object_type)
        if kind == "IN_LIST":
            list_id = _word(item.get("listId"))
            name = self.lists.get(list_id)
            target = f'list "{name}" ({list_id})' if name else f"list {list_id}"
            negated = item.get("operator") == "NOT_IN_LIST"
            return f"is {'not ' if negated else ''}a member of {target}"
        if kind == "CONSTANT":
            return "matches every record" if item.get("shouldAccept") is True else "matches no record"
        if kind == "EMAIL_SUBSCRIPTION":
            ids = ", ".join(_word(value) for value in _list(item.get("subscriptionIds")))
            statuses = [_word(value) for value in _list(item.get("acceptedStatuses"))]
            if statuses == ["OPT_IN"]:
                return f"is opted in to email subscription {ids}"
            if statuses == ["OPT_OUT"]:
                return f"is opted out of email subscription {ids}"
            return f"email subscription {ids} status is any of {', '.join(statuses)}"
        operator = item.get("operator")
        text = f"{_word(kind)} filter"
        return f"{text} (operator {_word(operator)})" if operator is not None else text

    def property(self, item: dict[str, Any], object_type: str | None) -> str:
        name = item.get("property")
        label = self.label(name, object_type)
        op = item.get("operation")
        if not isinstance(op, dict):
            return f"{label} (no operation)"
        kind = canonical_operation_type(op.get("operationType"))
        operator = _word(op.get("operator"))
        words = _OPERATOR_WORDS.get(operator, operator.lower().replace("_", " "))
        if kind in ("ENUMERATION", "MULTISTRING"):
            values = [self.option(name, value, object_type) for value in _list(op.get("values"))]
            if kind == "MULTISTRING" and operator in ("IS_EQUAL_TO", "IS_NOT_EQUAL_TO") and len(values) > 1:
                words = "is any of" if operator == "IS_EQUAL_TO" else "is none of"
            return f"{label} {words} {', '.join(values)}"
        if kind in ("STRING", "NUMBER"):
            return f"{label} {words} {self.option(name, op.get('value'), object_type)}"
        if kind == "BOOL":
            return self.boolean(label, operator, op.get("value"), object_type)
        if kind == "NUMBER_RANGED":
            return f"{label} {words} {_word(op.get('lowerBound'))} and {_word(op.get('upperBound'))}"
        if kind == "ALL_PROPERTY":
            return f"{label} {words}"
        if kind == "DATETIME":
            return f"{label} {words} {_millis(op.get('timestamp'))}"
        if kind == "RANGED_DATE":
            return f"{label} {words} {_millis(op.get('lowerBound'))} and {_millis(op.get('upperBound'))}"
        if kind in ("ROLLING_DATE_RANGE", "ROLLING_PROPERTY_UPDATED"):
            return f"{label} {words.replace('{n}', _word(op.get('numberOfDays')))}"
        if kind == "DATE":
            date = f"{_word(op.get('year'))}-{_word(op.get('month'))}-{_word(op.get('day'))}"
            return f"{label} {operator.lower().replace('_', ' ')} {date}"
        if kind in ("COMPARATIVE_DATE", "COMPARATIVE_STRING"):
            return f"{label} {words} {self.label(op.get('comparisonPropertyName'), object_type)}"
        if kind == "COMPARATIVE_PROPERTY_UPDATED":
            other = self.label(op.get("comparisonPropertyName"), object_type)
            return f"{label} was updated {'before' if operator == 'IS_BEFORE' else 'after'} {other} was"
        if kind == "CALENDAR_DATE":
            return f"{label} {self.calendar(op)}"
        if kind == "TIME_POINT":
            return f"{label} {self.time_point_clause(op, object_type)}"
        if kind == "TIME_RANGED":
            return f"{label} {self.time_range_clause(op, object_type)}"
        return f"{label} {_word(op.get('operationType'))} filter (operator {operator})"

    def boolean(self, label: str, operator: str, value: Any, object_type: str | None) -> str:
        positive = {"IS_EQUAL_TO": value is True, "IS_NOT_EQUAL_TO": value is not True}.get(operator)
        if positive is None or object_type is not None:
            return f"{label} {_OPERATOR_WORDS.get(operator, operator.lower())} {str(value).lower()}"
        # "is unsubscribed from all email" reads better than "Unsubscribed from all email is true".
        phrase = label[:1].lower() + label[1:]
        if phrase.startswith("is "):
            phrase = phrase[3:]
        return f"is {phrase}" if positive else f"is not {phrase}"

    def calendar(self, op: dict[str, Any]) -> str:
        unit = _word(op.get("timeUnit")).lower()
        count = op.get("timeUnitCount")
        template = _CALENDAR_WORDS.get(
            _word(op.get("operator")), "is in the {unit} (" + _word(op.get("operator")) + ")"
        )
        if isinstance(count, int) and count > 1 and op.get("operator") in ("IN_NEXT_TIME_UNIT", "IN_LAST_TIME_UNIT"):
            return template.replace("the {unit}", f"{count} {unit}s").replace("{unit}", unit)
        return template.replace("{unit}", unit)

    # time

    def time_point_clause(self, op: dict[str, Any], object_type: str | None) -> str:
        verb = "was last updated" if op.get("propertyParser") == "UPDATED_AT" else "is"
        point = op.get("timePoint")
        days = _days_from_today(point)
        operator = op.get("operator")
        if days is not None and days < 0 and operator == "IS_BEFORE":
            return f"{verb} more than {_plural(-days, 'day')} ago"
        if days is not None and days > 0 and operator == "IS_AFTER":
            return f"{verb} more than {_plural(days, 'day')} from now"
        relation = {"IS_BEFORE": "before", "IS_AFTER": "after"}.get(operator, _word(operator).lower())
        return f"{verb} {relation} {self.point(point, object_type)}"

    def time_range_clause(self, op: dict[str, Any], object_type: str | None) -> str:
        updated = op.get("propertyParser") == "UPDATED_AT"
        negated = op.get("operator") == "IS_NOT_BETWEEN"
        lower, upper = op.get("lowerBoundTimePoint"), op.get("upperBoundTimePoint")
        verb = ("was not updated" if negated else "was updated") if updated else ("is not" if negated else "is")
        lower_days, upper_days = _days_from_today(lower), _days_from_today(upper)
        if lower_days is not None and lower_days < 0 and _is_now(upper):
            return f"{verb} in the last {_plural(-lower_days, 'day')}"
        if _is_now(lower) and upper_days is not None and upper_days > 0:
            return f"{verb} in the next {_plural(upper_days, 'day')}"
        same_day = _same_date(lower, upper)
        if same_day:
            return f"{verb} on {same_day}"
        return f"{verb} between {self.point(lower, object_type)} and {self.point(upper, object_type)}"

    def point(self, point: Any, object_type: str | None) -> str:
        if not isinstance(point, dict):
            return "an unreadable time"
        kind = point.get("timeType")
        if kind == "DATE":
            text = f"{_word(point.get('year'))}-{_pad(point.get('month'))}-{_pad(point.get('day'))}"
            if any(point.get(key) for key in ("hour", "minute", "second")) and not _end_of_day(point):
                text += f" {_pad(point.get('hour'))}:{_pad(point.get('minute'))}"
            return text
        if kind == "INDEXED":
            ref = point.get("indexReference")
            reference = _word(ref.get("referenceType")) if isinstance(ref, dict) else "?"
            base = {"NOW": "now", "TODAY": "today"}.get(
                reference, f"the start of this {reference.lower().replace('_', ' ')}"
            )
            raw_offset = point.get("offset")
            # Largest unit first, whatever order the JSON had (a parsed model reorders keys).
            offset = [
                (unit, raw_offset[unit])
                for unit in OFFSET_UNITS
                if isinstance(raw_offset, dict) and _is_int(raw_offset.get(unit)) and raw_offset[unit]
            ]
            if not offset:
                return base
            signs = {value > 0 for _, value in offset}
            if base == "today" and len(signs) == 1:
                parts = " ".join(_plural(abs(value), unit.rstrip("s")) for unit, value in offset)
                return f"{parts} {'from now' if signs == {True} else 'ago'}"
            signed = " ".join(f"{'+' if v > 0 else '-'}{_plural(abs(v), u.rstrip('s'))}" for u, v in offset)
            return f"{base} {signed}"
        if kind == "PROPERTY_REFERENCED":
            label = self.label(point.get("property"), object_type)
            if point.get("referenceType") == "UPDATED_AT":
                return f"the last update of {label}"
            return label
        return f"a {_word(kind)} time"


def _items(node: dict[str, Any], key: str) -> list[Any]:
    return _list(node.get(key))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _pad(value: Any) -> str:
    return f"{value:02d}" if isinstance(value, int) and not isinstance(value, bool) else _word(value)


def _millis(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
        except (OverflowError, OSError, ValueError):
            pass
    return _word(value)


def _days_from_today(point: Any) -> int | None:
    """N for "start of today + N days" time points (offset in days or weeks only); else None."""
    if not isinstance(point, dict) or point.get("timeType") != "INDEXED":
        return None
    ref = point.get("indexReference")
    if not isinstance(ref, dict) or ref.get("referenceType") != "TODAY" or len(ref) > 1:
        return None
    offset = point.get("offset") or {}
    if not isinstance(offset, dict) or set(offset) - {"days", "weeks"}:
        return None
    days, weeks = offset.get("days") or 0, offset.get("weeks") or 0
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (days, weeks)):
        return None
    return days + 7 * weeks


def _is_now(point: Any) -> bool:
    if not isinstance(point, dict) or point.get("timeType") != "INDEXED":
        return False
    ref = point.get("indexReference")
    offset = point.get("offset")
    return (
        isinstance(ref, dict)
        and ref == {"referenceType": "NOW"}
        and not (isinstance(offset, dict) and any(offset.values()))
    )


def _end_of_day(point: dict[str, Any]) -> bool:
    return (point.get("hour"), point.get("minute"), point.get("second")) == (23, 59, 59)


def _same_date(lower: Any, upper: Any) -> str | None:
    """ "2024-03-11" when the range is one whole calendar day (the UI's "is equal to date")."""
    if not (isinstance(lower, dict) and isinstance(upper, dict)):
        return None
    if lower.get("timeType") != "DATE" or upper.get("timeType") != "DATE":
        return None
    keys = ("year", "month", "day")
    if any(lower.get(key) != upper.get(key) for key in keys):
        return None
    starts = all(not lower.get(key) for key in ("hour", "minute", "second", "millisecond"))
    if not (starts and _end_of_day(upper)):
        return None
    return f"{_word(lower.get('year'))}-{_pad(lower.get('month'))}-{_pad(lower.get('day'))}"
