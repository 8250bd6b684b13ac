"""Property definitions (HubSpot's Property shape), per object type, in the `property_defs` table.

Preloaded with HubSpot's default contact and company properties from
`segment_lists/data/hubspot-default-properties.json`. Every definition write goes through this module so the
in-memory copy that record validation and search read (`sandbox.property_cache`, a
`DefinitionCache`) stays current.
"""

from __future__ import annotations

import copy
import re
import threading
from typing import TYPE_CHECKING, Any

from segment_lists.data import default_properties
from segment_lists.sandbox.crm.object_types import OBJECT_TYPES
from segment_lists.sandbox.errors import HubSpotError, not_found, validation_error
from segment_lists.sandbox.store import dumps, loads

if TYPE_CHECKING:
    from segment_lists.sandbox.instance import Sandbox

PROPERTY_TYPES = (
    "bool",
    "date",
    "datetime",
    "enumeration",
    "number",
    "phone_number",
    "string",
    "object_coordinates",
    "json",
)
FIELD_TYPES = (
    "booleancheckbox",
    "calculation_equation",
    "checkbox",
    "date",
    "file",
    "html",
    "number",
    "phonenumber",
    "radio",
    "select",
    "text",
    "textarea",
)
ENUMERATION_FIELD_TYPES = ("booleancheckbox", "checkbox", "radio", "select", "calculation_equation")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")

# Properties every object has and the shipped JSON leaves out (it lists what segment filters use).
_MAINTAINED: dict[str, list[dict[str, Any]]] = {
    "0-1": [
        {
            "name": "hs_object_id",
            "label": "Record ID",
            "type": "number",
            "fieldType": "number",
            "groupName": "contactinformation",
            "description": "The unique ID for this record. This value is set "
            "automatically by HubSpot and may not be modified.",
            "options": [],
        },
    ],
    "0-2": [
        {
            "name": "hs_object_id",
            "label": "Record ID",
            "type": "number",
            "fieldType": "number",
            "groupName": "companyinformation",
            "description": "The unique ID for this record. This value is set "
            "automatically by HubSpot and may not be modified.",
            "options": [],
        },
        {
            "name": "website",
            "label": "Website URL",
            "type": "string",
            "fieldType": "text",
            "groupName": "companyinformation",
            "description": "The main website of the company or organization. "
            "This property is used to identify unique companies.",
            "options": [],
        },
    ],
}

GROUP_LABELS = {
    "contactinformation": "Contact information",
    "emailinformation": "Email information",
    "analyticsinformation": "Web analytics history",
    "conversioninformation": "Conversion information",
    "contact_activity": "Contact activity",
    "sales_properties": "Sales properties",
    "companyinformation": "Company information",
}

_READ_ONLY_VALUES = {"hs_object_id", "lastmodifieddate", "hs_lastmodifieddate", "hs_email_domain"}

Definitions = dict[str, dict[str, dict[str, Any]]]  # {type_id: {name: definition}}


class DefinitionCache:
    """One portal's property definitions, archived included, as last read from `property_defs`
    (None: read them on next use). Owned by the Sandbox; every write here empties it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.definitions: Definitions | None = None

    def clear(self) -> None:
        with self.lock:
            self.definitions = None


def _default_definitions() -> dict[str, list[dict[str, Any]]]:
    raw = default_properties()
    by_type: dict[str, list[dict[str, Any]]] = {}
    for section in ("contacts", "companies"):
        block = raw[section]
        defs = [*block["properties"], *_MAINTAINED.get(block["objectTypeId"], [])]
        by_type[block["objectTypeId"]] = [_as_hubspot_default(d, order) for order, d in enumerate(defs)]
    return by_type


def _as_hubspot_default(raw: dict[str, Any], order: int) -> dict[str, Any]:
    """A shipped definition in the full shape GET /crm/v3/properties returns (annotations dropped)."""
    prop = {key: value for key, value in raw.items() if not key.startswith("_")}
    prop["options"] = [
        {
            "label": o["label"],
            "value": o["value"],
            "displayOrder": o.get("displayOrder", i),
            "hidden": bool(o.get("hidden", False)),
        }
        for i, o in enumerate(prop.get("options", []))
    ]
    prop.setdefault("hidden", False)
    prop.setdefault("calculated", False)
    prop.setdefault("externalOptions", False)
    prop["displayOrder"] = prop.get("displayOrder", -1 if prop["hidden"] else order)
    prop["hasUniqueValue"] = False
    prop["formField"] = prop["type"] != "datetime" and not prop["hidden"] and not prop["calculated"]
    prop["hubspotDefined"] = True
    prop["archived"] = False
    read_only_value = prop["name"] in _READ_ONLY_VALUES or prop["calculated"]
    prop["modificationMetadata"] = {
        "archivable": False,
        "readOnlyDefinition": True,
        "readOnlyValue": read_only_value,
        "readOnlyOptions": prop["type"] != "enumeration",
    }
    prop["dataSensitivity"] = "non_sensitive"
    return prop


def ensure_default_properties(sandbox: Sandbox) -> None:
    """Load HubSpot's default properties into a portal once (idempotent, also for a loaded --db file)."""
    store = sandbox.store
    if store.meta_get("crm:default_properties") == "1":
        return
    with store.transaction() as db:
        if store.meta_get("crm:default_properties") == "1":
            return
        for type_id, defs in _default_definitions().items():
            db.executemany(
                "INSERT OR IGNORE INTO property_defs (object_type, name, definition, archived) VALUES (?, ?, ?, 0)",
                [(type_id, d["name"], dumps(d)) for d in defs],
            )
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('crm:default_properties', '1')")
    sandbox.property_cache.clear()


