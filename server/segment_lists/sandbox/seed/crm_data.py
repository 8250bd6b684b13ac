"""A deterministic CRM seeder: realistic companies and contacts, written in bulk (no HTTP).

`seed_crm(sandbox, contacts=..., companies=..., seed=...)` returns a `SeedSummary` that names
what was planted (domains, the custom lifecycle stage, the planted overlaps) so tests can compute
their expectations independently from the records themselves. Dates are relative to the portal's
clock. Everything is drawn from one `random.Random(seed)`: the same arguments give the same data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from pydantic import BaseModel

from segment_lists.sandbox.clock import iso
from segment_lists.sandbox.crm import associations, records
from segment_lists.sandbox.crm.object_types import COMPANIES, CONTACTS
from segment_lists.sandbox.crm.properties import get_property, update_property
from segment_lists.sandbox.errors import HubSpotError

if TYPE_CHECKING:
    from segment_lists.sandbox.instance import Sandbox

INDUSTRIES = (
    "COMPUTER_SOFTWARE",
    "INFORMATION_TECHNOLOGY_AND_SERVICES",
    "FINANCIAL_SERVICES",
    "HOSPITAL_HEALTH_CARE",
    "RETAIL",
    "MARKETING_AND_ADVERTISING",
    "EDUCATION_MANAGEMENT",
    "INTERNET",
    "TELECOMMUNICATIONS",
    "CONSTRUCTION",
    "REAL_ESTATE",
    "BANKING",
    "INSURANCE",
    "LOGISTICS_AND_SUPPLY_CHAIN",
    "AUTOMOTIVE",
    "PHARMACEUTICALS",
    "COMPUTER_NETWORK_SECURITY",
    "MANAGEMENT_CONSULTING",
    "FOOD_BEVERAGES",
)
COUNTRIES = (
    ("United States", 40),
    ("Canada", 8),
    ("United Kingdom", 10),
    ("Germany", 8),
    ("France", 6),
    ("Netherlands", 3),
    ("Australia", 5),
    ("India", 6),
    ("Japan", 3),
    ("Singapore", 2),
    ("Brazil", 4),
    ("Mexico", 2),
    ("", 3),
)
ICP_TIERS = (("tier_1", 10), ("tier_2", 20), ("tier_3", 30), ("", 40))
# The portal's own custom lifecycle stage (HubSpot gives custom stages numeric-string values).
CUSTOM_STAGE = ("2497212665", "Churned Customer")
LIFECYCLE = (
    ("subscriber", 15),
    ("lead", 25),
    ("marketingqualifiedlead", 12),
    ("salesqualifiedlead", 8),
    ("opportunity", 6),
    ("customer", 14),
    ("evangelist", 3),
    ("other", 3),
    (CUSTOM_STAGE[0], 4),
    ("", 10),
)
FREE_EMAIL_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "icloud.com")
COMPETITOR_DOMAINS = ("rivalsoft.example", "competeco.example", "contendr.example")
FIRST_NAMES = (
    "Ada",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kira",
    "Liam",
    "Maya",
    "Noah",
    "Olga",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Victor",
    "Wen",
    "Yara",
    "Zoe",
)
LAST_NAMES = (
    "Adams",
    "Brown",
    "Chen",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ito",
    "Jensen",
    "Kim",
    "Lopez",
    "Martin",
    "Nguyen",
    "Okafor",
    "Patel",
    "Rossi",
    "Silva",
    "Tanaka",
    "Usman",
    "Varga",
    "Weber",
)
NAME_PARTS = (
    (
        "Blue",
        "North",
        "Bright",
        "Iron",
        "Silver",
        "Clear",
        "Summit",
        "Harbor",
        "Nimbus",
        "Quantum",
        "Cedar",
        "Atlas",
        "Vertex",
        "Pioneer",
        "Lumen",
        "Orbit",
    ),
    (
        "Analytics",
        "Systems",
        "Labs",
        "Health",
        "Logistics",
        "Capital",
        "Retail",
        "Works",
        "Media",
        "Networks",
        "Foods",
        "Motors",
        "Learning",
        "Security",
        "Partners",
        "Realty",
    ),
)


class SeedSummary(BaseModel):
    contacts: int
    companies: int
    company_domains: list[str]
    competitor_domains: list[str]
    internal_domain: str
    free_email_domains: list[str]
    custom_lifecycle_stage: str
    internal_employees: int
    competitor_contacts: int
    competitor_customers: int  # planted overlap: competitor-domain contacts whose stage is customer
    contacts_without_company: int
    # Contacts with companies besides their primary one (one or two more; the first of another ICP
    # tier), so "any associated company" and "the primary company" give different answers.
    contacts_with_several_companies: int
    contact_ids: list[int]
    company_ids: list[int]


@dataclass
class _Company:
    domain: str
    tier: str
    props: dict[str, str]
    id: int = 0


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _ensure_custom_stage(sandbox: Sandbox) -> None:
    definition = get_property(sandbox, CONTACTS.type_id, "lifecyclestage")
    if any(o["value"] == CUSTOM_STAGE[0] for o in definition["options"]):
        return
    options = [
        *definition["options"],
        {
            "label": CUSTOM_STAGE[1],
            "value": CUSTOM_STAGE[0],
            "displayOrder": len(definition["options"]),
            "hidden": False,
        },
    ]
    update_property(sandbox, CONTACTS.type_id, "lifecyclestage", {"options": options})


def _make_company(rng: random.Random, index: int, now: datetime, used: set[str]) -> _Company:
    name = f"{rng.choice(NAME_PARTS[0])} {rng.choice(NAME_PARTS[1])}"
    slug = name.lower().replace(" ", "")
    domain = f"{slug}.com" if f"{slug}.com" not in used else f"{slug}{index}.com"
    used.add(domain)
    band = rng.random()
    employees = rng.randint(1, 99) if band < 0.5 else rng.randint(100, 999) if band < 0.85 else rng.randint(1000, 50000)
    tier = _weighted(rng, ICP_TIERS)
    props = {
        "name": name if domain == f"{slug}.com" else f"{name} {index}",
        "domain": domain,
        "industry": "" if rng.random() < 0.05 else rng.choice(INDUSTRIES),
        "numberofemployees": str(employees),
        "country": _weighted(rng, COUNTRIES),
        "hs_ideal_customer_profile": tier,
        "lifecyclestage": rng.choice(("lead", "opportunity", "customer", "customer", "")),
    }
    return _Company(domain, tier, props)


def _more_companies(
    rng: random.Random, primary: _Company, companies: list[_Company], by_tier: dict[str, list[_Company]]
) -> list[_Company]:
    """Companies a contact also works with besides its primary one (about 5% of contacts): one of
    another known ICP tier, sometimes one more of any kind."""
    other_tiers = [t for t in by_tier if t and t != primary.tier]
    if not primary.tier or not other_tiers or rng.random() >= 0.05:
        return []
    extras = [rng.choice(by_tier[rng.choice(other_tiers)])]
    if rng.random() < 0.3:
        third = rng.choice(companies)
        if third is not primary and third not in extras:
            extras.append(third)
    return extras


def _engagement(rng: random.Random, created: datetime, now: datetime) -> tuple[str, str]:
    """Last open and last click (ISO or ""), after creation; some contacts click without an open."""
    span = (now - created).total_seconds()
    roll = rng.random()
    if roll < 0.55:
        opened = created + timedelta(seconds=rng.random() * span)
        clicked = ""
        if rng.random() < 0.6:
            clicked = iso(opened + timedelta(seconds=rng.random() * (now - opened).total_seconds() * 0.1))
        return iso(opened), clicked
    if roll < 0.58:  # a recorded click with no recorded open (images blocked)
        return "", iso(created + timedelta(seconds=rng.random() * span))
    return "", ""


def _person(rng: random.Random, index: int, domain: str) -> dict[str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return {"firstname": first, "lastname": last, "email": f"{first}.{last}.{index}@{domain}".lower()}


def seed_crm(sandbox: Sandbox, *, contacts: int, companies: int, seed: int) -> SeedSummary:
    if contacts < 0 or companies < 0:
        raise HubSpotError(400, "VALIDATION_ERROR", "contacts and companies must be >= 0")
    rng = random.Random(seed)
    now = sandbox.clock.now()
    _ensure_custom_stage(sandbox)

    def created_at() -> datetime:
        return now - timedelta(seconds=rng.random() * 730 * 86400)

    # Companies first: contacts point at them.
    used: set[str] = set()
    company_list = [_make_company(rng, i, now, used) for i in range(companies)]
    company_rows = [(c.props, iso(created_at())) for c in company_list]
    company_ids = records.bulk_insert(sandbox, COMPANIES.type_id, company_rows) if company_rows else []
    for company, company_id in zip(company_list, company_ids, strict=True):
        company.id = company_id
    by_tier: dict[str, list[_Company]] = {}
    for company in company_list:
        by_tier.setdefault(company.tier, []).append(company)

    internal = min(50, max(1, contacts // 200)) if contacts else 0
    competitor = min(300, max(2, contacts // 100)) if contacts >= 4 else 0
    internal_domain = sandbox.config.company_domain
    rows: list[tuple[dict[str, str], str]] = []
    links: list[tuple[int, int, bool]] = []  # (contact row index, company id, primary)
    competitor_customers = without_company = several_companies = 0

    for index in range(contacts):
        created = created_at()
        last_open, last_click = _engagement(rng, created, now)
        props: dict[str, str] = {
            "lifecyclestage": _weighted(rng, LIFECYCLE),
            "hs_marketable_status": "true" if rng.random() < 0.8 else "false",
            "hs_email_optout": "true" if rng.random() < 0.08 else ("false" if rng.random() < 0.75 else ""),
            "hs_email_last_open_date": last_open,
            "hs_email_last_click_date": last_click,
            "country": _weighted(rng, COUNTRIES),
        }
        if index < internal:
            # Our own people: at the portal's domain, never customers, no company record.
            props.update(_person(rng, index, internal_domain), lifecyclestage="other")
            without_company += 1
        elif index < internal + competitor:
            # People at competitors; half of them are also marked customers (the planted overlap).
            props.update(_person(rng, index, COMPETITOR_DOMAINS[index % len(COMPETITOR_DOMAINS)]))
            if index % 2 == 0:
                props["lifecyclestage"] = "customer"
            competitor_customers += props["lifecyclestage"] == "customer"
            without_company += 1
        elif not company_list or rng.random() < 0.12:
            props.update(_person(rng, index, rng.choice(FREE_EMAIL_DOMAINS)))
            without_company += 1
        else:
            company = rng.choice(company_list)
            domain = company.domain if rng.random() < 0.7 else rng.choice(FREE_EMAIL_DOMAINS)
            props.update(_person(rng, index, domain))
            props["associatedcompanyid"] = str(company.id)
            links.append((index, company.id, True))
            extras = _more_companies(rng, company, company_list, by_tier)
            links += [(index, extra.id, False) for extra in extras]
            several_companies += bool(extras)
        rows.append(({k: v for k, v in props.items() if v != ""}, iso(created)))

    contact_ids = records.bulk_insert(sandbox, CONTACTS.type_id, rows) if rows else []
    associations.bulk_associate(sandbox, [(contact_ids[i], company_id, primary) for i, company_id, primary in links])
    # Associations came after the records: let DYNAMIC lists see them.
    if contact_ids:
        sandbox.records_changed(CONTACTS.type_id, contact_ids)
    if company_ids:
        sandbox.records_changed(COMPANIES.type_id, company_ids)
    return SeedSummary(
        contacts=contacts,
        companies=companies,
        company_domains=[c.domain for c in company_list],
        competitor_domains=list(COMPETITOR_DOMAINS),
        internal_domain=internal_domain,
        free_email_domains=list(FREE_EMAIL_DOMAINS),
        custom_lifecycle_stage=CUSTOM_STAGE[0],
        internal_employees=internal,
        competitor_contacts=competitor,
        competitor_customers=competitor_customers,
        contacts_without_company=without_company,
        contacts_with_several_companies=several_companies,
        contact_ids=contact_ids,
        company_ids=company_ids,
    )
