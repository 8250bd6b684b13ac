"""CRM search in the sandbox: operators, groups, sorting, paging and HubSpot's limits, via the SDK."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hubspot.crm.contacts import ApiException as ContactsApiException

import hubspot
from openapi_check import assert_conforms
from segment_lists.sandbox import RunningSandbox
from segment_lists.sandbox.seed.crm_data import seed_crm

PEOPLE = [
    {
        "email": "ann@acme.com",
        "firstname": "Ann",
        "lastname": "Archer",
        "lifecyclestage": "customer",
        "hs_email_open": "12",
        "hs_email_last_open_date": "2025-03-01T10:00:00.000Z",
        "country": "Germany",
    },
    {
        "email": "bob@acme.com",
        "firstname": "Bob",
        "lastname": "Baker",
        "lifecyclestage": "lead",
        "hs_email_open": "3",
        "hs_email_last_open_date": "2025-06-15T10:00:00.000Z",
        "country": "United States",
    },
    {
        "email": "cy@globex.io",
        "firstname": "Cy",
        "lastname": "Cole",
        "lifecyclestage": "lead",
        "hs_email_open": "0",
        "hs_email_optout": "true",
    },
    {"email": "di@initech.net", "firstname": "Di", "lastname": "Dunn Smith"},
]


@pytest.fixture
def people(sdk: hubspot.HubSpot) -> dict[str, str]:
    created = sdk.crm.contacts.batch_api.create({"inputs": [{"properties": p, "associations": []} for p in PEOPLE]})
    return {r.properties["email"]: r.id for r in created.results}


def emails(sdk: hubspot.HubSpot, *groups: list[dict[str, Any]], **extra: Any) -> list[str]:
    request = {
        "filterGroups": [{"filters": g} for g in groups],
        "properties": ["email"],
        "limit": 100,
        **extra,
    }
    result = sdk.crm.contacts.search_api.do_search(request)
    assert result.total == len(result.results)
    return sorted(r.properties["email"] for r in result.results)


def f(name: str, operator: str, value: Any = None, **more: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"propertyName": name, "operator": operator, **more}
    if value is not None:
        out["value"] = value
    return out


def test_operators(sdk: hubspot.HubSpot, people: dict[str, str], sandbox: RunningSandbox) -> None:
    assert emails(sdk, [f("email", "EQ", "ANN@ACME.COM")]) == ["ann@acme.com"]  # strings: case-insensitive
    # Enumerations are exact: "Lead" is no option. Strict (default): refused, naming the valid options.
    with pytest.raises(ContactsApiException) as refused:
        emails(sdk, [f("lifecyclestage", "EQ", "Lead")])
    assert refused.value.status == 400 and "not a valid option for property lifecyclestage" in refused.value.body
    sandbox.sandbox.config.strictness.search_option_values = False  # lenient: it matches nobody
    assert emails(sdk, [f("lifecyclestage", "EQ", "Lead")]) == []
    assert emails(sdk, [f("lifecyclestage", "EQ", "lead")]) == ["bob@acme.com", "cy@globex.io"]
    # NEQ also matches records with no value (di has no lifecycle stage).
    assert emails(sdk, [f("lifecyclestage", "NEQ", "lead")]) == ["ann@acme.com", "di@initech.net"]
    assert emails(sdk, [f("hs_email_open", "GT", "2")]) == ["ann@acme.com", "bob@acme.com"]
    assert emails(sdk, [f("hs_email_open", "LTE", "3")]) == ["bob@acme.com", "cy@globex.io"]
    assert emails(sdk, [f("hs_email_last_open_date", "BETWEEN", "2025-01-01", highValue="2025-04-01")]) == [
        "ann@acme.com"
    ]
    assert emails(sdk, [f("hs_email_last_open_date", "GTE", "1740787200000")]) == [
        "ann@acme.com",
        "bob@acme.com",
    ]
    assert emails(sdk, [f("country", "IN", values=["germany", "united states"])]) == [
        "ann@acme.com",
        "bob@acme.com",
    ]
    assert emails(sdk, [f("lifecyclestage", "NOT_IN", values=["lead", "customer"])]) == ["di@initech.net"]
    assert emails(sdk, [f("hs_email_optout", "EQ", "true")]) == ["cy@globex.io"]
    assert emails(sdk, [f("hs_email_last_open_date", "HAS_PROPERTY")]) == ["ann@acme.com", "bob@acme.com"]
    assert emails(sdk, [f("lastname", "NOT_HAS_PROPERTY")]) == []
    assert emails(sdk, [f("email", "CONTAINS_TOKEN", "*@acme.com")]) == ["ann@acme.com", "bob@acme.com"]
    assert emails(sdk, [f("lastname", "CONTAINS_TOKEN", "smith")]) == ["di@initech.net"]
    assert emails(sdk, [f("hs_email_domain", "NOT_CONTAINS_TOKEN", "acme.com")]) == [
        "cy@globex.io",
        "di@initech.net",
    ]


def test_groups_are_ored_and_filters_anded(sdk: hubspot.HubSpot, people: dict[str, str]) -> None:
    assert emails(sdk, [f("lifecyclestage", "EQ", "lead"), f("hs_email_open", "GT", "1")]) == ["bob@acme.com"]
    assert emails(sdk, [f("lifecyclestage", "EQ", "customer")], [f("hs_email_optout", "EQ", "true")]) == [
        "ann@acme.com",
        "cy@globex.io",
    ]
    assert emails(sdk) == sorted(people)  # no filters: everything


def test_query_sorts_paging_and_default_properties(sdk: hubspot.HubSpot, people: dict[str, str]) -> None:
    assert emails(sdk, query="bak") == ["bob@acme.com"]
    result = sdk.crm.contacts.search_api.do_search(
        {
            "filterGroups": [],
            "sorts": [{"propertyName": "hs_email_open", "direction": "DESCENDING"}],
            "limit": 2,
        }
    )
    assert result.total == 4
    assert [r.properties["email"] for r in result.results] == ["ann@acme.com", "bob@acme.com"]
    assert set(result.results[0].properties) == {
        "createdate",
        "email",
        "firstname",
        "hs_object_id",
        "lastmodifieddate",
        "lastname",
    }
    nxt = sdk.crm.contacts.search_api.do_search(
        {"filterGroups": [], "sorts": ["-hs_email_open"], "limit": 2, "after": result.paging.next.after}
    )
    assert [r.properties["email"] for r in nxt.results] == [
        "cy@globex.io",
        "di@initech.net",
    ]  # no value: last
    assert nxt.paging is None

    raw = sdk.api_request(
        {
            "method": "POST",
            "path": "/crm/v3/objects/contacts/search",
            "body": {"filterGroups": [], "properties": ["country"], "limit": 1},
        }
    )
    assert raw.status_code == 200
    body = raw.json()
    assert set(body["results"][0]["properties"]) == {
        "country",
        "createdate",
        "hs_object_id",
        "lastmodifieddate",
    }
    body["results"][0]["properties"] = {k: v or "" for k, v in body["results"][0]["properties"].items()}
    assert_conforms("POST", "/crm/v3/objects/contacts/search", 200, body)


def _status(sdk: hubspot.HubSpot, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = sdk.api_request({"method": "POST", "path": "/crm/v3/objects/contacts/search", "body": body})
    return response.status_code, response.json()


def test_limits_are_hubspots(sdk: hubspot.HubSpot, people: dict[str, str]) -> None:
    one = f("email", "HAS_PROPERTY")
    assert _status(sdk, {"filterGroups": [{"filters": [one]}] * 5})[0] == 200
    status, body = _status(sdk, {"filterGroups": [{"filters": [one]}] * 6})
    assert status == 400 and body["category"] == "VALIDATION_ERROR"
    assert _status(sdk, {"filterGroups": [{"filters": [one] * 7}]})[0] == 400
    assert _status(sdk, {"filterGroups": [{"filters": [one] * 6}] * 3})[0] == 200  # 18 filters
    assert _status(sdk, {"filterGroups": [{"filters": [one] * 6}] * 3 + [{"filters": [one]}]})[0] == 400
    assert _status(sdk, {"filterGroups": [], "limit": 201})[0] == 400
    assert _status(sdk, {"filterGroups": [], "query": "x" * 3000})[0] == 400  # body over 3,000 characters
    assert _status(sdk, {"filterGroups": [{"filters": [f("nope", "EQ", "1")]}]})[0] == 400
    assert _status(sdk, {"filterGroups": [{"filters": [f("email", "LIKE", "1")]}]})[0] == 400
    assert _status(sdk, {"filterGroups": [], "sorts": ["email", "firstname"]})[0] == 400


def test_association_pseudo_property(sdk: hubspot.HubSpot, people: dict[str, str]) -> None:
    company = sdk.crm.companies.basic_api.create({"properties": {"name": "Acme", "domain": "acme.com"}})
    for email in ("ann@acme.com", "bob@acme.com"):
        sdk.crm.associations.v4.basic_api.create_default("contacts", people[email], "companies", company.id)
    assert emails(sdk, [f("associations.company", "EQ", company.id)]) == ["ann@acme.com", "bob@acme.com"]
    assert emails(sdk, [f("associations.company", "EQ", company.id), f("lifecyclestage", "EQ", "lead")]) == [
        "bob@acme.com"
    ]


def test_ten_thousand_result_cap(sandbox: RunningSandbox, sdk: hubspot.HubSpot) -> None:
    seed_crm(sandbox.sandbox, contacts=10_050, companies=20, seed=3)
    status, body = _status(sdk, {"filterGroups": [], "limit": 200, "after": "9800"})
    assert status == 200 and body["total"] == 10_050
    assert len(body["results"]) == 200 and "paging" not in body  # nothing can be paged beyond 10,000
    status, body = _status(sdk, {"filterGroups": [], "limit": 10, "after": "10000"})
    assert status == 400 and body["category"] == "VALIDATION_ERROR"
    # A page that would reach past the 10,000th result: refused by default (the strict reading) ...
    status, body = _status(sdk, {"filterGroups": [], "limit": 20, "after": "9990"})
    assert status == 400 and body["category"] == "VALIDATION_ERROR" and "10000" in body["message"]
    # ... or cut at 10,000 (the lenient reading).
    sandbox.sandbox.config.strictness.search_window = "truncate"
    status, body = _status(sdk, {"filterGroups": [], "limit": 200, "after": "9900"})
    assert status == 200 and len(body["results"]) == 100 and "paging" not in body


def test_search_agrees_with_the_seeded_data(sandbox: RunningSandbox, sdk: hubspot.HubSpot) -> None:
    summary = seed_crm(sandbox.sandbox, contacts=600, companies=40, seed=11)
    request = {
        "filterGroups": [
            {
                "filters": [
                    f("lifecyclestage", "EQ", "customer"),
                    f("hs_email_domain", "IN", values=summary.competitor_domains),
                ]
            }
        ]
    }
    assert sdk.crm.contacts.search_api.do_search(request).total == summary.competitor_customers
    internal = {"filterGroups": [{"filters": [f("email", "CONTAINS_TOKEN", f"*@{summary.internal_domain}")]}]}
    assert sdk.crm.contacts.search_api.do_search(internal).total == summary.internal_employees
    companies = sdk.crm.companies.search_api.do_search({"filterGroups": [], "limit": 1})
    assert companies.total == summary.companies
    assert json.loads(json.dumps(companies.to_dict(), default=str))["results"][0]["properties"]["domain"] in (
        summary.company_domains
    )
