"""Where a list is used, as HubSpot counts it in the list property `hs_list_reference_count`.

HubSpot does not document the count's exact meaning [unconfirmed]; the sandbox counts each asset that
uses the list once: another list whose filters carry its id (IN_LIST, "associated with a record in
list", PROPERTY_ASSOCIATION: any `listId`), a workflow (enrollment, suppression, goal, branches, list
actions; current `listId` and legacy `list_id` keys), a marketing email (ILS ids in
`to.contactIlsLists`, legacy ids in `to.contactLists`, include and exclude), and every use the public
API cannot show (ads audiences, SMS, chatflows, ...; `list_hidden_uses`). Reads the asset tables
directly: the seeders that fill them sit above this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from segment_lists.sandbox.lists import tables
from segment_lists.sandbox.store import loads

if TYPE_CHECKING:
    from segment_lists.sandbox.instance import Sandbox

# Keys under which a workflow (automation v4) or a list definition names list ids.
LIST_ID_KEYS = frozenset({"listId", "list_id", "listIds", "suppressionListIds"})


def list_ids_in(node: Any) -> Iterator[int]:
    """Every list id named anywhere in a JSON document under one of `LIST_ID_KEYS`."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in LIST_ID_KEYS:
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, int | str) and not isinstance(item, bool) and str(item).isdigit():
                        yield int(item)
            else:
                yield from list_ids_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from list_ids_in(item)


def legacy_map(sandbox: Sandbox) -> dict[int, int]:
    """Legacy (v1) list id -> list id."""
    with sandbox.store.read() as db:
        return {int(r["legacy_id"]): int(r["list_id"]) for r in db.execute("SELECT * FROM legacy_list_ids")}


def email_list_ids(email: dict[str, Any], legacy: dict[int, int]) -> set[int]:
    to = email.get("to") or {}
    found: set[int] = set()
    for group, translate in (("contactIlsLists", False), ("contactLists", True)):
        recipients = to.get(group) or {}
        for side in ("include", "exclude"):
            for raw in recipients.get(side) or []:
                if str(raw).isdigit():
                    number = int(raw)
                    if translate:
                        if number in legacy:
                            found.add(legacy[number])
                    else:
                        found.add(number)
    return found


def reference_counts(sandbox: Sandbox, rows: list[tables.ListRow]) -> dict[int, int]:
    """List id -> the number of assets that use it."""
    counts: dict[int, int] = {}

    def count(ids: set[int], user: int | None = None) -> None:
        for list_id in ids:
            if list_id != user:
                counts[list_id] = counts.get(list_id, 0) + 1

    for row in rows:
        count(set(list_ids_in(row.filter_branch)), row.list_id)
    legacy = legacy_map(sandbox)
    with sandbox.store.read() as db:
        flows = [loads(r["data"]) for r in db.execute("SELECT data FROM workflows")]
        emails = [loads(r["data"]) for r in db.execute("SELECT data FROM marketing_emails")]
        hidden = [int(r["list_id"]) for r in db.execute("SELECT list_id FROM list_hidden_uses")]
    for flow in flows:
        count(set(list_ids_in(flow)))
    for email in emails:
        count(email_list_ids(email, legacy))
    for list_id in hidden:
        counts[list_id] = counts.get(list_id, 0) + 1
    return counts
