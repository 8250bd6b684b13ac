"""Typed, lossless pydantic models of the Lists v3 filterBranch grammar.

Every model keeps unknown fields (`extra="allow"`) and remembers which fields it was given, so
`FilterBranch.from_hubspot(x).to_hubspot() == x` for any JSON HubSpot accepts. Filter, branch,
operation and time-point types that have no model of their own land in an `Other*` model that keeps
everything. These models check shapes and JSON types only; the grammar's rules (root OR, operator
allow-lists, required-by-HubSpot fields, ...) live in `validation`.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    PlainValidator,
    StrictBool,
    StrictInt,
    StrictStr,
    Tag,
    TypeAdapter,
)
from pydantic.alias_generators import to_camel

from .vocab import canonical_operation_type


def _number(value: Any) -> int | float:
    # JSON numbers only: bools are ints in Python but not numbers to HubSpot.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Input should be a number")
    return value


Number = Annotated[int | float, PlainValidator(_number)]


class HubSpotModel(BaseModel):
    """Base: camelCase on the wire, snake_case in Python, unknown fields kept."""

    model_config = ConfigDict(extra="allow", alias_generator=to_camel, populate_by_name=True)

    # Discriminator fields that must be emitted even when a builder relied on their default.
    ALWAYS_SET: ClassVar[tuple[str, ...]] = ()

    def model_post_init(self, context: Any, /) -> None:
        for name in self.ALWAYS_SET:
            self.__pydantic_fields_set__.add(name)

    def to_hubspot(self) -> dict[str, Any]:
        """The JSON HubSpot reads or wrote: only the fields that were given, under their wire names."""
        return self.model_dump(by_alias=True, exclude_unset=True, mode="json")

    @property
    def extra_fields(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


def _tag_of(value: Any, key: str, attribute: str) -> Any:
    if isinstance(value, dict):
        return value.get(key)
    return getattr(value, attribute, None)


# --- time points ---------------------------------------------------------------------------------


class IndexReference(HubSpotModel):
    """`indexReference`: NOW, TODAY, WEEK(+dayOfWeek), MONTH(+day), (FISCAL_)QUARTER/YEAR(+month, day)."""

    reference_type: StrictStr
    day_of_week: StrictStr | None = None
    month: StrictInt | None = None
    day: StrictInt | None = None
    hour: StrictInt | None = None
    minute: StrictInt | None = None
    second: StrictInt | None = None
    millisecond: StrictInt | None = None


class IndexOffset(HubSpotModel):
    """Signed offsets from an index reference, e.g. `{"days": -90}` (never `{amount, unit}`)."""

    years: StrictInt | None = None
    quarters: StrictInt | None = None
    months: StrictInt | None = None
    weeks: StrictInt | None = None
    days: StrictInt | None = None
    hours: StrictInt | None = None
    minutes: StrictInt | None = None
    seconds: StrictInt | None = None
    milliseconds: StrictInt | None = None


class TimePointBase(HubSpotModel):
    time_type: Any
    zone_id: StrictStr
    timezone_source: StrictStr | None = None
    ALWAYS_SET = ("time_type",)


class DatePoint(TimePointBase):
    """An absolute date-time in a zone (month is 1-based)."""

    time_type: Literal["DATE"] = "DATE"
    year: StrictInt
    month: StrictInt
    day: StrictInt
    hour: StrictInt | None = None
    minute: StrictInt | None = None
    second: StrictInt | None = None
    millisecond: StrictInt | None = None


class IndexedTimePoint(TimePointBase):
    """A point relative to now / today / the start of a week, month, quarter or year."""

    time_type: Literal["INDEXED"] = "INDEXED"
    index_reference: IndexReference
    offset: IndexOffset | None = None


class PropertyReferencedTime(TimePointBase):
    """The value (or last update) of another property of the same record."""

    time_type: Literal["PROPERTY_REFERENCED"] = "PROPERTY_REFERENCED"
    property: StrictStr
    reference_type: StrictStr


class OtherTimePoint(HubSpotModel):
    """A time point of a type this module does not know, kept as it came."""

    time_type: Any = None
    zone_id: Any = None


def _time_point_tag(value: Any) -> str:
    kind = _tag_of(value, "timeType", "time_type")
    return kind if kind in ("DATE", "INDEXED", "PROPERTY_REFERENCED") else "other"


TimePoint = Annotated[
    Annotated[DatePoint, Tag("DATE")]
    | Annotated[IndexedTimePoint, Tag("INDEXED")]
    | Annotated[PropertyReferencedTime, Tag("PROPERTY_REFERENCED")]
    | Annotated[OtherTimePoint, Tag("other")],
    Discriminator(_time_point_tag),
]


# --- PROPERTY operations -------------------------------------------------------------------------


class Operation(HubSpotModel):
    """Common part of every PROPERTY operation. `operation_type` keeps the spelling it came with."""

    KIND: ClassVar[str] = ""
    operation_type: StrictStr = ""
    operator: StrictStr
    # Required by the spec, defaulted to false by HubSpot when omitted (reference §9.1).
    include_objects_with_no_value_set: StrictBool = False
    ALWAYS_SET = ("operation_type",)

    def model_post_init(self, context: Any, /) -> None:
        if not self.operation_type and self.KIND:
            self.operation_type = self.KIND
        super().model_post_init(context)

    @property
    def kind(self) -> str | None:
        """The spec's upper-case operationType, whatever spelling the JSON used."""
        return canonical_operation_type(self.operation_type)


