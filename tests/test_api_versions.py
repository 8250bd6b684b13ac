"""HubSpot's date-versioned APIs: the portal's path map against HubSpot's specs, what the portal calls
under each `api_version` (read from the sandbox's access log), and the sandbox's date-versioned
answers validated against each version's spec.

Workflows are the one family with no generally available date version (v4, 2026-09-beta and
2027-03-beta only, as of November 2026): they are called at `/automation/v4/` under either setting,
and the tests allow exactly that family (`endpoints.LEGACY_ONLY`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import hubspot
from openapi_check import assert_conforms, spec_operations
from segment_lists.portal import NotFound, Portal, PortalSettings
from segment_lists.portal.connection import LimiterSettings
from segment_lists.portal.endpoints import (
    API_VERSIONS,
    ENDPOINTS,
    FAMILIES,
    LEGACY_ONLY,
    ApiVersion,
    available,
    endpoint_path,
    version_of,
)
from segment_lists.sandbox import RunningSandbox, SandboxConfig, seed_demo
from test_portal import customers_branch

TOKEN = "pat-na1-00000000-api-versions"
SAMPLE = {
    "listId": "123",
    "objectTypeId": "0-1",
    "listName": "Customers",
    "recordId": "456",
    "objectType": "contacts",
    "propertyName": "email",
    "flowId": "789",
    "folderId": "42",
    "userId": "7",
    "emailId": "99",
    "fromObjectType": "contacts",
    "toObjectType": "companies",
}
# Paths the portal calls that differ from the current spec file of their version, and why.
SPEC_DRIFT = {
    # SDK 12's (and HubSpot's long-documented) path; today's v3 spec lists GET /settings/users/v3.
    ("settings.users", "legacy"): "/settings/v3/users/",
    # SDK 12's path (and the older v4 spec, Rollouts/50914); today's v4 file writes /crm/associations/v4/...
    ("associations.labels", "legacy"): "/crm/v4/associations/contacts/companies/labels",
}


def _sample_path(name: str, api_version: ApiVersion) -> tuple[str, str]:
    template = ENDPOINTS[name].dated if version_of(ENDPOINTS[name].family, api_version) else ENDPOINTS[name].legacy
    params = {key: value for key, value in SAMPLE.items() if "{" + key + "}" in (template or "")}
    return endpoint_path(name, api_version, **params)


def _spec_version(file_name: str) -> str:
    """'crm-lists-2026-09-beta/lists.json' -> '2026-09' (the beta file stands for 2026-09, see SOURCE.md)."""
    folder = file_name.split("/")[0]
    for version in ("2026-09", "2026-03", "v3", "v4"):
        if version in folder:
            return version
    raise AssertionError(folder)


@pytest.mark.parametrize("api_version", API_VERSIONS)
@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_every_endpoint_is_in_hubspots_spec_of_the_version_it_calls(name: str, api_version: ApiVersion) -> None:
    if not available(name, api_version):
        assert name == "lists.all" and api_version == "legacy"  # 2026-09's listing has no v3 form
        return
    method, path = _sample_path(name, api_version)
    if (name, api_version) in SPEC_DRIFT:
        assert path == SPEC_DRIFT[(name, api_version)]
        return
    version = version_of(ENDPOINTS[name].family, api_version)
    files = {op[0] for op in spec_operations(method, path)}
    assert files, f"{method} {path} is in none of HubSpot's specs"
    expected = version or ("v4" if path.startswith(("/automation/v4", "/crm/v4")) else "v3")
    assert expected in {_spec_version(f) for f in files}, (method, path, files)


def test_the_latest_setting_uses_a_date_version_for_every_family_that_has_one() -> None:
    assert {name for name, family in FAMILIES.items() if family.latest is None} == LEGACY_ONLY == {"automation"}
    for name, endpoint in ENDPOINTS.items():
        method, path = _sample_path(name, "latest")
        if endpoint.family in LEGACY_ONLY:
            assert path.startswith("/automation/v4/"), path
        else:
            assert "/v3/" not in path and "/v4/" not in path, path
            assert FAMILIES[endpoint.family].latest in path, path
    # The latest GA versions as HubSpot documented them in November 2026 (hubspot-facts B.2).
    assert version_of("lists", "latest") == "2026-09" and version_of("users", "latest") == "2026-03"
    assert all(version_of(family, "legacy") is None for family in FAMILIES)


# --- what the portal calls ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_portal() -> Iterator[RunningSandbox]:
    with RunningSandbox(SandboxConfig()) as running:
        seed_demo(running.sandbox, contacts=120, seed=7)
        yield running


def _every_portal_call(portal: Portal) -> None:
    """Each Portal method once (every endpoint of `portal.endpoints`)."""
    branch = customers_branch("lead")
    suffix = portal.settings.api_version
    portal.account_details()
    existing = portal.all_lists()
    assert existing
    portal.get_lists([existing[0].id])
    folder = portal.create_folder(f"Versions {suffix}")
    manual = portal.create_list(f"Manual {suffix}", processing_type="MANUAL", folder_id=folder.id)
    dynamic = portal.create_list(f"Leads {suffix}", processing_type="DYNAMIC", filter_branch=branch)
    portal.get_list(dynamic.id)
    assert portal.get_list_by_name(f"Leads {suffix}") is not None
    portal.rename_list(dynamic.id, f"Leads {suffix} (renamed)")
    portal.update_list_filters(dynamic.id, branch)
    ids = portal.search_ids("contacts")[:3]
    assert portal.count("contacts") >= len(ids) > 0
    portal.search_page("contacts", limit=2)
    portal.add_members(manual.id, ids)
    assert sorted(portal.member_ids(manual.id)) == sorted(ids)
    portal.remove_members(manual.id, ids[:1])
    portal.record_memberships(ids[1])
    portal.batch_record_memberships(ids)
    now = datetime.now(UTC)
    portal.size_history(manual.id, now - timedelta(days=1), now)
    portal.folder_tree()
    portal.move_list(dynamic.id, folder.id)
    empty = portal.create_folder(f"Empty {suffix}")
    portal.delete_folder(empty.id)
    portal.batch_read("contacts", ids, ["email"])
    next(portal.iter_records("companies", ["name"]))
    portal.properties("contacts")
    portal.property("contacts", "email")
    member = next(user_id for team in portal.teams() for user_id in team.user_ids)
    assert portal.user(member).id == member
    portal.user_email_domains()
    assert portal.workflows()
    assert portal.marketing_emails()
    portal.legacy_list_ids([existing[0].id])
    assert portal.association_types("contacts", "companies")
    portal.delete_list(manual.id)
    portal.restore_list(manual.id)
    portal.delete_list(manual.id)
    portal.delete_list(dynamic.id)
    with pytest.raises(NotFound):
        portal.get_list(dynamic.id)


@pytest.mark.parametrize("api_version", API_VERSIONS)
def test_the_portal_calls_only_the_paths_of_the_selected_version(
    demo_portal: RunningSandbox, api_version: ApiVersion
) -> None:
    portal = Portal(
        PortalSettings(
            token=TOKEN, base_url=demo_portal.base_url, api_version=api_version, limiter=LimiterSettings(enabled=False)
        )
    )
    log = demo_portal.sandbox.access_log
    log.clear()
    _every_portal_call(portal)
    called = set(portal.stats().calls)
    # Every endpoint but the other version's listing; an email is read by id only when the listing
    # leaves out its recipients, which the sandbox's does not.
    assert called == {name for name in ENDPOINTS if available(name, api_version)} - {
        "lists.search" if api_version == "latest" else "lists.all",
        "marketing.email",
    }
    entries = log.entries()
    assert len(entries) == portal.stats().total_calls
    legacy = [e.path for e in entries if "/v3/" in e.path or "/v4/" in e.path]
    if api_version == "legacy":
        assert len(legacy) == len(entries), [e.path for e in entries if e not in legacy]
    else:
        # Only the family without a GA date version may use a semantic version.
        assert legacy and all(path.startswith("/automation/v4/flows") for path in legacy), legacy
        dated = [e.path for e in entries if e.path not in legacy]
        assert all(f"/{FAMILIES['lists'].latest}" in p or "/2026-03" in p for p in dated), dated
        assert any(p.startswith("/crm/lists/2026-09/") for p in dated)
        assert any(p.startswith("/settings/users/2026-03") for p in dated)


# --- the sandbox's date-versioned answers, against each version's spec -----------------------------


@pytest.fixture
def sdk(demo_portal: RunningSandbox) -> hubspot.HubSpot:
    return hubspot.HubSpot(access_token=TOKEN, host=demo_portal.base_url, base_url=demo_portal.base_url)


def call(sdk: hubspot.HubSpot, method: str, path: str, body: Any = None, qs: dict[str, Any] | None = None) -> Any:
    """A raw call; a success is validated against every spec of the path's version, an error must be 400."""
    options: dict[str, Any] = {"method": method, "path": path, **({"body": body} if body is not None else {})}
    if qs:
        options["qs"] = qs
    response = sdk.api_request(options)
    json_body = response.headers.get("content-type", "").startswith("application/json")
    payload = response.json() if response.content and json_body else response.text or None
    if response.status_code < 300:
        assert_conforms(method, path, response.status_code, payload)
    return response.status_code, payload


