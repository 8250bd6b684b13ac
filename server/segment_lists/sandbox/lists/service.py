"""The Lists v3 operations on lists themselves (create, read, search, rename, re-filter, delete,
restore, size history, scheduled conversion), shared by the HTTP routes and in-process seeding.
Memberships are `memberships`.

Each function takes the sandbox and already-parsed arguments and returns HubSpot's JSON (or
raises `HubSpotError` with HubSpot's envelope). Where HubSpot's behaviour is not documented the
choice is a `SandboxConfig` setting or is said in a comment.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from segment_lists.data.hubspot_limits import LIST_SEARCH_COUNT
from segment_lists.sandbox.crm.object_types import OBJECT_TYPES
from segment_lists.sandbox.crm.values import parse_datetime_ms
from segment_lists.sandbox.errors import HubSpotError, not_found, parse_id, validation_error
from segment_lists.sandbox.lists import tables
from segment_lists.sandbox.lists.evaluator import Plan, referenced_list_ids
from segment_lists.sandbox.lists.filter_branch import prepare_branch
from segment_lists.sandbox.lists.references import legacy_map, reference_counts
from segment_lists.sandbox.store import dumps

if TYPE_CHECKING:
    from segment_lists.sandbox.instance import Sandbox
    from segment_lists.sandbox.lists.engine import ListEngine

PROCESSING_TYPES = ("MANUAL", "DYNAMIC", "SNAPSHOT")
OBJECT_TYPE_ID = re.compile(r"^\d+-\d+$")
MAX_SEARCH_COUNT = LIST_SEARCH_COUNT  # HubSpot's figure, data.hubspot_limits
DEFAULT_SEARCH_PROPERTIES = (
    "hs_list_size",
    "hs_last_record_added_at",
    "hs_last_record_removed_at",
    "hs_folder_name",
    "hs_list_reference_count",
)


# --- errors -----------------------------------------------------------------------------------


def duplicate_name(sandbox: Sandbox, name: str) -> HubSpotError:
    # HubSpot's status for a duplicate name is unconfirmed (the subCategory comes from third-party
    # client code): SandboxConfig.duplicate_list_name_status picks 400 or 409.
    status = sandbox.config.duplicate_list_name_status
    return HubSpotError(
        status,
        "VALIDATION_ERROR" if status == 400 else "CONFLICT",
        f"A list with the name '{name}' already exists. List names must be unique.",
        sub_category="ILS.DUPLICATE_LIST_NAMES",
    )


# --- loading ----------------------------------------------------------------------------------


def _purged(sandbox: Sandbox, row: tables.ListRow) -> bool:
    if row.deleted_at is None:
        return False
    deleted = parse_datetime_ms(row.deleted_at) or 0
    return sandbox.clock.now_ms() - deleted > sandbox.config.deleted_list_retention_days * 86_400_000


def load(sandbox: Sandbox, raw_id: str | int, *, allow_deleted: bool = False, refresh: bool = True) -> tables.ListRow:
    """A list by id, evaluated if stale; 404 if it does not exist (or is deleted, unless allowed)."""
    list_id = tables.parse_list_id(str(raw_id))
    engine = sandbox.list_engine
    if refresh:
        engine.refresh(list_id)
    with sandbox.store.read() as db:
        row = tables.fetch(db, list_id)
    if row is None or _purged(sandbox, row):
        raise tables.missing_list(list_id)
    if row.deleted_at is not None and not (allow_deleted or sandbox.config.deleted_lists_readable):
        raise tables.missing_list(list_id)
    return row


def public_list(sandbox: Sandbox, row: tables.ListRow, *, include_filters: bool) -> dict[str, Any]:
    """HubSpot's PublicObjectList."""
    engine = sandbox.list_engine
    out: dict[str, Any] = {
        "listId": str(row.list_id),
        "listVersion": row.list_version,
        "name": row.name,
        "objectTypeId": row.object_type_id,
        "processingType": row.processing_type,
        "processingStatus": "PROCESSING" if engine.is_processing(row) else "COMPLETE",
        "createdAt": row.created_at,
        "updatedAt": row.updated_at,
        "filtersUpdatedAt": row.filters_updated_at,
        "createdById": row.created_by_id,
        "updatedById": row.updated_by_id,
        "listPermissions": row.list_permissions,
        # HubSpot's docs show nulls here, but its spec does not allow them: null members are left out.
        "membershipSettings": {k: v for k, v in row.membership_settings.items() if v is not None},
    }
    if row.deleted_at is not None:
        out["deletedAt"] = row.deleted_at
    if not engine.is_processing(row):
        with sandbox.store.lock:
            out["size"] = engine.member_store.count(row.list_id)
    if include_filters and row.filter_branch is not None:
        out["filterBranch"] = row.filter_branch
    return out