class EnumerationOperation(Operation):
    KIND = "ENUMERATION"
    values: list[StrictStr]


class StringOperation(Operation):
    KIND = "STRING"
    value: StrictStr


class MultiStringOperation(Operation):
    KIND = "MULTISTRING"
    values: list[StrictStr]


class NumberOperation(Operation):
    KIND = "NUMBER"
    value: Number


class NumberRangedOperation(Operation):
    KIND = "NUMBER_RANGED"
    lower_bound: StrictInt
    upper_bound: StrictInt


class BoolOperation(Operation):
    KIND = "BOOL"
    value: StrictBool


class AllPropertyOperation(Operation):
    KIND = "ALL_PROPERTY"


class DateTimeOperation(Operation):
    KIND = "DATETIME"
    timestamp: StrictInt
    requires_time_zone_conversion: StrictBool


class RangedDateOperation(Operation):
    KIND = "RANGED_DATE"
    lower_bound: StrictInt
    upper_bound: StrictInt
    requires_time_zone_conversion: StrictBool


class RollingDateRangeOperation(Operation):
    KIND = "ROLLING_DATE_RANGE"
    number_of_days: StrictInt
    requires_time_zone_conversion: StrictBool


class RollingPropertyUpdatedOperation(Operation):
    KIND = "ROLLING_PROPERTY_UPDATED"
    number_of_days: StrictInt


class ComparativeDateOperation(Operation):
    KIND = "COMPARATIVE_DATE"
    comparison_property_name: StrictStr
    default_comparison_value: StrictStr | None = None


class ComparativePropertyUpdatedOperation(Operation):
    KIND = "COMPARATIVE_PROPERTY_UPDATED"
    comparison_property_name: StrictStr
    default_comparison_value: StrictStr | None = None


class ComparativeStringOperation(Operation):
    KIND = "COMPARATIVE_STRING"
    comparison_property_name: StrictStr
    default_comparison_value: StrictStr | None = None


class DateOperation(Operation):
    KIND = "DATE"
    year: StrictInt
    month: StrictStr  # a string in the spec, unlike every other month
    day: StrictInt


class CalendarDateOperation(Operation):
    KIND = "CALENDAR_DATE"
    time_unit: StrictStr
    time_unit_count: StrictInt | None = None
    use_fiscal_year: StrictBool | None = None
    fiscal_year_start: StrictStr | None = None


class TimePointOperation(Operation):
    KIND = "TIME_POINT"
    # `type` repeats the operationType; required by the spec, checked by validation.
    type: StrictStr | None = None
    time_point: TimePoint
    endpoint_behavior: StrictStr | None = None
    property_parser: StrictStr | None = None


