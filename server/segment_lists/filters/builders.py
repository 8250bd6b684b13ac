"""Small builders so a segment definition reads like a sentence.

    or_(and_(prop_any_of("lifecyclestage", "customer")))
    or_(and_(prop_bool("hs_email_optout", True)), and_(prop_any_of("hs_marketable_status", "false")))
    and_(association(to="company", filters=[prop_any_of("hs_ideal_customer_profile", "tier_1")]))

Each returns a model; `.to_hubspot()` gives the JSON, already in HubSpot's normalized (echoed) form,
so what is sent equals what comes back. Every property builder takes `include_unknown` (HubSpot's
`includeObjectsWithNoValueSet`: whether records with no value pass; false unless said).
"""

from __future__ import annotations

from collections.abc import Sequence

from .models import (
    AllPropertyOperation,
    AndBranch,
    AssociationBranch,
    BoolOperation,
    ConstantFilter,
    DatePoint,
    EmailSubscriptionFilter,
    EnumerationOperation,
    Filter,
    FilterBranch,
    IndexedTimePoint,
    IndexOffset,
    IndexReference,
    InListFilter,
    MultiStringOperation,
    NumberOperation,
    NumberRangedOperation,
    Operation,
    OrBranch,
    PropertyFilter,
    StringOperation,
    TimePointOperation,
    TimeRangedOperation,
)
from .vocab import CONTACT_ASSOCIATION_TYPE_IDS, OBJECT_TYPE_IDS

# --- branches ------------------------------------------------------------------------------------


def or_(*groups: AndBranch) -> OrBranch:
    """The root: a record is in the list if any group (AND branch) accepts it."""
    return OrBranch(filter_branch_operator="OR", filters=[], filter_branches=list(groups))


def and_(*parts: Filter | FilterBranch) -> AndBranch:
    """One group: every filter and every nested ASSOCIATION / UNIFIED_EVENTS branch must accept."""
    filters = [part for part in parts if isinstance(part, Filter)]
    branches = [part for part in parts if isinstance(part, FilterBranch)]
    return AndBranch(filter_branch_operator="AND", filters=filters, filter_branches=branches)


def association(
    to: str,
    *,
    association_type_id: int | None = None,
    filters: Sequence[Filter] = (),
    branches: Sequence[AssociationBranch] = (),
    category: str = "HUBSPOT_DEFINED",
    negate: bool = False,
) -> AssociationBranch:
    """Some associated record of type `to` ("0-2" or "company", ...) passes all `filters`.

    `association_type_id` defaults to HubSpot's unlabeled contact-to-`to` type (279 company, 4 deal,
    15 ticket). `negate` gives NOT_IN_LIST (no associated record passes).
    """
    object_type_id = OBJECT_TYPE_IDS.get(to.lower().replace(" ", "_"), to)
    if association_type_id is None:
        if object_type_id not in CONTACT_ASSOCIATION_TYPE_IDS:
            raise ValueError(f"no default association type from contacts to {to}; pass association_type_id")
        association_type_id = CONTACT_ASSOCIATION_TYPE_IDS[object_type_id]
    return AssociationBranch(
        filter_branch_operator="AND",
        object_type_id=object_type_id,
        operator="NOT_IN_LIST" if negate else "IN_LIST",
        association_type_id=association_type_id,
        association_category=category,
        filters=list(filters),
        filter_branches=list(branches),
    )


# --- PROPERTY filters ----------------------------------------------------------------------------


def prop(name: str, operation: Operation) -> PropertyFilter:
    """A PROPERTY filter from any operation model."""
    return PropertyFilter(filter_type="PROPERTY", property=name, operation=operation)


def prop_enum(name: str, operator: str, *values: str, include_unknown: bool = False) -> PropertyFilter:
    return prop(
        name,
        EnumerationOperation(operator=operator, values=list(values), include_objects_with_no_value_set=include_unknown),
    )


