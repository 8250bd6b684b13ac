"""check_exclusivity: lists that must not overlap, and partitions that must cover every contact.

Every answer is exact; what varies is its price in API calls. Per pair the cheapest method wins:
- `definition`: the two dynamic lists' definitions contradict each other (`domain.disjoint`: e.g.
  different tiers of the primary company, or a company condition and "no primary company"), so
  they share no member once processed: 0 calls at any size. The catalog's ICP tiers and size bands.
- `search`: both lists' definitions translate into CRM search filterGroups; the pair's intersection
  is the AND of both (the cross product of their groups), one search reading `total`, which also
  returns the first few offenders. Relative dates are resolved once, at query time, for both. A
  product whose every group is self-contradictory ("x is known" and "x is unknown") is 0 for free.
- `members`: each list's member ids paged once (250 a call), shared by every pair that needs that
  list, and intersected locally. Needed anyway for static lists and association-based definitions.
- `probe`: one list's member ids (a static or small list, paged anyway) are tested against the other
  list's definition, 100 ids a search (`hs_object_id IN [...]` ANDed into each of its groups), the
  totals summed; the big list is never paged. The searches also return the first offenders.
The cost model compares calls in seconds of HubSpot's allowance: a search costs a slot of the
5-per-second bucket, a members page a slot of the 10-second bucket; a pair whose lists are paged
anyway costs nothing more. Partitions also check coverage (every contact in at least one list):
free when no pair overlaps (the union's size is then the sum of the sizes), else from the paged
members, else one search over the OR of every definition, else by paging what is missing.
Everything independent (pages of different lists, searches) runs concurrently under the limiter.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, Field

from segment_lists.boundary.ids import checked_list_id
from segment_lists.boundary.text import clean, counted, quoted
from segment_lists.data.hubspot_limits import MEMBERSHIP_PAGE
from segment_lists.domain.catalog import ANY_COMPANY_TYPE, ExclusivityGroup
from segment_lists.domain.disjoint import PRIMARY_COMPANY, certainly_disjoint
from segment_lists.domain.plan import Plan
from segment_lists.domain.search_groups import SearchGroups, fits, intersection, union
from segment_lists.domain.search_translation import to_search_groups
from segment_lists.portal.models import HubSpotList
from segment_lists.workflow.failures import InvalidRequest
from segment_lists.workflow.library import lists_by_segment
from segment_lists.workflow.processing import Progress, wait_for_processing
from segment_lists.workflow.proposal import load_plan
from segment_lists.workflow.runs import apply_run
from segment_lists.workflow.runtime import PortalRef, Runtime
from segment_lists.workflow.temporary_lists import (
    TemporaryListsRefused,
    count_overlaps,
    headroom_check,
    remove_leftovers,
)

SAMPLES = 5
BATCH_READ = 100  # ids per batch read of sample emails
PROBE_IDS = 100  # ids per `hs_object_id IN [...]` probe search (HubSpot's cap on IN values)
BODY_CHARS = 3000 - 100  # HubSpot's cap on a search request body, less a margin for serialization
ID_CHARS = 12  # a record id as JSON in an IN list ('"12345678", '), for estimates before ids are known
Method = Literal["definition", "members", "search", "probe", "temporary-list"]
# With consent, a pair that would page at least this many member pages is counted by HubSpot through
# a temporary list instead (about 3 calls and a processing wait, whatever the lists' sizes).
TEMPORARY_LIST_MIN_PAGES = 20
TEMPORARY_LIST_CALLS = 3  # a temporary list's create, its first members page (samples), its delete
# ... and once per check: the folder read, made and removed, the portal's lists read for the headroom,
# and a few status polls while HubSpot processes them.
TEMPORARY_LIST_OVERHEAD = 8
# Without consent, a check says what temporary lists would save when it is at least this many calls
# (about 10 seconds of HubSpot's standard allowance, 100 calls per 10 seconds): worth asking the user.
WORTH_TEMPORARY_LISTS = 100
CoverageMethod = Literal["sizes", "members", "search"]


class Offender(BaseModel):
    record_id: str
    email: str | None = None


class PairOverlap(BaseModel):
    group: str
    first: str  # list id
    second: str
    first_name: str
    second_name: str
    overlap: int
    samples: list[Offender] = Field(default_factory=list)
    method: Method = "members"
    calls: int = Field(
        default=0,
        description="API calls the method made for this pair (member pages count for each pair sharing them)",
    )


class GroupResult(BaseModel):
    group: str
    description: str
    list_ids: list[str]
    partition: bool
    # None: not checked (fewer than two of its lists exist: nothing to compare; the message says why).
    exclusive: bool | None
    pairs: list[PairOverlap]
    uncovered: int | None = None  # partitions: contacts in none of the lists
    coverage_method: CoverageMethod | None = None  # partitions: how `uncovered` was counted
    message: str


class ExclusivityReport(BaseModel):
    portal: PortalRef
    groups: list[GroupResult]
    overlapping_pairs: int
    calls: int = 0
    still_processing: list[str] = Field(
        default_factory=list,
        description="Lists HubSpot had not finished processing: their results may change; check again later",
    )
    temporary_lists: str | None = Field(
        default=None, description="Whether temporary lists counted overlaps (with consent), and if not, why"
    )
    temporary_lists_would_save: int = Field(
        default=0,
        description="Without consent: about how many API calls temporary lists would have saved, when worth "
        "asking the user (at least WORTH_TEMPORARY_LISTS); else 0",
    )


@dataclass
class _Pair:
    group: str
    first: str
    second: str
    search: SearchGroups | None  # the intersection as filterGroups; None = not searchable
    method: Method = "members"
    probe_ids_of: str | None = None  # probe: the list whose members are tested against the other's definition
    overlap: int = 0
    sample_ids: list[str] = field(default_factory=list)
    emails: dict[str, str | None] = field(default_factory=dict)
    calls: int = 0


GroupLists = tuple[ExclusivityGroup, dict[str, str]]  # a declared group, and segment key -> list id


def plan_groups(rt: Runtime, plan: Plan) -> list[GroupLists]:
    """The plan's declared groups, each with the library's lists for its segments (from any run)."""
    by_key = lists_by_segment(rt)
    return [(group, {key: by_key[key] for key in group.members if key in by_key}) for group in plan.groups]


def run_groups(rt: Runtime, run_id: str | None) -> list[GroupLists]:
    """The groups of the plan an apply run applied (the latest planned run when None)."""
    if run_id is not None:
        run = apply_run(rt, run_id)
    else:
        planned = [r for r in rt.journal.runs(rt.portal_id, "apply") if r.plan_id]
        run = planned[-1] if planned else None
    if run is None or run.plan_id is None:  # no run yet, or a custom list's run: no declared groups
        return []
    return plan_groups(rt, load_plan(rt, run.plan_id))


def requested_groups(
    rt: Runtime, *, run_id: str | None = None, list_ids: Sequence[str] | None = None
) -> list[GroupLists]:
    """The given lists pairwise, and/or the declared groups of a run (the latest one when neither is given)."""
    groups: list[GroupLists] = []
    if list_ids:
        ids = list(dict.fromkeys(checked_list_id(i) for i in list_ids))
        given = ExclusivityGroup(name="given lists", members=ids, description="The lists you named, pairwise.")
        groups.append((given, {i: i for i in ids}))
    if run_id or not list_ids:
        groups += run_groups(rt, run_id)
    if not groups:
        raise InvalidRequest("No exclusivity groups to check: give list_ids, or a run_id whose plan declared groups")
    return groups


def check_requested(
    rt: Runtime,
    *,
    run_id: str | None = None,
    list_ids: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> ExclusivityReport:
    """`requested_groups`, checked read-only."""
    return check_groups(rt, requested_groups(rt, run_id=run_id, list_ids=list_ids), progress=progress)


def check_groups(
    rt: Runtime,
    groups: Sequence[GroupLists],
    *,
    force: Method | None = None,
    now: datetime | None = None,
    wait_seconds: float = 120,
    progress: Progress | None = None,
    temporary_lists: bool = False,
    temporary_limit: int | None = None,
) -> ExclusivityReport:
    """`groups`: each declared group with its segment key -> list id mapping (members that exist); a
    group with fewer than two is reported not checked. `force` makes every pair use one method where
    it can (tests compare the two). `progress` hears about lists still processing as they finish.
    `temporary_lists`: the user agreed that HubSpot may count overlaps through temporary lists
    (`workflow.temporary_lists`): used for pairs that would otherwise page many members, at most
    `temporary_limit` of them (the most pages first) when given (what the user confirmed)."""
    before = rt.portal.stats().total_calls
    now = now or datetime.now(UTC)
    if not rt.settings.read_only:
        # A check interrupted earlier may have left temporary lists (the user agreed to their removal).
        remove_leftovers(rt)
    lists, pending = _read_lists(rt, groups)
    # Members of a list still processing are incomplete: wait (as count_members does) before comparing.
    if pending:
        done = wait_for_processing(rt, pending, timeout=wait_seconds, progress=progress)
        pending = [i for i in pending if getattr(done.get(i), "processing_status", None) != "COMPLETE"]
    pairs, members_of, searchable, probeable, paged = _decide(rt, groups, lists, force, now, set(pending))
    temporary_note = None
    would_save = 0
    if temporary_lists or force == "temporary-list":
        paged, temporary_note = _use_temporary_lists(rt, pairs, lists, paged, probeable, force, temporary_limit)
    elif force is None and not rt.settings.read_only:
        choice = _temporary_choice(pairs, lists, paged, probeable)
        saving = choice.read_only_calls - choice.calls if choice.pairs else 0
        would_save = saving if saving >= WORTH_TEMPORARY_LISTS else 0
    members = _run(rt, pairs, paged, lists, probeable)
    if temporary_note is not None:
        members.update(_count_by_temporary_lists(rt, pairs, wait_seconds))

    # Coverage of partitions, cheapest first; what still needs members is paged in a second pass.
    coverage: dict[str, tuple[int, CoverageMethod] | None] = {}
    searches: dict[str, SearchGroups] = {}
    more: set[str] = set()
    partitions = [(g, members_of[g.name]) for g, _ in groups if g.partition and len(members_of[g.name]) >= 2]
    total_contacts = rt.count("contacts") if partitions else 0
    for group, list_ids in partitions:
        group_pairs = [p for p in pairs if p.group == group.name]
        sizes = [lists[i].size if i in lists else 0 for i in list_ids]
        complete = all(i in lists and lists[i].processing_status == "COMPLETE" for i in list_ids)
        if all(i in members for i in list_ids):
            coverage[group.name] = (len(set().union(*(set(members[i]) for i in list_ids))), "members")
        elif complete and all(s is not None for s in sizes) and not any(p.overlap for p in group_pairs):
            # Pairwise disjoint: the union's size is the sum of the sizes (no triple can overlap either).
            coverage[group.name] = (sum(s or 0 for s in sizes), "sizes")
        elif (union_groups := union([searchable[i] for i in list_ids])) is not None and force != "members":
            searches[group.name] = union_groups
        else:
            more.update(i for i in list_ids if i not in members)
    if more:
        members.update(zip(sorted(more), rt.map(rt.portal.member_ids, sorted(more)), strict=True))
    if searches:
        names = list(searches)
        for name, total in zip(names, rt.map(lambda n: rt.count("contacts", searches[n]), names), strict=True):
            coverage[name] = (total, "search")
    for group, list_ids in partitions:
        if group.name not in coverage:
            coverage[group.name] = (len(set().union(*(set(members[i]) for i in list_ids))), "members")

    _fill_emails(rt, [p for p in pairs if p.method in ("members", "temporary-list") and p.sample_ids])
    names = {i: clean(lists[i].name) if i in lists else "" for i in _needed(groups)}
    results = []
    overlapping = 0
    for group, _ in groups:
        list_ids = members_of[group.name]
        if len(list_ids) < 2:
            results.append(_not_checked(group, list_ids, names))
            continue
        group_pairs = [
            PairOverlap(
                group=group.name,
                first=p.first,
                second=p.second,
                first_name=names.get(p.first, ""),
                second_name=names.get(p.second, ""),
                overlap=p.overlap,
                samples=[Offender(record_id=i, email=clean(p.emails.get(i)) or None) for i in p.sample_ids],
                method=p.method,
                calls=p.calls,
            )
            for p in pairs
            if p.group == group.name
        ]
        overlapping += sum(1 for pair in group_pairs if pair.overlap)
        uncovered = None
        method: CoverageMethod | None = None
        if group.partition:
            covered, method = coverage[group.name] or (0, "members")
            uncovered = max(0, total_contacts - covered)
        results.append(
            GroupResult(
                group=group.name,
                description=group.description,
                list_ids=list_ids,
                partition=group.partition,
                exclusive=all(pair.overlap == 0 for pair in group_pairs),
                pairs=group_pairs,
                uncovered=uncovered,
                coverage_method=method,
                message=_message(group_pairs, uncovered)
                + (_several_companies_hint() if _reads_any_company(lists, list_ids, group_pairs) else ""),
            )
        )
    calls = rt.portal.stats().total_calls - before
    return ExclusivityReport(
        portal=rt.ref,
        groups=results,
        overlapping_pairs=overlapping,
        calls=calls,
        still_processing=pending,
        temporary_lists=temporary_note,
        temporary_lists_would_save=would_save,
    )


def _needed(groups: Sequence[GroupLists]) -> list[str]:
    return sorted({list_id for _, ids in groups for list_id in ids.values()}, key=int)


def _read_lists(rt: Runtime, groups: Sequence[GroupLists]) -> tuple[dict[str, HubSpotList], list[str]]:
    """The groups' lists with their definitions (one batched read), and those still processing."""
    needed = _needed(groups)
    lists = {lst.id: lst for lst in rt.portal.get_lists(needed, include_filters=True)} if needed else {}
    return lists, [i for i, lst in lists.items() if lst.processing_status not in (None, "COMPLETE")]


