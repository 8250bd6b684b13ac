"""Property values as HubSpot stores them (strings) and how to compare them by property type.

Shared by CRM search and list evaluation so both read a value the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from segment_lists.sandbox.clock import iso, to_ms

MULTI_VALUE_SEPARATOR = ";"


def parse_datetime_ms(raw: str | int | float | None) -> int | None:
    """Epoch milliseconds from an ISO-8601 string, a date, or epoch ms (as number or string)."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, int | float):
        return int(raw)
    text = str(raw).strip()
    if text.lstrip("-").isdigit():
        return int(text)
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return to_ms(datetime(day.year, day.month, day.day, tzinfo=UTC))
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return to_ms(moment)


def parse_number(raw: str | int | float | None) -> float | None:
    if raw is None or raw == "":
        return None
    try:
        return float(raw)
    except (TypeError, ValueError):
        return None


def parse_bool(raw: str | bool | None) -> bool | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"true", "1", "yes"}:
        return True
    if text in {"false", "0", "no"}:
        return False
    return None


def split_multi(raw: str | None) -> list[str]:
    """A multi-checkbox / enumeration value as its set of options (HubSpot joins them with ';')."""
    if raw is None or raw == "":
        return []
    return [part for part in str(raw).split(MULTI_VALUE_SEPARATOR) if part != ""]


def normalize_for_storage(prop_type: str | None, raw: object) -> str | None:
    """What HubSpot stores (and returns) for a written value: always a string, or None when cleared."""
    if raw is None:
        return None
    if prop_type == "datetime":
        ms = parse_datetime_ms(raw)  # type: ignore[arg-type]
        if ms is None:
            return str(raw)
        return iso(datetime.fromtimestamp(ms / 1000, UTC))
    if prop_type == "date":
        ms = parse_datetime_ms(raw)  # type: ignore[arg-type]
        if ms is None:
            return str(raw)
        return datetime.fromtimestamp(ms / 1000, UTC).date().isoformat()
    if prop_type == "bool":
        parsed = parse_bool(raw)  # type: ignore[arg-type]
        return str(raw) if parsed is None else ("true" if parsed else "false")
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def search_parser(prop_type: str) -> Callable[[Any], Any]:
    """How CRM search reads a stored value of this type: typed, or a lower-cased string (search
    compares strings case-insensitively; enumeration values exactly)."""
    if prop_type == "number":
        return parse_number
    if prop_type in ("datetime", "date"):
        return parse_datetime_ms
    if prop_type == "bool":
        return parse_bool
    if prop_type == "enumeration":
        return lambda raw: None if raw is None or raw == "" else str(raw)
    return lambda raw: None if raw is None or raw == "" else str(raw).lower()
