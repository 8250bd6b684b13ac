"""End to end: the whole flow through the MCP server over a seeded sandbox, checked independently.

A frozen portal clock makes "now" exact. The demo portal is seeded, then a few contacts are planted
on the edges the catalog's semantics decide (window boundaries to the millisecond, a DST change inside
the 90-day window, a contact whose companies have different tiers, an employee who is a customer).
ICP tiers and size bands read the primary company: with the demo's multi-company contacts they must
come out as true partitions (no overlap, nobody left out).
The flow runs as a user of an MCP client without elicitation would run it (token confirmation), and
every created or reused list's members, read through the official SDK, must equal the set computed
by `expected_segments` from the raw records; `check_exclusivity` must report exactly the expected
overlaps; `rollback_run` must leave exactly the lists the portal had before.

The flow runs twice: on HubSpot's date-versioned APIs (the default `api_version`), where the sandbox's
access log must show no legacy `/v3/` or `/v4/` call except to workflows (HubSpot has no generally
available date version of the workflows API: v4, 2026-09-beta and 2027-03-beta only, as of November
2026), and once more with `api_version="legacy"`, which must call only the v3/v4 paths and pass the
same checks.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import anyio
import pytest

import hubspot
from expected_segments import (
    DemoAnswers,
    ExpectedGroup,
    PortalData,
    days_before_today,
    expected_groups,
    expected_members,
    read_portal,
    several_companies,
)
from segment_lists.cli.embedded_sandbox import sandbox_settings
from segment_lists.mcp.server import build_server
from segment_lists.mcp.state import AppState
from segment_lists.portal.endpoints import API_VERSIONS
from segment_lists.sandbox import (
    COMPANIES,
    CONTACTS,
    DemoSummary,
    RunningSandbox,
    SandboxConfig,
    associations,
    iso,
    records,
    seed_demo,
)
from segment_lists.workflow.environment import load_settings

# slow: the whole flow end to end, and the demo command (`-m "not slow"` skips it)
pytestmark = pytest.mark.slow

# 23:30 on 19 March in New York is already 20 March in UTC, and the 90-day window reaches back
# across the start of daylight saving time (8 March): a zone or DST slip moves a boundary.
FROZEN_NOW = datetime(2026, 3, 20, 3, 30, tzinfo=UTC)
ZONE = "America/New_York"
CONTACT_COUNT = 1500
SEED = 42
TOKEN = "pat-na1-00000000-e2e-test-token"


@dataclass
class FlowOutcome:
    demo: DemoSummary
    data: PortalData
    planted: dict[str, str]  # role -> contact id
    answers: DemoAnswers
    lists_before: dict[str, str]  # id -> name
    lists_after_rollback: dict[str, str]
    items: list[dict[str, Any]]  # create_list outcomes
    counts: dict[str, int | None]  # list id -> size reported by count_members
    members: dict[str, set[str]]  # list id -> member ids read through the SDK, before the rollback
    exclusivity: dict[str, Any]
    rollback: dict[str, Any]
    api_version: str
    accessed: list[str]  # "METHOD path" of every call the product made, from the sandbox's access log


def _plant_edges(portal: Any) -> dict[str, str]:
    """Contacts on the boundaries of the catalog's definitions, written like the seeder writes."""
    now = portal.clock.now()
    zone = ZoneInfo(ZONE)
    active_from = days_before_today(now, zone, 90)
    quiet_before = days_before_today(now, zone, 180)
    young = days_before_today(now, zone, 30)
    old = iso(now - timedelta(days=400))
    ms = timedelta(milliseconds=1)
    companies = records.bulk_insert(
        portal,
        COMPANIES.type_id,
        [
            ({"name": "Edge Tier One", "domain": "edge-one.example", "hs_ideal_customer_profile": "tier_1"}, old),
            ({"name": "Edge Untiered", "domain": "edge-none.example"}, old),
        ],
    )
    own_domain = portal.config.company_domain
    edges: dict[str, tuple[dict[str, str], str]] = {
        # Highly Engaged is [start of today - 90 days, now], both ends included, in the portal's zone.
        "open_at_window_start": ({"hs_email_last_open_date": iso(active_from)}, old),
        "open_just_before_window": ({"hs_email_last_open_date": iso(active_from - ms)}, old),
        # 90 x 24 h before the start of today is an hour earlier than the wall-clock midnight (DST).
        "open_24h_days_reading": ({"hs_email_last_open_date": iso(active_from - timedelta(minutes=30))}, old),
        # Inside the window in New York, outside it if "today" were taken in UTC.
        "open_utc_reading": ({"hs_email_last_open_date": iso(active_from + timedelta(hours=3))}, old),
        "click_now": ({"hs_email_last_click_date": iso(now)}, old),
        "click_in_future": ({"hs_email_last_click_date": iso(now + timedelta(seconds=1))}, old),
        # Disengaged is strictly before the start of today - 180 days.
        "open_at_quiet_boundary": ({"hs_email_last_open_date": iso(quiet_before)}, old),
        "open_just_before_quiet": ({"hs_email_last_open_date": iso(quiet_before - ms)}, old),
        "old_open_recent_click": (
            {
                "hs_email_last_open_date": iso(quiet_before - timedelta(days=1)),
                "hs_email_last_click_date": iso(active_from + timedelta(days=1)),
            },
            old,
        ),
        "old_click_no_open": ({"hs_email_last_click_date": iso(quiet_before - timedelta(days=10))}, old),
        # Never Engaged needs a create date strictly before the start of today - 30 days.
        "created_at_age_boundary": ({}, iso(young)),
        "created_just_before_age": ({}, iso(young - ms)),
        "created_last_week": ({}, iso(now - timedelta(days=7))),
        # One of our own people is also marked a customer: internal-vs-customers must catch it.
        "employee_customer": ({"lifecyclestage": "customer", "email": f"edge.employee@{own_domain}"}, old),
        # Companies with a tier and without one: Tier 1 and Non-ICP at once.
        "tier_1_and_untiered": ({"associatedcompanyid": str(companies[0])}, old),
    }
    rows = []
    for n, (role, (props, created)) in enumerate(edges.items()):
        rows.append(({"email": f"edge.{n}@edge-contacts.example", "firstname": role, **props}, created))
    ids = records.bulk_insert(portal, CONTACTS.type_id, rows)
    planted = {role: str(i) for role, i in zip(edges, ids, strict=True)}
    tiered = int(planted["tier_1_and_untiered"])
    associations.bulk_associate(portal, [(tiered, companies[0], True), (tiered, companies[1], False)])
    portal.records_changed(CONTACTS.type_id, ids)
    portal.records_changed(COMPANIES.type_id, companies)
    return planted


