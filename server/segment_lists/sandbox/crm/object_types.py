"""The CRM object types the sandbox knows: ids, the names HubSpot accepts for them, and their quirks.

HubSpot accepts an object type in a path as its id (`0-1`), its plural name (`contacts`) or its
singular name (`contact`); everything inside the sandbox uses the id.
"""

from __future__ import annotations

from dataclasses import dataclass

from segment_lists.sandbox.errors import validation_error


@dataclass(frozen=True)
class ObjectType:
    type_id: str
    name: str  # plural, as in /crm/v3/objects/{name}
    singular: str
    label: str  # as in HubSpot's messages ("Contact already exists")
    # What a GET/search returns when the caller asks for no properties.
    default_properties: tuple[str, ...]
    # Properties the portal maintains; writes to them are rejected as READ_ONLY_VALUE.
    read_only: tuple[str, ...]
    last_modified_property: str
    # Properties `query` in a search looks at (HubSpot's "default searchable properties").
    searchable: tuple[str, ...]
    # A property whose value identifies one record (case-insensitive), if any.
    unique_property: str | None
    # Scope prefix: crm.objects.<scope_name>.read etc.
    scope_name: str


CONTACTS = ObjectType(
    type_id="0-1",
    name="contacts",
    singular="contact",
    label="Contact",
    default_properties=("createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"),
    read_only=("hs_object_id", "lastmodifieddate", "hs_email_domain"),
    last_modified_property="lastmodifieddate",
    searchable=("firstname", "lastname", "email", "phone", "company", "hs_additional_emails", "mobilephone"),
    unique_property="email",
    scope_name="contacts",
)
COMPANIES = ObjectType(
    type_id="0-2",
    name="companies",
    singular="company",
    label="Company",
    default_properties=("createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"),
    read_only=("hs_object_id", "hs_lastmodifieddate"),
    last_modified_property="hs_lastmodifieddate",
    searchable=("name", "domain", "website", "phone"),
    unique_property=None,
    scope_name="companies",
)

OBJECT_TYPES: dict[str, ObjectType] = {CONTACTS.type_id: CONTACTS, COMPANIES.type_id: COMPANIES}
_BY_NAME: dict[str, ObjectType] = {
    alias: kind for kind in OBJECT_TYPES.values() for alias in (kind.type_id, kind.name, kind.singular)
}


def object_type(value: str) -> ObjectType:
    """The object type named in a path, or HubSpot's 400 for one it cannot infer."""
    found = _BY_NAME.get(value.strip().lower())
    if found is None:
        raise validation_error(f"Unable to infer object type from: {value}")
    return found


def read_scopes(kind: ObjectType) -> tuple[str, ...]:
    # HubSpot's granular scopes: a write scope also lets a token read (both appear on the read
    # operations of the generic objects spec).
    return (f"crm.objects.{kind.scope_name}.read", f"crm.objects.{kind.scope_name}.write")


def write_scopes(kind: ObjectType) -> tuple[str, ...]:
    return (f"crm.objects.{kind.scope_name}.write",)
