"""Existing lists in the way of a plan item, and what the user can do about each (DESIGN.md section 4a).

The skill says: merge or rename rather than create duplicates. So a clash is never settled by a
"(2)" copy: it is a question with options (reuse, adopt, merge, move aside, create anyway, skip),
the recommended one first with the reason, and the item waits for the user's answer. Only a list
that already is the segment (same name and same definition, or the list this tool made for it
before) is used without asking.

Pure: the workflow supplies the evidence the recommendation rests on (who uses the list, how a
merge would change its members) as `Evidence`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from segment_lists.boundary.text import counted, quoted
from segment_lists.domain.catalog import Segment
from segment_lists.domain.facts import ExistingList
from segment_lists.domain.interview import ItemChoice
from segment_lists.domain.plan import Action, Clash, ClashKind, ClashOption, MembershipChange
from segment_lists.filters import definition_key

SIMILAR_NAME_RATIO = 0.85
STATIC_TYPES = {"MANUAL", "SNAPSHOT"}


@dataclass
class Evidence:
    """What the workflow found out about an existing list before recommending anything."""

    dependents: list[str] = field(default_factory=list)  # "workflow 'Nurture' (id 5): ..."
    unchecked: list[str] = field(default_factory=list)  # "workflows (missing scope automation)"
    membership_change: MembershipChange | None = None


@dataclass
class Decision:
    """How an item is planned: its action, why, the existing list it acts on, and the names."""

    action: Action
    reason: str
    existing: ExistingList | None = None
    clash: Clash | None = None
    name: str | None = None  # the new list's name when it differs from the segment's
    rename_existing_to: str | None = None


Describe = Callable[[dict[str, Any] | None], str]


def name_key(name: str) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", name.lower()).split()
    return " ".join(word for word in words if word not in {"all", "list", "contacts", "the", "core", "segment"})


def free_name(name: str, taken: set[str], suffix: str = "") -> str:
    """`name (suffix)` (or `name (2)` without a suffix), numbered until no list has it (case-insensitively)."""
    for number in range(1 if suffix else 2, 100):
        label = f"{suffix} {number}" if suffix and number > 1 else (suffix or str(number))
        candidate = f"{name} ({label})"
        if candidate.casefold() not in taken:
            return candidate
    raise ValueError(f"no free name near {name!r}")


def _same_kind(segment: Segment, lst: ExistingList) -> bool:
    if lst.object_type_id != "0-1":
        return False
    if segment.processing_type == "MANUAL":
        return lst.processing_type in STATIC_TYPES
    return lst.processing_type == "DYNAMIC"


def decide(
    segment: Segment,
    existing: Sequence[ExistingList],
    choice: ItemChoice | None,
    *,
    describe: Describe,
    evidence: dict[str, Evidence] | None = None,
) -> Decision:
    """The item's action for this segment against the portal's lists and the user's answer."""
    ours = next((lst for lst in existing if lst.segment_key == segment.key), None)
    if choice == "skip":
        return Decision("skip", "you chose to skip it: nothing is created or changed for it")
    taken = {lst.name.strip().casefold() for lst in existing}
    if ours is not None:
        return _ours(segment, ours, choice, taken)
    # Lists the library holds for other segments are theirs: never adopted or merged for this one.
    free = [lst for lst in existing if lst.segment_key is None]
    theirs = next(
        (
            lst
            for lst in existing
            if lst.segment_key is not None and lst.name.strip().casefold() == segment.name.strip().casefold()
        ),
        None,
    )
    if theirs is not None:
        return Decision(
            "conflict",
            f"the name {quoted(segment.name)} is held by list {quoted(theirs.name)} (id {theirs.list_id}), which "
            f"the library holds for segment {theirs.segment_key}; change the naming template, or skip this item",
        )
    wanted = segment.name.strip().casefold()
    holder = next((lst for lst in free if lst.name.strip().casefold() == wanted), None)
    same_definition = None
    if segment.processing_type == "DYNAMIC" and segment.filter_branch is not None:
        key = definition_key(segment.filter_branch)
        same_definition = next(
            (
                lst
                for lst in free
                if _same_kind(segment, lst) and lst.filter_branch and definition_key(lst.filter_branch) == key
            ),
            None,
        )
    static_holder = holder is not None and segment.processing_type == "MANUAL" and _same_kind(segment, holder)
    if holder is not None and (holder is same_definition or static_holder):
        what = "definition" if segment.processing_type == "DYNAMIC" else "type (static)"
        return Decision(
            "reuse",
            f"list {quoted(holder.name)} (id {holder.list_id}) already has this name and {what}"
            + ("; matches are added to it" if segment.processing_type == "MANUAL" else ""),
            holder,
        )
    kind: ClashKind
    if same_definition is not None:
        kind, target = "same-definition", same_definition
    elif holder is not None:
        kind, target = "same-name", holder
    else:
        similar = _most_similar(segment, free)
        if similar is None:
            if choice in {None, "create-anyway"}:
                return Decision("create", "no existing list has this name or definition")
            return Decision(
                "conflict",
                f"you chose '{choice}', but no existing list clashes with this segment (nothing to {choice}); "
                "drop the choice to create it, or choose skip",
            )
        kind, target = "similar-name", similar
    clash = build_clash(
        kind,
        segment,
        target,
        name_holder=holder if holder is not target else None,
        taken=taken,
        describe=describe,
        evidence=(evidence or {}).get(target.list_id),
    )
    return resolve(segment, target, clash, choice, taken)


