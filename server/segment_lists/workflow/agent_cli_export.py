"""The segment library in HubSpot Agent CLI's record conventions (JSON Lines), so a team can use both.

HubSpot's Agent CLI (`hubspot`, public beta since June 2026) and its skills (HubSpot/agent-cli-skills)
pass data as JSONL: "Every read command (`list`, `search`, `get`) emits JSONL — one JSON object per
line: {"id":"123","properties":{...},"createdAt":"...","updatedAt":"...","archived":false,"url":"..."}"
(bulk-operations/SKILL.md); `properties` values are strings. A *segment* in their audience-targeting
skill is "a JSONL file" of such records (`segments/<name>.jsonl`), re-fed with `jq -c '{id}' | hubspot
objects get`. Their segment *definition* format (`hubspot segments create --filter "<expression>"`,
`--list-type STATIC|ACTIVE`, `--type 0-1`) is shown in build-targeting-foundation/SKILL.md, but the
filter-expression grammar and the JSON `hubspot segments list` emits are not documented.

So, per segment, one record in the read convention: `id` (the segment's list id), `name`,
`objectTypeId` and `listType` as `segments create` takes them, HubSpot's own `processingType` and
`filterBranch` (the Lists API's definition, which any Lists API client, the CLI's included, can send
back), `properties` under HubSpot's list property names as strings (`hs_list_size`, `hs_folder_name`),
`createdAt`/`updatedAt`/`archived`, `url` (the portal's segments page; HubSpot documents no link to one
segment), and what this tool knows under `segmentLists` (catalog key, how it came into the library, the
run, the definition in plain words). Members export as the skills' segment files: `{"id": "<recordId>"}`
per line. Nothing is translated into the CLI's filter expressions: their grammar is unpublished.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from segment_lists.boundary.text import clean
from segment_lists.workflow.journal import LibraryEntry
from segment_lists.workflow.library import LibraryExport
from segment_lists.workflow.runtime import Runtime

# `hubspot segments create --list-type` (build-targeting-foundation/SKILL.md): ACTIVE updates itself.
LIST_TYPES = {"DYNAMIC": "ACTIVE", "MANUAL": "STATIC", "SNAPSHOT": "STATIC"}


class SegmentListsFacts(BaseModel):
    """What this tool knows about a segment, beyond HubSpot's record."""

    model_config = ConfigDict(populate_by_name=True)

    segment_key: str | None = Field(alias="segmentKey")
    origin: str
    run_id: str = Field(alias="runId")
    added_at: str = Field(alias="addedAt")
    definition: str
    portal_id: str = Field(alias="portalId")


class SegmentRecord(BaseModel):
    """One segment as a line of JSONL, in the Agent CLI's read-record shape."""

    model_config = ConfigDict(populate_by_name=True)

    id: str
    name: str
    object_type_id: str = Field(alias="objectTypeId")
    list_type: str = Field(alias="listType")
    processing_type: str = Field(alias="processingType")
    processing_status: str | None = Field(alias="processingStatus")  # members are final once COMPLETE
    filter_branch: dict[str, Any] | None = Field(alias="filterBranch")
    properties: dict[str, str]
    created_at: str | None = Field(alias="createdAt")
    updated_at: str | None = Field(alias="updatedAt")
    archived: bool
    url: str | None
    segment_lists: SegmentListsFacts = Field(alias="segmentLists")

    def line(self) -> str:
        return json.dumps(self.model_dump(mode="json", by_alias=True), ensure_ascii=False, separators=(",", ":"))


def segment_records(rt: Runtime) -> list[SegmentRecord]:
    """The library's segments as HubSpot has them now (one batched read), with this tool's facts."""
    entries = rt.journal.library(rt.portal_id)
    live = {lst.id: lst for lst in rt.portal.get_lists([e.list_id for e in entries], include_filters=True)}
    domain = rt.account.ui_domain
    url = f"https://{domain}/contacts/{rt.portal_id}/lists/" if domain and rt.settings.is_hubspot else None
    records = []
    for entry in entries:
        found = live.get(entry.list_id)
        properties = {}
        if found is not None and found.size is not None:
            properties["hs_list_size"] = str(found.size)
        if found is not None and found.folder_name:
            properties["hs_folder_name"] = clean(found.folder_name, limit=500)
        processing = found.processing_type if found is not None else entry.processing_type
        branch = found.filter_branch if found is not None else entry.definition
        records.append(
            SegmentRecord(
                id=entry.list_id,
                name=clean(found.name if found is not None else entry.name, limit=2000),
                object_type_id=found.object_type_id if found is not None else "0-1",
                list_type=LIST_TYPES.get(processing, "STATIC"),
                processing_type=processing,
                processing_status=found.processing_status if found is not None else None,
                filter_branch=branch,
                properties=properties,
                created_at=_iso(found.created_at) if found is not None else None,
                updated_at=_iso(found.updated_at) if found is not None else None,
                archived=found is None,
                url=url,
                segment_lists=_facts(rt, entry, branch),
            )
        )
    return records


def library_jsonl(rt: Runtime) -> str:
    """The library as JSON Lines (one segment per line, newline-terminated; empty for no segments)."""
    return "".join(record.line() + "\n" for record in segment_records(rt))


def export_jsonl(rt: Runtime) -> LibraryExport:
    """`export_library` in JSONL: the lines only, so the model's context holds the library once."""
    return LibraryExport(portal=rt.ref, lists=[], markdown="", jsonl=library_jsonl(rt))


def member_lines(rt: Runtime, list_id: str) -> str:
    """A segment's members as the skills' segment file: `{"id":"<recordId>"}` per line."""
    return "".join(json.dumps({"id": record_id}) + "\n" for record_id in rt.portal.member_ids(list_id))


def member_file_name(record: SegmentRecord) -> str:
    """`core-all-customers-123.jsonl`: readable, unique by id, safe on any file system."""
    slug = re.sub(r"[^\w]+", "-", record.name.casefold()).strip("-_")[:60] or "segment"
    return f"{slug}-{record.id}.jsonl"


def _facts(rt: Runtime, entry: LibraryEntry, branch: dict[str, Any] | None) -> SegmentListsFacts:
    return SegmentListsFacts(
        segment_key=entry.segment_key,
        origin=entry.origin,
        run_id=entry.run_id,
        added_at=entry.created_at,
        definition=rt.describe(branch) if branch else "static segment (members added by id)",
        portal_id=rt.portal_id,
    )


def _iso(moment: Any) -> str | None:
    return None if moment is None else moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
