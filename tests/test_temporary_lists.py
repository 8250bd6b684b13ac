"""Exclusivity through temporary lists (issue 16, item 2): exact, a bounded number of calls per pair,
only with consent, journaled, always removed (after a crash too, on the next check), never shown as
the user's, and never near the portal's list limit. The sandbox processes such a list like any other
active list (PROCESSING first, then its size), so the counts come from HubSpot's side of the wire.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reliability_harness import runtime_for, seeded_sandbox
from segment_lists.domain.catalog import ExclusivityGroup
from segment_lists.domain.interview import Answers, PartnerMarker
from segment_lists.filters import and_, in_list, or_, prop_known
from segment_lists.sandbox import RunningSandbox, SandboxConfig
from segment_lists.workflow.apply import apply_items, select_items
from segment_lists.workflow.exclusivity import ExclusivityReport, check_groups
from segment_lists.workflow.inventory import take_inventory
from segment_lists.workflow.processing import wait_for_processing
from segment_lists.workflow.proposal import propose
from segment_lists.workflow.runtime import Runtime
from segment_lists.workflow.temporary_lists import CREATE, NAME_PREFIX, TEMPORARY_FOLDER
from segment_lists.workflow.write_requests import prepare_temporary_lists

Groups = list[tuple[ExclusivityGroup, dict[str, str]]]


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningSandbox, Runtime, Groups]]:
    running, demo = seeded_sandbox(SandboxConfig(processing_seconds=0.3), contacts=700, seed=8)
    rt = runtime_for(running.base_url, tmp_path_factory.mktemp("state"))
    answers = Answers(
        competitor_domains=demo.crm.competitor_domains,
        partner_marker=PartnerMarker(property="contact_type", values=["partner"]),
        families=["core", "icp"],
        company_association="any",  # contacts with several companies: the ICP tiers overlap
        choices={"core.customers": "reuse", "core.suppressed": "move-aside"},
    )
    plan = propose(rt, answers, estimate=False)
    applied = apply_items(rt, plan, select_items(plan, None))
    wait_for_processing(rt, [i.list_id for i in applied.items if i.list_id], timeout=30)
    by_key = {e.segment_key: e.list_id for e in rt.journal.library(rt.portal_id) if e.segment_key}
    groups = [(g, {k: by_key[k] for k in g.members if k in by_key}) for g in plan.groups]
    yield running, rt, groups
    rt.close()
    running.stop()


def _answers(report: ExclusivityReport) -> list[Any]:
    return [
        (g.group, p.first, p.second, p.overlap, sorted(s.record_id for s in p.samples))
        for g in report.groups
        for p in g.pairs
    ]


def _temporary_in_portal(running: RunningSandbox) -> list[str]:
    with running.sandbox.store.read() as db:
        rows = db.execute("SELECT name FROM lists WHERE deleted_at IS NULL").fetchall()
    return [row[0] for row in rows if row[0].startswith(NAME_PREFIX)]


def _folders(rt: Runtime) -> list[str]:
    return [child.name for child in rt.portal.folder_tree().child_nodes]


def test_temporary_lists_give_the_read_only_answers_at_a_bounded_cost(
    portal: tuple[RunningSandbox, Runtime, Groups],
) -> None:
    running, rt, groups = portal
    read_only = check_groups(rt, groups, force="members")
    counted = check_groups(rt, groups, force="temporary-list")
    assert _answers(counted) == _answers(read_only)
    assert any(p.overlap for g in counted.groups for p in g.pairs), "the any-company reading must overlap"
    # A pair one CRM search counts keeps that (1 call); every other pair goes through a temporary list.
    assert {p.method for g in counted.groups for p in g.pairs} == {"search", "temporary-list"}
    pairs = [p for g in counted.groups for p in g.pairs if p.method == "temporary-list"]
    assert len(pairs) >= 6
    # create, one members page for the samples when the overlap is not empty, delete: whatever the sizes
    assert all(2 <= p.calls <= 3 for p in pairs), [p.calls for p in pairs]
    assert counted.temporary_lists and counted.temporary_lists.startswith("used for")
    assert _temporary_in_portal(running) == [] and TEMPORARY_FOLDER not in _folders(rt)
    made = [a for run in rt.journal.runs(rt.portal_id, "check") for a in rt.journal.actions(run.run_id)]
    assert sum(a.action == CREATE for a in made) == len(pairs) == sum(a.action == "delete_temporary_list" for a in made)
    assert not any(e.list_id in {a.list_id for a in made} for e in rt.journal.library(rt.portal_id))


def test_without_consent_nothing_is_written(portal: tuple[RunningSandbox, Runtime, Groups]) -> None:
    running, rt, groups = portal
    before = len(running.sandbox.access_log.entries())
    report = check_groups(rt, groups)
    writes = [
        e for e in running.sandbox.access_log.entries()[before:] if e.method in {"POST", "PUT", "PATCH", "DELETE"}
    ]
    assert all(e.path.endswith("/search") or "/batch/read" in e.path or e.path.endswith("/all") for e in writes), writes
    assert report.temporary_lists is None and report.temporary_lists_would_save == 0  # small lists: not worth it
    assert {p.method for g in report.groups for p in g.pairs} <= {"members", "search", "probe"}


def test_a_crash_leaves_nothing_behind_after_the_next_check(portal: tuple[RunningSandbox, Runtime, Groups]) -> None:
    running, rt, groups = portal
    first, second = next(iter(groups[-1][1].values())), list(groups[-1][1].values())[1]
    branch = or_(and_(in_list(first), in_list(second))).to_hubspot()
    run_id = rt.journal.start_run(rt.portal_id, "check")
    # Crashed after HubSpot answered the create (id journaled), and before it answered (only the name).
    known = rt.journal.intend(run_id, rt.portal_id, CREATE, list_name=f"{NAME_PREFIX} crash-1")
    made = rt.portal.create_list(f"{NAME_PREFIX} crash-1", processing_type="DYNAMIC", filter_branch=branch)
    rt.journal.settle(known, "ok", list_id=made.id)
    rt.journal.intend(run_id, rt.portal_id, CREATE, list_name=f"{NAME_PREFIX} crash-2")
    lost = rt.portal.create_list(f"{NAME_PREFIX} crash-2", processing_type="DYNAMIC", filter_branch=branch)
    rt.lists_changed()
    shown = {s.list_id for s in take_inventory(rt).lists}
    assert made.id not in shown  # journaled as temporary: never shown as the user's
    assert len(_temporary_in_portal(running)) == 2
    check_groups(rt, groups)  # any check, even without consent, finishes the agreed removal
    assert _temporary_in_portal(running) == []
    assert lost.id not in {s.list_id for s in take_inventory(rt).lists}


def test_never_near_the_portal_list_limit(tmp_path: Path) -> None:
    # Starter allows 25 active lists (reference §12.3); the client learns the tier from HubSpot's headers.
    running, demo = seeded_sandbox(SandboxConfig(tier="starter"), contacts=300, seed=2)
    try:
        rt = runtime_for(running.base_url, tmp_path / "state")
        answers = Answers(
            competitor_domains=demo.crm.competitor_domains,
            partner_marker=PartnerMarker(property="contact_type", values=["partner"]),
            families=["core", "icp", "engagement"],
            choices={"core.customers": "reuse", "core.suppressed": "move-aside"},
        )
        plan = propose(rt, answers, estimate=False)
        apply_items(rt, plan, select_items(plan, None))
        by_key = {e.segment_key: e.list_id for e in rt.journal.library(rt.portal_id) if e.segment_key}
        groups = [(g, {k: by_key[k] for k in g.members if k in by_key}) for g in plan.groups]
        report = check_groups(rt, groups, force="temporary-list")
        assert report.temporary_lists is not None and report.temporary_lists.startswith("not used:")
        assert "25" in report.temporary_lists
        assert "temporary-list" not in {p.method for g in report.groups for p in g.pairs}
        assert _temporary_in_portal(running) == []
        rt.close()
    finally:
        running.stop()


def test_the_sandbox_processes_an_in_list_intersection_like_hubspot(
    portal: tuple[RunningSandbox, Runtime, Groups],
) -> None:
    running, rt, groups = portal
    ids = list(groups[-1][1].values())[:2]
    branch = or_(and_(in_list(ids[0]), in_list(ids[1]))).to_hubspot()
    made = rt.portal.create_list(f"{NAME_PREFIX} sandbox-check", processing_type="DYNAMIC", filter_branch=branch)
    try:
        assert made.processing_status == "PROCESSING"  # HubSpot computes its size after a delay
        done = wait_for_processing(rt, [made.id], timeout=10)[made.id]
        common = set(rt.portal.member_ids(ids[0])) & set(rt.portal.member_ids(ids[1]))
        assert getattr(done, "size", None) == len(common)
    finally:
        rt.portal.delete_list(made.id)


def test_consent_is_asked_for_a_bounded_number_and_refused_near_the_limit(tmp_path: Path) -> None:
    # Starter: 25 active lists, 5 always left free. Two static lists of 3,000 contacts: 24 member pages
    # read-only, so one temporary list is worth it.
    running, _ = seeded_sandbox(SandboxConfig(tier="starter"), contacts=4_000, seed=3)
    try:
        rt = runtime_for(running.base_url, tmp_path / "state")
        with running.sandbox.store.read() as db:
            contacts = [str(r[0]) for r in db.execute("SELECT id FROM objects WHERE object_type = '0-1' ORDER BY id")]
        ids = []
        for n in range(2):
            made = rt.portal.create_list(f"Webinar {n + 1}", processing_type="MANUAL")
            rt.portal.add_members(made.id, contacts[n * 1_000 : n * 1_000 + 3_000])
            ids.append(made.id)
        request = prepare_temporary_lists(rt, list_ids=ids)
        assert request.needs_confirmation and request.limit == 1
        assert request.state == {"groups": [("given lists", sorted(ids, key=int))], "temporary_lists": 1}
        assert "at most 1 temporary active list " in request.preview and "25" in request.preview
        assert _temporary_in_portal(running) == []  # preparing writes nothing
        active = sum(1 for lst in rt.lists(refresh=True) if lst.is_dynamic)
        for n in range(25 - 5 - active):  # the portal fills up to what is always left free
            rt.portal.create_list(
                f"Filler {n}", processing_type="DYNAMIC", filter_branch=or_(and_(prop_known("email"))).to_hubspot()
            )
        refused = prepare_temporary_lists(rt, list_ids=ids)
        assert refused.refused is not None and not refused.needs_confirmation
        assert "of the 25 its starter subscription allows" in refused.refused and "Nothing was made" in refused.refused
        rt.close()
    finally:
        running.stop()
