"""What every catalog segment should contain, computed in plain Python from a sandbox's raw records.

The end-to-end test compares the lists the product creates with these sets. To be a real check it
must not share code with what it checks: the records are read straight from the sandbox's SQLite
tables (`objects`, `associations`, `users`), never through the sandbox's filter evaluator, list
engine or CRM search, and the semantics are written from DESIGN.md section 4 (and HubSpot's
documented behaviour of the filters the catalog uses), not from the product's filter code:

- "in the last N days" (TIME_RANGED, both ends inclusive) = from the start of today minus N days, in
  the portal's time zone, to now. Days move the wall-clock date, so a DST change in between does not
  shift that midnight by an hour.
- "more than N days ago" (TIME_POINT IS_BEFORE, EXCLUSIVE) = strictly before the start of today
  minus N days.
- ICP tiers and size bands read the contact's primary company (association type 1, at most one), so
  each contact is in exactly one tier and one band; with `company_reading="any"` they read every
  associated company (any association type), and a contact with several companies can be in several.
  "No company" is the contact's `associatedcompanyid` (its primary company's id) being unset.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

CONTACT, COMPANY = "0-1", "0-2"
PRIMARY = 1  # HubSpot's contact -> company primary association type
TIERS = ("tier_1", "tier_2", "tier_3")
TIER_KEYS = ("icp.tier_1", "icp.tier_2", "icp.tier_3", "icp.non_icp")
SIZE_KEYS = ("size.enterprise", "size.mid_market", "size.smb", "size.unknown")
ENGAGEMENT_KEYS = ("engagement.highly_engaged", "engagement.disengaged", "engagement.never_engaged")


@dataclass(frozen=True)
class PortalData:
    """The raw records of one portal: property values as stored (strings), associations as rows."""

    contacts: dict[str, dict[str, str]]
    companies: dict[str, dict[str, str]]
    contact_companies: dict[str, set[str]]  # contact id -> associated company ids (any association type)
    contact_primary: dict[str, str]  # contact id -> its primary company's id (association type 1)
    user_domains: set[str]


@dataclass(frozen=True)
class DemoAnswers:
    """The interview answers the demo gives: the defaults plus competitor domains and a partner marker."""

    competitor_domains: Sequence[str]
    partner_property: str = "contact_type"
    partner_values: Sequence[str] = ("partner",)
    partner_object: str = "contact"  # or "company": any associated company has the value
    customer_stages: Sequence[str] = ("customer",)
    signals: Sequence[str] = ("hs_email_last_open_date", "hs_email_last_click_date")
    active_days: int = 90
    disengaged_days: int = 180
    never_engaged_min_age_days: int = 30
    families: Sequence[str] = ("core", "icp", "engagement")
    company_reading: str = "primary"  # ICP tiers and size bands: "primary" company or "any" company
    size_bands: tuple[int, int] = (100, 1000)


@dataclass(frozen=True)
class ExpectedGroup:
    name: str
    members: tuple[str, ...]  # segment keys
    partition: bool = False
    overlaps: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # pair of keys -> common ids
    uncovered: set[str] | None = None


def read_portal(store: Any) -> PortalData:
    """Everything the expectations need, read with plain SQL from the sandbox's store."""
    with store.read() as db:
        objects = db.execute("SELECT object_type, id, properties FROM objects WHERE archived = 0").fetchall()
        links = db.execute(
            "SELECT from_id, to_id, type_id FROM associations WHERE from_type = ? AND to_type = ?", (CONTACT, COMPANY)
        ).fetchall()
        users = db.execute("SELECT data FROM users").fetchall()
    contacts = {str(row[1]): json.loads(row[2]) for row in objects if row[0] == CONTACT}
    companies = {str(row[1]): json.loads(row[2]) for row in objects if row[0] == COMPANY}
    contact_companies: dict[str, set[str]] = {}
    contact_primary: dict[str, str] = {}
    for contact_id, company_id, type_id in links:
        if str(contact_id) in contacts and str(company_id) in companies:
            contact_companies.setdefault(str(contact_id), set()).add(str(company_id))
            if type_id == PRIMARY:
                contact_primary[str(contact_id)] = str(company_id)
    user_domains = {_domain(json.loads(row[0]).get("email")) for row in users} - {None}
    return PortalData(contacts, companies, contact_companies, contact_primary, {d for d in user_domains if d})


