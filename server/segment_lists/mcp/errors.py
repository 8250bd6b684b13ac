"""Domain failures -> tool errors: the only text the model sees. The words come from the one catalogue
(`workflow.failures`), so the command line says the same about the same failure."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mcp.server.mcpserver.exceptions import ToolError

from segment_lists.mcp.tool_steps import TOOL_STEPS
from segment_lists.workflow.failures import EXPECTED_FAILURES, describe_failure


@contextmanager
def tool_errors(action: str) -> Iterator[None]:
    """`action` says what did not happen, e.g. "nothing was created". Anything unexpected is a bug
    and is left alone (the SDK reports it without detail)."""
    try:
        yield
    except EXPECTED_FAILURES as error:
        raise ToolError(describe_failure(error, action, next_steps=TOOL_STEPS).text()) from None
