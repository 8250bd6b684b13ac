"""The sandbox's column-based CRM search selects exactly what the per-record predicates select."""

from __future__ import annotations

from typing import Any

import pytest

from segment_lists.sandbox import Sandbox
from segment_lists.sandbox.crm import column_search, records
from segment_lists.sandbox.crm import search as crm_search
from segment_lists.sandbox.crm.object_types import CONTACTS
from segment_lists.sandbox.crm.properties import property_defs
from segment_lists.sandbox.seed.demo_portal import seed_demo

NOW_MS = "1700000000000"
FILTERS: list[dict[str, Any]] = [
    {"propertyName": "lifecyclestage", "operator": "EQ", "value": "customer"},
    {"propertyName": "lifecyclestage", "operator": "NEQ", "value": "customer"},
    {"propertyName": "lifecyclestage", "operator": "IN", "values": ["lead", "subscriber"]},
    {"propertyName": "lifecyclestage", "operator": "NOT_IN", "values": ["lead", "subscriber"]},
    {"propertyName": "lifecyclestage", "operator": "GT", "value": "m"},
    {"propertyName": "lifecyclestage", "operator": "HAS_PROPERTY"},
    {"propertyName": "lifecyclestage", "operator": "NOT_HAS_PROPERTY"},
    {"propertyName": "email", "operator": "EQ", "value": "ADA.ADAMS1@GMAIL.COM"},
    {"propertyName": "hs_email_domain", "operator": "IN", "values": ["gmail.com", "rivalsoft.example"]},
    {"propertyName": "hs_email_domain", "operator": "NOT_IN", "values": ["gmail.com"]},
    {"propertyName": "firstname", "operator": "CONTAINS_TOKEN", "value": "ada"},
    {"propertyName": "email", "operator": "NOT_CONTAINS_TOKEN", "value": "*gmail*"},
    {"propertyName": "hs_email_last_open_date", "operator": "LT", "value": NOW_MS},
    {"propertyName": "hs_email_last_open_date", "operator": "GTE", "value": NOW_MS},
    {"propertyName": "createdate", "operator": "BETWEEN", "value": "0", "highValue": NOW_MS},
    {"propertyName": "hs_email_optout", "operator": "EQ", "value": "true"},
    {"propertyName": "hs_email_optout", "operator": "NEQ", "value": "true"},
    {"propertyName": "associatedcompanyid", "operator": "LTE", "value": "40"},
    {"propertyName": "contact_type", "operator": "IN", "values": ["partner"]},
    {"propertyName": "country", "operator": "EQ", "value": "united states"},
]


@pytest.fixture(scope="module")
def seeded() -> Sandbox:
    sandbox = Sandbox()
    seed_demo(sandbox, contacts=800, seed=3)
    return sandbox


def _scan(sandbox: Sandbox, groups: list[dict[str, Any]]) -> set[int]:
    defs = property_defs(sandbox, CONTACTS.type_id)
    compiled = crm_search._compile_groups(sandbox, CONTACTS, defs, groups)
    return {
        r.id
        for r in records.iter_records(sandbox, CONTACTS.type_id)
        if not compiled or any(all(p(r) for p in group) for group in compiled)
    }


def _fast(sandbox: Sandbox, groups: list[dict[str, Any]]) -> set[int] | None:
    defs = property_defs(sandbox, CONTACTS.type_id)
    return column_search.matching_ids(sandbox, CONTACTS, defs, groups)


@pytest.mark.parametrize("item", FILTERS, ids=lambda f: f"{f['propertyName']}-{f['operator']}")
def test_each_operator_matches_the_per_record_scan(seeded: Sandbox, item: dict[str, Any]) -> None:
    groups = [{"filters": [item]}]
    assert _fast(seeded, groups) == _scan(seeded, groups)


def test_groups_and_combinations_match(seeded: Sandbox) -> None:
    for start in range(0, len(FILTERS) - 3, 3):
        groups = [{"filters": FILTERS[start : start + 2]}, {"filters": FILTERS[start + 2 : start + 4]}]
        found = _fast(seeded, groups)
        assert found == _scan(seeded, groups)
    assert _fast(seeded, []) == _scan(seeded, [])


def test_writes_are_seen_and_association_filters_fall_back(seeded: Sandbox) -> None:
    groups = [{"filters": [{"propertyName": "lifecyclestage", "operator": "EQ", "value": "evangelist"}]}]
    before = _fast(seeded, groups)
    target = next(r.id for r in records.iter_records(seeded, CONTACTS.type_id) if r.id not in (before or set()))
    records.update_records(seeded, CONTACTS.type_id, [(target, {"lifecyclestage": "evangelist"})])
    assert _fast(seeded, groups) == _scan(seeded, groups) == (before or set()) | {target}
    assert (
        _fast(seeded, [{"filters": [{"propertyName": "associations.company", "operator": "EQ", "value": "1"}]}]) is None
    )


def test_the_search_endpoint_pages_in_id_order(seeded: Sandbox) -> None:
    body = {"filterGroups": [{"filters": [FILTERS[2]]}], "limit": 7, "after": "3"}
    page = crm_search.search(seeded, CONTACTS, body)
    expected = sorted(_scan(seeded, body["filterGroups"]))
    assert page["total"] == len(expected)
    assert [int(r["id"]) for r in page["results"]] == expected[3:10]
    desc = crm_search.search(
        seeded, CONTACTS, {**body, "sorts": [{"propertyName": "hs_object_id", "direction": "DESCENDING"}]}
    )
    assert [int(r["id"]) for r in desc["results"]] == sorted(expected, reverse=True)[3:10]


def test_the_filters_are_discriminating(seeded: Sandbox) -> None:
    everyone = len(list(records.iter_records(seeded, CONTACTS.type_id)))
    selective = [f for f in FILTERS if 0 < len(_scan(seeded, [{"filters": [f]}])) < everyone]
    assert len(selective) >= len(FILTERS) - 4  # the comparison above is not between empty sets


def test_pages_in_id_order_stay_exact_as_records_come_and_go() -> None:
    """A page of a large match is read walking the ids in order (RecordIndex.first), of a small one
    by a heap: both give the scan's order, also after records are created and archived."""
    sandbox = Sandbox()
    seed_demo(sandbox, contacts=400, seed=5)
    dense = {"propertyName": "lifecyclestage", "operator": "HAS_PROPERTY"}
    sparse = {"propertyName": "lifecyclestage", "operator": "EQ", "value": "evangelist"}
    for round_ in range(3):
        for item in (dense, sparse, FILTERS[2]):
            groups = [{"filters": [item]}]
            expected = sorted(_scan(sandbox, groups))
            assert expected, item
            for direction, ordered in (("ASCENDING", expected), ("DESCENDING", expected[::-1])):
                for after in (0, 5):
                    page = crm_search.search(
                        sandbox,
                        CONTACTS,
                        {
                            "filterGroups": groups,
                            "limit": 7,
                            "after": str(after),
                            "sorts": [{"propertyName": "hs_object_id", "direction": direction}],
                        },
                    )
                    assert [int(r["id"]) for r in page["results"]] == ordered[after : after + 7], (round_, item)
        # New records at both ends of the id range's use, and archived ones from the front and back.
        made = records.create_records(
            sandbox,
            CONTACTS.type_id,
            [{"lifecyclestage": "evangelist", "email": f"n{round_}{i}@x.example"} for i in range(3)],
        )
        assert made
        live = sorted(r.id for r in records.iter_records(sandbox, CONTACTS.type_id))
        records.archive_records(sandbox, CONTACTS.type_id, [live[0], live[1], live[-1]])
