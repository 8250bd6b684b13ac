"""The sandbox portal's state: one SQLite database, guarded by one lock.

Every table lives here so the whole portal can be dumped to, or loaded from, a file (`--db`).
Handlers run on worker threads; the single connection and the re-entrant lock keep them simple
and consistent (HubSpot's API is not transactional across calls either, but each call is atomic).
Property values are stored as HubSpot returns them: strings, in a JSON object per record.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- CRM records. object_type is the HubSpot id ('0-1' contacts, '0-2' companies).
CREATE TABLE IF NOT EXISTS objects (
    object_type TEXT NOT NULL,
    id INTEGER NOT NULL,
    properties TEXT NOT NULL,          -- JSON {name: string value}
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (object_type, id)
);
-- Every value a property has had, with when it was set (HAS_EVER_*, UPDATED_AT, history).
CREATE TABLE IF NOT EXISTS property_history (
    object_type TEXT NOT NULL,
    id INTEGER NOT NULL,
    property TEXT NOT NULL,
    value TEXT,
    timestamp TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS property_history_record ON property_history (object_type, id, property);

CREATE TABLE IF NOT EXISTS property_defs (
    object_type TEXT NOT NULL,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,          -- JSON, HubSpot's Property shape
    archived INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (object_type, name)
);

-- Associations v4: one row per direction and type.
CREATE TABLE IF NOT EXISTS associations (
    from_type TEXT NOT NULL,
    from_id INTEGER NOT NULL,
    to_type TEXT NOT NULL,
    to_id INTEGER NOT NULL,
    type_id INTEGER NOT NULL,
    category TEXT NOT NULL,
    PRIMARY KEY (from_type, from_id, to_type, to_id, type_id, category)
);
CREATE INDEX IF NOT EXISTS associations_to ON associations (to_type, to_id);

CREATE TABLE IF NOT EXISTS lists (
    list_id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    object_type_id TEXT NOT NULL,
    processing_type TEXT NOT NULL,
    filter_branch TEXT,                -- JSON, normalized as HubSpot echoes it
    list_version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    filters_updated_at TEXT NOT NULL,
    deleted_at TEXT,
    created_by_id TEXT NOT NULL,
    updated_by_id TEXT NOT NULL,
    folder_id INTEGER NOT NULL DEFAULT 0,
    list_permissions TEXT NOT NULL DEFAULT '{"teamsWithEditAccess": [], "usersWithEditAccess": []}',
    membership_settings TEXT NOT NULL DEFAULT '{"membershipTeamId": null, "includeUnassigned": null}',
    processing_ready_at REAL NOT NULL DEFAULT 0,   -- monotonic-ish epoch seconds when COMPLETE
    description TEXT
);
-- A list's members, packed: one row per list and join time (lists/member_store.py says why).
CREATE TABLE IF NOT EXISTS list_member_groups (
    list_id INTEGER NOT NULL,
    added_ms INTEGER NOT NULL,  -- when these members joined (epoch ms)
    record_ids BLOB NOT NULL,   -- int64 little-endian, ascending
    PRIMARY KEY (list_id, added_ms)
);
-- First-added times of records that left a list (a member's last-added time is in list_member_groups).
CREATE TABLE IF NOT EXISTS list_membership_events (
    list_id INTEGER NOT NULL,
    record_id INTEGER NOT NULL,
    first_added_at TEXT NOT NULL,
    last_added_at TEXT NOT NULL,
    PRIMARY KEY (list_id, record_id)
);
CREATE TABLE IF NOT EXISTS list_size_history (
    list_id INTEGER NOT NULL,
    timestamp TEXT NOT NULL,
    size INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS list_edit_history (
    list_id INTEGER NOT NULL,
    timestamp TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS list_folders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    parent_id INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_contents_at TEXT NOT NULL,
    user_id INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS teams (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workflows (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS marketing_emails (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
-- Lists from before HubSpot's list migration keep a legacy (v1) id, translated by /idmapping.
CREATE TABLE IF NOT EXISTS legacy_list_ids (legacy_id INTEGER PRIMARY KEY, list_id INTEGER NOT NULL);
-- Uses of a list the public API cannot show (ads audiences, SMS, chatflows, ...): they only count
-- in the list's hs_list_reference_count, as in HubSpot.
CREATE TABLE IF NOT EXISTS list_hidden_uses (list_id INTEGER NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL);
"""


class Store:
    """A SQLite database plus the lock that serialises access to it."""

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL" if path != ":memory:" else "PRAGMA journal_mode=MEMORY")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self.lock = threading.RLock()
        self._depth = 0
        # Called after a ROLLBACK: caches of what the database holds (list members) drop what it undid.
        self.on_rollback: list[Callable[[], None]] = []
        with self.lock:
            self._conn.executescript(SCHEMA)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Hold the lock and a transaction; nested calls join the outer one."""
        with self.lock:
            outer = self._depth == 0
            if outer:
                self._conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self._conn
            except BaseException:
                self._depth -= 1
                if outer:
                    self._conn.execute("ROLLBACK")
                    for forget in self.on_rollback:
                        forget()
                raise
            self._depth -= 1
            if outer:
                self._conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            yield self._conn

    def close(self) -> None:
        with self.lock:
            self._conn.close()

    # --- small helpers shared by the route modules -------------------------------------------

    def meta_get(self, key: str, default: str | None = None) -> str | None:
        with self.read() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else default

    def meta_set(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def next_id(self, counter: str, start: int = 1) -> int:
        """A monotonically increasing id per counter name (record ids, etc.)."""
        with self.transaction() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (f"seq:{counter}",)).fetchone()
            value = int(row["value"]) + 1 if row else start
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (f"seq:{counter}", str(value)))
        return value


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)
