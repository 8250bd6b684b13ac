"""(placeholder: filled in by the module's owner)"""

from __future__ import annotations

from starlette.routing import BaseRoute

from segment_lists.sandbox.state import Sandbox


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    return []
