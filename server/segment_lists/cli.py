"""The one command line: `segment-lists <command>`.

Commands grow with the product; each one is a thin layer over domain code.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="segment-lists",
        description="Build, verify and roll back a HubSpot segment-list library.",
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
    sandbox.add_argument(
        "--db", default=":memory:", help="SQLite file to keep the portal in (default: memory)"
    )
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
    return parser


def run_sandbox(args: argparse.Namespace) -> int:
    from segment_lists.sandbox_cli import serve_sandbox

    return serve_sandbox(args)


def main(argv: Sequence[str] | None = None) -> None:
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    args = build_parser().parse_args(argv)
    sys.exit(args.run(args))
