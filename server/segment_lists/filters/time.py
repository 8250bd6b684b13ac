"""Instants named by list filters: DATE and INDEXED time points, calendar units, offsets.

Everything is computed in the filter's `zoneId` (the portal's zone when it is missing or unknown),
from a given "now", and returned as epoch milliseconds. Shared by the sandbox (list evaluation:
HubSpot's side) and the product (turning list filters into CRM searches at query time), so both
read a time point the same way.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
MONTHS = (
    "JANUARY",
    "FEBRUARY",
    "MARCH",
    "APRIL",
    "MAY",
    "JUNE",
    "JULY",
    "AUGUST",
    "SEPTEMBER",
    "OCTOBER",
    "NOVEMBER",
    "DECEMBER",
)
INDEX_REFERENCES = frozenset({"NOW", "TODAY", "WEEK", "MONTH", "QUARTER", "YEAR", "FISCAL_QUARTER", "FISCAL_YEAR"})
CALENDAR_UNITS = frozenset({"DAY", "WEEK", "MONTH", "QUARTER", "YEAR"})


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class TimePointError(ValueError):
    """A time point that cannot be resolved (the sandbox reports it as a 400 at list creation)."""


def zone_of(zone_id: Any, fallback: ZoneInfo) -> ZoneInfo:
    if not zone_id or not isinstance(zone_id, str):
        return fallback
    try:
        return ZoneInfo(zone_id)
    except (ZoneInfoNotFoundError, ValueError):
        return fallback


def add_months(moment: datetime, months: int) -> datetime:
    """Calendar month arithmetic; the day is clamped to the target month's length (Jan 31 + 1 = Feb 28)."""
    index = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def apply_offset(moment: datetime, offset: dict[str, Any] | None) -> datetime:
    if not offset:
        return moment
    months = int(offset.get("months") or 0) + 3 * int(offset.get("quarters") or 0) + 12 * int(offset.get("years") or 0)
    if months:
        moment = add_months(moment, months)
    days = int(offset.get("days") or 0) + 7 * int(offset.get("weeks") or 0)
    if days:
        # Days move the wall-clock date (a DST change does not shift "midnight, 3 days ago").
        moment = (moment.replace(tzinfo=None) + timedelta(days=days)).replace(tzinfo=moment.tzinfo)
    return moment + timedelta(
        hours=int(offset.get("hours") or 0),
        minutes=int(offset.get("minutes") or 0),
        seconds=int(offset.get("seconds") or 0),
        milliseconds=int(offset.get("milliseconds") or 0),
    )


def _with_time(moment: datetime, spec: dict[str, Any]) -> datetime:
    """The optional hour/minute/second/millisecond of a reference replace the time of day."""
    if not any(key in spec and spec[key] is not None for key in ("hour", "minute", "second", "millisecond")):
        return moment
    return moment.replace(
        hour=int(spec.get("hour") or 0),
        minute=int(spec.get("minute") or 0),
        second=int(spec.get("second") or 0),
        microsecond=int(spec.get("millisecond") or 0) * 1000,
    )


def _midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _month_day(year: int, month: int, day: int, tz: ZoneInfo) -> datetime:
    day = max(1, min(int(day), calendar.monthrange(year, month)[1]))
    return datetime(year, month, day, tzinfo=tz)


