"""Request/response plumbing shared by every route module.

Route modules write plain synchronous functions that take a `Call` and return JSON-able data;
`endpoint(...)` turns them into Starlette endpoints that check the token's scopes, parse the
request the way HubSpot does (the SDK's quirks included), run the work on a worker thread and
render HubSpot's responses and errors.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from segment_lists.sandbox.api.versions import date_version
from segment_lists.sandbox.errors import HubSpotError, validation_error

if TYPE_CHECKING:
    from segment_lists.sandbox.instance import Sandbox

MISSING_SCOPES_MESSAGE = (
    "This app hasn't been granted all required scopes to make this call. "
    "Read more about required scopes here: https://developers.hubspot.com/scopes."
)


@dataclass
class Reply:
    """A response other than 200 with a JSON body (201, 207, 204...)."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Call:
    """One API call, parsed."""

    sandbox: Sandbox
    method: str
    path: str
    path_params: dict[str, str]
    query: list[tuple[str, str]]
    body: Any
    token: str | None

    @property
    def date_version(self) -> str | None:
        """The API's date version in the path ("2026-09"), or None on a legacy v3/v4 path."""
        return date_version(self.path)

    def param(self, name: str) -> str:
        """A path parameter, percent-decoded once more (the SDK encodes '/' as %2F)."""
        return unquote(self.path_params[name])

    def q(self, name: str, default: str | None = None) -> str | None:
        for key, value in self.query:
            if key == name:
                return value
        return default

    def q_bool(self, name: str, default: bool = False) -> bool:
        """HubSpot accepts true/false in any case; the SDK sends True/False."""
        raw = self.q(name)
        if raw is None or raw == "":
            return default
        lowered = raw.strip().lower()
        if lowered in {"true", "1"}:
            return True
        if lowered in {"false", "0"}:
            return False
        raise validation_error(f"Invalid boolean value for query parameter '{name}': {raw!r}")

    def q_int(self, name: str, default: int | None = None) -> int | None:
        raw = self.q(name)
        if raw is None or raw == "":
            return default
        try:
            return int(raw)
        except ValueError:
            raise validation_error(f"Invalid integer value for query parameter '{name}': {raw!r}") from None

    def q_list(self, name: str) -> list[str]:
        """Repeated (`a=1&a=2`) and comma-separated (`a=1,2`) array parameters, both as HubSpot reads them."""
        values: list[str] = []
        for key, value in self.query:
            if key == name:
                values.extend(part for part in value.split(",") if part != "")
        return values

    def json_object(self) -> dict[str, Any]:
        if not isinstance(self.body, dict):
            raise validation_error("Invalid input JSON: expected a JSON object as the request body.")
        return self.body

    def json_array(self) -> list[Any]:
        if not isinstance(self.body, list):
            raise validation_error("Invalid input JSON: expected a JSON array as the request body.")
        return self.body


Handler = Callable[[Call], Any]


def endpoint(handler: Handler, *, scopes: tuple[str, ...] = ()) -> Callable[[Request], Any]:
    """Wrap a synchronous handler. `scopes`: any one of them grants access (as HubSpot's granular scopes)."""

    async def run(request: Request) -> Response:
        sandbox: Sandbox = request.app.state.sandbox
        token = getattr(request.state, "token", None)
        if scopes and not sandbox.token_has_any_scope(token, scopes):
            return missing_scopes(scopes).response()
        raw = await request.body()
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                return validation_error("Invalid input JSON on line 1: the body is not valid JSON.").response()
        call = Call(
            sandbox=sandbox,
            method=request.method,
            path=request.url.path,
            path_params=dict(request.path_params),
            query=list(request.query_params.multi_items()),
            body=body,
            token=token,
        )
        try:
            result = await run_in_threadpool(handler, call)
        except HubSpotError as error:
            return error.response()
        except OverflowError:
            # A number past what a long holds, in a place no parser above caught: HubSpot answers a bad
            # request (400), and a client must not retry it as a server fault.
            return validation_error("Invalid input: a number is out of range (at most 9223372036854775807).").response()
        if result is None:
            return Response(status_code=204)
        if isinstance(result, Reply):
            if result.status == 204 or result.body is None:
                return Response(status_code=result.status, headers=result.headers)
            return JSONResponse(result.body, status_code=result.status, headers=result.headers)
        return JSONResponse(result)

    run.__name__ = handler.__name__
    return run


def missing_scopes(scopes: tuple[str, ...]) -> HubSpotError:
    return HubSpotError(
        403,
        "MISSING_SCOPES",
        MISSING_SCOPES_MESSAGE,
        errors=[
            {
                "message": "One or more of the following scopes are required.",
                "context": {"requiredGranularScopes": list(scopes)},
            }
        ],
    )