# --- create / read ----------------------------------------------------------------------------


def _int_list(raw: Any, field: str) -> list[int]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) or isinstance(v, str) and v.isdigit() for v in raw
    ):
        raise validation_error(f"Invalid {field}: expected an array of integer ids.")
    return [int(v) for v in raw]


def _permissions(raw: Any) -> dict[str, list[int]]:
    if raw is None:
        return {"teamsWithEditAccess": [], "usersWithEditAccess": []}
    if not isinstance(raw, dict):
        raise validation_error("Invalid listPermissions: expected an object.")
    return {
        "teamsWithEditAccess": _int_list(raw.get("teamsWithEditAccess"), "listPermissions.teamsWithEditAccess"),
        "usersWithEditAccess": _int_list(raw.get("usersWithEditAccess"), "listPermissions.usersWithEditAccess"),
    }


def _membership_settings(raw: Any) -> dict[str, Any]:
    if raw is None:
        return {"membershipTeamId": None, "includeUnassigned": None}
    if not isinstance(raw, dict):
        raise validation_error("Invalid membershipSettings: expected an object.")
    team, unassigned = raw.get("membershipTeamId"), raw.get("includeUnassigned")
    if team is not None and (isinstance(team, bool) or not str(team).isdigit()):
        raise validation_error("Invalid membershipSettings.membershipTeamId: expected an integer.")
    if unassigned is not None and not isinstance(unassigned, bool):
        raise validation_error("Invalid membershipSettings.includeUnassigned: expected a boolean.")
    return {"membershipTeamId": None if team is None else int(team), "includeUnassigned": unassigned}


def _access(
    sandbox: Sandbox, permissions: dict[str, list[int]], settings: dict[str, Any]
) -> tuple[dict[str, list[int]], dict[str, Any]]:
    """Per-list access exists on Enterprise portals only (KB "Manage user and team access to segments").
    What HubSpot does with access fields elsewhere is undocumented: refused (strict) or dropped."""
    if sandbox.config.has_per_list_access:
        return permissions, settings
    asked = any(permissions.values()) or settings.get("membershipTeamId") is not None
    if asked and sandbox.config.strictness.list_access_without_feature == "reject":
        raise validation_error(
            "Per-list access (listPermissions, membershipSettings) is only available on Enterprise "
            "subscriptions; this portal does not have it. Leave them out.",
            errors=[{"message": "per-list access is not available on this portal", "in": "listPermissions"}],
        )
    return {"teamsWithEditAccess": [], "usersWithEditAccess": []}, {"membershipTeamId": None, "includeUnassigned": None}


def _check_refs(sandbox: Sandbox, plan: Plan, list_id: int | None) -> None:
    """IN_LIST / ASSOCIATION references must name live lists of the right type and must not loop."""
    with sandbox.store.read() as db:
        rows = {row.list_id: row for row in tables.fetch_all(db)}
    for ref in plan.list_refs:
        target = rows.get(ref.list_id)
        if target is None:
            raise validation_error(
                f"Invalid filterBranch: {ref.path}: list {ref.list_id} does not exist.",
                errors=[{"message": f"list {ref.list_id} does not exist", "in": ref.path}],
            )
        if ref.object_type is not None and target.object_type_id != ref.object_type:
            raise validation_error(
                f"Invalid filterBranch: {ref.path}: list {ref.list_id} holds objects of type "
                f"{target.object_type_id}, "
                f"not {ref.object_type}.",
                errors=[{"message": "object type mismatch", "in": ref.path}],
            )
    if list_id is None:
        return
    seen: set[int] = set()
    todo = [ref.list_id for ref in plan.list_refs]
    while todo:
        current = todo.pop()
        if current == list_id:
            raise validation_error(
                "Invalid filterBranch: the list's filters refer back to the list itself "
                "(through IN_LIST filters); "
                "circular list references are not allowed.",
                sub_category="ILS.CIRCULAR_LIST_REFERENCE",
            )
        if current in seen or current not in rows:
            continue
        seen.add(current)
        todo.extend(referenced_list_ids(rows[current].filter_branch))


