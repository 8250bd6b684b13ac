"""check_exclusivity right after create_list: it waits for processing instead of comparing half-built lists."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from segment_lists.domain.catalog import ExclusivityGroup
from segment_lists.filters import and_, or_, prop_any_of
from segment_lists.sandbox import RunningSandbox, SandboxConfig, seed_demo
from segment_lists.workflow.environment import Settings
from segment_lists.workflow.exclusivity import GroupLists, check_groups
from segment_lists.workflow.runtime import Runtime, open_runtime

CUSTOMERS = or_(and_(prop_any_of("lifecyclestage", "customer"))).to_hubspot()
CUSTOMERS_OR_LEADS = or_(and_(prop_any_of("lifecyclestage", "customer", "lead"))).to_hubspot()


@contextmanager
def _two_new_lists(
    tmp_path: Path, first: dict[str, Any], second: dict[str, Any]
) -> Iterator[tuple[Runtime, list[str], GroupLists]]:
    """A seeded portal whose lists process for 1.5 s, and two lists just created: their ids and group."""
    with RunningSandbox(SandboxConfig(processing_seconds=1.5)) as portal:
        seed_demo(portal.sandbox, contacts=400, seed=5)
        settings = Settings(token=SecretStr("t"), base_url=portal.base_url, sandbox=True, state_dir=tmp_path)
        rt = open_runtime(settings)
        a = rt.portal.create_list("A", processing_type="DYNAMIC", filter_branch=first)
        b = rt.portal.create_list("B", processing_type="DYNAMIC", filter_branch=second)
        assert a.processing_status == "PROCESSING" and b.processing_status == "PROCESSING"
        group = (ExclusivityGroup(name="ab", members=["a", "b"], description="x"), {"a": a.id, "b": b.id})
        try:
            yield rt, [a.id, b.id], group
        finally:
            rt.close()


def test_waits_for_processing_then_compares(tmp_path: Path) -> None:
    with _two_new_lists(tmp_path, CUSTOMERS, CUSTOMERS_OR_LEADS) as (rt, ids, group):
        hurried = check_groups(rt, [group], wait_seconds=0)
        assert sorted(hurried.still_processing, key=int) == sorted(ids, key=int)

        report = check_groups(rt, [group])
        assert report.still_processing == []
        customers = rt.portal.count(
            "contacts", [{"filters": [{"propertyName": "lifecyclestage", "operator": "EQ", "value": "customer"}]}]
        )
        assert customers > 0 and report.groups[0].pairs[0].overlap == customers


def test_a_list_still_processing_is_not_judged_by_its_definition(tmp_path: Path) -> None:
    """Re-filtered, a list keeps its earlier members until HubSpot has processed it: two definitions
    that cannot meet say nothing yet about the members, so the pair is compared, not declared disjoint."""
    leads = or_(and_(prop_any_of("lifecyclestage", "lead"))).to_hubspot()
    with _two_new_lists(tmp_path, CUSTOMERS, leads) as (rt, _, group):
        hurried = check_groups(rt, [group], wait_seconds=0)
        assert hurried.still_processing and hurried.groups[0].pairs[0].method != "definition"
        settled = check_groups(rt, [group])
        assert settled.still_processing == []
        pair = settled.groups[0].pairs[0]
        assert pair.method == "definition" and pair.overlap == 0 and pair.calls == 0
