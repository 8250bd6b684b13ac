"""CRM records: the one module every record read and write goes through.

Records live in the `objects` table (properties as a JSON object of strings) with every value a
property has had in `property_history`. Reads are served from an in-memory copy per object type,
owned by the portal (`sandbox.record_cache`, a `RecordCache`: loaded from SQLite on first use,
updated by the writes below), so CRM search and list
evaluation over 100k contacts take a moment, not minutes. After each write,
`sandbox.records_changed(object_type, ids)` tells the DYNAMIC lists to re-evaluate.

Values are always strings, normalized by the property's type (`values.normalize_for_storage`);
`createdate`, `lastmodifieddate`/`hs_lastmodifieddate`, `hs_object_id` and the contact's
`hs_email_domain` are maintained here.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from segment_lists.sandbox.crm.object_types import CONTACTS, OBJECT_TYPES, ObjectType
from segment_lists.sandbox.crm.properties import property_defs
from segment_lists.sandbox.crm.values import normalize_for_storage, parse_bool, parse_datetime_ms, parse_number
from segment_lists.sandbox.errors import HubSpotError, validation_error
from segment_lists.sandbox.store import dumps, loads

if TYPE_CHECKING:
    from segment_lists.sandbox.instance import Sandbox

_INSERT_OBJECT = (
    "INSERT INTO objects (object_type, id, properties, created_at, updated_at, archived) VALUES (?,?,?,?,?,0)"
)


@dataclass
class Record:
    object_type: str
    id: int
    properties: dict[str, str]
    created_at: str
    updated_at: str
    archived: bool = False


class _TypeCache:
    """All records of one object type of one portal, by id, plus the unique-property index."""

    def __init__(self) -> None:
        self.by_id: dict[int, Record] = {}
        self.unique: dict[str, int] = {}  # lowercased unique value (email) -> live record id


class RecordCache:
    """One portal's records, per object type, each type loaded on first use. Owned by the Sandbox."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_type: dict[str, _TypeCache] = {}


def _cache(sandbox: Sandbox, object_type: str) -> _TypeCache:
    caches = sandbox.record_cache
    with caches.lock:
        cached = caches.by_type.get(object_type)
    if cached is not None:
        return cached
    with sandbox.store.lock:
        with caches.lock:
            cached = caches.by_type.get(object_type)
        if cached is not None:
            return cached
        cached = _TypeCache()
        kind = OBJECT_TYPES.get(object_type)
        with sandbox.store.read() as db:
            rows = db.execute(
                "SELECT id, properties, created_at, updated_at, archived FROM objects WHERE object_type = ?",
                (object_type,),
            ).fetchall()
        for row in rows:
            record = Record(
                object_type,
                row["id"],
                loads(row["properties"]),
                row["created_at"],
                row["updated_at"],
                bool(row["archived"]),
            )
            cached.by_id[record.id] = record
            _index(cached, kind, record)
        with caches.lock:
            caches.by_type[object_type] = cached
    return cached


def _index(cache: _TypeCache, kind: ObjectType | None, record: Record) -> None:
    if kind is None or kind.unique_property is None or record.archived:
        return
    value = record.properties.get(kind.unique_property)
    if value:
        cache.unique[value.lower()] = record.id


def _unindex(cache: _TypeCache, kind: ObjectType | None, record: Record) -> None:
    if kind is None or kind.unique_property is None:
        return
    value = record.properties.get(kind.unique_property)
    if value and cache.unique.get(value.lower()) == record.id:
        del cache.unique[value.lower()]


# --- reads ----------------------------------------------------------------------------------------


def get_record(sandbox: Sandbox, object_type: str, record_id: int | str, *, archived: bool = False) -> Record | None:
    """A record by id; archived ones only when `archived` (HubSpot's `archived=true` reads only those)."""
    try:
        key = int(record_id)
    except (TypeError, ValueError):
        return None
    record = _cache(sandbox, object_type).by_id.get(key)
    if record is None or record.archived != archived:
        return None
    return record


def find_by_property(
    sandbox: Sandbox, object_type: str, name: str, value: str, *, archived: bool = False
) -> Record | None:
    """The record whose `name` equals `value` (case-insensitively), e.g. a contact by email."""
    if value is None or value == "":
        return None
    cache = _cache(sandbox, object_type)
    kind = OBJECT_TYPES.get(object_type)
    if name == "hs_object_id":
        return get_record(sandbox, object_type, value, archived=archived)
    if kind is not None and name == kind.unique_property and not archived:
        found = cache.unique.get(str(value).lower())
        return cache.by_id.get(found) if found is not None else None
    wanted = str(value).lower()
    for record in list(cache.by_id.values()):
        if record.archived == archived and (record.properties.get(name) or "").lower() == wanted:
            return record
    return None


