"""Streamable HTTP transport security, over real HTTP (issue 5, item 6): loopback by default, DNS
rebinding refused (foreign Host or Origin), and the server's own bearer token (401 without it)."""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
import uvicorn
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from reliability_harness import seeded_sandbox, settings_for
from segment_lists.cli.main import build_parser
from segment_lists.cli.serve_verb import HttpRefused, http_app
from segment_lists.mcp.server import build_server
from segment_lists.mcp.state import AppState

pytestmark = pytest.mark.anyio
HTTP_TOKEN = "local-mcp-bearer-5b1d0c"
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    running, _ = seeded_sandbox(contacts=60)
    state = AppState(settings=settings_for(running.base_url, tmp_path_factory.mktemp("http-state")), sandbox=running)
    app = http_app(build_server(state), host="127.0.0.1", token=HTTP_TOKEN)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}/mcp"
    server.should_exit = True
    thread.join(timeout=10)
    running.stop()


def post(url: str, headers: dict[str, str]) -> tuple[int, str]:
    """A raw initialize POST with exactly these extra headers (http.client sends Host itself unless given)."""
    host, port = url.split("//")[1].split("/")[0].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    base = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    conn.request("POST", "/mcp", body=json.dumps(INIT), headers={**base, **headers})
    reply = conn.getresponse()
    body = reply.read().decode(errors="replace")
    conn.close()
    return reply.status, body


AUTH = {"Authorization": f"Bearer {HTTP_TOKEN}"}


def test_requests_without_the_bearer_token_get_401(server_url: str) -> None:
    assert post(server_url, {})[0] == 401
    assert post(server_url, {"Authorization": "Bearer wrong"})[0] == 401
    assert post(server_url, {"Authorization": HTTP_TOKEN})[0] == 401  # no scheme
    status, body = post(server_url, AUTH)
    assert status == 200 and "protocolVersion" in body


def test_foreign_host_and_origin_are_refused(server_url: str) -> None:
    assert post(server_url, {**AUTH, "Host": "evil.example"})[0] == 421
    assert post(server_url, {**AUTH, "Host": "evil.example:80"})[0] == 421
    assert post(server_url, {**AUTH, "Origin": "http://evil.example"})[0] == 403
    assert post(server_url, {**AUTH, "Origin": "https://127.0.0.1.evil.example"})[0] == 403
    port = server_url.split(":")[2].split("/")[0]
    assert post(server_url, {**AUTH, "Origin": f"http://localhost:{port}"})[0] == 200


async def test_an_mcp_client_with_the_token_works_over_http(server_url: str) -> None:
    async with (
        httpx2.AsyncClient(headers=AUTH) as http,
        Client(streamable_http_client(server_url, http_client=http)) as client,  # type: ignore[arg-type]
    ):
        tools = {tool.name for tool in (await client.list_tools()).tools}
        assert {"list_existing_lists", "create_list", "delete_list"} <= tools
        result = await client.call_tool("list_existing_lists", {})
        assert not result.is_error and result.structured_content["portal"]["is_sandbox"]


def test_non_loopback_binding_needs_a_token(tmp_path: Path) -> None:
    state = AppState(settings=settings_for("http://127.0.0.1:9", tmp_path))
    with pytest.raises(HttpRefused, match="SEGMENT_LISTS_HTTP_TOKEN"):
        http_app(build_server(state), host="0.0.0.0", token=None)
    # Beyond loopback the token must be hard to guess: long enough and varied enough (issue 10).
    for weak in ("t", "x" * 40, "abcd" * 10, "password1"):
        with pytest.raises(HttpRefused, match="too weak"):
            http_app(build_server(state), host="0.0.0.0", token=weak)
    assert http_app(build_server(state), host="0.0.0.0", token=secrets.token_urlsafe(32)) is not None
    assert http_app(build_server(state), host="0.0.0.0", token=secrets.token_hex(16)) is not None
    assert http_app(build_server(state), host="127.0.0.1", token="t") is not None  # loopback: the user's choice


def test_serve_http_binds_loopback_by_default(tmp_path: Path) -> None:
    """The real command: it listens on 127.0.0.1 only, and refuses 0.0.0.0 without a token."""
    assert build_parser().parse_args(["serve", "--http"]).host == "127.0.0.1"
    port = free_port()
    env = {**os.environ, "SEGMENT_LISTS_HTTP_TOKEN": HTTP_TOKEN, "SEGMENT_LISTS_STATE_DIR": str(tmp_path)}
    env.pop("HUBSPOT_ACCESS_TOKEN", None)
    command = [sys.executable, "-m", "segment_lists", "serve", "--http", "--sandbox", "--contacts", "20"]
    child = subprocess.Popen([*command, "--port", str(port)], env=env, cwd=tmp_path, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        bound = []
        while time.monotonic() < deadline and not bound:
            bound = listening(port)
            time.sleep(0.1)
        assert bound == ["127.0.0.1"], bound
        assert post(f"http://127.0.0.1:{port}/mcp", {})[0] == 401
    finally:
        child.terminate()
        child.wait(timeout=10)
    refused = subprocess.run(
        [*command, "--host", "0.0.0.0", "--port", str(free_port())],
        env={k: v for k, v in env.items() if k != "SEGMENT_LISTS_HTTP_TOKEN"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert refused.returncode == 2 and "SEGMENT_LISTS_HTTP_TOKEN" in refused.stderr


def listening(port: int) -> list[str]:
    """The local addresses listening on `port` (from /proc/net/tcp and tcp6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                if len(address) == 8:
                    found.append(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
                else:
                    found.append("ipv6:" + address)
    return found


@pytest.mark.parametrize("token", [None, HTTP_TOKEN], ids=["no-token", "bearer-token"])
def test_serve_http_says_where_it_listens_and_whether_a_token_is_required(token: str | None, tmp_path: Path) -> None:
    """`serve --http --port 0`: the URL (with the real port and /mcp) and the auth rule on stderr; stdout clean."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUBSPOT_", "SEGMENT_LISTS_"))}
    temp = tmp_path / "tmp"
    temp.mkdir()
    env.update(TMPDIR=str(temp), **({"SEGMENT_LISTS_HTTP_TOKEN": token} if token else {}))
    command = [sys.executable, "-m", "segment_lists", "serve", "--http", "--sandbox", "--contacts", "20", "--port", "0"]
    child = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(child.stderr.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any("endpoint path" in line for line in lines):
            time.sleep(0.05)
        said = "".join(lines)
        url = next(word for word in said.split() if word.startswith("http://") and word.endswith("/mcp"))
        assert "endpoint path: /mcp" in said
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        assert url == f"http://127.0.0.1:{port}/mcp" and port != 0
        if token:
            assert "a bearer token is required" in said and token not in said  # the rule, never the secret
            assert post(url, {})[0] == 401 and post(url, AUTH)[0] == 200
        else:
            assert "no bearer token is required" in said
            assert post(url, {})[0] == 200
    finally:
        child.terminate()
        out, _ = child.communicate(timeout=20)
    assert out == ""  # stdout is for the MCP protocol only (and over HTTP: nothing)
    assert child.returncode == 0
    assert list(temp.iterdir()) == []  # the sandbox's journal went with the server
