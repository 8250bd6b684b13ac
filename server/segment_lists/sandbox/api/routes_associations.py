"""Associations v4 between contacts and companies (create default/labelled, batch, read, delete)."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Route

from segment_lists.sandbox.api import versions
from segment_lists.sandbox.api.http import Call, Reply, endpoint, missing_scopes
from segment_lists.sandbox.crm import associations
from segment_lists.sandbox.crm.object_types import ObjectType, object_type, read_scopes, write_scopes
from segment_lists.sandbox.errors import HubSpotError, validation_error

MAX_BATCH = 1000  # HubSpot's v4 association batches take up to 1,000 inputs (docs)
MAX_PAGE = 500


def _kinds(call: Call, from_param: str, to_param: str, *, write: bool) -> tuple[ObjectType, ObjectType]:
    a, b = object_type(call.param(from_param)), object_type(call.param(to_param))
    if (a.type_id, b.type_id) not in associations.DEFAULT_TYPE:
        raise validation_error(f"Associations between {a.name} and {b.name} are not supported by this portal.")
    for kind in (a, b):
        scopes = write_scopes(kind) if write else read_scopes(kind)
        if not call.sandbox.token_has_any_scope(call.token, scopes):
            raise missing_scopes(scopes)
    return a, b


def _types_out(kind_from: ObjectType, kind_to: ObjectType, type_ids: set[int]) -> list[dict[str, Any]]:
    out = []
    for type_id in sorted(type_ids):
        t = associations.TYPES[(kind_from.type_id, kind_to.type_id, type_id)]
        # HubSpot sends "label": null for unlabeled types; the spec's label is a non-nullable string: omit it.
        out.append({"category": t.category, "typeId": t.type_id, **({"label": t.label} if t.label else {})})
    return out


def _labels_pair(
    a: ObjectType, a_id: int | str, b: ObjectType, b_id: int | str, kinds: list[associations.AssociationType]
) -> dict[str, Any]:
    return {
        "fromObjectTypeId": a.type_id,
        "fromObjectId": str(a_id),
        "toObjectTypeId": b.type_id,
        "toObjectId": str(b_id),
        "labels": [k.label for k in kinds if k.label],
    }


def _spec_ids(specs: Any) -> list[int]:
    if not isinstance(specs, list) or not specs:
        raise validation_error("Invalid input JSON: expected a non-empty array of association types.")
    ids = []
    for spec in specs:
        if not isinstance(spec, dict) or spec.get("associationTypeId") is None:
            raise validation_error("Each association type needs associationCategory and associationTypeId.")
        if spec.get("associationCategory", "HUBSPOT_DEFINED") != "HUBSPOT_DEFINED":
            # Only HubSpot's built-in contact/company types exist in the sandbox (no custom labels).
            raise validation_error(
                f"Association type {spec.get('associationTypeId')} of category "
                f"{spec.get('associationCategory')} does not exist."
            )
        ids.append(int(spec["associationTypeId"]))
    return ids


def create_default(call: Call) -> Any:
    a, b = _kinds(call, "fromObjectType", "toObjectType", write=True)
    started = call.sandbox.clock.now_iso()
    from_id, to_id = call.param("fromObjectId"), call.param("toObjectId")
    associations.associate_default(call.sandbox, a.type_id, from_id, b.type_id, to_id)
    forward = associations.DEFAULT_TYPE[(a.type_id, b.type_id)]
    backward = associations.DEFAULT_TYPE[(b.type_id, a.type_id)]
    return {
        "status": "COMPLETE",
        "startedAt": started,
        "completedAt": call.sandbox.clock.now_iso(),
        "results": [
            {
                "from": {"id": str(from_id)},
                "to": {"id": str(to_id)},
                "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": forward},
            },
            {
                "from": {"id": str(to_id)},
                "to": {"id": str(from_id)},
                "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": backward},
            },
        ],
    }


def create_labelled(call: Call) -> Any:
    a, b = _kinds(call, "objectType", "toObjectType", write=True)
    from_id, to_id = call.param("objectId"), call.param("toObjectId")
    kinds = associations.associate(call.sandbox, a.type_id, from_id, b.type_id, to_id, _spec_ids(call.body))
    return Reply(201, _labels_pair(a, from_id, b, to_id, kinds))


def archive(call: Call) -> Any:
    a, b = _kinds(call, "objectType", "toObjectType", write=True)
    associations.remove(call.sandbox, a.type_id, call.param("objectId"), b.type_id, call.param("toObjectId"))
    return None


def get_page(call: Call) -> Any:
    a, b = _kinds(call, "objectType", "toObjectType", write=False)
    limit = call.q_int("limit", MAX_PAGE) or MAX_PAGE
    if limit < 1 or limit > MAX_PAGE:
        raise validation_error(f"limit must be between 1 and {MAX_PAGE}; got {limit}.")
    start = call.q_int("after", 0) or 0
    linked = associations.associated(call.sandbox, a.type_id, int(call.param("objectId")), b.type_id)
    ids = [i for i in sorted(linked) if i >= start]
    page = ids[:limit]
    body: dict[str, Any] = {
        "results": [{"toObjectId": str(i), "associationTypes": _types_out(a, b, linked[i])} for i in page]
    }
    if len(ids) > limit:
        body["paging"] = {"next": {"after": str(ids[limit])}}
    return body


def _batch_inputs(call: Call) -> list[Any]:
    inputs = call.json_object().get("inputs")
    if not isinstance(inputs, list):
        raise validation_error("Invalid input JSON: inputs must be an array.")
    if len(inputs) > MAX_BATCH:
        raise validation_error(f"Batch input is limited to {MAX_BATCH} inputs; got {len(inputs)}.")
    return inputs


def _envelope(call: Call, started: str, results: list[Any], errors: list[dict[str, Any]], ok: int) -> Reply:
    body: dict[str, Any] = {
        "status": "COMPLETE",
        "results": results,
        "startedAt": started,
        "completedAt": call.sandbox.clock.now_iso(),
    }
    if errors:
        body.update(errors=errors, numErrors=len(errors))
        return Reply(207, body)
    return Reply(ok, body)


def _error(category: str, message: str, **context: list[str]) -> dict[str, Any]:
    # StandardError.subCategory is an object in the spec (HubSpot sends a string such as
    # "crm.associations.NO_ASSOCIATIONS_FOUND"): left out so responses match the spec.
    return {
        "status": "error",
        "category": category,
        "message": message,
        "context": context,
        "errors": [],
        "links": {},
    }


def batch_create(call: Call) -> Any:
    a, b = _kinds(call, "fromObjectType", "toObjectType", write=True)
    started = call.sandbox.clock.now_iso()
    results, errors = [], []
    for item in _batch_inputs(call):
        from_id = ((item or {}).get("from") or {}).get("id")
        to_id = ((item or {}).get("to") or {}).get("id")
        try:
            if from_id is None or to_id is None:
                raise validation_error("Each input needs from.id and to.id.")
            kinds = associations.associate(
                call.sandbox, a.type_id, from_id, b.type_id, to_id, _spec_ids(item.get("types"))
            )
        except HubSpotError as error:
            errors.append(_error(error.category, error.message, fromId=[str(from_id)], toId=[str(to_id)]))
            continue
        results.append(_labels_pair(a, from_id, b, to_id, kinds))
    return _envelope(call, started, results, errors, 201)


def batch_associate_default(call: Call) -> Any:
    a, b = _kinds(call, "fromObjectType", "toObjectType", write=True)
    started = call.sandbox.clock.now_iso()
    results, errors = [], []
    forward = associations.DEFAULT_TYPE[(a.type_id, b.type_id)]
    for item in _batch_inputs(call):
        from_id = ((item or {}).get("from") or {}).get("id")
        to_id = ((item or {}).get("to") or {}).get("id")
        try:
            associations.associate_default(call.sandbox, a.type_id, from_id, b.type_id, to_id)
        except HubSpotError as error:
            errors.append(_error(error.category, error.message, fromId=[str(from_id)], toId=[str(to_id)]))
            continue
        results.append(
            {
                "from": {"id": str(from_id)},
                "to": {"id": str(to_id)},
                "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": forward},
            }
        )
    body: dict[str, Any] = {
        "status": "COMPLETE",
        "results": results,
        "startedAt": started,
        "completedAt": call.sandbox.clock.now_iso(),
    }
    if errors:
        body.update(errors=errors, numErrors=len(errors))
    return body  # the spec only has 200 for this operation


def batch_read(call: Call) -> Any:
    a, b = _kinds(call, "fromObjectType", "toObjectType", write=False)
    started = call.sandbox.clock.now_iso()
    results, errors = [], []
    for item in _batch_inputs(call):
        raw_id = str((item or {}).get("id"))
        try:
            linked = associations.associated(call.sandbox, a.type_id, int(raw_id), b.type_id)
        except ValueError:
            linked = {}
        if not linked:
            errors.append(
                _error(
                    "OBJECT_NOT_FOUND",
                    f"No {b.singular} is associated with {a.singular} {raw_id}.",
                    fromId=[raw_id],
                )
            )
            continue
        results.append(
            {
                "from": {"id": raw_id},
                "to": [{"toObjectId": str(i), "associationTypes": _types_out(a, b, linked[i])} for i in sorted(linked)],
            }
        )
    return _envelope(call, started, results, errors, 200)


def batch_archive(call: Call) -> Any:
    a, b = _kinds(call, "fromObjectType", "toObjectType", write=True)
    for item in _batch_inputs(call):
        from_id = ((item or {}).get("from") or {}).get("id")
        for to in (item or {}).get("to") or []:
            if from_id is not None and (to or {}).get("id") is not None:
                associations.remove(call.sandbox, a.type_id, from_id, b.type_id, to["id"])
    return None


def batch_archive_labels(call: Call) -> Any:
    a, b = _kinds(call, "fromObjectType", "toObjectType", write=True)
    for item in _batch_inputs(call):
        from_id = ((item or {}).get("from") or {}).get("id")
        to_id = ((item or {}).get("to") or {}).get("id")
        if from_id is not None and to_id is not None:
            associations.remove(call.sandbox, a.type_id, from_id, b.type_id, to_id, _spec_ids(item.get("types")))
    return None


def labels(call: Call) -> Any:
    """GET /crm/associations/<version>/{from}/{to}/labels (and v4's): the association types between two
    object types (CollectionResponseAssociationSpecWithLabelNoPaging of the associations schema specs)."""
    a, b = _kinds(call, "fromObjectType", "toObjectType", write=False)
    ids = {t.type_id for t in associations.TYPES.values() if (t.from_type, t.to_type) == (a.type_id, b.type_id)}
    return {"results": _types_out(a, b, ids)}


def routes() -> list[BaseRoute]:
    pairs = zip(versions.ASSOCIATION_BATCHES, versions.ASSOCIATION_RECORDS, strict=True)
    return [route for batches, records in pairs for route in _routes(batches, records)]


def _routes(batches: str, records: str) -> list[BaseRoute]:
    batch = batches + "/{fromObjectType}/{toObjectType}/batch"
    obj = records + "/{objectType}/{objectId}/associations/{toObjectType}"
    return [
        Route(
            records + "/{fromObjectType}/{fromObjectId}/associations/default/{toObjectType}/{toObjectId}",
            endpoint(create_default),
            methods=["PUT"],
        ),
        Route(batches + "/{fromObjectType}/{toObjectType}/labels", endpoint(labels), methods=["GET"]),
        Route(obj, endpoint(get_page), methods=["GET"]),
        Route(obj + "/{toObjectId}", endpoint(create_labelled), methods=["PUT"]),
        Route(obj + "/{toObjectId}", endpoint(archive), methods=["DELETE"]),
        Route(batch + "/create", endpoint(batch_create), methods=["POST"]),
        Route(batch + "/associate/default", endpoint(batch_associate_default), methods=["POST"]),
        Route(batch + "/read", endpoint(batch_read), methods=["POST"]),
        Route(batch + "/archive", endpoint(batch_archive), methods=["POST"]),
        Route(batch + "/labels/archive", endpoint(batch_archive_labels), methods=["POST"]),
    ]
