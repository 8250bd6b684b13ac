"""HubSpot Lists v3 `filterBranch` grammar: typed models, validation, normalization, builders, renderer.

Pure domain code (no HTTP, SDK or MCP). The contract other modules rely on:

    FilterIssue(path, message)            str(issue) == f"{path}: {message}"
    FilterValidationError(ValueError)     .issues: every issue; str() lists them all
    validate_filter_branch(data)          -> list[FilterIssue], [] when valid; never raises
    parse_filter_branch(data)             -> FilterBranch (an OrBranch); raises FilterValidationError
    normalize_filter_branch(data)         -> dict: what HubSpot echoes after a create/update
    FilterBranch.to_hubspot()             -> dict: lossless JSON (parse(x).to_hubspot() == x)
    describe(branch, property_labels=..., option_labels=..., list_names=...) -> str
    check_against_schema(branch, object_type_id, PortalSchema(...)) -> list[FilterIssue]: does it fit
                                          this portal (properties, options, association and event types)

Models (`models`): `FilterBranch` with `OrBranch`, `AndBranch`, `AssociationBranch`,
`UnifiedEventsBranch`, `OtherBranch` (NOT_ALL/NOT_ANY/RESTRICTED/anything else, kept as is);
filters `PropertyFilter`, `InListFilter`, `ConstantFilter`, `EmailSubscriptionFilter`, `OtherFilter`
(the other 16 filter types, every field kept); one model per PROPERTY operation type (18, e.g.
`EnumerationOperation`, `TimeRangedOperation`); time points `DatePoint`, `IndexedTimePoint`
(`IndexReference`, `IndexOffset` = `{days: -90, ...}`), `PropertyReferencedTime`. Unknown fields are
kept on every model. `FilterBranch.from_hubspot(x)` parses shapes only (no grammar rules), for
definitions read back from a portal.

Builders (`builders`) read like the segment they define and return models:

    or_(and_(...), and_(...))                        groups, OR-ed: the root
    and_(filter, ..., association(...))              one group: filters and nested branches, AND-ed
    association(to="0-2" | "company", association_type_id=279, filters=[...], negate=False)
    prop_any_of("lifecyclestage", "customer")        ENUMERATION IS_ANY_OF (also prop_none_of, prop_enum)
    prop_string("hs_email_domain", "IS_EQUAL_TO", "acme.com")          STRING, one value
    prop_multistring("email", "ENDS_WITH", "@acme.com", "@acme.io")    MULTISTRING, several values
    prop_number("hs_email_open", "IS_GREATER_THAN_OR_EQUAL_TO", 3)     also prop_between(name, 1, 5)
    prop_bool("hs_email_optout", True)
    prop_known("email"), prop_unknown("email")       ALL_PROPERTY
    prop_in_last_days("hs_email_last_open_date", 90, zone="America/New_York")
                                                     TIME_RANGED IS_BETWEEN TODAY-90d .. NOW
    prop_not_in_last_days(...), prop_updated_in_last_days(...)
    prop_before_days_ago("createdate", 30, zone=...) TIME_POINT IS_BEFORE TODAY-30d
    prop_after_days_ago(...)                         TIME_POINT IS_AFTER TODAY-Nd
    prop_time_between(name, lower, upper), prop_time_point(name, op, point)
                                                     with indexed("TODAY", days=-7) / date_point(2024, 3, 4)
    in_list("123"), not_in_list("123")               IN_LIST
    email_subscription("81537745")                   EMAIL_SUBSCRIPTION, OPT_IN
    constant(True)                                   CONSTANT
Every property builder takes `include_unknown=` (includeObjectsWithNoValueSet). Their JSON is
already in HubSpot's normalized form.
"""

