"""Exclusivity answers are the same whichever method answered, and the cheaper method is chosen.

A seeded sandbox runs the real flow (plan, create) through the workflow and the official SDK; the
check is then run with each method forced, and with the cost model choosing, pair for pair.
Expected numbers are computed from the seeded records, independently of the product's code.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from segment_lists.cli.embedded_sandbox import sandbox_settings
from segment_lists.domain.catalog import ExclusivityGroup
from segment_lists.domain.interview import Answers, PartnerMarker
from segment_lists.filters import and_, association, or_, prop_any_of, prop_known, prop_none_of, prop_unknown
from segment_lists.sandbox import CONTACTS, RunningSandbox, SandboxConfig, records, seed_demo
from segment_lists.workflow.apply import apply_items, select_items
from segment_lists.workflow.environment import load_settings
from segment_lists.workflow.exclusivity import ExclusivityReport, check_groups
from segment_lists.workflow.proposal import propose
from segment_lists.workflow.runtime import Runtime, open_runtime
from segment_lists.workflow.verify import wait_for_processing

# slow: a 1,500-contact seed and every exclusivity method over it (`-m "not slow"` skips it)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def flow(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[RunningSandbox, Runtime, list[tuple[ExclusivityGroup, dict[str, str]]]]]:
    with RunningSandbox(SandboxConfig()) as running:
        demo = seed_demo(running.sandbox, contacts=1500, seed=11)
        settings = sandbox_settings(
            load_settings(env={}, dotenv=Path("/nonexistent")), running.base_url, tmp_path_factory.mktemp("journal")
        )
        rt = open_runtime(settings)
        answers = Answers(
            competitor_domains=demo.crm.competitor_domains,
            partner_marker=PartnerMarker(property="contact_type", values=["partner"]),
            # The demo portal's planted clashes, answered so that every catalog segment has a list.
            choices={"core.customers": "reuse", "core.suppressed": "move-aside"},
        )
        plan = propose(rt, answers)
        applied = apply_items(rt, plan, select_items(plan, None))
        ids = [item.list_id for item in applied.items if item.list_id]
        wait_for_processing(rt, ids, timeout=30)
        by_key = {e.segment_key: e.list_id for e in rt.journal.library(rt.portal_id) if e.segment_key}
        groups = [(g, {k: by_key[k] for k in g.members if k in by_key}) for g in plan.groups]
        yield running, rt, groups
        rt.close()


def _answers(report: ExclusivityReport) -> list[Any]:
    return [
        (g.group, p.first, p.second, p.overlap, [(s.record_id, s.email) for s in p.samples])
        for g in report.groups
        for p in g.pairs
    ] + [(g.group, g.uncovered) for g in report.groups]


def _create(rt: Runtime, name: str, branch: Any) -> str:
    created = rt.portal.create_list(name, processing_type="DYNAMIC", filter_branch=branch.to_hubspot())
    wait_for_processing(rt, [created.id], timeout=30)
    return created.id


def test_results_are_identical_pair_for_pair_whichever_method_answered(flow: Any) -> None:
    _, rt, groups = flow
    forced_members = check_groups(rt, groups, force="members")
    forced_search = check_groups(rt, groups, force="search")
    forced_probe = check_groups(rt, groups, force="probe")
    chosen = check_groups(rt, groups)
    assert _answers(forced_members) == _answers(forced_search) == _answers(forced_probe) == _answers(chosen)
    methods = {(p.first, p.second): p.method for g in forced_search.groups for p in g.pairs}
    assert set(methods.values()) == {"members", "search"}  # both methods really answered something
    assert {p.method for g in forced_members.groups for p in g.pairs} == {"members"}
    # Every pair with a translatable side is probed (the static Competitors list among them).
    assert {p.method for g in forced_probe.groups for p in g.pairs} == {"members", "probe"}
    competitors = next(g for g in forced_probe.groups if g.group == "customers-vs-competitors")
    assert competitors.pairs[0].method == "probe" and competitors.pairs[0].samples
    # The planted competitor-customer overlap is found, with offenders, by either method.
    customers = next(g for g in chosen.groups if g.group == "customers-vs-competitors")
    assert customers.pairs[0].overlap > 0 and customers.pairs[0].samples
    icp = next(g for g in chosen.groups if g.group == "icp-tiers")
    assert icp.partition and icp.uncovered == 0  # Non-ICP takes everyone the tiers leave out


def test_search_and_members_agree_on_an_overlap_of_translatable_lists(flow: Any) -> None:
    running, rt, _ = flow
    customers = _create(rt, "T customers", or_(and_(prop_any_of("lifecyclestage", "customer"))))
    opened = _create(rt, "T openers", or_(and_(prop_known("hs_email_last_open_date"))))
    group = ExclusivityGroup(name="given", members=[customers, opened], description="test")
    pairs = [(group, {customers: customers, opened: opened})]
    by_search = check_groups(rt, pairs, force="search")
    by_members = check_groups(rt, pairs, force="members")
    assert by_search.groups[0].pairs[0].method == "search"
    assert by_members.groups[0].pairs[0].method == "members"
    assert _answers(by_search) == _answers(by_members)
    expected = sum(
        1
        for r in records.iter_records(running.sandbox, CONTACTS.type_id)
        if r.properties.get("lifecyclestage") == "customer" and r.properties.get("hs_email_last_open_date")
    )
    assert expected > 0 and by_search.groups[0].pairs[0].overlap == expected
    assert len(by_search.groups[0].pairs[0].samples) == min(5, expected)


def test_the_cost_model_pages_small_lists_and_searches_big_ones(flow: Any) -> None:
    _, rt, _ = flow
    everyone = _create(rt, "T everyone", or_(and_(prop_known("createdate"))))
    emailed = _create(rt, "T with email", or_(and_(prop_known("email"))))
    partners = _create(rt, "T partners", or_(and_(prop_any_of("contact_type", "partner"))))
    # Vendors or partners: it may share members with the partners list (definitions that cannot
    # overlap are decided without a call, see the test below).
    vendors = _create(rt, "T vendors or partners", or_(and_(prop_any_of("contact_type", "vendor", "partner"))))
    big = ExclusivityGroup(name="big", members=[everyone, emailed], description="test")
    small = ExclusivityGroup(name="small", members=[partners, vendors], description="test")
    before = rt.portal.stats().calls
    report = check_groups(
        rt, [(big, {everyone: everyone, emailed: emailed}), (small, {partners: partners, vendors: vendors})]
    )
    calls = rt.portal.stats().calls - before
    methods = {g.group: g.pairs[0].method for g in report.groups}
    # 1,500 members each: 12 pages for one search; ~65 and ~80 members: 2 pages beat a search.
    assert methods == {"big": "search", "small": "members"}
    assert calls["crm.search"] == 1 and calls["lists.memberships"] == 2
    assert report.groups[0].pairs[0].overlap == rt.count(
        "contacts", [{"filters": [{"propertyName": "email", "operator": "HAS_PROPERTY"}]}]
    )


def test_partition_coverage_counts_contacts_in_no_list_by_every_method(flow: Any) -> None:
    running, rt, _ = flow
    customers = _create(rt, "T only customers", or_(and_(prop_any_of("lifecyclestage", "customer"))))
    others = _create(
        rt, "T known non-customers", or_(and_(prop_known("lifecyclestage"), prop_none_of("lifecyclestage", "customer")))
    )
    group = ExclusivityGroup(name="stages", members=[customers, others], partition=True, description="test")
    pairs = [(group, {customers: customers, others: others})]
    unknown = sum(
        1 for r in records.iter_records(running.sandbox, CONTACTS.type_id) if not r.properties.get("lifecyclestage")
    )
    assert unknown > 0
    results = {force: check_groups(rt, pairs, force=force).groups[0] for force in ("members", "search", None)}
    assert {force: r.uncovered for force, r in results.items()} == {
        "members": unknown,
        "search": unknown,
        None: unknown,
    }
    assert results["members"].coverage_method == "members"
    assert results[None].coverage_method == "sizes"  # disjoint lists: the sizes add up, no call needed
    assert all(r.exclusive for r in results.values())
    # The complement closes the gap: a third list of the unknowns makes the partition complete.
    missing = _create(rt, "T unknown stage", or_(and_(prop_unknown("lifecyclestage"))))
    group3 = ExclusivityGroup(name="stages3", members=[customers, others, missing], partition=True, description="t")
    full = check_groups(rt, [(group3, {i: i for i in (customers, others, missing)})])
    assert full.groups[0].uncovered == 0 and full.groups[0].exclusive


def test_a_big_list_paired_with_a_static_one_is_probed_not_paged(flow: Any) -> None:
    running, rt, _ = flow
    everyone = _create(rt, "T everyone again", or_(and_(prop_known("email"))))
    wanted = [
        str(r.id)
        for r in records.iter_records(running.sandbox, CONTACTS.type_id)
        if r.properties.get("contact_type") == "partner"
    ]
    static = rt.portal.create_list("T static partners", processing_type="MANUAL", filter_branch=None).id
    rt.portal.add_members(static, wanted)
    # A few static members the big list's definition excludes: contacts without an email.
    no_email = [
        str(r.id) for r in records.iter_records(running.sandbox, CONTACTS.type_id) if not r.properties.get("email")
    ]
    rt.portal.add_members(static, no_email[:3])
    group = ExclusivityGroup(name="probe", members=[everyone, static], description="test")
    pairs = [(group, {everyone: everyone, static: static})]
    before = rt.portal.stats().calls
    chosen = check_groups(rt, pairs)
    calls = rt.portal.stats().calls - before
    by_members = check_groups(rt, pairs, force="members")
    pair = chosen.groups[0].pairs[0]
    assert pair.method == "probe" and by_members.groups[0].pairs[0].method == "members"
    assert _answers(chosen) == _answers(by_members)
    has_email = sum(1 for i in set(wanted) if i not in set(no_email))
    assert has_email > 0 and pair.overlap == has_email
    # The static list's one page and one probe search per 100 ids; the big list is never paged.
    assert calls["lists.memberships"] == 1
    assert calls["crm.search"] == -(-(len(set(wanted)) + min(3, len(no_email))) // 100)
    assert all(s.email for s in pair.samples)


def test_definitions_that_cannot_meet_cost_no_call_and_an_edited_one_is_counted(flow: Any) -> None:
    running, rt, groups = flow
    icp = [(g, ids) for g, ids in groups if g.name == "icp-tiers"]
    before = rt.portal.stats().calls
    report = check_groups(rt, icp)
    calls = rt.portal.stats().calls - before
    # The catalog's tiers read the primary company: no pair is paged or searched.
    assert {p.method for p in report.groups[0].pairs} == {"definition"}
    assert calls["lists.memberships"] == 0 and calls["crm.search"] == 0
    assert report.groups[0].coverage_method == "sizes" and report.groups[0].uncovered == 0
    # Someone widens Tier 1 to Tier 1 or 2: the proof fails, the members are compared, the overlap is found.
    g, ids = icp[0]
    tier_2 = ids["icp.tier_2"]
    widened = _create(
        rt,
        "T tier 1 or 2",
        or_(
            and_(
                association(
                    "0-2", association_type_id=1, filters=[prop_any_of("hs_ideal_customer_profile", "tier_1", "tier_2")]
                )
            )
        ),
    )
    pair = ExclusivityGroup(name="widened", members=[widened, tier_2], description="test")
    result = check_groups(rt, [(pair, {widened: widened, tier_2: tier_2})])
    found = result.groups[0].pairs[0]
    assert found.method == "members" and found.overlap == rt.portal.get_lists([tier_2])[0].size > 0