class _Decided(NamedTuple):
    pairs: list[_Pair]
    members_of: dict[str, list[str]]  # group name -> its list ids
    searchable: dict[str, SearchGroups | None]
    probeable: dict[str, SearchGroups]
    paged: set[str]  # the lists whose members are paged


def _decide(
    rt: Runtime,
    groups: Sequence[GroupLists],
    lists: dict[str, HubSpotList],
    force: Method | None,
    now: datetime,
    processing: set[str],
) -> _Decided:
    """Every pair of every group, with its read-only method (`processing`: lists HubSpot has not
    finished, whose members may still be an earlier definition's)."""
    searchable = {i: _translate(lists.get(i), now, rt.time_zone) for i in _needed(groups)}
    pairs: list[_Pair] = []
    members_of: dict[str, list[str]] = {}
    for group, ids in groups:
        list_ids = [ids[key] for key in group.members if key in ids]
        members_of[group.name] = list_ids
        for first, second in itertools.combinations(list_ids, 2):
            pairs.append(_Pair(group.name, first, second, intersection(searchable[first], searchable[second])))
    if force is None:
        _decide_by_definitions(rt, [p for p in pairs if not {p.first, p.second} & processing], lists, now)
    probeable = {i: groups_ for i, groups_ in searchable.items() if groups_ is not None and _probe_fits(groups_)}
    paged = _choose(rt, [p for p in pairs if p.method != "definition"], lists, force, probeable)
    return _Decided(pairs, members_of, searchable, probeable, paged)


