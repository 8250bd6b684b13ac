"""The library as JSON Lines for HubSpot's Agent CLI and its skills, from both faces.

The records follow the Agent CLI's read convention (bulk-operations/SKILL.md: one object per line, `id`,
`properties` with string values, `createdAt`/`updatedAt`/`archived`/`url`) plus `name`, `objectTypeId`
and `listType` as `hubspot segments create` takes them; member files are the skills' segment files
(`{"id": ...}` per line). What they say is checked against the portal, read independently with the
official SDK.
"""

from __future__ import annotations

import json
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import anyio
import pytest

from mcp_support import SeededPortal, call, confirmed, seeded_portal
from segment_lists.cli.main import build_parser


def _lines(text: str) -> list[dict[str, Any]]:
    assert text.endswith("\n") and "\n\n" not in text
    records = [json.loads(line) for line in text.splitlines()]
    assert all(isinstance(r, dict) for r in records)
    return records


def _sdk_members(portal: SeededPortal, list_id: str) -> set[str]:
    api = portal.sdk().crm.lists.memberships_api
    found: set[str] = set()
    after = None
    while True:
        page = api.get_page(list_id=list_id, limit=250, **({"after": after} if after else {}))
        found |= {m.record_id for m in page.results}
        if page.paging is None or page.paging.next is None:
            return found
        after = page.paging.next.after


def _run_cli(*argv: str) -> tuple[int, str]:
    out = StringIO()
    args = build_parser().parse_args(list(argv))
    saved, sys.stdout = sys.stdout, out
    try:
        code = int(args.run(args))
    finally:
        sys.stdout = saved
    return code, out.getvalue()


def test_the_library_exports_as_agent_cli_records_from_both_faces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with seeded_portal(tmp_path, contacts=300) as portal:
        answers = {"competitor_domains": list(portal.demo.crm.competitor_domains)}

        async def build_and_export() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
            async with portal.client(confirmation="token") as client:
                plan = (await call(client, "propose_segments", {"answers": answers, "estimate": False}))["plan"]
                _, created = await confirmed(client, "create_list", {"plan_id": plan["plan_id"]})
                await call(client, "count_members", {"run_id": created["run_id"], "wait_seconds": 30})
                as_json = await call(client, "export_library")
                as_jsonl = await call(client, "export_library", {"format": "jsonl"})
                return as_json, as_jsonl, created

        as_json, as_jsonl, created = anyio.run(build_and_export)
        # JSONL mode carries the library once: the lines, not also the table and the list objects.
        assert as_jsonl["lists"] == [] and "markdown" not in as_jsonl and as_json.get("jsonl") is None
        records = _lines(as_jsonl["jsonl"])
        assert [r["id"] for r in records] == [entry["list_id"] for entry in as_json["lists"]]
        # Every segment the run created or took over, and nothing else.
        applied = {item["list_id"] for item in created["items"] if item["outcome"] != "skipped" and item["list_id"]}
        assert len(applied) >= 5 and {r["id"] for r in records} == applied

        api = portal.sdk().crm.lists.lists_api
        live = portal.lists()
        for record in records:
            # The Agent CLI's read-record convention.
            assert isinstance(record["id"], str) and record["archived"] is False
            assert all(isinstance(v, str) for v in record["properties"].values())
            assert {"createdAt", "updatedAt", "url"} <= set(record)
            # What `hubspot segments create` takes, and HubSpot's own definition, as the portal has them.
            name, processing_type, size = live[record["id"]]
            assert record["name"] == name and record["objectTypeId"] == "0-1"
            assert record["processingType"] == processing_type
            assert record["listType"] == ("ACTIVE" if processing_type == "DYNAMIC" else "STATIC")
            assert record["properties"].get("hs_list_size") == (None if size is None else str(size))
            fetched = api.get_by_id(list_id=record["id"], include_filters=True, _preload_content=False)
            assert record["filterBranch"] == json.loads(fetched.data)["list"].get("filterBranch")
            facts = record["segmentLists"]
            assert facts["segmentKey"] and facts["origin"] in {"created", "reused"} and facts["definition"]
        assert {r["listType"] for r in records} == {"ACTIVE", "STATIC"}  # Competitors is static

        # The command line says the same, and writes each segment's members as a skills' segment file.
        monkeypatch.delenv("HUBSPOT_ACCESS_TOKEN", raising=False)
        common = ["--base-url", portal.base_url, "--state-dir", str(portal.state_dir), "--no-progress"]
        members = tmp_path / "segments"
        code, out = _run_cli("export", *common, "--members", str(members))
        assert code == 0 and _lines(out) == records
        files = sorted(members.glob("*.jsonl"))
        assert len(files) == len(records)
        for record in records:
            (path,) = [f for f in files if f.name.endswith(f"-{record['id']}.jsonl")]
            lines = [json.loads(line) for line in path.read_text().splitlines()]
            assert all(set(line) == {"id"} for line in lines)
            assert {line["id"] for line in lines} == _sdk_members(portal, record["id"])

        # A segment deleted in HubSpot behind the tool's back is exported as archived, not dropped.
        gone = records[-1]["id"]
        api.remove(list_id=gone)
        code, out = _run_cli("export", *common, "-o", str(tmp_path / "library.jsonl"))
        assert code == 0 and "Wrote" in out
        exported = _lines((tmp_path / "library.jsonl").read_text())
        assert [r["id"] for r in exported if r["archived"]] == [gone]
        code, out = _run_cli("export", *common, "--format", "markdown")
        assert code == 0 and out.startswith("| List (in HubSpot) | Role | Id |")
