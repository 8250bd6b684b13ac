"""The journal: what this tool planned, confirmed and did to each portal, in SQLite.

Every write to a portal is journaled *before* it is made (an intent) and again after (its outcome),
so a crash between the two can be reconciled on the next run by looking the list up by name.
Keyed by portal id: one state directory can serve several portals (and the sandbox) without mixing.
Nothing secret is ever stored here.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, field_serializer

try:  # POSIX; elsewhere the folder lock is per process only
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

from segment_lists.boundary.text import clean

SCHEMA = """
CREATE TABLE IF NOT EXISTS plans (
    plan_id TEXT PRIMARY KEY,
    portal_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    portal_id TEXT NOT NULL,
    plan_id TEXT,
    kind TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS actions (
    action_id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    portal_id TEXT NOT NULL,
    action TEXT NOT NULL,
    segment_key TEXT,
    list_name TEXT,
    list_id TEXT,
    intent_at TEXT NOT NULL,
    outcome_at TEXT,
    outcome TEXT NOT NULL DEFAULT 'pending',
    detail TEXT
);
CREATE INDEX IF NOT EXISTS actions_run ON actions (run_id);
CREATE TABLE IF NOT EXISTS confirmations (
    token_digest TEXT PRIMARY KEY,
    portal_id TEXT NOT NULL,
    tool TEXT NOT NULL,
    arguments_digest TEXT NOT NULL,
    state_digest TEXT NOT NULL,
    summary TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE TABLE IF NOT EXISTS snapshots (
    portal_id TEXT NOT NULL,
    list_id TEXT NOT NULL,
    taken_at TEXT NOT NULL,
    size INTEGER NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS snapshots_list ON snapshots (portal_id, list_id, taken_at);
CREATE TABLE IF NOT EXISTS library (
    portal_id TEXT NOT NULL,
    list_id TEXT NOT NULL,
    name TEXT NOT NULL,
    segment_key TEXT,
    processing_type TEXT NOT NULL,
    definition TEXT,
    run_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    deleted_at TEXT,
    origin TEXT NOT NULL DEFAULT 'created',   -- 'created' here; else 'reused', 'adopted', 'merged' (never deleted)
    catalog_name TEXT,                        -- the catalog's name for the segment (its role); `name` is HubSpot's
    PRIMARY KEY (portal_id, list_id)
);
"""
# Columns added after a journal file may already exist: (table, column, declaration).
MIGRATIONS = (("library", "catalog_name", "TEXT"),)

Outcome = Literal["pending", "ok", "failed", "unknown"]


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


RunKind = Literal["apply", "delete", "restore", "rollback", "check"]


class Run(BaseModel):
    """One run of a write: an apply (of a plan, or of a custom list), a delete, a restore, a rollback."""

    run_id: str
    portal_id: str
    plan_id: str | None
    kind: RunKind
    started_at: str
    finished_at: str | None
    status: str  # running, ok, partial, interrupted, failed


class Confirmation(BaseModel):
    """A confirmation token as stored: digests only, never the token itself."""

    token_digest: str
    portal_id: str
    tool: str
    arguments_digest: str
    state_digest: str
    summary: str
    created_at: str
    expires_at: str
    used_at: str | None


class Action(BaseModel):
    action_id: int
    run_id: str
    action: str
    segment_key: str | None
    list_name: str | None
    list_id: str | None
    intent_at: str
    outcome_at: str | None
    outcome: Outcome
    detail: dict[str, Any] | None


Origin = Literal["created", "reused", "adopted", "merged"]


class LibraryEntry(BaseModel):
    list_id: str
    name: str  # the list's name in HubSpot when it was recorded
    segment_key: str | None
    processing_type: str
    definition: dict[str, Any] | None
    run_id: str
    created_at: str
    deleted_at: str | None
    origin: Origin = "created"
    catalog_name: str | None = None  # the catalog's name for its segment (its role in the library)

    @field_serializer("name", "catalog_name")
    def _as_data(self, name: str | None) -> str | None:
        # The true name stays on the attribute (names are matched); outputs get it stripped of
        # control and bidi characters, like every CRM string handed to a model.
        return None if name is None else clean(name, limit=2000)


class Snapshot(BaseModel):
    list_id: str
    taken_at: str
    size: int
    source: str


class Journal:
    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._path = None if str(path) == ":memory:" else str(path)
        self._named_locks: dict[str, threading.Lock] = {}
        with self._lock:
            if str(path) != ":memory:":
                self._conn.execute("PRAGMA journal_mode=WAL")
            # FULL: an intent must be on disk before the API call it announces.
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.executescript(SCHEMA)
            for table, column, declaration in MIGRATIONS:
                present = {row["name"] for row in self._conn.execute(f"PRAGMA table_info({table})")}
                if column not in present:
                    self._conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """An advisory lock shared by every process and thread using this journal file (for writes
        HubSpot does not deduplicate itself, such as folder names)."""
        with self._named_locks.setdefault(name, threading.Lock()):
            if self._path is None or fcntl is None:
                yield
                return
            with open(f"{self._path}.{name}.lock", "a+") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # --- plans and runs -------------------------------------------------------------------------

    def save_plan(self, portal_id: str, plan_id: str, body: dict[str, Any]) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO plans (plan_id, portal_id, created_at, body) VALUES (?, ?, ?, ?)",
                (plan_id, portal_id, utcnow(), json.dumps(body)),
            )

    def load_plan(self, portal_id: str, plan_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT body FROM plans WHERE plan_id = ? AND portal_id = ?", (plan_id, portal_id)
            ).fetchone()
        return json.loads(row["body"]) if row else None

    def start_run(self, portal_id: str, kind: RunKind, plan_id: str | None = None) -> str:
        run_id = f"run-{uuid.uuid4().hex[:12]}"
        with self._tx() as db:
            db.execute(
                "INSERT INTO runs (run_id, portal_id, plan_id, kind, started_at, status) VALUES (?, ?, ?, ?, ?, ?)",
                (run_id, portal_id, plan_id, kind, utcnow(), "running"),
            )
        return run_id

    def finish_run(self, run_id: str, status: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE runs SET finished_at = ?, status = ? WHERE run_id = ?", (utcnow(), status, run_id))

    def runs(self, portal_id: str, kind: RunKind | None = None) -> list[Run]:
        """This portal's runs, oldest first (only those of `kind` if given)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM runs WHERE portal_id = ? ORDER BY started_at", (portal_id,)
            ).fetchall()
        runs = [Run(**dict(row)) for row in rows]
        return [run for run in runs if kind is None or run.kind == kind]

    # --- intent / outcome ----------------------------------------------------------------------

    def intend(
        self,
        run_id: str,
        portal_id: str,
        action: str,
        *,
        segment_key: str | None = None,
        list_name: str | None = None,
        list_id: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> int:
        """Record what is about to be done; returns the action id to settle with `settle`."""
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO actions (run_id, portal_id, action, segment_key, list_name, list_id, intent_at, detail)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    portal_id,
                    action,
                    segment_key,
                    list_name,
                    list_id,
                    utcnow(),
                    json.dumps(detail) if detail is not None else None,
                ),
            )
            return int(cursor.lastrowid or 0)

    def settle(
        self,
        action_id: int,
        outcome: Outcome,
        *,
        list_id: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE actions SET outcome = ?, outcome_at = ?, list_id = COALESCE(?, list_id),"
                " detail = COALESCE(?, detail) WHERE action_id = ?",
                (outcome, utcnow(), list_id, json.dumps(detail) if detail is not None else None, action_id),
            )

    def settle_created(
        self,
        action_id: int,
        portal_id: str,
        run_id: str,
        list_id: str,
        name: str,
        processing_type: str,
        segment_key: str | None,
        definition: dict[str, Any] | None,
        catalog_name: str | None = None,
    ) -> None:
        """Settle a create and add the list to the library in one transaction: a crash between the
        two would leave a list the journal calls created but the library does not know."""
        with self._tx() as db:
            db.execute(
                "UPDATE actions SET outcome = 'ok', outcome_at = ?, list_id = ? WHERE action_id = ?",
                (utcnow(), list_id, action_id),
            )
            self._insert_library(
                db, portal_id, run_id, list_id, name, processing_type, segment_key, definition, "created", catalog_name
            )

    def settle_deleted(self, action_id: int, portal_id: str, list_id: str, *, deleted: bool) -> None:
        """Settle a delete (or restore) and mark the library entry in one transaction."""
        with self._tx() as db:
            db.execute("UPDATE actions SET outcome = 'ok', outcome_at = ? WHERE action_id = ?", (utcnow(), action_id))
            db.execute(
                "UPDATE library SET deleted_at = ? WHERE portal_id = ? AND list_id = ?",
                (utcnow() if deleted else None, portal_id, list_id),
            )

    def create_intents(self, portal_id: str, list_name: str) -> list[Action]:
        """Every create this tool announced for a list of this name (case-insensitive), oldest first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM actions WHERE portal_id = ? AND action = 'create' AND lower(list_name) = lower(?)"
                " ORDER BY action_id",
                (portal_id, list_name),
            ).fetchall()
        return [_action(row) for row in rows]

    def actions(self, run_id: str) -> list[Action]:
        with self._lock:
            rows = self._conn.execute("SELECT * FROM actions WHERE run_id = ? ORDER BY action_id", (run_id,)).fetchall()
        return [_action(row) for row in rows]

    def unsettled(self, portal_id: str) -> list[Action]:
        """Intents with no outcome: the process died between journaling and hearing back."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM actions WHERE portal_id = ? AND outcome = 'pending' ORDER BY action_id",
                (portal_id,),
            ).fetchall()
        return [_action(row) for row in rows]

    # --- the library of lists this tool created ------------------------------------------------

    def record_created(
        self,
        portal_id: str,
        run_id: str,
        list_id: str,
        name: str,
        processing_type: str,
        segment_key: str | None,
        definition: dict[str, Any] | None,
        origin: Origin = "created",
        catalog_name: str | None = None,
    ) -> None:
        with self._tx() as db:
            self._insert_library(
                db, portal_id, run_id, list_id, name, processing_type, segment_key, definition, origin, catalog_name
            )

    @staticmethod
    def _insert_library(
        db: sqlite3.Connection,
        portal_id: str,
        run_id: str,
        list_id: str,
        name: str,
        processing_type: str,
        segment_key: str | None,
        definition: dict[str, Any] | None,
        origin: Origin = "created",
        catalog_name: str | None = None,
    ) -> None:
        db.execute(
            "INSERT OR REPLACE INTO library (portal_id, list_id, name, segment_key, processing_type, definition,"
            " run_id, created_at, deleted_at, origin, catalog_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
            (
                portal_id,
                list_id,
                name,
                segment_key,
                processing_type,
                json.dumps(definition) if definition is not None else None,
                run_id,
                utcnow(),
                origin,
                catalog_name,
            ),
        )

    def forget(self, portal_id: str, list_id: str) -> None:
        """Take a list out of the library (an adoption or merge that was undone: it is not ours any more)."""
        with self._tx() as db:
            db.execute("DELETE FROM library WHERE portal_id = ? AND list_id = ?", (portal_id, list_id))

    def mark_deleted(self, portal_id: str, list_id: str, deleted: bool = True) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE library SET deleted_at = ? WHERE portal_id = ? AND list_id = ?",
                (utcnow() if deleted else None, portal_id, list_id),
            )

    def library(self, portal_id: str, *, include_deleted: bool = False) -> list[LibraryEntry]:
        query = "SELECT * FROM library WHERE portal_id = ?" + ("" if include_deleted else " AND deleted_at IS NULL")
        with self._lock:
            rows = self._conn.execute(query + " ORDER BY created_at, list_id", (portal_id,)).fetchall()
        return [
            LibraryEntry(**{**dict(row), "definition": json.loads(row["definition"]) if row["definition"] else None})
            for row in rows
        ]

    def created_by_tool(self, portal_id: str, list_id: str) -> LibraryEntry | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT * FROM library WHERE portal_id = ? AND list_id = ?", (portal_id, list_id)
            ).fetchone()
        if row is None:
            return None
        return LibraryEntry(**{**dict(row), "definition": json.loads(row["definition"]) if row["definition"] else None})

    # --- count snapshots -----------------------------------------------------------------------

    def snapshot(self, portal_id: str, list_id: str, size: int, source: str) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO snapshots (portal_id, list_id, taken_at, size, source) VALUES (?, ?, ?, ?, ?)",
                (portal_id, list_id, utcnow(), size, source),
            )

    def snapshots(self, portal_id: str, list_id: str) -> list[Snapshot]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT list_id, taken_at, size, source FROM snapshots WHERE portal_id = ? AND list_id = ?"
                " ORDER BY taken_at",
                (portal_id, list_id),
            ).fetchall()
        return [Snapshot(**dict(row)) for row in rows]

    # --- confirmations (the token path; see confirmation_tokens.py) -----------------------------------------

    def store_confirmation(
        self,
        *,
        token_digest: str,
        portal_id: str,
        tool: str,
        arguments_digest: str,
        state_digest: str,
        summary: str,
        expires_at: str,
    ) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO confirmations (token_digest, portal_id, tool, arguments_digest, state_digest, summary,"
                " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    token_digest,
                    portal_id,
                    tool,
                    arguments_digest,
                    state_digest,
                    summary,
                    utcnow(),
                    expires_at,
                ),
            )

    def confirmation(self, token_digest: str) -> Confirmation | None:
        with self._lock:
            row = self._conn.execute("SELECT * FROM confirmations WHERE token_digest = ?", (token_digest,)).fetchone()
        return Confirmation(**dict(row)) if row else None

    def consume_confirmation(self, token_digest: str) -> bool:
        """Mark a confirmation used; False if it was already used (single use, even under races)."""
        with self._tx() as db:
            cursor = db.execute(
                "UPDATE confirmations SET used_at = ? WHERE token_digest = ? AND used_at IS NULL",
                (utcnow(), token_digest),
            )
            return cursor.rowcount == 1


def _action(row: sqlite3.Row) -> Action:
    data = dict(row)
    data["detail"] = json.loads(data["detail"]) if data["detail"] else None
    data.pop("portal_id", None)
    return Action(**data)
