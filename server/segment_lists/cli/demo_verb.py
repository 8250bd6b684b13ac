"""`segment-lists demo`: the whole flow on a freshly seeded sandbox, through the real MCP server.

It plays the user: answers the interview (the defaults, plus the follow-ups the plan asks for), takes
the recommended option for each existing list that clashes with the plan (adopt, merge...), confirms
each write when the server asks, and prints what was planned, created, counted and found; the
rollback at the end deletes what it created and restores the lists it changed.
The planted competitor-customer overlap must show up in the exclusivity check.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import anyio

from segment_lists.boundary.text import quoted, shorten
from segment_lists.cli.embedded_sandbox import sandbox_settings, start_embedded_sandbox
from segment_lists.cli.output import table
from segment_lists.workflow.environment import load_settings
from segment_lists.workflow.tool_names import ToolName


async def _call(client: Any, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    if result.is_error:
        text = " ".join(getattr(block, "text", "") for block in result.content)
        raise SystemExit(f"{tool} failed: {text}")
    return result.structured_content


async def _confirmed(client: Any, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """Call a write tool; when it asks for confirmation, show the preview and confirm as the user."""
    answer = await _call(client, tool, arguments)
    if answer["status"] == "confirmation_required":
        print("  The server asks for confirmation:")
        for line in answer["preview"].splitlines():
            print(f"    | {line}")
        print("  The demo user agrees.")
        answer = await _call(client, tool, {**arguments, "confirmation_token": answer["confirmation_token"]})
    return answer


async def _flow(server: Any, demo: Any, keep: bool) -> None:
    from mcp import Client

    async with Client(server, mode="auto") as client:
        print("\n1. Inventory (list_existing_lists)")
        inventory = await _call(client, ToolName.LIST_EXISTING_LISTS, {})
        print(f"  Portal: {inventory['portal']['notice']}")
        table(
            [
                [lst["list_id"], lst["name"], lst["processing_type"], str(lst.get("size", ""))]
                for lst in inventory["lists"]
            ],
            ["id", "name", "type", "size"],
        )

        answers = {
            "competitor_domains": demo.crm.competitor_domains,
            "partner_marker": {"property": "contact_type", "values": ["partner"]},
        }
        print("\n2. Plan (propose_segments) with the default answers plus the follow-ups:")
        print(f"  competitor domains {', '.join(demo.crm.competitor_domains)}; partners = Contact type 'Partner'")
        proposed = await _call(client, ToolName.PROPOSE_SEGMENTS, {"answers": answers})
        plan = proposed["plan"]
        print("  What the model reads (each tool answers with a summary like this one):")
        for line in proposed["summary"].splitlines():
            print(f"    | {line}")
        clashes = [item for item in plan["items"] if item["action"] == "conflict" and item.get("clash")]
        if clashes:
            answers["choices"] = {item["key"]: item["clash"]["recommended"] for item in clashes}
            print(f"\n  The demo user takes the recommended options: {answers['choices']}")
            proposed = await _call(client, ToolName.PROPOSE_SEGMENTS, {"answers": answers})
            plan = proposed["plan"]
            table(
                [[item["key"], item["action"]] for item in plan["items"] if item["key"] in answers["choices"]],
                ["segment", "action"],
            )

        print("\n3. Create (create_list)")
        created = await _confirmed(client, ToolName.CREATE_LIST, {"plan_id": plan["plan_id"]})
        table(
            [
                [item["name"], item["outcome"], str(item.get("list_id", "")), shorten(item.get("message", ""), 70)]
                for item in created["items"]
            ],
            ["list", "outcome", "id", "note"],
        )
        run_id = created["run_id"]

        print("\n4. Verify (count_members)")
        counts = await _call(client, ToolName.COUNT_MEMBERS, {"run_id": run_id})
        table(
            [[c["name"], str(c.get("size", "")), str(c.get("estimate", "")), c["verdict"]] for c in counts["counts"]],
            ["list", "members", "estimate", "verdict"],
        )

        print("\n5. Exclusivity (check_exclusivity)")
        report = await _call(client, ToolName.CHECK_EXCLUSIVITY, {"run_id": run_id, "offenders": True})
        for group in report["groups"]:
            if not group.get("checked", True):
                print(f"  -- {group['group']}: not checked (fewer than two of its lists exist)")
                continue
            mark = "ok " if group["exclusive"] and not group.get("uncovered") else "!! "
            overlap = sum(pair["overlap"] for pair in group.get("pairs", []))
            uncovered = f", {group['uncovered']} in none of them" if group.get("uncovered") else ""
            print(f"  {mark}{group['group']}: {overlap} contacts in more than one list{uncovered}")
            for pair in group.get("pairs", []):
                samples = ", ".join(s.get("email") or s["record_id"] for s in pair.get("samples", []))
                print(f"       lists {pair['first']} and {pair['second']}: {pair['overlap']}, e.g. {samples}")
        print(f"  ({report['overlapping_pairs']} overlapping pairs)")

        print("\n6. Delete and restore (delete_list, restore_list)")
        kept = next(item for item in created["items"] if item["outcome"] in {"reused", "adopted", "merged"})
        refused = await _call(client, ToolName.DELETE_LIST, {"list_id": kept["list_id"]})
        print(f"  delete {quoted(kept['name'])}: {refused['status']}: {shorten(refused['message'], 160)}")
        target = next(item for item in created["items"] if item["outcome"] == "created")
        deleted = await _confirmed(client, ToolName.DELETE_LIST, {"list_id": target["list_id"]})
        print(f"  delete {quoted(target['name'])}: {deleted['message']}")
        restored = await _confirmed(client, ToolName.RESTORE_LIST, {"list_id": target["list_id"]})
        print(f"  restore: {restored['message']}")

        library = await _call(client, ToolName.EXPORT_LIBRARY, {})
        print(f"\n7. Library: {len(library['lists'])} lists documented (resource segment-lists://library)")
        if keep:
            return
        print("\n8. Roll back (rollback_run)")
        rolled = await _confirmed(client, ToolName.ROLLBACK_RUN, {"run_id": run_id})
        print(f"  {rolled['message']}")


def _number(value: int | str | None) -> str:
    return "" if value is None else str(value)


def run(args: argparse.Namespace) -> int:
    from segment_lists.mcp.server import build_server
    from segment_lists.mcp.state import AppState

    print(f"Seeding a sandbox HubSpot portal with {args.contacts} contacts (seed {args.seed})...")
    sandbox = start_embedded_sandbox(args.contacts, args.seed, processing_seconds=1.0)
    # A fresh portal each time, and its journal with it: both are gone when the demo ends.
    with tempfile.TemporaryDirectory(prefix="segment-lists-demo-") as journal_dir:
        try:
            settings = sandbox_settings(load_settings(confirmation="token"), sandbox.base_url, Path(journal_dir))
            state = AppState(settings=settings, sandbox=sandbox)
            anyio.run(_flow, build_server(state), sandbox.demo, args.keep)
            state.close()
        finally:
            sandbox.stop()
    print("\nDone. Everything above ran against the SANDBOX portal: demo data, not your HubSpot account.")
    return 0


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "demo",
        help="run the whole flow on a fresh sandbox portal and print what happened",
        description="Interview answers -> inventory -> plan -> confirm -> create -> count -> exclusivity -> "
        "delete -> restore -> rollback, through the MCP server, on a freshly seeded sandbox.",
    )
    parser.add_argument("--contacts", type=int, default=2000, help="demo contacts to seed (default 2000)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--keep", action="store_true", help="skip the final rollback (segments stay in the sandbox)")
    parser.set_defaults(run=run)
