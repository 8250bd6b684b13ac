"""The deterministic CRM seeder: reproducible, realistic, and its summary tells the truth."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

import hubspot
from segment_lists.sandbox import (
    RunningSandbox,
    Sandbox,
    SandboxConfig,
    associations,
    crm_properties,
    records,
)
from segment_lists.sandbox.seed.crm_data import SeedSummary, seed_crm

NOW = datetime(2025, 9, 1, 12, tzinfo=UTC)


def frozen() -> Sandbox:
    return Sandbox(SandboxConfig(frozen_now=NOW))


def dump(portal: Sandbox, object_type: str) -> list[tuple[int, dict[str, str]]]:
    return [(r.id, dict(r.properties)) for r in records.iter_records(portal, object_type)]


@pytest.fixture(scope="module")
def seeded() -> tuple[Sandbox, SeedSummary]:
    portal = frozen()
    return portal, seed_crm(portal, contacts=3000, companies=150, seed=42)


def test_same_seed_same_data() -> None:
    a, b, c = frozen(), frozen(), frozen()
    seed_crm(a, contacts=300, companies=20, seed=1)
    seed_crm(b, contacts=300, companies=20, seed=1)
    seed_crm(c, contacts=300, companies=20, seed=2)
    assert dump(a, "0-1") == dump(b, "0-1") and dump(a, "0-2") == dump(b, "0-2")
    assert dump(a, "0-1") != dump(c, "0-1")


def test_summary_matches_the_records(seeded: tuple[Sandbox, SeedSummary]) -> None:
    portal, summary = seeded
    contacts = list(records.iter_records(portal, "0-1"))
    companies = {r.id: r for r in records.iter_records(portal, "0-2")}
    assert len(contacts) == summary.contacts and len(companies) == summary.companies
    assert sorted(c.properties["domain"] for c in companies.values()) == sorted(summary.company_domains)

    domain = Counter(c.properties["hs_email_domain"] for c in contacts)
    assert domain[summary.internal_domain] == summary.internal_employees > 0
    assert sum(domain[d] for d in summary.competitor_domains) == summary.competitor_contacts
    overlap = [
        c
        for c in contacts
        if c.properties["hs_email_domain"] in summary.competitor_domains
        and c.properties.get("lifecyclestage") == "customer"
    ]
    assert len(overlap) == summary.competitor_customers > 0

    linked = {c.id: associations.associated(portal, "0-1", c.id, "0-2") for c in contacts}
    assert sum(1 for v in linked.values() if not v) == summary.contacts_without_company
    several = [v for v in linked.values() if len(v) >= 2]
    assert len(several) == summary.contacts_with_several_companies > 0
    assert any(len(v) == 3 for v in several)  # some have two companies besides their primary one
    for links in several:
        assert sum(1 for types in links.values() if 1 in types) == 1  # exactly one primary company
        tiers = {companies[i].properties.get("hs_ideal_customer_profile") for i in links}
        assert len(tiers - {None}) >= 2  # at least two different, known ICP tiers
    for contact in contacts:
        primary = [i for i, types in linked[contact.id].items() if 1 in types]
        assert contact.properties.get("associatedcompanyid") == (str(primary[0]) if primary else None)


def test_data_is_realistic(seeded: tuple[Sandbox, SeedSummary]) -> None:
    portal, summary = seeded
    contacts = list(records.iter_records(portal, "0-1"))
    companies = list(records.iter_records(portal, "0-2"))
    stages = Counter(c.properties.get("lifecyclestage") for c in contacts)
    assert stages[summary.custom_lifecycle_stage] > 0 and stages[None] > 0 and stages["customer"] > 0
    allowed = {o["value"] for o in crm_properties.get_property(portal, "0-1", "lifecyclestage")["options"]}
    assert set(stages) - {None} <= allowed
    industries = {o["value"] for o in crm_properties.get_property(portal, "0-2", "industry")["options"]}
    assert {c.properties.get("industry") for c in companies} - {None} <= industries
    tiers = Counter(c.properties.get("hs_ideal_customer_profile") for c in companies)
    assert set(tiers) == {"tier_1", "tier_2", "tier_3", None}
    assert {c.properties.get("hs_marketable_status") for c in contacts} == {"true", "false"}
    clicks_only = [
        c
        for c in contacts
        if "hs_email_last_click_date" in c.properties and "hs_email_last_open_date" not in c.properties
    ]
    assert clicks_only
    created = sorted(c.properties["createdate"] for c in contacts)
    assert created[0] >= (NOW - timedelta(days=731)).isoformat()[:10] and created[-1] <= NOW.isoformat()
    assert created[0][:4] != created[-1][:4]  # spread over time, not one moment
    at_company_domain = sum(1 for c in contacts if c.properties["hs_email_domain"] in set(summary.company_domains))
    assert at_company_domain > len(contacts) // 3
    history = records.property_history(portal, "0-1", contacts[0].id, ["createdate"])
    assert history["createdate"][0][0] == contacts[0].properties["createdate"]


def test_seeded_portal_serves_the_sdk(sandbox: RunningSandbox, sdk: hubspot.HubSpot) -> None:
    started = time.monotonic()
    summary = seed_crm(sandbox.sandbox, contacts=20_000, companies=500, seed=5)
    assert time.monotonic() - started < 30  # bulk path: 100k contacts take seconds
    page = sdk.crm.contacts.basic_api.get_page(limit=100, properties=["lifecyclestage"])
    assert len(page.results) == 100 and page.paging.next.after
    customers = sdk.crm.contacts.search_api.do_search(
        {"filterGroups": [{"filters": [{"propertyName": "lifecyclestage", "operator": "EQ", "value": "customer"}]}]}
    )
    expected = sum(
        1 for r in records.iter_records(sandbox.sandbox, "0-1") if r.properties.get("lifecyclestage") == "customer"
    )
    assert customers.total == expected > 0
    assert summary.contacts == 20_000
