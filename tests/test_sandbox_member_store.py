"""List members kept in memory and packed one row per list (sandbox/lists/member_store.py): what the
API shows must not change, a portal file keeps them, old files are migrated, a rolled-back
transaction leaves no trace."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import hubspot
from sandbox_lists_data import CONTACT, Portal, branch, prop
from segment_lists.sandbox import RunningSandbox, Sandbox, SandboxConfig

# Milliseconds in every stamp: join times are kept as epoch ms and must read back to the millisecond.
NOW = datetime(2024, 6, 15, 12, 0, 0, 123000, tzinfo=UTC)
CUSTOMER = prop(
    "lifecyclestage",
    {"operationType": "ENUMERATION", "operator": "IS_ANY_OF", "values": ["customer"]},
)


def _sdk(running: RunningSandbox) -> hubspot.HubSpot:
    return hubspot.HubSpot(access_token="t", host=running.base_url, base_url=running.base_url)


def _pages(sdk: hubspot.HubSpot, list_id: str, path: str = "memberships", **qs: Any) -> list[dict[str, Any]]:
    """Every member through the raw API, following `after` cursors."""
    found: list[dict[str, Any]] = []
    after = None
    while True:
        params = {**qs, **({"after": after} if after else {})}
        page = sdk.api_request({"method": "GET", "path": f"/crm/v3/lists/{list_id}/{path}", "qs": params}).json()
        found.extend(page["results"])
        after = (page.get("paging") or {}).get("next", {}).get("after")
        if not after:
            return found


def _build_portal(sandbox: Sandbox) -> dict[str, Any]:
    """A static list filled at three moments (one member leaving and rejoining) and a dynamic list."""
    portal = Portal(sandbox)
    with RunningSandbox(sandbox=sandbox) as running:
        sdk = _sdk(running)
        lists, memberships = sdk.crm.lists.lists_api, sdk.crm.lists.memberships_api
        ids = [portal.contact({"lifecyclestage": "customer" if i % 2 else "lead"}) for i in range(7)]
        manual = lists.create(
            list_create_request={"name": "Picked", "objectTypeId": CONTACT, "processingType": "MANUAL"}
        ).list.list_id
        memberships.add(list_id=manual, request_body=[str(i) for i in ids[4:]])
        sandbox.clock.advance(timedelta(minutes=5, milliseconds=7))
        memberships.add(list_id=manual, request_body=[str(i) for i in ids[:4]])
        memberships.remove(list_id=manual, request_body=[str(ids[5])])
        sandbox.clock.advance(timedelta(seconds=1))
        memberships.add(list_id=manual, request_body=[str(ids[5])])
        dynamic = lists.create(
            list_create_request={
                "name": "Customers",
                "objectTypeId": CONTACT,
                "processingType": "DYNAMIC",
                "filterBranch": branch([CUSTOMER]),
            }
        ).list.list_id
        return _observe(sdk, manual, dynamic, ids)


def _observe(sdk: hubspot.HubSpot, manual: str, dynamic: str, ids: list[int]) -> dict[str, Any]:
    records = {
        rid: sdk.api_request({"method": "GET", "path": f"/crm/v3/lists/records/{CONTACT}/{rid}/memberships"}).json()
        for rid in ids
    }
    return {
        "ids": ids,
        "manual": manual,
        "dynamic": dynamic,
        "by_id": _pages(sdk, manual, limit=2),
        "join_order": _pages(sdk, manual, "memberships/join-order", limit=3),
        "dynamic_members": _pages(sdk, dynamic),
        "records": records,
    }


def test_members_read_back_exactly_from_a_portal_file(tmp_path: Path) -> None:
    path = str(tmp_path / "portal.sqlite3")
    config = SandboxConfig(db_path=path, frozen_now=NOW, processing_seconds=0)
    first = Sandbox(config)
    before = _build_portal(first)
    first.store.close()

    ids = before["ids"]
    assert [m["recordId"] for m in before["by_id"]] == [str(i) for i in sorted(ids)]
    # Join order: the three moments, record id within a moment; the member that left and came back is last.
    late = [str(i) for i in (ids[4], ids[6])]
    assert [m["recordId"] for m in before["join_order"]] == late + [str(i) for i in ids[:4]] + [str(ids[5])]
    stamps = {m["recordId"]: m["membershipTimestamp"] for m in before["by_id"]}
    assert stamps[str(ids[4])] == "2024-06-15T12:00:00.123Z"
    assert stamps[str(ids[0])] == "2024-06-15T12:05:00.130Z"
    rejoined = next(r for r in before["records"][ids[5]]["results"] if r["listId"] == before["manual"])
    assert rejoined["firstAddedTimestamp"] == "2024-06-15T12:00:00.123Z"
    assert rejoined["lastAddedTimestamp"] == "2024-06-15T12:05:01.130Z"
    assert {m["recordId"] for m in before["dynamic_members"]} == {str(i) for i in ids[1::2]}

    second = Sandbox(config)
    with RunningSandbox(sandbox=second) as running:
        after = _observe(_sdk(running), before["manual"], before["dynamic"], ids)
    second.store.close()
    assert after == before


def test_a_portal_file_with_one_row_per_membership_is_migrated(tmp_path: Path) -> None:
    """Portal files written before packed rows hold list_memberships rows: read once, then dropped."""
    path = tmp_path / "old.sqlite3"
    config = SandboxConfig(db_path=str(path), frozen_now=NOW, processing_seconds=0)
    first = Sandbox(config)
    before = _build_portal(first)
    first.store.close()
    with sqlite3.connect(path) as db:  # rewrite the members the way earlier versions stored them
        db.execute(
            "CREATE TABLE list_memberships (list_id INTEGER NOT NULL, record_id INTEGER NOT NULL, "
            "added_at TEXT NOT NULL, PRIMARY KEY (list_id, record_id))"
        )
        for member in before["by_id"]:
            db.execute(
                "INSERT INTO list_memberships VALUES (?, ?, ?)",
                (int(before["manual"]), int(member["recordId"]), member["membershipTimestamp"]),
            )
        db.execute("DELETE FROM list_member_groups WHERE list_id = ?", (int(before["manual"]),))

    second = Sandbox(config)
    with RunningSandbox(sandbox=second) as running:
        after = _observe(_sdk(running), before["manual"], before["dynamic"], before["ids"])
    second.store.close()
    assert after == before
    with sqlite3.connect(path) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "list_memberships" not in tables and "list_member_groups" in tables


def test_a_rolled_back_transaction_leaves_the_members_as_they_were() -> None:
    sandbox = Sandbox(SandboxConfig(frozen_now=NOW))
    portal = Portal(sandbox)
    kept, dropped = portal.contact(), portal.contact()
    with RunningSandbox(sandbox=sandbox) as running:
        sdk = _sdk(running)
        manual = sdk.crm.lists.lists_api.create(
            list_create_request={"name": "Picked", "objectTypeId": CONTACT, "processingType": "MANUAL"}
        ).list.list_id
        sdk.crm.lists.memberships_api.add(list_id=manual, request_body=[str(kept)])
        engine = sandbox.list_engine
        with pytest.raises(RuntimeError), sandbox.store.transaction() as db:
            engine.change(db, int(manual), [dropped], [kept])
            raise RuntimeError("a later step of the same request failed")
        page = sdk.crm.lists.memberships_api.get_page(list_id=manual)
        assert [m.record_id for m in page.results] == [str(kept)] and page.total == 1
        assert sdk.crm.lists.lists_api.get_by_id(list_id=manual).list.size == 1


@pytest.mark.parametrize("cursor", ['{"r": "12"}', '{"t": 1, "r": 2.5}', '{"r": true}', "[]"])
def test_a_cursor_that_is_not_ours_is_refused(cursor: str) -> None:
    import base64

    token = base64.urlsafe_b64encode(cursor.encode()).decode().rstrip("=")
    with RunningSandbox(SandboxConfig(frozen_now=NOW)) as running:
        sdk = _sdk(running)
        manual = sdk.crm.lists.lists_api.create(
            list_create_request={"name": "Picked", "objectTypeId": CONTACT, "processingType": "MANUAL"}
        ).list.list_id
        for path in ("memberships", "memberships/join-order"):
            for key in ("after", "before"):
                response = sdk.api_request(
                    {"method": "GET", "path": f"/crm/v3/lists/{manual}/{path}", "qs": {key: token}}
                )
                assert response.status_code == 400, (path, key, cursor)
