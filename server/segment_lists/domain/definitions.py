"""Will this portal accept a definition? Checked before a plan is shown and before a custom list is sent.

HubSpot refuses a list whose filters name a property its object does not have, use an operation that
does not fit the property's type, compare an enumeration with a value that is not one of its options,
or go through an association type that does not exist (`filters.check_against_schema` says which, and
where). A plan item that would be refused becomes `needs-input` with the exact reason and the question
that fixes it, so nothing is ever sent that the portal's own schema says will fail.
"""

from __future__ import annotations

from typing import Any

from segment_lists.domain.facts import PortalFacts, PropertyInfo
from segment_lists.filters import FilterIssue, PortalSchema, PropertyDef, check_against_schema

CONTACTS, COMPANIES = "0-1", "0-2"


def _defs(properties: dict[str, PropertyInfo]) -> dict[str, PropertyDef]:
    return {
        name: PropertyDef(name=name, type=prop.type, options=frozenset(prop.options), label=prop.label)
        for name, prop in properties.items()
    }


def portal_schema(facts: PortalFacts) -> PortalSchema:
    """The portal's schema as the planner knows it: contact and company properties, and the association
    types it could read (pairs it could not read are not checked)."""
    pairs: dict[tuple[str, str], dict[int, str]] = {}
    for key, types in facts.association_types.items():
        source, _, target = key.partition("/")
        pairs[(source, target)] = dict(types)
    return PortalSchema(
        properties={CONTACTS: _defs(facts.contact_properties), COMPANIES: _defs(facts.company_properties)},
        associations=pairs,
    )


def definition_issues(branch: dict[str, Any], facts: PortalFacts, object_type_id: str = CONTACTS) -> list[FilterIssue]:
    """Every way `branch` does not fit this portal ([] when it fits)."""
    return check_against_schema(branch, object_type_id, portal_schema(facts))


def refusal(issues: list[FilterIssue]) -> str:
    """The issues in one sentence for the user: what HubSpot would refuse, and where."""
    return "HubSpot would refuse this definition: " + "; ".join(issue.message for issue in issues)
