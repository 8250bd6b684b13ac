"""Benchmark: MCP server cold start and the per-call overhead of each read tool.

    uv run python bench/mcp.py [--runs 5] [--calls 30]

Cold start: spawn `python -m segment_lists serve` (without a token: what every shipped config starts,
the sandbox standing in on the first tool call; and with `--sandbox --contacts 0`) and time, over the
stdio pipes, from the spawn to the answer to the first `tools/list` (initialize + initialized +
tools/list, raw JSON-RPC). `serve` answers these from its stdio front end while the MCP SDK loads;
the same command with SEGMENT_LISTS_FRONTEND=0 is measured too. Beside them, in the same run and
interleaved run by run, HubSpot's own `@hubspot/mcp-server` from npm (Node), installed by this
benchmark into .tools/hubspot-mcp (never by the tests); when npm cannot install it (offline), the run
says so and measures ours alone.
First call: on ours, `tools/call list_existing_lists` sent the moment the `tools/list` answer arrives
(the sandbox standing in: started and seeded on that call), timed from the spawn to its answer, with
and without the front end: the hand-over must not make the first real call slower.
Overhead: each read tool called through an in-process MCP client against an embedded sandbox
(no latency), minus the same workflow call made directly on the same runtime: what the MCP layer
(validation, threads, serialization) adds beyond the HubSpot calls the tool makes.
Results: a table on stdout and JSON in bench/results/mcp.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
# This file is bench/mcp.py: run as a script, its folder comes first on sys.path and would shadow
# the `mcp` package itself.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "0"}},
}


HUBSPOT_MCP = HERE.parent / ".tools" / "hubspot-mcp"
HUBSPOT_MCP_PACKAGE = "@hubspot/mcp-server"


def hubspot_mcp_command() -> tuple[list[str] | None, str]:
    """The command that starts @hubspot/mcp-server (installed here when missing), or None and why."""
    entry = HUBSPOT_MCP / "node_modules" / "@hubspot" / "mcp-server"
    if not entry.exists():
        HUBSPOT_MCP.mkdir(parents=True, exist_ok=True)
        try:
            subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", "--silent", f"{HUBSPOT_MCP_PACKAGE}@latest"],
                cwd=HUBSPOT_MCP,
                check=True,
                timeout=600,
                capture_output=True,
            )
        except (OSError, subprocess.SubprocessError) as error:
            return (
                None,
                f"{HUBSPOT_MCP_PACKAGE} could not be installed from npm ({type(error).__name__}): measured ours alone",
            )
    package = json.loads((entry / "package.json").read_text())
    bin_path = package["bin"] if isinstance(package["bin"], str) else next(iter(package["bin"].values()))
    return ["node", str(entry / bin_path)], f"{HUBSPOT_MCP_PACKAGE} {package['version']}"


def ours(args: list[str]) -> Callable[[str], list[str]]:
    return lambda workdir: [
        sys.executable,
        "-m",
        "segment_lists",
        "serve",
        *args,
        "--state-dir",
        str(Path(workdir) / "state"),
    ]


# @hubspot/mcp-server refuses to start without a token (it reads none before a tool is called): a
# placeholder that is no credential, so both servers start without reaching HubSpot.
NODE_ENV = {"PRIVATE_APP_ACCESS_TOKEN": "placeholder-not-a-token"}


FIRST_CALL = {
    "jsonrpc": "2.0",
    "id": 3,
    "method": "tools/call",
    "params": {"name": "list_existing_lists", "arguments": {}},
}
NO_FRONT_END = {"SEGMENT_LISTS_FRONTEND": "0"}


def cold_start(
    command: Callable[[str], list[str]], extra_env: dict[str, str] | None = None, *, first_call: bool = False
) -> tuple[float, float | None]:
    """Seconds from spawning the server to reading the answer to the first tools/list, and (`first_call`)
    to the answer to a tools/call sent as soon as that listing arrived."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUBSPOT_", "SEGMENT_LISTS_"))} | (extra_env or {})
    with tempfile.TemporaryDirectory() as workdir:
        started = time.perf_counter()
        process = subprocess.Popen(
            command(workdir),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=workdir,
            env=env,
        )
        assert process.stdin is not None and process.stdout is not None
        try:
            for message in (
                INIT,
                {"jsonrpc": "2.0", "method": "notifications/initialized"},
                {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
            ):
                process.stdin.write((json.dumps(message) + "\n").encode())
            process.stdin.flush()
            listed: float | None = None
            while True:
                line = process.stdout.readline()
                if not line:
                    raise RuntimeError("the server exited before answering")
                reply = json.loads(line)
                if reply.get("id") == 2:
                    assert reply["result"]["tools"], reply
                    listed = time.perf_counter() - started
                    if not first_call:
                        return listed, None
                    process.stdin.write((json.dumps(FIRST_CALL) + "\n").encode())
                    process.stdin.flush()
                elif reply.get("id") == 3:
                    assert reply["result"]["isError"] is False, reply
                    assert listed is not None
                    return listed, time.perf_counter() - started
        finally:
            process.stdin.close()
            process.terminate()
            process.wait(timeout=10)


def _summary(samples: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    return {
        label: {"median_s": round(statistics.median(values), 3), "min_s": round(min(values), 3)}
        for label, values in samples.items()
    }


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


async def overhead(calls: int) -> list[dict[str, Any]]:
    from mcp import Client

    from segment_lists.cli.embedded_sandbox import sandbox_settings, start_embedded_sandbox
    from segment_lists.domain.catalog import ExclusivityGroup
    from segment_lists.domain.interview import Answers
    from segment_lists.mcp.server import build_server
    from segment_lists.mcp.state import AppState
    from segment_lists.workflow.environment import load_settings
    from segment_lists.workflow.exclusivity import check_groups
    from segment_lists.workflow.inventory import take_inventory
    from segment_lists.workflow.library import export_library
    from segment_lists.workflow.proposal import propose
    from segment_lists.workflow.verify import count_members

    sandbox = start_embedded_sandbox(contacts=300, seed=1, processing_seconds=0.0)
    settings = sandbox_settings(
        load_settings(env={}, dotenv=Path("/nonexistent")), sandbox.base_url, Path(tempfile.mkdtemp())
    )
    state = AppState(settings=settings, sandbox=sandbox)
    rt = state.runtime()
    ids = [lst.id for lst in rt.lists()][:2]
    given = [(ExclusivityGroup(name="given lists", members=ids, description="bench"), {i: i for i in ids})]
    cases: list[tuple[str, dict[str, Any], Callable[[], Any]]] = [
        ("list_existing_lists", {}, lambda: take_inventory(rt)),
        ("propose_segments", {"estimate": False}, lambda: propose(rt, Answers(), estimate=False)),
        ("count_members", {"list_ids": ids, "wait_seconds": 0}, lambda: count_members(rt, ids, wait_seconds=0)),
        ("check_exclusivity", {"list_ids": ids}, lambda: check_groups(rt, given)),
        ("export_library", {}, lambda: export_library(rt)),
    ]
    rows = []
    async with Client(build_server(state), mode="auto") as client:
        for name, arguments, direct in cases:
            via_mcp: list[float] = []
            plain: list[float] = []
            portal_calls = 0
            for index in range(calls + 2):  # two warm-up rounds, then alternate
                before = rt.portal.stats().total_calls
                started = time.perf_counter()
                result = await client.call_tool(name, arguments)
                elapsed = time.perf_counter() - started
                assert not result.is_error, result
                portal_calls = rt.portal.stats().total_calls - before
                started = time.perf_counter()
                await anyio.to_thread.run_sync(direct)
                direct_elapsed = time.perf_counter() - started
                if index >= 2:
                    via_mcp.append(elapsed)
                    plain.append(direct_elapsed)
            rows.append(
                {
                    "tool": name,
                    "mcp_ms": _median_ms(via_mcp),
                    "direct_ms": _median_ms(plain),
                    "overhead_ms": round(_median_ms(via_mcp) - _median_ms(plain), 2),
                    "hubspot_calls": portal_calls,
                }
            )
    state.close()
    sandbox.stop()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold starts per configuration")
    parser.add_argument("--calls", type=int, default=30, help="calls per read tool")
    args = parser.parse_args(argv)
    node, node_label = hubspot_mcp_command()
    ours_label, without_label = "ours: serve (no token)", "ours: serve (no token), SEGMENT_LISTS_FRONTEND=0"
    # label -> (command, environment, whether to time the first call too)
    configs: dict[str, tuple[Callable[[str], list[str]], dict[str, str] | None, bool]] = {
        ours_label: (ours([]), None, True),
        without_label: (ours([]), NO_FRONT_END, True),
        "ours: serve --sandbox --contacts 0": (ours(["--sandbox", "--contacts", "0"]), None, False),
    }
    if node is not None:
        configs[node_label] = (lambda _workdir: node, NODE_ENV, False)
    samples: dict[str, list[float]] = {label: [] for label in configs}
    calls: dict[str, list[float]] = {label: [] for label, (_, _, timed) in configs.items() if timed}
    for _ in range(args.runs):  # interleaved: the machine's load falls on every server alike
        for label, (command, env, timed) in configs.items():
            listed, called = cold_start(command, env, first_call=timed)
            samples[label].append(listed)
            if called is not None:
                calls[label].append(called)
    starts, first_calls = _summary(samples), _summary(calls)
    ratio = round(starts[ours_label]["median_s"] / starts[node_label]["median_s"], 2) if node else None
    rows = anyio.run(overhead, args.calls)
    result = {
        "cold_start": starts,
        "first_call": first_calls,
        "reference": node_label,
        "ratio_ours_over_reference": ratio,
        "read_tools": rows,
        "python": sys.version.split()[0],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "mcp.json").write_text(json.dumps(result, indent=2) + "\n")
    print("cold start to the first tools/list answer")
    for label, data in starts.items():
        print(f"  {label:<52} median {data['median_s']:.3f} s  (min {data['min_s']:.3f} s)")
    print(f"  ours (serve) / {node_label}: {ratio}x" if ratio else f"  {node_label}")
    print("first tools/call answer (list_existing_lists, sent when tools/list is answered; sandbox seeded on it)")
    for label, data in first_calls.items():
        print(f"  {label:<52} median {data['median_s']:.3f} s  (min {data['min_s']:.3f} s)")
    print("read tools (median per call)")
    print(f"  {'tool':<22}{'via MCP ms':>12}{'direct ms':>12}{'overhead ms':>13}{'HubSpot calls':>15}")
    for row in rows:
        print(
            f"  {row['tool']:<22}{row['mcp_ms']:>12}{row['direct_ms']:>12}{row['overhead_ms']:>13}"
            f"{row['hubspot_calls']:>15}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