def resolve_indexed(point: dict[str, Any], now: datetime, tz: ZoneInfo) -> datetime:
    reference = point.get("indexReference") or {}
    kind = str(reference.get("referenceType", "")).upper()
    local = now.astimezone(tz)
    if kind == "NOW":
        base = _with_time(local, reference)
    elif kind == "TODAY":
        base = _with_time(_midnight(local), reference)
    elif kind == "WEEK":
        # The given day of the current ISO week (Monday first).
        target = WEEKDAYS.index(str(reference.get("dayOfWeek", "MONDAY")).upper())
        base = _with_time(_midnight(local) - timedelta(days=local.weekday() - target), reference)
    elif kind == "MONTH":
        base = _with_time(_month_day(local.year, local.month, reference.get("day") or 1, tz), reference)
    elif kind in {"QUARTER", "FISCAL_QUARTER"}:
        first = 3 * ((local.month - 1) // 3) + 1
        month = first + int(reference.get("month") or 1) - 1
        base = _with_time(_month_day(local.year, month, reference.get("day") or 1, tz), reference)
    elif kind in {"YEAR", "FISCAL_YEAR"}:
        base = _with_time(
            _month_day(local.year, int(reference.get("month") or 1), reference.get("day") or 1, tz), reference
        )
    else:
        raise TimePointError(f"unknown indexReference.referenceType {kind!r}")
    return apply_offset(base, point.get("offset"))


def resolve_date(point: dict[str, Any], tz: ZoneInfo) -> datetime:
    try:
        return datetime(
            int(point["year"]),
            int(point["month"]),
            int(point["day"]),
            int(point.get("hour") or 0),
            int(point.get("minute") or 0),
            int(point.get("second") or 0),
            int(point.get("millisecond") or 0) * 1000,
            tzinfo=tz,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise TimePointError(f"invalid DATE time point: {error}") from None


def check_time_point(point: Any) -> None:
    """Raise TimePointError for a shape the sandbox cannot resolve (checked once, at create)."""
    if not isinstance(point, dict):
        raise TimePointError("a time point must be an object")
    kind = str(point.get("timeType", "")).upper()
    if kind == "DATE":
        resolve_date(point, ZoneInfo("UTC"))
    elif kind == "INDEXED":
        reference = point.get("indexReference")
        if not isinstance(reference, dict) or str(reference.get("referenceType", "")).upper() not in INDEX_REFERENCES:
            raise TimePointError(
                "INDEXED time point needs indexReference.referenceType in " + ", ".join(sorted(INDEX_REFERENCES))
            )
        offset = point.get("offset")
        if offset is not None and not isinstance(offset, dict):
            raise TimePointError('offset must be an object such as {"days": -30}')
        if isinstance(offset, dict) and ("amount" in offset or "unit" in offset):
            raise TimePointError("offset must use days/weeks/months/... fields, not {amount, unit}")
    elif kind == "PROPERTY_REFERENCED":
        if not point.get("property"):
            raise TimePointError("PROPERTY_REFERENCED time point needs a property")
    else:
        raise TimePointError(f"unknown timeType {point.get('timeType')!r} (DATE, INDEXED or PROPERTY_REFERENCED)")


def resolve_ms(point: dict[str, Any], now: datetime, portal_zone: ZoneInfo) -> int:
    """A DATE or INDEXED time point as epoch ms (PROPERTY_REFERENCED is per record: see evaluator)."""
    tz = zone_of(point.get("zoneId"), portal_zone)
    kind = str(point.get("timeType", "")).upper()
    if kind == "DATE":
        return to_ms(resolve_date(point, tz))
    return to_ms(resolve_indexed(point, now, tz))


def unit_start(moment: datetime, unit: str, fiscal_start_month: int = 1) -> datetime:
    """Start of the calendar unit containing `moment` (weeks start on Monday)."""
    day = _midnight(moment)
    if unit == "DAY":
        return day
    if unit == "WEEK":
        return day - timedelta(days=day.weekday())
    if unit == "MONTH":
        return day.replace(day=1)
    months_into_year = (day.month - fiscal_start_month) % 12
    if unit == "QUARTER":
        return add_months(day.replace(day=1), -(months_into_year % 3))
    return add_months(day.replace(day=1), -months_into_year)


def unit_shift(moment: datetime, unit: str, count: int) -> datetime:
    if unit == "DAY":
        return apply_offset(moment, {"days": count})
    if unit == "WEEK":
        return apply_offset(moment, {"weeks": count})
    if unit == "MONTH":
        return add_months(moment, count)
    if unit == "QUARTER":
        return add_months(moment, 3 * count)
    return add_months(moment, 12 * count)


def calendar_window(operation: dict[str, Any], now: datetime, tz: ZoneInfo) -> tuple[int, int]:
    """[start, end) in ms for a CALENDAR_DATE operation ("this month", "last quarter"...)."""
    unit = str(operation.get("timeUnit", "")).upper()
    count = int(operation.get("timeUnitCount") or 1)
    fiscal = 1
    if operation.get("useFiscalYear") and operation.get("fiscalYearStart"):
        fiscal = MONTHS.index(str(operation["fiscalYearStart"]).upper()) + 1
    local = now.astimezone(tz)
    start = unit_start(local, unit, fiscal)
    operator = str(operation.get("operator", "")).upper()
    if operator == "IN_THIS_TIME_UNIT":
        return to_ms(start), to_ms(unit_shift(start, unit, 1))
    if operator == "IN_THIS_TIME_UNIT_SO_FAR":
        return to_ms(start), to_ms(local) + 1
    if operator == "IN_LAST_TIME_UNIT":
        return to_ms(unit_shift(start, unit, -count)), to_ms(start)
    if operator == "IN_NEXT_TIME_UNIT":
        following = unit_shift(start, unit, 1)
        return to_ms(following), to_ms(unit_shift(following, unit, count))
    raise TimePointError(f"unknown CALENDAR_DATE operator {operator!r}")
