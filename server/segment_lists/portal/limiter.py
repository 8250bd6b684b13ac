"""Client-side pacing: rolling windows that keep calls under HubSpot's limits.

Thread-safe: the workflow may call the portal from several worker threads at once. A caller
that must wait sleeps outside the lock, then re-checks (another thread may have taken the slot).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from segment_lists.portal.settings import PortalSettings


class SlidingWindow:
    """At most `limit` acquisitions in any `window` seconds; `hold_off` blocks everyone for a while."""

    def __init__(self, limit: int, window: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._stamps: deque[float] = deque()
        self._blocked_until = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take a slot, waiting as needed. Returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                self._expire(now)
                wait = max(self._blocked_until - now, 0.0)
                if wait == 0.0 and len(self._stamps) >= self.limit:
                    wait = self._stamps[0] + self.window - now
                if wait <= 0.0:
                    self._stamps.append(now)
                    return waited
            self._sleep(wait)
            waited += wait

    def hold_off(self, seconds: float | None = None) -> float:
        """The server said the window is full: nobody calls for `seconds` (default: until the
        oldest call we know of leaves the window, or a whole window if we know of none).
        Returns the hold-off applied."""
        with self._lock:
            now = self._clock()
            self._expire(now)
            if seconds is None:
                seconds = self._stamps[0] + self.window - now if self._stamps else self.window
            seconds = max(seconds, 0.0)
            self._blocked_until = max(self._blocked_until, now + seconds)
            return seconds

    def _expire(self, now: float) -> None:
        while self._stamps and self._stamps[0] <= now - self.window:
            self._stamps.popleft()


@dataclass
class Limiter:
    """The general (10-second) bucket and the CRM search bucket of one private app."""

    general: SlidingWindow | None
    search: SlidingWindow | None
    search_counts_toward_general: bool = True

    @classmethod
    def for_settings(cls, settings: PortalSettings) -> Limiter:
        if not settings.limiter.enabled:
            return cls(None, None)
        return cls(
            general=SlidingWindow(settings.burst_limit(), settings.limiter.window_seconds),
            search=SlidingWindow(settings.search_limit(), 1.0),
            search_counts_toward_general=settings.limiter.search_counts_toward_burst,
        )

    def acquire(self, *, search: bool) -> float:
        waited = 0.0
        if search and self.search is not None:
            waited += self.search.acquire()
        if self.general is not None and (not search or self.search_counts_toward_general):
            waited += self.general.acquire()
        return waited
