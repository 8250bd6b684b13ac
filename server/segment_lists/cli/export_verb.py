"""`export`: the segment library as JSON Lines for HubSpot's Agent CLI and its skills (or JSON, Markdown)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from segment_lists.boundary.text import counted
from segment_lists.cli.output import emit_json, note
from segment_lists.cli.session import Exit, add_portal_arguments, run_command, session
from segment_lists.workflow.agent_cli_export import library_jsonl, member_file_name, member_lines, segment_records
from segment_lists.workflow.library import export_library


def cmd_export(args: argparse.Namespace) -> int:
    fmt = "json" if args.json else args.format
    with session(args) as s:
        if fmt == "jsonl":
            text = library_jsonl(s.rt)
        else:
            exported = export_library(s.rt)
            text = exported.markdown + "\n" if fmt == "markdown" else exported.model_dump_json(indent=2) + "\n"
        if args.members is not None:
            folder: Path = args.members
            folder.mkdir(parents=True, exist_ok=True)
            records = segment_records(s.rt)
            for record in records:
                if not record.archived:
                    (folder / member_file_name(record)).write_text(member_lines(s.rt, record.id), encoding="utf-8")
            note(f"Wrote the members of {counted(sum(not r.archived for r in records), 'segment')} to {folder}/")
        notice = s.rt.ref.notice
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        if fmt == "json":
            emit_json({"output": str(args.output), "portal": notice})
        else:
            print(f"{notice}\nWrote {args.output}.")
    return int(Exit.OK)


def add_parser(commands: Any) -> None:
    export = commands.add_parser(
        "export",
        help="write the library as JSON Lines for HubSpot's Agent CLI (or JSON / Markdown)",
        description="The segments this tool created or adopted, one JSON object per line in the record shape of "
        "HubSpot's Agent CLI (`hubspot`) and its skills: id, name, objectTypeId, listType, processingType, "
        "filterBranch, properties (hs_list_size...), and this tool's facts under segmentLists. --members writes "
        'each segment\'s members as a segment file of {"id": ...} lines, as the skills keep segments. '
        "See docs/agent-cli.md.",
    )
    export.add_argument("--format", choices=["jsonl", "json", "markdown"], default="jsonl", help="default jsonl")
    export.add_argument("-o", "--output", type=Path, help="write to this file (default: standard output)")
    export.add_argument("--members", type=Path, metavar="DIR", help="also write each segment's members to DIR/*.jsonl")
    add_portal_arguments(export)
    export.set_defaults(run=lambda a: run_command(cmd_export, a, "nothing was exported"))