def create_list(sandbox: Sandbox, request: dict[str, Any]) -> dict[str, Any]:
    """POST /crm/v3/lists: returns {"list": PublicObjectList} (with filterBranch, as HubSpot does)."""
    if not isinstance(request, dict):
        raise validation_error("Invalid input JSON: expected a JSON object as the request body.")
    engine = sandbox.list_engine
    name, object_type, processing = (
        request.get("name"),
        request.get("objectTypeId"),
        request.get("processingType"),
    )
    problems = []
    if not isinstance(name, str) or not name.strip():
        problems.append(("name", "name is required and must be a non-empty string"))
    if not isinstance(object_type, str) or not OBJECT_TYPE_ID.match(object_type):
        problems.append(("objectTypeId", "objectTypeId is required, e.g. '0-1' for contacts"))
    elif sandbox.config.strictness.object_types and object_type not in OBJECT_TYPES:
        known = ", ".join(OBJECT_TYPES)
        problems.append(("objectTypeId", f"objectTypeId {object_type} is not an object type of this portal ({known})"))
    if processing not in PROCESSING_TYPES:
        problems.append(("processingType", "processingType must be one of MANUAL, DYNAMIC, SNAPSHOT"))
    if problems:
        raise validation_error(
            "Invalid list: " + "; ".join(m for _, m in problems),
            errors=[{"message": m, "in": f} for f, m in problems],
        )
    assert isinstance(name, str) and isinstance(object_type, str) and isinstance(processing, str)
    name = name.strip()
    raw_branch = request.get("filterBranch")
    branch: dict[str, Any] | None = None
    plan: Plan | None = None
    if processing == "MANUAL":
        if raw_branch is not None:
            raise validation_error(
                "MANUAL lists cannot have a filterBranch; use DYNAMIC or SNAPSHOT.",
                errors=[{"message": "filterBranch is not allowed for MANUAL lists", "in": "filterBranch"}],
            )
    else:
        if raw_branch is None:
            raise validation_error(
                f"A filterBranch is required for {processing} lists.",
                errors=[{"message": "filterBranch is required", "in": "filterBranch"}],
            )
        branch, plan = prepare_branch(sandbox, raw_branch, object_type)
    folder_raw = request.get("listFolderId")
    if isinstance(folder_raw, bool):
        raise validation_error("Invalid listFolderId: expected an integer folder id.")
    # int32 in HubSpot's spec (ListCreateRequest.listFolderId).
    folder_id = parse_id(folder_raw, "listFolderId", maximum=2**31 - 1) if folder_raw is not None else 0
    permissions, settings = _access(
        sandbox, _permissions(request.get("listPermissions")), _membership_settings(request.get("membershipSettings"))
    )
    custom = request.get("customProperties") or {}
    if not isinstance(custom, dict):
        raise validation_error("Invalid customProperties: expected an object of strings.")
    now = sandbox.clock.now_iso()
    with sandbox.store.transaction() as db:
        if tables.find_by_name(db, name) is not None:
            raise duplicate_name(sandbox, name)
        if not tables.folder_exists(db, folder_id):
            raise not_found(f"List folder with id {folder_id} does not exist.")
        _check_limits(sandbox, db, processing)
        if plan is not None:
            _check_refs(sandbox, plan, None)
        cursor = db.execute(
            "INSERT INTO lists (name, object_type_id, processing_type, filter_branch, list_version, "
            "created_at, updated_at, filters_updated_at, created_by_id, updated_by_id, folder_id, "
            "list_permissions, "
            "membership_settings, processing_ready_at, description) "
            "VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                name,
                object_type,
                processing,
                None if branch is None else dumps(branch),
                now,
                now,
                now,
                tables.ACTING_USER_ID,
                tables.ACTING_USER_ID,
                folder_id,
                dumps(permissions),
                dumps(settings),
                engine.ready_at(processing),
                custom.get("hs_description"),
            ),
        )
        list_id = int(cursor.lastrowid or 0)
        tables.update_state(db, list_id, custom_properties={str(k): str(v) for k, v in custom.items()})
        db.execute("INSERT INTO list_edit_history (list_id, timestamp) VALUES (?, ?)", (list_id, now))
        db.execute("UPDATE list_folders SET updated_contents_at = ? WHERE id = ?", (now, folder_id))
        if processing == "MANUAL":
            engine.apply(db, list_id, set())  # records the initial size point (0)
    engine.forget(list_id)
    row = load(sandbox, list_id)
    return {"list": public_list(sandbox, row, include_filters=True)}


