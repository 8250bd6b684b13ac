"""Benchmark: what the default flow costs a model's context, against issue 13's budgets.

    uv run python bench/context.py                      # the demo portal: serve --sandbox, 2,000 contacts
    uv run python bench/context.py --contacts 100000    # the same flow on a bigger portal

Everything goes over the real MCP protocol, as Claude Code runs the server: `python -m segment_lists
serve --sandbox` over stdio. Measured:
- `tools/list`: the bytes of the server's JSON-RPC answer line (sent on every turn);
- the `create-segment-lists` prompt: the characters of its messages;
- the default flow, every call from inventory to export (list_existing_lists, propose_segments with
  the default answers, create_list with the plan's default items, count_members and
  check_exclusivity of that run, export_library), twice on fresh servers: by a client without form
  elicitation (create_list answers confirmation_required, then is called again with the token) and
  by one with it (the user accepts the dialog);
- options beside the flow: propose_segments with two industries + sizes + regions, and a saved plan
  with five items in full plus the plan's own detail; list_existing_lists with filters; count_members
  with history; check_exclusivity of every list with offenders; export_library as markdown and jsonl.
Per result: the characters of its text content and of its structured content (compact JSON, as Claude
Code passes it: `JSON.stringify`), and what a model reads, the larger of the two: Claude Code hands the
model only the structured content when a result has one (anthropics/claude-code#79944), other clients
the text. Budgets (issue 13) apply to what a model reads: tools/list <= 15,000 bytes; default
propose_segments <= 6,000 characters, with two industries + sizes + regions <= 10,000; every other
result <= 6,000 by default and <= 25,000 with any option; the whole default flow (tools/list + prompt
+ every call) <= 40,000. Claude Code saves any result over 50,000 characters to a file.
Results: a table on stdout and JSON in bench/results/context.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import anyio

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
# Run as a script, this folder comes first on sys.path, and bench/mcp.py would shadow the `mcp` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

from mcp import Client, StdioServerParameters  # noqa: E402
from mcp.client import ClientRequestContext  # noqa: E402
from mcp.client.stdio import stdio_client  # noqa: E402
from mcp.types import CallToolResult, ElicitRequestParams, ElicitResult  # noqa: E402

TOOLS_LIST_BYTES = 15_000
DEFAULT_TEXT = 6_000
PROPOSE_WIDE_TEXT = 10_000
ANY_OPTION_TEXT = 25_000
FLOW_TOTAL = 40_000
CLAUDE_CODE_FILE_LIMIT = 50_000  # a result over this reaches the model only as a file path
WIDE_ANSWERS = {
    "families": ["core", "icp", "industries", "size", "regions", "engagement"],
    "industries": ["Manufacturing", "Retail"],
}


@dataclass
class Measured:
    call: str
    arguments: dict[str, Any]
    text_chars: int
    structured_chars: int
    is_error: bool
    budget: int
    model_chars: int = 0  # what a model reads: the larger of text and structured content
    verdict: str = ""

    def __post_init__(self) -> None:
        self.model_chars = max(self.text_chars, self.structured_chars)
        self.verdict = "over" if self.model_chars > self.budget else "under"


@dataclass
class Flow:
    client: str  # "token" (no elicitation) or "elicitation"
    calls: list[Measured] = field(default_factory=list)
    dialogs: list[int] = field(default_factory=list)  # characters of each confirmation dialog (the user's)


def server(contacts: int, state_dir: Path) -> StdioServerParameters:
    state_dir.parent.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUBSPOT_", "SEGMENT_LISTS_"))}
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "segment_lists", "serve", "--sandbox", "--contacts", str(contacts), "--state-dir", str(state_dir)],
        env=env,
        cwd=str(state_dir.parent),
    )


def tools_list_bytes(params: StdioServerParameters) -> tuple[int, int]:
    """The bytes of the JSON-RPC line that answers tools/list, and how many tools it lists."""
    hello = {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "0"}}
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": hello},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
    ]
    process = subprocess.Popen(
        [params.command, *params.args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=params.env,
        cwd=params.cwd,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write("".join(json.dumps(m) + "\n" for m in messages).encode())
        process.stdin.flush()
        while line := process.stdout.readline():
            reply = json.loads(line)
            if reply.get("id") == 2:
                return len(line.rstrip(b"\n")), len(reply["result"]["tools"])
        raise RuntimeError("the server exited before answering tools/list")
    finally:
        process.stdin.close()
        process.terminate()
        process.wait(timeout=30)


@asynccontextmanager
async def connect(params: StdioServerParameters, **kwargs: Any) -> AsyncIterator[Client]:
    """A client on a fresh server process; its start-up lines on stderr are not measured."""
    with open(os.devnull, "w") as quiet:
        async with Client(stdio_client(params, errlog=quiet), **kwargs) as client:  # type: ignore[arg-type]
            yield client


def sizes(result: CallToolResult) -> tuple[int, int]:
    text = sum(len(block.text) for block in result.content if getattr(block, "type", "") == "text")
    structured = result.structured_content
    compact = 0 if structured is None else len(json.dumps(structured, ensure_ascii=False, separators=(",", ":")))
    return text, compact


async def measure(client: Client, name: str, arguments: dict[str, Any], budget: int) -> tuple[Measured, Any]:
    result = await client.call_tool(name, arguments)
    text, structured = sizes(result)
    return Measured(name, arguments, text, structured, bool(result.is_error), budget), result.structured_content


async def default_flow(params: StdioServerParameters, *, elicitation: bool) -> tuple[Flow, list[Measured]]:
    """The default flow; with the token client also the options, on the portal the flow left."""
    flow = Flow("elicitation" if elicitation else "token")

    async def accept(context: ClientRequestContext, request: ElicitRequestParams) -> ElicitResult:
        flow.dialogs.append(len(request.message))
        return ElicitResult(action="accept", content={"confirm": True})

    options: list[Measured] = []
    async with connect(params, elicitation_callback=accept if elicitation else None) as client:

        async def step(name: str, arguments: dict[str, Any], budget: int = DEFAULT_TEXT) -> Any:
            measured, data = await measure(client, name, arguments, budget)
            flow.calls.append(measured)
            if measured.is_error:
                raise RuntimeError(f"{name} failed: the flow cannot go on")
            return data

        await step("list_existing_lists", {})
        plan = (await step("propose_segments", {}))["plan"]
        created = await step("create_list", {"plan_id": plan["plan_id"]})
        if created["status"] == "confirmation_required":
            token = created["confirmation_token"]
            created = await step("create_list", {"plan_id": plan["plan_id"], "confirmation_token": token})
        run_id = created["run_id"]
        await step("count_members", {"run_id": run_id})
        await step("check_exclusivity", {"run_id": run_id})
        await step("export_library", {})
        if not elicitation:
            list_ids = [item["list_id"] for item in created["items"] if item.get("list_id")][:50]
            keys = [item["key"] for item in plan["items"]]
            detail = {"plan_id": plan["plan_id"], "detail": keys[:5]}
            for name, arguments, budget in (
                ("propose_segments", {"answers": WIDE_ANSWERS}, PROPOSE_WIDE_TEXT),
                ("propose_segments", detail, ANY_OPTION_TEXT),
                ("propose_segments", {"plan_id": plan["plan_id"], "detail": ["plan"]}, ANY_OPTION_TEXT),
                ("list_existing_lists", {"include_filters": True}, ANY_OPTION_TEXT),
                ("count_members", {"run_id": run_id, "include_history": True}, ANY_OPTION_TEXT),
                ("check_exclusivity", {"list_ids": list_ids, "offenders": True}, ANY_OPTION_TEXT),
                ("export_library", {"format": "markdown"}, ANY_OPTION_TEXT),
                ("export_library", {"format": "jsonl"}, ANY_OPTION_TEXT),
            ):
                options.append((await measure(client, name, arguments, budget))[0])
    return flow, options


async def prompt_chars(params: StdioServerParameters) -> int:
    async with connect(params) as client:
        prompt = await client.get_prompt("create-segment-lists")
    return sum(len(message.content.text) for message in prompt.messages if hasattr(message.content, "text"))


def verdict(value: int, budget: int) -> str:
    return "over" if value > budget else "under"


async def run(contacts: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        listing, tools = tools_list_bytes(server(0, root / "list" / "state"))
        prompt = await prompt_chars(server(0, root / "prompt" / "state"))
        token_flow, options = await default_flow(server(contacts, root / "token" / "state"), elicitation=False)
        dialog_flow, _ = await default_flow(server(contacts, root / "dialog" / "state"), elicitation=True)
    flows = {}
    for flow in (token_flow, dialog_flow):
        text = sum(c.text_chars for c in flow.calls)
        structured = sum(c.structured_chars for c in flow.calls)
        read = sum(c.model_chars for c in flow.calls)
        total = listing + prompt + read
        flows[flow.client] = {
            "calls": [asdict(c) for c in flow.calls],
            "confirmation_dialog_chars": flow.dialogs,
            "text_chars": text,
            "structured_chars": structured,
            "model_chars": read,
            "total_context": total,
            "total_text_only": listing + prompt + text,
            "budget": FLOW_TOTAL,
            "verdict": verdict(total, FLOW_TOTAL),
        }
    every = [*token_flow.calls, *dialog_flow.calls, *options]
    return {
        "portal": {"kind": "demo (serve --sandbox)", "contacts": contacts, "seed": 42},
        "tools_list": {
            "bytes": listing,
            "tools": tools,
            "budget": TOOLS_LIST_BYTES,
            "verdict": verdict(listing, TOOLS_LIST_BYTES),
        },
        "prompt": {"name": "create-segment-lists", "chars": prompt},
        "flows": flows,
        "options": [asdict(m) for m in options],
        "over_claude_code_file_limit": sorted({m.call for m in every if m.model_chars > CLAUDE_CODE_FILE_LIMIT}),
        "largest": max((m.model_chars, m.call) for m in every),
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
    }


def row(
    label: str,
    text: int | str = "",
    structured: int | str = "",
    read: int | str = "",
    budget: int | str = "",
    verdict: str = "",
) -> str:
    values = (text, structured, read, budget)
    cells = [f"{value:>8,}" if isinstance(value, int) else f"{value:>8}" for value in values]
    return f"{label:<58} {' '.join(cells)}  {verdict}".rstrip()


def call_row(call: dict[str, Any]) -> str:
    label = call["call"] + (" " + json.dumps(call["arguments"])[:40] if call["arguments"] else "")
    return row(
        label, call["text_chars"], call["structured_chars"], call["model_chars"], call["budget"], call["verdict"]
    )


def table(report: dict[str, Any]) -> str:
    listing = report["tools_list"]
    lines = [
        f"Context cost on the demo portal ({report['portal']['contacts']:,} contacts), over stdio",
        row("what", "text", "struct", "read", "budget", "verdict"),
        row(
            f"tools/list ({listing['tools']} tools, bytes)",
            "",
            "",
            listing["bytes"],
            listing["budget"],
            listing["verdict"],
        ),
        row("prompt create-segment-lists", "", "", report["prompt"]["chars"]),
    ]
    for name, flow in report["flows"].items():
        lines.append("-- default flow, " + ("form elicitation" if name == "elicitation" else "no elicitation (token)"))
        lines += [call_row(call) for call in flow["calls"]]
        lines.append(
            row(
                "   whole flow (tools/list + prompt + every call)",
                flow["text_chars"],
                flow["structured_chars"],
                flow["total_context"],
                flow["budget"],
                flow["verdict"],
            )
        )
    lines.append("-- options")
    lines += [call_row(call) for call in report["options"]]
    over = report["over_claude_code_file_limit"]
    lines.append(f"over Claude Code's 50,000-character limit: {', '.join(over) if over else 'none'}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=2000, help="demo contacts (default 2000, as serve --sandbox)")
    parser.add_argument("--out", type=Path, default=RESULTS / "context.json")
    args = parser.parse_args()
    report = anyio.run(run, args.contacts)
    print(table(report))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
