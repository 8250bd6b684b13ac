"""Shared pieces of the reliability tests and the long trials in bench/: the default flow driven
through the workflow functions against a seeded sandbox, the portal's end state, and the check that
the portal and the journal agree.

Nothing here mocks anything: faults come from the sandbox's own fault injection, crashes from
SIGKILL of a real child process.
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from segment_lists.domain.interview import Answers
from segment_lists.portal import LimiterSettings, RetrySettings
from segment_lists.sandbox import DemoSummary, Faults, RunningSandbox, SandboxConfig, seed_demo
from segment_lists.workflow.apply import apply_items, select_items
from segment_lists.workflow.environment import Settings
from segment_lists.workflow.proposal import load_plan, propose
from segment_lists.workflow.rollback import rollback_run
from segment_lists.workflow.runtime import Runtime, open_runtime
from segment_lists.workflow.verify import count_members

CONTACTS = 400
SEED = 7
TOKEN = "pat-na1-11111111-reliability-harness"
# Fast retries keep faulted trials short; the budgets are the product's defaults.
FAST_RETRY = RetrySettings(backoff_base_seconds=0.01, backoff_cap_seconds=0.1, max_attempts=8)
# No client pacing (the sandbox has no rate limits here); a 429 without Retry-After waits one
# shrunken window (1 s, not 10 s), as the sandbox tests shrink theirs.
FAST_LIMITER = LimiterSettings(enabled=False, window_seconds=1.0)


def demo_answers(demo: DemoSummary) -> Answers:
    return Answers.model_validate(
        {
            "competitor_domains": demo.crm.competitor_domains,
            "partner_marker": {"property": "contact_type", "values": ["partner"]},
        }
    )


def seeded_sandbox(
    config: SandboxConfig | None = None, *, contacts: int = CONTACTS, seed: int = SEED
) -> tuple[RunningSandbox, DemoSummary]:
    running = RunningSandbox(config or SandboxConfig()).start()
    return running, seed_demo(running.sandbox, contacts=contacts, seed=seed)


def settings_for(base_url: str, state_dir: Path, token: str = TOKEN) -> Settings:
    return Settings(token=SecretStr(token), base_url=base_url, state_dir=state_dir, sandbox=True)


def runtime_for(base_url: str, state_dir: Path, token: str = TOKEN) -> Runtime:
    return open_runtime(settings_for(base_url, state_dir, token), retry=FAST_RETRY, limiter=FAST_LIMITER)


@dataclass
class FlowResult:
    plan_id: str
    run_id: str
    outcomes: dict[str, str]  # item key -> outcome
    sizes: dict[str, int | None]  # list name -> size (from count_members)
    reconciled: list[str] = field(default_factory=list)


def run_flow(rt: Runtime, answers: Answers, *, plan_id: str | None = None) -> FlowResult:
    """The default flow: plan (unless a saved plan is given), apply everything, count."""
    plan = load_plan(rt, plan_id) if plan_id else propose(rt, answers)
    result = apply_items(rt, plan, select_items(plan, None), run_id=None)
    ids = [item.list_id for item in result.items if item.list_id]
    report = count_members(rt, ids, plan=plan, wait_seconds=60)
    return FlowResult(
        plan_id=plan.plan_id,
        run_id=result.run_id,
        outcomes={item.key: item.outcome for item in result.items},
        sizes={count.name: count.size for count in report.counts},
        reconciled=result.reconciled,
    )


# --- the portal's side ----------------------------------------------------------------------------


def portal_lists(running: RunningSandbox) -> dict[str, dict[str, Any]]:
    """Every live list in the sandbox, by name, read through the sandbox's own HTTP API (raw)."""
    lists: dict[str, dict[str, Any]] = {}
    offset = 0
    while True:
        request = urllib.request.Request(
            f"{running.base_url}/crm/v3/lists/search",
            data=json.dumps(
                {"offset": offset, "count": 500, "additionalProperties": ["hs_list_size", "hs_folder_id"]}
            ).encode(),
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as reply:
            page = json.loads(reply.read())
        for item in page["lists"]:
            lists[item["name"]] = item
        if not page.get("hasMore"):
            return lists
        offset = page["offset"]


def compare(reference: dict[str, int | None], names: list[str], sizes: dict[str, int | None]) -> dict[str, list[str]]:
    """A run against the clean run: `extra` lists (a segment created twice shows up here, e.g. as
    'X (3)'), `missing` lists, and lists whose member count differs."""
    counted = Counter(name.lower() for name in names)
    return {
        "extra": sorted({n for n in names if n not in reference} | {n for n, c in counted.items() if c > 1}),
        "missing": sorted(n for n in reference if n not in names),
        "mismatched": sorted(f"{n}: {sizes.get(n)} != {size}" for n, size in reference.items() if sizes.get(n) != size),
    }


def portal_state(running: RunningSandbox) -> tuple[list[str], dict[str, int | None]]:
    """Names (repeats kept) and sizes of every live list, plus the folders (as 'folder:NAME')."""
    lists = portal_lists(running)
    sizes = {name: _size(item) for name, item in lists.items()}
    folders = [f"folder:{name}" for name in _folder_names(running)]
    return [*lists, *folders], {**sizes, **{f: None for f in folders}}


def _size(item: dict[str, Any]) -> int | None:
    raw = (item.get("additionalProperties") or {}).get("hs_list_size")
    return int(raw) if raw not in (None, "") else None


def _folder_names(running: RunningSandbox) -> list[str]:
    request = urllib.request.Request(
        f"{running.base_url}/crm/v3/lists/folders?folderId=0", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        root = json.loads(reply.read())["folder"]
    names: list[str] = []
    stack = list(root.get("childNodes") or [])
    while stack:
        node = stack.pop()
        names.append(node["name"])
        stack += node.get("childNodes") or []
    return sorted(names)


# --- fault trials ---------------------------------------------------------------------------------


def fault_config(trial: int) -> Faults:
    """Trial `trial`'s faults: every kind at once, seeded; even trials send Retry-After on 429s."""
    return Faults(
        seed=1000 + trial,
        rate_429=0.06,
        burst_429=1 + trial % 3,
        retry_after_on_injected_429=trial % 2 == 0,
        retry_after_seconds=1,
        rate_5xx=0.06,
        rate_drop=0.05,
        drop_mode="mixed",
        latency_spike_rate=0.03,
        latency_spike_seconds=0.3,
    )


def clean_reference(tmp: Path) -> dict[str, int | None]:
    """The end state of a clean run of the default flow: list (and folder) names -> sizes."""
    running, demo = seeded_sandbox()
    try:
        rt = runtime_for(running.base_url, tmp / "clean")
        run_flow(rt, demo_answers(demo))
        names, sizes = portal_state(running)
        rt.close()
        return {name: sizes[name] for name in names}
    finally:
        running.stop()


def fault_trial(trial: int, tmp: Path, reference: dict[str, int | None]) -> dict[str, Any]:
    """One seeded trial of the default flow under injected faults, compared with the clean run."""
    running, demo = seeded_sandbox()
    try:
        preexisting = {str(item["listId"]) for item in portal_lists(running).values()}
        running.sandbox.realism.configure(faults=fault_config(trial))
        rt = runtime_for(running.base_url, tmp / f"trial-{trial}")
        error = None
        try:
            flow = run_flow(rt, demo_answers(demo))
        except Exception as failure:  # noqa: BLE001 - a trial that dies is a finding, not a crash of the bench
            error, flow = f"{type(failure).__name__}: {failure}", None
        injected = running.sandbox.realism.stats()
        running.sandbox.realism.configure(faults=Faults())  # read the end state without faults
        names, sizes = portal_state(running)
        diff = compare(reference, names, sizes)
        lost = orphans(rt, running, preexisting)
        rt.close()
        return {
            "trial": trial,
            "retry_after": fault_config(trial).retry_after_on_injected_429,
            "error": error,
            "failed_items": sorted(k for k, v in (flow.outcomes if flow else {}).items() if v == "failed"),
            "faults": {
                "429": injected.injected_429,
                "5xx": injected.injected_5xx,
                "dropped": injected.dropped,
                "latency_spikes": injected.latency_spikes,
            },
            "requests": injected.requests,
            "retries": rt.portal.stats().retries,
            "lists": len([n for n in names if not n.startswith("folder:")]),
            "duplicates": len(diff["extra"]),
            "mismatches": len(diff["missing"]) + len(diff["mismatched"]),
            "diff": diff,
            "orphans": lost,
        }
    finally:
        running.stop()


# --- the journal's side ---------------------------------------------------------------------------


def journal_rows(state_dir: Path) -> int:
    """How many intent rows the journal holds (read by another process: its own connection)."""
    path = state_dir / "journal.sqlite3"
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            return int(db.execute("SELECT COUNT(*) FROM actions").fetchone()[0])
    except sqlite3.Error:
        return 0


def orphans(rt: Runtime, running: RunningSandbox, preexisting: set[str]) -> dict[str, list[str]]:
    """Portal vs journal: lists on the portal nobody accounts for, and library lists the portal lacks.

    Every list that exists on the portal and was not there before the trial must be in the
    journal's library as created by the tool; every live library entry must exist on the portal."""
    live = {str(item["listId"]): name for name, item in portal_lists(running).items()}
    library = {entry.list_id: entry for entry in rt.journal.library(rt.portal_id)}
    created_here = {list_id: name for list_id, name in live.items() if list_id not in preexisting}
    return {
        "untracked": sorted(f"{name} ({list_id})" for list_id, name in created_here.items() if list_id not in library),
        "missing": sorted(f"{e.name} ({e.list_id})" for e in library.values() if e.list_id not in live),
        "unsettled": [f"{a.action} {a.list_name or a.list_id}" for a in rt.journal.unsettled(rt.portal_id)],
    }


# --- crash trials --------------------------------------------------------------------------------


def rollback_all(rt: Runtime) -> list[str]:
    """Roll back every apply run in the journal, newest first; the outcomes, as text."""
    runs = [r.run_id for r in rt.journal.runs(rt.portal_id, "apply")]
    done = []
    for run_id in reversed(runs):
        done += [f"{o.outcome} {o.name}" for o in rollback_run(rt, run_id).outcomes]
    return done


def kill_child_at(
    mode: str, base_url: str, state_dir: Path, answers: Answers, rows: int, extra: float
) -> dict[str, Any]:
    """Start the child on `mode`; SIGKILL it once the journal holds `rows` action rows, plus
    `extra` seconds (so the kill lands before, during or after the announced API call)."""
    command = [sys.executable, __file__, mode, base_url, str(state_dir), answers.model_dump_json()]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    killed_at = None
    while child.poll() is None and time.monotonic() < deadline:
        seen = journal_rows(state_dir)
        if seen >= rows:
            time.sleep(extra)
            killed_at = journal_rows(state_dir)
            child.send_signal(signal.SIGKILL)
            break
        time.sleep(0.002)
    child.wait(timeout=30)
    out, err = child.communicate()
    return {
        "killed": child.returncode == -signal.SIGKILL,
        "rows_at_kill": killed_at,
        "returncode": child.returncode,
        "stderr": err.decode(errors="replace")[-2000:] if child.returncode not in (0, -signal.SIGKILL) else "",
    }


def crash_trial(trial: int, tmp: Path, reference: dict[str, int | None]) -> dict[str, Any]:
    """Kill an apply at a random point, resume it, check; kill a rollback at a random point, finish
    it, check. Every check compares the portal with the journal and with the clean run."""
    rng = random.Random(trial)
    state_dir = tmp / f"crash-{trial}"
    # A little latency per request spreads the apply over ~1 s, so kills land all along it.
    running, demo = seeded_sandbox(SandboxConfig(latency_seconds=0.01))
    try:
        lists_before = portal_lists(running)
        folders_before = _folder_names(running)
        preexisting = {str(item["listId"]) for item in lists_before.values()}
        answers = demo_answers(demo)
        apply_rows = rng.randint(0, 13)
        apply_kill = kill_child_at("apply", running.base_url, state_dir, answers, apply_rows, rng.uniform(0, 0.04))
        rt = runtime_for(running.base_url, state_dir)
        pending = len(rt.journal.unsettled(rt.portal_id))
        plan_file = state_dir / "plan_id"
        flow = run_flow(rt, answers, plan_id=plan_file.read_text() if plan_file.exists() else None)
        names, sizes = portal_state(running)
        after_apply = compare(reference, names, sizes)
        orphans_after_apply = orphans(rt, running, preexisting)
        created = [e.list_id for e in rt.journal.library(rt.portal_id) if e.origin == "created"]
        rt.close()

        start_rows = journal_rows(state_dir)
        rollback_rows = start_rows + rng.randint(0, len(created))
        rollback_kill = kill_child_at(
            "rollback", running.base_url, state_dir, answers, rollback_rows, rng.uniform(0, 0.04)
        )
        rt = runtime_for(running.base_url, state_dir)
        pending_rollback = len(rt.journal.unsettled(rt.portal_id))
        rollback_all(rt)
        live = portal_lists(running)
        after_rollback = {
            # Exactly the lists that were there before: the tool's own gone, nothing else touched.
            "left_behind": sorted(n for n, item in live.items() if str(item["listId"]) not in preexisting),
            "wrongly_deleted": sorted(n for n in lists_before if n not in live),
            # The folder the apply made goes with the last of its lists (issue 10, item 7).
            "folders_left": sorted(set(_folder_names(running)) - set(folders_before)),
        }
        orphans_after_rollback = orphans(rt, running, preexisting)
        live_library = [e.name for e in rt.journal.library(rt.portal_id) if e.origin == "created"]
        rt.close()
        return {
            "trial": trial,
            "apply_kill": apply_kill,
            "pending_after_apply_kill": pending,
            "resumed": flow.outcomes,
            "reconciled": flow.reconciled,
            "after_apply": after_apply,
            "orphans_after_apply": orphans_after_apply,
            "created": len(created),
            "rollback_kill": rollback_kill,
            "pending_after_rollback_kill": pending_rollback,
            "after_rollback": after_rollback,
            "orphans_after_rollback": orphans_after_rollback,
            "library_left": live_library,
        }
    finally:
        running.stop()


def crash_trial_ok(result: dict[str, Any]) -> bool:
    clean = {"untracked": [], "missing": [], "unsettled": []}
    return (
        result["after_apply"] == {"extra": [], "missing": [], "mismatched": []}
        and result["orphans_after_apply"] == clean
        and result["after_rollback"] == {"left_behind": [], "wrongly_deleted": [], "folders_left": []}
        and result["orphans_after_rollback"] == clean
        and result["library_left"] == []
        and not result["apply_kill"]["stderr"]
        and not result["rollback_kill"]["stderr"]
    )


# --- the crash child ------------------------------------------------------------------------------


def child_main(argv: list[str]) -> int:
    """`python reliability_harness.py apply|rollback BASE_URL STATE_DIR ANSWERS_JSON`.

    Runs one step of the flow against a sandbox served by the parent and a journal on disk; the
    parent kills it at a random point."""
    mode, base_url, state_dir, answers_json = argv[:4]
    rt = runtime_for(base_url, Path(state_dir))
    if mode == "apply":
        plan_file = Path(state_dir) / "plan_id"
        if plan_file.exists():
            plan = load_plan(rt, plan_file.read_text())
        else:
            plan = propose(rt, Answers.model_validate_json(answers_json))
            plan_file.write_text(plan.plan_id)
        result = apply_items(rt, plan, select_items(plan, None))
        print(json.dumps({"run_id": result.run_id, "outcomes": {i.key: i.outcome for i in result.items}}))
    elif mode == "rollback":
        print(json.dumps({"outcomes": rollback_all(rt)}))
    rt.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(child_main(sys.argv[1:]))