def _check_limits(sandbox: Sandbox, db: Any, processing: str) -> None:
    # HubSpot's per-tier list counts are unconfirmed (reference §12.3): SandboxConfig settings.
    dynamic = processing == "DYNAMIC"
    limit = sandbox.config.list_limit(dynamic)
    where = "processing_type = 'DYNAMIC'" if dynamic else "processing_type != 'DYNAMIC'"
    count = db.execute(f"SELECT COUNT(*) FROM lists WHERE deleted_at IS NULL AND {where}").fetchone()[0]
    if count >= limit:
        kind = "active (DYNAMIC)" if dynamic else "static (MANUAL/SNAPSHOT)"
        raise validation_error(
            f"This portal has reached its limit of {limit} {kind} lists.",
            sub_category="ILS.LIST_LIMIT_REACHED",
        )


def get_list(sandbox: Sandbox, list_id: str, include_filters: bool) -> dict[str, Any]:
    return {"list": public_list(sandbox, load(sandbox, list_id), include_filters=include_filters)}


def get_by_name(sandbox: Sandbox, object_type: str, name: str, include_filters: bool) -> dict[str, Any]:
    with sandbox.store.read() as db:
        row = tables.find_by_name(db, name)
    if row is None or row.object_type_id != object_type:
        raise not_found(f"List with name '{name}' and object type {object_type} does not exist.")
    return {"list": public_list(sandbox, load(sandbox, row.list_id), include_filters=include_filters)}


def get_many(sandbox: Sandbox, ids: list[str], include_filters: bool) -> dict[str, Any]:
    """Ids that do not exist (or are deleted) are left out, as in a HubSpot multi-get."""
    lists = []
    for raw in dict.fromkeys(ids):
        tables.parse_list_id(raw)
        try:
            lists.append(public_list(sandbox, load(sandbox, raw), include_filters=include_filters))
        except HubSpotError as error:
            if error.status != 404:
                raise
    return {"lists": lists}


# --- search -----------------------------------------------------------------------------------


def _int_field(body: dict[str, Any], key: str, default: int) -> int:
    raw = body.get(key)
    if raw is None:
        return default
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not str(raw).lstrip("-").isdigit():
        raise validation_error(f"Invalid {key}: expected an integer.")
    return int(raw)


def _str_list(body: dict[str, Any], key: str) -> list[str] | None:
    raw = body.get(key)
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise validation_error(f"Invalid {key}: expected an array of strings.")
    return [str(v) for v in raw]


