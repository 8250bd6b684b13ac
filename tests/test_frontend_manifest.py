"""The stdio front end answers exactly as the real server does (issue 16, item 3).

The manifest it answers from is recorded from the real server; these tests keep it from drifting:
- the shipped manifest is what the real server answers now (regenerate: UPDATE_SNAPSHOTS=1 uv run pytest
  tests/test_frontend_manifest.py, or python -m segment_lists.mcp.frontend_manifest);
- no setting the front end cannot see changes those answers;
- for any sequence of client lines (generated: valid, odd and broken handshakes, listings, envelopes,
  ids, garbage), every answer the front end gives is the one the SDK's server gives to the same lines, and
  what the front end hands over (the replayed first request, then every line it did not answer) gets
  from the real server the same answers as the original lines do.
The real server runs in-process over the same stdio path `serve` uses (`serve_stdio`), fed raw lines.
"""

from __future__ import annotations

import difflib
import importlib.metadata
import json
import logging
import os
import queue
from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from mcp_types import JSONRPCRequest, jsonrpc_message_adapter

from segment_lists.mcp.frontend.answers import (
    CLIENT_CAPABILITIES_KEY,
    CLIENT_INFO_KEY,
    LEGACY_METHODS,
    PROTOCOL_VERSION_KEY,
    Answerer,
)
from segment_lists.mcp.frontend.manifest import FULL, MANIFEST_PATH, READ_ONLY, RECORDED_WITH, installed_versions, load
from segment_lists.mcp.frontend.session import END, HandedOver
from segment_lists.mcp.frontend_manifest import (
    CLIENT,
    Collected,
    build_manifest,
    converse,
    initialize,
    manifest_text,
    portal_free_settings,
    record,
)
from segment_lists.mcp.server import build_server
from segment_lists.mcp.state import AppState
from segment_lists.mcp.stdio import serve_stdio
from segment_lists.workflow.environment import load_settings

MANIFEST = load()
REPLAY_ID = "segment-lists-frontend-test"
# Claude Code 2.1.197's first line, as it sent it to this server (key order and all).
CLAUDE_CODE_INITIALIZE = (
    '{"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"roots":{},"elicitation":{}},'
    '"clientInfo":{"name":"claude-code","title":"Claude Code","version":"2.1.197","description":"Anthropic\'s '
    'agentic coding tool","websiteUrl":"https://claude.com/claude-code"}},"jsonrpc":"2.0","id":0}'
)


def test_the_manifest_is_what_the_real_server_answers() -> None:
    fresh = manifest_text(build_manifest())
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        MANIFEST_PATH.write_text(fresh, encoding="utf-8")
    shipped = MANIFEST_PATH.read_text(encoding="utf-8")
    if shipped != fresh:
        diff = "\n".join(difflib.unified_diff(shipped.splitlines(), fresh.splitlines(), lineterm="", n=1))
        pytest.fail(
            "the stdio front end's manifest is stale (UPDATE_SNAPSHOTS=1 uv run pytest "
            f"tests/test_frontend_manifest.py, or python -m segment_lists.mcp.frontend_manifest):\n{diff[:4000]}"
        )


def test_the_manifest_checks_the_installed_sdk_as_importlib_does() -> None:
    """The front end trusts its manifest only with the SDK and pydantic it was recorded with; its quick
    look at sys.path finds the versions importlib.metadata finds."""
    assert MANIFEST is not None
    assert installed_versions() == {name: importlib.metadata.version(name) for name in RECORDED_WITH}
    assert set(MANIFEST.made_with) == set(RECORDED_WITH)


@pytest.mark.parametrize(
    "env",
    [
        {"SEGMENT_LISTS_CONFIRMATION": "token"},
        {"SEGMENT_LISTS_CONFIRMATION": "refuse", "HUBSPOT_ACCESS_TOKEN": "pat-na1-not-a-real-token-0000"},
        {"SEGMENT_LISTS_SANDBOX": "never", "HUBSPOT_API_VERSION": "legacy", "HUBSPOT_RATE_TIER": "professional"},
    ],
)
def test_no_setting_the_front_end_cannot_see_changes_its_answers(env: dict[str, str], tmp_path: Any) -> None:
    """The front end knows only read-only or not; every other setting must leave the answers alone."""
    assert MANIFEST is not None
    for profile, read_only in ((FULL, False), (READ_ONLY, True)):
        settings = load_settings(env=env, dotenv=tmp_path / "none.env", state_dir=tmp_path)
        assert anyio.run(record, read_only, settings) == MANIFEST.answers[profile]