def _decide_by_definitions(rt: Runtime, pairs: list[_Pair], lists: dict[str, HubSpotList], now: datetime) -> None:
    """Pairs whose definitions contradict each other (`domain.disjoint`): overlap 0, no call. Only
    dynamic lists (HubSpot keeps their members equal to their definitions); the properties' field
    types (read once per runtime) say which hold a single value."""
    for pair in pairs:
        if pair.search == []:  # both translate, and every group of their product is contradictory
            pair.method, pair.overlap, pair.calls = "definition", 0, 0
    candidates = [
        p
        for p in pairs
        if p.method != "definition"
        and all(i in lists and lists[i].is_dynamic and lists[i].filter_branch for i in (p.first, p.second))
    ]
    if not candidates:
        return
    single = _single_valued(rt)
    for pair in candidates:
        first, second = lists[pair.first].filter_branch, lists[pair.second].filter_branch
        if certainly_disjoint(first or {}, second or {}, single.__contains__, now=now, zone=rt.time_zone):
            pair.method, pair.overlap, pair.calls = "definition", 0, 0


def _single_valued(rt: Runtime) -> set[str]:
    """Contact properties, and company properties as read through the primary company, that hold at
    most one value (every type but multi-select checkboxes)."""
    names: set[str] = set()
    for object_type, prefix in (("contacts", ""), ("companies", PRIMARY_COMPANY)):
        names.update(prefix + prop.name for prop in rt.properties(object_type) if prop.field_type != "checkbox")
    return names


