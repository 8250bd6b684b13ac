"""Definitions that can never share a contact are recognised; anything less certain is not.

Pure domain tests of `domain.disjoint` on branches written with the filter builders (the same
builders the catalog uses). A wrong "disjoint" would hide a real overlap from the user, so the
negative cases matter as much as the positive ones.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from segment_lists.domain.catalog import ANY_COMPANY_TYPE, PRIMARY_COMPANY_TYPE
from segment_lists.domain.disjoint import PRIMARY_COMPANY, certainly_disjoint
from segment_lists.filters import (
    and_,
    association,
    or_,
    prop_any_of,
    prop_between,
    prop_known,
    prop_none_of,
    prop_number,
    prop_unknown,
)
from segment_lists.filters.builders import prop_in_last_days, prop_not_in_last_days

NOW = datetime(2026, 11, 30, tzinfo=UTC)
SINGLE = {"lifecyclestage", "associatedcompanyid", "hs_email_last_open_date"} | {
    PRIMARY_COMPANY + name for name in ("hs_ideal_customer_profile", "numberofemployees")
}


def _company(*filters: Any, type_id: int = PRIMARY_COMPANY_TYPE) -> Any:
    return association("0-2", association_type_id=type_id, filters=list(filters))


def _tier(*values: str, type_id: int = PRIMARY_COMPANY_TYPE) -> dict[str, Any]:
    return or_(and_(_company(prop_any_of("hs_ideal_customer_profile", *values), type_id=type_id))).to_hubspot()


def _non_icp(type_id: int = PRIMARY_COMPANY_TYPE) -> dict[str, Any]:
    not_a_tier = prop_none_of("hs_ideal_customer_profile", "tier_1", "tier_2", "tier_3", include_unknown=True)
    return or_(and_(_company(not_a_tier, type_id=type_id)), and_(prop_unknown("associatedcompanyid"))).to_hubspot()


def _disjoint(a: dict[str, Any], b: dict[str, Any], single: set[str] = SINGLE) -> bool:
    return certainly_disjoint(a, b, single.__contains__, now=NOW, zone="UTC") and certainly_disjoint(
        b, a, single.__contains__, now=NOW, zone="UTC"
    )


def test_tiers_of_the_primary_company_never_meet_each_other_or_non_icp() -> None:
    assert _disjoint(_tier("tier_1"), _tier("tier_2"))
    assert _disjoint(_tier("tier_3"), _non_icp())


def test_the_same_tiers_through_any_company_can_meet() -> None:
    # A contact with two companies, one Tier 1 and one Tier 2, is in both lists.
    assert not _disjoint(_tier("tier_1", type_id=ANY_COMPANY_TYPE), _tier("tier_2", type_id=ANY_COMPANY_TYPE))
    assert not _disjoint(_tier("tier_1", type_id=ANY_COMPANY_TYPE), _non_icp(type_id=ANY_COMPANY_TYPE))


def test_overlapping_value_sets_and_unsure_properties_prove_nothing() -> None:
    assert not _disjoint(_tier("tier_1", "tier_2"), _tier("tier_2"))
    assert not _disjoint(_tier("Tier_1"), _tier("tier_1"))  # HubSpot's matching ignores case
    # Without knowing the property holds one value (a multi-select checkbox holds "a;b"), no proof.
    assert not _disjoint(_tier("tier_1"), _tier("tier_2"), single={"associatedcompanyid"})


def test_size_bands_are_disjoint_ranges_and_overlapping_ranges_are_not() -> None:
    def band(*filters: Any) -> dict[str, Any]:
        return or_(and_(_company(*filters))).to_hubspot()

    enterprise = band(prop_number("numberofemployees", "IS_GREATER_THAN_OR_EQUAL_TO", 1000))
    mid = band(prop_between("numberofemployees", 200, 999))
    smb = band(prop_number("numberofemployees", "IS_LESS_THAN", 200))
    unknown = or_(
        and_(_company(prop_unknown("numberofemployees"))), and_(prop_unknown("associatedcompanyid"))
    ).to_hubspot()
    for a, b in [(enterprise, mid), (mid, smb), (enterprise, smb), (mid, unknown), (smb, unknown)]:
        assert _disjoint(a, b)
    assert not _disjoint(band(prop_between("numberofemployees", 200, 1000)), enterprise)  # both hold 1,000
    assert not _disjoint(band(prop_number("numberofemployees", "IS_LESS_THAN_OR_EQUAL_TO", 200)), mid)


def test_contact_conditions_contradict_on_values_known_and_dates() -> None:
    customers = or_(and_(prop_any_of("lifecyclestage", "customer"))).to_hubspot()
    others = or_(and_(prop_known("lifecyclestage"), prop_none_of("lifecyclestage", "customer"))).to_hubspot()
    no_stage = or_(and_(prop_unknown("lifecyclestage"))).to_hubspot()
    assert _disjoint(customers, others) and _disjoint(customers, no_stage)
    opened_lately = or_(and_(prop_in_last_days("hs_email_last_open_date", 90))).to_hubspot()
    opened_long_ago = or_(and_(prop_not_in_last_days("hs_email_last_open_date", 180))).to_hubspot()
    assert _disjoint(opened_lately, opened_long_ago)
    # One group of an OR that can meet the other list is enough to prove nothing.
    customers_or_unknown = or_(and_(prop_any_of("lifecyclestage", "customer")), and_(prop_known("email"))).to_hubspot()
    assert not _disjoint(customers_or_unknown, no_stage)


def test_definitions_it_cannot_read_prove_nothing() -> None:
    in_list = {
        "filterBranchType": "OR",
        "filters": [],
        "filterBranches": [
            {
                "filterBranchType": "AND",
                "filterBranches": [],
                "filters": [{"filterType": "IN_LIST", "listId": "7", "operator": "IN_LIST"}],
            }
        ],
    }
    assert not _disjoint(in_list, _tier("tier_1"))
    assert not _disjoint({}, _tier("tier_1"))
