"""The preview is the contract (issue 10, item 2): everything a confirmation binds is in it, in words.

For each write tool the bound arguments are derived from the workflow itself (the `arguments` of the
request a confirmation token is bound to), and each one must have a visible effect: varying it alone
must change the preview the user reads. A new bound argument without an entry in VARIANTS fails the
test, so the contract cannot silently widen. The contents the issue found missing are checked by
name: every domain a CSV adds with its number of contacts, that a list was made outside this tool and
by whom, every workflow and email that `force` will break.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from mcp import Client

from mcp_support import Answering
from reliability_harness import demo_answers, runtime_for, seeded_sandbox, settings_for
from segment_lists.boundary.text import counted
from segment_lists.domain.interview import Answers
from segment_lists.filters import and_, or_, prop_any_of
from segment_lists.mcp.server import build_server
from segment_lists.mcp.state import AppState
from segment_lists.mcp.tool_steps import TOOL_STEPS
from segment_lists.sandbox import DemoSummary, RunningSandbox
from segment_lists.workflow.apply import apply_items, select_items
from segment_lists.workflow.custom_list import CustomList
from segment_lists.workflow.proposal import propose
from segment_lists.workflow.rollback import delete_list
from segment_lists.workflow.runtime import Runtime
from segment_lists.workflow.write_requests import prepare_create, prepare_delete, prepare_restore, prepare_rollback

LEADS = or_(and_(prop_any_of("lifecyclestage", "lead"))).to_hubspot()
CUSTOMERS = or_(and_(prop_any_of("lifecyclestage", "customer"))).to_hubspot()


@dataclass
class Scene:
    portal: BlockingPortal
    client: Client
    running: RunningSandbox
    demo: DemoSummary
    rt: Runtime  # the same journal as the server's: used to derive what binds, never to write
    ids: dict[str, Any]

    def preview(self, tool: str, arguments: dict[str, Any]) -> str:
        result = self.portal.call(self.client.call_tool, tool, arguments)
        content = result.structured_content or {}
        assert not result.is_error and content.get("status") == "confirmation_required", (tool, arguments, content)
        assert content["preview"], (tool, arguments)
        return str(content["preview"])


def contacts_at(rt: Runtime, domain: str) -> int:
    groups = [{"filters": [{"propertyName": "hs_email_domain", "operator": "EQ", "value": domain}]}]
    return rt.portal.count("contacts", groups)


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    running, demo = seeded_sandbox(contacts=160)
    state_dir = tmp_path_factory.mktemp("previews")
    rt = runtime_for(running.base_url, state_dir)
    plan = propose(rt, demo_answers(demo))
    other = propose(rt, Answers.model_validate({**demo_answers(demo).model_dump(), "families": ["core"]}))
    run_a = apply_items(rt, plan, select_items(plan, ["icp.tier_1", "icp.tier_2", "icp.non_icp"]))
    run_b = apply_items(rt, plan, select_items(plan, ["icp.tier_3"]))
    deleted = [run_a.created_ids[0], run_a.created_ids[1]]
    for list_id in deleted:
        delete_list(rt, list_id)
    domains = sorted(
        {
            r.properties.get("hs_email_domain") or ""
            for r in rt.portal.search_records("contacts", [], ["hs_email_domain"])
        }
        - set(demo.crm.competitor_domains)
        - {""},
        key=lambda d: -contacts_at(rt, d),
    )
    contacts = rt.portal.search_ids("contacts")
    ids = {
        "plan": plan.plan_id,
        "other_plan": other.plan_id,
        "run_a": run_a.run_id,
        "run_b": run_b.run_id,
        "ours": run_b.created_ids[0],
        "run_a_kept": run_a.created_ids[2],
        "deleted": deleted,
        "used": demo.existing_lists["customers_old"],
        "csv_domain": domains[0],
        "csv_domain_2": domains[1],
        "contacts": contacts[:3],
    }
    settings_ = settings_for(running.base_url, state_dir).model_copy(update={"confirmation": "token"})
    server = build_server(
        AppState(
            settings=settings_,
            sandbox=running,
            _runtime=runtime_for(running.base_url, state_dir, next_steps=TOOL_STEPS),
        )
    )
    with start_blocking_portal() as portal, portal.wrap_async_context_manager(Client(server)) as client:
        yield Scene(portal, client, running, demo, rt, ids)
    rt.close()
    running.stop()


# Per tool: a base call, and per bound argument (as the workflow names it) the same call with that one
# argument changed (an active custom list needs a definition, a static one none: processing_type moves
# with filter_branch, the one companion the grammar demands).
def cases(ids: dict[str, Any]) -> dict[str, tuple[dict[str, Any], dict[str, dict[str, Any]]]]:
    manual = {
        "name": "Contract static",
        "processing_type": "MANUAL",
        "record_ids": ids["contacts"][:2],
        "competitor_domains": [ids["csv_domain"]],
    }
    return {
        "create_list (plan)": (
            {"plan_id": ids["plan"], "items": ["core.competitors"], "competitor_csv": None},
            {
                "plan_id": {"plan_id": ids["other_plan"]},
                "items": {"items": ["core.competitors", "core.customers"]},
                "competitor_csv": {"competitor_csv": f"domain\n{ids['csv_domain']}\nnot a domain\n"},
            },
        ),
        "create_list (custom)": (
            {"custom": manual},
            {
                "custom.name": {"custom": {**manual, "name": "Contract static 2"}},
                "custom.processing_type": {
                    "custom": {"name": manual["name"], "processing_type": "DYNAMIC", "filter_branch": LEADS}
                },
                "custom.filter_branch": {
                    "custom": {"name": manual["name"], "processing_type": "DYNAMIC", "filter_branch": CUSTOMERS}
                },
                "custom.record_ids": {"custom": {**manual, "record_ids": ids["contacts"][1:3]}},
                "custom.competitor_domains": {"custom": {**manual, "competitor_domains": [ids["csv_domain_2"]]}},
            },
        ),
        "delete_list": (
            {"list_id": ids["ours"], "force": False, "allow_foreign": False},
            {
                "list_id": {"list_id": ids["run_a_kept"]},
                "force": {"force": True},
                "allow_foreign": {"allow_foreign": True},
            },
        ),
        "restore_list": ({"list_id": ids["deleted"][0]}, {"list_id": {"list_id": ids["deleted"][1]}}),
        "rollback_run": (
            {"run_id": ids["run_a"], "force": False},
            {"run_ids": {"run_id": ids["run_b"]}, "force": {"force": True}},
        ),
    }


def bound_arguments(scene: Scene, case: str, arguments: dict[str, Any]) -> set[str]:
    """What a confirmation binds, as the workflow builds it (nested models flattened: custom.name)."""
    rt = scene.rt
    if case.startswith("create_list"):
        custom = CustomList.model_validate(arguments["custom"]) if "custom" in arguments else None
        request = prepare_create(
            rt,
            plan_id=arguments.get("plan_id"),
            items=arguments.get("items"),
            custom=custom,
            competitor_csv=arguments.get("competitor_csv"),
        )
    elif case == "delete_list":
        request = prepare_delete(rt, **arguments)
    elif case == "restore_list":
        request = prepare_restore(rt, **arguments)
    else:
        request = prepare_rollback(rt, arguments["run_id"], force=arguments["force"])
    keys = set()
    for key, value in request.arguments.items():
        if isinstance(value, dict):
            keys |= {f"{key}.{inner}" for inner in value}
        else:
            keys.add(key)
    return keys


def tool_of(case: str) -> str:
    return case.split(" ")[0]


def test_every_bound_argument_changes_the_preview(scene: Scene) -> None:
    ids = scene.ids
    changed = {}
    for case, (base, variants) in cases(ids).items():
        assert bound_arguments(scene, case, base) <= set(variants), (
            f"{case} binds {sorted(bound_arguments(scene, case, base) - set(variants))} with no variant here: "
            "add one, and make the preview show it"
        )
        before = scene.preview(tool_of(case), base)
        for key, change in variants.items():
            after = scene.preview(tool_of(case), {**base, **change})
            assert after != before, f"{case}: changing {key} does not change the preview:\n{before}"
            changed[f"{case}: {key}"] = after
    assert len(changed) >= 13


def test_a_csv_shows_every_domain_and_the_contacts_it_adds(scene: Scene) -> None:
    domain = scene.ids["csv_domain"]
    expected = contacts_at(scene.rt, domain)
    assert expected > 0
    csv = f"email,company\nsomeone@{domain},x\n{domain},y\nnot a domain,z\n"
    preview = scene.preview(
        "create_list", {"plan_id": scene.ids["plan"], "items": ["core.competitors"], "competitor_csv": csv}
    )
    assert f"every contact at {domain} (from the CSV): {counted(expected, 'contact')}" in preview, preview
    for competitor in scene.demo.crm.competitor_domains:
        assert f"every contact at {competitor} (from the interview)" in preview
    assert "1 listed address(es) at" in preview and '"not a domain"' in preview


def test_a_list_made_by_hand_and_the_dependents_force_breaks_are_named(scene: Scene) -> None:
    used = scene.ids["used"]
    preview = scene.preview("delete_list", {"list_id": used, "force": True, "allow_foreign": True})
    assert "made outside this tool (created in HubSpot by" in preview, preview
    assert f'workflow "Customer onboarding nurture" (id {scene.demo.workflow_id})' in preview
    assert f'marketing-email "Monthly newsletter" (id {scene.demo.email_id})' in preview
    assert "These will break" in preview


def test_the_elicitation_dialog_reads_the_same_preview(scene: Scene, tmp_path: Path) -> None:
    """The dialog is the preview: the CSV's domain and count are in the question the user answers."""
    settings_ = settings_for(scene.running.base_url, scene.rt.settings.state_dir).model_copy(
        update={"confirmation": "auto"}
    )
    answering = Answering(action="decline")
    server = build_server(AppState(settings=settings_, sandbox=scene.running))
    arguments = {
        "plan_id": scene.ids["plan"],
        "items": ["core.competitors"],
        "competitor_csv": f"{scene.ids['csv_domain']}\n",
    }
    with (
        start_blocking_portal() as portal,
        portal.wrap_async_context_manager(Client(server, elicitation_callback=answering)) as client,
    ):
        declined = portal.call(client.call_tool, "create_list", arguments)
    assert (declined.structured_content or {}).get("status") == "declined"
    assert len(answering.seen) == 1
    assert answering.seen[0].startswith(scene.preview("create_list", arguments))


def test_every_dialog_is_asked_with_every_argument_the_write_takes() -> None:
    """The elicitation resolver prepares the write the dialog asks about: it must see every argument
    (the dialog once left out competitor_csv, so it showed a list without the contacts the CSV added)."""
    from typing import get_type_hints

    from mcp.server.mcpserver import Resolve

    from segment_lists.mcp import tools_write

    for spec in tools_write.TOOLS:
        hints = get_type_hints(spec.fn, include_extras=True)
        resolvers = [
            m.fn for hint in hints.values() for m in getattr(hint, "__metadata__", ()) if isinstance(m, Resolve)
        ]
        assert len(resolvers) == 1, spec.name
        taken = set(inspect.signature(spec.fn).parameters) - {"ctx", "decision", "confirmation_token"}
        asked = set(inspect.signature(resolvers[0]).parameters) - {"ctx"}
        assert taken <= asked, f"{spec.name}: the dialog is prepared without {sorted(taken - asked)}"
