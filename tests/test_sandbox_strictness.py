"""The strict sandbox refuses what HubSpot refuses, in HubSpot's envelope; the lenient one accepts it.

Every request here was accepted by the sandbox before it checked definitions against the portal's own
schema (issue 11). Each goes through the official SDK over HTTP, as a user's integration would send it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
import urllib3
from hubspot.crm.lists import ApiException as ListsApiException

import hubspot
from segment_lists.sandbox import (
    RunningSandbox,
    SandboxConfig,
    Strictness,
    assets,
    lists_service,
    parse_fault_spec,
)

TOKEN = "pat-na1-00000000-strictness-token"
HTTP = urllib3.PoolManager(retries=False)


def sdk_for(running: RunningSandbox, token: str = TOKEN) -> hubspot.HubSpot:
    return hubspot.HubSpot(access_token=token, host=running.base_url, base_url=running.base_url)


def prop(name: str, operation: dict[str, Any]) -> dict[str, Any]:
    return {"filterType": "PROPERTY", "property": name, "operation": operation}


def enum(name: str, *values: str, operation_type: str = "ENUMERATION") -> dict[str, Any]:
    operation = {"operationType": operation_type, "operator": "IS_ANY_OF", "values": list(values)}
    return prop(name, {**operation, "includeObjectsWithNoValueSet": False})


def root(*ands: dict[str, Any]) -> dict[str, Any]:
    return {"filterBranchType": "OR", "filters": [], "filterBranches": list(ands)}


def and_(*filters: dict[str, Any], branches: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"filterBranchType": "AND", "filters": list(filters), "filterBranches": branches or []}


def company_branch(*filters: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    branch = {
        "filterBranchType": "ASSOCIATION",
        "objectTypeId": "0-2",
        "operator": "IN_LIST",
        "associationTypeId": 1,
        "associationCategory": "HUBSPOT_DEFINED",
        "filters": list(filters),
        "filterBranches": [],
    }
    return {**branch, **overrides}


CUSTOMER = enum("lifecyclestage", "customer")
# Each of these was accepted before; HubSpot refuses them (the filters guide; docs/sandbox.md).
INVALID: dict[str, tuple[dict[str, Any], str]] = {
    "unknown property": (root(and_(enum("favourite_colour", "blue"))), 'property "favourite_colour" does not exist'),
    "company property on contacts": (
        root(and_(enum("hs_ideal_customer_profile", "tier_1"))),
        'property "hs_ideal_customer_profile" does not exist on contacts',
    ),
    "string operation on a number": (
        root(and_(prop("hs_email_open", {"operationType": "STRING", "operator": "IS_EQUAL_TO", "value": "3"}))),
        "does not fit property",
    ),
    "value that is no option": (root(and_(enum("lifecyclestage", "Customer"))), 'did you mean "customer"'),
    "unknown object type in an association": (
        root(and_(CUSTOMER, branches=[company_branch(objectTypeId="0-999")])),
        'objectTypeId "0-999" is not an object type',
    ),
    "unknown association type": (
        root(and_(CUSTOMER, branches=[company_branch(associationTypeId=9999)])),
        "associationTypeId 9999 is not an association type",
    ),
    "wrong association category": (
        root(and_(CUSTOMER, branches=[company_branch(associationCategory="USER_DEFINED")])),
        "association type 1 is HUBSPOT_DEFINED, not USER_DEFINED",
    ),
    "empty AND branch": (root(and_()), "an AND branch needs at least one filter"),
    "lowercase operation type": (
        root(and_(enum("lifecyclestage", "customer", operation_type="enumeration"))),
        'write operationType "ENUMERATION"',
    ),
    "unknown event type": (
        root(
            and_(
                CUSTOMER,
                branches=[
                    {
                        "filterBranchType": "UNIFIED_EVENTS",
                        "eventTypeId": "6-424242",
                        "operator": "HAS_COMPLETED",
                        "filters": [],
                        "filterBranches": [],
                    }
                ],
            )
        ),
        'eventTypeId "6-424242" is not an event type',
    ),
}


def create(sdk: hubspot.HubSpot, name: str, branch: dict[str, Any], object_type: str = "0-1") -> Any:
    request = {"name": name, "objectTypeId": object_type, "processingType": "DYNAMIC", "filterBranch": branch}
    return sdk.crm.lists.lists_api.create(list_create_request=request)


def refused(call: Any) -> dict[str, Any]:
    with pytest.raises(ListsApiException) as error:
        call()
    assert error.value.status == 400
    body = json.loads(error.value.body)
    assert {"status", "message", "correlationId", "category"} <= set(body)  # HubSpot's error envelope
    assert body["status"] == "error" and body["category"] == "VALIDATION_ERROR"
    return body


@pytest.mark.parametrize("case", sorted(INVALID))
def test_strict_refuses_what_hubspot_refuses_naming_the_filter(sdk: hubspot.HubSpot, case: str) -> None:
    branch, words = INVALID[case]
    body = refused(lambda: create(sdk, f"bad {case}", branch))
    assert words in body["message"], body["message"]
    assert "filterBranch.filterBranches[0]" in body["message"]  # the path to the offending filter or branch
    assert all(detail["in"].startswith("filterBranch") for detail in body["errors"])
    assert sdk.crm.lists.lists_api.do_search(list_search_request={"query": "bad "}).total == 0  # nothing made


def test_the_same_checks_guard_update_filters(sdk: hubspot.HubSpot) -> None:
    made = create(sdk, "Customers", root(and_(CUSTOMER))).list
    body = refused(
        lambda: sdk.crm.lists.lists_api.update_list_filters(
            list_id=made.list_id, list_filter_update_request={"filterBranch": INVALID["unknown property"][0]}
        )
    )
    assert "favourite_colour" in body["message"]
    again = sdk.crm.lists.lists_api.get_by_id(list_id=made.list_id, include_filters=True).list
    assert again.list_version == 1  # unchanged


def test_unknown_object_type_of_the_list_itself(sdk: hubspot.HubSpot) -> None:
    request = {"name": "Widgets", "objectTypeId": "0-999", "processingType": "MANUAL"}
    body = refused(lambda: sdk.crm.lists.lists_api.create(list_create_request=request))
    assert "0-999" in body["message"]


def test_a_definition_that_fits_is_accepted(sdk: hubspot.HubSpot) -> None:
    tier_1 = enum("hs_ideal_customer_profile", "tier_1")
    made = create(sdk, "Tier 1 by primary company", root(and_(branches=[company_branch(tier_1)]))).list
    assert made.processing_type == "DYNAMIC"


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(strictness=Strictness.lenient(), event_type_ids=[])])
def test_lenient_accepts_what_strict_refuses(sdk: hubspot.HubSpot) -> None:
    for n, case in enumerate(sorted(INVALID)):
        branch, _ = INVALID[case]
        assert create(sdk, f"lenient {n}", branch).list.list_id, case


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(event_type_ids=["6-424242"])])
def test_an_event_type_the_portal_defines_is_accepted(sdk: hubspot.HubSpot) -> None:
    branch, _ = INVALID["unknown event type"]
    assert create(sdk, "Did the thing", branch).list.list_id


# --- CRM search ---------------------------------------------------------------------------------


def test_search_refuses_lowercase_operators_and_pages_past_the_window(sdk: hubspot.HubSpot) -> None:
    from hubspot.crm.contacts import ApiException as ContactsApiException

    search = sdk.crm.contacts.search_api.do_search
    with pytest.raises(ContactsApiException) as lowercase:
        search({"filterGroups": [{"filters": [{"propertyName": "email", "operator": "eq", "value": "a@b.c"}]}]})
    assert lowercase.value.status == 400 and "Invalid filter operator: eq" in lowercase.value.body
    with pytest.raises(ContactsApiException) as window:
        search({"filterGroups": [], "limit": 20, "after": "9990"})
    assert window.value.status == 400 and "10000" in window.value.body


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(search_limits={"max_groups": 2})])
def test_search_group_limits_are_a_setting(sdk: hubspot.HubSpot) -> None:
    from hubspot.crm.contacts import ApiException as ContactsApiException

    group = {"filters": [{"propertyName": "email", "operator": "HAS_PROPERTY"}]}
    assert sdk.crm.contacts.search_api.do_search({"filterGroups": [group, group]}).total == 0
    with pytest.raises(ContactsApiException) as error:
        sdk.crm.contacts.search_api.do_search({"filterGroups": [group, group, group]})
    assert "at most 2 filterGroups" in error.value.body


def test_search_limits_follow_hubspots_documented_figures() -> None:
    from segment_lists.data import hubspot_limits

    limits = SandboxConfig().search_limits
    assert (
        (limits.max_groups, limits.max_filters_per_group, limits.max_filters)
        == (
            hubspot_limits.SEARCH_MAX_GROUPS,
            hubspot_limits.SEARCH_MAX_FILTERS_PER_GROUP,
            hubspot_limits.SEARCH_MAX_FILTERS,
        )
        == (5, 6, 18)
    )
    assert (limits.max_page, limits.max_results) == (200, 10_000)


# --- rate-limit headers ---------------------------------------------------------------------------


def headers(running: RunningSandbox, path: str, token: str, method: str = "GET", body: Any = None) -> dict[str, str]:
    data = json.dumps(body).encode() if body is not None else None
    response = HTTP.request(
        method,
        running.base_url + path,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        body=data,
    )
    assert response.status == 200, response.data
    return {k.lower(): v for k, v in response.headers.items()}


RATE = "x-hubspot-ratelimit-"


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(tier="enterprise", token_kinds={"oauth-token": "oauth"})])
def test_rate_limit_headers_on_every_answer_by_auth_type(sandbox: RunningSandbox) -> None:
    private = headers(sandbox, "/crm/v3/objects/contacts", TOKEN)
    assert {k for k in private if k.startswith(RATE)} == {
        RATE + name
        for name in (
            "daily",
            "daily-remaining",
            "interval-milliseconds",
            "max",
            "remaining",
            "secondly",
            "secondly-remaining",
        )
    }
    assert (private[RATE + "max"], private[RATE + "daily"], private[RATE + "secondly"]) == ("190", "1000000", "19")
    assert private[RATE + "interval-milliseconds"] == "10000"
    assert private["x-hubspot-correlation-id"]
    second = headers(sandbox, "/crm/v3/objects/contacts", TOKEN)
    assert int(second[RATE + "remaining"]) == int(private[RATE + "remaining"]) - 1
    assert int(second[RATE + "daily-remaining"]) == int(private[RATE + "daily-remaining"]) - 1
    oauth = headers(sandbox, "/crm/v3/objects/contacts", "oauth-token")
    assert RATE + "daily" not in oauth and RATE + "daily-remaining" not in oauth  # OAuth: no daily limit
    assert oauth[RATE + "max"] == "110"  # public apps' burst
    search = headers(sandbox, "/crm/v3/objects/contacts/search", TOKEN, "POST", {"limit": 1})
    assert {k for k in search if k.startswith(RATE)} == {RATE + "daily", RATE + "daily-remaining"}


# --- per-list access --------------------------------------------------------------------------------


ACCESS = {"listPermissions": {"teamsWithEditAccess": [7], "usersWithEditAccess": []}}


def test_without_per_list_access_team_grants_are_refused(sdk: hubspot.HubSpot) -> None:
    request = {"name": "Restricted", "objectTypeId": "0-1", "processingType": "MANUAL", **ACCESS}
    body = refused(lambda: sdk.crm.lists.lists_api.create(list_create_request=request))
    assert "Enterprise" in body["message"]


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(strictness=Strictness(list_access_without_feature="ignore"))])
def test_or_dropped_in_the_lenient_reading(sdk: hubspot.HubSpot) -> None:
    request = {"name": "Restricted", "objectTypeId": "0-1", "processingType": "MANUAL", **ACCESS}
    made = sdk.crm.lists.lists_api.create(list_create_request=request, _preload_content=False)
    assert json.loads(made.data)["list"]["listPermissions"] == {"teamsWithEditAccess": [], "usersWithEditAccess": []}


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(tier="enterprise")])
def test_enterprise_stores_and_reads_back_team_grants(sdk: hubspot.HubSpot) -> None:
    request = {"name": "Restricted", "objectTypeId": "0-1", "processingType": "MANUAL", **ACCESS}
    made = json.loads(sdk.crm.lists.lists_api.create(list_create_request=request, _preload_content=False).data)
    read = sdk.crm.lists.lists_api.get_by_id(list_id=made["list"]["listId"], _preload_content=False)
    assert json.loads(read.data)["list"]["listPermissions"]["teamsWithEditAccess"] == [7]


# --- what references a list ---------------------------------------------------------------------------


def test_legacy_ids_translate_and_every_use_counts(sandbox: RunningSandbox, sdk: hubspot.HubSpot) -> None:
    portal = sandbox.sandbox
    target = create(sdk, "Target", root(and_(CUSTOMER))).list.list_id
    lists_service.assign_legacy_id(portal, target, 987)
    mapped = json.loads(
        HTTP.request(
            "POST",
            sandbox.base_url + "/crm/v3/lists/idmapping",
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
            body=json.dumps(["987", "555"]).encode(),
        ).data
    )
    assert mapped == {
        "legacyListIdsToIdsMapping": [{"legacyListId": "987", "listId": target}],
        "missingLegacyListIds": ["555"],
    }
    single = HTTP.request(
        "GET",
        sandbox.base_url + "/crm/v3/lists/idmapping?legacyListId=987",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert json.loads(single.data) == {"legacyListId": "987", "listId": target}
    assets.insert_marketing_email(portal, {"name": "Old newsletter", "to": {"contactLists": {"include": ["987"]}}})
    assets.insert_workflow(
        portal,
        {"name": "Add", "actions": [{"actionId": "1", "actionTypeId": "0-63809083", "fields": {"listId": target}}]},
    )
    lists_service.add_hidden_use(portal, target, "ads-audience", "Retargeting audience")
    found = sdk.crm.lists.lists_api.do_search(
        list_search_request={"query": "Target", "additionalProperties": ["hs_list_reference_count"]}
    )
    assert found.lists[0].additional_properties["hs_list_reference_count"] == "3"


def test_association_labels_through_the_sdk(sdk: hubspot.HubSpot) -> None:
    labels = sdk.crm.associations.v4.schema.definitions_api.get_all(
        from_object_type="contacts", to_object_type="companies"
    )
    assert {(r.category, r.type_id) for r in labels.results} == {("HUBSPOT_DEFINED", 1), ("HUBSPOT_DEFINED", 279)}


# --- the command line ----------------------------------------------------------------------------


def test_fault_spec_reads_like_the_docs_say() -> None:
    faults = parse_fault_spec("429=0.05,5xx=0.02,drop=0.01,seed=7,max=3,paths=/crm/v3/lists|/crm/v3/objects")
    assert (faults.rate_429, faults.rate_5xx, faults.rate_drop, faults.seed, faults.max_injected) == (
        0.05,
        0.02,
        0.01,
        7,
        3,
    )
    assert faults.paths == ["/crm/v3/lists", "/crm/v3/objects"]
    with pytest.raises(ValueError, match="unknown fault 'lag'"):
        parse_fault_spec("lag=3")


def test_sandbox_command_rehearses_a_professional_portal_like_the_benchmark() -> None:
    from segment_lists.cli.main import build_parser
    from segment_lists.cli.sandbox_verb import build_sandbox
    from segment_lists.sandbox import RateLimits

    args = build_parser().parse_args(
        ["sandbox", "--tier", "professional", "--latency", "50", "--processing-seconds", "3", "--contacts", "0"]
    )
    config = build_sandbox(args).config
    # bench/flow.py: RateLimits.for_tier(tier) and 50 ms of latency per request.
    assert config.rate_limits == RateLimits.for_tier("professional")
    assert (config.latency_seconds, config.processing_seconds, config.has_per_list_access) == (0.05, 3.0, False)
    enterprise = build_sandbox(build_parser().parse_args(["sandbox", "--tier", "enterprise", "--contacts", "0"]))
    assert enterprise.config.has_per_list_access
    flagged = build_parser().parse_args(["sandbox", "--tier", "professional", "--per-list-access", "--contacts", "0"])
    assert build_sandbox(flagged).config.has_per_list_access


def test_sandbox_command_says_how_it_behaves_and_the_client_learns_the_limits() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "segment_lists", "sandbox", "--check", "--contacts", "20", "--tier", "enterprise"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (
        "Behaves like a portal on the enterprise tier: rate limits 190 calls / 10 s, 1,000,000 a day" in result.stdout
    )
    assert "per-list team access" in result.stdout
    assert "rate limits (X-HubSpot-RateLimit-* headers): 190 per 10 s, 1,000,000 a day" in result.stdout
