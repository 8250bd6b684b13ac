"""The segment library: every list this tool created or adopted in a portal, as the journal records it.

`export_library` is the document (ids, names, definitions in plain words, current sizes, and the same
as a Markdown table); `lists_by_segment` is the lookup drift, exclusivity and verification share.
"""

from __future__ import annotations

from pydantic import BaseModel

from segment_lists.boundary.text import markdown_cell
from segment_lists.workflow.journal import LibraryEntry
from segment_lists.workflow.runtime import PortalRef, Runtime


class LibraryExport(BaseModel):
    portal: PortalRef
    lists: list[LibraryEntry]
    markdown: str
    # The same library as JSON Lines in HubSpot Agent CLI's record shape (`format="jsonl"`; then alone).
    jsonl: str | None = None


def lists_by_segment(rt: Runtime) -> dict[str, str]:
    """Segment key -> id of the live list that stands for it (from any run)."""
    return {entry.segment_key: entry.list_id for entry in rt.journal.library(rt.portal_id) if entry.segment_key}


def export_library(rt: Runtime) -> LibraryExport:
    entries = rt.journal.library(rt.portal_id)
    sizes = (
        {lst.id: lst.size for lst in rt.portal.get_lists([e.list_id for e in entries], include_filters=False)}
        if entries
        else {}
    )
    return LibraryExport(portal=rt.ref, lists=entries, markdown=_markdown(rt, entries, sizes))


def _markdown(rt: Runtime, entries: list[LibraryEntry], sizes: dict[str, int | None]) -> str:
    lines = ["| List | Id | Type | Members | Definition |", "|---|---|---|---|---|"]
    for entry in entries:
        definition = rt.describe(entry.definition) if entry.definition else "static list"
        kind = "active" if entry.processing_type == "DYNAMIC" else "static"
        size = sizes.get(entry.list_id)
        count = "" if size is None else size
        lines.append(
            f"| {markdown_cell(entry.name)} | {entry.list_id} | {kind} | {count} | {markdown_cell(definition)} |"
        )
    return "\n".join(lines)