def _take_all(lines: list[str], profile: str = FULL) -> tuple[Answerer, list[str], list[str]]:
    """The front end over these lines: (its state, its answers, what it queued for the real server)."""
    assert MANIFEST is not None
    answerer = Answerer(MANIFEST, profile, REPLAY_ID)
    answers, queued = [], []
    for line in lines:
        step = answerer.take(line)
        answers += [step.answer] if step.answer is not None else []
        queued += [step.forward] if step.forward is not None else []
    return answerer, answers, queued


def _request(request_id: Any, method: str, params: Any = None, *, has_params: bool = False) -> str:
    message: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
    if params is not None or has_params:
        message["params"] = params
    return json.dumps(message)


def test_claude_codes_handshake_is_answered_and_replayed_with_its_capabilities() -> None:
    lines = [CLAUDE_CODE_INITIALIZE, '{"method":"notifications/initialized","jsonrpc":"2.0"}']
    lines += ['{"method":"tools/list","jsonrpc":"2.0","id":1}']
    _, answers, queued = _take_all(lines)
    assert [json.loads(a)["id"] for a in answers] == [0, 1]
    assert json.loads(answers[0])["result"]["protocolVersion"] == "2025-11-25"
    assert len(json.loads(answers[1])["result"]["tools"]) == 9
    replay = json.loads(queued[0])
    assert replay["id"] == REPLAY_ID and replay["params"] == json.loads(CLAUDE_CODE_INITIALIZE)["params"]
    assert queued[1:] == [lines[1]]  # the notification follows, untouched


def test_what_the_front_end_is_not_sure_of_waits_and_it_then_answers_nothing_more() -> None:
    start = [initialize(1, "2025-06-18")]
    # A tool call waits for the real server; the front end still answers a listing after it.
    _, answers, queued = _take_all([*start, _request(2, "tools/call", {"name": "x"}), _request(3, "tools/list")])
    assert [json.loads(a)["id"] for a in answers] == [1, 3] and json.loads(queued[1])["id"] == 2
    # After a line it cannot read (or a second initialize), everything waits for the real server.
    # (A lone surrogate in an id is not answered either: the SDK cannot even write the answer to it.)
    odd_lines = ("{not json", initialize(4, "2025-11-25"), '{"jsonrpc":"2.0","id":5,"result":{}}')
    for odd in (*odd_lines, '{"jsonrpc":"2.0","id":"\\ud800","method":"ping"}'):
        _, answers, queued = _take_all([*start, odd, _request(6, "tools/list")])
        assert [json.loads(a)["id"] for a in answers] == [1] and queued[-2:] == [odd, _request(6, "tools/list")]
    # Listings before an initialize it answered, a cursor, or a 2026 envelope on a legacy session: waits.
    _, answers, _ = _take_all([_request(7, "tools/list")])
    assert answers == []
    for params in ({"cursor": "x"}, {"_meta": {PROTOCOL_VERSION_KEY: "2026-07-28", CLIENT_CAPABILITIES_KEY: {}}}):
        _, answers, _ = _take_all([*start, _request(8, "tools/list", params)])
        assert [json.loads(a)["id"] for a in answers] == [1]


def test_a_2026_session_is_answered_per_request_and_refuses_the_handshake_through_the_real_server() -> None:
    meta = {
        PROTOCOL_VERSION_KEY: "2026-07-28",
        CLIENT_CAPABILITIES_KEY: {},
        CLIENT_INFO_KEY: {"name": "c", "version": "1"},
    }
    lines = [_request(1, "server/discover", {"_meta": meta}), _request(2, "tools/list", {"_meta": meta})]
    lines += [initialize(3, "2025-11-25")]
    answerer, answers, queued = _take_all(lines, READ_ONLY)
    assert [json.loads(a)["id"] for a in answers] == [1, 2]
    assert {t["name"] for t in json.loads(answers[1])["result"]["tools"]} == {
        "list_existing_lists",
        "propose_segments",
        "count_members",
        "check_exclusivity",
        "export_library",
    }
    assert json.loads(queued[0])["id"] == REPLAY_ID and queued[1:] == [lines[2]]
    assert answerer.replay_answer == {"result": json.loads(answers[0])["result"]}


# --- generated sequences: the front end against the SDK's server -----------------------------------

