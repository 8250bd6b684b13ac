"""Lists' members: record id -> when it joined (epoch ms), held in memory, kept in SQLite as one
packed row per list and join time (`list_member_groups`).

Why not a row per membership: a first evaluation at 1M contacts adds millions of memberships, and
SQLite costs about a microsecond per row bound from Python - over five seconds of the sandbox's
list processing at 1M, every request waiting meanwhile. Members who joined in one change share a join
time, so a change writes one packed row for its joiners and rewrites only the rows its leavers were
in: milliseconds, inside the caller's transaction (a rolled-back transaction drops the cache, so
memory never holds what SQLite does not), and a `--db` file stays complete.

Pages read sorted views (by record id, or by join time then record id) built on first use after a
change. Callers hold the store's lock.
"""

from __future__ import annotations

import sqlite3
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, KeysView
from dataclasses import dataclass
from datetime import datetime

from segment_lists.sandbox.clock import exact_ms
from segment_lists.sandbox.store import Store

# Before packed rows: one row per membership (portal files written by earlier versions).
LEGACY_TABLE = "list_memberships"


def _pack(values: Iterable[int]) -> bytes:
    packed = array("q", values)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def _unpack(blob: bytes) -> array[int]:
    values = array("q")
    values.frombytes(blob)
    if sys.byteorder == "big":
        values.byteswap()
    return values


@dataclass
class Staged:
    """A list's first members made ready ahead of time (background processing): installing them is a
    swap and one prepared row, not seconds of work when the list's processing ends."""

    at_ms: int
    members: dict[int, int]
    order: list[int]
    blob: bytes

    @classmethod
    def of(cls, ids: Collection[int], at_ms: int) -> Staged:
        order = sorted(ids)
        return cls(at_ms, dict.fromkeys(order, at_ms), order, _pack(order))


