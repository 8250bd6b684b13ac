"""What the portal was asked: method, path and status of every request, newest last (bounded).

Tests read it to prove which of HubSpot's paths a client calls (e.g. no legacy `/v3/` path when the
date-versioned APIs are selected); `segment-lists sandbox` users can read it to see what a run did.
The query string is not kept, and a bearer token never appears in a path.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Access:
    method: str
    path: str
    status: int  # 0: the connection was dropped before a status went out


class AccessLog:
    def __init__(self, limit: int = 100_000) -> None:
        self._entries: deque[Access] = deque(maxlen=limit)
        self._lock = threading.Lock()

    def record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self._entries.append(Access(method, path, status))

    def entries(self) -> list[Access]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