def _portal_lists(sdk: hubspot.HubSpot) -> dict[str, str]:
    found: dict[str, str] = {}
    offset = 0
    while True:
        page = sdk.crm.lists.lists_api.do_search(list_search_request={"query": "", "count": 500, "offset": offset})
        found.update({lst.list_id: lst.name for lst in page.lists})
        if not page.has_more:
            return found
        offset = page.offset


def _sdk_members(sdk: hubspot.HubSpot, list_id: str) -> set[str]:
    members: set[str] = set()
    after = None
    while True:
        kwargs = {"after": after} if after else {}
        page = sdk.crm.lists.memberships_api.get_page(list_id=list_id, limit=250, **kwargs)
        members.update(m.record_id for m in page.results)
        if page.paging is None or page.paging.next is None:
            return members
        after = page.paging.next.after


async def _call(client: Any, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, f"{tool}: {result.content}"
    return result.structured_content


async def _confirmed(client: Any, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    first = await _call(client, tool, arguments)
    assert first["status"] == "confirmation_required", first
    done = await _call(client, tool, {**arguments, "confirmation_token": first["confirmation_token"]})
    assert done["status"] == "done", done
    return done


@pytest.fixture(scope="module", params=API_VERSIONS)
def flow(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> FlowOutcome:
    # Lists stay PROCESSING briefly, so count_members has to wait for them as it would on HubSpot.
    config = SandboxConfig(frozen_now=FROZEN_NOW, time_zone=ZONE, processing_seconds=0.5)
    with RunningSandbox(config) as sandbox:
        portal = sandbox.sandbox
        demo = seed_demo(portal, contacts=CONTACT_COUNT, seed=SEED)
        planted = _plant_edges(portal)
        sdk = hubspot.HubSpot(access_token=TOKEN, host=sandbox.base_url, base_url=sandbox.base_url)
        lists_before = _portal_lists(sdk)
        answers = DemoAnswers(
            competitor_domains=demo.crm.competitor_domains, families=("core", "icp", "size", "engagement")
        )
        # No token or base URL from the developer's environment or .env: only the sandbox's.
        base = load_settings(env={}, dotenv=Path("/nonexistent/.env"), confirmation="token", api_version=request.param)
        settings = sandbox_settings(base, sandbox.base_url, tmp_path_factory.mktemp("e2e-state"))
        state = AppState(settings=settings, sandbox=sandbox)
        outcome: dict[str, Any] = {}
        sandbox.sandbox.access_log.clear()  # from here on, the product's calls (and the test's reads below)

        async def run() -> None:
            from mcp import Client

            async with Client(build_server(state)) as client:
                plan = (
                    await _call(
                        client,
                        "propose_segments",
                        {
                            "answers": {
                                "families": list(answers.families),
                                "competitor_domains": list(answers.competitor_domains),
                                "partner_marker": {
                                    "property": answers.partner_property,
                                    "values": list(answers.partner_values),
                                },
                                # The demo portal's planted clashes, answered: its list with the
                                # customers' definition is adopted (renamed), the one holding the
                                # Suppressed Contacts name is merged (given the catalog's filters).
                                "choices": {"core.customers": "adopt", "core.suppressed": "merge"},
                            }
                        },
                    )
                )["plan"]
                created = await _confirmed(client, "create_list", {"plan_id": plan["plan_id"]})
                run_id = created["run_id"]
                counted = await _call(client, "count_members", {"run_id": run_id, "wait_seconds": 60})
                items = created["items"]
                outcome["items"] = items
                outcome["counts"] = {c["list_id"]: c["size"] for c in counted["counts"]}
                outcome["members"] = {
                    i["list_id"]: await anyio.to_thread.run_sync(_sdk_members, sdk, i["list_id"])
                    for i in items
                    if i["list_id"]
                }
                outcome["exclusivity"] = await _call(client, "check_exclusivity", {"run_id": run_id})
                outcome["rollback"] = await _confirmed(client, "rollback_run", {"run_id": run_id})

        anyio.run(run)
        state.close()
        # The members read through the SDK above go to v3 paths too: leave the test's own calls out.
        own = {f"GET /crm/v3/lists/{i['list_id']}/memberships" for i in outcome["items"] if i["list_id"]}
        accessed = [f"{a.method} {a.path}" for a in sandbox.sandbox.access_log.entries()]
        return FlowOutcome(
            demo=demo,
            data=read_portal(portal.store),
            planted=planted,
            answers=answers,
            lists_before=lists_before,
            lists_after_rollback=_portal_lists(sdk),
            api_version=request.param,
            accessed=[call for call in accessed if call not in own],
            **outcome,
        )


@pytest.fixture(scope="module")
def expected(flow: FlowOutcome) -> dict[str, set[str]]:
    return expected_members(flow.data, flow.answers, FROZEN_NOW, ZoneInfo(ZONE))


def _list_of(flow: FlowOutcome) -> dict[str, str]:
    return {i["key"]: i["list_id"] for i in flow.items if i["list_id"]}


def test_every_catalog_segment_was_created_or_taken_over(flow: FlowOutcome, expected: dict[str, set[str]]) -> None:
    outcomes = {i["key"]: i["outcome"] for i in flow.items}
    assert set(outcomes) == set(expected)
    assert outcomes["core.customers"] == "adopted"  # 'Customers (2023 import)' has the same definition
    assert outcomes["core.suppressed"] == "merged"  # its members below are exactly the catalog's
    taken_over = {"core.customers", "core.suppressed"}
    assert all(outcome == "created" for key, outcome in outcomes.items() if key not in taken_over), outcomes
    lists = _list_of(flow)
    assert lists["core.customers"] == flow.demo.existing_lists["customers_old"]  # HubSpot kept the ids
    assert lists["core.suppressed"] == flow.demo.existing_lists["suppressed_clash"]
    assert not any(name.endswith("(2)") for name in (i["name"] for i in flow.items))


def test_every_list_has_exactly_the_independently_computed_members(
    flow: FlowOutcome, expected: dict[str, set[str]]
) -> None:
    lists = _list_of(flow)
    wrong = {}
    for key, want in expected.items():
        got = flow.members[lists[key]]
        if got != want:
            wrong[key] = {
                "missing": sorted(want - got, key=int)[:10],
                "unexpected": sorted(got - want, key=int)[:10],
                "sizes": (len(got), len(want)),
            }
    assert not wrong, wrong
    sizes = {key: flow.counts[lists[key]] for key in expected}
    assert sizes == {key: len(want) for key, want in expected.items()}


def test_expectations_are_not_vacuous(flow: FlowOutcome, expected: dict[str, set[str]]) -> None:
    """The seeded data must exercise every segment, and the planted edges land where the semantics say."""
    assert all(expected.values()), {k: len(v) for k, v in expected.items()}
    assert len(flow.data.contacts) == CONTACT_COUNT + len(flow.planted)
    p = flow.planted
    engaged, quiet, never = (
        expected["engagement.highly_engaged"],
        expected["engagement.disengaged"],
        expected["engagement.never_engaged"],
    )
    assert {p["open_at_window_start"], p["open_utc_reading"], p["click_now"], p["old_open_recent_click"]} <= engaged
    outside = {p["open_just_before_window"], p["open_24h_days_reading"], p["click_in_future"]}
    assert not outside & (engaged | quiet | never)
    assert p["open_just_before_quiet"] in quiet and p["old_click_no_open"] in quiet
    assert p["open_at_quiet_boundary"] not in quiet
    assert p["created_just_before_age"] in never
    assert not {p["created_at_age_boundary"], p["created_last_week"]} & never
    assert p["employee_customer"] in expected["core.internal"] & expected["core.customers"]
    # Primary company Tier 1, another company untiered: Tier 1 only (the primary company decides).
    assert p["tier_1_and_untiered"] in expected["icp.tier_1"] - expected["icp.non_icp"]
    several = several_companies(flow.data)
    assert len(several) >= 10 and flow.demo.crm.contacts_with_several_companies > 0
    tiers_of = {
        c: {flow.data.companies[co].get("hs_ideal_customer_profile") for co in flow.data.contact_companies[c]}
        for c in several
    }
    assert sum(1 for tiers in tiers_of.values() if len(tiers - {None}) >= 2) >= 5  # companies in different tiers


def _reported(flow: FlowOutcome) -> dict[str, dict[str, Any]]:
    return {group["group"]: group for group in flow.exclusivity["groups"]}


def _expected_groups(flow: FlowOutcome, expected: dict[str, set[str]]) -> list[ExpectedGroup]:
    return expected_groups(expected, flow.data.contacts)


def test_exclusivity_reports_exactly_the_expected_overlaps(flow: FlowOutcome, expected: dict[str, set[str]]) -> None:
    lists = _list_of(flow)
    reported = _reported(flow)
    groups = _expected_groups(flow, expected)
    assert set(reported) == {g.name for g in groups}
    overlapping = 0
    for group in groups:
        got = {(pair["first"], pair["second"]): pair for pair in reported[group.name]["pairs"]}
        want = {(lists[a], lists[b]): common for (a, b), common in group.overlaps.items()}
        assert {frozenset(k) for k in got} == {frozenset(k) for k in want}, group.name
        for (first, second), pair in got.items():
            common = want.get((first, second), want.get((second, first)))
            assert common is not None
            assert pair["overlap"] == len(common), (group.name, pair["first_name"], pair["second_name"])
            assert {s["record_id"] for s in pair["samples"]} <= common
            assert bool(pair["samples"]) == bool(common)  # offenders are shown whenever there are any
        overlapping += sum(1 for common in group.overlaps.values() if common)
        assert reported[group.name]["exclusive"] == (not any(group.overlaps.values()))
        if group.partition:
            assert group.uncovered is not None
            assert reported[group.name]["uncovered"] == len(group.uncovered)
    assert flow.exclusivity["overlapping_pairs"] == overlapping


def test_the_planted_overlaps_are_found(flow: FlowOutcome, expected: dict[str, set[str]]) -> None:
    reported = _reported(flow)
    customers_vs_competitors = reported["customers-vs-competitors"]["pairs"][0]
    # The seeder marks every other competitor-domain contact a customer.
    assert customers_vs_competitors["overlap"] == flow.demo.crm.competitor_customers > 0
    internal_vs_customers = reported["internal-vs-customers"]["pairs"][0]
    assert internal_vs_customers["overlap"] == 1
    assert [s["record_id"] for s in internal_vs_customers["samples"]] == [flow.planted["employee_customer"]]
    # By the primary company, ICP tiers and size bands are partitions: multi-company contacts included.
    for group in ("icp-tiers", "size-bands"):
        assert all(pair["overlap"] == 0 for pair in reported[group]["pairs"]), group
        assert reported[group]["exclusive"] and reported[group]["uncovered"] == 0, group
    assert all(pair["overlap"] == 0 for pair in reported["engagement"]["pairs"])


def test_rollback_leaves_exactly_the_lists_that_existed_before(flow: FlowOutcome) -> None:
    created = {i["list_id"] for i in flow.items if i["outcome"] == "created"}
    deleted = {o["list_id"] for o in flow.rollback["result"]["outcomes"] if o["outcome"] == "deleted"}
    assert deleted == created and created
    # Ids and names: the adopted and the merged lists have their old names again.
    assert flow.lists_after_rollback == flow.lists_before
    restored = {(r["list_id"], r["outcome"]) for r in flow.rollback["result"]["restored"]}
    assert restored == {
        (flow.demo.existing_lists["customers_old"], "name-restored"),
        (flow.demo.existing_lists["suppressed_clash"], "filters-restored"),
    }
    assert set(flow.demo.existing_lists.values()) <= set(flow.lists_before)


def test_the_flow_calls_only_the_paths_of_its_api_version(flow: FlowOutcome) -> None:
    assert len(flow.accessed) > 50
    legacy = [call for call in flow.accessed if "/v3/" in call or "/v4/" in call]
    if flow.api_version == "legacy":
        assert legacy == flow.accessed
        return
    # Explicitly allowed: workflows, which HubSpot offers at no GA date version (only v4 and betas).
    assert all(call.split(" ", 1)[1].startswith("/automation/v4/flows") for call in legacy), legacy
    assert legacy, "the rollback's dependency check reads workflows"
    assert any(call.startswith("POST /crm/lists/2026-09") for call in flow.accessed)
    assert any(call.startswith("POST /crm/objects/2026-09/contacts/search") for call in flow.accessed)
    assert any(call.startswith("DELETE /crm/lists/2026-09/") for call in flow.accessed)


def test_demo_command_shows_the_planted_overlap_and_the_rollback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "segment_lists", "demo", "--contacts", "400"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("HUBSPOT_")},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    line = next(line for line in out.splitlines() if "customers-vs-competitors:" in line)
    assert line.lstrip().startswith("!!"), line
    overlap = int(line.split("customers-vs-competitors:")[1].split()[0])
    assert overlap > 0
    assert "8. Roll back (rollback_run)" in out
    created = len(re.findall(r"^  \S.*  created  ", out, flags=re.MULTILINE))
    rolled = re.search(r"Deleted (\d+) lists? of run run-", out)
    assert rolled and int(rolled.group(1)) == created > 0, out[-3000:]
    assert "SANDBOX" in out
