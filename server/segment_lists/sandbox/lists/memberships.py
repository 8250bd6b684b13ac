"""List memberships (Lists v3): member pages, adding and removing records of static lists, copying
from another list, and which lists a record is in.

Each function takes the sandbox and already-parsed arguments and returns HubSpot's JSON (or raises
`HubSpotError`); DYNAMIC lists are evaluated first when stale (`service.load`).
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

from segment_lists.data.hubspot_limits import MEMBERSHIP_PAGE
from segment_lists.sandbox.clock import iso_from_ms
from segment_lists.sandbox.errors import MAX_ID, HubSpotError, validation_error
from segment_lists.sandbox.lists import tables
from segment_lists.sandbox.lists.service import OBJECT_TYPE_ID, load

if TYPE_CHECKING:
    from segment_lists.sandbox.instance import Sandbox

MAX_PAGE = MEMBERSHIP_PAGE  # HubSpot's figure, data.hubspot_limits
DEFAULT_PAGE = 100
MAX_BULK_MEMBERS = 100_000


def _not_static(row: tables.ListRow) -> HubSpotError:
    # Exact status/message unconfirmed (reference §5); HubSpot-style 400.
    return validation_error(
        f"List {row.list_id} is a {row.processing_type} list. Memberships can only be changed for MANUAL "
        "and SNAPSHOT lists.",
        sub_category="ILS.INVALID_PROCESSING_TYPE_FOR_MEMBERSHIP_CHANGE",
    )


# --- memberships ------------------------------------------------------------------------------


def _cursor(payload: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def _uncursor(token: str, keys: tuple[str, ...]) -> dict[str, Any]:
    try:
        padded = token + "=" * (-len(token) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if not isinstance(payload, dict) or any(type(payload.get(k)) is not int for k in keys):
            raise ValueError
        return payload
    except (ValueError, UnicodeDecodeError):
        raise validation_error(f"Invalid paging cursor: {token!r}.", sub_category="INVALID_CURSOR") from None


def _limit(raw: int | None) -> int:
    limit = DEFAULT_PAGE if raw is None else raw
    if not 1 <= limit <= MAX_PAGE:
        raise validation_error(f"Invalid limit: must be between 1 and {MAX_PAGE}.")
    return limit


def memberships_page(
    sandbox: Sandbox,
    list_id: str,
    after: str | None,
    before: str | None,
    raw_limit: int | None,
    *,
    join_order: bool,
) -> dict[str, Any]:
    """A page of members. By recordId ascending, or by time added (join-order); `after` wins over
    `before`; with only `before` the page runs backwards (descending), as HubSpot documents."""
    limit = _limit(raw_limit)
    row = load(sandbox, list_id)
    keys = ("t", "r") if join_order else ("r",)

    def position(token: str) -> tuple[int, int]:
        c = _uncursor(token, keys)
        return (c["t"] if join_order else 0, c["r"])

    after_key = position(after) if after else None
    before_key = position(before) if before and not after else None
    descending = before_key is not None
    store = sandbox.list_engine.member_store
    with sandbox.store.lock:
        rows, more = store.page(row.list_id, join_order=join_order, after=after_key, before=before_key, limit=limit)
        total = store.count(row.list_id)

    def token(r: tuple[int, int]) -> str:
        return _cursor({"t": r[1], "r": r[0]} if join_order else {"r": r[0]})

    out: dict[str, Any] = {
        "results": [{"recordId": str(rid), "membershipTimestamp": iso_from_ms(at)} for rid, at in rows],
        "total": total,
    }
    paging: dict[str, Any] = {}
    if rows:
        if descending:
            if more:
                paging["prev"] = {"before": token(rows[-1])}
            paging["next"] = {"after": token(rows[0])}
        else:
            if more:
                paging["next"] = {"after": token(rows[-1])}
            if after:
                paging["prev"] = {"before": token(rows[0])}
    if paging:
        out["paging"] = paging
    return out


def _static(sandbox: Sandbox, list_id: str) -> tables.ListRow:
    row = load(sandbox, list_id)
    if row.processing_type == "DYNAMIC":
        raise _not_static(row)
    return row


def _record_number(value: str) -> int | None:
    """A record id as HubSpot reads one (ASCII digits within a long), or None: then it is "missing"."""
    return int(value) if value.isascii() and value.isdigit() and int(value) <= MAX_ID else None


def change_memberships(sandbox: Sandbox, list_id: str, to_add: list[Any], to_remove: list[Any]) -> dict[str, Any]:
    """add / remove / add-and-remove. Already-members (add) and non-members (remove) are ignored;
    ids that are not records of the list's object type come back in recordIdsMissing."""
    row = _static(sandbox, list_id)
    engine = sandbox.list_engine
    adds = list(dict.fromkeys(str(v).strip() for v in to_add))  # input order, duplicates dropped
    removes = list(dict.fromkeys(str(v).strip() for v in to_remove))
    number = {v: _record_number(v) for v in {*adds, *removes}}
    numeric = [n for n in number.values() if n is not None]
    with sandbox.store.lock:
        existing = engine.index.exists(row.object_type_id, numeric)
        missing = list(dict.fromkeys(v for v in [*adds, *removes] if number[v] not in existing))
        with sandbox.store.transaction() as db:
            current = engine.member_store.ids(row.list_id)
            add_ids = [n for v in adds if (n := number[v]) in existing and n not in current]
            remove_ids = [n for v in removes if (n := number[v]) in current and n not in add_ids]
            if add_ids or remove_ids:
                engine.change(db, row.list_id, add_ids, remove_ids)
    return {
        "recordsIdsAdded": [str(i) for i in add_ids],
        "recordIdsRemoved": [str(i) for i in remove_ids],
        "recordIdsMissing": missing,
    }


