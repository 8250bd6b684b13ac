"""Shared pieces of the MCP tests: a seeded sandbox portal, the server's state, what the portal holds.

The server is always the real one (`build_server`) over the real protocol (`mcp.Client`); what the
portal holds is read with the official HubSpot SDK over HTTP, never through the server under test.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mcp import Client, StdioServerParameters
from mcp.client import ClientRequestContext
from mcp.types import CallToolResult, ElicitRequestParams, ElicitResult

import hubspot
from segment_lists.cli.embedded_sandbox import sandbox_settings
from segment_lists.mcp.server import build_server
from segment_lists.mcp.state import AppState
from segment_lists.sandbox import DemoSummary, RunningSandbox, SandboxConfig, seed_demo
from segment_lists.workflow.environment import Settings, load_settings

CONTACTS = 600
MODES = ["auto", "legacy"]  # 2026-07-28 and the 2025-11-25 handshake
ERAS = {"auto": "2026-07-28", "legacy": "2025-11-25"}


@dataclass
class SeededPortal:
    running: RunningSandbox
    demo: DemoSummary
    state_dir: Path

    @property
    def base_url(self) -> str:
        return self.running.base_url

    def settings(self, **overrides: Any) -> Settings:
        # env={} and no .env file: a developer's real token must never reach a test. The highest
        # rate tier: the sandbox answers in microseconds, so a whole flow (~100 calls) would otherwise
        # spend seconds in the client's (faithful) 10-second-window pacing; that pacing has its own tests.
        overrides.setdefault("rate_tier", "api-limit-increase")
        base = load_settings(env={}, dotenv=Path("/nonexistent/.env"), **overrides)
        return sandbox_settings(base, self.base_url, self.state_dir)

    def state(self, *, read_only: bool = False, **overrides: Any) -> AppState:
        return AppState(settings=self.settings(**overrides), read_only=read_only, sandbox=self.running)

    def client(self, mode: str = "auto", **kwargs: Any) -> Client:
        """A client on a fresh server; `confirmation=` goes to the server's settings."""
        overrides = {k: kwargs.pop(k) for k in ("confirmation", "rate_tier") if k in kwargs}
        return Client(build_server(self.state(**overrides)), mode=mode, **kwargs)  # type: ignore[arg-type]

    def sdk(self) -> hubspot.HubSpot:
        return sdk(self.base_url)

    def lists(self) -> dict[str, tuple[str, str, int | None]]:
        """Every live list, read independently with the official SDK: id -> (name, type, size)."""
        return live_lists(self.base_url)

    def names(self) -> set[str]:
        return {name for name, _, _ in self.lists().values()}


def sdk(base_url: str) -> hubspot.HubSpot:
    """The official HubSpot SDK pointed at a sandbox portal."""
    return hubspot.HubSpot(access_token="sandbox-test-token", host=base_url, base_url=base_url)


def live_lists(base_url: str) -> dict[str, tuple[str, str, int | None]]:
    """Every live list of the portal at `base_url`, read with the official SDK: id -> (name, type, size)."""
    api = sdk(base_url).crm.lists.lists_api
    found: dict[str, tuple[str, str, int | None]] = {}
    offset = 0
    while True:
        page = api.do_search(
            list_search_request={"offset": offset, "count": 500, "additionalProperties": ["hs_list_size"]}
        )
        for item in page.lists:
            size = (item.additional_properties or {}).get("hs_list_size")
            found[str(item.list_id)] = (item.name, item.processing_type, None if size is None else int(size))
        if not page.has_more:
            return found
        offset = page.offset


@contextmanager
def seeded_portal(
    tmp_path: Path, *, contacts: int = CONTACTS, processing_seconds: float = 0.0, seed: int = 42
) -> Iterator[SeededPortal]:
    with RunningSandbox(SandboxConfig(processing_seconds=processing_seconds)) as running:
        demo = seed_demo(running.sandbox, contacts=contacts, seed=seed)
        state_dir = tmp_path / "state"
        state_dir.mkdir(exist_ok=True)
        yield SeededPortal(running=running, demo=demo, state_dir=state_dir)


def newcomer(tmp_path: Path, **extra: str) -> StdioServerParameters:
    """`python -m segment_lists serve`, the shipped configs' verb, as a newcomer's Claude Code starts it:
    no token (no HUBSPOT_* or SEGMENT_LISTS_* variable), an empty HOME and temp directory, and a
    working directory without a .env file. `extra` adds environment variables."""
    home, tmp, work = tmp_path / "home", tmp_path / "tmp", tmp_path / "work"
    for path in (home, tmp, work):
        path.mkdir(exist_ok=True)
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1"}
    return StdioServerParameters(
        command=sys.executable, args=["-m", "segment_lists", "serve"], env={**env, **extra}, cwd=str(work)
    )


def error_text(result: CallToolResult) -> str:
    return " ".join(getattr(block, "text", "") for block in result.content)


async def call(client: Client, tool: str, arguments: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
    """A tool call that must succeed; its structured result."""
    result = await client.call_tool(tool, arguments or {}, **kwargs)
    assert not result.is_error, f"{tool} failed: {error_text(result)}"
    assert result.structured_content is not None
    return result.structured_content


async def failing(client: Client, tool: str, arguments: dict[str, Any]) -> str:
    """A tool call that must be a tool error (is_error, not a protocol error); its text."""
    result = await client.call_tool(tool, arguments)
    assert result.is_error, f"{tool} unexpectedly succeeded: {result.structured_content}"
    return error_text(result)


async def full_plan(client: Client, plan_id: str) -> dict[str, Any]:
    """A saved plan in full, as a model asks for detail: the plan's own (groups, prerequisites, warnings
    with their messages), then its items in full, as many at a time as one call shows."""
    first = await call(client, "propose_segments", {"plan_id": plan_id, "detail": ["plan"]})
    keys = [item["key"] for item in first["plan"]["items"]]
    items: list[dict[str, Any]] = []
    for start in range(0, len(keys), 5):
        shown = await call(client, "propose_segments", {"plan_id": plan_id, "detail": keys[start : start + 5]})
        items += shown["plan"]["details"]
    assert [item["key"] for item in items] == keys
    return {**first["plan"]["plan_detail"], "plan_id": plan_id, "items": items}


async def confirmed(client: Client, tool: str, arguments: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Token path: the first call must ask, the second (with its token) must be done. Both answers."""
    first = await call(client, tool, arguments)
    assert first["status"] == "confirmation_required", first
    assert first["confirmation_token"] and first["preview"]
    second = await call(client, tool, {**arguments, "confirmation_token": first["confirmation_token"]})
    return first, second


@dataclass
class Answering:
    """An elicitation callback playing the user: accept (with confirm true/false) or decline."""

    action: str = "accept"
    confirm: bool = True
    seen: list[str] = field(default_factory=list)

    async def __call__(self, context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
        self.seen.append(params.message)
        if self.action != "accept":
            return ElicitResult(action=self.action)  # type: ignore[arg-type]
        return ElicitResult(action="accept", content={"confirm": self.confirm})


ProgressLog = list[tuple[float, float | None, str | None]]


def progress_recorder() -> tuple[ProgressLog, Callable[[float, float | None, str | None], Awaitable[None]]]:
    updates: ProgressLog = []

    async def record(progress: float, total: float | None, message: str | None) -> None:
        updates.append((progress, total, message))

    return updates, record
