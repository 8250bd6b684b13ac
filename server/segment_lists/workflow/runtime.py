"""One working session against one portal: settings, the portal client, the journal, and caches.

Facts that do not change while a flow runs (property definitions, the account) are read once and
shared by inventory, planning and verification; the list inventory is re-read after any write.
CRM search counts are cached for a few minutes (keyed by the exact filter groups): prerequisites,
estimates and exclusivity ask some of the same questions, and a count is a search call (5/s).
Independent calls run concurrently (`map`): the portal's limiter paces them, so more workers never
means more than HubSpot allows, only less time idle between calls.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, SecretStr

from segment_lists.boundary.text import clean, inline
from segment_lists.filters import describe
from segment_lists.portal import Portal, PortalSettings
from segment_lists.portal.models import AccountDetails, HubSpotList, Property
from segment_lists.workflow.environment import Settings
from segment_lists.workflow.failures import NoToken
from segment_lists.workflow.journal import Journal
from segment_lists.workflow.next_steps import CONNECT_HINT, PLAIN_STEPS, NextSteps

T = TypeVar("T")
R = TypeVar("R")

# Enough threads to keep both of HubSpot's buckets busy at 50-200 ms per call; the limiter does the pacing.
WORKERS = 8
COUNT_TTL_SECONDS = 300.0  # a count older than this is asked again (records change under a long session)

SANDBOX_NOTICE = "SANDBOX portal: demo data served locally, not your HubSpot account"
NO_TOKEN_SANDBOX_NOTICE = (
    f"{SANDBOX_NOTICE}. Not connected to HubSpot: no HUBSPOT_ACCESS_TOKEN is set. "
    f"To use your portal, {CONNECT_HINT}, then restart the server."
)


class PortalRef(BaseModel):
    """Which portal a result is about; every tool result carries it."""

    portal_id: str
    base_url: str
    is_sandbox: bool
    time_zone: str
    notice: str


@dataclass
class Runtime:
    settings: Settings
    portal: Portal
    journal: Journal
    account: AccountDetails
    # The face's words for the next step a message names (`workflow.next_steps`).
    next_steps: NextSteps = PLAIN_STEPS
    _properties: dict[str, list[Property]] = field(default_factory=dict)
    _lists: list[HubSpotList] | None = None
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _read_locks: dict[str, threading.Lock] = field(default_factory=dict)
    # Concurrent calls at most (1 = strictly sequential); `cache=False` reads everything every time.
    workers: int = WORKERS
    cache: bool = True
    _counts: dict[str, tuple[float, int]] = field(default_factory=dict)

    @property
    def portal_id(self) -> str:
        return str(self.account.portal_id)

    @property
    def ref(self) -> PortalRef:
        sandbox = self.settings.sandbox
        notice = (
            (NO_TOKEN_SANDBOX_NOTICE if self.settings.no_token_sandbox else SANDBOX_NOTICE)
            if sandbox
            else (
                f"HubSpot portal {self.portal_id}"
                if self.settings.is_hubspot
                else f"portal {self.portal_id} at {self.settings.base_url} (not api.hubapi.com)"
            )
        )
        return PortalRef(
            portal_id=self.portal_id,
            base_url=self.settings.base_url,
            is_sandbox=sandbox,
            time_zone=self.time_zone,
            notice=notice,
        )

    @property
    def time_zone(self) -> str:
        return self.account.time_zone or "UTC"

    def _read_lock(self, what: str) -> threading.Lock:
        """One lock per cached read: two threads never read the same thing twice, and reads of
        different things (contact and company properties, the lists) go out at once."""
        with self._lock:
            return self._read_locks.setdefault(what, threading.Lock())

    def properties(self, object_type: str) -> list[Property]:
        with self._read_lock(f"properties:{object_type}"):
            if object_type not in self._properties or not self.cache:
                self._properties[object_type] = self.portal.properties(object_type)
            return self._properties[object_type]

    def labels(self) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
        """Property labels and option labels of contacts and companies (also under `0-1.` / `0-2.`
        qualified names), so definitions read in the portal's own words."""
        names: dict[str, str] = {}
        options: dict[str, dict[str, str]] = {}
        for object_type, qualifier in (("companies", "0-2"), ("contacts", "0-1")):  # contact labels win a clash
            for prop in self.properties(object_type):
                for key in (prop.name, f"{qualifier}.{prop.name}"):
                    names[key] = inline(prop.label)
                    if prop.options:
                        options[key] = {o.value: inline(o.label) for o in prop.options}
        return names, options

    def describe(self, branch: dict[str, Any] | None) -> str:
        """A filterBranch in plain words, with the portal's labels ('Lifecycle Stage is any of Customer')."""
        if not branch:
            return ""
        names, options = self.labels()
        return clean(describe(branch, property_labels=names, option_labels=options), limit=2000)

    def lists(self, *, refresh: bool = False) -> list[HubSpotList]:
        """Every list (no definitions), read once per flow and again after writes."""
        with self._read_lock("lists"):
            if self._lists is None or refresh or not self.cache:
                self._lists = self.portal.all_lists()
            return self._lists

    def count(self, object_type: str, filter_groups: list[dict[str, Any]] | None = None) -> int:
        """How many records match (one CRM search), remembered for `COUNT_TTL_SECONDS`."""
        key = _count_key(object_type, filter_groups)
        if (hit := self._fresh_count(key)) is not None:
            return hit
        # The same question asked by two threads at once (an estimate and a clash's evidence) is one search.
        with self._read_lock(f"count:{key}"):
            if (hit := self._fresh_count(key)) is not None:
                return hit
            total = self.portal.count(object_type, filter_groups)
            with self._lock:
                self._counts[key] = (time.monotonic(), total)
        return total

    def _fresh_count(self, key: str) -> int | None:
        with self._lock:
            hit = self._counts.get(key)
        if self.cache and hit is not None and time.monotonic() - hit[0] < COUNT_TTL_SECONDS:
            return hit[1]
        return None

    def remember_count(self, object_type: str, filter_groups: list[dict[str, Any]] | None, total: int) -> None:
        """A total learned from another search (e.g. one that also fetched samples)."""
        with self._lock:
            self._counts[_count_key(object_type, filter_groups)] = (time.monotonic(), total)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """`fn` over `items`, concurrently up to `workers` (results in order; the first error is raised)."""
        jobs = list(items)
        if self.workers <= 1 or len(jobs) <= 1:
            return [fn(job) for job in jobs]
        with ThreadPoolExecutor(max_workers=min(self.workers, len(jobs))) as pool:
            return list(pool.map(fn, jobs))

    def api_calls(self) -> int:
        """HTTP calls to the portal so far in this session (retries included)."""
        return self.portal.stats().total_calls

    def lists_changed(self) -> None:
        with self._read_lock("lists"):  # after a read in flight, so its answer cannot outlive the change
            self._lists = None

    def close(self) -> None:
        self.journal.close()


