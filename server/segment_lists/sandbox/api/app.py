"""The sandbox portal as a Starlette application."""

from __future__ import annotations

import importlib

from starlette.applications import Starlette
from starlette.routing import BaseRoute

from segment_lists.sandbox.api.middleware import PortalMiddleware
from segment_lists.sandbox.instance import Sandbox

# Each module exposes `routes(sandbox) -> list[BaseRoute]` and owns one area of HubSpot's API.
ROUTE_MODULES = (
    "segment_lists.sandbox.api.routes_lists",
    "segment_lists.sandbox.api.routes_folders",
    "segment_lists.sandbox.api.routes_crm",
    "segment_lists.sandbox.api.routes_properties",
    "segment_lists.sandbox.api.routes_associations",
    "segment_lists.sandbox.api.routes_account",
    "segment_lists.sandbox.api.routes_automation",
)


def create_app(sandbox: Sandbox) -> Starlette:
    routes: list[BaseRoute] = []
    for name in ROUTE_MODULES:
        routes.extend(importlib.import_module(name).routes(sandbox))
    app = Starlette(routes=routes)
    app.state.sandbox = sandbox
    app.add_middleware(PortalMiddleware, sandbox=sandbox)
    return app
