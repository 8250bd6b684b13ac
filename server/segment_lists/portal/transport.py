"""Every HubSpot call goes through here: pacing, retries, error mapping, call counting.

Exactly one layer retries. The SDK's urllib3 retries are switched off (`Retry(total=False)`), so
a 429, a 5xx or a broken connection always reaches this module as one failed attempt, and POSTs
are retried deliberately rather than never (urllib3's default) or blindly:

- 429: wait (Retry-After if sent, else until the 10-second window frees, ~1 s for SECONDLY), retry;
  a DAILY 429 is never retried: `DailyLimitReached` says when the limit resets.
- 5xx, broken connections, timeouts: exponential backoff with full jitter, bounded in attempts
  and total time, then `PortalUnavailable`.
- Writes that are not idempotent (`create=True`, e.g. POST a list) are not retried after an
  ambiguous failure (the server may have done the work): `AmbiguousWrite` is raised for the
  caller to look before re-posting.

The official SDK is the HTTP layer: every call goes through its generated `ApiClient.call_api`
(authentication, connection pool, query serialisation, timeouts, its typed `ApiException`), with the
path `portal.endpoints` gives for the configured API version. Its generated per-operation methods are
not used: they have `/crm/v3/...` and `/automation/v4/...` baked in, and HubSpot's current APIs are
date-versioned. `client.api_request` is not used either: it runs a second HTTP stack (requests) with
no timeout and prints failures to stdout, which would corrupt an MCP stdio stream.

Responses are read as HubSpot's JSON, verbatim (`_preload_content=False`): the SDK's models drop
fields they lack (`listPermissions`, `isPublicList`...) and its merged oneOf models add some
(an ENUMERATION operation comes back with `"type": "TIME_RANGED"`), which would corrupt a filter
definition read and sent back.

Every answer's `X-HubSpot-RateLimit-*` headers teach the transport the portal's real limits
(`learned_limits`): the 10-second allowance replaces the one assumed from the configured tier (unless
a burst was set explicitly), so a Professional or Enterprise portal is paced by its own figures.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import urllib3
from urllib3.util.retry import Retry

from segment_lists.boundary.redaction import redact
from segment_lists.boundary.text import shorten
from segment_lists.data.hubspot_limits import (
    HEADER_DAILY,
    HEADER_DAILY_REMAINING,
    HEADER_INTERVAL,
    HEADER_MAX,
    RateTier,
    tier_from_daily_limit,
)
from segment_lists.portal.connection import PortalSettings
from segment_lists.portal.endpoints import endpoint_path
from segment_lists.portal.errors import (
    TOKEN_REJECTED_FIX,
    AmbiguousWrite,
    AuthenticationFailed,
    DailyLimitReached,
    DuplicateListName,
    MissingScope,
    NotFound,
    PortalError,
    PortalUnavailable,
    RateLimited,
    ValidationFailed,
)
from segment_lists.portal.limiter import Limiter

JSON_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}


@dataclass
class Failure:
    """One failed attempt, whatever layer it came from."""

    status: int | None  # None: no HTTP answer (connection refused/dropped, timeout); 0: TLS/parse
    body: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    sent: bool = True  # False only when the request certainly never reached the server

    @property
    def retry_after(self) -> float | None:
        for key, value in self.headers.items():
            if key.lower() == "retry-after":
                try:
                    return max(float(value), 0.0)
                except ValueError:
                    return None
        return None

    def describe(self) -> str:
        if not self.status:
            return self.text or "the connection failed"
        return f"HTTP {self.status}" + (f" ({self.body['message']})" if self.body.get("message") else "")


@dataclass
class CallStats:
    """What the transport did: HTTP attempts per endpoint name, and how often it waited or retried."""

    calls: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    rate_limited: int = 0  # 429 answers received
    throttled_seconds: float = 0.0  # time spent waiting in the client-side limiter

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())


@dataclass(frozen=True)
class LearnedLimits:
    """What HubSpot's rate-limit headers said, last time they were sent (None: never sent)."""

    burst: int | None = None  # X-HubSpot-RateLimit-Max: calls per window for this app
    window_seconds: float | None = None  # X-HubSpot-RateLimit-Interval-Milliseconds / 1000
    daily: int | None = None  # X-HubSpot-RateLimit-Daily (private apps and service keys only)
    daily_remaining: int | None = None

    @property
    def tier(self) -> RateTier | None:
        """The subscription the daily allowance points at (an inference: no API names it)."""
        return tier_from_daily_limit(self.daily) if self.daily else None