from .builders import (
    and_,
    association,
    constant,
    date_point,
    email_subscription,
    in_list,
    indexed,
    not_in_list,
    or_,
    prop,
    prop_after_days_ago,
    prop_any_of,
    prop_before_days_ago,
    prop_between,
    prop_bool,
    prop_enum,
    prop_in_last_days,
    prop_known,
    prop_multistring,
    prop_none_of,
    prop_not_in_last_days,
    prop_number,
    prop_string,
    prop_time_between,
    prop_time_point,
    prop_unknown,
    prop_updated_in_last_days,
)
from .models import (
    OPERATION_MODELS,
    AllPropertyOperation,
    AndBranch,
    AnyBranch,
    AnyFilter,
    AnyOperation,
    AssociationBranch,
    BoolOperation,
    CalendarDateOperation,
    ComparativeDateOperation,
    ComparativePropertyUpdatedOperation,
    ComparativeStringOperation,
    ConstantFilter,
    DateOperation,
    DatePoint,
    DateTimeOperation,
    EmailSubscriptionFilter,
    EnumerationOperation,
    Filter,
    FilterBranch,
    IndexedTimePoint,
    IndexOffset,
    IndexReference,
    InListFilter,
    InListMetadata,
    MultiStringOperation,
    NumberOperation,
    NumberRangedOperation,
    Operation,
    OrBranch,
    OtherBranch,
    OtherFilter,
    OtherOperation,
    OtherTimePoint,
    PropertyFilter,
    PropertyReferencedTime,
    RangedDateOperation,
    RollingDateRangeOperation,
    RollingPropertyUpdatedOperation,
    StringOperation,
    TimePoint,
    TimePointOperation,
    TimeRangedOperation,
    UnifiedEventsBranch,
)
from .normalize import definition_key, normalize_filter_branch, normalize_operation
from .render import describe
from .schema import PortalSchema, PropertyDef, SchemaRules, check_against_schema
from .validation import FilterIssue, FilterValidationError, parse_filter_branch, validate_filter_branch
from .vocab import MAX_FILTERS_PER_LIST, OPERATION_TYPES, OPERATORS, canonical_operation_type

__all__ = [
    "AllPropertyOperation",
    "AndBranch",
    "AnyBranch",
    "AnyFilter",
    "AnyOperation",
    "AssociationBranch",
    "BoolOperation",
    "CalendarDateOperation",
    "ComparativeDateOperation",
    "ComparativePropertyUpdatedOperation",
    "ComparativeStringOperation",
    "ConstantFilter",
    "DateOperation",
    "DatePoint",
    "DateTimeOperation",
    "EmailSubscriptionFilter",
    "EnumerationOperation",
    "Filter",
    "FilterBranch",
    "FilterIssue",
    "FilterValidationError",
    "InListFilter",
    "InListMetadata",
    "IndexOffset",
    "IndexReference",
    "IndexedTimePoint",
    "MAX_FILTERS_PER_LIST",
    "MultiStringOperation",
    "NumberOperation",
    "NumberRangedOperation",
    "OPERATION_MODELS",
    "OPERATION_TYPES",
    "OPERATORS",
    "Operation",
    "OrBranch",
    "PortalSchema",
    "PropertyDef",
    "SchemaRules",
    "OtherBranch",
    "OtherFilter",
    "OtherOperation",
    "OtherTimePoint",
    "PropertyFilter",
    "PropertyReferencedTime",
    "RangedDateOperation",
    "RollingDateRangeOperation",
    "RollingPropertyUpdatedOperation",
    "StringOperation",
    "TimePoint",
    "TimePointOperation",
    "TimeRangedOperation",
    "UnifiedEventsBranch",
    "and_",
    "association",
    "canonical_operation_type",
    "check_against_schema",
    "constant",
    "date_point",
    "describe",
    "email_subscription",
    "in_list",
    "indexed",
    "definition_key",
    "normalize_filter_branch",
    "normalize_operation",
    "not_in_list",
    "or_",
    "parse_filter_branch",
    "prop",
    "prop_after_days_ago",
    "prop_any_of",
    "prop_before_days_ago",
    "prop_between",
    "prop_bool",
    "prop_enum",
    "prop_in_last_days",
    "prop_known",
    "prop_multistring",
    "prop_none_of",
    "prop_not_in_last_days",
    "prop_number",
    "prop_string",
    "prop_time_between",
    "prop_time_point",
    "prop_unknown",
    "prop_updated_in_last_days",
    "validate_filter_branch",
]
