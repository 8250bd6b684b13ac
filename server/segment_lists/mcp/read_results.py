"""The read tools' results as a model reads them: a Markdown summary and compact data, detail on demand.

Each `*_result` takes the workflow's result (the same one the command line prints) and the detail the
call asked for, and returns the `CallToolResult`; each `*View` is that tool's output schema.
"""

from __future__ import annotations

from typing import Any

from mcp.types import CallToolResult
from pydantic import BaseModel

from segment_lists.domain.plan import Action, Plan, PlanItem
from segment_lists.mcp.render import (
    ACTIONS,
    LIST_TYPES,
    PROCESSING,
    PortalView,
    answer,
    cell,
    code,
    plural,
    portal_line,
    shorten,
    size_range,
    table,
)
from segment_lists.mcp.tool_support import Status
from segment_lists.mcp.write_gate import Gate
from segment_lists.workflow.exclusivity import ExclusivityReport, GroupResult, PairOverlap
from segment_lists.workflow.inventory import Inventory
from segment_lists.workflow.library import LibraryExport
from segment_lists.workflow.runtime import PortalRef
from segment_lists.workflow.tool_names import ToolName
from segment_lists.workflow.verify import CountReport

PAGE_ROWS = 50  # inventory rows per page
PAGE_CHARS = 12_000  # ... and at most about this much of their data (filters make rows long)
SHOWN_PAIRS = 30  # overlapping pairs listed in one answer, largest first
SHOWN_NAMES = 5  # names shown per duplicate group
DETAIL_ITEMS = 5  # plan items shown in full in one answer


# --- list_existing_lists ------------------------------------------------------------------------------


class ListRow(BaseModel):
    list_id: str
    name: str
    processing_type: str
    processing_status: str | None = None
    size: int | None = None
    folder: str | None = None
    created_by_this_tool: bool = False
    definition: str | None = None
    filter_branch: dict[str, Any] | None = None


class DuplicateGroup(BaseModel):
    kind: str
    list_ids: list[str]


class InventoryView(BaseModel):
    portal: PortalView
    summary: str
    total: int
    lists: list[ListRow]
    duplicates: list[DuplicateGroup] = []
    next_cursor: str | None = None


def inventory_result(inventory: Inventory, *, cursor: str | None) -> CallToolResult:
    start = int(cursor or 0)
    rows: list[ListRow] = []
    used = 0
    for summary in inventory.lists[start:]:
        row = ListRow(**summary.model_dump(exclude={"object_type_id"}))
        used += len(row.model_dump_json(exclude_none=True))
        if rows and (len(rows) >= PAGE_ROWS or used > PAGE_CHARS):
            break
        rows.append(row)
    end = start + len(rows)
    next_cursor = str(end) if end < len(inventory.lists) else None
    shown = f"{start + 1:,}-{end:,} of {inventory.total:,}" if next_cursor or start else f"{inventory.total:,}"
    lines = [
        portal_line(inventory.portal),
        f"**{plural(inventory.total, 'segment')}** (HubSpot lists) in this portal"
        + (f"; showing {shown}" if next_cursor or start else "")
        + ".",
    ]
    if rows:
        lines.append(
            table(
                ["Id", "Name", "Type", "Size", "Status", "Definition"],
                [
                    [
                        r.list_id,
                        r.name + (" (made by this tool)" if r.created_by_this_tool else ""),
                        LIST_TYPES.get(r.processing_type, r.processing_type.lower()),
                        r.size,
                        PROCESSING.get(r.processing_status or "", (r.processing_status or "").lower()),
                        shorten(r.definition, 90) if r.definition else "",
                    ]
                    for r in rows
                ],
            )
        )
    names = {s.list_id: s.name for s in inventory.lists}
    if inventory.duplicates:
        lines.append(f"**Possible duplicates** ({len(inventory.duplicates)}):")
        for group in inventory.duplicates[:10]:
            members = [f"{cell(names.get(i, i), 60)} ({i})" for i in group.list_ids[:SHOWN_NAMES]]
            more = len(group.list_ids) - SHOWN_NAMES
            lines.append(
                f"- {group.kind.replace('-', ' ')}: {', '.join(members)}" + (f" and {more:,} more" if more > 0 else "")
            )
        if len(inventory.duplicates) > 10:
            lines.append(f"- and {plural(len(inventory.duplicates) - 10, 'more group')}")
        lines.append("The plan reuses, adopts or merges these rather than adding copies.")
    if next_cursor:
        lines.append(f"Next page: call {ToolName.LIST_EXISTING_LISTS} with cursor '{next_cursor}'.")
    lines.append(f"Next: interview the user, then call {ToolName.PROPOSE_SEGMENTS}.")
    text = "\n\n".join(lines)
    view = InventoryView(
        portal=inventory.portal,
        summary=text,
        total=inventory.total,
        lists=rows,
        duplicates=[DuplicateGroup(kind=d.kind, list_ids=d.list_ids) for d in inventory.duplicates],
        next_cursor=next_cursor,
    )
    filters = [f"- {r.list_id}: {code(r.filter_branch)}" for r in rows if r.filter_branch]
    return answer(text, view, "**Filters** (filterBranch JSON):\n" + "\n".join(filters) if filters else "")


