"""A deletion check that finds what HubSpot would show (issue 11, item 6; issue 15, item 4).

Uses HubSpot can have today, each planted with the sandbox's own services in the shapes of the
automation v4 and marketing emails specs: "associated with a record in this list" filters of other
lists, a marketing email that sends to the list by its legacy (v1) id, workflow actions that add to
or remove from the list (current `fields.listId` and legacy alter-list-membership `fields.list_id`),
event-based enrollment on joining the list, goals and list branches. A list HubSpot counts more uses
of than the API shows is never called safe; the uses the API cannot see are named in the preview.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openapi_check import assert_conforms
from reliability_harness import runtime_for, seeded_sandbox
from segment_lists.filters import and_, in_list, or_
from segment_lists.sandbox import DemoSummary, RunningSandbox, SandboxConfig, assets, lists_service
from segment_lists.workflow.dependencies import find_dependents
from segment_lists.workflow.rollback import delete_list
from segment_lists.workflow.write_requests import prepare_delete


@pytest.fixture
def portal() -> Iterator[tuple[RunningSandbox, DemoSummary]]:
    running, demo = seeded_sandbox(SandboxConfig(), contacts=120)
    yield running, demo
    running.stop()


def make_list(running: RunningSandbox, name: str, object_type: str = "0-1", branch: Any = None) -> str:
    request: dict[str, Any] = {"name": name, "objectTypeId": object_type, "processingType": "MANUAL"}
    if branch is not None:
        request.update(processingType="DYNAMIC", filterBranch=branch)
    return str(lists_service.create_list(running.sandbox, request)["list"]["listId"])


def associated_in_list(list_id: str) -> dict[str, Any]:
    """`PublicAssociationInListFilter`: contacts associated with a company in list `list_id`."""
    return {
        "filterBranchType": "OR",
        "filters": [],
        "filterBranches": [
            {
                "filterBranchType": "AND",
                "filterBranches": [],
                "filters": [
                    {
                        "filterType": "ASSOCIATION",
                        "listId": list_id,
                        "operator": "IN_LIST",
                        "associationTypeId": 279,
                        "associationCategory": "HUBSPOT_DEFINED",
                        "coalescingRefineBy": {"type": "NONE"},
                        "toObjectTypeId": "0-2",
                    }
                ],
            }
        ],
    }


def test_an_association_in_list_filter_of_another_list_is_found(
    portal: tuple[RunningSandbox, DemoSummary], tmp_path: Path
) -> None:
    running, _ = portal
    companies = make_list(running, "Key accounts", "0-2")
    user = make_list(running, "People at key accounts", branch=associated_in_list(companies))
    rt = runtime_for(running.base_url, tmp_path)
    outcome = delete_list(rt, companies, allow_foreign=True)
    assert outcome.outcome == "refused"
    assert f'list "People at key accounts" (id {user})' in outcome.message
    assert "require an associated record in this list" in outcome.message


def test_an_email_sending_to_the_legacy_id_is_found(portal: tuple[RunningSandbox, DemoSummary], tmp_path: Path) -> None:
    running, demo = portal
    rt = runtime_for(running.base_url, tmp_path)
    newsletter = demo.existing_lists["newsletter"]  # the demo email sends to it by its legacy id only
    report = find_dependents(rt, [newsletter])[newsletter]
    assert [(d.kind, d.id, d.how) for d in report.dependents] == [
        ("marketing-email", demo.email_id, "sends to this list (legacy id)")
    ]
    assert report.reference_count == 1 and report.unseen == 0
    assert delete_list(rt, newsletter, allow_foreign=True).outcome == "refused"


FLOW_SHAPES: dict[str, tuple[dict[str, Any], str]] = {
    "add to list": (
        {
            "actions": [
                {
                    "actionId": "1",
                    "actionTypeId": "0-63809083",
                    "actionTypeVersion": 0,
                    "type": "SINGLE_CONNECTION",
                    "fields": {"listId": "{target}", "targetObject": "{{ enrolled_object }}"},
                }
            ]
        },
        "action: add to list (step 1)",
    ),
    "legacy alter list membership": (
        {
            "actions": [
                {
                    "actionId": "4",
                    "actionTypeId": "0-13",
                    "actionTypeVersion": 0,
                    "type": "SINGLE_CONNECTION",
                    "fields": {"operation": "REMOVE", "list_id": "{target}"},
                }
            ]
        },
        "action: alter list membership (legacy) (step 4)",
    ),
    "joins the list": (
        {
            "enrollmentCriteria": {
                "type": "EVENT_BASED",
                "shouldReEnroll": False,
                "eventFilterBranches": [],
                "listMembershipFilterBranches": [
                    {
                        "filterBranchType": "AND",
                        "filterBranchOperator": "AND",
                        "filters": [{"filterType": "IN_LIST", "listId": "{target}", "operator": "IN_LIST"}],
                        "filterBranches": [],
                    }
                ],
            }
        },
        "enrollment trigger: joins the list",
    ),
    "goal": ({"goalFilterBranch": {"__branch__": True}}, "goal"),
    "list branch": (
        {
            "actions": [
                {
                    "actionId": "7",
                    "type": "LIST_BRANCH",
                    "listBranches": [
                        {
                            "filterBranch": {"__branch__": True},
                            "connection": {"edgeType": "STANDARD", "nextActionId": "8"},
                        }
                    ],
                }
            ]
        },
        "list branch (step 7)",
    ),
    "suppression": ({"suppressionListIds": ["{target}"]}, "suppression list (never enrolled)"),
}


def _fill(node: Any, target: str) -> Any:
    if isinstance(node, dict):
        if node.get("__branch__"):
            return or_(and_(in_list(target))).to_hubspot()
        return {k: _fill(v, target) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill(item, target) for item in node]
    return target if node == "{target}" else node


@pytest.mark.parametrize("shape", sorted(FLOW_SHAPES))
def test_every_workflow_shape_is_found_and_served_as_the_spec_says(
    portal: tuple[RunningSandbox, DemoSummary], tmp_path: Path, shape: str
) -> None:
    running, _ = portal
    target = make_list(running, "Target")
    body, where = FLOW_SHAPES[shape]
    flow = assets.insert_workflow(running.sandbox, {"name": f"Flow {shape}", "isEnabled": True, **_fill(body, target)})
    assert_conforms("GET", f"/automation/v4/flows/{flow['id']}", 200, flow)
    rt = runtime_for(running.base_url, tmp_path)
    report = find_dependents(rt, [target])[target]
    assert [(d.kind, d.id) for d in report.dependents] == [("workflow", flow["id"])]
    assert report.dependents[0].how == f"active workflow: {where}"
    assert delete_list(rt, target, allow_foreign=True).outcome == "refused"


def test_emails_in_every_recipient_shape_conform_to_the_spec(portal: tuple[RunningSandbox, DemoSummary]) -> None:
    running, _ = portal
    email = assets.insert_marketing_email(
        running.sandbox,
        {
            "name": "Both kinds",
            "to": {"contactIlsLists": {"include": ["1"], "exclude": ["2"]}, "contactLists": {"exclude": ["4711"]}},
        },
    )
    assert_conforms("GET", f"/marketing/v3/emails/{email['id']}", 200, email)


def test_more_uses_than_found_block_a_silent_safe(portal: tuple[RunningSandbox, DemoSummary], tmp_path: Path) -> None:
    running, _ = portal
    target = make_list(running, "Retargeting seed")
    lists_service.add_hidden_use(running.sandbox, target, "ads-audience", "LinkedIn retargeting")
    rt = runtime_for(running.base_url, tmp_path)
    report = find_dependents(rt, [target])[target]
    assert report.dependents == [] and report.unchecked == []
    assert (report.reference_count, report.unseen, report.safe_to_delete) == (1, 1, False)
    refused = delete_list(rt, target, allow_foreign=True)
    assert refused.outcome == "refused"
    assert "HubSpot counts 1 use of this list and 0 were found" in refused.message
    assert "ads audiences" in refused.message and "'Used in'" in refused.message
    assert delete_list(rt, target, allow_foreign=True, force=True).outcome == "deleted"


def test_the_preview_names_what_the_api_cannot_see(portal: tuple[RunningSandbox, DemoSummary], tmp_path: Path) -> None:
    running, _ = portal
    target = make_list(running, "Nobody uses me")
    rt = runtime_for(running.base_url, tmp_path)
    request = prepare_delete(rt, target, allow_foreign=True)
    assert request.refused is None
    for words in ("ads audiences", "SMS", "chatflows", "smart content", "lead scoring", "Salesforce"):
        assert words in request.preview
    assert "HubSpot counts 0 uses of it; 0 found." in request.preview