def _header_int(headers: Mapping[str, str], name: str) -> int | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            try:
                return int(str(value).strip())
            except ValueError:
                return None
    return None


class Transport:
    def __init__(self, settings: PortalSettings) -> None:
        self.settings = settings
        self.limiter = Limiter.for_settings(settings)
        self.time_zone: str | None = settings.time_zone
        import hubspot  # the SDK (~0.3 s to import) only when a portal is opened, not when a server starts

        sdk = hubspot.HubSpot(
            access_token=settings.token.get_secret_value(),
            host=settings.base_url.rstrip("/"),
            retry=Retry(total=False, raise_on_status=False),
        )
        # Built once: every attribute access on the SDK builds a new Configuration, ApiClient and
        # connection pool. Any generated API's client would do; they differ only in their models.
        self._api_client = sdk.crm.lists.lists_api.api_client
        self._lock = threading.Lock()
        self._stats = CallStats()
        self._rng = random.Random()
        self._learned = LearnedLimits()

    def learned_limits(self) -> LearnedLimits:
        with self._lock:
            return self._learned

    def learn(self, headers: Mapping[str, str] | None) -> None:
        """Read HubSpot's rate-limit headers; pace by the 10-second figures unless a burst was set."""
        if not headers:
            return
        burst, interval = _header_int(headers, HEADER_MAX), _header_int(headers, HEADER_INTERVAL)
        daily, left = _header_int(headers, HEADER_DAILY), _header_int(headers, HEADER_DAILY_REMAINING)
        if burst is None and daily is None:
            return  # e.g. an answer that carries none (some endpoints, gateways)
        with self._lock:
            old = self._learned
            new = LearnedLimits(
                burst=burst if burst is not None else old.burst,
                window_seconds=interval / 1000 if interval else old.window_seconds,
                daily=daily if daily is not None else old.daily,
                daily_remaining=left if left is not None else old.daily_remaining,
            )
            self._learned = new
        changed = (new.burst, new.window_seconds) != (old.burst, old.window_seconds)
        general = self.limiter.general
        if changed and general is not None and new.burst and self.settings.limiter.burst is None:
            margin = self.settings.limiter.safety_margin
            general.resize(max(1, int(new.burst * (1 - margin))), new.window_seconds or general.window)

    def stats(self) -> CallStats:
        with self._lock:
            return CallStats(
                Counter(self._stats.calls), self._stats.retries, self._stats.rate_limited, self._stats.throttled_seconds
            )

    # --- calls --------------------------------------------------------------------------------

    def request(
        self,
        endpoint: str,
        *,
        path: dict[str, str] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        search: bool = False,
        create: bool = False,
        gone_ok: bool = False,
    ) -> Any:
        """Call one of `portal.endpoints` with pacing, retries and error mapping; returns HubSpot's
        JSON (None for 204). `endpoint` also names the call in the counter and in errors. `path`:
        the path parameters; `query`: list values repeat the parameter, booleans go as true/false.
        `gone_ok`: a 404 on a retry means an earlier attempt worked (DELETE after a dropped connection)."""
        method, resource = endpoint_path(endpoint, self.settings.api_version, **(path or {}))
        api_client = self._api_client
        params = _query_params(query or {})

        def send() -> Any:
            response = api_client.call_api(
                resource,
                method,
                path_params={},
                query_params=params,
                header_params=dict(JSON_HEADERS),
                body=body,
                post_params=[],
                files={},
                response_types_map={},
                auth_settings=["oauth2"],
                _return_http_data_only=True,
                _preload_content=False,
                _request_timeout=self.settings.timeout_seconds,
                collection_formats={},
            )
            self.learn(getattr(response, "headers", None))
            return read_json(response)

        return self._run(endpoint, send, search=search, create=create, gone_ok=gone_ok)

    def _run(self, endpoint: str, send: Callable[[], Any], *, search: bool, create: bool, gone_ok: bool) -> Any:
        retry = self.settings.retry
        started = time.monotonic()
        failures = 0
        limited = 0
        maybe_done = False  # an earlier attempt may have reached the server
        while True:
            permit = self.limiter.acquire(search=search)
            with self._lock:
                self._stats.calls[endpoint] += 1
                self._stats.throttled_seconds += permit.waited
            try:
                return send()
            except Exception as error:  # noqa: BLE001 - classified below; unknown ones re-raised
                failure = classify(error)
                if failure is None:
                    raise
                self.learn(failure.headers)
            finally:
                permit.release()
            elapsed = time.monotonic() - started
            if failure.status == 404 and gone_ok and maybe_done:
                return None
            if failure.status == 429:
                limited += 1
                with self._lock:
                    self._stats.rate_limited += 1
                policy = str(failure.body.get("policyName") or "TEN_SECONDLY_ROLLING")
                if policy == "DAILY":
                    raise DailyLimitReached(self._daily_reset(), **self._fields(failure, endpoint)) from None
                wait = self._hold_off(policy, failure.retry_after)
                if limited > retry.max_rate_limit_retries or elapsed + wait > retry.max_total_seconds:
                    raise RateLimited(
                        self._redact(
                            f"HubSpot kept answering 429 ({policy}) to {endpoint} after {limited} "
                            f"tries; retry in about {max(1, round(wait))} s."
                        ),
                        policy=policy,
                        retry_after=wait,
                        **self._fields(failure, endpoint),
                    ) from None
                if self.limiter.general is None:
                    time.sleep(wait)  # with the limiter on, the next acquire() waits instead
                self._count_retry()
                continue
            retryable = failure.status is None or failure.status >= 500
            if not retryable:
                raise self.map_error(failure, endpoint) from None
            if create and failure.sent:
                raise AmbiguousWrite(
                    self._redact(
                        f"{endpoint} failed ambiguously ({failure.describe()}): HubSpot may or may "
                        "not have done it. Look it up before trying again."
                    ),
                    **self._fields(failure, endpoint),
                ) from None
            failures += 1
            maybe_done = maybe_done or failure.sent
            delay = self._rng.uniform(
                0, min(retry.backoff_cap_seconds, retry.backoff_base_seconds * 2 ** (failures - 1))
            )
            if failures >= retry.max_attempts or elapsed + delay > retry.max_total_seconds:
                raise PortalUnavailable(
                    self._redact(
                        f"HubSpot did not answer {endpoint} after {failures} attempts (last: "
                        f"{failure.describe()}). Try again later; status.hubspot.com lists incidents."
                    ),
                    attempts=failures,
                    **self._fields(failure, endpoint),
                ) from None
            time.sleep(delay)
            self._count_retry()

    def _hold_off(self, policy: str, retry_after: float | None) -> float:
        """How long to wait after a 429, telling the limiter so every thread backs off."""
        bucket = self.limiter.search if policy == "SECONDLY" else self.limiter.general
        if bucket is not None:
            return bucket.hold_off(retry_after)
        if retry_after is not None:
            return retry_after
        return 1.0 if policy == "SECONDLY" else self.settings.limiter.window_seconds

    def _count_retry(self) -> None:
        with self._lock:
            self._stats.retries += 1

    def _daily_reset(self) -> datetime | None:
        if not self.time_zone:
            return None
        zone = ZoneInfo(self.time_zone)
        local = datetime.now(zone)
        return datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=zone)

    # --- errors -------------------------------------------------------------------------------

    def map_error(self, failure: Failure, endpoint: str) -> PortalError:
        """A final (non-retryable) failure as a typed error."""
        fields = self._fields(failure, endpoint)
        message = self._redact(
            str(failure.body.get("message") or shorten(failure.text, 300) or f"HTTP {failure.status}")
        )
        status = failure.status
        if status == 401:
            return AuthenticationFailed(
                f"HubSpot rejected the access token ({message}). {TOKEN_REJECTED_FIX}",
                **fields,
            )
        if status == 403:
            scopes = required_scopes(failure.body)
            if scopes or failure.body.get("category") == "MISSING_SCOPES":
                return MissingScope(scopes, **fields)
            return PortalError(f"HubSpot refused {endpoint} (403): {message}", **fields)
        if status == 404:
            return NotFound(f"{endpoint}: not found ({message})", **fields)
        if "DUPLICATE_LIST_NAMES" in str(failure.body.get("subCategory") or ""):
            return DuplicateListName(None, message, **fields)
        if status in (400, 409, 422):
            details = failure.body.get("errors")
            return ValidationFailed(message, errors=details if isinstance(details, list) else None, **fields)
        return PortalError(self._redact(f"{endpoint} failed: {failure.describe()}"), **fields)

    def _fields(self, failure: Failure, endpoint: str) -> dict[str, Any]:
        return {
            "status": failure.status,
            "category": failure.body.get("category") or failure.body.get("errorType"),
            "sub_category": failure.body.get("subCategory"),
            "correlation_id": failure.body.get("correlationId"),
            "endpoint": endpoint,
        }

    def _redact(self, text: str) -> str:
        """The token in any case or encoding, and anything shaped like a token, masked (an error body
        may echo what it was sent: a proxy, a gateway page, an API quoting the header)."""
        return redact(text, self.settings.token.get_secret_value())


