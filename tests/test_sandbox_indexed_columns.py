"""Indexed property columns (`sandbox.crm.column`) give exactly the answers of the record-by-record path.

Three levels: a `Column`'s indexes (value groups, sorted numbers, id sets) against brute force over
the same values, across random changes; compiled list filters evaluated through the record index
(indexed columns) and through plain dicts (the generic path), before and after records change; and
column CRM search against the per-record scan, before and after writes.
"""

from __future__ import annotations

import itertools
import math
import random
from datetime import UTC, datetime
from typing import Any

import pytest

from sandbox_lists_data import CONTACT, Portal, branch, prop
from segment_lists.filters import vocab
from segment_lists.sandbox import Sandbox, SandboxConfig, Strictness
from segment_lists.sandbox.crm import column_search, records
from segment_lists.sandbox.crm import search as crm_search
from segment_lists.sandbox.crm.column import MAX_GROUPS, Column, Range
from segment_lists.sandbox.crm.object_types import CONTACTS
from segment_lists.sandbox.crm.properties import property_defs
from segment_lists.sandbox.lists.engine import View
from segment_lists.sandbox.lists.evaluator import compile_plan
from segment_lists.sandbox.seed.demo_portal import seed_demo

NAN = float("nan")
BOUNDS: list[float | None] = [None, -1.0, 0, 2, 2.5, math.inf, NAN]
VALUES: list[float] = [-math.inf, -1.0, -0.0, 0, 1, 2, 2.0, 2.5, 3, math.inf, NAN]


def brute(column: dict[int, Any], test: Any) -> set[int]:
    return {rid for rid, value in column.items() if test(value)}


def asked_twice(column: Column, query: Any) -> tuple[set[int], set[int]]:
    """The first answer (building the index) and the second (reading it)."""
    return query(column), query(column)


# --- Column ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("negate", [False, True])
def test_a_range_selects_what_it_accepts_value_by_value(negate: bool) -> None:
    column = Column("number", enumerate(VALUES * 3))
    plain = dict(column)
    for low, high, low_inclusive, high_inclusive in itertools.product(BOUNDS, BOUNDS, [True, False], [True, False]):
        test = Range(low, high, low_inclusive, high_inclusive, negate)
        expected = brute(plain, test)
        assert asked_twice(column, lambda c, t=test: c.select(t)) == (expected, expected), test
    assert Range(2, 2)(2.0) and not Range(2, 2, negate=True)(2.0)
    assert not Range(NAN, None)(1) and Range(NAN, None, negate=True)(1)


def _random_value(rng: random.Random, kind: str, spread: int) -> Any:
    if kind == "enum":
        return frozenset(rng.sample("abcd", rng.randint(1, 3)))
    if kind == "lower":
        return f"v{rng.randrange(spread)}"
    if kind == "time":
        return 1_700_000_000_000 + rng.randrange(spread) * 1000
    return NAN if rng.random() < 0.03 else float(rng.randrange(spread)) / 2


def _queries(kind: str, rng: random.Random, everyone: set[int]) -> list[tuple[str, Any]]:
    """(name, query on a column) pairs, each with its brute-force twin computed from a plain dict."""
    if kind == "enum":
        wanted = frozenset(rng.sample("abcd", 2))
        return [("any of", lambda v: not wanted.isdisjoint(v)), ("all of", lambda v: wanted <= v)]
    if kind == "lower":
        return [("equal", lambda v: v == "v3"), ("starts", lambda v: v.startswith("v1"))]
    points = sorted(_random_value(rng, kind, 50) for _ in range(2))
    return [
        ("between", Range(points[0], points[1])),
        ("not between exclusive", Range(points[0], points[1], False, False, negate=True)),
        ("below", Range(high=points[1], high_inclusive=False)),
        ("at least", Range(low=points[0])),
    ]


