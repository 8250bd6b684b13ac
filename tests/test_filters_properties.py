"""Property-based tests of segment_lists.filters: generated valid filterBranches across every
operation type, filter type, association / unified-events branches, time point and unknown filter
types with extra fields round-trip losslessly, validate clean, normalize idempotently, describe."""

from __future__ import annotations

import copy
import string
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segment_lists.filters import (
    describe,
    normalize_filter_branch,
    parse_filter_branch,
    validate_filter_branch,
)
from segment_lists.filters.vocab import (
    ASSOCIATION_CATEGORIES,
    CALENDAR_TIME_UNITS,
    ENDPOINT_BEHAVIORS,
    FILTER_OPERATORS,
    FILTER_REQUIRED_FIELDS,
    GUIDE_OPERATION_NAMES,
    IN_LIST_TYPES,
    INDEX_REFERENCE_REQUIRED,
    OFFSET_UNITS,
    OPERATORS,
    PROPERTY_PARSERS,
    TIMEZONE_SOURCES,
    UNIFIED_EVENTS_OPERATORS,
)
from test_filters import conforms

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

names = st.from_regex(r"[a-z][a-z0-9_]{0,14}", fullmatch=True)
texts = st.text(alphabet=string.ascii_letters + string.digits + " @.-_é", max_size=12)
ids = st.integers(min_value=1, max_value=10**9).map(str)
zones = st.sampled_from(["UTC", "America/New_York", "Europe/Paris", "US/Eastern"])
small = st.integers(min_value=0, max_value=59)
# Keys no model declares (in either spelling), to prove unknown fields survive.
extra_keys = st.from_regex(r"x[A-Z][a-z]{1,6}", fullmatch=True)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=6,
)
extras = st.dictionaries(extra_keys, json_values, max_size=2)


