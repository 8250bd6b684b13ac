"""The inventory: every list in the portal, with sizes and status, and the duplicates among them."""

from __future__ import annotations

import difflib
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

from pydantic import BaseModel, Field

from segment_lists.boundary.text import clean
from segment_lists.filters import definition_key
from segment_lists.portal.models import HubSpotList
from segment_lists.workflow.runtime import PortalRef, Runtime
from segment_lists.workflow.temporary_lists import temporary_list_ids

SIMILAR_NAME_RATIO = 0.88


class ListSummary(BaseModel):
    list_id: str
    name: str
    processing_type: str
    processing_status: str | None
    size: int | None
    object_type_id: str
    folder: str | None = None
    created_by_this_tool: bool = False
    definition: str | None = Field(default=None, description="The filters in plain words (active lists)")
    filter_branch: dict | None = None


class Duplicates(BaseModel):
    kind: Literal["same-name", "same-definition", "similar-name"]
    list_ids: list[str]
    names: list[str]


class Inventory(BaseModel):
    portal: PortalRef
    total: int
    lists: list[ListSummary]
    duplicates: list[Duplicates]


def _name_key(name: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name.lower()).split())


def take_inventory(rt: Runtime, *, include_filters: bool = False, name_contains: str | None = None) -> Inventory:
    temporary = temporary_list_ids(rt)  # an overlap check's, not the user's: never shown
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The portal's labels (two property reads, kept for the plan too) come in beside the lists.
        pool.submit(rt.labels)
        lists = [lst for lst in rt.lists(refresh=True) if lst.id not in temporary]
        dynamic_ids = [lst.id for lst in lists if lst.is_dynamic]
        with_filters = (
            {lst.id: lst for lst in rt.portal.get_lists(dynamic_ids, include_filters=True)} if dynamic_ids else {}
        )
    library = {entry.list_id for entry in rt.journal.library(rt.portal_id)}
    summaries = []
    for lst in lists:
        branch = with_filters.get(lst.id, lst).filter_branch
        summaries.append(
            ListSummary(
                list_id=lst.id,
                name=clean(lst.name),
                processing_type=lst.processing_type,
                processing_status=lst.processing_status,
                size=lst.size,
                object_type_id=lst.object_type_id,
                folder=clean(lst.folder_name) or None,
                created_by_this_tool=lst.id in library,
                definition=rt.describe(branch) or None,
                filter_branch=branch if include_filters else None,
            )
        )
    duplicates = find_duplicates(lists, with_filters)
    if name_contains:
        needle = name_contains.lower()
        summaries = [s for s in summaries if needle in s.name.lower()]
    return Inventory(portal=rt.ref, total=len(summaries), lists=summaries, duplicates=duplicates)


def find_duplicates(lists: list[HubSpotList], with_filters: dict[str, HubSpotList]) -> list[Duplicates]:
    found: list[Duplicates] = []
    by_name: dict[str, list[HubSpotList]] = {}
    by_definition: dict[str, list[HubSpotList]] = {}
    for lst in lists:
        by_name.setdefault(lst.name.strip().lower(), []).append(lst)
        branch = with_filters.get(lst.id, lst).filter_branch
        if branch:
            by_definition.setdefault(f"{lst.object_type_id}:{definition_key(branch)}", []).append(lst)
    for group in by_name.values():
        if len(group) > 1:
            found.append(
                Duplicates(kind="same-name", list_ids=[g.id for g in group], names=[clean(g.name) for g in group])
            )
    for group in by_definition.values():
        if len(group) > 1:
            found.append(
                Duplicates(kind="same-definition", list_ids=[g.id for g in group], names=[clean(g.name) for g in group])
            )
    # Similar names form groups (campaign 0001, campaign 0002, ...): one entry per group, not per pair,
    # so a portal with hundreds of like-named lists says so in a few lines.
    keys = [(lst, _name_key(lst.name)) for lst in lists]
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for index, (_, first_key) in enumerate(keys):
        for other, (_, second_key) in enumerate(keys[index + 1 :], start=index + 1):
            if first_key == second_key or not first_key or not second_key or root(index) == root(other):
                continue
            matcher = difflib.SequenceMatcher(None, first_key, second_key)
            # The cheap upper bounds first: thousands of lists make this quadratic.
            if (
                matcher.real_quick_ratio() >= SIMILAR_NAME_RATIO
                and matcher.quick_ratio() >= SIMILAR_NAME_RATIO
                and matcher.ratio() >= SIMILAR_NAME_RATIO
            ):
                parent[root(other)] = root(index)
    groups: dict[int, list[HubSpotList]] = {}
    for index, (lst, _) in enumerate(keys):
        groups.setdefault(root(index), []).append(lst)
    for group in groups.values():
        if len(group) > 1:
            found.append(
                Duplicates(kind="similar-name", list_ids=[g.id for g in group], names=[clean(g.name) for g in group])
            )
    return found
