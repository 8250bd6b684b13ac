"""Waiting for HubSpot to finish processing lists (count_members, exclusivity, temporary lists).

One batched read of every pending list per poll, more patient as the wait grows; it sleeps without holding any
limiter slot, so other work in the same process keeps HubSpot's allowance to itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from segment_lists.boundary.text import counted, quoted
from segment_lists.portal.models import HubSpotList
from segment_lists.workflow.runtime import Runtime

Progress = Callable[[float, float, str], None]
# Polling while lists process: quick at first (small lists finish fast), then a fixed share of the
# time already waited, so the wait never overshoots a list's processing by more than that share
# (a doubling backoff can overshoot by half); capped so a long wait still polls now and then.
POLL_START_SECONDS = 0.25
POLL_SHARE = 0.1
POLL_MAX_SECONDS = 5.0


def wait_for_processing(
    rt: Runtime, list_ids: Sequence[str], *, timeout: float, progress: Progress | None = None
) -> dict[str, object]:
    """Poll (batched, spaced by the time waited) until every list is COMPLETE or the timeout passes.

    `progress` hears once per list that finishes (done so far, of all lists, and which one): progress
    that advances, never the same "1 of 17" again on every poll. A list HubSpot no longer has is
    finished too (there is nothing to wait for)."""
    started = time.monotonic()
    deadline = started + timeout
    found: dict[str, object] = {}
    pending = list(list_ids)
    done = 0
    while True:
        # Only the lists still processing are read again: finished ones keep their last answer.
        fresh = {lst.id: lst for lst in rt.portal.get_lists(pending, include_filters=False)}
        found.update(fresh)
        still = [i for i in pending if i in fresh and fresh[i].processing_status != "COMPLETE"]
        for list_id in (i for i in pending if i not in still):
            done += 1
            if progress is not None:
                progress(done, len(list_ids), _finished(list_id, fresh.get(list_id), done, len(list_ids)))
        pending = still
        if not pending or time.monotonic() >= deadline:
            return found
        now = time.monotonic()
        delay = min(POLL_MAX_SECONDS, max(POLL_START_SECONDS, POLL_SHARE * (now - started)))
        time.sleep(min(delay, max(0.0, deadline - now)))


def _finished(list_id: str, lst: HubSpotList | None, done: int, total: int) -> str:
    of = f"{done} of {counted(total, 'list')}"
    if lst is None:
        return f"{of}: list {list_id} was not found"
    size = f" ({counted(lst.size, 'member')})" if lst.size is not None else ""
    return f"{of} processed: {quoted(lst.name)}{size}"