VERSIONS = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28", "1999-01-01", ""]
text = st.text(max_size=6)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), text)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=2) | st.dictionaries(text, inner, max_size=2), max_leaves=6
)
capability_parts = st.one_of(
    st.just({}),
    st.just({"listChanged": True}),
    st.just({"listChanged": "yes"}),
    st.just({"form": {}}),
    st.just({"url": {}, "form": {}}),
    st.just({"tools": {}}),
    st.just({"context": {"x": 1}}),
    json_values,
)
capabilities = st.one_of(
    st.dictionaries(
        st.sampled_from(["roots", "sampling", "elicitation", "experimental", "extensions", "tasks", "other"]),
        capability_parts,
        max_size=3,
    ),
    json_values,
)
client_info = st.one_of(
    st.fixed_dictionaries(
        {"name": text, "version": text},
        optional={"title": text, "description": text, "websiteUrl": text, "icons": st.just([])},
    ),
    st.fixed_dictionaries({"name": scalars}, optional={"version": scalars}),
    json_values,
)
meta = st.fixed_dictionaries(
    {},
    optional={
        PROTOCOL_VERSION_KEY: st.sampled_from(VERSIONS) | scalars,
        CLIENT_CAPABILITIES_KEY: capabilities,
        CLIENT_INFO_KEY: client_info,
        "progressToken": st.integers(0, 5),
    },
)
ids = st.one_of(st.integers(-(2**65), 2**65), text, st.booleans(), st.floats(allow_nan=False), st.none())
methods = st.sampled_from(sorted(LEGACY_METHODS | {"server/discover", "initialize", "tools/call", "resources/read"}))


@st.composite
def lines(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["initialize", "request", "request", "notification", "garbage", "raw"]))
    if kind == "garbage":
        return draw(
            st.sampled_from(
                [
                    "{oops",
                    "",
                    "[]",
                    "null",
                    '{"jsonrpc":"2.0","id":1,"id":2,"method":"ping"}',
                    '{"jsonrpc":"2.0","id":NaN,"method":"ping"}',
                ]
            )
        )
    if kind == "notification":
        return json.dumps(
            {
                "jsonrpc": "2.0",
                "method": draw(st.sampled_from(["notifications/initialized", "notifications/cancelled"])),
            }
        )
    request_id = draw(ids)
    if kind == "initialize":
        params = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "protocolVersion": st.sampled_from(VERSIONS) | scalars,
                    "capabilities": capabilities,
                    "clientInfo": client_info,
                    "_meta": meta,
                },
            )
        )
        return _request(request_id, "initialize", params, has_params=True)
    params = draw(
        st.one_of(
            st.none(),
            st.just({}),
            st.fixed_dictionaries({"_meta": meta}),
            st.fixed_dictionaries({"_meta": meta, "cursor": text}),
            json_values,
        )
    )
    message: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": draw(methods)}
    if params is not None or draw(st.booleans()):
        message["params"] = params
    if kind == "raw" and draw(st.booleans()):
        message[draw(st.sampled_from(["extra", "jsonrpc"]))] = draw(scalars)
    return json.dumps(message)


PLAIN_CAPABILITIES = [{}, {"roots": {}, "elicitation": {}}, {"roots": {"listChanged": True}, "sampling": {}}]
PLAIN_CAPABILITIES += [{"experimental": {"x": {"a": [1, 2.5, None]}}}, {"elicitation": {"form": {}, "url": {}}}]


@st.composite
def sessions(draw: st.DrawFn) -> list[str]:
    """A plausible opening (a handshake or a 2026 request, mostly plain), then plain listings (either era)
    mixed with anything."""
    version = draw(st.sampled_from(VERSIONS))
    plain_meta = {
        PROTOCOL_VERSION_KEY: version,
        CLIENT_CAPABILITIES_KEY: draw(st.sampled_from(PLAIN_CAPABILITIES) | capabilities),
        CLIENT_INFO_KEY: {"name": "c", "version": "1"},
    }
    plain_initialize = _request(
        0,
        "initialize",
        {"protocolVersion": version, "capabilities": draw(st.sampled_from(PLAIN_CAPABILITIES)), "clientInfo": CLIENT},
    )
    modern_opening = _request(
        0, draw(st.sampled_from(["server/discover", "tools/list", "ping"])), {"_meta": plain_meta}
    )
    opening = draw(st.sampled_from([plain_initialize, modern_opening]) | lines())
    ids = iter(range(10, 100))
    listing = st.sampled_from(sorted(LEGACY_METHODS | {"server/discover"}))
    plain = st.builds(lambda m, modern: (m, modern), listing, st.booleans()).map(
        lambda pair: _request(next(ids), pair[0], {"_meta": plain_meta} if pair[1] else None)
    )
    rest = draw(st.lists(st.one_of(lines(), plain, plain), max_size=5))
    return [opening, *rest]


