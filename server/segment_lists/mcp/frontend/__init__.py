"""The stdio front end: `serve` answers a client's first messages before the MCP SDK has loaded.

Importing the MCP SDK, pydantic and the tools takes about a second; an MCP client waits that long for
the answer to `initialize` and `tools/list`. The front end starts first, imports only the standard
library, and answers what the real server would answer without a portal (the handshake and the lists
of tools, prompts and resources) from a manifest recorded from the real server (`manifest.json`, made
by `python -m segment_lists.mcp.frontend_manifest`; tests/test_frontend_manifest.py proves it equal).
Everything else waits, in order, for the real server, which then takes the session over. Its modules
import only the standard library (tests/test_cold_start.py checks): `manifest` (the recorded answers),
`answers` (which lines it answers, and what the real server must still see), `wire` (the process's
stdin and stdout, claimed for MCP), `session` (the reading thread and the hand-over).
SEGMENT_LISTS_FRONTEND=0 turns it off (docs/DESIGN.md, "The stdio front end").
"""
