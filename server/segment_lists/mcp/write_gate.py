"""The gate every write tool passes (DESIGN.md section 5), server-side so the model cannot skip it.

Clients that declare form elicitation are asked through it (the `Resolve`/`Elicit` pattern works in
both protocol eras). Others get `confirmation_required` with the preview and a token bound to the
tool, the canonical arguments and the target's current state (`workflow.confirmation_tokens`); the
token is single-use, expires after minutes, and lives in the journal so it survives a restart of a
stdio server. What a write does, and what binds it, is the workflow's `WriteRequest`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Literal

import anyio.to_thread
from mcp.server.mcpserver import AcceptedElicitation, Context, Elicit
from pydantic import BaseModel, Field

from segment_lists.mcp.state import app_state
from segment_lists.workflow.confirmation_tokens import ask_by_token, confirm_by_token
from segment_lists.workflow.failures import EXPECTED_FAILURES
from segment_lists.workflow.runtime import Runtime
from segment_lists.workflow.write_requests import WriteRequest

Verdict = Literal["go", "confirmation_required", "declined", "refused"]


class ConfirmWrite(BaseModel):
    """The form the user sees. Elicitation schemas allow flat primitive fields only."""

    # Strict: consent is exactly the boolean true the form asks for; "yes", "true" or 1 is not.
    confirm: bool = Field(strict=True, description="Go ahead with exactly this change?")


class Gate(BaseModel):
    verdict: Verdict
    message: str = ""
    confirmation_token: str | None = None


def client_can_elicit(ctx: Context[Any]) -> bool:
    """Form elicitation declared? Mirrors the SDK's own gate: a bare `elicitation: {}` means form."""
    capabilities = ctx.client_capabilities
    elicitation = capabilities.elicitation if capabilities is not None else None
    return elicitation is not None and (elicitation.form is not None or elicitation.url is None)


def will_elicit(ctx: Context[Any]) -> bool:
    return app_state(ctx).settings.confirmation in {"auto", "elicitation"} and client_can_elicit(ctx)


def ask(ctx: Context[Any], preview: str | None) -> ConfirmWrite | Elicit[ConfirmWrite]:
    """For a resolver: the question, or a placeholder when this call will not elicit (or is refused)."""
    if preview is None or not will_elicit(ctx):
        return ConfirmWrite(confirm=False)
    return Elicit(preview + "\n\nGo ahead?", ConfirmWrite)


async def ask_about(ctx: Context[Any], prepare: Callable[..., WriteRequest], *args: Any, **kwargs: Any) -> Any:
    """A resolver's body: prepare the write as the tool will, and ask about its preview. A request
    that fails is not asked about: the tool body then reports the same failure properly."""
    if not will_elicit(ctx):  # the token path needs no question: spare the portal the preview's calls
        return ask(ctx, None)
    try:
        rt = await anyio.to_thread.run_sync(app_state(ctx).runtime)
        request = await anyio.to_thread.run_sync(functools.partial(prepare, rt, *args, **kwargs))
    except EXPECTED_FAILURES:
        return ask(ctx, None)
    return ask(ctx, request.preview if request.needs_confirmation else None)


def gate(ctx: Context[Any], rt: Runtime, decision: Any, request: WriteRequest, token: str | None) -> Gate:
    settings = app_state(ctx).settings
    if will_elicit(ctx):
        if isinstance(decision, AcceptedElicitation) and decision.data.confirm is True:
            return Gate(verdict="go")
        return Gate(verdict="declined", message="The user did not confirm; nothing was changed.")
    if settings.confirmation == "elicitation":
        return Gate(
            verdict="refused",
            message=(
                "This server only confirms writes through the client's own dialog, and this client cannot show one; "
                "nothing was changed. Use a client with form elicitation, or start the server with confirmation=token."
            ),
        )
    if settings.confirmation == "refuse":
        return Gate(
            verdict="refused",
            message="This server is configured to refuse writes from clients that "
            "cannot ask the user; nothing was changed.",
        )
    binding = {"tool": str(request.tool), "arguments": request.arguments, "state": request.state}
    if token is None:
        issued = ask_by_token(rt, **binding, summary=request.preview)
        return Gate(
            verdict="confirmation_required",
            confirmation_token=issued,
            message=(
                "Nothing was changed yet. Show the user this preview verbatim and ask them to confirm. Only if they "
                f"explicitly agree, call {request.tool} again with the same arguments and this confirmation_token "
                "(valid for 10 minutes, once)."
            ),
        )
    confirm_by_token(rt, token, **binding)
    return Gate(verdict="go")
