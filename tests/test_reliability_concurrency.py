"""Two clients applying the same plan at the same moment create each list once (issue 5, item 7).

Two runtimes (each its own HubSpot client and journal connection) run `apply_items` on the same
plan in two threads, released together, against a sandbox with a little latency so their calls
interleave. With a shared state directory the journal lets the second one recognise the first
one's lists; with separate ones (two machines) HubSpot's unique list names stop the second create.
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import pytest

from reliability_harness import demo_answers, orphans, portal_lists, portal_state, runtime_for, seeded_sandbox
from segment_lists.sandbox import SandboxConfig
from segment_lists.workflow.apply import ApplyResult, apply_items, select_items
from segment_lists.workflow.proposal import load_plan, propose
from segment_lists.workflow.rollback import folders_created, rollback_runs
from segment_lists.workflow.runtime import Runtime


def _runs(rt: Runtime) -> list[str]:
    """This journal's apply runs, newest first."""
    return [run.run_id for run in reversed(rt.journal.runs(rt.portal_id, "apply"))]


@pytest.mark.parametrize("shared_state", [True, False], ids=["shared-journal", "separate-journals"])
def test_two_clients_applying_one_plan_create_each_list_once(shared_state: bool, tmp_path: Path) -> None:
    running, demo = seeded_sandbox(SandboxConfig(latency_seconds=0.005))
    try:
        preexisting = {str(item["listId"]) for item in portal_lists(running).values()}
        first = runtime_for(running.base_url, tmp_path / "a")
        plan = propose(first, demo_answers(demo))
        second = runtime_for(running.base_url, tmp_path / ("a" if shared_state else "b"))
        if not shared_state:
            second.journal.save_plan(second.portal_id, plan.plan_id, plan.model_dump(mode="json"))
        barrier = threading.Barrier(2)
        results: dict[str, ApplyResult] = {}
        errors: list[BaseException] = []

        def apply(label: str, rt: object) -> None:
            try:
                mine = load_plan(rt, plan.plan_id)  # type: ignore[arg-type]
                barrier.wait()
                results[label] = apply_items(rt, mine, select_items(mine, None))  # type: ignore[arg-type]
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=apply, args=(label, rt)) for label, rt in (("a", first), ("b", second))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert errors == []

        names, _ = portal_state(running)
        planned = [item.name for item in select_items(plan, None) if item.action != "reuse"]
        counts = Counter(name.lower() for name in names)
        assert {name: counts[name.lower()] for name in planned} == {name: 1 for name in planned}
        folders = counts["folder:segment library"]
        # A shared journal serialises folder creation; two journals may race to two folders (HubSpot
        # does not refuse duplicate folder names), and then converge: both keep the oldest, and the
        # other is removed by the run that made it (issue 10, item 7).
        assert folders == 1
        assert len(names) == len(preexisting) + len(planned) + folders  # nothing else appeared
        live = portal_lists(running)
        homes = {(live[name].get("additionalProperties") or {}).get("hs_folder_id") for name in planned}
        assert len(homes) == 1 and None not in homes, homes

        # Every item ends on the same list id in both runs; at most one of them created it.
        for key in (item.key for item in select_items(plan, None)):
            a = next(i for i in results["a"].items if i.key == key)
            b = next(i for i in results["b"].items if i.key == key)
            if shared_state:
                assert a.list_id == b.list_id and {a.outcome, b.outcome} <= {"created", "already-created", "reused"}
            else:
                # No shared journal: HubSpot's unique names refuse the loser, which says so.
                assert a.outcome == "reused" or {a.outcome, b.outcome} == {"created", "failed"}, (a, b)
                loser = b if b.outcome == "failed" else a
                assert loser.outcome != "failed" or "already exists" in loser.message
        for rt in (first, second):
            assert orphans(rt, running, preexisting)["unsettled"] == []
        if shared_state:
            assert orphans(first, running, preexisting) == {"untracked": [], "missing": [], "unsettled": []}

        # Undo both: the folder the tool made goes too, once nothing is left in it (the run that did not
        # make the surviving folder first; the one that made it removes it when it is empty).
        home = next(iter(homes))
        journals = [first] if shared_state else [first, second]
        made = [f for rt in journals for f, _ in folders_created(rt, _runs(rt))]
        # Separate journals usually race to two folders (then converge on one); a shared one makes one.
        assert len(made) == 1 if shared_state else len(made) in (1, 2), made
        makers = [rt for rt in journals if home in {f for f, _ in folders_created(rt, _runs(rt))}]
        assert len(makers) == 1
        for rt in sorted(journals, key=lambda rt: rt is makers[0]):
            rolled = rollback_runs(rt, _runs(rt)) if _runs(rt) else None
            assert rolled is None or all(o.outcome != "refused" for o in rolled.outcomes)
        names, _ = portal_state(running)
        assert sorted(names) == sorted(n for n in names if n.lower() != "folder:segment library")
        assert len(names) == len(preexisting)
        first.close()
        second.close()
    finally:
        running.stop()


