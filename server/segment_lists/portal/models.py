"""What the portal layer returns: pydantic models over HubSpot's JSON (camelCase in, snake_case out).

Built from HubSpot's JSON (`from_api`), whatever produced it: an SDK model serialised back to
JSON, or a raw call for an endpoint the SDK lacks. Unknown fields are ignored.

This is where CRM text enters the product, so it is cleaned here, once (`boundary.text.clean`): list,
folder, team, workflow and email names, property and option labels and descriptions, record property
values. A name with nothing visible left reads as a placeholder ("(unnamed list 123)"). Definitions
(`filter_branch`) and internal names (property names, option values) stay exactly as HubSpot sent them:
they are sent back and must match.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from segment_lists.boundary.ids import same_id
from segment_lists.boundary.text import clean, display_name


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True)


def _named(data: Any, kind: str, *id_keys: str) -> Any:
    """HubSpot's JSON with its `name` cleaned, or the placeholder "(unnamed <kind> <id>)"."""
    if not isinstance(data, dict):
        return data
    found = next((data[key] for key in id_keys if data.get(key) is not None), "?")
    return {**data, "name": display_name(data.get("name"), f"(unnamed {kind} {found})")}


class ListPermissions(_Model):
    """`listPermissions`: the teams and users granted edit access (empty: nobody singled out)."""

    teams_with_edit_access: list[str] = Field(default_factory=list)
    users_with_edit_access: list[str] = Field(default_factory=list)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> ListPermissions:
        return cls(
            teams_with_edit_access=[str(i) for i in data.get("teamsWithEditAccess") or []],
            users_with_edit_access=[str(i) for i in data.get("usersWithEditAccess") or []],
        )

    @property
    def restricted(self) -> bool:
        return bool(self.teams_with_edit_access or self.users_with_edit_access)


class HubSpotList(_Model):
    """A list (segment), from GET/create/update responses or from list search results."""

    id: str = Field(alias="listId")
    name: str
    object_type_id: str
    processing_type: str
    processing_status: str | None = None
    version: int | None = Field(default=None, alias="listVersion")
    size: int | None = None
    filter_branch: dict[str, Any] | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    filters_updated_at: datetime | None = None
    deleted_at: datetime | None = None
    created_by_id: str | None = None
    updated_by_id: str | None = None
    folder_id: str | None = None
    folder_name: str | None = None
    # GET / create / update answers only (search results lack them): who may edit the list, and
    # whose records it may hold. None: the answer did not say.
    list_permissions: ListPermissions | None = None
    membership_settings: dict[str, Any] | None = None
    # Search results only: HubSpot's additionalProperties (all values strings).
    additional_properties: dict[str, str | None] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _clean_name(cls, data: Any) -> Any:
        return _named(data, "list", "listId", "id")

    @field_validator("folder_name")
    @classmethod
    def _clean_folder_name(cls, name: str | None) -> str | None:
        return clean(name) or None if name is not None else None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> HubSpotList:
        extra = data.get("additionalProperties") or {}
        fields = dict(data)
        if fields.get("size") is None and extra.get("hs_list_size") not in (None, ""):
            fields["size"] = int(extra["hs_list_size"])
        fields.setdefault("folderId", extra.get("hs_folder_id"))
        fields.setdefault("folderName", extra.get("hs_folder_name"))
        if isinstance(fields.get("listPermissions"), dict):
            fields["listPermissions"] = ListPermissions.from_api(fields["listPermissions"])
        return cls.model_validate(fields)

    @property
    def is_dynamic(self) -> bool:
        return self.processing_type == "DYNAMIC"

    @property
    def reference_count(self) -> int | None:
        """`hs_list_reference_count` (search results): how many HubSpot assets use the list, as
        HubSpot counts them (its exact meaning is undocumented). None when not sent."""
        raw = self.additional_properties.get("hs_list_reference_count")
        return int(raw) if raw not in (None, "") and str(raw).isdigit() else None


class MembershipChange(_Model):
    """The answer to add/remove members (note HubSpot's own field name `recordsIdsAdded`)."""

    added: list[str] = Field(default_factory=list, alias="recordsIdsAdded")
    removed: list[str] = Field(default_factory=list, alias="recordIdsRemoved")
    missing: list[str] = Field(default_factory=list, alias="recordIdsMissing")


class Membership(_Model):
    record_id: str
    membership_timestamp: datetime | None = None


class MembershipPage(_Model):
    members: list[Membership]
    next_after: str | None = None
    total: int | None = None


