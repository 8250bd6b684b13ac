"""List folders over HTTP (`{prefix}/folders`), for both Lists API prefixes.

Thin: parse the call, delegate to `lists.folders`. `folder_routes(prefix)` is mounted by
`routes_lists`, ahead of `/lists/{listId}`, so `/lists/folders` is never taken for a list id.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Route

from segment_lists.sandbox.api.http import Call, Reply, endpoint
from segment_lists.sandbox.lists import folders

READ = ("crm.lists.read",)
WRITE = ("crm.lists.write",)


def _get(call: Call) -> Any:
    return folders.get_folder(call.sandbox, call.q("folderId", "0") or "0")


def _create(call: Call) -> Any:
    return folders.create_folder(call.sandbox, call.json_object())


def _rename(call: Call) -> Any:
    return folders.rename_folder(call.sandbox, call.param("folderId"), call.q("newFolderName"))


def _move(call: Call) -> Any:
    return folders.move_folder(call.sandbox, call.param("folderId"), call.param("newParentFolderId"))


def _move_list(call: Call) -> Any:
    folders.move_list(call.sandbox, call.json_object())
    return Reply(204)


def _delete(call: Call) -> Any:
    folders.delete_folder(call.sandbox, call.param("folderId"))
    return Reply(204)


def folder_routes(prefix: str) -> list[BaseRoute]:
    p = prefix + "/folders"
    return [
        Route(p, endpoint(_get, scopes=READ), methods=["GET"]),
        Route(p, endpoint(_create, scopes=WRITE), methods=["POST"]),
        Route(p + "/move-list", endpoint(_move_list, scopes=WRITE), methods=["PUT"]),
        Route(p + "/{folderId}", endpoint(_delete, scopes=WRITE), methods=["DELETE"]),
        Route(p + "/{folderId}/rename", endpoint(_rename, scopes=WRITE), methods=["PUT"]),
        Route(p + "/{folderId}/move/{newParentFolderId}", endpoint(_move, scopes=WRITE), methods=["PUT"]),
    ]
