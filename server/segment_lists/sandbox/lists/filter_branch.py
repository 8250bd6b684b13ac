"""filterBranch validation and normalization for the Lists API, as HubSpot answers them.

Validation and normalization belong to `segment_lists.filters` (contract:
`validate_filter_branch(data) -> list[FilterIssue]`, `normalize_filter_branch(dict) -> dict`).
Until that module provides them, a minimal local normalizer stands in, so the Lists API works
either way; the evaluator's compile step then checks everything evaluation needs.
"""

from __future__ import annotations

from typing import Any

from segment_lists.sandbox.errors import HubSpotError, validation_error
from segment_lists.sandbox.lists.evaluator import FilterCompileError, Plan, compile_plan, operation_type


def _contract() -> tuple[Any, Any] | None:
    try:
        from segment_lists import filters
    except ImportError:
        return None
    validate = getattr(filters, "validate_filter_branch", None)
    normalize = getattr(filters, "normalize_filter_branch", None)
    if not callable(validate) or not callable(normalize):
        return None
    return validate, normalize


def _invalid(message: str, details: list[tuple[str, str]]) -> HubSpotError:
    return validation_error(
        message,
        errors=[{"message": text, "in": path, "code": "INVALID_FILTER"} for path, text in details],
    )


def prepare_branch(raw: Any, object_type: str) -> tuple[dict[str, Any], Plan]:
    """Validate, normalize and compile a filterBranch; a 400 VALIDATION_ERROR when it is not acceptable."""
    if not isinstance(raw, dict):
        raise _invalid("Invalid filterBranch: expected a JSON object.", [("filterBranch", "must be an object")])
    contract = _contract()
    normalized: dict[str, Any] | None = None
    if contract is not None:
        validate, normalize = contract
        try:
            issues = validate(raw)
            if issues:
                details = [(str(getattr(i, "path", "filterBranch")), str(getattr(i, "message", i))) for i in issues]
                raise _invalid("Invalid filterBranch: " + "; ".join(f"{p}: {m}" for p, m in details), details)
            normalized = normalize(raw)
        except NotImplementedError:
            normalized = None
    if normalized is None:
        normalized = normalize_locally(raw)
    try:
        plan = compile_plan(normalized, object_type)
    except FilterCompileError as error:
        raise _invalid(f"Invalid filterBranch: {error}", [(error.path, error.message)]) from None
    return normalized, plan


def normalize_locally(node: dict[str, Any]) -> dict[str, Any]:
    """HubSpot's echoed form: filterBranchOperator filled in, empty arrays present, operation types
    upper-case, includeObjectsWithNoValueSet false when omitted, EMAIL_SUBSCRIPTION's subscriptionType."""
    out = dict(node)
    kind = str(out.get("filterBranchType", "")).upper()
    out["filterBranchType"] = kind
    out.setdefault("filterBranchOperator", kind if kind in {"OR", "AND"} else "AND")
    out["filterBranches"] = [
        normalize_locally(b) if isinstance(b, dict) else b for b in out.get("filterBranches") or []
    ]
    out["filters"] = [_normalize_filter(f) if isinstance(f, dict) else f for f in out.get("filters") or []]
    return out


def _normalize_filter(item: dict[str, Any]) -> dict[str, Any]:
    out = dict(item)
    kind = str(out.get("filterType", "")).upper()
    out["filterType"] = kind
    if kind == "PROPERTY" and isinstance(out.get("operation"), dict):
        operation = dict(out["operation"])
        op_type = operation_type(operation.get("operationType"))
        operation["operationType"] = op_type
        if "operator" in operation:
            operation["operator"] = str(operation["operator"]).upper()
        operation.setdefault("includeObjectsWithNoValueSet", False)
        out["operation"] = operation
    elif kind == "EMAIL_SUBSCRIPTION":
        out.setdefault("subscriptionType", "SUBSCRIPTION")
    return out
