"""Team visibility as HubSpot does it (issue 11, item 5).

Per-list access exists on Enterprise portals only. There, the named teams get view and edit access
(HubSpot's "Specific users and teams"), lists every team needs as exclusions stay visible to everyone
unless the user asks (and is warned), and each created list's access is read back and reported. On a
portal without per-list access the plan says so and nothing about access is sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reliability_harness import runtime_for, seeded_sandbox
from segment_lists.domain.interview import Answers
from segment_lists.sandbox import DemoSummary, RunningSandbox, SandboxConfig
from segment_lists.workflow.apply import apply_items, select_items
from segment_lists.workflow.gather import per_list_access_of
from segment_lists.workflow.proposal import propose

MARKETING = 101  # the sandbox's Marketing team


def portal_on(tier: str) -> Iterator[tuple[RunningSandbox, DemoSummary]]:
    running, demo = seeded_sandbox(SandboxConfig(tier=tier), contacts=150)  # type: ignore[arg-type]
    yield running, demo
    running.stop()


@pytest.fixture
def enterprise() -> Iterator[tuple[RunningSandbox, DemoSummary]]:
    yield from portal_on("enterprise")


@pytest.fixture
def professional() -> Iterator[tuple[RunningSandbox, DemoSummary]]:
    yield from portal_on("professional")


def answers(demo: DemoSummary, **more: object) -> Answers:
    return Answers.model_validate(
        {
            "families": ["core"],
            "competitor_domains": demo.crm.competitor_domains,
            "own_domains": ["sandbox-portal.example"],
            "partner_marker": {"property": "contact_type", "values": ["partner"]},
            "edit_teams": ["Marketing"],
            **more,
        }
    )


def test_enterprise_restricts_to_the_team_keeps_exclusion_lists_open_and_reads_access_back(
    enterprise: tuple[RunningSandbox, DemoSummary], tmp_path: Path
) -> None:
    running, demo = enterprise
    rt = runtime_for(running.base_url, tmp_path / "state")
    assert per_list_access_of(rt) == (True, "enterprise, from its daily API allowance of 1,000,000")
    plan = propose(rt, answers(demo), estimate=False)
    assert "view and edit: Marketing (101); other teams and users: no access" in plan.access_note
    kept = plan.access_note.split("no access.")[1]
    assert "Suppressed Contacts" in kept and "Internal Employees" in kept and "stay visible to everyone" in kept
    assert plan.item("core.customers").access.team_ids == [] or plan.item("core.customers").action == "reuse"
    assert plan.item("core.suppressed").access.mode == "everyone"
    assert plan.item("core.internal").access.mode == "everyone"
    result = apply_items(rt, plan, select_items(plan, None))
    created = {item.key: item for item in result.items if item.outcome == "created"}
    assert created["core.partners"].access == "view and edit: team Marketing (101); other teams and users: no access"
    assert created["core.internal"].access == "everyone can view and edit"
    # What HubSpot stored, read independently.
    stored = rt.portal.get_list(created["core.partners"].list_id or "", include_filters=False).list_permissions
    assert stored is not None and stored.teams_with_edit_access == [str(MARKETING)]
    rt.close()


def test_restricting_an_exclusion_list_is_warned_before_it_happens(
    enterprise: tuple[RunningSandbox, DemoSummary], tmp_path: Path
) -> None:
    running, demo = enterprise
    rt = runtime_for(running.base_url, tmp_path / "state")
    plan = propose(rt, answers(demo, restrict_exclusion_lists=True), estimate=False)
    warned = {key for w in plan.warnings if w.code == "exclusion-list-restricted" for key in w.segment_keys}
    assert warned == {"core.suppressed", "core.internal"}
    assert plan.item("core.suppressed").access.team_ids == [MARKETING]
    rt.close()


def test_without_per_list_access_the_plan_says_so_and_sends_nothing(
    professional: tuple[RunningSandbox, DemoSummary], tmp_path: Path
) -> None:
    running, demo = professional
    rt = runtime_for(running.base_url, tmp_path / "state")
    plan = propose(rt, answers(demo), estimate=False)
    assert plan.access_note.startswith("This portal has no per-list access (professional")
    assert "visible to and editable by everyone" in plan.access_note
    assert any(w.code == "per-list-access-unavailable" for w in plan.warnings)
    assert all(item.access.mode == "everyone" for item in plan.items)
    result = apply_items(rt, plan, select_items(plan, None))  # the strict sandbox would refuse any grant
    assert not [item for item in result.items if item.outcome == "failed"]
    assert {item.access for item in result.items if item.outcome == "created"} == {"everyone can view and edit"}
    rt.close()


def test_an_explicit_setting_decides_when_the_headers_cannot(tmp_path: Path) -> None:
    running, demo = seeded_sandbox(
        SandboxConfig(token_kinds={"pat-na1-11111111-reliability-harness": "oauth"}), contacts=50
    )
    try:
        rt = runtime_for(running.base_url, tmp_path / "state")
        rt.portal.count("contacts")
        available, how = per_list_access_of(rt)  # OAuth: no daily figure to tell the subscription by
        assert available is None and "no daily API allowance" in how
        plan = propose(rt, answers(demo), estimate=False)
        assert any(w.code == "per-list-access-unknown" for w in plan.warnings)
        assert all(item.access.mode == "everyone" for item in plan.items)
        rt.close()
    finally:
        running.stop()