@pytest.mark.parametrize("version", ["2026-03", "2026-09"])
def test_date_versioned_answers_conform_to_their_specs(sdk: hubspot.HubSpot, version: str) -> None:
    lists = f"/crm/lists/{version}"
    status, created = call(
        sdk, "POST", lists, {"name": f"Spec check {version}", "objectTypeId": "0-1", "processingType": "MANUAL"}
    )
    assert status == 200
    list_id = created["list"]["listId"]
    contacts = call(sdk, "GET", f"/crm/objects/{version}/contacts", qs={"limit": 3})[1]["results"]
    ids = [c["id"] for c in contacts]
    assert call(sdk, "PUT", f"{lists}/{list_id}/memberships/add", ids)[0] == 200
    search = {"offset": 0, "count": 5, "additionalProperties": [], "listIds": [list_id], "processingTypes": []}
    found = call(sdk, "POST", f"{lists}/search", search)[1]
    assert [item["listId"] for item in found["lists"]] == [list_id]
    for path, qs in (
        (f"{lists}/{list_id}", {"includeFilters": "true"}),
        (lists, {"listIds": list_id}),
        (f"{lists}/{list_id}/memberships", {"limit": 2}),
        (f"{lists}/records/0-1/{ids[0]}/memberships", None),
        (f"{lists}/folders", None),
        (f"/crm/properties/{version}/contacts/email", None),
        (f"/account-info/{version}/details", None),
        (f"/marketing/emails/{version}", {"limit": 5}),
    ):
        assert call(sdk, "GET", path, qs=qs)[0] == 200, path
    memberships = call(
        sdk,
        "POST",
        f"{lists}/records/memberships/batch/read",
        {"inputs": [{"objectTypeId": "0-1", "recordId": i} for i in ids]},
    )[1]
    # Date versions require first/lastAddedTimestamp on every membership (checked by the schema).
    assert any(m["listId"] == list_id for r in memberships["results"] for m in r["recordListMemberships"])
    body = {"filterGroups": [], "limit": 2, "properties": ["email"], "sorts": [], "after": "0"}
    assert call(sdk, "POST", f"/crm/objects/{version}/contacts/search", body)[1]["total"] > 0
    assert (
        call(
            sdk,
            "POST",
            f"/crm/objects/{version}/contacts/batch/read",
            {"inputs": [{"id": ids[0]}], "properties": ["email"], "propertiesWithHistory": []},
        )[0]
        == 200
    )
    assert call(sdk, "GET", "/settings/users/2026-03", qs={"limit": 5})[1]["results"]
    assert call(sdk, "GET", "/settings/users/2026-03/teams")[0] == 200
    assert call(sdk, "DELETE", f"{lists}/{list_id}")[0] == 204


