"""The portal layer under HubSpot's rate limits and failures, emulated by the live sandbox.

Counts come from both sides of the wire: the portal's own call counter and the sandbox's record
of what it injected or refused. Nothing is mocked.
"""

from __future__ import annotations

import socket
import threading
import time
import traceback
from zoneinfo import ZoneInfo

import pytest

from segment_lists.portal import (
    AuthenticationFailed,
    DailyLimitReached,
    LimiterSettings,
    MissingScope,
    NotFound,
    Portal,
    PortalError,
    PortalSettings,
    PortalUnavailable,
    RetrySettings,
    ValidationFailed,
)
from segment_lists.portal.endpoints import endpoint_path
from segment_lists.sandbox import Faults, RateLimits, RunningSandbox, SandboxConfig, seed_crm

TOKEN = "pat-na1-00000000-portal-test-token"
SECRET = "pat-na1-5ec12e7-d0-not-print-me-4f1c"
# Where the portal creates lists by default (the latest date version), for faults aimed at it.
LISTS_PATH = endpoint_path("lists.create", "latest")[1]
FAST_RETRY = RetrySettings(backoff_base_seconds=0.01, backoff_cap_seconds=0.05)


def make_portal(
    sandbox: RunningSandbox,
    *,
    token: str = TOKEN,
    limiter: LimiterSettings | None = None,
    retry: RetrySettings = FAST_RETRY,
) -> Portal:
    return Portal(
        PortalSettings(
            token=token, base_url=sandbox.base_url, retry=retry, limiter=limiter or LimiterSettings(window_seconds=0.2)
        )
    )


@pytest.fixture
def portal(sandbox: RunningSandbox) -> Portal:
    return make_portal(sandbox)


def names(portal: Portal) -> list[str]:
    return [item.name for item in portal.all_lists()]


# --- retries --------------------------------------------------------------------------------


@pytest.mark.slow  # three 429s without Retry-After, each waited out over HubSpot's real 10-second window
def test_a_429_burst_is_waited_out_and_the_call_succeeds(sandbox: RunningSandbox, portal: Portal) -> None:
    created = portal.create_list("Target", processing_type="MANUAL")
    sandbox.sandbox.realism.configure(faults=Faults(rate_429=1.0, burst_429=3, max_injected=3))
    assert portal.get_list(created.id).name == "Target"
    assert sandbox.sandbox.realism.stats().injected_429 == 3
    stats = portal.stats()
    assert stats.rate_limited == 3 and stats.calls["lists.get"] == 4


def test_retry_after_is_honoured(sandbox: RunningSandbox, portal: Portal) -> None:
    sandbox.sandbox.realism.configure(
        faults=Faults(rate_429=1.0, max_injected=1, retry_after_on_injected_429=True, retry_after_seconds=1)
    )
    started = time.monotonic()
    assert portal.all_lists() == []
    assert time.monotonic() - started >= 0.9
    assert portal.stats().calls["lists.all"] == 2


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(rate_limits=RateLimits(search_per_second=1))])
def test_a_secondly_429_on_search_is_retried(sandbox: RunningSandbox) -> None:
    seed_crm(sandbox.sandbox, contacts=20, companies=2, seed=5)
    unpaced = make_portal(sandbox, limiter=LimiterSettings(enabled=False))
    counts = [unpaced.count("contacts") for _ in range(2)]
    assert counts == [20, 20]
    assert sandbox.sandbox.realism.stats().limited_secondly >= 1
    assert unpaced.stats().rate_limited == sandbox.sandbox.realism.stats().limited_secondly


def test_5xx_answers_are_retried_and_urllib3_does_not_retry_behind_our_back(
    sandbox: RunningSandbox, portal: Portal
) -> None:
    created = portal.create_list("Target", processing_type="MANUAL")
    sandbox.sandbox.realism.configure(faults=Faults(rate_5xx=1.0, max_injected=3, seed=4))
    assert portal.get_list(created.id).id == created.id
    # Exactly one layer retries: every injected 5xx is one attempt the portal counted.
    assert sandbox.sandbox.realism.stats().injected_5xx == 3
    assert portal.stats().calls["lists.get"] == 4 and portal.stats().retries == 3


def test_dropped_connections_are_retried(sandbox: RunningSandbox, portal: Portal) -> None:
    created = portal.create_list("Target", processing_type="MANUAL")
    sandbox.sandbox.realism.configure(faults=Faults(rate_drop=1.0, max_injected=2, drop_mode="mixed"))
    assert portal.get_list(created.id).id == created.id
    assert sandbox.sandbox.realism.stats().dropped == 2
    assert portal.stats().calls["lists.get"] == 3


def test_persistent_failure_ends_in_portal_unavailable(sandbox: RunningSandbox) -> None:
    portal = make_portal(
        sandbox, retry=RetrySettings(max_attempts=3, backoff_base_seconds=0.01, backoff_cap_seconds=0.02)
    )
    sandbox.sandbox.realism.configure(faults=Faults(rate_5xx=1.0))
    with pytest.raises(PortalUnavailable) as failure:
        portal.get_list("1")
    assert failure.value.attempts == 3 and failure.value.status in (502, 503, 504)
    assert sandbox.sandbox.realism.stats().injected_5xx == 3


