"""One property column (record id -> parsed value) and the indexes it derives on demand.

Testing a filter record by record costs a Python call per record: seconds at 1M contacts when the
plan and the list evaluation ask dozens of questions of the same few columns. A `Column` answers the
same questions from an index where one applies, with the same answers:
- few distinct values (enumerations, booleans, picklist-like strings): value -> ids groups, so a
  test runs once per distinct value and the matching groups are unioned;
- a `Range` over numbers or times: the ids sorted by value, so a range is two bisections;
- equality (IN / EQ) on a column with many distinct values (email domains, names): value -> ids
  without the groups' cap, built for the first such question (the competitor search pages by domain);
- the ids with a value, and those of the object type's population without one.
Indexes are built on first use (a few scans' worth, next to the SQL scan that built the column) and
stay exact as records change: `put` / `drop` (called by `record_index.sync` for every changed
record, in every column of its type) patch the groups and id sets in place; the sorted index keeps
the changed ids aside and re-checks them at each query until there are enough of them to sort again.

Sets handed out by `ids()` and `missing()` are the column's own: callers must not change them.
`select*` return fresh sets.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

# Above this many distinct values a column is not grouped: the groups would cost more memory than a
# scan costs time, and a test per distinct value would no longer be cheap.
MAX_GROUPS = 1024
# Column kinds (record_index.PARSERS) whose values are all numbers, so they sort and bisect.
ORDERED_KINDS = frozenset({"number", "time"})
# The sorted index is rebuilt once this share of the column changed since it was sorted.
RESORT_FRACTION = 16
RESORT_MIN = 256

ValueTest = Callable[[Any], bool]


@dataclass(frozen=True)
class Range:
    """A value test over ordered values: low <(=) v <(=) high, either end open (None); `negate`
    turns it into "not inside". Callable like any value predicate (the reference semantics), and
    answered by bisection from a column's sorted index."""

    low: float | int | None = None
    high: float | int | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True
    negate: bool = False

    def inside(self, value: Any) -> bool:
        low, high = self.low, self.high
        if low is not None and not (value >= low if self.low_inclusive else value > low):
            return False
        return high is None or (value <= high if self.high_inclusive else value < high)

    def __call__(self, value: Any) -> bool:
        return self.inside(value) != self.negate

    def bisectable(self) -> bool:
        """Bounds that order with numbers (NaN orders with nothing)."""
        return all(
            bound is None or (isinstance(bound, int | float) and not isinstance(bound, bool) and bound == bound)
            for bound in (self.low, self.high)
        )


class _Sorted:
    """The ids of a numeric column sorted by value, plus what bisection cannot place."""

    def __init__(self, column: Column) -> None:
        # Ids to test one by one: NaN values (they order with nothing), and records changed since
        # the sort (their place in `ids` is stale).
        self.loose: set[int] = (
            {rid for rid, value in column.items() if value != value} if column.kind == "number" else set()
        )
        self.changed: set[int] = set()
        ordered = [rid for rid in column if rid not in self.loose] if self.loose else list(column)
        ordered.sort(key=column.__getitem__)
        self.ids = ordered
        self.values = list(map(column.__getitem__, ordered))

    def side(self, column: Column, test: Range) -> tuple[set[int], bool]:
        """The smaller side of the range: (the ids inside it, True) or (the ids with a value outside
        it, False). A wide range is cheaper as its complement: sets cost what they hold."""
        start = 0 if test.low is None else (bisect_left if test.low_inclusive else bisect_right)(self.values, test.low)
        end = (
            len(self.values)
            if test.high is None
            else (bisect_right if test.high_inclusive else bisect_left)(self.values, test.high)
        )
        inside = 2 * max(0, end - start) <= len(self.values)
        if inside:
            found = set(self.ids[start:end]) if start < end else set()
        else:
            found = set(self.ids[: max(start, 0)])
            found.update(self.ids[max(end, start) :])
        if self.changed:
            found -= self.changed
        for rid in self.loose | self.changed:
            value = column.get(rid)
            if value is not None and test.inside(value) == inside:
                found.add(rid)
        return found, inside


