"""List processing: when DYNAMIC / SNAPSHOT lists are evaluated and how their memberships are kept.

How it behaves (and why):
- A new or re-filtered DYNAMIC or SNAPSHOT list is PROCESSING until `processing_seconds` of real
  time have passed (like HubSpot, where processing is asynchronous); meanwhile it has no `size`
  and keeps its previous members (none, for a new list). MANUAL lists are COMPLETE at once.
- While a list is PROCESSING, background.py evaluates it off the request path, as of the moment
  processing ends (`prepare`); its first read after that uses the result if it still holds.
- Otherwise evaluation is lazy: a list is (re-)evaluated when something reads it (the list, its size,
  its members, a record's memberships) and it is stale. It is stale when it was never evaluated for
  its current listVersion, when records of an object type it reads changed (`records_changed`),
  when a list it references through IN_LIST changed membership, or - for filters with
  relative dates (TODAY, NOW, rolling ranges, calendar units) - when the portal's clock moved by a
  second or more since the last evaluation. Lazy evaluation keeps record writes cheap (a write only
  queues ids) and makes relative-date lists drift with a frozen-then-advanced clock exactly.
- Evaluation is a diff: records that join get `membershipTimestamp` = now (the evaluation time,
  which is when HubSpot's asynchronous processing would have added them), records that leave are
  removed, and a size-history point is recorded whenever the size changes.
- A SNAPSHOT list is evaluated once per listVersion, after processing; afterwards it behaves like
  MANUAL. A scheduled conversion turns a DYNAMIC list into MANUAL once due.
Everything runs under the store's lock; members live in member_store.py. The Sandbox owns one engine
(`sandbox.list_engine`) and tells it about record writes (`records_changed`); the engine reads the
Sandbox's `record_index`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from segment_lists.filters.time import add_months
from segment_lists.sandbox.clock import exact_ms, iso, iso_from_ms
from segment_lists.sandbox.crm.values import parse_datetime_ms
from segment_lists.sandbox.lists import tables
from segment_lists.sandbox.lists.background import Processor
from segment_lists.sandbox.lists.evaluator import Plan, compile_plan
from segment_lists.sandbox.lists.member_store import MemberStore, Staged

if TYPE_CHECKING:
    from segment_lists.sandbox.instance import Sandbox

# A relative-date list evaluated less than this long ago (portal clock) is not re-evaluated.
RELATIVE_REFRESH_MS = 1000


@dataclass
class Evaluated:
    version: int
    clock_ms: int
    ref_versions: dict[int, int]
    object_types: set[str]
    time_relative: bool


@dataclass
class Prepared:
    """A background evaluation waiting for the list's first read after processing."""

    evaluated: Evaluated
    matched: set[int]
    staged: Staged | None = None  # a list without members: its members, ready to install


@dataclass
class View:
    """The data an evaluation reads (evaluator.EvalData), at one instant."""

    engine: ListEngine
    now: datetime
    zone: ZoneInfo
    stack: tuple[int, ...] = field(default_factory=tuple)

    def all_ids(self, object_type: str) -> set[int]:
        return self.engine.index.all_ids(object_type)

    def column(self, object_type: str, prop: str, kind: str) -> dict[int, Any]:
        return self.engine.index.column(object_type, prop, kind)

    def history(self, object_type: str, prop: str, kind: str) -> dict[int, list[Any]]:
        return self.engine.index.history(object_type, prop, kind)

    def updated_at(self, object_type: str, prop: str) -> dict[int, int]:
        return self.engine.index.updated_at(object_type, prop)

    def associated(
        self, from_type: str, to_type: str, type_id: int, category: str | None, to_ids: set[int]
    ) -> set[int]:
        return self.engine.index.associated(from_type, to_type, type_id, category, to_ids)

    def list_members(self, list_id: int) -> set[int]:
        return self.engine.members(list_id, self.stack)

    def list_object_type(self, list_id: int) -> str | None:
        with self.engine.store.read() as db:
            row = tables.fetch(db, list_id)
        return row.object_type_id if row else None


