"""The fixed vocabulary of the Lists v3 filter grammar: type names, operator allow-lists, aliases.

Sources: reference §8 and §9 (HubSpot's v3 OpenAPI spec plus the filters guide). Where the spec and
the guide disagree the allow-list is the union, so that nothing HubSpot accepts is refused here.
"""

from __future__ import annotations

# --- branches ------------------------------------------------------------------------------------

BRANCH_TYPES: tuple[str, ...] = (
    "OR",
    "AND",
    "ASSOCIATION",
    "UNIFIED_EVENTS",
    "NOT_ALL",
    "NOT_ANY",
    "RESTRICTED",
)
# What an AND branch may contain besides filters (docs: "AND branches may nest only ...").
NESTABLE_IN_AND: tuple[str, ...] = ("ASSOCIATION", "UNIFIED_EVENTS")
# HubSpot echoes filterBranchOperator; for these it is "AND" rather than the branch type (reference §8.1).
BRANCH_OPERATOR_DEFAULT: dict[str, str] = {"ASSOCIATION": "AND", "UNIFIED_EVENTS": "AND"}

ASSOCIATION_OPERATORS: tuple[str, ...] = ("IN_LIST", "NOT_IN_LIST")
ASSOCIATION_CATEGORIES: tuple[str, ...] = ("HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED", "WORK")
UNIFIED_EVENTS_OPERATORS: tuple[str, ...] = ("HAS_COMPLETED", "HAS_NOT_COMPLETED")

MAX_FILTERS_PER_LIST = 250  # KB "Determine your list criteria" (reference §12.3)

# --- filters -------------------------------------------------------------------------------------

# Every filterType of the spec, with the fields its schema requires (reference §8.2). PROPERTY,
# IN_LIST, CONSTANT and EMAIL_SUBSCRIPTION have typed models; the rest are kept as they come.
FILTER_REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "PROPERTY": ("property", "operation"),
    "ASSOCIATION": ("listId", "operator", "associationTypeId", "associationCategory", "coalescingRefineBy"),
    "IN_LIST": ("listId", "operator"),
    "EMAIL_SUBSCRIPTION": ("subscriptionIds", "acceptedStatuses"),
    "COMMUNICATION_SUBSCRIPTION": ("subscriptionIds", "acceptedOptStates", "channel", "subscriptionType"),
    "EMAIL_EVENT": ("appId", "emailId", "level", "operator"),
    "PRIVACY": ("privacyName", "operator"),
    "CONSTANT": ("shouldAccept",),
    "FORM_SUBMISSION": ("operator",),
    "FORM_SUBMISSION_ON_PAGE": ("pageId", "operator"),
    "PAGE_VIEW": ("pageUrl", "operator"),
    "CTA": ("ctaName", "operator"),
    "EVENT": ("eventId", "operator"),
    "UNIFIED_EVENTS": ("filterLines",),
    "INTEGRATION_EVENT": ("eventTypeId", "filterLines"),
    "WEBINAR": ("operator",),
    "SURVEY_MONKEY": ("surveyId", "operator"),
    "SURVEY_MONKEY_VALUE": ("surveyId", "surveyQuestion", "operator", "valueComparison"),
    "ADS_SEARCH": ("adNetwork", "entityType", "searchTermType", "searchTerms", "operator"),
    "ADS_TIME": ("pruningRefineBy",),
}
FILTER_TYPES: tuple[str, ...] = tuple(FILTER_REQUIRED_FIELDS)

