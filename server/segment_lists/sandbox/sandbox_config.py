"""Settings of one sandbox portal. Realism controls are off by default."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

# HubSpot's private-app burst limits per 10 seconds and daily limits, by tier (reference §12.1).
TIER_LIMITS: dict[str, tuple[int, int]] = {
    "free": (100, 250_000),
    "starter": (100, 250_000),
    "professional": (190, 625_000),
    "enterprise": (190, 1_000_000),
    "api-limit-increase": (250, 1_250_000),
}

ALL_SCOPES = frozenset(
    {
        "crm.lists.read",
        "crm.lists.write",
        "crm.objects.contacts.read",
        "crm.objects.contacts.write",
        "crm.objects.companies.read",
        "crm.objects.companies.write",
        "crm.schemas.contacts.read",
        "crm.schemas.contacts.write",
        "crm.schemas.companies.read",
        "crm.schemas.companies.write",
        "automation",
        "content",
        "settings.users.read",
        "settings.users.teams.read",
        "account-info.security.read",
        "oauth",
    }
)


TokenKind = Literal["service_key", "private_app", "oauth"]


class Credential(BaseModel):
    """A bearer token the portal accepts, as the HubSpot credential it stands for. Service keys (the
    current way in), legacy private-app tokens and OAuth access tokens are all bearer tokens with
    scopes; HubSpot documents no token format, so the kind is said here, never read off the token.
    https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/account-service-keys"""

    kind: TokenKind = "service_key"
    scopes: list[str] | None = None  # None: every scope


class RateLimits(BaseModel):
    """HubSpot's rate limits, emulated. `None` everywhere means unlimited (the default)."""

    per_ten_seconds: int | None = None
    daily: int | None = None
    search_per_second: int | None = None
    # HubSpot does not document a Retry-After header on 429 (reference §2.5): off unless asked.
    send_retry_after: bool = False
    # Whether CRM search calls also count toward the 10-second bucket is undocumented (reference
    # §12.2); counting them is the cautious reading.
    search_counts_toward_ten_second: bool = True
    # HubSpot's rolling window is 10 s; tests shrink it so pacing can be exercised quickly.
    window_seconds: float = 10.0

    @classmethod
    def for_tier(cls, tier: str, *, send_retry_after: bool = False) -> RateLimits:
        burst, daily = TIER_LIMITS[tier]
        return cls(per_ten_seconds=burst, daily=daily, search_per_second=5, send_retry_after=send_retry_after)


TokenEcho = Literal["plain", "lower", "upper", "url", "spaced", "base64", "basic", "bearer"]


class Faults(BaseModel):
    """Fault injection at set rates (0..1 per request), reproducible with `seed`."""

    seed: int = 0
    rate_429: float = 0.0
    burst_429: int = 1  # consecutive 429s once a burst starts
    retry_after_on_injected_429: bool = False
    rate_5xx: float = 0.0
    rate_drop: float = 0.0  # close the connection without a response
    latency_spike_rate: float = 0.0
    latency_spike_seconds: float = 1.0
    # Only requests whose path contains one of these substrings are faulted; empty = all.
    paths: list[str] = Field(default_factory=list)
    # Only requests with one of these methods are faulted; empty = all.
    methods: list[str] = Field(default_factory=list)
    # Stop injecting after this many faults (e.g. 1: fault exactly the first matching request).
    max_injected: int | None = None
    retry_after_seconds: int = 1
    statuses_5xx: list[int] = Field(default_factory=lambda: [502, 503, 504])
    # Gateways answer 5xx with an HTML page; HubSpot's API sometimes with its JSON envelope.
    body_5xx: Literal["html", "json", "mixed"] = "mixed"
    # "after": the request is processed, then the connection dies before the body (the write
    # happened but the client cannot know); "before": it dies without the request being processed.
    drop_mode: Literal["before", "after", "mixed"] = "mixed"
    # A misbehaving gateway or API that quotes the caller's credentials back: injected 5xx bodies (the
    # JSON message and the HTML page) echo the bearer token in each of these forms.
    echo_token: list[TokenEcho] = Field(default_factory=list)


class SandboxConfig(BaseModel):
    portal_id: int = 12345678
    time_zone: str = "America/New_York"
    company_domain: str = "sandbox-portal.example"
    currency: str = "USD"
    # Bearer tokens accepted: each a Credential, or just its scopes (None = every scope; the kind is then
    # a private app's, as before service keys). Empty = any token is accepted, with every scope.
    tokens: dict[str, Credential | list[str] | None] = Field(default_factory=dict)
    db_path: str = ":memory:"
    # How long a new or changed DYNAMIC list stays PROCESSING before it is COMPLETE.
    processing_seconds: float = 0.0
    latency_seconds: float = 0.0
    rate_limits: RateLimits = Field(default_factory=RateLimits)
    faults: Faults = Field(default_factory=Faults)
    # Freeze the portal's clock (NOW/TODAY in filters, timestamps); None = the real clock.
    frozen_now: datetime | None = None
    # Maximum number of DYNAMIC (active) and MANUAL/SNAPSHOT (static) lists; HubSpot's per-tier
    # numbers are unconfirmed (reference §12.3), so they are settings.
    max_dynamic_lists: int = 1500
    max_static_lists: int = 1500
    deleted_list_retention_days: int = 90
    # Status of a duplicate list name (subCategory ILS.DUPLICATE_LIST_NAMES): 400 or 409 is
    # unconfirmed (reference §14), so it is a setting.
    duplicate_list_name_status: Literal[400, 409] = 400
    # GET of a soft-deleted list: 404 (False, our reading) or the list with `deletedAt` (True);
    # unconfirmed (reference §13).
    deleted_lists_readable: bool = False
    mode: Literal["strict", "lenient"] = "strict"
