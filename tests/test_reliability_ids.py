"""One id, one truth (issue 10, items 1 and 8): every HubSpot id from outside is refused unless it is
already the one form HubSpot writes (ASCII digits, no leading zero, within a long), before any call.

An alias of a list id ("09", fullwidth or Arabic-Indic digits...) once slipped past the dependency
check (which compared strings) while the ownership check and the delete used the portal's number:
confirming deleted a list a live workflow used. Here hypothesis throws aliases at every argument of
every tool whose schema carries an id (found from tools/list, so a new tool is covered without
editing this file): each is a tool error that shows the accepted form, the portal hears nothing (the
sandbox counts every request) and no list changes. The sandbox answers ids HubSpot cannot have like
HubSpot (400 in its envelope), never 500.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mcp import Client

import hubspot
from mcp_support import Answering
from reliability_harness import demo_answers, portal_lists, runtime_for, seeded_sandbox, settings_for
from segment_lists.boundary.ids import ID_OR_ZERO_PATTERN, ID_PATTERN, MAX_LONG, InvalidId, canonical_id
from segment_lists.mcp.server import build_server
from segment_lists.mcp.state import AppState
from segment_lists.portal import ValidationFailed
from segment_lists.sandbox import DemoSummary, RunningSandbox
from segment_lists.workflow.apply import apply_items, select_items
from segment_lists.workflow.proposal import propose

CASES_PER_ARGUMENT = 60
ID_PATTERNS = {ID_PATTERN, ID_OR_ZERO_PATTERN}
DIGIT_SETS = {
    "fullwidth": "０１２３４５６７８９",
    "arabic-indic": "٠١٢٣٤٥٦٧٨٩",
    "devanagari": "०१२३४५६७८९",
    "mathematical bold": "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗",
}


# --- the type itself ------------------------------------------------------------------------------


@given(st.integers(min_value=1, max_value=MAX_LONG))
def test_every_id_in_the_one_form_is_accepted_as_itself(number: int) -> None:
    assert canonical_id(str(number)) == str(number)


def aliases(real: str) -> st.SearchStrategy[Any]:
    """Other ways of writing `real` (or ids HubSpot cannot have) that must all be refused."""
    translated = st.sampled_from(sorted(DIGIT_SETS)).map(lambda name: "".join(DIGIT_SETS[name][int(d)] for d in real))
    return st.one_of(
        st.integers(min_value=1, max_value=3).map(lambda zeros: "0" * zeros + real),
        translated,
        st.sampled_from([" ", "\t", "\n", "\u00a0", "\u200b"]).flatmap(
            lambda pad: st.sampled_from([pad + real, real + pad, real[:1] + pad + real[1:]])
        ),
        st.sampled_from(["+", "-"]).map(lambda sign: sign + real),
        st.integers(min_value=MAX_LONG + 1, max_value=10**40).map(str),
        st.sampled_from(["", "0", "00", "1e3", "1.0", "0x1F", "1_000", "９" * 30]),
        st.integers(min_value=1, max_value=10**6),  # a number, not a string
        st.booleans(),
        st.floats(allow_nan=False, allow_infinity=False),
    )


@given(alias=aliases("9"))
def test_aliases_are_refused_with_the_accepted_form(alias: Any) -> None:
    with pytest.raises(InvalidId, match=r"ASCII digits without a leading zero"):
        canonical_id(alias, what="list id")


# --- every tool that takes an id --------------------------------------------------------------------


class World:
    def __init__(self, portal: BlockingPortal, client: Client, running: RunningSandbox, ids: dict[str, str]) -> None:
        self.portal, self.client, self.running, self.ids = portal, client, running, ids


@pytest.fixture(scope="module", params=["token", "elicitation"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A seeded portal where the tool created lists; the server confirms by token, or by asking a
    client with form elicitation (whose resolvers run before the tool body: they must not call out
    with an alias either). The elicitation client answers yes: only the boundary can stop a write."""
    running, demo = seeded_sandbox(contacts=120)
    state_dir = tmp_path_factory.mktemp(f"ids-{request.param}")
    rt = runtime_for(running.base_url, state_dir)
    plan = propose(rt, demo_answers(demo))
    created = apply_items(rt, plan, select_items(plan, None)).created_ids
    rt.close()
    ids = {"ours": created[0], "used": demo.existing_lists["customers_old"]}
    confirmation = "token" if request.param == "token" else "auto"
    settings_ = settings_for(running.base_url, state_dir).model_copy(update={"confirmation": confirmation})
    server = build_server(
        AppState(settings=settings_, sandbox=running, _runtime=runtime_for(running.base_url, state_dir))
    )
    callback = Answering() if request.param == "elicitation" else None
    with (
        start_blocking_portal() as portal,
        portal.wrap_async_context_manager(Client(server, elicitation_callback=callback)) as client,
    ):
        yield World(portal, client, running, ids)
    running.stop()


def id_arguments(schema: dict[str, Any]) -> list[tuple[str, ...]]:
    """Paths to every id in a tool's input schema: ("list_id",), ("list_ids", "*"), ("custom", "record_ids", "*")."""
    defs = schema.get("$defs") or {}

    def walk(node: dict[str, Any], path: tuple[str, ...]) -> list[tuple[str, ...]]:
        if "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[-1]]
        if node.get("pattern") in ID_PATTERNS:
            return [path]
        found = []
        for option in node.get("anyOf") or []:
            found += walk(option, path)
        if isinstance(node.get("items"), dict):
            found += walk(node["items"], (*path, "*"))
        for name, child in (node.get("properties") or {}).items():
            found += walk(child, (*path, name))
        return found

    return walk(schema, ())


