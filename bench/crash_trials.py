"""SIGKILL apply and rollback at random points N times (default 20) and print the tally.

    uv run python bench/crash_trials.py [--trials 20]

Each trial seeds a fresh sandbox served by this process, starts a child process that plans and
applies the default flow with its journal on disk, kills it (SIGKILL) once the journal holds a
random number of rows plus a random few ms, then resumes in this process (reconcile + the same
plan) and compares the portal with the clean run and with the journal; then does the same to a
rollback of every run. Saves JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from reliability_harness import clean_reference, crash_trial, crash_trial_ok  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="crash-trials-"))
    started = time.monotonic()
    reference = clean_reference(tmp)
    results = []
    for trial in range(args.trials):
        result = crash_trial(trial, tmp, reference)
        result["ok"] = crash_trial_ok(result)
        results.append(result)
        print(
            f"trial {trial:2d} apply killed at row {result['apply_kill']['rows_at_kill']} "
            f"(pending {result['pending_after_apply_kill']}), rollback killed at row "
            f"{result['rollback_kill']['rows_at_kill']} (pending {result['pending_after_rollback_kill']}): "
            + ("ok" if result["ok"] else "FAIL " + json.dumps(result)),
            flush=True,
        )
    tally = {
        "trials": len(results),
        "kills": sum(r["apply_kill"]["killed"] + r["rollback_kill"]["killed"] for r in results),
        "intents_left_pending_by_kills": sum(
            r["pending_after_apply_kill"] + r["pending_after_rollback_kill"] for r in results
        ),
        "reconciled_creates": sum(len(r["reconciled"]) for r in results),
        "survived": sum(r["ok"] for r in results),
        "duplicates": sum(len(r["after_apply"]["extra"]) for r in results),
        "mismatches": sum(len(r["after_apply"]["missing"]) + len(r["after_apply"]["mismatched"]) for r in results),
        "orphaned": sum(
            len(r[key]["untracked"]) + len(r[key]["missing"])
            for r in results
            for key in ("orphans_after_apply", "orphans_after_rollback")
        ),
        "left_after_rollback": sum(len(r["after_rollback"]["left_behind"]) for r in results),
        "wrongly_deleted": sum(len(r["after_rollback"]["wrongly_deleted"]) for r in results),
        "folders_left_after_rollback": sum(len(r["after_rollback"]["folders_left"]) for r in results),
        "seconds": round(time.monotonic() - started, 1),
    }
    print("\nTally:", json.dumps(tally, indent=2))
    out = ROOT / "bench" / "results" / "crash_trials.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"tally": tally, "trials": results}, indent=2))
    print(f"saved {out.relative_to(ROOT)}")
    return 0 if tally["survived"] == tally["trials"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
