"""Existing lists in the way of the plan (issue 12): every clash is a question, and the user's answer
is done exactly: adopt renames, merge replaces the filters (same id), move aside renames the old list
and creates the new one. One rollback gives every renamed and merged list its name and definition
back. What the portal holds is read back with the official SDK over HTTP, never through the product.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import hubspot
from reliability_harness import TOKEN, kill_child_at, runtime_for, seeded_sandbox
from segment_lists.domain.interview import Answers
from segment_lists.filters import and_, definition_key, or_, prop_any_of, prop_bool
from segment_lists.sandbox import DemoSummary, Faults, RunningSandbox
from segment_lists.workflow.apply import apply_items, reconcile, select_items
from segment_lists.workflow.proposal import load_plan, propose
from segment_lists.workflow.rollback import rollback_run
from segment_lists.workflow.write_requests import prepare_apply, prepare_rollback


@pytest.fixture
def portal() -> Iterator[tuple[RunningSandbox, DemoSummary]]:
    running, demo = seeded_sandbox()
    try:
        yield running, demo
    finally:
        running.stop()


def _sdk(running: RunningSandbox) -> Any:
    return hubspot.HubSpot(access_token=TOKEN, host=running.base_url, base_url=running.base_url).crm.lists.lists_api


def read_back(running: RunningSandbox) -> dict[str, tuple[str, str | None]]:
    """Every live list: id -> (name, definition key), read with the official SDK."""
    api = _sdk(running)
    ids = [str(lst.list_id) for lst in api.do_search(list_search_request={"offset": 0, "count": 500}).lists]
    # The raw JSON (the SDK's models do not round-trip every filter type).
    reply = api.get_all(list_ids=ids, include_filters=True, _preload_content=False)
    found = {}
    for lst in json.loads(reply.data)["lists"]:
        branch = lst.get("filterBranch")
        found[str(lst["listId"])] = (lst["name"], definition_key(branch) if branch else None)
    return found


def _plant(running: RunningSandbox, name: str, branch: Any) -> str:
    request = {"name": name, "objectTypeId": "0-1", "processingType": "DYNAMIC", "filterBranch": branch.to_hubspot()}
    return str(_sdk(running).create(list_create_request=request).list.list_id)


def _answers(demo: DemoSummary, **choices: str) -> Answers:
    return Answers.model_validate(
        {
            "competitor_domains": demo.crm.competitor_domains,
            "partner_marker": {"property": "contact_type", "values": ["partner"]},
            "choices": {key.replace("__", "."): choice for key, choice in choices.items()},
        }
    )


def test_the_default_plan_asks_and_never_duplicates(portal: tuple[RunningSandbox, DemoSummary], tmp_path: Path) -> None:
    running, demo = portal
    rt = runtime_for(running.base_url, tmp_path)
    before = read_back(running)
    plan = propose(rt, _answers(demo))
    clashes = {item.key: item for item in plan.items if item.clash is not None}
    # The demo portal's planted clashes are questions, with the options and the recommendation.
    assert set(clashes) == {"core.customers", "core.suppressed"}
    assert all(item.action == "conflict" and item.question for item in clashes.values())
    customers, suppressed = clashes["core.customers"].clash, clashes["core.suppressed"].clash
    assert customers is not None and suppressed is not None
    assert customers.recommended == "adopt" and customers.dependents  # a workflow and an email use it
    assert suppressed.recommended == "merge" and suppressed.dependents == []  # nothing uses it...
    change = suppressed.membership_change  # ...and what a merge would change is counted
    assert change is not None and change.joins is not None and change.joins > 0 and change.leaves == 0
    # Applying the default plan: nothing ends in "(2)", no definition is created twice.
    result = apply_items(rt, plan, select_items(plan, None))
    after = read_back(running)
    new = {list_id: state for list_id, state in after.items() if list_id not in before}
    assert {item.list_id for item in result.items if item.outcome == "created"} == set(new)
    assert not any(name.endswith("(2)") for name, _ in after.values())
    definitions = [key for _, key in after.values() if key is not None]
    assert len(definitions) == len(set(definitions)), "a definition exists twice"
    assert {list_id: after[list_id] for list_id in before} == before  # existing lists untouched
    rt.close()


def test_adopt_merge_and_move_aside_do_exactly_that_and_one_rollback_undoes_them(
    portal: tuple[RunningSandbox, DemoSummary], tmp_path: Path
) -> None:
    running, demo = portal
    customers_old = demo.existing_lists["customers_old"]
    suppressed_old = demo.existing_lists["suppressed_clash"]
    # Two more clashes: a list holding the Never Engaged name, and a near-duplicate of All Partners.
    never_old = _plant(running, "[Engagement] - Never Engaged", or_(and_(prop_bool("hs_email_optout", False))))
    partners_old = _plant(running, "All partners list", or_(and_(prop_any_of("contact_type", "vendor"))))
    rt = runtime_for(running.base_url, tmp_path)
    before = read_back(running)
    answers = _answers(
        demo,
        core__customers="adopt",
        core__suppressed="merge",
        core__partners="merge",
        engagement__never_engaged="move-aside",
    )
    plan = propose(rt, answers)
    actions = {item.key: item.action for item in plan.items}
    assert actions["core.customers"] == "adopt" and actions["core.suppressed"] == "merge"
    assert actions["core.partners"] == "merge" and actions["engagement.never_engaged"] == "move-aside"
    assert "conflict" not in actions.values() and "needs-input" not in actions.values()
    # The confirmation names every rename and filter change.
    preview = prepare_apply(rt, plan, None).preview
    assert f'rename "Customers (2023 import)" (id {customers_old}) to "[Core] - All Customers"' in preview
    assert f'rename "[Engagement] - Never Engaged" (id {never_old}) to "[Engagement] - Never Engaged (legacy)"' in (
        preview
    )
    assert f'"[Core] - Suppressed Contacts" (id {suppressed_old}): filters now: ' in preview
    assert 'and renamed to "[Core] - All Partners"' in preview and "used by: nothing" in preview

    result = apply_items(rt, plan, select_items(plan, None))
    outcomes = {item.key: item for item in result.items}
    assert {k: outcomes[k].outcome for k in ("core.customers", "core.suppressed", "core.partners")} == {
        "core.customers": "adopted",
        "core.suppressed": "merged",
        "core.partners": "merged",
    }
    after = read_back(running)
    wanted = {item.key: definition_key(item.filter_branch) for item in plan.items if item.filter_branch}
    # adopt: renamed, same id, same definition.
    assert after[customers_old] == ("[Core] - All Customers", before[customers_old][1])
    # merge: same id and name, the catalog's definition; a near-duplicate also gets the catalog's name.
    assert after[suppressed_old] == ("[Core] - Suppressed Contacts", wanted["core.suppressed"])
    assert after[partners_old] == ("[Core] - All Partners", wanted["core.partners"])
    # move aside: the old list renamed and otherwise untouched; a new list has the name and the definition.
    assert after[never_old] == ("[Engagement] - Never Engaged (legacy)", before[never_old][1])
    new_never = outcomes["engagement.never_engaged"].list_id
    assert new_never not in before and after[new_never] == (
        "[Engagement] - Never Engaged",
        wanted["engagement.never_engaged"],
    )
    assert 'moved "[Engagement] - Never Engaged"' in outcomes["engagement.never_engaged"].message
    assert not any(name.endswith("(2)") for name, _ in after.values())
    # Every change was journaled before it was made, with what the list was before.
    changes = [a for a in rt.journal.actions(result.run_id) if a.action in {"rename", "update_filters"}]
    assert {(a.action, a.list_id) for a in changes} == {
        ("rename", customers_old),
        ("update_filters", suppressed_old),
        ("update_filters", partners_old),
        ("rename", partners_old),
        ("rename", never_old),
    }
    assert all(a.outcome == "ok" and a.outcome_at and a.intent_at <= a.outcome_at for a in changes)
    previous = {(a.action, a.list_id): a.detail for a in changes}
    assert previous[("rename", customers_old)]["previous_name"] == "Customers (2023 import)"  # type: ignore[index]
    assert (
        definition_key(previous[("update_filters", suppressed_old)]["previous_filter_branch"])
        == (  # type: ignore[index]
            before[suppressed_old][1]
        )
    )
    # The library under HubSpot's names, with the catalog's role beside them.
    library = {entry.list_id: entry for entry in rt.journal.library(rt.portal_id)}
    assert (library[customers_old].origin, library[customers_old].name) == ("adopted", "[Core] - All Customers")
    assert (library[partners_old].origin, library[partners_old].catalog_name) == ("merged", "[Core] - All Partners")

    # Planning again with the same answers: everything is in the library, nothing to ask or do twice.
    again = propose(rt, answers)
    assert {item.action for item in again.items} == {"reuse"}

    # One rollback: created lists deleted, every renamed and merged list as it was (names and definitions).
    request = prepare_rollback(rt, result.run_id)
    assert f'rename "[Core] - All Customers" (id {customers_old}) back to "Customers (2023 import)"' in (
        request.preview
    )
    assert f'give "[Core] - Suppressed Contacts" (id {suppressed_old}) its previous filters back' in request.preview
    rolled = rollback_run(rt, result.run_id)
    assert all(o.outcome == "deleted" for o in rolled.outcomes)
    assert sorted((r.list_id, r.outcome) for r in rolled.restored) == sorted(
        [
            (customers_old, "name-restored"),
            (suppressed_old, "filters-restored"),
            (partners_old, "name-restored"),
            (partners_old, "filters-restored"),
            (never_old, "name-restored"),
        ]
    )
    assert read_back(running) == before
    assert {customers_old, suppressed_old, partners_old} & {
        e.list_id for e in rt.journal.library(rt.portal_id)
    } == set()
    assert prepare_rollback(rt, result.run_id).done is not None  # nothing left to undo
    rt.close()


def test_rollback_leaves_a_list_someone_changed_since_as_it_is(
    portal: tuple[RunningSandbox, DemoSummary], tmp_path: Path
) -> None:
    running, demo = portal
    customers_old = demo.existing_lists["customers_old"]
    rt = runtime_for(running.base_url, tmp_path)
    plan = propose(rt, _answers(demo, core__customers="adopt"), estimate=False)
    result = apply_items(rt, plan, [plan.item("core.customers")])
    _sdk(running).update_name(list_id=customers_old, list_name="Customers (renamed by Ana)")
    request = prepare_rollback(rt, result.run_id)
    assert request.done is not None and "nothing was deleted or restored" in request.done
    assert f'"Customers (renamed by Ana)" (id {customers_old}) was renamed by someone since' in request.done
    rolled = rollback_run(rt, result.run_id)
    assert [(r.list_id, r.outcome) for r in rolled.restored] == [(customers_old, "left-as-is")]
    assert read_back(running)[customers_old][0] == "Customers (renamed by Ana)"
    rt.close()


def test_a_kill_while_renaming_and_merging_is_settled_by_reading_the_lists_back(tmp_path: Path) -> None:
    """SIGKILL while the rename (adopt) and the filter update (merge) are in flight: the next run settles
    both intents from what the lists show, finishes, and one rollback restores both. The sandbox makes
    list updates slow (latency spikes on PUT), so the kill lands mid-call."""
    slow_updates = Faults(latency_spike_rate=1.0, latency_spike_seconds=1.5, paths=["/crm/v3/lists"], methods=["PUT"])
    running, demo = seeded_sandbox()
    try:
        customers_old = demo.existing_lists["customers_old"]
        suppressed_old = demo.existing_lists["suppressed_clash"]
        before = read_back(running)
        answers = Answers.model_validate(
            {
                "families": ["core"],
                "own_domains": ["sandbox-portal.example"],
                "choices": {
                    "core.customers": "adopt",
                    "core.suppressed": "merge",
                    "core.partners": "skip",
                    "core.competitors": "skip",
                    "core.internal": "skip",
                },
            }
        )
        running.sandbox.realism.configure(faults=slow_updates)
        # Row 1 and 2: the two intents (they run concurrently); kill while both calls are in flight.
        kill = kill_child_at("apply", running.base_url, tmp_path, answers, 2, 0.3)
        assert kill["killed"], kill
        time.sleep(2.0)  # the sandbox finishes the requests the dead client sent
        running.sandbox.realism.configure(faults=Faults())
        rt = runtime_for(running.base_url, tmp_path)
        pending = rt.journal.unsettled(rt.portal_id)
        assert {(a.action, a.list_id) for a in pending} == {
            ("rename", customers_old),
            ("update_filters", suppressed_old),
        }
        notes = reconcile(rt)
        assert len(notes) == 2 and all("before an interruption" in note for note in notes)
        assert rt.journal.unsettled(rt.portal_id) == []
        plan = load_plan(rt, (tmp_path / "plan_id").read_text())
        resumed = apply_items(rt, plan, select_items(plan, None))
        assert {item.key: item.outcome for item in resumed.items} == {
            "core.customers": "adopted",
            "core.suppressed": "merged",
        }
        after = read_back(running)
        assert after[customers_old][0] == "[Core] - All Customers"
        assert after[suppressed_old][1] == definition_key(plan.item("core.suppressed").filter_branch)
        rollback_run(rt, resumed.run_id)
        assert read_back(running) == before
        rt.close()
    finally:
        running.stop()


def test_undo_without_a_run_id_restores_the_changes_of_every_run_of_the_plan(
    portal: tuple[RunningSandbox, DemoSummary], tmp_path: Path
) -> None:
    """Issue 10's undo (every run of the plan) and issue 12's (renames and merges given back) in one:
    the clashes are answered after a first run, the answered plan is the same plan, and one undo
    deletes what the first run created and restores what the second changed."""
    running, demo = portal
    customers_old = demo.existing_lists["customers_old"]
    suppressed_old = demo.existing_lists["suppressed_clash"]
    rt = runtime_for(running.base_url, tmp_path)
    before = read_back(running)
    first = propose(rt, _answers(demo), estimate=False)  # the clashes are questions; the rest is created
    run_a = apply_items(rt, first, select_items(first, None))
    answered = propose(rt, _answers(demo, core__customers="adopt", core__suppressed="merge"), estimate=False)
    run_b = apply_items(rt, answered, select_items(answered, ["core.customers", "core.suppressed"]))
    assert run_a.created_ids and [item.outcome for item in run_b.items] == ["adopted", "merged"]
    request = prepare_rollback(rt, None)
    assert request.run_ids == [run_b.run_id, run_a.run_id] and "2 runs of the same plan" in request.preview
    assert f'rename "[Core] - All Customers" (id {customers_old}) back to "Customers (2023 import)"' in (
        request.preview
    )
    assert f'give "[Core] - Suppressed Contacts" (id {suppressed_old}) its previous filters back' in request.preview
    rolled = request.carry_out(rt)
    assert sorted(o.list_id for o in rolled.outcomes if o.outcome == "deleted") == sorted(run_a.created_ids)
    assert {(r.list_id, r.outcome) for r in rolled.restored} == {
        (customers_old, "name-restored"),
        (suppressed_old, "filters-restored"),
    }
    assert read_back(running) == before
    assert rolled.folders_removed  # the folder the first run made, empty again
    assert prepare_rollback(rt, None).done is not None  # nothing left to undo
    rt.close()
