"""Who uses a list, as HubSpot's "Used in" would show it, before it is deleted.

Found through the API:
- other lists: every filter that carries the list's id, at any depth (IN_LIST / NOT_IN_LIST,
  "associated with a record in this list" ASSOCIATION filters, PROPERTY_ASSOCIATION);
- workflows (automation v4): enrollment (list filters, list-membership triggers, re-enrollment,
  refinement), suppression lists, goals, list branches and list actions (add to / remove from list
  `fields.listId`, the legacy alter-list-membership `fields.list_id`);
- marketing emails: recipients and exclusions by list id (`to.contactIlsLists`) and by legacy list id
  (`to.contactLists`, translated through HubSpot's id mapping), include and exclude.
HubSpot's own count of a list's uses (`hs_list_reference_count`) is compared with what was found: a
higher count means uses the API cannot show (ads audiences, SMS, chatflows, smart content, lead scoring,
the Salesforce inclusion list...), and the list is not called safe. A check that could not run (a
missing scope, an outage) is "could not check", never "not used": deleting a list a workflow enrolls
from would silently break that workflow.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Literal

from pydantic import BaseModel, Field

from segment_lists.boundary.text import clean, counted
from segment_lists.portal import MissingScope, PortalError
from segment_lists.portal.models import MarketingEmail
from segment_lists.workflow.runtime import Runtime

Kind = Literal["list", "workflow", "marketing-email"]
# What HubSpot lets use a list that its public API cannot show (KB "Used in" of a segment; facts E.4).
INVISIBLE_USES = (
    "ads audiences, SMS, chatflows, smart content, lead scoring, sequences, forms, reports and the "
    "Salesforce integration's inclusion list"
)
# Filter types whose `listId` names another list, and what they do with it, for the report.
LIST_FILTERS = {
    ("IN_LIST", "IN_LIST"): "its filters require membership of this list",
    ("IN_LIST", "NOT_IN_LIST"): "its filters exclude members of this list",
    ("ASSOCIATION", "IN_LIST"): "its filters require an associated record in this list",
    ("ASSOCIATION", "NOT_IN_LIST"): "its filters require no associated record in this list",
}


class Dependent(BaseModel):
    kind: Kind
    id: str
    name: str
    how: str


class Unchecked(BaseModel):
    kind: Kind
    reason: str


class DependencyReport(BaseModel):
    list_id: str
    dependents: list[Dependent] = Field(default_factory=list)
    unchecked: list[Unchecked] = Field(default_factory=list)
    # HubSpot's count of the list's uses (hs_list_reference_count); None when HubSpot did not say.
    reference_count: int | None = None

    @property
    def unseen(self) -> int:
        """Uses HubSpot counts beyond those found through the API (0 when none or unknown)."""
        if self.reference_count is None:
            return 0
        return max(0, self.reference_count - len(self.dependents))

    @property
    def safe_to_delete(self) -> bool:
        return not self.dependents and not self.unchecked and not self.unseen

    def unseen_sentence(self) -> str | None:
        if not self.unseen:
            return None
        found = len(self.dependents)
        maybe = (
            f" or among the {', '.join(sorted({u.kind + 's' for u in self.unchecked}))} that could not be checked"
            if self.unchecked
            else ""
        )
        return (
            f"HubSpot counts {counted(self.reference_count, 'use')} of this list and {found} "
            f"{'was' if found == 1 else 'were'} found through its API: "
            f"it is used somewhere the API cannot show ({INVISIBLE_USES}){maybe}. Check the list's 'Used in' in "
            "HubSpot before deleting"
        )


def list_filter_uses(branch: Any) -> Iterator[tuple[str, str]]:
    """(list id, what the filter does) for every filter carrying a `listId`, at any depth."""
    if isinstance(branch, dict):
        if branch.get("listId") is not None and str(branch["listId"]).strip().isdigit():
            key = (str(branch.get("filterType")), str(branch.get("operator")))
            yield str(branch["listId"]).strip(), LIST_FILTERS.get(key, f"its filters name this list ({key[0]})")
        for value in branch.values():
            yield from list_filter_uses(value)
    elif isinstance(branch, list):
        for item in branch:
            yield from list_filter_uses(item)


def _join(places: Iterable[str]) -> str:
    return "; ".join(dict.fromkeys(places))


def find_dependents(rt: Runtime, list_ids: Iterable[str]) -> dict[str, DependencyReport]:
    """One pass over lists, workflows and emails answers for every list in `list_ids`."""
    wanted = [str(i) for i in list_ids]
    reports = {list_id: DependencyReport(list_id=list_id) for list_id in wanted}

    def unchecked(kind: Kind, error: PortalError, what: str = "") -> None:
        reason = str(error) if isinstance(error, MissingScope) else f"HubSpot did not answer: {error}"
        for report in reports.values():
            report.unchecked.append(Unchecked(kind=kind, reason=clean(what + reason)))

    def found(list_id: str, kind: Kind, asset_id: str, name: str | None, how: str) -> None:
        report = reports.get(list_id)
        if report is not None and not (kind == "list" and asset_id == list_id):
            # `how` quotes the asset's own action ids and steps: CRM text, cleaned like the name.
            report.dependents.append(Dependent(kind=kind, id=clean(asset_id), name=clean(name or ""), how=clean(how)))

    try:
        lists = rt.lists(refresh=True)
        for lst in lists:
            if lst.id in reports:
                reports[lst.id].reference_count = lst.reference_count
        with_filters = [lst.id for lst in lists if lst.processing_type in {"DYNAMIC", "SNAPSHOT"}]
        for other in rt.portal.get_lists(with_filters, include_filters=True) if with_filters else []:
            uses: dict[str, list[str]] = {}
            for referenced, how in list_filter_uses(other.filter_branch):
                uses.setdefault(referenced, []).append(how)
            for referenced, hows in uses.items():
                found(referenced, "list", other.id, other.name, _join(hows))
    except PortalError as error:
        unchecked("list", error)
    try:
        for flow in rt.portal.workflows():
            state = "active" if flow.is_enabled else "inactive"
            places: dict[str, list[str]] = {}
            for ref in flow.references:
                places.setdefault(ref.list_id, []).append(ref.where)
            for referenced, where in places.items():
                found(referenced, "workflow", flow.id, flow.name, f"{state} workflow: {_join(where)}")
    except PortalError as error:
        unchecked("workflow", error)
    try:
        emails = rt.portal.marketing_emails()
    except PortalError as error:
        unchecked("marketing-email", error)
    else:
        _email_uses(rt, emails, found, unchecked)
    return reports


def _email_uses(rt: Runtime, emails: list[MarketingEmail], found: Any, unchecked: Any) -> None:
    legacy = sorted({i for email in emails for i in (*email.legacy_include_ids, *email.legacy_exclude_ids)})
    translated: dict[str, str] = {}
    if legacy:
        try:
            translated = rt.portal.legacy_list_ids(legacy)
        except PortalError as error:
            unchecked("marketing-email", error, f"the legacy list ids of {counted(len(legacy), 'email recipient')}: ")
    for email in emails:
        places: dict[str, list[str]] = {}
        for ids, how in (
            (email.include_list_ids, "sends to this list"),
            (email.exclude_list_ids, "excludes this list"),
            ([translated[i] for i in email.legacy_include_ids if i in translated], "sends to this list (legacy id)"),
            ([translated[i] for i in email.legacy_exclude_ids if i in translated], "excludes this list (legacy id)"),
        ):
            for list_id in ids:
                places.setdefault(str(list_id), []).append(how)
        for referenced, hows in places.items():
            found(referenced, "marketing-email", email.id, email.name, _join(hows))
