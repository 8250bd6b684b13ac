"""The whole flow through the real MCP server, in-process, in both protocol eras, on the token path
(a client without elicitation): inventory -> propose -> create -> count -> exclusivity -> delete ->
restore -> rollback. What the portal holds is checked with the official SDK, not through the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from mcp_support import ERAS, MODES, SeededPortal, call, confirmed, failing, progress_recorder, seeded_portal
from segment_lists.workflow import confirmation_tokens
from segment_lists.workflow.custom_list import CustomList
from segment_lists.workflow.journal import Journal

pytestmark = pytest.mark.anyio


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[SeededPortal]:
    # Lists stay PROCESSING a moment, so count_members has something to wait for (and report).
    with seeded_portal(tmp_path, processing_seconds=0.6) as seeded:
        yield seeded


def _answers(portal: SeededPortal) -> dict[str, Any]:
    return {
        "competitor_domains": portal.demo.crm.competitor_domains,
        "partner_marker": {"property": "contact_type", "values": ["partner"]},
        # One planted clash answered (the list with the customers' definition is reused as it is); the
        # other ('[Core] - Suppressed Contacts' with another definition) stays a question.
        "choices": {"core.customers": "reuse"},
    }


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
async def test_full_flow_token_path(portal: SeededPortal, mode: str) -> None:
    demo = portal.demo
    before = portal.lists()
    customers_old = demo.existing_lists["customers_old"]
    async with portal.client(mode) as client:
        assert client.protocol_version == ERAS[mode]

        # 1. inventory: the seeded lists, and the loud sandbox notice.
        inventory = await call(client, "list_existing_lists")
        assert inventory["portal"]["is_sandbox"] is True
        assert "SANDBOX" in inventory["portal"]["notice"]
        assert {lst["list_id"] for lst in inventory["lists"]} == set(before)
        assert inventory["total"] == len(before)

        # 2. plan
        # Estimates cost ~9 s of paced CRM searches (5/s, as HubSpot allows): one era is enough for them.
        estimate = mode == "auto"
        proposed = await call(client, "propose_segments", {"answers": _answers(portal), "estimate": estimate})
        plan = proposed["plan"]
        assert proposed["portal"]["is_sandbox"] is True
        actions = {item["key"]: item["action"] for item in plan["items"]}
        assert actions["core.customers"] == "reuse"  # 'Customers (2023 import)' has the same definition
        assert "needs-input" not in actions.values()
        # The clash in full is detail on demand: the saved plan, shown again without planning again.
        shown = await call(client, "propose_segments", {"plan_id": plan["plan_id"], "detail": ["core.suppressed"]})
        [suppressed] = shown["plan"]["details"]
        assert suppressed["action"] == "conflict" and suppressed["clash"]["list_name"] == "[Core] - Suppressed Contacts"
        assert "details" not in plan  # never by default
        next_step = proposed["summary"].split("**Next**:")[1]
        assert "core.suppressed" in next_step and "choices" in next_step
        assert plan["plan_id"] in next_step
        if estimate:
            sizes_planned = {item["key"]: item.get("estimated_size") for item in plan["items"]}
            assert sizes_planned["core.partners"] == demo.partner_contacts

        # 3. create: asks first and changes nothing; then creates with the token.
        asked = await call(client, "create_list", {"plan_id": plan["plan_id"]})
        assert asked["status"] == "confirmation_required" and "run_id" not in asked
        assert "SANDBOX" in asked["preview"]
        asked_create_preview = asked["preview"]
        assert set(portal.lists()) == set(before), "confirmation_required must not write"
        created = await call(
            client, "create_list", {"plan_id": plan["plan_id"], "confirmation_token": asked["confirmation_token"]}
        )
        assert created["status"] == "done"
        outcomes = {item["key"]: item for item in created["items"]}
        new_ids = {item["list_id"] for item in created["items"] if item["outcome"] == "created"}
        assert outcomes["core.customers"]["outcome"] == "reused"
        assert outcomes["core.customers"]["list_id"] == customers_old
        after = portal.lists()
        assert set(after) == set(before) | new_ids
        assert {after[i][0] for i in new_ids} == {
            item["name"] for item in created["items"] if item["outcome"] == "created"
        }
        assert outcomes["core.competitors"]["members_added"] == demo.crm.competitor_contacts
        run_id = created["run_id"]

        # Re-running the same plan creates nothing twice.
        _, again = await confirmed(client, "create_list", {"plan_id": plan["plan_id"]})
        assert {item["outcome"] for item in again["items"]} <= {"already-created", "reused"}
        assert set(portal.lists()) == set(after)

        # 4. count, with progress while HubSpot processes the new lists.
        updates, on_progress = progress_recorder()
        counts = await call(client, "count_members", {"run_id": run_id}, progress_callback=on_progress)
        assert updates, "count_members must report progress"
        assert updates[-1][0] == updates[-1][1] == len(counts["counts"])
        assert all(total == len(counts["counts"]) for _, total, _ in updates)
        sizes = {c["list_id"]: c for c in counts["counts"]}
        assert {c["verdict"] for c in counts["counts"]} == {"ok"}
        # Sizes the seeder planted, independent of the list engine:
        assert sizes[outcomes["core.competitors"]["list_id"]]["size"] == demo.crm.competitor_contacts
        assert sizes[outcomes["core.internal"]["list_id"]]["size"] == demo.crm.internal_employees
        assert sizes[outcomes["core.partners"]["list_id"]]["size"] == demo.partner_contacts

        # 5. exclusivity: the planted customers-vs-competitors overlap is reported, with samples.
        report = await call(client, "check_exclusivity", {"run_id": run_id, "offenders": True})
        groups = {group["group"]: group for group in report["groups"]}
        clash = groups["customers-vs-competitors"]
        assert clash["exclusive"] is False
        [pair] = clash["pairs"]
        assert pair["overlap"] == demo.crm.competitor_customers > 0
        assert all(s["email"].split("@")[1] in demo.crm.competitor_domains for s in pair["samples"])
        assert groups["engagement"]["exclusive"] is True

        # 6. delete: the reused list is used by the seeded workflow and email -> refused, even when foreign
        # lists are allowed; nothing is deleted.
        refused = await call(client, "delete_list", {"list_id": customers_old, "allow_foreign": True})
        assert refused["status"] == "refused"
        assert "confirmation_token" not in refused
        assert "Customer onboarding nurture" in refused["message"]
        assert "Monthly newsletter" in refused["message"]
        assert "force=true" in refused["message"]
        refused_foreign = await call(client, "delete_list", {"list_id": customers_old})
        assert refused_foreign["status"] == "refused" and "allow_foreign=true" in refused_foreign["message"]
        assert customers_old in portal.lists()

        target = outcomes["engagement.never_engaged"]["list_id"]
        asked = await call(client, "delete_list", {"list_id": target})
        assert asked["status"] == "confirmation_required" and target in portal.lists()
        assert "[Engagement] - Never Engaged" in asked["preview"]
        deleted = await call(
            client, "delete_list", {"list_id": target, "confirmation_token": asked["confirmation_token"]}
        )
        assert deleted["status"] == "done" and deleted["outcome"]["outcome"] == "deleted"
        assert target not in portal.lists()
        # The next step in the model's words: the tool to call, never a command line.
        assert f"call restore_list with list_id '{target}'" in deleted["outcome"]["message"]
        assert "segment-lists" not in deleted["outcome"]["message"]
        assert "call rollback_run" in asked_create_preview and "segment-lists" not in asked_create_preview

        # 7. restore
        _, restored = await confirmed(client, "restore_list", {"list_id": target})
        assert restored["outcome"]["outcome"] == "restored"
        assert target in portal.lists()

        library = await call(client, "export_library")
        assert {entry["list_id"] for entry in library["lists"]} == new_ids | {customers_old}

        # 8. rollback: every created list goes, the reused one stays.
        asked, rolled = await confirmed(client, "rollback_run", {"run_id": run_id})
        assert all(name in asked["preview"] for name in (after[i][0] for i in new_ids))
        assert rolled["status"] == "done"
        assert {o["list_id"] for o in rolled["result"]["outcomes"] if o["outcome"] == "deleted"} == new_ids
        assert set(portal.lists()) == set(before)
        nothing_left = await call(client, "rollback_run", {"run_id": run_id})
        assert nothing_left["status"] == "done" and "nothing was deleted" in nothing_left["message"]


async def test_token_misuse_is_refused_and_changes_nothing(portal: SeededPortal) -> None:
    custom = {"name": "Token test", "processing_type": "MANUAL"}
    other = {"name": "Token test (other)", "processing_type": "MANUAL"}
    before = portal.lists()
    async with portal.client("auto") as client:
        asked = await call(client, "create_list", {"custom": custom})
        token = asked["confirmation_token"]

        forged = await failing(client, "create_list", {"custom": custom, "confirmation_token": "confirm-forged"})
        assert "unknown confirmation token" in forged and "nothing was created" in forged
        altered_token = token[:-1] + ("y" if token.endswith("x") else "x")  # one character off, never the same
        altered = await failing(client, "create_list", {"custom": custom, "confirmation_token": altered_token})
        assert "unknown confirmation token" in altered
        wrong_args = await failing(client, "create_list", {"custom": other, "confirmation_token": token})
        assert "arguments differ" in wrong_args
        wrong_tool = await failing(
            client, "delete_list", {"list_id": "3", "allow_foreign": True, "force": True, "confirmation_token": token}
        )
        assert "confirms create_list, not delete_list" in wrong_tool and "nothing was deleted" in wrong_tool
        assert portal.lists() == before

        # The portal changed after the preview: the token no longer confirms what the user saw.
        stale = await call(client, "create_list", {"custom": other})
        portal.sdk().crm.lists.lists_api.create(
            list_create_request={"name": other["name"], "objectTypeId": "0-1", "processingType": "MANUAL"}
        )
        changed = await failing(
            client, "create_list", {"custom": other, "confirmation_token": stale["confirmation_token"]}
        )
        assert "portal changed" in changed
        before = portal.lists()

        done = await call(client, "create_list", {"custom": custom, "confirmation_token": token})
        assert done["status"] == "done"
        made = portal.lists()
        assert set(made) - set(before) == {done["items"][0]["list_id"]}
        reused = await failing(client, "create_list", {"custom": custom, "confirmation_token": token})
        assert "already used" in reused
        assert portal.lists() == made

    # Tokens live in the journal: a new server process (same state dir) honours an unused one once...
    async with portal.client("legacy") as client:
        target = done["items"][0]["list_id"]
        asked = await call(client, "delete_list", {"list_id": target})
    async with portal.client("auto") as client:
        deleted = await call(
            client, "delete_list", {"list_id": target, "confirmation_token": asked["confirmation_token"]}
        )
        assert deleted["status"] == "done"
        again = await call(
            client, "delete_list", {"list_id": target, "confirmation_token": asked["confirmation_token"]}
        )
        assert again["status"] == "done" and "already deleted; nothing was deleted" in again["message"]
    assert target not in portal.lists()


async def test_expired_token_is_refused(portal: SeededPortal) -> None:
    """A token past its lifetime, for exactly the call the user would make: refused, nothing written.
    (Tools issue 10-minute tokens; this one is issued into the server's journal already expired. Its
    twin with a live lifetime is accepted, so expiry is the only thing wrong with it.)"""
    custom = {"name": "Expired token test", "processing_type": "MANUAL"}

    def issue(ttl: timedelta) -> str:
        journal = Journal(portal.state_dir / "journal.sqlite3")
        try:
            return confirmation_tokens.issue(
                journal,
                portal_id=str(portal.running.sandbox.config.portal_id),
                tool="create_list",
                arguments={"custom": CustomList.model_validate(custom).model_dump(mode="json")},
                state={"name_taken": False, "members": []},  # a static list gaining nobody
                summary="preview",
                ttl=ttl,
            )
        finally:
            journal.close()

    before = portal.lists()
    async with portal.client("auto") as client:
        expired = issue(timedelta(seconds=-1))
        text = await failing(client, "create_list", {"custom": custom, "confirmation_token": expired})
        assert "expired" in text and "nothing was created" in text
        assert portal.lists() == before
        live = await call(client, "create_list", {"custom": custom, "confirmation_token": issue(timedelta(minutes=5))})
    assert live["status"] == "done"
    assert set(portal.lists()) - set(before) == {live["items"][0]["list_id"]}
