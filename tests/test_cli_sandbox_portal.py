"""The command line's `--sandbox` as a newcomer uses it: one portal to come back to.

`apply --sandbox`, then `verify`, `report`, `rollback` and `restore` with `--sandbox` act on the same
lists, each as its own process (as a person types them), as the previous command's hint says; the
portal and its journal live under the user's state directory, two commands at once do not corrupt
them, `--sandbox-reset` says what it deleted, and nothing is left in the temp directory.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import hubspot
from segment_lists.workflow.tool_names import ToolName

ROOT = Path(__file__).resolve().parents[1]
SEGMENTS = ROOT / "docs" / "segments.example.toml"


class Home:
    """A user's machine in miniature: a state home (XDG_STATE_HOME), a temp directory, a working folder."""

    def __init__(self, root: Path) -> None:
        self.state = root / "state"
        self.tmp = root / "tmp"
        self.cwd = root / "work"
        for folder in (self.state, self.tmp, self.cwd):
            folder.mkdir()
        self.sandbox = self.state / "hubspot-segment-lists" / "sandbox"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HUBSPOT_", "SEGMENT_LISTS_"))}
        env.update(XDG_STATE_HOME=str(self.state), TMPDIR=str(self.tmp), TMP=str(self.tmp), TEMP=str(self.tmp))
        return env

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "segment_lists", *args, "--no-progress"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=self.env(),
            cwd=self.cwd,
        )

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        process = self.start(*args)
        out, err = process.communicate(timeout=240)
        return subprocess.CompletedProcess(process.args, process.returncode, out, err)

    def hinted(self, text: str, verb: str) -> list[str]:
        """The arguments of the `segment-lists <verb> ...` command a hint names (to run it as written)."""
        match = re.search(rf"`segment-lists ({verb}[^`]*)`", text)
        assert match, f"no hint for {verb} in: {text}"
        return shlex.split(match.group(1))


def tool_names_in(text: str) -> list[str]:
    return [tool.value for tool in ToolName if tool.value in text]


@pytest.mark.slow
def test_apply_verify_report_rollback_restore_follow_each_other(tmp_path: Path) -> None:
    home = Home(tmp_path)
    segments = str(SEGMENTS)

    # Nothing was applied yet: verify says so and creates nothing (no silent writes).
    first = home.run("verify", segments, "--sandbox", "--wait", "5")
    assert "seeded now" in first.stderr and str(home.sandbox) in first.stderr
    assert "Not in the portal yet" in first.stdout and "segment-lists apply" in first.stdout
    assert (home.sandbox / "portal.sqlite3").is_file() and (home.sandbox / "journal.sqlite3").is_file()

    applied = home.run("apply", segments, "--sandbox", "--yes", "--no-estimate")
    assert applied.returncode == 0, applied.stderr
    assert "kept between commands" in applied.stderr  # the same portal as before, not a new one
    rows = [line for line in applied.stdout.splitlines() if line.strip().startswith("created")]
    created_ids = [m.group(1) for m in (re.search(r"\s{2}(\d+)\s{2}", row) for row in rows) if m]

    # The hints name commands that work when pasted: they carry --sandbox.
    verify_args = home.hinted(applied.stdout, "verify")
    rollback_args = home.hinted(applied.stdout, "rollback")
    assert "--sandbox" in verify_args and "--sandbox" in rollback_args
    assert tool_names_in(applied.stdout + applied.stderr) == []

    verified = home.run(*verify_args, "--json")
    assert verified.returncode == 3, verified.stderr  # the demo portal's planted overlap
    counts = json.loads(verified.stdout)["counts"]["counts"]
    assert counts and all(c["verdict"] != "not-found" for c in counts)

    report = home.run("report", segments, "--sandbox", "-o", str(home.cwd / "library.html"))
    assert report.returncode == 0, report.stderr
    assert "not created" not in (home.cwd / "library.md").read_text(encoding="utf-8")

    rolled = home.run(*rollback_args, "--yes")
    assert rolled.returncode == 0, rolled.stdout + rolled.stderr
    assert rolled.stdout.count("deleted") >= len(created_ids) >= 8
    assert tool_names_in(rolled.stdout + rolled.stderr) == []  # "rolled back with rollback_run" no more
    restore_args = home.hinted(rolled.stdout, "restore")
    assert restore_args[:2] == ["restore", "LIST_ID"] and "--sandbox" in restore_args

    target = created_ids[0]
    restored = home.run("restore", target, *restore_args[2:], "--yes")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "restored" in restored.stdout and tool_names_in(restored.stdout + restored.stderr) == []
    again = home.run("restore", target, "--sandbox", "--yes", "--json")
    assert again.returncode == 0 and "is not deleted" in json.loads(again.stdout)["message"]

    # The restored list is in the portal the next command sees, the others are gone.
    planned = home.run("plan", segments, "--sandbox", "--no-estimate", "--json")
    statuses = {item["list_id"]: item["status"] for item in json.loads(planned.stdout)["status"]["items"]}
    assert statuses.get(target) == "in-sync"

    assert list(home.tmp.iterdir()) == []  # nothing left in the temp directory, ever


