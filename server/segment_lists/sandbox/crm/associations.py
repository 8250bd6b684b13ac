"""Associations between CRM records (v4 semantics), stored in both directions in `associations`.

HubSpot-defined types between contacts and companies: contact->company unlabeled 279 and
primary 1; company->contact unlabeled 280 and primary 2. A primary association always comes with
the unlabeled one, a contact has at most one primary company, and the contact's
`associatedcompanyid` follows its primary company (HubSpot maintains it the same way).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from segment_lists.sandbox.crm import records
from segment_lists.sandbox.crm.object_types import COMPANIES, CONTACTS, OBJECT_TYPES
from segment_lists.sandbox.errors import not_found, validation_error

if TYPE_CHECKING:
    from segment_lists.sandbox.instance import Sandbox

HUBSPOT_DEFINED = "HUBSPOT_DEFINED"
C, CO = CONTACTS.type_id, COMPANIES.type_id


@dataclass(frozen=True)
class AssociationType:
    from_type: str
    to_type: str
    type_id: int
    primary: bool
    label: str | None
    v3_name: str  # the `type` in v3 `associations` on an object GET

    @property
    def category(self) -> str:
        return HUBSPOT_DEFINED


TYPES: dict[tuple[str, str, int], AssociationType] = {
    (t.from_type, t.to_type, t.type_id): t
    for t in (
        AssociationType(C, CO, 279, False, None, "contact_to_company_unlabeled"),
        AssociationType(C, CO, 1, True, "Primary", "contact_to_company"),
        AssociationType(CO, C, 280, False, None, "company_to_contact_unlabeled"),
        AssociationType(CO, C, 2, True, "Primary", "company_to_contact"),
    )
}
DEFAULT_TYPE = {(C, CO): 279, (CO, C): 280}
_REVERSE = {279: 280, 280: 279, 1: 2, 2: 1}


def association_type(from_type: str, to_type: str, type_id: int) -> AssociationType:
    found = TYPES.get((from_type, to_type, int(type_id)))
    if found is None:
        raise validation_error(
            f"{type_id} is not a valid association type between {OBJECT_TYPES[from_type].name} and "
            f"{OBJECT_TYPES[to_type].name}"
            if from_type in OBJECT_TYPES and to_type in OBJECT_TYPES
            else f"{type_id} is not a valid association type"
        )
    return found


# --- in-memory index: (from_type, from_id, to_type) -> {to_id: {type_id}} -------------------------

_Index = dict[tuple[str, int, str], dict[int, set[int]]]


class AssociationIndex:
    """One portal's associations in memory, built from the table on first use and kept current by the
    writes below. Owned by the Sandbox."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pairs: _Index | None = None


def _index(sandbox: Sandbox) -> _Index:
    holder = sandbox.association_index
    with holder.lock:
        found = holder.pairs
    if found is not None:
        return found
    built: _Index = {}
    with sandbox.store.read() as db:
        for row in db.execute("SELECT from_type, from_id, to_type, to_id, type_id FROM associations"):
            built.setdefault((row["from_type"], row["from_id"], row["to_type"]), {}).setdefault(
                row["to_id"], set()
            ).add(row["type_id"])
    with holder.lock:
        if holder.pairs is None:
            holder.pairs = built
        return holder.pairs


def associated(sandbox: Sandbox, from_type: str, from_id: int, to_type: str) -> dict[int, set[int]]:
    """{to_id: {type ids}} for one record (a copy)."""
    with sandbox.store.lock:
        found = _index(sandbox).get((from_type, int(from_id), to_type), {})
        return {k: set(v) for k, v in found.items()}


def associated_ids(sandbox: Sandbox, from_type: str, from_id: int, to_type: str) -> set[int]:
    with sandbox.store.lock:
        return set(_index(sandbox).get((from_type, int(from_id), to_type), {}))


# --- writes -----------------------------------------------------------------------------------------


def _require(sandbox: Sandbox, object_type: str, record_id: int | str) -> int:
    record = records.get_record(sandbox, object_type, record_id)
    if record is None:
        raise not_found(f"No {OBJECT_TYPES[object_type].singular} with id {record_id} exists.")
    return record.id


def _insert(sandbox: Sandbox, rows: list[tuple[str, int, str, int, int]]) -> None:
    index = _index(sandbox)
    with sandbox.store.transaction() as db:
        db.executemany(
            "INSERT OR IGNORE INTO associations (from_type, from_id, to_type, to_id, type_id, category) "
            "VALUES (?, ?, ?, ?, ?, 'HUBSPOT_DEFINED')",
            rows,
        )
        for from_type, from_id, to_type, to_id, type_id in rows:
            index.setdefault((from_type, from_id, to_type), {}).setdefault(to_id, set()).add(type_id)


