"""`segment_lists.portal.Portal` against a live sandbox: every method, its paging and its models.

Expected values are computed independently (from the seeded records read another way, or from
what the test itself wrote), never hard-coded.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from segment_lists.portal import DuplicateListName, NotFound, Portal, PortalSettings, ValidationFailed
from segment_lists.portal.connection import LimiterSettings
from segment_lists.portal.endpoints import API_VERSIONS
from segment_lists.sandbox import RunningSandbox, assets, lists_service, seed_crm

TOKEN = "pat-na1-00000000-portal-test-token"


def customers_branch(stage: str = "customer") -> dict:
    return {
        "filterBranchType": "OR",
        "filterBranches": [
            {
                "filterBranchType": "AND",
                "filters": [
                    {
                        "filterType": "PROPERTY",
                        "property": "lifecyclestage",
                        "operation": {"operationType": "ENUMERATION", "operator": "IS_ANY_OF", "values": [stage]},
                    }
                ],
            }
        ],
    }


@pytest.fixture(params=API_VERSIONS)
def portal(sandbox: RunningSandbox, request: pytest.FixtureRequest) -> Portal:
    """Every test runs on the date-versioned paths (the default) and on the legacy v3/v4 ones."""
    # Pacing is exercised in test_portal_resilience; here it would only slow the search-heavy tests.
    settings = PortalSettings(
        token=TOKEN, base_url=sandbox.base_url, limiter=LimiterSettings(enabled=False), api_version=request.param
    )
    return Portal(settings)


@pytest.fixture
def seeded(sandbox: RunningSandbox) -> Iterator[RunningSandbox]:
    seed_crm(sandbox.sandbox, contacts=300, companies=30, seed=11)
    yield sandbox


# --- lists ----------------------------------------------------------------------------------


def test_list_lifecycle(seeded: RunningSandbox, portal: Portal) -> None:
    created = portal.create_list("[Core] - All Customers", processing_type="DYNAMIC", filter_branch=customers_branch())
    assert created.is_dynamic and created.version == 1
    fetched = portal.get_list(created.id)
    customers = sum(
        1
        for r in portal.iter_records("contacts", ["lifecyclestage"])
        if r.properties.get("lifecyclestage") == "customer"
    )
    assert fetched.size == customers
    assert portal.get_list_by_name("[core] - all customers") == fetched  # case-insensitive
    assert portal.get_list_by_name("[Core] - Nobody") is None

    # The definition read back is HubSpot's JSON verbatim (the SDK's models would add a bogus
    # "type" to the operation), so it can be sent back unchanged.
    operation = fetched.filter_branch["filterBranches"][0]["filters"][0]["operation"]
    assert "type" not in operation
    leads = customers_branch("lead")
    updated = portal.update_list_filters(created.id, leads)
    assert updated.version == 2
    assert portal.update_list_filters(created.id, portal.get_list(created.id).filter_branch).version == 3

    renamed = portal.rename_list(created.id, "[Core] - Leads")
    assert renamed.name == "[Core] - Leads"
    portal.delete_list(created.id)
    with pytest.raises(NotFound):
        portal.get_list(created.id)
    portal.restore_list(created.id)
    assert portal.get_list(created.id).name == "[Core] - Leads"


def test_duplicate_name_and_validation_errors(sandbox: RunningSandbox, portal: Portal) -> None:
    portal.create_list("Competitors", processing_type="MANUAL")
    with pytest.raises(DuplicateListName) as duplicate:
        portal.create_list("competitors", processing_type="MANUAL")
    assert duplicate.value.name == "competitors"
    assert duplicate.value.sub_category == "ILS.DUPLICATE_LIST_NAMES"
    bad_root = {"filterBranchType": "AND", "filterBranches": [], "filters": []}
    with pytest.raises(ValidationFailed) as invalid:
        portal.create_list("Broken", processing_type="DYNAMIC", filter_branch=bad_root)
    assert invalid.value.status == 400 and invalid.value.message
    assert portal.get_list_by_name("Broken") is None


def test_all_lists_pages_through_the_listing(sandbox: RunningSandbox, portal: Portal) -> None:
    for index in range(520):  # HubSpot's side of the wire: faster than 520 POSTs
        lists_service.create_list(
            sandbox.sandbox, {"name": f"Bulk {index:03d}", "objectTypeId": "0-1", "processingType": "MANUAL"}
        )
    found = portal.all_lists()
    assert sorted(item.name for item in found) == sorted(f"Bulk {i:03d}" for i in range(520))
    # 500 per page: 2026-09's cursor listing (`/all`) on the date-versioned paths, v3 search on the legacy ones.
    listing = "lists.all" if portal.settings.api_version == "latest" else "lists.search"
    assert portal.stats().calls[listing] == 2 and portal.stats().total_calls == 2
    some = [found[0].id, found[-1].id, "999999"]
    assert {item.id for item in portal.get_lists(some)} == {found[0].id, found[-1].id}
    assert portal.all_lists(processing_types=["DYNAMIC"]) == []
    assert len(portal.all_lists(processing_types=["MANUAL"], object_type_id="0-1")) == 520
    assert portal.all_lists(object_type_id="0-2") == []


def test_memberships_and_record_memberships(seeded: RunningSandbox, portal: Portal) -> None:
    manual = portal.create_list("Manual picks", processing_type="MANUAL")
    ids = portal.search_ids("contacts")[:260]
    change = portal.add_members(manual.id, ids + ["999999999"])
    assert sorted(change.added, key=int) == sorted(ids, key=int)
    assert change.missing == ["999999999"]
    before = portal.stats().calls["lists.memberships"]
    assert sorted(portal.member_ids(manual.id), key=int) == sorted(ids, key=int)
    assert portal.stats().calls["lists.memberships"] - before == 2  # 250 per page
    assert portal.remove_members(manual.id, ids[:10]).removed == ids[:10]
    assert [m.list_id for m in portal.record_memberships(ids[20])] == [manual.id]
    assert portal.record_memberships(ids[0]) == []
    batch = portal.batch_record_memberships([ids[0], ids[20]])
    assert batch[ids[0]] == [] and [m.list_id for m in batch[ids[20]]] == [manual.id]
    history = portal.size_history(
        manual.id, datetime.now(UTC) - timedelta(days=1), datetime.now(UTC) + timedelta(days=1)
    )
    assert history.size_history and history.size_history[-1].size == 250


def test_folders(sandbox: RunningSandbox, portal: Portal) -> None:
    folder = portal.create_folder("Segments")
    listed = portal.create_list("In a folder", processing_type="MANUAL")
    portal.move_list(listed.id, folder.id)
    tree = portal.folder_tree()
    assert [f.name for f in tree.walk()] == ["Root", "Segments"]
    assert portal.folder_tree(folder.id).child_lists == [listed.id]
    assert listed.id not in tree.child_lists


# --- CRM ------------------------------------------------------------------------------------


def test_crm_count_search_batch_read_and_pages(seeded: RunningSandbox, portal: Portal) -> None:
    everyone = list(portal.iter_records("contacts", ["lifecyclestage", "email"]))
    assert portal.stats().calls["crm.records"] == 3  # 300 contacts, 100 per page
    assert portal.count("contacts") == len(everyone)
    lead_filter = [{"filters": [{"propertyName": "lifecyclestage", "operator": "EQ", "value": "lead"}]}]
    leads = {r.id for r in everyone if r.properties.get("lifecyclestage") == "lead"}
    assert portal.count("contacts", lead_filter) == len(leads)
    assert set(portal.search_ids("contacts", lead_filter)) == leads
    read = portal.batch_read("contacts", [r.id for r in everyone[:150]], ["email"])
    assert {r.id: r.properties["email"] for r in read} == {r.id: r.properties["email"] for r in everyone[:150]}
    assert portal.stats().calls["crm.batch_read"] == 2  # 100 per batch


def test_search_ids_reads_past_the_10000_result_cap(sandbox: RunningSandbox, portal: Portal) -> None:
    seed_crm(sandbox.sandbox, contacts=10_300, companies=5, seed=3)
    ids = portal.search_ids("contacts")
    assert len(ids) == len(set(ids)) == portal.count("contacts")


def test_properties_account_and_teams(sandbox: RunningSandbox, portal: Portal) -> None:
    properties = {p.name: p for p in portal.properties("contacts")}
    stage = portal.property("contacts", "lifecyclestage")
    assert stage is not None and stage == properties["lifecyclestage"]
    assert "customer" in stage.option_values and stage.type == "enumeration"
    assert portal.property("contacts", "no_such_property") is None
    details = portal.account_details()
    assert details.portal_id == sandbox.sandbox.config.portal_id
    assert details.time_zone == sandbox.sandbox.config.time_zone
    assert portal.transport.time_zone == details.time_zone  # learned for DailyLimitReached
    assert {t.name for t in portal.teams()} >= {"Marketing", "Sales"}


def test_workflows_and_marketing_emails_name_the_lists_they_use(sandbox: RunningSandbox, portal: Portal) -> None:
    used = portal.create_list("Used", processing_type="MANUAL")
    suppressed = portal.create_list("Suppressed", processing_type="MANUAL")
    assets.insert_workflow(
        sandbox.sandbox,
        {
            "name": "Nurture",
            "isEnabled": True,
            "suppressionListIds": [int(suppressed.id)],
            "enrollmentCriteria": {
                "type": "LIST_BASED",
                "listFilterBranch": {
                    "filterBranchType": "OR",
                    "filterBranchOperator": "OR",
                    "filters": [],
                    "filterBranches": [
                        {
                            "filterBranchType": "AND",
                            "filterBranchOperator": "AND",
                            "filterBranches": [],
                            "filters": [{"filterType": "IN_LIST", "listId": used.id, "operator": "IN_LIST"}],
                        }
                    ],
                },
            },
        },
    )
    assets.insert_workflow(sandbox.sandbox, {"name": "Unrelated"})
    assets.insert_marketing_email(
        sandbox.sandbox,
        {"name": "Newsletter", "to": {"contactIlsLists": {"include": [used.id], "exclude": [suppressed.id]}}},
    )
    flows = {f.name: f for f in portal.workflows()}
    assert sorted(flows["Nurture"].list_ids) == sorted([used.id, suppressed.id])
    assert flows["Unrelated"].list_ids == []
    (email,) = portal.marketing_emails()
    assert email.include_list_ids == [used.id] and email.exclude_list_ids == [suppressed.id]
    assert set(email.list_ids) == {used.id, suppressed.id}
