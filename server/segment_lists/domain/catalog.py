"""The segment catalog (DESIGN.md section 4) as data plus builders.

`catalog_segments(choices, context)` turns the user's choices (the interview's answers) and what the
planner learned about the portal into concrete segment definitions: name, processing type, exact
filterBranch, exclusivity groups and an expected size range. Nothing here talks to HubSpot: whatever
cannot be decided from the inputs comes back as a `needs_input` question, never as a guess.

The catalog is the bottom of the domain: it owns the vocabulary (families, engagement signals, partner
markers, industry mappings) and reads the answers through `SegmentChoices`, a shape the interview's
`Answers` has, so it imports neither the interview, nor the industry mapping, nor the translations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

from segment_lists.boundary.text import quoted
from segment_lists.filters import (
    Filter,
    FilterBranch,
    and_,
    association,
    or_,
    prop_any_of,
    prop_before_days_ago,
    prop_between,
    prop_bool,
    prop_in_last_days,
    prop_known,
    prop_multistring,
    prop_none_of,
    prop_number,
    prop_unknown,
)

CONTACTS = "0-1"
COMPANIES = "0-2"
# Contact -> company association types (HubSpot-defined): 1 is the contact's primary company (one at
# most), 279 any associated company. Partitions (ICP tiers, size bands) read the primary company, so
# a contact with several companies still lands in exactly one tier; "any" is the explicit alternative.
# Changelog "Changes to primary labels for HubSpot-defined association labels" (2024-02-19); docs
# associations overview (279).
PRIMARY_COMPANY_TYPE = 1
ANY_COMPANY_TYPE = 279
CompanyReading = Literal["primary", "any"]
COMPANY_ASSOCIATION_TYPES: dict[str, int] = {"primary": PRIMARY_COMPANY_TYPE, "any": ANY_COMPANY_TYPE}
ProcessingType = Literal["DYNAMIC", "MANUAL"]
Family = Literal["core", "icp", "industries", "size", "regions", "engagement"]
SignalKind = Literal["email_open", "email_click", "website_visit", "form_submission", "meeting_booked"]

# Which contact property records the last time of each engagement signal (HubSpot defaults).
SIGNAL_PROPERTIES: dict[SignalKind, str] = {
    "email_open": "hs_email_last_open_date",
    "email_click": "hs_email_last_click_date",
    "website_visit": "hs_analytics_last_visit_timestamp",
    "form_submission": "recent_conversion_date",
    "meeting_booked": "engagements_last_meeting_booked",
}
SIGNAL_LABELS: dict[SignalKind, str] = {
    "email_open": "marketing email open",
    "email_click": "marketing email click",
    "website_visit": "website visit",
    "form_submission": "form submission",
    "meeting_booked": "meeting booked",
}

# Countries as contacts usually spell them -> region. Matching is case-insensitive (MULTISTRING).
DEFAULT_REGIONS: dict[str, list[str]] = {
    "North America": ["United States", "USA", "US", "United States of America", "Canada", "CA"],
    "EMEA": [
        "United Kingdom",
        "UK",
        "Great Britain",
        "England",
        "Ireland",
        "Germany",
        "Deutschland",
        "France",
        "Netherlands",
        "Belgium",
        "Luxembourg",
        "Spain",
        "Portugal",
        "Italy",
        "Switzerland",
        "Austria",
        "Sweden",
        "Norway",
        "Denmark",
        "Finland",
        "Iceland",
        "Poland",
        "Czech Republic",
        "Czechia",
        "Hungary",
        "Romania",
        "Greece",
        "Turkey",
        "Israel",
        "United Arab Emirates",
        "UAE",
        "Saudi Arabia",
        "Qatar",
        "Egypt",
        "South Africa",
        "Nigeria",
        "Kenya",
        "Morocco",
    ],
    "APAC": [
        "Australia",
        "New Zealand",
        "Japan",
        "China",
        "Hong Kong",
        "Taiwan",
        "South Korea",
        "Korea",
        "India",
        "Singapore",
        "Malaysia",
        "Indonesia",
        "Thailand",
        "Vietnam",
        "Philippines",
        "Pakistan",
        "Bangladesh",
        "Sri Lanka",
    ],
    "LATAM": [
        "Mexico",
        "Brazil",
        "Argentina",
        "Chile",
        "Colombia",
        "Peru",
        "Uruguay",
        "Venezuela",
        "Ecuador",
        "Costa Rica",
        "Panama",
        "Guatemala",
        "Dominican Republic",
        "Puerto Rico",
    ],
}


class Signal(BaseModel):
    """One "active" signal: e.g. an email click within the last 90 days."""

    kind: SignalKind
    window_days: int = Field(90, ge=1, le=3650)


class PartnerMarker(BaseModel):
    """How the portal marks partners: a contact (or company) enumeration property and its values."""

    property: str
    values: list[str] = Field(min_length=1)
    object: Literal["contact", "company"] = "contact"


class IndustryMapping(BaseModel):
    """One user word and the enumeration values it stands for (empty: unmatched)."""

    word: str
    values: list[str]
    labels: list[str]
    how: str  # "vertical", "label", "close match", "unmatched"


class SegmentChoices(Protocol):
    """What the catalog reads from the user's choices (`interview.Answers` has this shape)."""

    @property
    def families(self) -> Sequence[Family]: ...
    @property
    def partner_marker(self) -> PartnerMarker | None: ...
    @property
    def competitor_domains(self) -> Sequence[str]: ...
    @property
    def competitor_csv(self) -> str | None: ...
    @property
    def industries(self) -> Sequence[str]: ...
    @property
    def size_bands(self) -> tuple[int, int]: ...
    @property
    def regions(self) -> Mapping[str, Sequence[str]] | None: ...
    @property
    def signals(self) -> Sequence[Signal]: ...
    @property
    def disengaged_after_days(self) -> int: ...
    @property
    def company_association(self) -> CompanyReading: ...
    @property
    def never_engaged_min_age_days(self) -> int: ...

    def list_names(self, category: str, segment: str) -> list[str]:
        """A segment's list name, then fallbacks for when a name is taken, most preferred first."""
        ...


