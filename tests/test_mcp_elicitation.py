"""Confirmation through the client's own dialog (form elicitation), in both protocol eras: writes
happen only when the user accepts; the question is the preview; a decline changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mcp_support import MODES, Answering, SeededPortal, call, failing, seeded_portal

pytestmark = pytest.mark.anyio

CUSTOM = {"name": "[Test] - Elicited customers", "filter_branch": None, "processing_type": "DYNAMIC"}
CUSTOMERS_BRANCH = {
    "filterBranchType": "OR",
    "filterBranchOperator": "OR",
    "filters": [],
    "filterBranches": [
        {
            "filterBranchType": "AND",
            "filterBranchOperator": "AND",
            "filterBranches": [],
            "filters": [
                {
                    "filterType": "PROPERTY",
                    "property": "lifecyclestage",
                    "operation": {
                        "operationType": "ENUMERATION",
                        "operator": "IS_ANY_OF",
                        "values": ["customer"],
                        "includeObjectsWithNoValueSet": False,
                    },
                }
            ],
        }
    ],
}


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[SeededPortal]:
    with seeded_portal(tmp_path) as seeded:
        yield seeded


def _custom() -> dict[str, object]:
    return {**CUSTOM, "filter_branch": CUSTOMERS_BRANCH}


@pytest.mark.parametrize("mode", MODES)
async def test_accepted_elicitation_writes_once_and_shows_the_preview(portal: SeededPortal, mode: str) -> None:
    user = Answering("accept", confirm=True)
    before = portal.lists()
    async with portal.client(mode) as plain:  # the preview a client without the dialog is shown
        preview = (await call(plain, "create_list", {"custom": _custom()}))["preview"]
    async with portal.client(mode, elicitation_callback=user) as client:
        created = await call(client, "create_list", {"custom": _custom()})
        assert created["status"] == "done" and "confirmation_token" not in created
        assert "preview" not in created  # done: the user saw it, the model need not read it again
        [item] = created["items"]
        assert item["outcome"] == "created"
        # The question the user answered is the preview, word for word, and it says where.
        assert user.seen and all(message == user.seen[0] for message in user.seen)
        assert user.seen[0].startswith(preview)
        assert "SANDBOX" in user.seen[0] and CUSTOM["name"] in user.seen[0]
        assert "Lifecycle Stage is any of Customer" in user.seen[0]  # the portal's labels, not internal names
        after = portal.lists()
        assert set(after) - set(before) == {item["list_id"]}
        assert after[item["list_id"]][:2] == (CUSTOM["name"], "DYNAMIC")

        # Delete and restore through the same dialog.
        asked = len(user.seen)
        deleted = await call(client, "delete_list", {"list_id": item["list_id"]})
        assert deleted["status"] == "done" and deleted["outcome"]["outcome"] == "deleted"
        assert len(user.seen) > asked and "delete the segment" in user.seen[-1] and CUSTOM["name"] in user.seen[-1]
        assert item["list_id"] not in portal.lists()
        restored = await call(client, "restore_list", {"list_id": item["list_id"]})
        assert restored["status"] == "done"
        assert item["list_id"] in portal.lists()

        # With an eliciting client the dialog decides, not the model: a (forged) token does not skip it.
        asked = len(user.seen)
        other = {**_custom(), "name": "[Test] - Other"}
        with_token = await call(client, "create_list", {"custom": other, "confirmation_token": "confirm-forged"})
        assert with_token["status"] == "done" and len(user.seen) > asked


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("user", [Answering("decline"), Answering("cancel"), Answering("accept", confirm=False)])
async def test_declined_elicitation_changes_nothing(portal: SeededPortal, mode: str, user: Answering) -> None:
    user.seen.clear()
    before = portal.lists()
    async with portal.client(mode) as plain:  # the preview a client without the dialog is shown
        preview = (await call(plain, "create_list", {"custom": _custom()}))["preview"]
    async with portal.client(mode, elicitation_callback=user) as client:
        declined = await call(client, "create_list", {"custom": _custom()})
        assert declined["status"] == "declined"
        assert "confirmation_token" not in declined and "run_id" not in declined
        assert "nothing was changed" in declined["message"]
        assert user.seen and user.seen[0].startswith(preview)

        # Same for a destructive tool on a list the tool may delete: the newsletter list is foreign and
        # used by an email, so both overrides are needed to get as far as the question.
        newsletter = portal.demo.existing_lists["newsletter"]
        kept = await call(client, "delete_list", {"list_id": newsletter, "allow_foreign": True, "force": True})
        assert kept["status"] == "declined"
        assert "delete the segment" in user.seen[-1]
    assert portal.lists() == before
    async with portal.client(mode, elicitation_callback=user) as client:
        library = await call(client, "export_library")
    assert library["lists"] == []


@pytest.mark.parametrize("mode", MODES)
async def test_elicitation_is_not_asked_for_a_bad_request(portal: SeededPortal, mode: str) -> None:
    """Nothing to confirm: the user is not bothered, the model gets the error."""
    user = Answering("accept", confirm=True)
    async with portal.client(mode, elicitation_callback=user) as client:
        text = await failing(client, "create_list", {"plan_id": "plan-0000000000000000"})
    assert "propose_segments" in text and "nothing was created" in text
    assert user.seen == []


@pytest.mark.parametrize("answer", ["yes", "true", "True", 1, "1", 1.0])
async def test_consent_is_exactly_the_boolean_the_form_asks_for(portal: SeededPortal, answer: object) -> None:
    """A dialog answered with "yes" (or 1, or "true") is not the boolean true the schema asks for: no write
    (issue 10, item 8). Only `true` itself is consent."""
    user = Answering("accept", confirm=answer)  # type: ignore[arg-type]
    before = portal.lists()
    async with portal.client("auto", elicitation_callback=user) as client:
        result = await client.call_tool("create_list", {"custom": _custom()})
    assert user.seen, "the user was asked"
    content = result.structured_content or {}
    assert result.is_error or content.get("status") in {"declined", "refused"}, content
    assert portal.lists() == before
