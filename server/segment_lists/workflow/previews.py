"""What a write will do, in words a person can confirm: the same text for elicitation, the token
path and the command line. Deterministic for the same inputs (elicitation answers are matched to
the question by its digest).

The preview is the contract: everything a confirmation binds is in it, in plain words. The lists,
their definitions and sizes; for a static list every domain (and every CSV address's domain) with the
number of contacts it adds; for a list made outside this tool, that it was, and by whom; with `force`,
every workflow, email or list that will break, by name and id. CRM names are quoted, so a name never
reads as part of our sentence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from segment_lists.boundary.text import counted, quoted
from segment_lists.domain.plan import Plan, PlanItem
from segment_lists.portal.models import HubSpotList
from segment_lists.workflow.dependencies import INVISIBLE_USES, DependencyReport
from segment_lists.workflow.exclusivity import TemporaryOutlook
from segment_lists.workflow.list_changes import Restoration
from segment_lists.workflow.next_steps import Step
from segment_lists.workflow.rollback import RollbackTargets
from segment_lists.workflow.runtime import Runtime
from segment_lists.workflow.static_members import StaticAdds
from segment_lists.workflow.temporary_lists import TEMPORARY_FOLDER, Headroom

RESTORABLE = "Contacts are not deleted; each segment can be restored for 90 days."


def where(rt: Runtime) -> str:
    """The portal as the user must read it: the sandbox, HubSpot, or some other URL (said plainly)."""
    return rt.ref.notice


def _size(lst: HubSpotList) -> str:
    return counted(lst.size, "member") if lst.size is not None else "size unknown"


def additions_lines(name: str, adds: StaticAdds, indent: str = "  ") -> list[str]:
    """A static list's new members, per domain and source."""
    lines = [f"Add {counted(len(adds.record_ids), 'contact')} to the static segment {quoted(name)}:"]
    lines += [f"{indent}- {line}" for line in adds.lines()] or [f"{indent}- (no contact matches)"]
    return lines


def apply_preview(
    rt: Runtime,
    plan: Plan,
    items: Sequence[PlanItem],
    additions: Mapping[str, StaticAdds] | None = None,
    existing: Mapping[str, HubSpotList] | None = None,
    dependents: Mapping[str, tuple[list[str], list[str]]] | None = None,
) -> str:
    """`additions`: per static item key, the contacts it gains (`apply.planned_additions`);
    `existing`: the lists adopt/merge/move-aside act on, as they are now (with filters);
    `dependents`: who uses each list a merge changes, in words (fresh)."""
    existing = existing or {}
    dependents = dependents or {}

    def current(item: PlanItem) -> str:
        lst = existing.get(str(item.existing_list_id))
        name = lst.name if lst is not None else (item.clash.list_name if item.clash else "?")
        return f"{quoted(name)} (id {item.existing_list_id})"

    creates = [i for i in items if i.action in {"create", "move-aside"}]
    reuses = [i for i in items if i.action == "reuse"]
    adopts = [i for i in items if i.action == "adopt"]
    merges = [i for i in items if i.action == "merge"]
    asides = [i for i in items if i.action == "move-aside"]
    lines = [f"In {where(rt)}, plan {plan.plan_id}:"]
    if asides:
        lines.append(
            f"Move {counted(len(asides), 'existing list')} aside (renamed only; members, filters and id unchanged):"
        )
        lines += [f"  - rename {current(i)} to {quoted(i.rename_existing_to)}" for i in asides]
    if creates:
        folder = f" in folder {quoted(plan.folder)}" if plan.folder else ""
        lines.append(f"Create {counted(len(creates), 'segment')}{folder}:")
        for item in creates:
            kind = "active" if item.processing_type == "DYNAMIC" else "static"
            size = f", about {counted(item.estimated_size, 'contact')}" if item.estimated_size is not None else ""
            lines.append(f"  - {quoted(item.name)} ({kind}{size}): {item.description}")
    if adopts:
        lines.append(f"Adopt {counted(len(adopts), 'existing list')} (renamed; id, members and filters unchanged):")
        for item in adopts:
            target = f"rename {current(item)} to {quoted(item.rename_existing_to)}"
            lines.append(f"  - {target}" if item.rename_existing_to else f"  - {current(item)} keeps its name")
    if merges:
        lines.append(
            f"Merge into {counted(len(merges), 'existing list')} (their filters are replaced; HubSpot keeps each id):"
        )
        for item in merges:
            lst = existing.get(str(item.existing_list_id))
            before = rt.describe(lst.filter_branch) if lst is not None and lst.filter_branch else "no filters"
            used, unchecked = dependents.get(str(item.existing_list_id), ([], []))
            change = item.clash.membership_change if item.clash else None
            lines.append(f"  - {current(item)}: filters now: {before}")
            lines.append(f"      become: {item.description}")
            if change is not None and change.joins is not None:
                lines.append(f"      members: about {change.joins} join, {change.leaves} leave ({change.note})")
            elif change is not None:
                lines.append(f"      members: the change cannot be counted beforehand ({change.note})")
            lines.append(
                "      used by: "
                + ("; ".join(used) if used else "nothing")
                + (f"; could not check {'; '.join(unchecked)}" if unchecked else "")
            )
            if item.rename_existing_to:
                lines.append(f"      and renamed to {quoted(item.rename_existing_to)}")
    if reuses:
        lines.append(
            f"Reuse {counted(len(reuses), 'existing segment')} (not changed, except adding matches to static segments):"
        )
        lines += [f"  - {quoted(item.catalog_name or item.name)} -> segment {item.existing_list_id}" for item in reuses]
    for item in items:
        adds = (additions or {}).get(item.key)
        if adds is not None:
            lines += additions_lines(item.name, adds)
    if creates and plan.answers.edit_teams:
        teams = ", ".join(quoted(team) for team in plan.answers.edit_teams)
        given = (
            f"{'team id' if len(plan.edit_team_ids) == 1 else 'team ids'} "
            f"{', '.join(str(i) for i in plan.edit_team_ids)}"
            if plan.edit_team_ids
            else "none found"
        )
        lines.append(f"Edit access for the teams {teams} ({given}).")
    changed = (
        " and gives every renamed or merged segment its previous name and filters back"
        if (adopts or merges or asides)
        else ""
    )
    lines.append(
        f"Nothing is deleted. To undo it, {rt.next_steps(Step.ROLLBACK)}: that deletes the segments created{changed}."
    )
    return "\n".join(lines)


