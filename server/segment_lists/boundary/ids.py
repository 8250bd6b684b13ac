"""HubSpot ids in one form: plain ASCII digits, no leading zero, within HubSpot's range.

HubSpot sends ids as strings of digits (`listId`, record `id`, folder `id`; HubSpot's Lists spec,
crm-lists-2026-03 `PublicObjectList.listId`, `PublicListFolder.id`) and stores them as numbers, so
"09", "９" (fullwidth) or "٩" (Arabic-Indic) may reach the same list as "9" while a check that
compares strings misses it. Every id that comes from outside (a tool argument, a command-line argument,
a segments file) is therefore checked here, once, and refused unless it already is the one form; from
then on, the dependency check, the ownership check, the journal, the confirmation token and the write
all use that same string. Nothing is "normalised" silently: an alias is refused with the accepted form,
because the user confirms what they typed.

Ranges: list and record ids are 64-bit (HubSpot's objects API ids are longs; 1 .. 2^63-1); folder and
team ids are int32 in the spec (`ListCreateRequest.listFolderId`, `PublicListPermissions
.teamsWithEditAccess`: `format: int32`), and the root folder is 0.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

from segment_lists.boundary.text import shorten

MAX_LONG = 2**63 - 1
MAX_INT32 = 2**31 - 1
_DIGITS = re.compile(r"[1-9][0-9]*")  # [0-9]: ASCII only (unlike \d, which takes any script's digits)
# The JSON schema clients see: the same rule as a pattern (the range is in the description).
ID_PATTERN = r"^[1-9][0-9]{0,18}$"
ID_OR_ZERO_PATTERN = r"^(0|[1-9][0-9]{0,9})$"


class InvalidId(ValueError):
    """Not an id HubSpot can have, or not written the one way; the message shows the accepted form."""


def _why(value: str) -> str:
    if value == "":
        return "it is empty"
    if value != value.strip():
        return "it has spaces around it"
    if value[:1] in "+-":
        return "it has a sign"
    if any(ch.isdigit() and not "0" <= ch <= "9" for ch in value):
        return "it has digits that are not ASCII 0-9"
    if not value.isascii() or not value.isdigit():
        return "it is not all digits"
    if value.startswith("0"):
        return "it has a leading zero"
    return "it is out of range"


def canonical_id(value: Any, *, what: str = "id", maximum: int = MAX_LONG, allow_zero: bool = False) -> str:
    """`value` if it is an id in HubSpot's one form, else InvalidId saying why and what is accepted."""
    lowest = "0" if allow_zero else "1"
    accepted = f'ASCII digits without a leading zero, from {lowest} to {maximum}, as a string (e.g. "123")'
    if isinstance(value, bool) or not isinstance(value, str):
        kind = "a number" if isinstance(value, int | float) and not isinstance(value, bool) else type(value).__name__
        raise InvalidId(f"{what} {value!r} is not a HubSpot id (it is {kind}, not a string): give {accepted}")
    if allow_zero and value == "0":
        return value
    if _DIGITS.fullmatch(value) and int(value) <= maximum:
        return value
    shown = shorten(value, 41)
    raise InvalidId(f"{what} {shown!r} is not a HubSpot id ({_why(value)}): give {accepted}")


def _id_type(what: str, *, maximum: int = MAX_LONG, allow_zero: bool = False) -> Any:
    pattern = ID_OR_ZERO_PATTERN if allow_zero else ID_PATTERN
    return Annotated[
        str,
        BeforeValidator(partial(canonical_id, what=what, maximum=maximum, allow_zero=allow_zero)),
        WithJsonSchema({"type": "string", "pattern": pattern}),
    ]


# The types every boundary model and tool argument uses.
ListId = _id_type("list id")
RecordId = _id_type("record id")
FolderId = _id_type("folder id", maximum=MAX_INT32, allow_zero=True)
TeamId = _id_type("team id", maximum=MAX_INT32)
UserId = _id_type("user id", maximum=MAX_INT32)


def checked_list_id(value: Any) -> str:
    """A list id from outside, checked (for callers that are not pydantic models)."""
    return canonical_id(value, what="list id")


def same_id(value: Any) -> str | None:
    """An id read from HubSpot's own data (a workflow's `listId`, an email's list), in the one form
    when it is digits; None when it is not an id at all. HubSpot may send numbers or strings."""
    if isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text.isascii() or not text.isdigit():
        return None
    return str(int(text))
