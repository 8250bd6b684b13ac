"""The planner as a pure function: facts stated directly, no portal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from segment_lists.domain.catalog import IcpLocation
from segment_lists.domain.facts import ExistingList, PortalFacts, PropertyInfo
from segment_lists.domain.interview import Answers, IcpMarker, PartnerMarker
from segment_lists.domain.planner import build_plan, facts_needed
from segment_lists.filters import definition_key, validate_filter_branch

DEFAULTS = Path(__file__).resolve().parents[1] / "server/segment_lists/data/hubspot-default-properties.json"


def _properties(object_name: str) -> dict[str, PropertyInfo]:
    data = json.loads(DEFAULTS.read_text())[object_name]["properties"]
    return {
        prop["name"]: PropertyInfo(
            name=prop["name"],
            label=prop["label"],
            type=prop["type"],
            field_type=prop.get("fieldType", ""),
            options={o["value"]: o["label"] for o in prop.get("options", [])},
        )
        for prop in data
    }


def facts(**overrides: object) -> PortalFacts:
    base = PortalFacts(
        portal_id="123",
        time_zone="America/New_York",
        total_contacts=1000,
        total_companies=100,
        contact_properties=_properties("contacts"),
        company_properties=_properties("companies"),
        fill_counts={
            "company.hs_ideal_customer_profile": 60,
            "contact.lifecyclestage": 900,
            "company.industry": 90,
            "contact.country": 300,
        },
        value_counts={"contact.lifecyclestage": {"customer": 100, "lead": 800}},
        user_email_domains=["acme.com", "gmail.com"],
        teams={"Marketing": 11, "Sales": 12},
    )
    return base.model_copy(update=overrides)


def test_default_plan_detects_icp_and_builds_valid_definitions() -> None:
    plan = build_plan(Answers(competitor_domains=["rival.com"]), facts())
    assert plan.prerequisites.icp == IcpLocation(
        property="hs_ideal_customer_profile",
        object="company",
        tier_values=["tier_1", "tier_2", "tier_3"],
        tier_labels=plan.prerequisites.icp.tier_labels,
    )
    keys = [item.key for item in plan.items]
    assert keys[:5] == ["core.customers", "core.partners", "core.competitors", "core.internal", "core.suppressed"]
    assert {"icp.tier_1", "icp.non_icp", "engagement.never_engaged"} <= set(keys)
    for item in plan.items:
        if item.filter_branch is not None:
            assert validate_filter_branch(item.filter_branch) == [], item.key
    partners = plan.item("core.partners")
    assert partners.action == "needs-input" and "partners" in partners.question
    # HubSpot's default company 'Type' has Partner and Reseller options: proposed, not applied.
    assert 'company property "Type" (type) = "Partner" (PARTNER)' in partners.question
    assert plan.item("core.internal").filter_branch is not None
    assert plan.prerequisites.own_domains == ["acme.com"]  # gmail.com is not anybody's own domain
    assert any(w.code == "own-domains-assumed" for w in plan.warnings)
    assert plan.item("core.customers").expected_range == (0, 600)
    assert "icp-tiers" in plan.item("icp.tier_2").exclusivity_groups


def test_plan_id_is_stable_and_depends_on_answers() -> None:
    first = build_plan(Answers(), facts())
    assert build_plan(Answers(), facts()).plan_id == first.plan_id
    assert build_plan(Answers(disengaged_after_days=200), facts()).plan_id != first.plan_id


def test_reuse_rename_conflict_against_existing_lists() -> None:
    base = build_plan(
        Answers(partner_marker=PartnerMarker(property="type", values=["PARTNER"], object="company")), facts()
    )
    customers = base.item("core.customers")
    existing = [
        ExistingList(
            list_id="7", name="Customers (old)", processing_type="DYNAMIC", filter_branch=customers.filter_branch
        ),
        ExistingList(
            list_id="8",
            name="[Core] - Suppressed Contacts",
            processing_type="DYNAMIC",
            filter_branch={"filterBranchType": "OR", "filters": [], "filterBranches": []},
        ),
        ExistingList(list_id="9", name="Core: Internal Employee", processing_type="DYNAMIC", filter_branch=None),
    ]
    plan = build_plan(
        Answers(partner_marker=PartnerMarker(property="type", values=["PARTNER"], object="company")),
        facts(existing_lists=existing),
    )
    assert (plan.item("core.customers").action, plan.item("core.customers").existing_list_id) == ("reuse", "7")
    suppressed = plan.item("core.suppressed")
    assert suppressed.action == "rename" and suppressed.name == "[Core] - Suppressed Contacts (2)"
    internal = plan.item("core.internal")
    assert internal.action == "conflict" and internal.existing_list_id == "9"
    assert plan.item("core.partners").action == "create"


def test_definition_key_ignores_order_and_normalization() -> None:
    a = {
        "filterBranchType": "OR",
        "filterBranches": [
            {
                "filterBranchType": "AND",
                "filters": [
                    {
                        "filterType": "PROPERTY",
                        "property": "x",
                        "operation": {"operationType": "BOOL", "operator": "IS_EQUAL_TO", "value": True},
                    },
                    {
                        "filterType": "PROPERTY",
                        "property": "y",
                        "operation": {
                            "operationType": "BOOL",
                            "operator": "IS_EQUAL_TO",
                            "value": True,
                            "includeObjectsWithNoValueSet": False,
                        },
                    },
                ],
            }
        ],
    }
    b = json.loads(json.dumps(a))
    b["filterBranches"][0]["filters"].reverse()
    assert definition_key(a) == definition_key(b)


def test_missing_icp_property_is_a_question_not_a_guess() -> None:
    plan = build_plan(Answers(), facts(fill_counts={}))
    assert plan.item("icp.tier_1").action == "needs-input"
    assert any(w.code == "icp-property-missing" for w in plan.warnings)
    named = build_plan(Answers(icp_marker=IcpMarker(property="nope")), facts())
    assert named.item("icp.tier_1").action == "needs-input"


def test_industries_are_mapped_and_shown() -> None:
    plan = build_plan(Answers(families=["industries"], industries=["Logistics", "Widgets"]), facts())
    logistics, widgets = plan.industry_mapping
    assert "LOGISTICS_AND_SUPPLY_CHAIN" in logistics.values and widgets.values == []
    assert plan.item("industry.logistics").action == "create"
    assert plan.item("industry.widgets").action == "needs-input"
    assert any(w.code == "industry-unmapped" for w in plan.warnings)


def test_lifecycle_and_fill_warnings() -> None:
    plan = build_plan(Answers(families=["core", "regions"]), facts())
    codes = {w.code for w in plan.warnings}
    assert "lifecycle-cleanup" in codes  # 100 contacts have no stage
    assert "property-sparse" in codes  # country at 30%


@pytest.mark.parametrize("families", [["core"], ["icp"], ["engagement"], ["size", "regions"]])
def test_facts_needed_only_asks_for_what_exists(families: list[str]) -> None:
    request = facts_needed(Answers(families=families), {"contact": {"lifecyclestage"}, "company": set()})
    assert request.fill == ["contact.lifecyclestage"] and request.values == ["contact.lifecyclestage"]


def test_partner_candidates_are_proposed_not_applied() -> None:
    contact_props = _properties("contacts")
    contact_props["contact_type"] = PropertyInfo(
        name="contact_type",
        label="Contact type",
        type="enumeration",
        options={"partner": "Partner", "vendor": "Vendor"},
    )
    plan = build_plan(Answers(), facts(contact_properties=contact_props))
    partners = plan.item("core.partners")
    assert partners.action == "needs-input"
    assert 'contact property "Contact type" (contact_type) = "Partner" (partner)' in partners.question
