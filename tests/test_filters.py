"""segment_lists.filters: reference examples, validation messages, normalization, builders, renderer."""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from segment_lists.filters import (
    AssociationBranch,
    EnumerationOperation,
    FilterBranch,
    FilterIssue,
    FilterValidationError,
    OrBranch,
    OtherBranch,
    OtherFilter,
    PropertyFilter,
    TimeRangedOperation,
    and_,
    association,
    constant,
    date_point,
    describe,
    email_subscription,
    in_list,
    indexed,
    normalize_filter_branch,
    not_in_list,
    or_,
    parse_filter_branch,
    prop_after_days_ago,
    prop_any_of,
    prop_before_days_ago,
    prop_between,
    prop_bool,
    prop_in_last_days,
    prop_known,
    prop_multistring,
    prop_none_of,
    prop_not_in_last_days,
    prop_number,
    prop_string,
    prop_time_between,
    prop_unknown,
    prop_updated_in_last_days,
    validate_filter_branch,
)

HUBSPOT_DOCS = Path(__file__).resolve().parent / "hubspot"  # copies of HubSpot reference material, see SOURCE.md

# --- reference §10.1: single filters (verbatim) ---------------------------------------------------

_TODAY_MINUS_90 = {
    "timeType": "INDEXED",
    "timezoneSource": "CUSTOM",
    "zoneId": "UTC",
    "indexReference": {"referenceType": "TODAY"},
    "offset": {"days": -90},
}
_NOW = {
    "timeType": "INDEXED",
    "timezoneSource": "CUSTOM",
    "zoneId": "UTC",
    "indexReference": {"referenceType": "NOW"},
}


def _prop(name: str, **operation: Any) -> dict[str, Any]:
    return {"filterType": "PROPERTY", "property": name, "operation": operation}


LIFECYCLE_CUSTOMER = _prop(
    "lifecyclestage",
    operationType="ENUMERATION",
    operator="IS_ANY_OF",
    values=["customer"],
    includeObjectsWithNoValueSet=False,
)
OPENED_LAST_90 = _prop(
    "hs_email_last_open_date",
    operationType="TIME_RANGED",
    type="TIME_RANGED",
    operator="IS_BETWEEN",
    includeObjectsWithNoValueSet=False,
    propertyParser="VALUE",
    lowerBoundEndpointBehavior="INCLUSIVE",
    upperBoundEndpointBehavior="INCLUSIVE",
    lowerBoundTimePoint=_TODAY_MINUS_90,
    upperBoundTimePoint=_NOW,
)
CREATED_BEFORE_30 = _prop(
    "createdate",
    operationType="TIME_POINT",
    type="TIME_POINT",
    operator="IS_BEFORE",
    includeObjectsWithNoValueSet=False,
    propertyParser="VALUE",
    endpointBehavior="EXCLUSIVE",
    timePoint={
        "timeType": "INDEXED",
        "timezoneSource": "CUSTOM",
        "zoneId": "UTC",
        "indexReference": {"referenceType": "TODAY"},
        "offset": {"days": -30},
    },
)
MARKETABLE = _prop(
    "hs_marketable_status",
    operationType="ENUMERATION",
    operator="IS_ANY_OF",
    values=["true"],
    includeObjectsWithNoValueSet=False,
)

