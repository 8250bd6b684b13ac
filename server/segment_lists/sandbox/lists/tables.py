"""Rows of the `lists` table (plus the sandbox's own per-list state) and plain queries on them."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from segment_lists.sandbox.errors import HubSpotError, not_found, parse_id
from segment_lists.sandbox.store import Store, dumps, loads

# The user the sandbox acts as (createdById / updatedById / folder userId): one portal, one user.
ACTING_USER_ID = "1"

# Per-list state HubSpot exposes indirectly (last added/removed, scheduled conversion, snapshot done).
# Kept in its own table so store.py's shared schema stays untouched.
STATE_SCHEMA = """
CREATE TABLE IF NOT EXISTS list_state (
    list_id INTEGER PRIMARY KEY,
    snapshot_version INTEGER NOT NULL DEFAULT 0,   -- listVersion a SNAPSHOT list was evaluated for
    last_added_at TEXT,
    last_removed_at TEXT,
    conversion TEXT,                               -- JSON PublicListConversionTime
    converted_at TEXT,
    custom_properties TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS list_size_history_list ON list_size_history (list_id);
"""


def ensure_schema(store: Store) -> None:
    with store.lock, store.read() as db:
        db.executescript(STATE_SCHEMA)


@dataclass
class ListRow:
    list_id: int
    name: str
    object_type_id: str
    processing_type: str
    filter_branch: dict[str, Any] | None
    list_version: int
    created_at: str
    updated_at: str
    filters_updated_at: str
    deleted_at: str | None
    created_by_id: str
    updated_by_id: str
    folder_id: int
    list_permissions: dict[str, Any]
    membership_settings: dict[str, Any]
    processing_ready_at: float
    description: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> ListRow:
        return cls(
            list_id=int(row["list_id"]),
            name=row["name"],
            object_type_id=row["object_type_id"],
            processing_type=row["processing_type"],
            filter_branch=loads(row["filter_branch"]),
            list_version=int(row["list_version"]),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            filters_updated_at=row["filters_updated_at"],
            deleted_at=row["deleted_at"],
            created_by_id=row["created_by_id"],
            updated_by_id=row["updated_by_id"],
            folder_id=int(row["folder_id"]),
            list_permissions=loads(row["list_permissions"]),
            membership_settings=loads(row["membership_settings"]),
            processing_ready_at=float(row["processing_ready_at"]),
            description=row["description"],
        )


@dataclass
class ListState:
    snapshot_version: int = 0
    last_added_at: str | None = None
    last_removed_at: str | None = None
    conversion: dict[str, Any] | None = None
    converted_at: str | None = None
    custom_properties: dict[str, str] | None = None


def parse_list_id(raw: str) -> int:
    return parse_id(raw, "list id")


def missing_list(list_id: int | str) -> HubSpotError:
    return not_found(f"List with id {list_id} does not exist.")


def fetch(db: sqlite3.Connection, list_id: int) -> ListRow | None:
    row = db.execute("SELECT * FROM lists WHERE list_id = ?", (list_id,)).fetchone()
    return ListRow.from_row(row) if row else None


def fetch_all(db: sqlite3.Connection, *, include_deleted: bool = False) -> list[ListRow]:
    sql = "SELECT * FROM lists" + ("" if include_deleted else " WHERE deleted_at IS NULL") + " ORDER BY list_id"
    return [ListRow.from_row(r) for r in db.execute(sql)]


def find_by_name(db: sqlite3.Connection, name: str, *, exclude: int | None = None) -> ListRow | None:
    """A live list with this name, compared case-insensitively (HubSpot's uniqueness and lookup rule)."""
    wanted = name.casefold()
    for row in db.execute("SELECT * FROM lists WHERE deleted_at IS NULL"):
        if row["name"].casefold() == wanted and row["list_id"] != exclude:
            return ListRow.from_row(row)
    return None


def state(db: sqlite3.Connection, list_id: int) -> ListState:
    row = db.execute("SELECT * FROM list_state WHERE list_id = ?", (list_id,)).fetchone()
    if row is None:
        return ListState(custom_properties={})
    return ListState(
        row["snapshot_version"],
        row["last_added_at"],
        row["last_removed_at"],
        loads(row["conversion"]),
        row["converted_at"],
        loads(row["custom_properties"]) or {},
    )


def update_state(db: sqlite3.Connection, list_id: int, **fields: Any) -> None:
    db.execute("INSERT OR IGNORE INTO list_state (list_id) VALUES (?)", (list_id,))
    for key, value in fields.items():
        if key in {"conversion", "custom_properties"} and value is not None:
            value = dumps(value)
        db.execute(f"UPDATE list_state SET {key} = ? WHERE list_id = ?", (value, list_id))


def folder_exists(db: sqlite3.Connection, folder_id: int) -> bool:
    return folder_id == 0 or db.execute("SELECT 1 FROM list_folders WHERE id = ?", (folder_id,)).fetchone() is not None


def folder_name(db: sqlite3.Connection, folder_id: int) -> str | None:
    if folder_id == 0:
        return None
    row = db.execute("SELECT name FROM list_folders WHERE id = ?", (folder_id,)).fetchone()
    return row["name"] if row else None