def search(sandbox: Sandbox, body: dict[str, Any]) -> dict[str, Any]:
    """POST /crm/v3/lists/search. Deleted lists are never returned (unconfirmed; the safe reading).
    Results are ordered by listId (HubSpot's default order is undocumented)."""
    offset = _int_field(body, "offset", 0)
    count = _int_field(body, "count", 20)
    if offset < 0:
        raise validation_error("Invalid offset: must be zero or positive.")
    if not 1 <= count <= MAX_SEARCH_COUNT:
        raise validation_error(f"Invalid count: must be between 1 and {MAX_SEARCH_COUNT}.")
    query = body.get("query")
    if query is not None and not isinstance(query, str):
        raise validation_error("Invalid query: expected a string.")
    types = _str_list(body, "processingTypes")
    if types is not None and any(t not in PROCESSING_TYPES for t in types):
        raise validation_error("Invalid processingTypes: each must be one of MANUAL, DYNAMIC, SNAPSHOT.")
    ids = _str_list(body, "listIds")
    object_type = body.get("objectTypeId")
    extra = _str_list(body, "additionalProperties") or []
    with sandbox.store.read() as db:
        rows = tables.fetch_all(db)
    needle = (query or "").strip().casefold()
    matched = [
        row
        for row in rows
        if (not needle or needle in row.name.casefold())
        and (not types or row.processing_type in types)
        and (ids is None or str(row.list_id) in ids)
        and (not object_type or row.object_type_id == object_type)
    ]
    page = matched[offset : offset + count]
    references = reference_counts(sandbox, rows)
    engine = sandbox.list_engine
    results = []
    for row in page:
        engine.refresh(row.list_id)
        fresh = load(sandbox, row.list_id, refresh=False)
        results.append(_search_result(sandbox, engine, fresh, extra, references))
    return {
        "offset": offset + len(page),
        "hasMore": offset + len(page) < len(matched),
        "total": len(matched),
        "lists": results,
    }


def list_all(sandbox: Sandbox, body: dict[str, Any]) -> dict[str, Any]:
    """POST /crm/lists/2026-09/all: every list, by ascending listId, with a cursor (2026-09's new
    listing; https://developers.hubspot.com/docs/api-reference/latest/crm/lists/guide). `after` is
    opaque to clients: here the last listId of the previous page. Errors as the reference names them:
    INVALID_CURSOR, INVALID_PROCESSING_TYPE."""
    count = _int_field(body, "count", 20)
    if not 1 <= count <= MAX_SEARCH_COUNT:
        raise validation_error(f"Invalid count: must be between 1 and {MAX_SEARCH_COUNT}.")
    types = _str_list(body, "processingTypes") or []
    # Empty is refused: whether HubSpot reads [] as "all" or "none" is undocumented, so a client
    # must name the types it wants (the strict reading).
    if not types or any(t not in PROCESSING_TYPES for t in types):
        raise validation_error(
            "Invalid processingTypes: name one or more of MANUAL, DYNAMIC, SNAPSHOT.",
            sub_category="INVALID_PROCESSING_TYPE",
        )
    after = body.get("after")
    if after is not None and (not isinstance(after, str) or not after.isdigit()):
        raise validation_error(f"Invalid cursor: {after!r}.", sub_category="INVALID_CURSOR")
    object_type = body.get("objectTypeId")
    extra = _str_list(body, "additionalProperties") or []
    with sandbox.store.read() as db:
        rows = tables.fetch_all(db)
    matched = sorted(
        (
            row
            for row in rows
            if row.processing_type in types
            and (not object_type or row.object_type_id == object_type)
            and (after is None or row.list_id > int(after))
        ),
        key=lambda row: row.list_id,
    )
    page = matched[:count]
    references = reference_counts(sandbox, rows)
    engine = sandbox.list_engine
    results = []
    for row in page:
        engine.refresh(row.list_id)
        results.append(_search_result(sandbox, engine, load(sandbox, row.list_id, refresh=False), extra, references))
    reply: dict[str, Any] = {"results": results}
    if len(matched) > count:
        reply["paging"] = {"next": {"after": str(page[-1].list_id)}}
    return reply


