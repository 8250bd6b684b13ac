"""Gather the facts the planner needs, with as few calls as HubSpot allows.

Properties are read once per object type (cached on the runtime); each fill count is one CRM
search with `limit: 1` reading `total`; value counts only for the options the plan uses (the customer
and custom lifecycle stages, the industries the user's words map to), learnt from sampled pages
(`value_counts`). All of them are independent: they go out at once and the portal's limiter paces
them. Counts are kept on the runtime, so the estimates that follow do not ask again (e.g. customers
= lifecycle stage count, "no company" = total - fill).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from segment_lists.boundary.text import clean, inline
from segment_lists.data.hubspot_limits import PER_LIST_ACCESS_TIERS
from segment_lists.domain.facts import ExistingList, PortalFacts, PropertyInfo
from segment_lists.domain.interview import Answers
from segment_lists.domain.planner import facts_needed, values_worth_counting
from segment_lists.portal import MissingScope, PortalError
from segment_lists.workflow.runtime import Runtime
from segment_lists.workflow.temporary_lists import temporary_list_ids
from segment_lists.workflow.value_counts import count_values

T = TypeVar("T")

OBJECT_TYPES = {"contact": "contacts", "company": "companies"}


def _properties(rt: Runtime, object_name: str) -> dict[str, PropertyInfo]:
    return {
        prop.name: PropertyInfo(
            name=prop.name,
            label=inline(prop.label),  # CRM text: shown to the model in the plan's questions
            type=prop.type,
            field_type=prop.field_type,
            options={o.value: inline(o.label) for o in prop.options},
            hubspot_defined=bool(prop.hubspot_defined),
        )
        for prop in rt.properties(OBJECT_TYPES[object_name])
    }


def gather_facts(rt: Runtime, answers: Answers) -> PortalFacts:
    contact_props = _properties(rt, "contact")
    company_props = _properties(rt, "company")
    present = {"contact": set(contact_props), "company": set(company_props)}
    request = facts_needed(answers, present)
    by_object = {"contact": contact_props, "company": company_props}

    def has_value(key: str) -> tuple[str, int]:
        obj, name = key.split(".", 1)
        groups = [{"filters": [{"propertyName": name, "operator": "HAS_PROPERTY"}]}]
        return key, rt.count(OBJECT_TYPES[obj], groups)

    def value_counts_of(key: str) -> tuple[str, dict[str, int]]:
        obj, name = key.split(".", 1)
        prop = by_object[obj][name]
        wanted = values_worth_counting(key, prop.options, answers)
        return key, count_values(rt, OBJECT_TYPES[obj], name, wanted, multi=prop.field_type == "checkbox")

    with ThreadPoolExecutor(max_workers=max(1, rt.workers)) as pool:
        # The slow, unrelated reads first, so they overlap the searches instead of trailing them.
        teams_future = pool.submit(rt.portal.teams)
        lists_future = pool.submit(_existing_lists, rt)
        users_future = pool.submit(rt.portal.user_email_domains)
        links_future = pool.submit(_association_types, rt)
        totals = pool.map(lambda obj: rt.count(OBJECT_TYPES[obj]), ["contact", "company"])
        fills = pool.map(has_value, request.fill)
        values = pool.map(value_counts_of, request.values)
        total_contacts, total_companies = totals
        fill_counts = dict(fills)
        value_counts = dict(values)  # counted keys only, each with its values in use (maybe none)
        for key, filled in fill_counts.items():
            # "x is unknown" is the rest: the estimates that ask it (no company, no stage) pay nothing.
            obj, name = key.split(".", 1)
            missing = [{"filters": [{"propertyName": name, "operator": "NOT_HAS_PROPERTY"}]}]
            records = total_contacts if obj == "contact" else total_companies
            rt.remember_count(OBJECT_TYPES[obj], missing, records - filled)
        existing = lists_future.result()
        unread: dict[str, str] = {}
        teams = _optional(teams_future, "teams", unread) or []
        user_domains = _optional(users_future, "users", unread) or []
        links = links_future.result()
    per_list_access, how = per_list_access_of(rt)
    return PortalFacts(
        portal_id=rt.portal_id,
        is_sandbox=rt.settings.sandbox,
        time_zone=rt.time_zone,
        total_contacts=total_contacts,
        total_companies=total_companies,
        contact_properties=contact_props,
        company_properties=company_props,
        fill_counts=fill_counts,
        value_counts=value_counts,
        existing_lists=existing,
        user_email_domains=user_domains,
        teams={team.name: int(team.id) for team in teams},
        unread=unread,
        association_types=links,
        per_list_access=per_list_access,
        per_list_access_how=how,
    )


def _optional(future: Future[T], what: str, unread: dict[str, str]) -> T | None:
    """The result of an optional read (users, teams: scopes HubSpot documents as optional), or None
    with the reason noted in `unread`: the plan is made without it and says what that changes."""
    try:
        return future.result()
    except MissingScope as error:
        unread[what] = f"the token lacks {' or '.join(error.scopes) or 'a scope'}"
    except PortalError as error:
        unread[what] = f"HubSpot did not answer ({clean(str(error), limit=200)})"
    return None


def schema_facts(rt: Runtime) -> PortalFacts:
    """Only what checking a definition needs: contact and company properties, association types."""
    return PortalFacts(
        portal_id=rt.portal_id,
        contact_properties=_properties(rt, "contact"),
        company_properties=_properties(rt, "company"),
        association_types=_association_types(rt),
    )


def _association_types(rt: Runtime) -> dict[str, dict[int, str]]:
    """Contact -> company association types (labels endpoint). Unreadable: not checked, never guessed."""
    try:
        return {"0-1/0-2": rt.portal.association_types("contacts", "companies")}
    except PortalError:
        return {}


def per_list_access_of(rt: Runtime) -> tuple[bool | None, str]:
    """Whether this portal has per-list team access (Enterprise only), and how that was decided. HubSpot
    has no API that names a portal's subscription: the daily allowance in its rate-limit headers does
    (1,000,000 Enterprise, 625,000/650,000 Professional, 250,000 Free/Starter, each +1M per pack)."""
    if rt.settings.per_list_access != "auto":
        return rt.settings.per_list_access == "yes", "as SEGMENT_LISTS_PER_LIST_ACCESS says"
    learned = rt.portal.learned_limits()
    tier = learned.tier
    if tier is None:
        return None, "HubSpot's answers named no daily API allowance to tell the subscription by"
    how = f"{tier.replace('-', ' ')}, from its daily API allowance of {learned.daily:,}"
    return tier in PER_LIST_ACCESS_TIERS, how


def _existing_lists(rt: Runtime) -> list[ExistingList]:
    temporary = temporary_list_ids(rt)  # an overlap check's, not the user's: never planned around
    lists = [lst for lst in rt.lists() if lst.id not in temporary]
    # The library's lists are this tool's (made or taken over for a segment): the planner reuses them.
    library = {entry.list_id: entry.segment_key for entry in rt.journal.library(rt.portal_id)}
    dynamic = {lst.id for lst in lists if lst.is_dynamic}
    filters = (
        {lst.id: lst.filter_branch for lst in rt.portal.get_lists(sorted(dynamic), include_filters=True)}
        if dynamic
        else {}
    )
    return [
        ExistingList(
            list_id=lst.id,
            name=lst.name,
            processing_type=lst.processing_type,
            object_type_id=lst.object_type_id,
            size=lst.size,
            processing_status=lst.processing_status,
            filter_branch=filters.get(lst.id),
            folder_id=lst.folder_id,
            updated_at=lst.updated_at.isoformat() if lst.updated_at else None,
            segment_key=library.get(lst.id),
        )
        for lst in lists
    ]
