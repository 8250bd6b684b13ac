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

from segment_lists.boundary.text import clean, quoted
from segment_lists.data.hubspot_limits import (
    BATCH_SIZE,
    CRM_PAGE,
    CRM_SEARCH_CAP,
    CRM_SEARCH_PAGE,
    LIST_PROCESSING_TYPES,
    LIST_SEARCH_COUNT,
    MEMBERSHIP_PAGE,
    SEARCH_MAX_FILTERS,
    SEARCH_MAX_FILTERS_PER_GROUP,
)
from segment_lists.portal.connection import PortalSettings
from segment_lists.portal.endpoints import available
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

LEGACY_ID_BATCH = 10_000  # legacy ids per idmapping call (HubSpot's maximum)

DOMAIN_SHAPE = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
GET_MANY_CHUNK = 100  # list ids per GET /crm/lists/<version>?listIds=... (keeps URLs short)
LIST_SEARCH_PROPERTIES = ["hs_list_size", "hs_folder_id", "hs_folder_name", "hs_list_reference_count"]
# A list we created and then could not see confirmed must have been created after we started.
CREATE_CLOCK_SKEW_SECONDS = 300


class Portal:
    def __init__(self, settings: PortalSettings) -> None:
        self.settings = settings
        self.transport = Transport(settings)

    def __repr__(self) -> str:
        s = self.settings
        return f"Portal(base_url={s.base_url!r}, tier={s.tier!r}, api_version={s.api_version!r})"

    def stats(self) -> CallStats:
        """HTTP attempts per endpoint (retries included), 429s seen, time spent pacing."""
        return self.transport.stats()

    # --- lists: read --------------------------------------------------------------------------

    def get_list(self, list_id: str, *, include_filters: bool = True) -> HubSpotList:
        reply = self.transport.request(
            "lists.get", path={"listId": str(list_id)}, query={"includeFilters": include_filters}
        )
        return HubSpotList.from_api(reply["list"])

    def get_list_by_name(
        self, name: str, object_type_id: str = "0-1", *, include_filters: bool = True
    ) -> HubSpotList | None:
        """The list with this name (HubSpot matches case-insensitively), or None."""
        try:
            reply = self.transport.request(
                "lists.get_by_name",
                path={"objectTypeId": object_type_id, "listName": name},
                query={"includeFilters": include_filters},
            )
        except NotFound:
            return None
        return HubSpotList.from_api(reply["list"])

    def get_lists(self, list_ids: Iterable[str], *, include_filters: bool = True) -> list[HubSpotList]:
        """Several lists by id (missing ids are simply absent from the result)."""
        ids = [str(i) for i in list_ids]
        found: list[HubSpotList] = []
        for start in range(0, len(ids), GET_MANY_CHUNK):
            reply = self.transport.request(
                "lists.get_many",
                query={"listIds": ids[start : start + GET_MANY_CHUNK], "includeFilters": include_filters},
            )
            found.extend(HubSpotList.from_api(item) for item in reply.get("lists") or [])
        return found

    def iter_lists(
        self, *, processing_types: list[str] | None = None, object_type_id: str | None = None
    ) -> Iterator[HubSpotList]:
        """Every list (500 per page). No filter definitions: listings never carry them (use
        `get_lists(..., include_filters=True)`).

        Date versions: `POST /crm/lists/<version>/all`, a cursor listing (2026-09's "new search
        endpoint"). Its request requires `processingTypes`, and so does the date versions' search
        (with `listIds` too), where what an empty array means is undocumented: every processing type
        is named, and the search endpoint is kept for the legacy v3 paths, which require neither."""
        types = list(processing_types or LIST_PROCESSING_TYPES)
        if available("lists.all", self.settings.api_version):
            yield from self._iter_all_lists(types, object_type_id)
            return
        offset = 0
        while True:
            body: dict[str, Any] = {
                "offset": offset,
                "count": LIST_SEARCH_COUNT,
                "additionalProperties": LIST_SEARCH_PROPERTIES,
                "processingTypes": types,
            }
            if object_type_id:
                body["objectTypeId"] = object_type_id
            page = self.transport.request("lists.search", body=body)
            lists = page.get("lists") or []
            for item in lists:
                yield HubSpotList.from_api(item)
            next_offset = page.get("offset")
            if not page.get("hasMore") or not lists or next_offset is None or int(next_offset) <= offset:
                return
            offset = int(next_offset)

    def _iter_all_lists(self, processing_types: list[str], object_type_id: str | None) -> Iterator[HubSpotList]:
        def page(after: str | None) -> dict[str, Any]:
            body: dict[str, Any] = {
                "count": LIST_SEARCH_COUNT,
                "additionalProperties": LIST_SEARCH_PROPERTIES,
                "processingTypes": processing_types,
            }
            if after is not None:
                body["after"] = after
            if object_type_id:
                body["objectTypeId"] = object_type_id
            return self.transport.request("lists.all", body=body) or {}

        for item in _cursor_pages(page):
            yield HubSpotList.from_api(item)

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
            body["listPermissions"] = {"teamsWithEditAccess": [int(i) for i in team_ids], "usersWithEditAccess": []}
        started = datetime.now().astimezone()
        last: AmbiguousWrite | None = None
        for _ in range(self.settings.retry.max_attempts):
            try:
                reply = t.request("lists.create", body=body, create=True)
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
        reply = self.transport.request(
            "lists.update_name", path={"listId": str(list_id)}, query={"listName": name, "includeFilters": True}
        )
        return HubSpotList.from_api(reply["updatedList"])

    def update_list_filters(self, list_id: str, filter_branch: dict[str, Any]) -> HubSpotList:
        reply = self.transport.request(
            "lists.update_filters", path={"listId": str(list_id)}, body={"filterBranch": filter_branch}
        )
        return HubSpotList.from_api(reply["updatedList"])

    def delete_list(self, list_id: str) -> None:
        """Soft delete (restorable for 90 days)."""
        self.transport.request("lists.delete", path={"listId": str(list_id)}, gone_ok=True)

    def restore_list(self, list_id: str) -> None:
        self.transport.request("lists.restore", path={"listId": str(list_id)})

    # --- memberships --------------------------------------------------------------------------

    def memberships_page(
        self, list_id: str, *, after: str | None = None, limit: int = MEMBERSHIP_PAGE
    ) -> MembershipPage:
        page = self.transport.request(
            "lists.memberships", path={"listId": str(list_id)}, query={"limit": limit, "after": after}
        )
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
        reply = self.transport.request(
            "lists.add_members", path={"listId": str(list_id)}, body=[str(i) for i in record_ids]
        )
        return MembershipChange.model_validate(reply)

    def remove_members(self, list_id: str, record_ids: Iterable[str]) -> MembershipChange:
        reply = self.transport.request(
            "lists.remove_members", path={"listId": str(list_id)}, body=[str(i) for i in record_ids]
        )
        return MembershipChange.model_validate(reply)

    def record_memberships(self, record_id: str, object_type_id: str = "0-1") -> list[RecordMembership]:
        """The lists one record belongs to."""
        reply = self.transport.request(
            "lists.record_memberships", path={"objectTypeId": object_type_id, "recordId": str(record_id)}
        )
        return [RecordMembership.model_validate(r) for r in reply.get("results") or []]

    def batch_record_memberships(
        self, record_ids: Iterable[str], object_type_id: str = "0-1"
    ) -> dict[str, list[RecordMembership]]:
        """The lists of many records at once. Keyed by record id."""
        ids = [str(i) for i in record_ids]
        found: dict[str, list[RecordMembership]] = {i: [] for i in ids}
        for start in range(0, len(ids), BATCH_SIZE):
            inputs = [{"objectTypeId": object_type_id, "recordId": i} for i in ids[start : start + BATCH_SIZE]]
            reply = self.transport.request("lists.batch_record_memberships", body={"inputs": inputs})
            for result in (reply or {}).get("results") or []:
                found[str(result.get("recordId"))] = [
                    RecordMembership.model_validate(m) for m in result.get("recordListMemberships") or []
                ]
        return found

    def size_history(self, list_id: str, start: datetime, end: datetime) -> SizeHistory:
        """Size over time and filter-edit times."""
        reply = self.transport.request(
            "lists.size_history",
            path={"listId": str(list_id)},
            query={"startDate": _iso(start), "endDate": _iso(end)},
        )
        return SizeHistory.model_validate(reply or {})

    # --- folders ------------------------------------------------------------------------------

    def folder_tree(self, folder_id: str = "0") -> Folder:
        reply = self.transport.request("lists.folders.get", query={"folderId": str(folder_id)})
        return Folder.from_api(reply["folder"])

    def create_folder(self, name: str, parent_folder_id: str = "0") -> Folder:
        """Create a folder; after an ambiguous failure, a folder of that name under the parent
        is taken as the one we created."""
        t = self.transport
        body = {"name": name, "parentFolderId": str(parent_folder_id)}
        try:
            reply = t.request("lists.folders.create", body=body, create=True)
            return Folder.from_api(reply["folder"])
        except AmbiguousWrite:
            for child in self.folder_tree(parent_folder_id).child_nodes:
                if child.name == name:
                    return child
            reply = t.request("lists.folders.create", body=body)
            return Folder.from_api(reply["folder"])

    def delete_folder(self, folder_id: str) -> None:
        """Delete an empty folder (HubSpot refuses one that still holds lists or folders)."""
        self.transport.request("lists.folders.delete", path={"folderId": str(folder_id)}, gone_ok=True)

    def move_list(self, list_id: str, folder_id: str) -> None:
        self.transport.request("lists.folders.move_list", body={"listId": str(list_id), "newFolderId": str(folder_id)})

    # --- CRM ----------------------------------------------------------------------------------

    def count(self, object_type: str, filter_groups: list[dict[str, Any]] | None = None) -> int:
        """How many records match: one search call with limit 1, reading `total`."""
        body = {"filterGroups": filter_groups or [], "limit": 1, "properties": ["hs_object_id"]}
        reply = self.transport.request("crm.search", path={"objectType": object_type}, body=body, search=True)
        return int(reply.get("total") or 0)

    def search_page(
        self,
        object_type: str,
        filter_groups: list[dict[str, Any]] | None = None,
        *,
        limit: int = 1,
        properties: list[str] | None = None,
        descending: bool = False,
    ) -> tuple[int, list[CrmRecord]]:
        """One search call: the `total` and the first `limit` matches by ascending id (descending:
        the last ones), a count and a few samples for the price of one call."""
        body = {
            "filterGroups": filter_groups or [],
            "limit": limit,
            "properties": properties or ["hs_object_id"],
            "sorts": [{"propertyName": "hs_object_id", "direction": "DESCENDING" if descending else "ASCENDING"}],
        }
        reply = self.transport.request("crm.search", path={"objectType": object_type}, body=body, search=True)
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
                page = self.transport.request("crm.search", path={"objectType": object_type}, body=body, search=True)
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
        ids = [str(i) for i in record_ids]
        found: list[CrmRecord] = []
        for start in range(0, len(ids), BATCH_SIZE):
            body = {
                "inputs": [{"id": i} for i in ids[start : start + BATCH_SIZE]],
                "properties": properties,
                "propertiesWithHistory": [],
            }
            reply = self.transport.request("crm.batch_read", path={"objectType": object_type}, body=body)
            found.extend(CrmRecord.model_validate(r) for r in reply.get("results") or [])
        return found

    def iter_records(self, object_type: str, properties: list[str]) -> Iterator[CrmRecord]:
        """Every record of a type (contacts, companies...), 100 per call."""

        def page(after: str | None) -> dict[str, Any]:
            return self.transport.request(
                "crm.records",
                path={"objectType": object_type},
                query={"limit": CRM_PAGE, "properties": properties, "archived": False, "after": after},
            )

        for record in _cursor_pages(page):
            yield CrmRecord.model_validate(record)

    def properties(self, object_type: str) -> list[Property]:
        reply = self.transport.request("crm.properties", path={"objectType": object_type}, query={"archived": False})
        return [Property.model_validate(p) for p in reply.get("results") or []]

    def property(self, object_type: str, name: str) -> Property | None:
        """One property definition, or None if the portal has no such property."""
        try:
            reply = self.transport.request("crm.property", path={"objectType": object_type, "propertyName": name})
        except NotFound:
            return None
        return Property.model_validate(reply)

    # --- account ------------------------------------------------------------------------------

    def account_details(self) -> AccountDetails:
        """Portal id, time zone, currency... Remembers the time zone so a DailyLimitReached can say
        when the limit resets."""
        details = AccountDetails.model_validate(self.transport.request("account.details"))
        if details.time_zone:
            self.transport.time_zone = details.time_zone
        return details

    def teams(self) -> list[Team]:
        reply = self.transport.request("settings.teams")
        return [Team.model_validate(team) for team in reply.get("results") or []]

    def user(self, user_id: str) -> User:
        """One user of the portal (needs settings.users.read)."""
        return User.model_validate(self.transport.request("settings.user", path={"userId": str(user_id)}) or {})

    def user_email_domains(self) -> list[str]:
        """The email domains of the portal's users, most common first: the company's own domains."""
        counts: dict[str, int] = {}
        pages = _cursor_pages(
            lambda after: self.transport.request("settings.users", query={"limit": 100, "after": after})
        )
        for user in pages:
            email = clean(str(user.get("email") or "")).lower()
            domain = email.rsplit("@", 1)[1] if "@" in email else ""
            if DOMAIN_SHAPE.fullmatch(domain):  # CRM text: only what can be an email domain is kept
                counts[domain] = counts.get(domain, 0) + 1
        return sorted(counts, key=lambda d: (-counts[d], d))

    # --- assets that reference lists ----------------------------------------------------------

    def workflows(self) -> list[Workflow]:
        """Every workflow with the list ids it references. The listing lacks definitions, so each
        flow is read by id. Workflows have no GA date version: v4 either way (`endpoints.LEGACY_ONLY`)."""
        request = self.transport.request

        def page(after: str | None) -> dict[str, Any]:
            return request("automation.flows", query={"limit": 100, "after": after}) or {}

        flows: list[Workflow] = []
        for summary in _cursor_pages(page):
            flow = request("automation.flow", path={"flowId": str(summary["id"])}) or {}
            flows.append(Workflow.model_validate({**summary, **flow, "references": workflow_references(flow)}))
        return flows

    def marketing_emails(self) -> list[MarketingEmail]:
        """Every marketing email with the lists it includes or excludes (ILS and legacy ids). An email
        the listing shows without its recipients is read by id."""
        emails: list[MarketingEmail] = []
        pages = _cursor_pages(
            lambda after: self.transport.request("marketing.emails", query={"limit": 100, "after": after})
        )
        for email in pages:
            if "to" not in email and email.get("id") is not None:
                email = self.transport.request("marketing.email", path={"emailId": str(email["id"])}) or email
            emails.append(MarketingEmail.from_api(email))
        return emails

    def legacy_list_ids(self, legacy_ids: Iterable[str]) -> dict[str, str]:
        """Legacy (v1) list id -> list id, through HubSpot's id mapping (ids without a list are left out)."""
        ids = list(dict.fromkeys(str(i) for i in legacy_ids))
        found: dict[str, str] = {}
        for start in range(0, len(ids), LEGACY_ID_BATCH):
            reply = self.transport.request("lists.idmapping", body=ids[start : start + LEGACY_ID_BATCH])
            for item in (reply or {}).get("legacyListIdsToIdsMapping") or []:
                found[str(item.get("legacyListId"))] = str(item.get("listId"))
        return found

    def association_types(self, from_type: str, to_type: str) -> dict[int, str]:
        """The association types between two object types: type id -> category (labels endpoint)."""
        reply = self.transport.request(
            "associations.labels", path={"fromObjectType": from_type, "toObjectType": to_type}
        )
        return {int(item["typeId"]): str(item["category"]) for item in (reply or {}).get("results") or []}

    def learned_limits(self) -> LearnedLimits:
        """What HubSpot's rate-limit headers have said so far."""
        return self.transport.learned_limits()


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
