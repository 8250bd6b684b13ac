"""A filterBranch against one portal's schema: properties, option values, association types, events.

The grammar (`validation`) says whether a definition is well formed anywhere; this says whether *this*
portal accepts it: every PROPERTY filter names a property of the object type it is evaluated on (an
ASSOCIATION branch's `objectTypeId` decides that), its operation type fits the property's type, its
enumeration values are the property's options, every association type exists between the two object
types in that category, and every UNIFIED_EVENTS branch names an event type the portal defines.
HubSpot answers each of these with a 400 (the filters guide requires them; the exact answers are not
published, see docs/sandbox.md). One implementation, two users: the sandbox refuses what fails it, and
the product checks every definition before it is shown in a plan or sent.

Pure: the portal's schema comes in as plain data (`PortalSchema`), issues go out as `FilterIssue`s
with the path to the offending filter and what to do.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import vocab
from .validation import FilterIssue

ROOT = "filterBranch"


@dataclass(frozen=True)
class PropertyDef:
    """What the check needs of one property: HubSpot's `type`, and the option values of an enumeration."""

    name: str
    type: str
    options: frozenset[str] = frozenset()
    label: str = ""


@dataclass(frozen=True)
class PortalSchema:
    """One portal's schema, as far as list definitions reach.

    `properties`: object type id -> property name -> definition (the object types present are the
    portal's known object types). `associations`: (from object type id, to object type id) -> the
    association type ids between them, each with its category; a pair that is absent is not checked
    (unknown), an empty mapping means "no types". `event_type_ids`: the event definitions of the
    portal; None = not checked.
    """

    properties: Mapping[str, Mapping[str, PropertyDef]]
    associations: Mapping[tuple[str, str], Mapping[int, str]] = field(default_factory=dict)
    event_type_ids: frozenset[str] | None = None


@dataclass(frozen=True)
class SchemaRules:
    """Which checks to make. All on is the strict reading (a definition that passes it passes any)."""

    properties: bool = True
    operation_types: bool = True
    option_values: bool = True
    object_types: bool = True
    association_types: bool = True
    event_types: bool = True


def object_name(type_id: str) -> str:
    name = vocab.OBJECT_TYPE_NAMES.get(type_id)
    return f"{name}s ({type_id})" if name else f"object type {type_id}"


def check_against_schema(
    branch: Any, object_type_id: str, schema: PortalSchema, rules: SchemaRules | None = None
) -> list[FilterIssue]:
    """Every way `branch` (grammatically valid JSON) does not fit the portal; [] when it fits."""
    checker = _Checker(schema, rules or SchemaRules())
    if checker.rules.object_types and object_type_id not in schema.properties:
        return [FilterIssue(path="objectTypeId", message=_unknown_object(object_type_id, schema))]
    if isinstance(branch, dict):
        checker.branch(branch, ROOT, object_type_id)
    return checker.issues


