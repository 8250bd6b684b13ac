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

from reliability_harness import clean_reference, crash_trial, crash_trial_ok


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
    assert result["after_rollback"] == {"left_behind": [], "wrongly_deleted": []}, result
    assert result["orphans_after_rollback"] == {"untracked": [], "missing": [], "unsettled": []}
    assert result["library_left"] == [] and result["created"] == 11
    assert crash_trial_ok(result)


def test_an_intent_left_by_a_kill_is_settled_from_the_portal(tmp_path: Path, reference: dict[str, int | None]) -> None:
    """Trial 1 kills right after the 3rd intent: the list was (or was not) created; either way the
    next run says so and neither loses nor duplicates it."""
    result = crash_trial(1, tmp_path, reference)
    assert result["pending_after_apply_kill"] == 1
    assert len(result["reconciled"]) == 1 and "interruption" in result["reconciled"][0]
    assert crash_trial_ok(result)
