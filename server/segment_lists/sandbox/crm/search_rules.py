"""What a CRM search filter means, shared by the per-record scan (`search`) and the column search
(`column_search`), so both select exactly the same records.

HubSpot's documented operators (reference §11); the token match and the treatment of records without
a value follow what HubSpot does where its docs are silent (marked [unconfirmed]).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from typing import Any

OPERATORS = (
    "EQ",
    "NEQ",
    "LT",
    "LTE",
    "GT",
    "GTE",
    "BETWEEN",
    "IN",
    "NOT_IN",
    "HAS_PROPERTY",
    "NOT_HAS_PROPERTY",
    "CONTAINS_TOKEN",
    "NOT_CONTAINS_TOKEN",
)
NEGATIVE_OPERATORS = frozenset({"NEQ", "NOT_IN", "NOT_CONTAINS_TOKEN"})
# Whether NEQ / NOT_IN match records with no value. HubSpot does not document it; community
# reports say records without the property are included [unconfirmed].
NEGATIVE_OPERATORS_MATCH_EMPTY = True
TOKEN_SPLIT = re.compile(r"[^0-9a-z]+")


def contains_token(text: str, pattern: str) -> bool:
    """HubSpot's token match: the whole value or any word in it; `*` is a wildcard."""
    tokens = [t for t in TOKEN_SPLIT.split(text) if t]
    if "*" in pattern:
        return fnmatch.fnmatchcase(text, pattern) or any(fnmatch.fnmatchcase(t, pattern) for t in tokens)
    # A pattern with punctuation ("acme.com") matches the run of tokens it spells.
    return text == pattern or pattern in tokens or (bool(TOKEN_SPLIT.search(pattern)) and pattern in text)


def range_test(operator: str, low: Any, upper: Any) -> Callable[[Any], bool]:
    """LT / LTE / GT / GTE (against `low`) or BETWEEN (inclusive) on typed values; values that do not
    compare with the bounds (a string against a number) match nothing."""
    compare: Callable[[Any], bool] = {
        "LT": lambda v: v < low,
        "LTE": lambda v: v <= low,
        "GT": lambda v: v > low,
        "GTE": lambda v: v >= low,
        "BETWEEN": lambda v: low <= v <= upper,
    }[operator]

    def test(value: Any) -> bool:
        try:
            return compare(value)
        except TypeError:
            return False

    return test
