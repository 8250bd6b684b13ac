"""The planner as a pure function: facts stated directly, no portal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from segment_lists.domain.catalog import IcpLocation
from segment_lists.domain.clashes import Evidence
from segment_lists.domain.facts import ExistingList, PortalFacts, PropertyInfo
from segment_lists.domain.interview import Answers, IcpMarker, PartnerMarker
from segment_lists.domain.plan import MembershipChange
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


PARTNERS = PartnerMarker(property="type", values=["PARTNER"], object="company")


def _clashing(customers_branch: dict) -> list[ExistingList]:
    return [
        ExistingList(list_id="7", name="Customers (old)", processing_type="DYNAMIC", filter_branch=customers_branch),
        ExistingList(
            list_id="8",
            name="[Core] - Suppressed Contacts",
            processing_type="DYNAMIC",
            filter_branch={"filterBranchType": "OR", "filters": [], "filterBranches": []},
        ),
        ExistingList(list_id="9", name="Core: Internal Employee", processing_type="DYNAMIC", filter_branch=None),
        ExistingList(list_id="10", name="[Core] - Competitors", processing_type="MANUAL"),
    ]


def test_every_clash_is_a_question_never_a_duplicate() -> None:
    base = build_plan(Answers(partner_marker=PARTNERS, competitor_domains=["rival.com"]), facts())
    existing = _clashing(base.item("core.customers").filter_branch)
    plan = build_plan(
        Answers(partner_marker=PARTNERS, competitor_domains=["rival.com"]), facts(existing_lists=existing)
    )
    customers, suppressed, internal = (plan.item(k) for k in ("core.customers", "core.suppressed", "core.internal"))
    # Same definition, another name: adopt is recommended (and nothing is done until the user answers).
    assert customers.action == "conflict" and customers.clash.kind == "same-definition"
    assert [o.choice for o in customers.clash.options] == ["adopt", "reuse", "create-anyway", "skip"]
    assert customers.clash.options[0].recommended and "Recommended: adopt" in customers.question
    # The name is taken by another definition: merge or move aside, never "(2)" by default.
    assert suppressed.action == "conflict" and suppressed.clash.kind == "same-name"
    assert {o.choice for o in suppressed.clash.options} == {"merge", "move-aside", "create-anyway", "skip"}
    # Who uses the list is not known to the pure planner: the safe option is recommended.
    assert suppressed.clash.recommended == "move-aside"
    assert internal.action == "conflict" and internal.clash.kind == "similar-name"
    # A static list that already has the static segment's name is simply reused (matches are added).
    assert plan.item("core.competitors").action == "reuse" and plan.item("core.competitors").existing_list_id == "10"
    assert not any(item.name.endswith("(2)") for item in plan.items)
    assert plan.item("core.partners").action == "create"
    assert {"core.customers", "core.suppressed", "core.internal"} <= {
        key for key in (i.key for i in plan.items) if plan.item(key).question
    }


def test_choices_turn_clashes_into_actions() -> None:
    base = build_plan(Answers(partner_marker=PARTNERS), facts())
    existing = _clashing(base.item("core.customers").filter_branch)
    choices = {"core.customers": "adopt", "core.suppressed": "move-aside", "core.internal": "merge"}
    plan = build_plan(Answers(partner_marker=PARTNERS, choices=choices), facts(existing_lists=existing))
    customers, suppressed, internal = (plan.item(k) for k in ("core.customers", "core.suppressed", "core.internal"))
    assert (customers.action, customers.existing_list_id, customers.rename_existing_to) == (
        "adopt",
        "7",
        "[Core] - All Customers",
    )
    assert (suppressed.action, suppressed.name, suppressed.rename_existing_to) == (
        "move-aside",
        "[Core] - Suppressed Contacts",
        "[Core] - Suppressed Contacts (legacy)",
    )
    assert (internal.action, internal.existing_list_id, internal.rename_existing_to) == (
        "merge",
        "9",
        "[Core] - Internal Employees",
    )
    # Explicit create-anyway is the only way to a second list, under a free name.
    anyway = build_plan(
        Answers(partner_marker=PARTNERS, choices={"core.suppressed": "create-anyway"}), facts(existing_lists=existing)
    )
    assert (anyway.item("core.suppressed").action, anyway.item("core.suppressed").name) == (
        "create",
        "[Core] - Suppressed Contacts (2)",
    )
    # A choice the clash does not offer waits, with the options named; unknown keys are reported.
    wrong = build_plan(
        Answers(partner_marker=PARTNERS, choices={"core.customers": "merge", "core.nope": "skip"}),
        facts(existing_lists=existing),
    )
    assert wrong.item("core.customers").action == "conflict" and "not possible" in wrong.item("core.customers").reason
    assert any(w.code == "choice-unknown-item" and "core.nope" in w.message for w in wrong.warnings)
    assert wrong.plan_id != plan.plan_id
    # Skip works on any item; a list the library holds for the segment is reused without a question.
    ours = [
        *existing,
        ExistingList(list_id="11", name="Whatever", processing_type="DYNAMIC", segment_key="core.partners"),
    ]
    mine = build_plan(Answers(partner_marker=PARTNERS, choices={"core.customers": "skip"}), facts(existing_lists=ours))
    assert mine.item("core.customers").action == "skip"
    assert (mine.item("core.partners").action, mine.item("core.partners").existing_list_id) == ("reuse", "11")


def test_a_clash_with_dependents_recommends_moving_aside_and_merge_when_unused() -> None:
    base = build_plan(Answers(partner_marker=PARTNERS), facts())
    existing = _clashing(base.item("core.customers").filter_branch)
    change = MembershipChange(joins=12, leaves=3, note="exact")
    used = build_plan(
        Answers(partner_marker=PARTNERS),
        facts(existing_lists=existing),
        {"8": Evidence(dependents=["workflow 'Nurture' (id 5): active workflow refers to this list"])},
    )
    assert used.item("core.suppressed").clash.recommended == "move-aside"
    assert "Nurture" in used.item("core.suppressed").question
    unused = build_plan(
        Answers(partner_marker=PARTNERS), facts(existing_lists=existing), {"8": Evidence(membership_change=change)}
    )
    suppressed = unused.item("core.suppressed")
    assert suppressed.clash.recommended == "merge" and suppressed.clash.options[0].choice == "merge"
    assert "about 12 contacts join and 3 leave" in suppressed.clash.options[0].consequence
    assert unused.plan_id == used.plan_id  # evidence shapes advice, not the plan


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


def test_prerequisites_say_what_is_wrong_with_counts_and_what_to_do_in_hubspot() -> None:
    plan = build_plan(Answers(competitor_domains=["rival.com"]), facts(fill_counts={"contact.lifecyclestage": 900}))
    icp = next(w for w in plan.warnings if w.code == "icp-property-missing")
    # The default company property exists but no company has a tier: said with the count, and the fix.
    assert '"Ideal Customer Profile Tier" (hs_ideal_customer_profile) is set on 0 of 100 companies' in icp.message
    assert "In HubSpot" in icp.message and "icp_marker" in icp.message
    lifecycle = next(w for w in plan.warnings if w.code == "lifecycle-cleanup")
    assert "100 of 1000 contacts (10%) have no lifecycle stage" in lifecycle.message
    assert "Lifecycle stage is unknown" in lifecycle.message
    # What can be planned without them is planned.
    assert plan.item("icp.tier_1").action == "needs-input"
    assert plan.item("core.customers").action == "create" and plan.item("engagement.never_engaged").action == "create"
    texts = [w.message for w in plan.warnings] + [i.question or "" for i in plan.items]
    assert not any("/create-icp-tiers" in t or "/fix-lifecycle-stages" in t for t in texts)


def test_a_merge_sends_only_filters_the_portal_accepts() -> None:
    # A merge gives an existing list the catalog's filters: they are checked against the portal's schema
    # like a new list's, and a definition HubSpot would refuse waits for an answer instead of being sent.
    marker = PartnerMarker(property="type", values=["NOT_A_TYPE"], object="company")
    existing = [ExistingList(list_id="21", name="[Core] - All Partners", processing_type="DYNAMIC", filter_branch=None)]
    plan = build_plan(
        Answers(partner_marker=marker, choices={"core.partners": "merge"}), facts(existing_lists=existing)
    )
    partners = plan.item("core.partners")
    assert partners.action == "needs-input" and "HubSpot would refuse this definition" in partners.reason
    assert "NOT_A_TYPE" in partners.reason and partners.question
    assert any(w.code == "definition-refused" and w.segment_keys == ["core.partners"] for w in plan.warnings)
    # With a value the portal has, the same answer is a merge.
    good = PartnerMarker(property="type", values=["PARTNER"], object="company")
    merged = build_plan(
        Answers(partner_marker=good, choices={"core.partners": "merge"}), facts(existing_lists=existing)
    )
    assert (merged.item("core.partners").action, merged.item("core.partners").existing_list_id) == ("merge", "21")