@pytest.mark.parametrize(
    ("kind", "spread"),
    [("enum", 0), ("lower", 12), ("number", 40), ("number", 5000), ("time", 30), ("time", 100_000)],
)
def test_indexes_stay_exact_as_the_column_changes(kind: str, spread: int) -> None:
    rng = random.Random(f"{kind}-{spread}")
    everyone = set(range(1, 3001))
    column = Column(kind, ((rid, _random_value(rng, kind, spread)) for rid in everyone if rng.random() < 0.7))
    previous: dict[int, Any] = {}
    for round_ in range(8):
        plain = dict(column)
        for name, test in _queries(kind, rng, everyone):
            expected = brute(plain, test)
            assert asked_twice(column, lambda c, t=test: c.select(t)) == (expected, expected), (round_, name)
            candidates = set(rng.sample(sorted(everyone), len(everyone) // 3))
            assert column.select_among(test, candidates, False) == candidates & expected, (round_, name)
            with_missing = candidates & (expected | (everyone - set(plain)))
            assert column.select_among(test, candidates, True) == with_missing, (round_, name)
        # Equality: bisection (numbers, times), groups, or - once the groups are outgrown - the
        # uncapped lookup, patched by the changes below like every other index.
        # Values records have now and had before this round's changes (a stale index keeps the old).
        present = sorted({*plain.values(), *previous.values()}, key=repr)
        previous = plain
        wanted = {_random_value(rng, kind, spread) for _ in range(5)} | set(rng.sample(present, min(200, len(present))))
        assert column.select_in(wanted) == brute(plain, wanted.__contains__), round_
        assert column.ids() == set(plain)
        assert column.missing(everyone) == everyone - set(plain)
        # A batch of changes, as record_index.sync makes them: new values, cleared values, records
        # deleted and created; the later rounds add enough distinct values to outgrow the groups.
        changes = 40 if round_ < 3 else MAX_GROUPS + 200
        for _ in range(changes):
            rid = rng.randint(1, 3300)
            roll = rng.random()
            if roll < 0.15:
                everyone.discard(rid)
                column.drop(rid, exists=False)
            elif roll < 0.3:
                everyone.add(rid)
                column.drop(rid, exists=True)
            else:
                everyone.add(rid)
                column.put(rid, _random_value(rng, kind, spread if round_ < 3 else spread * 1000 + 5000))


# --- list evaluation: indexed columns vs plain dicts ---------------------------------------------------

NOW = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)
MIDNIGHT_MS = int(datetime(2024, 6, 1, tzinfo=UTC).timestamp() * 1000)
DAY = 86_400_000


def op(operation_type: str, operator: str, include: bool = False, **fields: Any) -> dict[str, Any]:
    return {"operationType": operation_type, "operator": operator, "includeObjectsWithNoValueSet": include, **fields}


def date_point(day: int, **extra: Any) -> dict[str, Any]:
    return {"timeType": "DATE", "year": 2024, "month": 6, "day": day, "zoneId": "UTC", **extra}


def indexed(days: int) -> dict[str, Any]:
    return {"timeType": "INDEXED", "indexReference": {"referenceType": "TODAY"}, "offset": {"days": days}}


def _filters() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for include in (False, True):
        for operator in ("IS_ANY_OF", "IS_NONE_OF", "IS_EXACTLY", "IS_NOT_EXACTLY", "CONTAINS_ALL"):
            found.append(prop("hobbies", op("ENUMERATION", operator, include, values=["a", "b"])))
        found.append(prop("hobbies", op("ENUMERATION", "DOES_NOT_CONTAIN_ALL", include, values=["c"])))
        for operator in (o for o in vocab.OPERATORS["NUMBER"] if not o.startswith(("HAS_EVER", "HAS_NEVER"))):
            found.append(prop("score", op("NUMBER", operator, include, value=2)))
        for operator in ("IS_BETWEEN", "IS_NOT_BETWEEN"):
            found.append(prop("score", op("NUMBER_RANGED", operator, include, lowerBound=1, upperBound=3)))
            found.append(
                prop("seen", op("RANGED_DATE", operator, include, lowerBound=MIDNIGHT_MS, upperBound=MIDNIGHT_MS + DAY))
            )
        for operator in ("IS_EQUAL_TO", "IS_NOT_EQUAL_TO"):
            found.append(prop("flag", op("BOOL", operator, include, value=True)))
        found.append(prop("city", op("STRING", "IS_EQUAL_TO", include, value="Paris")))
        found.append(prop("city", op("MULTISTRING", "IS_NOT_EQUAL_TO", include, values=["paris", "Rome"])))
        for operator, behaviour in itertools.product(("IS_BEFORE", "IS_AFTER"), ("INCLUSIVE", "EXCLUSIVE")):
            for point in (date_point(1), date_point(3, hour=6), indexed(-10)):
                found.append(
                    prop(
                        "seen",
                        op(
                            "TIME_POINT",
                            operator,
                            include,
                            type="TIME_POINT",
                            timePoint=point,
                            endpointBehavior=behaviour,
                        ),
                    )
                )
        for operator, low_end, high_end in itertools.product(
            ("IS_BETWEEN", "IS_NOT_BETWEEN"), ("INCLUSIVE", "EXCLUSIVE"), ("INCLUSIVE", "EXCLUSIVE")
        ):
            for low, high in (
                (date_point(1), date_point(5)),
                (indexed(-14), indexed(0)),
                (date_point(5), date_point(1)),
            ):
                found.append(
                    prop(
                        "seen",
                        op(
                            "TIME_RANGED",
                            operator,
                            include,
                            type="TIME_RANGED",
                            lowerBoundTimePoint=low,
                            upperBoundTimePoint=high,
                            lowerBoundEndpointBehavior=low_end,
                            upperBoundEndpointBehavior=high_end,
                        ),
                    )
                )
        referenced = {"timeType": "PROPERTY_REFERENCED", "property": "other_seen"}
        found.append(prop("seen", op("TIME_POINT", "IS_BEFORE", include, type="TIME_POINT", timePoint=referenced)))
        for operator in ("IS_BEFORE", "IS_AFTER", "IS_EQUAL_TO", "IS_BEFORE_DATE", "IS_AFTER_DATE"):
            found.append(
                prop(
                    "seen",
                    op("DATETIME", operator, include, timestamp=MIDNIGHT_MS + DAY, requiresTimeZoneConversion=False),
                )
            )
        for operator in ("IS_LESS_THAN_X_DAYS_AGO", "IS_MORE_THAN_X_DAYS_AGO"):
            found.append(prop("seen", op("ROLLING_DATE_RANGE", operator, include, numberOfDays=7)))
        found.append(prop("seen", op("CALENDAR_DATE", "IN_THIS_TIME_UNIT", include, timeUnit="MONTH")))
    for operator in ("IS_KNOWN", "IS_UNKNOWN"):
        found.append(prop("seen", op("ALL_PROPERTY", operator)))
    return found


def _contact_props(rng: random.Random) -> dict[str, Any]:
    candidates: dict[str, Any] = {
        "hobbies": ";".join(rng.sample("abcd", rng.randint(1, 3))),
        "score": rng.choice(["0", "1", "2", "2.0", "2.5", "3", "-1", "nan", "abc"]),
        "flag": rng.choice(["true", "false", "yes", "maybe"]),
        "city": rng.choice(["Paris", "paris", "Rome", "Oslo", ""]),
        # Exactly on the bounds (midnights, 06:00) as often as between them.
        "seen": str(MIDNIGHT_MS + rng.choice([0, DAY, 2 * DAY + DAY // 4, 4 * DAY, rng.randrange(20 * DAY)])),
        "other_seen": str(MIDNIGHT_MS + rng.randrange(20 * DAY)),
    }
    return {key: value for key, value in candidates.items() if rng.random() < 0.8}


class PlainColumns:
    """The same data with every column as a plain dict: the evaluator's generic, record-by-record path."""

    def __init__(self, view: View) -> None:
        self.view, self.now, self.zone = view, view.now, view.zone

    def __getattr__(self, name: str) -> Any:
        return getattr(self.view, name)

    def column(self, object_type: str, prop_name: str, kind: str) -> dict[int, Any]:
        return dict(self.view.column(object_type, prop_name, kind))


def test_list_filters_give_the_same_members_indexed_and_record_by_record() -> None:
    schema_off = Strictness(properties=False, operation_types=False, option_values=False)
    sandbox = Sandbox(SandboxConfig(frozen_now=NOW, time_zone="America/New_York", strictness=schema_off))
    portal = Portal(sandbox)
    rng = random.Random(11)
    ids = [portal.contact(_contact_props(rng)) for _ in range(400)]
    filters = _filters()
    plans = [compile_plan(branch([item]), CONTACT) for item in filters]
    # AND groups (each part after the first tests only the records still in the running) and ORs.
    for size in (2, 3, 3):
        plans += [compile_plan(branch(rng.sample(filters, size), [rng.choice(filters)]), CONTACT) for _ in range(30)]
    engine = sandbox.list_engine
    answers: set[frozenset[int]] = set()
    for round_ in range(4):
        with sandbox.store.lock:
            sandbox.record_index.sync()
            view = View(engine, sandbox.clock.now(), sandbox.clock.zone)
            for plan in plans:
                expected = plan.evaluate(PlainColumns(view))
                assert plan.evaluate(view) == expected, (round_, plan.root)
                assert plan.evaluate(view) == expected, (round_, plan.root)  # indexes built by now
                answers.add(frozenset(expected))
        for rid in rng.sample(ids, 40):
            portal.update(CONTACT, rid, {key: None for key in ("seen", "score", "hobbies")} | _contact_props(rng))
        portal.archive(CONTACT, ids.pop(rng.randrange(len(ids))))
        ids.append(portal.contact(_contact_props(rng)))
    assert len(answers) > 100  # the filters tell records apart: the answers are not all alike


def test_fixed_time_points_compare_as_a_per_record_point_at_the_same_instant() -> None:
    """A DATE point compiles to a plain range; PROPERTY_REFERENCED still compares record by record.
    With the referenced property holding that very instant on every record, both must agree for
    every operator, endpoint behaviour and no-value flag."""
    schema_off = Strictness(properties=False, operation_types=False, option_values=False)
    sandbox = Sandbox(SandboxConfig(frozen_now=NOW, time_zone="America/New_York", strictness=schema_off))
    portal = Portal(sandbox)
    rng = random.Random(3)
    first, fifth = MIDNIGHT_MS, MIDNIGHT_MS + 4 * DAY
    for _ in range(200):
        seen = {"seen": str(rng.choice([first - 1, first, first + 1, fifth - 1, fifth, fifth + 1]))}
        portal.contact({"p1": str(first), "p5": str(fifth)} | (seen if rng.random() < 0.8 else {}))

    def members(item: dict[str, Any]) -> set[int]:
        with sandbox.store.lock:
            sandbox.record_index.sync()
            view = View(sandbox.list_engine, sandbox.clock.now(), sandbox.clock.zone)
            return compile_plan(branch([prop("seen", item)]), CONTACT).evaluate(view)

    def referenced(name: str) -> dict[str, Any]:
        return {"timeType": "PROPERTY_REFERENCED", "property": name}

    for include in (False, True):
        for operator, behaviour in itertools.product(("IS_BEFORE", "IS_AFTER"), ("INCLUSIVE", "EXCLUSIVE")):
            point = op("TIME_POINT", operator, include, type="TIME_POINT", endpointBehavior=behaviour)
            fixed = members(point | {"timePoint": date_point(1)})
            assert fixed == members(point | {"timePoint": referenced("p1")}), (operator, behaviour, include)
        for operator, low_end, high_end in itertools.product(
            ("IS_BETWEEN", "IS_NOT_BETWEEN"), ("INCLUSIVE", "EXCLUSIVE"), ("INCLUSIVE", "EXCLUSIVE")
        ):
            ranged = op(
                "TIME_RANGED",
                operator,
                include,
                type="TIME_RANGED",
                lowerBoundEndpointBehavior=low_end,
                upperBoundEndpointBehavior=high_end,
            )
            fixed = members(ranged | {"lowerBoundTimePoint": date_point(1), "upperBoundTimePoint": date_point(5)})
            per_record = members(
                ranged | {"lowerBoundTimePoint": referenced("p1"), "upperBoundTimePoint": referenced("p5")}
            )
            assert fixed == per_record, (operator, low_end, high_end, include)


# --- column CRM search vs the per-record scan ------------------------------------------------------------

SEARCHES: list[list[dict[str, Any]]] = [
    [{"propertyName": "lifecyclestage", "operator": "IN", "values": ["lead", "customer"]}],
    [{"propertyName": "lifecyclestage", "operator": "NEQ", "value": "customer"}],
    [{"propertyName": "lifecyclestage", "operator": "LT", "value": "m"}],
    [{"propertyName": "hs_email_optout", "operator": "EQ", "value": "true"}],
    [{"propertyName": "hs_email_domain", "operator": "NOT_IN", "values": ["gmail.com"]}],
    [{"propertyName": "firstname", "operator": "CONTAINS_TOKEN", "value": "a*"}],
    [{"propertyName": "hs_object_id", "operator": "IN", "values": ["3", "10", "11", "4000", "x"]}],
    [{"propertyName": "hs_object_id", "operator": "GT", "value": "500"}],
    [{"propertyName": "hs_object_id", "operator": "NOT_IN", "values": ["3", "10"]}],
    [{"propertyName": "hs_email_last_open_date", "operator": "LT", "value": "1700000000000"}],
    [{"propertyName": "hs_email_last_open_date", "operator": "GTE", "value": "1650000000000"}],
    [{"propertyName": "createdate", "operator": "BETWEEN", "value": "0", "highValue": "1700000000000"}],
    [
        {"propertyName": "hs_email_last_open_date", "operator": "NOT_HAS_PROPERTY"},
        {"propertyName": "hs_email_last_click_date", "operator": "HAS_PROPERTY"},
    ],
]


def test_column_search_matches_the_scan_when_indexed_and_after_writes() -> None:
    sandbox = Sandbox()
    seed_demo(sandbox, contacts=900, seed=5)
    defs = property_defs(sandbox, CONTACTS.type_id)
    rng = random.Random(5)

    def scan(filters: list[dict[str, Any]]) -> set[int]:
        compiled = crm_search._compile_groups(sandbox, CONTACTS, defs, [{"filters": filters}])
        return {r.id for r in records.iter_records(sandbox, CONTACTS.type_id) if all(p(r) for p in compiled[0])}

    contact_ids = sorted(r.id for r in records.iter_records(sandbox, CONTACTS.type_id))
    for round_ in range(3):
        for filters in SEARCHES:
            expected = scan(filters)
            for _ in range(2):
                assert column_search.matching_ids(sandbox, CONTACTS, defs, [{"filters": filters}]) == expected, (
                    round_,
                    filters,
                )
        # Writes through the CRM module (its record cache is what the scan reads): changed and
        # cleared values, an archived record and a new one.
        updates = [
            (
                rid,
                {
                    "lifecyclestage": rng.choice(["lead", "customer", ""]),
                    "hs_email_last_open_date": rng.choice(["", "1600000000000", "1800000000000"]),
                    "firstname": rng.choice(["Ada", "Bob", ""]),
                },
            )
            for rid in rng.sample(contact_ids, 30)
        ]
        records.update_records(sandbox, CONTACTS.type_id, updates)
        records.archive_records(sandbox, CONTACTS.type_id, [contact_ids.pop(rng.randrange(len(contact_ids)))])
        records.create_records(sandbox, CONTACTS.type_id, [{"firstname": "Ava", "lifecyclestage": "lead"}])
