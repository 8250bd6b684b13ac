"""One custom list instead of a plan: a definition the user (or the model) wrote, checked with HubSpot's
grammar and against this portal's schema (properties, options, association types) before anything is
sent, created and journaled like a plan item.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from segment_lists.boundary.ids import RecordId
from segment_lists.boundary.text import clean
from segment_lists.domain.definitions import definition_issues
from segment_lists.domain.interview import domain_names
from segment_lists.filters import FilterValidationError, normalize_filter_branch, parse_filter_branch
from segment_lists.workflow.apply import ApplyResult, ItemOutcome, add_members_journaled, create_journaled
from segment_lists.workflow.gather import schema_facts
from segment_lists.workflow.runtime import Runtime
from segment_lists.workflow.static_members import StaticAdds, static_additions


class CustomList(BaseModel):
    name: str = Field(min_length=1, max_length=255)
    processing_type: Literal["DYNAMIC", "MANUAL"] = "DYNAMIC"
    filter_branch: dict[str, Any] | None = Field(
        default=None,
        description="Lists API filterBranch (root OR of AND groups); DYNAMIC only",
    )
    record_ids: list[RecordId] = Field(default_factory=list, max_length=10_000, description="MANUAL: contact ids")
    competitor_domains: list[str] = Field(default_factory=list, description="MANUAL: contacts at these email domains")

    @field_validator("name")
    @classmethod
    def _visible_name(cls, name: str) -> str:
        # The list gets the name the user reads in the preview: without hidden or control characters.
        # A name with nothing visible left is refused by `validate_custom` (an error of ours, which
        # does not echo the invisible input back the way an argument-validation error would).
        return clean(name, limit=255)

    @field_validator("competitor_domains")
    @classmethod
    def _domains(cls, domains: list[str]) -> list[str]:
        return domain_names(domains)


def validate_custom(rt: Runtime, custom: CustomList) -> dict[str, Any] | None:
    """A custom list, checked before anything is sent: a visible name, and the definition by HubSpot's
    grammar and this portal's schema, in the form HubSpot stores (its normalized form: the filters
    guide's lowercase names upper-cased).

    Raises ValueError (FilterValidationError naming each path and its fix)."""
    if not custom.name:
        raise ValueError("the list name has no visible characters; give a name people can read")
    filter_branch, processing_type = custom.filter_branch, custom.processing_type
    if processing_type == "MANUAL":
        if filter_branch is not None:
            raise ValueError("a static (MANUAL) list takes no filter_branch; leave it out, or use DYNAMIC")
        return None
    if filter_branch is None:
        raise ValueError("an active (DYNAMIC) list needs a filter_branch")
    branch = normalize_filter_branch(parse_filter_branch(filter_branch).to_hubspot())
    issues = definition_issues(branch, schema_facts(rt))
    if issues:
        raise FilterValidationError(issues)
    return branch


def describe_custom(rt: Runtime, custom: CustomList, branch: dict[str, Any] | None) -> str:
    """What the list will hold, in plain words."""
    if branch:
        return rt.describe(branch)
    if custom.competitor_domains:
        return "contacts at " + ", ".join(custom.competitor_domains)
    return "members added by id"


def custom_additions(rt: Runtime, custom: CustomList) -> StaticAdds | None:
    """What a static custom list gets: the contacts at its domains and the records given by id."""
    if custom.processing_type != "MANUAL":
        return None
    return static_additions(
        rt, domains=[(domain, "request") for domain in custom.competitor_domains], record_ids=custom.record_ids
    )


def create_custom_list(
    rt: Runtime, custom: CustomList, branch: dict[str, Any] | None, members: list[str] | None = None
) -> ApplyResult:
    """Create the list (journaled), fill a static one (with `members`, as the user confirmed them, or
    what `custom_additions` finds now), in a run of its own."""
    run_id = rt.journal.start_run(rt.portal_id, "apply")
    list_id = create_journaled(
        rt, run_id, custom.name, processing_type=custom.processing_type, filter_branch=branch, segment_key=None
    ).id
    added = None
    if custom.processing_type == "MANUAL":
        if members is None:
            adds = custom_additions(rt, custom)
            members = adds.record_ids if adds is not None else []
        ids = members
        added = add_members_journaled(rt, run_id, list_id, ids, list_name=custom.name)
    rt.journal.finish_run(run_id, "ok")
    rt.lists_changed()
    outcome = ItemOutcome(
        key="custom", name=custom.name, outcome="created", list_id=list_id, members_added=added, message="created"
    )
    return ApplyResult(portal=rt.ref, run_id=run_id, plan_id=None, items=[outcome])