def _ours(segment: Segment, ours: ExistingList, choice: ItemChoice | None, taken: set[str]) -> Decision:
    """The library's list for this segment: reused as it is, unless the user asks to adopt it (rename it
    to the catalog's name) or merge it (give it the catalog's filters again, e.g. after someone edited it)."""
    here = f"{quoted(ours.name)} (id {ours.list_id})"
    other_name = ours.name.strip().casefold() != segment.name.strip().casefold()
    rename = segment.name if other_name and segment.name.strip().casefold() not in taken else None
    if choice == "adopt" and rename:
        return Decision(
            "adopt",
            f"you chose to adopt {here}: it is renamed to {quoted(segment.name)}",
            ours,
            rename_existing_to=rename,
        )
    drifted = (
        segment.filter_branch is not None
        and ours.processing_type == "DYNAMIC"
        and (ours.filter_branch is None or definition_key(ours.filter_branch) != definition_key(segment.filter_branch))
    )
    if choice == "merge" and drifted:
        return Decision(
            "merge",
            f"you chose to merge: {here} gets the catalog's filters again"
            + (f" and the name {quoted(rename)}" if rename else ""),
            ours,
            rename_existing_to=rename,
        )
    return Decision("reuse", f"list {here} is this segment's list in the library already", ours)


def _most_similar(segment: Segment, lists: Sequence[ExistingList]) -> ExistingList | None:
    target = name_key(segment.name)
    if not target:
        return None
    scored = [
        (difflib.SequenceMatcher(None, target, name_key(lst.name)).ratio(), lst)
        for lst in lists
        if lst.object_type_id == "0-1"
    ]
    best = max(scored, key=lambda pair: pair[0], default=None)
    return best[1] if best is not None and best[0] >= SIMILAR_NAME_RATIO else None


def _uses(evidence: Evidence | None) -> tuple[str, bool]:
    """(who uses the list, in words; whether it is known to be used by nothing)."""
    if evidence is None:
        return "who uses it is not checked yet", False
    words = []
    if evidence.dependents:
        words.append("used by " + "; ".join(evidence.dependents))
    if evidence.unchecked:
        words.append("could not check " + "; ".join(evidence.unchecked))
    if not words:
        return "nothing uses it: other lists, workflows and marketing emails checked", True
    return ", ".join(words), False


def _change(evidence: Evidence | None) -> str:
    change = evidence.membership_change if evidence else None
    if change is None:
        return "how its members change is counted when the plan is estimated"
    if change.joins is None or change.leaves is None:
        return f"how its members change cannot be counted beforehand ({change.note})"
    joins = f"{counted(change.joins, 'contact')} {'joins' if change.joins == 1 else 'join'}"
    return f"about {joins} and {change.leaves} leave ({change.note})"