def _domain(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    return email.rsplit("@", 1)[1].strip().lower()


def parse_instant(value: str | None) -> datetime | None:
    """A datetime property value: HubSpot stores ISO-8601 (with Z) or epoch milliseconds."""
    if value is None or value == "":
        return None
    if value.lstrip("-").isdigit():
        return datetime.fromtimestamp(int(value) / 1000, UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def days_before_today(now: datetime, zone: ZoneInfo, days: int) -> datetime:
    """Midnight, `days` calendar days before today, in `zone` (wall-clock arithmetic)."""
    today = now.astimezone(zone).date()
    return datetime.combine(today - timedelta(days=days), time(0), tzinfo=zone)


def expected_members(data: PortalData, answers: DemoAnswers, now: datetime, zone: ZoneInfo) -> dict[str, set[str]]:
    """Segment key -> the contact ids that belong to it, for every catalog segment the demo creates."""
    competitors = {d.lower() for d in answers.competitor_domains}
    active_from = days_before_today(now, zone, answers.active_days)
    quiet_before = days_before_today(now, zone, answers.disengaged_days)
    created_before = days_before_today(now, zone, answers.never_engaged_min_age_days)
    members: dict[str, set[str]] = {key: set() for key in _KEYS}
    for contact_id, props in data.contacts.items():
        domain = _domain(props.get("email"))
        if props.get("lifecyclestage") in answers.customer_stages:
            members["core.customers"].add(contact_id)
        if answers.partner_object == "contact":
            is_partner = props.get(answers.partner_property) in answers.partner_values
        else:
            is_partner = any(
                data.companies[c].get(answers.partner_property) in answers.partner_values
                for c in data.contact_companies.get(contact_id, ())
            )
        if is_partner:
            members["core.partners"].add(contact_id)
        if domain in competitors:
            members["core.competitors"].add(contact_id)
        if domain in data.user_domains:
            members["core.internal"].add(contact_id)
        if props.get("hs_marketable_status") == "false" or props.get("hs_email_optout") == "true":
            members["core.suppressed"].add(contact_id)

        companies = _companies(data, contact_id, answers.company_reading)
        no_company = not props.get("associatedcompanyid")
        tiers = [data.companies[c].get("hs_ideal_customer_profile") or "" for c in companies]
        for n, tier in enumerate(TIERS, start=1):
            if tier in tiers:
                members[f"icp.tier_{n}"].add(contact_id)
        if no_company or any(tier not in TIERS for tier in tiers):
            members["icp.non_icp"].add(contact_id)
        small, large = answers.size_bands
        sizes = [data.companies[c].get("numberofemployees") for c in companies]
        counts = [float(size) for size in sizes if size not in (None, "")]
        if any(count >= large for count in counts):
            members["size.enterprise"].add(contact_id)
        if any(small <= count <= large - 1 for count in counts):
            members["size.mid_market"].add(contact_id)
        if any(count < small for count in counts):
            members["size.smb"].add(contact_id)
        if no_company or any(size in (None, "") for size in sizes):
            members["size.unknown"].add(contact_id)

        signals = [parse_instant(props.get(name)) for name in answers.signals]
        known = [moment for moment in signals if moment is not None]
        if any(active_from <= moment <= now for moment in known):
            members["engagement.highly_engaged"].add(contact_id)
        if known and all(moment < quiet_before for moment in known):
            members["engagement.disengaged"].add(contact_id)
        created = parse_instant(props.get("createdate"))
        if not known and created is not None and created < created_before:
            members["engagement.never_engaged"].add(contact_id)
    return {key: ids for key, ids in members.items() if FAMILY_OF[key.split(".")[0]] in answers.families}


FAMILY_OF = {"core": "core", "icp": "icp", "size": "size", "engagement": "engagement"}


def _companies(data: PortalData, contact_id: str, reading: str) -> list[str]:
    """The companies whose properties decide a contact's tier and size band."""
    if reading == "primary":
        primary = data.contact_primary.get(contact_id)
        return [primary] if primary else []
    return sorted(data.contact_companies.get(contact_id, ()))


def several_companies(data: PortalData) -> set[str]:
    """Contacts associated with more than one company."""
    return {contact for contact, companies in data.contact_companies.items() if len(companies) > 1}


_KEYS = (
    "core.customers",
    "core.partners",
    "core.competitors",
    "core.internal",
    "core.suppressed",
    *TIER_KEYS,
    *SIZE_KEYS,
    *ENGAGEMENT_KEYS,
)

# DESIGN.md section 4: the declared exclusivity groups (names as the product reports them).
GROUPS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("customers-vs-competitors", ("core.customers", "core.competitors"), False),
    ("internal-vs-customers", ("core.internal", "core.customers"), False),
    ("internal-vs-competitors", ("core.internal", "core.competitors"), False),
    ("partners-vs-competitors", ("core.partners", "core.competitors"), False),
    ("icp-tiers", TIER_KEYS, True),
    ("size-bands", SIZE_KEYS, True),
    ("engagement", ENGAGEMENT_KEYS, False),
)


def expected_groups(members: Mapping[str, set[str]], all_contacts: Iterable[str]) -> list[ExpectedGroup]:
    """Pairwise intersections of every declared group whose lists exist; for partitions, the contacts in
    no member."""
    everyone = set(all_contacts)
    groups = []
    for name, keys, partition in GROUPS:
        if not all(key in members for key in keys):
            continue
        overlaps = {(a, b): members[a] & members[b] for a, b in itertools.combinations(keys, 2)}
        uncovered = everyone - set().union(*(members[k] for k in keys)) if partition else None
        groups.append(ExpectedGroup(name, keys, partition, overlaps, uncovered))
    return groups
