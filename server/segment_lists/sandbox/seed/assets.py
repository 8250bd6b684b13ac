"""Workflows (automation v4 flows) and marketing emails: assets that refer to lists.

Nothing creates them over HTTP in the sandbox; tests and demos insert them with
`insert_workflow` / `insert_marketing_email`, and the read-only routes serve them in HubSpot's
shapes (`ApiFlow` / `ApiFlowListing`, `PublicEmail`). Lists are referenced the way the specs allow:
a flow through `enrollmentCriteria.listFilterBranch` (IN_LIST filters with `listId`), event-based
`listMembershipFilterBranches`, `suppressionListIds`, `goalFilterBranch`, LIST_BRANCH actions, and the
list actions add to list (`0-63809083`) / remove from list (`0-63863438`) with `fields.listId` or the
legacy alter-list-membership (`0-13`) with `fields.list_id`; an email through
`to.contactIlsLists.include` / `exclude` (list ids) and `to.contactLists` (legacy list ids).
"""

from __future__ import annotations

import copy
import uuid
from typing import TYPE_CHECKING, Any

from segment_lists.sandbox.errors import MAX_ID
from segment_lists.sandbox.store import dumps, loads

if TYPE_CHECKING:
    from segment_lists.sandbox.instance import Sandbox

FIRST_FLOW_ID = 580_000_001
FIRST_EMAIL_ID = 190_000_000_001

_LISTING_FIELDS = (
    "id",
    "name",
    "isEnabled",
    "flowType",
    "objectTypeId",
    "revisionId",
    "createdAt",
    "updatedAt",
    "uuid",
)


def insert_workflow(sandbox: Sandbox, data: dict[str, Any]) -> dict[str, Any]:
    """Store a flow (HubSpot's ApiFlow shape). Missing required fields get HubSpot-like defaults.

    Example `data`: {"name": "Nurture", "isEnabled": True, "enrollmentCriteria": {"type": "LIST_BASED",
    "listFilterBranch": {"filterBranchType": "OR", "filterBranchOperator": "OR", "filters": [],
    "filterBranches": [{"filterBranchType": "AND", "filterBranchOperator": "AND", "filterBranches": [],
    "filters": [{"filterType": "IN_LIST", "listId": "12", "operator": "IN_LIST"}]}]}, ...}}
    """
    flow = copy.deepcopy(data)
    now = sandbox.clock.now_iso()
    flow_id = int(flow["id"]) if flow.get("id") else sandbox.store.next_id("workflow", start=FIRST_FLOW_ID)
    flow["id"] = str(flow_id)
    flow_type = flow.setdefault("type", "CONTACT_FLOW")
    defaults: dict[str, Any] = {
        "name": f"Workflow {flow_id}",
        "isEnabled": False,
        "flowType": "WORKFLOW",
        "objectTypeId": "0-1" if flow_type == "CONTACT_FLOW" else "0-2",
        "revisionId": "1",
        "createdAt": now,
        "updatedAt": now,
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_OID, f"flow-{flow_id}")),
        "actions": [],
        "blockedDates": [],
        "canEnrollFromSalesforce": False,
        "crmObjectCreationStatus": "COMPLETE",
        "customProperties": {},
        "dataSources": [],
        "nextAvailableActionId": "1",
        "suppressionListIds": [],
        "timeWindows": [],
    }
    if flow_type != "CONTACT_FLOW":
        for contact_only in ("canEnrollFromSalesforce", "suppressionListIds"):
            defaults.pop(contact_only)
    for key, value in defaults.items():
        flow.setdefault(key, value)
    if "suppressionListIds" in flow:  # integers in HubSpot's ApiContactFlow
        flow["suppressionListIds"] = [int(i) for i in flow["suppressionListIds"]]
    criteria = flow.get("enrollmentCriteria")
    if isinstance(criteria, dict) and criteria.get("type", "LIST_BASED") == "LIST_BASED":
        criteria.setdefault("type", "LIST_BASED")
        criteria.setdefault("shouldReEnroll", False)
        criteria.setdefault("unEnrollObjectsNotMeetingCriteria", False)
        criteria.setdefault("reEnrollmentTriggersFilterBranches", [])
    with sandbox.store.transaction() as db:
        db.execute("INSERT OR REPLACE INTO workflows (id, data) VALUES (?, ?)", (flow_id, dumps(flow)))
    return flow


def workflows(sandbox: Sandbox) -> list[dict[str, Any]]:
    with sandbox.store.read() as db:
        return [loads(r["data"]) for r in db.execute("SELECT data FROM workflows ORDER BY id")]


def workflow(sandbox: Sandbox, flow_id: str) -> dict[str, Any] | None:
    if not (flow_id.isascii() and flow_id.isdigit()) or int(flow_id) > MAX_ID:
        return None
    key = int(flow_id)
    with sandbox.store.read() as db:
        row = db.execute("SELECT data FROM workflows WHERE id = ?", (key,)).fetchone()
    return loads(row["data"]) if row else None


def flow_listing(flow: dict[str, Any]) -> dict[str, Any]:
    return {k: flow[k] for k in _LISTING_FIELDS if k in flow}


def insert_marketing_email(sandbox: Sandbox, data: dict[str, Any]) -> dict[str, Any]:
    """Store a marketing email (HubSpot's PublicEmail shape), with defaults for what is missing.

    Lists it sends to: `{"to": {"contactIlsLists": {"include": ["12"], "exclude": ["34"]}}}`.
    """
    email = copy.deepcopy(data)
    now = sandbox.clock.now_iso()
    email_id = int(email["id"]) if email.get("id") else sandbox.store.next_id("marketing_email", start=FIRST_EMAIL_ID)
    email["id"] = str(email_id)
    published = bool(email.get("isPublished", False))
    defaults: dict[str, Any] = {
        "name": f"Email {email_id}",
        "subject": "",
        "isAb": False,
        "isPublished": published,
        "isTransactional": False,
        "archived": False,
        "state": "PUBLISHED" if published else "DRAFT",
        "type": "BATCH_EMAIL",
        "subcategory": "batch",
        "createdAt": now,
        "updatedAt": now,
        "language": "en",
        "emailTemplateMode": "DRAG_AND_DROP",
        "activeDomain": "",
        "createdById": "1001",
        "updatedById": "1001",
    }
    for key, value in defaults.items():
        email.setdefault(key, value)
    to = email.setdefault("to", {})
    for group in ("contactIlsLists", "contactLists", "contactIds"):
        recipients = to.setdefault(group, {})
        recipients["include"] = [str(i) for i in recipients.get("include", [])]
        recipients["exclude"] = [str(i) for i in recipients.get("exclude", [])]
    to.setdefault("limitSendFrequency", False)
    to.setdefault("suppressGraymail", False)
    with sandbox.store.transaction() as db:
        db.execute("INSERT OR REPLACE INTO marketing_emails (id, data) VALUES (?, ?)", (email_id, dumps(email)))
    return email


def marketing_emails(sandbox: Sandbox) -> list[dict[str, Any]]:
    with sandbox.store.read() as db:
        return [loads(r["data"]) for r in db.execute("SELECT data FROM marketing_emails ORDER BY id")]


def marketing_email(sandbox: Sandbox, email_id: str) -> dict[str, Any] | None:
    if not (email_id.isascii() and email_id.isdigit()) or int(email_id) > MAX_ID:
        return None
    key = int(email_id)
    with sandbox.store.read() as db:
        row = db.execute("SELECT data FROM marketing_emails WHERE id = ?", (key,)).fetchone()
    return loads(row["data"]) if row else None