def _all(sandbox: Sandbox) -> Definitions:
    """{type_id: {name: definition}} for every definition, archived included (cached)."""
    cache = sandbox.property_cache
    with cache.lock:
        cached = cache.definitions
    if cached is not None:
        return cached
    ensure_default_properties(sandbox)
    loaded: Definitions = {t: {} for t in OBJECT_TYPES}
    with sandbox.store.read() as db:
        for row in db.execute("SELECT object_type, name, definition, archived FROM property_defs"):
            definition = loads(row["definition"])
            definition["archived"] = bool(row["archived"])
            loaded.setdefault(row["object_type"], {})[row["name"]] = definition
    with cache.lock:
        cache.definitions = loaded
    return loaded


def property_defs(sandbox: Sandbox, object_type: str, *, archived: bool = False) -> dict[str, dict[str, Any]]:
    """Live (or, with archived=True, archived) definitions by name. Treat as read-only."""
    return {name: d for name, d in _all(sandbox).get(object_type, {}).items() if d["archived"] == archived}


def get_property(sandbox: Sandbox, object_type: str, name: str, *, archived: bool = False) -> dict[str, Any]:
    definition = _all(sandbox).get(object_type, {}).get(name)
    if definition is None or definition["archived"] != archived:
        raise not_found(f"Unable to find property {name} on object type {object_type}")
    return copy.deepcopy(definition)


def groups(sandbox: Sandbox, object_type: str) -> list[dict[str, Any]]:
    names: list[str] = []
    for definition in property_defs(sandbox, object_type).values():
        if definition["groupName"] not in names:
            names.append(definition["groupName"])
    return [
        {
            "name": n,
            "label": GROUP_LABELS.get(n, n.replace("_", " ").capitalize()),
            "displayOrder": i,
            "archived": False,
        }
        for i, n in enumerate(names)
    ]


# --- writes ---------------------------------------------------------------------------------------


def _check_options(prop_type: str, field_type: str, options: Any) -> list[dict[str, Any]]:
    if options is None:
        options = []
    if not isinstance(options, list):
        raise validation_error("Invalid input JSON: options must be an array.")
    if prop_type == "enumeration" and field_type not in ENUMERATION_FIELD_TYPES:
        raise validation_error(
            f"fieldType {field_type} is not valid for properties of type enumeration; "
            f"use one of {', '.join(ENUMERATION_FIELD_TYPES)}."
        )
    if prop_type == "enumeration" and not options and field_type != "calculation_equation":
        raise validation_error("Enumeration properties must have at least one option.")
    if prop_type not in ("enumeration", "bool") and options:
        raise validation_error(f"Options are only allowed for enumeration and bool properties, not {prop_type}.")
    seen: set[str] = set()
    clean: list[dict[str, Any]] = []
    for index, option in enumerate(options):
        if not isinstance(option, dict) or not option.get("label") or option.get("value") in (None, ""):
            raise validation_error(f"Option {index} is missing its label or value.")
        value = str(option["value"])
        if value in seen:
            raise validation_error(f"Duplicate option value: {value}")
        seen.add(value)
        clean.append(
            {
                "label": str(option["label"]),
                "value": value,
                "displayOrder": int(option.get("displayOrder", index)),
                "hidden": bool(option.get("hidden", False)),
                **({"description": option["description"]} if option.get("description") else {}),
            }
        )
    return clean


