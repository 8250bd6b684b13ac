"""`plan`, `apply`, `verify`, `rollback`, `restore`: the segments file against the portal, on the same
workflow code as the MCP tools. Each verb: arguments -> the workflow -> text or JSON and an exit code."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from segment_lists.boundary.text import counted
from segment_lists.cli.command_steps import command, portal_options
from segment_lists.cli.output import ask_yes_no, emit_json, note, table
from segment_lists.cli.segments_file import load_segments
from segment_lists.cli.session import (
    Exit,
    Session,
    add_portal_arguments,
    add_segments_argument,
    declined,
    list_id_argument,
    next_steps_for,
    run_command,
    session,
)
from segment_lists.domain.interview import Answers
from segment_lists.domain.plan import Plan
from segment_lists.workflow.apply import ApplyResult
from segment_lists.workflow.drift import STATUS_WORDS, LibraryStatus, plan_status
from segment_lists.workflow.measure import check_library
from segment_lists.workflow.next_steps import Step
from segment_lists.workflow.write_requests import prepare_apply, prepare_restore, prepare_rollback


def planned(s: Session, answers: Answers, *, estimate: bool) -> tuple[Plan, LibraryStatus]:
    with s.step("reading the portal and planning"):
        return plan_status(s.rt, answers, estimate=estimate)


def print_status(plan: Plan, status: LibraryStatus) -> None:
    print(f"{status.portal.notice}; plan {plan.plan_id}")
    rows = []
    for item, state in zip(plan.items, status.items, strict=True):
        size = state.size if state.size is not None else item.estimated_size
        role = item.catalog_name if item.catalog_name and item.catalog_name != state.name else ""
        rows.append([state.status, state.name, role, state.list_id or "", "" if size is None else size])
    table(rows, ["status", "list (in HubSpot)", "catalog role", "id", "size/estimate"])
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
    items = {item.key: item for item in plan.items}
    for state in questions:
        print(f"\n? {state.name} ({state.key}): {state.message}")
        clash = items[state.key].clash
        for option in clash.options if clash is not None and state.status == "conflict" else []:
            print(f"    {'*' if option.recommended else ' '} {option.choice}: {option.consequence}")
    if any(state.status == "conflict" for state in questions):
        print('\n  Answer in the segments file, e.g. [choices] "core.suppressed" = "merge" (* recommended).')
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


NOTHING_TO_APPLY = "Nothing to apply: every segment of the segments file exists."


def cmd_apply(args: argparse.Namespace) -> int:
    answers = load_segments(args.segments)
    with session(args) as s:
        plan, status = planned(s, answers, estimate=not args.no_estimate)
        say_left_alone(status, args)
        if not status.applicable_keys():
            if args.json:
                emit_json({"result": None, "status": status, "message": NOTHING_TO_APPLY})
            else:
                print(NOTHING_TO_APPLY)
            return int(Exit.OK)
        result = apply_plan(s, plan, status, answers, args)
    if result is None:
        return declined(args, "nothing was changed")
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
        options = portal_options(args)
        file = str(args.segments) if args.segments else None
        print(
            f"\nRun {result.run_id}. Next: {command('verify', options, file)}; "
            f"undo with {command('rollback', options, result.run_id)}"
        )
    return int(Exit.FAILED) if failed else int(Exit.OK)


def say_left_alone(status: LibraryStatus, args: argparse.Namespace) -> None:
    """What `apply` will not touch, and why (stderr with --json)."""
    out = sys.stderr if args.json else sys.stdout
    plan = command("plan", portal_options(args), str(args.segments) if args.segments else None)
    for state in status.drifted:
        print(f"Left as is (drifted; see {plan}): {state.name}: {state.message}", file=out)
    blocked = [state for state in status.items if state.status in {"needs-input", "conflict"}]
    for state in blocked:
        print(f"Not applied ({state.status}): {state.name}: {state.message}", file=out)


def apply_plan(
    s: Session, plan: Plan, status: LibraryStatus, answers: Answers, args: argparse.Namespace
) -> ApplyResult | None:
    """Apply what is missing or chosen (after confirmation; None when not confirmed); never touches
    lists in sync or drifted."""
    request = prepare_apply(s.rt, plan, status.applicable_keys(), competitor_csv=answers.competitor_csv)
    if not ask_yes_no(args, request.preview, f"Apply {counted(len(request.items), 'item')}?"):
        return None
    with s.step(f"applying {counted(len(request.items), 'item')}"):
        return request.carry_out(s.rt)


# --- verify --------------------------------------------------------------------------------------


def cmd_verify(args: argparse.Namespace) -> int:
    answers = load_segments(args.segments)
    with session(args) as s:
        check = check_library(s.rt, answers, wait=args.wait, steps=s, temporary_lists=args.temporary_lists)
    status, counts, exclusivity = check.status, check.counts, check.exclusivity
    processing = [c for c in counts.counts if c.verdict in {"still-processing", "not-found"}]
    if args.json:
        emit_json({"status": status, "counts": counts, "exclusivity": exclusivity})
    else:
        print(f"{status.portal.notice}")
        table(
            [
                [c.name, c.catalog_name if c.catalog_name != c.name else "", c.list_id, c.size, c.estimate, c.verdict]
                for c in counts.counts
            ],
            ["list (in HubSpot)", "catalog role", "id", "members", "estimate", "verdict"],
        )
        for c in counts.counts:
            if c.verdict != "ok":
                print(f"  {c.name}: {c.message}")
        missing = [state.name for state in status.items if state.status not in {"in-sync", "drifted"}]
        if missing:
            apply = command("apply", portal_options(args), str(args.segments) if args.segments else None)
            print(f"\nNot in the portal yet ({len(missing)}): " + "; ".join(missing) + f". Create them: {apply}")
        print("\nExclusivity:")
        for group in exclusivity.groups:
            mark = {True: "ok", False: "OVERLAP", None: "not checked"}[group.exclusive]
            print(f"  [{mark}] {group.group}: {group.message}")
            print("        counted by: " + ", ".join(f"{p.method} ({counted(p.calls, 'call')})" for p in group.pairs))
            for pair in group.pairs:
                if pair.overlap and pair.samples:
                    print("        e.g. " + ", ".join(o.email or o.record_id for o in pair.samples))
        if exclusivity.temporary_lists:
            print(f"  Temporary lists: {exclusivity.temporary_lists}")
        elif exclusivity.temporary_lists_would_save:
            print(
                f"  Temporary lists would save about {exclusivity.temporary_lists_would_save:,} of these "
                f"{exclusivity.calls:,} API calls: add --temporary-lists to let HubSpot count the big overlaps"
            )
        for state in status.drifted:
            print(f"\n! drifted: {state.name}: {state.message}")
    if exclusivity.overlapping_pairs:
        return int(Exit.OVERLAP)
    if args.check and status.drifted:
        return int(Exit.DRIFT)
    if processing:
        note(
            f"{counted(len(processing), 'segment')} not counted (still processing or gone); "
            "try again with a longer --wait"
        )
        return int(Exit.FAILED)
    return int(Exit.OK)


# --- rollback ------------------------------------------------------------------------------------


def cmd_rollback(args: argparse.Namespace) -> int:
    with session(args) as s:
        request = prepare_rollback(s.rt, args.run_id, force=args.force)
        # Nothing to undo (done), or nothing may be deleted (refused): said, and nothing asked.
        for said, code in ((request.done, Exit.OK), (request.refused, Exit.FAILED)):
            if said is not None:
                if args.json:
                    emit_json({"run_id": request.run_id, "outcomes": [], "message": said})
                else:
                    print(said)
                return int(code)
        restoring = sum(r.state == "to-restore" for r in request.restorations)
        question = f"Delete {counted(len(request.lists), 'list')}" + (
            f" and restore {counted(restoring, 'change')} to existing lists?" if restoring else "?"
        )
        if not ask_yes_no(args, request.preview, question):
            return declined(args, "nothing was changed")
        with s.step("rolling back"):
            result = request.carry_out(s.rt)
    refused = [o for o in result.outcomes if o.outcome == "refused"]
    failed = [r for r in result.restored if r.outcome == "failed"]
    if args.json:
        emit_json({"result": result})
    else:
        table([[o.outcome, o.name, o.list_id] for o in result.outcomes], ["outcome", "list", "id"])
        if result.restored:
            table(
                [[r.outcome, r.name, r.list_id, r.message] for r in result.restored], ["outcome", "list", "id", "note"]
            )
        for outcome in refused:  # in full: who uses the list, and how to agree
            print(f"\n! {outcome.name} (list {outcome.list_id}): {outcome.message}")
        for folder in result.folders_removed:
            print(f"Removed the empty folder {folder}.")
        if any(o.outcome == "deleted" for o in result.outcomes):
            restore = next_steps_for(args)(Step.RESTORE)
            print(f"\nContacts are untouched. To bring a list back within 90 days, {restore}.")
    return int(Exit.FAILED) if refused or failed else int(Exit.OK)


# --- restore -------------------------------------------------------------------------------------


def cmd_restore(args: argparse.Namespace) -> int:
    with session(args) as s:
        request = prepare_restore(s.rt, args.list_id)
        if request.done is not None:
            if args.json:
                emit_json({"list_id": args.list_id, "outcome": None, "message": request.done})
            else:
                print(request.done)
            return int(Exit.OK)
        if not ask_yes_no(args, request.preview, "Restore this list?"):
            return declined(args, "nothing was restored")
        with s.step(f"restoring list {args.list_id}"):
            outcome = request.carry_out(s.rt)
    if args.json:
        emit_json({"result": outcome})
    else:
        print(f"{outcome.message} (list {outcome.list_id}).")
    return int(Exit.OK)


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
        help="create the missing segments (and adopt / merge / move aside as the file chooses), after confirmation",
        description="Create the segments file's missing segments, and adopt, merge or move aside existing segments "
        "as its [choices] say (after showing what will happen and asking), journaled so that `rollback` can undo "
        "them. Segments in sync or drifted are left alone.",
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
    verify.add_argument(
        "--temporary-lists",
        action="store_true",
        help="let HubSpot count big overlaps: temporary active lists ('in A and in B') are made in their own "
        "folder, journaled, and removed right after (never near the portal's list limit); without it, "
        "overlaps are counted read-only",
    )
    add_portal_arguments(verify)
    verify.set_defaults(run=lambda a: run_command(cmd_verify, a, "nothing was changed"))

    rollback = commands.add_parser(
        "rollback",
        help="undo an apply run: delete the segments it created, restore the segments it changed",
        description="Delete every segment an apply run created (never ones it reused or adopted), after a "
        "dependency check and confirmation, and give the segments it renamed or merged their previous names and "
        "filters back. Contacts are untouched; HubSpot can restore a deleted segment for 90 days.",
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

    restore = commands.add_parser(
        "restore",
        help="bring back a deleted list (HubSpot keeps them 90 days)",
        description="Restore a list deleted in the last 90 days (by `rollback`, or in HubSpot), after "
        "confirmation. It comes back with its name, filters and members as HubSpot kept them.",
    )
    restore.add_argument("list_id", type=list_id_argument, metavar="LIST_ID", help="the deleted list's id")
    restore.add_argument("--yes", "-y", action="store_true", help="agree without asking (scripts, CI)")
    add_portal_arguments(restore)
    restore.set_defaults(run=lambda a: run_command(cmd_restore, a, "nothing was restored"))
