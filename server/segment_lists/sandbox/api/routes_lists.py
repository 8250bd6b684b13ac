"""The Lists (segments) API over HTTP: `/crm/v3/lists/...` and the same service at every GA date
version (`/crm/lists/2026-03/...`, `/crm/lists/2026-09/...`; `versions.LISTS`).

Where the versions' request shapes differ, the route checks the version's: the date versions'
ListSearchRequest requires `listIds` and `processingTypes` (v3's only `offset` and
`additionalProperties`), and 2026-09 adds `POST .../all` (HubSpot's specs per version,
tests/hubspot/openapi/).

Thin: parse the call (the SDK's quirks are handled by `Call`), delegate to `lists.service` and
`lists.memberships`. The folder routes (`routes_folders`) are mounted here, first, so
`/lists/folders` is never taken for a list id.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Route

from segment_lists.sandbox.api import versions
from segment_lists.sandbox.api.http import Call, Reply, endpoint
from segment_lists.sandbox.api.routes_folders import folder_routes
from segment_lists.sandbox.errors import parse_id, validation_error
from segment_lists.sandbox.lists import memberships, service

READ = ("crm.lists.read",)
WRITE = ("crm.lists.write",)


def _create(call: Call) -> Any:
    return service.create_list(call.sandbox, call.json_object())


def _get_many(call: Call) -> Any:
    return service.get_many(call.sandbox, call.q_list("listIds"), call.q_bool("includeFilters"))


def _get(call: Call) -> Any:
    return service.get_list(call.sandbox, call.param("listId"), call.q_bool("includeFilters"))


def _get_by_name(call: Call) -> Any:
    # The path is percent-decoded once by the server; decoding again would corrupt names with '%'.
    return service.get_by_name(
        call.sandbox,
        call.path_params["objectTypeId"],
        call.path_params["listName"],
        call.q_bool("includeFilters"),
    )


# What each version's ListSearchRequest requires beyond v3's (HubSpot's per-version specs, e.g.
# CRM/Lists/Rollouts/144891/2026-03/lists.json#/components/schemas/ListSearchRequest/required). v3's own
# required fields are not enforced: HubSpot's docs and SDK examples send `{}` and partial bodies.
DATED_SEARCH_REQUIRED = ("listIds", "processingTypes")


def _search(call: Call) -> Any:
    body = call.json_object() if call.body is not None else {}
    if call.date_version is not None:
        missing = [name for name in DATED_SEARCH_REQUIRED if name not in body]
        if missing:
            raise validation_error(f"Some required fields were not set: [{', '.join(missing)}]")
    return service.search(call.sandbox, body)


def _all(call: Call) -> Any:
    return service.list_all(call.sandbox, call.json_object())


def _update_name(call: Call) -> Any:
    return service.update_name(call.sandbox, call.param("listId"), call.q("listName"), call.q_bool("includeFilters"))


def _update_filters(call: Call) -> Any:
    call.q_bool("enrollObjectsInWorkflows")  # validated, no effect (no workflows run in the sandbox)
    return service.update_filters(call.sandbox, call.param("listId"), call.json_object())


def _delete(call: Call) -> Any:
    service.delete_list(call.sandbox, call.param("listId"))
    return Reply(204)


def _restore(call: Call) -> Any:
    service.restore_list(call.sandbox, call.param("listId"))
    return Reply(204)


def _members(call: Call) -> Any:
    return memberships.memberships_page(
        call.sandbox,
        call.param("listId"),
        call.q("after"),
        call.q("before"),
        call.q_int("limit"),
        join_order=False,
    )


def _members_join_order(call: Call) -> Any:
    return memberships.memberships_page(
        call.sandbox,
        call.param("listId"),
        call.q("after"),
        call.q("before"),
        call.q_int("limit"),
        join_order=True,
    )


def _add(call: Call) -> Any:
    return memberships.change_memberships(call.sandbox, call.param("listId"), call.json_array(), [])


def _remove(call: Call) -> Any:
    return memberships.change_memberships(call.sandbox, call.param("listId"), [], call.json_array())


def _add_and_remove(call: Call) -> Any:
    body = call.json_object()
    to_add, to_remove = body.get("recordIdsToAdd", []), body.get("recordIdsToRemove", [])
    if not isinstance(to_add, list) or not isinstance(to_remove, list):
        raise validation_error("recordIdsToAdd and recordIdsToRemove must be arrays of record ids.")
    return memberships.change_memberships(call.sandbox, call.param("listId"), to_add, to_remove)


def _add_from(call: Call) -> Any:
    memberships.add_from(call.sandbox, call.param("listId"), call.param("sourceListId"))
    return Reply(204)


def _remove_all(call: Call) -> Any:
    memberships.remove_all(call.sandbox, call.param("listId"))
    return Reply(204)


def _record_memberships(call: Call) -> Any:
    record = parse_id(call.param("recordId"), "record id")
    results = memberships.record_memberships(call.sandbox, call.param("objectTypeId"), record)
    return {"results": results, "total": len(results)}


def _batch_memberships(call: Call) -> Any:
    status, body = memberships.batch_record_memberships(call.sandbox, call.json_object())
    return body if status == 200 else Reply(status, body)


def _history(call: Call) -> Any:
    return service.size_and_edits(call.sandbox, call.param("listId"), call.q("startDate"), call.q("endDate"))


def _get_conversion(call: Call) -> Any:
    return service.get_conversion(call.sandbox, call.param("listId"))


def _put_conversion(call: Call) -> Any:
    return service.set_conversion(call.sandbox, call.param("listId"), call.json_object())


def _delete_conversion(call: Call) -> Any:
    service.delete_conversion(call.sandbox, call.param("listId"))
    return Reply(204)


def _idmapping_get(call: Call) -> Any:
    return service.legacy_id(call.sandbox, call.q("legacyListId"))


def _idmapping_post(call: Call) -> Any:
    return service.legacy_ids(call.sandbox, call.json_array())


def _list_routes(prefix: str) -> list[BaseRoute]:
    p = prefix
    return [
        Route(p, endpoint(_get_many, scopes=READ), methods=["GET"]),
        Route(p + "/", endpoint(_get_many, scopes=READ), methods=["GET"]),
        Route(p, endpoint(_create, scopes=WRITE), methods=["POST"]),
        Route(p + "/", endpoint(_create, scopes=WRITE), methods=["POST"]),
        Route(p + "/search", endpoint(_search, scopes=READ), methods=["POST"]),
        *(
            [Route(p + "/all", endpoint(_all, scopes=READ), methods=["POST"])]
            if versions.date_version(p) in versions.LIST_ALL_DATES
            else []
        ),
        Route(p + "/idmapping", endpoint(_idmapping_get, scopes=READ), methods=["GET"]),
        Route(p + "/idmapping", endpoint(_idmapping_post, scopes=READ), methods=["POST"]),
        Route(p + "/records/memberships/batch/read", endpoint(_batch_memberships, scopes=READ), methods=["POST"]),
        Route(
            p + "/records/{objectTypeId}/{recordId}/memberships",
            endpoint(_record_memberships, scopes=READ),
            methods=["GET"],
        ),
        Route(
            p + "/object-type-id/{objectTypeId}/name/{listName:path}",
            endpoint(_get_by_name, scopes=READ),
            methods=["GET"],
        ),
        Route(p + "/{listId}", endpoint(_get, scopes=READ), methods=["GET"]),
        Route(p + "/{listId}", endpoint(_delete, scopes=WRITE), methods=["DELETE"]),
        Route(p + "/{listId}/restore", endpoint(_restore, scopes=WRITE), methods=["PUT"]),
        Route(p + "/{listId}/update-list-name", endpoint(_update_name, scopes=WRITE), methods=["PUT"]),
        Route(p + "/{listId}/update-list-filters", endpoint(_update_filters, scopes=WRITE), methods=["PUT"]),
        Route(p + "/{listId}/memberships", endpoint(_members, scopes=READ), methods=["GET"]),
        Route(p + "/{listId}/memberships", endpoint(_remove_all, scopes=WRITE), methods=["DELETE"]),
        Route(
            p + "/{listId}/memberships/join-order",
            endpoint(_members_join_order, scopes=READ),
            methods=["GET"],
        ),
        Route(p + "/{listId}/memberships/add", endpoint(_add, scopes=WRITE), methods=["PUT"]),
        Route(p + "/{listId}/memberships/remove", endpoint(_remove, scopes=WRITE), methods=["PUT"]),
        Route(
            p + "/{listId}/memberships/add-and-remove",
            endpoint(_add_and_remove, scopes=WRITE),
            methods=["PUT"],
        ),
        Route(
            p + "/{listId}/memberships/add-from/{sourceListId}",
            endpoint(_add_from, scopes=WRITE),
            methods=["PUT"],
        ),
        Route(p + "/{listId}/size-and-edits-history/between", endpoint(_history, scopes=READ), methods=["GET"]),
        Route(p + "/{listId}/schedule-conversion", endpoint(_get_conversion, scopes=READ), methods=["GET"]),
        Route(p + "/{listId}/schedule-conversion", endpoint(_put_conversion, scopes=WRITE), methods=["PUT"]),
        Route(
            p + "/{listId}/schedule-conversion",
            endpoint(_delete_conversion, scopes=WRITE),
            methods=["DELETE"],
        ),
    ]


def routes() -> list[BaseRoute]:
    found: list[BaseRoute] = []
    for prefix in versions.LISTS:
        found.extend(folder_routes(prefix))
        found.extend(_list_routes(prefix))
    return found
