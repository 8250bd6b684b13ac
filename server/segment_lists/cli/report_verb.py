"""`report`: the library as one self-contained HTML page and the same summary as Markdown."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from segment_lists.boundary.text import counted
from segment_lists.cli.output import emit_json
from segment_lists.cli.report_render import render_html, render_markdown
from segment_lists.cli.segments_file import load_segments
from segment_lists.cli.session import Exit, add_portal_arguments, add_segments_argument, run_command, session
from segment_lists.domain.i18n import LANGUAGES, Language
from segment_lists.workflow.report_data import library_report


def cmd_report(args: argparse.Namespace) -> int:
    answers = load_segments(args.segments)
    language: Language = args.language or answers.language
    if args.language and args.language != answers.language:
        answers = answers.model_copy(update={"language": args.language})
    with session(args) as s:
        data = library_report(s.rt, answers, wait=args.wait, language=language, steps=s)
    html_path: Path = args.output
    md_path: Path = args.markdown or html_path.with_suffix(".md")
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(render_html(data), encoding="utf-8")
    md_path.write_text(render_markdown(data), encoding="utf-8")
    if args.json:
        emit_json({"html": str(html_path), "markdown": str(md_path), "report": data})
    else:
        print(f"{data.portal.notice}")
        print(f"Wrote {html_path} (open it in a browser) and {md_path} (paste it into a ticket).")
        print(
            f"{sum(1 for i in data.lists if i.list_id)} of {len(data.lists)} lists exist; "
            f"{counted(data.overlapping_pairs, 'overlapping pair')} in "
            f"{counted(len(data.groups), 'exclusivity group')}."
        )
    return int(Exit.OK)


def add_parser(commands: Any) -> None:
    report = commands.add_parser(
        "report",
        help="write the library as one self-contained HTML page (and Markdown)",
        description="The library at a glance: names, ids, definitions in plain words, counts, a size trend per "
        "list, each exclusivity group's overlap matrix as a heat map, prerequisites and warnings. One HTML "
        "file with no external assets, and the same summary as Markdown.",
    )
    add_segments_argument(report)
    report.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("segment-library.html"),
        help="HTML file (default ./segment-library.html)",
    )
    report.add_argument("--markdown", type=Path, help="Markdown file (default: the HTML file's name with .md)")
    report.add_argument("--language", choices=LANGUAGES, help="report language (default: the segments file's)")
    report.add_argument("--wait", type=float, default=120, help="seconds to wait for processing (default 120)")
    add_portal_arguments(report)
    report.set_defaults(run=lambda a: run_command(cmd_report, a, "nothing was written"))
