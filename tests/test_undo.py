"""Undo means undo (issue 10, item 8): after an interrupted apply and a plan proposed again, there are
several apply runs of the same plan; `rollback_run` without a run id names them all and undoes every
list they made, in one confirmation that lists each list, and removes the folder they made. Runs of
another plan are named, not touched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mcp_support import SeededPortal, call, confirmed, seeded_portal
from reliability_harness import runtime_for
from segment_lists.cli.command_steps import COMMAND_STEPS
from segment_lists.domain.interview import Answers
from segment_lists.workflow.apply import apply_items, select_items
from segment_lists.workflow.proposal import propose
from segment_lists.workflow.tool_names import ToolName
from segment_lists.workflow.write_requests import prepare_rollback

pytestmark = pytest.mark.anyio


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[SeededPortal]:
    with seeded_portal(tmp_path, contacts=200) as seeded:
        yield seeded


async def test_undo_without_a_run_id_undoes_every_run_of_the_plan(portal: SeededPortal) -> None:
    before = portal.lists()
    answers = Answers.model_validate(
        {"families": ["icp", "engagement"], "partner_marker": {"property": "contact_type", "values": ["partner"]}}
    )
    rt = runtime_for(portal.base_url, portal.state_dir)
    try:
        # An earlier, other library; the demo's "[Core] - Suppressed Contacts" clashes with it: moved aside.
        other_plan = propose(rt, Answers(families=["core"], choices={"core.suppressed": "move-aside"}), estimate=False)
        other = apply_items(rt, other_plan, select_items(other_plan, ["core.suppressed"]))
        first_plan = propose(rt, answers, estimate=False)
        keys = [item.key for item in select_items(first_plan, None)]
        first = apply_items(rt, first_plan, select_items(first_plan, keys[:2]))  # then the session died
        again = propose(rt, answers, estimate=False)  # the user asks again: the same answers
        rest = [k for k in keys[2:] if again.item(k).action in {"create", "move-aside"}]
        second = apply_items(rt, again, select_items(again, rest))
    finally:
        rt.close()
    ours = set(first.created_ids) | set(second.created_ids)
    made = {list_id: name for list_id, (name, _, _) in portal.lists().items() if list_id in ours}
    assert len(first.created_ids) == 2 and len(second.created_ids) >= 2 and other.created_ids
    # The same preview in the command line's words names the command to run, never a tool.
    cli = runtime_for(portal.base_url, portal.state_dir, next_steps=COMMAND_STEPS)
    try:
        said = prepare_rollback(cli, None).preview or ""
    finally:
        cli.close()
    assert f"To undo only the latest run, run `segment-lists rollback {second.run_id}`." in said, said
    assert f"to undo it, run `segment-lists rollback {other.run_id}`" in said, said
    assert not any(tool in said for tool in ToolName), said
    async with portal.client("auto", confirmation="token") as client:
        asked, done = await confirmed(client, "rollback_run", {})
        left = await call(client, "list_existing_lists", {})
    preview = asked["preview"]
    assert f"To undo only the latest run, call rollback_run with run_id '{second.run_id}'." in preview, preview
    assert f"to undo it, call rollback_run with run_id '{other.run_id}'" in preview, preview
    assert "2 runs of the same plan" in preview
    for run in (first.run_id, second.run_id):
        assert f"Run {run}" in preview
    for list_id, name in made.items():
        assert f'"{name}" (id {list_id}' in preview, (name, preview)
    not_part = f"Not part of this undo: run {other.run_id} (plan {other_plan.plan_id})"
    assert f"{not_part} with 1 segment and 1 change" in preview
    assert "removed if left empty" not in preview  # the folder is the other run's, and still used
    result = done["result"]
    assert sorted(result["run_ids"]) == sorted([first.run_id, second.run_id])
    assert sorted(o["list_id"] for o in result["outcomes"] if o["outcome"] == "deleted") == sorted(made)
    assert "folders_removed" not in result  # none removed: an empty list is left out
    remaining = {lst["list_id"] for lst in left["lists"]}
    assert not remaining & set(made)
    assert set(other.created_ids) <= remaining and set(before) <= remaining