SINGLE_FILTERS: list[dict[str, Any]] = [
    LIFECYCLE_CUSTOMER,
    _prop(
        "hs_email_domain",
        operationType="STRING",
        operator="IS_EQUAL_TO",
        value="acme.com",
        includeObjectsWithNoValueSet=False,
    ),
    _prop(
        "email",
        operationType="STRING",
        operator="CONTAINS",
        value="@acme.com",
        includeObjectsWithNoValueSet=False,
    ),
    _prop(
        "email",
        operationType="MULTISTRING",
        operator="ENDS_WITH",
        values=["@acme.com", "@acme.io"],
        includeObjectsWithNoValueSet=False,
    ),
    OPENED_LAST_90,
    _prop(
        "hs_email_last_open_date",
        operationType="ROLLING_DATE_RANGE",
        operator="IS_LESS_THAN_X_DAYS_AGO",
        numberOfDays=90,
        requiresTimeZoneConversion=True,
        includeObjectsWithNoValueSet=False,
    ),
    CREATED_BEFORE_30,
    _prop(
        "createdate",
        operationType="ROLLING_DATE_RANGE",
        operator="IS_MORE_THAN_X_DAYS_AGO",
        numberOfDays=30,
        requiresTimeZoneConversion=True,
        includeObjectsWithNoValueSet=False,
    ),
    MARKETABLE,
    _prop(
        "hs_email_optout",
        operationType="BOOL",
        operator="IS_EQUAL_TO",
        value=True,
        includeObjectsWithNoValueSet=False,
    ),
    _prop(
        "hs_email_optout",
        operationType="BOOL",
        operator="IS_NOT_EQUAL_TO",
        value=True,
        includeObjectsWithNoValueSet=True,
    ),
    _prop(
        "hs_email_open",
        operationType="NUMBER",
        operator="IS_GREATER_THAN_OR_EQUAL_TO",
        value=3,
        includeObjectsWithNoValueSet=False,
    ),
    _prop(
        "hs_email_open",
        operationType="NUMBER_RANGED",
        operator="IS_BETWEEN",
        lowerBound=1,
        upperBound=5,
        includeObjectsWithNoValueSet=False,
    ),
    _prop(
        "icp_tier",
        operationType="ENUMERATION",
        operator="IS_ANY_OF",
        values=["tier_1"],
        includeObjectsWithNoValueSet=False,
    ),
    _prop(
        "industry",
        operationType="MULTISTRING",
        operator="IS_EQUAL_TO",
        values=["Computer Software", "Information Technology"],
        includeObjectsWithNoValueSet=False,
    ),
    _prop("email", operationType="ALL_PROPERTY", operator="IS_KNOWN", includeObjectsWithNoValueSet=False),
    _prop(
        "lifecyclestage",
        operationType="ROLLING_PROPERTY_UPDATED",
        operator="UPDATED_IN_LAST_X_DAYS",
        numberOfDays=30,
        includeObjectsWithNoValueSet=False,
    ),
    _prop(
        "createdate",
        operationType="RANGED_DATE",
        operator="IS_BETWEEN",
        lowerBound=1704067200000,
        upperBound=1735689599999,
        requiresTimeZoneConversion=False,
        includeObjectsWithNoValueSet=False,
    ),
    _prop(
        "createdate",
        operationType="TIME_POINT",
        type="TIME_POINT",
        operator="IS_AFTER",
        includeObjectsWithNoValueSet=False,
        propertyParser="VALUE",
        endpointBehavior="EXCLUSIVE",
        timePoint={
            "timeType": "DATE",
            "timezoneSource": "CUSTOM",
            "zoneId": "UTC",
            "year": 2024,
            "month": 3,
            "day": 4,
            "hour": 23,
            "minute": 59,
            "second": 59,
            "millisecond": 999,
        },
    ),
    {
        "filterType": "EMAIL_SUBSCRIPTION",
        "subscriptionIds": ["81537745"],
        "acceptedStatuses": ["OPT_IN"],
        "subscriptionType": "SUBSCRIPTION",
    },
    {"filterType": "IN_LIST", "listId": "123", "operator": "IN_LIST"},
    {"filterType": "IN_LIST", "listId": "456", "operator": "NOT_IN_LIST"},
    {"filterType": "CONSTANT", "shouldAccept": True},
]


def _or(*groups: dict[str, Any]) -> dict[str, Any]:
    return {
        "filterBranchType": "OR",
        "filterBranchOperator": "OR",
        "filters": [],
        "filterBranches": list(groups),
    }


def _and(*filters: dict[str, Any], branches: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "filterBranchType": "AND",
        "filterBranchOperator": "AND",
        "filterBranches": branches or [],
        "filters": list(filters),
    }


SOFTWARE_COMPANY = {
    "filterBranchType": "ASSOCIATION",
    "filterBranchOperator": "AND",
    "objectTypeId": "0-2",
    "operator": "IN_LIST",
    "associationTypeId": 279,
    "associationCategory": "HUBSPOT_DEFINED",
    "filterBranches": [],
    "filters": [
        _prop(
            "industry",
            operationType="ENUMERATION",
            operator="IS_ANY_OF",
            values=["COMPUTER_SOFTWARE"],
            includeObjectsWithNoValueSet=False,
        )
    ],
}

# §10.2 A, B, E (the filterBranch of each request) and the docs' deals example of §10.1 #18.
REQUEST_BRANCHES: dict[str, dict[str, Any]] = {
    "A customers": _or(_and(LIFECYCLE_CUSTOMER)),
    "B engaged": _or(
        _and(OPENED_LAST_90, MARKETABLE),
        _and(
            {**OPENED_LAST_90, "property": "hs_email_last_click_date"},
            MARKETABLE,
        ),
    ),
    "E software": _or(
        _and(
            _prop("email", operationType="ALL_PROPERTY", operator="IS_KNOWN", includeObjectsWithNoValueSet=False),
            branches=[SOFTWARE_COMPANY],
        )
    ),
    "deals won": _or(
        _and(
            branches=[
                {
                    "filterBranchType": "ASSOCIATION",
                    "filterBranchOperator": "AND",
                    "objectTypeId": "0-3",
                    "operator": "IN_LIST",
                    "associationTypeId": 4,
                    "associationCategory": "HUBSPOT_DEFINED",
                    "filterBranches": [],
                    "filters": [
                        _prop(
                            "hs_is_closed_won",
                            operationType="BOOL",
                            operator="IS_EQUAL_TO",
                            value=True,
                            includeObjectsWithNoValueSet=False,
                        )
                    ],
                }
            ]
        )
    ),
}


