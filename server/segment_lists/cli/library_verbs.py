"""`plan`, `apply`, `verify`, `rollback`: the segments file against the portal, on the MCP tools' workflow code."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from segment_lists.cli.segments_file import load_segments
from segment_lists.cli.session import (
    CommandError,
    Exit,
    Session,
    confirm,
    emit_json,
    note,
    session,
    table,
)
from segment_lists.domain.catalog import ExclusivityGroup
from segment_lists.domain.interview import Answers
from segment_lists.domain.plan import Plan
from segment_lists.workflow import previews
from segment_lists.workflow.apply import ApplyResult, apply_items, select_items
from segment_lists.workflow.drift import STATUS_WORDS, LibraryStatus, library_status
from segment_lists.workflow.exclusivity import ExclusivityReport, check_groups
from segment_lists.workflow.proposal import propose
from segment_lists.workflow.rollback import rollback_run
from segment_lists.workflow.verify import CountReport, count_members


def plan_status(s: Session, answers: Answers, *, estimate: bool) -> tuple[Plan, LibraryStatus]:
    with s.activity("reading the portal and planning"):
        plan = propose(s.rt, answers, estimate=estimate)
        status = library_status(s.rt, plan)
    return plan, status


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
        plan, status = plan_status(s, answers, estimate=not args.no_estimate)
    if args.json:
        emit_json({"plan": plan, "status": status, "exit": _status_exit(status).name.lower()})
    else:
        print_status(plan, status)
    return int(_status_exit(status)) if args.check else int(Exit.OK)


# --- apply ---------------------------------------------------------------------------------------


def cmd_apply(args: argparse.Namespace) -> int:
    answers = load_segments(args.segments)
    with session(args) as s:
        plan, status = plan_status(s, answers, estimate=not args.no_estimate)
        result = apply_plan(s, plan, status, answers, args)
    if result is None:
        return int(Exit.DECLINED) if status.applicable_keys() else int(Exit.OK)
    failed = [item for item in result.items if item.outcome == "failed"]
    if args.json:
        emit_json({"result": result, "status": status})
    else:
        table(
            [[item.outcome, item.name, item.list_id or "", item.message] for item in result.items],
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
        print("Nothing to apply: every list of the segments file exists.", file=out)
        return None
    selected = select_items(plan, keys)
    preview = previews.apply_preview(s.rt, plan, selected)
    if not confirm(args, preview, f"Create {len(selected)} list(s)?"):
        print("Nothing was created.", file=out)
        return None
    with s.activity(f"creating {len(selected)} list(s)"):
        return apply_items(s.rt, plan, selected, competitor_csv=answers.competitor_csv)


# --- verify --------------------------------------------------------------------------------------


def groups_for(s: Session, plan: Plan) -> list[tuple[ExclusivityGroup, dict[str, str]]]:
    library = {e.segment_key: e.list_id for e in s.rt.journal.library(s.rt.portal_id) if e.segment_key}
    wanted = {item.key for item in plan.items}
    return [
        (group, {key: library[key] for key in group.members if key in library and key in wanted})
        for group in plan.groups
    ]


def measure(
    s: Session, plan: Plan, status: LibraryStatus, *, wait: float, history: bool
) -> tuple[CountReport, ExclusivityReport]:
    ids = [state.list_id for state in status.items if state.list_id and state.status in {"in-sync", "drifted"}]
    s.progress.bar(0, max(1, len(ids)), "waiting for HubSpot to process the lists")
    counts = (
        count_members(s.rt, ids, plan=plan, wait_seconds=wait, include_history=history, progress=s.progress.bar)
        if ids
        else CountReport(portal=s.rt.ref, counts=[], waited_seconds=0.0)
    )
    groups = [(group, members) for group, members in groups_for(s, plan) if len(members) >= 2]
    with s.activity(f"checking {len(groups)} exclusivity group(s)"):
        exclusivity = check_groups(s.rt, groups)
    return counts, exclusivity


def sandbox_bootstrap(s: Session, answers: Answers, args: argparse.Namespace) -> None:
    """An embedded sandbox is new on every command: bring it to the segments file first, or there is nothing."""
    if s.sandbox is None:
        return
    plan, status = plan_status(s, answers, estimate=False)
    keys = status.applicable_keys()
    if keys:
        note(args, f"Fresh sandbox portal: creating the segments file's {len(keys)} list(s) first (demo data).")
        apply_items(s.rt, plan, select_items(plan, keys), competitor_csv=answers.competitor_csv)


def cmd_verify(args: argparse.Namespace) -> int:
    answers = load_segments(args.segments)
    with session(args) as s:
        sandbox_bootstrap(s, answers, args)
        plan, status = plan_status(s, answers, estimate=False)
        counts, exclusivity = measure(s, plan, status, wait=args.wait, history=False)
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
        note(args, f"{len(processing)} list(s) not counted (still processing or gone); try again with a longer --wait")
        return int(Exit.FAILED)
    return int(Exit.OK)


# --- rollback ------------------------------------------------------------------------------------


def cmd_rollback(args: argparse.Namespace) -> int:
    with session(args) as s:
        rt = s.rt
        runs = rt.journal.runs(rt.portal_id, "apply")
        if not runs:
            raise CommandError("this portal's journal has no apply run to roll back; nothing was deleted")
        run_id = args.run_id or runs[-1].run_id
        if run_id not in {r.run_id for r in runs}:
            known = ", ".join(r.run_id for r in runs[-5:])
            raise CommandError(
                f"no apply run '{run_id}' in this portal's journal (latest: {known}); nothing was deleted"
            )
        ids = [e.list_id for e in rt.journal.library(rt.portal_id) if e.run_id == run_id and e.origin == "created"]
        lists = rt.portal.get_lists(ids, include_filters=False) if ids else []
        if not lists:
            message = f"run {run_id} has no lists left to delete; nothing was deleted"
            emit_json({"run_id": run_id, "outcomes": [], "message": message}) if args.json else print(message)
            return int(Exit.OK)
        if not confirm(args, previews.rollback_preview(rt, run_id, lists), f"Delete these {len(lists)} list(s)?"):
            print("Nothing was deleted.", file=sys.stderr if args.json else sys.stdout)
            return int(Exit.DECLINED)
        with s.activity(f"deleting {len(lists)} list(s)"):
            result = rollback_run(rt, run_id, force=args.force)
    refused = [o for o in result.outcomes if o.outcome == "refused"]
    if args.json:
        emit_json({"result": result})
    else:
        table([[o.outcome, o.name, o.list_id, o.message] for o in result.outcomes], ["outcome", "list", "id", "note"])
    return int(Exit.FAILED) if refused else int(Exit.OK)


def add_flow_commands(commands: Any) -> None:
    from segment_lists.cli.session import add_portal_arguments, add_segments_argument, run_command

    plan = commands.add_parser(
        "plan",
        help="show what would change in the portal: missing, in sync, drifted",
        description="Compare the segments file with the portal: which lists are missing, in sync, or drifted "
        "(edited in HubSpot since), with the differences in plain words. Changes nothing.",
    )
    add_segments_argument(plan)
    plan.add_argument("--check", action="store_true", help="exit 4 on drift, 5 when lists are missing (for CI)")
    plan.add_argument("--no-estimate", action="store_true", help="skip the size estimates (fewer API calls)")
    add_portal_arguments(plan)
    plan.set_defaults(run=lambda a: run_command(cmd_plan, a))

    apply = commands.add_parser(
        "apply",
        help="create the missing lists, after confirmation",
        description="Create the segments file's missing lists (after showing what will happen and asking), "
        "journaled so that `rollback` can undo them. Lists in sync or drifted are left alone.",
    )
    add_segments_argument(apply)
    apply.add_argument("--yes", "-y", action="store_true", help="agree without asking (scripts, CI)")
    apply.add_argument("--no-estimate", action="store_true", help="skip the size estimates in the preview")
    add_portal_arguments(apply)
    apply.set_defaults(run=lambda a: run_command(cmd_apply, a))

    verify = commands.add_parser(
        "verify",
        help="count the members and check the exclusivity groups",
        description="Wait for HubSpot to process the lists, compare sizes with the expected ranges, and check "
        "that mutually exclusive lists do not overlap (exit 3 when one does).",
    )
    add_segments_argument(verify)
    verify.add_argument("--wait", type=float, default=120, help="seconds to wait for processing (default 120)")
    verify.add_argument("--check", action="store_true", help="also exit 4 when a list drifted")
    add_portal_arguments(verify)
    verify.set_defaults(run=lambda a: run_command(cmd_verify, a))

    rollback = commands.add_parser(
        "rollback",
        help="undo an apply run: delete the lists it created",
        description="Delete every list an apply run created (never lists it adopted), after a dependency check "
        "and confirmation. Contacts are untouched; HubSpot can restore a list for 90 days.",
    )
    rollback.add_argument("run_id", nargs="?", help="the run to undo (default: the latest apply run)")
    rollback.add_argument("--yes", "-y", action="store_true", help="agree without asking (scripts, CI)")
    rollback.add_argument("--force", action="store_true", help="delete even lists that workflows/emails/lists use")
    add_portal_arguments(rollback)
    rollback.set_defaults(run=lambda a: run_command(cmd_rollback, a))
