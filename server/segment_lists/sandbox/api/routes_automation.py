"""Read-only automation v4 flows and marketing emails v3 (the assets that may reference a list)."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Route

from segment_lists.sandbox.api import versions
from segment_lists.sandbox.api.http import Call, endpoint
from segment_lists.sandbox.errors import HubSpotError, validation_error
from segment_lists.sandbox.seed import assets

FLOWS_DEFAULT_LIMIT = 100
EMAILS_DEFAULT_LIMIT = 10
EMAILS_MAX_LIMIT = 100  # unconfirmed: the spec gives no maximum


def _page(items: list[dict[str, Any]], call: Call, default: int, maximum: int | None) -> tuple[list[Any], str | None]:
    limit = call.q_int("limit", default) or default
    if limit < 1 or (maximum is not None and limit > maximum):
        raise validation_error(f"limit must be between 1 and {maximum}; got {limit}.")
    start = call.q_int("after", 0) or 0
    rest = [i for i in items if int(i["id"]) >= start]
    return rest[:limit], (rest[limit]["id"] if len(rest) > limit else None)


def flows_page(call: Call) -> Any:
    page, next_after = _page(assets.workflows(call.sandbox), call, FLOWS_DEFAULT_LIMIT, None)
    body: dict[str, Any] = {"results": [assets.flow_listing(f) for f in page]}
    if next_after is not None:
        body["paging"] = {"next": {"after": next_after}}
    return body


def flow_by_id(call: Call) -> Any:
    flow = assets.workflow(call.sandbox, call.param("flowId"))
    if flow is None:
        raise HubSpotError(404, "OBJECT_NOT_FOUND", f"Flow {call.param('flowId')} not found")
    return flow


def emails_page(call: Call) -> Any:
    archived = call.q_bool("archived")
    published = call.q("isPublished")
    items = [e for e in assets.marketing_emails(call.sandbox) if bool(e.get("archived")) == archived]
    if published not in (None, ""):
        wanted = call.q_bool("isPublished")
        items = [e for e in items if bool(e.get("isPublished")) == wanted]
    if call.q("type"):
        items = [e for e in items if e.get("type") == call.q("type")]
    page, next_after = _page(items, call, EMAILS_DEFAULT_LIMIT, EMAILS_MAX_LIMIT)
    body: dict[str, Any] = {"total": len(items), "results": page}
    if next_after is not None:
        body["paging"] = {"next": {"after": next_after}}
    return body


def email_by_id(call: Call) -> Any:
    email = assets.marketing_email(call.sandbox, call.param("emailId"))
    if email is None or bool(email.get("archived")) != call.q_bool("archived"):
        raise HubSpotError(404, "OBJECT_NOT_FOUND", f"Email {call.param('emailId')} not found")
    return email


def routes() -> list[BaseRoute]:
    automation = ("automation",)
    email_scopes = ("marketing.email.read", "marketing.email.write", "content")
    found: list[BaseRoute] = []
    for p in versions.FLOWS:
        found += [
            Route(p, endpoint(flows_page, scopes=automation), methods=["GET"]),
            Route(p + "/{flowId}", endpoint(flow_by_id, scopes=automation), methods=["GET"]),
        ]
    for p in versions.EMAILS:
        found += [
            Route(p, endpoint(emails_page, scopes=email_scopes), methods=["GET"]),
            Route(p + "/", endpoint(emails_page, scopes=email_scopes), methods=["GET"]),
            Route(p + "/{emailId}", endpoint(email_by_id, scopes=email_scopes), methods=["GET"]),
        ]
    return found