def _issues(data: Any) -> list[str]:
    return [str(issue) for issue in validate_filter_branch(data)]


# --- every reference example parses and round-trips -------------------------------------------------


@pytest.mark.parametrize("item", SINGLE_FILTERS, ids=lambda f: f"{f['filterType']}-{f.get('property', '')}")
def test_reference_single_filters_parse_and_round_trip(item: dict[str, Any]) -> None:
    branch = _or(_and(item))
    assert _issues(branch) == []
    parsed = parse_filter_branch(branch)
    assert isinstance(parsed, OrBranch)
    assert parsed.to_hubspot() == branch
    # Already in HubSpot's echoed form: normalizing changes nothing.
    assert normalize_filter_branch(branch) == branch


@pytest.mark.parametrize("name", list(REQUEST_BRANCHES))
def test_reference_requests_parse_and_round_trip(name: str) -> None:
    branch = REQUEST_BRANCHES[name]
    parsed = parse_filter_branch(branch)
    assert parsed.to_hubspot() == branch
    assert normalize_filter_branch(branch) == branch


def test_parsed_models_are_typed() -> None:
    parsed = parse_filter_branch(REQUEST_BRANCHES["E software"])
    group = parsed.filter_branches[0]
    nested = group.filter_branches[0]
    assert isinstance(nested, AssociationBranch)
    assert (nested.object_type_id, nested.association_type_id) == ("0-2", 279)
    company_filter = nested.filters[0]
    assert isinstance(company_filter, PropertyFilter)
    assert isinstance(company_filter.operation, EnumerationOperation)
    assert company_filter.operation.values == ["COMPUTER_SOFTWARE"]
    opened = parse_filter_branch(REQUEST_BRANCHES["B engaged"]).filter_branches[0].filters[0]
    assert isinstance(opened, PropertyFilter) and isinstance(opened.operation, TimeRangedOperation)
    assert opened.operation.lower_bound_time_point.offset.days == -90  # type: ignore[union-attr]
    assert len(parse_filter_branch(REQUEST_BRANCHES["B engaged"]).walk_filters()) == 4


def _reference_json_blocks() -> list[Any]:
    text = (HUBSPOT_DOCS / "hubspot-lists-api.md").read_text()
    section = text[text.index("### 10.1") : text.index("### 10.3")]
    found = []
    for block in re.findall(r"```json\n(.*?)```", section, re.S):
        for line in [block] if block.lstrip().startswith('{"name"') else block.strip().splitlines():
            with contextlib.suppress(json.JSONDecodeError):
                found.append(json.loads(line))
    return found


def test_every_example_in_the_reference_file_round_trips() -> None:
    blocks = _reference_json_blocks()
    branches = [b["filterBranch"] if "filterBranch" in b else _or(_and(b)) for b in blocks]
    assert len(branches) >= 24
    for branch in branches:
        assert _issues(branch) == [], branch
        assert parse_filter_branch(branch).to_hubspot() == branch


# --- validation messages ----------------------------------------------------------------------------


def test_seed_mistake_is_reported_verbatim() -> None:
    seed = _or(
        _and(
            MARKETABLE,
            _prop("lifecyclestage", operationType="ENUMERATION", operator="IS_EQUAL_TO", value="customer"),
        )
    )
    assert _issues(seed) == [
        'filterBranch.filterBranches[0].filters[1]: ENUMERATION has no IS_EQUAL_TO; use IS_ANY_OF with "values"'  # noqa: E501
    ]
    with pytest.raises(FilterValidationError) as caught:
        parse_filter_branch(seed)
    assert caught.value.issues == [
        FilterIssue(
            path="filterBranch.filterBranches[0].filters[1]",
            message='ENUMERATION has no IS_EQUAL_TO; use IS_ANY_OF with "values"',
        )
    ]
    assert isinstance(caught.value, ValueError)
    assert 'ENUMERATION has no IS_EQUAL_TO; use IS_ANY_OF with "values"' in str(caught.value)


def test_issue_str_is_path_colon_message() -> None:
    issue = FilterIssue(path="filterBranch.filters[0]", message="boom")
    assert str(issue) == "filterBranch.filters[0]: boom"