def with_extras(strategy: st.SearchStrategy[dict[str, Any]], chance: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    if not chance:
        return strategy
    return st.tuples(strategy, st.one_of(st.just({}), extras)).map(lambda pair: {**pair[1], **pair[0]})


def ordered_pair(low: int, high: int) -> st.SearchStrategy[tuple[int, int]]:
    return st.tuples(st.integers(low, high), st.integers(low, high)).map(lambda t: (min(t), max(t)))


# --- time points -------------------------------------------------------------------------------------

clock = {"hour": st.integers(0, 23), "minute": small, "second": small, "millisecond": st.integers(0, 999)}
timezone = {"timezoneSource": st.sampled_from(TIMEZONE_SOURCES)}

date_points = st.fixed_dictionaries(
    {
        "timeType": st.just("DATE"),
        "year": st.integers(1970, 2100),
        "month": st.integers(1, 12),
        "day": st.integers(1, 28),
        "zoneId": zones,
    },
    optional={**clock, **timezone},
)

_reference_fields = {
    "dayOfWeek": st.sampled_from(["MONDAY", "FRIDAY", "SUNDAY"]),
    "month": st.integers(1, 12),
    "day": st.integers(1, 28),
}
index_references = st.sampled_from(sorted(INDEX_REFERENCE_REQUIRED)).flatmap(
    lambda kind: st.fixed_dictionaries(
        {
            "referenceType": st.just(kind),
            **{name: _reference_fields[name] for name in INDEX_REFERENCE_REQUIRED[kind]},
        },
        optional={key: value for key, value in clock.items()},
    )
)
offsets = st.dictionaries(st.sampled_from(OFFSET_UNITS), st.integers(-1000, 1000), max_size=3)
indexed_points = st.fixed_dictionaries(
    {"timeType": st.just("INDEXED"), "indexReference": index_references, "zoneId": zones},
    optional={"offset": offsets, **timezone},
)
property_points = st.fixed_dictionaries(
    {
        "timeType": st.just("PROPERTY_REFERENCED"),
        "property": names,
        "referenceType": st.sampled_from(PROPERTY_PARSERS),
        "zoneId": zones,
    },
    optional=timezone,
)
time_points = st.one_of(date_points, indexed_points, property_points)

# --- operations --------------------------------------------------------------------------------------

tz_conversion = {"requiresTimeZoneConversion": st.booleans()}
comparative = ({"comparisonPropertyName": names}, {"defaultComparisonValue": texts})
bounds = ordered_pair(-(10**6), 10**6).map(lambda t: {"lowerBound": t[0], "upperBound": t[1]})
date_bounds = ordered_pair(0, 4 * 10**12).map(lambda t: {"lowerBound": t[0], "upperBound": t[1]})

OPERATION_FIELDS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "ENUMERATION": ({"values": st.lists(texts, min_size=1, max_size=4)}, {}),
    "STRING": ({"value": texts}, {}),
    "MULTISTRING": ({"values": st.lists(texts, min_size=1, max_size=4)}, {}),
    "NUMBER": (
        {"value": st.integers(-(10**9), 10**9) | st.floats(allow_nan=False, allow_infinity=False)},
        {},
    ),
    "NUMBER_RANGED": ({}, {}),
    "BOOL": ({"value": st.booleans()}, {}),
    "ALL_PROPERTY": ({}, {}),
    "DATETIME": ({"timestamp": st.integers(0, 4 * 10**12), **tz_conversion}, {}),
    "RANGED_DATE": (tz_conversion, {}),
    "ROLLING_DATE_RANGE": ({"numberOfDays": st.integers(0, 3650), **tz_conversion}, {}),
    "ROLLING_PROPERTY_UPDATED": ({"numberOfDays": st.integers(0, 3650)}, {}),
    "COMPARATIVE_DATE": comparative,
    "COMPARATIVE_PROPERTY_UPDATED": comparative,
    "COMPARATIVE_STRING": comparative,
    "DATE": (
        {
            "year": st.integers(1970, 2100),
            "month": st.sampled_from(["1", "12", "MARCH"]),
            "day": st.integers(1, 28),
        },
        {},
    ),
    "CALENDAR_DATE": (
        {"timeUnit": st.sampled_from(CALENDAR_TIME_UNITS)},
        {
            "timeUnitCount": st.integers(1, 12),
            "useFiscalYear": st.booleans(),
            "fiscalYearStart": st.sampled_from(["JANUARY", "APRIL", "JULY"]),
        },
    ),
    "TIME_POINT": (
        {"type": st.just("TIME_POINT"), "timePoint": time_points},
        {
            "endpointBehavior": st.sampled_from(ENDPOINT_BEHAVIORS),
            "propertyParser": st.sampled_from(PROPERTY_PARSERS),
        },
    ),
    "TIME_RANGED": (
        {
            "type": st.just("TIME_RANGED"),
            "lowerBoundTimePoint": time_points,
            "upperBoundTimePoint": time_points,
        },
        {
            "lowerBoundEndpointBehavior": st.sampled_from(ENDPOINT_BEHAVIORS),
            "upperBoundEndpointBehavior": st.sampled_from(ENDPOINT_BEHAVIORS),
            "propertyParser": st.sampled_from(PROPERTY_PARSERS),
        },
    ),
}
assert set(OPERATION_FIELDS) == set(OPERATORS)  # every one of the 18 types is generated
_GUIDE_NAME = {canonical: guide for guide, canonical in GUIDE_OPERATION_NAMES.items()}


def operation_type_spellings(kind: str, *, canonical_only: bool) -> st.SearchStrategy[str]:
    if canonical_only or kind not in _GUIDE_NAME:
        return st.just(kind)
    return st.sampled_from([kind, kind, kind, _GUIDE_NAME[kind], kind.lower()])


def operations(kind: str, *, canonical_only: bool, extra: bool) -> st.SearchStrategy[dict[str, Any]]:
    required, optional = OPERATION_FIELDS[kind]
    base = st.fixed_dictionaries(
        {
            "operationType": operation_type_spellings(kind, canonical_only=canonical_only),
            "operator": st.sampled_from(OPERATORS[kind]),
            **required,
        },
        optional={"includeObjectsWithNoValueSet": st.booleans(), **optional},
    )
    if kind == "NUMBER_RANGED":
        base = st.tuples(base, bounds).map(lambda pair: {**pair[0], **pair[1]})
    if kind == "RANGED_DATE":
        base = st.tuples(base, date_bounds).map(lambda pair: {**pair[0], **pair[1]})
    return with_extras(base, extra)


