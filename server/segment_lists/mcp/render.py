"""What a tool result says to a model: a short Markdown text, and compact structured content.

Every tool answers with `answer(text, view)`: the text is the decisive summary (what was found or
done, the table the user needs, the next step); the view is the tool's small output model, dumped
without nulls or defaults, so nothing is said twice at length and detail comes only when asked for.
Claude Code hands the model only the structured content when a result has one, so every read view
carries the same summary (`summary`) beside its data. The words here are read aloud to a marketer:
no `None`, no word cut in half, "1 contact", labels rather than enum values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel, ConfigDict

from segment_lists.boundary.text import clean, counted, inline, markdown_cell
from segment_lists.boundary.text import shorten as cut_at_word
from segment_lists.workflow.runtime import PortalRef

# Labels for HubSpot's and our enumerations, as a marketer says them.
LIST_TYPES = {"DYNAMIC": "active", "MANUAL": "static", "SNAPSHOT": "static (snapshot)"}
PROCESSING = {"COMPLETE": "ready", "PROCESSING": "processing", "REFRESHING": "refreshing"}
ACTIONS = {
    "create": "create",
    "reuse": "reuse the existing list",
    "adopt": "adopt (rename) the existing list",
    "merge": "merge into the existing list",
    "move-aside": "rename the existing list, then create",
    "skip": "skip",
    "conflict": "question: existing list",
    "needs-input": "question",
}


_ANGLES = str.maketrans({"<": "\u2039", ">": "\u203a"})


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 contact', '2 contacts', '1,200 lists' (boundary.text.counted, the one plural rule)."""
    return counted(count, one, many)


def shorten(text: str | None, limit: int) -> str:
    """Cleaned CRM text, cut at a word boundary with an ellipsis (boundary.text.shorten): never mid-word."""
    return cut_at_word(clean(text, limit=100_000), limit)


def cell(value: object, limit: int = 2000) -> str:
    """A Markdown table cell or list item: empty for nothing (never 'None'), numbers with separators,
    text made safe (`markdown_cell`) with its double quotes made single (`inline`): a CRM name inside our
    Markdown can never close a quote of ours."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    # Angle brackets as their typographic look-alikes: no tag can form, and "10 -> 12" does not read
    # as "10 -&gt; 12" when a model relays it.
    text = shorten(str(value), limit).replace("->", "\u2192").translate(_ANGLES)
    return markdown_cell(inline(text))


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], *, limit: int = 2000) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(value, limit) for value in row) + " |" for row in rows]
    return "\n".join(lines)


class PortalView(BaseModel):
    """Which portal a result is about (every result names it); the sandbox says so in `notice`."""

    model_config = ConfigDict(from_attributes=True)  # made from the workflow's PortalRef

    portal_id: str
    is_sandbox: bool
    notice: str = ""


def portal_line(portal: PortalRef | PortalView) -> str:
    """Which portal, first: the sandbox loudly, with its notice (e.g. how to connect a real one)."""
    if portal.is_sandbox:
        return f"**{portal.notice}** (portal {portal.portal_id})."
    return f"HubSpot portal {portal.portal_id}." + (f" {portal.notice}" if portal.notice else "")


def size_range(bounds: Sequence[int] | None) -> str:
    return "" if not bounds else f"{bounds[0]:,}\u2013{bounds[1]:,}"


def compact(view: BaseModel) -> dict[str, Any]:
    """Structured content without nulls or defaults (empty lists, false flags)."""
    return view.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def answer(text: str, view: BaseModel, detail: str = "") -> CallToolResult:
    """The tool result: the Markdown text, and the view as structured content (validated by the SDK
    against the tool's output schema). `detail` (asked for) follows the text as Markdown; the view
    carries the same detail as data, so neither kind of client reads it twice."""
    body = text + ("\n\n" + detail if detail else "")
    return CallToolResult(content=[TextContent(type="text", text=body)], structured_content=compact(view))


def code(value: object) -> str:
    """JSON inline in Markdown, in a code span that the value cannot close."""
    return "``" + json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("`", "'") + "``"


def compact_schema(schema: Any) -> Any:
    """An input schema as short as it can be while saying the same: no generated titles (the property
    name says it), `X or null` with a null default is plain optional `X`, no null defaults, no model
    docstrings. Sent in tools/list on every turn; arguments are still validated by the pydantic models,
    which accept everything the compact schema allows."""
    if isinstance(schema, list):
        return [compact_schema(part) for part in schema]
    if not isinstance(schema, dict):
        return schema
    out = {
        key: compact_schema(value) for key, value in schema.items() if not (key == "title" and isinstance(value, str))
    }
    if isinstance(schema.get("properties"), dict):  # property names are data here, never keywords
        out["properties"] = {name: compact_schema(value) for name, value in schema["properties"].items()}
    if isinstance(schema.get("$defs"), dict):  # a model's docstring is for its code, its fields say enough
        out["$defs"] = {
            name: {k: v for k, v in compact_schema(value).items() if k != "description"}
            for name, value in schema["$defs"].items()
        }
    alternatives = out.get("anyOf")
    if isinstance(alternatives, list) and {"type": "null"} in alternatives:
        rest = [a for a in alternatives if a != {"type": "null"}]
        if len(rest) == 1 and out.get("default") is None:
            merged = {key: value for key, value in out.items() if key not in {"anyOf", "default"}}
            out = {**rest[0], **merged}
    if "default" in out and out["default"] is None:
        del out["default"]
    return out


def output_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The published output schema: the result's fields and their JSON types, one level deep (rows and
    nested records are objects). Structured content is data for programs, never steering for the
    model, and the server validates every result against the full model before sending it; what
    each row holds is in the README."""

    def json_type(field: dict[str, Any]) -> dict[str, Any]:
        if "$ref" in field:
            return {"type": "object"}
        options = [json_type(option) for option in field.get("anyOf", []) if option != {"type": "null"}]
        if options:
            return options[0] if len(options) == 1 else {"anyOf": options}
        kept = {key: field[key] for key in ("type", "enum") if key in field}
        if field.get("type") == "array" and isinstance(field.get("items"), dict):
            kept["items"] = json_type(field["items"])
        return kept or {"type": "object"}

    properties = {name: json_type(field) for name, field in schema.get("properties", {}).items()}
    return {"type": "object", "properties": properties, "required": schema.get("required", [])}
