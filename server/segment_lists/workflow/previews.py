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

from collections.abc import Sequence

from segment_lists.boundary.text import quoted
from segment_lists.domain.plan import Plan, PlanItem
from segment_lists.portal.models import HubSpotList
from segment_lists.workflow.dependencies import INVISIBLE_USES, DependencyReport
from segment_lists.workflow.rollback import RollbackTargets
from segment_lists.workflow.runtime import Runtime
from segment_lists.workflow.static_members import StaticAdds
from segment_lists.workflow.tool_names import ToolName

RESTORABLE = "Contacts are not deleted; each segment can be restored for 90 days."


def where(rt: Runtime) -> str:
    """The portal as the user must read it: the sandbox, HubSpot, or some other URL (said plainly)."""
    return rt.ref.notice


def _size(lst: HubSpotList) -> str:
    return f"{lst.size} members" if lst.size is not None else "size unknown"


def additions_lines(name: str, adds: StaticAdds, indent: str = "  ") -> list[str]:
    """A static list's new members, per domain and source."""
    lines = [f"Add {len(adds.record_ids)} contact(s) to the static segment {quoted(name)}:"]
    lines += [f"{indent}- {line}" for line in adds.lines()] or [f"{indent}- (no contact matches)"]
    return lines


def apply_preview(
    rt: Runtime, plan: Plan, items: Sequence[PlanItem], additions: dict[str, StaticAdds] | None = None
) -> str:
    """`additions`: per static item key, the contacts it gains (`apply.planned_additions`)."""
    creates = [i for i in items if i.action in {"create", "rename"}]
    reuses = [i for i in items if i.action == "reuse"]
    lines = [f"In {where(rt)}, plan {plan.plan_id}:"]
    if creates:
        folder = f" in folder {quoted(plan.folder)}" if plan.folder else ""
        lines.append(f"Create {len(creates)} segment(s){folder}:")
        for item in creates:
            kind = "active" if item.processing_type == "DYNAMIC" else "static"
            size = f", about {item.estimated_size} contacts" if item.estimated_size is not None else ""
            lines.append(f"  - {quoted(item.name)} ({kind}{size}): {item.description}")
    if reuses:
        lines.append(
            f"Reuse {len(reuses)} existing segment(s) (not changed, except adding matches to static segments):"
        )
        lines += [f"  - {quoted(item.name)} -> segment {item.existing_list_id}" for item in reuses]
    for item in items:
        adds = (additions or {}).get(item.key)
        if adds is not None:
            lines += additions_lines(item.name, adds)
    if creates and plan.answers.edit_teams:
        teams = ", ".join(quoted(team) for team in plan.answers.edit_teams)
        given = f"team id(s) {', '.join(str(i) for i in plan.edit_team_ids)}" if plan.edit_team_ids else "none found"
        lines.append(f"Edit access for the teams {teams} ({given}).")
    lines.append(f"Nothing is deleted. Every segment can be rolled back with {ToolName.ROLLBACK_RUN}.")
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
    counted = ""
    if report is not None and report.reference_count is not None:
        counted = f" HubSpot counts {report.reference_count} use(s) of it; {len(report.dependents)} found."
    return (
        f"Checked: other segments' filters, workflows and marketing emails. Not visible through HubSpot's API: "
        f"{INVISIBLE_USES}.{counted}"
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
    """`blocked`: list id -> why it will not be deleted (empty when force deletes it anyway)."""
    count = len(targets.lists) - len(blocked)
    runs = targets.runs
    what = f"run {runs[0].run.run_id}" if len(runs) == 1 else f"{len(runs)} runs of the same plan"
    lines = [f"In {where(rt)}: roll back {what} by deleting {count} segment(s) they created:"]
    for entry in runs:
        if len(runs) > 1:
            lines.append(f"Run {entry.run.run_id} (started {entry.run.started_at}, plan {entry.run.plan_id}):")
        for lst in entry.lists:
            mark = "kept" if lst.id in blocked else "delete"
            lines.append(f"  - {mark} {quoted(lst.name)} (id {lst.id}, {_size(lst)})")
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
        lines.append(f"To undo only the latest run, call {ToolName.ROLLBACK_RUN} with run_id {runs[0].run.run_id}.")
    for folder_id, name in folders:
        lines.append(f"The folder {quoted(name)} (id {folder_id}), which these runs created, is removed if left empty.")
    for entry in targets.others:
        lines.append(
            f"Not part of this undo: run {entry.run.run_id} (plan {entry.run.plan_id}) with {len(entry.lists)} "
            f"segment(s); {ToolName.ROLLBACK_RUN} with its run_id undoes it."
        )
    lines.append(RESTORABLE)
    lines.append(unseen_uses_sentence(None))
    return "\n".join(lines)


def _used(report: DependencyReport) -> bool:
    return bool(report.dependents or report.unchecked)
