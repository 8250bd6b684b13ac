"""The server as MCP clients start it: `python -m segment_lists serve --sandbox` over stdio.

One test goes through the SDK's client (both eras); one speaks raw JSON-RPC over the pipes to prove
that stdout carries MCP messages and nothing else, from start-up to shutdown.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters

from mcp_support import ERAS, MODES

pytestmark = pytest.mark.anyio


def _command(state_dir: Path) -> list[str]:
    return ["-m", "segment_lists", "serve", "--sandbox", "--contacts", "300", "--state-dir", str(state_dir)]


@pytest.mark.parametrize("mode", MODES)
async def test_stdio_sandbox_server(tmp_path: Path, mode: str) -> None:
    stray: list[Any] = []

    async def on_message(message: Any) -> None:
        if isinstance(message, Exception):  # a line on stdout that is not a JSON-RPC message
            stray.append(message)

    params = StdioServerParameters(
        command=sys.executable,
        args=_command(tmp_path / "state"),
        cwd=str(tmp_path),  # no .env of the checkout: the sandbox must need nothing from the environment
        env={"PYTHONUNBUFFERED": "1"},
    )
    with anyio.fail_after(60):
        async with Client(params, mode=mode, message_handler=on_message) as client:
            assert client.protocol_version == ERAS[mode]
            tools = {tool.name for tool in (await client.list_tools()).tools}
            assert {"list_existing_lists", "propose_segments", "create_list", "delete_list"} <= tools
            result = await client.call_tool("list_existing_lists", {})
            assert not result.is_error
            data = result.structured_content
            assert data is not None
            assert data["portal"]["is_sandbox"] is True and "SANDBOX" in data["portal"]["notice"]
            assert {lst["name"] for lst in data["lists"]} >= {"Customers (2023 import)", "Newsletter subscribers"}
            asked = await client.call_tool("delete_list", {"list_id": data["lists"][0]["list_id"]})
            assert not asked.is_error  # refused (not created by this tool), as a result, not a crash
            assert asked.structured_content and asked.structured_content["status"] == "refused"
    assert stray == []
    assert (tmp_path / "state" / "journal.sqlite3").is_file()


def _spawn(tmp_path: Path) -> subprocess.Popen[str]:
    """The server as a client starts it, with its pipes in text mode."""
    return subprocess.Popen(
        [sys.executable, *_command(tmp_path / "state")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )


def test_stdout_carries_only_mcp_messages(tmp_path: Path) -> None:
    requests = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "raw-test", "version": "0"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "list_existing_lists", "arguments": {}}},
        {"jsonrpc": "2.0", "id": 4, "method": "prompts/list"},
    ]
    process = _spawn(tmp_path)
    watchdog = threading.Timer(60, process.kill)
    watchdog.start()
    lines: list[str] = []
    try:
        assert process.stdin is not None and process.stdout is not None
        for request in requests:
            process.stdin.write(json.dumps(request) + "\n")
            process.stdin.flush()
            while "id" in request:  # one at a time: wait for this answer before the next request
                line = process.stdout.readline()
                assert line, "the server closed stdout"
                lines.append(line)
                if json.loads(line).get("id") == request["id"]:
                    break
        process.stdin.close()  # the client goes away: the server shuts down
        lines += process.stdout.readlines()  # whatever it writes until it exits
        returncode = process.wait(timeout=30)
        stderr = process.stderr.read() if process.stderr else ""
    finally:
        watchdog.cancel()
        process.kill()
    assert returncode == 0, stderr[-2000:]
    messages = []
    for line in lines:
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            pytest.fail(f"a non-MCP line on stdout: {line[:200]!r}")
        assert message.get("jsonrpc") == "2.0", line[:200]
        messages.append(message)
    answers = {m["id"]: m for m in messages if "id" in m}
    assert set(answers) == {1, 2, 3, 4}
    assert all("result" in answer for answer in answers.values()), answers
    assert answers[1]["result"]["serverInfo"]["name"] == "hubspot-segment-lists"
    assert answers[3]["result"]["isError"] is False
    assert answers[3]["result"]["structuredContent"]["portal"]["is_sandbox"] is True
    # The human-readable notice goes to stderr, where clients show server logs.
    assert "SANDBOX" in stderr


def _deep_branch(levels: int) -> dict[str, Any]:
    branch: dict[str, Any] = {"filterBranchType": "AND", "filters": []}
    for _ in range(levels):
        branch = {"filterBranchType": "OR", "filterBranches": [branch], "filters": []}
    return branch


def test_every_line_gets_an_answer_even_unreadable_ones(tmp_path: Path) -> None:
    """Malformed JSON, JSON nested past the SDK's parser limit (a filterBranch 100 levels deep), and a
    message that is not JSON-RPC each get a JSON-RPC error (issue 10, item 4) instead of silence; a
    readable id is echoed so the client's pending call ends. The server keeps serving afterwards."""
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}},
    }
    deep_call = {
        "jsonrpc": "2.0",
        "id": 3,
        "method": "tools/call",
        "params": {
            "name": "create_list",
            "arguments": {"custom": {"name": "deep", "filter_branch": _deep_branch(100)}},
        },
    }
    lines = [
        (json.dumps(initialize), 1),
        (json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}), None),
        ("{this is not json", "malformed"),
        (json.dumps(deep_call), 3),
        (json.dumps({"jsonrpc": "2.0", "id": 4, "nonsense": True}), 4),
        ("[" * 5000 + "]" * 5000, "too deep to parse"),
        # A lone surrogate, valid JSON to Python and not to the SDK: as an id no answer could carry it
        # (the writer crashed the server), inside arguments it is a line the server cannot read.
        ('{"jsonrpc": "2.0", "id": "\\ud800", "method": "tools/list"}', "surrogate id"),
        (
            '{"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {"name": "propose_segments", '
            '"arguments": {"answers": {"industries": ["\\udc00x"]}}}}',
            5,
        ),
        (json.dumps({"jsonrpc": "2.0", "id": 6, "method": "tools/list"}), 6),
    ]
    process = _spawn(tmp_path)
    watchdog = threading.Timer(90, process.kill)
    watchdog.start()
    answers: list[dict[str, Any]] = []
    try:
        assert process.stdin is not None and process.stdout is not None
        for line, expected in lines:
            process.stdin.write(line + "\n")
            process.stdin.flush()
            if expected is None:
                continue
            while True:  # the answer to this line (notifications the server sends are skipped)
                raw = process.stdout.readline()
                assert raw, f"no answer to {line[:80]!r}: the server closed stdout"
                message = json.loads(raw)
                if "id" in message:
                    answers.append(message)
                    break
        process.stdin.close()
        process.wait(timeout=30)
    finally:
        watchdog.cancel()
        process.kill()
    by_line = dict(zip([e for _, e in lines if e is not None], answers, strict=True))
    assert "result" in by_line[1]
    for unparsable in ("malformed", "too deep to parse"):
        assert by_line[unparsable]["id"] is None and by_line[unparsable]["error"]["code"] == -32700
    assert by_line[3]["id"] == 3 and by_line[3]["error"]["code"] == -32600, by_line[3]
    assert "recursion limit" in by_line[3]["error"]["message"]
    assert by_line[4]["id"] == 4 and by_line[4]["error"]["code"] == -32600
    assert by_line["surrogate id"]["id"] is None and by_line["surrogate id"]["error"]["code"] == -32600
    assert by_line[5]["id"] == 5 and by_line[5]["error"]["code"] == -32600
    assert "result" in by_line[6] and by_line[6]["result"]["tools"], "the server kept serving"