# --- writes that must not happen twice --------------------------------------------------------


@pytest.mark.parametrize("mode", ["after", "before"])
def test_create_after_a_dropped_connection_creates_exactly_one_list(
    sandbox: RunningSandbox, portal: Portal, mode: str
) -> None:
    sandbox.sandbox.realism.configure(
        faults=Faults(
            rate_drop=1.0,
            drop_mode=mode,
            max_injected=1,  # type: ignore[arg-type]
            paths=[LISTS_PATH],
            methods=["POST"],
        )
    )
    created = portal.create_list("[Core] - Competitors", processing_type="MANUAL")
    assert sandbox.sandbox.realism.stats().dropped == 1
    assert names(portal) == ["[Core] - Competitors"]
    assert portal.get_list(created.id).name == "[Core] - Competitors"
    calls = portal.stats().calls
    assert calls["lists.get_by_name"] == 1  # looked before posting again
    # "after": the first POST did create it, so it is found and not re-posted; "before": it did not.
    assert calls["lists.create"] == (1 if mode == "after" else 2)


def test_create_after_a_gateway_error_creates_exactly_one_list(sandbox: RunningSandbox, portal: Portal) -> None:
    sandbox.sandbox.realism.configure(faults=Faults(rate_5xx=1.0, max_injected=1, paths=[LISTS_PATH], methods=["POST"]))
    portal.create_list("[Core] - Partners", processing_type="MANUAL")
    assert names(portal) == ["[Core] - Partners"]
    assert portal.stats().calls["lists.create"] == 2


def test_delete_retried_after_a_drop_that_did_delete_is_not_an_error(sandbox: RunningSandbox, portal: Portal) -> None:
    created = portal.create_list("Doomed", processing_type="MANUAL")
    sandbox.sandbox.realism.configure(
        faults=Faults(rate_drop=1.0, drop_mode="after", max_injected=1, methods=["DELETE"])
    )
    portal.delete_list(created.id)
    with pytest.raises(NotFound):
        portal.get_list(created.id)


# --- limits that are not retried ------------------------------------------------------------


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(rate_limits=RateLimits(daily=3))])
def test_daily_limit_is_raised_at_once_with_the_reset_time(sandbox: RunningSandbox, portal: Portal) -> None:
    details = portal.account_details()  # teaches the portal its time zone
    portal.all_lists()
    portal.all_lists()
    with pytest.raises(DailyLimitReached) as reached:
        portal.all_lists()
    assert sandbox.sandbox.realism.stats().limited_daily == 1  # not retried
    assert portal.stats().calls["lists.all"] == 3
    resets = reached.value.resets_at
    assert resets is not None and resets.tzinfo == ZoneInfo(details.time_zone or "")
    assert (resets.hour, resets.minute) == (0, 0)
    assert details.time_zone in str(reached.value) and reached.value.policy == "DAILY"


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(tokens={"limited": ["crm.lists.read"], TOKEN: None})])
def test_a_limited_token_gets_missing_scope_naming_the_scope(sandbox: RunningSandbox) -> None:
    limited = make_portal(sandbox, token="limited")
    assert limited.all_lists() == []
    with pytest.raises(MissingScope) as missing:
        limited.create_list("Nope", processing_type="MANUAL")
    assert missing.value.scopes == ["crm.lists.write"]
    assert 'lacks scope crm.lists.write ("Create or update segments")' in str(missing.value)
    assert "to your service key (Development > Keys > Service keys)" in str(missing.value)
    assert missing.value.status == 403


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(tokens={TOKEN: None})])
def test_an_unknown_token_is_authentication_failed(sandbox: RunningSandbox) -> None:
    with pytest.raises(AuthenticationFailed) as failed:
        make_portal(sandbox, token="pat-na1-wrong").all_lists()
    assert failed.value.status == 401 and "service key again (Development > Keys > Service keys" in str(failed.value)


# --- pacing ---------------------------------------------------------------------------------


LIMIT = 10


@pytest.mark.parametrize(
    "sandbox_config",
    [SandboxConfig(rate_limits=RateLimits(per_ten_seconds=LIMIT, window_seconds=1.0, search_per_second=5))],
)
@pytest.mark.parametrize("paced", [True, False])
@pytest.mark.slow  # bursts paced over real seconds
def test_the_limiter_keeps_a_burst_under_the_limit(sandbox: RunningSandbox, paced: bool) -> None:
    created = make_portal(sandbox).create_list("Target", processing_type="MANUAL")
    sandbox.sandbox.realism.reset()
    portal = make_portal(sandbox, limiter=LimiterSettings(enabled=paced, burst=LIMIT, window_seconds=1.0))
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(8):
                portal.get_list(created.id)
        except BaseException as error:  # noqa: BLE001 - collected for the assertion below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    refused = sandbox.sandbox.realism.stats().limited_ten_secondly
    if paced:
        assert refused == 0 and portal.stats().rate_limited == 0
        assert portal.stats().calls["lists.get"] == 24
    else:  # the control: the same burst without pacing is refused, then recovers by retrying
        assert refused > 0 and portal.stats().rate_limited == refused


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(rate_limits=RateLimits(search_per_second=5))])
@pytest.mark.slow  # paced over real seconds
def test_the_limiter_paces_search_to_its_own_bucket(sandbox: RunningSandbox) -> None:
    seed_crm(sandbox.sandbox, contacts=10, companies=1, seed=2)
    portal = make_portal(sandbox, limiter=LimiterSettings())
    assert [portal.count("contacts") for _ in range(9)] == [10] * 9
    assert sandbox.sandbox.realism.stats().limited_secondly == 0
    assert portal.stats().rate_limited == 0