def arguments_with(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """Minimal valid arguments around one id at `path` (a custom list needs a name)."""
    if path[-1] == "*":
        return arguments_with(path[:-1], [value])
    if len(path) == 1:
        return {path[0]: value}
    inner = arguments_with(path[1:], value)
    if path[0] == "custom":
        inner = {"name": "Alias test", "processing_type": "MANUAL", **inner}
    return {path[0]: inner}


def test_every_id_argument_refuses_aliases_before_any_call(world: World) -> None:
    tools = world.portal.call(world.client.list_tools).tools
    targets = [(tool.name, path) for tool in tools for path in id_arguments(tool.input_schema)]
    # The tools that take ids today; a new one is found the same way and fuzzed below.
    assert {name for name, _ in targets} >= {
        "delete_list",
        "restore_list",
        "count_members",
        "check_exclusivity",
        "create_list",
    }, targets
    world.portal.call(world.client.call_tool, "list_existing_lists", {})  # the session is open
    before = sorted(portal_lists(world.running))
    cases = 0

    def check(tool: str, path: tuple[str, ...], real: str) -> None:
        @settings(
            max_examples=CASES_PER_ARGUMENT,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(alias=aliases(real))
        def refused(alias: Any) -> None:
            nonlocal cases
            cases += 1
            calls = world.running.sandbox.realism.stats().requests
            result = world.portal.call(world.client.call_tool, tool, arguments_with(path, alias))
            text = " ".join(getattr(block, "text", "") for block in result.content)
            assert result.is_error, (tool, path, alias, result.structured_content)
            assert "not a HubSpot id" in text and "ASCII digits" in text, (tool, alias, text)
            assert world.running.sandbox.realism.stats().requests == calls, (tool, alias, "called the portal")

        refused()

    for tool, path in targets:
        for real in (world.ids["ours"], world.ids["used"]):
            check(tool, path, real)
    print(f"\nid aliases: {cases} calls over {len(targets)} id arguments, 0 portal calls")
    assert cases >= len(targets) * 2 * 30, cases
    assert sorted(portal_lists(world.running)) == before


def test_the_alias_that_deleted_a_list_in_use_cannot_reach_it(world: World) -> None:
    """The issue's attack: the list a live workflow uses, written "0<id>" (and in other scripts)."""
    used = world.ids["used"]
    for alias in ("0" + used, "".join(DIGIT_SETS["fullwidth"][int(d)] for d in used)):
        arguments = {"list_id": alias, "force": False, "allow_foreign": True}
        result = world.portal.call(world.client.call_tool, "delete_list", arguments)
        assert result.is_error and "not a HubSpot id" in " ".join(getattr(b, "text", "") for b in result.content)
        result = world.portal.call(world.client.call_tool, "restore_list", {"list_id": alias})
        assert result.is_error
    # Written the one way, the same list is checked, and the workflow that uses it is named.
    answer = world.portal.call(world.client.call_tool, "delete_list", {"list_id": used, "allow_foreign": True})
    content = answer.structured_content or {}
    assert content.get("status") == "refused", content
    assert '"Customer onboarding nurture"' in content["message"] and "workflow" in content["message"]
    assert used in {str(item["listId"]) for item in portal_lists(world.running).values()}


# --- the sandbox answers like HubSpot -------------------------------------------------------------


@pytest.fixture(scope="module")
def plain_portal() -> Iterator[tuple[RunningSandbox, DemoSummary]]:
    running, demo = seeded_sandbox(contacts=40)
    yield running, demo
    running.stop()


@pytest.mark.parametrize(
    "call",
    [
        lambda api, bad: api.crm.lists.lists_api.get_by_id(list_id=bad),
        lambda api, bad: api.crm.lists.lists_api.remove(list_id=bad),
        lambda api, bad: api.crm.lists.lists_api.get_all(list_ids=[bad]),
        lambda api, bad: api.crm.lists.memberships_api.get_page(list_id=bad),
        lambda api, bad: api.crm.lists.memberships_api.get_lists(object_type_id="0-1", record_id=bad),
        lambda api, bad: api.crm.lists.folders_api.get_all(folder_id=bad),
        lambda api, bad: api.crm.lists.folders_api.remove(folder_id=bad),
        lambda api, bad: api.crm.lists.lists_api.create(
            list_create_request={
                "name": "x",
                "objectTypeId": "0-1",
                "processingType": "MANUAL",
                "listFolderId": int(bad),
            }
        ),
    ],
    ids=["get", "delete", "get-many", "memberships", "record-memberships", "folder", "folder-delete", "create"],
)
def test_ids_hubspot_cannot_have_get_400_not_500(plain_portal: tuple[RunningSandbox, DemoSummary], call: Any) -> None:
    running, _ = plain_portal
    api = hubspot.HubSpot(access_token="pat-na1-ids", host=running.base_url)
    for bad in ("12345678901234567890123456789", str(MAX_LONG + 1)):
        with pytest.raises(Exception) as raised:
            call(api, bad)
        assert getattr(raised.value, "status", None) == 400, (bad, raised.value)
        body = getattr(raised.value, "body", "") or ""
        body = body.decode() if isinstance(body, bytes) else body
        assert '"category":"VALIDATION_ERROR"' in body.replace(" ", ""), body


def test_the_product_is_not_retried_into_an_outage_by_a_bad_id(
    plain_portal: tuple[RunningSandbox, DemoSummary], tmp_path: Path
) -> None:
    """Below the boundary too: a 29-digit id the portal layer is handed is one 400, not 5 retried 500s."""
    running, _ = plain_portal
    rt = runtime_for(running.base_url, tmp_path)
    try:
        calls = rt.api_calls()
        with pytest.raises(ValidationFailed):
            rt.portal.get_list("12345678901234567890123456789")
        assert rt.api_calls() == calls + 1
    finally:
        rt.close()
