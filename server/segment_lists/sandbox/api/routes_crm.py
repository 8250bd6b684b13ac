"""CRM objects v3: contacts, companies and the generic /crm/v3/objects/{objectType} (basic, batch, search)."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Route

from segment_lists.data.hubspot_limits import BATCH_SIZE, CRM_PAGE
from segment_lists.sandbox.api import versions
from segment_lists.sandbox.api.http import Call, Reply, endpoint, missing_scopes
from segment_lists.sandbox.crm import associations, records, search
from segment_lists.sandbox.crm.object_types import ObjectType, object_type, read_scopes, write_scopes
from segment_lists.sandbox.crm.properties import property_defs
from segment_lists.sandbox.crm.records import Record
from segment_lists.sandbox.errors import HubSpotError, validation_error
from segment_lists.sandbox.instance import Sandbox

MAX_PAGE = CRM_PAGE  # HubSpot's figures, data.hubspot_limits
MAX_BATCH = BATCH_SIZE


def _kind(call: Call, *, write: bool) -> ObjectType:
    """The path's object type, after checking the token holds a scope for it (HubSpot's 403 otherwise)."""
    kind = object_type(call.param("objectType"))
    scopes = write_scopes(kind) if write else read_scopes(kind)
    if not call.sandbox.token_has_any_scope(call.token, scopes):
        raise missing_scopes(scopes)
    return kind


def _not_found() -> HubSpotError:
    return HubSpotError(404, "OBJECT_NOT_FOUND", "resource not found")


def _requested(call: Call, name: str) -> list[str]:
    return call.q_list(name)


def _render(
    sandbox: Sandbox,
    kind: ObjectType,
    record: Record,
    *,
    properties: list[str] | None,
    with_history: list[str] | None = None,
    assoc_types: list[str] | None = None,
) -> dict[str, Any]:
    """SimplePublicObject(WithAssociations). properties None = everything the record has."""
    defs = property_defs(sandbox, kind.type_id)
    if properties is None:
        names = sorted(record.properties)
    elif properties:
        names = search.returned_properties(kind, properties)
    else:
        names = list(kind.default_properties)
    body = search.render(record, names, defs)
    if with_history:
        wanted = [n for n in with_history if n in defs]
        history = records.property_history(sandbox, kind.type_id, record.id, wanted)
        body["propertiesWithHistory"] = {
            name: [
                {
                    "value": value or "",
                    "timestamp": stamp,
                    "sourceType": "CALCULATED" if defs[name].get("calculated") else "API",
                }
                for value, stamp in history.get(name, [])
            ]
            for name in wanted
        }
    if assoc_types:
        found: dict[str, Any] = {}
        for raw in assoc_types:
            try:
                target = object_type(raw)
            except HubSpotError:
                continue  # HubSpot ignores association types it does not know here
            linked = associations.associated(sandbox, kind.type_id, record.id, target.type_id)
            results = [
                {
                    "id": str(to_id),
                    "type": associations.TYPES[(kind.type_id, target.type_id, type_id)].v3_name,
                }
                for to_id in sorted(linked)
                for type_id in sorted(linked[to_id], reverse=True)
                if (kind.type_id, target.type_id, type_id) in associations.TYPES
            ]
            if results:
                found[target.name] = {"results": results}
        if found:
            body["associations"] = found
    return body


def _find(call: Call, kind: ObjectType, raw_id: str, id_property: str | None, *, archived: bool = False) -> Record:
    if id_property and id_property != "hs_object_id":
        if id_property not in property_defs(call.sandbox, kind.type_id):
            raise validation_error(f"Unable to find property {id_property} on object type {kind.name}.")
        record = records.find_by_property(call.sandbox, kind.type_id, id_property, raw_id, archived=archived)
    else:
        record = records.get_record(call.sandbox, kind.type_id, raw_id, archived=archived)
    if record is None:
        raise _not_found()
    return record


def _batch_inputs(body: dict[str, Any]) -> list[Any]:
    inputs = body.get("inputs")
    if not isinstance(inputs, list):
        raise validation_error("Invalid input JSON: inputs must be an array.")
    if len(inputs) > MAX_BATCH:
        raise validation_error(
            f"Batch input is limited to {MAX_BATCH} inputs; got {len(inputs)}.",
            sub_category="BATCH_TOO_LARGE",
        )
    return inputs


def _batch_envelope(
    started: str, sandbox: Sandbox, results: list[Any], errors: list[dict[str, Any]], ok_status: int
) -> Reply:
    body: dict[str, Any] = {
        "status": "COMPLETE",
        "results": results,
        "startedAt": started,
        "completedAt": sandbox.clock.now_iso(),
    }
    if errors:
        body["errors"] = errors
        body["numErrors"] = len(errors)
        return Reply(207, body)
    return Reply(ok_status, body)


def _not_found_error(kind: ObjectType, ids: list[str]) -> dict[str, Any]:
    return {
        "status": "error",
        "category": "OBJECT_NOT_FOUND",
        "message": f"Could not get some {kind.singular.upper()} objects, they may be deleted or not exist. "
        "Check that ids are valid.",
        "context": {"ids": ids},
        "errors": [],
        "links": {},
    }


def _create_associations(sandbox: Sandbox, kind: ObjectType, record_id: int, raw: Any) -> None:
    if not raw:
        return
    if not isinstance(raw, list):
        raise validation_error("Invalid input JSON: associations must be an array.")
    for item in raw:
        to_id = (item.get("to") or {}).get("id") if isinstance(item, dict) else None
        types = item.get("types") if isinstance(item, dict) else None
        if to_id is None or not isinstance(types, list) or not types:
            raise validation_error("Each association needs to.id and types.")
        for spec in types:
            type_id = int(spec.get("associationTypeId", -1))
            match = next((t for (f, _, i), t in associations.TYPES.items() if f == kind.type_id and i == type_id), None)
            if match is None:
                raise validation_error(f"{type_id} is not a valid association type id for {kind.name}.")
            associations.associate(sandbox, kind.type_id, record_id, match.to_type, to_id, [type_id])


def _check_associations(sandbox: Sandbox, kind: ObjectType, raw: Any) -> None:
    """Validate association inputs before anything is written (HubSpot's create is atomic)."""
    for item in raw or []:
        to_id = (item.get("to") or {}).get("id") if isinstance(item, dict) else None
        for spec in (item.get("types") or []) if isinstance(item, dict) else []:
            type_id = int(spec.get("associationTypeId", -1))
            match = next((t for (f, _, i), t in associations.TYPES.items() if f == kind.type_id and i == type_id), None)
            if match is None:
                raise validation_error(f"{type_id} is not a valid association type id for {kind.name}.")
            if records.get_record(sandbox, match.to_type, to_id) is None:
                raise validation_error(f"Cannot associate with {match.to_type} {to_id}: no such record.")


# --- basic -------------------------------------------------------------------------------------------


def get_page(call: Call) -> Any:
    kind = _kind(call, write=False)
    limit = call.q_int("limit", 10) or 10
    if limit < 1 or limit > MAX_PAGE:
        raise validation_error(f"limit must be between 1 and {MAX_PAGE}; got {limit}.")
    after = call.q("after")
    start = 0
    if after:
        try:
            start = int(after)
        except ValueError:
            raise validation_error(f"Invalid after cursor: {after!r}") from None
    archived = call.q_bool("archived")
    properties = _requested(call, "properties")
    history = _requested(call, "propertiesWithHistory")
    assoc = _requested(call, "associations")
    page: list[Record] = []
    next_after: int | None = None
    for record in records.iter_records(call.sandbox, kind.type_id, archived=archived):
        if record.id < start:
            continue
        if len(page) == limit:
            next_after = record.id
            break
        page.append(record)
    body: dict[str, Any] = {
        "results": [
            _render(call.sandbox, kind, r, properties=properties, with_history=history, assoc_types=assoc) for r in page
        ]
    }
    if next_after is not None:
        body["paging"] = {"next": {"after": str(next_after), "link": f"{call.path}?after={next_after}"}}
    return body


def get_by_id(call: Call) -> Any:
    kind = _kind(call, write=False)
    record = _find(call, kind, call.param("objectId"), call.q("idProperty"), archived=call.q_bool("archived"))
    return _render(
        call.sandbox,
        kind,
        record,
        properties=_requested(call, "properties"),
        with_history=_requested(call, "propertiesWithHistory"),
        assoc_types=_requested(call, "associations"),
    )


def create(call: Call) -> Any:
    kind = _kind(call, write=True)
    body = call.json_object()
    properties = body.get("properties") or {}
    _check_associations(call.sandbox, kind, body.get("associations"))
    with call.sandbox.store.lock:
        record = records.create_records(call.sandbox, kind.type_id, [properties])[0]
        _create_associations(call.sandbox, kind, record.id, body.get("associations"))
    return Reply(201, _render(call.sandbox, kind, record, properties=None))


def update(call: Call) -> Any:
    kind = _kind(call, write=True)
    body = call.json_object()
    with call.sandbox.store.lock:
        record = _find(call, kind, call.param("objectId"), call.q("idProperty"))
        updated = records.update_records(call.sandbox, kind.type_id, [(record.id, body.get("properties") or {})])
    return _render(call.sandbox, kind, updated[0] if updated else record, properties=None)


def archive(call: Call) -> Any:
    kind = _kind(call, write=True)
    records.archive_records(call.sandbox, kind.type_id, [call.param("objectId")])
    return None


def search_records(call: Call) -> Any:
    kind = _kind(call, write=False)
    return search.search(call.sandbox, kind, call.body)


# --- batch -------------------------------------------------------------------------------------------


def batch_read(call: Call) -> Any:
    kind = _kind(call, write=False)
    started = call.sandbox.clock.now_iso()
    body = call.json_object()
    inputs = _batch_inputs(body)
    archived = call.q_bool("archived")
    id_property = body.get("idProperty")
    properties = [str(p) for p in body.get("properties") or []]
    history = [str(p) for p in body.get("propertiesWithHistory") or []]
    results, missing = [], []
    seen: set[int] = set()
    for item in inputs:
        raw_id = str(item.get("id")) if isinstance(item, dict) else str(item)
        try:
            record = _find(call, kind, raw_id, id_property, archived=archived)
        except HubSpotError as error:
            if error.status != 404:
                raise
            missing.append(raw_id)
            continue
        if record.id in seen:
            continue
        seen.add(record.id)
        results.append(_render(call.sandbox, kind, record, properties=properties, with_history=history))
    errors = [_not_found_error(kind, missing)] if missing else []
    return _batch_envelope(started, call.sandbox, results, errors, 200)


def batch_create(call: Call) -> Any:
    kind = _kind(call, write=True)
    started = call.sandbox.clock.now_iso()
    inputs = _batch_inputs(call.json_object())
    for item in inputs:
        if not isinstance(item, dict):
            raise validation_error("Invalid input JSON: each input must be an object.")
        _check_associations(call.sandbox, kind, item.get("associations"))
    with call.sandbox.store.lock:
        created = records.create_records(call.sandbox, kind.type_id, [i.get("properties") or {} for i in inputs])
        for record, item in zip(created, inputs, strict=True):
            _create_associations(call.sandbox, kind, record.id, item.get("associations"))
    results = [_render(call.sandbox, kind, r, properties=None) for r in created]
    return _batch_envelope(started, call.sandbox, results, [], 201)


def batch_update(call: Call) -> Any:
    kind = _kind(call, write=True)
    started = call.sandbox.clock.now_iso()
    inputs = _batch_inputs(call.json_object())
    with call.sandbox.store.lock:
        updates: list[tuple[int, dict[str, Any]]] = []
        missing: list[str] = []
        for item in inputs:
            if not isinstance(item, dict) or item.get("id") is None:
                raise validation_error("Invalid input JSON: each input needs an id.")
            try:
                record = _find(call, kind, str(item["id"]), item.get("idProperty"))
            except HubSpotError as error:
                if error.status != 404:
                    raise
                missing.append(str(item["id"]))
                continue
            updates.append((record.id, item.get("properties") or {}))
        # Validate everything before writing anything (a bad value fails the whole batch with 400).
        for _, values in updates:
            records.validate_properties(call.sandbox, kind.type_id, values)
        touched = records.update_records(call.sandbox, kind.type_id, updates)
    results = [_render(call.sandbox, kind, r, properties=None) for r in touched]
    errors = [_not_found_error(kind, missing)] if missing else []
    return _batch_envelope(started, call.sandbox, results, errors, 200)


def batch_upsert(call: Call) -> Any:
    kind = _kind(call, write=True)
    started = call.sandbox.clock.now_iso()
    inputs = _batch_inputs(call.json_object())
    allowed = {"hs_object_id", *([kind.unique_property] if kind.unique_property else [])}
    if kind.name == "companies":
        allowed.add("domain")  # sandbox leniency: HubSpot needs a unique-value property (unconfirmed for domain)
    plan: list[tuple[int | None, dict[str, Any]]] = []
    with call.sandbox.store.lock:
        for item in inputs:
            if not isinstance(item, dict) or item.get("id") in (None, ""):
                raise validation_error("Invalid input JSON: each upsert input needs an id.")
            id_property = item.get("idProperty") or "hs_object_id"
            if id_property not in allowed:
                raise validation_error(
                    f"{id_property} is not a unique identifier property for {kind.name}; "
                    f"use one of {', '.join(sorted(allowed))}."
                )
            properties = dict(item.get("properties") or {})
            if id_property == "hs_object_id":
                existing = records.get_record(call.sandbox, kind.type_id, item["id"])
                if existing is None:
                    raise validation_error(
                        f"Cannot upsert by hs_object_id: {kind.singular} {item['id']} does not exist."
                    )
            else:
                existing = records.find_by_property(call.sandbox, kind.type_id, id_property, str(item["id"]))
                properties.setdefault(id_property, str(item["id"]))
            records.validate_properties(call.sandbox, kind.type_id, properties)
            plan.append((existing.id if existing else None, properties))
        new_inputs = [p for rid, p in plan if rid is None]
        created = iter(records.create_records(call.sandbox, kind.type_id, new_inputs)) if new_inputs else iter([])
        updated = {
            r.id: r
            for r in records.update_records(
                call.sandbox, kind.type_id, [(rid, p) for rid, p in plan if rid is not None]
            )
        }
        results = []
        for rid, _ in plan:
            record, is_new = (next(created), True) if rid is None else (updated.get(rid), False)
            if record is None:
                continue
            results.append({**_render(call.sandbox, kind, record, properties=None), "new": is_new})
    return _batch_envelope(started, call.sandbox, results, [], 200)


def batch_archive(call: Call) -> Any:
    kind = _kind(call, write=True)
    inputs = _batch_inputs(call.json_object())
    records.archive_records(call.sandbox, kind.type_id, [i.get("id") if isinstance(i, dict) else i for i in inputs])
    return None


def routes() -> list[BaseRoute]:
    return [route for prefix in versions.OBJECTS for route in _routes(prefix + "/{objectType}")]


def _routes(base: str) -> list[BaseRoute]:
    return [
        Route(base, endpoint(get_page), methods=["GET"]),
        Route(base, endpoint(create), methods=["POST"]),
        Route(base + "/search", endpoint(search_records), methods=["POST"]),
        Route(base + "/batch/read", endpoint(batch_read), methods=["POST"]),
        Route(base + "/batch/create", endpoint(batch_create), methods=["POST"]),
        Route(base + "/batch/update", endpoint(batch_update), methods=["POST"]),
        Route(base + "/batch/upsert", endpoint(batch_upsert), methods=["POST"]),
        Route(base + "/batch/archive", endpoint(batch_archive), methods=["POST"]),
        Route(base + "/{objectId}", endpoint(get_by_id), methods=["GET"]),
        Route(base + "/{objectId}", endpoint(update), methods=["PATCH"]),
        Route(base + "/{objectId}", endpoint(archive), methods=["DELETE"]),
    ]
