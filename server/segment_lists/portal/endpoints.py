"""Every HubSpot endpoint the portal calls, with its path in each API version: the one place paths live.

HubSpot's REST APIs are date-versioned since March 30, 2026 (`/crm/lists/2026-09/...`, the version
after the API family, not where `v3` was), and "for new integrations, always use the latest date
version"; the semantic versions go unsupported on their own timelines: v4 on March 30, 2027, v1-v3 in
September 2027.
- https://developers.hubspot.com/docs/api-reference/latest/overview
- https://developers.hubspot.com/docs/api-reference/legacy/migration-guide
- https://developers.hubspot.com/changelog/legacy-apis-and-legacy-apps-whats-going-unsupported-and-when

`api_version="latest"` (the default) calls each family at its latest generally available date version;
`"legacy"` calls the v3/v4 paths the SDK's generated APIs have baked in (for a portal or proxy that
still needs them). A family with no GA date version (workflows: only v4 and `-beta` date versions)
is called at its semantic version either way; `LEGACY_ONLY` names it, so tests and docs can say so.

Shapes that differ between the versions are handled where the call is built (`portal.client`). The
date versions' list search requires `listIds` and `processingTypes`, and what an empty `listIds`
means is undocumented, so the inventory reads lists with 2026-09's `POST /crm/lists/2026-09/all`
(every processing type named) and keeps the v3 search for the legacy paths only. HubSpot's specs
for every version are in the public repository HubSpot/HubSpot-public-api-spec-collection; the ones
the tests use are in tests/hubspot/openapi/.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

ApiVersion = Literal["latest", "legacy"]
API_VERSIONS: tuple[ApiVersion, ...] = ("latest", "legacy")


@dataclass(frozen=True)
class Family:
    """One API family: its latest GA date version (None: no GA date version yet) and why."""

    name: str
    latest: str | None
    source: str


FAMILIES: dict[str, Family] = {
    family.name: family
    for family in (
        # The 2026-09 lists guide: "To create a segment, make a POST request to /crm/lists/2026-09/".
        Family("lists", "2026-09", "https://developers.hubspot.com/docs/api-reference/latest/crm/lists/guide"),
        Family("objects", "2026-09", "https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm"),
        Family("properties", "2026-09", "https://developers.hubspot.com/docs/api-reference/latest/overview"),
        Family("associations", "2026-09", "https://developers.hubspot.com/docs/api-reference/latest/overview"),
        Family("account", "2026-09", "https://developers.hubspot.com/docs/api-reference/latest/overview"),
        Family("emails", "2026-09", "https://developers.hubspot.com/docs/api-reference/latest/overview"),
        # Users and teams (settings): 2026-09 exists only as a beta.
        Family("users", "2026-03", "https://developers.hubspot.com/docs/api-reference/latest/overview"),
        # Workflows: v4, 2026-09-beta and 2027-03-beta only; no GA date version as of November 2026.
        Family("automation", None, "HubSpot-public-api-spec-collection: Automation V4 has v4 and 2026-09-beta only"),
    )
}


@dataclass(frozen=True)
class Endpoint:
    """One operation: HTTP method, family, and its path templates (`{version}` and `{param}` slots)."""

    method: str
    family: str
    legacy: str | None  # None: only the date versions have it
    dated: str | None  # None: no date version has it


ENDPOINTS: dict[str, Endpoint] = {
    # Lists (segments).
    "lists.create": Endpoint("POST", "lists", "/crm/v3/lists", "/crm/lists/{version}"),
    "lists.get_many": Endpoint("GET", "lists", "/crm/v3/lists", "/crm/lists/{version}"),
    "lists.search": Endpoint("POST", "lists", "/crm/v3/lists/search", "/crm/lists/{version}/search"),
    "lists.all": Endpoint("POST", "lists", None, "/crm/lists/{version}/all"),
    "lists.get": Endpoint("GET", "lists", "/crm/v3/lists/{listId}", "/crm/lists/{version}/{listId}"),
    "lists.get_by_name": Endpoint(
        "GET",
        "lists",
        "/crm/v3/lists/object-type-id/{objectTypeId}/name/{listName}",
        "/crm/lists/{version}/object-type-id/{objectTypeId}/name/{listName}",
    ),
    "lists.update_name": Endpoint(
        "PUT", "lists", "/crm/v3/lists/{listId}/update-list-name", "/crm/lists/{version}/{listId}/update-list-name"
    ),
    "lists.update_filters": Endpoint(
        "PUT",
        "lists",
        "/crm/v3/lists/{listId}/update-list-filters",
        "/crm/lists/{version}/{listId}/update-list-filters",
    ),
    "lists.delete": Endpoint("DELETE", "lists", "/crm/v3/lists/{listId}", "/crm/lists/{version}/{listId}"),
    "lists.restore": Endpoint(
        "PUT", "lists", "/crm/v3/lists/{listId}/restore", "/crm/lists/{version}/{listId}/restore"
    ),
    "lists.memberships": Endpoint(
        "GET", "lists", "/crm/v3/lists/{listId}/memberships", "/crm/lists/{version}/{listId}/memberships"
    ),
    "lists.add_members": Endpoint(
        "PUT", "lists", "/crm/v3/lists/{listId}/memberships/add", "/crm/lists/{version}/{listId}/memberships/add"
    ),
    "lists.remove_members": Endpoint(
        "PUT", "lists", "/crm/v3/lists/{listId}/memberships/remove", "/crm/lists/{version}/{listId}/memberships/remove"
    ),
    "lists.record_memberships": Endpoint(
        "GET",
        "lists",
        "/crm/v3/lists/records/{objectTypeId}/{recordId}/memberships",
        "/crm/lists/{version}/records/{objectTypeId}/{recordId}/memberships",
    ),
    "lists.batch_record_memberships": Endpoint(
        "POST",
        "lists",
        "/crm/v3/lists/records/memberships/batch/read",
        "/crm/lists/{version}/records/memberships/batch/read",
    ),
    "lists.size_history": Endpoint(
        "GET",
        "lists",
        "/crm/v3/lists/{listId}/size-and-edits-history/between",
        "/crm/lists/{version}/{listId}/size-and-edits-history/between",
    ),
    "lists.idmapping": Endpoint("POST", "lists", "/crm/v3/lists/idmapping", "/crm/lists/{version}/idmapping"),
    "lists.folders.get": Endpoint("GET", "lists", "/crm/v3/lists/folders", "/crm/lists/{version}/folders"),
    "lists.folders.create": Endpoint("POST", "lists", "/crm/v3/lists/folders", "/crm/lists/{version}/folders"),
    "lists.folders.delete": Endpoint(
        "DELETE", "lists", "/crm/v3/lists/folders/{folderId}", "/crm/lists/{version}/folders/{folderId}"
    ),
    "lists.folders.move_list": Endpoint(
        "PUT", "lists", "/crm/v3/lists/folders/move-list", "/crm/lists/{version}/folders/move-list"
    ),
    # CRM records, search and property definitions.
    "crm.search": Endpoint(
        "POST", "objects", "/crm/v3/objects/{objectType}/search", "/crm/objects/{version}/{objectType}/search"
    ),
    "crm.batch_read": Endpoint(
        "POST", "objects", "/crm/v3/objects/{objectType}/batch/read", "/crm/objects/{version}/{objectType}/batch/read"
    ),
    "crm.records": Endpoint("GET", "objects", "/crm/v3/objects/{objectType}", "/crm/objects/{version}/{objectType}"),
    "crm.properties": Endpoint(
        "GET", "properties", "/crm/v3/properties/{objectType}", "/crm/properties/{version}/{objectType}"
    ),
    "crm.property": Endpoint(
        "GET",
        "properties",
        "/crm/v3/properties/{objectType}/{propertyName}",
        "/crm/properties/{version}/{objectType}/{propertyName}",
    ),
    "associations.labels": Endpoint(
        "GET",
        "associations",
        "/crm/v4/associations/{fromObjectType}/{toObjectType}/labels",
        "/crm/associations/{version}/{fromObjectType}/{toObjectType}/labels",
    ),
    # The account, its users and teams.
    "account.details": Endpoint("GET", "account", "/account-info/v3/details", "/account-info/{version}/details"),
    # The SDK's (and HubSpot's long-documented) v3 paths; the 2026-03 spec moves both under /settings/users/.
    "settings.users": Endpoint("GET", "users", "/settings/v3/users/", "/settings/users/{version}"),
    "settings.user": Endpoint("GET", "users", "/settings/v3/users/{userId}", "/settings/users/{version}/{userId}"),
    "settings.teams": Endpoint("GET", "users", "/settings/v3/users/teams", "/settings/users/{version}/teams"),
    # Assets that reference lists.
    "automation.flows": Endpoint("GET", "automation", "/automation/v4/flows", None),
    "automation.flow": Endpoint("GET", "automation", "/automation/v4/flows/{flowId}", None),
    "marketing.emails": Endpoint("GET", "emails", "/marketing/v3/emails", "/marketing/emails/{version}"),
    "marketing.email": Endpoint(
        "GET", "emails", "/marketing/v3/emails/{emailId}", "/marketing/emails/{version}/{emailId}"
    ),
}

# Families called at their semantic version even by default, because HubSpot has no GA date version.
LEGACY_ONLY = frozenset(name for name, family in FAMILIES.items() if family.latest is None)


def version_of(family: str, api_version: ApiVersion) -> str | None:
    """The date version a family is called at (None: its legacy semantic path)."""
    return None if api_version == "legacy" else FAMILIES[family].latest


def _template(name: str, api_version: ApiVersion) -> tuple[str | None, str | None]:
    """(path template, date version): never a silent fall-back from a date version to v3."""
    spec = ENDPOINTS[name]
    version = version_of(spec.family, api_version)
    return (spec.legacy, None) if version is None else (spec.dated, version)


def available(name: str, api_version: ApiVersion) -> bool:
    """Whether the endpoint exists at the version the setting selects (`lists.all` is date-only)."""
    return _template(name, api_version)[0] is not None


def endpoint_path(name: str, api_version: ApiVersion, **params: str) -> tuple[str, str]:
    """(method, path) of an endpoint, its path parameters percent-encoded (a list name may hold '/')."""
    template, version = _template(name, api_version)
    if template is None:
        raise ValueError(f"{name} does not exist in HubSpot's {api_version} API paths")
    encoded = {key: quote(str(value), safe="") for key, value in params.items()}
    return ENDPOINTS[name].method, template.format(version=version, **encoded)