def prop_any_of(name: str, *values: str, include_unknown: bool = False) -> PropertyFilter:
    """Enumeration property is any of the option values (HubSpot has no IS_EQUAL_TO here)."""
    return prop_enum(name, "IS_ANY_OF", *values, include_unknown=include_unknown)


def prop_none_of(name: str, *values: str, include_unknown: bool = False) -> PropertyFilter:
    return prop_enum(name, "IS_NONE_OF", *values, include_unknown=include_unknown)


def prop_string(name: str, operator: str, value: str, *, include_unknown: bool = False) -> PropertyFilter:
    """Single-value string match: IS_EQUAL_TO, CONTAINS, STARTS_WITH, ENDS_WITH, ..."""
    return prop(
        name,
        StringOperation(operator=operator, value=value, include_objects_with_no_value_set=include_unknown),
    )


def prop_multistring(name: str, operator: str, *values: str, include_unknown: bool = False) -> PropertyFilter:
    """String matched against several values (IS_EQUAL_TO = equal to any of them, ...)."""
    return prop(
        name,
        MultiStringOperation(operator=operator, values=list(values), include_objects_with_no_value_set=include_unknown),
    )


def prop_number(name: str, operator: str, value: int | float, *, include_unknown: bool = False) -> PropertyFilter:
    return prop(
        name,
        NumberOperation(operator=operator, value=value, include_objects_with_no_value_set=include_unknown),
    )


def prop_between(
    name: str, lower: int, upper: int, *, negate: bool = False, include_unknown: bool = False
) -> PropertyFilter:
    """Number between `lower` and `upper`, both included (NUMBER_RANGED)."""
    return prop(
        name,
        NumberRangedOperation(
            operator="IS_NOT_BETWEEN" if negate else "IS_BETWEEN",
            lower_bound=lower,
            upper_bound=upper,
            include_objects_with_no_value_set=include_unknown,
        ),
    )


def prop_bool(
    name: str, value: bool = True, *, operator: str = "IS_EQUAL_TO", include_unknown: bool = False
) -> PropertyFilter:
    return prop(name, BoolOperation(operator=operator, value=value, include_objects_with_no_value_set=include_unknown))


def prop_known(name: str) -> PropertyFilter:
    return prop(name, AllPropertyOperation(operator="IS_KNOWN", include_objects_with_no_value_set=False))


def prop_unknown(name: str) -> PropertyFilter:
    return prop(name, AllPropertyOperation(operator="IS_UNKNOWN", include_objects_with_no_value_set=False))


# --- dates ---------------------------------------------------------------------------------------


def indexed(reference: str = "TODAY", *, zone: str = "UTC", **offset: int) -> IndexedTimePoint:
    """A relative time point: `indexed("TODAY", days=-90)` is the start of the day 90 days ago."""
    point = IndexedTimePoint(
        time_type="INDEXED",
        timezone_source="CUSTOM",
        zone_id=zone,
        index_reference=IndexReference(reference_type=reference),
    )
    if offset:
        point.offset = IndexOffset(**offset)
    return point


def date_point(year: int, month: int, day: int, *, zone: str = "UTC", end_of_day: bool = False) -> DatePoint:
    """An absolute date in `zone`, at 00:00:00.000 or (end_of_day) 23:59:59.999."""
    hour, minute, second, milli = (23, 59, 59, 999) if end_of_day else (0, 0, 0, 0)
    return DatePoint(
        time_type="DATE",
        timezone_source="CUSTOM",
        zone_id=zone,
        year=year,
        month=month,
        day=day,
        hour=hour,
        minute=minute,
        second=second,
        millisecond=milli,
    )


def prop_time_between(
    name: str,
    lower: IndexedTimePoint | DatePoint,
    upper: IndexedTimePoint | DatePoint,
    *,
    negate: bool = False,
    updated: bool = False,
    include_unknown: bool = False,
) -> PropertyFilter:
    """Date property (or, with `updated`, its last change) within [lower, upper] (TIME_RANGED)."""
    return prop(
        name,
        TimeRangedOperation(
            operation_type="TIME_RANGED",
            type="TIME_RANGED",
            operator="IS_NOT_BETWEEN" if negate else "IS_BETWEEN",
            include_objects_with_no_value_set=include_unknown,
            property_parser="UPDATED_AT" if updated else "VALUE",
            lower_bound_endpoint_behavior="INCLUSIVE",
            upper_bound_endpoint_behavior="INCLUSIVE",
            lower_bound_time_point=lower,
            upper_bound_time_point=upper,
        ),
    )


