"""Typed errors from the portal layer, with messages that say what to do next.

Every error carries structured fields (HTTP status, HubSpot's category, sub-category and
correlation id, the endpoint) next to its message. None of them ever contains the access token:
messages are built from HubSpot's answer, and the transport redacts the token as a last guard.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from segment_lists.data.hubspot_scopes import SERVICE_KEYS_SCREEN, scope_words, where_to_add


class PortalError(Exception):
    """Base class: anything the portal layer reports."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        category: str | None = None,
        sub_category: str | None = None,
        correlation_id: str | None = None,
        endpoint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.category = category
        self.sub_category = sub_category
        self.correlation_id = correlation_id
        self.endpoint = endpoint

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status}, endpoint={self.endpoint!r})"


class AuthenticationFailed(PortalError):
    """401: the token is missing, wrong, expired or revoked."""


class MissingScope(PortalError):
    """403: the token (service key, private app or OAuth) lacks a scope. `scopes`: HubSpot's
    requiredGranularScopes (any one suffices)."""

    def __init__(self, scopes: list[str], **fields: Any) -> None:
        self.scopes = scopes
        if len(scopes) == 1:
            what = f"scope {scope_words(scopes[0])}"
        elif scopes:
            what = "one of the scopes " + ", ".join(scope_words(s) for s in scopes)
        else:
            what = "a required scope"
        super().__init__(f"the HubSpot token lacks {what}. {where_to_add('it')}.", **fields)


TOKEN_REJECTED_FIX = (
    f"Check HUBSPOT_ACCESS_TOKEN: copy the service key again ({SERVICE_KEYS_SCREEN}; rotate it there if it "
    "leaked). A private-app token may have been rotated; an OAuth access token expires and must be refreshed."
)


class NotFound(PortalError):
    """404: the list, record, property... does not exist (or was deleted)."""


class ValidationFailed(PortalError):
    """400/409/422: HubSpot refused the request. `errors`: HubSpot's per-field details."""

    def __init__(self, message: str, *, errors: list[dict[str, Any]] | None = None, **fields: Any) -> None:
        super().__init__(message, **fields)
        self.errors = errors or []


class DuplicateListName(ValidationFailed):
    """A list with this name already exists (names are unique, case-insensitively)."""

    def __init__(self, name: str | None, message: str, **fields: Any) -> None:
        super().__init__(message, **fields)
        self.name = name


class RateLimited(PortalError):
    """429 after the retry budget: `policy` is HubSpot's policyName, `retry_after` seconds if known."""

    def __init__(
        self, message: str, *, policy: str | None = None, retry_after: float | None = None, **fields: Any
    ) -> None:
        super().__init__(message, **fields)
        self.policy = policy
        self.retry_after = retry_after


class DailyLimitReached(RateLimited):
    """The account's daily call budget is used up. Not retried: it resets at midnight, portal time."""

    def __init__(self, resets_at: datetime | None, **fields: Any) -> None:
        self.resets_at = resets_at
        if resets_at is not None:
            when = f"at {resets_at.strftime('%Y-%m-%d %H:%M')} {resets_at.tzname() or ''}".rstrip()
            zone = getattr(resets_at.tzinfo, "key", None)
            if zone:
                when += f" ({zone})"
        else:
            when = "at midnight in the portal's time zone"
        self.resets_when = when  # "at 2026-05-02 00:00 CEST (Europe/Berlin)"
        super().__init__(
            f"HubSpot's daily API limit for this account is used up; it resets {when}. "
            "Nothing was retried; try again after the reset.",
            policy="DAILY",
            **fields,
        )


class PortalUnavailable(PortalError):
    """5xx answers or broken connections, still failing after the retries."""

    def __init__(self, message: str, *, attempts: int = 0, **fields: Any) -> None:
        super().__init__(message, **fields)
        self.attempts = attempts


class AmbiguousWrite(PortalError):
    """A non-idempotent write (POST) failed in a way that leaves unknown whether it happened
    (connection dropped after sending, gateway 5xx). Look before retrying."""
