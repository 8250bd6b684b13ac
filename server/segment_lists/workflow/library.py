"""The segment library: every list this tool created or took over (reused, adopted, merged) in a
portal, as the journal records it, under the name HubSpot has for it now.

`export_library` is the document (ids, HubSpot's names with the catalog role beside them, definitions
in plain words, current sizes, and the same as a Markdown table); `lists_by_segment` is the lookup
drift, exclusivity and verification share.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, field_serializer

from segment_lists.boundary.text import clean, markdown_cell
from segment_lists.workflow.journal import LibraryEntry
from segment_lists.workflow.runtime import PortalRef, Runtime


class LibraryRow(LibraryEntry):
    """A library entry as HubSpot has the list now."""

    hubspot_name: str | None = Field(
        default=None, description="The list's name in HubSpot now (None: not found there any more)"
    )
    size: int | None = None

    @field_serializer("hubspot_name")
    def _hubspot_name(self, name: str | None) -> str | None:
        return None if name is None else clean(name, limit=2000)

    @property
    def role(self) -> str:
        """The catalog role beside HubSpot's name: the segment key and the catalog's name for it."""
        key = self.segment_key or "custom"
        return f"{key} ({clean(self.catalog_name)})" if self.catalog_name else key


class LibraryExport(BaseModel):
    portal: PortalRef
    lists: list[LibraryRow]
    markdown: str
    # The same library as JSON Lines in HubSpot Agent CLI's record shape (`format="jsonl"`; then alone).
    jsonl: str | None = None


def lists_by_segment(rt: Runtime) -> dict[str, str]:
    """Segment key -> id of the live list that stands for it (from any run)."""
    return {entry.segment_key: entry.list_id for entry in rt.journal.library(rt.portal_id) if entry.segment_key}


def export_library(rt: Runtime) -> LibraryExport:
    entries = rt.journal.library(rt.portal_id)
    live = (
        {lst.id: lst for lst in rt.portal.get_lists([e.list_id for e in entries], include_filters=False)}
        if entries
        else {}
    )
    rows = [
        LibraryRow(
            **entry.model_dump(exclude={"name", "catalog_name"}),
            name=entry.name,
            catalog_name=entry.catalog_name,
            hubspot_name=live[entry.list_id].name if entry.list_id in live else None,
            size=live[entry.list_id].size if entry.list_id in live else None,
        )
        for entry in entries
    ]
    return LibraryExport(portal=rt.ref, lists=rows, markdown=_markdown(rt, rows))


def _markdown(rt: Runtime, rows: list[LibraryRow]) -> str:
    lines = ["| List (in HubSpot) | Role | Id | Type | Members | Definition |", "|---|---|---|---|---|---|"]
    for row in rows:
        definition = rt.describe(row.definition) if row.definition else "static list"
        kind = "active" if row.processing_type == "DYNAMIC" else "static"
        name = row.hubspot_name if row.hubspot_name is not None else f"{clean(row.name)} (not in HubSpot)"
        size = "" if row.size is None else row.size
        lines.append(
            f"| {markdown_cell(name)} | {markdown_cell(row.role)} | {row.list_id} | {kind} | {size} | "
            f"{markdown_cell(definition)} |"
        )
    return "\n".join(lines)