# Operators of the non-PROPERTY filters whose full set is documented (CTA's is not: left open).
FILTER_OPERATORS: dict[str, tuple[str, ...]] = {
    "IN_LIST": ("IN_LIST", "NOT_IN_LIST"),
    "ASSOCIATION": ("IN_LIST", "NOT_IN_LIST"),
    "PRIVACY": ("PRIVACY_CONSENT_GRANTED", "PRIVACY_CONSENT_NOT_GRANTED"),
    "FORM_SUBMISSION": ("FILLED_OUT", "NOT_FILLED_OUT"),
    "FORM_SUBMISSION_ON_PAGE": ("FILLED_OUT", "NOT_FILLED_OUT"),
    "PAGE_VIEW": (
        "HAS_PAGEVIEW_EQ",
        "HAS_PAGEVIEW_CONTAINS",
        "HAS_PAGEVIEW_MATCHES_REGEX",
        "NOT_HAS_PAGEVIEW_EQ",
        "NOT_HAS_PAGEVIEW_CONTAINS",
    ),
    "EVENT": ("HAS_EVENT", "NOT_HAS_EVENT"),
    "WEBINAR": (
        "HAS_WEBINAR_REGISTRATION",
        "NOT_HAS_WEBINAR_REGISTRATION",
        "HAS_WEBINAR_ATTENDANCE",
        "NOT_HAS_WEBINAR_ATTENDANCE",
    ),
    "SURVEY_MONKEY": ("HAS_RESPONDED_TO_SURVEY", "HAS_NOT_RESPONDED_TO_SURVEY"),
    "SURVEY_MONKEY_VALUE": ("HAS_ANSWERED_SURVEY_QUESTION_WITH_VALUE",),
    "EMAIL_EVENT": (
        "BOUNCED",
        "LINK_CLICKED",
        "MARKED_SPAM",
        "OPENED",
        "OPENED_BUT_LINK_NOT_CLICKED",
        "OPENED_BUT_NOT_REPLIED",
        "RECEIVED",
        "RECEIVED_BUT_NOT_OPENED",
        "REPLIED",
        "SENT",
        "SENT_BUT_LINK_NOT_CLICKED",
        "SENT_BUT_NOT_RECEIVED",
        "UNSUBSCRIBED",
    ),
    "ADS_SEARCH": ("CONTAINS", "IS_EQUAL_TO", "ENDS_WITH", "STARTS_WITH", "IS_KNOWN"),
}

IN_LIST_TYPES: tuple[str, ...] = (
    "WORKFLOWS_ENROLLMENT",
    "WORKFLOWS_ACTIVE",
    "WORKFLOWS_GOAL",
    "WORKFLOWS_COMPLETED",
    "IMPORT",
    "DATASET",
    "DATASETS",
)

# --- PROPERTY operations -------------------------------------------------------------------------

_ROLLING = (
    "IS_LESS_THAN_X_DAYS_AGO",
    "IS_MORE_THAN_X_DAYS_AGO",
    "IS_LESS_THAN_X_DAYS_FROM_NOW",
    "IS_MORE_THAN_X_DAYS_FROM_NOW",
)

