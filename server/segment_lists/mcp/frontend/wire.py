"""The process's stdin and stdout, claimed for MCP from the first instant of `serve`.

What the SDK's `stdio_server` does while it serves, done before anything is imported: the wire moves to
private descriptors, fd 0 reads the null device and fd 1 writes to stderr, so a stray `print` during the
imports (or from a library later) can never corrupt the JSON-RPC stream. Lines are read as the SDK reads
them (UTF-8, undecodable bytes replaced, universal newlines), so a line is the same line for the front
end and for the real server. One lock per write: the front end's answers and the real server's never
interleave.
"""

from __future__ import annotations

import fcntl
import io
import os
import threading
from collections.abc import Iterator


def _private_copy(fd: int) -> int:
    """A duplicate of `fd` outside the standard range, not inherited by child processes."""
    return fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)


class Wire:
    """JSON-RPC lines in from `in_fd`, out to `out_fd`."""

    def __init__(self, in_fd: int, out_fd: int, saved: tuple[int, int] | None = None) -> None:
        # closefd=False: the reading thread may still block on its descriptor at exit; never reuse it.
        self._reader = io.TextIOWrapper(os.fdopen(in_fd, "rb", closefd=False), encoding="utf-8", errors="replace")
        self._writer = os.fdopen(out_fd, "wb", closefd=False)
        self._lock = threading.Lock()
        self._saved = saved  # fd 0 and 1 as they were, when this wire claimed them

    def lines(self) -> Iterator[str]:
        """The client's lines until end of file (a read error ends them too: the client is gone)."""
        try:
            yield from self._reader
        except (OSError, ValueError):
            return

    def write(self, text: str) -> None:
        """Whole lines, at once."""
        data = text.encode("utf-8")
        with self._lock:
            self._writer.write(data)
            self._writer.flush()

    def write_line(self, text: str) -> None:
        self.write(text + "\n")

    def restore(self) -> None:
        """fd 0 and 1 back as they were, if this wire claimed them (the private copies stay open: a thread
        may still block on one)."""
        if self._saved is None:
            return
        for fd, saved in zip((0, 1), self._saved, strict=True):
            try:
                os.dup2(saved, fd)
                os.close(saved)
            except OSError:
                pass
        self._saved = None


def claim_stdio() -> Wire:
    """The process's stdin and stdout as a wire; fd 0 then reads nothing and fd 1 writes to stderr."""
    wire = Wire(_private_copy(0), _private_copy(1), saved=(_private_copy(0), _private_copy(1)))
    null = os.open(os.devnull, os.O_RDONLY)
    try:
        os.dup2(null, 0)
    finally:
        os.close(null)
    os.dup2(2, 1)
    return wire
