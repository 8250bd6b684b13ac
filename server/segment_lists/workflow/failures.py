"""The one error catalogue: a failure -> what went wrong, what did not happen, what to do next.

Both faces say the same thing about the same failure: the MCP face turns a `Failure` into the tool
error the model reads, the command line into its one line on stderr and an exit code. The workflow's
own failures are the classes below (each knows its fix); the portal's typed errors are described
here, in one place, with the retry hint where HubSpot gives one. Anything else is a bug, and is
left to surface as one.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import ValidationError

from segment_lists.boundary.redaction import mask_token_shapes
from segment_lists.boundary.text import clean, counted, shorten
from segment_lists.portal import (
    AuthenticationFailed,
    DailyLimitReached,
    MissingScope,
    NotFound,
    PortalError,
    PortalUnavailable,
    RateLimited,
    ValidationFailed,
)
from segment_lists.portal.errors import TOKEN_REJECTED_FIX
from segment_lists.workflow.next_steps import NextSteps, Step

# input: the request cannot be done as asked (exit 2 on the command line); setup: the token or the
# connection; portal: HubSpot refused or failed.
FailureKind = Literal["input", "setup", "portal"]


@dataclass(frozen=True)
class Failure:
    message: str  # what went wrong (CRM text cleaned)
    what_did_not_happen: str  # e.g. "nothing was created"
    fix: str | None = None  # the next step, when there is one
    retry_after: float | None = None  # seconds, when HubSpot says (or implies) when to try again
    kind: FailureKind = "input"

    def text(self) -> str:
        """One short paragraph: 'message; nothing was created. Fix.' Anything shaped like a HubSpot
        token is masked, whatever produced the message (the transport has removed the configured one)."""
        said = f"{self.message.rstrip(' .')}; {self.what_did_not_happen}." + (f" {self.fix}" if self.fix else "")
        return mask_token_shapes(said)


# --- the workflow's own failures --------------------------------------------------------------------


class WorkflowFailure(Exception):
    """A failure the workflow reports on purpose; the message says what, `fix` what to do."""

    kind: FailureKind = "input"
    fix: str | None = None
    next_step: Step | None = None  # the fix when none is given: this step, in the face's words
    or_step: Step | None = None  # an alternative to the fix, in the face's words ("...; or, <this>.")

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        super().__init__(message)
        if fix is not None:
            self.fix = fix


class NoToken(WorkflowFailure):
    """No HubSpot token is configured."""

    kind: FailureKind = "setup"
    next_step = Step.CONNECT
    or_step = Step.SANDBOX


class InvalidRequest(WorkflowFailure):
    """The arguments do not say what to do (e.g. neither a plan nor a custom list)."""


class UnknownPlan(WorkflowFailure):
    """The plan id is not in this portal's journal."""


class UnknownRun(WorkflowFailure):
    """No such apply run in this portal's journal."""


class NothingToApply(WorkflowFailure):
    """None of the requested plan items can be applied; says why."""


class ConfirmationRejected(WorkflowFailure):
    """The token does not confirm this exact action; nothing was done."""


class ListNotFound(WorkflowFailure):
    """The list does not exist (or was deleted outside this tool)."""

    next_step = Step.LIST_IDS


class NothingToRestore(WorkflowFailure):
    """HubSpot has no deleted list of this id to restore."""

    next_step = Step.LIBRARY


# What the faces catch: the workflow's failures, the portal's, and invalid input (the filter grammar's
# FilterValidationError and pydantic's ValidationError are ValueErrors).
EXPECTED_FAILURES: tuple[type[Exception], ...] = (WorkflowFailure, PortalError, ValueError)


def describe_failure(error: Exception, what_did_not_happen: str, *, next_steps: NextSteps) -> Failure:
    """The catalogue entry for an expected failure (one of `EXPECTED_FAILURES`); `next_steps` are the
    words of the face that reports it."""
    action = what_did_not_happen
    if isinstance(error, WorkflowFailure):
        fix = error.fix
        if fix is None and error.next_step is not None:
            fix = next_steps.sentence(error.next_step, rest=".")
        if fix is not None and error.or_step is not None:
            fix = f"{fix.rstrip(' .')}; or, {next_steps(error.or_step)}."
        return Failure(clean(str(error), limit=3000), action, fix, kind=error.kind)
    if isinstance(error, ValidationError):  # a model built from input the caller gave: said, not dumped
        return Failure("; ".join(argument_problems(error)), action)
    if isinstance(error, AuthenticationFailed):
        return Failure(
            "HubSpot rejected the token (401)",
            action,
            TOKEN_REJECTED_FIX,
            kind="setup",
        )
    if isinstance(error, MissingScope):
        return Failure(clean(str(error)), action, kind="setup")
    if isinstance(error, DailyLimitReached):
        wait = (error.resets_at - datetime.now(UTC)).total_seconds() if error.resets_at is not None else None
        return Failure(
            "HubSpot's daily API limit for this account is used up",
            action,
            f"It resets {error.resets_when}; nothing was retried. Try again after the reset.",
            retry_after=max(0.0, wait) if wait is not None else None,
            kind="portal",
        )
    if isinstance(error, RateLimited):
        fix = f"Retry in about {error.retry_after:.0f} s." if error.retry_after else "Retry in a minute."
        return Failure(
            "HubSpot's rate limit was hit", action, fix, retry_after=error.retry_after or 60.0, kind="portal"
        )
    if isinstance(error, NotFound):
        return Failure(clean(str(error)), action, next_steps.sentence(Step.LIST_IDS, rest="."), kind="portal")
    if isinstance(error, ValidationFailed):
        return Failure(f"HubSpot refused the request: {clean(str(error))}", action, kind="portal")
    if isinstance(error, PortalUnavailable):
        return Failure(f"HubSpot is not answering ({clean(str(error))})", action, "Try again shortly.", kind="portal")
    if isinstance(error, PortalError):
        return Failure(clean(str(error)), action, kind="portal")
    return Failure(clean(str(error), limit=3000), action)