@dataclass
class _TemporaryChoice:
    pairs: list[_Pair]  # those HubSpot would count through temporary lists
    paged: set[str]  # the lists still paged then
    read_only_calls: int  # about what the read-only methods spend on those pairs
    calls: int  # about what the temporary lists cost instead


def _temporary_choice(
    pairs: list[_Pair],
    lists: dict[str, HubSpotList],
    paged: set[str],
    probeable: dict[str, SearchGroups],
    *,
    force: Method | None = None,
    limit: int | None = None,
) -> _TemporaryChoice:
    """The pairs that would page many members (the most pages first, at most `limit`), and the calls."""
    chosen = sorted(
        (
            p
            for p in pairs
            if p.method in ("members", "probe")
            and (force == "temporary-list" or _pair_pages(p, lists) >= TEMPORARY_LIST_MIN_PAGES)
        ),
        key=lambda p: -_pair_pages(p, lists),
    )[:limit]
    taken = {id(p) for p in chosen}
    rest = [p for p in pairs if id(p) not in taken]
    still = {i for p in rest if p.method == "members" for i in (p.first, p.second)}
    still |= {p.probe_ids_of for p in rest if p.method == "probe" and p.probe_ids_of}
    read_only = sum(_pages(lists.get(i)) for i in paged - still)
    read_only += sum(_probe_searches(p, lists, probeable) for p in chosen if p.method == "probe")
    calls = TEMPORARY_LIST_CALLS * len(chosen) + (TEMPORARY_LIST_OVERHEAD if chosen else 0)
    return _TemporaryChoice(pairs=chosen, paged=paged & still, read_only_calls=read_only, calls=calls)


