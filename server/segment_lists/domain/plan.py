"""The Plan: what propose_segments proposes and create_list carries out, item by item.

Made by `planner.build_plan`, sized by the workflow's estimates, saved in the journal, and shown to
the user as it is (it is part of the tools' output schema).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from segment_lists.domain.catalog import ExclusivityGroup, IcpLocation, IndustryMapping
from segment_lists.domain.interview import Answers, ItemChoice

# What applying an item does. create: a new list; reuse: an existing list as it is; adopt: an existing
# list with the same definition, renamed to the convention; merge: an existing list given the catalog's
# filters (same id); move-aside: the existing list renamed out of the way, then a new list; skip:
# nothing. conflict and needs-input wait for an answer (a clash to decide, a question to answer).
Action = Literal["create", "reuse", "adopt", "merge", "move-aside", "skip", "conflict", "needs-input"]
APPLICABLE_ACTIONS: tuple[Action, ...] = ("create", "reuse", "adopt", "merge", "move-aside")
ClashKind = Literal["same-definition", "same-name", "similar-name"]


class ClashOption(BaseModel):
    choice: ItemChoice
    recommended: bool = False
    consequence: str = Field(description="What happens if the user picks this, in plain words")


class MembershipChange(BaseModel):
    """How a merge would change an existing list's members, counted before it is made."""

    joins: int | None = None  # contacts the catalog's definition adds
    leaves: int | None = None  # contacts the list loses
    note: str = ""


class Clash(BaseModel):
    """An existing list in the way of a plan item: what it is, and the user's options, recommended first."""

    kind: ClashKind
    list_id: str
    list_name: str
    processing_type: str
    size: int | None = None
    definition: str = Field(description="The existing list's definition in plain words")
    dependents: list[str] | None = Field(
        default=None, description="Workflows, emails and lists that use it (None: not checked yet)"
    )
    unchecked: list[str] = Field(default_factory=list, description="What could not be checked, and why")
    membership_change: MembershipChange | None = None
    options: list[ClashOption] = Field(default_factory=list)
    question: str = ""

    @property
    def recommended(self) -> ItemChoice | None:
        return next((option.choice for option in self.options if option.recommended), None)

    def offers(self, choice: ItemChoice) -> bool:
        return any(option.choice == choice for option in self.options)


class PlanWarning(BaseModel):
    code: str
    message: str
    segment_keys: list[str] = Field(default_factory=list)


class ListAccess(BaseModel):
    """Who may see and edit a list, in HubSpot's modes (KB "Manage user and team access to segments"):
    "everyone" (Everyone can view and edit, the default) or "teams" (Specific users and teams: these
    teams view and edit, the others have no access). The API expresses only the edit grants
    (`listPermissions.teamsWithEditAccess`)."""

    mode: Literal["everyone", "teams"] = "everyone"
    team_ids: list[int] = Field(default_factory=list)
    team_names: list[str] = Field(default_factory=list)

    def describe(self) -> str:
        if self.mode == "everyone":
            return "everyone can view and edit"
        teams = ", ".join(f"{name} ({team_id})" for name, team_id in zip(self.team_names, self.team_ids, strict=False))
        return f"view and edit: {teams}; other teams and users: no access"


class PlanItem(BaseModel):
    key: str
    family: str
    category: str
    segment: str
    name: str
    catalog_name: str | None = Field(
        default=None, description="The catalog's name for this segment (its role); `name` is the list's own"
    )
    processing_type: Literal["DYNAMIC", "MANUAL"]
    object_type_id: str = "0-1"
    filter_branch: dict[str, Any] | None = None
    description: str
    static_domains: list[str] = Field(default_factory=list)
    action: Action
    reason: str
    existing_list_id: str | None = None
    clash: Clash | None = None
    choice: ItemChoice | None = Field(default=None, description="The user's answer for this item, if any")
    rename_existing_to: str | None = Field(
        default=None, description="adopt, merge, move-aside: the name the existing list gets"
    )
    question: str | None = None
    estimated_size: int | None = None
    estimate_note: str | None = None
    # 0: the estimate is exact; n: a sample's 95% margin (+/- n); None: no estimate.
    estimate_margin: int | None = None
    expected_range: tuple[int, int] | None = None
    exclusivity_groups: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    access: ListAccess = Field(default_factory=ListAccess)


class Prerequisites(BaseModel):
    icp: IcpLocation | None = None
    icp_how: str = ""
    lifecycle_stages_in_use: dict[str, int] = Field(default_factory=dict)
    lifecycle_stage_labels: dict[str, str] = Field(default_factory=dict)  # value -> the portal's label
    fill_rates: dict[str, float] = Field(default_factory=dict)
    own_domains: list[str] = Field(default_factory=list)
    own_domains_source: Literal["answers", "portal users", "none"] = "none"


class Plan(BaseModel):
    plan_id: str
    portal_id: str
    is_sandbox: bool
    answers: Answers
    items: list[PlanItem]
    groups: list[ExclusivityGroup]
    prerequisites: Prerequisites
    industry_mapping: list[IndustryMapping] = Field(default_factory=list)
    warnings: list[PlanWarning] = Field(default_factory=list)
    open_questions: list[str] = Field(default_factory=list)
    folder: str | None = None
    edit_team_ids: list[int] = Field(default_factory=list)
    # Per-list access on this portal, in one plain sentence (available or not, and what is set).
    access_note: str = ""

    def item(self, key: str) -> PlanItem:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)