# --- the token stays secret -----------------------------------------------------------------


@pytest.mark.parametrize(
    "sandbox_config", [SandboxConfig(tokens={SECRET: ["crm.lists.read"]}, rate_limits=RateLimits(daily=6))]
)
def test_the_token_never_appears_in_errors_or_reprs(sandbox: RunningSandbox) -> None:
    portal = make_portal(sandbox, token=SECRET, retry=RetrySettings(max_attempts=2, backoff_base_seconds=0.01))
    raised: list[PortalError] = []

    def capture(action: object) -> None:
        try:
            action()  # type: ignore[operator]
        except PortalError as error:
            raised.append(error)

    capture(lambda: portal.get_list("424242"))  # NotFound
    capture(lambda: portal.create_list("x", processing_type="MANUAL"))  # MissingScope
    capture(lambda: make_portal(sandbox, token=SECRET + "x").all_lists())  # AuthenticationFailed
    capture(lambda: portal.memberships_page("1", limit=1000))  # ValidationFailed or NotFound
    sandbox.sandbox.realism.configure(faults=Faults(rate_5xx=1.0, max_injected=2))
    capture(lambda: portal.get_list("1"))  # PortalUnavailable
    sandbox.sandbox.realism.configure(faults=Faults())
    for _ in range(7):
        capture(lambda: portal.get_list("1"))  # ... until DailyLimitReached
    kinds = {type(e) for e in raised}
    assert {NotFound, MissingScope, AuthenticationFailed, PortalUnavailable, DailyLimitReached} <= kinds
    assert kinds & {ValidationFailed, NotFound}
    for error in raised:
        text = "".join(traceback.format_exception(error)) + repr(error) + str(vars(error))
        assert SECRET not in text
    settings = portal.settings
    for text in (repr(settings), str(settings), settings.model_dump_json(), repr(portal), str(settings.model_dump())):
        assert SECRET not in text


# --- no answer at all -----------------------------------------------------------------------


def test_connection_refused_is_retried_then_portal_unavailable(sandbox: RunningSandbox) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    portal = Portal(
        PortalSettings(
            token=TOKEN,
            base_url=f"http://127.0.0.1:{closed}",
            retry=RetrySettings(max_attempts=3, backoff_base_seconds=0.01),
        )
    )
    with pytest.raises(PortalUnavailable) as failure:
        portal.get_list("1")
    assert failure.value.attempts == 3 and failure.value.status is None
    assert portal.stats().calls["lists.get"] == 3


def test_a_tls_failure_is_a_portal_error_and_not_retried(sandbox: RunningSandbox) -> None:
    portal = Portal(
        PortalSettings(token=TOKEN, base_url=sandbox.base_url.replace("http://", "https://"), retry=FAST_RETRY)
    )
    with pytest.raises(PortalError) as failure:
        portal.get_list("1")
    assert not isinstance(failure.value, PortalUnavailable)
    assert portal.stats().calls["lists.get"] == 1


# --- the limits HubSpot reports -----------------------------------------------------------------


@pytest.mark.parametrize(
    "sandbox_config", [SandboxConfig(rate_limits=RateLimits(per_ten_seconds=12, window_seconds=1.0, daily=5000))]
)
@pytest.mark.parametrize("learns", [True, False])
def test_the_client_paces_by_the_limits_hubspot_reports_not_the_assumed_tier(
    sandbox: RunningSandbox, learns: bool
) -> None:
    created = make_portal(sandbox).create_list("Target", processing_type="MANUAL")
    sandbox.sandbox.realism.reset()
    # Assumes the biggest tier (250 a window); only an explicit burst keeps the client from learning.
    limiter = LimiterSettings(window_seconds=1.0, burst=None if learns else 250)
    portal = Portal(
        PortalSettings(
            token=TOKEN, base_url=sandbox.base_url, retry=FAST_RETRY, tier="api-limit-increase", limiter=limiter
        )
    )
    portal.get_list(created.id)  # the first answer carries the headers
    learned = portal.learned_limits()
    assert (learned.burst, learned.window_seconds, learned.daily) == (12, 1.0, 5000)
    threads = [threading.Thread(target=lambda: [portal.get_list(created.id) for _ in range(8)]) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refused = sandbox.sandbox.realism.stats().limited_ten_secondly
    if learns:
        assert refused == 0 and portal.stats().rate_limited == 0
    else:  # the control: paced by the assumed 250, the same burst is refused
        assert refused > 0
