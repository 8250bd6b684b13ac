"""`segment-lists serve`: the MCP server over stdio (default) or streamable HTTP on 127.0.0.1.

Over HTTP the server is a local service any web page in the user's browser could try to reach, so:
it binds 127.0.0.1 unless told otherwise; it rejects requests whose `Host` or `Origin` is not a
loopback name (DNS rebinding) or one the user allowed; and it can require a bearer token of its own
(`SEGMENT_LISTS_HTTP_TOKEN`), without which binding anything but loopback is refused.
"""

from __future__ import annotations

import argparse
import contextlib
import hmac
import logging
import math
import signal
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from segment_lists.cli.embedded_sandbox import EmbeddedSandbox, sandbox_settings, start_embedded_sandbox
from segment_lists.workflow.environment import Settings, load_settings
from segment_lists.workflow.runtime import CONNECT_HINT

if TYPE_CHECKING:
    from segment_lists.mcp.frontend.session import FrontEnd

log = logging.getLogger("segment_lists.serve")


LOOPBACK = ("127.0.0.1", "localhost", "::1")
MIN_TOKEN_LENGTH = 32
MIN_TOKEN_BITS = 100  # estimated: length x the token's own character entropy
MIN_TOKEN_DISTINCT = 10
MAKE_TOKEN = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
MCP_PATH = "/mcp"  # the streamable-HTTP endpoint (the MCP SDK's default, said once here)


class HttpRefused(Exception):
    """The HTTP server will not start with these settings; the message says why."""


def transport_security(host: str, allowed_hosts: Sequence[str] = ()) -> Any:
    """DNS-rebinding protection: loopback names (any port) and the hosts the user allowed."""
    from mcp.server.transport_security import TransportSecuritySettings

    hosts = ["127.0.0.1:*", "localhost:*", "[::1]:*"]
    origins = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"]
    extra = [h for h in [*allowed_hosts, *([] if host in LOOPBACK or host in {"0.0.0.0", "::"} else [host])] if h]
    for name in extra:
        hosts += [name, f"{name}:*"]
        origins += [f"http://{name}", f"https://{name}", f"http://{name}:*", f"https://{name}:*"]
    return TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins)


class BearerGate:
    """ASGI middleware: every HTTP request must carry `Authorization: Bearer <token>` (else 401)."""

    def __init__(self, app: Any, token: str) -> None:
        self.app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not hmac.compare_digest(given, self._expected):
                body = b'{"error": "unauthorized: send Authorization: Bearer <SEGMENT_LISTS_HTTP_TOKEN>"}'
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"www-authenticate", b'Bearer realm="segment-lists"'),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def token_weakness(token: str) -> str | None:
    """Why a bearer token is too easy to guess for a server other machines can reach (None: strong
    enough): shorter than 32 characters, or too little variety (few distinct characters, repeats)."""
    if len(token) < MIN_TOKEN_LENGTH:
        return f"it has {len(token)} characters; at least {MIN_TOKEN_LENGTH} are needed"
    counts = Counter(token)
    per_char = -sum(n / len(token) * math.log2(n / len(token)) for n in counts.values())
    if len(counts) < MIN_TOKEN_DISTINCT or per_char * len(token) < MIN_TOKEN_BITS:
        return "it is too predictable (too few different characters, or repeated patterns)"
    return None


def refusal(host: str, token: str | None) -> str | None:
    """Why HTTP must not be served on `host` with this token (None: it may). Beyond loopback anyone who
    can reach the port could use the HubSpot portal, so a strong token is required there."""
    if host in LOOPBACK:
        return None
    if not token:
        return (
            f"refusing to serve HTTP on {host} without a token: anyone who can reach it could use your HubSpot "
            "portal. Set SEGMENT_LISTS_HTTP_TOKEN (clients send it as a bearer token), or bind 127.0.0.1."
        )
    weakness = token_weakness(token)
    if weakness:
        return (
            f"refusing to serve HTTP on {host}: SEGMENT_LISTS_HTTP_TOKEN is too weak ({weakness}). Make one with "
            f"{MAKE_TOKEN} and set it, or bind 127.0.0.1."
        )
    return None


def http_app(server: Any, *, host: str, token: str | None, allowed_hosts: Sequence[str] = ()) -> Any:
    """The streamable-HTTP ASGI app with rebinding protection and, if a token is set, the bearer gate."""
    refused = refusal(host, token)
    if refused:
        raise HttpRefused(refused)
    app = server.streamable_http_app(
        streamable_http_path=MCP_PATH, transport_security=transport_security(host, allowed_hosts), host=host
    )
    return BearerGate(app, token) if token else app


def http_banner(host: str, port: int, token: str | None) -> str:
    """Where clients connect, and whether they must authenticate (stderr: stdout stays clean)."""
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}{MCP_PATH}"
    if token:
        auth = "a bearer token is required: clients send Authorization: Bearer <SEGMENT_LISTS_HTTP_TOKEN>"
    else:
        auth = "no bearer token is required (loopback only; set SEGMENT_LISTS_HTTP_TOKEN to require one)"
    return (
        f"hubspot-segment-lists: MCP server (streamable HTTP) at {url}\n"
        f"  endpoint path: {MCP_PATH}; {auth}\n"
        f"  Claude Code: claude mcp add --transport http hubspot-segment-lists {url}"
        + (' --header "Authorization: Bearer $SEGMENT_LISTS_HTTP_TOKEN"' if token else "")
    )


