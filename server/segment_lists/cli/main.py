"""The one command line: `segment-lists <command>`.

Commands grow with the product; each one is a thin layer over domain code.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="segment-lists",
        description="Build, verify and roll back a HubSpot segment-list library.",
        epilog="Exit codes: 0 ok, 1 failed, 2 usage, 3 exclusivity overlap, 4 drift, 5 changes pending, "
        "6 doctor found problems, 7 not confirmed. See docs/cli.md.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sandbox = commands.add_parser(
        "sandbox",
        help="serve a local HubSpot-compatible sandbox portal",
        description="Serve a local portal that speaks HubSpot's public API (Lists v3, CRM, properties, ...).",
    )
    sandbox.add_argument("--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)")
    sandbox.add_argument(
        "--port",
        type=int,
        default=None,
        help="port (default: 8765, or a free one with --check; 0 picks a free one)",
    )
    sandbox.add_argument("--token", help="the only bearer token accepted (default: accept any token)")
    sandbox.add_argument("--db", default=":memory:", help="SQLite file to keep the portal in (default: memory)")
    sandbox.add_argument(
        "--contacts",
        type=int,
        default=2000,
        help="seed this many demo contacts into an empty portal (default: 2000; 0 = none)",
    )
    sandbox.add_argument("--seed", type=int, default=42, help="random seed of the demo data (default: 42)")
    sandbox.add_argument(
        "--processing-seconds",
        type=float,
        default=2.0,
        help="how long a new active list stays PROCESSING (default: 2)",
    )
    sandbox.add_argument(
        "--check",
        action="store_true",
        help="start, answer a few calls through the official SDK, print them, and exit",
    )
    sandbox.set_defaults(run=run_sandbox)

    serve = commands.add_parser(
        "serve",
        help="run the MCP server (stdio by default)",
        description="Run the MCP server for Claude Code, Claude Desktop, the MCP Inspector or any MCP client.",
    )
    serve.add_argument(
        "--sandbox",
        action="store_true",
        help="serve an embedded, seeded sandbox portal instead of HubSpot (no token needed)",
    )
    serve.add_argument("--read-only", action="store_true", help="register no write tools at all")
    serve.add_argument("--http", action="store_true", help="serve streamable HTTP instead of stdio")
    serve.add_argument("--host", default="127.0.0.1", help="HTTP interface (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="HTTP port (default: 8000)")
    serve.add_argument(
        "--allowed-host",
        action="append",
        metavar="HOST",
        help="HTTP: also accept this Host header (repeatable; DNS-rebinding protection)",
    )
    serve.add_argument(
        "--confirmation",
        choices=["auto", "elicitation", "token", "refuse"],
        help="how writes are confirmed (default: auto = elicitation if the client can, else a token)",
    )
    serve.add_argument("--state-dir", type=Path, help="where the journal lives (default: ~/.local/state/...)")
    serve.add_argument("--contacts", type=int, default=2000, help="sandbox: demo contacts to seed (default 2000)")
    serve.add_argument("--seed", type=int, default=42, help="sandbox: random seed (default 42)")
    serve.set_defaults(run=run_serve)

    demo = commands.add_parser(
        "demo",
        help="run the whole flow on a fresh sandbox portal and print what happened",
        description="Interview answers -> inventory -> plan -> confirm -> create -> count -> exclusivity -> "
        "delete -> restore -> rollback, through the MCP server, on a freshly seeded sandbox.",
    )
    demo.add_argument("--contacts", type=int, default=2000, help="demo contacts to seed (default 2000)")
    demo.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    demo.add_argument("--keep", action="store_true", help="skip the final rollback (lists stay in the sandbox)")
    demo.set_defaults(run=run_demo)

    from segment_lists.cli.library_verbs import add_flow_commands
    from segment_lists.cli.setup_verbs import add_other_commands

    add_flow_commands(commands)
    add_other_commands(commands)
    return parser


def run_sandbox(args: argparse.Namespace) -> int:
    from segment_lists.cli.sandbox_verb import serve_sandbox

    return serve_sandbox(args)


def run_serve(args: argparse.Namespace) -> int:
    from segment_lists.cli.serve_verb import serve

    return serve(args)


def run_demo(args: argparse.Namespace) -> int:
    from segment_lists.cli.demo_verb import run

    return run(args)


def main(argv: Sequence[str] | None = None) -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    sys.exit(args.run(args))