def any_operation(*, canonical_only: bool, extra: bool) -> st.SearchStrategy[dict[str, Any]]:
    return st.sampled_from(sorted(OPERATORS)).flatmap(
        lambda kind: operations(kind, canonical_only=canonical_only, extra=extra)
    )


# --- filters -----------------------------------------------------------------------------------------


def property_filters(*, canonical_only: bool = False, extra: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    return with_extras(
        st.fixed_dictionaries(
            {
                "filterType": st.just("PROPERTY"),
                "property": names,
                "operation": any_operation(canonical_only=canonical_only, extra=extra),
            }
        ),
        extra,
    )


def typed_filters(*, canonical_only: bool = False, extra: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    in_list = st.fixed_dictionaries(
        {
            "filterType": st.just("IN_LIST"),
            "listId": ids,
            "operator": st.sampled_from(["IN_LIST", "NOT_IN_LIST"]),
        },
        optional={"metadata": st.fixed_dictionaries({"id": ids, "inListType": st.sampled_from(IN_LIST_TYPES)})},
    )
    constant = st.fixed_dictionaries(
        {"filterType": st.just("CONSTANT"), "shouldAccept": st.booleans()}, optional={"source": texts}
    )
    subscription = st.fixed_dictionaries(
        {
            "filterType": st.just("EMAIL_SUBSCRIPTION"),
            "subscriptionIds": st.lists(ids, min_size=1, max_size=3),
            "acceptedStatuses": st.lists(st.sampled_from(["OPT_IN", "OPT_OUT"]), min_size=1, max_size=2),
        },
        optional={"subscriptionType": st.sampled_from(["SUBSCRIPTION", "PORTAL", "BRAND"])},
    )
    others = [with_extras(s, extra) for s in (in_list, constant, subscription)]
    prop = property_filters(canonical_only=canonical_only, extra=extra)
    return st.one_of(prop, prop, prop, *others)


_OTHER_TYPES = sorted(set(FILTER_REQUIRED_FIELDS) - {"PROPERTY", "IN_LIST", "CONSTANT", "EMAIL_SUBSCRIPTION"})


def _other_filter(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    fields: dict[str, st.SearchStrategy[Any]] = {name: json_values for name in FILTER_REQUIRED_FIELDS[kind]}
    if kind in FILTER_OPERATORS:
        fields["operator"] = st.sampled_from(FILTER_OPERATORS[kind])
    return with_extras(st.fixed_dictionaries({"filterType": st.just(kind), **fields}))


other_filters = st.sampled_from(_OTHER_TYPES).flatmap(_other_filter)


def all_filters(*, with_others: bool) -> st.SearchStrategy[dict[str, Any]]:
    if not with_others:
        return typed_filters(canonical_only=True, extra=False)
    return st.one_of(typed_filters(), typed_filters(), other_filters)


# --- branches ----------------------------------------------------------------------------------------


def branches(*, with_others: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    """Valid filterBranches; `with_others=False` keeps to typed, spec-shaped filters (for the schema)."""
    filters = all_filters(with_others=with_others)
    extra = with_others
    association = with_extras(
        st.fixed_dictionaries(
            {
                "filterBranchType": st.just("ASSOCIATION"),
                "objectTypeId": st.sampled_from(["0-2", "0-3", "0-5", "2-77"]),
                "operator": st.sampled_from(["IN_LIST", "NOT_IN_LIST"]),
                "associationTypeId": st.integers(1, 1000),
                "associationCategory": st.sampled_from(ASSOCIATION_CATEGORIES),
                "filters": st.lists(filters, max_size=3),
            },
            optional={"filterBranchOperator": st.just("AND"), "filterBranches": st.just([])},
        ),
        extra,
    )
    refine = st.fixed_dictionaries({"type": st.just("NUM_OCCURRENCES")}, optional={"minOccurrences": st.integers(0, 5)})
    unified = st.fixed_dictionaries(
        {
            "filterBranchType": st.just("UNIFIED_EVENTS"),
            "eventTypeId": ids,
            "operator": st.sampled_from(UNIFIED_EVENTS_OPERATORS),
            "filters": st.lists(property_filters(canonical_only=not extra, extra=extra), max_size=2),
        },
        optional={
            "filterBranchOperator": st.just("AND"),
            "filterBranches": st.just([]),
            "coalescingRefineBy": refine,
            "pruningRefineBy": refine,
        },
    )
    # An AND branch has at least one filter or nested branch (an empty one is refused, the strict reading).
    and_branch = st.fixed_dictionaries(
        {"filterBranchType": st.just("AND")},
        optional={
            "filterBranchOperator": st.just("AND"),
            "filters": st.lists(filters, max_size=4),
            "filterBranches": st.lists(st.one_of(association, unified), max_size=2),
        },
    ).filter(lambda group: bool(group.get("filters") or group.get("filterBranches")))
    return st.fixed_dictionaries(
        {"filterBranchType": st.just("OR"), "filterBranches": st.lists(and_branch, min_size=1, max_size=3)},
        optional={"filterBranchOperator": st.just("OR"), "filters": st.just([])},
    )


# --- properties --------------------------------------------------------------------------------------


@FAST
@given(branches())
def test_generated_branches_are_valid_and_round_trip_losslessly(branch: dict[str, Any]) -> None:
    original = copy.deepcopy(branch)
    assert validate_filter_branch(branch) == []
    assert parse_filter_branch(branch).to_hubspot() == branch
    assert branch == original  # nothing mutated the input


@FAST
@given(branches())
def test_normalization_is_idempotent_and_stays_valid(branch: dict[str, Any]) -> None:
    once = normalize_filter_branch(branch)
    assert normalize_filter_branch(once) == once
    assert validate_filter_branch(once, guide_names=False) == []
    assert parse_filter_branch(once).to_hubspot() == once
    # Normalizing only adds or upper-cases: parsing either gives the same filters in the same places.
    assert len(parse_filter_branch(once).walk_filters()) == len(parse_filter_branch(branch).walk_filters())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(branches(with_others=False))
def test_normalized_typed_branches_conform_to_the_openapi_schema(branch: dict[str, Any]) -> None:
    assert conforms(normalize_filter_branch(branch), "PublicOrFilterBranch") == []


@FAST
@given(branches())
def test_describe_handles_every_generated_branch(branch: dict[str, Any]) -> None:
    text = describe(branch)
    assert isinstance(text, str) and text
    assert describe(parse_filter_branch(branch)) == text
    if (
        sum(
            len(group.get("filters", [])) + len(group.get("filterBranches", [])) > 0
            for group in branch["filterBranches"]
        )
        > 1
    ):
        assert " or " in text


@FAST
@given(branches(), st.data())
def test_removing_an_operator_is_reported_at_that_filter(branch: dict[str, Any], data: st.DataObject) -> None:
    located = [
        (f"filterBranch.filterBranches[{g}].filters[{f}]", item)
        for g, group in enumerate(branch["filterBranches"])
        for f, item in enumerate(group.get("filters", []))
        if item["filterType"] == "PROPERTY"
    ]
    if not located:
        return
    path, item = data.draw(st.sampled_from(located))
    del item["operation"]["operator"]
    issues = [str(issue) for issue in validate_filter_branch(branch)]
    assert issues == [f"{path}: {issues[0].split(': ', 1)[1]}"] and 'missing "operator"' in issues[0]


@settings(max_examples=200, deadline=None)
@given(
    json_values | st.dictionaries(st.sampled_from(["filterBranchType", "filters", "filterBranches", "x"]), json_values)
)
def test_validate_and_describe_never_raise_on_arbitrary_json(data: Any) -> None:
    issues = validate_filter_branch(data)
    # Arbitrary JSON is (almost surely) not a valid list definition.
    assert isinstance(issues, list) and issues
    assert isinstance(describe(data if isinstance(data, dict) else {}), str)