def _one(branch: dict[str, Any]) -> str:
    issues = _issues(branch)
    assert len(issues) == 1, issues
    return issues[0]


def test_root_must_be_or() -> None:
    assert "root must be an OR branch" in _one(_and(LIFECYCLE_CUSTOMER))


def test_root_must_have_no_filters() -> None:
    branch = {**_or(_and(LIFECYCLE_CUSTOMER)), "filters": [MARKETABLE]}
    message = _one(branch)
    assert message.startswith("filterBranch.filters: ")
    assert "no filters" in message and "AND branch" in message


def test_root_needs_an_and_branch() -> None:
    assert "at least one AND branch" in _one(_or())


def test_root_children_must_be_and() -> None:
    message = _one(_or(SOFTWARE_COMPANY))
    assert message.startswith("filterBranch.filterBranches[0]: ")
    assert "must be AND branches, not ASSOCIATION" in message


def test_and_branches_nest_only_association_or_unified_events() -> None:
    branch = _or(_and(LIFECYCLE_CUSTOMER, branches=[_and(MARKETABLE)]))
    message = _one(branch)
    assert message.startswith("filterBranch.filterBranches[0].filterBranches[0]: ")
    assert "only nest ASSOCIATION or UNIFIED_EVENTS" in message


def test_enumeration_values_must_not_be_empty() -> None:
    item = _prop("lifecyclestage", operationType="ENUMERATION", operator="IS_ANY_OF", values=[])
    assert '"values" must not be empty' in _one(_or(_and(item)))


def test_string_takes_value_not_values() -> None:
    item = _prop("hs_email_domain", operationType="STRING", operator="IS_EQUAL_TO", values=["acme.com"])
    message = _one(_or(_and(item)))
    assert 'STRING takes "value"' in message and "MULTISTRING" in message


def test_multistring_takes_values_not_value() -> None:
    item = _prop("email", operationType="MULTISTRING", operator="ENDS_WITH", value="@acme.com")
    message = _one(_or(_and(item)))
    assert 'MULTISTRING takes "values"' in message and "use STRING" in message


def test_time_point_offset_must_name_its_unit() -> None:
    item = copy.deepcopy(CREATED_BEFORE_30)
    item["operation"]["timePoint"]["offset"] = {"amount": -90, "unit": "DAY"}
    message = _one(_or(_and(item)))
    assert message.startswith("filterBranch.filterBranches[0].filters[0].operation.timePoint.offset: ")
    assert '{"days": -90}' in message


def test_time_point_needs_type() -> None:
    item = copy.deepcopy(CREATED_BEFORE_30)
    del item["operation"]["type"]
    assert '"type": "TIME_POINT"' in _one(_or(_and(item)))


@pytest.mark.parametrize(
    ("operation", "expected"),
    [
        ({"operationType": "NUMBER", "operator": "IS_EQUAL_TO"}, 'NUMBER operation is missing "value"'),
        (
            {"operationType": "ROLLING_DATE_RANGE", "operator": "IS_LESS_THAN_X_DAYS_AGO", "numberOfDays": 3},
            'missing "requiresTimeZoneConversion"',
        ),
        (
            {"operationType": "NUMBER_RANGED", "operator": "IS_BETWEEN", "lowerBound": 1},
            'missing "upperBound"',
        ),
        (
            {"operationType": "ENUMERATION", "operator": "IS_ANY_OF"},
            'ENUMERATION operation is missing "values"',
        ),
        ({"operationType": "CALENDAR_DATE", "operator": "IN_THIS_TIME_UNIT"}, 'missing "timeUnit"'),
        ({"operationType": "ENUMERATION", "values": ["x"]}, 'missing "operator"'),
    ],
)
def test_missing_required_fields_per_type(operation: dict[str, Any], expected: str) -> None:
    assert expected in _one(_or(_and(_prop("p", **operation))))


def test_operator_outside_allow_list_lists_the_allowed_ones() -> None:
    item = _prop("hs_email_open", operationType="NUMBER", operator="IS_ABOVE", value=3)
    message = _one(_or(_and(item)))
    assert "NUMBER has no IS_ABOVE" in message
    assert "IS_GREATER_THAN, IS_GREATER_THAN_OR_EQUAL_TO" in message


def test_unknown_operation_type_suggests_the_closest() -> None:
    item = _prop("lifecyclestage", operationType="ENUMERATON", operator="IS_ANY_OF", values=["customer"])
    assert 'unknown operationType "ENUMERATON"; did you mean "ENUMERATION"?' in _one(_or(_and(item)))


def test_unknown_filter_type_suggests_the_closest() -> None:
    assert 'did you mean "PAGE_VIEW"?' in _one(_or(_and({"filterType": "PAGEVIEW", "pageUrl": "x"})))


