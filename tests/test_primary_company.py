"""ICP tiers and size bands by the primary company, or by any company (issue 11, item 4).

On the demo portal (contacts with several companies in different tiers and sizes), exclusivity shows
no overlap and nobody left out under the primary reading, and under the any-company reading exactly the
overlaps an independent computation from the raw records predicts, every one a contact with several
companies, named in the samples.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from expected_segments import DemoAnswers, expected_members, read_portal, several_companies
from reliability_harness import runtime_for, seeded_sandbox
from segment_lists.domain.interview import Answers
from segment_lists.sandbox import SandboxConfig
from segment_lists.workflow.apply import apply_items, select_items
from segment_lists.workflow.exclusivity import check_requested
from segment_lists.workflow.proposal import propose

GROUPS = {"icp-tiers": "icp", "size-bands": "size"}


@pytest.mark.parametrize("reading", ["primary", "any"])
def test_partitions_by_primary_company_and_the_any_company_reading(tmp_path: Path, reading: str) -> None:
    running, demo = seeded_sandbox(SandboxConfig(), contacts=800, seed=5)
    try:
        rt = runtime_for(running.base_url, tmp_path / "state")
        answers = Answers(families=["icp", "size"], company_association=reading)  # type: ignore[arg-type]
        plan = propose(rt, answers, estimate=False)
        result = apply_items(rt, plan, select_items(plan, None))
        report = check_requested(rt, run_id=result.run_id)
        lists = {item.key: item.list_id for item in result.items}
        data = read_portal(running.sandbox.store)
        demo_answers = DemoAnswers(competitor_domains=[], families=("icp", "size"), company_reading=reading)
        expected = expected_members(data, demo_answers, datetime.now(UTC), ZoneInfo("UTC"))
        several = several_companies(data)
        assert demo.crm.contacts_with_several_companies > 0 and len(several) >= 10
        groups = {group.group: group for group in report.groups}
        for name, family in GROUPS.items():
            group = groups[name]
            keys = [key for key in expected if key.startswith(family + ".")]
            by_id = {lists[key]: key for key in keys}
            for pair in group.pairs:
                common = expected[by_id[pair.first]] & expected[by_id[pair.second]]
                assert pair.overlap == len(common), (name, pair.first_name, pair.second_name)
                assert {s.record_id for s in pair.samples} <= common & several  # only multi-company contacts
            if reading == "primary":
                assert group.exclusive and group.uncovered == 0, group.message
            else:
                assert not group.exclusive  # the demo's multi-company contacts show up
                assert "several companies" in group.message
                overlapping = set().union(*(expected[a] & expected[b] for a, b in itertools.combinations(keys, 2)))
                assert overlapping and overlapping <= several
        rt.close()
    finally:
        running.stop()
