"""Properties v3 in the sandbox, through the official SDK."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hubspot.crm.properties import ApiException

import hubspot
from openapi_check import assert_conforms
from segment_lists.sandbox import SandboxConfig

CUSTOM = {
    "name": "icp_tier",
    "label": "ICP tier",
    "type": "enumeration",
    "fieldType": "select",
    "groupName": "companyinformation",
    "options": [{"label": f"Tier {i}", "value": f"tier_{i}", "hidden": False} for i in (1, 2, 3)],
}


def test_defaults_are_preloaded(sdk: hubspot.HubSpot) -> None:
    contact_props = {p.name: p for p in sdk.crm.properties.core_api.get_all("contacts").results}
    for name in (
        "lifecyclestage",
        "hs_marketable_status",
        "hs_email_optout",
        "email",
        "hs_email_domain",
        "createdate",
        "hs_object_id",
    ):
        assert name in contact_props
    stage = contact_props["lifecyclestage"]
    assert stage.type == "enumeration" and stage.hubspot_defined is True
    assert [o.value for o in stage.options][:3] == ["subscriber", "lead", "marketingqualifiedlead"]
    industry = sdk.crm.properties.core_api.get_by_name("0-2", "industry")
    assert industry.type == "enumeration" and len(industry.options) == 148
    raw = sdk.api_request({"method": "GET", "path": "/crm/v3/properties/companies"})
    assert_conforms("GET", "/crm/v3/properties/companies", 200, raw.json())
    groups = sdk.api_request({"method": "GET", "path": "/crm/v3/properties/contacts/groups"}).json()
    assert "contactinformation" in {g["name"] for g in groups["results"]}


def test_create_update_archive_custom_property(sdk: hubspot.HubSpot) -> None:
    core = sdk.crm.properties.core_api
    created = sdk.api_request({"method": "POST", "path": "/crm/v3/properties/companies", "body": CUSTOM})
    assert created.status_code == 201
    assert_conforms("POST", "/crm/v3/properties/companies", 201, created.json())
    assert [o.value for o in core.get_by_name("companies", "icp_tier").options] == [
        "tier_1",
        "tier_2",
        "tier_3",
    ]

    with pytest.raises(ApiException) as duplicate:
        core.create("companies", CUSTOM)
    assert duplicate.value.status == 409
    assert "icp_tier" in json.loads(duplicate.value.body)["message"]

    updated = core.update(
        "companies",
        "icp_tier",
        {
            "label": "ICP Tier",
            "options": [*CUSTOM["options"], {"label": "Not ICP", "value": "not_icp", "hidden": False}],
        },
    )
    assert updated.label == "ICP Tier" and updated.options[-1].value == "not_icp"

    # The new option is now a valid value on records; an unknown one is rejected.
    company = sdk.crm.companies.basic_api.create({"properties": {"name": "X", "icp_tier": "not_icp"}})
    assert company.properties["icp_tier"] == "not_icp"
    bad = sdk.api_request(
        {
            "method": "POST",
            "path": "/crm/v3/objects/companies",
            "body": {"properties": {"icp_tier": "tier_9"}},
        }
    )
    assert bad.status_code == 400 and "INVALID_OPTION" in bad.json()["message"]

    core.archive("companies", "icp_tier")
    with pytest.raises(ApiException) as gone:
        core.get_by_name("companies", "icp_tier")
    assert gone.value.status == 404
    archived = core.get_all("companies", archived=True).results
    assert [p.name for p in archived] == ["icp_tier"] and archived[0].archived is True


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({**CUSTOM, "options": []}, "option"),
        ({**CUSTOM, "options": [{"label": "A", "value": "a"}, {"label": "B", "value": "a"}]}, "Duplicate"),
        ({k: v for k, v in CUSTOM.items() if k != "groupName"}, "groupName"),
        ({**CUSTOM, "name": "Bad Name"}, "invalid"),
        ({**CUSTOM, "type": "string", "fieldType": "text"}, "Options are only allowed"),
    ],
)
def test_invalid_definitions_are_400(sdk: hubspot.HubSpot, body: dict[str, Any], fragment: str) -> None:
    response = sdk.api_request({"method": "POST", "path": "/crm/v3/properties/contacts", "body": body})
    assert response.status_code == 400
    assert response.json()["category"] == "VALIDATION_ERROR" and fragment in response.json()["message"]


def test_hubspot_defined_properties_cannot_be_archived(sdk: hubspot.HubSpot) -> None:
    response = sdk.api_request({"method": "DELETE", "path": "/crm/v3/properties/contacts/email"})
    assert response.status_code == 400


class TestScopes:
    @pytest.fixture
    def sandbox_config(self) -> SandboxConfig:
        return SandboxConfig(tokens={"reader": ["crm.schemas.contacts.read"]})

    def test_schema_scopes(self, sandbox: Any) -> None:
        reader = hubspot.HubSpot(access_token="reader", host=sandbox.base_url)
        assert reader.crm.properties.core_api.get_by_name("contacts", "email").name == "email"
        with pytest.raises(ApiException) as write:
            reader.crm.properties.core_api.create("contacts", {**CUSTOM, "groupName": "contactinformation"})
        assert write.value.status == 403
        with pytest.raises(ApiException) as companies:
            reader.crm.properties.core_api.get_all("companies")
        assert companies.value.status == 403
        assert json.loads(companies.value.body)["category"] == "MISSING_SCOPES"
