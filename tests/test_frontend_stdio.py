"""The stdio front end in use (issue 16, item 3): `serve` answers the handshake and the lists at once and
hands the session to the real server once it has loaded, losing and reordering nothing.

Over real stdio, with the SDK's MCP client in both eras: a tool call sent the moment the handshake is
answered (it waits for the real server), listings before and after the hand-over (the same), progress
notifications, unreadable lines answered with JSON-RPC errors, a clean end on EOF with nothing alarming
on stderr, read-only from a .env file. In-process, deterministically: what is answered before the
hand-over, what waits, and that the real server picks up exactly there. The switch
(SEGMENT_LISTS_FRONTEND=0) and `--http` keep the front end out.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

from mcp_support import ERAS, MODES, call, progress_recorder
from segment_lists.cli.main import build_parser
from segment_lists.cli.serve_entry import front_end
from segment_lists.mcp.frontend.answers import Answerer
from segment_lists.mcp.frontend.manifest import FULL, load
from segment_lists.mcp.frontend.session import FrontEnd
from segment_lists.mcp.frontend.wire import Wire
from segment_lists.mcp.frontend_manifest import initialize, portal_free_settings, request
from segment_lists.mcp.server import build_server
from segment_lists.mcp.state import AppState
from segment_lists.mcp.stdio import serve_stdio

ALARMING = ("Traceback", "Error", "ERROR", "WARNING", "Exception", "exception")
READ_TOOLS = {"list_existing_lists", "propose_segments", "count_members", "check_exclusivity", "export_library"}


def _environment(home: Path, **extra: str) -> dict[str, str]:
    """No token and nothing of the developer's: a newcomer's server."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "PYTHONUNBUFFERED": "1"}
    return {**env, **extra}


def _serve(tmp_path: Path, *extra: str) -> list[str]:
    return [
        "-m",
        "segment_lists",
        "serve",
        "--sandbox",
        "--contacts",
        "300",
        "--state-dir",
        str(tmp_path / "s"),
        *extra,
    ]


def _calm(stderr: str) -> None:
    found = [word for word in ALARMING if word in stderr]
    assert not found, f"stderr says {found}:\n{stderr[-3000:]}"


@pytest.mark.anyio
@pytest.mark.parametrize("first", ["call", "list"])
@pytest.mark.parametrize("mode", MODES)
async def test_a_session_through_the_front_end(tmp_path: Path, mode: str, first: str) -> None:
    """`first`: a tool call the moment the handshake is answered (the real server is still loading), or
    the listings first (the front end's) and the call after. Then listings again (the real server's)."""
    params = StdioServerParameters(
        command=sys.executable, args=_serve(tmp_path), env=_environment(tmp_path), cwd=str(tmp_path)
    )
    errlog = (tmp_path / "stderr.txt").open("w+")
    with anyio.fail_after(90):
        async with Client(stdio_client(params, errlog=errlog), mode=mode) as client:
            assert client.protocol_version == ERAS[mode]
            early: dict[str, Any] = {}
            if first == "list":
                early = {"tools": (await client.list_tools()).tools, "prompts": (await client.list_prompts()).prompts}
            lists = await call(client, "list_existing_lists")
            assert lists["portal"]["is_sandbox"] is True
            assert {lst["name"] for lst in lists["lists"]} >= {"Customers (2023 import)", "Newsletter subscribers"}
            # After a tool call's answer the real server answers everything: its listings are the front end's.
            tools = (await client.list_tools()).tools
            assert {tool.name for tool in tools} >= READ_TOOLS | {"create_list", "delete_list"}
            if early:
                assert early["tools"] == tools and early["prompts"] == (await client.list_prompts()).prompts
            updates, on_progress = progress_recorder()
            ids = [lst["list_id"] for lst in lists["lists"][:2]]
            counts = await call(client, "count_members", {"list_ids": ids}, progress_callback=on_progress)
            assert len(counts["counts"]) == 2
            assert updates and updates[-1][:2] == (2, 2), updates
    errlog.seek(0)
    stderr = errlog.read()
    assert "SANDBOX" in stderr
    _calm(stderr)


def _spawn(tmp_path: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, *_serve(tmp_path, *extra)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env or _environment(tmp_path),
    )


def _answers(process: subprocess.Popen[str], count: int) -> list[dict[str, Any]]:
    """The next `count` messages that answer something (skipping notifications)."""
    assert process.stdout is not None
    found: list[dict[str, Any]] = []
    while len(found) < count:
        line = process.stdout.readline()
        assert line, f"the server closed stdout after {found}"
        message = json.loads(line)
        if "method" not in message:
            found.append(message)
    return found


