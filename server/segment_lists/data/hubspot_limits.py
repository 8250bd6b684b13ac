"""HubSpot's published figures, defined once: the API's address, the rate tiers, page and batch sizes,
and CRM search's limits ("reference §n": tests/hubspot/hubspot-lists-api.md).

Plain constants, no I/O: the portal client pages and paces by them, the domain's search translation
stays inside them, and the sandbox may emulate them.
"""

from __future__ import annotations

from typing import Literal

HUBSPOT_API = "https://api.hubapi.com"

# Burst per 10 s by subscription tier for service keys and private apps (reference §12.1). Daily limits are the server's
# business: the client only reacts to a DAILY 429.
RateTier = Literal["free", "starter", "professional", "enterprise", "api-limit-increase"]
TIER_BURST: dict[RateTier, int] = {
    "free": 100,
    "starter": 100,
    "professional": 190,
    "enterprise": 190,
    "api-limit-increase": 250,
}
SEARCH_PER_SECOND = 5  # CRM search requests per second, per account (reference §12.2)

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

# CRM search (reference §12.2): an OR of at most 5 AND groups, 6 filters per group, 18 in all.
SEARCH_MAX_GROUPS = 5
SEARCH_MAX_FILTERS_PER_GROUP = 6
SEARCH_MAX_FILTERS = 18


def is_hubspot_api(base_url: str) -> bool:
    """HubSpot itself, rather than a sandbox portal or another stand-in."""
    return base_url.rstrip("/") == HUBSPOT_API
