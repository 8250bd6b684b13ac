"""List evaluation semantics, on small hand-built data whose membership is worked out by hand.

Lists are created through the sandbox's in-process API (`create_list`, the same code path as
`POST /crm/v3/lists`) on a portal whose clock is frozen at 2024-06-15 12:00 UTC (08:00 in the
portal's zone, America/New_York), so relative dates are exact.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sandbox_lists_data import COMPANY, CONTACT, Portal, association, branch, prop
from segment_lists.sandbox import Sandbox, SandboxConfig, Strictness
from segment_lists.sandbox.errors import HubSpotError
from segment_lists.sandbox.lists.memberships import get_list_members
from segment_lists.sandbox.lists.service import create_list, update_filters

NOW = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)
_names = itertools.count()


@pytest.fixture
def portal() -> Portal:
    # Evaluation semantics on ad-hoc properties written straight into records: the checks against the
    # portal's property schema are off here (they are test_sandbox_strictness.py's subject).
    schema_off = Strictness(properties=False, operation_types=False, option_values=False)
    return Portal(Sandbox(SandboxConfig(frozen_now=NOW, time_zone="America/New_York", strictness=schema_off)))


def members(
    portal: Portal,
    *groups: list[dict[str, Any]],
    nested: list[list[dict[str, Any]]] | None = None,
    object_type: str = CONTACT,
) -> set[int]:
    created = create_list(
        portal.sandbox,
        {
            "name": f"list {next(_names)}",
            "objectTypeId": object_type,
            "processingType": "DYNAMIC",
            "filterBranch": branch(*groups, nested=nested),
        },
    )
    return set(get_list_members(portal.sandbox, int(created["list"]["listId"])))


def op(operation_type: str, operator: str, include: bool = False, **fields: Any) -> dict[str, Any]:
    return {
        "operationType": operation_type,
        "operator": operator,
        "includeObjectsWithNoValueSet": include,
        **fields,
    }


def test_enumeration_single_and_multi_checkbox(portal: Portal) -> None:
    ab = portal.contact({"hobbies": "a;b"})
    b = portal.contact({"hobbies": "b"})
    abc = portal.contact({"hobbies": "a;b;c"})
    none = portal.contact({})

    def enum(operator: str, values: list[str], include: bool = False) -> set[int]:
        return members(portal, [prop("hobbies", op("ENUMERATION", operator, include, values=values))])

    assert enum("IS_ANY_OF", ["a"]) == {ab, abc}
    assert enum("IS_ANY_OF", ["A"]) == set()  # enumeration values are exact
    assert enum("IS_NONE_OF", ["a"]) == {b}
    assert enum("IS_NONE_OF", ["a"], include=True) == {b, none}
    assert enum("IS_EXACTLY", ["b", "a"]) == {ab}
    assert enum("IS_NOT_EXACTLY", ["b", "a"]) == {b, abc}
    assert enum("CONTAINS_ALL", ["a", "b"]) == {ab, abc}
    assert enum("DOES_NOT_CONTAIN_ALL", ["a", "b"]) == {b}


def test_enumeration_history_operators(portal: Portal) -> None:
    was_lead = portal.contact({"lifecyclestage": "lead"}, at=NOW - timedelta(days=30))
    portal.update(CONTACT, was_lead, {"lifecyclestage": "customer"}, at=NOW - timedelta(days=3))
    always_customer = portal.contact({"lifecyclestage": "customer"})
    subscriber = portal.contact({"lifecyclestage": "subscriber"})
    unset = portal.contact({})

    def enum(operator: str, values: list[str], include: bool = False) -> set[int]:
        return members(portal, [prop("lifecyclestage", op("ENUMERATION", operator, include, values=values))])

    assert enum("IS_ANY_OF", ["lead"]) == set()
    assert enum("HAS_EVER_BEEN_ANY_OF", ["lead"]) == {was_lead}
    assert enum("HAS_NEVER_BEEN_ANY_OF", ["lead"]) == {always_customer, subscriber}
    assert enum("HAS_NEVER_BEEN_ANY_OF", ["lead"], include=True) == {always_customer, subscriber, unset}
    assert enum("HAS_EVER_BEEN_EXACTLY", ["customer"]) == {was_lead, always_customer}
    assert enum("HAS_NEVER_BEEN_EXACTLY", ["customer"]) == {subscriber}
    assert enum("HAS_EVER_CONTAINED_ALL", ["lead"]) == {was_lead}
    assert enum("HAS_NEVER_CONTAINED_ALL", ["lead"]) == {always_customer, subscriber}


def test_string_operators_are_case_insensitive(portal: Portal) -> None:
    acme = portal.contact({"email": "Ann@ACME.com"})
    other = portal.contact({"email": "bob@other.io"})
    blank = portal.contact({"email": ""})

    def string(operator: str, value: str, include: bool = False) -> set[int]:
        return members(portal, [prop("email", op("STRING", operator, include, value=value))])

    assert string("IS_EQUAL_TO", "ann@acme.com") == {acme}
    assert string("IS_NOT_EQUAL_TO", "ann@acme.com") == {other}
    assert string("IS_NOT_EQUAL_TO", "ann@acme.com", include=True) == {other, blank}
    assert string("CONTAINS", "@acme") == {acme}
    assert string("DOES_NOT_CONTAIN", "@acme") == {other}
    assert string("STARTS_WITH", "BOB") == {other}
    assert string("ENDS_WITH", ".IO") == {other}


def test_string_history_operators(portal: Portal) -> None:
    renamed = portal.contact({"company": "Initech"}, at=NOW - timedelta(days=10))
    portal.update(CONTACT, renamed, {"company": "Globex"})
    globex = portal.contact({"company": "Globex"})

    def string(operator: str, value: str) -> set[int]:
        return members(portal, [prop("company", op("STRING", operator, value=value))])

    assert string("HAS_EVER_BEEN_EQUAL_TO", "initech") == {renamed}
    assert string("HAS_NEVER_BEEN_EQUAL_TO", "initech") == {globex}
    assert string("HAS_EVER_CONTAINED", "tech") == {renamed}
    assert string("HAS_NEVER_CONTAINED", "tech") == {globex}


def test_multistring_operators(portal: Portal) -> None:
    john = portal.contact({"firstname": "John"})
    jo = portal.contact({"firstname": "Joanna"})
    smith = portal.contact({"firstname": "Smith"})
    portal.contact({})

    def multi(operator: str, values: list[str]) -> set[int]:
        return members(portal, [prop("firstname", op("MULTISTRING", operator, values=values))])

    assert multi("IS_EQUAL_TO", ["john", "smith"]) == {john, smith}
    assert multi("IS_NOT_EQUAL_TO", ["john", "smith"]) == {jo}
    assert multi("CONTAINS", ["JO"]) == {john, jo}
    assert multi("DOES_NOT_CONTAIN", ["jo", "mi"]) == set()
    assert multi("CONTAINS_EXACTLY", ["Jo"]) == {john, jo}
    assert multi("CONTAINS_EXACTLY", ["jo"]) == set()  # *_EXACTLY is case-sensitive
    assert multi("DOES_NOT_CONTAIN_EXACTLY", ["jo"]) == {john, jo, smith}
    assert multi("STARTS_WITH", ["sm", "joa"]) == {jo, smith}
    assert multi("ENDS_WITH", ["N", "h"]) == {john, smith}


def test_number_and_number_ranged(portal: Portal) -> None:
    zero = portal.contact({"hs_email_open": "0"})
    three = portal.contact({"hs_email_open": "3"})
    ten = portal.contact({"hs_email_open": "10.0"})
    unknown = portal.contact({})

    def number(operator: str, value: float, include: bool = False) -> set[int]:
        return members(portal, [prop("hs_email_open", op("NUMBER", operator, include, value=value))])

    assert number("IS_EQUAL_TO", 10) == {ten}
    assert number("IS_NOT_EQUAL_TO", 10) == {zero, three}
    assert number("IS_NOT_EQUAL_TO", 10, include=True) == {zero, three, unknown}
    assert number("IS_GREATER_THAN", 3) == {ten}
    assert number("IS_GREATER_THAN_OR_EQUAL_TO", 3) == {three, ten}
    assert number("IS_LESS_THAN", 3) == {zero}
    assert number("IS_LESS_THAN_OR_EQUAL_TO", 3) == {zero, three}
    portal.update(CONTACT, zero, {"hs_email_open": "1"})
    assert number("HAS_EVER_BEEN_EQUAL_TO", 0) == {zero}
    assert number("HAS_NEVER_BEEN_EQUAL_TO", 0) == {three, ten}
    between = members(portal, [prop("hs_email_open", op("NUMBER_RANGED", "IS_BETWEEN", lowerBound=1, upperBound=3))])
    assert between == {zero, three}
    outside = members(
        portal,
        [prop("hs_email_open", op("NUMBER_RANGED", "IS_NOT_BETWEEN", True, lowerBound=1, upperBound=3))],
    )
    assert outside == {ten, unknown}


def test_bool_and_all_property(portal: Portal) -> None:
    out = portal.contact({"hs_email_optout": "true", "email": "x@y.z"})
    stayed = portal.contact({"hs_email_optout": "false"})
    unknown = portal.contact({"email": ""})

    def boolean(operator: str, value: bool, include: bool = False) -> set[int]:
        return members(portal, [prop("hs_email_optout", op("BOOL", operator, include, value=value))])

    assert boolean("IS_EQUAL_TO", True) == {out}
    assert boolean("IS_NOT_EQUAL_TO", True) == {stayed}
    assert boolean("IS_NOT_EQUAL_TO", True, include=True) == {stayed, unknown}
    portal.update(CONTACT, out, {"hs_email_optout": "false"})
    assert boolean("IS_EQUAL_TO", True) == set()
    assert boolean("HAS_EVER_BEEN_EQUAL_TO", True) == {out}
    assert boolean("HAS_NEVER_BEEN_EQUAL_TO", True) == {stayed}

    def known(operator: str) -> set[int]:
        # includeObjectsWithNoValueSet does not apply to ALL_PROPERTY: it is about the value itself.
        return members(portal, [prop("email", op("ALL_PROPERTY", operator))])

    assert known("IS_KNOWN") == known("IS_NOT_BLANK") == {out}
    assert known("IS_UNKNOWN") == known("IS_BLANK") == {stayed, unknown}


def test_legacy_absolute_and_rolling_dates(portal: Portal) -> None:
    june_1 = portal.contact({"createdate": "2024-06-01T00:00:00.000Z"})
    june_14 = portal.contact({"createdate": "2024-06-14T23:00:00.000Z"})
    next_week = portal.contact({"createdate": "2024-06-20T00:00:00.000Z"})
    portal.contact({})
    ts = int(datetime(2024, 6, 10, tzinfo=UTC).timestamp() * 1000)

    def date_op(operation: dict[str, Any]) -> set[int]:
        return members(portal, [prop("createdate", operation)])

    assert date_op(op("DATETIME", "IS_BEFORE", timestamp=ts, requiresTimeZoneConversion=False)) == {june_1}
    assert date_op(op("DATETIME", "IS_AFTER", timestamp=ts, requiresTimeZoneConversion=False)) == {
        june_14,
        next_week,
    }
    day = int(datetime(2024, 6, 14, 12, tzinfo=UTC).timestamp() * 1000)
    assert date_op(op("DATETIME", "IS_EQUAL_TO", timestamp=day, requiresTimeZoneConversion=False)) == {june_14}
    # 2024-06-14 23:00 UTC is 19:00 on the 14th in New York: still the 14th there.
    assert date_op(op("DATETIME", "IS_EQUAL_TO", timestamp=day, requiresTimeZoneConversion=True)) == {june_14}
    low = int(datetime(2024, 6, 2, tzinfo=UTC).timestamp() * 1000)
    high = int(datetime(2024, 6, 30, tzinfo=UTC).timestamp() * 1000)
    assert date_op(
        op("RANGED_DATE", "IS_BETWEEN", lowerBound=low, upperBound=high, requiresTimeZoneConversion=False)
    ) == {june_14, next_week}
    assert date_op(
        op("RANGED_DATE", "IS_NOT_BETWEEN", lowerBound=low, upperBound=high, requiresTimeZoneConversion=False)
    ) == {june_1}

    def rolling(operator: str, days: int) -> set[int]:
        return date_op(op("ROLLING_DATE_RANGE", operator, numberOfDays=days, requiresTimeZoneConversion=True))

    assert rolling("IS_LESS_THAN_X_DAYS_AGO", 7) == {june_14}
    assert rolling("IS_MORE_THAN_X_DAYS_AGO", 7) == {june_1}
    assert rolling("IS_LESS_THAN_X_DAYS_FROM_NOW", 7) == {next_week}
    assert rolling("IS_MORE_THAN_X_DAYS_FROM_NOW", 3) == {next_week}
    assert rolling("IS_MORE_THAN_X_DAYS_FROM_NOW", 7) == set()


def test_rolling_property_updated_and_updated_at_parser(portal: Portal) -> None:
    recent = portal.contact({"lifecyclestage": "lead"}, at=NOW - timedelta(days=40))
    portal.update(CONTACT, recent, {"lifecyclestage": "customer"}, at=NOW - timedelta(days=2))
    old = portal.contact({"lifecyclestage": "lead"}, at=NOW - timedelta(days=40))
    never = portal.contact({})

    def updated(operator: str, include: bool = False) -> set[int]:
        return members(
            portal,
            [prop("lifecyclestage", op("ROLLING_PROPERTY_UPDATED", operator, include, numberOfDays=7))],
        )

    assert updated("UPDATED_IN_LAST_X_DAYS") == {recent}
    assert updated("NOT_UPDATED_IN_LAST_X_DAYS") == {old}
    assert updated("NOT_UPDATED_IN_LAST_X_DAYS", include=True) == {old, never}
    last_week = op(
        "TIME_RANGED",
        "IS_BETWEEN",
        type="TIME_RANGED",
        propertyParser="UPDATED_AT",
        lowerBoundTimePoint=indexed("TODAY", days=-7),
        upperBoundTimePoint=indexed("NOW"),
    )
    assert members(portal, [prop("lifecyclestage", last_week)]) == {recent}


def indexed(reference: str, zone: str | None = "UTC", **offset: int) -> dict[str, Any]:
    point: dict[str, Any] = {"timeType": "INDEXED", "indexReference": {"referenceType": reference}}
    if zone:
        point["zoneId"] = zone
    if offset:
        point["offset"] = offset
    return point


def date_point(year: int, month: int, day: int, zone: str = "UTC", **time: int) -> dict[str, Any]:
    return {"timeType": "DATE", "year": year, "month": month, "day": day, "zoneId": zone, **time}


def test_time_point_and_time_ranged(portal: Portal) -> None:
    # NOW is 2024-06-15 12:00 UTC; TODAY (UTC) starts 2024-06-15 00:00.
    long_ago = portal.contact({"hs_email_last_open_date": "2024-01-01T00:00:00.000Z"})
    this_morning = portal.contact({"hs_email_last_open_date": "2024-06-15T01:00:00.000Z"})
    five_days_ago = portal.contact({"hs_email_last_open_date": "2024-06-10T12:00:00.000Z"})
    never = portal.contact({})

    def opened(operation: dict[str, Any]) -> set[int]:
        return members(portal, [prop("hs_email_last_open_date", operation)])

    last_7_days = op(
        "TIME_RANGED",
        "IS_BETWEEN",
        type="TIME_RANGED",
        lowerBoundTimePoint=indexed("TODAY", days=-7),
        upperBoundTimePoint=indexed("NOW"),
    )
    assert opened(last_7_days) == {this_morning, five_days_ago}
    assert opened({**last_7_days, "operator": "IS_NOT_BETWEEN"}) == {long_ago}
    assert opened({**last_7_days, "operator": "IS_NOT_BETWEEN", "includeObjectsWithNoValueSet": True}) == {
        long_ago,
        never,
    }
    before_today = op("TIME_POINT", "IS_BEFORE", type="TIME_POINT", timePoint=indexed("TODAY"))
    assert opened(before_today) == {long_ago, five_days_ago}
    # TODAY in New York started at 04:00 UTC, so 01:00 UTC this morning was "yesterday" there.
    assert opened({**before_today, "timePoint": indexed("TODAY", zone="America/New_York")}) == {
        long_ago,
        five_days_ago,
        this_morning,
    }
    exact = date_point(2024, 6, 10, hour=12)
    after_exclusive = op("TIME_POINT", "IS_AFTER", type="TIME_POINT", timePoint=exact, endpointBehavior="EXCLUSIVE")
    assert opened(after_exclusive) == {this_morning}
    assert opened({**after_exclusive, "endpointBehavior": "INCLUSIVE"}) == {this_morning, five_days_ago}
    on_june_10 = op(
        "TIME_RANGED",
        "IS_BETWEEN",
        type="TIME_RANGED",
        lowerBoundTimePoint=date_point(2024, 6, 10),
        upperBoundTimePoint=date_point(2024, 6, 10, hour=23, minute=59, second=59, millisecond=999),
    )
    assert opened(on_june_10) == {five_days_ago}
    assert (
        opened(
            {
                **on_june_10,
                "upperBoundTimePoint": date_point(2024, 6, 10, hour=12),
                "upperBoundEndpointBehavior": "EXCLUSIVE",
            }
        )
        == set()
    )


def test_indexed_references_week_month_quarter_year(portal: Portal) -> None:
    # 2024-06-15 is a Saturday; the ISO week began Monday 2024-06-10.
    monday = portal.contact({"d": "2024-06-10T08:00:00.000Z"})
    may = portal.contact({"d": "2024-05-20T00:00:00.000Z"})
    april = portal.contact({"d": "2024-04-02T00:00:00.000Z"})
    march = portal.contact({"d": "2024-03-30T00:00:00.000Z"})
    last_year = portal.contact({"d": "2023-12-31T00:00:00.000Z"})

    def since(reference: dict[str, Any], **offset: int) -> set[int]:
        point = {"timeType": "INDEXED", "zoneId": "UTC", "indexReference": reference}
        if offset:
            point["offset"] = offset
        return members(
            portal,
            [
                prop(
                    "d",
                    op(
                        "TIME_POINT",
                        "IS_AFTER",
                        type="TIME_POINT",
                        timePoint=point,
                        endpointBehavior="INCLUSIVE",
                    ),
                )
            ],
        )

    assert since({"referenceType": "WEEK", "dayOfWeek": "MONDAY"}) == {monday}
    assert since({"referenceType": "MONTH", "day": 1}) == {monday}
    assert since({"referenceType": "MONTH", "day": 1}, months=-1) == {monday, may}
    assert since({"referenceType": "QUARTER", "month": 1, "day": 1}) == {monday, may, april}
    assert since({"referenceType": "YEAR", "month": 1, "day": 1}) == {monday, may, april, march}
    assert since({"referenceType": "YEAR", "month": 1, "day": 1}, years=-1) == {
        monday,
        may,
        april,
        march,
        last_year,
    }
    assert since({"referenceType": "TODAY"}, weeks=-1) == {monday}
    assert since({"referenceType": "NOW"}, quarters=-1, days=16) == {monday, may, april}  # 2024-03-31 12:00


def test_calendar_date(portal: Portal) -> None:
    this_month = portal.contact({"d": "2024-06-02T00:00:00.000Z"})
    last_month = portal.contact({"d": "2024-05-15T00:00:00.000Z"})
    next_month = portal.contact({"d": "2024-07-04T00:00:00.000Z"})
    later_today = portal.contact({"d": "2024-06-15T20:00:00.000Z"})

    def calendar(operator: str, unit: str, **extra: Any) -> set[int]:
        return members(portal, [prop("d", op("CALENDAR_DATE", operator, timeUnit=unit, **extra))])

    assert calendar("IN_THIS_TIME_UNIT", "MONTH") == {this_month, later_today}
    assert calendar("IN_THIS_TIME_UNIT_SO_FAR", "MONTH") == {this_month}
    assert calendar("IN_LAST_TIME_UNIT", "MONTH") == {last_month}
    assert calendar("IN_NEXT_TIME_UNIT", "MONTH") == {next_month}
    assert calendar("IN_THIS_TIME_UNIT", "QUARTER") == {this_month, last_month, later_today}
    assert calendar("IN_THIS_TIME_UNIT", "YEAR", useFiscalYear=True, fiscalYearStart="JULY") == {
        this_month,
        last_month,
        later_today,
    }


def test_comparative_operations(portal: Portal) -> None:
    early = portal.contact({"first_seen": "2024-01-01", "last_seen": "2024-02-01", "a": "X", "b": "x"})
    late = portal.contact({"first_seen": "2024-03-01", "last_seen": "2024-02-01", "a": "x", "b": "y"})
    portal.contact({"first_seen": "2024-03-01"})

    def compare(name: str, operation: dict[str, Any]) -> set[int]:
        return members(portal, [prop(name, operation)])

    assert compare("first_seen", op("COMPARATIVE_DATE", "IS_BEFORE", comparisonPropertyName="last_seen")) == {early}
    assert compare("first_seen", op("COMPARATIVE_DATE", "IS_AFTER", comparisonPropertyName="last_seen")) == {late}
    assert compare("a", op("COMPARATIVE_STRING", "IS_EQUAL_TO", comparisonPropertyName="b")) == {early}
    referenced = op(
        "TIME_POINT",
        "IS_BEFORE",
        type="TIME_POINT",
        timePoint={
            "timeType": "PROPERTY_REFERENCED",
            "property": "last_seen",
            "referenceType": "VALUE",
            "zoneId": "UTC",
        },
    )
    assert compare("first_seen", referenced) == {early}


def test_or_of_and_groups_and_constant(portal: Portal) -> None:
    customer_acme = portal.contact({"lifecyclestage": "customer", "email": "a@acme.com"})
    customer_other = portal.contact({"lifecyclestage": "customer", "email": "b@other.com"})
    lead_acme = portal.contact({"lifecyclestage": "lead", "email": "c@acme.com"})
    portal.contact({"lifecyclestage": "lead", "email": "d@other.com"})
    customer = prop("lifecyclestage", op("ENUMERATION", "IS_ANY_OF", values=["customer"]))
    acme = prop("email", op("STRING", "ENDS_WITH", value="@acme.com"))
    assert members(portal, [customer, acme]) == {customer_acme}
    assert members(portal, [customer], [acme]) == {customer_acme, customer_other, lead_acme}
    everyone = members(portal, [{"filterType": "CONSTANT", "shouldAccept": True}])
    assert len(everyone) == 4
    assert members(portal, [{"filterType": "CONSTANT", "shouldAccept": False}]) == set()
    with pytest.raises(HubSpotError) as refused:  # an AND group without filters: refused (the strict reading)
        members(portal, [])
    assert "needs at least one filter" in refused.value.message
    portal.sandbox.config.strictness.empty_and_branches = True  # the lenient reading: it accepts everyone
    assert members(portal, []) == everyone


def test_association_branches(portal: Portal) -> None:
    software = portal.company({"industry": "COMPUTER_SOFTWARE"})
    bank = portal.company({"industry": "BANKING"})
    at_software = portal.contact({"email": "a@soft.com"})
    at_both = portal.contact({"email": "b@both.com"})
    at_bank = portal.contact({"email": "c@bank.com"})
    no_company = portal.contact({"email": "d@none.com"})
    portal.associate(at_software, software)
    portal.associate(at_both, software)
    portal.associate(at_both, bank)
    portal.associate(at_bank, bank)
    is_software = [prop("industry", op("ENUMERATION", "IS_ANY_OF", values=["COMPUTER_SOFTWARE"]))]
    assert members(portal, [], nested=[[association(is_software)]]) == {at_software, at_both}
    assert members(portal, [], nested=[[association(is_software, operator="NOT_IN_LIST")]]) == {
        at_bank,
        no_company,
    }
    # The other direction: companies with a contact whose email is known.
    with_contacts = association([prop("email", op("ALL_PROPERTY", "IS_KNOWN"))], object_type=CONTACT, type_id=280)
    assert members(portal, [], nested=[[with_contacts]], object_type=COMPANY) == {software, bank}
    # A record change re-evaluates: the bank turns software.
    created = create_list(
        portal.sandbox,
        {
            "name": "software people",
            "objectTypeId": CONTACT,
            "processingType": "DYNAMIC",
            "filterBranch": branch([], nested=[[association(is_software)]]),
        },
    )
    list_id = int(created["list"]["listId"])
    portal.update(COMPANY, bank, {"industry": "COMPUTER_SOFTWARE"})
    assert set(get_list_members(portal.sandbox, list_id)) == {at_software, at_both, at_bank}


def test_in_list_filters_and_cycles(portal: Portal) -> None:
    customer = portal.contact({"lifecyclestage": "customer"})
    lead = portal.contact({"lifecyclestage": "lead"})
    base = create_list(
        portal.sandbox,
        {
            "name": "customers",
            "objectTypeId": CONTACT,
            "processingType": "DYNAMIC",
            "filterBranch": branch([prop("lifecyclestage", op("ENUMERATION", "IS_ANY_OF", values=["customer"]))]),
        },
    )["list"]
    base_id = base["listId"]
    assert members(portal, [{"filterType": "IN_LIST", "listId": base_id, "operator": "IN_LIST"}]) == {customer}
    derived = create_list(
        portal.sandbox,
        {
            "name": "not customers",
            "objectTypeId": CONTACT,
            "processingType": "DYNAMIC",
            "filterBranch": branch([{"filterType": "IN_LIST", "listId": base_id, "operator": "NOT_IN_LIST"}]),
        },
    )["list"]
    assert set(get_list_members(portal.sandbox, int(derived["listId"]))) == {lead}
    portal.update(CONTACT, lead, {"lifecyclestage": "customer"})
    assert set(get_list_members(portal.sandbox, int(derived["listId"]))) == set()
    # base -> derived -> base would be a cycle.
    with pytest.raises(HubSpotError) as cycle:
        update_filters(
            portal.sandbox,
            base_id,
            {"filterBranch": branch([{"filterType": "IN_LIST", "listId": derived["listId"], "operator": "IN_LIST"}])},
        )
    assert cycle.value.status == 400
    with pytest.raises(HubSpotError) as missing:
        members(portal, [{"filterType": "IN_LIST", "listId": "9999", "operator": "IN_LIST"}])
    assert missing.value.status == 400


def test_relative_dates_drift_with_the_clock(portal: Portal) -> None:
    opened = portal.contact({"hs_email_last_open_date": "2024-06-10T12:00:00.000Z"})
    created = create_list(
        portal.sandbox,
        {
            "name": "opened in last 7 days",
            "objectTypeId": CONTACT,
            "processingType": "DYNAMIC",
            "filterBranch": branch(
                [
                    prop(
                        "hs_email_last_open_date",
                        op(
                            "TIME_RANGED",
                            "IS_BETWEEN",
                            type="TIME_RANGED",
                            lowerBoundTimePoint=indexed("TODAY", days=-7),
                            upperBoundTimePoint=indexed("NOW"),
                        ),
                    )
                ]
            ),
        },
    )
    list_id = int(created["list"]["listId"])
    assert get_list_members(portal.sandbox, list_id) == [opened]
    portal.sandbox.clock.advance(timedelta(days=3))  # TODAY-7 is now 2024-06-11: the open is too old
    assert get_list_members(portal.sandbox, list_id) == []


def test_no_data_filters_and_subscriptions(portal: Portal) -> None:
    out = portal.contact({"hs_email_optout": "true"})
    sub_out = portal.contact({"hs_email_optout_42": "true"})
    sub_in = portal.contact({"hs_email_optout_42": "false"})
    plain = portal.contact({})
    # Nobody ever viewed a page in the sandbox: positive operators match none, negative ones all.
    view = {"filterType": "PAGE_VIEW", "pageUrl": "https://x.example", "operator": "HAS_PAGEVIEW_EQ"}
    assert members(portal, [view]) == set()
    assert members(portal, [{**view, "operator": "NOT_HAS_PAGEVIEW_EQ"}]) == {out, sub_out, sub_in, plain}

    def subscription(statuses: list[str]) -> set[int]:
        return members(
            portal,
            [{"filterType": "EMAIL_SUBSCRIPTION", "subscriptionIds": ["42"], "acceptedStatuses": statuses}],
        )

    assert subscription(["OPT_IN"]) == {sub_in}
    assert subscription(["OPT_OUT"]) == {out, sub_out}


@pytest.mark.parametrize(
    "bad",
    [
        {"filterBranchType": "AND", "filters": []},
        branch([{"filterType": "NO_SUCH_FILTER"}]),
        branch([prop("x", op("ENUMERATION", "IS_EQUAL_TO", value="lead"))]),
        branch([prop("x", op("STRING", "IS_EQUAL_TO", values=["a"]))]),
        branch(
            [
                prop(
                    "x",
                    op(
                        "TIME_POINT",
                        "IS_AFTER",
                        type="TIME_POINT",
                        timePoint={
                            "timeType": "INDEXED",
                            "zoneId": "UTC",
                            "indexReference": {"referenceType": "TODAY"},
                            "offset": {"amount": -90, "unit": "DAY"},
                        },
                    ),
                )
            ]
        ),
    ],
)
def test_invalid_filters_are_rejected(portal: Portal, bad: dict[str, Any]) -> None:
    with pytest.raises(HubSpotError) as error:
        create_list(
            portal.sandbox,
            {"name": "bad", "objectTypeId": CONTACT, "processingType": "DYNAMIC", "filterBranch": bad},
        )
    assert error.value.status == 400 and error.value.category == "VALIDATION_ERROR"
