"""The HubSpot token never leaks (issue 5, item 5).

The flows run with a recognisable canary token against a sandbox that accepts only that token;
everything the product writes is captured and scanned: tool results and errors (in-process and over
stdio), log records at DEBUG, the stdio server's stderr, the journal's SQLite files (WAL included),
the exported library. Faults are injected so retry and error paths run too. A token that lacks a
scope gets an error naming the scope.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import string
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from pydantic import SecretStr

from reliability_harness import runtime_for, seeded_sandbox
from segment_lists.boundary.redaction import mask_token_shapes, redact
from segment_lists.mcp.server import build_server
from segment_lists.mcp.state import AppState
from segment_lists.mcp.tool_steps import TOOL_STEPS
from segment_lists.portal.endpoints import endpoint_path
from segment_lists.sandbox import ALL_SCOPES, Faults, SandboxConfig
from segment_lists.workflow.environment import Settings, load_settings

pytestmark = pytest.mark.anyio
CANARY = "pat-na1-c4na7y00-5ec7-4e1d-9b1e-d0n0tl3ak0000"
# Fragments a sloppy redaction might leave behind.
FRAGMENTS = [CANARY, CANARY[8:], "c4na7y00", "d0n0tl3ak"]


def canary_settings(base_url: str, tmp_path: Path, **overrides: Any) -> Settings:
    """The server's settings with the canary token, from an environment of nothing else."""
    return load_settings(
        env={"HUBSPOT_ACCESS_TOKEN": CANARY, "HUBSPOT_BASE_URL": base_url},
        dotenv=tmp_path / "none",
        state_dir=tmp_path / "state",
        **overrides,
    )


def leaks(text: str | bytes) -> list[str]:
    data = text if isinstance(text, str) else text.decode("latin-1")
    return [fragment for fragment in FRAGMENTS if fragment in data]


def dump(result: Any) -> str:
    parts = [getattr(block, "text", "") for block in result.content]
    return json.dumps(result.structured_content, default=str) + " ".join(parts)


def test_the_token_comes_only_from_the_environment_or_dotenv(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"HUBSPOT_ACCESS_TOKEN={CANARY}\n")
    from_file = load_settings(env={}, dotenv=dotenv)
    from_env = load_settings(env={"HUBSPOT_API_TOKEN": CANARY}, dotenv=tmp_path / "none")
    assert from_file.token and from_file.token.get_secret_value() == CANARY
    assert from_env.token and from_env.token.get_secret_value() == CANARY
    assert not leaks(repr(from_file)) and not leaks(str(from_env)) and not leaks(from_env.model_dump_json())
    assert load_settings(env={}, dotenv=tmp_path / "none").token is None


async def test_no_tool_takes_a_token_argument(tmp_path: Path) -> None:
    settings = load_settings(env={}, dotenv=tmp_path / "none", state_dir=tmp_path)
    async with Client(build_server(AppState(settings=settings))) as client:
        for tool in (await client.list_tools()).tools:
            names = set(tool.input_schema.get("properties") or {})
            assert not {n for n in names if "token" in n.lower()} - {"confirmation_token"}, tool.name


