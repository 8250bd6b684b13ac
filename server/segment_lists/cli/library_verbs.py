"""`plan`, `apply`, `verify`, `rollback`: the segments file against the portal, on the same workflow
code as the MCP tools. Each verb: arguments -> the workflow -> text or JSON and an exit code."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from segment_lists.cli.output import ask_yes_no, emit_json, note, table
from segment_lists.cli.segments_file import load_segments
from segment_lists.cli.session import (
    Exit,
    Session,
    add_portal_arguments,
    add_segments_argument,
    run_command,
    session,
)
from segment_lists.domain.interview import Answers
from segment_lists.domain.plan import Plan
from segment_lists.workflow.apply import ApplyResult
from segment_lists.workflow.drift import STATUS_WORDS, LibraryStatus, plan_status
from segment_lists.workflow.measure import check_library
from segment_lists.workflow.write_requests import prepare_apply, prepare_rollback


def planned(s: Session, answers: Answers, *, estimate: bool) -> tuple[Plan, LibraryStatus]:
    with s.step("reading the portal and planning"):
        return plan_status(s.rt, answers, estimate=estimate)


def print_status(plan: Plan, status: LibraryStatus) -> None:
    print(f"{status.portal.notice}; plan {plan.plan_id}")
    rows = []
    for item, state in zip(plan.items, status.items, strict=True):
        size = state.size if state.size is not None else item.estimated_size
        rows.append([state.status, item.name, state.list_id or "", "" if size is None else size])
    table(rows, ["status", "list", "id", "size/estimate"])
    for state in status.drifted:
        print(f"\n! {state.name} drifted: {state.message}")
        if state.live is not None:
            print(f"    in HubSpot now:    {state.live}")
            print(f"    segments file:     {state.planned}")
        for line in state.removed:
            print(f"    - lost in HubSpot:   {line}")
        for line in state.added:
            print(f"    + added in HubSpot:  {line}")
    questions = [state for state in status.items if state.status in {"needs-input", "conflict"}]
    for state in questions:
        print(f"\n? {state.name}: {state.message}")
    for warning in plan.warnings:
        print(f"\n! {warning.message}")
    if plan.access_note:
        print(f"\naccess: {plan.access_note}")
    counts = {key: status.count(key) for key in STATUS_WORDS if status.count(key)}  # type: ignore[arg-type]
    print("\n" + ", ".join(f"{n} {key}" for key, n in counts.items()))


def _status_exit(status: LibraryStatus) -> Exit:
    if status.drifted:
        return Exit.DRIFT
    if status.pending:
        return Exit.PENDING
    return Exit.OK


# --- plan ----------------------------------------------------------------------------------------


def cmd_plan(args: argparse.Namespace) -> int:
    answers = load_segments(args.segments)
    with session(args) as s:
        plan, status = planned(s, answers, estimate=not args.no_estimate)
    if args.json:
        emit_json({"plan": plan, "status": status, "exit": _status_exit(status).name.lower()})
    else:
        print_status(plan, status)
    return int(_status_exit(status)) if args.check else int(Exit.OK)


# --- apply ---------------------------------------------------------------------------------------


def cmd_apply(args: argparse.Namespace) -> int:
    answers = load_segments(args.segments)
    with session(args) as s:
        plan, status = planned(s, answers, estimate=not args.no_estimate)
        result = apply_plan(s, plan, status, answers, args)
    if result is None:
        return int(Exit.DECLINED) if status.applicable_keys() else int(Exit.OK)
    failed = [item for item in result.items if item.outcome == "failed"]
    if args.json:
        emit_json({"result": result, "status": status})
    else:
        table(
            [
                [
                    item.outcome,
                    item.name,
                    item.list_id or "",
                    item.message + (f"; {item.access}" if item.access else ""),
                ]
                for item in result.items
            ],
            ["outcome", "list", "id", "note"],
        )
        print(f"\nRun {result.run_id}. Next: segment-lists verify; undo with segment-lists rollback {result.run_id}")
    return int(Exit.FAILED) if failed else int(Exit.OK)


def apply_plan(
    s: Session, plan: Plan, status: LibraryStatus, answers: Answers, args: argparse.Namespace
) -> ApplyResult | None:
    """Create what is missing (after confirmation); never touches lists in sync or drifted."""
    out = sys.stderr if args.json else sys.stdout
    for state in status.drifted:
        print(f"Left as is (drifted; see `segment-lists plan`): {state.name}: {state.message}", file=out)
    blocked = [state for state in status.items if state.status in {"needs-input", "conflict"}]
    for state in blocked:
        print(f"Not applied ({state.status}): {state.name}: {state.message}", file=out)
    keys = status.applicable_keys()
    if not keys:
        print("Nothing to apply: every segment of the segments file exists.", file=out)
        return None
    request = prepare_apply(s.rt, plan, keys, competitor_csv=answers.competitor_csv)
    if not ask_yes_no(args, request.preview, f"Create {len(request.items)} list(s)?"):
        print("Nothing was created.", file=out)
        return None
    with s.step(f"creating {len(request.items)} list(s)"):
        return request.carry_out(s.rt)


# --- verify --------------------------------------------------------------------------------------


def sandbox_bootstrap(s: Session, answers: Answers) -> None:
    """An embedded sandbox is new on every command: bring it to the segments file first, or there is nothing."""
    if s.sandbox is None:
        return
    plan, status = plan_status(s.rt, answers, estimate=False)
    keys = status.applicable_keys()
    if keys:
        note(f"Fresh sandbox portal: creating the segments file's {len(keys)} segment(s) first (demo data).")
        prepare_apply(s.rt, plan, keys, competitor_csv=answers.competitor_csv).carry_out(s.rt)


def cmd_verify(args: argparse.Namespace) -> int:
    answers = load_segments(args.segments)
    with session(args) as s:
        sandbox_bootstrap(s, answers)
        check = check_library(s.rt, answers, wait=args.wait, steps=s)
    status, counts, exclusivity = check.status, check.counts, check.exclusivity
    processing = [c for c in counts.counts if c.verdict in {"still-processing", "not-found"}]
    if args.json:
        emit_json({"status": status, "counts": counts, "exclusivity": exclusivity})
    else:
        print(f"{status.portal.notice}")
        table(
            [[c.name, c.list_id, c.size, c.estimate, c.verdict, c.message] for c in counts.counts],
            ["list", "id", "members", "estimate", "verdict", "note"],
        )
        missing = [state.name for state in status.items if state.status not in {"in-sync", "drifted"}]
        if missing:
            print(f"\nNot in the portal yet ({len(missing)}): " + "; ".join(missing))
        print("\nExclusivity:")
        for group in exclusivity.groups:
            mark = "ok" if group.exclusive else "OVERLAP"
            print(f"  [{mark}] {group.group}: {group.message}")
            for pair in group.pairs:
                if pair.overlap and pair.samples:
                    print("        e.g. " + ", ".join(o.email or o.record_id for o in pair.samples))
        for state in status.drifted:
            print(f"\n! drifted: {state.name}: {state.message}")
    if exclusivity.overlapping_pairs:
        return int(Exit.OVERLAP)
    if args.check and status.drifted:
        return int(Exit.DRIFT)
    if processing:
        note(f"{len(processing)} segment(s) not counted (still processing or gone); try again with a longer --wait")
        return int(Exit.FAILED)
    return int(Exit.OK)


# --- rollback ------------------------------------------------------------------------------------


def cmd_rollback(args: argparse.Namespace) -> int:
    with session(args) as s:
        request = prepare_rollback(s.rt, args.run_id, force=args.force)
        # Nothing to delete (done), or nothing may be deleted (refused): said, and nothing asked.
        for said, code in ((request.done, Exit.OK), (request.refused, Exit.FAILED)):
            if said is not None:
                if args.json:
                    emit_json({"run_id": request.run_id, "outcomes": [], "message": said})
                else:
                    print(said)
                return int(code)
        if not ask_yes_no(args, request.preview, f"Delete these {len(request.lists)} list(s)?"):
            print("Nothing was deleted.", file=sys.stderr if args.json else sys.stdout)
            return int(Exit.DECLINED)
        with s.step(f"deleting {len(request.lists)} list(s)"):
            result = request.carry_out(s.rt)
    refused = [o for o in result.outcomes if o.outcome == "refused"]
    if args.json:
        emit_json({"result": result})
    else:
        table([[o.outcome, o.name, o.list_id, o.message] for o in result.outcomes], ["outcome", "list", "id", "note"])
        for folder in result.folders_removed:
            print(f"Removed the empty folder {folder}.")
    return int(Exit.FAILED) if refused else int(Exit.OK)


def add_parsers(commands: Any) -> None:
    plan = commands.add_parser(
        "plan",
        help="show what would change in the portal: missing, in sync, drifted",
        description="Compare the segments file with the portal: which segments are missing, in sync, or drifted "
        "(edited in HubSpot since), with the differences in plain words. Changes nothing.",
    )
    add_segments_argument(plan)
    plan.add_argument("--check", action="store_true", help="exit 4 on drift, 5 when segments are missing (for CI)")
    plan.add_argument("--no-estimate", action="store_true", help="skip the size estimates (fewer API calls)")
    add_portal_arguments(plan)
    plan.set_defaults(run=lambda a: run_command(cmd_plan, a, "nothing was changed"))

    apply = commands.add_parser(
        "apply",
        help="create the missing segments, after confirmation",
        description="Create the segments file's missing segments (after showing what will happen and asking), "
        "journaled so that `rollback` can undo them. Segments in sync or drifted are left alone.",
    )
    add_segments_argument(apply)
    apply.add_argument("--yes", "-y", action="store_true", help="agree without asking (scripts, CI)")
    apply.add_argument("--no-estimate", action="store_true", help="skip the size estimates in the preview")
    add_portal_arguments(apply)
    apply.set_defaults(run=lambda a: run_command(cmd_apply, a, "nothing more was created"))

    verify = commands.add_parser(
        "verify",
        help="count the members and check the exclusivity groups",
        description="Wait for HubSpot to process the segments, compare sizes with the expected ranges, and check "
        "that mutually exclusive segments do not overlap (exit 3 when one does).",
    )
    add_segments_argument(verify)
    verify.add_argument("--wait", type=float, default=120, help="seconds to wait for processing (default 120)")
    verify.add_argument("--check", action="store_true", help="also exit 4 when a segment drifted")
    add_portal_arguments(verify)
    verify.set_defaults(run=lambda a: run_command(cmd_verify, a, "nothing was changed"))

    rollback = commands.add_parser(
        "rollback",
        help="undo an apply run: delete the segments it created",
        description="Delete every segment an apply run created (never ones it adopted), after a dependency check "
        "and confirmation. Contacts are untouched; HubSpot can restore a segment for 90 days.",
    )
    rollback.add_argument(
        "run_id", nargs="?", help="the run to undo (default: the latest apply run, with the other runs of its plan)"
    )
    rollback.add_argument("--yes", "-y", action="store_true", help="agree without asking (scripts, CI)")
    rollback.add_argument(
        "--force", action="store_true", help="delete even segments that workflows, emails or other segments use"
    )
    add_portal_arguments(rollback)
    rollback.set_defaults(run=lambda a: run_command(cmd_rollback, a, "nothing more was deleted"))
