"""Record the stdio front end's manifest from the real server: `python -m segment_lists.mcp.frontend_manifest`.

For each profile (the full server, `--read-only`) and each protocol version the installed SDK speaks,
the real server, built as `serve` builds it and served through the same stdio path (`serve_stdio`), is
asked what the front end answers (`initialize` or `server/discover`, the lists, `ping`); its responses,
less their ids, are the manifest. Run it after changing a tool, a prompt, a resource, the instructions
or the MCP SDK; tests/test_frontend_manifest.py fails until the manifest is current.
"""

from __future__ import annotations

import json
import queue
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import anyio
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS, MODERN_PROTOCOL_VERSIONS

from segment_lists.mcp.frontend.answers import (
    CLIENT_CAPABILITIES_KEY,
    CLIENT_INFO_KEY,
    LEGACY_METHODS,
    MODERN_METHODS,
    PROTOCOL_VERSION_KEY,
)
from segment_lists.mcp.frontend.manifest import (
    FULL,
    MANIFEST_PATH,
    READ_ONLY,
    RECORDED_WITH,
    Manifest,
    installed_versions,
    to_json,
)
from segment_lists.mcp.frontend.session import END, HandedOver
from segment_lists.mcp.server import build_server
from segment_lists.mcp.state import AppState
from segment_lists.mcp.stdio import serve_stdio
from segment_lists.workflow.environment import Settings, load_settings

CLIENT = {"name": "segment-lists-frontend-manifest", "version": "0"}
ANSWER_WAIT_SECONDS = 30
NO_REPLAY = "-"  # a replay id for a session no front end began


class Collected:
    """What the server writes, one JSON message per line, and a way to wait for a given id's answer."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def write(self, text: str) -> None:
        self.messages += [json.loads(line) for line in text.splitlines() if line.strip()]

    @property
    def answers(self) -> list[dict[str, Any]]:
        return [m for m in self.messages if "method" not in m]

    def answer(self, request_id: Any) -> dict[str, Any] | None:
        # Ids compared as JSON: 1, 1.0 and true are different ids.
        return next((m for m in self.answers if json.dumps(m.get("id")) == json.dumps(request_id)), None)


def portal_free_settings() -> Settings:
    """No token, no sandbox, no .env: what the front end answers needs no portal."""
    return load_settings(env={}, dotenv=Path("/nonexistent/.env"))


async def converse(
    lines: Sequence[str],
    *,
    read_only: bool = False,
    settings: Settings | None = None,
    wait_for: Sequence[Any] = (),
    at_least: int = 0,
) -> list[dict[str, Any]]:
    """Every message the real server writes for these client lines (served as over stdio), once the
    answers to `wait_for` (request ids) and at least `at_least` answers in all are out; then the input
    ends. Its replay id is one no line uses: nothing is dropped."""
    server = build_server(AppState(settings=settings or portal_free_settings(), read_only=read_only))
    given: queue.SimpleQueue[str | None] = queue.SimpleQueue()
    for line in lines:
        given.put(line)
    out = Collected()
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(serve_stdio, server, HandedOver(given, out, replay_id=NO_REPLAY))
        with anyio.fail_after(ANSWER_WAIT_SECONDS):
            while any(out.answer(i) is None for i in wait_for) or len(out.answers) < at_least:
                await anyio.sleep(0.005)
        given.put(END)
    return out.messages


def request(request_id: int, method: str, params: dict[str, Any] | None = None) -> str:
    message: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
    if params is not None:
        message["params"] = params
    return json.dumps(message)


def initialize(request_id: int, version: str) -> str:
    return request(request_id, "initialize", {"protocolVersion": version, "capabilities": {}, "clientInfo": CLIENT})


def envelope(version: str) -> dict[str, Any]:
    return {"_meta": {PROTOCOL_VERSION_KEY: version, CLIENT_CAPABILITIES_KEY: {}, CLIENT_INFO_KEY: CLIENT}}


def _body(message: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in message.items() if key in {"result", "error"}}


async def record(read_only: bool, settings: Settings | None = None) -> dict[str, dict[str, dict[str, Any]]]:
    """protocol version -> method -> the real server's response body."""
    answers: dict[str, dict[str, dict[str, Any]]] = {}
    for version in HANDSHAKE_PROTOCOL_VERSIONS:
        methods = ["initialize", *sorted(LEGACY_METHODS)]
        lines = [initialize(0, version), json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"})]
        lines += [request(i, method) for i, method in enumerate(methods[1:], start=1)]
        said = await converse(lines, read_only=read_only, settings=settings, wait_for=range(len(methods)))
        answers[version] = {
            method: _body(next(m for m in said if m.get("id") == i)) for i, method in enumerate(methods)
        }
    for version in MODERN_PROTOCOL_VERSIONS:
        methods = sorted(MODERN_METHODS)
        lines = [request(i, method, envelope(version)) for i, method in enumerate(methods)]
        said = await converse(lines, read_only=read_only, settings=settings, wait_for=range(len(methods)))
        answers[version] = {
            method: _body(next(m for m in said if m.get("id") == i)) for i, method in enumerate(methods)
        }
    return answers


def build_manifest() -> Manifest:
    return Manifest(
        handshake_versions=tuple(HANDSHAKE_PROTOCOL_VERSIONS),
        modern_versions=tuple(MODERN_PROTOCOL_VERSIONS),
        made_with=dict(sorted(installed_versions(RECORDED_WITH).items())),
        answers={FULL: anyio.run(record, False), READ_ONLY: anyio.run(record, True)},
    )


def manifest_text(manifest: Manifest) -> str:
    return json.dumps(to_json(manifest), indent=1, ensure_ascii=False) + "\n"


def main() -> int:
    text = manifest_text(build_manifest())
    changed = not MANIFEST_PATH.is_file() or MANIFEST_PATH.read_text(encoding="utf-8") != text
    MANIFEST_PATH.write_text(text, encoding="utf-8")
    print(f"{MANIFEST_PATH}: {'written' if changed else 'already current'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
