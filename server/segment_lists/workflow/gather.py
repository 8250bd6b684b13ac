"""Gather the facts the planner needs, with as few calls as HubSpot allows.

Properties are read once per object type (cached on the runtime); each fill count is one CRM
search with `limit: 1` reading `total`; value counts are one search per option in use. All of
them are independent: they go out at once and the portal's limiter paces them. Counts are kept on
the runtime, so the estimates that follow do not ask again (e.g. customers = lifecycle stage count).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from segment_lists.boundary.text import clean, inline
from segment_lists.data.hubspot_limits import PER_LIST_ACCESS_TIERS
from segment_lists.domain.facts import ExistingList, PortalFacts, PropertyInfo
from segment_lists.domain.interview import Answers
from segment_lists.domain.planner import facts_needed
from segment_lists.portal import MissingScope, PortalError
from segment_lists.workflow.runtime import Runtime

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

    def value_count(key: str, value: str) -> tuple[str, str, int]:
        obj, name = key.split(".", 1)
        groups = [{"filters": [{"propertyName": name, "operator": "EQ", "value": value}]}]
        return key, value, rt.count(OBJECT_TYPES[obj], groups)

    with ThreadPoolExecutor(max_workers=max(1, rt.workers)) as pool:
        # The slow, unrelated reads first, so they overlap the searches instead of trailing them.
        teams_future = pool.submit(rt.portal.teams)
        lists_future = pool.submit(_existing_lists, rt)
        users_future = pool.submit(rt.portal.user_email_domains)
        links_future = pool.submit(_association_types, rt)
        totals = pool.map(lambda obj: rt.count(OBJECT_TYPES[obj]), ["contact", "company"])
        fills = pool.map(has_value, request.fill)
        value_jobs = [
            (key, value)
            for key in request.values
            for value in by_object[key.split(".")[0]][key.split(".", 1)[1]].options
        ]
        values = pool.map(lambda job: value_count(*job), value_jobs)
        total_contacts, total_companies = totals
        fill_counts = dict(fills)
        value_counts: dict[str, dict[str, int]] = {}
        for key, value, count in values:
            if count:
                value_counts.setdefault(key, {})[value] = count
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
    lists = rt.lists()
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
        )
        for lst in lists
    ]