# --- propose_segments ---------------------------------------------------------------------------------


class ClashView(BaseModel):
    list_id: str
    options: list[str]
    recommended: str | None = None


class ItemView(BaseModel):
    key: str
    action: Action
    estimated_size: int | None = None
    clash: ClashView | None = None


class PlanView(BaseModel):
    plan_id: str
    items: list[ItemView]
    warnings: list[str] = []
    # Asked for with `detail`: items in full (definition as filterBranch, clash evidence, notes)...
    details: list[dict[str, Any]] = []
    # ... and the plan's own detail (exclusivity groups, prerequisites, answers, warnings in full).
    plan_detail: dict[str, Any] | None = None


class ProposeView(BaseModel):
    portal: PortalView
    summary: str  # ends with the next step
    plan: PlanView


def _item_action(item: PlanItem) -> str:
    if item.action == "conflict" and item.clash is not None:
        return f"question: {item.clash.kind.replace('-', ' ')} list \u201c{shorten(item.clash.list_name, 50)}\u201d"
    if item.action in {"adopt", "merge", "move-aside", "reuse"} and item.existing_list_id:
        return f"{ACTIONS[item.action]} ({item.existing_list_id})"
    return ACTIONS.get(item.action, item.action)


def _questions(plan: Plan) -> list[str]:
    lines = []
    for number, item in enumerate([i for i in plan.items if i.action in {"conflict", "needs-input"}], start=1):
        clash = item.clash
        if clash is None:
            lines.append(f"{number}. `{item.key}` \u2014 {cell(item.question or item.reason, 600)}")
            continue
        size = "" if clash.size is None else f", {plural(clash.size, 'contact')}"
        used = f"; used by {plural(len(clash.dependents), 'workflow, email or list', 'workflows, emails or lists')}"
        options = "; ".join(
            f"**{o.choice}**{' (recommended)' if o.recommended else ''}: "
            + cell(o.consequence, 500 if o.recommended else 120)
            for o in clash.options
        )
        lines.append(
            f"{number}. `{item.key}` \u2014 existing list {cell(clash.list_name, 80)} (id {clash.list_id}{size}"
            + (used if clash.dependents else "")
            + f"), {clash.kind.replace('-', ' ')}. Options: {options}"
        )
    return lines


