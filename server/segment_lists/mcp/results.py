"""The write tools' and propose_segments' results: what the model reads (every one names its portal)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from segment_lists.domain.plan import Plan
from segment_lists.mcp.tool_support import Status
from segment_lists.mcp.write_gate import Gate
from segment_lists.workflow.apply import ItemOutcome
from segment_lists.workflow.rollback import DeleteOutcome, RollbackResult
from segment_lists.workflow.runtime import PortalRef


class ProposeResult(BaseModel):
    portal: PortalRef
    plan: Plan
    next_step: str


class CreateListResult(BaseModel):
    portal: PortalRef
    status: Status
    message: str
    preview: str
    confirmation_token: str | None = None
    run_id: str | None = None
    items: list[ItemOutcome] = Field(default_factory=list)
    reconciled: list[str] = Field(default_factory=list)


class _WriteAnswer(BaseModel):
    # No docstring: a subclass's schema would not show it, and the tools' schemas stay as they are.
    portal: PortalRef
    status: Status
    message: str
    preview: str = ""
    confirmation_token: str | None = None


class DeleteListResult(_WriteAnswer):
    outcome: DeleteOutcome | None = None


class RollbackToolResult(_WriteAnswer):
    result: RollbackResult | None = None


def not_done(model: type[Any], portal: PortalRef, verdict: Gate, preview: str) -> Any:
    """The answer of a write that did not happen (yet): asked for a token, declined or refused."""
    return model(
        portal=portal,
        status=verdict.verdict,
        message=verdict.message,
        preview=preview,
        confirmation_token=verdict.confirmation_token,
    )