class IcpLocation(BaseModel):
    """Where the ICP tier lives in this portal, as the planner detected (or was told)."""

    property: str
    object: Literal["contact", "company"]
    tier_values: list[str] = Field(min_length=3, max_length=3)  # the values of Tier 1, 2, 3
    tier_labels: list[str] = Field(default_factory=lambda: ["Tier 1", "Tier 2", "Tier 3"])


class CatalogContext(BaseModel):
    """Portal facts the catalog needs; the planner gathers them."""

    zone: str = "UTC"
    icp: IcpLocation | None = None
    industries: list[IndustryMapping] = Field(default_factory=list)
    own_domains: list[str] = Field(default_factory=list)  # answers first, else detected (flagged)
    customer_stages: list[str] = Field(default_factory=lambda: ["customer"])
    # Enumeration options that look like a partner marker, described for the user to pick from.
    partner_candidates: list[str] = Field(default_factory=list)


class ExclusivityGroup(BaseModel):
    name: str
    members: list[str]  # segment keys
    partition: bool = False  # every contact in exactly one member (not only: at most one)
    description: str


class Segment(BaseModel):
    key: str
    family: Family
    category: str
    segment: str
    name: str
    processing_type: ProcessingType
    filter_branch: dict[str, Any] | None = None
    static_domains: list[str] = Field(default_factory=list)  # MANUAL lists: members by email domain
    needs_input: str | None = None
    expected_share: tuple[float, float] = (0.0, 1.0)  # of all contacts
    notes: list[str] = Field(default_factory=list)


def _branch(root: FilterBranch) -> dict[str, Any]:
    return root.to_hubspot()