def iter_records(sandbox: Sandbox, object_type: str, *, archived: bool = False) -> Iterator[Record]:
    """Every live (or archived) record, ascending by id. Treat records as read-only."""
    cache = _cache(sandbox, object_type)
    with sandbox.store.lock:
        snapshot = sorted(cache.by_id.items())
    for _, record in snapshot:
        if record.archived == archived:
            yield record


def property_history(
    sandbox: Sandbox, object_type: str, record_id: int, names: Iterable[str] | None = None
) -> dict[str, list[tuple[str | None, str]]]:
    """{property: [(value, timestamp ISO)]} newest first, from `property_history`."""
    wanted = list(names) if names is not None else None
    sql = "SELECT property, value, timestamp FROM property_history WHERE object_type = ? AND id = ?"
    params: list[Any] = [object_type, record_id]
    if wanted is not None:
        if not wanted:
            return {}
        sql += f" AND property IN ({','.join('?' * len(wanted))})"
        params.extend(wanted)
    out: dict[str, list[tuple[str | None, str]]] = {}
    with sandbox.store.read() as db:
        for row in db.execute(sql + " ORDER BY timestamp DESC, rowid DESC", params):
            out.setdefault(row["property"], []).append((row["value"], row["timestamp"]))
    return out


# --- validation -----------------------------------------------------------------------------------


def _invalid(name: str, error: str, message: str) -> dict[str, Any]:
    return {
        "isValid": False,
        "message": message,
        "error": error,
        "name": name,
        "localizedErrorMessage": message,
    }


def validate_properties(
    sandbox: Sandbox, object_type: str, properties: Mapping[str, Any], *, allow_read_only: bool = False
) -> dict[str, str | None]:
    """HubSpot's write validation; returns the values as stored (None clears a value).

    Raises 400 VALIDATION_ERROR with HubSpot's "Property values were not valid: [...]" message.
    """
    if not isinstance(properties, Mapping):
        raise validation_error("Invalid input JSON: properties must be an object.")
    defs = property_defs(sandbox, object_type)
    kind = OBJECT_TYPES.get(object_type)
    problems: list[dict[str, Any]] = []
    clean: dict[str, str | None] = {}
    for name, raw in properties.items():
        definition = defs.get(name)
        if definition is None:
            problems.append(_invalid(name, "PROPERTY_DOESNT_EXIST", f'Property "{name}" does not exist'))
            continue
        if not allow_read_only and kind is not None and name in kind.read_only:
            problems.append(
                _invalid(name, "READ_ONLY_VALUE", f'"{name}" is a read only property; its value cannot be set.')
            )
            continue
        if raw is None or raw == "":
            clean[name] = None
            continue
        prop_type = definition["type"]
        text = str(raw).strip() if not isinstance(raw, bool) else ("true" if raw else "false")
        if prop_type == "number" and parse_number(text) is None:
            problems.append(_invalid(name, "INVALID_FLOAT", f"{text} was not a valid number."))
            continue
        if prop_type in ("datetime", "date") and parse_datetime_ms(text) is None:
            problems.append(_invalid(name, "INVALID_DATE", f"{text} was not a valid {prop_type}."))
            continue
        if prop_type == "bool" and parse_bool(text) is None:
            problems.append(_invalid(name, "INVALID_BOOLEAN", f"{text} was not a valid boolean."))
            continue
        if prop_type == "enumeration":
            allowed = {o["value"] for o in definition.get("options", [])}
            chosen = [part for part in text.split(";") if part != ""]
            bad = [part for part in chosen if part not in allowed]
            if bad or (definition.get("fieldType") != "checkbox" and len(chosen) > 1):
                shown = ", ".join(sorted(allowed))
                problems.append(
                    _invalid(name, "INVALID_OPTION", f"{text} was not one of the allowed options: [{shown}]")
                )
                continue
        if name == "email" and object_type == CONTACTS.type_id:
            if "@" not in text or text.startswith("@") or text.endswith("@") or " " in text:
                problems.append(_invalid(name, "INVALID_EMAIL", f"Email address {text} is invalid"))
                continue
            text = text.lower()  # HubSpot stores contact emails lowercased
        clean[name] = normalize_for_storage(prop_type, text)
    if problems:
        raise validation_error(
            "Property values were not valid: " + json.dumps(problems, separators=(",", ":")),
            errors=[
                {"message": p["message"], "code": p["error"], "context": {"propertyName": [p["name"]]}}
                for p in problems
            ],
        )
    return clean


