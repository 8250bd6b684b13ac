"""Optional scopes degrade (issue 10, item 5): without settings.users.read and
settings.users.teams.read (documented as optional) the plan is still made, and it says what could not
be read and what that changes: no own-domain suggestion from the users, no team edit access."""

from __future__ import annotations

from pathlib import Path

import pytest
from mcp import Client

from mcp_support import call, full_plan
from reliability_harness import TOKEN, settings_for
from segment_lists.mcp.server import build_server
from segment_lists.mcp.state import AppState
from segment_lists.sandbox import ALL_SCOPES, RunningSandbox, SandboxConfig, seed_demo

pytestmark = pytest.mark.anyio
OPTIONAL = {"settings.users.read", "settings.users.teams.read"}


@pytest.mark.parametrize("missing", [OPTIONAL, {"settings.users.read"}, {"settings.users.teams.read"}])
async def test_propose_works_without_the_optional_scopes(tmp_path: Path, missing: set[str]) -> None:
    config = SandboxConfig(tokens={TOKEN: sorted(ALL_SCOPES - missing)})
    with RunningSandbox(config) as running:
        demo = seed_demo(running.sandbox, contacts=120, seed=3)
        settings = settings_for(running.base_url, tmp_path).model_copy(update={"rate_tier": "api-limit-increase"})
        answers = {"competitor_domains": demo.crm.competitor_domains, "edit_teams": ["Marketing"]}
        async with Client(build_server(AppState(settings=settings, sandbox=running))) as client:
            proposed = await call(client, "propose_segments", {"answers": answers, "estimate": False})
            plan = await full_plan(client, proposed["plan"]["plan_id"])
            listed = await call(client, "list_existing_lists", {})
            foreign = demo.existing_lists["suppressed_clash"]  # used by nothing
            asked = await call(client, "delete_list", {"list_id": foreign, "allow_foreign": True})
    warnings = {w["code"]: w["message"] for w in plan["warnings"]}
    internal = next(item for item in plan["items"] if item["key"] == "core.internal")
    if "settings.users.read" in missing:
        assert "users-unread" in warnings and "settings.users.read" in warnings["users-unread"]
        assert "own_domains" in warnings["users-unread"]
        assert internal["action"] == "needs-input"  # no guess: the user is asked for their domains
        assert plan["prerequisites"]["own_domains_source"] == "none"
        assert "created in HubSpot by user" in asked["preview"]  # the maker's id, without a name
    else:
        assert "users-unread" not in warnings and internal["action"] != "needs-input"
    if "settings.users.teams.read" in missing:
        assert "teams-unread" in warnings
        assert '"Marketing"' in warnings["teams-unread"] and "without edit access" in warnings["teams-unread"]
        assert plan["edit_team_ids"] == []
    else:
        assert "teams-unread" not in warnings and plan["edit_team_ids"]
    assert plan["items"] and listed["lists"]
