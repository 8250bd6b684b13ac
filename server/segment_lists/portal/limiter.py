"""Client-side pacing: rolling windows that keep calls under HubSpot's limits.

Thread-safe: the workflow may call the portal from several worker threads at once. A caller
that must wait sleeps on a condition (releasing the lock), then re-checks: another thread may have
taken the slot.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from segment_lists.portal.connection import PortalSettings


class Slot:
    """One call's place in a window. It expires `window` seconds after the call *finished*: the
    server counts the call at some moment between our send and its answer, so freeing the slot
    any earlier could let the server see more calls in its window than we allowed ourselves."""

    __slots__ = ("expires",)

    def __init__(self) -> None:
        self.expires = math.inf  # in flight


class SlidingWindow:
    """At most `limit` calls in flight or finished within the last `window` seconds;
    `hold_off` blocks everyone for a while."""

    def __init__(self, limit: int, window: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._slots: list[Slot] = []  # at most `limit` entries: a scan is cheap
        self._blocked_until = 0.0
        self._lock = threading.Lock()
        self._freed = threading.Condition(self._lock)

    def acquire(self) -> tuple[Slot, float]:
        """Take a slot, waiting as needed. Returns it and the seconds waited."""
        waited = 0.0
        with self._freed:
            while True:
                now = self._clock()
                self._expire(now)
                wait = max(self._blocked_until - now, 0.0)
                if wait == 0.0 and len(self._slots) >= self.limit:
                    wait = min(slot.expires for slot in self._slots) - now
                if wait <= 0.0:
                    slot = Slot()
                    self._slots.append(slot)
                    return slot, waited
                # inf: every slot is in flight; `release` wakes us when one finishes.
                self._freed.wait(None if math.isinf(wait) else wait)
                waited += self._clock() - now

    def resize(self, limit: int, window: float) -> None:
        """HubSpot told us its real figures (rate-limit headers): pace by them from now on."""
        with self._freed:
            self.limit = max(1, limit)
            self.window = window
            self._freed.notify_all()

    def release(self, slot: Slot) -> None:
        with self._freed:
            slot.expires = self._clock() + self.window
            self._freed.notify_all()

    def hold_off(self, seconds: float | None = None) -> float:
        """The server said the window is full: nobody calls for `seconds` (default: until the
        oldest finished call we know of leaves the window, or a whole window if none has).
        Returns the hold-off applied."""
        with self._lock:
            now = self._clock()
            self._expire(now)
            if seconds is None:
                finished = [slot.expires for slot in self._slots if not math.isinf(slot.expires)]
                seconds = min(finished) - now if finished else self.window
            seconds = max(seconds, 0.0)
            self._blocked_until = max(self._blocked_until, now + seconds)
            return seconds

    def _expire(self, now: float) -> None:
        self._slots = [slot for slot in self._slots if slot.expires > now]


# The search limit is tiny (5 a second), so a safety margin rounded to whole calls per second would
# cost a fifth of it (4/s instead of 4.5/s). The margin is kept on average over this longer window
# instead, while the 1-second window holds HubSpot's own limit: never more than 5 in any second,
# 4.5 a second sustained.
SEARCH_AVERAGE_WINDOW = 2.0


@dataclass
class Limiter:
    """The general (10-second) bucket and the CRM search buckets of one private app."""

    general: SlidingWindow | None
    search: SlidingWindow | None
    search_counts_toward_general: bool = True
    search_average: SlidingWindow | None = None

    @classmethod
    def for_settings(cls, settings: PortalSettings) -> Limiter:
        if not settings.limiter.enabled:
            return cls(None, None)
        per_second = settings.limiter.search_per_second
        average = max(1, int(per_second * (1 - settings.limiter.safety_margin) * SEARCH_AVERAGE_WINDOW))
        return cls(
            general=SlidingWindow(settings.burst_limit(), settings.limiter.window_seconds),
            search=SlidingWindow(per_second, 1.0),
            search_counts_toward_general=settings.limiter.search_counts_toward_burst,
            search_average=SlidingWindow(average, SEARCH_AVERAGE_WINDOW),
        )

    def acquire(self, *, search: bool) -> Permit:
        """Slots in every bucket the call counts toward; release the permit when the call ends."""
        permit = Permit()
        for bucket in self._buckets(search):
            slot, waited = bucket.acquire()
            permit.held.append((bucket, slot))
            permit.waited += waited
        return permit

    def _buckets(self, search: bool) -> list[SlidingWindow]:
        buckets: list[SlidingWindow] = []
        # The slowest bucket first: a slot taken early is held (in flight) while waiting for the next.
        if search and self.search_average is not None:
            buckets.append(self.search_average)
        if search and self.search is not None:
            buckets.append(self.search)
        if self.general is not None and (not search or self.search_counts_toward_general):
            buckets.append(self.general)
        return buckets


@dataclass
class Permit:
    held: list[tuple[SlidingWindow, Slot]] = field(default_factory=list)
    waited: float = 0.0

    def release(self) -> None:
        for bucket, slot in self.held:
            bucket.release(slot)
        self.held = []
