"""How a HubSpot portal is reached today, in HubSpot's words: the credential, where to make it, its scopes.

Service keys are HubSpot's credential for a single account's REST API ("intended to replace legacy
private apps"; public beta; sent as `Authorization: Bearer`). Legacy private apps can no longer be
created (disabled September 28, 2026 for new accounts, October 26, 2026 for all others); existing
private-app tokens keep working, and so do OAuth access tokens: all three are bearer tokens with
scopes, and this tool treats them alike. It never judges a token by its shape (HubSpot documents
none; private-app tokens start with `pat-`, service keys' format is unpublished).
- https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/account-service-keys
- https://developers.hubspot.com/changelog/service-keys
- https://developers.hubspot.com/changelog/legacy-private-app-creation-sunset

Scope labels are HubSpot's own, from the scope lists of its OpenAPI specs (the service-key screen's
"Add new scope" search finds a scope by its technical name, so that comes first). The specs give the
two company-record scopes each other's descriptions; the labels below use the evident meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

SERVICE_KEYS_SCREEN = "Development > Keys > Service keys"
SERVICE_KEYS_SCREEN_ALT = "Settings > Integrations > Service Keys"
SERVICE_KEYS_DOCS = (
    "https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/account-service-keys"
)


@dataclass(frozen=True)
class Scope:
    name: str
    label: str | None  # HubSpot's label on its scope list (None: HubSpot publishes none)
    purpose: str
    required: bool


SCOPES: tuple[Scope, ...] = (
    Scope("crm.lists.read", "View segments", "read your segments, their sizes and members", True),
    Scope(
        "crm.lists.write", "Create or update segments", "create, rename, re-filter, delete and restore segments", True
    ),
    Scope(
        "crm.objects.contacts.read",
        "View contact records",
        "count and sample contacts (estimates, competitors, overlaps) and read contact properties",
        True,
    ),
    Scope(
        "crm.objects.companies.read",
        "View company records",
        "read ICP tier, industry and size on companies, and company properties",
        True,
    ),
    Scope("settings.users.read", None, "your users' email domains, for Internal Employees", False),
    Scope("settings.users.teams.read", None, "team names, to give teams edit access to segments", False),
    Scope("automation", "Workflows", "check that no workflow uses a segment before it is deleted", False),
    Scope("content", "Content", "check that no marketing email uses a segment before it is deleted", False),
)
BY_NAME = {scope.name: scope for scope in SCOPES}
REQUIRED = tuple(scope.name for scope in SCOPES if scope.required)
OPTIONAL = tuple(scope.name for scope in SCOPES if not scope.required)


def scope_words(name: str) -> str:
    """`crm.lists.read ("View segments")`: the name to search for, and HubSpot's label when it has one."""
    scope = BY_NAME.get(name)
    return f'{name} ("{scope.label}")' if scope is not None and scope.label else name


def where_to_add(scope: str) -> str:
    """The fix for a missing scope (a name, or "it"), for any of the three kinds of token."""
    what = scope if scope == "it" else scope_words(scope)
    return (
        f"Add {what} to your service key ({SERVICE_KEYS_SCREEN}), or to the scopes of the legacy "
        "private app or OAuth app the token comes from"
    )


def how_to_connect() -> str:
    """Where a new user gets a token, in one paragraph."""
    required = ", ".join(scope_words(name) for name in REQUIRED)
    optional = ", ".join(scope_words(name) for name in OPTIONAL)
    return (
        f"Create a service key in HubSpot ({SERVICE_KEYS_SCREEN}, or {SERVICE_KEYS_SCREEN_ALT}) with the scopes "
        f"{required} (and, optionally, {optional}), and put it in HUBSPOT_ACCESS_TOKEN (environment or .env). "
        "An existing private-app token or an OAuth access token works the same way."
    )
