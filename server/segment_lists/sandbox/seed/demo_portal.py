"""A demo portal: seeded CRM data plus the kind of clutter a real portal has.

On top of `seed_crm` it adds what makes the segment-list workflow interesting to watch: partner
markers (HubSpot's company property `type` = PARTNER on some companies, and a custom contact property
`contact_type`), lists that already exist (one with the same definition as a catalog segment, one whose
name a catalog segment wants, a static list with a legacy id), a workflow and a marketing email that
use existing lists (the email also by legacy id), and the portal's users at its own domain.
Sandbox-side only: it uses the sandbox's own services, never the product's planner or portal code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from segment_lists.filters import and_, in_list, or_, prop_any_of, prop_bool
from segment_lists.sandbox.crm import records
from segment_lists.sandbox.crm.object_types import COMPANIES, CONTACTS
from segment_lists.sandbox.crm.properties import create_property
from segment_lists.sandbox.lists.service import assign_legacy_id, create_list
from segment_lists.sandbox.seed import assets
from segment_lists.sandbox.seed.crm_data import SeedSummary, seed_crm

if TYPE_CHECKING:
    from segment_lists.sandbox.instance import Sandbox

CONTACT_TYPES = (("prospect", "Prospect"), ("partner", "Partner"), ("vendor", "Vendor"), ("press", "Press"))
NEWSLETTER_LEGACY_ID = 4711  # the newsletter list's id from before HubSpot's list migration


class DemoSummary(BaseModel):
    crm: SeedSummary
    partner_contacts: int
    partner_companies: int
    existing_lists: dict[str, str]  # role -> list id
    workflow_id: str
    email_id: str


def seed_demo(sandbox: Sandbox, *, contacts: int = 2000, seed: int = 42) -> DemoSummary:
    crm = seed_crm(sandbox, contacts=contacts, companies=max(1, contacts // 8), seed=seed)
    partners = _contact_types(sandbox, crm)
    partner_companies = _company_types(sandbox, crm)
    lists = _existing_lists(sandbox)
    assign_legacy_id(sandbox, lists["newsletter"], NEWSLETTER_LEGACY_ID)
    workflow = assets.insert_workflow(
        sandbox,
        {
            "name": "Customer onboarding nurture",
            "isEnabled": True,
            "enrollmentCriteria": {
                "type": "LIST_BASED",
                "shouldReEnroll": False,
                "listFilterBranch": _in_list_branch(lists["customers_old"]),
            },
        },
    )
    email = assets.insert_marketing_email(
        sandbox,
        {
            "name": "Monthly newsletter",
            "subject": "What's new this month",
            # Sent to the newsletter list by its legacy id, as emails made before the list migration are.
            "to": {
                "contactLists": {"include": [str(NEWSLETTER_LEGACY_ID)]},
                "contactIlsLists": {"exclude": [lists["customers_old"]]},
            },
        },
    )
    sandbox.store.meta_set("seeded", f"demo:{seed}:{contacts}")
    return DemoSummary(
        crm=crm,
        partner_contacts=partners,
        partner_companies=partner_companies,
        existing_lists=lists,
        workflow_id=str(workflow["id"]),
        email_id=str(email["id"]),
    )


def _contact_types(sandbox: Sandbox, crm: SeedSummary) -> int:
    """A custom enumeration 'Contact type' with a Partner value: what the planner should find."""
    create_property(
        sandbox,
        CONTACTS.type_id,
        {
            "name": "contact_type",
            "label": "Contact type",
            "type": "enumeration",
            "fieldType": "select",
            "groupName": "contactinformation",
            "options": [
                {"label": label, "value": value, "displayOrder": i, "hidden": False}
                for i, (value, label) in enumerate(CONTACT_TYPES)
            ],
        },
    )
    # Every 23rd contact with a company is a partner; every 7th a prospect; a few vendors.
    rules = ((23, 5, "partner"), (7, 3, "prospect"), (97, 11, "vendor"))
    return _mark(sandbox, CONTACTS.type_id, crm.contact_ids, "contact_type", rules)


def _company_types(sandbox: Sandbox, crm: SeedSummary) -> int:
    """HubSpot's company property 'Type': every 17th company a partner, some prospects and resellers."""
    rules = ((17, 3, "PARTNER"), (5, 1, "PROSPECT"), (23, 7, "RESELLER"))
    return _mark(sandbox, COMPANIES.type_id, crm.company_ids, "type", rules)


def _mark(
    sandbox: Sandbox, object_type: str, ids: list[int], prop: str, rules: tuple[tuple[int, int, str], ...]
) -> int:
    """Set `prop` by position: the first rule (every n-th, at offset k) that matches gives the value.
    Returns how many records got the first rule's value."""
    updates: list[tuple[int, dict[str, Any]]] = []
    for position, record_id in enumerate(ids):
        value = next((v for every, offset, v in rules if position % every == offset), None)
        if value is not None:
            updates.append((record_id, {prop: value}))
    if updates:
        records.update_records(sandbox, object_type, updates)
    return sum(1 for _, props in updates if props[prop] == rules[0][2])


def _create(sandbox: Sandbox, name: str, processing_type: str, branch: Any = None) -> str:
    request: dict[str, Any] = {"name": name, "objectTypeId": "0-1", "processingType": processing_type}
    if branch is not None:
        request["filterBranch"] = branch.to_hubspot()
    return str(create_list(sandbox, request)["list"]["listId"])


def _existing_lists(sandbox: Sandbox) -> dict[str, str]:
    return {
        # Same definition as [Core] - All Customers: the planner should reuse it.
        "customers_old": _create(
            sandbox,
            "Customers (2023 import)",
            "DYNAMIC",
            or_(and_(prop_any_of("lifecyclestage", "customer"))),
        ),
        # Takes the name the catalog wants, with a narrower definition: the planner should rename.
        "suppressed_clash": _create(
            sandbox, "[Core] - Suppressed Contacts", "DYNAMIC", or_(and_(prop_bool("hs_email_optout", True)))
        ),
        # A static list nobody will touch, used by the newsletter email.
        "newsletter": _create(sandbox, "Newsletter subscribers", "MANUAL"),
    }


def _in_list_branch(list_id: str) -> dict[str, Any]:
    return or_(and_(in_list(list_id))).to_hubspot()
