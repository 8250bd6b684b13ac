"""One custom list instead of a plan: a definition the user (or the model) wrote, checked with HubSpot's
grammar before anything is sent, created and journaled like a plan item.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from segment_lists.filters import parse_filter_branch
from segment_lists.workflow.apply import (
    ApplyResult,
    ItemOutcome,
    add_members_journaled,
    competitor_record_ids,
    create_journaled,
)
from segment_lists.workflow.runtime import Runtime


class CustomList(BaseModel):
    name: str = Field(min_length=1, max_length=255)
    processing_type: Literal["DYNAMIC", "MANUAL"] = "DYNAMIC"
    filter_branch: dict[str, Any] | None = Field(
        default=None,
        description="HubSpot's Lists API filterBranch JSON (root OR, AND groups); required for DYNAMIC (active)",
    )
    record_ids: list[str] = Field(
        default_factory=list, max_length=10_000, description="MANUAL (static) segments: contact ids"
    )
    competitor_domains: list[str] = Field(
        default_factory=list, description="MANUAL (static) segments: add contacts at these email domains"
    )


def validate_custom(filter_branch: dict[str, Any] | None, processing_type: str) -> dict[str, Any] | None:
    """A custom definition, checked with HubSpot's grammar before anything is sent.

    Raises ValueError (FilterValidationError for grammar issues, naming each path and its fix)."""
    if processing_type == "MANUAL":
        if filter_branch is not None:
            raise ValueError("a static (MANUAL) list takes no filter_branch; leave it out, or use DYNAMIC")
        return None
    if filter_branch is None:
        raise ValueError("an active (DYNAMIC) list needs a filter_branch")
    return parse_filter_branch(filter_branch).to_hubspot()


def describe_custom(rt: Runtime, custom: CustomList, branch: dict[str, Any] | None) -> str:
    """What the list will hold, in plain words."""
    if branch:
        return rt.describe(branch)
    if custom.competitor_domains:
        return "contacts at " + ", ".join(custom.competitor_domains)
    return "members added by id"


def create_custom_list(rt: Runtime, custom: CustomList, branch: dict[str, Any] | None) -> ApplyResult:
    """Create the list (journaled), fill a static one, in a run of its own."""
    run_id = rt.journal.start_run(rt.portal_id, "apply")
    list_id = create_journaled(
        rt, run_id, custom.name, processing_type=custom.processing_type, filter_branch=branch, segment_key=None
    )
    added = None
    if custom.processing_type == "MANUAL":
        ids = list(dict.fromkeys([*custom.record_ids, *competitor_record_ids(rt, custom.competitor_domains, [])]))
        added = add_members_journaled(rt, run_id, list_id, ids, list_name=custom.name)
    rt.journal.finish_run(run_id, "ok")
    rt.lists_changed()
    outcome = ItemOutcome(
        key="custom", name=custom.name, outcome="created", list_id=list_id, members_added=added, message="created"
    )
    return ApplyResult(portal=rt.ref, run_id=run_id, plan_id=None, items=[outcome])
