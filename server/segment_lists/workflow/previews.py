"""What a write will do, in words a person can confirm: the same text for elicitation, the token
path and the command line. Deterministic for the same inputs (elicitation answers are matched to
the question by its digest)."""

from __future__ import annotations

from collections.abc import Sequence

from segment_lists.domain.plan import Plan, PlanItem
from segment_lists.domain.text import clean
from segment_lists.portal.models import HubSpotList
from segment_lists.workflow.runtime import Runtime
from segment_lists.workflow.tool_names import ToolName


def where(rt: Runtime) -> str:
    """The portal as the user must read it: the sandbox, HubSpot, or some other URL (said plainly)."""
    return rt.ref.notice


def apply_preview(rt: Runtime, plan: Plan, items: Sequence[PlanItem]) -> str:
    creates = [i for i in items if i.action in {"create", "rename"}]
    reuses = [i for i in items if i.action == "reuse"]
    lines = [f"In {where(rt)}, plan {plan.plan_id}:"]
    if creates:
        lines.append(f"Create {len(creates)} segment(s)" + (f" in folder '{plan.folder}'" if plan.folder else "") + ":")
        for item in creates:
            kind = "active" if item.processing_type == "DYNAMIC" else "static"
            size = f", about {item.estimated_size} contacts" if item.estimated_size is not None else ""
            lines.append(f"  - {item.name} ({kind}{size}): {item.description}")
    if reuses:
        lines.append(
            f"Reuse {len(reuses)} existing segment(s) (not changed, except adding matches to static segments):"
        )
        lines += [f"  - {item.name} -> segment {item.existing_list_id}" for item in reuses]
    statics = [i for i in items if i.processing_type == "MANUAL" and i.static_domains]
    for item in statics:
        lines.append(f"Add contacts at {', '.join(item.static_domains)} to the static segment {item.name}.")
    lines.append(f"Nothing is deleted. Every segment can be rolled back with {ToolName.ROLLBACK_RUN}.")
    return "\n".join(lines)


def custom_preview(rt: Runtime, name: str, processing_type: str, description: str, record_count: int) -> str:
    kind = "an active" if processing_type == "DYNAMIC" else "a static"
    extra = f", with {record_count} member(s) added" if processing_type == "MANUAL" and record_count else ""
    return f"In {where(rt)}: create {kind} segment '{clean(name)}'{extra}: {description}."


def delete_preview(rt: Runtime, lst: HubSpotList) -> str:
    size = f"{lst.size} members" if lst.size is not None else "size unknown"
    return (
        f"In {where(rt)}: delete the segment '{clean(lst.name)}' (id {lst.id}, {size}). Contacts are not deleted; "
        "the segment can be restored for 90 days."
    )


def restore_preview(rt: Runtime, list_id: str, name: str | None) -> str:
    """`name`: as the journal knows it; HubSpot cannot list deleted lists, so there may be none."""
    what = f"'{clean(name)}' (id {list_id})" if name is not None else list_id
    return f"In {where(rt)}: restore the deleted segment {what}."


def rollback_preview(rt: Runtime, run_id: str, lists: Sequence[HubSpotList]) -> str:
    names = "\n".join(
        f"  - {clean(lst.name)} (id {lst.id}, {lst.size if lst.size is not None else '?'} members)" for lst in lists
    )
    return (
        f"In {where(rt)}: roll back run {run_id} by deleting the {len(lists)} segment(s) it created:\n{names}\n"
        "Contacts are not deleted; each segment can be restored for 90 days."
    )
