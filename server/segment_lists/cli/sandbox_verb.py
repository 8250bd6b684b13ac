"""`segment-lists sandbox`: serve a seeded sandbox portal and tell the user how to point the SDK at it."""

from __future__ import annotations

import argparse
import contextlib
import signal
import threading

from segment_lists.sandbox import RunningSandbox, Sandbox, SandboxConfig


def build_sandbox(args: argparse.Namespace) -> Sandbox:
    config = SandboxConfig(
        tokens={args.token: None} if args.token else {},
        db_path=args.db,
        processing_seconds=args.processing_seconds,
    )
    sandbox = Sandbox(config)
    if args.contacts > 0 and not sandbox.store.meta_get("seeded"):
        from segment_lists.sandbox import seed_demo

        seed_demo(sandbox, contacts=args.contacts, seed=args.seed)
    return sandbox


def banner(base_url: str, token: str | None) -> str:
    token_line = (
        "Only the bearer token given with --token is accepted."
        if token
        else "Any bearer token is accepted (start with --token T to require one)."
    )
    shown_token = "<your --token>" if token else "any-token"
    return (
        f"Sandbox HubSpot portal serving at {base_url}\n"
        f"{token_line}\n"
        "Point the official SDK at it:\n"
        "    import hubspot\n"
        f'    client = hubspot.HubSpot(access_token="{shown_token}", host="{base_url}", base_url="{base_url}")\n'
        '    client.crm.lists.lists_api.do_search({"query": "", "count": 20, "offset": 0})\n'
        "Or point this tool at it: HUBSPOT_BASE_URL=" + base_url
    )


def check(running: RunningSandbox, token: str | None) -> list[str]:
    """A few calls through the official SDK, as proof the portal answers like HubSpot."""
    import hubspot

    client = hubspot.HubSpot(access_token=token or "sandbox-check", host=running.base_url, base_url=running.base_url)
    contacts = client.crm.contacts.search_api.do_search({"filterGroups": [], "limit": 1})
    properties = client.crm.properties.core_api.get_all("contacts")
    lists = client.crm.lists.lists_api.do_search({"query": "", "count": 20, "offset": 0})
    return [
        f"contacts (CRM search total): {contacts.total}",
        f"contact properties: {len(properties.results)}",
        f"lists: {lists.total}",
    ]


def serve_sandbox(args: argparse.Namespace) -> int:
    sandbox = build_sandbox(args)
    port = args.port if args.port is not None else (0 if args.check else 8765)
    running = RunningSandbox(host=args.host, port=port, sandbox=sandbox).start()
    print(banner(running.base_url, args.token), flush=True)
    if args.check:
        for line in check(running, args.token):
            print(line, flush=True)
        running.stop()
        return 0
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    running.stop()
    return 0
