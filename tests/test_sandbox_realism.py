"""The sandbox's realism controls: HubSpot's rate limits, latency and injected faults, over real HTTP.

Raw urllib3 is used where the exact bytes matter (status, headers, body, a broken connection);
the official SDK where what matters is what a HubSpot client sees.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest
import urllib3
from hubspot.crm.contacts import ApiException as ContactsApiException
from urllib3.util.retry import Retry

import hubspot
from segment_lists.sandbox import Faults, RateLimits, RunningSandbox, SandboxConfig

TEST_TOKEN = "pat-na1-00000000-sandbox-test-token"  # as in conftest.py
HTTP = urllib3.PoolManager(retries=False)
ANY_PATH = "/crm/v3/objects/contacts"
SEARCH_PATH = "/crm/v3/objects/contacts/search"
TEN_SECONDLY_MESSAGE = "You have reached your ten_secondly_rolling limit."


def call(
    sandbox: RunningSandbox,
    path: str = ANY_PATH,
    *,
    method: str = "GET",
    token: str | None = TEST_TOKEN,
    body: object | None = None,
) -> urllib3.BaseHTTPResponse:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    return HTTP.request(method, sandbox.base_url + path, headers=headers, body=data)


def outcome(sandbox: RunningSandbox, path: str = ANY_PATH) -> str:
    """One request, summarised: 'ok', '429', '502'..., or 'dropped'."""
    try:
        response = call(sandbox, path)
    except urllib3.exceptions.ProtocolError:
        return "dropped"
    return "429" if response.status == 429 else str(response.status) if response.status >= 500 else "ok"


def assert_rate_limit_body(response: urllib3.BaseHTTPResponse, policy: str, message: str) -> None:
    assert response.status == 429
    body = json.loads(response.data)
    assert set(body) == {"status", "message", "errorType", "correlationId", "policyName", "requestId"}
    assert body["status"] == "error"
    assert body["errorType"] == "RATE_LIMIT"
    assert body["policyName"] == policy
    assert body["message"] == message
    assert body["correlationId"] != body["requestId"]


# --- defaults -------------------------------------------------------------------------------


def test_everything_is_off_by_default_and_auth_still_applies(sandbox: RunningSandbox) -> None:
    responses = [call(sandbox) for _ in range(30)]
    assert all(r.status != 429 for r in responses)
    # Nothing is enforced, but every answer reports the tier's figures, as HubSpot's do.
    last = responses[-1].headers
    assert (last["X-HubSpot-RateLimit-Max"], last["X-HubSpot-RateLimit-Daily"]) == ("190", "625000")
    assert last["X-HubSpot-RateLimit-Remaining"] == str(190 - 30)
    assert call(sandbox, token=None).status == 401
    stats = sandbox.sandbox.realism.stats()
    assert stats.requests == 30  # the unauthenticated request never reached the realism layer
    assert stats.rate_limited == 0 and stats.injected == 0


# --- the 10-second bucket ---------------------------------------------------------------------


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(rate_limits=RateLimits(per_ten_seconds=3))])
def test_ten_second_bucket_answers_hubspots_429_with_headers(sandbox: RunningSandbox) -> None:
    allowed = [call(sandbox) for _ in range(3)]
    assert [r.headers["X-HubSpot-RateLimit-Remaining"] for r in allowed] == ["2", "1", "0"]
    for response in allowed:
        assert response.status != 429
        assert response.headers["X-HubSpot-RateLimit-Max"] == "3"
        assert response.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    refused = call(sandbox)
    assert_rate_limit_body(refused, "TEN_SECONDLY_ROLLING", TEN_SECONDLY_MESSAGE)
    assert "Retry-After" not in refused.headers  # HubSpot does not document one: off by default
    # Another private app (token) has its own bucket.
    assert call(sandbox, token="pat-na1-another-app").status != 429
    assert sandbox.sandbox.realism.stats().limited_ten_secondly == 1


@pytest.mark.parametrize(
    "sandbox_config", [SandboxConfig(rate_limits=RateLimits(per_ten_seconds=1, send_retry_after=True))]
)
def test_retry_after_is_sent_only_when_configured(sandbox: RunningSandbox) -> None:
    call(sandbox)
    refused = call(sandbox)
    assert refused.status == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 10


@pytest.mark.parametrize(
    "sandbox_config", [SandboxConfig(rate_limits=RateLimits(per_ten_seconds=2, window_seconds=0.3))]
)
def test_the_window_rolls(sandbox: RunningSandbox) -> None:
    assert [call(sandbox).status == 429 for _ in range(3)] == [False, False, True]
    time.sleep(0.35)
    assert call(sandbox).status != 429


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(rate_limits=RateLimits(per_ten_seconds=2))])
def test_the_sdk_sees_a_429_as_an_api_exception_with_hubspots_body(sandbox: RunningSandbox) -> None:
    sdk = hubspot.HubSpot(access_token=TEST_TOKEN, host=sandbox.base_url, retry=Retry(total=False))
    basic = sdk.crm.contacts.basic_api
    errors = []
    for _ in range(3):
        try:
            basic.get_page(limit=1)
        except ContactsApiException as error:
            errors.append(error)
    statuses = [e.status for e in errors]
    assert statuses.count(429) == 1
    limited = next(e for e in errors if e.status == 429)
    assert json.loads(limited.body)["policyName"] == "TEN_SECONDLY_ROLLING"


# --- the daily limit ------------------------------------------------------------------------


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(rate_limits=RateLimits(daily=2))])
def test_daily_limit_and_its_reset_at_midnight_in_the_portals_time_zone(sandbox: RunningSandbox) -> None:
    first, second = call(sandbox), call(sandbox)
    assert first.headers["X-HubSpot-RateLimit-Daily"] == "2"
    assert [
        first.headers["X-HubSpot-RateLimit-Daily-Remaining"],
        second.headers["X-HubSpot-RateLimit-Daily-Remaining"],
    ] == ["1", "0"]
    refused = call(sandbox)
    assert_rate_limit_body(refused, "DAILY", "You have reached your daily limit.")
    # The daily limit is per account: a second app is refused too.
    assert call(sandbox, token="pat-na1-another-app").status == 429
    clock = sandbox.sandbox.clock
    local = clock.now().astimezone(clock.zone)
    past_midnight = timedelta(days=1, minutes=1) - timedelta(hours=local.hour, minutes=local.minute)
    clock.advance(past_midnight)
    assert call(sandbox).status != 429
    assert sandbox.sandbox.realism.stats().limited_daily == 2


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(rate_limits=RateLimits(daily=1, send_retry_after=True))])
def test_daily_retry_after_points_at_midnight(sandbox: RunningSandbox) -> None:
    call(sandbox)
    refused = call(sandbox)
    clock = sandbox.sandbox.clock
    local = clock.now().astimezone(clock.zone)
    to_midnight = 86400 - (local.hour * 3600 + local.minute * 60 + local.second)
    assert abs(int(refused.headers["Retry-After"]) - to_midnight) <= 2


# --- the search bucket ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "sandbox_config", [SandboxConfig(rate_limits=RateLimits(per_ten_seconds=50, search_per_second=2))]
)
def test_search_has_its_own_secondly_bucket_and_only_daily_rate_limit_headers(sandbox: RunningSandbox) -> None:
    searches = [call(sandbox, SEARCH_PATH, method="POST", body={"limit": 1}) for _ in range(3)]
    assert [r.status == 429 for r in searches] == [False, False, True]
    assert_rate_limit_body(searches[2], "SECONDLY", "You have reached your secondly limit.")
    for response in searches:
        sent = {k.lower() for k in response.headers if k.lower().startswith("x-hubspot-ratelimit")}
        assert sent == {"x-hubspot-ratelimit-daily", "x-hubspot-ratelimit-daily-remaining"}
    # Other endpoints are not held back by the search bucket; searches counted toward 10 s (default).
    other = call(sandbox)
    assert other.status != 429
    assert other.headers["X-HubSpot-RateLimit-Remaining"] == str(50 - 2 - 1)
    assert sandbox.sandbox.realism.stats().limited_secondly == 1


@pytest.mark.parametrize(
    "sandbox_config",
    [
        SandboxConfig(
            rate_limits=RateLimits(per_ten_seconds=50, search_per_second=5, search_counts_toward_ten_second=False)
        )
    ],
)
def test_search_can_be_left_out_of_the_ten_second_bucket(sandbox: RunningSandbox) -> None:
    for _ in range(3):
        assert call(sandbox, SEARCH_PATH, method="POST", body={"limit": 1}).status != 429
    assert call(sandbox).headers["X-HubSpot-RateLimit-Remaining"] == "49"


# --- injected faults ------------------------------------------------------------------------


MIXED = Faults(seed=7, rate_429=0.15, burst_429=2, rate_5xx=0.2, rate_drop=0.1)


def run_sequence(sandbox: RunningSandbox, faults: Faults, n: int = 40) -> list[str]:
    sandbox.sandbox.realism.configure(faults=faults)
    return [outcome(sandbox) for _ in range(n)]


def test_fault_sequence_is_reproducible_by_seed_and_counted(sandbox: RunningSandbox) -> None:
    first = run_sequence(sandbox, MIXED)
    stats = sandbox.sandbox.realism.stats()
    again = run_sequence(sandbox, MIXED.model_copy())
    other_seed = run_sequence(sandbox, MIXED.model_copy(update={"seed": 8}))
    assert first == again
    assert first != other_seed
    assert {"ok", "429", "dropped"} <= set(first)
    assert any(o in {"502", "503", "504"} for o in first)
    assert stats.injected_429 == first.count("429")
    assert stats.dropped == first.count("dropped")
    assert stats.injected_5xx == sum(o in {"502", "503", "504"} for o in first)
    assert stats.requests == 40


def test_429_burst_with_and_without_retry_after(sandbox: RunningSandbox) -> None:
    realism = sandbox.sandbox.realism
    realism.configure(faults=Faults(rate_429=1.0, burst_429=3, max_injected=3))
    responses = [call(sandbox) for _ in range(4)]
    assert [r.status for r in responses[:3]] == [429, 429, 429]
    assert responses[3].status != 429
    assert "Retry-After" not in responses[0].headers
    assert_rate_limit_body(responses[0], "TEN_SECONDLY_ROLLING", TEN_SECONDLY_MESSAGE)
    realism.configure(faults=Faults(rate_429=1.0, retry_after_on_injected_429=True, retry_after_seconds=2))
    assert call(sandbox).headers["Retry-After"] == "2"


def test_5xx_bodies_html_or_hubspot_json(sandbox: RunningSandbox) -> None:
    realism = sandbox.sandbox.realism
    realism.configure(faults=Faults(rate_5xx=1.0, statuses_5xx=[503], body_5xx="html"))
    page = call(sandbox)
    assert page.status == 503 and page.headers["Content-Type"].startswith("text/html")
    assert b"503 Service Temporarily Unavailable" in page.data
    realism.configure(faults=Faults(rate_5xx=1.0, statuses_5xx=[502], body_5xx="json"))
    envelope = call(sandbox)
    assert envelope.status == 502
    assert json.loads(envelope.data)["status"] == "error"


@pytest.mark.parametrize("mode", ["before", "after"])
def test_dropped_connection_is_a_broken_connection_for_urllib3(sandbox: RunningSandbox, mode: str) -> None:
    sandbox.sandbox.realism.configure(faults=Faults(rate_drop=1.0, drop_mode=mode))  # type: ignore[arg-type]
    with pytest.raises(urllib3.exceptions.ProtocolError) as caught:
        call(sandbox)
    assert "IncompleteRead" in str(caught.value)
    # The SDK with urllib3 retries off surfaces it as the same urllib3 error, not an ApiException.
    sdk = hubspot.HubSpot(access_token=TEST_TOKEN, host=sandbox.base_url, retry=Retry(total=False))
    with pytest.raises(urllib3.exceptions.ProtocolError):
        sdk.crm.contacts.basic_api.get_page(limit=1)
    assert sandbox.sandbox.realism.stats().dropped == 2


def test_faults_only_on_matching_paths_and_methods(sandbox: RunningSandbox) -> None:
    realism = sandbox.sandbox.realism
    realism.configure(faults=Faults(rate_5xx=1.0, paths=["/crm/v3/lists"], methods=["POST"]))
    assert call(sandbox, "/crm/v3/lists/search", method="POST", body={}).status >= 500
    assert call(sandbox, "/crm/v3/lists/1").status < 500
    assert call(sandbox, ANY_PATH, method="POST", body={}).status < 500
    assert realism.stats().injected_5xx == 1


def test_faults_flip_on_and_off_on_a_running_sandbox(sandbox: RunningSandbox) -> None:
    realism = sandbox.sandbox.realism
    realism.configure(faults=Faults(rate_5xx=1.0))
    assert call(sandbox).status >= 500
    realism.configure(faults=Faults())
    assert call(sandbox).status < 500
    assert realism.stats().injected == 0  # configure() restarts the counters


# --- latency --------------------------------------------------------------------------------


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(latency_seconds=0.4)])
def test_latency_delays_each_request_without_blocking_the_server(sandbox: RunningSandbox) -> None:
    started = time.monotonic()
    threads = [threading.Thread(target=call, args=(sandbox,)) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    assert elapsed >= 0.4
    assert elapsed < 5 * 0.4  # the five delays overlapped: the event loop was not blocked


def test_latency_spikes_are_counted(sandbox: RunningSandbox) -> None:
    realism = sandbox.sandbox.realism
    realism.configure(faults=Faults(latency_spike_rate=1.0, latency_spike_seconds=0.2, max_injected=0))
    started = time.monotonic()
    call(sandbox)
    assert time.monotonic() - started >= 0.2
    assert realism.stats().latency_spikes == 1
