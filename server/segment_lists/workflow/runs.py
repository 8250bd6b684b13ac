"""A run as the journal knows it: which apply run is meant, and the lists it made.

Both faces name runs the same way ("the latest", or the id an apply run reported),
so resolving one, and saying which ids exist when it is wrong, happens here once.
"""

from __future__ import annotations

from segment_lists.workflow.failures import UnknownRun
from segment_lists.workflow.journal import Run
from segment_lists.workflow.next_steps import Step
from segment_lists.workflow.runtime import Runtime


def apply_run(rt: Runtime, run_id: str | None) -> Run:
    """The apply run `run_id`, or the latest one when None."""
    runs = rt.journal.runs(rt.portal_id, "apply")
    if run_id is None:
        if not runs:
            raise UnknownRun(f"this portal's journal has no apply run yet; {rt.next_steps(Step.APPLY)} first")
        return runs[-1]
    for run in runs:
        if run.run_id == run_id:
            return run
    latest = f" (latest: {', '.join(r.run_id for r in runs[-5:])})" if runs else ""
    raise UnknownRun(f"no apply run '{run_id}' in this portal's journal{latest}")


def run_list_ids(rt: Runtime, run_id: str, *, created_only: bool) -> list[str]:
    """The live lists of the library that the run created (and, unless `created_only`, adopted)."""
    return [
        entry.list_id
        for entry in rt.journal.library(rt.portal_id)
        if entry.run_id == run_id and (entry.origin == "created" or not created_only)
    ]
