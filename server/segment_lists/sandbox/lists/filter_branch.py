"""filterBranch validation and normalization for the Lists API, as HubSpot answers them.

Three checks, in HubSpot's order of concern, each a 400 VALIDATION_ERROR naming the offending filter:
the grammar (`segment_lists.filters.validate_filter_branch`), the portal's own schema
(`segment_lists.filters.check_against_schema`: properties on the right object, operation types,
option values, object, association and event types), then everything evaluation needs (the
evaluator's compile step). Which undocumented readings apply is `SandboxConfig.strictness`.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any

from segment_lists.filters import (
    PortalSchema,
    PropertyDef,
    SchemaRules,
    check_against_schema,
    normalize_filter_branch,
    validate_filter_branch,
)
from segment_lists.sandbox.crm import associations
from segment_lists.sandbox.crm.object_types import OBJECT_TYPES
from segment_lists.sandbox.crm.properties import property_defs
from segment_lists.sandbox.errors import HubSpotError, validation_error
from segment_lists.sandbox.lists.evaluator import FilterCompileError, Plan, compile_plan

if TYPE_CHECKING:
    from segment_lists.sandbox.instance import Sandbox


def _invalid(message: str, details: list[tuple[str, str]]) -> HubSpotError:
    return validation_error(
        message,
        errors=[{"message": text, "in": path, "code": "INVALID_FILTER"} for path, text in details],
    )


def portal_schema(sandbox: Sandbox) -> PortalSchema:
    """This portal's schema as the filter checks read it: live properties, association types, events."""
    properties = {
        type_id: {
            name: PropertyDef(
                name=name,
                type=str(definition.get("type", "")),
                options=frozenset(str(o.get("value")) for o in definition.get("options") or []),
                label=str(definition.get("label", "")),
            )
            for name, definition in property_defs(sandbox, type_id).items()
        }
        for type_id in OBJECT_TYPES
    }
    pairs: dict[tuple[str, str], dict[int, str]] = {}
    for kind in associations.TYPES.values():
        pairs.setdefault((kind.from_type, kind.to_type), {})[kind.type_id] = kind.category
    # Every pair of the portal's object types is known: a pair with no types has none.
    for a in OBJECT_TYPES:
        for b in OBJECT_TYPES:
            pairs.setdefault((a, b), {})
    return PortalSchema(
        properties=properties,
        associations=pairs,
        event_type_ids=frozenset(sandbox.config.event_type_ids),
    )


def schema_rules(sandbox: Sandbox) -> SchemaRules:
    """The schema checks as `SandboxConfig.strictness` switches them (same names on both sides)."""
    strict = sandbox.config.strictness
    return SchemaRules(**{check.name: getattr(strict, check.name) for check in fields(SchemaRules)})


def prepare_branch(sandbox: Sandbox, raw: Any, object_type: str) -> tuple[dict[str, Any], Plan]:
    """Validate, normalize and compile a filterBranch; a 400 VALIDATION_ERROR when it is not acceptable."""
    if not isinstance(raw, dict):
        raise _invalid("Invalid filterBranch: expected a JSON object.", [("filterBranch", "must be an object")])
    strict = sandbox.config.strictness
    issues = validate_filter_branch(
        raw, guide_names=strict.guide_operation_names, empty_and_branches=strict.empty_and_branches
    )
    if not issues:
        issues = check_against_schema(raw, object_type, portal_schema(sandbox), schema_rules(sandbox))
    if issues:
        details = [(str(issue.path), str(issue.message)) for issue in issues]
        raise _invalid("Invalid filterBranch: " + "; ".join(f"{p}: {m}" for p, m in details), details)
    normalized = normalize_filter_branch(raw)
    try:
        plan = compile_plan(normalized, object_type)
    except FilterCompileError as error:
        raise _invalid(f"Invalid filterBranch: {error}", [(error.path, error.message)]) from None
    return normalized, plan