def _company(*filters: Filter, reading: CompanyReading = "any") -> Any:
    """A contact's company passes all `filters`: its primary company, or any associated company."""
    return association(COMPANIES, association_type_id=COMPANY_ASSOCIATION_TYPES[reading], filters=list(filters))


def _company_note(reading: CompanyReading) -> str:
    if reading == "primary":
        return (
            "By the contact's primary company (HubSpot's primary association): each contact counts once, "
            "whatever other companies it has."
        )
    return (
        "By any associated company: a contact whose companies differ lands in several of these lists "
        "(check_exclusivity names them)."
    )


def catalog_segments(answers: SegmentChoices, context: CatalogContext) -> list[Segment]:
    segments: list[Segment] = []
    families = answers.families
    if "core" in families:
        segments += _core(answers, context)
    if "icp" in families:
        segments += _icp(answers, context)
    if "industries" in families:
        segments += _industries(answers, context)
    if "size" in families:
        segments += _size(answers)
    if "regions" in families:
        segments += _regions(answers)
    if "engagement" in families:
        segments += _engagement(answers, context)
    return _unique_names(segments, answers)


def _unique_names(segments: list[Segment], answers: SegmentChoices) -> list[Segment]:
    """HubSpot list names are unique (case-insensitively) in every language: a translated name or a
    user's word that collides with an earlier segment's name keeps the English segment name, then
    the key, instead of becoming a conflict."""
    taken: set[str] = set()
    for segment in segments:
        candidates = [*answers.list_names(segment.category, segment.segment), f"{segment.name} ({segment.key})"]
        segment.name = next((name for name in candidates if name.casefold() not in taken), candidates[-1])
        taken.add(segment.name.casefold())
    return segments


def _segment(answers: SegmentChoices, key: str, family: Family, category: str, segment: str, **fields: Any) -> Segment:
    return Segment(
        key=key,
        family=family,
        category=category,
        segment=segment,
        name=answers.list_names(category, segment)[0],
        **fields,
    )


def _core(answers: SegmentChoices, context: CatalogContext) -> list[Segment]:
    core: list[Segment] = [
        _segment(
            answers,
            "core.customers",
            "core",
            "Core",
            "All Customers",
            processing_type="DYNAMIC",
            filter_branch=_branch(or_(and_(prop_any_of("lifecyclestage", *context.customer_stages)))),
            expected_share=(0.0, 0.6),
        ),
    ]
    marker = answers.partner_marker
    if marker is None:
        candidates = (
            " Candidates found in this portal: " + "; ".join(context.partner_candidates) + "."
            if context.partner_candidates
            else ""
        )
        core.append(
            _segment(
                answers,
                "core.partners",
                "core",
                "Core",
                "All Partners",
                processing_type="DYNAMIC",
                needs_input="How are partners marked in HubSpot? Name the property and its partner value(s) "
                "(for example a 'Contact type' property with the value 'Partner')." + candidates,
                expected_share=(0.0, 0.2),
            )
        )
    else:
        partner_filter = prop_any_of(marker.property, *marker.values)
        group = and_(_company(partner_filter)) if marker.object == "company" else and_(partner_filter)
        core.append(
            _segment(
                answers,
                "core.partners",
                "core",
                "Core",
                "All Partners",
                processing_type="DYNAMIC",
                filter_branch=_branch(or_(group)),
                expected_share=(0.0, 0.2),
            )
        )
    competitor_domains = list(answers.competitor_domains)
    core.append(
        _segment(
            answers,
            "core.competitors",
            "core",
            "Core",
            "Competitors",
            processing_type="MANUAL",
            static_domains=competitor_domains,
            needs_input=None
            if competitor_domains or answers.competitor_csv
            else "Which competitor domains (or a CSV of emails or domains) should fill the static Competitors list?",
            expected_share=(0.0, 0.05),
            notes=["Static list: new matches can be added later; removing members needs confirmation."],
        )
    )
    if context.own_domains:
        core.append(
            _segment(
                answers,
                "core.internal",
                "core",
                "Core",
                "Internal Employees",
                processing_type="DYNAMIC",
                filter_branch=_branch(
                    or_(and_(prop_multistring("hs_email_domain", "IS_EQUAL_TO", *context.own_domains)))
                ),
                expected_share=(0.0, 0.05),
            )
        )
    else:
        core.append(
            _segment(
                answers,
                "core.internal",
                "core",
                "Core",
                "Internal Employees",
                processing_type="DYNAMIC",
                needs_input="Which email domains does your own company use (for example acme.com)?",
                expected_share=(0.0, 0.05),
            )
        )
    core.append(
        _segment(
            answers,
            "core.suppressed",
            "core",
            "Core",
            "Suppressed Contacts",
            processing_type="DYNAMIC",
            filter_branch=_branch(
                or_(
                    and_(prop_any_of("hs_marketable_status", "false")),
                    and_(prop_bool("hs_email_optout", True)),
                )
            ),
            expected_share=(0.0, 0.6),
            notes=["Not exclusive with anything: suppression applies on top of every send."],
        )
    )
    return core


