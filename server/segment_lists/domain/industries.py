"""Map the user's industry words to the portal's `industry` enumeration values.

The words marketing people use ("Manufacturing", "Professional Services") are not HubSpot's values
(there is no MANUFACTURING option; there are MACHINERY, INDUSTRIAL_AUTOMATION, ...). A curated map
covers the common verticals; anything else is matched against the portal's own option labels.
The mapping is always shown to the user for confirmation, and an unmatched word is never guessed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence

from segment_lists.domain.catalog import IndustryMapping

# Verticals -> HubSpot's default company `industry` values. Only values that exist in the portal
# are used, so a portal with custom options still gets a truthful mapping.
VERTICALS: dict[str, tuple[str, ...]] = {
    "manufacturing": (
        "MACHINERY",
        "INDUSTRIAL_AUTOMATION",
        "ELECTRICAL_ELECTRONIC_MANUFACTURING",
        "MECHANICAL_OR_INDUSTRIAL_ENGINEERING",
        "AUTOMOTIVE",
        "CHEMICALS",
        "PLASTICS",
        "BUILDING_MATERIALS",
        "TEXTILES",
        "PACKAGING_AND_CONTAINERS",
        "PAPER_FOREST_PRODUCTS",
        "GLASS_CERAMICS_CONCRETE",
        "SHIPBUILDING",
        "RAILROAD_MANUFACTURE",
        "SEMICONDUCTORS",
        "FURNITURE",
    ),
    "professional services": (
        "ACCOUNTING",
        "LEGAL_SERVICES",
        "LAW_PRACTICE",
        "MANAGEMENT_CONSULTING",
        "HUMAN_RESOURCES",
        "STAFFING_AND_RECRUITING",
        "MARKETING_AND_ADVERTISING",
        "PUBLIC_RELATIONS_AND_COMMUNICATIONS",
        "MARKET_RESEARCH",
        "OUTSOURCING_OFFSHORING",
        "ARCHITECTURE_PLANNING",
        "DESIGN",
        "TRANSLATION_AND_LOCALIZATION",
        "PROFESSIONAL_TRAINING_COACHING",
    ),
    "retail": (
        "RETAIL",
        "SUPERMARKETS",
        "APPAREL_FASHION",
        "LUXURY_GOODS_JEWELRY",
        "CONSUMER_GOODS",
        "SPORTING_GOODS",
        "WHOLESALE",
        "COSMETICS",
    ),
    "education": ("EDUCATION_MANAGEMENT", "HIGHER_EDUCATION", "PRIMARY_SECONDARY_EDUCATION", "E_LEARNING"),
    "logistics": (
        "LOGISTICS_AND_SUPPLY_CHAIN",
        "PACKAGE_FREIGHT_DELIVERY",
        "WAREHOUSING",
        "TRANSPORTATION_TRUCKING_RAILROAD",
        "MARITIME",
        "IMPORT_AND_EXPORT",
    ),
    "healthcare": (
        "HOSPITAL_HEALTH_CARE",
        "MEDICAL_PRACTICE",
        "MEDICAL_DEVICES",
        "MENTAL_HEALTH_CARE",
        "HEALTH_WELLNESS_AND_FITNESS",
        "PHARMACEUTICALS",
        "BIOTECHNOLOGY",
    ),
    "technology": (
        "COMPUTER_SOFTWARE",
        "INTERNET",
        "INFORMATION_TECHNOLOGY_AND_SERVICES",
        "COMPUTER_NETWORK_SECURITY",
        "COMPUTER_HARDWARE",
        "COMPUTER_NETWORKING",
        "INFORMATION_SERVICES",
        "SEMICONDUCTORS",
        "WIRELESS",
    ),
    "software": ("COMPUTER_SOFTWARE", "INTERNET", "INFORMATION_TECHNOLOGY_AND_SERVICES"),
    "financial services": (
        "FINANCIAL_SERVICES",
        "BANKING",
        "INSURANCE",
        "INVESTMENT_BANKING",
        "INVESTMENT_MANAGEMENT",
        "CAPITAL_MARKETS",
        "VENTURE_CAPITAL_PRIVATE_EQUITY",
    ),
    "construction": ("CONSTRUCTION", "CIVIL_ENGINEERING", "BUILDING_MATERIALS", "ARCHITECTURE_PLANNING"),
    "real estate": ("REAL_ESTATE", "COMMERCIAL_REAL_ESTATE"),
    "energy": ("OIL_ENERGY", "UTILITIES", "RENEWABLES_ENVIRONMENT"),
    "government": (
        "GOVERNMENT_ADMINISTRATION",
        "GOVERNMENT_RELATIONS",
        "LEGISLATIVE_OFFICE",
        "JUDICIARY",
        "PUBLIC_POLICY",
        "PUBLIC_SAFETY",
        "MILITARY",
        "LAW_ENFORCEMENT",
    ),
    "nonprofit": (
        "NON_PROFIT_ORGANIZATION_MANAGEMENT",
        "PHILANTHROPY",
        "FUND_RAISING",
        "CIVIC_SOCIAL_ORGANIZATION",
        "RELIGIOUS_INSTITUTIONS",
    ),
    "hospitality": (
        "HOSPITALITY",
        "RESTAURANTS",
        "LEISURE_TRAVEL_TOURISM",
        "FOOD_BEVERAGES",
        "EVENTS_SERVICES",
        "RECREATIONAL_FACILITIES_AND_SERVICES",
    ),
    "media": (
        "BROADCAST_MEDIA",
        "ONLINE_MEDIA",
        "MEDIA_PRODUCTION",
        "PUBLISHING",
        "NEWSPAPERS",
        "MOTION_PICTURES_AND_FILM",
        "ENTERTAINMENT",
        "MUSIC",
    ),
    "telecommunications": ("TELECOMMUNICATIONS", "WIRELESS"),
}
ALIASES: dict[str, str] = {
    "manufacturers": "manufacturing",
    "industrial": "manufacturing",
    "services": "professional services",
    "consulting": "professional services",
    "ecommerce": "retail",
    "e-commerce": "retail",
    "consumer": "retail",
    "higher ed": "education",
    "edtech": "education",
    "schools": "education",
    "supply chain": "logistics",
    "transportation": "logistics",
    "shipping": "logistics",
    "health care": "healthcare",
    "health": "healthcare",
    "medical": "healthcare",
    "life sciences": "healthcare",
    "tech": "technology",
    "it": "technology",
    "saas": "software",
    "finance": "financial services",
    "fintech": "financial services",
    "banking": "financial services",
    "insurance": "financial services",
    "non-profit": "nonprofit",
    "not for profit": "nonprofit",
    "public sector": "government",
    "telecom": "telecommunications",
    "telco": "telecommunications",
}


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def map_industries(words: Sequence[str], options: Mapping[str, str]) -> list[IndustryMapping]:
    """`options`: the portal's `industry` option value -> label."""
    by_label = {_key(label): value for value, label in options.items()}
    by_value = {_key(value): value for value in options}
    mappings = []
    for word in words:
        key = _key(word)
        vertical = ALIASES.get(key, key)
        values: list[str] = []
        how = "unmatched"
        if key in by_label or key in by_value:
            values, how = [by_label.get(key) or by_value[key]], "label"
        elif vertical in VERTICALS:
            values = [value for value in VERTICALS[vertical] if value in options]
            how = "vertical" if values else "unmatched"
        if not values:
            containing = [value for label_key, value in by_label.items() if key and key in label_key]
            if containing:
                values, how = containing, "label"
        if not values:
            close = difflib.get_close_matches(key, list(by_label), n=2, cutoff=0.8)
            if close:
                values, how = [by_label[label_key] for label_key in close], "close match"
        mappings.append(IndustryMapping(word=word, values=values, labels=[options[v] for v in values], how=how))
    return mappings