def create_property(sandbox: Sandbox, object_type: str, body: dict[str, Any]) -> dict[str, Any]:
    missing = [f for f in ("name", "label", "type", "fieldType", "groupName") if not body.get(f)]
    if missing:
        raise validation_error(
            f"Invalid input JSON: missing required field(s): {', '.join(missing)}",
            errors=[{"message": f"Missing required field {f}", "in": f, "code": "REQUIRED_FIELD"} for f in missing],
        )
    name = str(body["name"])
    if not NAME_PATTERN.match(name):
        raise validation_error(
            f"Property name '{name}' is invalid: use lowercase letters, digits and underscores, starting with a letter."
        )
    if body["type"] not in PROPERTY_TYPES:
        raise validation_error(f"Invalid property type: {body['type']}")
    if body["fieldType"] not in FIELD_TYPES:
        raise validation_error(f"Invalid fieldType: {body['fieldType']}")
    existing = _all(sandbox).get(object_type, {}).get(name)
    if existing is not None:
        # 409 is documented; the exact body is not (reference §14 style): HubSpot's known wording.
        raise HubSpotError(
            409,
            "OBJECT_ALREADY_EXISTS",
            f"A property named '{name}' already exists.",
            context={"name": [name]},
        )
    options = _check_options(body["type"], body["fieldType"], body.get("options"))
    now = sandbox.clock.now_iso()
    definition: dict[str, Any] = {
        "name": name,
        "label": body["label"],
        "type": body["type"],
        "fieldType": body["fieldType"],
        "groupName": body["groupName"],
        "description": body.get("description", ""),
        "options": options,
        "displayOrder": int(body.get("displayOrder", -1)),
        "hidden": bool(body.get("hidden", False)),
        "formField": bool(body.get("formField", False)),
        "hasUniqueValue": bool(body.get("hasUniqueValue", False)),
        "calculated": False,
        "externalOptions": bool(body.get("externalOptions", False)),
        "createdAt": now,
        "updatedAt": now,
        "archived": False,
        "dataSensitivity": "non_sensitive",
        "modificationMetadata": {
            "archivable": True,
            "readOnlyDefinition": False,
            "readOnlyValue": False,
            "readOnlyOptions": False,
        },
    }
    for optional in ("numberDisplayHint", "textDisplayHint", "referencedObjectType", "showCurrencySymbol"):
        if optional in body:
            definition[optional] = body[optional]
    with sandbox.store.transaction() as db:
        db.execute(
            "INSERT INTO property_defs (object_type, name, definition, archived) VALUES (?, ?, ?, 0)",
            (object_type, name, dumps(definition)),
        )
    sandbox.property_cache.clear()
    return definition


def update_property(sandbox: Sandbox, object_type: str, name: str, body: dict[str, Any]) -> dict[str, Any]:
    definition = get_property(sandbox, object_type, name)
    readonly = definition.get("modificationMetadata", {}).get("readOnlyDefinition", False)
    changes = {
        k: v
        for k, v in body.items()
        if k
        in (
            "label",
            "description",
            "groupName",
            "displayOrder",
            "hidden",
            "formField",
            "options",
            "fieldType",
            "type",
            "numberDisplayHint",
            "textDisplayHint",
            "showCurrencySymbol",
        )
    }
    if readonly:
        # HubSpot-defined properties only let a portal add/relabel options of enumerations (custom lifecycle
        # stages), and change label/description/group.
        forbidden = [k for k in changes if k in ("type", "fieldType") and changes[k] != definition[k]]
        if forbidden:
            raise validation_error(f"Cannot change {', '.join(forbidden)} of HubSpot-defined property {name}.")
    new_type = changes.get("type", definition["type"])
    new_field = changes.get("fieldType", definition["fieldType"])
    if new_type not in PROPERTY_TYPES:
        raise validation_error(f"Invalid property type: {new_type}")
    if new_field not in FIELD_TYPES:
        raise validation_error(f"Invalid fieldType: {new_field}")
    if "options" in changes or new_type != definition["type"]:
        changes["options"] = _check_options(new_type, new_field, changes.get("options", definition["options"]))
    definition.update(changes)
    definition["updatedAt"] = sandbox.clock.now_iso()
    with sandbox.store.transaction() as db:
        db.execute(
            "UPDATE property_defs SET definition = ? WHERE object_type = ? AND name = ?",
            (dumps(definition), object_type, name),
        )
    sandbox.property_cache.clear()
    return definition


def archive_property(sandbox: Sandbox, object_type: str, name: str) -> None:
    definition = get_property(sandbox, object_type, name)
    if not definition.get("modificationMetadata", {}).get("archivable", True):
        raise validation_error(f"Property {name} is a HubSpot-defined property and cannot be archived.")
    now = sandbox.clock.now_iso()
    definition.update({"archived": True, "archivedAt": now, "updatedAt": now})
    with sandbox.store.transaction() as db:
        db.execute(
            "UPDATE property_defs SET definition = ?, archived = 1 WHERE object_type = ? AND name = ?",
            (dumps(definition), object_type, name),
        )
    sandbox.property_cache.clear()
