"""Account details (`/account-info/v3/details`) and Settings v3 users and teams."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Route

from segment_lists.sandbox.api import versions
from segment_lists.sandbox.api.http import Call, endpoint
from segment_lists.sandbox.errors import HubSpotError, validation_error
from segment_lists.sandbox.seed import account

MAX_USERS_PAGE = 100


def details(call: Call) -> Any:
    return account.account_details(call.sandbox)


def users_page(call: Call) -> Any:
    limit = call.q_int("limit", MAX_USERS_PAGE) or MAX_USERS_PAGE
    if limit < 1 or limit > MAX_USERS_PAGE:
        raise validation_error(f"limit must be between 1 and {MAX_USERS_PAGE}; got {limit}.")
    start = call.q_int("after", 0) or 0
    everyone = [u for u in account.users(call.sandbox) if int(u["id"]) >= start]
    body: dict[str, Any] = {"results": everyone[:limit]}
    if len(everyone) > limit:
        body["paging"] = {"next": {"after": everyone[limit]["id"]}}
    return body


def user_by_id(call: Call) -> Any:
    wanted = call.param("userId")
    for user in account.users(call.sandbox):
        if user["id"] == wanted or (call.q("idProperty") == "EMAIL" and user["email"].lower() == wanted.lower()):
            return user
    raise HubSpotError(404, "OBJECT_NOT_FOUND", f"User {wanted} not found")


def teams(call: Call) -> Any:
    return {"results": account.teams(call.sandbox)}


def roles(call: Call) -> Any:
    return {"results": []}  # the sandbox's users have no custom roles (HubSpot: Enterprise only)


def routes() -> list[BaseRoute]:
    # HubSpot lists no granular scope for account details beyond the basic `oauth` one every token has.
    found: list[BaseRoute] = [Route(p + "/details", endpoint(details), methods=["GET"]) for p in versions.ACCOUNT]
    users_scopes = ("settings.users.read", "settings.users.write")
    teams_scopes = ("settings.users.teams.read", "settings.users.teams.write")
    for p in versions.USERS:
        found += [
            Route(p + "/", endpoint(users_page, scopes=users_scopes), methods=["GET"]),
            Route(p, endpoint(users_page, scopes=users_scopes), methods=["GET"]),
            Route(p + "/teams", endpoint(teams, scopes=teams_scopes), methods=["GET"]),
            Route(p + "/roles", endpoint(roles, scopes=users_scopes), methods=["GET"]),
            Route(p + "/{userId}", endpoint(user_by_id, scopes=users_scopes), methods=["GET"]),
        ]
    return found