def propose_result(plan: Plan, portal: PortalRef, *, detail: list[str] | None) -> CallToolResult:
    wanted = list(dict.fromkeys(detail or []))
    shown = [plan.item(key) for key in wanted if key != "plan" and key in {i.key for i in plan.items}]
    unknown = [key for key in wanted if key != "plan" and key not in {i.key for i in plan.items}]
    creating = [i for i in plan.items if i.action in {"create", "move-aside"}]
    open_items = [i for i in plan.items if i.action in {"conflict", "needs-input"}]
    lines = [
        portal_line(portal),
        f"**Plan `{plan.plan_id}`**: {plural(len(plan.items), 'segment')}, {len(creating):,} to create, "
        f"{plural(len(open_items), 'question')} to answer"
        + (f", folder \u201c{cell(plan.folder, 80)}\u201d" if plan.folder else "")
        + ". Nothing is created yet.",
        table(
            ["Key", "Segment", "Type", "Action", "Est. size"],
            [
                [i.key, i.name, LIST_TYPES.get(i.processing_type, i.processing_type), _item_action(i), i.estimated_size]
                for i in plan.items
            ],
            limit=120,
        ),
    ]
    if plan.industry_mapping:
        lines.append(
            "**Industries** (the user's words \u2192 HubSpot's values): "
            + "; ".join(
                f"{cell(m.word, 60)} \u2192 {cell(', '.join(m.labels), 200)}"
                if m.labels
                else f"{cell(m.word, 60)} \u2192 no match, ask the user"
                for m in plan.industry_mapping
            )
        )
    if questions := _questions(plan):
        lines.append("**Questions for the user** (answer in `answers`, clashes in `answers.choices` by key):")
        lines.append("\n".join(questions))
    if plan.warnings:
        lines.append("**Warnings**:\n" + "\n".join(f"- {cell(w.message, 800)}" for w in plan.warnings))
    if plan.access_note and plan.answers.edit_teams:
        lines.append(cell(plan.access_note, 300))
    if unknown:
        lines.append(f"No item {', '.join(cell(k, 60) for k in unknown)} in this plan: nothing shown for it.")
    lines.append(
        f"Detail: call {ToolName.PROPOSE_SEGMENTS} with plan_id '{plan.plan_id}' and detail [item keys] "
        "(definition, clash evidence) or ['plan'] (groups, prerequisites)."
    )
    next_step = _next_step(plan)
    lines.append(f"**Next**: {next_step}")
    text = "\n\n".join(lines)
    view = ProposeView(
        portal=portal,
        summary=text,
        plan=PlanView(
            plan_id=plan.plan_id,
            items=[
                ItemView(
                    key=i.key,
                    action=i.action,
                    estimated_size=i.estimated_size,
                    clash=None
                    if i.clash is None
                    else ClashView(
                        list_id=i.clash.list_id,
                        options=[o.choice for o in i.clash.options],
                        recommended=i.clash.recommended,
                    ),
                )
                for i in plan.items
            ],
            warnings=[w.code for w in plan.warnings],
            details=[i.model_dump(mode="json", exclude_none=True) for i in shown],
            plan_detail=plan.model_dump(mode="json", exclude={"items"}, exclude_none=True)
            if "plan" in wanted
            else None,
        ),
    )
    detail_text = [_item_detail(item) for item in shown]
    if "plan" in wanted:
        detail_text.append(_plan_detail(plan))
    return answer(text, view, "\n\n".join(detail_text))


def _item_detail(item: PlanItem) -> str:
    kind = LIST_TYPES.get(item.processing_type, item.processing_type)
    lines = [
        f"### `{item.key}` {cell(item.name, 200)} ({kind})",
        f"- Definition: {cell(item.description, 1000)}",
        f"- Action: {_item_action(item)}: {cell(item.reason, 800)}",
    ]
    if item.estimated_size is not None:
        lines.append(
            f"- Estimate: {plural(item.estimated_size, 'contact')}"
            + (f" ({cell(item.estimate_note, 300)})" if item.estimate_note else "")
            + (f"; expected {size_range(item.expected_range)}" if item.expected_range else "")
        )
    lines += [f"- Note: {cell(note, 400)}" for note in item.notes]
    if item.static_domains:
        lines.append(f"- Members: contacts at {cell(', '.join(item.static_domains), 400)}")
    if item.access.mode != "everyone":
        lines.append(f"- Access: {cell(item.access.describe(), 300)}")
    if (clash := item.clash) is not None:
        lines.append(
            f"- Existing list {cell(clash.list_name, 120)} (id {clash.list_id}, "
            f"{LIST_TYPES.get(clash.processing_type, clash.processing_type)}"
            + ("" if clash.size is None else f", {plural(clash.size, 'contact')}")
            + f"): {cell(clash.definition, 600)}"
        )
        if clash.dependents is not None:
            used = "; ".join(cell(d, 200) for d in clash.dependents) or "nothing (lists, workflows, emails checked)"
            lines.append(f"- Used by: {used}")
        lines += [f"- Not checked: {cell(u, 300)}" for u in clash.unchecked]
        if (change := clash.membership_change) is not None and change.joins is not None:
            lines.append(
                f"- A merge: {plural(change.joins, 'contact joins', 'contacts join')}, "
                f"{plural(change.leaves or 0, 'contact leaves', 'contacts leave')}"
                + (f" ({cell(change.note, 200)})" if change.note else "")
            )
        lines += [
            f"- Option **{o.choice}**{' (recommended)' if o.recommended else ''}: {cell(o.consequence, 800)}"
            for o in clash.options
        ]
    if item.filter_branch:
        lines.append(f"- filterBranch: {code(item.filter_branch)}")
    return "\n".join(lines)


