"""`Portal`: typed access to one HubSpot portal (lists, CRM, assets that reference lists).

The only code in the project that talks to HubSpot. Every method goes through `Transport` (pacing,
retries, typed errors, call counting) and returns the pydantic models of `portal.models`. Paging
helpers read everything; methods that would need many pages say so in their name (`all_...`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote

from segment_lists.boundary.text import clean, quoted
from segment_lists.data.hubspot_limits import (
    BATCH_SIZE,
    CRM_PAGE,
    CRM_SEARCH_CAP,
    CRM_SEARCH_PAGE,
    LIST_SEARCH_COUNT,
    MEMBERSHIP_PAGE,
    SEARCH_MAX_FILTERS,
    SEARCH_MAX_FILTERS_PER_GROUP,
)
from segment_lists.portal.connection import PortalSettings
from segment_lists.portal.errors import AmbiguousWrite, DuplicateListName, NotFound, ValidationFailed
from segment_lists.portal.models import (
    AccountDetails,
    CrmRecord,
    Folder,
    HubSpotList,
    MarketingEmail,
    Membership,
    MembershipChange,
    MembershipPage,
    Property,
    RecordMembership,
    SizeHistory,
    Team,
    User,
    Workflow,
    workflow_references,
)
from segment_lists.portal.transport import CallStats, LearnedLimits, Transport

LISTS = "crm.lists.lists_api"
MEMBERSHIPS = "crm.lists.memberships_api"
FOLDERS = "crm.lists.folders_api"
OBJECTS_SEARCH = "crm.objects.search_api"
OBJECTS_BASIC = "crm.objects.basic_api"
OBJECTS_BATCH = "crm.objects.batch_api"
PROPERTIES = "crm.properties.core_api"
TEAMS = "settings.users.teams_api"
USERS = "settings.users.users_api"
EMAILS = "marketing.emails.marketing_emails_api"
ASSOCIATION_SCHEMA = "crm.associations.v4.schema.definitions_api"
LEGACY_ID_BATCH = 10_000  # legacy ids per idmapping call (HubSpot's maximum)

DOMAIN_SHAPE = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
GET_MANY_CHUNK = 100  # list ids per GET /crm/v3/lists/?listIds=... (keeps URLs short)
LIST_SEARCH_PROPERTIES = ["hs_list_size", "hs_folder_id", "hs_folder_name", "hs_list_reference_count"]
# A list we created and then could not see confirmed must have been created after we started.
CREATE_CLOCK_SKEW_SECONDS = 300


class Portal:
    def __init__(self, settings: PortalSettings) -> None:
        self.settings = settings
        self.transport = Transport(settings)

    def __repr__(self) -> str:
        return f"Portal(base_url={self.settings.base_url!r}, tier={self.settings.tier!r})"

    def stats(self) -> CallStats:
        """HTTP attempts per endpoint (retries included), 429s seen, time spent pacing."""
        return self.transport.stats()

    # --- lists: read --------------------------------------------------------------------------

    def get_list(self, list_id: str, *, include_filters: bool = True) -> HubSpotList:
        t = self.transport
        reply = t.call("lists.get", t.api(LISTS).get_by_id, list_id=str(list_id), include_filters=include_filters)
        return HubSpotList.from_api(reply["list"])

    def get_list_by_name(
        self, name: str, object_type_id: str = "0-1", *, include_filters: bool = True
    ) -> HubSpotList | None:
        """The list with this name (HubSpot matches case-insensitively), or None."""
        t = self.transport
        try:
            reply = t.call(
                "lists.get_by_name",
                t.api(LISTS).get_by_name,
                list_name=name,
                object_type_id=object_type_id,
                include_filters=include_filters,
            )
        except NotFound:
            return None
        return HubSpotList.from_api(reply["list"])

    def get_lists(self, list_ids: Iterable[str], *, include_filters: bool = True) -> list[HubSpotList]:
        """Several lists by id (missing ids are simply absent from the result)."""
        t = self.transport
        ids = [str(i) for i in list_ids]
        found: list[HubSpotList] = []
        for start in range(0, len(ids), GET_MANY_CHUNK):
            reply = t.call(
                "lists.get_many",
                t.api(LISTS).get_all,
                list_ids=ids[start : start + GET_MANY_CHUNK],
                include_filters=include_filters,
            )
            found.extend(HubSpotList.from_api(item) for item in reply.get("lists") or [])
        return found

    def iter_lists(
        self, *, query: str | None = None, processing_types: list[str] | None = None, object_type_id: str | None = None
    ) -> Iterator[HubSpotList]:
        """Every list matching, via list search (500 per page, by offset). No filter definitions:
        search results never carry them (use `get_lists(..., include_filters=True)`)."""
        t = self.transport
        offset = 0
        while True:
            body: dict[str, Any] = {
                "offset": offset,
                "count": LIST_SEARCH_COUNT,
                "additionalProperties": LIST_SEARCH_PROPERTIES,
            }
            if query:
                body["query"] = query
            if processing_types:
                body["processingTypes"] = processing_types
            if object_type_id:
                body["objectTypeId"] = object_type_id  # in the spec, not in SDK 12's model: send a dict
            page = t.call("lists.search", t.api(LISTS).do_search, list_search_request=body)
            lists = page.get("lists") or []
            for item in lists:
                yield HubSpotList.from_api(item)
            next_offset = page.get("offset")
            if not page.get("hasMore") or not lists or next_offset is None or int(next_offset) <= offset:
                return
            offset = int(next_offset)

    def all_lists(self, **filters: Any) -> list[HubSpotList]:
        return list(self.iter_lists(**filters))

    # --- lists: write -------------------------------------------------------------------------

    def create_list(
        self,
        name: str,
        *,
        processing_type: str,
        object_type_id: str = "0-1",
        filter_branch: dict[str, Any] | None = None,
        folder_id: str | None = None,
        team_ids: list[int] | None = None,
    ) -> HubSpotList:
        """Create a list. Never creates it twice: after an ambiguous failure (connection dropped,
        gateway error) the list is looked up by name before posting again."""
        t = self.transport
        body: dict[str, Any] = {"name": name, "objectTypeId": object_type_id, "processingType": processing_type}
        if filter_branch is not None:
            body["filterBranch"] = filter_branch
        if folder_id is not None:
            body["listFolderId"] = int(folder_id)
        if team_ids:
            # In the spec, not in SDK 12's ListCreateRequest: the body is sent as a dict.
            body["listPermissions"] = {"teamsWithEditAccess": [int(i) for i in team_ids], "usersWithEditAccess": []}
        started = datetime.now().astimezone()
        last: AmbiguousWrite | None = None
        for _ in range(self.settings.retry.max_attempts):
            try:
                reply = t.call("lists.create", t.api(LISTS).create, list_create_request=body, create=True)
                return HubSpotList.from_api(reply["list"])
            except AmbiguousWrite as error:
                last = error
            except DuplicateListName as error:
                raise DuplicateListName(
                    name,
                    f"a list named {quoted(name)} already exists; choose another name or reuse that list",
                    status=error.status,
                    category=error.category,
                    sub_category=error.sub_category,
                    correlation_id=error.correlation_id,
                    endpoint=error.endpoint,
                ) from None
            existing = self.get_list_by_name(name, object_type_id)
            if existing is not None:
                if self._is_ours(existing, processing_type, started):
                    return existing
                raise DuplicateListName(
                    name,
                    f"a list named {quoted(name)} already exists (id {existing.id}); "
                    "choose another name or reuse that list",
                    endpoint="lists.create",
                )
            time.sleep(min(self.settings.retry.backoff_cap_seconds, self.settings.retry.backoff_base_seconds))
        assert last is not None
        raise last

    @staticmethod
    def _is_ours(found: HubSpotList, processing_type: str, started: datetime) -> bool:
        if found.processing_type != processing_type:
            return False
        return found.created_at is None or (started - found.created_at).total_seconds() < CREATE_CLOCK_SKEW_SECONDS

    def rename_list(self, list_id: str, name: str) -> HubSpotList:
        t = self.transport
        reply = t.call(
            "lists.update_name", t.api(LISTS).update_name, list_id=str(list_id), list_name=name, include_filters=True
        )
        return HubSpotList.from_api(reply["updatedList"])

    def update_list_filters(self, list_id: str, filter_branch: dict[str, Any]) -> HubSpotList:
        t = self.transport
        reply = t.call(
            "lists.update_filters",
            t.api(LISTS).update_list_filters,
            list_id=str(list_id),
            list_filter_update_request={"filterBranch": filter_branch},
        )
        return HubSpotList.from_api(reply["updatedList"])

    def delete_list(self, list_id: str) -> None:
        """Soft delete (restorable for 90 days)."""
        t = self.transport
        t.call("lists.delete", t.api(LISTS).remove, list_id=str(list_id), gone_ok=True)

    def restore_list(self, list_id: str) -> None:
        t = self.transport
        t.call("lists.restore", t.api(LISTS).restore, list_id=str(list_id))

    # --- memberships --------------------------------------------------------------------------

    def memberships_page(
        self, list_id: str, *, after: str | None = None, limit: int = MEMBERSHIP_PAGE
    ) -> MembershipPage:
        t = self.transport
        kwargs: dict[str, Any] = {"limit": limit}
        if after is not None:
            kwargs["after"] = after
        page = t.call("lists.memberships", t.api(MEMBERSHIPS).get_page, list_id=str(list_id), **kwargs)
        next_after = ((page.get("paging") or {}).get("next") or {}).get("after")
        return MembershipPage(
            members=[Membership.model_validate(m) for m in page.get("results") or []],
            next_after=next_after,
            total=page.get("total"),
        )

    def member_ids(self, list_id: str) -> list[str]:
        """Every member's record id (250 per call)."""
        ids: list[str] = []
        after: str | None = None
        while True:
            page = self.memberships_page(list_id, after=after)
            ids.extend(m.record_id for m in page.members)
            if not page.next_after or not page.members:
                return ids
            after = page.next_after

    def add_members(self, list_id: str, record_ids: Iterable[str]) -> MembershipChange:
        """MANUAL/SNAPSHOT lists only. PUT, so retrying it is harmless."""
        t = self.transport
        reply = t.call(
            "lists.add_members", t.api(MEMBERSHIPS).add, list_id=str(list_id), request_body=[str(i) for i in record_ids]
        )
        return MembershipChange.model_validate(reply)

    def remove_members(self, list_id: str, record_ids: Iterable[str]) -> MembershipChange:
        t = self.transport
        reply = t.call(
            "lists.remove_members",
            t.api(MEMBERSHIPS).remove,
            list_id=str(list_id),
            request_body=[str(i) for i in record_ids],
        )
        return MembershipChange.model_validate(reply)

    def record_memberships(self, record_id: str, object_type_id: str = "0-1") -> list[RecordMembership]:
        """The lists one record belongs to."""
        t = self.transport
        reply = t.call(
            "lists.record_memberships",
            t.api(MEMBERSHIPS).get_lists,
            object_type_id=object_type_id,
            record_id=str(record_id),
        )
        return [RecordMembership.model_validate(r) for r in reply.get("results") or []]

    def batch_record_memberships(
        self, record_ids: Iterable[str], object_type_id: str = "0-1"
    ) -> dict[str, list[RecordMembership]]:
        """The lists of many records at once (not in SDK 12: a raw call). Keyed by record id."""
        ids = [str(i) for i in record_ids]
        found: dict[str, list[RecordMembership]] = {i: [] for i in ids}
        for start in range(0, len(ids), BATCH_SIZE):
            inputs = [{"objectTypeId": object_type_id, "recordId": i} for i in ids[start : start + BATCH_SIZE]]
            reply = self.transport.raw(
                "lists.batch_record_memberships",
                "POST",
                "/crm/v3/lists/records/memberships/batch/read",
                body={"inputs": inputs},
            )
            for result in (reply or {}).get("results") or []:
                found[str(result.get("recordId"))] = [
                    RecordMembership.model_validate(m) for m in result.get("recordListMemberships") or []
                ]
        return found

    def size_history(self, list_id: str, start: datetime, end: datetime) -> SizeHistory:
        """Size over time and filter-edit times (not in SDK 12: a raw call)."""
        reply = self.transport.raw(
            "lists.size_history",
            "GET",
            f"/crm/v3/lists/{quote(str(list_id), safe='')}/size-and-edits-history/between",
            query=[("startDate", _iso(start)), ("endDate", _iso(end))],
        )
        return SizeHistory.model_validate(reply or {})

    # --- folders ------------------------------------------------------------------------------

    def folder_tree(self, folder_id: str = "0") -> Folder:
        t = self.transport
        reply = t.call("lists.folders.get", t.api(FOLDERS).get_all, folder_id=str(folder_id))
        return Folder.from_api(reply["folder"])

    def create_folder(self, name: str, parent_folder_id: str = "0") -> Folder:
        """Create a folder; after an ambiguous failure, a folder of that name under the parent
        is taken as the one we created."""
        t = self.transport
        body = {"name": name, "parentFolderId": str(parent_folder_id)}
        try:
            reply = t.call("lists.folders.create", t.api(FOLDERS).create, list_folder_create_request=body, create=True)
            return Folder.from_api(reply["folder"])
        except AmbiguousWrite:
            for child in self.folder_tree(parent_folder_id).child_nodes:
                if child.name == name:
                    return child
            reply = t.call("lists.folders.create", t.api(FOLDERS).create, list_folder_create_request=body)
            return Folder.from_api(reply["folder"])

    def delete_folder(self, folder_id: str) -> None:
        """Delete an empty folder (HubSpot refuses one that still holds lists or folders)."""
        t = self.transport
        t.call("lists.folders.delete", t.api(FOLDERS).remove, folder_id=str(folder_id), gone_ok=True)

    def move_list(self, list_id: str, folder_id: str) -> None:
        t = self.transport
        t.call(
            "lists.folders.move_list",
            t.api(FOLDERS).move_list,
            list_move_request={"listId": str(list_id), "newFolderId": str(folder_id)},
        )

    # --- CRM ----------------------------------------------------------------------------------

    def count(self, object_type: str, filter_groups: list[dict[str, Any]] | None = None) -> int:
        """How many records match: one search call with limit 1, reading `total`."""
        t = self.transport
        body = {"filterGroups": filter_groups or [], "limit": 1, "properties": ["hs_object_id"]}
        reply = t.call(
            "crm.search",
            t.api(OBJECTS_SEARCH).do_search,
            object_type=object_type,
            public_object_search_request=body,
            search=True,
        )
        return int(reply.get("total") or 0)

    def search_page(
        self,
        object_type: str,
        filter_groups: list[dict[str, Any]] | None = None,
        *,
        limit: int = 1,
        properties: list[str] | None = None,
    ) -> tuple[int, list[CrmRecord]]:
        """One search call: the `total` and the first `limit` matches by ascending id (a count
        and a few samples for the price of one call)."""
        t = self.transport
        body = {
            "filterGroups": filter_groups or [],
            "limit": limit,
            "properties": properties or ["hs_object_id"],
            "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
        }
        reply = t.call(
            "crm.search",
            t.api(OBJECTS_SEARCH).do_search,
            object_type=object_type,
            public_object_search_request=body,
            search=True,
        )
        return int(reply.get("total") or 0), [CrmRecord.model_validate(r) for r in reply.get("results") or []]

    def search_ids(self, object_type: str, filter_groups: list[dict[str, Any]] | None = None) -> list[str]:
        """Ids of every matching record (see `search_records`)."""
        return [record.id for record in self.search_records(object_type, filter_groups)]

    def search_records(
        self, object_type: str, filter_groups: list[dict[str, Any]] | None = None, properties: list[str] | None = None
    ) -> list[CrmRecord]:
        """Every matching record with `properties` (200 per call). HubSpot stops paging one query at
        10,000 results; past that the query is re-issued with `hs_object_id > last id seen` added to
        every filter group (results sorted by id), so any number of records can be read."""
        t = self.transport
        groups = [dict(g, filters=list(g.get("filters") or [])) for g in filter_groups or []]
        found: list[CrmRecord] = []
        floor: str | None = None
        while True:
            query_groups = _with_floor(groups, floor)
            after: str | None = None
            seen = 0
            while True:
                body: dict[str, Any] = {
                    "filterGroups": query_groups,
                    "limit": CRM_SEARCH_PAGE,
                    "properties": properties or ["hs_object_id"],
                    "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
                }
                if after is not None:
                    body["after"] = after
                page = t.call(
                    "crm.search",
                    t.api(OBJECTS_SEARCH).do_search,
                    object_type=object_type,
                    public_object_search_request=body,
                    search=True,
                )
                results = page.get("results") or []
                found.extend(CrmRecord.model_validate({**r, "id": str(r["id"])}) for r in results)
                seen += len(results)
                after = ((page.get("paging") or {}).get("next") or {}).get("after")
                # At the cap HubSpot may offer no next page, or one that answers 400: either way
                # restart above the last id seen.
                if seen >= CRM_SEARCH_CAP or (after and int(after) + CRM_SEARCH_PAGE > CRM_SEARCH_CAP):
                    break
                if not after or not results:
                    return found
            floor = found[-1].id

    def batch_read(self, object_type: str, record_ids: Iterable[str], properties: list[str]) -> list[CrmRecord]:
        t = self.transport
        ids = [str(i) for i in record_ids]
        found: list[CrmRecord] = []
        for start in range(0, len(ids), BATCH_SIZE):
            body = {
                "inputs": [{"id": i} for i in ids[start : start + BATCH_SIZE]],
                "properties": properties,
                "propertiesWithHistory": [],
            }
            reply = t.call(
                "crm.batch_read",
                t.api(OBJECTS_BATCH).read,
                object_type=object_type,
                batch_read_input_simple_public_object_id=body,
                search=False,
            )
            found.extend(CrmRecord.model_validate(r) for r in reply.get("results") or [])
        return found

    def iter_records(self, object_type: str, properties: list[str]) -> Iterator[CrmRecord]:
        """Every record of a type (contacts, companies...), 100 per call."""
        t = self.transport

        def page(after: str | None) -> dict[str, Any]:
            return t.call(
                "crm.records",
                t.api(OBJECTS_BASIC).get_page,
                object_type=object_type,
                limit=CRM_PAGE,
                properties=properties,
                archived=False,
                **_after(after),
            )

        for record in _cursor_pages(page):
            yield CrmRecord.model_validate(record)

    def properties(self, object_type: str) -> list[Property]:
        t = self.transport
        reply = t.call("crm.properties", t.api(PROPERTIES).get_all, object_type=object_type, archived=False)
        return [Property.model_validate(p) for p in reply.get("results") or []]

    def property(self, object_type: str, name: str) -> Property | None:
        """One property definition, or None if the portal has no such property."""
        t = self.transport
        try:
            reply = t.call("crm.property", t.api(PROPERTIES).get_by_name, object_type=object_type, property_name=name)
        except NotFound:
            return None
        return Property.model_validate(reply)

    # --- account ------------------------------------------------------------------------------

    def account_details(self) -> AccountDetails:
        """Portal id, time zone, currency... (not in SDK 12: a raw call). Remembers the time zone
        so a DailyLimitReached can say when the limit resets."""
        details = AccountDetails.model_validate(
            self.transport.raw("account.details", "GET", "/account-info/v3/details")
        )
        if details.time_zone:
            self.transport.time_zone = details.time_zone
        return details

    def teams(self) -> list[Team]:
        t = self.transport
        reply = t.call("settings.teams", t.api(TEAMS).get_all)
        return [Team.model_validate(team) for team in reply.get("results") or []]

    def user(self, user_id: str) -> User:
        """One user of the portal (needs settings.users.read)."""
        t = self.transport
        return User.model_validate(t.call("settings.user", t.api(USERS).get_by_id, user_id=str(user_id)) or {})

    def user_email_domains(self) -> list[str]:
        """The email domains of the portal's users, most common first: the company's own domains."""
        t = self.transport
        counts: dict[str, int] = {}
        pages = _cursor_pages(lambda after: t.call("settings.users", t.api(USERS).get_page, limit=100, **_after(after)))
        for user in pages:
            email = clean(str(user.get("email") or "")).lower()
            domain = email.rsplit("@", 1)[1] if "@" in email else ""
            if DOMAIN_SHAPE.fullmatch(domain):  # CRM text: only what can be an email domain is kept
                counts[domain] = counts.get(domain, 0) + 1
        return sorted(counts, key=lambda d: (-counts[d], d))

    # --- assets that reference lists ----------------------------------------------------------

    def workflows(self) -> list[Workflow]:
        """Every workflow with the list ids it references. The listing lacks definitions, so each
        flow is read by id (automation v4 is not in SDK 12: raw calls)."""
        raw = self.transport.raw

        def page(after: str | None) -> dict[str, Any]:
            query: list[tuple[str, Any]] = [("limit", 100), *_after(after).items()]
            return raw("automation.flows", "GET", "/automation/v4/flows", query=query) or {}

        flows: list[Workflow] = []
        for summary in _cursor_pages(page):
            flow = raw("automation.flow", "GET", f"/automation/v4/flows/{quote(str(summary['id']), safe='')}") or {}
            flows.append(Workflow.model_validate({**summary, **flow, "references": workflow_references(flow)}))
        return flows

    def marketing_emails(self) -> list[MarketingEmail]:
        """Every marketing email with the lists it includes or excludes (ILS and legacy ids). An email
        the listing shows without its recipients is read by id."""
        t = self.transport
        emails: list[MarketingEmail] = []
        pages = _cursor_pages(
            lambda after: t.call("marketing.emails", t.api(EMAILS).get_page, limit=100, **_after(after))
        )
        for email in pages:
            if "to" not in email and email.get("id") is not None:
                email = t.call("marketing.email", t.api(EMAILS).get_by_id, email_id=str(email["id"])) or email
            emails.append(MarketingEmail.from_api(email))
        return emails

    def legacy_list_ids(self, legacy_ids: Iterable[str]) -> dict[str, str]:
        """Legacy (v1) list id -> list id, through HubSpot's id mapping (ids without a list are left out)."""
        ids = list(dict.fromkeys(str(i) for i in legacy_ids))
        found: dict[str, str] = {}
        for start in range(0, len(ids), LEGACY_ID_BATCH):
            reply = self.transport.raw(
                "lists.idmapping", "POST", "/crm/v3/lists/idmapping", body=ids[start : start + LEGACY_ID_BATCH]
            )
            for item in (reply or {}).get("legacyListIdsToIdsMapping") or []:
                found[str(item.get("legacyListId"))] = str(item.get("listId"))
        return found

    def association_types(self, from_type: str, to_type: str) -> dict[int, str]:
        """The association types between two object types: type id -> category (labels endpoint)."""
        t = self.transport
        reply = t.call(
            "associations.labels",
            t.api(ASSOCIATION_SCHEMA).get_all,
            from_object_type=from_type,
            to_object_type=to_type,
        )
        return {int(item["typeId"]): str(item["category"]) for item in (reply or {}).get("results") or []}

    def learned_limits(self) -> LearnedLimits:
        """What HubSpot's rate-limit headers have said so far."""
        return self.transport.learned_limits()


