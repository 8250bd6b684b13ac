"""The interview: answers to Q1 (which segments) and Q2 (what "active" means), with the skill's defaults.

Every field has a default, so a partial answer is always a complete, valid `Answers`. Fields that
cannot be defaulted safely (the partner marker, competitor domains) stay empty; the planner turns
them into open questions instead of guessing.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from segment_lists.boundary.text import clean
from segment_lists.domain.catalog import CompanyReading, Family, PartnerMarker, Signal
from segment_lists.domain.i18n import Language, category_name, segment_name

DEFAULT_FAMILIES: tuple[Family, ...] = ("core", "icp", "engagement")

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def domain_names(domains: list[str]) -> list[str]:
    """Email domains as HubSpot stores them (lower case, no '@'), each checked, duplicates dropped."""
    cleaned = []
    for raw in domains:
        domain = raw.strip().lower().removeprefix("@")
        if not DOMAIN.match(domain):
            raise ValueError(f"{raw!r} is not a domain name; give domains like 'acme.com'")
        cleaned.append(domain)
    return list(dict.fromkeys(cleaned))


class IcpMarker(BaseModel):
    """Where the ICP tier lives, when the user says so (otherwise the planner detects it)."""

    property: str
    object: Literal["contact", "company"] = "company"
    # Option values for Tier 1, 2, 3; None = detect from the property's options.
    tier_values: list[str] | None = Field(default=None, min_length=3, max_length=3)


class Answers(BaseModel):
    # Q1: which segments.
    families: list[Family] = Field(default_factory=lambda: list(DEFAULT_FAMILIES))
    industries: list[str] = Field(default_factory=list, description="Target industries in the user's words")
    own_domains: list[str] = Field(default_factory=list, description="The company's own email domains")
    competitor_domains: list[str] = Field(default_factory=list)
    competitor_csv: str | None = Field(default=None, description="CSV text of competitor emails or domains")
    partner_marker: PartnerMarker | None = None
    icp_marker: IcpMarker | None = None
    edit_teams: list[str] = Field(
        default_factory=list,
        description="Teams that get view and edit access to the lists (the others get none); Enterprise only",
    )
    restrict_exclusion_lists: bool = Field(
        False,
        description="Restrict Suppressed Contacts and Internal Employees to edit_teams too (default: they stay "
        "visible to everyone, as every team's sends need them as exclusions)",
    )
    naming: str = Field("[{category}] - {name}", description="Name template with {category} and {name}")
    language: Language = Field(
        "en",
        description="Language of the list names and the report: "
        "'en' ([Core] - All Customers) or 'zh' ([核心] - 所有客户)",
    )
    folder: str | None = "Segment Library"
    size_bands: tuple[int, int] = (100, 1000)  # SMB < 100 <= Mid-Market < 1000 <= Enterprise
    company_association: CompanyReading = Field(
        "primary",
        description="Which company decides a contact's ICP tier and size band: 'primary' (HubSpot's primary "
        "company, so each contact is in exactly one tier and band) or 'any' (every associated company: "
        "contacts with several companies can land in several)",
    )
    regions: dict[str, list[str]] | None = None  # region -> country names; None = the default map
    # Q2: what "active" means.
    signals: list[Signal] = Field(
        default_factory=lambda: [Signal(kind="email_open"), Signal(kind="email_click")], min_length=1
    )
    disengaged_after_days: int = Field(180, ge=1, le=3650)
    never_engaged_min_age_days: int = Field(30, ge=0, le=3650)

    @field_validator("families")
    @classmethod
    def _unique_families(cls, families: list[Family]) -> list[Family]:
        return list(dict.fromkeys(families))

    @field_validator("own_domains", "competitor_domains")
    @classmethod
    def _domains(cls, domains: list[str]) -> list[str]:
        return domain_names(domains)

    @field_validator("industries", "edit_teams")
    @classmethod
    def _visible_words(cls, words: list[str]) -> list[str]:
        # They become list names (industries) or are matched with the CRM's cleaned names (teams).
        cleaned = [clean(word, limit=200) for word in words]
        if any(not word for word in cleaned):
            raise ValueError("an entry has no visible characters; give words people can read")
        return list(dict.fromkeys(cleaned))

    @field_validator("folder")
    @classmethod
    def _visible_folder(cls, folder: str | None) -> str | None:
        if folder is None:
            return None
        visible = clean(folder, limit=200)
        if not visible:
            raise ValueError("the folder name has no visible characters; give a readable name, or null for none")
        return visible

    @field_validator("naming")
    @classmethod
    def _naming(cls, template: str) -> str:
        template = clean(template, limit=200)
        if "{name}" not in template:
            raise ValueError("the naming template must contain {name}, e.g. '[{category}] - {name}'")
        try:
            template.format(category="Core", name="All Customers")
        except (KeyError, IndexError, ValueError) as error:
            raise ValueError(f"the naming template may only use {{category}} and {{name}} ({error})") from None
        return template

    @model_validator(mode="after")
    def _windows_keep_engagement_lists_disjoint(self) -> Answers:
        longest = max(signal.window_days for signal in self.signals)
        if longest > self.disengaged_after_days:
            raise ValueError(
                f"an active window of {longest} days is longer than the disengaged threshold of "
                f"{self.disengaged_after_days} days, so a contact could be both Highly Engaged and "
                "Disengaged; shorten the window or raise disengaged_after_days"
            )
        return self

    def list_name(self, category: str, name: str) -> str:
        return self.naming.format(
            category=category_name(category, self.language), name=segment_name(name, self.language)
        )

    def list_names(self, category: str, name: str) -> list[str]:
        """The list name, then fallbacks for a name already taken: the segment's own (untranslated)
        words in the user's template, then the English category too."""
        return [
            self.list_name(category, name),
            self.naming.format(category=category_name(category, self.language), name=name),
            self.naming.format(category=category, name=name),
        ]