def test_date_versioned_list_search_requires_what_its_spec_requires(sdk: hubspot.HubSpot) -> None:
    """v3 accepts a search body without `listIds`/`processingTypes`; the date versions require both."""
    body = {"offset": 0, "additionalProperties": []}
    assert call(sdk, "POST", "/crm/v3/lists/search", body)[0] == 200
    for version in ("2026-03", "2026-09"):
        status, error = call(sdk, "POST", f"/crm/lists/{version}/search", body)
        assert status == 400 and "listIds, processingTypes" in error["message"], error
        status, error = call(sdk, "POST", f"/crm/lists/{version}/search", {**body, "listIds": []})
        assert status == 400 and "[processingTypes]" in error["message"], error


def test_the_2026_09_listing_pages_by_cursor(sdk: hubspot.HubSpot) -> None:
    # New in 2026-09: 2026-03 has no such endpoint.
    older = call(sdk, "POST", "/crm/lists/2026-03/all", {"additionalProperties": [], "processingTypes": ["MANUAL"]})
    assert older[0] in (404, 405)
    every = ["MANUAL", "DYNAMIC", "SNAPSHOT"]
    search = {"offset": 0, "count": 500, "additionalProperties": [], "processingTypes": []}
    expected = [item["listId"] for item in call(sdk, "POST", "/crm/v3/lists/search", search)[1]["lists"]]
    seen: list[str] = []
    after = None
    while True:
        body = {"additionalProperties": ["hs_list_size"], "processingTypes": every, "count": 2}
        if after is not None:
            body["after"] = after
        status, page = call(sdk, "POST", "/crm/lists/2026-09/all", body)
        assert status == 200
        seen += [item["listId"] for item in page["results"]]
        after = (page.get("paging") or {}).get("next", {}).get("after")
        if after is None:
            break
    assert seen == sorted(expected, key=int) and len(seen) > 2
    status, error = call(sdk, "POST", "/crm/lists/2026-09/all", {"additionalProperties": [], "processingTypes": []})
    assert status == 400 and error["subCategory"] == "INVALID_PROCESSING_TYPE"
    status, error = call(
        sdk, "POST", "/crm/lists/2026-09/all", {"additionalProperties": [], "processingTypes": every, "after": "x"}
    )
    assert status == 400 and error["subCategory"] == "INVALID_CURSOR"
