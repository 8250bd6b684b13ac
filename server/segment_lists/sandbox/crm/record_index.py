"""The portal's records as list evaluation and column search read them: per-property columns of
parsed values (`sandbox.record_index`).

Columns (`crm.column`: parsed values plus the indexes they derive) are built on first use, one SQL
scan per property for its text form (`json_extract` does the JSON work in C, so no record's whole
property map is ever held in memory: 1M contacts stay feasible) from which every other kind is
parsed, and are kept up to date incrementally: `note_changed` (called by `Sandbox.records_changed`)
only queues ids, and `sync` reloads exactly those records before the next evaluation and patches
every column (and so its indexes). History, last-updated and association indexes are cheaper to
rebuild than to patch, so a change simply drops them.
Callers hold the store's lock.
"""

from __future__ import annotations

import heapq
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from segment_lists.sandbox.crm.column import Column
from segment_lists.sandbox.crm.values import parse_bool, parse_datetime_ms, parse_number, split_multi
from segment_lists.sandbox.store import Store

CHUNK = 900  # SQLite's default limit on bound parameters is 999


def _text(raw: Any) -> str | None:
    if raw is None:
        return None
    text = raw if isinstance(raw, str) else (("true" if raw else "false") if isinstance(raw, bool) else str(raw))
    return text if text != "" else None


def _enum(raw: Any) -> frozenset[str] | None:
    text = _text(raw)
    parts = frozenset(split_multi(text)) if text is not None else frozenset()
    return parts or None


PARSERS: dict[str, Callable[[Any], Any]] = {
    "text": _text,
    "lower": lambda raw: None if (t := _text(raw)) is None else t.lower(),
    "number": lambda raw: parse_number(_text(raw)),
    "bool": lambda raw: parse_bool(_text(raw)),
    "time": lambda raw: parse_datetime_ms(_text(raw)),
    "enum": _enum,
}


# Distinct texts remembered while parsing a column: most properties repeat a few values (one parse
# each, and one shared parsed object); timestamps do not repeat, so they are parsed as they come.
PARSE_MEMO = 4096


def _parse_each(texts: dict[int, str], parse: Callable[[Any], Any], kind: str) -> Iterator[tuple[int, Any]]:
    if kind == "time":
        for rid, text in texts.items():
            value = parse(text)
            if value is not None:
                yield rid, value
        return
    memo: dict[str, Any] = {}
    for rid, text in texts.items():
        if text in memo:
            value = memo[text]
        else:
            value = parse(text)
            if len(memo) < PARSE_MEMO:
                memo[text] = value
        if value is not None:
            yield rid, value


def json_path(prop: str) -> str:
    return '$."' + prop.replace('"', '\\"') + '"'