def _search_result(
    sandbox: Sandbox, engine: ListEngine, row: tables.ListRow, extra: list[str], references: dict[int, int]
) -> dict[str, Any]:
    full = public_list(sandbox, row, include_filters=False)
    size = full.pop("size", None)
    for key in ("listPermissions", "membershipSettings"):
        full.pop(key, None)
    with sandbox.store.read() as db:
        status = tables.state(db, row.list_id)
        folder = tables.folder_name(db, row.folder_id)
    available: dict[str, str | None] = {
        "hs_list_size": None if size is None else str(size),
        "hs_last_record_added_at": _ms_text(status.last_added_at),
        "hs_last_record_removed_at": _ms_text(status.last_removed_at),
        "hs_folder_name": folder,
        "hs_list_reference_count": str(references.get(row.list_id, 0)),
        "hs_folder_id": str(row.folder_id) if row.folder_id else None,
        "hs_description": row.description,
        "hs_is_public": "true",
        "hs_is_read_only": "false",
        "hs_is_limit_exempt": "false",
        "hs_object_type_id": row.object_type_id,
        "hs_processing_type": row.processing_type,
        "hs_all_team_ids": ";".join(str(t) for t in row.list_permissions.get("teamsWithEditAccess", [])) or None,
        "hs_list_size_week_delta": _week_delta(sandbox, row.list_id, size),
    }
    for key, value in (status.custom_properties or {}).items():
        available.setdefault(key, value)
    # Requested names and the defaults; names that do not exist or are empty are left out (spec).
    wanted = list(dict.fromkeys([*DEFAULT_SEARCH_PROPERTIES, *extra]))
    full["additionalProperties"] = {key: available[key] for key in wanted if available.get(key) not in (None, "")}
    return full


def _ms_text(stamp: str | None) -> str | None:
    ms = parse_datetime_ms(stamp)
    return None if ms is None else str(ms)


def _week_delta(sandbox: Sandbox, list_id: int, size: int | None) -> str | None:
    if size is None:
        return None
    week_ago = sandbox.clock.now() - timedelta(days=7)
    with sandbox.store.read() as db:
        points = db.execute(
            "SELECT timestamp, size FROM list_size_history WHERE list_id = ? ORDER BY rowid", (list_id,)
        ).fetchall()
    before = [int(p["size"]) for p in points if (parse_datetime_ms(p["timestamp"]) or 0) <= week_ago.timestamp() * 1000]
    return str(size - (before[-1] if before else 0))


# --- updates ----------------------------------------------------------------------------------


def update_name(sandbox: Sandbox, list_id: str, new_name: str | None, include_filters: bool) -> dict[str, Any]:
    if new_name is None or not new_name.strip():
        raise validation_error("The listName query parameter is required and must not be empty.")
    new_name = new_name.strip()
    row = load(sandbox, list_id)
    now = sandbox.clock.now_iso()
    with sandbox.store.transaction() as db:
        if tables.find_by_name(db, new_name, exclude=row.list_id) is not None:
            raise duplicate_name(sandbox, new_name)
        db.execute(
            "UPDATE lists SET name = ?, updated_at = ?, updated_by_id = ? WHERE list_id = ?",
            (new_name, now, tables.ACTING_USER_ID, row.list_id),
        )
        db.execute("INSERT INTO list_edit_history (list_id, timestamp) VALUES (?, ?)", (row.list_id, now))
    return {"updatedList": public_list(sandbox, load(sandbox, row.list_id), include_filters=include_filters)}


