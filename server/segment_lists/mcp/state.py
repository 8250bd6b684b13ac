"""Server state: settings, the runtime (opened lazily on the first tool call), the embedded sandbox."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from mcp.server.mcpserver import Context

from segment_lists.mcp.tool_steps import TOOL_STEPS
from segment_lists.workflow.environment import Settings
from segment_lists.workflow.runtime import Runtime, open_runtime


@dataclass
class AppState:
    settings: Settings
    read_only: bool = False
    sandbox: Any = None  # a RunningSandbox when serving the embedded sandbox portal
    _runtime: Runtime | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def runtime(self) -> Runtime:
        """Opened on first use: a cold start answers tools/list without touching HubSpot."""
        with self._lock:
            if self._runtime is None:
                self._runtime = open_runtime(self.settings, next_steps=TOOL_STEPS)
            return self._runtime

    def close(self) -> None:
        with self._lock:
            if self._runtime is not None:
                self._runtime.close()
                self._runtime = None


def app_state(ctx: Context[Any]) -> AppState:
    return ctx.request_context.lifespan_context
