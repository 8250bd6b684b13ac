"""Associations v4 (and v3 `associations=` on object reads) between contacts and companies."""

from __future__ import annotations

from typing import Any

import pytest
from hubspot.crm.associations.v4 import ApiException

import hubspot
from openapi_check import assert_conforms


@pytest.fixture
def records(sdk: hubspot.HubSpot) -> dict[str, str]:
    contact = sdk.crm.contacts.basic_api.create({"properties": {"email": "pat@acme.com"}})
    acme = sdk.crm.companies.basic_api.create({"properties": {"name": "Acme", "domain": "acme.com"}})
    globex = sdk.crm.companies.basic_api.create({"properties": {"name": "Globex", "domain": "globex.com"}})
    return {"contact": contact.id, "acme": acme.id, "globex": globex.id}


def types_of(sdk: hubspot.HubSpot, from_type: str, from_id: str, to_type: str) -> dict[str, set[int]]:
    page = sdk.crm.associations.v4.basic_api.get_page(from_type, from_id, to_type)
    return {r.to_object_id: {t.type_id for t in r.association_types} for r in page.results}


def test_default_association_both_directions(sdk: hubspot.HubSpot, records: dict[str, str]) -> None:
    path = f"/crm/v4/objects/contacts/{records['contact']}/associations/default/companies/{records['acme']}"
    response = sdk.api_request({"method": "PUT", "path": path})
    assert response.status_code == 200
    assert_conforms("PUT", path, 200, response.json())
    specs = {(r["from"]["id"], r["associationSpec"]["associationTypeId"]) for r in response.json()["results"]}
    assert specs == {(records["contact"], 279), (records["acme"], 280)}
    assert types_of(sdk, "contacts", records["contact"], "companies") == {records["acme"]: {279}}
    assert types_of(sdk, "0-2", records["acme"], "0-1") == {records["contact"]: {280}}

    listing = sdk.api_request(
        {"method": "GET", "path": f"/crm/v4/objects/contacts/{records['contact']}/associations/companies"}
    )
    assert_conforms("GET", f"/crm/v4/objects/contacts/{records['contact']}/associations/companies", 200, listing.json())


def test_primary_company_is_unique_and_sets_associatedcompanyid(sdk: hubspot.HubSpot, records: dict[str, str]) -> None:
    basic = sdk.crm.associations.v4.basic_api
    primary = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}]
    created = sdk.api_request(
        {
            "method": "PUT",
            "body": primary,
            "path": f"/crm/v4/objects/contacts/{records['contact']}/associations/companies/{records['acme']}",
        }
    )
    assert created.status_code == 201 and created.json()["labels"] == ["Primary"]
    assert_conforms(
        "PUT",
        f"/crm/v4/objects/contacts/{records['contact']}/associations/companies/{records['acme']}",
        201,
        created.json(),
    )
    contact = sdk.crm.contacts.basic_api.get_by_id(records["contact"], properties=["associatedcompanyid"])
    assert contact.properties["associatedcompanyid"] == records["acme"]

    basic.create("contacts", records["contact"], "companies", records["globex"], primary)
    assert types_of(sdk, "contacts", records["contact"], "companies") == {
        records["acme"]: {279},
        records["globex"]: {1, 279},
    }
    assert types_of(sdk, "companies", records["globex"], "contacts") == {records["contact"]: {2, 280}}
    contact = sdk.crm.contacts.basic_api.get_by_id(
        records["contact"], properties=["associatedcompanyid"], associations=["companies"]
    )
    assert contact.properties["associatedcompanyid"] == records["globex"]
    v3 = {(a.id, a.type) for a in contact.associations["companies"].results}
    assert v3 == {
        (records["acme"], "contact_to_company_unlabeled"),
        (records["globex"], "contact_to_company"),
        (records["globex"], "contact_to_company_unlabeled"),
    }

    basic.archive("contacts", records["contact"], "companies", records["globex"])
    assert types_of(sdk, "contacts", records["contact"], "companies") == {records["acme"]: {279}}
    assert types_of(sdk, "companies", records["globex"], "contacts") == {}
    contact = sdk.crm.contacts.basic_api.get_by_id(records["contact"], properties=["associatedcompanyid"])
    assert contact.properties["associatedcompanyid"] is None


def test_batch_create_and_read(sdk: hubspot.HubSpot, records: dict[str, str]) -> None:
    other = sdk.crm.contacts.basic_api.create({"properties": {"email": "lee@globex.com"}}).id
    unlabeled = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}]
    body: dict[str, Any] = {
        "inputs": [
            {"from": {"id": records["contact"]}, "to": {"id": records["acme"]}, "types": unlabeled},
            {"from": {"id": other}, "to": {"id": records["globex"]}, "types": unlabeled},
            {"from": {"id": other}, "to": {"id": "999999"}, "types": unlabeled},
        ]
    }
    created = sdk.api_request(
        {"method": "POST", "path": "/crm/v4/associations/contacts/companies/batch/create", "body": body}
    )
    assert created.status_code == 207 and created.json()["numErrors"] == 1
    assert_conforms("POST", "/crm/v4/associations/contacts/companies/batch/create", 207, created.json())

    read = sdk.crm.associations.v4.batch_api.get_page(
        "companies", "contacts", {"inputs": [{"id": records["acme"]}, {"id": records["globex"]}]}
    )
    assert {r._from.id: [t.to_object_id for t in r.to] for r in read.results} == {
        records["acme"]: [records["contact"]],
        records["globex"]: [other],
    }
    missing = sdk.api_request(
        {
            "method": "POST",
            "path": "/crm/v4/associations/companies/contacts/batch/read",
            "body": {"inputs": [{"id": records["acme"]}, {"id": "424242"}]},
        }
    )
    assert missing.status_code == 207
    assert_conforms("POST", "/crm/v4/associations/companies/contacts/batch/read", 207, missing.json())


def test_create_with_associations_and_errors(sdk: hubspot.HubSpot, records: dict[str, str]) -> None:
    contact = sdk.crm.contacts.basic_api.create(
        {
            "properties": {"email": "new@acme.com"},
            "associations": [
                {
                    "to": {"id": records["acme"]},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}],
                }
            ],
        }
    )
    assert types_of(sdk, "contacts", contact.id, "companies") == {records["acme"]: {279}}
    with pytest.raises(ApiException) as bad_type:
        sdk.crm.associations.v4.basic_api.create(
            "contacts",
            contact.id,
            "companies",
            records["acme"],
            [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 280}],
        )
    assert bad_type.value.status == 400
    with pytest.raises(ApiException) as missing:
        sdk.crm.associations.v4.basic_api.create_default("contacts", contact.id, "companies", "31337")
    assert missing.value.status == 404