def prop_time_point(
    name: str,
    operator: str,
    point: IndexedTimePoint | DatePoint,
    *,
    updated: bool = False,
    include_unknown: bool = False,
) -> PropertyFilter:
    """Date property IS_BEFORE / IS_AFTER a time point, the point itself excluded (TIME_POINT)."""
    return prop(
        name,
        TimePointOperation(
            operation_type="TIME_POINT",
            type="TIME_POINT",
            operator=operator,
            include_objects_with_no_value_set=include_unknown,
            property_parser="UPDATED_AT" if updated else "VALUE",
            endpoint_behavior="EXCLUSIVE",
            time_point=point,
        ),
    )


def prop_in_last_days(name: str, days: int, *, zone: str = "UTC", include_unknown: bool = False) -> PropertyFilter:
    """Date in the last `days` days: between the start of today minus `days` and now (reference §10.1 #4)."""
    return prop_time_between(
        name,
        indexed("TODAY", zone=zone, days=-days),
        indexed("NOW", zone=zone),
        include_unknown=include_unknown,
    )


def prop_not_in_last_days(name: str, days: int, *, zone: str = "UTC", include_unknown: bool = False) -> PropertyFilter:
    return prop_time_between(
        name,
        indexed("TODAY", zone=zone, days=-days),
        indexed("NOW", zone=zone),
        negate=True,
        include_unknown=include_unknown,
    )


def prop_updated_in_last_days(name: str, days: int, *, zone: str = "UTC") -> PropertyFilter:
    """The property changed in the last `days` days (TIME_RANGED on UPDATED_AT)."""
    return prop_time_between(name, indexed("TODAY", zone=zone, days=-days), indexed("NOW", zone=zone), updated=True)


def prop_before_days_ago(name: str, days: int, *, zone: str = "UTC", include_unknown: bool = False) -> PropertyFilter:
    """Date more than `days` days ago: before the start of today minus `days` (reference §10.1 #6)."""
    return prop_time_point(name, "IS_BEFORE", indexed("TODAY", zone=zone, days=-days), include_unknown=include_unknown)


def prop_after_days_ago(name: str, days: int, *, zone: str = "UTC", include_unknown: bool = False) -> PropertyFilter:
    """Date after the start of today minus `days` (includes future dates, unlike prop_in_last_days)."""
    return prop_time_point(name, "IS_AFTER", indexed("TODAY", zone=zone, days=-days), include_unknown=include_unknown)


# --- other filters -------------------------------------------------------------------------------


def in_list(list_id: str | int) -> InListFilter:
    """The record is a member of list `list_id`."""
    return InListFilter(filter_type="IN_LIST", list_id=str(list_id), operator="IN_LIST")


def not_in_list(list_id: str | int) -> InListFilter:
    return InListFilter(filter_type="IN_LIST", list_id=str(list_id), operator="NOT_IN_LIST")


def email_subscription(
    *subscription_ids: str | int,
    statuses: Sequence[str] = ("OPT_IN",),
    subscription_type: str = "SUBSCRIPTION",
) -> EmailSubscriptionFilter:
    """The contact's status for these email subscription types is one of `statuses`."""
    return EmailSubscriptionFilter(
        filter_type="EMAIL_SUBSCRIPTION",
        subscription_ids=[str(item) for item in subscription_ids],
        accepted_statuses=list(statuses),
        subscription_type=subscription_type,
    )


def constant(accept: bool = True) -> ConstantFilter:
    """Accept every record (or none)."""
    return ConstantFilter(filter_type="CONSTANT", should_accept=accept)
