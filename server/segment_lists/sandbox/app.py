"""The sandbox portal as a Starlette application."""

from __future__ import annotations

import importlib

from starlette.applications import Starlette
from starlette.routing import BaseRoute

from segment_lists.sandbox.middleware import PortalMiddleware
from segment_lists.sandbox.state import Sandbox

# Each module exposes `routes(sandbox) -> list[BaseRoute]` and owns one area of HubSpot's API.
ROUTE_MODULES = (
    "segment_lists.sandbox.routes_lists",
    "segment_lists.sandbox.routes_folders",
    "segment_lists.sandbox.routes_crm",
    "segment_lists.sandbox.routes_properties",
    "segment_lists.sandbox.routes_associations",
    "segment_lists.sandbox.routes_settings",
    "segment_lists.sandbox.routes_automation",
)


def create_app(sandbox: Sandbox) -> Starlette:
    routes: list[BaseRoute] = []
    for name in ROUTE_MODULES:
        routes.extend(importlib.import_module(name).routes(sandbox))
    app = Starlette(routes=routes)
    app.state.sandbox = sandbox
    app.add_middleware(PortalMiddleware, sandbox=sandbox)
    return app