class _Checker:
    def __init__(self, schema: PortalSchema, rules: SchemaRules) -> None:
        self.schema = schema
        self.rules = rules
        self.issues: list[FilterIssue] = []

    def add(self, path: str, message: str) -> None:
        self.issues.append(FilterIssue(path=path, message=message))

    def branch(self, node: dict[str, Any], path: str, object_type: str) -> None:
        kind = node.get("filterBranchType")
        here = object_type
        if kind == "ASSOCIATION":
            target = node.get("objectTypeId")
            if isinstance(target, str) and self._object_known(target, path):
                self._association_type(
                    object_type, target, node.get("associationTypeId"), node.get("associationCategory"), path
                )
                here = target
            elif isinstance(target, str):
                return  # an unknown object type: its filters cannot be checked
        elif kind == "UNIFIED_EVENTS":
            self._event_type(node.get("eventTypeId"), path)
        for index, item in enumerate(node.get("filters") or []):
            if isinstance(item, dict):
                self.filter(item, f"{path}.filters[{index}]", here)
        for index, child in enumerate(node.get("filterBranches") or []):
            if isinstance(child, dict):
                self.branch(child, f"{path}.filterBranches[{index}]", here)

    def filter(self, item: dict[str, Any], path: str, object_type: str) -> None:
        kind = item.get("filterType")
        if kind == "PROPERTY":
            self.property_filter(item, path, object_type)
        elif kind == "ASSOCIATION":
            target = item.get("toObjectTypeId")
            if isinstance(target, str) and target and self._object_known(target, path):
                self._association_type(
                    object_type, target, item.get("associationTypeId"), item.get("associationCategory"), path
                )

    def property_filter(self, item: dict[str, Any], path: str, object_type: str) -> None:
        name = item.get("property")
        operation = item.get("operation")
        if not isinstance(name, str) or not isinstance(operation, dict):
            return
        defs = self.schema.properties.get(object_type, {})
        prop = defs.get(name)
        if prop is None:
            if self.rules.properties:
                self.add(path, _unknown_property(name, object_type, defs))
            return
        kind = vocab.canonical_operation_type(operation.get("operationType"))
        if kind is None:
            return  # the grammar reports it
        if self.rules.operation_types and not _fits(kind, operation, prop.type):
            fitting = vocab.OPERATION_TYPES_BY_PROPERTY_TYPE.get(prop.type, ())
            hint = f"use one of {', '.join(fitting)}" if fitting else "no list operation reads it"
            self.add(
                path,
                f'operationType {kind} does not fit property "{name}" of type {prop.type} on '
                f"{object_name(object_type)}; {hint}",
            )
            return
        if self.rules.option_values and kind == "ENUMERATION" and prop.type == "enumeration":
            values = operation.get("values")
            wrong = [str(v) for v in values or [] if str(v) not in prop.options] if isinstance(values, list) else []
            if wrong:
                self.add(path, _not_options(name, wrong, prop))

    # --- pieces ---------------------------------------------------------------------------------

    def _object_known(self, type_id: str, path: str) -> bool:
        if type_id in self.schema.properties:
            return True
        if self.rules.object_types:
            self.add(path, _unknown_object(type_id, self.schema))
        return False

    def _association_type(self, from_type: str, to_type: str, type_id: Any, category: Any, path: str) -> None:
        if not self.rules.association_types:
            return
        known = self.schema.associations.get((from_type, to_type))
        if known is None:
            return  # this portal's types between these objects are not known: not checked
        if isinstance(type_id, bool) or not str(type_id).lstrip("-").isdigit():
            return  # the grammar reports it
        number = int(str(type_id))
        if number not in known:
            offered = ", ".join(f"{t} ({c})" for t, c in sorted(known.items())) or "none"
            self.add(
                path,
                f"associationTypeId {number} is not an association type from {object_name(from_type)} to "
                f"{object_name(to_type)} in this portal (types: {offered})",
            )
        elif isinstance(category, str) and known[number] != category:
            self.add(
                path,
                f'association type {number} is {known[number]}, not {category}; send "associationCategory": '
                f'"{known[number]}"',
            )

    def _event_type(self, event_type: Any, path: str) -> None:
        known = self.schema.event_type_ids
        if not self.rules.event_types or known is None or not isinstance(event_type, str):
            return
        if event_type not in known:
            listed = ", ".join(sorted(known)) or "none"
            self.add(path, f'eventTypeId "{event_type}" is not an event type of this portal (event types: {listed})')


def _fits(kind: str, operation: Mapping[str, Any], property_type: str) -> bool:
    fitting = vocab.OPERATION_TYPES_BY_PROPERTY_TYPE.get(property_type)
    if fitting is None:
        return True  # a property type HubSpot added since: not judged
    if kind in fitting:
        return True
    parser = str(operation.get("propertyParser") or "").upper()
    return kind in ("TIME_POINT", "TIME_RANGED") and parser in vocab.UPDATE_TIME_PARSERS


def _unknown_object(type_id: str, schema: PortalSchema) -> str:
    known = ", ".join(object_name(t) for t in schema.properties)
    return f'objectTypeId "{type_id}" is not an object type of this portal (object types: {known})'


def _unknown_property(name: str, object_type: str, defs: Mapping[str, PropertyDef]) -> str:
    close = difflib.get_close_matches(name, list(defs), n=1, cutoff=0.75)
    hint = f'; did you mean "{close[0]}"?' if close else "; create it in HubSpot first or name an existing property"
    return f'property "{name}" does not exist on {object_name(object_type)}{hint}'


def _not_options(name: str, wrong: Iterable[str], prop: PropertyDef) -> str:
    listed = sorted(prop.options)
    hints = []
    for value in wrong:
        lowered = {option.lower(): option for option in listed}
        guess = lowered.get(value.lower()) or next(iter(difflib.get_close_matches(value, listed, n=1)), None)
        hints.append(f'"{value}" (did you mean "{guess}"?)' if guess else f'"{value}"')
    shown = ", ".join(f'"{o}"' for o in listed[:12]) + (", ..." if len(listed) > 12 else "")
    return (
        f'{", ".join(hints)} {"is not an option" if len(hints) == 1 else "are not options"} of property "{name}" '
        f"(option values are exact and case-sensitive: {shown or 'none'})"
    )