def test_at_most_250_filters() -> None:
    assert _issues(_or(_and(*[LIFECYCLE_CUSTOMER] * 250))) == []
    message = _one(_or(_and(*[LIFECYCLE_CUSTOMER] * 200), _and(*[MARKETABLE] * 51)))
    assert message.startswith("filterBranch: has 251 filters") and "at most 250" in message


def test_json_type_errors_name_the_field() -> None:
    item = _prop("hs_email_open", operationType="NUMBER", operator="IS_EQUAL_TO", value="3")
    message = _one(_or(_and(item)))
    assert message.startswith("filterBranch.filterBranches[0].filters[0].operation.value: ")
    assert "number" in message


def test_every_issue_is_reported_not_just_the_first() -> None:
    branch = {
        "filterBranchType": "AND",
        "filters": [_prop("a", operationType="STRING", operator="IS_EQUAL_TO", values=["x"])],
        "filterBranches": [
            {
                **SOFTWARE_COMPANY,
                "operator": "IN",
                "filters": [
                    _prop("b", operationType="ENUMERATION", operator="IS_EQUAL_TO", value="y"),
                    _prop("c", operationType="BOOLEAN", operator="IS_EQUAL_TO", value=True),
                ],
            },
        ],
    }
    issues = _issues(branch)
    paths = [issue.split(": ", 1)[0] for issue in issues]
    assert paths == [
        "filterBranch",
        "filterBranch.filters[0]",
        "filterBranch.filterBranches[0]",
        "filterBranch.filterBranches[0].filters[0]",
        "filterBranch.filterBranches[0].filters[1]",
    ]
    assert "ASSOCIATION branch has no operator IN" in issues[2]
    assert 'did you mean "BOOL"?' in issues[4]


def test_association_branch_needs_its_fields() -> None:
    broken = {k: v for k, v in SOFTWARE_COMPANY.items() if k not in ("associationTypeId", "associationCategory")}
    message = _one(_or(_and(branches=[broken])))
    assert '"associationTypeId", "associationCategory"' in message


@pytest.mark.parametrize("data", [None, 3, "OR", [], {}, {"filterBranchType": 5}, {"filterBranch": {}}])
def test_validate_never_raises(data: Any) -> None:
    issues = validate_filter_branch(data)
    assert issues and all(isinstance(issue, FilterIssue) for issue in issues)
    with pytest.raises(FilterValidationError):
        parse_filter_branch(data)


def test_guide_names_are_accepted_kept_and_switchable() -> None:
    item = _prop(
        "createdate",
        operationType="datetime-rolling",
        operator="IS_MORE_THAN_X_DAYS_AGO",
        numberOfDays=30,
        requiresTimeZoneConversion=True,
    )
    branch = _or(_and(item))
    assert parse_filter_branch(branch).to_hubspot() == branch
    assert 'write operationType "ROLLING_DATE_RANGE"' in str(validate_filter_branch(branch, guide_names=False)[0])


# --- normalization ----------------------------------------------------------------------------------


def test_normalization_fills_what_hubspot_echoes() -> None:
    request = {
        "filterBranchType": "OR",
        "filterBranches": [
            {
                "filterBranchType": "AND",
                "filters": [
                    {
                        "filterType": "PROPERTY",
                        "property": "lifecyclestage",
                        "operation": {
                            "operationType": "enumeration",
                            "operator": "IS_ANY_OF",
                            "values": ["customer"],
                        },
                    },
                    {
                        "filterType": "PROPERTY",
                        "property": "hs_email_last_open_date",
                        "operation": {
                            "operationType": "rangedtime",
                            "operator": "IS_BETWEEN",
                            "propertyParser": "VALUE",
                            "lowerBoundEndpointBehavior": "INCLUSIVE",
                            "upperBoundEndpointBehavior": "INCLUSIVE",
                            "lowerBoundTimePoint": _TODAY_MINUS_90,
                            "upperBoundTimePoint": _NOW,
                        },
                    },
                    {
                        "filterType": "EMAIL_SUBSCRIPTION",
                        "subscriptionIds": ["81537745"],
                        "acceptedStatuses": ["OPT_IN"],
                    },
                ],
                "filterBranches": [
                    {k: v for k, v in SOFTWARE_COMPANY.items() if k not in ("filterBranchOperator", "filterBranches")}
                ],
            }
        ],
    }
    normalized = normalize_filter_branch(request)
    assert normalized["filterBranchOperator"] == "OR" and normalized["filters"] == []
    group = normalized["filterBranches"][0]
    assert group["filterBranchOperator"] == "AND" and group["filterBranches"][0] == SOFTWARE_COMPANY
    enum_op, ranged, subscription = (f.get("operation", f) for f in group["filters"])
    assert enum_op == LIFECYCLE_CUSTOMER["operation"]
    assert ranged == {**OPENED_LAST_90["operation"]}
    assert subscription["subscriptionType"] == "SUBSCRIPTION"
    assert normalized == _or(_and(LIFECYCLE_CUSTOMER, OPENED_LAST_90, SINGLE_FILTERS[19], branches=[SOFTWARE_COMPANY]))
    assert request["filterBranches"][0]["filters"][0]["operation"]["operationType"] == "enumeration"  # a copy
    assert normalize_filter_branch(normalized) == normalized