def _deep_call(request_id: int, levels: int = 100) -> str:
    branch: dict[str, Any] = {"filterBranchType": "AND", "filters": []}
    for _ in range(levels):
        branch = {"filterBranchType": "OR", "filterBranches": [branch], "filters": []}
    arguments = {"custom": {"name": "deep", "filter_branch": branch}}
    return request(request_id, "tools/call", {"name": "create_list", "arguments": arguments})


def test_every_line_sent_before_the_hand_over_is_answered_and_eof_ends_the_server(tmp_path: Path) -> None:
    """All written at once, long before the real server has loaded: the handshake and the listing are the
    front end's; the unreadable lines get JSON-RPC errors, the tool calls their answers, once the real
    server has the session. Closing stdin then ends the server with exit code 0 and a calm stderr."""
    lines = [
        initialize(1, "2025-11-25"),
        json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        request(2, "tools/call", {"name": "list_existing_lists", "arguments": {}}),
        request(3, "tools/list"),
        "{this is not json",
        _deep_call(5),
        json.dumps({"jsonrpc": "2.0", "id": 6, "nonsense": True}),
        request(7, "prompts/list"),
    ]
    process = _spawn(tmp_path)
    watchdog = threading.Timer(90, process.kill)
    watchdog.start()
    try:
        assert process.stdin is not None
        process.stdin.write("".join(line + "\n" for line in lines))
        process.stdin.flush()
        answers = _answers(process, 7)
        process.stdin.close()
        returncode = process.wait(timeout=30)
        stderr = process.stderr.read() if process.stderr else ""
    finally:
        watchdog.cancel()
        process.kill()
    by_id = {json.dumps(a["id"]): a for a in answers}
    assert by_id["1"]["result"]["serverInfo"]["name"] == "hubspot-segment-lists"
    assert by_id["2"]["result"]["structuredContent"]["portal"]["is_sandbox"] is True
    assert len(by_id["3"]["result"]["tools"]) == 9 and by_id["7"]["result"]["prompts"]
    assert by_id["null"]["error"]["code"] == -32700
    assert by_id["5"]["error"]["code"] == -32600 and "recursion limit" in by_id["5"]["error"]["message"]
    assert by_id["6"]["error"]["code"] == -32600
    # The front end answers at once; the rest comes from the real server, the prompts too: after a line
    # it cannot read, the front end answers nothing more.
    assert [a["id"] for a in answers[:2]] == [1, 3]
    assert returncode == 0, stderr[-2000:]
    _calm(stderr)


def test_eof_during_the_handshake_still_ends_cleanly(tmp_path: Path) -> None:
    """The client leaves right after its listing, while the real server is still loading: the server
    loads, finds the end of input and exits 0, with nothing alarming said. With `--sandbox` the portal's
    address is on stderr before the first answer (a client reading the log once connected finds it)."""
    process = _spawn(tmp_path)
    try:
        assert process.stdin is not None and process.stderr is not None
        process.stdin.write(initialize(1, "2024-11-05") + "\n" + request(2, "tools/list") + "\n")
        process.stdin.close()
        answers = _answers(process, 2)
        said_first = os.read(process.stderr.fileno(), 1 << 16).decode() if _ready(process.stderr) else ""
        returncode = process.wait(timeout=60)
        stderr = said_first + process.stderr.read()
    finally:
        process.kill()
    assert "serving the SANDBOX portal at http://127.0.0.1:" in said_first
    assert answers[0]["result"]["protocolVersion"] == "2024-11-05" and answers[1]["result"]["tools"]
    assert returncode == 0, stderr[-2000:]
    _calm(stderr)


def _ready(stream: Any) -> bool:
    return bool(select.select([stream], [], [], 0)[0])


def test_read_only_from_a_dotenv_file_is_what_the_front_end_lists(tmp_path: Path) -> None:
    """SEGMENT_LISTS_READ_ONLY in the working directory's .env: the front end's listing has the read tools
    only, like the real server's after the hand-over."""
    (tmp_path / ".env").write_text("SEGMENT_LISTS_READ_ONLY=yes\n")
    process = _spawn(tmp_path)
    try:
        assert process.stdin is not None
        process.stdin.write(initialize(1, "2025-11-25") + "\n" + request(2, "tools/list") + "\n")
        process.stdin.write(request(3, "tools/call", {"name": "export_library", "arguments": {}}) + "\n")
        process.stdin.flush()
        early = _answers(process, 3)
        process.stdin.write(request(4, "tools/list") + "\n")
        process.stdin.flush()
        late = _answers(process, 1)[0]
        process.stdin.close()
        process.wait(timeout=30)
    finally:
        process.kill()
    listed = next(a for a in early if a["id"] == 2)["result"]
    assert {tool["name"] for tool in listed["tools"]} == READ_TOOLS
    assert late["id"] == 4 and late["result"] == listed