def _delete(
    sandbox: Sandbox,
    from_type: str,
    from_id: int,
    to_type: str,
    to_id: int,
    type_ids: Iterable[int] | None = None,
) -> None:
    """Remove the given types (all when None) between two records, in both directions."""
    index = _index(sandbox)
    with sandbox.store.transaction() as db:
        for a_type, a_id, b_type, b_id, wanted in (
            (from_type, from_id, to_type, to_id, None if type_ids is None else set(type_ids)),
            (
                to_type,
                to_id,
                from_type,
                from_id,
                None if type_ids is None else {_REVERSE[t] for t in type_ids},
            ),
        ):
            bucket = index.get((a_type, a_id, b_type), {})
            present = bucket.get(b_id, set())
            gone = set(present) if wanted is None else present & wanted
            for type_id in gone:
                db.execute(
                    "DELETE FROM associations WHERE from_type = ? AND from_id = ? AND to_type = ? "
                    "AND to_id = ? AND type_id = ?",
                    (a_type, a_id, b_type, b_id, type_id),
                )
            present -= gone
            if not present:
                bucket.pop(b_id, None)


def _contact_and_company(from_type: str, from_id: int, to_id: int) -> tuple[int, int]:
    return (from_id, to_id) if from_type == C else (to_id, from_id)


def associate(
    sandbox: Sandbox,
    from_type: str,
    from_id: int | str,
    to_type: str,
    to_id: int | str,
    type_ids: Iterable[int],
) -> list[AssociationType]:
    """Add association types between two records (both directions). Returns the from->to types now present."""
    kinds = [association_type(from_type, to_type, t) for t in type_ids]
    a = _require(sandbox, from_type, from_id)
    b = _require(sandbox, to_type, to_id)
    with sandbox.store.lock:
        rows: list[tuple[str, int, str, int, int]] = []
        new_primary: tuple[int, int] | None = None
        for kind in kinds:
            wanted = {kind.type_id}
            if kind.primary:
                wanted.add(DEFAULT_TYPE[(from_type, to_type)])
                new_primary = _contact_and_company(from_type, a, b)
            for type_id in wanted:
                rows.append((from_type, a, to_type, b, type_id))
                rows.append((to_type, b, from_type, a, _REVERSE[type_id]))
        if new_primary is not None:
            contact_id, company_id = new_primary
            for other in associated(sandbox, C, contact_id, CO):
                if other != company_id:
                    _delete(sandbox, C, contact_id, CO, other, [1])
        _insert(sandbox, rows)
        present = associated(sandbox, from_type, a, to_type).get(b, set())
    _after_change(sandbox, from_type, a, to_type, b)
    return [TYPES[(from_type, to_type, t)] for t in sorted(present)]


def associate_default(sandbox: Sandbox, from_type: str, from_id: int | str, to_type: str, to_id: int | str) -> None:
    if (from_type, to_type) not in DEFAULT_TYPE:
        raise validation_error(f"Associations between {from_type} and {to_type} are not supported by this portal.")
    associate(sandbox, from_type, from_id, to_type, to_id, [DEFAULT_TYPE[(from_type, to_type)]])


def remove(
    sandbox: Sandbox,
    from_type: str,
    from_id: int | str,
    to_type: str,
    to_id: int | str,
    type_ids: Iterable[int] | None = None,
) -> None:
    """Remove associations (all types, or some) between two records; a missing pair is not an error."""
    a, b = int(from_id), int(to_id)
    remaining_types = None if type_ids is None else set(type_ids)
    # Dropping the unlabeled type drops everything (HubSpot: primary cannot exist without it).
    if remaining_types is not None and DEFAULT_TYPE.get((from_type, to_type)) in remaining_types:
        remaining_types = None
    with sandbox.store.lock:
        _delete(sandbox, from_type, a, to_type, b, remaining_types)
    _after_change(sandbox, from_type, a, to_type, b)


def _after_change(sandbox: Sandbox, from_type: str, from_id: int, to_type: str, to_id: int) -> None:
    if {from_type, to_type} != {C, CO}:
        return
    contact_id, company_id = _contact_and_company(from_type, from_id, to_id)
    primary = [cid for cid, types in associated(sandbox, C, contact_id, CO).items() if 1 in types]
    value = str(primary[0]) if primary else None
    contact = records.get_record(sandbox, C, contact_id)
    if contact is not None and contact.properties.get("associatedcompanyid") != value:
        records.set_maintained(sandbox, C, contact_id, {"associatedcompanyid": value})
    else:
        sandbox.records_changed(C, [contact_id])
    sandbox.records_changed(CO, [company_id])


def bulk_associate(sandbox: Sandbox, pairs: Iterable[tuple[int, int, bool]]) -> int:
    """Seeder fast path: (contact id, company id, primary) pairs; records must exist; no notifications.

    The caller sets `associatedcompanyid` on the contacts it creates itself.
    """
    rows: list[tuple[str, int, str, int, int]] = []
    for contact_id, company_id, primary in pairs:
        rows += [(C, contact_id, CO, company_id, 279), (CO, company_id, C, contact_id, 280)]
        if primary:
            rows += [(C, contact_id, CO, company_id, 1), (CO, company_id, C, contact_id, 2)]
    with sandbox.store.lock:
        _insert(sandbox, rows)
    return len(rows)
