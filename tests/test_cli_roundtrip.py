"""Acceptance, as a new user runs it: a running `segment-lists sandbox`, a segments file, and
plan -> apply -> verify -> (drift) -> rollback as separate commands sharing a state directory.
The portal's list inventory must be exactly what it was before."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import hubspot

ROOT = Path(__file__).resolve().parents[1]
SEGMENTS = ROOT / "docs" / "segments.example.toml"


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`segment-lists sandbox --port 0 --db FILE` in its own process, as the README starts it."""
    db = tmp_path_factory.mktemp("portal") / "portal.db"
    process = subprocess.Popen(
        [sys.executable, "-m", "segment_lists", "sandbox", "--port", "0", "--db", str(db), "--contacts", "300"]
        + ["--processing-seconds", "0.5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"serving at (http://\S+)", line)
    assert match, line
    yield match.group(1)
    process.terminate()
    process.wait(timeout=20)


def cli(base_url: str, state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUBSPOT_", "SEGMENT_LISTS_"))}
    env.update(HUBSPOT_BASE_URL=base_url, SEGMENT_LISTS_STATE_DIR=str(state))
    return subprocess.run(
        [sys.executable, "-m", "segment_lists", *args, "--no-progress"],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=state,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def inventory(base_url: str) -> list[tuple[str, str, str]]:
    client = hubspot.HubSpot(access_token="any", host=base_url, base_url=base_url)
    found = client.crm.lists.lists_api.do_search({"query": "", "count": 500, "offset": 0})
    return sorted((lst.list_id, lst.name, lst.processing_type) for lst in found.lists)


def test_plan_apply_verify_drift_rollback_leaves_the_portal_as_it_was(portal: str, tmp_path: Path) -> None:
    before = inventory(portal)

    planned = cli(portal, tmp_path, "plan", str(SEGMENTS), "--check", "--no-estimate", "--json")
    assert planned.returncode == 5, planned.stderr  # lists to create: pending
    status = json.loads(planned.stdout)["status"]["items"]
    assert {item["status"] for item in status} >= {"missing"}
    assert not any(item["status"] == "drifted" for item in status)

    declined = cli(portal, tmp_path, "apply", str(SEGMENTS), "--no-estimate")
    assert declined.returncode == 7, declined.stderr  # no terminal, no --yes: nothing happens
    assert "Create " in declined.stdout and "Nothing was created." in declined.stdout
    assert inventory(portal) == before

    applied = cli(portal, tmp_path, "apply", str(SEGMENTS), "--yes", "--json", "--no-estimate")
    assert applied.returncode == 0, applied.stderr
    result = json.loads(applied.stdout)["result"]
    created = {item["key"]: item["list_id"] for item in result["items"] if item["outcome"] == "created"}
    assert "core.partners" in created and len(created) >= 8
    names_now = {name for _, name, _ in inventory(portal)}
    assert "[Core] - All Partners" in names_now

    in_sync = cli(portal, tmp_path, "plan", str(SEGMENTS), "--check", "--no-estimate")
    assert in_sync.returncode == 0, in_sync.stdout + in_sync.stderr

    verified = cli(portal, tmp_path, "verify", str(SEGMENTS), "--json")
    # The demo portal plants competitor contacts that are customers: the group must overlap (exit 3).
    assert verified.returncode == 3, verified.stderr
    report = json.loads(verified.stdout)
    groups = {g["group"]: g for g in report["exclusivity"]["groups"]}
    assert not groups["customers-vs-competitors"]["exclusive"]
    assert groups["engagement"]["exclusive"]
    sizes = {c["list_id"]: c["size"] for c in report["counts"]["counts"]}
    client = hubspot.HubSpot(access_token="any", host=portal, base_url=portal)
    partners = client.crm.lists.lists_api.get_by_id(list_id=created["core.partners"]).list
    assert sizes[created["core.partners"]] == partners.size

    # Drift: someone edits the Partners list's filters in HubSpot.
    client.crm.lists.lists_api.update_list_filters(
        list_id=created["core.partners"],
        list_filter_update_request={
            "filterBranch": {
                "filterBranchType": "OR",
                "filterBranchOperator": "OR",
                "filters": [],
                "filterBranches": [
                    {
                        "filterBranchType": "AND",
                        "filterBranchOperator": "AND",
                        "filters": [],
                        "filterBranches": [
                            {
                                # The example file's partner marker (HubSpot's company Type), widened.
                                "filterBranchType": "ASSOCIATION",
                                "filterBranchOperator": "AND",
                                "objectTypeId": "0-2",
                                "operator": "IN_LIST",
                                "associationTypeId": 279,
                                "associationCategory": "HUBSPOT_DEFINED",
                                "filterBranches": [],
                                "filters": [
                                    {
                                        "filterType": "PROPERTY",
                                        "property": "type",
                                        "operation": {
                                            "operationType": "ENUMERATION",
                                            "operator": "IS_ANY_OF",
                                            "includeObjectsWithNoValueSet": False,
                                            "values": ["PARTNER", "RESELLER"],
                                        },
                                    }
                                ],
                            }
                        ],
                    }
                ],
            }
        },
    )
    drifted = cli(portal, tmp_path, "plan", str(SEGMENTS), "--check", "--no-estimate")
    assert drifted.returncode == 4, drifted.stdout + drifted.stderr
    text = drifted.stdout
    assert "drifted" in text and "[Core] - All Partners" in text
    widened = "associated company's Type is any of Partner, Reseller"
    assert widened in text  # the difference, in plain words
    assert "lost in HubSpot:   associated company's Type is any of Partner\n" in text
    as_json = json.loads(cli(portal, tmp_path, "plan", str(SEGMENTS), "--no-estimate", "--json").stdout)
    partner = next(item for item in as_json["status"]["items"] if item["key"] == "core.partners")
    assert partner["status"] == "drifted" and partner["added"] == [widened]

    # apply leaves a drifted list alone: no second "All Partners (2)".
    again = cli(portal, tmp_path, "apply", str(SEGMENTS), "--yes", "--no-estimate")
    assert again.returncode == 0, again.stderr
    assert "Left as is (drifted" in again.stdout
    assert not any("All Partners (2)" in name for _, name, _ in inventory(portal))

    rolled = cli(portal, tmp_path, "rollback", "--yes")
    assert rolled.returncode == 0, rolled.stdout + rolled.stderr
    assert rolled.stdout.count("deleted") >= len(created)
    assert inventory(portal) == before
