"""HubSpot's published figures, defined once: the API's address, the rate tiers, page and batch sizes,
and CRM search's limits ("reference §n": tests/hubspot/hubspot-lists-api.md).

Plain constants, no I/O: the portal client pages and paces by them, the domain's search translation
stays inside them, and the sandbox emulates them (it reads them from here, never a copy of its own).

Sources:
- Rate limits: https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines and the
  changelog "Increasing our API limits" (https://developers.hubspot.com/changelog/increasing-our-api-limits,
  Sept 2024). Professional's daily figure is 625,000 on the usage page and 650,000 in the changelog:
  the lower one is kept (a client that assumes less is never refused for it).
- Rate-limit headers: changelog "Rate limit headers will now appear for OAuth authenticated calls"
  (https://developers.hubspot.com/changelog/rate-limit-headers-will-now-appear-for-oauth-authenticated-calls):
  OAuth calls carry no Daily headers.
- CRM search: https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm ("Limitations"):
  5 requests/s per account, 200 per page, 10,000 results per query (paging beyond is a 400),
  5 filterGroups of at most 6 filters, 18 filters in all, a 3,000-character body.
"""

from __future__ import annotations

from typing import Literal

HUBSPOT_API = "https://api.hubapi.com"

# Private-app (and service-key) burst per 10 s and daily allowance by subscription tier (usage
# guidelines). "api-limit-increase": the API Limit Increase pack on Enterprise (250 burst, +1M a day).
RateTier = Literal["free", "starter", "professional", "enterprise", "api-limit-increase"]
RATE_TIERS: tuple[RateTier, ...] = ("free", "starter", "professional", "enterprise", "api-limit-increase")
TIER_BURST: dict[RateTier, int] = {
    "free": 100,
    "starter": 100,
    "professional": 190,
    "enterprise": 190,
    "api-limit-increase": 250,
}
TIER_DAILY: dict[RateTier, int] = {
    "free": 250_000,
    "starter": 250_000,
    "professional": 625_000,
    "enterprise": 1_000_000,
    "api-limit-increase": 2_000_000,
}
# Active (DYNAMIC) and static lists a portal may have, by subscription. HubSpot's KB defers to its
# Product & Services Catalog; these are the commonly quoted figures, the lower where sources differ
# (reference §12.3: Starter 25 active, Professional 1,000, Enterprise 1,500) [unconfirmed].
TIER_ACTIVE_LISTS: dict[RateTier, int] = {
    "free": 10,
    "starter": 25,
    "professional": 1_000,
    "enterprise": 1_500,
    "api-limit-increase": 1_500,
}
TIER_STATIC_LISTS: dict[RateTier, int] = {
    "free": 1_000,
    "starter": 1_000,
    "professional": 1_000,
    "enterprise": 1_500,
    "api-limit-increase": 1_500,
}
PACK_DAILY = 1_000_000  # each API Limit Increase pack adds this much a day (at most two packs)
PUBLIC_APP_BURST = 110  # public (OAuth) apps: per installed account per 10 s, no daily cap
RATE_WINDOW_SECONDS = 10.0  # the burst window (X-HubSpot-RateLimit-Interval-Milliseconds: 10000)
SEARCH_PER_SECOND = 5  # CRM search requests per second, per account (reference §12.2)

# The response headers HubSpot sends with the figures (case as HubSpot writes them).
HEADER_DAILY = "X-HubSpot-RateLimit-Daily"
HEADER_DAILY_REMAINING = "X-HubSpot-RateLimit-Daily-Remaining"
HEADER_INTERVAL = "X-HubSpot-RateLimit-Interval-Milliseconds"
HEADER_MAX = "X-HubSpot-RateLimit-Max"
HEADER_REMAINING = "X-HubSpot-RateLimit-Remaining"
HEADER_SECONDLY = "X-HubSpot-RateLimit-Secondly"
HEADER_SECONDLY_REMAINING = "X-HubSpot-RateLimit-Secondly-Remaining"

# Pages and batches (maximums unless said otherwise).
LIST_SEARCH_COUNT = 500  # lists per list-search (and 2026-09 list-all) page (reference §6)
# Every processingType a list can have: "active" segments are DYNAMIC, "static" ones MANUAL or SNAPSHOT.
LIST_PROCESSING_TYPES = ("MANUAL", "DYNAMIC", "SNAPSHOT")
MEMBERSHIP_PAGE = 250  # members per memberships page (reference §5)
CRM_SEARCH_PAGE = 200  # records per CRM search page (reference §12.2)
CRM_SEARCH_CAP = 10_000  # results reachable by paging one CRM search query
CRM_PAGE = 100  # records per page of a CRM object listing
BATCH_SIZE = 100  # inputs per CRM batch read and per batch record-membership read
# Record ids per membership add: our choice, not HubSpot's (it documents no maximum). Each batch is
# one journaled write, so a crash loses at most one batch's outcome, which the next run re-adds.
MEMBERSHIP_WRITE_BATCH = 500

# CRM search (reference §12.2): an OR of at most 5 AND groups, 6 filters per group, 18 in all. (The
# spec's text says "up to 6 groups"; the search guide says 5, and the stricter figure is kept.)
SEARCH_MAX_GROUPS = 5
SEARCH_MAX_FILTERS_PER_GROUP = 6
SEARCH_MAX_FILTERS = 18
SEARCH_MAX_BODY_CHARS = 3_000

# Per-segment (per-list) access is a feature of Enterprise subscriptions only (KB "Manage user and
# team access to segments", https://knowledge.hubspot.com/lists/manage-access-to-lists).
PER_LIST_ACCESS_TIERS: frozenset[RateTier] = frozenset({"enterprise", "api-limit-increase"})


def tier_from_daily_limit(daily: int) -> RateTier | None:
    """The subscription tier a private app's daily allowance points at (packs add whole millions),
    or None when it matches none of HubSpot's figures. An inference from published figures: HubSpot
    has no API that names a portal's subscription."""
    base = daily % PACK_DAILY
    packs = daily // PACK_DAILY
    if base in (625_000, 650_000):
        return "professional"
    if base == 250_000:
        return "starter"
    if base == 0 and packs >= 1:
        return "enterprise" if packs == 1 else "api-limit-increase"
    return None


def is_hubspot_api(base_url: str) -> bool:
    """HubSpot itself, rather than a sandbox portal or another stand-in."""
    return base_url.rstrip("/") == HUBSPOT_API
