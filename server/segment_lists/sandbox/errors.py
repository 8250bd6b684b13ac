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
