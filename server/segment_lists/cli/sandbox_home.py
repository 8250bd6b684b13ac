"""Where the command line's sandbox portal lives between commands, and who may use it now.

`--sandbox` on a workflow command is one persistent local portal, so `apply --sandbox`, then
`verify --sandbox`, `rollback --sandbox` and `restore --sandbox` act on the same lists, as the hints
say. Its home is a folder of the state directory:

    <state dir>/sandbox/portal.sqlite3    the portal (HubSpot's side: contacts, companies, lists)
    <state dir>/sandbox/journal.sqlite3   this tool's journal against it (runs, library, plans)
    <state dir>/sandbox/lock              held by the one command using the sandbox now

The portal and its journal live and die together: a new portal reuses list ids, so an old journal
would name lists it never made. Only `--sandbox-reset` deletes them, and it says what it deleted.
Two commands at once would interleave writes to the same files, so the second waits for the first.
Nothing is written to the temp directory.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from segment_lists.cli.output import note

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

LOCK_WAIT_SECONDS = 300.0  # a sandbox command takes seconds; a longer wait means something is stuck
PORTAL_FILE = "portal.sqlite3"
JOURNAL_FILE = "journal.sqlite3"
SQLITE_SIDECARS = ("", "-wal", "-shm", "-journal")


class SandboxBusy(Exception):
    """Another command held the sandbox for longer than we wait."""


@dataclass(frozen=True)
class SandboxHome:
    folder: Path

    @classmethod
    def under(cls, state_dir: Path) -> SandboxHome:
        return cls(state_dir.expanduser() / "sandbox")

    @property
    def portal_db(self) -> Path:
        return self.folder / PORTAL_FILE

    @property
    def journal_db(self) -> Path:
        return self.folder / JOURNAL_FILE

    def files(self) -> list[Path]:
        """The portal's and the journal's files that exist (SQLite keeps -wal/-shm beside a database)."""
        found = []
        for base in (self.portal_db, self.journal_db):
            for suffix in SQLITE_SIDECARS:
                path = base.with_name(base.name + suffix)
                if path.exists():
                    found.append(path)
        for stale in self.folder.glob(f"{PORTAL_FILE}.seeding-*"):
            found.append(stale)
        return found

    def reset(self) -> list[tuple[Path, int]]:
        """Delete the portal and its journal (call with the lock held); returns what was deleted and its size."""
        deleted = []
        for path in self.files():
            size = path.stat().st_size
            path.unlink()
            deleted.append((path, size))
        for journal_lock in self.folder.glob(f"{JOURNAL_FILE}.*.lock"):
            journal_lock.unlink()
        return deleted

    @contextmanager
    def locked(self, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
        """Hold the sandbox for this command; wait (saying so) while another command holds it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "lock", "a+", encoding="utf-8") as handle:
            if not _try_lock(handle):
                holder = _holder(handle)
                note(f"Waiting for another segment-lists command{holder} that is using the sandbox at {self.folder}...")
                deadline = time.monotonic() + wait
                while not _try_lock(handle):
                    if time.monotonic() > deadline:
                        raise SandboxBusy(
                            f"another segment-lists command{holder} has been using the sandbox at {self.folder} "
                            f"for over {wait:.0f} s"
                        )
                    time.sleep(0.1)
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            try:
                yield
            finally:
                handle.seek(0)
                handle.truncate()
                handle.flush()
                _unlock(handle)


def _try_lock(handle: IO[str]) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:  # pragma: no cover - Windows
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _unlock(handle: IO[str]) -> None:
    if fcntl is not None:
        fcntl.flock(handle, fcntl.LOCK_UN)
    else:  # pragma: no cover - Windows
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)


def _holder(handle: IO[str]) -> str:
    handle.seek(0)
    pid = handle.read().strip()
    return f" (pid {pid})" if pid.isdigit() else ""