def test_normalization_keeps_unknown_things_alone() -> None:
    odd = {
        "filterBranchType": "OR",
        "filterBranches": [{"filterBranchType": "NOT_ANY", "x": 1}, 7],
        "filters": [{"filterType": "PAGE_VIEW", "pageUrl": "u", "operator": "HAS_PAGEVIEW_EQ"}],
    }
    normalized = normalize_filter_branch(odd)
    assert normalized["filterBranches"][0] == {
        "filterBranchType": "NOT_ANY",
        "filterBranchOperator": "NOT_ANY",
        "x": 1,
        "filters": [],
        "filterBranches": [],
    }
    assert normalized["filterBranches"][1] == 7
    assert normalized["filters"] == odd["filters"]


# --- builders ---------------------------------------------------------------------------------------


def test_builders_reproduce_the_reference_examples() -> None:
    assert prop_any_of("lifecyclestage", "customer").to_hubspot() == LIFECYCLE_CUSTOMER
    assert prop_in_last_days("hs_email_last_open_date", 90).to_hubspot() == OPENED_LAST_90
    assert prop_before_days_ago("createdate", 30).to_hubspot() == CREATED_BEFORE_30
    assert prop_string("hs_email_domain", "IS_EQUAL_TO", "acme.com").to_hubspot() == SINGLE_FILTERS[1]
    assert prop_multistring("email", "ENDS_WITH", "@acme.com", "@acme.io").to_hubspot() == SINGLE_FILTERS[3]
    assert prop_bool("hs_email_optout", True).to_hubspot() == SINGLE_FILTERS[9]
    assert (
        prop_bool("hs_email_optout", True, operator="IS_NOT_EQUAL_TO", include_unknown=True).to_hubspot()
        == SINGLE_FILTERS[10]
    )
    assert prop_number("hs_email_open", "IS_GREATER_THAN_OR_EQUAL_TO", 3).to_hubspot() == SINGLE_FILTERS[11]
    assert prop_between("hs_email_open", 1, 5).to_hubspot() == SINGLE_FILTERS[12]
    assert prop_known("email").to_hubspot() == SINGLE_FILTERS[15]
    assert email_subscription("81537745").to_hubspot() == SINGLE_FILTERS[19]
    assert in_list("123").to_hubspot() == SINGLE_FILTERS[20]
    assert not_in_list(456).to_hubspot() == SINGLE_FILTERS[21]
    assert constant(True).to_hubspot() == SINGLE_FILTERS[22]
    assert or_(and_(prop_any_of("lifecyclestage", "customer"))).to_hubspot() == REQUEST_BRANCHES["A customers"]
    software = or_(
        and_(
            prop_known("email"),
            association(to="company", filters=[prop_any_of("industry", "COMPUTER_SOFTWARE")]),
        )
    )
    assert software.to_hubspot() == REQUEST_BRANCHES["E software"]


def test_time_builders_use_the_zone() -> None:
    data = prop_in_last_days("hs_email_last_open_date", 7, zone="America/New_York").to_hubspot()
    bounds = data["operation"]["lowerBoundTimePoint"], data["operation"]["upperBoundTimePoint"]
    assert {bound["zoneId"] for bound in bounds} == {"America/New_York"}
    assert bounds[0]["offset"] == {"days": -7}


@functools.cache
def _spec_schemas() -> dict[str, Any]:
    path = HUBSPOT_DOCS / "openapi" / "crm-lists-v3" / "lists.json"

    def rewrite(node: Any) -> Any:
        # The spec's oneOfs overlap (a filter matches several branches): read them as anyOf.
        if isinstance(node, dict):
            return {("anyOf" if k == "oneOf" else k): rewrite(v) for k, v in node.items()}
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        return node

    return rewrite(json.loads(path.read_text())["components"])


def conforms(instance: Any, schema_name: str) -> list[str]:
    components = _spec_schemas()
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": components}
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]


