"""`segment-lists serve`: the MCP server over stdio (default) or streamable HTTP on 127.0.0.1.

Over HTTP the server is a local service any web page in the user's browser could try to reach, so:
it binds 127.0.0.1 unless told otherwise; it rejects requests whose `Host` or `Origin` is not a
loopback name (DNS rebinding) or one the user allowed; and it can require a bearer token of its own
(`SEGMENT_LISTS_HTTP_TOKEN`), without which binding anything but loopback is refused.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from segment_lists.workflow.environment import Settings, load_settings

log = logging.getLogger("segment_lists.serve")


def start_embedded_sandbox(contacts: int, seed: int, processing_seconds: float = 1.0) -> Any:
    """A seeded sandbox portal in this process, for `--sandbox` and the demo."""
    from segment_lists.sandbox import RunningSandbox, SandboxConfig, seed_demo

    running = RunningSandbox(SandboxConfig(processing_seconds=processing_seconds)).start()
    seed_demo(running.sandbox, contacts=contacts, seed=seed)
    return running


def sandbox_settings(base: Settings, base_url: str, state_dir: Path | None) -> Settings:
    from segment_lists.workflow.runtime import sandbox_token

    # A fresh sandbox reuses list ids: its journal must not mix with another sandbox's.
    state = state_dir or Path(tempfile.mkdtemp(prefix="segment-lists-sandbox-"))
    return base.model_copy(update={"token": sandbox_token(), "base_url": base_url, "sandbox": True, "state_dir": state})


LOOPBACK = ("127.0.0.1", "localhost", "::1")


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


def http_app(server: Any, *, host: str, token: str | None, allowed_hosts: Sequence[str] = ()) -> Any:
    """The streamable-HTTP ASGI app with rebinding protection and, if a token is set, the bearer gate."""
    if host not in LOOPBACK and not token:
        raise HttpRefused(
            f"refusing to serve HTTP on {host} without a token: anyone who can reach it could use your "
            "HubSpot portal. Set SEGMENT_LISTS_HTTP_TOKEN (clients send it as a bearer token), or bind 127.0.0.1."
        )
    app = server.streamable_http_app(transport_security=transport_security(host, allowed_hosts), host=host)
    return BearerGate(app, token) if token else app


def serve_http(server: Any, *, host: str, port: int, token: str | None, allowed_hosts: Sequence[str] = ()) -> None:
    import uvicorn

    app = http_app(server, host=host, token=token, allowed_hosts=allowed_hosts)
    if host not in LOOPBACK:
        log.warning("binding %s: the server is reachable from other machines (bearer token required)", host)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def serve(args: argparse.Namespace) -> int:
    from segment_lists.mcp.server import build_server
    from segment_lists.mcp.state import AppState

    overrides: dict[str, Any] = {}
    if args.confirmation:
        overrides["confirmation"] = args.confirmation
    settings = load_settings(**overrides)
    http_token = getattr(args, "http_token", None) or (
        settings.http_token.get_secret_value() if settings.http_token else None
    )
    allowed_hosts = [*settings.http_allowed_hosts, *(getattr(args, "allowed_host", None) or [])]
    if args.http and args.host not in LOOPBACK and not http_token:
        print(
            f"segment-lists: refusing to serve HTTP on {args.host} without SEGMENT_LISTS_HTTP_TOKEN; "
            "bind 127.0.0.1 or set a token.",
            file=sys.stderr,
        )
        return 2
    sandbox = None
    if args.sandbox:
        sandbox = start_embedded_sandbox(args.contacts, args.seed)
        settings = sandbox_settings(settings, sandbox.base_url, args.state_dir)
        print(f"hubspot-segment-lists: serving the SANDBOX portal at {sandbox.base_url} (demo data)", file=sys.stderr)
    elif args.state_dir:
        settings = settings.model_copy(update={"state_dir": args.state_dir})
    read_only = args.read_only or settings.read_only
    server = build_server(AppState(settings=settings, read_only=read_only, sandbox=sandbox))
    try:
        if args.http:
            serve_http(server, host=args.host, port=args.port, token=http_token, allowed_hosts=allowed_hosts)
        else:
            server.run()
    finally:
        if sandbox is not None:
            sandbox.stop()
    return 0
