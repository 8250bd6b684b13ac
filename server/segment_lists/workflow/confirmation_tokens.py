"""Confirmation of writes when the client cannot ask the user itself (no form elicitation).

The first call of a write tool returns a preview and a token. The token is bound to the tool, the
canonical arguments and the target's current state (e.g. a list's `updatedAt` and size, or the plan
and the names already taken), expires after a few minutes, works once, and lives in the journal so
it survives a restart of a stdio server. Only its digest is stored.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from segment_lists.workflow.failures import ConfirmationRejected
from segment_lists.workflow.journal import Journal
from segment_lists.workflow.runtime import Runtime

DEFAULT_TTL = timedelta(minutes=10)


def digest(value: Any) -> str:
    """A stable digest of JSON-able data: key order and whitespace do not matter."""
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def issue(
    journal: Journal,
    *,
    portal_id: str,
    tool: str,
    arguments: dict[str, Any],
    state: Any,
    summary: str,
    ttl: timedelta = DEFAULT_TTL,
    now: datetime | None = None,
) -> str:
    token = "confirm-" + secrets.token_urlsafe(18)
    expires = (now or datetime.now(UTC)) + ttl
    journal.store_confirmation(
        token_digest=digest(token),
        portal_id=portal_id,
        tool=tool,
        arguments_digest=digest(arguments),
        state_digest=digest(state),
        summary=summary,
        expires_at=expires.isoformat(),
    )
    return token


def redeem(
    journal: Journal,
    token: str,
    *,
    portal_id: str,
    tool: str,
    arguments: dict[str, Any],
    state: Any,
    now: datetime | None = None,
) -> None:
    """Consume the token if it confirms exactly this action on this state; raise otherwise."""
    record = journal.confirmation(digest(token))
    if record is None or record.portal_id != portal_id:
        raise ConfirmationRejected("unknown confirmation token")
    if record.used_at is not None:
        raise ConfirmationRejected("this confirmation token was already used")
    if record.tool != tool:
        raise ConfirmationRejected(f"this token confirms {record.tool}, not {tool}")
    if datetime.fromisoformat(record.expires_at) < (now or datetime.now(UTC)):
        raise ConfirmationRejected("this confirmation token has expired")
    if record.arguments_digest != digest(arguments):
        raise ConfirmationRejected("the arguments differ from the ones the user confirmed")
    if record.state_digest != digest(state):
        raise ConfirmationRejected("the portal changed since the user confirmed (the preview is stale)")
    if not journal.consume_confirmation(digest(token)):
        raise ConfirmationRejected("this confirmation token was already used")


def ask_by_token(rt: Runtime, *, tool: str, arguments: dict[str, Any], state: Any, summary: str) -> str:
    """A token for this write on this session's portal (see `issue`)."""
    return issue(rt.journal, portal_id=rt.portal_id, tool=tool, arguments=arguments, state=state, summary=summary)


def confirm_by_token(rt: Runtime, token: str, *, tool: str, arguments: dict[str, Any], state: Any) -> None:
    """Consume the token if the user confirmed exactly this write (see `redeem`); raise otherwise."""
    redeem(rt.journal, token, portal_id=rt.portal_id, tool=tool, arguments=arguments, state=state)