class RecordMembership(_Model):
    """One list a record belongs to."""

    list_id: str
    list_version: int | None = None
    is_public_list: bool | None = None
    first_added_timestamp: datetime | None = None
    last_added_timestamp: datetime | None = None


class SizePoint(_Model):
    size: int
    timestamp: datetime


class SizeHistory(_Model):
    size_history: list[SizePoint] = Field(default_factory=list)
    edit_history: list[datetime] = Field(default_factory=list)


class Folder(_Model):
    id: str
    name: str
    parent_folder_id: str | None = None
    child_nodes: list[Folder] = Field(default_factory=list)
    child_lists: list[str] = Field(default_factory=list)
    created_at: datetime | None = None

    @model_validator(mode="before")
    @classmethod
    def _clean_name(cls, data: Any) -> Any:
        return _named(data, "folder", "id")

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Folder:
        fields = dict(data)
        fields["id"] = str(fields.get("id"))
        fields["childLists"] = [str(i) for i in fields.get("childLists") or []]
        fields["childNodes"] = [cls.from_api(child) for child in fields.get("childNodes") or []]
        if fields.get("parentFolderId") is not None:
            fields["parentFolderId"] = str(fields["parentFolderId"])
        return cls.model_validate(fields)

    def walk(self) -> list[Folder]:
        """This folder and every folder below it."""
        found = [self]
        for child in self.child_nodes:
            found.extend(child.walk())
        return found