def update_filters(sandbox: Sandbox, list_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Replace a DYNAMIC list's definition: listVersion + 1, filtersUpdatedAt, PROCESSING again.
    (`enrollObjectsInWorkflows` is accepted and has no effect: the sandbox runs no workflows.)"""
    row = load(sandbox, list_id)
    if row.processing_type != "DYNAMIC":
        raise validation_error(
            f"List {row.list_id} is a {row.processing_type} list. Only the filters of DYNAMIC lists can be updated.",
            sub_category="ILS.INVALID_PROCESSING_TYPE_FOR_FILTER_UPDATE",
        )
    if "filterBranch" not in body or body["filterBranch"] is None:
        raise validation_error("filterBranch is required.", errors=[{"message": "required", "in": "filterBranch"}])
    branch, plan = prepare_branch(sandbox, body["filterBranch"], row.object_type_id)
    engine = sandbox.list_engine
    now = sandbox.clock.now_iso()
    with sandbox.store.transaction() as db:
        _check_refs(sandbox, plan, row.list_id)
        db.execute(
            "UPDATE lists SET filter_branch = ?, list_version = list_version + 1, filters_updated_at = ?, "
            "updated_at = ?, updated_by_id = ?, processing_ready_at = ? WHERE list_id = ?",
            (dumps(branch), now, now, tables.ACTING_USER_ID, engine.ready_at(row.processing_type), row.list_id),
        )
        db.execute("INSERT INTO list_edit_history (list_id, timestamp) VALUES (?, ?)", (row.list_id, now))
    engine.forget(row.list_id)
    return {"updatedList": public_list(sandbox, load(sandbox, row.list_id), include_filters=True)}


def delete_list(sandbox: Sandbox, list_id: str) -> None:
    """Soft delete: restorable for `deleted_list_retention_days`. Memberships are kept for a restore."""
    row = load(sandbox, list_id, refresh=False)
    now = sandbox.clock.now_iso()
    with sandbox.store.transaction() as db:
        db.execute("UPDATE lists SET deleted_at = ?, updated_at = ? WHERE list_id = ?", (now, now, row.list_id))
    sandbox.list_engine.forget(row.list_id)


def restore_list(sandbox: Sandbox, list_id: str) -> None:
    """Restoring a list that is not deleted is a no-op (HubSpot's answer there is unconfirmed)."""
    row = load(sandbox, list_id, allow_deleted=True, refresh=False)
    if row.deleted_at is None:
        return
    now = sandbox.clock.now_iso()
    with sandbox.store.transaction() as db:
        if tables.find_by_name(db, row.name) is not None:
            raise duplicate_name(sandbox, row.name)
        db.execute("UPDATE lists SET deleted_at = NULL, updated_at = ? WHERE list_id = ?", (now, row.list_id))
    sandbox.list_engine.forget(row.list_id)


# --- history, conversion, id mapping ------------------------------------------------------------


def _moment(raw: str | None, name: str) -> int | None:
    if raw is None or raw == "":
        return None
    ms = parse_datetime_ms(raw)
    if ms is None:
        raise validation_error(f"Invalid {name}: expected an ISO-8601 date-time.")
    return ms


def size_and_edits(sandbox: Sandbox, list_id: str, start: str | None, end: str | None) -> dict[str, Any]:
    low = _moment(start, "startDate")
    high = _moment(end, "endDate")
    if low is not None and high is not None and high < low:
        raise validation_error("endDate must not be before startDate.")
    row = load(sandbox, list_id)

    def inside(stamp: str) -> bool:
        ms = parse_datetime_ms(stamp) or 0
        return (low is None or ms >= low) and (high is None or ms <= high)

    with sandbox.store.read() as db:
        sizes = db.execute(
            "SELECT timestamp, size FROM list_size_history WHERE list_id = ? ORDER BY rowid", (row.list_id,)
        ).fetchall()
        edits = db.execute(
            "SELECT timestamp FROM list_edit_history WHERE list_id = ? ORDER BY rowid", (row.list_id,)
        ).fetchall()
    return {
        "sizeHistory": [{"size": int(r["size"]), "timestamp": r["timestamp"]} for r in sizes if inside(r["timestamp"])],
        "editHistory": [r["timestamp"] for r in edits if inside(r["timestamp"])],
    }


def _conversion_body(sandbox: Sandbox, row: tables.ListRow, status: tables.ListState) -> dict[str, Any]:
    out: dict[str, Any] = {"listId": str(row.list_id), "requestedConversionTime": status.conversion}
    if status.converted_at:
        out["convertedAt"] = status.converted_at
    return out


def get_conversion(sandbox: Sandbox, list_id: str) -> dict[str, Any]:
    row = load(sandbox, list_id)
    with sandbox.store.read() as db:
        status = tables.state(db, row.list_id)
    if not status.conversion:
        raise not_found(f"List {row.list_id} has no scheduled conversion.")
    return _conversion_body(sandbox, row, status)


def set_conversion(sandbox: Sandbox, list_id: str, body: dict[str, Any]) -> dict[str, Any]:
    row = load(sandbox, list_id)
    if row.processing_type != "DYNAMIC":
        raise validation_error(
            f"List {row.list_id} is a {row.processing_type} list; only DYNAMIC lists can be scheduled for conversion."
        )
    kind = body.get("conversionType")
    if kind == "CONVERSION_DATE":
        try:
            day = date(int(body["year"]), int(body["month"]), int(body["day"]))
        except (KeyError, TypeError, ValueError):
            raise validation_error("CONVERSION_DATE needs a valid year, month and day.") from None
        conversion: dict[str, Any] = {
            "conversionType": kind,
            "year": day.year,
            "month": day.month,
            "day": day.day,
        }
    elif kind == "INACTIVITY":
        unit, offset = body.get("timeUnit"), body.get("offset")
        if (
            unit not in {"DAY", "WEEK", "MONTH"}
            or isinstance(offset, bool)
            or not isinstance(offset, int)
            or offset < 1
        ):
            raise validation_error("INACTIVITY needs timeUnit DAY, WEEK or MONTH and a positive integer offset.")
        conversion = {"conversionType": kind, "timeUnit": unit, "offset": offset}
    else:
        raise validation_error("conversionType must be CONVERSION_DATE or INACTIVITY.")
    with sandbox.store.transaction() as db:
        tables.update_state(db, row.list_id, conversion=conversion, converted_at=None)
        status = tables.state(db, row.list_id)
    return _conversion_body(sandbox, row, status)


def delete_conversion(sandbox: Sandbox, list_id: str) -> None:
    row = load(sandbox, list_id)
    with sandbox.store.transaction() as db:
        if not tables.state(db, row.list_id).conversion:
            raise not_found(f"List {row.list_id} has no scheduled conversion.")
        db.execute("UPDATE list_state SET conversion = NULL WHERE list_id = ?", (row.list_id,))


def legacy_id(sandbox: Sandbox, raw: str | None) -> dict[str, Any]:
    """GET /idmapping?legacyListId=: the list a legacy (v1) id became (PublicMigrationMapping)."""
    if not raw:
        raise validation_error("The legacyListId query parameter is required.")
    found = legacy_map(sandbox).get(int(raw)) if raw.strip().isdigit() else None
    if found is None:
        raise not_found(f"No list found for legacy list id {raw}.")
    return {"legacyListId": raw.strip(), "listId": str(found)}


def legacy_ids(sandbox: Sandbox, raw: list[Any]) -> dict[str, Any]:
    """POST /idmapping: many legacy ids at once (PublicBatchMigrationMapping)."""
    if len(raw) > 10_000:
        raise validation_error("At most 10000 legacy list ids can be translated at once.")
    known = legacy_map(sandbox)
    mapped, missing = [], []
    for value in dict.fromkeys(str(v).strip() for v in raw):
        target = known.get(int(value)) if value.isdigit() else None
        if target is None:
            missing.append(value)
        else:
            mapped.append({"legacyListId": value, "listId": str(target)})
    return {"legacyListIdsToIdsMapping": mapped, "missingLegacyListIds": missing}


def assign_legacy_id(sandbox: Sandbox, list_id: int | str, legacy: int) -> None:
    """Give a list the legacy (v1) id it had before HubSpot's list migration (seeding and tests)."""
    row = load(sandbox, list_id, refresh=False)
    with sandbox.store.transaction() as db:
        db.execute("INSERT OR REPLACE INTO legacy_list_ids (legacy_id, list_id) VALUES (?, ?)", (legacy, row.list_id))


def add_hidden_use(sandbox: Sandbox, list_id: int | str, kind: str, name: str) -> None:
    """A use of the list the public API cannot show (an ads audience, an SMS send, a chatflow...): it
    only raises the list's hs_list_reference_count, as in HubSpot (seeding and tests)."""
    row = load(sandbox, list_id, refresh=False)
    with sandbox.store.transaction() as db:
        db.execute("INSERT INTO list_hidden_uses (list_id, kind, name) VALUES (?, ?, ?)", (row.list_id, kind, name))