def _icp(answers: SegmentChoices, context: CatalogContext) -> list[Segment]:
    names = ["Tier 1", "Tier 2", "Tier 3"]
    shares = [(0.0, 0.3), (0.0, 0.4), (0.0, 0.5)]
    icp = context.icp
    if icp is None:
        question = (
            "Where is the ICP tier stored? Name the property (usually on the company, e.g. "
            "hs_ideal_customer_profile or icp_tier) and its Tier 1/2/3 values - or run "
            "/create-icp-tiers first."
        )
        tiers = [
            _segment(
                answers,
                f"icp.tier_{n}",
                "icp",
                "ICP",
                names[n - 1],
                processing_type="DYNAMIC",
                needs_input=question,
                expected_share=shares[n - 1],
            )
            for n in (1, 2, 3)
        ]
        return tiers + [
            _segment(
                answers,
                "icp.non_icp",
                "icp",
                "ICP",
                "Non-ICP",
                processing_type="DYNAMIC",
                needs_input=question,
                expected_share=(0.0, 1.0),
            )
        ]
    segments = []
    reading = answers.company_association
    notes = [_company_note(reading)] if icp.object == "company" else []
    for index, value in enumerate(icp.tier_values):
        tier_filter = prop_any_of(icp.property, value)
        group = and_(_company(tier_filter, reading=reading)) if icp.object == "company" else and_(tier_filter)
        segments.append(
            _segment(
                answers,
                f"icp.tier_{index + 1}",
                "icp",
                "ICP",
                names[index],
                processing_type="DYNAMIC",
                filter_branch=_branch(or_(group)),
                expected_share=shares[index],
                notes=notes,
            )
        )
    # Non-ICP: the tier is anything else or unknown, including contacts with no (primary) company:
    # `associatedcompanyid` is the primary company's id, HubSpot keeps it (the form its UI offers).
    not_a_tier = prop_none_of(icp.property, *icp.tier_values, include_unknown=True)
    if icp.object == "company":
        non_icp = or_(and_(_company(not_a_tier, reading=reading)), and_(prop_unknown("associatedcompanyid")))
        note = "Contacts with no primary company count as Non-ICP."
    else:
        non_icp = or_(and_(not_a_tier))
        note = "Contacts with no tier count as Non-ICP."
    segments.append(
        _segment(
            answers,
            "icp.non_icp",
            "icp",
            "ICP",
            "Non-ICP",
            processing_type="DYNAMIC",
            filter_branch=_branch(non_icp),
            expected_share=(0.0, 1.0),
            notes=[note, *notes],
        )
    )
    return segments


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in text.lower()).strip("_")


