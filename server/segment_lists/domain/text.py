"""CRM text made safe to hand to a model: control, format and bidirectional characters removed.

List names, property labels and company names are written by whoever can edit the CRM. They are
returned as data fields, never as instructions, and stripped of characters that can hide or
reorder text (zero-width, bidi overrides, tag characters, C0/C1 controls).
"""

from __future__ import annotations

import unicodedata

_BIDI_AND_INVISIBLE = {
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u2060",
    "\u2061",
    "\u2062",
    "\u2063",
    "\u2064",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\ufeff",
}


def clean(text: str | None, *, limit: int = 500) -> str:
    """`text` without invisible or control characters, whitespace collapsed, at most `limit` chars."""
    if not text:
        return ""
    kept = []
    for char in text:
        if char in _BIDI_AND_INVISIBLE:
            continue
        category = unicodedata.category(char)
        if category in {"Cc", "Cf", "Co", "Cs"}:  # controls, format (tags...), private use, surrogates
            kept.append(" " if char in "\t\n\r" else "")
            continue
        kept.append(char)
    collapsed = " ".join("".join(kept).split())
    return collapsed if len(collapsed) <= limit else collapsed[: limit - 1] + "\u2026"
