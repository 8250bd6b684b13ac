"""HubSpot's error envelope and the exception that carries it out of a handler."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.responses import JSONResponse


class HubSpotError(Exception):
    """Raised by sandbox handlers; rendered as HubSpot's JSON error body."""

    def __init__(
        self,
        status: int,
        category: str,
        message: str,
        *,
        sub_category: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        context: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.category = category
        self.message = message
        self.sub_category = sub_category
        self.errors = errors
        self.context = context
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "status": "error",
            "message": self.message,
            "correlationId": str(uuid.uuid4()),
            "category": self.category,
        }
        if self.sub_category:
            body["subCategory"] = self.sub_category
        if self.errors:
            body["errors"] = self.errors
        if self.context:
            body["context"] = self.context
        return body

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def validation_error(
    message: str, *, errors: list[dict[str, Any]] | None = None, sub_category: str | None = None
) -> HubSpotError:
    return HubSpotError(400, "VALIDATION_ERROR", message, errors=errors, sub_category=sub_category)


def not_found(message: str) -> HubSpotError:
    return HubSpotError(404, "OBJECT_NOT_FOUND", message)


MAX_ID = 2**63 - 1  # HubSpot's ids are Java longs


def parse_id(raw: object, what: str = "id", *, maximum: int = MAX_ID) -> int:
    """An id from a path, query or body as HubSpot reads it: a number written in ASCII digits (leading
    zeros read as the same number, as a Java `Long.parseLong` does). Digits of other scripts, signs,
    spaces and numbers beyond a long are refused with HubSpot's 400 envelope, never a 500: a
    29-digit id is a bad request, not a server fault (unconfirmed whether HubSpot answers 400 or
    404 here; 400 is the stricter reading for clients, which must not retry it)."""
    text = str(raw)
    if not text.isascii() or not text.isdigit() or int(text) > maximum:
        raise validation_error(f"Invalid {what}: {text[:40]!r}. Ids are numbers written in digits, at most {maximum}.")
    return int(text)
