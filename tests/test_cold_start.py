"""A faster start (issue 16, item 3): `segment-lists serve` imports only what answering `initialize`
and `tools/list` needs. Structural, not timed (bench/mcp.py times it): a fresh interpreter that loads
the serve command and builds the MCP server has not imported HubSpot's SDK, the sandbox or the report;
and what runs before the first answer (the stdio front end) imports only the standard library.
"""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
from segment_lists.cli.main import build_parser
args = build_parser("serve").parse_args(["serve"])
from segment_lists.mcp.server import build_server
from segment_lists.mcp.state import AppState
from segment_lists.workflow.environment import load_settings
from pathlib import Path
build_server(AppState(settings=load_settings(env={}, dotenv=Path("/nonexistent"))))
heavy = ("hubspot", "segment_lists.sandbox", "segment_lists.cli.report_render", "segment_lists.cli.demo_verb")
loaded = [m for m in heavy if m in sys.modules]
print(json.dumps({"command": args.command, "loaded": loaded}))
"""


def test_serving_imports_neither_the_sdk_nor_the_sandbox_nor_the_report() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"command": "serve", "loaded": []}


FRONT_END_PROBE = """
import json, sys
before = set(sys.modules)
from segment_lists.cli.main import build_parser
args = build_parser("serve").parse_args(["serve"])
from segment_lists.mcp.frontend import answers, manifest, session, wire
recorded = manifest.load()
usable = recorded is not None and manifest.matches_installed(recorded)
new = {name.split(".")[0] for name in set(sys.modules) - before}
print(json.dumps({"outside": sorted(new - set(sys.stdlib_module_names) - {"segment_lists"}), "usable": usable}))
"""


def test_the_stdio_front_end_needs_only_the_standard_library() -> None:
    """What runs before the client's first answer (serve's arguments, the front end, its manifest) imports
    nothing beyond Python's standard library: the MCP SDK, pydantic and anyio load meanwhile, in the main
    thread, while the front end answers (docs/DESIGN.md section 8b)."""
    out = subprocess.run(
        [sys.executable, "-c", FRONT_END_PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"outside": [], "usable": True}