def conflict_for_unique(
    sandbox: Sandbox, object_type: str, values: Mapping[str, str | None], own_id: int | None = None
) -> HubSpotError | None:
    """HubSpot's 409 when a write would duplicate a unique value (a contact's email)."""
    kind = OBJECT_TYPES.get(object_type)
    if kind is None or kind.unique_property is None:
        return None
    value = values.get(kind.unique_property)
    if not value:
        return None
    existing = _cache(sandbox, object_type).unique.get(value.lower())
    if existing is None or existing == own_id:
        return None
    return HubSpotError(
        409,
        "CONFLICT",
        f"{kind.label} already exists. Existing ID: {existing}",
        errors=[
            {
                "message": f"A {kind.singular} with {kind.unique_property} {value} already exists. "
                f"Existing ID: {existing}",
                "in": kind.unique_property,
            }
        ],
    )


# --- writes ---------------------------------------------------------------------------------------


def _derived(object_type: str, values: dict[str, str | None]) -> dict[str, str | None]:
    """Calculated properties that follow from a write (the contact's email domain)."""
    if object_type == CONTACTS.type_id and "email" in values:
        email = values["email"]
        return {"hs_email_domain": email.rsplit("@", 1)[1] if email and "@" in email else None}
    return {}


def _apply(
    record: Record,
    values: Mapping[str, str | None],
    timestamp: str,
    history: list[tuple[str, int, str, str | None, str]],
) -> bool:
    changed = False
    for name, value in values.items():
        current = record.properties.get(name)
        if value == current:
            continue
        if value is None:
            record.properties.pop(name, None)
        else:
            record.properties[name] = value
        history.append((record.object_type, record.id, name, "" if value is None else value, timestamp))
        changed = True
    return changed


def allocate_ids(sandbox: Sandbox, object_type: str, count: int) -> list[int]:
    """`count` fresh record ids from the same counter as `store.next_id(object_type)`, in one transaction."""
    if count <= 0:
        return []
    key = f"seq:{object_type}"
    with sandbox.store.transaction() as db:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        last = int(row["value"]) if row else 0
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, str(last + count)))
    return list(range(last + 1, last + count + 1))


def create_records(
    sandbox: Sandbox,
    object_type: str,
    inputs: list[Mapping[str, Any]],
    *,
    validated: bool = False,
    created_at: list[str | None] | None = None,
) -> list[Record]:
    """Create records (all or nothing). `validated=True` skips validation (values already clean)."""
    kind = OBJECT_TYPES.get(object_type)
    cleaned = [dict(i) if validated else validate_properties(sandbox, object_type, i) for i in inputs]
    seen: dict[str, int] = {}
    for index, values in enumerate(cleaned):
        error = conflict_for_unique(sandbox, object_type, values)
        if error is not None:
            raise error
        if kind is not None and kind.unique_property and values.get(kind.unique_property):
            key = str(values[kind.unique_property]).lower()
            if key in seen:
                raise validation_error(
                    f"Duplicate {kind.unique_property} in batch input: {key} (inputs {seen[key]} and {index})"
                )
            seen[key] = index
    now = sandbox.clock.now_iso()
    ids = allocate_ids(sandbox, object_type, len(cleaned))
    cache = _cache(sandbox, object_type)
    created: list[Record] = []
    history: list[tuple[str, int, str, str | None, str]] = []
    with sandbox.store.transaction() as db:
        for index, (record_id, values) in enumerate(zip(ids, cleaned, strict=True)):
            stamp = (created_at[index] if created_at else None) or now
            create_value = values.pop("createdate", None) or stamp
            record = Record(object_type, record_id, {}, stamp, now)
            maintained: dict[str, str | None] = {"createdate": create_value, "hs_object_id": str(record_id)}
            if kind is not None:
                maintained[kind.last_modified_property] = now
            writes = {**maintained, **{k: v for k, v in values.items() if v is not None}}
            writes.update(_derived(object_type, writes))
            _apply(record, writes, now, history)
            created.append(record)
        db.executemany(
            _INSERT_OBJECT,
            [(object_type, r.id, dumps(r.properties), r.created_at, r.updated_at) for r in created],
        )
        db.executemany(
            "INSERT INTO property_history (object_type, id, property, value, timestamp) VALUES (?,?,?,?,?)",
            history,
        )
        for record in created:
            cache.by_id[record.id] = record
            _index(cache, kind, record)
    sandbox.records_changed(object_type, [r.id for r in created])
    return created