def test_applying_a_plan_again_keeps_the_first_run_rollbackable(tmp_path) -> None:
    """Re-proposing after an apply marks our own lists 'reuse'; applying that must not adopt them away
    from the run that created them (its rollback would then delete nothing)."""
    from pydantic import SecretStr

    from segment_lists.domain.interview import Answers
    from segment_lists.sandbox import RunningSandbox, seed_demo
    from segment_lists.workflow.apply import apply_items, select_items
    from segment_lists.workflow.environment import Settings
    from segment_lists.workflow.proposal import propose
    from segment_lists.workflow.rollback import rollback_run
    from segment_lists.workflow.runtime import open_runtime

    with RunningSandbox() as portal:
        seed_demo(portal.sandbox, contacts=300, seed=3)
        rt = open_runtime(Settings(token=SecretStr("t"), base_url=portal.base_url, sandbox=True, state_dir=tmp_path))
        answers = Answers(families=["engagement"])
        first_plan = propose(rt, answers, estimate=False)
        first = apply_items(rt, first_plan, select_items(first_plan, None))
        created = sorted(item.list_id for item in first.items if item.outcome == "created")
        again = propose(rt, answers, estimate=False)
        assert {item.action for item in again.items} == {"reuse"}
        second = apply_items(rt, again, select_items(again, None))
        assert {item.outcome for item in second.items} == {"already-created"}
        assert {e.list_id: e.origin for e in rt.journal.library(rt.portal_id)} == {i: "created" for i in created}
        rolled = rollback_run(rt, first.run_id)
        assert sorted(o.list_id for o in rolled.outcomes if o.outcome == "deleted") == created
        rt.close()


def test_a_duplicate_folder_this_tool_made_is_removed_and_the_oldest_kept(tmp_path: Path) -> None:
    """Deterministically, what a lost folder race leaves: an older "Segment Library" made elsewhere
    (another machine's run) and a newer, empty one this journal made. The next apply keeps the
    oldest, puts its lists there and removes its own duplicate; a rollback then removes nothing it
    did not make."""
    running, demo = seeded_sandbox(SandboxConfig())
    try:
        rt = runtime_for(running.base_url, tmp_path / "state")
        plan = propose(rt, demo_answers(demo))
        elsewhere = rt.portal.create_folder("Segment Library")  # another machine's, not in this journal
        leftover_run = rt.journal.start_run(rt.portal_id, "apply", plan.plan_id)
        action = rt.journal.intend(leftover_run, rt.portal_id, "create_folder", detail={"name": "Segment Library"})
        ours = rt.portal.create_folder("Segment Library")
        rt.journal.settle(action, "ok", detail={"name": "Segment Library", "folder_id": ours.id})
        rt.journal.finish_run(leftover_run, "interrupted")
        result = apply_items(rt, plan, select_items(plan, ["icp.tier_1"]))
        folders = [f for f in rt.portal.folder_tree().walk() if f.name == "Segment Library"]
        assert [f.id for f in folders] == [elsewhere.id], "our empty duplicate was removed, the oldest kept"
        assert rt.portal.get_list(result.created_ids[0], include_filters=False).folder_id in (elsewhere.id, None)
        assert rt.portal.folder_tree(elsewhere.id).child_lists == result.created_ids
        rolled = rollback_runs(rt, [result.run_id])
        assert rolled.folders_removed == []  # the folder is not this run's to remove
        assert [f.id for f in rt.portal.folder_tree().walk() if f.name == "Segment Library"] == [elsewhere.id]
        rt.close()
    finally:
        running.stop()


def test_rollback_removes_the_empty_folder_its_run_made(tmp_path: Path) -> None:
    running, demo = seeded_sandbox(SandboxConfig())
    try:
        rt = runtime_for(running.base_url, tmp_path / "state")
        plan = propose(rt, demo_answers(demo))
        result = apply_items(rt, plan, select_items(plan, ["icp.tier_1", "icp.tier_2"]))
        assert [f.name for f in rt.portal.folder_tree().walk()].count("Segment Library") == 1
        rolled = rollback_runs(rt, [result.run_id])
        assert len(rolled.folders_removed) == 1 and '"Segment Library"' in rolled.folders_removed[0]
        assert "Segment Library" not in [f.name for f in rt.portal.folder_tree().walk()]
        rt.close()
    finally:
        running.stop()