# --- arguments a caller got wrong ----------------------------------------------------------------------
# A model (or a person) that calls a tool with the wrong arguments reads what is wrong and one call that
# works, never pydantic's dump (type codes, `input_value=`, links to pydantic's site): the model relays
# these words, and corrects itself from the example faster than from a schema.

SHOWN_PROBLEMS = 3  # more than this many problems: the first ones, and how many more
_KINDS = {
    "list_type": "a list (a JSON array)",
    "tuple_type": "a list (a JSON array)",
    "set_type": "a list (a JSON array)",
    "dict_type": "an object (JSON)",
    "model_type": "an object (JSON)",
    "model_attributes_type": "an object (JSON)",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "string_type": "text (a JSON string)",
}


def where(loc: Sequence[Any]) -> str:
    """pydantic's location as the caller wrote it: ('answers', 'families', 0) -> answers.families[0]."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "the arguments"


def _given(value: Any) -> str:
    """What the caller sent, briefly: a scalar as JSON, a container by its kind."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = type(value).__name__
    return shorten(clean(text, limit=200), 60)


def argument_problems(error: ValidationError) -> list[str]:
    """Each of pydantic's errors as one sentence: where, what is wrong, what was given. The same mistake
    in several items of a list is said once ("... (and 4 more like it)"); at most `SHOWN_PROBLEMS`."""
    said: dict[tuple[Any, ...], str] = {}
    alike: dict[tuple[Any, ...], int] = {}
    for issue in error.errors(include_url=False):
        key = (*(part for part in issue["loc"] if not isinstance(part, int)), issue["type"])
        if key in said:
            alike[key] += 1
            continue
        said[key], alike[key] = _problem(issue), 0
    problems = [text + (f" (and {alike[key]} more like it)" if alike[key] else "") for key, text in said.items()]
    if len(problems) > SHOWN_PROBLEMS:
        problems = [*problems[:SHOWN_PROBLEMS], f"and {counted(len(problems) - SHOWN_PROBLEMS, 'more problem')}"]
    return problems


def _problem(issue: Any) -> str:
    path, kind, given = where(issue["loc"]), issue["type"], issue.get("input")
    ctx = issue.get("ctx") or {}
    if kind == "missing":
        return f"{path} is required"
    if kind == "extra_forbidden":
        return f"{path} is not an argument here"
    if kind in {"literal_error", "enum"}:
        return f"{path} must be {ctx.get('expected', 'one of the listed values')}, not {_given(given)}"
    if kind in _KINDS:
        return f"{path} must be {_KINDS[kind]}, not {_given(given)}"
    if kind in {"value_error", "assertion_error"} and "error" in ctx:
        return f"{path}: {clean(str(ctx['error']), limit=400)}"  # our own validators' words
    message = clean(str(issue["msg"]), limit=300).replace(" after validation", "")
    subject, should, rest = message.partition(" should ")
    if should and subject in {"Input", "String", "List", "Tuple", "Set", "Dictionary", "Value", "Decimal"}:
        return f"{path} should {rest}" + (f", not {_given(given)}" if subject == "Input" else "")
    return f"{path}: {message[:1].lower()}{message[1:]}"


def unknown_key_problem(path: str, key: str, valid: Sequence[str]) -> str:
    """A key the tool does not take (a typo, or another tool's argument): the closest valid key when
    there is one, else every valid key, so a typo never silently falls back to a default."""
    shown = json.dumps(shorten(clean(key, limit=200), 60), ensure_ascii=False)
    said = f"{shown} is not a key of {path}" if path else f"{shown} is not an argument"
    close = difflib.get_close_matches(key, list(valid), n=1, cutoff=0.6)
    if close:
        return f"{said} (did you mean {close[0]})"
    return f"{said} (valid: {', '.join(valid) or 'none'})"


def describe_invalid_arguments(problems: Sequence[str], example: str) -> Failure:
    """A call whose arguments do not fit the tool: what is wrong, and `example` (one call that works,
    in the face's words). Nothing ran, so nothing changed."""
    return Failure("; ".join(problems), "nothing was done", f"A call that works: {example}", kind="input")