class Column(dict[int, Any]):
    """Parsed values of the records that have one, keyed by record id (see the module docstring)."""

    def __init__(self, kind: str, values: Iterable[tuple[int, Any]] = ()) -> None:
        super().__init__(values)
        self.kind = kind
        self._groups: dict[Any, set[int]] | None = None
        self._lookup: dict[Any, set[int]] | None = None  # like _groups, uncapped: equality only
        self._ungroupable = kind == "time"  # timestamps are all distinct: do not even try
        self._sorted: _Sorted | None = None
        self._ids: set[int] | None = None
        self._missing: set[int] | None = None
        self._missing_of: set[int] | None = None  # the population `_missing` was taken from

    # --- changes (record_index.sync) ----------------------------------------------------------------

    def put(self, rid: int, value: Any) -> None:
        old = self.get(rid)
        self[rid] = value
        if self._groups is not None and old != value:
            if old is not None:
                self._leave_group(rid, old)
            group = self._groups.get(value)
            if group is not None:
                group.add(rid)
            elif len(self._groups) < MAX_GROUPS:
                self._groups[value] = {rid}
            else:
                self._groups, self._ungroupable = None, True
        if self._lookup is not None and old != value:
            if old is not None:
                _leave(self._lookup, rid, old)
            self._lookup.setdefault(value, set()).add(rid)
        if self._ids is not None:
            self._ids.add(rid)
        if self._missing is not None:
            self._missing.discard(rid)
        self._changed(rid)

    def drop(self, rid: int, *, exists: bool) -> None:
        """`rid` has no value now; `exists` = the record is still part of the population."""
        old = self.pop(rid, None)
        if self._groups is not None and old is not None:
            self._leave_group(rid, old)
        if self._lookup is not None and old is not None:
            _leave(self._lookup, rid, old)
        if self._ids is not None:
            self._ids.discard(rid)
        if self._missing is not None:
            if exists:
                self._missing.add(rid)
            else:
                self._missing.discard(rid)
        self._changed(rid)

    def _leave_group(self, rid: int, value: Any) -> None:
        assert self._groups is not None
        _leave(self._groups, rid, value)

    def _changed(self, rid: int) -> None:
        if self._sorted is not None:
            self._sorted.changed.add(rid)
            if len(self._sorted.changed) > max(RESORT_MIN, len(self) // RESORT_FRACTION):
                self._sorted = None

    # --- indexes ------------------------------------------------------------------------------------

    def groups(self) -> dict[Any, set[int]] | None:
        """value -> ids, when the column has at most MAX_GROUPS distinct values."""
        if self._groups is None and not self._ungroupable:
            groups: dict[Any, set[int]] = {}
            for rid, value in self.items():
                group = groups.get(value)
                if group is not None:
                    group.add(rid)
                elif len(groups) < MAX_GROUPS:
                    groups[value] = {rid}
                else:
                    self._ungroupable = True
                    return None
            self._groups = groups
        return self._groups

    def lookup(self) -> dict[Any, set[int]]:
        """value -> ids, however many distinct values (read-only)."""
        if self._lookup is None:
            lookup: dict[Any, set[int]] = {}
            for rid, value in self.items():
                found = lookup.get(value)
                if found is None:
                    lookup[value] = {rid}
                else:
                    found.add(rid)
            self._lookup = lookup
        return self._lookup

    def ids(self) -> set[int]:
        """The ids with a value (read-only)."""
        if self._ids is None:
            self._ids = set(self)
        return self._ids

    def missing(self, everyone: set[int]) -> set[int]:
        """The ids of `everyone` without a value (read-only). Kept current for the population the
        record index owns (the same set object each time); another population is computed afresh."""
        if self._missing is None or self._missing_of is not everyone:
            self._missing, self._missing_of = everyone - self.keys(), everyone
        return self._missing

    # --- queries ------------------------------------------------------------------------------------

    def select(self, test: ValueTest) -> set[int]:
        """The ids whose value passes `test` (a pure function of the value)."""
        groups = self.groups()
        if groups is not None:
            matched: set[int] = set()
            for value, ids in groups.items():
                if test(value):
                    matched |= ids
            return matched
        if isinstance(test, Range) and self.kind in ORDERED_KINDS and test.bisectable():
            side, passing = self._passing_side(test)
            return side if passing else self.keys() - side
        return {rid for rid, value in self.items() if test(value)}

    def select_among(self, test: ValueTest, candidates: set[int], include_missing: bool) -> set[int]:
        """`candidates & select(test)`, plus the candidates without a value when `include_missing`,
        in set operations on the candidates (no set of every record that passes is built)."""
        groups = self.groups()
        if groups is not None:
            matched: set[int] = set()
            for value, ids in groups.items():
                if test(value):
                    matched |= candidates & ids
        elif isinstance(test, Range) and self.kind in ORDERED_KINDS and test.bisectable():
            side, passing = self._passing_side(test)
            matched = candidates & side if passing else (candidates & self.ids()) - side
        else:
            get = self.get
            matched = {rid for rid in candidates if (value := get(rid)) is not None and test(value)}
        if include_missing:
            matched |= candidates - self.ids()
        return matched

    def select_in(self, wanted: set[Any] | frozenset[Any]) -> set[int]:
        """The ids whose value is one of `wanted` (equality as `in` tests it)."""
        points = [Range(x, x) for x in wanted]
        if self.kind in ORDERED_KINDS and self.groups() is None and all(point.bisectable() for point in points):
            matched: set[int] = set()
            for point in points:
                side, passing = self._passing_side(point)
                matched |= side if passing else self.keys() - side
            return matched
        if self.groups() is None and all(x == x for x in wanted):  # NaN equals nothing, not even by hash
            lookup = self.lookup()
            found: set[int] = set()
            for x in wanted:
                found |= lookup.get(x, set())
            return found
        return self.select(wanted.__contains__)

    def _passing_side(self, test: Range) -> tuple[set[int], bool]:
        """One side of `test` from the sorted index, and whether it is the ids that pass (else: the
        ids with a value that fail)."""
        if self._sorted is None:
            self._sorted = _Sorted(self)
        side, inside = self._sorted.side(self, test)
        return side, inside != test.negate


def _leave(index: dict[Any, set[int]], rid: int, value: Any) -> None:
    group = index.get(value)
    if group is None:
        return
    group.discard(rid)
    if not group:
        del index[value]