def _probe_searches(pair: _Pair, lists: dict[str, HubSpotList], probeable: dict[str, SearchGroups]) -> int:
    target = pair.second if pair.probe_ids_of == pair.first else pair.first
    if pair.probe_ids_of is None or target not in probeable:
        return 0
    return math.ceil(max(1, _size(lists.get(pair.probe_ids_of))) / _ids_per_probe(probeable[target]))


def _use_temporary_lists(
    rt: Runtime,
    pairs: list[_Pair],
    lists: dict[str, HubSpotList],
    paged: set[str],
    probeable: dict[str, SearchGroups],
    force: Method | None,
    limit: int | None,
) -> tuple[set[str], str]:
    """Switch the pairs that would page many members to temporary lists, unless the portal's list
    limit is near or the server is read-only; the lists still to page, and what was decided, in words."""
    choice = _temporary_choice(pairs, lists, paged, probeable, force=force, limit=limit)
    if not choice.pairs:
        return paged, "not needed: every pair was cheaper to count without them"
    if rt.settings.read_only:
        return paged, "not used: the server is read-only"
    try:
        headroom_check(rt, len(choice.pairs))
    except TemporaryListsRefused as why:
        return paged, f"not used: {why}"
    for pair in choice.pairs:
        pair.method, pair.probe_ids_of = "temporary-list", None
    return choice.paged, f"used for {counted(len(choice.pairs), 'pair')}; each was made, counted by HubSpot and removed"


@dataclass
class TemporaryOutlook:
    """What a check with temporary lists would write, for the user to confirm (`check_groups` then
    makes at most `len(pairs)` of them)."""

    names: dict[str, str]  # every list checked: id -> name (clean)
    pairs: list[tuple[str, str]]  # the pairs HubSpot would count, the most member pages first
    read_only_calls: int  # about what the read-only methods would spend on those pairs
    calls: int  # about what the temporary lists cost instead


def temporary_outlook(rt: Runtime, groups: Sequence[GroupLists], *, now: datetime | None = None) -> TemporaryOutlook:
    """The pairs of `groups` that temporary lists would count, as `check_groups` would choose them
    with the lists as they are now (without waiting for any still processing)."""
    lists, processing = _read_lists(rt, groups)
    pairs, _, _, probeable, paged = _decide(rt, groups, lists, None, now or datetime.now(UTC), set(processing))
    choice = _temporary_choice(pairs, lists, paged, probeable)
    return TemporaryOutlook(
        names={i: clean(lists[i].name) if i in lists else "" for i in _needed(groups)},
        pairs=[(p.first, p.second) for p in choice.pairs],
        read_only_calls=choice.read_only_calls,
        calls=choice.calls,
    )


def _pair_pages(pair: _Pair, lists: dict[str, HubSpotList]) -> int:
    if pair.method == "probe" and pair.probe_ids_of:
        return _pages(lists.get(pair.probe_ids_of))
    return _pages(lists.get(pair.first)) + _pages(lists.get(pair.second))


