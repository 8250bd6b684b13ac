"""A list definition and its CRM-search translation select exactly the same contacts.

Checked on a seeded sandbox through the official SDK: the list's members (HubSpot's list engine)
against the search results (HubSpot's search), for every catalog segment that translates.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

import hubspot
from segment_lists.domain.catalog import CatalogContext, IcpLocation, catalog_segments
from segment_lists.domain.interview import Answers, PartnerMarker, Signal
from segment_lists.domain.search_translation import to_search_groups
from segment_lists.sandbox import RunningSandbox, seed_demo

ZONE = "America/New_York"


def _members(sdk: hubspot.HubSpot, list_id: str) -> set[int]:
    deadline = time.monotonic() + 30
    while sdk.crm.lists.lists_api.get_by_id(list_id=list_id).list.processing_status != "COMPLETE":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    ids: set[int] = set()
    after = None
    while True:
        page = sdk.crm.lists.memberships_api.get_page(list_id=list_id, after=after, limit=250)
        ids.update(int(item.record_id) for item in page.results)
        if not page.paging or not page.paging.next:
            return ids
        after = page.paging.next.after


def _search(sdk: hubspot.HubSpot, groups: list[dict]) -> set[int]:
    ids: set[int] = set()
    after = None
    while True:
        body = {"filterGroups": groups, "limit": 200, "properties": ["hs_object_id"]}
        if after:
            body["after"] = after
        page = sdk.crm.contacts.search_api.do_search(body)
        ids.update(int(item.id) for item in page.results)
        if not page.paging or not page.paging.next:
            return ids
        after = page.paging.next.after


@pytest.fixture(scope="module")
def seeded() -> RunningSandbox:
    with RunningSandbox() as running:
        seed_demo(running.sandbox, contacts=1500, seed=7)
        yield running


def test_every_translatable_catalog_segment_matches_its_list(seeded: RunningSandbox) -> None:
    sdk = hubspot.HubSpot(access_token="t", host=seeded.base_url)
    answers = Answers(
        families=["core", "icp", "regions", "engagement"],
        partner_marker=PartnerMarker(property="contact_type", values=["partner"]),
        signals=[Signal(kind="email_open", window_days=60), Signal(kind="email_click", window_days=90)],
        competitor_domains=["rivalsoft.example"],
    )
    # ICP on the contact, so the ICP lists are translatable too (the company form is an ASSOCIATION).
    context = CatalogContext(
        zone=ZONE,
        own_domains=["sandbox-portal.example"],
        icp=IcpLocation(property="contact_type", object="contact", tier_values=["partner", "prospect", "vendor"]),
    )
    checked = 0
    for segment in catalog_segments(answers, context):
        if segment.filter_branch is None:
            continue
        groups = to_search_groups(segment.filter_branch, now=datetime.now(UTC), zone=ZONE)
        if groups is None:
            continue
        created = sdk.crm.lists.lists_api.create(
            {
                "name": f"check {segment.key}",
                "objectTypeId": "0-1",
                "processingType": "DYNAMIC",
                "filterBranch": segment.filter_branch,
            }
        )
        members = _members(sdk, created.list.list_id)
        assert _search(sdk, groups) == members, segment.key
        checked += 1
    assert checked >= 12  # core (4), ICP (4), regions (5), engagement (3) minus none


def test_untranslatable_definitions_say_so() -> None:
    context = CatalogContext(
        icp=IcpLocation(
            property="hs_ideal_customer_profile", object="company", tier_values=["tier_1", "tier_2", "tier_3"]
        )
    )
    [tier_1, *_] = catalog_segments(Answers(families=["icp"]), context)
    assert to_search_groups(tier_1.filter_branch, now=datetime.now(UTC)) is None  # ASSOCIATION branch
