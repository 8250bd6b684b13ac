"""The plan only sends what the portal accepts (issue 11, item 3).

Every catalog family and option is planned against a strict sandbox and every list created through
the product's own portal client: HubSpot's strict reading refuses nothing. A definition the portal
would refuse (a partner property it does not have, an operation that does not fit, a value that is no
option) comes back `needs-input` with the reason and what to answer; a custom list is re-checked by
create_list and refused with nothing created.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from mcp_support import call, failing, seeded_portal
from reliability_harness import runtime_for, seeded_sandbox
from segment_lists.domain.interview import Answers
from segment_lists.sandbox import DemoSummary, RunningSandbox, SandboxConfig
from segment_lists.workflow.apply import apply_items, select_items
from segment_lists.workflow.proposal import propose
from segment_lists.workflow.runtime import Runtime

EVERY_SIGNAL = [
    {"kind": kind, "window_days": 60}
    for kind in ("email_open", "email_click", "website_visit", "form_submission", "meeting_booked")
]
OPTION_SETS: dict[str, dict[str, Any]] = {
    "every family, primary company, HubSpot's partner marker": {
        "families": ["core", "icp", "industries", "size", "regions", "engagement"],
        "industries": ["Software", "Banking", "Retail"],
        "own_domains": ["sandbox-portal.example"],
        "partner_marker": {"property": "type", "values": ["PARTNER", "RESELLER"], "object": "company"},
        "signals": EVERY_SIGNAL,
        "company_association": "primary",
        "size_bands": [50, 500],
    },
    "any company, custom contact marker, own regions, Chinese names": {
        "families": ["core", "icp", "size", "regions", "engagement"],
        "partner_marker": {"property": "contact_type", "values": ["partner", "vendor"]},
        "icp_marker": {"property": "hs_ideal_customer_profile", "object": "company"},
        "regions": {"DACH": ["Germany", "Austria", "Switzerland"], "Americas": ["United States", "Brazil"]},
        "company_association": "any",
        "language": "zh",
        "naming": "{category} / {name}",
        "disengaged_after_days": 365,
        "never_engaged_min_age_days": 0,
    },
}


@pytest.fixture
def portal() -> Iterator[tuple[RunningSandbox, DemoSummary]]:
    running, demo = seeded_sandbox(SandboxConfig(), contacts=300)  # strict: the default
    yield running, demo
    running.stop()


def runtime(running: RunningSandbox, tmp_path: Path) -> Runtime:
    return runtime_for(running.base_url, tmp_path / "state")


@pytest.mark.parametrize("options", sorted(OPTION_SETS))
def test_every_catalog_family_and_option_is_accepted_by_the_strict_sandbox(
    portal: tuple[RunningSandbox, DemoSummary], tmp_path: Path, options: str
) -> None:
    running, demo = portal
    rt = runtime(running, tmp_path)
    answers = Answers.model_validate({**OPTION_SETS[options], "competitor_domains": demo.crm.competitor_domains})
    plan = propose(rt, answers, estimate=False)
    assert [i.key for i in plan.items if i.action == "needs-input"] == [], [i.question for i in plan.items]
    assert not [w for w in plan.warnings if w.code == "definition-refused"]
    result = apply_items(rt, plan, select_items(plan, None))
    failed = {item.key: item.message for item in result.items if item.outcome == "failed"}
    assert failed == {}  # nothing the plan sent was refused
    created = [item for item in result.items if item.outcome == "created"]
    assert len(created) >= 15
    families = {key.split(".")[0] for key in (i.key for i in created)}
    assert {"core", "icp", "size", "region", "engagement"} <= families
    rt.close()


def plan_item(rt: Runtime, key: str, **answers: Any) -> Any:
    plan = propose(rt, Answers.model_validate(answers), estimate=False)
    return plan, plan.item(key)


@pytest.mark.parametrize(
    ("marker", "words"),
    [
        ({"property": "partner_flag", "values": ["yes"]}, 'property "partner_flag" does not exist on contacts'),
        (
            {"property": "hs_email_open", "values": ["1"]},
            'operationType ENUMERATION does not fit property "hs_email_open" of type number',
        ),
        ({"property": "contact_type", "values": ["Partner"]}, '"Partner" (did you mean "partner"?) is not an option'),
        (
            {"property": "type", "values": ["PARTNER"], "object": "contact"},
            'property "type" does not exist on contacts',
        ),
    ],
)
def test_a_partner_marker_the_portal_refuses_is_needs_input_with_the_reason(
    portal: tuple[RunningSandbox, DemoSummary], tmp_path: Path, marker: dict[str, Any], words: str
) -> None:
    running, _ = portal
    rt = runtime(running, tmp_path)
    plan, partners = plan_item(rt, "core.partners", partner_marker=marker)
    assert partners.action == "needs-input"
    assert words in partners.reason
    assert partners.question is not None and words in partners.question
    assert "partner_marker" in partners.question and "(type) = Partner (PARTNER)" in partners.question
    assert partners.question in plan.open_questions
    assert any(w.code == "definition-refused" and w.segment_keys == ["core.partners"] for w in plan.warnings)
    # Nothing that needs input is applied.
    assert "core.partners" not in {i.key for i in select_items(plan, None)}
    rt.close()


def test_create_list_rechecks_a_custom_definition_and_creates_nothing(tmp_path: Path) -> None:
    branch = {
        "filterBranchType": "OR",
        "filters": [],
        "filterBranches": [
            {
                "filterBranchType": "AND",
                "filterBranches": [],
                "filters": [
                    {
                        "filterType": "PROPERTY",
                        "property": "numberofemployees",
                        "operation": {"operationType": "NUMBER", "operator": "IS_GREATER_THAN", "value": 10},
                    }
                ],
            }
        ],
    }

    async def run(portal: Any) -> tuple[str, dict[str, Any]]:
        before = portal.lists()
        async with portal.client(confirmation="token") as client:
            custom = {"name": "Big contacts", "processing_type": "DYNAMIC", "filter_branch": branch}
            text = await failing(client, "create_list", {"custom": custom})
            # The same property on the company, through the primary company: accepted.
            company = {
                "filterBranchType": "ASSOCIATION",
                "objectTypeId": "0-2",
                "operator": "IN_LIST",
                "associationTypeId": 1,
                "associationCategory": "HUBSPOT_DEFINED",
                "filters": branch["filterBranches"][0]["filters"],
                "filterBranches": [],
            }
            fixed = {
                **branch,
                "filterBranches": [{"filterBranchType": "AND", "filters": [], "filterBranches": [company]}],
            }
            asked = await call(client, "create_list", {"custom": {**custom, "filter_branch": fixed}})
        assert portal.lists() == before  # the refused definition created nothing
        return text, asked

    with seeded_portal(tmp_path, contacts=100) as portal:
        text, asked = anyio.run(run, portal)
    assert 'property "numberofemployees" does not exist on contacts' in text
    assert "filterBranch.filterBranches[0].filters[0]" in text
    assert asked["status"] == "confirmation_required"
