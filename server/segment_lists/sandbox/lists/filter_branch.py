"""filterBranch validation and normalization for the Lists API, as HubSpot answers them.

The grammar belongs to `segment_lists.filters` (`validate_filter_branch` gives the issues,
`normalize_filter_branch` HubSpot's echoed form); the evaluator's compile step then checks
everything evaluation needs.
"""

from __future__ import annotations

from typing import Any

from segment_lists.filters import normalize_filter_branch, validate_filter_branch
from segment_lists.sandbox.errors import HubSpotError, validation_error
from segment_lists.sandbox.lists.evaluator import FilterCompileError, Plan, compile_plan


def _invalid(message: str, details: list[tuple[str, str]]) -> HubSpotError:
    return validation_error(
        message,
        errors=[{"message": text, "in": path, "code": "INVALID_FILTER"} for path, text in details],
    )


def prepare_branch(raw: Any, object_type: str) -> tuple[dict[str, Any], Plan]:
    """Validate, normalize and compile a filterBranch; a 400 VALIDATION_ERROR when it is not acceptable."""
    if not isinstance(raw, dict):
        raise _invalid("Invalid filterBranch: expected a JSON object.", [("filterBranch", "must be an object")])
    issues = validate_filter_branch(raw)
    if issues:
        details = [(str(issue.path), str(issue.message)) for issue in issues]
        raise _invalid("Invalid filterBranch: " + "; ".join(f"{p}: {m}" for p, m in details), details)
    normalized = normalize_filter_branch(raw)
    try:
        plan = compile_plan(normalized, object_type)
    except FilterCompileError as error:
        raise _invalid(f"Invalid filterBranch: {error}", [(error.path, error.message)]) from None
    return normalized, plan