def all_builder_filters() -> list[Any]:
    return [
        prop_any_of("lifecyclestage", "customer", "lead"),
        prop_none_of("lifecyclestage", "other", include_unknown=True),
        prop_string("hs_email_domain", "IS_EQUAL_TO", "acme.com"),
        prop_multistring("email", "ENDS_WITH", "@acme.com", "@acme.io"),
        prop_number("hs_email_open", "IS_LESS_THAN", 2.5),
        prop_between("num_employees", 100, 999),
        prop_bool("hs_email_optout", False),
        prop_known("email"),
        prop_unknown("phone"),
        prop_in_last_days("hs_email_last_open_date", 90, zone="America/New_York"),
        prop_not_in_last_days("hs_email_last_click_date", 180),
        prop_updated_in_last_days("lifecyclestage", 7),
        prop_before_days_ago("createdate", 30, zone="Europe/Paris"),
        prop_after_days_ago("createdate", 10),
        prop_time_between("notes_last_updated", date_point(2024, 3, 11), date_point(2024, 3, 11, end_of_day=True)),
        in_list("123"),
        not_in_list("456"),
        email_subscription("81537745", 99),
        constant(False),
    ]


@pytest.mark.parametrize("item", all_builder_filters(), ids=lambda f: f.to_hubspot().get("property", f.filter_type))
def test_builder_filters_conform_to_the_openapi_schema(item: Any) -> None:
    data = item.to_hubspot()
    schema = {
        "PROPERTY": "PublicPropertyFilter",
        "IN_LIST": "PublicInListFilter",
        "CONSTANT": "PublicConstantFilter",
        "EMAIL_SUBSCRIPTION": "PublicEmailSubscriptionFilter",
    }[data["filterType"]]
    assert conforms(data, schema) == []
    branch = or_(and_(item)).to_hubspot()
    assert _issues(branch) == []
    assert normalize_filter_branch(branch) == branch  # builders emit HubSpot's echoed form


def test_builder_tree_conforms_to_the_openapi_schema() -> None:
    tree = or_(
        and_(
            prop_in_last_days("hs_email_last_open_date", 90),
            association(
                to="0-2",
                association_type_id=279,
                filters=[prop_any_of("hs_ideal_customer_profile", "tier_1")],
            ),
            association(to="deal", negate=True, filters=[prop_bool("hs_is_closed_won", True)]),
        ),
        and_(*all_builder_filters()),
    ).to_hubspot()
    assert conforms(tree, "PublicOrFilterBranch") == []
    assert _issues(tree) == []
    assert conforms({**tree, "filters": "nope"}, "PublicOrFilterBranch")  # the check can fail


def test_association_needs_a_type_id_when_there_is_no_default() -> None:
    with pytest.raises(ValueError, match="association_type_id"):
        association(to="2-12345")
    assert association(to="2-12345", association_type_id=77).object_type_id == "2-12345"


def test_unknown_types_are_kept_losslessly() -> None:
    branch = _or(
        _and(
            {
                "filterType": "PAGE_VIEW",
                "pageUrl": "https://acme.com/pricing",
                "operator": "HAS_PAGEVIEW_EQ",
                "enableTracking": True,
                "futureField": {"a": [1, 2]},
            },
            {
                **LIFECYCLE_CUSTOMER,
                "unknownTopLevel": "kept",
                "operation": {**LIFECYCLE_CUSTOMER["operation"], "newFlag": None},
            },
        )
    )
    parsed = parse_filter_branch(branch)
    page_view = parsed.filter_branches[0].filters[0]
    assert isinstance(page_view, OtherFilter) and page_view.operator == "HAS_PAGEVIEW_EQ"
    assert parsed.to_hubspot() == branch
    odd = FilterBranch.from_hubspot({"filterBranchType": "NOT_ALL", "filters": [], "filterBranches": [], "z": 1})
    assert isinstance(odd, OtherBranch) and odd.to_hubspot()["z"] == 1


# --- renderer ---------------------------------------------------------------------------------------

LABELS = {
    "lifecyclestage": "Lifecycle stage",
    "hs_email_last_open_date": "Last marketing email open date",
    "createdate": "Create date",
    "hs_email_optout": "Unsubscribed from all email",
    "hs_marketable_status": "Marketing contact status",
    "0-2.hs_ideal_customer_profile": "ICP tier",
    "hs_email_domain": "Email domain",
}
OPTIONS = {
    "lifecyclestage": {"customer": "Customer", "lead": "Lead"},
    "hs_ideal_customer_profile": {"tier_1": "Tier 1"},
    "hs_marketable_status": {"false": "Non-marketing contact"},
}


def _say(branch: Any) -> str:
    return describe(branch, property_labels=LABELS, option_labels=OPTIONS)