def _plan_detail(plan: Plan) -> str:
    prerequisites = plan.prerequisites
    lines = ["### The plan's groups and prerequisites"]
    lines += [
        f"- Group {cell(g.name, 80)}{' (partition)' if g.partition else ''}: {cell(', '.join(g.members), 400)}. "
        f"{cell(g.description, 200)}"
        for g in plan.groups
    ]
    if prerequisites.icp_how:
        lines.append(f"- ICP tier: {cell(prerequisites.icp_how, 400)}")
    if prerequisites.lifecycle_stages_in_use:
        labels = prerequisites.lifecycle_stage_labels
        stages = ", ".join(
            f"{cell(labels.get(k, k), 60)}{f' (id {cell(k, 40)})' if k.isdigit() else ''} {v:,}"
            for k, v in prerequisites.lifecycle_stages_in_use.items()
        )
        lines.append(f"- Lifecycle stages in use (contacts): {stages}")
    if prerequisites.fill_rates:
        rates = ", ".join(f"{cell(k, 80)} {v:.0%}" for k, v in prerequisites.fill_rates.items())
        lines.append(f"- Fill rates: {rates}")
    if prerequisites.own_domains:
        domains = cell(", ".join(prerequisites.own_domains), 300)
        lines.append(f"- Own email domains ({prerequisites.own_domains_source}): {domains}")
    if plan.access_note:
        lines.append(f"- Access: {cell(plan.access_note, 300)}")
    lines.append(f"- Answers: {code(plan.answers.model_dump(mode='json', exclude_none=True, exclude_defaults=True))}")
    return "\n".join(lines)


def _next_step(plan: Plan) -> str:
    clashes = [i for i in plan.items if i.action == "conflict" and i.clash is not None]
    questions = [i.key for i in plan.items if i.action == "needs-input" or (i.action == "conflict" and i.clash is None)]
    steps = ["Show the plan to the user."]
    if clashes:
        steps.append(
            "Ask about each clash, recommended option first ("
            + ", ".join(f"{i.key}: {i.clash.recommended}" for i in clashes if i.clash is not None)
            + "), and put the answers in answers.choices ({item key: choice})."
        )
    if questions:
        steps.append(f"Ask the open questions of {', '.join(questions)}.")
    if clashes or questions:
        steps.append(f"Then call {ToolName.PROPOSE_SEGMENTS} again with the updated answers.")
    steps.append(
        f"{'Items without a question can be created now: c' if clashes or questions else 'C'}all "
        f"{ToolName.CREATE_LIST} with plan_id '{plan.plan_id}' and the item keys the user confirms."
    )
    return " ".join(steps)


# --- count_members ------------------------------------------------------------------------------------

VERDICTS = {
    "ok": "ok",
    "outside-expected-range": "outside the expected range",
    "differs-from-estimate": "differs from the estimate",
    "still-processing": "still processing",
    "not-found": "not found",
}


class CountRow(BaseModel):
    list_id: str
    name: str
    size: int | None = None
    verdict: str
    segment_key: str | None = None
    catalog_name: str | None = None
    estimate: int | None = None
    expected_range: tuple[int, int] | None = None
    trend: str | None = None
    trend_flag: str | None = None
    history: list[dict[str, Any]] = []


