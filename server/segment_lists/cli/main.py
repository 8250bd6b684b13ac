"""The one command line: `segment-lists <command>` (also `python -m segment_lists`).

Every verb lives in a module of this package and registers its own parser; each is a thin layer over
the workflow, the same code the MCP tools call.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import NoReturn

# The verbs are imported when the parser is built, and `serve`'s arguments alone when it is the command:
# an MCP client waits for the server's first answer, which the stdio front end gives before anything
# heavy is imported (cli/serve_entry.py; bench/mcp.py measures the cold start).


class UsageError(Exception):
    """Bad arguments: raised by the parser instead of printing and exiting, so that `--json` can
    answer with a JSON object like every other failure."""

    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        super().__init__(message)
        self.parser = parser


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(self, message)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every verb's parser; only `serve`'s when `command` is "serve" (the same arguments, less to import)."""
    parser = Parser(
        prog="segment-lists",
        description="Build, verify and roll back a library of HubSpot segments (lists, in the API).",
        epilog="Exit codes: 0 ok, 1 failed, 2 usage, 3 exclusivity overlap, 4 drift, 5 changes pending, "
        "6 doctor found problems, 7 not confirmed. See docs/cli.md.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    from segment_lists.cli import serve_entry

    if command == "serve":
        serve_entry.add_parser(commands)
        return parser
    from segment_lists.cli import demo_verb, export_verb, library_verbs, report_verb, sandbox_verb, setup_verbs

    sandbox_verb.add_parser(commands)
    serve_entry.add_parser(commands)
    demo_verb.add_parser(commands)
    library_verbs.add_parsers(commands)
    report_verb.add_parser(commands)
    export_verb.add_parser(commands)
    setup_verbs.add_parsers(commands)
    return parser


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The arguments, or exit 2 with argparse's usage line (and with --json, a JSON object on stdout)."""
    given = list(sys.argv[1:] if argv is None else argv)
    try:
        return build_parser(given[0] if given else None).parse_args(given)
    except UsageError as error:
        from segment_lists.cli.output import emit_json
        from segment_lists.cli.session import Exit, failure_json
        from segment_lists.workflow.failures import Failure

        if "--json" in given:
            emit_json(
                failure_json(Failure(str(error), "nothing was done", f"See {error.parser.prog} --help."), Exit.USAGE)
            )
        error.parser.print_usage(sys.stderr)
        print(f"{error.parser.prog}: error: {error}", file=sys.stderr)
        sys.exit(int(Exit.USAGE))


def main(argv: Sequence[str] | None = None) -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    args = parse(argv)
    sys.exit(args.run(args))