class PropertyOption(_Model):
    label: str
    value: str
    hidden: bool = False
    display_order: int | None = None
    description: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _clean_text(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        return {
            **data,
            "label": display_name(data.get("label"), clean(str(data.get("value") or "")) or "(unlabelled option)"),
            "description": clean(data.get("description")) or None,
        }


class Property(_Model):
    name: str
    label: str
    type: str
    field_type: str
    group_name: str | None = None
    description: str | None = None
    options: list[PropertyOption] = Field(default_factory=list)
    hubspot_defined: bool | None = None
    calculated: bool | None = None
    archived: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _clean_text(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        fallback = clean(str(data.get("name") or "")) or "(unlabelled)"
        cleaned = {**data, "label": display_name(data.get("label"), fallback)}
        for key in ("description", "groupName", "group_name"):
            if data.get(key) is not None:
                cleaned[key] = clean(data[key]) or None
        return cleaned

    @property
    def option_values(self) -> list[str]:
        return [option.value for option in self.options]


class CrmRecord(_Model):
    id: str
    properties: dict[str, str | None] = Field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    archived: bool | None = None

    @field_validator("properties")
    @classmethod
    def _clean_values(cls, values: dict[str, str | None]) -> dict[str, str | None]:
        # Shown (sample offenders' emails and names), never sent back.
        return {key: None if value is None else clean(value, limit=1000) for key, value in values.items()}


class AccountDetails(_Model):
    portal_id: int
    account_type: str | None = None
    time_zone: str | None = None
    company_currency: str | None = None
    ui_domain: str | None = None
    data_hosting_location: str | None = None


class Team(_Model):
    id: str
    name: str
    user_ids: list[str] = Field(default_factory=list)
    secondary_user_ids: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _clean_name(cls, data: Any) -> Any:
        return _named(data, "team", "id")


class User(_Model):
    """A user of the portal (settings users API), its text cleaned."""

    id: str = ""
    email: str = ""
    first_name: str | None = None
    last_name: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _clean_text(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        cleaned = {**data, "id": str(data.get("id") or ""), "email": clean(str(data.get("email") or ""))}
        for key in ("firstName", "lastName"):
            cleaned[key] = clean(data.get(key)) or None
        return cleaned

    @property
    def shown(self) -> str:
        """'Jane Doe <jane@acme.com>', or what there is of it."""
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        if name and self.email:
            return f"{name} <{self.email}>"
        return name or self.email


class ListReference(_Model):
    """One place an asset names a list, and what it does there."""

    list_id: str
    where: str


class Workflow(_Model):
    """A workflow (automation v4 flow) summary, with every place it names a list."""

    id: str
    name: str | None = None
    is_enabled: bool | None = None
    flow_type: str | None = None
    object_type_id: str | None = None
    references: list[ListReference] = Field(default_factory=list)

    @property
    def list_ids(self) -> list[str]:
        return list(dict.fromkeys(ref.list_id for ref in self.references))

    @model_validator(mode="before")
    @classmethod
    def _clean_name(cls, data: Any) -> Any:
        return _named(data, "workflow", "id")


class MarketingEmail(_Model):
    """A marketing email, with the lists it is sent to (`include`) or kept from (`exclude`): ILS list
    ids (`to.contactIlsLists`) and legacy list ids (`to.contactLists`, to be translated)."""

    id: str
    name: str | None = None
    state: str | None = None
    is_published: bool | None = None
    include_list_ids: list[str] = Field(default_factory=list)
    exclude_list_ids: list[str] = Field(default_factory=list)
    legacy_include_ids: list[str] = Field(default_factory=list)
    legacy_exclude_ids: list[str] = Field(default_factory=list)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> MarketingEmail:
        to = data.get("to") or {}
        ils, legacy = to.get("contactIlsLists") or {}, to.get("contactLists") or {}
        return cls.model_validate(
            {
                **data,
                "includeListIds": [str(i) for i in ils.get("include") or []],
                "excludeListIds": [str(i) for i in ils.get("exclude") or []],
                "legacyIncludeIds": [str(i) for i in legacy.get("include") or []],
                "legacyExcludeIds": [str(i) for i in legacy.get("exclude") or []],
            }
        )

    @model_validator(mode="before")
    @classmethod
    def _clean_name(cls, data: Any) -> Any:
        return _named(data, "marketing email", "id")

    @field_validator("include_list_ids", "exclude_list_ids")
    @classmethod
    def _one_form(cls, ids: list[str]) -> list[str]:
        return [found for found in (same_id(i) for i in ids) if found is not None]

    @property
    def list_ids(self) -> list[str]:
        return sorted(set(self.include_list_ids) | set(self.exclude_list_ids), key=_numeric_first)


def _numeric_first(value: str) -> tuple[int, str]:
    return (int(value), "") if value.isdigit() else (0, value)


# Keys that hold list ids in a workflow definition: listId / list_id / listIds, suppressionListIds,
# and any other action field named like one (staticListId, ilsListId...): HubSpot adds actions that
# name lists (changelog "Changes to list membership actions in the v4 Automation API").
_LIST_ID_KEY = re.compile(r"^(?:[a-z]+_?)?list_?ids?$", re.IGNORECASE)
# actionTypeId -> what the action does to the list.
LIST_ACTIONS = {
    "0-63809083": "action: add to list",
    "0-63863438": "action: remove from list",
    "0-13": "action: alter list membership (legacy)",
}


def _ids_under(node: Any) -> list[str]:
    found: list[str] = []

    def visit(value: Any, key: str | None) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                visit(v, k)
        elif isinstance(value, list):
            for item in value:
                visit(item, key)
        elif key is not None and _LIST_ID_KEY.match(key) and value is not None:
            # Ids in the one form, so they compare with ours whether HubSpot wrote 9, "9" or "09".
            text = same_id(value)
            if text is not None:
                found.append(text)

    visit(node, None)
    return list(dict.fromkeys(found))


def workflow_references(flow: dict[str, Any]) -> list[ListReference]:
    """Every place an automation v4 flow names a list, and what it does there (spec `ApiContactFlow`):
    suppression lists, enrollment (list-based filters, list-membership triggers, re-enrollment,
    refinement), the goal, list branches and list actions; anything else that names a list id too."""
    refs: list[ListReference] = []

    def add(ids: list[str], where: str) -> None:
        refs.extend(ListReference(list_id=i, where=where) for i in ids)

    criteria = flow.get("enrollmentCriteria") or {}
    parts = {
        "listFilterBranch": "enrollment criteria",
        "listMembershipFilterBranches": "enrollment trigger: joins the list",
        "eventFilterBranches": "enrollment trigger",
        "reEnrollmentTriggersFilterBranches": "re-enrollment trigger",
        "refinementCriteria": "enrollment refinement",
    }
    for key, where in parts.items():
        add(_ids_under(criteria.get(key)), where)
    add(_ids_under({k: v for k, v in criteria.items() if k not in parts}), "enrollment criteria")
    add(_ids_under({"suppressionListIds": flow.get("suppressionListIds")}), "suppression list (never enrolled)")
    add(_ids_under(flow.get("goalFilterBranch")), "goal")
    for action in flow.get("actions") or []:
        if not isinstance(action, dict):
            continue
        label = LIST_ACTIONS.get(str(action.get("actionTypeId")))
        if label is None and action.get("listBranches"):
            label = "list branch"
        number = action.get("actionId")
        add(_ids_under(action), f"{label or 'action ' + str(action.get('actionTypeId'))} (step {number})")
    seen = {ref.list_id for ref in refs}
    rest = {
        k: v
        for k, v in flow.items()
        if k not in {"enrollmentCriteria", "suppressionListIds", "goalFilterBranch", "actions"}
    }
    add([i for i in _ids_under(rest) if i not in seen], "elsewhere in its definition")
    return refs