def _after(cursor: str | None) -> dict[str, str]:
    """The `after` argument, only when there is a cursor (the first page takes none)."""
    return {} if cursor is None else {"after": cursor}


def _cursor_pages(fetch: Callable[[str | None], dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every result of a cursor-paged HubSpot listing: `fetch(after)` returns one page."""
    after: str | None = None
    while True:
        page = fetch(after)
        results = page.get("results") or []
        yield from results
        after = ((page.get("paging") or {}).get("next") or {}).get("after")
        if not after or not results:
            return


def _with_floor(groups: list[dict[str, Any]], floor: str | None) -> list[dict[str, Any]]:
    """The filter groups with `hs_object_id > floor` added to each (OR of ANDs: add to all)."""
    if floor is None:
        return groups
    condition = {"propertyName": "hs_object_id", "operator": "GT", "value": floor}
    if not groups:
        return [{"filters": [condition]}]
    widened = [dict(g, filters=[*g["filters"], condition]) for g in groups]
    if (
        any(len(g["filters"]) > SEARCH_MAX_FILTERS_PER_GROUP for g in widened)
        or sum(len(g["filters"]) for g in widened) > SEARCH_MAX_FILTERS
    ):
        raise ValidationFailed(
            "this search matches more than 10,000 records and its filters leave no room for the id "
            "range needed to page past HubSpot's 10,000-result cap; narrow it or use a list instead",
            endpoint="crm.search",
        )
    return widened


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