@pytest.mark.slow
async def test_flows_never_write_the_token_anywhere(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    running, demo = seeded_sandbox(SandboxConfig(tokens={CANARY: None}), contacts=150)
    captured: list[str] = []
    try:
        settings = load_settings(
            env={"HUBSPOT_ACCESS_TOKEN": CANARY, "HUBSPOT_BASE_URL": running.base_url},
            dotenv=tmp_path / "none",
            state_dir=tmp_path / "state",
            confirmation="token",
            rate_tier="api-limit-increase",
        )
        running.sandbox.realism.configure(
            faults=Faults(seed=3, rate_429=0.02, rate_5xx=0.05, rate_drop=0.03, retry_after_on_injected_429=True)
        )

        async with Client(build_server(AppState(settings=settings))) as client:

            async def call(tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
                result = await client.call_tool(tool, arguments)
                captured.append(dump(result))
                if not result.is_error and (result.structured_content or {}).get("confirmation_token"):
                    token = result.structured_content["confirmation_token"]
                    result = await client.call_tool(tool, {**arguments, "confirmation_token": token})
                    captured.append(dump(result))
                return result.structured_content or {}

            await call("list_existing_lists", {"include_filters": True})
            answers = {
                "competitor_domains": demo.crm.competitor_domains,
                "partner_marker": {"property": "contact_type", "values": ["partner"]},
            }
            plan = (await call("propose_segments", {"answers": answers}))["plan"]
            created = await call("create_list", {"plan_id": plan["plan_id"]})
            run_id = created["run_id"]
            await call("count_members", {"run_id": run_id, "wait_seconds": 30})
            await call("check_exclusivity", {"run_id": run_id})
            await call("export_library", {})
            # Error paths: a missing list, a foreign list, a bad confirmation, a bad filter.
            await call("delete_list", {"list_id": "987654"})
            await call("delete_list", {"list_id": demo.existing_lists["newsletter"]})
            await call("restore_list", {"list_id": "1", "confirmation_token": "confirm-forged"})
            await call("create_list", {"custom": {"name": "x", "filter_branch": {"filterBranchType": "OR"}}})
            target = next(i["list_id"] for i in created["items"] if i["outcome"] == "created")
            await call("delete_list", {"list_id": target})
            await call("restore_list", {"list_id": target})
            await call("rollback_run", {"run_id": run_id})
            for uri in ("segment-lists://library", "segment-lists://library?format=markdown"):
                contents = await client.read_resource(uri)
                captured += [getattr(c, "text", "") for c in contents.contents]
        faults = running.sandbox.realism.stats()
        assert faults.injected >= 3, "the error paths must have run"
        assert len(captured) >= 15
    finally:
        running.stop()

    found = {f"tool result {i}": leaks(text) for i, text in enumerate(captured) if leaks(text)}
    found |= {"log": leaks(caplog.text)} if leaks(caplog.text) else {}
    found |= {f"record args {r.name}": leaks(repr(r.args)) for r in caplog.records if leaks(repr(r.args))}
    for path in sorted((tmp_path / "state").rglob("*")):
        if path.is_file() and leaks(path.read_bytes()):
            found[str(path.name)] = leaks(path.read_bytes())
    assert list((tmp_path / "state").glob("journal.sqlite3*")), "the journal was written"
    assert found == {}


@pytest.mark.slow
async def test_stdio_server_output_and_errors_never_carry_the_token(tmp_path: Path) -> None:
    running, _ = seeded_sandbox(SandboxConfig(tokens={CANARY: None}), contacts=40)
    errlog = (tmp_path / "stderr.txt").open("w+")
    outputs: list[str] = []
    try:
        env = {
            "HUBSPOT_ACCESS_TOKEN": CANARY,
            "HUBSPOT_BASE_URL": running.base_url,
            "SEGMENT_LISTS_STATE_DIR": str(tmp_path / "state"),
            "SEGMENT_LISTS_CONFIRMATION": "token",
            "PATH": os.environ.get("PATH", ""),
        }
        params = StdioServerParameters(
            command=sys.executable, args=["-m", "segment_lists", "serve"], env=env, cwd=str(tmp_path)
        )
        running.sandbox.realism.configure(faults=Faults(seed=1, rate_5xx=1.0, max_injected=40))
        async with Client(stdio_client(params, errlog=errlog)) as client:  # type: ignore[arg-type]
            failed = await client.call_tool("list_existing_lists", {})  # 5xx until the retries give up
            outputs.append(dump(failed))
            assert failed.is_error and "not answering" in dump(failed)
            running.sandbox.realism.configure(faults=Faults())
            outputs.append(dump(await client.call_tool("list_existing_lists", {})))
            outputs.append(dump(await client.call_tool("delete_list", {"list_id": "424242"})))
    finally:
        running.stop()
    errlog.seek(0)
    stderr = errlog.read()
    assert [leaks(text) for text in outputs] == [[], [], []]
    assert leaks(stderr) == [], stderr[-2000:]
    for path in (tmp_path / "state").rglob("journal.sqlite3*"):
        assert leaks(path.read_bytes()) == []


async def test_a_token_missing_a_scope_gets_an_error_naming_it(tmp_path: Path) -> None:
    scopes = sorted(ALL_SCOPES - {"crm.lists.write"})
    running, demo = seeded_sandbox(SandboxConfig(tokens={CANARY: scopes}), contacts=60)
    try:
        settings = canary_settings(running.base_url, tmp_path, confirmation="token")
        assert isinstance(settings.token, SecretStr)
        async with Client(build_server(AppState(settings=settings))) as client:
            custom = {"custom": {"name": "Scope probe", "processing_type": "MANUAL"}}
            first = await client.call_tool("create_list", custom)
            token = first.structured_content["confirmation_token"]
            result = await client.call_tool("create_list", {**custom, "confirmation_token": token})
            text = dump(result)
            assert result.is_error and "crm.lists.write" in text and "Development > Keys > Service keys" in text, text
            assert "nothing was created" in text and not leaks(text)
    finally:
        running.stop()


# --- redaction by shape (issue 10, item 6) ------------------------------------------------------------

ECHO_FORMS = ["plain", "lower", "upper", "url", "spaced", "base64", "basic", "bearer"]


def echoed(token: str) -> list[str]:
    """The token as the sandbox's echo fault writes it, in every form (what must never come out)."""
    return [
        token,
        token.lower(),
        token.upper(),
        "".join(f"%{byte:02X}" for byte in token.encode()),
        " ".join(token),
        base64.b64encode(token.encode()).decode(),
        base64.b64encode(f"api:{token}".encode()).decode(),
    ]


@given(
    token=st.one_of(
        st.from_regex(
            r"pat-(na|eu|ap)[1-9]-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", fullmatch=True
        ),
        st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=12, max_size=60),
    ),
    prefix=st.text(max_size=20),
    form=st.integers(min_value=0, max_value=6),
)
def test_the_token_is_removed_in_any_case_and_encoding(token: str, prefix: str, form: int) -> None:
    text = f"{prefix}error: {echoed(token)[form]} (while calling lists.get)"
    out = redact(text, token)
    assert all(shape not in out for shape in echoed(token)), out
    assert token.lower() not in out.lower()
    assert "while calling lists.get" in out  # the rest of the message survives


def test_anything_shaped_like_a_hubspot_token_is_masked_without_knowing_it() -> None:
    text = (
        "key pat-eu1-1a2b3c4d-0000-4e1d-9b1e-abcdefabcdef, Authorization: Bearer CJSP5qf1KhICAQEYs-gDIIGOBii1, "
        "hapikey=0a1b2c3d-1234-5678-9abc-def012345678; list 123, correlation 0222830a-dfc3-40b0-88dd-8256874bf7e0"
    )
    out = mask_token_shapes(text)
    assert "pat-eu1" not in out and "CJSP5" not in out and "0a1b2c3d" not in out
    assert "list 123" in out and "0222830a-dfc3-40b0-88dd-8256874bf7e0" in out and "Bearer [token]" in out


# The inventory's listing call at the default API version (2026-09's `POST /crm/lists/2026-09/all`).
LISTING_PATH = endpoint_path("lists.all", "latest")[1]


@pytest.mark.parametrize("status", [503, 400])
async def test_an_error_that_echoes_the_token_in_any_form_never_reaches_the_model(tmp_path: Path, status: int) -> None:
    """A misbehaving portal (or proxy) quotes the caller's token back in its error, in every form at once;
    a 503 reaches the model after the retries, a 400 at once. Neither carries the token in any form."""
    running, _ = seeded_sandbox(SandboxConfig(tokens={CANARY: None}), contacts=20)
    try:
        settings = canary_settings(running.base_url, tmp_path)
        runtime = runtime_for(running.base_url, tmp_path / "state", token=CANARY, next_steps=TOOL_STEPS)
        running.sandbox.realism.configure(
            faults=Faults(
                rate_5xx=1.0, statuses_5xx=[status], body_5xx="json", echo_token=ECHO_FORMS, paths=[LISTING_PATH]
            )
        )
        async with Client(build_server(AppState(settings=settings, sandbox=running, _runtime=runtime))) as client:
            result = await client.call_tool("list_existing_lists", {})
        assert running.sandbox.realism.stats().injected_5xx >= 1, "the echoing fault ran"
    finally:
        running.stop()
    text = dump(result)
    assert result.is_error and "nothing was read" in text, text
    assert not leaks(text) and all(form not in text for form in echoed(CANARY)), text
    assert "[token]" in text  # it was there, and was masked