def serve_http(server: Any, *, host: str, port: int, token: str | None, allowed_hosts: Sequence[str] = ()) -> None:
    """Bind first (port 0 picks a free one), then say where the server is, then serve."""
    import socket

    import uvicorn

    app = http_app(server, host=host, token=token, allowed_hosts=allowed_hosts)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)  # listening before the banner says so: a client that connects at once is queued
    bound_port = sock.getsockname()[1]
    if host not in LOOPBACK:
        log.warning("binding %s: the server is reachable from other machines (bearer token required)", host)
    print(http_banner(host, bound_port, token), file=sys.stderr, flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])


def _sandbox_without_token(
    args: argparse.Namespace, journal_dir: Path
) -> Callable[[Settings], tuple[Settings, EmbeddedSandbox]]:
    """The first run without a token: the embedded sandbox stands in, and every result says so and how
    to connect (DESIGN.md section 8: why a newcomer gets demo data rather than an error)."""

    def start(settings: Settings) -> tuple[Settings, EmbeddedSandbox]:
        sandbox = start_embedded_sandbox(args.contacts, args.seed)
        standing_in = sandbox_settings(settings, sandbox.base_url, journal_dir)
        print(f"hubspot-segment-lists: SANDBOX portal started at {sandbox.base_url} (demo data)", file=sys.stderr)
        return standing_in.model_copy(update={"no_token_sandbox": True}), sandbox

    return start


def serve(args: argparse.Namespace, front: FrontEnd | None = None) -> int:
    """Serve until the client leaves; `front`: the stdio front end already answering (cli/serve_entry)."""
    overrides: dict[str, Any] = {}
    if args.confirmation:
        overrides["confirmation"] = args.confirmation
    settings = load_settings(**overrides)
    # Secrets come from the environment only, never from a flag (DESIGN.md section 8).
    http_token = settings.http_token.get_secret_value() if settings.http_token else None
    allowed_hosts = [*settings.http_allowed_hosts, *(args.allowed_host or [])]
    refused = refusal(args.host, http_token) if args.http else None
    if refused:
        print(f"segment-lists serve: {refused}", file=sys.stderr)
        return 2
    # A stop request (SIGTERM, Ctrl-C) ends the server through its cleanup (the sandbox, the journal), not
    # around it: uvicorn re-raises the signal it caught once it has shut down.
    signal.signal(signal.SIGTERM, _stop)
    try:
        return _serve(args, settings, http_token, allowed_hosts, front)
    except KeyboardInterrupt:
        return 0


def _stop(*_: object) -> None:
    raise SystemExit(0)


def _serve(
    args: argparse.Namespace,
    settings: Settings,
    http_token: str | None,
    allowed_hosts: list[str],
    front: FrontEnd | None,
) -> int:
    # --sandbox / --no-sandbox win over SEGMENT_LISTS_SANDBOX (default auto: the sandbox only without a token).
    mode = {True: "always", False: "never", None: settings.sandbox_mode}[args.sandbox]
    # Only in place of HubSpot itself: a HUBSPOT_BASE_URL the user chose is never swapped for demo data.
    stands_in = settings.token is None and mode == "auto" and settings.is_hubspot
    with contextlib.ExitStack() as cleanup:
        # A sandbox served here is a fresh in-memory portal per server, and its journal goes with it (a temp
        # folder removed at exit, unless --state-dir): a server runs for hours, and holding the command line's
        # persistent sandbox that long would block every `--sandbox` command meanwhile.
        journal_dir = args.state_dir
        if journal_dir is None and (mode == "always" or stands_in):
            journal_dir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="segment-lists-serve-")))
        sandbox = None
        if mode == "always":
            sandbox = start_embedded_sandbox(args.contacts, args.seed)
            settings = sandbox_settings(settings, sandbox.base_url, journal_dir)
            print(
                f"hubspot-segment-lists: serving the SANDBOX portal at {sandbox.base_url} (demo data)", file=sys.stderr
            )
            if front is not None:
                front.release()  # the address is out: the front end may answer (the MCP SDK loads meanwhile)
        elif args.state_dir:
            settings = settings.model_copy(update={"state_dir": args.state_dir})
        without_token = None
        if stands_in and journal_dir is not None:
            without_token = _sandbox_without_token(args, journal_dir)
            print(
                "hubspot-segment-lists: no HUBSPOT_ACCESS_TOKEN is set, so the tools use the SANDBOX portal "
                f"(demo data, started on the first call). To use your HubSpot: {CONNECT_HINT}.",
                file=sys.stderr,
            )
        elif settings.token is None:
            print(
                f"hubspot-segment-lists: not connected (no HUBSPOT_ACCESS_TOKEN). To connect: {CONNECT_HINT}.",
                file=sys.stderr,
            )
        # Imported here, after an always-on sandbox has started and said where: the MCP SDK is the slow part.
        from segment_lists.mcp.server import build_server
        from segment_lists.mcp.state import AppState
        from segment_lists.mcp.stdio import run_stdio

        read_only = args.read_only or settings.read_only
        state = AppState(settings=settings, read_only=read_only, sandbox=sandbox, without_token=without_token)
        # At exit, in this order: the journal, then the portal (started here or on the first call), then its folder.
        cleanup.callback(lambda: state.sandbox.stop() if state.sandbox is not None else None)
        cleanup.callback(state.close)
        server = build_server(state)
        if args.http:
            try:
                serve_http(server, host=args.host, port=args.port, token=http_token, allowed_hosts=allowed_hosts)
            except OSError as error:  # the port is taken, the address is not ours, ...
                print(f"segment-lists serve: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
                return 1
        else:
            run_stdio(server, front)
    return 0
