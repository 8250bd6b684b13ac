"""Run the default flow under injected faults N times (default 20) and print the tally.

    uv run python bench/fault_trials.py [--trials 20]

Each trial seeds a fresh sandbox, injects 429 bursts (with Retry-After on even trials, without on
odd ones), 5xx, dropped connections and latency spikes, runs plan -> apply -> count, and compares
the portal's lists (names and sizes) and folders with a clean run. Saves JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from reliability_harness import clean_reference, fault_trial  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="fault-trials-"))
    started = time.monotonic()
    reference = clean_reference(tmp)
    results = []
    for trial in range(args.trials):
        result = fault_trial(trial, tmp, reference)
        results.append(result)
        bad = result["error"] or result["duplicates"] or result["mismatches"] or any(result["orphans"].values())
        print(
            f"trial {trial:2d} retry-after={'yes' if result['retry_after'] else 'no ':3s} "
            f"faults={result['faults']} retries={result['retries']:3d} lists={result['lists']} "
            f"{'FAIL ' + json.dumps(result['diff']) + ' ' + str(result['error']) if bad else 'ok'}",
            flush=True,
        )
    faults: Counter[str] = Counter()
    for result in results:
        faults.update(result["faults"])
    tally = {
        "trials": len(results),
        "faults_injected": dict(faults),
        "faults_total": sum(v for k, v in faults.items() if k != "latency_spikes"),
        "requests": sum(r["requests"] for r in results),
        "retries": sum(r["retries"] for r in results),
        "lists_per_trial": sorted({r["lists"] for r in results}),
        "errors": sum(1 for r in results if r["error"] or r["failed_items"]),
        "duplicates": sum(r["duplicates"] for r in results),
        "mismatches": sum(r["mismatches"] for r in results),
        "orphaned": sum(len(r["orphans"]["untracked"]) + len(r["orphans"]["missing"]) for r in results),
        "seconds": round(time.monotonic() - started, 1),
    }
    print("\nTally:", json.dumps(tally, indent=2))
    out = ROOT / "bench" / "results" / "fault_trials.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"tally": tally, "reference": reference, "trials": results}, indent=2))
    print(f"saved {out.relative_to(ROOT)}")
    failed = tally["errors"] or tally["duplicates"] or tally["mismatches"] or tally["orphaned"]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
