"""List processing off the request path: evaluate a list while it is PROCESSING, as HubSpot does
(list processing is asynchronous there), so the first read after processing finds it ready.

One worker thread per portal, started when a list starts processing and ended when none is waiting.
It waits for a pause in list writes (`QUIET_SECONDS`) and for a moment no request is being answered
(the HTTP layer reports them: `enter` / `leave`), so a burst of creates is not slowed by evaluations
between them - but not longer than `PATIENCE_SECONDS` - then prepares one list at a time (each under
the store's lock, released between lists so requests interleave). What it prepares is only used if
still valid when the list is read (the engine checks); a failure here is logged and the list is
evaluated on read instead.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

LOG = logging.getLogger(__name__)
# A pause in list writes this long before background work starts.
QUIET_SECONDS = 0.2
# A list waits at most this long for the portal to go idle (a steady stream of requests never does).
PATIENCE_SECONDS = 1.0


class Processor:
    def __init__(self, prepare: Callable[[int], None], *, enabled: bool) -> None:
        self._prepare = prepare
        self._enabled = enabled
        self._waiting: set[int] = set()
        self._since = 0.0  # when the oldest waiting list started waiting
        self._in_flight = 0
        self._last_write = 0.0
        self._thread: threading.Thread | None = None
        self._changed = threading.Condition()

    def wake(self, list_id: int) -> None:
        """A list started processing (or changed): prepare it once writes pause."""
        if not self._enabled:
            return
        with self._changed:
            if not self._waiting:
                self._since = time.monotonic()
            self._waiting.add(list_id)
            self._last_write = time.monotonic()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="sandbox-list-processing", daemon=True)
                self._thread.start()
            self._changed.notify()

    def enter(self) -> None:
        """A request is being answered."""
        with self._changed:
            self._in_flight += 1

    def leave(self) -> None:
        with self._changed:
            self._in_flight -= 1
            if not self._in_flight:
                self._changed.notify()

    def idle(self) -> bool:
        with self._changed:
            return self._thread is None

    def _run(self) -> None:
        while True:
            with self._changed:
                if not self._waiting:
                    self._thread = None
                    return
                now = time.monotonic()
                quiet = now - self._last_write
                if quiet < QUIET_SECONDS:
                    self._changed.wait(QUIET_SECONDS - quiet)
                    continue
                if self._in_flight and now - self._since < PATIENCE_SECONDS:
                    self._changed.wait(min(0.05, PATIENCE_SECONDS - (now - self._since)))
                    continue
                list_id = min(self._waiting)  # creation order: lists referenced by later ones come first
                self._waiting.discard(list_id)
                self._since = now
            try:
                self._prepare(list_id)
            except Exception:  # the list is evaluated on its first read instead
                LOG.exception("background processing of list %s failed", list_id)