def _count_key(object_type: str, filter_groups: list[dict[str, Any]] | None) -> str:
    """The same question asked in different words gets one key: groups and filters are sets, and
    `IN [v]` is `EQ v` (for a lowercase v, which IN needs anyway to match case-insensitively)."""

    def canonical(item: dict[str, Any]) -> str:
        values = item.get("values")
        if item.get("operator") == "IN" and isinstance(values, list) and len(values) == 1:
            value = str(values[0])
            if value == value.lower():
                item = {"propertyName": item.get("propertyName"), "operator": "EQ", "value": value}
        return json.dumps(item, sort_keys=True)

    groups = sorted(json.dumps(sorted(canonical(f) for f in g.get("filters") or [])) for g in filter_groups or [])
    return json.dumps([object_type, groups])


def portal_settings(settings: Settings) -> PortalSettings:
    if settings.token is None:
        raise NoToken(
            "Not connected to HubSpot: no HUBSPOT_ACCESS_TOKEN is set",
        )
    return PortalSettings(
        token=settings.token, base_url=settings.base_url, tier=settings.rate_tier, api_version=settings.api_version
    )


def open_runtime(settings: Settings, *, next_steps: NextSteps = PLAIN_STEPS, **portal_overrides: Any) -> Runtime:
    """`next_steps`: the opening face's words for the next step its messages name."""
    portal = Portal(portal_settings(settings).model_copy(update=portal_overrides))
    account = portal.account_details()
    journal = Journal(settings.state_dir / "journal.sqlite3")
    return Runtime(settings=settings, portal=portal, journal=journal, account=account, next_steps=next_steps)


def sandbox_token() -> SecretStr:
    """The embedded sandbox accepts any token; this one is recognisable and worthless."""
    return SecretStr("sandbox-local-token")
