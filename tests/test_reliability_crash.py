"""SIGKILL during apply and rollback: the journal lets the next run finish the job (issue 5, item 2).

A child process runs apply (then rollback) against a sandbox this process serves, with the journal
on disk; it is killed once the journal holds a random number of rows (plus a random few ms, so the
kill lands before, during or after the announced API call). The next run reconciles the intents
left without outcome by looking lists up by name, resumes to the planned state, and rolls back
exactly the lists the tool created; the portal and the journal must agree after each step.
bench/crash_trials.py runs 20+ of these.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reliability_harness import (
    clean_reference,
    crash_trial,
    crash_trial_ok,
    demo_answers,
    kill_child_at,
    orphans,
    portal_lists,
    run_flow,
    runtime_for,
    seeded_sandbox,
)
from segment_lists.portal.endpoints import endpoint_path
from segment_lists.sandbox import Faults, SandboxConfig

# slow: SIGKILL trials in subprocesses (`-m "not slow"` skips it)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, int | None]:
    return clean_reference(tmp_path_factory.mktemp("clean"))


@pytest.mark.parametrize("trial", [1, 4, 7])
def test_killed_apply_and_rollback_resume_to_the_planned_state(
    trial: int, tmp_path: Path, reference: dict[str, int | None]
) -> None:
    result = crash_trial(trial, tmp_path, reference)
    assert result["apply_kill"]["killed"] and result["rollback_kill"]["killed"], result
    assert result["after_apply"] == {"extra": [], "missing": [], "mismatched": []}, result
    assert result["orphans_after_apply"] == {"untracked": [], "missing": [], "unsettled": []}
    assert result["after_rollback"] == {"left_behind": [], "wrongly_deleted": [], "folders_left": []}, result
    assert result["orphans_after_rollback"] == {"untracked": [], "missing": [], "unsettled": []}
    assert result["library_left"] == [] and result["created"] == 11
    assert crash_trial_ok(result)


def test_an_intent_left_by_a_kill_is_settled_from_the_portal(tmp_path: Path) -> None:
    """A kill while a create is in flight leaves the intents in flight without outcome; the next run
    settles it from the portal and neither loses nor duplicates the list. The sandbox makes list
    writes slow (latency spikes on POST /crm/lists/<version>...), so the kill lands mid-call on a loaded
    machine too, instead of depending on timing."""
    lists_path = endpoint_path("lists.create", "latest")[1]  # where the product writes by default
    slow_writes = Faults(latency_spike_rate=1.0, latency_spike_seconds=1.5, paths=[lists_path], methods=["POST"])
    running, demo = seeded_sandbox(SandboxConfig(faults=slow_writes))
    try:
        preexisting = {str(item["listId"]) for item in portal_lists(running).values()}
        answers = demo_answers(demo)
        # Row 1 is the folder's intent, row 2 the first list's: kill while that create is in flight.
        kill = kill_child_at("apply", running.base_url, tmp_path, answers, 2, 0.3)
        assert kill["killed"], kill
        running.sandbox.realism.configure(faults=Faults())
        rt = runtime_for(running.base_url, tmp_path)
        # Creates run concurrently: every one in flight at the kill is left without outcome.
        in_flight = len(rt.journal.unsettled(rt.portal_id))
        assert in_flight >= 1
        flow = run_flow(rt, answers, plan_id=(tmp_path / "plan_id").read_text())
        assert len(flow.reconciled) == in_flight and all("interruption" in note for note in flow.reconciled)
        assert rt.journal.unsettled(rt.portal_id) == []
        assert orphans(rt, running, preexisting) == {"untracked": [], "missing": [], "unsettled": []}
        names = [name for name, item in portal_lists(running).items() if str(item["listId"]) not in preexisting]
        assert len(names) == len(set(names)) == 11  # every planned list once
        rt.close()
    finally:
        running.stop()
