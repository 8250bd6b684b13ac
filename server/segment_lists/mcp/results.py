"""The write tools' results as a model reads them: the preview to show when a confirmation is needed,
then what was done in a short table with the next step. Structured content: the status, the token, and
per list what a caller chains on (ids and outcomes), never the preview again once it is done."""

from __future__ import annotations

from collections import Counter

from mcp.types import CallToolResult
from pydantic import BaseModel

from segment_lists.mcp.render import PortalView, answer, cell, plural, portal_line, table
from segment_lists.mcp.tool_support import Status
from segment_lists.mcp.write_gate import Gate
from segment_lists.workflow.apply import ApplyResult
from segment_lists.workflow.rollback import DeleteOutcome, RollbackResult
from segment_lists.workflow.runtime import PortalRef
from segment_lists.workflow.tool_names import ToolName

OUTCOMES = {
    "created": "created",
    "reused": "reused",
    "adopted": "adopted (renamed)",
    "merged": "merged (filters replaced)",
    "already-created": "already created",
    "skipped": "skipped",
    "failed": "failed",
}
QUIET = {"created", "reused", "adopted", "merged", "already-created"}  # their table row says it all


class WriteView(BaseModel):
    portal: PortalView
    status: Status
    message: str
    preview: str | None = None
    confirmation_token: str | None = None


class ItemRow(BaseModel):
    key: str
    name: str
    outcome: str
    list_id: str | None = None
    members_added: int | None = None
    message: str | None = None
    access: str | None = None


class CreateView(WriteView):
    run_id: str | None = None
    items: list[ItemRow] = []
    reconciled: list[str] = []


class DeleteRow(BaseModel):
    list_id: str
    name: str
    outcome: str
    message: str


class DeleteView(WriteView):
    outcome: DeleteRow | None = None


class RestoredRow(BaseModel):
    list_id: str
    name: str
    outcome: str
    message: str | None = None


class RollbackDone(BaseModel):
    run_id: str
    run_ids: list[str] = []
    outcomes: list[DeleteRow] = []
    restored: list[RestoredRow] = []
    folders_removed: list[str] = []


class RollbackView(WriteView):
    result: RollbackDone | None = None


def _text(view: WriteView, body: str = "") -> str:
    parts = [portal_line(view.portal), view.message]
    if view.status == "confirmation_required" and view.preview:
        parts.append(view.preview)
    if body:
        parts.append(body)
    return "\n\n".join(part for part in parts if part)


def write_answer(view: WriteView, body: str = "") -> CallToolResult:
    return answer(_text(view, body), view)


def not_done(model: type[WriteView], portal: PortalRef, verdict: Gate, preview: str) -> CallToolResult:
    """A write that did not happen (yet): asked for a token (with the preview to show), declined or refused."""
    view = model(
        portal=portal,
        status=verdict.verdict,
        message=verdict.message,
        preview=preview if verdict.verdict == "confirmation_required" else None,
        confirmation_token=verdict.confirmation_token,
    )
    return write_answer(view)


def created(portal: PortalRef, result: ApplyResult) -> CallToolResult:
    tally = Counter(item.outcome for item in result.items)
    failed = tally.get("failed", 0)
    message = (
        f"Run {result.run_id}: "
        + ", ".join(f"{count:,} {OUTCOMES[outcome]}" for outcome, count in tally.items())
        + "."
        + (f" {plural(failed, 'item')} failed: see below." if failed else "")
        + f" Next: call {ToolName.COUNT_MEMBERS} with run_id '{result.run_id}', then {ToolName.CHECK_EXCLUSIVITY}."
    )
    rows = [
        ItemRow(
            key=item.key,
            name=item.name,
            outcome=item.outcome,
            list_id=item.list_id,
            members_added=item.members_added,
            message=None if item.outcome in QUIET else item.message,
            access=item.access if item.access and not item.access.startswith("everyone") else None,
        )
        for item in result.items
    ]
    added = any(row.members_added for row in rows)
    body = table(
        ["Segment", "Id", "Outcome"] + (["Members added"] if added else []),
        [[r.name, r.list_id, OUTCOMES[r.outcome]] + ([r.members_added] if added else []) for r in rows],
        limit=120,
    )
    notes = [f"- {cell(r.name, 80)}: {cell(r.message, 400)}" for r in rows if r.message]
    notes += [f"- {cell(r.name, 80)}: {cell(r.access, 300)}" for r in rows if r.access]
    if result.reconciled:
        notes.append(f"- Settled after an interrupted run: {cell(', '.join(result.reconciled), 400)}")
    view = CreateView(
        portal=portal,
        status="done",
        message=message,
        run_id=result.run_id,
        items=rows,
        reconciled=result.reconciled,
    )
    return write_answer(view, body + ("\n\n" + "\n".join(notes) if notes else ""))


def _row(outcome: DeleteOutcome) -> DeleteRow:
    return DeleteRow(list_id=outcome.list_id, name=outcome.name, outcome=outcome.outcome, message=outcome.message)


def deleted(portal: PortalRef, status: Status, outcome: DeleteOutcome) -> CallToolResult:
    view = DeleteView(portal=portal, status=status, message=outcome.message, outcome=_row(outcome))
    return write_answer(view)


def rolled_back(portal: PortalRef, result: RollbackResult) -> CallToolResult:
    refused = [o for o in result.outcomes if o.outcome == "refused"]
    runs = f"run {result.run_id}" if len(result.run_ids) <= 1 else f"runs {', '.join(result.run_ids)}"
    restored = [r for r in result.restored if r.outcome in {"name-restored", "filters-restored"}]
    unrestored = [r for r in result.restored if r.outcome in {"failed", "left-as-is"}]
    count = sum(o.outcome == "deleted" for o in result.outcomes)
    message = (
        f"Deleted {plural(count, 'segment')} of {runs}."
        + (f" {len(refused):,} refused: see below." if refused else "")
        + (f" Restored {plural(len(restored), 'renamed or merged segment')}." if restored else "")
        + (f" {plural(len(unrestored), 'segment')} not restored: see below." if unrestored else "")
        + (
            f" Removed {plural(len(result.folders_removed), 'empty folder')}: {', '.join(result.folders_removed)}."
            if result.folders_removed
            else ""
        )
    )
    body = ""
    if result.outcomes:
        body = table(
            ["Segment", "Id", "Outcome"],
            [[o.name, o.list_id, o.outcome.replace("-", " ")] for o in result.outcomes],
            limit=120,
        )
    notes = [f"- {cell(o.name, 80)}: {cell(o.message, 500)}" for o in refused]
    notes += [f"- {cell(r.message, 500)}" for r in [*restored, *unrestored]]
    if notes:
        body += "\n\n" + "\n".join(notes)
    view = RollbackView(
        portal=portal,
        status="done",
        message=message,
        result=RollbackDone(
            run_id=result.run_id,
            run_ids=result.run_ids,
            outcomes=[_row(o) for o in result.outcomes],
            restored=[
                RestoredRow(list_id=r.list_id, name=r.name, outcome=r.outcome, message=r.message)
                for r in result.restored
            ],
            folders_removed=result.folders_removed,
        ),
    )
    return write_answer(view, body)