def _id_key(value: Any) -> str:
    return json.dumps(value)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(session=sessions(), read_only=st.booleans())
def test_every_answer_the_front_end_gives_is_the_real_servers(session: list[str], read_only: bool) -> None:
    profile = READ_ONLY if read_only else FULL
    answerer, answers, queued = _take_all(session, profile)
    given_ids = [json.loads(answer)["id"] for answer in answers]
    event(f"the front end answered {min(len(answers), 3)}{'+' if len(answers) >= 3 else ''} of the lines")
    # Request ids must be unique for the comparison: the generator rarely repeats one; skip those.
    all_ids = [_id_of(line) for line in session]
    if len([i for i in all_ids if i is not None]) != len({_id_key(i) for i in all_ids if i is not None}):
        return
    direct = _converse(session, read_only, given_ids)
    for answer in answers:
        said = json.loads(answer)
        real = _answer_to(direct, said["id"])
        assert real == said, f"front end: {answer[:300]}\nreal: {json.dumps(real)[:300]}\nlines: {session}"
    # What the front end handed over gets the same answers from the real server as the original lines,
    # and the replayed first request the answer the front end gave.
    expected = [m for m in direct if _id_key(m.get("id")) not in {_id_key(i) for i in given_ids}]
    waited = [m["id"] for m in expected if m.get("id") is not None]
    replayed = [REPLAY_ID] if answerer.replay_answer is not None else []
    handed = _converse(queued, read_only, waited + replayed)
    if replayed:
        replay_answer = _answer_to(handed, REPLAY_ID)
        assert (
            replay_answer is not None
            and {k: v for k, v in replay_answer.items() if k in {"result", "error"}} == answerer.replay_answer
        )
    assert _canonical([m for m in handed if m.get("id") != REPLAY_ID]) == _canonical(expected)


def _id_of(line: str) -> Any:
    try:
        message = json.loads(line)
    except ValueError:
        return None
    return message.get("id") if isinstance(message, dict) and "method" in message else None


def _answer_to(messages: list[dict[str, Any]], request_id: Any) -> dict[str, Any] | None:
    return next((m for m in messages if "method" not in m and _id_key(m.get("id")) == _id_key(request_id)), None)


def _canonical(messages: list[dict[str, Any]]) -> list[str]:
    """Answers in id order (concurrent requests may finish in any order), unreadable-line errors in order."""
    with_id = sorted(json.dumps(m, sort_keys=True) for m in messages if m.get("id") is not None)
    return with_id + [json.dumps(m, sort_keys=True) for m in messages if m.get("id") is None]


def _converse(lines: list[str], read_only: bool, wait_for: list[Any]) -> list[dict[str, Any]]:
    """The real server over these lines, until `wait_for` and every line it answers has its answer (the
    replayed request's answer is kept, to be compared)."""
    return anyio.run(lambda: converse(lines, read_only=read_only, wait_for=wait_for, at_least=_answerable(lines)))


def _answerable(lines: list[str]) -> int:
    """How many of these lines the SDK's server answers: every one but those it reads as a notification
    or a response (a request gets its answer, an unreadable line its error)."""
    count = 0
    for line in lines:
        try:
            message = jsonrpc_message_adapter.validate_json(line, by_name=False)
        except ValueError:
            count += 1
            continue
        count += isinstance(message, JSONRPCRequest)
    return count


def test_a_stale_manifest_is_said_on_stderr(caplog: pytest.LogCaptureFixture) -> None:
    """The real server's answer to the replayed request is checked against the front end's: a manifest
    that no longer matches is reported (tests above keep one from shipping)."""
    replay = json.dumps({**json.loads(initialize(0, "2025-11-25")), "id": REPLAY_ID})

    async def run() -> list[dict[str, Any]]:
        server = build_server(AppState(settings=portal_free_settings()))
        given_lines: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        given_lines.put(replay)
        out = Collected()
        stale = {
            "result": {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "serverInfo": {"name": "old", "version": "0"},
            }
        }
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(serve_stdio, server, HandedOver(given_lines, out, REPLAY_ID, stale))
            await anyio.sleep(0.3)
            given_lines.put(END)
        return out.messages

    with caplog.at_level(logging.WARNING):
        said = anyio.run(run)
    assert said == []  # the replayed request's answer never reaches the client
    assert "regenerate its manifest" in caplog.text
