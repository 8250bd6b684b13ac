"""Translate domain failures into short, actionable tool errors (the only text the model sees)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mcp.server.mcpserver.exceptions import ToolError

from segment_lists.domain.text import clean
from segment_lists.portal import (
    AuthenticationFailed,
    DailyLimitReached,
    MissingScope,
    NotFound,
    PortalError,
    PortalUnavailable,
    RateLimited,
    ValidationFailed,
)
from segment_lists.workflow.apply import NothingToApply
from segment_lists.workflow.confirmation_tokens import ConfirmationRejected
from segment_lists.workflow.proposal import UnknownPlan
from segment_lists.workflow.runtime import NoToken


@contextmanager
def tool_errors(action: str) -> Iterator[None]:
    """`action` says what did not happen, e.g. "nothing was created"."""
    try:
        yield
    except ToolError:
        raise
    except NoToken as error:
        raise ToolError(str(error)) from None
    except AuthenticationFailed:
        raise ToolError(f"HubSpot rejected the token (401): check HUBSPOT_ACCESS_TOKEN; {action}.") from None
    except MissingScope as error:
        raise ToolError(f"{error}; {action}.") from None
    except DailyLimitReached as error:
        raise ToolError(str(error)) from None
    except RateLimited as error:
        wait = f" Retry in about {error.retry_after:.0f} s." if error.retry_after else " Retry in a minute."
        raise ToolError(f"HubSpot's rate limit was hit; {action}.{wait}") from None
    except NotFound as error:
        raise ToolError(f"{clean(str(error))}; {action}. Call list_existing_lists for valid list ids.") from None
    except ValidationFailed as error:
        raise ToolError(f"HubSpot refused the request: {clean(str(error))}; {action}.") from None
    except PortalUnavailable as error:
        raise ToolError(f"HubSpot is not answering ({clean(str(error))}); {action}. Try again shortly.") from None
    except PortalError as error:
        raise ToolError(f"{clean(str(error))}; {action}.") from None
    except (UnknownPlan, NothingToApply, ConfirmationRejected) as error:
        raise ToolError(f"{error}; {action}.") from None
    except ValueError as error:  # input validation (filters grammar, answers)
        raise ToolError(f"{clean(str(error), limit=3000)}; {action}.") from None