class CountView(BaseModel):
    portal: PortalView
    summary: str
    counts: list[CountRow]


def count_result(report: CountReport) -> CallToolResult:
    counts = report.counts
    off = [c for c in counts if c.verdict != "ok"]
    history = any(c.history or c.trend for c in counts)
    headers = ["Segment", "Id", "Members", "Estimate", "Expected", "Verdict"] + (["Trend"] if history else [])
    rows = [
        [c.name or "(not found)", c.list_id, c.size, c.estimate, size_range(c.expected_range), VERDICTS[c.verdict]]
        + ([c.trend or ""] if history else [])
        for c in counts
    ]
    lines = [
        portal_line(report.portal),
        f"**Counted {plural(len(counts), 'segment')}**: "
        + (f"{len(counts) - len(off):,} as expected, {len(off):,} to look at." if off else "every one as expected.")
        + (f" Waited {report.waited_seconds:.0f} s for HubSpot's processing." if report.waited_seconds >= 1 else ""),
        table(headers, rows, limit=90),
    ]
    if off:
        lines.append("\n".join(f"- {cell(c.name or c.list_id, 80)}: {cell(c.message, 400)}" for c in off))
    lines.append(f"**Next**: call {ToolName.CHECK_EXCLUSIVITY} with the same run_id.")
    text = "\n\n".join(lines)
    view = CountView(
        portal=report.portal,
        summary=text,
        counts=[
            CountRow(
                **c.model_dump(
                    include={
                        "list_id",
                        "name",
                        "size",
                        "verdict",
                        "segment_key",
                        "estimate",
                        "expected_range",
                    }
                ),
                # The catalog's name only where HubSpot's differs (a renamed or adopted list): no repeats.
                catalog_name=c.catalog_name if c.catalog_name != c.name else None,
                trend=c.trend,
                trend_flag=c.trend_flag,
                history=[p.model_dump(mode="json") for p in c.history],
            )
            for c in counts
        ],
    )
    return answer(text, view)


# --- check_exclusivity --------------------------------------------------------------------------------


class Sample(BaseModel):
    record_id: str
    email: str | None = None


class PairView(BaseModel):
    first: str
    second: str
    overlap: int
    samples: list[Sample] = []


class CountedBy(BaseModel):
    """With offenders: how a pair's overlap was counted (the command line's `verify` words) and its API calls."""

    first: str
    second: str
    method: str  # definition, search, members, probe or temporary-list
    calls: int


class GroupView(BaseModel):
    group: str
    exclusive: bool | None = None  # None: not checked (fewer than two of its lists exist)
    checked: bool = True
    list_ids: list[str]
    pairs: list[PairView] = []  # the overlapping pairs shown
    uncovered: int | None = None
    counted_by: list[CountedBy] = []  # with offenders: every pair (the first `DETAIL_PAIRS` of the check)


class ConsentView(BaseModel):
    """temporary_lists: the confirmation asked for (or refused), as for any write."""

    status: Status
    confirmation_token: str | None = None


class ExclusivityView(BaseModel):
    portal: PortalView
    summary: str
    overlapping_pairs: int | None = None  # None: nothing was checked (consent pending or refused)
    groups: list[GroupView] = []
    pairs_not_shown: int = 0
    still_processing: list[str] = []
    consent: ConsentView | None = None


OFFENDERS = "Add samples and each pair's method and calls"
TEMPORARY_LISTS = "Count big overlaps in temporary lists (asks first)"
DETAIL_PAIRS = 60  # pairs itemized with their method and calls (offenders=true), at most


def _pair_line(pair: PairOverlap, offenders: bool) -> str:
    line = (
        f"- {plural(pair.overlap, 'contact is', 'contacts are')} in both {cell(pair.first_name, 70)} ({pair.first}) "
        f"and {cell(pair.second_name, 70)} ({pair.second})"
    )
    if offenders and pair.samples:
        line += ": e.g. " + ", ".join(cell(s.email or f"record {s.record_id}", 80) for s in pair.samples)
    return line