class TimeRangedOperation(Operation):
    KIND = "TIME_RANGED"
    type: StrictStr | None = None
    lower_bound_time_point: TimePoint
    upper_bound_time_point: TimePoint
    lower_bound_endpoint_behavior: StrictStr | None = None
    upper_bound_endpoint_behavior: StrictStr | None = None
    property_parser: StrictStr | None = None


class OtherOperation(Operation):
    """An operation whose operationType is unknown, kept as it came (validation reports it)."""

    operation_type: Any = None  # type: ignore[assignment]
    operator: Any = None  # type: ignore[assignment]
    include_objects_with_no_value_set: Any = False  # type: ignore[assignment]


OPERATION_MODELS: dict[str, type[Operation]] = {
    model.KIND: model
    for model in (
        EnumerationOperation,
        StringOperation,
        MultiStringOperation,
        NumberOperation,
        NumberRangedOperation,
        BoolOperation,
        AllPropertyOperation,
        DateTimeOperation,
        RangedDateOperation,
        RollingDateRangeOperation,
        RollingPropertyUpdatedOperation,
        ComparativeDateOperation,
        ComparativePropertyUpdatedOperation,
        ComparativeStringOperation,
        DateOperation,
        CalendarDateOperation,
        TimePointOperation,
        TimeRangedOperation,
    )
}


def _operation_tag(value: Any) -> str:
    if isinstance(value, OtherOperation):
        return "other"
    return canonical_operation_type(_tag_of(value, "operationType", "operation_type")) or "other"


AnyOperation = Annotated[
    Annotated[EnumerationOperation, Tag("ENUMERATION")]
    | Annotated[StringOperation, Tag("STRING")]
    | Annotated[MultiStringOperation, Tag("MULTISTRING")]
    | Annotated[NumberOperation, Tag("NUMBER")]
    | Annotated[NumberRangedOperation, Tag("NUMBER_RANGED")]
    | Annotated[BoolOperation, Tag("BOOL")]
    | Annotated[AllPropertyOperation, Tag("ALL_PROPERTY")]
    | Annotated[DateTimeOperation, Tag("DATETIME")]
    | Annotated[RangedDateOperation, Tag("RANGED_DATE")]
    | Annotated[RollingDateRangeOperation, Tag("ROLLING_DATE_RANGE")]
    | Annotated[RollingPropertyUpdatedOperation, Tag("ROLLING_PROPERTY_UPDATED")]
    | Annotated[ComparativeDateOperation, Tag("COMPARATIVE_DATE")]
    | Annotated[ComparativePropertyUpdatedOperation, Tag("COMPARATIVE_PROPERTY_UPDATED")]
    | Annotated[ComparativeStringOperation, Tag("COMPARATIVE_STRING")]
    | Annotated[DateOperation, Tag("DATE")]
    | Annotated[CalendarDateOperation, Tag("CALENDAR_DATE")]
    | Annotated[TimePointOperation, Tag("TIME_POINT")]
    | Annotated[TimeRangedOperation, Tag("TIME_RANGED")]
    | Annotated[OtherOperation, Tag("other")],
    Discriminator(_operation_tag),
]


# --- filters -------------------------------------------------------------------------------------


class Filter(HubSpotModel):
    """Common part of every filter."""

    filter_type: Any
    ALWAYS_SET = ("filter_type",)


class PropertyFilter(Filter):
    filter_type: Literal["PROPERTY"] = "PROPERTY"
    property: StrictStr
    operation: AnyOperation


class InListMetadata(HubSpotModel):
    id: StrictStr
    in_list_type: StrictStr


class InListFilter(Filter):
    """Membership of another list (or of a workflow/import set, per `metadata.inListType`)."""

    filter_type: Literal["IN_LIST"] = "IN_LIST"
    list_id: StrictStr
    operator: StrictStr
    metadata: InListMetadata | None = None


class ConstantFilter(Filter):
    filter_type: Literal["CONSTANT"] = "CONSTANT"
    should_accept: StrictBool
    source: StrictStr | None = None


class EmailSubscriptionFilter(Filter):
    filter_type: Literal["EMAIL_SUBSCRIPTION"] = "EMAIL_SUBSCRIPTION"
    subscription_ids: list[StrictStr]
    accepted_statuses: list[StrictStr]
    subscription_type: StrictStr | None = None


