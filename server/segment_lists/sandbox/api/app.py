"""The sandbox portal as a Starlette application: every route module, then the portal middleware."""

from __future__ import annotations

from starlette.applications import Starlette

from segment_lists.sandbox.api import (
    routes_account,
    routes_associations,
    routes_automation,
    routes_crm,
    routes_lists,
    routes_properties,
)
from segment_lists.sandbox.api.middleware import PortalMiddleware
from segment_lists.sandbox.crm.properties import ensure_default_properties
from segment_lists.sandbox.instance import Sandbox
from segment_lists.sandbox.seed.account import ensure_users_and_teams


def create_app(sandbox: Sandbox) -> Starlette:
    # What every HubSpot portal has before its first call (idempotent; also fills a fresh --db file).
    ensure_default_properties(sandbox)
    ensure_users_and_teams(sandbox)
    # Each module owns one area of HubSpot's API; the lists module mounts the list folders too.
    routes = [
        *routes_lists.routes(),
        *routes_crm.routes(),
        *routes_properties.routes(),
        *routes_associations.routes(),
        *routes_account.routes(),
        *routes_automation.routes(),
    ]
    app = Starlette(routes=routes)
    app.state.sandbox = sandbox
    app.add_middleware(PortalMiddleware, sandbox=sandbox)
    return app
