"""What a write will do, in words a person can confirm: the same text for elicitation, the token
path and the command line. Deterministic for the same inputs (elicitation answers are matched to
the question by its digest)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from segment_lists.domain.plan import Plan, PlanItem
from segment_lists.domain.text import clean
from segment_lists.portal.models import HubSpotList
from segment_lists.workflow.list_changes import Restoration
from segment_lists.workflow.runtime import Runtime
from segment_lists.workflow.tool_names import ToolName


def where(rt: Runtime) -> str:
    """The portal as the user must read it: the sandbox, HubSpot, or some other URL (said plainly)."""
    return rt.ref.notice


def apply_preview(
    rt: Runtime,
    plan: Plan,
    items: Sequence[PlanItem],
    existing: Mapping[str, HubSpotList] | None = None,
    dependents: Mapping[str, tuple[list[str], list[str]]] | None = None,
) -> str:
    """`existing`: the lists adopt/merge/move-aside act on, as they are now (with filters);
    `dependents`: who uses each list a merge changes, in words (fresh)."""
    existing = existing or {}
    dependents = dependents or {}

    def current(item: PlanItem) -> str:
        lst = existing.get(str(item.existing_list_id))
        name = lst.name if lst is not None else (item.clash.list_name if item.clash else "?")
        return f"'{clean(name)}' (id {item.existing_list_id})"

    creates = [i for i in items if i.action in {"create", "move-aside"}]
    reuses = [i for i in items if i.action == "reuse"]
    adopts = [i for i in items if i.action == "adopt"]
    merges = [i for i in items if i.action == "merge"]
    asides = [i for i in items if i.action == "move-aside"]
    lines = [f"In {where(rt)}, plan {plan.plan_id}:"]
    if asides:
        lines.append(f"Move {len(asides)} existing list(s) aside (renamed only; members, filters and id unchanged):")
        lines += [f"  - rename {current(i)} to '{clean(str(i.rename_existing_to))}'" for i in asides]
    if creates:
        lines.append(f"Create {len(creates)} list(s)" + (f" in folder '{plan.folder}'" if plan.folder else "") + ":")
        for item in creates:
            kind = "active" if item.processing_type == "DYNAMIC" else "static"
            size = f", about {item.estimated_size} contacts" if item.estimated_size is not None else ""
            lines.append(f"  - {item.name} ({kind}{size}): {item.description}")
    if adopts:
        lines.append(f"Adopt {len(adopts)} existing list(s) (renamed; id, members and filters unchanged):")
        for item in adopts:
            target = f"rename {current(item)} to '{clean(str(item.rename_existing_to))}'"
            lines.append(f"  - {target}" if item.rename_existing_to else f"  - {current(item)} keeps its name")
    if merges:
        lines.append(f"Merge into {len(merges)} existing list(s) (their filters are replaced; HubSpot keeps each id):")
        for item in merges:
            lst = existing.get(str(item.existing_list_id))
            before = rt.describe(lst.filter_branch) if lst is not None and lst.filter_branch else "no filters"
            used, unchecked = dependents.get(str(item.existing_list_id), ([], []))
            change = item.clash.membership_change if item.clash else None
            lines.append(f"  - {current(item)}: filters now: {clean(before)}")
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
                lines.append(f"      and renamed to '{clean(item.rename_existing_to)}'")
    if reuses:
        lines.append(f"Reuse {len(reuses)} existing list(s) (not changed, except adding matches to static lists):")
        lines += [f"  - {item.catalog_name or item.name} -> list {item.existing_list_id}" for item in reuses]
    statics = [i for i in items if i.processing_type == "MANUAL" and i.static_domains]
    for item in statics:
        lines.append(f"Add contacts at {', '.join(item.static_domains)} to the static list {item.name}.")
    changed = (
        " and gives every renamed or merged list its previous name and filters back"
        if (adopts or merges or asides)
        else ""
    )
    lines.append(f"Nothing is deleted. {ToolName.ROLLBACK_RUN} deletes the lists created{changed}.")
    return "\n".join(lines)


def custom_preview(rt: Runtime, name: str, processing_type: str, description: str, record_count: int) -> str:
    kind = "an active" if processing_type == "DYNAMIC" else "a static"
    extra = f", with {record_count} member(s) added" if processing_type == "MANUAL" and record_count else ""
    return f"In {where(rt)}: create {kind} list '{clean(name)}'{extra}: {description}."


def delete_preview(rt: Runtime, lst: HubSpotList) -> str:
    size = f"{lst.size} members" if lst.size is not None else "size unknown"
    return (
        f"In {where(rt)}: delete the list '{clean(lst.name)}' (id {lst.id}, {size}). Contacts are not deleted; "
        "the list can be restored for 90 days."
    )


def restore_preview(rt: Runtime, list_id: str, name: str | None) -> str:
    """`name`: as the journal knows it; HubSpot cannot list deleted lists, so there may be none."""
    what = f"'{clean(name)}' (id {list_id})" if name is not None else list_id
    return f"In {where(rt)}: restore the deleted list {what}."


def rollback_preview(
    rt: Runtime, run_id: str, lists: Sequence[HubSpotList], restorations: Sequence[Restoration] = ()
) -> str:
    lines = [f"In {where(rt)}: roll back run {run_id}."]
    if lists:
        lines.append(f"Delete the {len(lists)} list(s) it created:")
        lines += [
            f"  - {clean(lst.name)} (id {lst.id}, {lst.size if lst.size is not None else '?'} members)" for lst in lists
        ]
    restore = [r for r in restorations if r.state == "to-restore"]
    if restore:
        lines.append(f"Restore {len(restore)} change(s) it made to existing lists:")
        lines += [f"  - {r.message}" for r in restore]
    kept = [r for r in restorations if r.state == "changed-since"]
    if kept:
        lines.append("Left as they are (changed by someone since):")
        lines += [f"  - {r.message}" for r in kept]
    lines.append("Contacts are not deleted; each deleted list can be restored for 90 days.")
    return "\n".join(lines)
