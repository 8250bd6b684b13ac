"""The one command line: `segment-lists <command>` (also `python -m segment_lists`).

Every verb lives in a module of this package and registers its own parser; each is a thin layer over
the workflow, the same code the MCP tools call.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from segment_lists.cli import (
    demo_verb,
    export_verb,
    library_verbs,
    report_verb,
    sandbox_verb,
    serve_verb,
    setup_verbs,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="segment-lists",
        description="Build, verify and roll back a library of HubSpot segments (lists, in the API).",
        epilog="Exit codes: 0 ok, 1 failed, 2 usage, 3 exclusivity overlap, 4 drift, 5 changes pending, "
        "6 doctor found problems, 7 not confirmed. See docs/cli.md.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sandbox_verb.add_parser(commands)
    serve_verb.add_parser(commands)
    demo_verb.add_parser(commands)
    library_verbs.add_parsers(commands)
    report_verb.add_parser(commands)
    export_verb.add_parser(commands)
    setup_verbs.add_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    sys.exit(args.run(args))
