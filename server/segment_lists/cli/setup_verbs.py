"""`init` and `doctor`: a starter segments file, and whether everything is in place (and what to fix)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from segment_lists.boundary.text import counted
from segment_lists.cli.output import emit_json
from segment_lists.cli.segments_file import load_segments, template
from segment_lists.cli.session import (
    CommandError,
    Exit,
    add_portal_arguments,
    add_segments_argument,
    chosen_portal,
    next_steps_for,
    run_command,
)
from segment_lists.domain.i18n import LANGUAGES
from segment_lists.workflow.doctor import credential_status, diagnose
from segment_lists.workflow.environment import load_settings


def cmd_doctor(args: argparse.Namespace) -> int:
    answers = load_segments(args.segments)
    with chosen_portal(args) as (settings, _):
        report = diagnose(settings, answers, prerequisites=not args.skip_prerequisites, next_steps=next_steps_for(args))
    if args.json:
        emit_json({"report": report, "ok": not report.failed})
    else:
        marks = {"ok": "ok  ", "warning": "warn", "fail": "FAIL"}
        for check in report.checks:
            print(f"[{marks[check.verdict]}] {check.area}: {check.detail}")
            if check.fix and check.verdict != "ok":
                print(f"       fix: {check.fix}")
        summary = (
            f"{counted(len(report.failed), 'problem')} to fix"
            if report.failed
            else "ready" + (f" ({counted(len(report.warnings), 'warning')})" if report.warnings else "")
        )
        print(f"\n{summary} ({report.seconds:.1f} s)")
    return int(Exit.DOCTOR) if report.failed else int(Exit.OK)


def cmd_init(args: argparse.Namespace) -> int:
    path: Path = args.path
    if path.exists() and not args.force:
        raise CommandError(f"{path} exists; use --force to overwrite it", Exit.USAGE)
    path.write_text(template(path.name, args.language), encoding="utf-8")
    print(f"Wrote {path}. Next: segment-lists plan {path}", file=sys.stdout)
    if not args.no_check:
        for line in credential_status(load_settings()):
            print(line, file=sys.stdout)
    return int(Exit.OK)


def add_parsers(commands: Any) -> None:
    doctor = commands.add_parser(
        "doctor",
        help="check the token, scopes, connectivity, rate tier and prerequisites",
        description="Check that everything is in place, and say what to fix: the token, each scope (one cheap "
        "read per area), connectivity, the rate tier, the journal, and the portal's prerequisites.",
    )
    add_segments_argument(doctor)
    doctor.add_argument("--skip-prerequisites", action="store_true", help="only token, scopes and connectivity")
    add_portal_arguments(doctor)
    doctor.set_defaults(run=lambda a: run_command(cmd_doctor, a, "nothing was changed"))

    init = commands.add_parser(
        "init", help="write a starter segments file", description="Write a commented segments file."
    )
    init.add_argument("path", type=Path, nargs="?", default=Path("segments.toml"), help="default ./segments.toml")
    init.add_argument("--language", choices=LANGUAGES, default="en", help="segment names in en or zh (default en)")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.add_argument("--no-check", action="store_true", help="do not check the HubSpot token's scopes")
    init.set_defaults(run=lambda a: run_command(cmd_init, a, "nothing was written"))