def update_records(
    sandbox: Sandbox,
    object_type: str,
    updates: list[tuple[int, Mapping[str, Any]]],
    *,
    validated: bool = False,
    allow_read_only: bool = False,
) -> list[Record]:
    """Set properties on existing live records (missing ids are skipped: callers check first)."""
    kind = OBJECT_TYPES.get(object_type)
    cache = _cache(sandbox, object_type)
    cleaned = [
        (
            int(rid),
            dict(v) if validated else validate_properties(sandbox, object_type, v, allow_read_only=allow_read_only),
        )
        for rid, v in updates
    ]
    for rid, values in cleaned:
        error = conflict_for_unique(sandbox, object_type, values, own_id=rid)
        if error is not None:
            raise error
    now = sandbox.clock.now_iso()
    history: list[tuple[str, int, str, str | None, str]] = []
    touched: list[Record] = []
    with sandbox.store.transaction() as db:
        for rid, values in cleaned:
            record = cache.by_id.get(rid)
            if record is None or record.archived:
                continue
            _unindex(cache, kind, record)
            writes = dict(values)
            writes.update(_derived(object_type, writes))
            if _apply(record, writes, now, history):
                if kind is not None:
                    _apply(record, {kind.last_modified_property: now}, now, history)
                record.updated_at = now
                db.execute(
                    "UPDATE objects SET properties = ?, updated_at = ? WHERE object_type = ? AND id = ?",
                    (dumps(record.properties), now, object_type, rid),
                )
            _index(cache, kind, record)
            touched.append(record)
        db.executemany(
            "INSERT INTO property_history (object_type, id, property, value, timestamp) VALUES (?,?,?,?,?)",
            history,
        )
    if touched:
        sandbox.records_changed(object_type, [r.id for r in touched])
    return touched


def archive_records(sandbox: Sandbox, object_type: str, ids: Iterable[int | str]) -> list[int]:
    """Archive (soft-delete) live records; unknown or already archived ids are ignored, as HubSpot does."""
    kind = OBJECT_TYPES.get(object_type)
    cache = _cache(sandbox, object_type)
    now = sandbox.clock.now_iso()
    done: list[int] = []
    with sandbox.store.transaction() as db:
        for raw in ids:
            try:
                rid = int(raw)
            except (TypeError, ValueError):
                continue
            record = cache.by_id.get(rid)
            if record is None or record.archived:
                continue
            _unindex(cache, kind, record)
            record.archived = True
            record.updated_at = now
            db.execute(
                "UPDATE objects SET archived = 1, updated_at = ? WHERE object_type = ? AND id = ?",
                (now, object_type, rid),
            )
            done.append(rid)
    if done:
        sandbox.records_changed(object_type, done)
    return done


def bulk_insert(sandbox: Sandbox, object_type: str, rows: list[tuple[dict[str, str], str]]) -> list[int]:
    """Seeder fast path: insert clean, already-normalized rows `(properties, createdate ISO)` in one go.

    The portal-maintained properties and history are written as for any other record; the
    property values' history timestamp is the record's create date (the data is "imported").
    """
    kind = OBJECT_TYPES.get(object_type)
    ids = allocate_ids(sandbox, object_type, len(rows))
    cache = _cache(sandbox, object_type)
    objects: list[tuple[str, int, str, str, str]] = []
    dated = {n for n, d in property_defs(sandbox, object_type).items() if d["type"] == "datetime"}
    history: list[tuple[str, int, str, str | None, str]] = []
    created: list[Record] = []
    for record_id, (values, created_iso) in zip(ids, rows, strict=True):
        props = {k: v for k, v in values.items() if v is not None and v != ""}
        props["createdate"] = created_iso
        props["hs_object_id"] = str(record_id)
        if kind is not None:
            props[kind.last_modified_property] = props.get(kind.last_modified_property, created_iso)
        props.update({k: v for k, v in _derived(object_type, props).items() if v is not None})
        for name, value in props.items():
            # A date property set after creation (last open, last click) was last updated then.
            stamp = value if name in dated and value > created_iso else created_iso
            history.append((object_type, record_id, name, value, stamp))
        record = Record(
            object_type,
            record_id,
            props,
            created_iso,
            props.get(kind.last_modified_property if kind else "createdate", created_iso),
        )
        created.append(record)
        objects.append((object_type, record_id, dumps(props), record.created_at, record.updated_at))
    with sandbox.store.transaction() as db:
        db.executemany(
            _INSERT_OBJECT,
            objects,
        )
        db.executemany(
            "INSERT INTO property_history (object_type, id, property, value, timestamp) VALUES (?,?,?,?,?)",
            history,
        )
        for record in created:
            cache.by_id[record.id] = record
            _index(cache, kind, record)
    sandbox.records_changed(object_type, ids)
    return ids


def set_maintained(sandbox: Sandbox, object_type: str, record_id: int, values: Mapping[str, str | None]) -> None:
    """Portal-side writes to read-only properties (e.g. `associatedcompanyid` after an association change)."""
    update_records(sandbox, object_type, [(record_id, values)], validated=True)
