"""The one error catalogue: a failure -> what went wrong, what did not happen, what to do next.

Both faces say the same thing about the same failure: the MCP face turns a `Failure` into the tool
error the model reads, the command line into its one line on stderr and an exit code. The workflow's
own failures are the classes below (each knows its fix); the portal's typed errors are described
here, in one place, with the retry hint where HubSpot gives one. Anything else is a bug, and is
left to surface as one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from segment_lists.boundary.redaction import mask_token_shapes
from segment_lists.boundary.text import clean
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
