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
from segment_lists.domain.activity import read_activity
from segment_lists.domain.catalog import CompanyReading, Family, PartnerMarker, Signal
from segment_lists.domain.i18n import Language, category_name, segment_name

DEFAULT_FAMILIES: tuple[Family, ...] = ("core", "icp", "engagement")

# What to do with a plan item, above all when an existing list clashes with it (DESIGN.md section 4a):
# reuse it as it is; adopt it (reuse, renamed to the convention); merge (give it the catalog's filters,
# HubSpot keeps the id); move it aside (rename it, then create the new list); create anyway under a
# free name (only when asked); or skip the item.
ItemChoice = Literal["reuse", "adopt", "merge", "move-aside", "create-anyway", "skip"]
ITEM_CHOICES: tuple[ItemChoice, ...] = ("reuse", "adopt", "merge", "move-aside", "create-anyway", "skip")


def _visible(words: list[str]) -> list[str]:
    """Words cleaned as CRM text is (boundary.text), none empty after cleaning, each once."""
    cleaned = [clean(word, limit=200) for word in words]
    if any(not word for word in cleaned):
        raise ValueError("an entry has no visible characters; give words people can read")
    return list(dict.fromkeys(cleaned))


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
        description="Teams given view and edit access (others get none); Enterprise",
    )
    restrict_exclusion_lists: bool = Field(
        False,
        description="Restrict the exclusion lists (Suppressed, Internal) to edit_teams too",
    )
    naming: str = Field("[{category}] - {name}", description="With {category} and {name}")
    language: Language = Field(
        "en",
        description="Of list names and report",
    )
    folder: str | None = "Segment Library"
    size_bands: tuple[int, int] = Field(
        (100, 1000),
        description="Employees: SMB < small <= Mid-Market < large <= Enterprise",
    )
    sizes: list[str] | None = Field(
        default=None,
        max_length=20,
        description="Bands to list (Enterprise, Mid-Market, SMB; default all); the rest share one list",
    )
    company_association: CompanyReading = Field(
        "primary",
        description="Company deciding tier and band: primary (one each) or any associated one",
    )
    regions: list[str] | dict[str, list[str]] | None = Field(
        default=None,
        description="North America, EMEA, APAC, LATAM (default all), or {region: [countries]}",
    )
    choices: dict[str, ItemChoice] = Field(
        default_factory=dict,
        description="Per item key, the user's answer to its clash (or skip)",
    )
    # Q2: what "active" means.
    active_means: str | None = Field(
        default=None,
        max_length=500,
        description="Q2 in the user's words, e.g. 'email open or click in 90 days' (instead of signals)",
    )
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

    @field_validator("industries", "edit_teams", "sizes")
    @classmethod
    def _visible_words(cls, words: list[str] | None) -> list[str] | None:
        # They become list names (industries, size bands not known) or are matched with the CRM's cleaned
        # names (teams).
        if words is None:
            return None
        return _visible(words)

    @field_validator("regions")
    @classmethod
    def _visible_regions(cls, regions: list[str] | dict[str, list[str]] | None) -> object:
        # Region names become list names, countries filter values: cleaned like every other name.
        if regions is None:
            return None
        if isinstance(regions, dict):
            cleaned: dict[str, list[str]] = {}
            for name, countries in regions.items():
                (visible,) = _visible([name])
                if visible in cleaned:
                    raise ValueError(f"the region {visible!r} is named twice; give each region once")
                cleaned[visible] = _visible(countries)
            return cleaned
        return _visible(regions)

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

    @field_validator("size_bands")
    @classmethod
    def _bands(cls, bands: tuple[int, int]) -> tuple[int, int]:
        small, large = bands
        if not 1 <= small < large:
            raise ValueError(f"size_bands must be two employee counts, small < large (e.g. [100, 1000]); got {bands}")
        return bands

    @field_validator("choices")
    @classmethod
    def _choice_keys(cls, choices: dict[str, ItemChoice]) -> dict[str, ItemChoice]:
        if len(choices) > 500 or any(len(key) > 200 for key in choices):
            raise ValueError("choices holds plan item keys (such as 'core.suppressed'), at most 500 of them")
        return {key.strip(): choice for key, choice in choices.items()}

    @model_validator(mode="after")
    def _named_members_ask_for_their_family(self) -> Answers:
        # Naming regions, size bands or industries asks for those lists: never drop them because
        # `families` was left at its default.
        wanted: list[Family] = []
        if self.regions:
            wanted.append("regions")
        if self.sizes:
            wanted.append("size")
        if self.industries:
            wanted.append("industries")
        self.families = list(dict.fromkeys([*self.families, *wanted]))
        return self

    @model_validator(mode="after")
    def _activity_in_words(self) -> Answers:
        if self.active_means is None:
            return self
        activity = read_activity(self.active_means)
        if activity.is_default or not activity.signals:
            return self
        if "signals" in self.model_fields_set and self.signals != activity.signals:
            read = ", ".join(f"{s.kind} within {s.window_days} days" for s in activity.signals)
            raise ValueError(
                "give what 'active' means either as active_means (words) or as signals, not both "
                f"(active_means reads as {read})"
            )
        self.signals = activity.signals
        return self

    @property
    def unmapped_activity(self) -> list[str]:
        """Words of `active_means` that name no signal this tool can read: asked back, never dropped."""
        return read_activity(self.active_means).unmapped if self.active_means else []

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
