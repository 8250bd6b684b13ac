"""Who uses a list: other lists' IN_LIST filters, workflows, marketing emails.

A check that could not run (a missing scope, an outage) is reported as "could not check", never
as "not used": deleting a list a workflow enrolls from would silently break that workflow.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Literal

from pydantic import BaseModel, Field

from segment_lists.boundary.text import clean
from segment_lists.portal import MissingScope, PortalError
from segment_lists.workflow.runtime import Runtime


class Dependent(BaseModel):
    kind: Literal["list", "workflow", "marketing-email"]
    id: str
    name: str
    how: str


class Unchecked(BaseModel):
    kind: Literal["list", "workflow", "marketing-email"]
    reason: str


class DependencyReport(BaseModel):
    list_id: str
    dependents: list[Dependent] = Field(default_factory=list)
    unchecked: list[Unchecked] = Field(default_factory=list)

    @property
    def safe_to_delete(self) -> bool:
        return not self.dependents and not self.unchecked


def _in_list_ids(branch: Any) -> Iterator[str]:
    if isinstance(branch, dict):
        if branch.get("filterType") == "IN_LIST" and branch.get("listId") is not None:
            yield str(branch["listId"])
        for value in branch.values():
            yield from _in_list_ids(value)
    elif isinstance(branch, list):
        for item in branch:
            yield from _in_list_ids(item)


def find_dependents(rt: Runtime, list_ids: Iterable[str]) -> dict[str, DependencyReport]:
    """One pass over lists, workflows and emails answers for every list in `list_ids`."""
    wanted = [str(i) for i in list_ids]
    reports = {list_id: DependencyReport(list_id=list_id) for list_id in wanted}

    def unchecked(kind: Literal["list", "workflow", "marketing-email"], error: PortalError) -> None:
        reason = str(error) if isinstance(error, MissingScope) else f"HubSpot did not answer: {error}"
        for report in reports.values():
            report.unchecked.append(Unchecked(kind=kind, reason=clean(reason)))

    try:
        dynamic = [lst.id for lst in rt.lists(refresh=True) if lst.is_dynamic]
        for other in rt.portal.get_lists(dynamic, include_filters=True) if dynamic else []:
            for referenced in set(_in_list_ids(other.filter_branch)):
                if referenced in reports and referenced != other.id:
                    reports[referenced].dependents.append(
                        Dependent(
                            kind="list", id=other.id, name=clean(other.name), how="its filters use IN_LIST on this list"
                        )
                    )
    except PortalError as error:
        unchecked("list", error)
    try:
        for flow in rt.portal.workflows():
            for referenced in set(flow.list_ids) & set(reports):
                state = "active" if flow.is_enabled else "inactive"
                reports[referenced].dependents.append(
                    Dependent(
                        kind="workflow", id=flow.id, name=clean(flow.name), how=f"{state} workflow refers to this list"
                    )
                )
    except PortalError as error:
        unchecked("workflow", error)
    try:
        for email in rt.portal.marketing_emails():
            for referenced in set(email.list_ids) & set(reports):
                how = "sends to this list" if referenced in email.include_list_ids else "excludes this list"
                reports[referenced].dependents.append(
                    Dependent(kind="marketing-email", id=email.id, name=clean(email.name), how=how)
                )
    except PortalError as error:
        unchecked("marketing-email", error)
    return reports