class MemberStore:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._members: dict[int, dict[int, int]] = {}
        self._by_id: dict[int, list[int]] = {}
        self._by_join: dict[int, list[int]] = {}
        with store.lock, store.read() as db:
            self._migrate(db)
        store.on_rollback.append(self._forget_all)

    # --- reads ------------------------------------------------------------------------------------

    def joined(self, list_id: int) -> dict[int, int]:
        """record id -> joined at (epoch ms). The store's own mapping: never mutate it."""
        members = self._members.get(list_id)
        if members is None:
            members = {}
            with self.store.read() as db:
                for added_ms, blob in db.execute(
                    "SELECT added_ms, record_ids FROM list_member_groups WHERE list_id = ?", (list_id,)
                ):
                    members.update(dict.fromkeys(_unpack(blob), int(added_ms)))
            self._members[list_id] = members
        return members

    def ids(self, list_id: int) -> KeysView[int]:
        """A live view of the member ids (set operations work on it)."""
        return self.joined(list_id).keys()

    def count(self, list_id: int) -> int:
        return len(self.joined(list_id))

    def page(
        self,
        list_id: int,
        *,
        join_order: bool,
        after: tuple[int, int] | None,
        before: tuple[int, int] | None,
        limit: int,
    ) -> tuple[list[tuple[int, int]], bool]:
        """Up to `limit` (record id, joined ms) after the cursor key ascending, or - with only `before` -
        before it descending; plus whether more lie beyond. A key is (joined ms, record id) in join order,
        (0, record id) otherwise."""
        joined = self.joined(list_id)
        order = self._ordered(list_id, join_order)

        def key(rid: int) -> tuple[int, int]:
            return (joined[rid], rid) if join_order else (0, rid)

        if after is not None or before is None:
            start = 0 if after is None else bisect_right(order, after, key=key)
            chosen = order[start : start + limit + 1]
        else:
            end = bisect_left(order, before, key=key)
            chosen = order[max(0, end - limit - 1) : end][::-1]
        return [(rid, joined[rid]) for rid in chosen[:limit]], len(chosen) > limit

    def holding(self, record_id: int, list_ids: Iterable[int]) -> list[tuple[int, int]]:
        """(list id, joined ms) for each of `list_ids` that has the record, in the order given."""
        found = []
        for list_id in list_ids:
            at = self.joined(list_id).get(record_id)
            if at is not None:
                found.append((list_id, at))
        return found

    # --- writes -----------------------------------------------------------------------------------

    def change(
        self, db: sqlite3.Connection, list_id: int, added: Collection[int], removed: Collection[int], at_ms: int
    ) -> None:
        """Add (joined at `at_ms`; members already in keep their join time) and remove members, and
        persist the rows that changed. Caller holds a transaction."""
        members = self.joined(list_id)
        leaving: dict[int, set[int]] = {}
        for rid in removed:
            joined_at = members.pop(rid, None)
            if joined_at is not None:
                leaving.setdefault(joined_at, set()).add(rid)
        joining = [rid for rid in added if rid not in members]
        members.update(dict.fromkeys(joining, at_ms))
        for joined_at in {*leaving, *([at_ms] if joining else [])}:
            self._rewrite(db, list_id, joined_at, leaving.get(joined_at, set()), joining if joined_at == at_ms else [])
        self._by_id.pop(list_id, None)
        self._by_join.pop(list_id, None)

    def _rewrite(self, db: sqlite3.Connection, list_id: int, added_ms: int, gone: set[int], joining: list[int]) -> None:
        """One join time's row: minus `gone`, plus `joining`."""
        row = db.execute(
            "SELECT record_ids FROM list_member_groups WHERE list_id = ? AND added_ms = ?", (list_id, added_ms)
        ).fetchone()
        kept = [rid for rid in _unpack(row[0]) if rid not in gone] if row else []
        ids = sorted({*kept, *joining}) if kept else sorted(joining)
        if ids:
            db.execute(
                "INSERT OR REPLACE INTO list_member_groups (list_id, added_ms, record_ids) VALUES (?, ?, ?)",
                (list_id, added_ms, _pack(ids)),
            )
        else:
            db.execute("DELETE FROM list_member_groups WHERE list_id = ? AND added_ms = ?", (list_id, added_ms))

    def install(self, db: sqlite3.Connection, list_id: int, staged: Staged) -> None:
        """Give a list without members the staged ones. Caller holds a transaction."""
        if self.count(list_id):
            raise ValueError(f"list {list_id} has members: change() them instead")
        if staged.order:
            db.execute(
                "INSERT OR REPLACE INTO list_member_groups (list_id, added_ms, record_ids) VALUES (?, ?, ?)",
                (list_id, staged.at_ms, staged.blob),
            )
        self._members[list_id] = staged.members
        # One join time: join order is record id order.
        self._by_id[list_id] = self._by_join[list_id] = staged.order

    # --- internals --------------------------------------------------------------------------------

    def _ordered(self, list_id: int, join_order: bool) -> list[int]:
        cache = self._by_join if join_order else self._by_id
        order = cache.get(list_id)
        if order is None:
            joined = self.joined(list_id)
            order = sorted(joined, key=lambda rid: (joined[rid], rid)) if join_order else sorted(joined)
            cache[list_id] = order
        return order

    def _forget_all(self) -> None:
        self._members.clear()
        self._by_id.clear()
        self._by_join.clear()

    def _migrate(self, db: sqlite3.Connection) -> None:
        """A portal file from before packed rows: fold its membership rows into list_member_groups once."""
        legacy = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (LEGACY_TABLE,)).fetchone()
        if legacy is None:
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            groups: dict[tuple[int, int], list[int]] = {}
            for list_id, record_id, added_at in db.execute(f"SELECT list_id, record_id, added_at FROM {LEGACY_TABLE}"):
                joined_at = exact_ms(datetime.fromisoformat(str(added_at).replace("Z", "+00:00")))
                groups.setdefault((int(list_id), joined_at), []).append(int(record_id))
            db.executemany(
                "INSERT OR REPLACE INTO list_member_groups (list_id, added_ms, record_ids) VALUES (?, ?, ?)",
                [(list_id, joined_at, _pack(sorted(ids))) for (list_id, joined_at), ids in groups.items()],
            )
            db.execute(f"DROP TABLE {LEGACY_TABLE}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
