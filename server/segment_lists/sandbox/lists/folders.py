"""List folders: a tree under the implicit root folder "0" (`/crm/v3/lists/folders`).

A folder fetch returns the folder with its whole subtree in `childNodes`; only the requested folder
lists its `childLists` (reference §7). Deleting a folder that still holds folders or lists is
refused (HubSpot's exact answer is unconfirmed: a 400 here). Each operation takes the raw ids and
names of the call and returns HubSpot's JSON (None: 204).
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from segment_lists.sandbox.errors import HubSpotError, not_found, parse_id, validation_error
from segment_lists.sandbox.lists import tables

if TYPE_CHECKING:
    from segment_lists.sandbox.instance import Sandbox

ROOT_NAME = "Root"  # HubSpot's name for the root folder is undocumented


def _folder_id(raw: Any, what: str = "folder id") -> int:
    # Folder ids are int32 in HubSpot's spec (ListCreateRequest.listFolderId); the root folder is 0.
    return parse_id(raw, what, maximum=2**31 - 1)


def _missing(folder_id: int) -> HubSpotError:
    return not_found(f"List folder with id {folder_id} does not exist.")


def _row(db: sqlite3.Connection, folder_id: int) -> sqlite3.Row | None:
    return db.execute("SELECT * FROM list_folders WHERE id = ?", (folder_id,)).fetchone()


def _require(db: sqlite3.Connection, folder_id: int) -> None:
    if not tables.folder_exists(db, folder_id):
        raise _missing(folder_id)


def _not_root(folder_id: int, action: str) -> None:
    if folder_id == 0:
        raise validation_error(f"The root folder cannot be {action}.")


def folder_json(db: sqlite3.Connection, folder_id: int, *, with_lists: bool) -> dict[str, Any]:
    children = [
        int(r["id"]) for r in db.execute("SELECT id FROM list_folders WHERE parent_id = ? ORDER BY id", (folder_id,))
    ]
    lists = (
        [
            int(r["list_id"])
            for r in db.execute(
                "SELECT list_id FROM lists WHERE folder_id = ? AND deleted_at IS NULL ORDER BY list_id",
                (folder_id,),
            )
        ]
        if with_lists
        else []
    )
    out: dict[str, Any] = {
        "id": str(folder_id),
        "parentFolderId": "0",
        "name": ROOT_NAME,
        "userId": int(tables.ACTING_USER_ID),
    }
    row = _row(db, folder_id) if folder_id else None
    if row is not None:
        out.update(
            {
                "name": row["name"],
                "parentFolderId": str(row["parent_id"]),
                "createdAt": row["created_at"],
                "updatedAt": row["updated_at"],
                "updatedContentsAt": row["updated_contents_at"],
                "userId": int(row["user_id"]),
            }
        )
    out["childNodes"] = [folder_json(db, child, with_lists=False) for child in children]
    out["childLists"] = lists
    return out


def get_folder(sandbox: Sandbox, raw_id: str) -> dict[str, Any]:
    folder_id = _folder_id(raw_id)
    with sandbox.store.read() as db:
        _require(db, folder_id)
        return {"folder": folder_json(db, folder_id, with_lists=True)}


def create_folder(sandbox: Sandbox, body: dict[str, Any]) -> dict[str, Any]:
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise validation_error(
            "name is required and must be a non-empty string.", errors=[{"message": "required", "in": "name"}]
        )
    parent = _folder_id(body.get("parentFolderId") or "0", "parentFolderId")
    now = sandbox.clock.now_iso()
    with sandbox.store.transaction() as db:
        _require(db, parent)
        cursor = db.execute(
            "INSERT INTO list_folders (name, parent_id, created_at, updated_at, updated_contents_at, "
            "user_id) VALUES (?, ?, ?, ?, ?, ?)",
            (name.strip(), parent, now, now, now, int(tables.ACTING_USER_ID)),
        )
        db.execute("UPDATE list_folders SET updated_contents_at = ? WHERE id = ?", (now, parent))
        return {"folder": folder_json(db, int(cursor.lastrowid or 0), with_lists=True)}


def rename_folder(sandbox: Sandbox, raw_id: str, name: str | None) -> dict[str, Any]:
    folder_id = _folder_id(raw_id)
    if name is None or not name.strip():
        raise validation_error("The newFolderName query parameter is required and must not be empty.")
    _not_root(folder_id, "renamed")
    with sandbox.store.transaction() as db:
        _require(db, folder_id)
        db.execute(
            "UPDATE list_folders SET name = ?, updated_at = ? WHERE id = ?",
            (name.strip(), sandbox.clock.now_iso(), folder_id),
        )
        return {"folder": folder_json(db, folder_id, with_lists=True)}


def move_folder(sandbox: Sandbox, raw_id: str, raw_parent: str) -> dict[str, Any]:
    folder_id = _folder_id(raw_id)
    parent = _folder_id(raw_parent, "newParentFolderId")
    _not_root(folder_id, "moved")
    now = sandbox.clock.now_iso()
    with sandbox.store.transaction() as db:
        _require(db, folder_id)
        _require(db, parent)
        ancestor = parent
        while ancestor != 0:  # a folder cannot move into itself or one of its descendants
            if ancestor == folder_id:
                raise validation_error(f"Folder {folder_id} cannot be moved into itself or one of its subfolders.")
            row = _row(db, ancestor)
            ancestor = int(row["parent_id"]) if row else 0
        old = _row(db, folder_id)
        db.execute("UPDATE list_folders SET parent_id = ?, updated_at = ? WHERE id = ?", (parent, now, folder_id))
        db.execute(
            "UPDATE list_folders SET updated_contents_at = ? WHERE id IN (?, ?)",
            (now, parent, int(old["parent_id"]) if old else 0),
        )
        return {"folder": folder_json(db, folder_id, with_lists=True)}


def move_list(sandbox: Sandbox, body: dict[str, Any]) -> None:
    raw_list, raw_folder = body.get("listId"), body.get("newFolderId")
    if raw_list is None or raw_folder is None:
        raise validation_error("listId and newFolderId are required.")
    list_id = tables.parse_list_id(str(raw_list))
    folder_id = _folder_id(raw_folder, "newFolderId")
    now = sandbox.clock.now_iso()
    with sandbox.store.transaction() as db:
        row = tables.fetch(db, list_id)
        if row is None or row.deleted_at is not None:
            raise tables.missing_list(list_id)
        _require(db, folder_id)
        db.execute("UPDATE lists SET folder_id = ? WHERE list_id = ?", (folder_id, list_id))
        db.execute(
            "UPDATE list_folders SET updated_contents_at = ? WHERE id IN (?, ?)",
            (now, folder_id, row.folder_id),
        )


def delete_folder(sandbox: Sandbox, raw_id: str) -> None:
    folder_id = _folder_id(raw_id)
    _not_root(folder_id, "deleted")
    with sandbox.store.transaction() as db:
        _require(db, folder_id)
        children = db.execute("SELECT COUNT(*) FROM list_folders WHERE parent_id = ?", (folder_id,)).fetchone()[0]
        lists = db.execute(
            "SELECT COUNT(*) FROM lists WHERE folder_id = ? AND deleted_at IS NULL", (folder_id,)
        ).fetchone()[0]
        if children or lists:
            raise validation_error(
                f"Folder {folder_id} is not empty ({children} folders, {lists} lists); move or "
                "delete its contents first.",
                sub_category="ILS.FOLDER_NOT_EMPTY",
            )
        # Soft-deleted lists that were in the folder come back to the root if restored.
        db.execute("UPDATE lists SET folder_id = 0 WHERE folder_id = ?", (folder_id,))
        db.execute("DELETE FROM list_folders WHERE id = ?", (folder_id,))
