"""`segment-lists serve`, first step: its arguments and, over stdio, the front end.

Only the standard library is imported here: parsing `serve`'s arguments and starting the stdio front end
(`segment_lists.mcp.frontend`) come before the MCP SDK, pydantic and the tools are imported
(`cli/serve_verb.py`), so the client's `initialize` and `tools/list` are answered while they load.
SEGMENT_LISTS_FRONTEND=0 (environment or .env) serves stdio through the SDK alone, as before.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from segment_lists.workflow.dotenv import is_yes, merged_environment

if TYPE_CHECKING:
    from segment_lists.mcp.frontend.session import FrontEnd

NO = frozenset({"0", "false", "no", "off"})


def front_end(args: argparse.Namespace) -> FrontEnd | None:
    """The stdio front end, started; None over HTTP or when turned off."""
    if args.http:
        return None
    environment = merged_environment()
    if environment.get("SEGMENT_LISTS_FRONTEND", "").strip().lower() in NO:
        return None
    from segment_lists.mcp.frontend.session import start

    # The same readings as `serve` makes once its settings load: read-only (the tools listed must match),
    # and an always-on sandbox, whose address is said before the first answer (serve_verb releases it).
    read_only = args.read_only or is_yes(environment.get("SEGMENT_LISTS_READ_ONLY", ""))
    always = environment.get("SEGMENT_LISTS_SANDBOX", "").strip().lower() == "always"
    return start(read_only=read_only, held=args.sandbox is True or (args.sandbox is None and always))


def run(args: argparse.Namespace) -> int:
    front = front_end(args)
    from segment_lists.cli.serve_verb import serve

    return serve(args, front)


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "serve",
        help="run the MCP server (stdio by default)",
        description="Run the MCP server for Claude Code, Claude Desktop, the MCP Inspector or any MCP client.",
    )
    parser.add_argument(
        "--sandbox",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="--sandbox: always serve an embedded, seeded sandbox portal (demo data); --no-sandbox: never, "
        "not even without a token (default: the sandbox stands in only when no HUBSPOT_ACCESS_TOKEN is set)",
    )
    parser.add_argument("--read-only", action="store_true", help="register no write tools at all")
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP instead of stdio")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP interface (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="HTTP port (default: 8000)")
    parser.add_argument(
        "--allowed-host",
        action="append",
        metavar="HOST",
        help="HTTP: also accept this Host header (repeatable; DNS-rebinding protection)",
    )
    parser.add_argument(
        "--confirmation",
        choices=["auto", "elicitation", "token", "refuse"],
        help="how writes are confirmed (default: auto = elicitation if the client can, else a token)",
    )
    parser.add_argument("--state-dir", type=Path, help="where the journal lives (default: ~/.local/state/...)")
    parser.add_argument("--contacts", type=int, default=2000, help="sandbox: demo contacts to seed (default 2000)")
    parser.add_argument("--seed", type=int, default=42, help="sandbox: random seed (default 42)")
    parser.set_defaults(run=run)
