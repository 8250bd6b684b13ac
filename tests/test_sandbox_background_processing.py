"""Lists evaluated while PROCESSING (sandbox/lists/background.py): the first read after processing
finds the work done, and what changed meanwhile (records, the definition, the clock) still counts."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import hubspot
from sandbox_lists_data import CONTACT, Portal, branch, prop
from segment_lists.sandbox import RunningSandbox, Sandbox, SandboxConfig

PROCESSING = 1.0
CUSTOMER = prop("lifecyclestage", {"operationType": "ENUMERATION", "operator": "IS_ANY_OF", "values": ["customer"]})
LEAD = prop("lifecyclestage", {"operationType": "ENUMERATION", "operator": "IS_ANY_OF", "values": ["lead"]})
OPENED_LAST_WEEK = prop(
    "hs_email_last_open_date",
    {
        "operationType": "ROLLING_DATE_RANGE",
        "operator": "IS_LESS_THAN_X_DAYS_AGO",
        "numberOfDays": 7,
        "requiresTimeZoneConversion": False,
    },
)


class Live:
    def __init__(self, sandbox: Sandbox, running: RunningSandbox) -> None:
        self.sandbox, self.portal = sandbox, Portal(sandbox)
        self.sdk = hubspot.HubSpot(access_token="t", host=running.base_url, base_url=running.base_url)

    @property
    def engine(self) -> Any:
        return self.sandbox.list_engine

    def create(self, name: str, *filters: dict[str, Any]) -> tuple[str, float]:
        made = self.sdk.crm.lists.lists_api.create(
            list_create_request={
                "name": name,
                "objectTypeId": CONTACT,
                "processingType": "DYNAMIC",
                "filterBranch": branch(list(filters)),
            }
        ).list
        assert made.processing_status == "PROCESSING"
        return made.list_id, time.time() + PROCESSING

    def settle(self) -> None:
        """Until the background worker has nothing left to do."""
        deadline = time.monotonic() + 30
        while not self.engine.processor.idle():
            assert time.monotonic() < deadline, "background processing never finished"
            time.sleep(0.02)

    def members_when_ready(self, list_id: str, ready: float) -> set[int]:
        time.sleep(max(0.0, ready - time.time()) + 0.05)
        found = self.sdk.crm.lists.lists_api.get_by_id(list_id=list_id).list
        assert found.processing_status == "COMPLETE"
        page = self.sdk.crm.lists.memberships_api.get_page(list_id=list_id, limit=250)
        assert found.size == page.total
        return {int(m.record_id) for m in page.results}


def _live(config: SandboxConfig) -> Iterator[Live]:
    sandbox = Sandbox(config)
    with RunningSandbox(sandbox=sandbox) as running:
        yield Live(sandbox, running)


@pytest.fixture
def live() -> Iterator[Live]:
    yield from _live(SandboxConfig(processing_seconds=PROCESSING))


def test_the_first_read_after_processing_finds_the_list_evaluated(live: Live) -> None:
    customers = {live.portal.contact({"lifecyclestage": "customer"}) for _ in range(30)}
    for _ in range(20):
        live.portal.contact({"lifecyclestage": "lead"})
    list_id, ready = live.create("Customers", CUSTOMER)
    live.settle()
    assert live.engine.background_seconds > 0 and live.engine.evaluation_seconds == 0
    assert live.members_when_ready(list_id, ready) == customers
    assert live.engine.evaluation_seconds == 0  # the read used the background result
    # They joined when processing ended (not when first read), all at once: join order is id order.
    joined = live.sdk.crm.lists.memberships_api.get_page_ordered_by_added_to_list_date(list_id=list_id, limit=250)
    stamps = {m.membership_timestamp.timestamp() for m in joined.results}
    assert len(stamps) == 1 and abs(stamps.pop() - ready) < 0.5
    assert [int(m.record_id) for m in joined.results] == sorted(customers)
    # Installed members change like any others.
    leaving = min(customers)
    live.portal.update(CONTACT, leaving, {"lifecyclestage": "lead"})
    assert live.members_when_ready(list_id, time.time()) == customers - {leaving}


def test_records_written_while_processing_are_in_the_list(live: Live) -> None:
    first = live.portal.contact({"lifecyclestage": "customer"})
    leaving = live.portal.contact({"lifecyclestage": "customer"})
    list_id, ready = live.create("Customers", CUSTOMER)
    live.settle()
    late = live.portal.contact({"lifecyclestage": "customer"})
    live.portal.update(CONTACT, leaving, {"lifecyclestage": "lead"})
    assert live.members_when_ready(list_id, ready) == {first, late}


def test_a_definition_changed_while_processing_is_the_one_evaluated(live: Live) -> None:
    customer = live.portal.contact({"lifecyclestage": "customer"})
    lead = live.portal.contact({"lifecyclestage": "lead"})
    list_id, _ = live.create("Segment", CUSTOMER)
    live.settle()
    live.sdk.crm.lists.lists_api.update_list_filters(
        list_id=list_id, list_filter_update_request={"filterBranch": branch([LEAD])}
    )
    live.settle()
    assert live.members_when_ready(list_id, time.time() + PROCESSING) == {lead}
    assert customer not in live.members_when_ready(list_id, time.time())


def test_a_list_referencing_a_processing_list_sees_its_members(live: Live) -> None:
    customers = {live.portal.contact({"lifecyclestage": "customer"}) for _ in range(3)}
    live.portal.contact({"lifecyclestage": "lead"})
    base, _ = live.create("Customers", CUSTOMER)
    in_base = {"filterType": "IN_LIST", "operator": "IN_LIST", "listId": base}
    derived, ready = live.create("In customers", in_base)
    live.settle()
    assert live.members_when_ready(derived, ready) == customers


def test_relative_dates_follow_the_clock_moved_while_processing() -> None:
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    for live in _live(SandboxConfig(processing_seconds=PROCESSING, frozen_now=now)):
        stamp = str(int((now - timedelta(days=3)).timestamp() * 1000))
        recent = live.portal.contact({"hs_email_last_open_date": stamp})
        list_id, ready = live.create("Opened last week", OPENED_LAST_WEEK)
        live.settle()
        assert live.engine.background_seconds > 0
        live.sandbox.clock.advance(timedelta(days=5))  # the open is now 8 days old
        assert recent not in live.members_when_ready(list_id, ready)


def test_background_processing_can_be_turned_off() -> None:
    for live in _live(SandboxConfig(processing_seconds=PROCESSING, background_processing=False)):
        customer = live.portal.contact({"lifecyclestage": "customer"})
        list_id, ready = live.create("Customers", CUSTOMER)
        assert live.engine.processor.idle()
        assert live.members_when_ready(list_id, ready) == {customer}
        assert live.engine.background_seconds == 0 and live.engine.evaluation_seconds > 0


def test_background_work_waits_for_a_moment_without_requests() -> None:
    """A request being answered holds the worker back (a burst of creates is not slowed by evaluations
    between them), but a steady stream only for PATIENCE_SECONDS."""
    from segment_lists.sandbox.lists import background

    processing = background.PATIENCE_SECONDS + 2
    for live in _live(SandboxConfig(processing_seconds=processing)):
        customer = live.portal.contact({"lifecyclestage": "customer"})
        processor = live.engine.processor
        processor.enter()  # as the HTTP layer does while it answers
        try:
            list_id, _ = live.create("Customers", CUSTOMER)
            created = time.time()
            time.sleep(background.QUIET_SECONDS + 0.2)
            assert live.engine.background_seconds == 0 and not processor.idle()
            live.settle()
            assert live.engine.background_seconds > 0  # it went ahead after all
            assert time.time() - created >= background.PATIENCE_SECONDS - 0.05
        finally:
            processor.leave()
        assert live.members_when_ready(list_id, created + processing) == {customer}
        assert live.engine.evaluation_seconds == 0