class RecordIndex:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._ids: dict[str, set[int]] = {}
        self._ordered: dict[str, list[int]] = {}  # all_ids ascending, while no record came or went
        self._columns: dict[tuple[str, str, str], Column] = {}
        self._history: dict[tuple[str, str, str], dict[int, list[Any]]] = {}
        self._updated: dict[tuple[str, str], dict[int, int]] = {}
        self._record_updated: dict[str, dict[int, int]] = {}
        self._assoc: dict[tuple[str, str, int, str | None], dict[int, list[int]]] = {}
        self._pending: dict[str, set[int]] = defaultdict(set)

    # --- change tracking ------------------------------------------------------------------------

    def note_changed(self, object_type: str, ids: list[int]) -> None:
        """Cheap: queue the ids and drop the derived indexes that involve this type."""
        self._pending[object_type].update(int(i) for i in ids)
        self._history = {k: v for k, v in self._history.items() if k[0] != object_type}
        self._updated = {k: v for k, v in self._updated.items() if k[0] != object_type}
        self._record_updated.pop(object_type, None)
        self._assoc = {k: v for k, v in self._assoc.items() if object_type not in (k[0], k[1])}

    def sync(self) -> None:
        pending, self._pending = self._pending, defaultdict(set)
        with self.store.read() as db:
            for object_type, ids in pending.items():
                if object_type not in self._ids:
                    continue  # nothing cached for this type yet: it will be read fresh
                columns = [(key, col) for key, col in self._columns.items() if key[0] == object_type]
                found: dict[int, dict[str, Any]] = {}
                id_list = list(ids)
                for start in range(0, len(id_list), CHUNK):
                    chunk = id_list[start : start + CHUNK]
                    marks = ",".join("?" * len(chunk))
                    for row in db.execute(
                        f"SELECT id, properties FROM objects WHERE object_type = ? AND archived = 0 "
                        f"AND id IN ({marks})",
                        (object_type, *chunk),
                    ):
                        found[int(row[0])] = json.loads(row[1] or "{}")
                everyone = self._ids[object_type]
                if len(found) != len(ids) or not everyone.issuperset(found):
                    self._ordered.pop(object_type, None)
                for rid in ids:
                    props = found.get(rid)
                    if props is None:
                        everyone.discard(rid)
                        for _, col in columns:
                            col.drop(rid, exists=False)
                        continue
                    everyone.add(rid)
                    for (_, prop, kind), col in columns:
                        value = PARSERS[kind](props.get(prop))
                        if value is None:
                            col.drop(rid, exists=True)
                        else:
                            col.put(rid, value)

    # --- reads ----------------------------------------------------------------------------------

    def all_ids(self, object_type: str) -> set[int]:
        ids = self._ids.get(object_type)
        if ids is None:
            with self.store.read() as db:
                ids = {
                    int(r[0])
                    for r in db.execute("SELECT id FROM objects WHERE object_type = ? AND archived = 0", (object_type,))
                }
            self._ids[object_type] = ids
        return ids

    def ascending(self, object_type: str) -> list[int]:
        """Every record id of the type, ascending (read-only)."""
        ordered = self._ordered.get(object_type)
        if ordered is None:
            ordered = self._ordered[object_type] = sorted(self.all_ids(object_type))
        return ordered

    def first(self, object_type: str, ids: set[int], count: int, *, descending: bool = False) -> list[int]:
        """The `count` smallest (or largest) of `ids`, records of this type. A large share of the
        population is walked in id order until enough are found (the company-sample pages ask for 200
        of 700k contacts at 1M); a small one is selected by a heap."""
        if count <= 0 or not ids:
            return []
        if len(ids) * 8 < len(self.all_ids(object_type)):
            return heapq.nlargest(count, ids) if descending else heapq.nsmallest(count, ids)
        found: list[int] = []
        for rid in reversed(self.ascending(object_type)) if descending else self.ascending(object_type):
            if rid in ids:
                found.append(rid)
                if len(found) == count:
                    break
        return found

    def exists(self, object_type: str, ids: list[int]) -> set[int]:
        found: set[int] = set()
        with self.store.read() as db:
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                marks = ",".join("?" * len(chunk))
                found.update(
                    int(r[0])
                    for r in db.execute(
                        f"SELECT id FROM objects WHERE object_type = ? AND archived = 0 AND id IN ({marks})",
                        (object_type, *chunk),
                    )
                )
        return found

    def column(self, object_type: str, prop: str, kind: str) -> Column:
        key = (object_type, prop, kind)
        column = self._columns.get(key)
        if column is None:
            if kind == "text":
                column = self._read_text(object_type, prop)
            else:
                # Every parser reads the text form (`_text` first), so any kind derives from the text
                # column: one SQL scan per property, whatever kinds are asked of it.
                column = Column(kind, _parse_each(self.column(object_type, prop, "text"), PARSERS[kind], kind))
            self._columns[key] = column
        return column

    def _read_text(self, object_type: str, prop: str) -> Column:
        self.all_ids(object_type)
        column = Column("text")
        with self.store.read() as db:
            for rid, raw in db.execute(
                "SELECT id, json_extract(properties, ?) FROM objects WHERE object_type = ? AND archived = 0",
                (json_path(prop), object_type),
            ):
                value = _text(raw)
                if value is not None:
                    column[int(rid)] = value
        return column

    def history(self, object_type: str, prop: str, kind: str) -> dict[int, list[Any]]:
        """Every value the property has had (history rows plus the current value), parsed."""
        key = (object_type, prop, kind)
        found = self._history.get(key)
        if found is None:
            parse = PARSERS[kind]
            everyone = self.all_ids(object_type)
            found = defaultdict(list)
            with self.store.read() as db:
                for rid, raw in db.execute(
                    "SELECT id, value FROM property_history WHERE object_type = ? AND property = ?",
                    (object_type, prop),
                ):
                    value = parse(raw)
                    if value is not None and int(rid) in everyone and value not in found[int(rid)]:
                        found[int(rid)].append(value)
            for rid, value in self.column(object_type, prop, kind).items():
                if value not in found[rid]:
                    found[rid].append(value)
            found = dict(found)
            self._history[key] = found
        return found

    def updated_at(self, object_type: str, prop: str) -> dict[int, int]:
        """When each record's property last changed: its latest history entry, or (no history but a
        value) the record's own updatedAt."""
        key = (object_type, prop)
        found = self._updated.get(key)
        if found is None:
            everyone = self.all_ids(object_type)
            found = {}
            with self.store.read() as db:
                for rid, stamp in db.execute(
                    "SELECT id, timestamp FROM property_history WHERE object_type = ? AND property = ?",
                    (object_type, prop),
                ):
                    ms = parse_datetime_ms(stamp)
                    rid = int(rid)
                    if ms is not None and rid in everyone and ms > found.get(rid, -(2**62)):
                        found[rid] = ms
            missing = self.column(object_type, prop, "text").keys() - found.keys()
            if missing:
                record_updated = self._record_times(object_type)
                for rid in missing:
                    if rid in record_updated:
                        found[rid] = record_updated[rid]
            self._updated[key] = found
        return found

    def _record_times(self, object_type: str) -> dict[int, int]:
        times = self._record_updated.get(object_type)
        if times is None:
            times = {}
            with self.store.read() as db:
                for rid, stamp in db.execute(
                    "SELECT id, updated_at FROM objects WHERE object_type = ? AND archived = 0",
                    (object_type,),
                ):
                    ms = parse_datetime_ms(stamp)
                    if ms is not None:
                        times[int(rid)] = ms
            self._record_updated[object_type] = times
        return times

    def associated(
        self, from_type: str, to_type: str, type_id: int, category: str | None, to_ids: set[int]
    ) -> set[int]:
        """Records of `from_type` associated (through `type_id`) with any of `to_ids`."""
        key = (from_type, to_type, type_id, category)
        index = self._assoc.get(key)
        if index is None:
            index = defaultdict(list)
            sql = "SELECT from_id, to_id FROM associations WHERE from_type = ? AND to_type = ? AND type_id = ?"
            args: tuple[Any, ...] = (from_type, to_type, type_id)
            if category:
                sql += " AND category = ?"
                args += (category,)
            with self.store.read() as db:
                for from_id, to_id in db.execute(sql, args):
                    index[int(to_id)].append(int(from_id))
            index = dict(index)
            self._assoc[key] = index
        result: set[int] = set()
        if len(to_ids) <= len(index):
            for to_id in to_ids:
                result.update(index.get(to_id, ()))
        else:
            for to_id, from_ids in index.items():
                if to_id in to_ids:
                    result.update(from_ids)
        return result
