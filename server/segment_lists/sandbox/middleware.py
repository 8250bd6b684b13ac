"""What happens to every request before it reaches a route: auth, then HubSpot's realism.

Pure ASGI (no BaseHTTPMiddleware) so a fault can drop a connection mid-response.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from segment_lists.sandbox.errors import HubSpotError
from segment_lists.sandbox.state import Sandbox

UNAUTHENTICATED_MESSAGE = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find "
    "more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)


class PortalMiddleware:
    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = bearer_token(scope)
        if not self.sandbox.token_known(token):
            await HubSpotError(401, "INVALID_AUTHENTICATION", UNAUTHENTICATED_MESSAGE).response()(scope, receive, send)
            return
        scope.setdefault("state", {})["token"] = token
        await self.app(scope, receive, send)


def bearer_token(scope: Scope) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"authorization":
            text = value.decode("latin-1")
            if text[:7].lower() == "bearer ":
                return text[7:].strip() or None
    return None
