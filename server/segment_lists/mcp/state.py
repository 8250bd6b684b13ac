"""Server state: settings, the runtime (opened lazily on the first tool call), the embedded sandbox."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mcp.server.mcpserver import Context

from segment_lists.mcp.tool_steps import TOOL_STEPS
from segment_lists.workflow.environment import Settings
from segment_lists.workflow.runtime import Runtime, open_runtime

# Starts a stand-in portal when no token is set (serve's first run): new settings and what to stop.
StandIn = Callable[[Settings], tuple[Settings, Any]]


@dataclass
class AppState:
    settings: Settings
    read_only: bool = False
    sandbox: Any = None  # the embedded sandbox portal being served, if any (whoever started it stops it)
    # Without a token, the portal to use instead (the embedded sandbox, labelled so in every result),
    # started on the first tool call: a server that is only listed never seeds anything.
    without_token: StandIn | None = None
    _runtime: Runtime | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        # One read-only flag for the tools offered and for the workflow (which then writes nothing, not
        # even the removal of temporary lists a crash left), however the server was told.
        self.read_only = self.read_only or self.settings.read_only
        if self.read_only != self.settings.read_only:
            self.settings = self.settings.model_copy(update={"read_only": True})

    def runtime(self) -> Runtime:
        """Opened on first use: a cold start answers tools/list without touching HubSpot."""
        with self._lock:
            if self._runtime is None:
                if self.settings.token is None and self.without_token is not None and self.sandbox is None:
                    self.settings, self.sandbox = self.without_token(self.settings)
                self._runtime = open_runtime(self.settings, next_steps=TOOL_STEPS)
            return self._runtime

    def close(self) -> None:
        with self._lock:
            if self._runtime is not None:
                self._runtime.close()
                self._runtime = None


def app_state(ctx: Context[Any]) -> AppState:
    return ctx.request_context.lifespan_context