OPERATORS: dict[str, tuple[str, ...]] = {
    "ENUMERATION": (
        "IS_ANY_OF",
        "IS_NONE_OF",
        "IS_EXACTLY",
        "IS_NOT_EXACTLY",
        "CONTAINS_ALL",
        "DOES_NOT_CONTAIN_ALL",
        "HAS_EVER_BEEN_ANY_OF",
        "HAS_NEVER_BEEN_ANY_OF",
        "HAS_EVER_BEEN_EXACTLY",
        "HAS_NEVER_BEEN_EXACTLY",
        "HAS_EVER_CONTAINED_ALL",
        "HAS_NEVER_CONTAINED_ALL",
    ),
    "STRING": (
        "IS_EQUAL_TO",
        "IS_NOT_EQUAL_TO",
        "CONTAINS",
        "DOES_NOT_CONTAIN",
        "STARTS_WITH",
        "ENDS_WITH",
        "HAS_EVER_BEEN_EQUAL_TO",
        "HAS_NEVER_BEEN_EQUAL_TO",
        "HAS_EVER_CONTAINED",
        "HAS_NEVER_CONTAINED",
    ),
    "MULTISTRING": (
        "IS_EQUAL_TO",
        "IS_NOT_EQUAL_TO",
        "CONTAINS",
        "CONTAINS_EXACTLY",
        "DOES_NOT_CONTAIN",
        "DOES_NOT_CONTAIN_EXACTLY",
        "STARTS_WITH",
        "ENDS_WITH",
    ),
    "NUMBER": (
        "IS_EQUAL_TO",
        "IS_NOT_EQUAL_TO",
        "IS_GREATER_THAN",
        "IS_GREATER_THAN_OR_EQUAL_TO",
        "IS_LESS_THAN",
        "IS_LESS_THAN_OR_EQUAL_TO",
        "HAS_EVER_BEEN_EQUAL_TO",
        "HAS_NEVER_BEEN_EQUAL_TO",
    ),
    "NUMBER_RANGED": ("IS_BETWEEN", "IS_NOT_BETWEEN"),
    "BOOL": ("IS_EQUAL_TO", "IS_NOT_EQUAL_TO", "HAS_EVER_BEEN_EQUAL_TO", "HAS_NEVER_BEEN_EQUAL_TO"),
    # spec: IS_KNOWN/IS_UNKNOWN; the guide adds the BLANK pair.
    "ALL_PROPERTY": ("IS_KNOWN", "IS_UNKNOWN", "IS_BLANK", "IS_NOT_BLANK"),
    # spec: IS_BEFORE/IS_AFTER; the guide adds the rest.
    "DATETIME": ("IS_BEFORE", "IS_AFTER", "IS_EQUAL_TO", "IS_BEFORE_DATE", "IS_AFTER_DATE"),
    "RANGED_DATE": ("IS_BETWEEN", "IS_NOT_BETWEEN"),
    "ROLLING_DATE_RANGE": _ROLLING,
    "ROLLING_PROPERTY_UPDATED": ("UPDATED_IN_LAST_X_DAYS", "NOT_UPDATED_IN_LAST_X_DAYS"),
    "COMPARATIVE_DATE": ("IS_BEFORE", "IS_AFTER"),
    "COMPARATIVE_PROPERTY_UPDATED": ("IS_BEFORE", "IS_AFTER"),
    "COMPARATIVE_STRING": ("IS_EQUAL_TO",),
    # The spec's DATE text lists the rolling operators (a copy-paste, reference §9.1); the guide's
    # date-equality operators are accepted too because DATE is otherwise unspecified.
    "DATE": _ROLLING + ("IS_EQUAL_TO", "IS_BEFORE_DATE", "IS_AFTER_DATE"),
    "CALENDAR_DATE": (
        "IN_THIS_TIME_UNIT",
        "IN_THIS_TIME_UNIT_SO_FAR",
        "IN_NEXT_TIME_UNIT",
        "IN_LAST_TIME_UNIT",
    ),
    "TIME_POINT": ("IS_BEFORE", "IS_AFTER"),
    "TIME_RANGED": ("IS_BETWEEN", "IS_NOT_BETWEEN"),
}
OPERATION_TYPES: tuple[str, ...] = tuple(OPERATORS)

# Which PROPERTY operation types fit which HubSpot property type (the property's `type`). HubSpot
# refuses an operation that does not fit its property with a 400 (the same filter engine in workflows
# does, e.g. "IS_NOT_EQUAL_TO 400s" on an enumeration; hubspot-api-nodejs#695); the exact table is
# not published, so this one is the strict reading of the filters guide's per-type sections
# (https://developers.hubspot.com/docs/api-reference/latest/crm/lists/filters). Operations about the
# value being set, or about when it was last updated, fit every type; so do TIME_POINT and
# TIME_RANGED reading `propertyParser: UPDATED_AT` (see `UPDATE_TIME_PARSERS`).
_ANY_TYPE_OPERATIONS = ("ALL_PROPERTY", "ROLLING_PROPERTY_UPDATED", "COMPARATIVE_PROPERTY_UPDATED")
_TIME_OPERATIONS = (
    "DATETIME",
    "RANGED_DATE",
    "ROLLING_DATE_RANGE",
    "COMPARATIVE_DATE",
    "CALENDAR_DATE",
    "TIME_POINT",
    "TIME_RANGED",
    "DATE",
)
_TEXT_OPERATIONS = ("STRING", "MULTISTRING", "COMPARATIVE_STRING")
OPERATION_TYPES_BY_PROPERTY_TYPE: dict[str, tuple[str, ...]] = {
    "string": _TEXT_OPERATIONS + _ANY_TYPE_OPERATIONS,
    "phone_number": _TEXT_OPERATIONS + _ANY_TYPE_OPERATIONS,
    "number": ("NUMBER", "NUMBER_RANGED") + _ANY_TYPE_OPERATIONS,
    "enumeration": ("ENUMERATION",) + _ANY_TYPE_OPERATIONS,
    "bool": ("BOOL",) + _ANY_TYPE_OPERATIONS,
    "datetime": _TIME_OPERATIONS + _ANY_TYPE_OPERATIONS,
    "date": _TIME_OPERATIONS + _ANY_TYPE_OPERATIONS,
    "object_coordinates": _ANY_TYPE_OPERATIONS,
    "json": _ANY_TYPE_OPERATIONS,
}
UPDATE_TIME_PARSERS: frozenset[str] = frozenset({"UPDATED_AT"})