def test_the_switch_and_http_keep_the_front_end_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SEGMENT_LISTS_FRONTEND=0 (environment or .env) and `serve --http` start no front end: stdin and
    stdout stay untouched (this test's own)."""
    monkeypatch.chdir(tmp_path)
    stdio = build_parser("serve").parse_args(["serve"])
    http = build_parser("serve").parse_args(["serve", "--http"])
    assert front_end(http) is None
    monkeypatch.setenv("SEGMENT_LISTS_FRONTEND", "0")
    assert front_end(stdio) is None
    monkeypatch.delenv("SEGMENT_LISTS_FRONTEND")
    (tmp_path / ".env").write_text("SEGMENT_LISTS_FRONTEND=off\n")
    assert front_end(stdio) is None


def test_without_the_front_end_stdio_serves_as_before(tmp_path: Path) -> None:
    process = _spawn(tmp_path, env=_environment(tmp_path, SEGMENT_LISTS_FRONTEND="0"))
    try:
        assert process.stdin is not None
        process.stdin.write(initialize(1, "2025-11-25") + "\n{oops\n" + request(2, "tools/list") + "\n")
        process.stdin.flush()
        answers = _answers(process, 3)
        process.stdin.close()
        returncode = process.wait(timeout=30)
    finally:
        process.kill()
    assert [a.get("id") for a in answers] == [1, None, 2] and answers[2]["result"]["tools"]
    assert returncode == 0


# --- in-process: the hand-over itself, step by step --------------------------------------------------


class _Pipes:
    """A client's ends of two pipes, and a Wire on the server's ends."""

    def __init__(self) -> None:
        self.server_in, self.client_out = os.pipe()
        self.client_in, self.server_out = os.pipe()
        self.wire = Wire(self.server_in, self.server_out)

    def send(self, *lines: str) -> None:
        os.write(self.client_out, "".join(line + "\n" for line in lines).encode())

    def receive(self, timeout: float = 20) -> dict[str, Any] | None:
        """The next message, or None if nothing comes within `timeout` seconds."""
        data = b""
        while not data.endswith(b"\n"):
            ready, _, _ = select.select([self.client_in], [], [], timeout)
            if not ready:
                return None
            data += os.read(self.client_in, 1)
        return json.loads(data)


def test_a_held_front_end_answers_only_once_released() -> None:
    manifest = load()
    assert manifest is not None
    pipes = _Pipes()
    front = FrontEnd(pipes.wire, Answerer(manifest, FULL, "replay-0"), held=True)
    front.start()
    pipes.send(initialize(1, "2025-11-25"))
    assert pipes.receive(timeout=0.3) is None
    front.release()
    answer = pipes.receive()
    assert answer and answer["id"] == 1 and answer["result"]["serverInfo"]["name"] == "hubspot-segment-lists"


def test_the_hand_over_answers_what_waited_in_order_and_then_everything(tmp_path: Path) -> None:
    manifest = load()
    assert manifest is not None
    pipes = _Pipes()
    front = FrontEnd(pipes.wire, Answerer(manifest, FULL, "replay-1"))
    front.start()
    pipes.send(
        initialize(1, "2025-06-18"),
        json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        request(2, "tools/call", {"name": "export_library", "arguments": {}}),
        request(3, "tools/list"),
        request(4, "ping"),
    )
    before = [pipes.receive(), pipes.receive(), pipes.receive()]
    assert [m and m["id"] for m in before] == [1, 3, 4]
    assert before[0] and before[0]["result"]["protocolVersion"] == "2025-06-18"
    assert pipes.receive(timeout=0.3) is None  # the tool call waits for the real server

    server = build_server(AppState(settings=portal_free_settings()))
    handed = front.hand_over()
    done = threading.Event()

    def serve() -> None:
        anyio.run(serve_stdio, server, handed)
        done.set()

    threading.Thread(target=serve, daemon=True).start()
    waited = pipes.receive()
    assert waited and waited["id"] == 2 and "result" in waited  # answered by the real server, once
    pipes.send("{oops", request(5, "tools/list"))
    after = [pipes.receive(), pipes.receive()]
    assert after[0] and after[0]["id"] is None and after[0]["error"]["code"] == -32700
    assert after[1] and after[1]["id"] == 5 and after[1]["result"]["tools"] == before[1]["result"]["tools"]
    os.close(pipes.client_out)  # the client leaves
    assert done.wait(20), "the real server did not end at the end of input"
    assert pipes.receive(timeout=0.2) is None  # and never wrote its answer to the replayed initialize
    front.close()
