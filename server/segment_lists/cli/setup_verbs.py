"""`report`, `doctor` and `init`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from segment_lists.cli.library_verbs import measure, plan_status, sandbox_bootstrap
from segment_lists.cli.report_render import collect, render_html, render_markdown
from segment_lists.cli.segments_file import load_segments, template
from segment_lists.cli.session import (
    CommandError,
    Exit,
    add_portal_arguments,
    add_segments_argument,
    emit_json,
    resolve_settings,
    run_command,
    session,
)
from segment_lists.domain.i18n import LANGUAGES, Language


def cmd_report(args: argparse.Namespace) -> int:
    answers = load_segments(args.segments)
    language: Language = args.language or answers.language
    if args.language and args.language != answers.language:
        answers = answers.model_copy(update={"language": args.language})
    with session(args) as s:
        sandbox_bootstrap(s, answers, args)
        plan, status = plan_status(s, answers, estimate=True)
        counts, exclusivity = measure(s, plan, status, wait=args.wait, history=True)
    data = collect(plan, status, counts, exclusivity, language=language)
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
            f"{data.overlapping_pairs} overlapping pair(s) in {len(data.groups)} exclusivity group(s)."
        )
    return int(Exit.OK)


def cmd_doctor(args: argparse.Namespace) -> int:
    from segment_lists.workflow.doctor import diagnose

    answers = load_segments(args.segments)
    settings, running = resolve_settings(args)
    try:
        report = diagnose(settings, answers, prerequisites=not args.skip_prerequisites)
    finally:
        if running is not None:
            running.stop()
    if args.json:
        emit_json({"report": report, "ok": not report.failed})
    else:
        marks = {"ok": "ok  ", "warning": "warn", "fail": "FAIL"}
        for check in report.checks:
            print(f"[{marks[check.verdict]}] {check.area}: {check.detail}")
            if check.fix and check.verdict != "ok":
                print(f"       fix: {check.fix}")
        summary = (
            f"{len(report.failed)} problem(s) to fix"
            if report.failed
            else "ready" + (f" ({len(report.warnings)} warning(s))" if report.warnings else "")
        )
        print(f"\n{summary} ({report.seconds:.1f} s)")
    return int(Exit.DOCTOR) if report.failed else int(Exit.OK)


def cmd_init(args: argparse.Namespace) -> int:
    path: Path = args.path
    if path.exists() and not args.force:
        raise CommandError(f"{path} exists; use --force to overwrite it", Exit.USAGE)
    path.write_text(template(path.name, args.language), encoding="utf-8")
    print(f"Wrote {path}. Next: segment-lists plan {path}", file=sys.stdout)
    return int(Exit.OK)


def add_other_commands(commands: Any) -> None:
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
    report.set_defaults(run=lambda a: run_command(cmd_report, a))

    doctor = commands.add_parser(
        "doctor",
        help="check the token, scopes, connectivity, rate tier and prerequisites",
        description="Check that everything is in place, and say what to fix: the token, each scope (one cheap "
        "read per area), connectivity, the rate tier, the journal, and the portal's prerequisites.",
    )
    add_segments_argument(doctor)
    doctor.add_argument("--skip-prerequisites", action="store_true", help="only token, scopes and connectivity")
    add_portal_arguments(doctor)
    doctor.set_defaults(run=lambda a: run_command(cmd_doctor, a))

    init = commands.add_parser(
        "init", help="write a starter segments file", description="Write a commented segments file."
    )
    init.add_argument("path", type=Path, nargs="?", default=Path("segments.toml"), help="default ./segments.toml")
    init.add_argument("--language", choices=LANGUAGES, default="en", help="list names in en or zh (default en)")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.set_defaults(run=lambda a: run_command(cmd_init, a))
