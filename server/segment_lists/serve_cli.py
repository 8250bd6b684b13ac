"""`segment-lists serve`: the MCP server over stdio (default) or streamable HTTP on 127.0.0.1."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

from segment_lists.config import Settings, load_settings

log = logging.getLogger("segment_lists.serve")


def start_embedded_sandbox(contacts: int, seed: int, processing_seconds: float = 1.0) -> Any:
    """A seeded sandbox portal in this process, for `--sandbox` and the demo."""
    from segment_lists.sandbox import RunningSandbox, SandboxConfig
    from segment_lists.sandbox.seed_demo import seed_demo

    running = RunningSandbox(SandboxConfig(processing_seconds=processing_seconds)).start()
    seed_demo(running.sandbox, contacts=contacts, seed=seed)
    return running


def sandbox_settings(base: Settings, base_url: str, state_dir: Path | None) -> Settings:
    from segment_lists.workflow.runtime import sandbox_token

    # A fresh sandbox reuses list ids: its journal must not mix with another sandbox's.
    state = state_dir or Path(tempfile.mkdtemp(prefix="segment-lists-sandbox-"))
    return base.model_copy(update={"token": sandbox_token(), "base_url": base_url, "sandbox": True, "state_dir": state})


def serve(args: argparse.Namespace) -> int:
    from segment_lists.mcp.server import build_server
    from segment_lists.mcp.state import AppState

    overrides: dict[str, Any] = {}
    if args.confirmation:
        overrides["confirmation"] = args.confirmation
    settings = load_settings(**overrides)
    sandbox = None
    if args.sandbox:
        sandbox = start_embedded_sandbox(args.contacts, args.seed)
        settings = sandbox_settings(settings, sandbox.base_url, args.state_dir)
        print(f"hubspot-segment-lists: serving the SANDBOX portal at {sandbox.base_url} (demo data)", file=sys.stderr)
    elif args.state_dir:
        settings = settings.model_copy(update={"state_dir": args.state_dir})
    read_only = args.read_only or settings.read_only
    server = build_server(AppState(settings=settings, read_only=read_only, sandbox=sandbox))
    try:
        if args.http:
            if args.host not in {"127.0.0.1", "localhost", "::1"}:
                log.warning("binding %s: the server is reachable from other machines", args.host)
            server.run("streamable-http", host=args.host, port=args.port)
        else:
            server.run()
    finally:
        if sandbox is not None:
            sandbox.stop()
    return 0