@pytest.mark.slow
def test_sandbox_reset_says_what_it_deleted_and_starts_afresh(tmp_path: Path) -> None:
    home = Home(tmp_path)
    seeded = home.run("plan", "--sandbox", "--contacts", "40", "--no-estimate", "--json")
    assert seeded.returncode in (0, 5), seeded.stderr
    assert "40 demo contacts" in seeded.stderr and "seeded now" in seeded.stderr

    kept = home.run("plan", "--sandbox", "--contacts", "80", "--no-estimate")
    assert "kept between commands" in kept.stderr
    assert "this one has 40 demo contacts" in kept.stderr and "--sandbox-reset" in kept.stderr

    reset = home.run("plan", "--sandbox-reset", "--contacts", "80", "--no-estimate")
    assert reset.returncode in (0, 5), reset.stderr
    deleted = reset.stderr.split("--sandbox-reset deleted", 1)[1].splitlines()[0]
    assert str(home.sandbox / "portal.sqlite3") in deleted and str(home.sandbox / "journal.sqlite3") in deleted
    assert "80 demo contacts" in reset.stderr and "seeded now" in reset.stderr
    assert list(home.tmp.iterdir()) == []


@pytest.mark.slow
def test_two_commands_at_once_take_turns_and_create_each_list_once(tmp_path: Path) -> None:
    home = Home(tmp_path)
    segments = tmp_path / "engagement.toml"
    segments.write_text('families = ["engagement"]\n', encoding="utf-8")
    args = ("apply", str(segments), "--sandbox", "--contacts", "60", "--yes", "--no-estimate", "--json")
    first = home.start(*args)
    lock = home.sandbox / "lock"
    deadline = time.monotonic() + 60
    while not (lock.exists() and lock.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert lock.read_text().strip() == str(first.pid), "the first command holds the sandbox"
    second = home.start(*args)
    outputs = [process.communicate(timeout=240) for process in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    assert "Waiting for another segment-lists command" in outputs[1][1]

    results = [json.loads(out) for out, _ in outputs]
    made = [item for item in results[0]["result"]["items"] if item["outcome"] == "created"]
    assert len(made) == 3 and results[1]["result"] is None  # the second found nothing left to do
    with sqlite3.connect(home.sandbox / "portal.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # The portal itself has each list once (read with the official SDK through a sandbox command).
    check = home.run("plan", str(segments), "--sandbox", "--no-estimate", "--json", "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    ids = [item["list_id"] for item in json.loads(check.stdout)["status"]["items"]]
    assert sorted(ids) == sorted(item["list_id"] for item in made)


def test_the_sandbox_portal_is_the_hubspot_api_the_sdk_reads(tmp_path: Path) -> None:
    """What the next command sees is what the portal holds: read back with the official SDK."""
    from segment_lists.sandbox import RunningSandbox, Sandbox, SandboxConfig

    home = Home(tmp_path)
    segments = tmp_path / "engagement.toml"
    segments.write_text('families = ["engagement"]\n', encoding="utf-8")
    applied = home.run("apply", str(segments), "--sandbox", "--contacts", "60", "--yes", "--no-estimate", "--json")
    assert applied.returncode == 0, applied.stderr
    made = {item["list_id"] for item in json.loads(applied.stdout)["result"]["items"] if item["outcome"] == "created"}
    with RunningSandbox(sandbox=Sandbox(SandboxConfig(db_path=str(home.sandbox / "portal.sqlite3")))) as portal:
        client = hubspot.HubSpot(access_token="any", host=portal.base_url, base_url=portal.base_url)
        found = client.crm.lists.lists_api.do_search({"query": "[Engagement]", "count": 50}).lists
        assert {str(lst.list_id) for lst in found} == made