def custom_preview(
    rt: Runtime, name: str, processing_type: str, description: str, additions: StaticAdds | None = None
) -> str:
    kind = "an active" if processing_type == "DYNAMIC" else "a static"
    lines = [f"In {where(rt)}: create {kind} segment {quoted(name)}: {description}."]
    if additions is not None:
        lines += additions_lines(name, additions)
    return "\n".join(lines)


def dependents_lines(report: DependencyReport, indent: str = "  ") -> list[str]:
    """Who uses a list, by name and id, and what could not be checked."""
    lines = [f"{indent}- {d.kind} {quoted(d.name)} (id {d.id}): {d.how}" for d in report.dependents]
    lines += [f"{indent}- {u.kind}s could not be checked: {u.reason}" for u in report.unchecked]
    return lines


def delete_preview(
    rt: Runtime,
    lst: HubSpotList,
    report: DependencyReport,
    *,
    force: bool,
    allow_foreign: bool,
    made_by: str | None,
) -> str:
    """`made_by`: who made the list in HubSpot, when this tool did not (None: this tool made it)."""
    lines = [f"In {where(rt)}: delete the segment {quoted(lst.name)} (id {lst.id}, {_size(lst)}). {RESTORABLE}"]
    if made_by is not None:
        lines.append(f"This segment was made outside this tool ({made_by}); allow_foreign lets it be deleted.")
    elif allow_foreign:
        lines.append("allow_foreign changes nothing here: this tool made the segment.")
    if report.dependents or report.unchecked:
        lines.append("With force, it is deleted although:")
        lines += dependents_lines(report)
        if report.dependents:
            lines.append("These will break: they lose the segment they refer to.")
    elif force:
        lines.append("force changes nothing here: no other segment, workflow or marketing email uses it (all checked).")
    lines.append(unseen_uses_sentence(report))
    return "\n".join(lines)


def unseen_uses_sentence(report: DependencyReport | None) -> str:
    """What the check could not see, said before every deletion: HubSpot's API does not show every use."""
    tally = ""
    if report is not None and report.reference_count is not None:
        tally = f" HubSpot counts {counted(report.reference_count, 'use')} of it; {len(report.dependents)} found."
    return (
        f"Checked: other segments' filters, workflows and marketing emails. Not visible through HubSpot's API: "
        f"{INVISIBLE_USES}.{tally}"
    )


def restore_preview(rt: Runtime, list_id: str, name: str | None) -> str:
    """`name`: as the journal knows it; HubSpot cannot list deleted lists, so there may be none."""
    what = f"{quoted(name)} (id {list_id})" if name is not None else list_id
    return f"In {where(rt)}: restore the deleted segment {what}."


