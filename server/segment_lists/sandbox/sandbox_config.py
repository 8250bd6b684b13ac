"""Settings of one sandbox portal. Realism controls (rate limits, latency, faults) are off by default;
strictness is on: where HubSpot's answer is undocumented the sandbox takes the stricter reading, each
one a `Strictness` setting listed in docs/sandbox.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from segment_lists.data.hubspot_limits import (
    CRM_SEARCH_CAP,
    CRM_SEARCH_PAGE,
    PER_LIST_ACCESS_TIERS,
    RATE_TIERS,
    SEARCH_MAX_BODY_CHARS,
    SEARCH_MAX_FILTERS,
    SEARCH_MAX_FILTERS_PER_GROUP,
    SEARCH_MAX_GROUPS,
    TIER_ACTIVE_LISTS,
    TIER_BURST,
    TIER_DAILY,
    TIER_STATIC_LISTS,
    RateTier,
)

# HubSpot's private-app burst limits per 10 seconds and daily limits, by tier: the product's figures
# (`data.hubspot_limits`, with their sources), never a copy.
TIER_LIMITS: dict[str, tuple[int, int]] = {tier: (TIER_BURST[tier], TIER_DAILY[tier]) for tier in RATE_TIERS}

# How a bearer token authenticates, which decides the rate-limit headers HubSpot sends: private apps
# and service keys get all seven, OAuth (public) apps no Daily pair (changelog "Rate limit headers will
# now appear for OAuth authenticated calls").
TokenKind = Literal["private-app", "service-key", "oauth"]

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


class Credential(BaseModel):
    """A bearer token the portal accepts, as the HubSpot credential it stands for. Service keys (the
    current way in), legacy private-app tokens and OAuth access tokens are all bearer tokens with
    scopes; HubSpot documents no token format, so the kind is said here, never read off the token.
    https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/account-service-keys"""

    kind: TokenKind = "service-key"
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

    @property
    def enforced(self) -> bool:
        return self.per_ten_seconds is not None or self.daily is not None or self.search_per_second is not None


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


FAULT_SPEC_KEYS = {
    "429": "rate_429",
    "5xx": "rate_5xx",
    "drop": "rate_drop",
    "spike": "latency_spike_rate",
    "spike-seconds": "latency_spike_seconds",
    "burst": "burst_429",
    "seed": "seed",
    "max": "max_injected",
    "retry-after": "retry_after_on_injected_429",
}


def parse_fault_spec(spec: str) -> Faults:
    """`429=0.05,5xx=0.02,drop=0.01,spike=0.1,spike-seconds=2,seed=7,max=10,paths=/crm/v3/lists`: the
    command line's `--faults`. Rates are per request (0..1); `paths` and `methods` take `|`-separated
    values. Raises ValueError naming the part it cannot read."""
    fields: dict[str, object] = {}
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if not sep or not value.strip():
            raise ValueError(f"'{part}' is not KEY=VALUE")
        if key in ("paths", "methods"):
            fields[key] = [v for v in value.split("|") if v]
        elif key in FAULT_SPEC_KEYS:
            fields[FAULT_SPEC_KEYS[key]] = value.strip()
        else:
            known = ", ".join([*FAULT_SPEC_KEYS, "paths", "methods"])
            raise ValueError(f"unknown fault '{key}'; use {known}")
    return Faults.model_validate(fields)


class SearchLimits(BaseModel):
    """CRM search's limits. Defaults: HubSpot's currently documented figures (`data.hubspot_limits`,
    from the search guide's "Limitations"); change them to rehearse another reading."""

    max_groups: int = SEARCH_MAX_GROUPS
    max_filters_per_group: int = SEARCH_MAX_FILTERS_PER_GROUP
    max_filters: int = SEARCH_MAX_FILTERS
    max_page: int = CRM_SEARCH_PAGE
    max_results: int = CRM_SEARCH_CAP
    max_body_chars: int = SEARCH_MAX_BODY_CHARS


class Strictness(BaseModel):
    """Readings of HubSpot's undocumented answers. Every default is the stricter one: a request the
    strict sandbox accepts is accepted by the lenient one too. Sources and status: docs/sandbox.md."""

    # List definitions (create, update-filters) against the portal's own schema.
    properties: bool = True  # a PROPERTY filter's property exists on the object type it reads
    operation_types: bool = True  # the operation type fits the property's type
    option_values: bool = True  # ENUMERATION values are the property's option values
    object_types: bool = True  # objectTypeId (list, ASSOCIATION branch) is one this portal has
    association_types: bool = True  # associationTypeId exists between the two objects, in its category
    event_types: bool = True  # UNIFIED_EVENTS names an event type of this portal (`event_type_ids`)
    guide_operation_names: bool = False  # accept the filters guide's lowercase names ("datetime-rolling")
    empty_and_branches: bool = False  # accept an AND branch with no filters and no branches
    # CRM search.
    search_option_values: bool = True  # EQ/NEQ/IN/NOT_IN on an enumeration with a value that is no option
    search_window: Literal["reject", "truncate"] = "reject"  # after + limit beyond 10,000 results
    uppercase_enums: bool = True  # operators and sort directions as the spec spells them (upper case)
    # Non-empty listPermissions / membershipSettings on a portal without per-list access.
    list_access_without_feature: Literal["reject", "ignore"] = "reject"

    @classmethod
    def lenient(cls) -> Strictness:
        return cls(
            properties=False,
            operation_types=False,
            option_values=False,
            object_types=False,
            association_types=False,
            event_types=False,
            guide_operation_names=True,
            empty_and_branches=True,
            search_option_values=False,
            search_window="truncate",
            uppercase_enums=False,
            list_access_without_feature="ignore",
        )


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
    # Evaluate a PROCESSING list in the background (HubSpot processes lists asynchronously), so its
    # first read after processing finds it ready; False = evaluate it on that first read.
    background_processing: bool = True
    latency_seconds: float = 0.0
    rate_limits: RateLimits = Field(default_factory=RateLimits)
    faults: Faults = Field(default_factory=Faults)
    # Freeze the portal's clock (NOW/TODAY in filters, timestamps); None = the real clock.
    frozen_now: datetime | None = None
    # Maximum number of DYNAMIC (active) and MANUAL/SNAPSHOT (static) lists; None = the tier's
    # (data.hubspot_limits.TIER_ACTIVE_LISTS / TIER_STATIC_LISTS). HubSpot's per-tier numbers are
    # unconfirmed (reference §12.3), so they are settings.
    max_dynamic_lists: int | None = None
    max_static_lists: int | None = None
    deleted_list_retention_days: int = 90
    # Status of a duplicate list name (subCategory ILS.DUPLICATE_LIST_NAMES): 400 or 409 is
    # unconfirmed (reference §14), so it is a setting.
    duplicate_list_name_status: Literal[400, 409] = 400
    # GET of a soft-deleted list: 404 (False, our reading) or the list with `deletedAt` (True);
    # unconfirmed (reference §13).
    deleted_lists_readable: bool = False
    # The portal's subscription: its rate-limit figures (sent in the X-HubSpot-RateLimit-* headers of
    # every answer, enforced only through `rate_limits`) and whether lists have per-list access.
    tier: RateTier = "professional"
    # Per-list (per-segment) team access; None = as the tier has it (Enterprise only, KB "Manage user
    # and team access to segments").
    per_list_access: bool | None = None
    # How each token authenticates (decides the rate-limit headers); unlisted tokens are private apps,
    # unless `tokens` gives the token as a Credential, whose kind then counts.
    token_kinds: dict[str, TokenKind] = Field(default_factory=dict)
    # The portal's event definitions (UNIFIED_EVENTS eventTypeId); HubSpot publishes no list of ids.
    event_type_ids: list[str] = Field(default_factory=list)
    # CRM search responses carry only the Daily pair (recorded responses; third-party) or every header.
    search_rate_headers: Literal["daily-only", "all"] = "daily-only"
    search_limits: SearchLimits = Field(default_factory=SearchLimits)
    strictness: Strictness = Field(default_factory=Strictness)

    def token_kind(self, token: str | None) -> TokenKind:
        """The kind of credential a token stands for: its Credential's, else `token_kinds`', else a
        private app's (as every token was before service keys)."""
        granted = self.tokens.get(token or "")
        if isinstance(granted, Credential):
            return granted.kind
        return self.token_kinds.get(token or "", "private-app")

    def list_limit(self, dynamic: bool) -> int:
        """How many active (or static) lists this portal may have: the setting, else the tier's."""
        if dynamic:
            return self.max_dynamic_lists if self.max_dynamic_lists is not None else TIER_ACTIVE_LISTS[self.tier]
        return self.max_static_lists if self.max_static_lists is not None else TIER_STATIC_LISTS[self.tier]

    @property
    def has_per_list_access(self) -> bool:
        return self.per_list_access if self.per_list_access is not None else self.tier in PER_LIST_ACCESS_TIERS