class ListEngine:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.store = sandbox.store
        self.index = sandbox.record_index
        self._plans: dict[int, tuple[int, Plan]] = {}
        self._evaluated: dict[int, Evaluated] = {}
        self._versions: dict[int, int] = {}  # membership version per list (bumped on any change)
        self.member_store = MemberStore(sandbox.store)
        # Seconds spent evaluating lists (under the store's lock: every request waits meanwhile). The
        # benchmarks read it to tell the sandbox's own work from the time a client spends waiting.
        self.evaluation_seconds = 0.0
        # Seconds spent evaluating lists in the background while they were PROCESSING (background.py):
        # also under the lock, but while clients wait for processing anyway.
        self.background_seconds = 0.0
        self._in_background = False  # set while the background worker holds the lock
        self._prepared: dict[int, Prepared] = {}
        self.processor = Processor(self.prepare, enabled=sandbox.config.background_processing)
        tables.ensure_schema(sandbox.store)

    # --- record writes ----------------------------------------------------------------------------

    def records_changed(self, object_type: str, ids: list[int]) -> None:
        """Lists reading this type are stale; deleted records leave every list. The Sandbox calls this
        after the record index has queued the ids."""
        with self.store.lock:
            for list_id, done in list(self._evaluated.items()):
                if object_type in done.object_types:
                    del self._evaluated[list_id]
            for list_id, prepared in list(self._prepared.items()):
                if object_type in prepared.evaluated.object_types:
                    del self._prepared[list_id]
            self._drop_deleted_records(object_type, ids)

    def _drop_deleted_records(self, object_type: str, ids: list[int]) -> None:
        """Archived or deleted records leave every list (static ones too), as in HubSpot."""
        if not ids:
            return
        gone = set(ids) - self.index.exists(object_type, ids)
        if not gone:
            return
        with self.store.transaction() as db:
            list_ids = [
                int(r[0]) for r in db.execute("SELECT list_id FROM lists WHERE object_type_id = ?", (object_type,))
            ]
            for list_id in list_ids:
                removed = gone & self.member_store.ids(list_id)
                if removed:
                    self.member_store.change(db, list_id, (), removed, exact_ms(self.sandbox.clock.now()))
                    tables.update_state(db, list_id, last_removed_at=self.sandbox.clock.now_iso())
                    self._record_size(db, list_id)
                    self._bump(list_id)

    # --- status ---------------------------------------------------------------------------------

    @staticmethod
    def is_processing(row: tables.ListRow) -> bool:
        return row.processing_type != "MANUAL" and time.time() < row.processing_ready_at

    def ready_at(self, processing_type: str) -> float:
        if processing_type == "MANUAL":
            return 0.0
        return time.time() + self.sandbox.config.processing_seconds

    def plan(self, row: tables.ListRow) -> Plan | None:
        if row.filter_branch is None:
            return None
        cached = self._plans.get(row.list_id)
        if cached is not None and cached[0] == row.list_version:
            return cached[1]
        plan = compile_plan(row.filter_branch, row.object_type_id)
        self._plans[row.list_id] = (row.list_version, plan)
        return plan

    # --- evaluation -----------------------------------------------------------------------------

    def refresh(self, list_id: int, stack: tuple[int, ...] = ()) -> None:
        """Bring a list's memberships up to date if it is stale (see the module docstring)."""
        if list_id in stack:
            return  # a cycle (rejected at write time; guarded here too)
        with self.store.lock:
            found = self._evaluable(list_id, processing=False)
            if found is None:
                return
            row, status, plan = found
            now = self.sandbox.clock.now()
            now_ms = int(now.timestamp() * 1000)
            if self._current(self._evaluated.get(list_id), row, now_ms):
                self._maybe_convert(row, status)
                return
            inner = (*stack, list_id)
            for ref in plan.list_refs:
                self.refresh(ref.list_id, inner)
            prepared = self._prepared.pop(list_id, None)
            staged = None
            if prepared is not None and self._current(prepared.evaluated, row, now_ms):
                done, matched = prepared.evaluated, prepared.matched
                if prepared.staged is not None and not self.member_store.count(list_id):
                    staged = prepared.staged
            else:
                done, matched = self._evaluate(row, plan, now, inner)
            with self.store.transaction() as db:
                if staged is not None:
                    self.install(db, list_id, staged)
                else:
                    self.apply(db, list_id, matched)
                if row.processing_type == "SNAPSHOT":
                    tables.update_state(db, list_id, snapshot_version=row.list_version)
            self._evaluated[list_id] = done
            self._maybe_convert(row, status)

    def prepare(self, list_id: int) -> None:
        """Evaluate a list that is still PROCESSING as of the moment it will be COMPLETE, and keep the
        result for its first read (background.py runs this off the request path)."""
        with self.store.lock:
            found = self._evaluable(list_id, processing=True)  # not processing: its first read evaluates it
            if found is None:
                return
            row, _, plan = found
            self._in_background = True
            try:
                inner = (list_id,)
                for ref in plan.list_refs:
                    self.refresh(ref.list_id, inner)
                clock = self.sandbox.clock
                # A real clock will have moved on by then; a frozen one stays (tests move it themselves).
                ahead = 0.0 if clock.frozen else max(0.0, row.processing_ready_at - time.time())
                when = clock.now() + timedelta(seconds=ahead)
                done, matched = self._evaluate(row, plan, when, inner)
                # A new list's members, joined when its processing ends, staged now (off the request path).
                staged = None if self.member_store.count(list_id) else Staged.of(matched, exact_ms(when))
            finally:
                self._in_background = False
            self._prepared[list_id] = Prepared(done, matched, staged)

    def _evaluable(self, list_id: int, *, processing: bool) -> tuple[tables.ListRow, tables.ListState, Plan] | None:
        """A live DYNAMIC / SNAPSHOT list with a definition, PROCESSING or not as asked, that a SNAPSHOT
        evaluation has not already fixed: its row, state and plan. Caller holds the lock."""
        with self.store.read() as db:
            row = tables.fetch(db, list_id)
            if row is None or row.deleted_at is not None or row.processing_type == "MANUAL":
                return None
            if self.is_processing(row) != processing:
                return None
            status = tables.state(db, list_id)
        if row.processing_type == "SNAPSHOT" and status.snapshot_version >= row.list_version:
            return None
        plan = self.plan(row)
        return None if plan is None else (row, status, plan)

    def _current(self, done: Evaluated | None, row: tables.ListRow, now_ms: int) -> bool:
        """Whether an evaluation still holds: same definition, list references unchanged, and - for
        relative dates - made within RELATIVE_REFRESH_MS of now. (Record writes drop evaluations.)"""
        return (
            done is not None
            and done.version == row.list_version
            and (not done.time_relative or abs(now_ms - done.clock_ms) < RELATIVE_REFRESH_MS)
            and all(self._versions.get(ref, 0) == seen for ref, seen in done.ref_versions.items())
        )

    def _evaluate(
        self, row: tables.ListRow, plan: Plan, when: datetime, stack: tuple[int, ...]
    ) -> tuple[Evaluated, set[int]]:
        started = time.perf_counter()
        self.index.sync()
        seen = {ref.list_id: self._versions.get(ref.list_id, 0) for ref in plan.list_refs}
        matched = plan.evaluate(View(self, when, self.sandbox.clock.zone, stack))
        spent = time.perf_counter() - started
        if self._in_background:
            self.background_seconds += spent
        else:
            self.evaluation_seconds += spent
        when_ms = int(when.timestamp() * 1000)
        return Evaluated(row.list_version, when_ms, seen, plan.object_types, plan.time_relative), matched

    def refresh_type(self, object_type: str) -> None:
        with self.store.lock:
            with self.store.read() as db:
                ids = [
                    int(r[0])
                    for r in db.execute(
                        "SELECT list_id FROM lists WHERE deleted_at IS NULL AND object_type_id = ? "
                        "AND processing_type != 'MANUAL'",
                        (object_type,),
                    )
                ]
            for list_id in ids:
                self.refresh(list_id)

    def members(self, list_id: int, stack: tuple[int, ...] = ()) -> set[int]:
        """Current members (an IN_LIST filter's view): empty for a deleted or missing list."""
        self.refresh(list_id, stack)
        with self.store.read() as db:
            row = tables.fetch(db, list_id)
            if row is None or row.deleted_at is not None:
                return set()
            return set(self.member_store.ids(list_id))

    def forget(self, list_id: int) -> None:
        """A list's definition or existence changed: evaluate it afresh, and tell dependents."""
        self._evaluated.pop(list_id, None)
        self._prepared.pop(list_id, None)
        self._plans.pop(list_id, None)
        self._bump(list_id)
        self.processor.wake(list_id)

    def _bump(self, list_id: int) -> None:
        self._versions[list_id] = self._versions.get(list_id, 0) + 1

    # --- membership writes ----------------------------------------------------------------------

    def apply(self, db: Any, list_id: int, wanted: set[int]) -> tuple[list[int], list[int]]:
        """Make `wanted` the list's members; returns (added, removed). Caller holds a transaction."""
        current = self.member_store.ids(list_id)
        added = sorted(wanted - current)
        removed = sorted(current - wanted)
        if not added and not removed:
            if db.execute("SELECT 1 FROM list_size_history WHERE list_id = ? LIMIT 1", (list_id,)).fetchone() is None:
                self._record_size(db, list_id)
            return [], []
        return self.change(db, list_id, added, removed)

    def install(self, db: Any, list_id: int, staged: Staged) -> None:
        """A list without members gets its first ones, prepared in the background. Caller holds a transaction."""
        self.member_store.install(db, list_id, staged)
        if staged.order:
            tables.update_state(db, list_id, last_added_at=iso_from_ms(staged.at_ms))
        self._record_size(db, list_id)
        self._bump(list_id)

    def change(self, db: Any, list_id: int, added: list[int], removed: list[int]) -> tuple[list[int], list[int]]:
        now = self.sandbox.clock.now()
        now_iso, now_ms = iso(now), exact_ms(now)
        if removed:
            # A member's last-added time lives in the member store; list_membership_events only
            # remembers the first-added time of records that left (for lists they rejoin).
            joined = self.member_store.joined(list_id)
            stamps = [(rid, iso_from_ms(joined[rid])) for rid in removed if rid in joined]
            db.executemany(
                "INSERT OR IGNORE INTO list_membership_events "
                "(list_id, record_id, first_added_at, last_added_at) VALUES (?, ?, ?, ?)",
                [(list_id, rid, at, at) for rid, at in stamps],
            )
            tables.update_state(db, list_id, last_removed_at=now_iso)
        self.member_store.change(db, list_id, added, removed, now_ms)
        if added:
            tables.update_state(db, list_id, last_added_at=now_iso)
        self._record_size(db, list_id)
        self._bump(list_id)
        return added, removed

    def _record_size(self, db: Any, list_id: int) -> None:
        size = self.member_store.count(list_id)
        last = db.execute(
            "SELECT size FROM list_size_history WHERE list_id = ? ORDER BY rowid DESC LIMIT 1", (list_id,)
        ).fetchone()
        if last is None or int(last[0]) != size:
            db.execute(
                "INSERT INTO list_size_history (list_id, timestamp, size) VALUES (?, ?, ?)",
                (list_id, self.sandbox.clock.now_iso(), size),
            )

    # --- scheduled conversion -------------------------------------------------------------------

    def conversion_due(self, row: tables.ListRow, status: tables.ListState) -> bool:
        conversion = status.conversion
        if not conversion or status.converted_at or row.processing_type != "DYNAMIC":
            return False
        now = self.sandbox.clock.now()
        zone = self.sandbox.clock.zone
        if conversion.get("conversionType") == "CONVERSION_DATE":
            due = datetime(int(conversion["year"]), int(conversion["month"]), int(conversion["day"]), tzinfo=zone)
            return now >= due
        # INACTIVITY: no membership change for `offset` time units.
        stamps = [parse_datetime_ms(s) for s in (status.last_added_at, status.last_removed_at, row.filters_updated_at)]
        last = max(s for s in stamps if s is not None)
        since = datetime.fromtimestamp(last / 1000, zone)
        offset = int(conversion.get("offset") or 0)
        unit = str(conversion.get("timeUnit", "DAY")).upper()
        due = (
            add_months(since, offset)
            if unit == "MONTH"
            else since + timedelta(days=offset * (7 if unit == "WEEK" else 1))
        )
        return now >= due

    def _maybe_convert(self, row: tables.ListRow, status: tables.ListState) -> None:
        if not self.conversion_due(row, status):
            return
        now = self.sandbox.clock.now_iso()
        with self.store.transaction() as db:
            # A converted list is static: HubSpot's static lists are MANUAL in v3 (unconfirmed which
            # static type a scheduled conversion produces).
            db.execute(
                "UPDATE lists SET processing_type = 'MANUAL', updated_at = ? WHERE list_id = ?",
                (now, row.list_id),
            )
            tables.update_state(db, row.list_id, converted_at=now)
        self.forget(row.list_id)