def _query_params(query: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Query parameters as HubSpot reads them: `a=1&a=2` for a list, `true`/`false` for a boolean."""
    params: list[tuple[str, str]] = []
    for key, value in query.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            if item is None:
                continue
            params.append((key, ("true" if item else "false") if isinstance(item, bool) else str(item)))
    return params


def read_json(response: Any) -> Any:
    """The body of a raw urllib3 response as JSON (None when empty). Reading it here, inside the
    retried attempt, means a connection dropped mid-body counts as a failed attempt."""
    try:
        data = response.data
    finally:
        response.release_conn()
    return json.loads(data) if data else None


def classify(error: BaseException) -> Failure | None:
    """An SDK, urllib3 or socket exception as a Failure; None for anything else (a bug: re-raise)."""
    context = error.__context__
    if isinstance(error, AttributeError) and context is not None and type(context).__module__.startswith("hubspot."):
        # SDK quirk: on a TLS error it raises ApiException(status=0, body=None), then fails on
        # `e.body.decode` in its own handler; the AttributeError hides the real error.
        error = context
    if isinstance(error, urllib3.exceptions.MaxRetryError) and error.reason is not None:
        error = error.reason
    if isinstance(error, urllib3.exceptions.ConnectTimeoutError):  # includes NewConnectionError
        return Failure(None, text=type(error).__name__, sent=False)
    if isinstance(error, urllib3.exceptions.HTTPError | ConnectionError | TimeoutError):
        return Failure(None, text=type(error).__name__, sent=True)
    status = getattr(error, "status", None)
    if type(error).__module__.startswith("hubspot.") and isinstance(status, int):
        if status == 0:  # the SDK's wrapper for TLS errors and unparsable answers: not retryable
            return Failure(0, text=str(getattr(error, "reason", "") or type(error).__name__))
        # Each SDK sub-package has its own ApiException class: recognise them by shape.
        raw = getattr(error, "body", None)
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")
        try:
            body = json.loads(text) if text else {}
        except ValueError:
            body = {}
        headers = getattr(error, "headers", None) or {}
        return Failure(status, body if isinstance(body, dict) else {}, text, dict(headers.items()))
    return None


def required_scopes(body: Mapping[str, Any]) -> list[str]:
    """The scopes named in a 403 body (`errors[].context.requiredGranularScopes` or `requiredScopes`)."""
    found: list[str] = []
    details = body.get("errors")
    for item in details if isinstance(details, list) else []:
        context = item.get("context") if isinstance(item, dict) else None
        if not isinstance(context, dict):
            continue
        for key in ("requiredGranularScopes", "requiredScopes"):
            for scope in context.get(key) or []:
                if isinstance(scope, str) and scope not in found:
                    found.append(scope)
    return found
