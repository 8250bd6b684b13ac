"""CRM objects v3 in the sandbox, driven through the official SDK over HTTP."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hubspot.crm.contacts import ApiException as ContactsApiException

import hubspot
from openapi_check import SPEC_ROOT, assert_conforms
from segment_lists.sandbox import SandboxConfig


def assert_error_envelope(body: dict[str, Any]) -> None:
    """HubSpot's `Error` schema (the specs' `default` responses are `$ref`s the shared checker skips)."""
    spec = json.loads((SPEC_ROOT / "crm-contacts-v3" / "contacts.json").read_text())
    schema = {"$ref": "#/components/schemas/Error", "components": spec["components"]}
    jsonschema.Draft202012Validator(schema).validate(body)


def call(sdk: hubspot.HubSpot, method: str, path: str, body: Any = None, qs: dict[str, Any] | None = None) -> Any:
    options: dict[str, Any] = {"method": method, "path": path}
    if body is not None:
        options["body"] = body
    if qs:
        options["qs"] = qs
    return sdk.api_request(options)


def new_contact(sdk: hubspot.HubSpot, **properties: str) -> Any:
    return sdk.crm.contacts.basic_api.create({"properties": properties, "associations": []})


def test_create_read_update_archive_contact(sdk: hubspot.HubSpot) -> None:
    created = new_contact(
        sdk, email="Ada.Lovelace@Example.COM", firstname="Ada", lastname="Lovelace", lifecyclestage="lead"
    )
    assert created.id.isdigit()
    assert created.properties["email"] == "ada.lovelace@example.com"
    assert created.properties["hs_email_domain"] == "example.com"
    assert created.properties["hs_object_id"] == created.id
    assert created.properties["createdate"] and created.properties["lastmodifieddate"]

    fetched = sdk.crm.contacts.basic_api.get_by_id(created.id)
    assert set(fetched.properties) == {
        "createdate",
        "email",
        "firstname",
        "hs_object_id",
        "lastmodifieddate",
        "lastname",
    }
    by_email = sdk.crm.contacts.basic_api.get_by_id(
        "ADA.LOVELACE@example.com", id_property="email", properties=["lifecyclestage"]
    )
    assert by_email.id == created.id and by_email.properties["lifecyclestage"] == "lead"

    updated = sdk.crm.contacts.basic_api.update(created.id, {"properties": {"lifecyclestage": "customer"}})
    assert updated.properties["lifecyclestage"] == "customer"
    history = sdk.crm.contacts.basic_api.get_by_id(created.id, properties_with_history=["lifecyclestage"])
    values = [v.value for v in history.properties_with_history["lifecyclestage"]]
    assert values == ["customer", "lead"]  # newest first

    sdk.crm.contacts.basic_api.archive(created.id)
    with pytest.raises(ContactsApiException) as missing:
        sdk.crm.contacts.basic_api.get_by_id(created.id)
    assert missing.value.status == 404
    assert json.loads(missing.value.body)["category"] == "OBJECT_NOT_FOUND"
    archived = sdk.crm.contacts.basic_api.get_by_id(created.id, archived=True)
    assert archived.archived is True


def test_status_codes_and_shapes_match_the_spec(sdk: hubspot.HubSpot) -> None:
    response = call(
        sdk,
        "POST",
        "/crm/v3/objects/contacts",
        {"properties": {"email": "shape@example.com", "firstname": "S", "lastname": "Hape"}},
    )
    assert response.status_code == 201
    assert_conforms("POST", "/crm/v3/objects/contacts", 201, response.json())
    contact_id = response.json()["id"]

    got = call(sdk, "GET", f"/crm/v3/objects/contacts/{contact_id}")
    assert got.status_code == 200
    assert_conforms("GET", f"/crm/v3/objects/contacts/{contact_id}", 200, got.json())

    page = call(sdk, "GET", "/crm/v3/objects/companies", qs={"limit": 5})
    assert_conforms("GET", "/crm/v3/objects/companies", 200, page.json())

    deleted = call(sdk, "DELETE", f"/crm/v3/objects/contacts/{contact_id}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert call(sdk, "DELETE", "/crm/v3/objects/contacts/999999").status_code == 204


def test_validation_errors_use_hubspots_envelope(sdk: hubspot.HubSpot) -> None:
    bad = call(
        sdk,
        "POST",
        "/crm/v3/objects/contacts",
        {"properties": {"email": "x@example.com", "no_such_property": "1", "lifecyclestage": "Customer"}},
    )
    assert bad.status_code == 400
    body = bad.json()
    assert body["category"] == "VALIDATION_ERROR" and body["status"] == "error" and body["correlationId"]
    assert body["message"].startswith("Property values were not valid: ")
    detail = json.loads(body["message"].split(": ", 1)[1])
    assert {d["error"] for d in detail} == {"PROPERTY_DOESNT_EXIST", "INVALID_OPTION"}
    assert_error_envelope(body)

    read_only = call(sdk, "POST", "/crm/v3/objects/contacts", {"properties": {"hs_object_id": "5"}})
    assert read_only.status_code == 400 and "READ_ONLY_VALUE" in read_only.json()["message"]


def test_duplicate_email_is_a_409(sdk: hubspot.HubSpot) -> None:
    first = new_contact(sdk, email="dupe@example.com")
    with pytest.raises(ContactsApiException) as conflict:
        new_contact(sdk, email="DUPE@example.com")
    assert conflict.value.status == 409
    body = json.loads(conflict.value.body)
    assert body["category"] == "CONFLICT" and body["message"] == f"Contact already exists. Existing ID: {first.id}"


def test_generic_objects_path_accepts_ids_and_names(sdk: hubspot.HubSpot) -> None:
    created = sdk.crm.objects.basic_api.create("0-2", {"properties": {"name": "Acme", "domain": "acme.com"}})
    again = sdk.crm.objects.basic_api.get_by_id("companies", created.id, properties=["domain"])
    assert again.properties["domain"] == "acme.com"
    assert sdk.crm.companies.basic_api.get_by_id(created.id).properties["name"] == "Acme"
    unknown = call(sdk, "GET", "/crm/v3/objects/widgets")
    assert unknown.status_code == 400 and unknown.json()["category"] == "VALIDATION_ERROR"


def test_paging_lists_every_record_once(sdk: hubspot.HubSpot) -> None:
    ids = {new_contact(sdk, email=f"p{i}@example.com").id for i in range(23)}
    seen: list[str] = []
    after = None
    while True:
        page = sdk.crm.contacts.basic_api.get_page(limit=10, after=after)
        seen += [r.id for r in page.results]
        if page.paging is None:
            break
        after = page.paging.next.after
    assert sorted(seen) == sorted(ids) and len(seen) == 23
    assert len(sdk.crm.contacts.get_all()) == 23
    too_big = call(sdk, "GET", "/crm/v3/objects/contacts", qs={"limit": 101})
    assert too_big.status_code == 400


def test_batch_operations(sdk: hubspot.HubSpot) -> None:
    batch = sdk.crm.contacts.batch_api
    created = batch.create(
        {
            "inputs": [
                {"properties": {"email": f"b{i}@example.com", "firstname": f"B{i}"}, "associations": []}
                for i in range(3)
            ]
        }
    )
    assert created.status == "COMPLETE" and len(created.results) == 3
    ids = [r.id for r in created.results]

    read = call(
        sdk,
        "POST",
        "/crm/v3/objects/contacts/batch/read",
        {
            "inputs": [{"id": ids[0]}, {"id": "987654"}],
            "properties": ["firstname"],
            "propertiesWithHistory": [],
        },
    )
    assert read.status_code == 207
    assert_conforms("POST", "/crm/v3/objects/contacts/batch/read", 207, read.json())
    assert read.json()["errors"][0]["context"]["ids"] == ["987654"]
    by_email = batch.read(
        {
            "inputs": [{"id": "b1@example.com"}],
            "idProperty": "email",
            "properties": ["email"],
            "propertiesWithHistory": [],
        }
    )
    assert [r.id for r in by_email.results] == [ids[1]]

    updated = batch.update({"inputs": [{"id": i, "properties": {"lifecyclestage": "customer"}} for i in ids]})
    assert {r.properties["lifecyclestage"] for r in updated.results} == {"customer"}

    upserted = call(
        sdk,
        "POST",
        "/crm/v3/objects/contacts/batch/upsert",
        {
            "inputs": [
                {"id": "b0@example.com", "idProperty": "email", "properties": {"lastname": "Zero"}},
                {"id": "new@example.com", "idProperty": "email", "properties": {"lastname": "New"}},
            ]
        },
    )
    assert upserted.status_code == 200
    assert_conforms("POST", "/crm/v3/objects/contacts/batch/upsert", 200, upserted.json())
    flags = {r["properties"]["email"]: r["new"] for r in upserted.json()["results"]}
    assert flags == {"b0@example.com": False, "new@example.com": True}

    too_many = call(
        sdk,
        "POST",
        "/crm/v3/objects/contacts/batch/create",
        {"inputs": [{"properties": {"email": f"x{i}@example.com"}} for i in range(101)]},
    )
    assert too_many.status_code == 400

    batch.archive({"inputs": [{"id": i} for i in ids]})
    assert sdk.crm.contacts.basic_api.get_page(limit=100).results[0].properties["email"] == "new@example.com"


def test_company_upsert_by_domain(sdk: hubspot.HubSpot) -> None:
    sdk.crm.companies.basic_api.create({"properties": {"name": "Old", "domain": "up.example"}})
    result = sdk.crm.companies.batch_api.upsert(
        {"inputs": [{"id": "up.example", "idProperty": "domain", "properties": {"name": "Renamed"}}]}
    )
    assert [(r.properties["name"], r.new) for r in result.results] == [("Renamed", False)]


class TestScopes:
    @pytest.fixture
    def sandbox_config(self) -> SandboxConfig:
        from conftest import TEST_TOKEN

        return SandboxConfig(tokens={TEST_TOKEN: None, "read-only": ["crm.objects.contacts.read"]})

    def test_missing_token_is_401(self, sandbox: Any) -> None:
        client = hubspot.HubSpot(host=sandbox.base_url, base_url=sandbox.base_url)
        with pytest.raises(ContactsApiException) as error:
            client.crm.contacts.basic_api.get_page()
        assert error.value.status == 401
        assert json.loads(error.value.body)["category"] == "INVALID_AUTHENTICATION"

    def test_limited_scopes_get_403(self, sandbox: Any, sdk: hubspot.HubSpot) -> None:
        new_contact(sdk, email="scoped@example.com")
        limited = hubspot.HubSpot(access_token="read-only", host=sandbox.base_url, base_url=sandbox.base_url)
        assert len(limited.crm.contacts.basic_api.get_page().results) == 1
        with pytest.raises(ContactsApiException) as write:
            limited.crm.contacts.basic_api.create({"properties": {"email": "no@example.com"}})
        assert write.value.status == 403
        body = json.loads(write.value.body)
        assert body["category"] == "MISSING_SCOPES"
        assert body["errors"][0]["context"]["requiredGranularScopes"] == ["crm.objects.contacts.write"]
        companies = limited.api_request({"method": "GET", "path": "/crm/v3/objects/companies"})
        assert companies.status_code == 403
