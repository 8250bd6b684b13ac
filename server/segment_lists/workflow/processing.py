"""Waiting for HubSpot to finish processing lists (count_members, exclusivity, temporary lists).

One batched read of every pending list per poll, with gentle backoff; it sleeps without holding any
limiter slot, so other work in the same process keeps HubSpot's allowance to itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from segment_lists.workflow.runtime import Runtime

Progress = Callable[[float, float, str], None]
# Polling backoff while lists process: quick at first (small lists finish fast), then patient.
POLL_START_SECONDS = 0.25
POLL_FACTOR = 1.5
POLL_MAX_SECONDS = 5.0


def wait_for_processing(
    rt: Runtime, list_ids: Sequence[str], *, timeout: float, progress: Progress | None = None
) -> dict[str, object]:
    """Poll (batched, with backoff) until every list is COMPLETE or the timeout passes."""
    deadline = time.monotonic() + timeout
    delay = POLL_START_SECONDS
    found: dict[str, object] = {}
    pending = list(list_ids)
    while True:
        # Only the lists still processing are read again: finished ones keep their last answer.
        fresh = {lst.id: lst for lst in rt.portal.get_lists(pending, include_filters=False)}
        found.update(fresh)
        pending = [i for i in pending if i in fresh and fresh[i].processing_status != "COMPLETE"]
        settled = len(list_ids) - len(pending)
        if progress is not None:
            progress(settled, len(list_ids), f"{settled} of {len(list_ids)} lists processed")
        if not pending or time.monotonic() >= deadline:
            return found
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(POLL_MAX_SECONDS, delay * POLL_FACTOR)
