"""Trends (the quarterly review): size history from HubSpot and the journal, flagged when unusual."""

from __future__ import annotations

from pathlib import Path

from segment_lists.cli.embedded_sandbox import sandbox_settings
from segment_lists.filters import and_, or_, prop_any_of
from segment_lists.sandbox import CONTACTS, RunningSandbox, records, seed_crm
from segment_lists.workflow.environment import load_settings
from segment_lists.workflow.runtime import open_runtime
from segment_lists.workflow.verify import SizePoint, count_members, trend


def _points(*sizes: int) -> list[SizePoint]:
    return [SizePoint(at=f"2025-0{i + 1}-01T00:00:00.000Z", size=s, source="hubspot") for i, s in enumerate(sizes)]


def test_steady_lists_are_not_flagged() -> None:
    text, flag = trend(_points(100, 110, 120), (50, 200))
    assert flag is None and text is not None and "100 -> 120" in text


def test_growth_and_shrinkage_beyond_half_are_flagged() -> None:
    assert trend(_points(100, 160), None)[1] == "unusual-growth"
    assert trend(_points(100, 149), None)[1] is None
    assert trend(_points(150, 99), None)[1] == "unusual-shrinkage"
    assert trend(_points(150, 101), None)[1] is None


def test_leaving_the_expected_range_wins_over_growth() -> None:
    assert trend(_points(100, 400), (50, 200))[1] == "left-expected-range"
    assert trend(_points(300, 310), (50, 200))[1] == "outside-expected-range"


def test_a_new_list_building_up_from_zero_is_not_growth() -> None:
    assert trend(_points(0, 0, 100, 105), None)[1] is None
    assert trend(_points(0), None) == ("0 (one point)", None)
    assert trend([], None) == (None, None)


def test_count_members_merges_journal_and_hubspot_history_and_flags_growth(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    summary = seed_crm(sandbox.sandbox, contacts=300, companies=30, seed=5)
    settings = sandbox_settings(load_settings(env={}, dotenv=Path("/nonexistent")), sandbox.base_url, tmp_path)
    rt = open_runtime(settings)
    created = rt.portal.create_list(
        "Leads", processing_type="DYNAMIC", filter_branch=or_(and_(prop_any_of("lifecyclestage", "lead"))).to_hubspot()
    )
    first = count_members(rt, [created.id], wait_seconds=10).counts[0]
    assert first.size and first.history == []
    # Marketing imports a batch of leads: the list more than doubles.
    others = [
        i
        for i in summary.contact_ids
        if records.get_record(sandbox.sandbox, CONTACTS.type_id, i).properties.get("lifecyclestage") != "lead"
    ]
    records.update_records(
        sandbox.sandbox, CONTACTS.type_id, [(i, {"lifecyclestage": "lead"}) for i in others[: first.size * 2]]
    )
    later = count_members(rt, [created.id], wait_seconds=10, include_history=True).counts[0]
    assert later.size == first.size * 3
    sources = {point.source for point in later.history}
    assert sources == {"journal", "hubspot"}
    assert later.trend_flag == "unusual-growth" and later.trend and f"-> {later.size}" in later.trend
    rt.close()