def test_describe_single_group() -> None:
    assert _say(or_(and_(prop_any_of("lifecyclestage", "customer")))) == "Lifecycle stage is any of Customer"
    assert _say(or_(and_(prop_any_of("lifecyclestage", "customer", "lead")))) == (
        "Lifecycle stage is any of Customer, Lead"
    )


def test_describe_groups_with_or_and_filters_with_and() -> None:
    tree = or_(
        and_(
            prop_in_last_days("hs_email_last_open_date", 90, zone="America/New_York"),
            prop_before_days_ago("createdate", 30),
        ),
        and_(prop_bool("hs_email_optout", True)),
        and_(prop_any_of("hs_marketable_status", "false")),
    )
    assert _say(tree) == (
        "(Last marketing email open date is in the last 90 days and Create date is more than 30 days ago)"
        " or is unsubscribed from all email or Marketing contact status is any of Non-marketing contact"
    )


def test_describe_association_lists_and_negations() -> None:
    tree = or_(
        and_(
            association(
                to="0-2",
                association_type_id=279,
                filters=[prop_any_of("hs_ideal_customer_profile", "tier_1")],
            ),
            prop_bool("hs_email_optout", True, operator="IS_NOT_EQUAL_TO", include_unknown=True),
            in_list("123"),
            not_in_list("9"),
        )
    )
    assert _say(tree) == (
        "is not unsubscribed from all email and is a member of list 123 and is not a member of list 9"
        " and associated company's ICP tier is any of Tier 1"
    )
    deals = _say(REQUEST_BRANCHES["deals won"])
    assert deals == "associated deal's hs_is_closed_won is true"
    nobody = association(to="0-3", negate=True, filters=[prop_known("amount"), prop_known("dealname")])
    assert describe(or_(and_(nobody))) == "has no associated deal whose amount is known and dealname is known"


def test_describe_uses_raw_names_without_labels() -> None:
    assert describe(REQUEST_BRANCHES["A customers"]) == "lifecyclestage is any of customer"
    assert describe(or_(and_(prop_string("hs_email_domain", "IS_EQUAL_TO", "acme.com")))) == (
        "hs_email_domain is acme.com"
    )


def test_describe_other_time_shapes() -> None:
    cases = {
        SINGLE_FILTERS[5]["operation"]["operator"]: (SINGLE_FILTERS[5], "is less than 90 days ago"),
        "dated": (SINGLE_FILTERS[18], "createdate is after 2024-03-04"),
        "range": (SINGLE_FILTERS[17], "createdate is between 2024-01-01 00:00 UTC and 2024-12-31 23:59 UTC"),
        "updated": (SINGLE_FILTERS[16], "lifecyclestage was updated in the last 30 days"),
        "on": (
            prop_time_between("d", date_point(2024, 3, 11), date_point(2024, 3, 11, end_of_day=True)).to_hubspot(),
            "d is on 2024-03-11",
        ),
        "next": (
            prop_time_between("d", indexed("NOW"), indexed("TODAY", days=5)).to_hubspot(),
            "d is in the next 5 days",
        ),
        "changed": (
            prop_updated_in_last_days("lifecyclestage", 7).to_hubspot(),
            "was updated in the last 7 days",
        ),
        "future": (prop_after_days_ago("d", -3).to_hubspot(), "d is more than 3 days from now"),
    }
    for item, expected in cases.values():
        assert expected in describe(_or(_and(item))), item


def test_describe_never_crashes_on_unknown_types() -> None:
    tree = _or(
        _and(
            {"filterType": "PAGE_VIEW", "pageUrl": "https://acme.com", "operator": "HAS_PAGEVIEW_EQ"},
            {"filterType": "SOMETHING_NEW"},
            _prop("x", operationType="FANCY", operator="IS_FANCY"),
            {"filterType": "CONSTANT", "shouldAccept": True},
            branches=[
                {
                    "filterBranchType": "UNIFIED_EVENTS",
                    "eventTypeId": "4-123",
                    "operator": "HAS_COMPLETED",
                    "filters": [],
                    "filterBranches": [],
                },
                {"filterBranchType": "NOT_ANY", "filters": [LIFECYCLE_CUSTOMER]},
            ],
        )
    )
    text = describe(tree)
    assert "PAGE_VIEW filter (operator HAS_PAGEVIEW_EQ)" in text
    assert "SOMETHING_NEW filter" in text
    assert "x FANCY filter (operator IS_FANCY)" in text
    assert "matches every record" in text
    assert "has completed event 4-123" in text
    assert "none of (lifecyclestage is any of customer)" in text
    for junk in (
        {},
        {"filterBranchType": "OR", "filterBranches": "x"},
        {"filterBranchType": "OR", "filters": [1]},
    ):
        assert isinstance(describe(junk), str)
