"""The sandbox's Lists v3 API through the official SDK (and raw HTTP where the SDK has no method),
checked against HubSpot's OpenAPI schemas."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jsonschema
import pytest
from hubspot.crm.lists.exceptions import ApiException

import hubspot
from openapi_check import SPEC_ROOT, assert_conforms
from sandbox_lists_data import CONTACT, Portal, branch, prop
from segment_lists.sandbox import RunningSandbox, SandboxConfig

NOW = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)
LISTS_SPEC = json.loads((SPEC_ROOT / "crm-lists-v3" / "lists.json").read_text())
ERROR_SCHEMA = LISTS_SPEC["components"]["schemas"]["Error"]
CUSTOMER = prop(
    "lifecyclestage",
    {
        "operationType": "ENUMERATION",
        "operator": "IS_ANY_OF",
        "values": ["customer"],
        "includeObjectsWithNoValueSet": False,
    },
)


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    # Enterprise: per-list access (listPermissions) exists, as the create test sends it.
    return SandboxConfig(frozen_now=NOW, tier="enterprise")


@pytest.fixture
def portal(sandbox: RunningSandbox) -> Portal:
    return Portal(sandbox.sandbox)


def raw(
    sdk: hubspot.HubSpot,
    method: str,
    path: str,
    body: Any = None,
    qs: dict[str, Any] | None = None,
    *,
    check: bool = True,
) -> tuple[int, Any]:
    """A raw call through the SDK's generic requester; the body is checked against HubSpot's spec."""
    options: dict[str, Any] = {"method": method, "path": path}
    if body is not None:
        options["body"] = body
    if qs:
        options["qs"] = qs
    response = sdk.api_request(options)
    payload = response.json() if response.content else None
    if check and response.status_code < 300:
        assert_conforms(method, path.split("?")[0], response.status_code, payload)
    elif check:
        assert_error(payload)
    return response.status_code, payload


def assert_error(body: Any) -> None:
    """HubSpot's error envelope: the spec's `Error` schema (its error responses name no schema)."""
    schema = {**ERROR_SCHEMA, "components": LISTS_SPEC["components"]}
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(body))
    assert not errors, errors[0].message
    assert body["status"] == "error"


def error_of(excinfo: pytest.ExceptionInfo[ApiException]) -> dict[str, Any]:
    body = json.loads(excinfo.value.body)
    assert body["status"] == "error" and body["correlationId"] and body["message"]
    return body


def dynamic(name: str, *groups: list[dict[str, Any]], processing: str = "DYNAMIC") -> dict[str, Any]:
    return {
        "name": name,
        "objectTypeId": CONTACT,
        "processingType": processing,
        "filterBranch": branch(*groups),
    }


def test_create_and_read_lists(sdk: hubspot.HubSpot, portal: Portal) -> None:
    customer = portal.contact({"lifecyclestage": "customer"})
    portal.contact({"lifecyclestage": "lead"})
    lists = sdk.crm.lists.lists_api
    manual = lists.create(
        list_create_request={"name": "Webinar attendees", "objectTypeId": "0-1", "processingType": "MANUAL"}
    ).list
    assert (manual.processing_type, manual.processing_status, manual.size, manual.list_version) == (
        "MANUAL",
        "COMPLETE",
        0,
        1,
    )
    assert manual.filter_branch is None
    status, created = raw(
        sdk,
        "POST",
        "/crm/v3/lists",
        {
            **dynamic("Customers", [CUSTOMER]),
            "listPermissions": {"teamsWithEditAccess": [7], "usersWithEditAccess": []},
            "membershipSettings": {"membershipTeamId": 7, "includeUnassigned": False},
        },
    )
    assert status == 200
    made = created["list"]
    assert made["processingStatus"] == "COMPLETE" and made["size"] == 1
    assert made["listPermissions"]["teamsWithEditAccess"] == [7]
    assert made["membershipSettings"] == {"membershipTeamId": 7, "includeUnassigned": False}
    echoed = made["filterBranch"]  # normalized, as HubSpot echoes it
    assert echoed["filterBranchOperator"] == "OR" and echoed["filterBranches"][0]["filterBranchOperator"] == "AND"
    list_id = made["listId"]
    assert lists.get_by_id(list_id=list_id).list.filter_branch is None
    fetched = lists.get_by_id(list_id=list_id, include_filters=True).list
    assert fetched.filter_branch.filter_branch_type == "OR" and fetched.size == 1
    assert (
        raw(sdk, "GET", f"/crm/v3/lists/{list_id}", qs={"includeFilters": "true"})[1]["list"]["filterBranch"] == echoed
    )
    assert raw(sdk, "GET", f"/crm/lists/2026-03/{list_id}")[1]["list"]["name"] == "Customers"
    by_name = lists.get_by_name(list_name="cUSTOMERS", object_type_id="0-1").list
    assert by_name.list_id == list_id
    odd = lists.create(
        list_create_request={
            "name": "ICP Tier 1 / Contacts & co 100%",
            "objectTypeId": "0-1",
            "processingType": "MANUAL",
        }
    ).list
    assert (
        lists.get_by_name(list_name="icp tier 1 / contacts & CO 100%", object_type_id="0-1").list.list_id == odd.list_id
    )
    with pytest.raises(ApiException) as wrong_type:
        lists.get_by_name(list_name="Customers", object_type_id="0-2")
    assert wrong_type.value.status == 404
    several = lists.get_all(list_ids=[list_id, manual.list_id, "987654"], include_filters=True).lists
    assert sorted(item.list_id for item in several) == sorted([list_id, manual.list_id])
    status, body = raw(sdk, "GET", "/crm/v3/lists/", qs={"listIds": [list_id, manual.list_id]})
    assert status == 200 and len(body["lists"]) == 2
    assert sdk.crm.lists.memberships_api.get_page(list_id=list_id).results[0].record_id == str(customer)


def test_create_validation_errors(sdk: hubspot.HubSpot) -> None:
    lists = sdk.crm.lists.lists_api
    bad_requests = [
        {"objectTypeId": "0-1", "processingType": "MANUAL"},
        {"name": "x", "objectTypeId": "0-1", "processingType": "STATIC"},
        {"name": "x", "processingType": "MANUAL"},
        {"name": "x", "objectTypeId": "0-1", "processingType": "MANUAL", "filterBranch": branch([CUSTOMER])},
        {"name": "x", "objectTypeId": "0-1", "processingType": "DYNAMIC"},
        {"name": "x", "objectTypeId": "0-1", "processingType": "SNAPSHOT"},
        dynamic(
            "x",
            [
                {
                    "filterType": "PROPERTY",
                    "property": "lifecyclestage",
                    "operation": {"operationType": "ENUMERATION", "operator": "IS_EQUAL_TO", "value": "lead"},
                }
            ],
        ),
        {**dynamic("x", [CUSTOMER]), "filterBranch": {"filterBranchType": "AND", "filters": [CUSTOMER]}},
    ]
    for request in bad_requests:
        with pytest.raises(ApiException) as excinfo:
            lists.create(list_create_request=request)
        assert excinfo.value.status == 400, request
        assert error_of(excinfo)["category"] == "VALIDATION_ERROR"
        assert_error(json.loads(excinfo.value.body))
    with pytest.raises(ApiException) as missing:
        lists.get_by_id(list_id="424242")
    assert missing.value.status == 404 and error_of(missing)["category"] == "OBJECT_NOT_FOUND"


@pytest.mark.parametrize("status", [400, 409])
def test_duplicate_names_case_insensitive(status: int) -> None:
    with RunningSandbox(SandboxConfig(duplicate_list_name_status=status)) as running:
        sdk = hubspot.HubSpot(access_token="t", host=running.base_url, base_url=running.base_url)
        lists = sdk.crm.lists.lists_api
        first = lists.create(
            list_create_request={"name": "Partners", "objectTypeId": "0-1", "processingType": "MANUAL"}
        ).list
        with pytest.raises(ApiException) as dup:
            lists.create(list_create_request={"name": "PARTNERS", "objectTypeId": "0-2", "processingType": "MANUAL"})
        assert dup.value.status == status and error_of(dup)["subCategory"] == "ILS.DUPLICATE_LIST_NAMES"
        other = lists.create(
            list_create_request={"name": "Other", "objectTypeId": "0-1", "processingType": "MANUAL"}
        ).list
        with pytest.raises(ApiException) as rename:
            lists.update_name(list_id=other.list_id, list_name="partners")
        assert rename.value.status == status
        lists.remove(list_id=first.list_id)
        lists.create(list_create_request={"name": "partners", "objectTypeId": "0-1", "processingType": "MANUAL"})
        with pytest.raises(ApiException) as restore:
            lists.restore(list_id=first.list_id)  # its name is taken now
        assert restore.value.status == status


def test_search(sdk: hubspot.HubSpot, portal: Portal) -> None:
    portal.contact({"lifecyclestage": "customer"})
    portal.contact({"lifecyclestage": "customer"})
    lists = sdk.crm.lists.lists_api
    ids = {}
    for name in ("Customers EU", "Customers US", "Leads", "Old customers"):
        ids[name] = lists.create(list_create_request=dynamic(name, [CUSTOMER])).list.list_id
    ids["Manual"] = lists.create(
        list_create_request={"name": "Manual", "objectTypeId": "0-1", "processingType": "MANUAL"}
    ).list.list_id
    lists.remove(list_id=ids["Old customers"])
    found = lists.do_search(
        list_search_request={"query": "CUSTOMERS", "offset": 0, "additionalProperties": ["hs_list_size"]}
    )
    assert [item.name for item in found.lists] == ["Customers EU", "Customers US"]
    assert found.total == 2 and found.has_more is False
    assert found.lists[0].additional_properties["hs_list_size"] == "2"
    status, page = raw(sdk, "POST", "/crm/v3/lists/search", {"offset": 1, "count": 2, "additionalProperties": []})
    assert status == 200 and page["total"] == 4 and page["offset"] == 3 and page["hasMore"] is True
    assert [item["name"] for item in page["lists"]] == ["Customers US", "Leads"]
    assert all(isinstance(v, str) for item in page["lists"] for v in item["additionalProperties"].values())
    only = raw(
        sdk,
        "POST",
        "/crm/v3/lists/search",
        {"offset": 0, "additionalProperties": [], "processingTypes": ["MANUAL"], "objectTypeId": "0-1"},
    )[1]
    assert [item["listId"] for item in only["lists"]] == [ids["Manual"]]
    by_ids = raw(
        sdk,
        "POST",
        "/crm/v3/lists/search",
        {"offset": 0, "additionalProperties": [], "listIds": [ids["Leads"], ids["Old customers"]]},
    )[1]
    assert [item["name"] for item in by_ids["lists"]] == ["Leads"]
    assert raw(sdk, "POST", "/crm/v3/lists/search", {"offset": 0, "additionalProperties": [], "count": 501})[0] == 400


def test_update_name_and_filters(sdk: hubspot.HubSpot, portal: Portal) -> None:
    customer = portal.contact({"lifecyclestage": "customer"})
    lead = portal.contact({"lifecyclestage": "lead"})
    lists = sdk.crm.lists.lists_api
    made = lists.create(list_create_request=dynamic("Customers", [CUSTOMER])).list
    renamed = lists.update_name(list_id=made.list_id, list_name="Paying customers", include_filters=True).updated_list
    assert renamed.name == "Paying customers" and renamed.list_version == 1 and renamed.filter_branch is not None
    portal.sandbox.clock.advance(timedelta(minutes=5))
    lead_filter = prop(
        "lifecyclestage",
        {
            "operationType": "ENUMERATION",
            "operator": "IS_ANY_OF",
            "values": ["lead"],
            "includeObjectsWithNoValueSet": False,
        },
    )
    updated = lists.update_list_filters(
        list_id=made.list_id,
        list_filter_update_request={"filterBranch": branch([lead_filter])},
        enroll_objects_in_workflows=True,
    ).updated_list
    assert updated.list_version == 2 and updated.filters_updated_at > made.filters_updated_at
    assert updated.filter_branch.filter_branches[0].filters[0].operation.values == ["lead"]
    members = sdk.crm.lists.memberships_api.get_page(list_id=made.list_id).results
    assert [m.record_id for m in members] == [str(lead)]
    assert str(customer) not in [m.record_id for m in members]
    manual = lists.create(
        list_create_request={"name": "Static", "objectTypeId": "0-1", "processingType": "MANUAL"}
    ).list
    with pytest.raises(ApiException) as not_dynamic:
        lists.update_list_filters(
            list_id=manual.list_id, list_filter_update_request={"filterBranch": branch([lead_filter])}
        )
    assert not_dynamic.value.status == 400
    with pytest.raises(ApiException) as invalid:
        lists.update_list_filters(list_id=made.list_id, list_filter_update_request={"filterBranch": {}})
    assert invalid.value.status == 400
    status, history = raw(
        sdk,
        "GET",
        f"/crm/v3/lists/{made.list_id}/size-and-edits-history/between",
        qs={"startDate": "2024-01-01T00:00:00Z", "endDate": "2025-01-01T00:00:00Z"},
    )
    assert status == 200 and len(history["editHistory"]) == 3  # create, rename, filters
    assert [p["size"] for p in history["sizeHistory"]] == [1]  # 1 customer, then 1 lead: the size never changed


def test_delete_restore_and_retention(sdk: hubspot.HubSpot, portal: Portal) -> None:
    lists = sdk.crm.lists.lists_api
    made = lists.create(list_create_request={"name": "Temp", "objectTypeId": "0-1", "processingType": "MANUAL"}).list
    assert raw(sdk, "DELETE", f"/crm/v3/lists/{made.list_id}")[0] == 204
    with pytest.raises(ApiException) as gone:
        lists.get_by_id(list_id=made.list_id)
    assert gone.value.status == 404
    lists.restore(list_id=made.list_id)
    assert lists.get_by_id(list_id=made.list_id).list.deleted_at is None
    lists.remove(list_id=made.list_id)
    portal.sandbox.clock.advance(timedelta(days=91))
    with pytest.raises(ApiException) as purged:
        lists.restore(list_id=made.list_id)
    assert purged.value.status == 404


def test_deleted_lists_readable_setting() -> None:
    with RunningSandbox(SandboxConfig(deleted_lists_readable=True)) as running:
        sdk = hubspot.HubSpot(access_token="t", host=running.base_url, base_url=running.base_url)
        made = sdk.crm.lists.lists_api.create(
            list_create_request={"name": "T", "objectTypeId": "0-1", "processingType": "MANUAL"}
        ).list
        sdk.crm.lists.lists_api.remove(list_id=made.list_id)
        assert sdk.crm.lists.lists_api.get_by_id(list_id=made.list_id).list.deleted_at is not None


def test_manual_memberships(sdk: hubspot.HubSpot, portal: Portal) -> None:
    ids = [portal.contact({"firstname": f"c{i}"}) for i in range(5)]
    company = portal.company({"name": "Acme"})
    lists, memberships = sdk.crm.lists.lists_api, sdk.crm.lists.memberships_api
    manual = lists.create(
        list_create_request={"name": "Hand-picked", "objectTypeId": "0-1", "processingType": "MANUAL"}
    ).list
    added = memberships.add(list_id=manual.list_id, request_body=[str(i) for i in ids[:4]] + ["999999", str(company)])
    assert added.records_ids_added == [str(i) for i in ids[:4]]
    assert added.record_ids_missing == ["999999", str(company)]  # a company is not a contact
    again = memberships.add(list_id=manual.list_id, request_body=[str(ids[0])])
    assert again.records_ids_added == [] and again.record_ids_missing == []
    status, body = raw(
        sdk,
        "PUT",
        f"/crm/v3/lists/{manual.list_id}/memberships/add-and-remove",
        {"recordIdsToAdd": [str(ids[4])], "recordIdsToRemove": [str(ids[0]), "31337"]},
    )
    assert status == 200 and body == {
        "recordsIdsAdded": [str(ids[4])],
        "recordIdsRemoved": [str(ids[0])],
        "recordIdsMissing": ["31337"],
    }
    removed = memberships.remove(list_id=manual.list_id, request_body=[str(ids[1])])
    assert removed.record_ids_removed == [str(ids[1])]
    # Members now: ids 2, 3, 4. Page through them two at a time.
    first = memberships.get_page(list_id=manual.list_id, limit=2)
    assert [m.record_id for m in first.results] == [str(ids[2]), str(ids[3])] and first.total == 3
    second = memberships.get_page(list_id=manual.list_id, limit=2, after=first.paging.next.after)
    assert [m.record_id for m in second.results] == [str(ids[4])] and second.paging.next is None
    back = memberships.get_page(list_id=manual.list_id, before=second.paging.prev.before)
    assert [m.record_id for m in back.results] == [str(ids[3]), str(ids[2])]
    status, page = raw(sdk, "GET", f"/crm/v3/lists/{manual.list_id}/memberships/join-order", qs={"limit": 250})
    assert status == 200 and [m["recordId"] for m in page["results"]] == [str(ids[i]) for i in (2, 3, 4)]
    assert raw(sdk, "GET", f"/crm/v3/lists/{manual.list_id}/memberships", qs={"limit": 251})[0] == 400
    assert raw(sdk, "GET", f"/crm/v3/lists/{manual.list_id}/memberships", qs={"after": "garbage!"})[0] == 400
    copy = lists.create(list_create_request={"name": "Copy", "objectTypeId": "0-1", "processingType": "MANUAL"}).list
    memberships.add_all_from_list(list_id=copy.list_id, source_list_id=manual.list_id)
    assert memberships.get_page(list_id=copy.list_id).total == 3
    record_lists = memberships.get_lists(object_type_id="0-1", record_id=str(ids[2]))
    assert sorted(r.list_id for r in record_lists.results) == sorted([manual.list_id, copy.list_id])
    status, body = raw(sdk, "GET", f"/crm/v3/lists/records/0-1/{ids[2]}/memberships")
    assert status == 200 and body["total"] == 2 and body["results"][0]["isPublicList"] is True
    status, batch = raw(
        sdk,
        "POST",
        "/crm/v3/lists/records/memberships/batch/read",
        {"inputs": [{"objectTypeId": "0-1", "recordId": str(ids[3])}]},
    )
    assert status == 200 and len(batch["results"][0]["recordListMemberships"]) == 2
    status, partial = raw(
        sdk,
        "POST",
        "/crm/v3/lists/records/memberships/batch/read",
        {
            "inputs": [
                {"objectTypeId": "0-1", "recordId": str(ids[0])},
                {"objectTypeId": "0-1", "recordId": "5555555"},
            ]
        },
    )
    assert status == 207 and partial["numErrors"] == 1 and partial["results"][0]["recordListMemberships"] == []
    memberships.remove_all(list_id=copy.list_id)
    assert memberships.get_page(list_id=copy.list_id).total == 0
    dyn = lists.create(list_create_request=dynamic("Dyn", [CUSTOMER])).list
    for attempt in (
        lambda: memberships.add(list_id=dyn.list_id, request_body=[str(ids[0])]),
        lambda: memberships.remove_all(list_id=dyn.list_id),
        lambda: memberships.add_all_from_list(list_id=dyn.list_id, source_list_id=manual.list_id),
    ):
        with pytest.raises(ApiException) as refused:
            attempt()
        assert refused.value.status == 400 and error_of(refused)["category"] == "VALIDATION_ERROR"
    portal.archive(CONTACT, ids[2])  # deleted records leave static lists too
    assert memberships.get_page(list_id=manual.list_id).total == 2


def test_dynamic_list_follows_record_writes(sdk: hubspot.HubSpot, portal: Portal) -> None:
    lists, memberships = sdk.crm.lists.lists_api, sdk.crm.lists.memberships_api
    made = lists.create(list_create_request=dynamic("Customers", [CUSTOMER])).list
    assert made.size == 0
    clock = portal.sandbox.clock
    clock.advance(timedelta(hours=1))
    alice = portal.contact({"lifecyclestage": "customer"})
    assert lists.get_by_id(list_id=made.list_id).list.size == 1
    joined = memberships.get_page(list_id=made.list_id).results[0]
    assert joined.record_id == str(alice) and joined.membership_timestamp == NOW + timedelta(hours=1)
    clock.advance(timedelta(hours=1))
    portal.update(CONTACT, alice, {"lifecyclestage": "evangelist"})
    assert lists.get_by_id(list_id=made.list_id).list.size == 0
    status, history = raw(sdk, "GET", f"/crm/v3/lists/{made.list_id}/size-and-edits-history/between")
    assert [(p["size"], p["timestamp"]) for p in history["sizeHistory"]] == [
        (0, "2024-06-15T12:00:00.000Z"),
        (1, "2024-06-15T13:00:00.000Z"),
        (0, "2024-06-15T14:00:00.000Z"),
    ]
    window = raw(
        sdk,
        "GET",
        f"/crm/v3/lists/{made.list_id}/size-and-edits-history/between",
        qs={"startDate": "2024-06-15T12:30:00Z", "endDate": "2024-06-15T13:30:00Z"},
    )[1]
    assert [p["size"] for p in window["sizeHistory"]] == [1] and window["editHistory"] == []
    clock.advance(timedelta(hours=1))
    portal.update(CONTACT, alice, {"lifecyclestage": "customer"})  # rejoins at 15:00
    (membership,) = memberships.get_lists(object_type_id="0-1", record_id=str(alice)).results
    assert membership.first_added_timestamp == NOW + timedelta(hours=1)
    assert membership.last_added_timestamp == NOW + timedelta(hours=3)


def test_folders(sdk: hubspot.HubSpot) -> None:
    folders, lists = sdk.crm.lists.folders_api, sdk.crm.lists.lists_api
    status, root = raw(sdk, "GET", "/crm/v3/lists/folders")
    assert status == 200 and root["folder"]["id"] == "0" and root["folder"]["childNodes"] == []
    marketing = folders.create(list_folder_create_request={"name": "Marketing"}).folder
    nested = folders.create(list_folder_create_request={"name": "ICP", "parentFolderId": marketing.id}).folder
    assert str(nested.parent_folder_id) == str(marketing.id)
    status, created = raw(sdk, "POST", "/crm/v3/lists/folders", {"name": "Sales"})
    assert status == 200
    in_folder = lists.create(
        list_create_request={
            "name": "Tier 1",
            "objectTypeId": "0-1",
            "processingType": "MANUAL",
            "listFolderId": int(nested.id),
        }
    ).list
    tree = raw(sdk, "GET", "/crm/v3/lists/folders", qs={"folderId": "0"})[1]["folder"]
    assert [node["name"] for node in tree["childNodes"]] == ["Marketing", "Sales"]
    assert tree["childNodes"][0]["childNodes"][0]["name"] == "ICP"
    assert folders.get_all(folder_id=nested.id).folder.child_lists == [int(in_folder.list_id)]
    renamed = folders.rename(folder_id=nested.id, new_folder_name="ICP tiers").folder
    assert renamed.name == "ICP tiers"
    moved = folders.move(folder_id=nested.id, new_parent_folder_id=created["folder"]["id"]).folder
    assert str(moved.parent_folder_id) == created["folder"]["id"]
    with pytest.raises(ApiException) as loop:
        folders.move(folder_id=created["folder"]["id"], new_parent_folder_id=nested.id)
    assert loop.value.status == 400
    with pytest.raises(ApiException) as not_empty:
        folders.remove(folder_id=nested.id)
    assert not_empty.value.status == 400
    folders.move_list(list_move_request={"listId": in_folder.list_id, "newFolderId": "0"})
    assert int(in_folder.list_id) in folders.get_all().folder.child_lists
    folders.remove(folder_id=nested.id)
    with pytest.raises(ApiException) as missing:
        folders.get_all(folder_id=nested.id)
    assert missing.value.status == 404
    search = raw(sdk, "POST", "/crm/v3/lists/search", {"offset": 0, "additionalProperties": ["hs_folder_id"]})[1]
    assert "hs_folder_id" not in search["lists"][0]["additionalProperties"]  # back at the root


def test_schedule_conversion_and_idmapping(sdk: hubspot.HubSpot, portal: Portal) -> None:
    portal.contact({"lifecyclestage": "customer"})
    made = sdk.crm.lists.lists_api.create(list_create_request=dynamic("Customers", [CUSTOMER])).list
    path = f"/crm/v3/lists/{made.list_id}/schedule-conversion"
    assert raw(sdk, "GET", path)[0] == 404
    status, body = raw(sdk, "PUT", path, {"conversionType": "CONVERSION_DATE", "year": 2024, "month": 6, "day": 20})
    assert status == 200 and body["requestedConversionTime"]["day"] == 20 and "convertedAt" not in body
    assert raw(sdk, "PUT", path, {"conversionType": "INACTIVITY", "timeUnit": "YEAR", "offset": 1})[0] == 400
    portal.sandbox.clock.advance(timedelta(days=6))
    converted = sdk.crm.lists.lists_api.get_by_id(list_id=made.list_id).list
    assert converted.processing_type == "MANUAL" and converted.size == 1
    assert "convertedAt" in raw(sdk, "GET", path)[1]
    assert raw(sdk, "DELETE", path)[0] == 204
    assert raw(sdk, "DELETE", path)[0] == 404
    with pytest.raises(hubspot.crm.lists.exceptions.ApiException) as legacy:
        sdk.crm.lists.mapping_api.translate_legacy_list_id_to_list_id(legacy_list_id="12")
    assert legacy.value.status == 404
    batch = sdk.crm.lists.mapping_api.translate_legacy_list_id_to_list_id_batch(request_body=["12", "13"])
    assert batch.missing_legacy_list_ids == ["12", "13"] and batch.legacy_list_ids_to_ids_mapping == []


def test_list_count_limits() -> None:
    with RunningSandbox(SandboxConfig(max_static_lists=1)) as running:
        sdk = hubspot.HubSpot(access_token="t", host=running.base_url, base_url=running.base_url)
        sdk.crm.lists.lists_api.create(
            list_create_request={"name": "A", "objectTypeId": "0-1", "processingType": "MANUAL"}
        )
        with pytest.raises(ApiException) as limited:
            sdk.crm.lists.lists_api.create(
                list_create_request={
                    "name": "B",
                    "objectTypeId": "0-1",
                    "processingType": "SNAPSHOT",
                    "filterBranch": branch([CUSTOMER]),
                }
            )
        assert limited.value.status == 400
        made = sdk.crm.lists.lists_api.create(list_create_request=dynamic("C", [CUSTOMER])).list
        assert made.processing_type == "DYNAMIC"


def test_processing_is_asynchronous() -> None:
    with RunningSandbox(SandboxConfig(processing_seconds=0.4)) as running:
        portal = Portal(running.sandbox)
        customer = portal.contact({"lifecyclestage": "customer"})
        sdk = hubspot.HubSpot(access_token="t", host=running.base_url, base_url=running.base_url)
        lists, memberships = sdk.crm.lists.lists_api, sdk.crm.lists.memberships_api
        manual = lists.create(list_create_request={"name": "M", "objectTypeId": "0-1", "processingType": "MANUAL"})
        assert manual.list.processing_status == "COMPLETE" and manual.list.size == 0
        made = lists.create(list_create_request=dynamic("Customers", [CUSTOMER])).list
        snap = lists.create(list_create_request=dynamic("Snap", [CUSTOMER], processing="SNAPSHOT")).list
        assert made.processing_status == "PROCESSING" and made.size is None
        assert snap.processing_status == "PROCESSING"
        assert memberships.get_page(list_id=made.list_id).total == 0
        time.sleep(0.5)
        done = lists.get_by_id(list_id=made.list_id).list
        assert done.processing_status == "COMPLETE" and done.size == 1
        assert lists.get_by_id(list_id=snap.list_id).list.size == 1
        # A snapshot is evaluated once: later changes do not move it, but manual edits do.
        second = portal.contact({"lifecyclestage": "customer"})
        assert lists.get_by_id(list_id=made.list_id).list.size == 2
        assert lists.get_by_id(list_id=snap.list_id).list.size == 1
        memberships.add(list_id=snap.list_id, request_body=[str(second)])
        assert [m.record_id for m in memberships.get_page(list_id=snap.list_id).results] == [
            str(customer),
            str(second),
        ]
        updated = lists.update_list_filters(
            list_id=made.list_id, list_filter_update_request={"filterBranch": branch([CUSTOMER])}
        )
        assert updated.updated_list.processing_status == "PROCESSING" and updated.updated_list.list_version == 2
        status, body = raw(sdk, "POST", "/crm/v3/lists/search", {"offset": 0, "additionalProperties": []})
        assert [("hs_list_size" in item["additionalProperties"]) for item in body["lists"]] == [
            True,
            False,
            True,
        ]
        time.sleep(0.5)
        assert lists.get_by_id(list_id=made.list_id).list.processing_status == "COMPLETE"
