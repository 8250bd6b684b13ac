"""The front end's reading thread, and the hand-over to the real server.

One thread reads the client's lines for the whole session. Before the hand-over each line is answered
(`answers.Answerer`) or queued; after it, every line is queued untouched. The real server reads that one
queue from its start, so what it sees is exactly the client's lines in their order (plus the replayed
first request), whether they arrived before the hand-over or after. The main thread meanwhile imports
the SDK and builds the real server, then calls `hand_over`.
"""

from __future__ import annotations

import contextlib
import os
import queue
import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from segment_lists.mcp.frontend.answers import Answerer
from segment_lists.mcp.frontend.manifest import FULL, READ_ONLY, load, matches_installed

if TYPE_CHECKING:
    from segment_lists.mcp.frontend.wire import Wire  # POSIX only: imported once the platform is known

END = None  # queued after the last line: the client closed stdin


class LineWriter(Protocol):
    def write(self, text: str) -> None:
        """Whole lines, at once."""


@dataclass(frozen=True)
class HandedOver:
    """What the real server takes over: the client's lines, the wire to answer on, the id of the replayed
    first request (its answer was already given by the front end: the real server's is dropped) and
    that answer (the real server's must be the same)."""

    lines: queue.SimpleQueue[str | None]
    wire: LineWriter
    replay_id: str
    replay_answer: dict[str, Any] | None = None


class FrontEnd:
    def __init__(self, wire: Wire, answerer: Answerer, *, held: bool = False) -> None:
        """`held`: read nothing until `release` (or the hand-over): `serve --sandbox` first says where its
        sandbox portal is, so a client that looks at the server's stderr once connected finds it there."""
        self._wire = wire
        self._answerer = answerer
        self._lines: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._lock = threading.Lock()  # a line is answered or queued wholly before or after the hand-over
        self._handed = False
        self._open = threading.Event()
        if not held:
            self._open.set()

    def start(self) -> None:
        # A daemon: a server that fails to start must still exit while this thread waits for input.
        threading.Thread(target=self._read, name="mcp-frontend", daemon=True).start()

    def _read(self) -> None:
        for line in self._wire.lines():
            self._open.wait()
            self._take(line)
        self._lines.put(END)

    def release(self) -> None:
        """Start answering (a front end not held already does)."""
        self._open.set()

    def _take(self, line: str) -> None:
        with self._lock:
            if self._handed:
                self._lines.put(line)
                return
            step = self._answerer.take(line)
            if step.answer is not None:
                # Under the lock: the real server cannot answer a later request before this answer is out.
                with contextlib.suppress(OSError):  # the client is gone; the real server will read the end
                    self._wire.write_line(step.answer)
            if step.forward is not None:
                self._lines.put(step.forward)

    def hand_over(self) -> HandedOver:
        """From now on the real server answers everything."""
        with self._lock:
            self._handed = True
        self._open.set()
        return HandedOver(self._lines, self._wire, self._answerer.replay_id, self._answerer.replay_answer)

    def close(self) -> None:
        """The server has stopped: release a reader still waiting on the queue, give fd 0 and 1 back."""
        self._lines.put(END)
        self._wire.restore()


def start(*, read_only: bool, held: bool = False) -> FrontEnd | None:
    """The front end, answering already (unless `held`); None where it cannot stand in (then the SDK serves
    stdio alone): not POSIX, no manifest, or an MCP SDK / pydantic other than the one the manifest was
    recorded with."""
    if sys.platform == "win32":
        return None
    manifest = load()
    if manifest is None or not matches_installed(manifest):
        return None
    from segment_lists.mcp.frontend.wire import claim_stdio

    replay_id = f"segment-lists-frontend-{os.urandom(8).hex()}"
    front = FrontEnd(claim_stdio(), Answerer(manifest, READ_ONLY if read_only else FULL, replay_id), held=held)
    front.start()
    return front
