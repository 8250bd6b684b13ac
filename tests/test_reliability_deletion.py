"""Deletion safety (issue 5, item 3): foreign lists, dependents with their names, scopes that do
not allow the check ("could not check", never "not used"), restore, and the journal of both.

Runs the workflow functions against a demo-seeded sandbox over HTTP; dependents (a workflow, a
marketing email, another list's IN_LIST filter) are planted with the sandbox's own services.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reliability_harness import TOKEN, demo_answers, portal_lists, runtime_for, seeded_sandbox
from segment_lists.filters import and_, in_list, or_
from segment_lists.sandbox import ALL_SCOPES, DemoSummary, RunningSandbox, SandboxConfig, assets, lists_service
from segment_lists.workflow.apply import ApplyResult, apply_items, select_items
from segment_lists.workflow.dependencies import find_dependents
from segment_lists.workflow.proposal import propose
from segment_lists.workflow.rollback import delete_list, restore_list, rollback_run
from segment_lists.workflow.runtime import Runtime


@pytest.fixture
def portal(request: pytest.FixtureRequest) -> Iterator[tuple[RunningSandbox, DemoSummary]]:
    config = getattr(request, "param", None) or SandboxConfig()
    running, demo = seeded_sandbox(config)
    yield running, demo
    running.stop()


def applied(rt: Runtime, demo: DemoSummary) -> ApplyResult:
    plan = propose(rt, demo_answers(demo))
    return apply_items(rt, plan, select_items(plan, None))


def created_id(result: ApplyResult, key: str) -> str:
    return next(item.list_id for item in result.items if item.key == key and item.outcome == "created")  # type: ignore[misc]


def live_ids(running: RunningSandbox) -> set[str]:
    return {str(item["listId"]) for item in portal_lists(running).values()}


def test_a_foreign_list_is_refused_without_explicit_agreement(
    portal: tuple[RunningSandbox, DemoSummary], tmp_path: Path
) -> None:
    running, demo = portal
    rt = runtime_for(running.base_url, tmp_path)
    foreign = demo.existing_lists["suppressed_clash"]  # nothing uses it; the tool did not make it
    refused = delete_list(rt, foreign)
    assert refused.outcome == "refused" and "not created by this tool" in refused.message
    assert "allow_foreign=true" in refused.message and foreign in live_ids(running)
    assert not [a for r in rt.journal.runs(rt.portal_id) for a in rt.journal.actions(r.run_id)]
    agreed = delete_list(rt, foreign, allow_foreign=True)
    assert agreed.outcome == "deleted" and foreign not in live_ids(running)


def test_a_list_in_use_is_refused_with_the_names_of_its_users(
    portal: tuple[RunningSandbox, DemoSummary], tmp_path: Path
) -> None:
    running, demo = portal
    rt = runtime_for(running.base_url, tmp_path)
    result = applied(rt, demo)
    target = created_id(result, "core.partners")
    other = lists_service.create_list(
        running.sandbox,
        {
            "name": "Partners who are customers",
            "objectTypeId": "0-1",
            "processingType": "DYNAMIC",
            "filterBranch": or_(and_(in_list(target))).to_hubspot(),
        },
    )["list"]
    flow = assets.insert_workflow(
        running.sandbox,
        {
            "name": "Partner onboarding",
            "isEnabled": True,
            "enrollmentCriteria": {"type": "LIST_BASED", "listFilterBranch": or_(and_(in_list(target))).to_hubspot()},
        },
    )
    email = assets.insert_marketing_email(
        running.sandbox,
        {"name": "Partner digest", "to": {"contactIlsLists": {"include": [target], "exclude": []}}},
    )
    outcome = delete_list(rt, target)
    assert outcome.outcome == "refused" and target in live_ids(running)
    for name, ident in (("Partners who are customers", other["listId"]), ("Partner onboarding", flow["id"])):
        assert f'"{name}" (id {ident})' in outcome.message
    assert f'"Partner digest" (id {email["id"]})' in outcome.message and "sends to this list" in outcome.message
    assert "force=true" in outcome.message
    kinds = sorted(d.kind for d in outcome.dependencies.dependents)  # type: ignore[union-attr]
    assert kinds == ["list", "marketing-email", "workflow"]

    # Rollback refuses the same list, deletes the rest of the run.
    rolled = rollback_run(rt, result.run_id)
    by_id = {o.list_id: o for o in rolled.outcomes}
    assert by_id[target].outcome == "refused" and "Partner onboarding" in by_id[target].message
    assert sum(o.outcome == "deleted" for o in rolled.outcomes) == len(result.created_ids) - 1
    assert live_ids(running) & set(result.created_ids) == {target}
    forced = rollback_run(rt, result.run_id, force=True)
    assert [o.outcome for o in forced.outcomes if o.list_id == target] == ["deleted"]
    assert not live_ids(running) & set(result.created_ids)
    assert demo.existing_lists["customers_old"] in live_ids(running)  # reused, never deleted


NO_AUTOMATION = sorted(ALL_SCOPES - {"automation"})
NO_EMAIL = sorted(ALL_SCOPES - {"content"})


@pytest.mark.parametrize(
    ("portal", "kind", "scope"),
    [
        (SandboxConfig(tokens={TOKEN: NO_AUTOMATION}), "workflow", "automation"),
        (SandboxConfig(tokens={TOKEN: NO_EMAIL}), "marketing-email", "content"),
    ],
    indirect=["portal"],
)
def test_a_missing_scope_is_could_not_check_never_not_used(
    portal: tuple[RunningSandbox, DemoSummary], kind: str, scope: str, tmp_path: Path
) -> None:
    running, demo = portal
    rt = runtime_for(running.base_url, tmp_path)
    result = applied(rt, demo)
    target = created_id(result, "icp.tier_1")
    report = find_dependents(rt, [target])[target]
    assert not report.safe_to_delete and [u.kind for u in report.unchecked] == [kind]
    assert scope in report.unchecked[0].reason
    outcome = delete_list(rt, target)
    assert outcome.outcome == "refused" and target in live_ids(running)
    assert "could not check" in outcome.message and scope in outcome.message
    assert "not used" not in outcome.message
    # The workflow the demo seeds uses a foreign list: with the scope missing it is not "not used" either.
    foreign = find_dependents(rt, [demo.existing_lists["customers_old"]])[demo.existing_lists["customers_old"]]
    assert not foreign.safe_to_delete
    forced = delete_list(rt, target, force=True)
    assert forced.outcome == "deleted" and target not in live_ids(running)


def test_a_deleted_list_is_restored_and_the_journal_records_both(
    portal: tuple[RunningSandbox, DemoSummary], tmp_path: Path
) -> None:
    running, demo = portal
    rt = runtime_for(running.base_url, tmp_path)
    result = applied(rt, demo)
    target = created_id(result, "engagement.never_engaged")
    size = rt.portal.get_list(target).size
    assert delete_list(rt, target).outcome == "deleted"
    assert target not in live_ids(running)
    assert target not in {e.list_id for e in rt.journal.library(rt.portal_id)}
    restored = restore_list(rt, target)
    assert restored.outcome == "restored" and target in live_ids(running)
    assert rt.portal.get_list(target).size == size
    entry = rt.journal.created_by_tool(rt.portal_id, target)
    assert entry is not None and entry.deleted_at is None and entry.run_id == result.run_id
    journaled = [
        (a.action, a.outcome)
        for r in rt.journal.runs(rt.portal_id)
        for a in rt.journal.actions(r.run_id)
        if a.list_id == target and a.action in {"delete", "restore"}
    ]
    assert journaled == [("delete", "ok"), ("restore", "ok")]