class OtherFilter(Filter):
    """Any other filterType (PAGE_VIEW, EMAIL_EVENT, FORM_SUBMISSION, ...), every field kept."""

    filter_type: Any = None

    @property
    def operator(self) -> Any:
        return self.extra_fields.get("operator")


_TYPED_FILTERS = ("PROPERTY", "IN_LIST", "CONSTANT", "EMAIL_SUBSCRIPTION")


def _filter_tag(value: Any) -> str:
    if isinstance(value, OtherFilter):
        return "other"
    kind = _tag_of(value, "filterType", "filter_type")
    return kind if kind in _TYPED_FILTERS else "other"


AnyFilter = Annotated[
    Annotated[PropertyFilter, Tag("PROPERTY")]
    | Annotated[InListFilter, Tag("IN_LIST")]
    | Annotated[ConstantFilter, Tag("CONSTANT")]
    | Annotated[EmailSubscriptionFilter, Tag("EMAIL_SUBSCRIPTION")]
    | Annotated[OtherFilter, Tag("other")],
    Discriminator(_filter_tag),
]


# --- branches ------------------------------------------------------------------------------------


class FilterBranch(HubSpotModel):
    """A branch of the filter tree; the root of a list's definition is an `OrBranch`."""

    filter_branch_type: Any
    filter_branch_operator: StrictStr | None = None
    filters: list[AnyFilter] = []
    filter_branches: list[AnyBranch] = []
    ALWAYS_SET = ("filter_branch_type",)

    @classmethod
    def from_hubspot(cls, data: Any) -> FilterBranch:
        """Shape-only parse (any branch type, no grammar rules); see `parse_filter_branch` for those."""
        return _BRANCH_ADAPTER.validate_python(data)

    def walk_filters(self) -> list[Filter]:
        """Every filter of this branch and of its sub-branches, depth first."""
        found: list[Filter] = list(self.filters)
        for branch in self.filter_branches:
            found.extend(branch.walk_filters())
        return found


class OrBranch(FilterBranch):
    filter_branch_type: Literal["OR"] = "OR"


class AndBranch(FilterBranch):
    filter_branch_type: Literal["AND"] = "AND"


class AssociationBranch(FilterBranch):
    """Filters evaluated against the records associated through `association_type_id`."""

    filter_branch_type: Literal["ASSOCIATION"] = "ASSOCIATION"
    object_type_id: StrictStr
    operator: StrictStr
    association_type_id: StrictInt
    association_category: StrictStr


class UnifiedEventsBranch(FilterBranch):
    filter_branch_type: Literal["UNIFIED_EVENTS"] = "UNIFIED_EVENTS"
    event_type_id: StrictStr
    operator: StrictStr
    # Refine-by objects are kept as JSON: they are not used by this project's segments.
    coalescing_refine_by: dict[str, Any] | None = None
    pruning_refine_by: dict[str, Any] | None = None


class OtherBranch(FilterBranch):
    """NOT_ALL, NOT_ANY, RESTRICTED (in the spec, undocumented) or anything newer, kept as it came."""

    filter_branch_type: Any = None


_TYPED_BRANCHES = ("OR", "AND", "ASSOCIATION", "UNIFIED_EVENTS")


def _branch_tag(value: Any) -> str:
    if isinstance(value, OtherBranch):
        return "other"
    kind = _tag_of(value, "filterBranchType", "filter_branch_type")
    return kind if kind in _TYPED_BRANCHES else "other"


AnyBranch = Annotated[
    Annotated[OrBranch, Tag("OR")]
    | Annotated[AndBranch, Tag("AND")]
    | Annotated[AssociationBranch, Tag("ASSOCIATION")]
    | Annotated[UnifiedEventsBranch, Tag("UNIFIED_EVENTS")]
    | Annotated[OtherBranch, Tag("other")],
    Discriminator(_branch_tag),
]

for _model in (FilterBranch, OrBranch, AndBranch, AssociationBranch, UnifiedEventsBranch, OtherBranch):
    _model.model_rebuild()

_BRANCH_ADAPTER: TypeAdapter[FilterBranch] = TypeAdapter(AnyBranch)  # type: ignore[arg-type]
