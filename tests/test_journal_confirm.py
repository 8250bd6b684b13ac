from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from segment_lists.workflow import confirmation_tokens
from segment_lists.workflow.journal import Journal


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "state" / "journal.sqlite3")


def test_intent_before_outcome_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    first = Journal(path)
    run = first.start_run("123", "apply", plan_id="plan-1")
    action = first.intend(run, "123", "create", segment_key="core.customers", list_name="[Core] - All Customers")
    first.close()  # the process dies before the outcome is written
    reopened = Journal(path)
    [pending] = reopened.unsettled("123")
    assert pending.action_id == action and pending.list_name == "[Core] - All Customers"
    reopened.settle(action, "ok", list_id="42")
    assert reopened.unsettled("123") == [] and reopened.actions(run)[0].list_id == "42"
    assert reopened.unsettled("other-portal") == []


def test_library_tracks_created_and_deleted(journal: Journal) -> None:
    run = journal.start_run("1", "apply")
    journal.record_created("1", run, "7", "[Core] - All Customers", "DYNAMIC", "core.customers", {"x": 1})
    assert [entry.list_id for entry in journal.library("1")] == ["7"]
    journal.mark_deleted("1", "7")
    assert journal.library("1") == [] and journal.library("1", include_deleted=True)[0].deleted_at
    assert journal.created_by_tool("1", "7") is not None and journal.created_by_tool("2", "7") is None


def test_confirmation_is_bound_single_use_and_expiring(journal: Journal) -> None:
    args = {"list_id": "7"}
    state = {"updatedAt": "2026-01-01T00:00:00Z", "size": 3}
    token = confirmation_tokens.issue(
        journal, portal_id="1", tool="delete_list", arguments=args, state=state, summary="x"
    )
    with pytest.raises(confirmation_tokens.ConfirmationRejected, match="arguments differ"):
        confirmation_tokens.redeem(
            journal, token, portal_id="1", tool="delete_list", arguments={"list_id": "8"}, state=state
        )
    with pytest.raises(confirmation_tokens.ConfirmationRejected, match="not create_list"):
        confirmation_tokens.redeem(journal, token, portal_id="1", tool="create_list", arguments=args, state=state)
    with pytest.raises(confirmation_tokens.ConfirmationRejected, match="stale"):
        confirmation_tokens.redeem(
            journal, token, portal_id="1", tool="delete_list", arguments=args, state={**state, "size": 4}
        )
    with pytest.raises(confirmation_tokens.ConfirmationRejected, match="unknown"):
        confirmation_tokens.redeem(journal, token, portal_id="2", tool="delete_list", arguments=args, state=state)
    later = datetime.now(UTC) + timedelta(minutes=11)
    with pytest.raises(confirmation_tokens.ConfirmationRejected, match="expired"):
        confirmation_tokens.redeem(
            journal, token, portal_id="1", tool="delete_list", arguments=args, state=state, now=later
        )
    confirmation_tokens.redeem(journal, token, portal_id="1", tool="delete_list", arguments=args, state=state)
    with pytest.raises(confirmation_tokens.ConfirmationRejected, match="already used"):
        confirmation_tokens.redeem(journal, token, portal_id="1", tool="delete_list", arguments=args, state=state)
