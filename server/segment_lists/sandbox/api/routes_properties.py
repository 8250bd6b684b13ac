"""Properties v3: `/crm/v3/properties/{objectType}` (list, get, create, update, archive, groups)."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Route

from segment_lists.sandbox.api import versions
from segment_lists.sandbox.api.http import Call, Reply, endpoint, missing_scopes
from segment_lists.sandbox.crm import properties
from segment_lists.sandbox.crm.object_types import ObjectType, object_type


def _kind(call: Call, *, write: bool) -> ObjectType:
    """Object type from the path; the token needs the type's schema scope (or, to read, an object scope)."""
    kind = object_type(call.param("objectType"))
    name = kind.scope_name
    scopes = (
        (f"crm.schemas.{name}.write",)
        if write
        else (
            f"crm.schemas.{name}.read",
            f"crm.schemas.{name}.write",
            f"crm.objects.{name}.read",
            f"crm.objects.{name}.write",
        )
    )
    if not call.sandbox.token_has_any_scope(call.token, scopes):
        raise missing_scopes(scopes)
    return kind


def get_all(call: Call) -> Any:
    kind = _kind(call, write=False)
    archived = call.q_bool("archived")
    wanted = set(call.q_list("properties"))
    defs = properties.property_defs(call.sandbox, kind.type_id, archived=archived)
    results = [d for name, d in defs.items() if not wanted or name in wanted]
    return {"results": results}


def get_by_name(call: Call) -> Any:
    kind = _kind(call, write=False)
    return properties.get_property(
        call.sandbox, kind.type_id, call.param("propertyName"), archived=call.q_bool("archived")
    )


def create(call: Call) -> Any:
    kind = _kind(call, write=True)
    return Reply(201, properties.create_property(call.sandbox, kind.type_id, call.json_object()))


def update(call: Call) -> Any:
    kind = _kind(call, write=True)
    return properties.update_property(call.sandbox, kind.type_id, call.param("propertyName"), call.json_object())


def archive(call: Call) -> Any:
    kind = _kind(call, write=True)
    properties.archive_property(call.sandbox, kind.type_id, call.param("propertyName"))
    return None


def get_groups(call: Call) -> Any:
    kind = _kind(call, write=False)
    return {"results": properties.groups(call.sandbox, kind.type_id)}


def routes() -> list[BaseRoute]:
    return [route for prefix in versions.PROPERTIES for route in _routes(prefix + "/{objectType}")]


def _routes(base: str) -> list[BaseRoute]:
    return [
        Route(base, endpoint(get_all), methods=["GET"]),
        Route(base, endpoint(create), methods=["POST"]),
        Route(base + "/groups", endpoint(get_groups), methods=["GET"]),
        Route(base + "/{propertyName}", endpoint(get_by_name), methods=["GET"]),
        Route(base + "/{propertyName}", endpoint(update), methods=["PATCH"]),
        Route(base + "/{propertyName}", endpoint(archive), methods=["DELETE"]),
    ]