def add_from(sandbox: Sandbox, list_id: str, source_id: str) -> None:
    row = _static(sandbox, list_id)
    source = load(sandbox, source_id)
    if source.list_id == row.list_id:
        raise validation_error("The source list and the destination list must be different lists.")
    if source.object_type_id != row.object_type_id:
        raise validation_error(
            f"List {source.list_id} holds {source.object_type_id} records; list {row.list_id} "
            f"holds {row.object_type_id} records."
        )
    engine = sandbox.list_engine
    with sandbox.store.lock:
        members = engine.members(source.list_id)
        if len(members) >= MAX_BULK_MEMBERS:
            raise validation_error(
                f"The source list has {len(members)} members; add-from works for lists with fewer "
                f"than {MAX_BULK_MEMBERS} members."
            )
        with sandbox.store.transaction() as db:
            new = sorted(members - engine.member_store.ids(row.list_id))
            if new:
                engine.change(db, row.list_id, new, [])


def remove_all(sandbox: Sandbox, list_id: str) -> None:
    row = _static(sandbox, list_id)
    engine = sandbox.list_engine
    with sandbox.store.transaction() as db:
        current = sorted(engine.member_store.ids(row.list_id))
        if len(current) >= MAX_BULK_MEMBERS:
            raise validation_error(
                f"List {row.list_id} has {len(current)} members; removing all members works for "
                f"lists with fewer than {MAX_BULK_MEMBERS} members."
            )
        if current:
            engine.change(db, row.list_id, [], current)


def record_memberships(sandbox: Sandbox, object_type: str, record_id: int) -> list[dict[str, Any]]:
    engine = sandbox.list_engine
    engine.refresh_type(object_type)
    with sandbox.store.read() as db:
        lists = {
            int(r["list_id"]): int(r["list_version"])
            for r in db.execute(
                "SELECT list_id, list_version FROM lists WHERE object_type_id = ? AND deleted_at IS NULL "
                "ORDER BY list_id",
                (object_type,),
            )
        }
        found = []
        for list_id, joined in engine.member_store.holding(record_id, lists):
            first = db.execute(
                "SELECT first_added_at FROM list_membership_events WHERE list_id = ? AND record_id = ?",
                (list_id, record_id),
            ).fetchone()
            last = iso_from_ms(joined)
            found.append(
                {
                    "listId": str(list_id),
                    "listVersion": lists[list_id],
                    "isPublicList": True,
                    "firstAddedTimestamp": first[0] if first else last,
                    "lastAddedTimestamp": last,
                }
            )
    return found


def batch_record_memberships(sandbox: Sandbox, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST /crm/v3/lists/records/memberships/batch/read: 200, or 207 naming records that do not exist."""
    inputs = body.get("inputs")
    if not isinstance(inputs, list) or not all(isinstance(i, dict) for i in inputs):
        raise validation_error('Invalid input: expected {"inputs": [{"objectTypeId": ..., "recordId": ...}]}.')
    started = sandbox.clock.now_iso()
    engine = sandbox.list_engine
    results, missing = [], []
    for item in inputs:
        object_type, record = str(item.get("objectTypeId", "")), str(item.get("recordId", "")).strip()
        number = _record_number(record)
        if not OBJECT_TYPE_ID.match(object_type) or number is None:
            raise validation_error("Each input needs an objectTypeId (e.g. '0-1') and a numeric recordId.")
        with sandbox.store.lock:
            exists = bool(engine.index.exists(object_type, [number]))
        if not exists:
            missing.append(record)
            continue
        results.append(
            {
                "objectTypeId": object_type,
                "recordId": record,
                "recordListMemberships": record_memberships(sandbox, object_type, number),
            }
        )
    out: dict[str, Any] = {
        "status": "COMPLETE",
        "results": results,
        "startedAt": started,
        "completedAt": sandbox.clock.now_iso(),
    }
    if not missing:
        return 200, out
    out["numErrors"] = 1
    out["errors"] = [
        {
            "status": "error",
            "category": "OBJECT_NOT_FOUND",
            "message": f"Could not find records with ids: {', '.join(missing)}",
            "context": {"ids": missing},
            "errors": [],
            "links": {},
        }
    ]
    return 207, out


# --- the in-process API (seeding) ---------------------------------------------------------------


def get_list_members(sandbox: Sandbox, list_id: int) -> list[int]:
    """Current member record ids of a list, ascending (evaluating it first if it is stale)."""
    row = load(sandbox, list_id)
    with sandbox.store.lock:
        return sorted(sandbox.list_engine.member_store.ids(row.list_id))
