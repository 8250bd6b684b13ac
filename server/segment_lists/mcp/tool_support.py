"""What every tool shares: its annotations, running workflow code off the event loop, and the
description of a tool for registration (`server.tools`)."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

import anyio.from_thread
import anyio.to_thread
from mcp.server.mcpserver import Context
from mcp.types import ToolAnnotations
from pydantic import Field

from segment_lists.mcp.errors import tool_errors
from segment_lists.mcp.state import app_state
from segment_lists.workflow.runtime import Runtime
from segment_lists.workflow.tool_names import ToolName

T = TypeVar("T")

READ = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True)
CREATE = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=True)
RESTORE = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=True)
DELETE = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=True)

Status = Literal["done", "confirmation_required", "declined", "refused"]
TokenArg = Annotated[
    str | None,
    Field(description="From a confirmation_required answer, only after the user agreed"),
]


@dataclass(frozen=True)
class ToolSpec:
    """A tool as registered: the function (its docstring is the description, its name the tool's
    name and the title of its argument schema), a title, annotations that decide whether a
    read-only server offers it, and the arguments of one call that works (said with every argument
    error; `tests/test_mcp_argument_errors.py` checks each is accepted)."""

    fn: Callable[..., Awaitable[Any]]
    title: str
    annotations: ToolAnnotations
    example: dict[str, Any]

    @property
    def name(self) -> ToolName:
        return ToolName(self.fn.__name__)  # a function not named after a ToolName fails here


async def run(action: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn` on a worker thread (the HubSpot SDK is synchronous); its expected failures become tool
    errors that end with `action` (what did not happen)."""
    with tool_errors(action):
        return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))


def progress_reporter(ctx: Context[Any]) -> Callable[[float, float, str], None]:
    """Progress notifications from workflow code on a worker thread (a no-op when the client asked for none)."""

    def report(done: float, total: float, message: str) -> None:
        anyio.from_thread.run(ctx.report_progress, done, total, message)

    return report


async def runtime(ctx: Context[Any], action: str) -> Runtime:
    """The session's runtime, opened on the first tool call (a missing token is a tool error)."""
    return await run(action, app_state(ctx).runtime)
