"""What happens to every request before it reaches a route: auth, then HubSpot's realism.

Pure ASGI (no BaseHTTPMiddleware) so a fault can drop a connection mid-response.
"""

from __future__ import annotations

import logging

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from segment_lists.sandbox.errors import HubSpotError
from segment_lists.sandbox.instance import Sandbox
from segment_lists.sandbox.realism import Canned, Verdict

UNAUTHENTICATED_MESSAGE = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find "
    "more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)


class InjectedDisconnect(Exception):
    """Raised after the response headers went out: uvicorn then closes the transport, so the
    client reads a Content-Length it never gets (urllib3: ProtocolError / IncompleteRead)."""


class _QuietInjectedDisconnects(logging.Filter):
    """uvicorn logs every exception from the app; an injected disconnect is not an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], InjectedDisconnect))


_QUIET = _QuietInjectedDisconnects()
logging.getLogger("uvicorn.error").addFilter(_QUIET)


class PortalMiddleware:
    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        logged_status = False

        async def logged(message: Message) -> None:
            nonlocal logged_status
            if message["type"] == "http.response.start" and not logged_status:
                # Before the client can read the answer, so a test that got it also finds it here.
                self.sandbox.access_log.record(scope["method"], scope["path"], message["status"])
                logged_status = True
            await send(message)

        # Background list processing waits for a moment no request is being answered.
        processor = self.sandbox.list_engine.processor
        processor.enter()
        try:
            await self._handle(scope, receive, logged)
        finally:
            processor.leave()
            if not logged_status:
                self.sandbox.access_log.record(scope["method"], scope["path"], 0)

    async def _handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = bearer_token(scope)
        if not self.sandbox.token_known(token):
            refusal = HubSpotError(401, "INVALID_AUTHENTICATION", UNAUTHENTICATED_MESSAGE)
            await refusal.response()(scope, receive, send)
            return
        scope.setdefault("state", {})["token"] = token
        verdict = self.sandbox.realism.admit(scope["method"], scope["path"], token)
        if verdict.delay > 0:
            await anyio.sleep(verdict.delay)
        if verdict.reply is not None:
            await send_canned(send, verdict.reply)
        elif verdict.drop == "before":
            await drop(send, 200, [(b"content-type", b"application/json;charset=utf-8")], 64)
        elif verdict.drop == "after":
            await self._process_then_drop(scope, receive, send)
        else:
            await self.app(scope, receive, with_headers(send, verdict))

    async def _process_then_drop(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Let the route do its work (a write really happens), then fail before the body."""
        start: Message | None = None
        body = b""

        async def capture(message: Message) -> None:
            nonlocal start, body
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                body += message.get("body", b"")

        await self.app(scope, receive, capture)
        status = start["status"] if start is not None else 200
        headers = [(k, v) for k, v in (start or {}).get("headers", []) if k.lower() != b"content-length"]
        if status in (204, 304) or not body:
            # A body-less status would look complete to the client; promise a body instead.
            status, headers = 200, [(b"content-type", b"application/json;charset=utf-8")]
        await drop(send, status, headers, max(len(body), 1))


def with_headers(send: Send, verdict: Verdict) -> Send:
    if not verdict.headers:
        return send

    async def sender(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *verdict.headers]}
        await send(message)

    return sender


async def send_canned(send: Send, reply: Canned) -> None:
    headers = [*reply.headers, (b"content-length", str(len(reply.body)).encode())]
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": reply.body})


async def drop(send: Send, status: int, headers: list[tuple[bytes, bytes]], length: int) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, (b"content-length", str(length).encode())],
        }
    )
    raise InjectedDisconnect("connection dropped by fault injection")


def bearer_token(scope: Scope) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"authorization":
            text = value.decode("latin-1")
            if text[:7].lower() == "bearer ":
                return text[7:].strip() or None
    return None
