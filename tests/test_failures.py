"""One error catalogue (workflow/failures.py): the MCP face and the command line say the same thing about
the same failure, each naming the next step in its own words (tools / commands), a rate limit always says
when to retry, and a bug is never dressed up as a failure."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from mcp.server.mcpserver.exceptions import ToolError

from segment_lists.cli.command_steps import COMMAND_STEPS
from segment_lists.cli.main import build_parser
from segment_lists.cli.session import Exit, run_command
from segment_lists.filters import parse_filter_branch
from segment_lists.mcp.errors import tool_errors
from segment_lists.mcp.tool_steps import TOOL_STEPS
from segment_lists.portal import (
    AuthenticationFailed,
    DailyLimitReached,
    MissingScope,
    NotFound,
    PortalUnavailable,
    RateLimited,
    ValidationFailed,
)
from segment_lists.workflow.failures import (
    ConfirmationRejected,
    InvalidRequest,
    ListNotFound,
    NothingToRestore,
    NoToken,
    UnknownPlan,
    UnknownRun,
    describe_failure,
)
from segment_lists.workflow.tool_names import ToolName

NOT_DONE = "nothing was created"


def _filter_error() -> ValueError:
    try:
        parse_filter_branch({"filterBranchType": "AND"})
    except ValueError as error:
        return error
    raise AssertionError("the grammar accepted a root AND branch")


FAILURES: list[Exception] = [
    RateLimited("HubSpot answered 429", retry_after=7.0),
    RateLimited("HubSpot answered 429"),
    DailyLimitReached(datetime.now(UTC) + timedelta(hours=3)),
    AuthenticationFailed("401"),
    MissingScope(["crm.lists.write"]),
    NotFound("list 9 not found"),
    ValidationFailed("name is too long"),
    PortalUnavailable("502 Bad Gateway"),
    NoToken("No HubSpot token: set HUBSPOT_ACCESS_TOKEN, or run with --sandbox."),
    InvalidRequest("Give either plan_id (with optional items) or custom, not both and not neither"),
    UnknownPlan("no plan 'plan-x' for portal 1; call propose_segments first"),
    UnknownRun("no create_list run 'run-x' in this portal's journal"),
    ConfirmationRejected("this confirmation token has expired"),
    ListNotFound("List 9 does not exist (or was deleted outside this tool)"),
    NothingToRestore("HubSpot has no deleted list 9 to restore"),
    _filter_error(),
]
CLI_COMMAND = "run `segment-lists "


@pytest.mark.parametrize("error", FAILURES, ids=lambda e: type(e).__name__)
def test_both_faces_say_the_same_about_the_same_failure(error: Exception, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ToolError) as raised, tool_errors(NOT_DONE):
        raise error

    def body(args: argparse.Namespace) -> int:
        raise error

    code = run_command(body, argparse.Namespace(command="apply"), NOT_DONE)
    said = capsys.readouterr().err.strip()
    to_the_model = describe_failure(error, NOT_DONE, next_steps=TOOL_STEPS)
    to_a_person = describe_failure(error, NOT_DONE, next_steps=COMMAND_STEPS)
    assert str(raised.value) == to_the_model.text()
    assert said == f"segment-lists apply: {to_a_person.text()}"
    # The same failure, the same catalogue entry; only the words for the next step differ.
    assert (to_the_model.message, to_the_model.kind) == (to_a_person.message, to_a_person.kind)
    assert (to_the_model.fix is None) == (to_a_person.fix is None)
    for failure in (to_the_model, to_a_person):
        assert f"; {NOT_DONE}." in failure.text()  # what did not happen, said every time
    # The catalogue's own fixes (the messages here are given as the workflow would have made them):
    assert not any(tool in (to_a_person.fix or "") for tool in ToolName)  # a person runs commands, not tools
    assert CLI_COMMAND not in (to_the_model.fix or "")  # the model calls tools
    assert code == (Exit.USAGE if to_a_person.kind == "input" else Exit.FAILED)


@pytest.mark.parametrize(
    ("error", "tool", "command"),
    [
        (ListNotFound("List 9 does not exist"), "call list_existing_lists", "run `segment-lists plan`"),
        (NotFound("list 9 not found"), "call list_existing_lists", "run `segment-lists plan`"),
        (NothingToRestore("no deleted list 9"), "call export_library", "run `segment-lists plan`"),
        (NoToken("No HubSpot token"), "`segment-lists serve --sandbox`", "add --sandbox"),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else None,
)
def test_each_face_names_the_next_step_in_its_own_words(error: Exception, tool: str, command: str) -> None:
    assert tool.lower() in (describe_failure(error, NOT_DONE, next_steps=TOOL_STEPS).fix or "").lower()
    assert command.lower() in (describe_failure(error, NOT_DONE, next_steps=COMMAND_STEPS).fix or "").lower()


def test_rate_limits_say_when_to_retry() -> None:
    told = describe_failure(RateLimited("429", retry_after=7.0), NOT_DONE, next_steps=TOOL_STEPS)
    assert told.retry_after == 7.0 and told.text().endswith("Retry in about 7 s.")
    untold = describe_failure(RateLimited("429"), NOT_DONE, next_steps=TOOL_STEPS)
    assert untold.retry_after == 60.0 and untold.text().endswith("Retry in a minute.")
    daily = describe_failure(DailyLimitReached(datetime.now(UTC) + timedelta(hours=3)), NOT_DONE, next_steps=TOOL_STEPS)
    assert daily.retry_after is not None and 3 * 3600 - 60 < daily.retry_after <= 3 * 3600
    assert "daily API limit" in daily.text() and "It resets at" in daily.text()


def test_a_bug_is_not_dressed_up_as_a_failure() -> None:
    with pytest.raises(KeyError), tool_errors(NOT_DONE):
        raise KeyError("bug")

    def body(args: argparse.Namespace) -> int:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        run_command(body, argparse.Namespace(command="apply"), NOT_DONE)


def test_the_command_line_names_an_unknown_run_like_the_tools(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("SEGMENT_LISTS_STATE_DIR", str(tmp_path / "state"))
    args = build_parser().parse_args(["rollback", "run-nope", "--sandbox", "--contacts", "0", "--no-progress"])
    assert args.run(args) == Exit.USAGE
    err = capsys.readouterr().err
    # The same words check_exclusivity / rollback_run use (tests/test_mcp_errors.py).
    assert "no apply run 'run-nope' in this portal's journal; nothing more was deleted." in err


def test_a_validation_error_inside_a_use_case_is_said_not_dumped() -> None:
    """A model built from what the caller gave, validated inside the workflow: the same words as an
    argument error, never pydantic's dump."""
    from pydantic import ValidationError

    from segment_lists.domain.interview import Answers

    with pytest.raises(ValidationError) as caught:
        Answers.model_validate({"families": ["core", "nope"], "size_bands": "big"})
    text = describe_failure(caught.value, "no plan was made", next_steps=TOOL_STEPS).text()
    assert "families[1] must be 'core'" in text and 'not "nope"' in text, text
    assert 'size_bands must be a list (a JSON array), not "big"' in text, text
    assert text.endswith("; no plan was made.")
    for mark in ("validation error", "pydantic", "input_value", "[type=", "Answers"):
        assert mark not in text, (mark, text)
