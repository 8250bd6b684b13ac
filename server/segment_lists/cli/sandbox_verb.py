"""`segment-lists sandbox`: serve a seeded sandbox portal and tell the user how to point the SDK at it.

`--tier` makes it behave like a portal of that subscription (HubSpot's rate limits enforced, per-list
access on Enterprise only), `--latency`, `--processing-seconds` and `--faults` like a slow or flaky
one, `--lenient` like a forgiving one. docs/sandbox.md says what each does and where it comes from.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import threading
from typing import TYPE_CHECKING, Any

from segment_lists.data.hubspot_limits import RATE_TIERS

if TYPE_CHECKING:
    from segment_lists.sandbox import Sandbox


def build_sandbox(args: argparse.Namespace) -> Sandbox:
    from segment_lists.sandbox import (
        Credential,
        RateLimits,
        Sandbox,
        SandboxConfig,
        Strictness,
        parse_fault_spec,
        seed_demo,
    )

    scopes = [s.strip() for s in args.scopes.split(",") if s.strip()] if args.scopes else None
    try:
        faults = parse_fault_spec(args.faults or "")
    except ValueError as error:
        raise SystemExit(f"segment-lists sandbox: --faults: {error}") from None
    config = SandboxConfig(
        tokens={args.token: Credential(kind="service-key", scopes=scopes)} if args.token else {},
        db_path=args.db,
        processing_seconds=args.processing_seconds,
        latency_seconds=args.latency / 1000,
        faults=faults,
        tier=args.tier or "professional",
        # --tier: HubSpot's limits for that subscription, enforced; without it nothing is refused for rate.
        rate_limits=RateLimits.for_tier(args.tier) if args.tier else RateLimits(),
        per_list_access=args.per_list_access,
        strictness=Strictness.lenient() if args.lenient else Strictness(),
    )
    sandbox = Sandbox(config)
    if args.contacts > 0 and not sandbox.store.meta_get("seeded"):
        seed_demo(sandbox, contacts=args.contacts, seed=args.seed)
    return sandbox


def realism_line(sandbox: Sandbox) -> str:
    config = sandbox.config
    limits = config.rate_limits
    rate = (
        f"{limits.per_ten_seconds} calls / 10 s, {limits.daily:,} a day, search {limits.search_per_second} / s"
        if limits.enforced
        else "not enforced (headers report the tier's figures)"
    )
    access = "per-list team access" if config.has_per_list_access else "no per-list team access"
    return (
        f"Behaves like a portal on the {config.tier} tier: rate limits {rate}; {access}; "
        f"latency {config.latency_seconds * 1000:.0f} ms; lists process for {config.processing_seconds:g} s; "
        f"{'lenient' if config.strictness.properties is False else 'strict'} validation."
    )


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


def serve_sandbox(args: argparse.Namespace) -> int:
    from segment_lists.sandbox import RunningSandbox
    from segment_lists.workflow.doctor import probe_portal

    sandbox = build_sandbox(args)
    port = args.port if args.port is not None else (0 if args.check else 8765)
    running = RunningSandbox(host=args.host, port=port, sandbox=sandbox).start()
    print(banner(running.base_url, args.token), flush=True)
    print(realism_line(sandbox), flush=True)
    if args.check:
        # Proof the portal answers like HubSpot: a few reads through the product's own portal client.
        for line in probe_portal(running.base_url, args.token or "sandbox-check"):
            print(line, flush=True)
        running.stop()
        return 0
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    running.stop()
    return 0


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "sandbox",
        help="serve a local HubSpot-compatible sandbox portal",
        description="Serve a local portal that speaks HubSpot's public API (segments/lists, CRM, properties, "
        "...) at the date-versioned paths (/crm/lists/2026-09/...) and the legacy v3/v4 ones.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=int,
        default=None,
        help="port (default: 8765, or a free one with --check; 0 picks a free one)",
    )
    parser.add_argument("--token", help="the only bearer token accepted (default: accept any token)")
    parser.add_argument(
        "--scopes",
        help="with --token: the token is a service key with only these scopes, comma-separated "
        "(default: every scope); try `segment-lists doctor` against it",
    )
    parser.add_argument("--db", default=":memory:", help="SQLite file to keep the portal in (default: memory)")
    parser.add_argument(
        "--contacts",
        type=int,
        default=2000,
        help="seed this many demo contacts into an empty portal (default: 2000; 0 = none)",
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed of the demo data (default: 42)")
    parser.add_argument(
        "--processing-seconds",
        type=float,
        default=2.0,
        help="how long a new active segment stays PROCESSING (default: 2)",
    )
    parser.add_argument(
        "--tier",
        choices=RATE_TIERS,
        help="behave like a portal of this subscription: HubSpot's rate limits for it are enforced "
        "(429s included) and Enterprise has per-list team access (default: professional figures in the "
        "headers, nothing refused for rate)",
    )
    parser.add_argument("--latency", type=float, default=0.0, metavar="MS", help="delay every answer (default: 0)")
    parser.add_argument(
        "--faults",
        metavar="SPEC",
        help="inject faults, e.g. '429=0.05,5xx=0.02,drop=0.01,seed=7' (keys: 429, 5xx, drop, spike, "
        "spike-seconds, burst, seed, max, retry-after, paths, methods; see docs/sandbox.md)",
    )
    access = parser.add_mutually_exclusive_group()
    access.add_argument(
        "--per-list-access",
        dest="per_list_access",
        action="store_true",
        default=None,
        help="lists have per-list team access whatever the tier (default: Enterprise only)",
    )
    access.add_argument(
        "--no-per-list-access", dest="per_list_access", action="store_false", help="no per-list team access"
    )
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="accept what HubSpot's docs leave open (unknown properties, lowercase names, ...); default: strict",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="start, answer a few calls through the official SDK, print them, and exit",
    )
    parser.set_defaults(run=serve_sandbox)