def _group_line(group: GroupResult, itemized: list[PairOverlap] | None = None) -> str:
    name = f"**{cell(group.group, 80)}** ({cell(group.description, 120)})"
    if group.exclusive is None or len(group.list_ids) < 2:
        # The workflow's sentence says why (no list of it in the library, or only one given).
        return f"- {name}: {cell(group.message, 300)}"
    verdict = "no overlap" if group.exclusive else plural(sum(1 for p in group.pairs if p.overlap), "overlapping pair")
    coverage = f"; {plural(group.uncovered, 'contact is', 'contacts are')} in none of them" if group.uncovered else ""
    line = f"- {name}: {plural(len(group.list_ids), 'list')}, {verdict}{coverage}."
    if itemized is not None and group.pairs:  # the command line's words (`verify`): "counted by: search (1 call)"
        parts = [f"{p.first} & {p.second} {p.method} ({plural(p.calls, 'call')})" for p in itemized]
        if len(itemized) < len(group.pairs):
            parts.append(f"{plural(len(group.pairs) - len(itemized), 'other pair')} (not itemized)")
        line += "\n  counted by: " + ", ".join(parts)
    return line


def _itemized(report: ExclusivityReport) -> dict[str, list[PairOverlap]]:
    """With offenders: each group's pairs with their method and calls; of a big check, the
    `DETAIL_PAIRS` that cost the most calls (the rest are counted per group)."""
    every = [(g.group, p.first, p.second, p.calls) for g in report.groups for p in g.pairs]
    kept = {key[:3] for key in sorted(every, key=lambda key: -key[3])[:DETAIL_PAIRS]}
    return {g.group: [p for p in g.pairs if (g.group, p.first, p.second) in kept] for g in report.groups}


def _temporary_lines(report: ExclusivityReport, offenders: bool) -> list[str]:
    """What temporary lists did (with consent), or would save (without); the calls, on demand."""
    lines = []
    if report.temporary_lists:
        lines.append(f"Temporary lists: {cell(report.temporary_lists, 400)}.")
    elif report.temporary_lists_would_save:
        lines.append(
            f"Temporary lists would save about {report.temporary_lists_would_save:,} of these "
            f"{report.calls:,} API calls: offer the user {ToolName.CHECK_EXCLUSIVITY} with temporary_lists=true "
            "(it shows what it writes and asks first)."
        )
    if offenders:
        lines.append(f"This check made {plural(report.calls, 'API call')}.")
    return lines


def exclusivity_result(report: ExclusivityReport, *, offenders: bool) -> CallToolResult:
    overlapping = sorted(
        (p for g in report.groups for p in g.pairs if p.overlap), key=lambda p: (-p.overlap, p.group, p.first)
    )
    shown = overlapping[:SHOWN_PAIRS]
    itemized = _itemized(report) if offenders else {}
    shown_keys = {(p.group, p.first, p.second) for p in shown}
    lines = [
        portal_line(report.portal),
        f"**Checked {plural(len(report.groups), 'exclusivity group')}**: "
        + (plural(len(overlapping), "overlapping pair") + "." if overlapping else "no overlaps."),
        "\n".join(_group_line(g, itemized.get(g.group)) for g in report.groups),
    ]
    if shown:
        lines.append(
            "**Overlaps** (largest first):\n"
            + "\n".join(_pair_line(p, offenders) for p in shown)
            + (
                f"\n- and {plural(len(overlapping) - len(shown), 'smaller overlap')}"
                if len(overlapping) > len(shown)
                else ""
            )
        )
        lines.append(
            "What to do: fix their data in HubSpot (lifecycle stage, company tier, email domain...) or agree with "
            "the user that it is acceptable" + ("; offenders=true names them." if not offenders else ".")
        )
    if report.still_processing:
        lines.append(
            f"HubSpot is still processing {plural(len(report.still_processing), 'list')} "
            f"({', '.join(report.still_processing)}): check again in a minute."
        )
    lines += _temporary_lines(report, offenders)
    lines.append(f"**Next**: call {ToolName.EXPORT_LIBRARY} to document the library.")
    text = "\n\n".join(lines)
    view = ExclusivityView(
        portal=report.portal,
        summary=text,
        overlapping_pairs=report.overlapping_pairs,
        groups=[
            GroupView(
                group=g.group,
                exclusive=g.exclusive,
                checked=g.exclusive is not None and len(g.list_ids) >= 2,
                list_ids=g.list_ids,
                uncovered=g.uncovered,
                pairs=[
                    PairView(
                        first=p.first,
                        second=p.second,
                        overlap=p.overlap,
                        samples=[Sample(**s.model_dump()) for s in p.samples] if offenders else [],
                    )
                    for p in g.pairs
                    if (p.group, p.first, p.second) in shown_keys
                ],
                counted_by=[
                    CountedBy(first=p.first, second=p.second, method=p.method, calls=p.calls)
                    for p in itemized.get(g.group, [])
                ],
            )
            for g in report.groups
        ],
        pairs_not_shown=len(overlapping) - len(shown),
        still_processing=report.still_processing,
    )
    return answer(text, view)