def _count_by_temporary_lists(rt: Runtime, pairs: list[_Pair], wait_seconds: float) -> dict[str, list[str]]:
    """Overlaps of the temporary-list pairs; a pair HubSpot did not finish in time is paged instead
    (the answer stays exact). Returns the members paged for those."""
    chosen = [p for p in pairs if p.method == "temporary-list"]
    found = count_overlaps(rt, [(p.first, p.second) for p in chosen], samples=SAMPLES, wait_seconds=wait_seconds)
    late: list[_Pair] = []
    for pair, result in zip(chosen, found, strict=True):
        pair.calls = result.calls
        if result.overlap is None:
            late.append(pair)
            continue
        pair.overlap, pair.sample_ids = result.overlap, sorted(result.sample_ids, key=int)
    if not late:
        return {}
    ids = sorted({i for p in late for i in (p.first, p.second)}, key=int)
    members = dict(zip(ids, rt.map(rt.portal.member_ids, ids), strict=True))
    for pair in late:
        common = set(members[pair.first]) & set(members[pair.second])
        pair.method, pair.overlap = "members", len(common)
        pair.sample_ids = sorted(common, key=int)[:SAMPLES]
    return members


# --- translation ------------------------------------------------------------------------------------


def _translate(lst: HubSpotList | None, now: datetime, zone: str) -> SearchGroups | None:
    if lst is None or not lst.is_dynamic or not lst.filter_branch:
        return None
    return to_search_groups(lst.filter_branch, now=now, zone=zone)


def _probe_fits(groups: SearchGroups) -> bool:
    """The definition still fits search's limits with one more filter (the id probe) in each group,
    and leaves room in the request body for a useful number of ids."""
    return bool(groups) and fits([{"filters": [*g["filters"], {}]} for g in groups]) and _ids_per_probe(groups) >= 10


def _probe_groups(groups: SearchGroups, ids: Sequence[str]) -> SearchGroups:
    probe = {"propertyName": "hs_object_id", "operator": "IN", "values": list(ids)}
    return [{"filters": [*g["filters"], probe]} for g in groups]


def _body_chars(groups: SearchGroups) -> int:
    """The search request's size as HubSpot measures it (the body `search_page` sends)."""
    body = {
        "filterGroups": groups,
        "limit": SAMPLES,
        "properties": ["email"],
        "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
    }
    return len(json.dumps(body))


