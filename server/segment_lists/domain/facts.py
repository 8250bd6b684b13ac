"""What the planner knows about a portal: plain data, gathered by the workflow through the portal client.

Keeping these as plain models (not portal calls) makes the planner a pure function: the same facts
and answers always give the same plan, and tests can state facts directly.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class PropertyInfo(BaseModel):
    name: str
    label: str
    type: str  # HubSpot's type: string, number, enumeration, datetime, date, bool
    field_type: str = ""
    options: dict[str, str] = Field(default_factory=dict)  # value -> label (enumerations)
    hubspot_defined: bool = False


class ExistingList(BaseModel):
    list_id: str
    name: str
    processing_type: str
    object_type_id: str = "0-1"
    size: int | None = None
    processing_status: str | None = None
    filter_branch: dict[str, Any] | None = None
    folder_id: str | None = None
    updated_at: str | None = None


class PortalFacts(BaseModel):
    portal_id: str
    is_sandbox: bool = False
    time_zone: str = "UTC"
    total_contacts: int = 0
    total_companies: int = 0
    contact_properties: dict[str, PropertyInfo] = Field(default_factory=dict)
    company_properties: dict[str, PropertyInfo] = Field(default_factory=dict)
    # "contact.lifecyclestage" -> number of records with a value.
    fill_counts: dict[str, int] = Field(default_factory=dict)
    # "contact.lifecyclestage" -> {value: count}: which values are in use.
    value_counts: dict[str, dict[str, int]] = Field(default_factory=dict)
    existing_lists: list[ExistingList] = Field(default_factory=list)
    user_email_domains: list[str] = Field(default_factory=list)  # the portal's users: the company's own
    teams: dict[str, int] = Field(default_factory=dict)  # team name -> id
    # Optional reads that failed ("users", "teams") -> why, in words (e.g. the token lacks a scope).
    unread: dict[str, str] = Field(default_factory=dict)
    # "0-1/0-2" -> {association type id: category}, as the portal's labels endpoint lists them; a pair
    # that could not be read is absent (its association types are then not checked).
    association_types: dict[str, dict[int, str]] = Field(default_factory=dict)
    # Whether lists can have per-list team access (an Enterprise feature); None = could not tell.
    per_list_access: bool | None = None
    per_list_access_how: str = ""  # how that was decided, in words ("Professional, from its API limits")

    def properties(self, object_name: str) -> dict[str, PropertyInfo]:
        return self.contact_properties if object_name == "contact" else self.company_properties

    def fill_rate(self, object_name: str, property_name: str) -> float | None:
        total = self.total_contacts if object_name == "contact" else self.total_companies
        count = self.fill_counts.get(f"{object_name}.{property_name}")
        if count is None or total == 0:
            return None
        return count / total