def rollback_preview(
    rt: Runtime,
    targets: RollbackTargets,
    reports: dict[str, DependencyReport],
    blocked: dict[str, list[str]],
    *,
    force: bool,
    folders: Sequence[tuple[str, str]] = (),
) -> str:
    """`blocked`: list id -> why it will not be deleted (empty when force deletes it anyway). The
    changes the runs made to existing lists (`targets.changes`) are given back after the deletes."""
    count = len(targets.lists) - len(blocked)
    runs = targets.runs
    what = f"run {runs[0].run.run_id}" if len(runs) == 1 else f"{len(runs)} runs of the same plan"
    lines = [f"In {where(rt)}: roll back {what} by deleting {counted(count, 'segment')} they created:"]
    for entry in runs:
        if len(runs) > 1:
            lines.append(f"Run {entry.run.run_id} (started {entry.run.started_at}, plan {entry.run.plan_id}):")
        for lst in entry.lists:
            mark = "kept" if lst.id in blocked else "delete"
            lines.append(f"  - {mark} {quoted(lst.name)} (id {lst.id}, {_size(lst)})")
    restore = [r for r in targets.changes if r.state == "to-restore"]
    if restore:
        lines.append(f"Then restore {counted(len(restore), 'change')} they made to existing lists:")
        lines += [f"  - {r.message}" for r in restore]
    kept = [r for r in targets.changes if r.state == "changed-since"]
    if kept:
        lines.append("Left as they are (changed by someone since):")
        lines += [f"  - {r.message}" for r in kept]
    broken = [lst for lst in targets.lists if lst.id not in blocked and reports.get(lst.id) and _used(reports[lst.id])]
    if broken and force:
        lines.append("With force these are deleted although something uses them; these will break:")
        for lst in broken:
            lines.append(f"  {quoted(lst.name)} (id {lst.id}):")
            lines += dependents_lines(reports[lst.id], "    ")
    elif force and not blocked:
        lines.append(
            "force changes nothing here: no other segment, workflow or marketing email uses these (all checked)."
        )
    for list_id, reasons in blocked.items():
        lines.append(f"Not deleted, segment {list_id}: " + " Also: ".join(reasons))
    if len(runs) > 1:
        lines.append(f"To undo only the latest run, {rt.next_steps(Step.ROLLBACK, runs[0].run.run_id)}.")
    for folder_id, name in folders:
        lines.append(f"The folder {quoted(name)} (id {folder_id}), which these runs created, is removed if left empty.")
    for entry in targets.others:
        lines.append(
            f"Not part of this undo: run {entry.run.run_id}"
            + (f" (plan {entry.run.plan_id})" if entry.run.plan_id else "")
            + " with "
            f"{counted(len(entry.lists), 'segment')}{changed_count(entry.changes)}; "
            f"to undo it, {rt.next_steps(Step.ROLLBACK, entry.run.run_id)}."
        )
    lines.append(RESTORABLE)
    lines.append(unseen_uses_sentence(None))
    return "\n".join(lines)


def changed_count(changes: Sequence[Restoration]) -> str:
    undoable = sum(1 for change in changes if change.state == "to-restore")
    return f" and {counted(undoable, 'change')} to existing lists" if undoable else ""


def _used(report: DependencyReport) -> bool:
    return bool(report.dependents or report.unchecked)


SHOWN_TEMPORARY_PAIRS = 30  # pairs named one by one in the preview; the rest are counted


def temporary_lists_preview(rt: Runtime, outlook: TemporaryOutlook, headroom: Headroom) -> str:
    """An exclusivity check that lets HubSpot count the biggest overlaps through temporary lists."""
    count = len(outlook.pairs)
    ids = sorted(outlook.names, key=int)
    lines = [
        f"In {where(rt)}: check the overlaps of {counted(len(ids), 'list')} (ids {', '.join(ids)}).",
        f"Create at most {counted(count, 'temporary active list')} in the folder {quoted(TEMPORARY_FOLDER)}, one "
        'per pair below, each defined "in list A and in list B" so that HubSpot counts the pair\'s overlap:',
    ]
    lines += [
        f"  - {quoted(outlook.names[first])} (id {first}) and {quoted(outlook.names[second])} (id {second})"
        for first, second in outlook.pairs[:SHOWN_TEMPORARY_PAIRS]
    ]
    if count > SHOWN_TEMPORARY_PAIRS:
        lines.append(f"  - and {counted(count - SHOWN_TEMPORARY_PAIRS, 'more pair')} of these lists")
    lines += [
        "Each is deleted as soon as HubSpot has counted it (then the folder); each create and delete is journaled "
        "first, so lists left by an interrupted check are removed by the next one. Nothing else changes.",
        f"Cost: about {counted(outlook.calls, 'API call')} instead of about {outlook.read_only_calls:,} to count "
        "these pairs read-only.",
        f"List limit: {headroom}; these leave {headroom.limit - headroom.active - count:,} free "
        f"(at least {headroom.spare:,} are always kept free).",
    ]
    return "\n".join(lines)