def _industries(answers: SegmentChoices, context: CatalogContext) -> list[Segment]:
    segments = []
    if not answers.industries:
        return [
            _segment(
                answers,
                "industry.any",
                "industries",
                "Industry",
                "<Name>",
                processing_type="DYNAMIC",
                needs_input="Which target industries should get a list (for example Manufacturing, Retail, Education)?",
            )
        ]
    mapped = {mapping.word: mapping for mapping in context.industries}
    for word in answers.industries:
        mapping = mapped.get(word)
        name = word.strip().title() if word.islower() else word.strip()
        key = f"industry.{_slug(word)}"
        if mapping is None or not mapping.values:
            segments.append(
                _segment(
                    answers,
                    key,
                    "industries",
                    "Industry",
                    name,
                    processing_type="DYNAMIC",
                    needs_input=(
                        f"{quoted(word)} matches none of the portal's industry values; which values should it cover?"
                    ),
                )
            )
            continue
        segments.append(
            _segment(
                answers,
                key,
                "industries",
                "Industry",
                name,
                processing_type="DYNAMIC",
                filter_branch=_branch(or_(and_(_company(prop_any_of("industry", *mapping.values))))),
                expected_share=(0.0, 0.5),
                notes=[f"Company industry values: {', '.join(mapping.labels)} ({mapping.how})."],
            )
        )
    return segments


def _size(answers: SegmentChoices) -> list[Segment]:
    small, large = answers.size_bands
    reading = answers.company_association
    employees = "numberofemployees"
    bands = [
        ("size.enterprise", "Enterprise", prop_number(employees, "IS_GREATER_THAN_OR_EQUAL_TO", large)),
        ("size.mid_market", "Mid-Market", prop_between(employees, small, large - 1)),
        ("size.smb", "SMB", prop_number(employees, "IS_LESS_THAN", small)),
    ]
    segments = [
        _segment(
            answers,
            key,
            "size",
            "Size",
            name,
            processing_type="DYNAMIC",
            filter_branch=_branch(or_(and_(_company(band, reading=reading)))),
            expected_share=(0.0, 0.8),
            notes=[_company_note(reading)],
        )
        for key, name, band in bands
    ]
    unknown = or_(and_(_company(prop_unknown(employees), reading=reading)), and_(prop_unknown("associatedcompanyid")))
    segments.append(
        _segment(
            answers,
            "size.unknown",
            "size",
            "Size",
            "Unknown Size",
            processing_type="DYNAMIC",
            filter_branch=_branch(unknown),
            expected_share=(0.0, 1.0),
            notes=[
                "Completes the partition: companies without an employee count, and contacts without a primary company.",
                _company_note(reading),
            ],
        )
    )
    return segments


def _regions(answers: SegmentChoices) -> list[Segment]:
    regions = answers.regions or DEFAULT_REGIONS
    segments = [
        _segment(
            answers,
            f"region.{_slug(region)}",
            "regions",
            "Region",
            region,
            processing_type="DYNAMIC",
            filter_branch=_branch(or_(and_(prop_multistring("country", "IS_EQUAL_TO", *countries)))),
            expected_share=(0.0, 0.9),
            notes=[f"Country is one of: {', '.join(countries)}."],
        )
        for region, countries in regions.items()
    ]
    every_country = [country for countries in regions.values() for country in countries]
    other = or_(and_(prop_multistring("country", "IS_NOT_EQUAL_TO", *every_country, include_unknown=True)))
    segments.append(
        _segment(
            answers,
            "region.other",
            "regions",
            "Region",
            "Other or Unknown",
            processing_type="DYNAMIC",
            filter_branch=_branch(other),
            expected_share=(0.0, 1.0),
            notes=["Completes the partition: other countries and contacts with no country."],
        )
    )
    return segments


