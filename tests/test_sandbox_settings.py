"""Account details, users and teams, and the read-only workflows and marketing emails."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hubspot.settings.users import ApiException as UsersApiException

import hubspot
from openapi_check import assert_conforms
from segment_lists.sandbox import RunningSandbox, SandboxConfig
from segment_lists.sandbox.seed.assets import insert_marketing_email, insert_workflow


def in_list_branch(list_id: str) -> dict[str, Any]:
    return {
        "filterBranchType": "OR",
        "filterBranchOperator": "OR",
        "filters": [],
        "filterBranches": [
            {
                "filterBranchType": "AND",
                "filterBranchOperator": "AND",
                "filterBranches": [],
                "filters": [{"filterType": "IN_LIST", "listId": list_id, "operator": "IN_LIST"}],
            }
        ],
    }


class TestAccount:
    @pytest.fixture
    def sandbox_config(self) -> SandboxConfig:
        return SandboxConfig(
            portal_id=4242,
            time_zone="Europe/Berlin",
            currency="EUR",
            frozen_now=datetime(2025, 7, 1, 12, tzinfo=UTC),
        )

    def test_details_come_from_the_config(self, sdk: hubspot.HubSpot) -> None:
        response = sdk.api_request({"method": "GET", "path": "/account-info/v3/details"})
        assert response.status_code == 200
        body = response.json()
        assert (body["portalId"], body["timeZone"], body["companyCurrency"]) == (4242, "Europe/Berlin", "EUR")
        assert body["utcOffset"] == "+02:00" and body["utcOffsetMilliseconds"] == 7_200_000  # summer time
        assert body["uiDomain"] and body["dataHostingLocation"] and body["accountType"]


def test_users_and_teams_through_the_sdk(sdk: hubspot.HubSpot, sandbox: RunningSandbox) -> None:
    first = sdk.settings.users.users_api.get_page(limit=2)
    assert len(first.results) == 2
    rest = sdk.settings.users.users_api.get_page(limit=100, after=first.paging.next.after)
    everyone = first.results + rest.results
    assert len({u.id for u in everyone}) == len(everyone) >= 4
    assert all(u.email.endswith("@" + sandbox.sandbox.config.company_domain) for u in everyone)
    teams = {t.name: t for t in sdk.settings.users.teams_api.get_all().results}
    assert {"Marketing", "Sales", "RevOps"} <= set(teams)
    members = {u.id for u in everyone if u.primary_team_id == teams["Marketing"].id}
    assert members == set(teams["Marketing"].user_ids) and members
    assert sdk.settings.users.users_api.get_by_id(everyone[0].id).email == everyone[0].email
    with pytest.raises(UsersApiException) as missing:
        sdk.settings.users.users_api.get_by_id("1")
    assert missing.value.status == 404


def test_workflows_are_read_with_api_request(sdk: hubspot.HubSpot, sandbox: RunningSandbox) -> None:
    portal = sandbox.sandbox
    nurture = insert_workflow(
        portal,
        {
            "name": "Nurture",
            "isEnabled": True,
            "enrollmentCriteria": {"type": "LIST_BASED", "listFilterBranch": in_list_branch("12")},
        },
    )
    insert_workflow(portal, {"name": "Suppress", "suppressionListIds": [34]})
    insert_workflow(portal, {"name": "Third"})
    page = sdk.api_request({"method": "GET", "path": "/automation/v4/flows", "qs": {"limit": 2}})
    assert page.status_code == 200
    body = page.json()
    assert_conforms("GET", "/automation/v4/flows", 200, body)
    assert [f["name"] for f in body["results"]] == ["Nurture", "Suppress"]
    rest = sdk.api_request(
        {"method": "GET", "path": "/automation/v4/flows", "qs": {"after": body["paging"]["next"]["after"]}}
    ).json()
    assert [f["name"] for f in rest["results"]] == ["Third"] and "paging" not in rest

    one = sdk.api_request({"method": "GET", "path": f"/automation/v4/flows/{nurture['id']}"})
    assert_conforms("GET", f"/automation/v4/flows/{nurture['id']}", 200, one.json())
    branch = one.json()["enrollmentCriteria"]["listFilterBranch"]
    assert branch["filterBranches"][0]["filters"][0]["listId"] == "12"
    assert sdk.api_request({"method": "GET", "path": "/automation/v4/flows/123"}).status_code == 404


def test_marketing_emails_through_the_sdk(sdk: hubspot.HubSpot, sandbox: RunningSandbox) -> None:
    sent = insert_marketing_email(
        sandbox.sandbox,
        {
            "name": "July newsletter",
            "isPublished": True,
            "to": {"contactIlsLists": {"include": [12], "exclude": ["34"]}},
        },
    )
    insert_marketing_email(sandbox.sandbox, {"name": "Draft"})
    page = sdk.marketing.emails.marketing_emails_api.get_page()
    assert page.total == 2
    by_id = sdk.marketing.emails.marketing_emails_api.get_by_id(sent["id"])
    assert by_id.to.contact_ils_lists.include == ["12"] and by_id.to.contact_ils_lists.exclude == ["34"]
    raw = sdk.api_request({"method": "GET", "path": "/marketing/v3/emails/", "qs": {"isPublished": "true"}})
    assert [e["name"] for e in raw.json()["results"]] == ["July newsletter"]
    assert_conforms("GET", "/marketing/v3/emails", 200, raw.json())


class TestScopes:
    @pytest.fixture
    def sandbox_config(self) -> SandboxConfig:
        return SandboxConfig(tokens={"crm-only": ["crm.objects.contacts.read"]})

    def test_missing_scopes(self, sandbox: RunningSandbox) -> None:
        client = hubspot.HubSpot(access_token="crm-only", host=sandbox.base_url, base_url=sandbox.base_url)
        with pytest.raises(UsersApiException) as users:
            client.settings.users.teams_api.get_all()
        assert users.value.status == 403
        assert json.loads(users.value.body)["errors"][0]["context"]["requiredGranularScopes"] == [
            "settings.users.teams.read",
            "settings.users.teams.write",
        ]
        flows = client.api_request({"method": "GET", "path": "/automation/v4/flows"})
        assert flows.status_code == 403 and flows.json()["category"] == "MISSING_SCOPES"
        emails = client.api_request({"method": "GET", "path": "/marketing/v3/emails/"})
        assert emails.status_code == 403
        assert client.api_request({"method": "GET", "path": "/account-info/v3/details"}).status_code == 200