def build_clash(
    kind: ClashKind,
    segment: Segment,
    lst: ExistingList,
    *,
    name_holder: ExistingList | None,
    taken: set[str],
    describe: Describe,
    evidence: Evidence | None,
) -> Clash:
    old = f"{quoted(lst.name)} (id {lst.list_id})"
    new = f"{quoted(segment.name)}"
    uses, unused = _uses(evidence)
    legacy = free_name(lst.name, taken, "legacy")
    beside = segment.name if kind != "same-name" and name_holder is None else free_name(segment.name, taken)
    mergeable = segment.processing_type == "DYNAMIC" and _same_kind(segment, lst)
    both_static = segment.processing_type == "MANUAL" and lst.processing_type in STATIC_TYPES
    options: list[ClashOption] = []
    why = ""

    def add(choice: ItemChoice, consequence: str) -> None:
        options.append(ClashOption(choice=choice, consequence=consequence))

    if kind == "same-definition" or (kind == "similar-name" and both_static):
        if name_holder is None:
            add(
                "adopt",
                f"rename {old} to {new}; its id, members and definition stay, so what uses it keeps working "
                f"({uses}); rollback restores the old name",
            )
        add("reuse", f"use {old} as it is, under its own name" + ("; matches are added to it" if both_static else ""))
        add(
            "create-anyway",
            f"create {quoted(beside)} as well: a second list "
            + ("with exactly the same definition (a duplicate)" if kind == "same-definition" else "beside it"),
        )
        add("skip", "make no list for this segment")
        if name_holder is not None:
            why = (
                f"adopting is not possible: the name {new} is held by list {name_holder.list_id} "
                f"({quoted(name_holder.name)}), which has another definition"
            )
        else:
            why = "it is the same segment; adopting gives the library consistent names without changing members"
        question = f"List {old} already has " + (
            "exactly this segment's definition" if kind == "same-definition" else "a similar name and is static too"
        )
    else:
        if mergeable:
            rename = f" and rename it to {new}" if kind == "similar-name" else ""
            add(
                "merge",
                f"replace the filters of {old} with the catalog's{rename}; HubSpot keeps the id, so whatever uses "
                f"it reaches the new members ({uses}); {_change(evidence)}; its old definition is journaled and "
                "rollback restores it",
            )
        add(
            "move-aside",
            f"rename {old} to {quoted(legacy)} and leave it exactly as it is (what uses it keeps it), then create "
            f"{new} as a new list; rollback deletes the new list and restores the old name",
        )
        add("create-anyway", f"create {quoted(beside)} beside it; both stay")
        add("skip", "make no list for this segment")
        if not mergeable:
            why = (
                f"it is a {lst.processing_type.lower()} list and this segment is "
                f"{'an active' if segment.processing_type == 'DYNAMIC' else 'a static'} one, so it cannot be merged"
                if lst.object_type_id == "0-1"
                else "it is a list of another object type, so it cannot be merged"
            )
        elif unused:
            why = "nothing uses it, so giving it the catalog's filters changes no workflow or email"
        else:
            why = f"merging would change whom the things that use it reach ({uses}); moving it aside keeps them as is"
        definition = describe(lst.filter_branch) if lst.filter_branch else f"a {lst.processing_type.lower()} list"
        question = (
            f"The name {new} is taken by {old}" if kind == "same-name" else f"List {old} looks like this segment"
        ) + f", whose definition differs: {definition}"
    recommended = _recommend(kind, options, mergeable=mergeable, unused=unused, name_free=name_holder is None)
    for option in options:
        option.recommended = option.choice == recommended
    options.sort(key=lambda option: not option.recommended)
    listing = ", ".join(option.choice for option in options)
    return Clash(
        kind=kind,
        list_id=lst.list_id,
        list_name=lst.name,
        processing_type=lst.processing_type,
        size=lst.size,
        definition=describe(lst.filter_branch) if lst.filter_branch else f"{lst.processing_type.lower()} list",
        dependents=evidence.dependents if evidence is not None else None,
        unchecked=evidence.unchecked if evidence is not None else [],
        membership_change=evidence.membership_change if evidence is not None else None,
        options=options,
        question=f"{question}. Recommended: {recommended}, because {why}. Options: {listing}. Answer in "
        f"answers.choices, e.g. {{'{segment.key}': '{recommended}'}}.",
    )


def _recommend(
    kind: ClashKind, options: Sequence[ClashOption], *, mergeable: bool, unused: bool, name_free: bool
) -> ItemChoice:
    offered = {option.choice for option in options}
    if "adopt" in offered and name_free:
        return "adopt"
    if "reuse" in offered:
        return "reuse"
    if mergeable and unused:
        return "merge"
    if not mergeable and kind == "similar-name":
        return "create-anyway"  # a list of another kind with a similar name: the catalog's name is free
    return "move-aside"


def resolve(segment: Segment, lst: ExistingList, clash: Clash, choice: ItemChoice | None, taken: set[str]) -> Decision:
    """The item as the user's answer makes it (or a conflict that waits for one)."""
    if choice is None:
        return Decision("conflict", clash.question, lst, clash)
    if not clash.offers(choice):
        offered = ", ".join(option.choice for option in clash.options)
        return Decision(
            "conflict",
            f"'{choice}' is not possible for this clash (options: {offered}). {clash.question}",
            lst,
            clash,
        )
    renamed = segment.name if lst.name.strip().casefold() != segment.name.strip().casefold() else None
    if choice == "reuse":
        return Decision("reuse", f"you chose to reuse {quoted(lst.name)} (id {lst.list_id}) as it is", lst, clash)
    if choice == "adopt":
        return Decision(
            "adopt",
            f"you chose to adopt {quoted(lst.name)} (id {lst.list_id}): it is renamed to {quoted(segment.name)}",
            lst,
            clash,
            rename_existing_to=renamed,
        )
    if choice == "merge":
        return Decision(
            "merge",
            f"you chose to merge: {quoted(lst.name)} (id {lst.list_id}) gets the catalog's filters"
            + (f" and the name {quoted(segment.name)}" if renamed else ""),
            lst,
            clash,
            rename_existing_to=renamed,
        )
    if choice == "move-aside":
        legacy = free_name(lst.name, taken, "legacy")
        return Decision(
            "move-aside",
            f"you chose to move {quoted(lst.name)} (id {lst.list_id}) aside as {quoted(legacy)} and create "
            f"{quoted(segment.name)}",
            lst,
            clash,
            rename_existing_to=legacy,
        )
    # create-anyway: a new list under a free name; the existing one stays.
    name = segment.name if segment.name.strip().casefold() not in taken else free_name(segment.name, taken)
    return Decision(
        "create",
        f"you chose to create {quoted(name)} anyway; {quoted(lst.name)} (id {lst.list_id}) stays as it is",
        lst,
        clash,
        name=name,
    )