def exclusivity_not_done(portal: PortalRef, verdict: Gate, preview: str = "") -> CallToolResult:
    """temporary_lists without a check (yet): the preview and token to confirm, or why not."""
    parts = [portal_line(portal), verdict.message]
    if verdict.verdict == "confirmation_required":
        parts.append(preview)
    else:
        parts.append(f"To count the overlaps read-only, call {ToolName.CHECK_EXCLUSIVITY} without temporary_lists.")
    view = ExclusivityView(
        portal=portal,
        summary="\n\n".join(parts),
        consent=ConsentView(status=verdict.verdict, confirmation_token=verdict.confirmation_token),
    )
    return answer(view.summary, view)


# --- export_library -----------------------------------------------------------------------------------


class LibraryRowView(BaseModel):
    list_id: str
    name: str
    segment_key: str | None = None
    processing_type: str
    size: int | None = None
    in_hubspot: bool = True


class LibraryView(BaseModel):
    portal: PortalView
    summary: str
    lists: list[LibraryRowView]
    jsonl: str | None = None


def library_result(export: LibraryExport, *, format: str) -> CallToolResult:
    lines = [portal_line(export.portal)]
    if format == "jsonl":
        records = len(export.jsonl.splitlines()) if export.jsonl else 0
        lines.append(
            f"**{plural(records, 'segment')}** as JSON Lines in HubSpot Agent CLI's record shape (below, and in "
            "`jsonl`). Save it as a .jsonl file for the Agent CLI and its skills."
        )
        text = "\n\n".join([*lines, export.jsonl or ""])
        return answer(text, LibraryView(portal=export.portal, summary=lines[-1], lists=[], jsonl=export.jsonl))
    rows = export.lists
    lines.append(
        f"**The segment library: {plural(len(rows), 'segment')}** this tool created or took over."
        + ("" if rows else f" Nothing yet: call {ToolName.CREATE_LIST} first.")
    )
    if format == "markdown":
        lines.append(export.markdown)
    elif rows:
        lines.append(
            table(
                ["Segment (in HubSpot)", "Role", "Id", "Type", "Members"],
                [
                    [
                        r.hubspot_name if r.hubspot_name is not None else f"{r.name} (not in HubSpot)",
                        r.segment_key or "custom",
                        r.list_id,
                        LIST_TYPES.get(r.processing_type, r.processing_type),
                        r.size,
                    ]
                    for r in rows
                ],
                limit=100,
            )
        )
        lines.append(
            f"For documentation with every definition, call {ToolName.EXPORT_LIBRARY} with format 'markdown'; "
            "for HubSpot's Agent CLI, format 'jsonl'."
        )
    text = "\n\n".join(lines)
    view = LibraryView(
        portal=export.portal,
        summary=text,
        lists=[
            LibraryRowView(
                list_id=r.list_id,
                name=r.hubspot_name if r.hubspot_name is not None else r.name,
                segment_key=r.segment_key,
                processing_type=r.processing_type,
                size=r.size,
                in_hubspot=r.hubspot_name is not None,
            )
            for r in rows
        ],
    )
    return answer(text, view)