def _ids_per_probe(definition: SearchGroups) -> int:
    spare = BODY_CHARS - _body_chars(_probe_groups(definition, []))
    return max(1, min(PROBE_IDS, spare // (ID_CHARS * len(definition))))


def _probe_chunks(definition: SearchGroups, ids: Sequence[str]) -> list[list[str]]:
    """`ids` in runs that each fit one search: at most 100 ids, the body under HubSpot's cap (the
    ids are repeated in every group of the definition)."""
    base = _body_chars(_probe_groups(definition, []))
    chunks: list[list[str]] = []
    chunk: list[str] = []
    size = base
    for record_id in ids:
        cost = (len(json.dumps(record_id)) + 2) * len(definition)  # the id and its ", " in every group
        if chunk and (len(chunk) >= PROBE_IDS or size + cost > BODY_CHARS):
            chunks.append(chunk)
            chunk, size = [], base
        chunk.append(record_id)
        size += cost
    if chunk:
        chunks.append(chunk)
    return chunks


# --- the cost model -----------------------------------------------------------------------------------


def _pages(lst: HubSpotList | None) -> int:
    size = lst.size if lst is not None else None
    return max(1, math.ceil((size if size is not None else MEMBERSHIP_PAGE * 40) / MEMBERSHIP_PAGE))


def _choose(
    rt: Runtime,
    pairs: list[_Pair],
    lists: dict[str, HubSpotList],
    force: Method | None,
    probeable: dict[str, SearchGroups],
) -> set[str]:
    """Decide each pair's method; returns the lists whose members must be paged."""
    settings = rt.portal.settings
    page_cost = settings.limiter.window_seconds / settings.burst_limit()  # seconds of allowance per call
    search_rate = settings.limiter.search_per_second * (1 - settings.limiter.safety_margin)
    search_cost = max(1.0 / search_rate, page_cost)
    paged: set[str] = set()
    for pair in pairs:
        if force == "probe" and (pair.first in probeable or pair.second in probeable):
            # The probed side: the other list's ids go against this one's definition.
            target = pair.second if pair.second in probeable else pair.first
            pair.method, pair.probe_ids_of = "probe", pair.first if target == pair.second else pair.second
            paged.add(pair.probe_ids_of)
        elif pair.search is None or force in ("members", "probe"):
            pair.method = "members"
            paged.update((pair.first, pair.second))
        else:
            pair.method = "search"
    if force is not None:
        return paged
    _prefer_probes(pairs, lists, paged, probeable, page_cost, search_cost)
    changed = True
    while changed:  # paging a list for one pair can make other pairs free: repeat until stable
        changed = False
        for pair in pairs:
            if pair.method != "search" or not pair.search:
                continue
            extra = sum(_pages(lists.get(i)) for i in (pair.first, pair.second) if i not in paged)
            if extra * page_cost <= search_cost:
                pair.method = "members"
                paged.update((pair.first, pair.second))
                changed = True
    return paged


def _prefer_probes(
    pairs: list[_Pair],
    lists: dict[str, HubSpotList],
    paged: set[str],
    probeable: dict[str, SearchGroups],
    page_cost: float,
    search_cost: float,
) -> None:
    """Stop paging a big list when every pair that needs it can probe the other side's ids against
    its definition for less: the biggest lists first, and a list whose ids probe stays paged."""
    pinned: set[str] = set()  # lists whose ids a probe uses
    for target in sorted(paged, key=lambda i: (-_pages(lists.get(i)), int(i))):
        if target not in probeable or target in pinned:
            continue
        users = [p for p in pairs if p.method == "members" and target in (p.first, p.second)]
        others = [p.second if p.first == target else p.first for p in users]
        if not users or any(o == target or o not in paged for o in others):
            continue
        per_search = _ids_per_probe(probeable[target])
        searches = sum(math.ceil(max(1, _size(lists.get(o))) / per_search) for o in others)
        if searches * search_cost >= _pages(lists.get(target)) * page_cost:
            continue
        for pair, other in zip(users, others, strict=True):
            pair.method, pair.probe_ids_of = "probe", other
            pinned.add(other)
        paged.discard(target)


def _size(lst: HubSpotList | None) -> int:
    size = lst.size if lst is not None else None
    return size if size is not None else MEMBERSHIP_PAGE * 40


def _run(
    rt: Runtime,
    pairs: list[_Pair],
    paged: set[str],
    lists: dict[str, HubSpotList],
    probeable: dict[str, SearchGroups],
) -> dict[str, list[str]]:
    """Page the lists and run the searches, all at once; fill each pair's overlap and sample ids.
    A list whose ids probe other lists runs its probes in the same job, right after its pages."""
    to_page = sorted(paged, key=lambda i: (-_pages(lists.get(i)), int(i)))
    searches = [p for p in pairs if p.method == "search" and p.search]
    # Biggest lists first: a list's pages come one after another, so the longest chain starts first.
    jobs: list[tuple[str, Any]] = [("members", i) for i in to_page] + [("search", p) for p in searches]

    def job(item: tuple[str, Any]) -> Any:
        kind, target = item
        if kind == "members":
            ids = rt.portal.member_ids(target)
            for pair in pairs:
                if pair.method == "probe" and pair.probe_ids_of == target:
                    _probe(rt, pair, ids, probeable[pair.second if pair.first == target else pair.first])
            return ids
        total, found = rt.portal.search_page("contacts", target.search, limit=SAMPLES, properties=["email"])
        return total, found

    results = rt.map(job, jobs)
    members: dict[str, list[str]] = {}
    for (kind, target), result in zip(jobs, results, strict=True):
        if kind == "members":
            members[target] = result
        else:
            total, found = result
            target.overlap = total
            target.sample_ids = [r.id for r in found]
            target.emails = {r.id: r.properties.get("email") for r in found}
            rt.remember_count("contacts", target.search, total)
    sets = {i: set(ids) for i, ids in members.items()}
    for pair in pairs:
        if pair.method == "search":
            pair.calls = 1 if pair.search else 0
        if pair.method == "probe":
            pair.calls += _pages(lists.get(pair.probe_ids_of))
        if pair.method == "members":
            pair.calls = sum(_pages(lists.get(i)) for i in (pair.first, pair.second))
            common = sets[pair.first] & sets[pair.second]
            pair.overlap = len(common)
            pair.sample_ids = sorted(common, key=int)[:SAMPLES]
    return members


def _probe(rt: Runtime, pair: _Pair, ids: Sequence[str], definition: SearchGroups) -> None:
    """Count `ids` matching `definition`, 100 ids a search; the lowest matching ids are the samples
    (each search returns its first matches by ascending id, and the chunks ascend)."""
    ordered = sorted(set(ids), key=int)
    overlap = 0
    pair.sample_ids, pair.emails = [], {}
    for chunk in _probe_chunks(definition, ordered):
        wanted = SAMPLES - len(pair.sample_ids)
        total, found = rt.portal.search_page(
            "contacts", _probe_groups(definition, chunk), limit=max(1, wanted), properties=["email"]
        )
        overlap += total
        pair.calls += 1
        for record in found[:wanted]:
            pair.sample_ids.append(record.id)
            pair.emails[record.id] = record.properties.get("email")
    pair.overlap = overlap


def _fill_emails(rt: Runtime, pairs: list[_Pair]) -> None:
    """Sample offenders' emails: one batch read for every pair's samples together."""
    ids = sorted({i for p in pairs for i in p.sample_ids}, key=int)
    if not ids:
        return
    chunks = [ids[start : start + BATCH_READ] for start in range(0, len(ids), BATCH_READ)]
    emails: dict[str, str | None] = {}
    for records in rt.map(lambda chunk: rt.portal.batch_read("contacts", chunk, ["email"]), chunks):
        emails.update({record.id: record.properties.get("email") for record in records})
    for pair in pairs:
        pair.emails = {i: emails.get(i) for i in pair.sample_ids}


def _reads_any_company(lists: dict[str, HubSpotList], list_ids: list[str], pairs: list[PairOverlap]) -> bool:
    """Overlapping lists that read a contact's companies through "any associated company"."""
    overlapping = {i for pair in pairs if pair.overlap for i in (pair.first, pair.second)}
    return any(i in lists and _any_company_branch(lists[i].filter_branch) for i in overlapping & set(list_ids))


def _any_company_branch(node: Any) -> bool:
    if isinstance(node, dict):
        if (
            node.get("filterBranchType") == "ASSOCIATION"
            and node.get("objectTypeId") == "0-2"
            and str(node.get("associationTypeId")) == str(ANY_COMPANY_TYPE)
        ):
            return True
        return any(_any_company_branch(child) for child in node.get("filterBranches") or [])
    return False


def _several_companies_hint() -> str:
    return (
        " These lists read any associated company, so a contact with several companies lands in each of "
        "their lists (the samples name some); plan with company_association 'primary' (HubSpot's primary "
        "company) to count every contact once."
    )


def _not_checked(group: ExclusivityGroup, list_ids: list[str], names: dict[str, str]) -> GroupResult:
    """A group with fewer than two lists: nothing to compare, so nothing is claimed about it."""
    segments = len(group.members)
    if not list_ids:
        why = f"{'neither' if segments == 2 else 'none'} of its {counted(segments, 'segment')} has a list yet"
    else:
        only = f"{quoted(names.get(list_ids[0]) or list_ids[0])} (id {list_ids[0]})"
        why = (
            f"only one of its {counted(segments, 'segment')} has a list, {only}"
            if segments > 1
            else f"it names only one list, {only}"
        )
    then = "Create at least two of its lists, then check again." if segments > 1 else "Give at least two lists."
    return GroupResult(
        group=group.name,
        description=group.description,
        list_ids=list_ids,
        partition=group.partition,
        exclusive=None,
        pairs=[],
        message=f"Not checked: {why}, so there is nothing to compare it with. {then}",
    )


def _message(pairs: list[PairOverlap], uncovered: int | None) -> str:
    bad = [pair for pair in pairs if pair.overlap]
    parts = []
    if bad:
        parts.append(
            "; ".join(
                f"{_contacts_are(pair.overlap)} in both {quoted(pair.first_name)} and {quoted(pair.second_name)}"
                for pair in bad
            )
        )
    else:
        parts.append("no overlaps")
    if uncovered:
        parts.append(f"{_contacts_are(uncovered)} in none of these lists")
    return ". ".join(parts) + "."


def _contacts_are(count: int) -> str:
    return f"{counted(count, 'contact')} {'is' if count == 1 else 'are'}"