def _engagement(answers: SegmentChoices, context: CatalogContext) -> list[Segment]:
    zone = context.zone
    signals = answers.signals
    window = max(signal.window_days for signal in signals)
    label = " or ".join(SIGNAL_LABELS[signal.kind] for signal in signals)
    engaged_name = f"Highly Engaged ({window} days)"
    engaged = or_(
        *[and_(prop_in_last_days(SIGNAL_PROPERTIES[signal.kind], signal.window_days, zone=zone)) for signal in signals]
    )
    quiet = [
        prop_before_days_ago(
            SIGNAL_PROPERTIES[signal.kind], answers.disengaged_after_days, zone=zone, include_unknown=True
        )
        for signal in signals
    ]
    # "Engaged at some time" is an OR over the signals: one group per signal that is known.
    disengaged = or_(*[and_(prop_known(SIGNAL_PROPERTIES[signal.kind]), *quiet) for signal in signals])
    never = or_(
        and_(
            *[prop_unknown(SIGNAL_PROPERTIES[signal.kind]) for signal in signals],
            prop_before_days_ago("createdate", answers.never_engaged_min_age_days, zone=zone),
        )
    )
    months = answers.disengaged_after_days // 30
    return [
        _segment(
            answers,
            "engagement.highly_engaged",
            "engagement",
            "Engagement",
            engaged_name,
            processing_type="DYNAMIC",
            filter_branch=_branch(engaged),
            expected_share=(0.01, 0.7),
            notes=[f"Active = {label} within its window."],
        ),
        _segment(
            answers,
            "engagement.disengaged",
            "engagement",
            "Engagement",
            f"Disengaged ({months}+ months)",
            processing_type="DYNAMIC",
            filter_branch=_branch(disengaged),
            expected_share=(0.0, 0.8),
            notes=[f"Engaged at some time, no {label} in {answers.disengaged_after_days}+ days."],
        ),
        _segment(
            answers,
            "engagement.never_engaged",
            "engagement",
            "Engagement",
            "Never Engaged",
            processing_type="DYNAMIC",
            filter_branch=_branch(never),
            expected_share=(0.0, 0.8),
            notes=[
                f"No {label} ever, created {answers.never_engaged_min_age_days}+ days ago "
                "(no signal at all, so the three engagement lists stay disjoint)."
            ],
        ),
    ]


# Pairs that must never share a contact: (group name, the two segment keys, why).
EXCLUSIVE_PAIRS: tuple[tuple[str, tuple[str, str], str], ...] = (
    ("customers-vs-competitors", ("core.customers", "core.competitors"), "A competitor is never a customer."),
    ("internal-vs-customers", ("core.internal", "core.customers"), "Employees are not customers."),
    ("internal-vs-competitors", ("core.internal", "core.competitors"), "Employees are not competitors."),
    ("partners-vs-competitors", ("core.partners", "core.competitors"), "A partner is not a competitor."),
)
# Families whose lists must not overlap: (group name, family, partition?, why).
EXCLUSIVE_FAMILIES: tuple[tuple[str, str, bool, str], ...] = (
    ("icp-tiers", "icp", True, "Every contact is in exactly one ICP tier (Non-ICP included)."),
    ("size-bands", "size", True, "Every contact is in exactly one size band."),
    ("regions", "regions", True, "Every contact is in exactly one region."),
    ("engagement", "engagement", False, "Highly Engaged, Disengaged and Never Engaged do not overlap."),
)


def exclusivity_groups(segments: Sequence[Segment]) -> list[ExclusivityGroup]:
    """The declared groups among the given segments (only groups with two or more members)."""
    keys = {segment.key for segment in segments}
    by_family: dict[str, list[str]] = {}
    for segment in segments:
        by_family.setdefault(segment.family, []).append(segment.key)
    candidates = [
        ExclusivityGroup(name=name, members=list(members), description=why) for name, members, why in EXCLUSIVE_PAIRS
    ] + [
        ExclusivityGroup(name=name, members=by_family.get(family, []), partition=partition, description=why)
        for name, family, partition, why in EXCLUSIVE_FAMILIES
    ]
    return [group for group in candidates if len(group.members) >= 2 and set(group.members) <= keys]
