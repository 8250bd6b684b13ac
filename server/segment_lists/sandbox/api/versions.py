"""The API versions the sandbox serves: one service per API family, mounted under every path prefix
HubSpot serves it at, so a client on the legacy v3/v4 paths and one on the date-versioned paths see
the same portal with the same semantics.

HubSpot's REST APIs are date-versioned since March 30, 2026: the version follows the API family
(`/crm/lists/2026-09/...`, `/crm/objects/2026-09/...`), where it used to precede it (`/crm/v3/lists`).
https://developers.hubspot.com/docs/api-reference/latest/overview
Shapes differ in a few places (HubSpot publishes a spec per version in
HubSpot/HubSpot-public-api-spec-collection); route handlers read `Call.date_version` for those.
"""

from __future__ import annotations

import re

# GA date versions per family (betas are not served). Users/teams have no GA 2026-09; workflows
# have no GA date version at all (v4, and 2026-09-beta / 2027-03-beta only).
LIST_DATES = ("2026-03", "2026-09")
OBJECT_DATES = ("2026-03", "2026-09")
USER_DATES = ("2026-03",)

LISTS = ("/crm/v3/lists", *(f"/crm/lists/{d}" for d in LIST_DATES))
OBJECTS = ("/crm/v3/objects", *(f"/crm/objects/{d}" for d in OBJECT_DATES))
PROPERTIES = ("/crm/v3/properties", *(f"/crm/properties/{d}" for d in OBJECT_DATES))
# Associations: batch endpoints under /crm/associations/<date>, per-record ones under /crm/objects/<date>.
ASSOCIATION_BATCHES = ("/crm/v4/associations", *(f"/crm/associations/{d}" for d in OBJECT_DATES))
ASSOCIATION_RECORDS = ("/crm/v4/objects", *(f"/crm/objects/{d}" for d in OBJECT_DATES))
ACCOUNT = ("/account-info/v3", *(f"/account-info/{d}" for d in OBJECT_DATES))
EMAILS = ("/marketing/v3/emails", *(f"/marketing/emails/{d}" for d in OBJECT_DATES))
# v3 users: the SDK's `/settings/v3/users/...`; date versions: `/settings/users/<date>/...`.
USERS = ("/settings/v3/users", *(f"/settings/users/{d}" for d in USER_DATES))
FLOWS = ("/automation/v4/flows",)

# Which lists versions offer `POST .../all` (new in 2026-09).
LIST_ALL_DATES = ("2026-09",)

# The version right after the family's one or two path segments (never a date inside a list name).
_DATE = re.compile(r"^(?:/[a-z][a-z-]*){1,2}/(\d{4}-\d{2})(?=/|$)")


def date_version(path: str) -> str | None:
    """The date version a request path names ("2026-09"), or None for a legacy v1-v4 path."""
    found = _DATE.match(path)
    return found.group(1) if found else None