# The filters guide names operation types by the event-definition SDK's lowercase propertyType
# (reference §9.1). Whether the live API accepts them is unconfirmed; they are accepted here and
# always emitted upper-case by normalization.
GUIDE_OPERATION_NAMES: dict[str, str] = {
    "alltypes": "ALL_PROPERTY",
    "bool": "BOOL",
    "number": "NUMBER",
    "number-ranged": "NUMBER_RANGED",
    "string": "STRING",
    "multistring": "MULTISTRING",
    "enumeration": "ENUMERATION",
    "datetime": "DATETIME",
    "datetime-ranged": "RANGED_DATE",
    "datetime-comparative": "COMPARATIVE_DATE",
    "datetime-rolling": "ROLLING_DATE_RANGE",
    "rolling-property-updated": "ROLLING_PROPERTY_UPDATED",
    "property-updated-comparative": "COMPARATIVE_PROPERTY_UPDATED",
    "string-comparative": "COMPARATIVE_STRING",
    "timepoint": "TIME_POINT",
    "rangedtime": "TIME_RANGED",
}
# In the guide's table but without a schema in the v3 spec.
SCHEMALESS_GUIDE_NAMES: frozenset[str] = frozenset({"bool-comparative", "number-comparative"})

CALENDAR_TIME_UNITS: tuple[str, ...] = ("DAY", "WEEK", "MONTH", "QUARTER", "YEAR")
ENDPOINT_BEHAVIORS: tuple[str, ...] = ("INCLUSIVE", "EXCLUSIVE")
PROPERTY_PARSERS: tuple[str, ...] = (
    "VALUE",
    "UPDATED_AT",
    "ANNIVERSARY",
    "VALUE_WITH_ZONE_SAME_LOCAL_CONVERSION",
    "ANNIVERSARY_WITH_ZONE_SAME_LOCAL_CONVERSION",
)

# --- time points ---------------------------------------------------------------------------------

TIME_TYPES: tuple[str, ...] = ("DATE", "INDEXED", "PROPERTY_REFERENCED")
TIMEZONE_SOURCES: tuple[str, ...] = ("CUSTOM", "USER", "PORTAL")
# indexReference.referenceType -> the fields its schema requires besides referenceType.
INDEX_REFERENCE_REQUIRED: dict[str, tuple[str, ...]] = {
    "NOW": (),
    "TODAY": (),
    "WEEK": ("dayOfWeek",),
    "MONTH": ("day",),
    "QUARTER": ("month", "day"),
    "YEAR": ("month", "day"),
    "FISCAL_QUARTER": ("month", "day"),
    "FISCAL_YEAR": ("month", "day"),
}
OFFSET_UNITS: tuple[str, ...] = (
    "years",
    "quarters",
    "months",
    "weeks",
    "days",
    "hours",
    "minutes",
    "seconds",
    "milliseconds",
)

# --- object types (for wording) ------------------------------------------------------------------

OBJECT_TYPE_NAMES: dict[str, str] = {
    "0-1": "contact",
    "0-2": "company",
    "0-3": "deal",
    "0-5": "ticket",
    "0-7": "product",
    "0-8": "line item",
    "0-14": "quote",
    "0-4": "engagement",
}
OBJECT_TYPE_IDS: dict[str, str] = {name.replace(" ", "_"): oid for oid, name in OBJECT_TYPE_NAMES.items()} | {
    "contacts": "0-1",
    "companies": "0-2",
    "deals": "0-3",
    "tickets": "0-5",
}
# HubSpot-defined, unlabeled association type ids from contacts (associations v4 defaults).
CONTACT_ASSOCIATION_TYPE_IDS: dict[str, int] = {"0-2": 279, "0-3": 4, "0-5": 15}


def canonical_operation_type(raw: object) -> str | None:
    """The spec's operationType for `raw` (upper-case or guide name, any case); None if unknown."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if text.upper() in OPERATORS:
        return text.upper()
    return GUIDE_OPERATION_NAMES.get(text.lower())
