"""HubSpot's rate limits, latency and infrastructure faults, emulated (all off by default).

`Realism.admit` decides, for one request, what the portal does before (or instead of) routing it:
delay it, answer 429/5xx, drop the connection, or let it through with the rate-limit headers.
It reads `SandboxConfig.rate_limits`, `.faults` and `.latency_seconds` on every request, so
settings can be changed on a running sandbox (`configure`); a new `Faults` object restarts the
seeded random sequence, which makes a run of faults reproducible.

Rate limits (reference §12.1/§12.2): a rolling window per token (`per_ten_seconds`), a daily
counter per account that resets at midnight in the portal's time zone, and a per-account
`search_per_second` bucket for CRM search. Requests refused with 429, and requests hit by an
injected fault before processing, do not count.

Every answer carries HubSpot's `X-HubSpot-RateLimit-*` headers, whether or not limits are enforced:
the enforced figures, else the portal tier's (`data.hubspot_limits`). Private apps and service keys
get all seven; OAuth tokens no Daily pair (changelog "Rate limit headers will now appear for OAuth
authenticated calls"); CRM search answers only the Daily pair (recorded HubSpot responses;
`SandboxConfig.search_rate_headers`). Every answer also carries `X-HubSpot-Correlation-Id`.
"""

from __future__ import annotations

import base64
import json
import math
import random
import re
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel

from segment_lists.data.hubspot_limits import (
    HEADER_DAILY,
    HEADER_DAILY_REMAINING,
    HEADER_INTERVAL,
    HEADER_MAX,
    HEADER_REMAINING,
    HEADER_SECONDLY,
    HEADER_SECONDLY_REMAINING,
    PUBLIC_APP_BURST,
    TIER_BURST,
    TIER_DAILY,
)
from segment_lists.sandbox.clock import Clock
from segment_lists.sandbox.sandbox_config import Faults, RateLimits, SandboxConfig

# CRM search, at the legacy and the date-versioned paths (/crm/objects/<version>/<type>/search).
SEARCH_PATH = re.compile(r"^/crm/(v3/objects|objects/[^/]+)/[^/]+/search/?$")
SEARCH_WINDOW_SECONDS = 1.0
JSON_TYPE = b"application/json;charset=utf-8"

Policy = Literal["TEN_SECONDLY_ROLLING", "DAILY", "SECONDLY"]

POLICY_MESSAGES: dict[str, str] = {
    "TEN_SECONDLY_ROLLING": "You have reached your ten_secondly_rolling limit.",
    "DAILY": "You have reached your daily limit.",
    "SECONDLY": "You have reached your secondly limit.",
}

GATEWAY_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n</body>\r\n</html>\r\n"
)
REASONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Time-out",
}


class RealismStats(BaseModel):
    """What the realism layer did since the last reset (for tests and benchmarks)."""

    requests: int = 0
    limited_ten_secondly: int = 0
    limited_daily: int = 0
    limited_secondly: int = 0
    injected_429: int = 0
    injected_5xx: int = 0
    dropped: int = 0
    latency_spikes: int = 0

    @property
    def rate_limited(self) -> int:
        return self.limited_ten_secondly + self.limited_daily + self.limited_secondly

    @property
    def injected(self) -> int:
        return self.injected_429 + self.injected_5xx + self.dropped


@dataclass
class Canned:
    """A complete response sent instead of routing the request."""

    status: int
    body: bytes
    headers: list[tuple[bytes, bytes]]


@dataclass
class Verdict:
    delay: float = 0.0
    reply: Canned | None = None
    drop: Literal["before", "after"] | None = None
    # Added to the routed response (the X-HubSpot-RateLimit-* headers).
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)


class Realism:
    """Thread-safe: `admit` runs on the event loop, tests read `stats()` from their own thread."""

    def __init__(self, config: SandboxConfig, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self._lock = threading.Lock()
        self._stats = RealismStats()
        self._windows: dict[str, deque[float]] = {}
        self._search_window: deque[float] = deque()
        self._daily_day: str | None = None
        self._daily_count = 0
        self._seeded_for: Faults | None = None
        self._rng = random.Random(0)
        self._burst_left = 0
        self._injected = 0

    # --- control ----------------------------------------------------------------------------

    def configure(
        self,
        *,
        rate_limits: RateLimits | None = None,
        faults: Faults | None = None,
        latency_seconds: float | None = None,
    ) -> None:
        """Change settings on a running sandbox; buckets, counters and the fault sequence restart."""
        with self._lock:
            if rate_limits is not None:
                self.config.rate_limits = rate_limits
            if faults is not None:
                self.config.faults = faults
            if latency_seconds is not None:
                self.config.latency_seconds = latency_seconds
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._stats = RealismStats()
            self._windows.clear()
            self._search_window.clear()
            self._daily_day, self._daily_count = None, 0
            self._seeded_for = None

    def stats(self) -> RealismStats:
        with self._lock:
            return self._stats.model_copy()

    # --- per request ------------------------------------------------------------------------

    def admit(self, method: str, path: str, token: str | None) -> Verdict:
        with self._lock:
            self._stats.requests += 1
            self._reseed_if_changed()
            verdict = Verdict(delay=self.config.latency_seconds)
            faults = self.config.faults
            if faults.latency_spike_rate > 0 and self._rng.random() < faults.latency_spike_rate:
                self._stats.latency_spikes += 1
                verdict.delay += faults.latency_spike_seconds
            if self._fault_applies(faults, method, path):
                self._inject(faults, verdict, token)
                if verdict.reply is not None or verdict.drop == "before":
                    return verdict
            self._apply_rate_limits(method, path, token or "", verdict)
            verdict.headers.append((b"x-hubspot-correlation-id", str(uuid.uuid4()).encode()))
            return verdict

    def _reseed_if_changed(self) -> None:
        faults = self.config.faults
        if faults is not self._seeded_for:
            self._seeded_for = faults
            self._rng = random.Random(faults.seed)
            self._burst_left = 0
            self._injected = 0

    def _fault_applies(self, faults: Faults, method: str, path: str) -> bool:
        if faults.rate_429 <= 0 and faults.rate_5xx <= 0 and faults.rate_drop <= 0 and self._burst_left == 0:
            return False
        if faults.paths and not any(part in path for part in faults.paths):
            return False
        if faults.methods and method.upper() not in {m.upper() for m in faults.methods}:
            return False
        return faults.max_injected is None or self._injected < faults.max_injected

    def _inject(self, faults: Faults, verdict: Verdict, token: str | None) -> None:
        if self._burst_left > 0:
            self._burst_left -= 1
            self._injected_429(faults, verdict)
            return
        # One draw per request against cumulative thresholds keeps the sequence a pure
        # function of the seed and the order of requests.
        draw = self._rng.random()
        if draw < faults.rate_drop:
            self._injected += 1
            self._stats.dropped += 1
            mode = faults.drop_mode
            if mode == "mixed":
                mode = "after" if self._rng.random() < 0.5 else "before"
            verdict.drop = mode
        elif draw < faults.rate_drop + faults.rate_5xx:
            self._injected += 1
            self._stats.injected_5xx += 1
            verdict.reply = self._five_xx(faults, token)
        elif draw < faults.rate_drop + faults.rate_5xx + faults.rate_429:
            self._burst_left = max(faults.burst_429, 1) - 1
            self._injected_429(faults, verdict)

    def _injected_429(self, faults: Faults, verdict: Verdict) -> None:
        self._injected += 1
        self._stats.injected_429 += 1
        headers = (
            [(b"retry-after", str(faults.retry_after_seconds).encode())] if faults.retry_after_on_injected_429 else []
        )
        verdict.reply = rate_limit_reply("TEN_SECONDLY_ROLLING", headers)

    def _five_xx(self, faults: Faults, token: str | None) -> Canned:
        status = self._rng.choice(faults.statuses_5xx or [502])
        echo = "; ".join(_echoed(token or "", form) for form in faults.echo_token)
        kind = faults.body_5xx
        if kind == "mixed":
            kind = "html" if self._rng.random() < 0.5 else "json"
        if kind == "html":
            reason = REASONS.get(status, "Server Error")
            page = GATEWAY_PAGE.format(status=status, reason=reason) + (f"<!-- {echo} -->" if echo else "")
            return Canned(status, page.encode(), [(b"content-type", b"text/html")])
        body = {
            "status": "error",
            "message": "internal error" + (f" (request credentials: {echo})" if echo else ""),
            "correlationId": str(uuid.uuid4()),
            "category": "INTERNAL_ERROR",
        }
        return Canned(status, json.dumps(body).encode(), [(b"content-type", JSON_TYPE)])

    # --- rate limits ------------------------------------------------------------------------

    def _apply_rate_limits(self, method: str, path: str, token: str, verdict: Verdict) -> None:
        limits = self.config.rate_limits
        now = time.monotonic()
        is_search = method.upper() == "POST" and SEARCH_PATH.match(path) is not None
        counts_ten = not is_search or limits.search_counts_toward_ten_second
        window = self._windows.setdefault(token, deque())
        _expire(window, now - limits.window_seconds)
        _expire(self._search_window, now - SEARCH_WINDOW_SECONDS)
        day = self.clock.now().astimezone(self.clock.zone).date().isoformat()
        if day != self._daily_day:
            self._daily_day, self._daily_count = day, 0

        refusal: tuple[Policy, float] | None = None
        if limits.daily is not None and self._daily_count >= limits.daily:
            refusal = ("DAILY", self._seconds_to_midnight())
        elif (
            is_search and limits.search_per_second is not None and len(self._search_window) >= limits.search_per_second
        ):
            refusal = ("SECONDLY", self._search_window[0] + SEARCH_WINDOW_SECONDS - now)
        elif counts_ten and limits.per_ten_seconds is not None and len(window) >= limits.per_ten_seconds:
            refusal = ("TEN_SECONDLY_ROLLING", window[0] + limits.window_seconds - now)

        if refusal is None:
            self._daily_count += 1
            # Counted whether or not enforced: the Remaining headers tell the truth either way.
            if counts_ten:
                window.append(now)
            if is_search:
                self._search_window.append(now)
        headers = self._limit_headers(limits, token, window, now, search=is_search)
        if refusal is None:
            verdict.headers = headers
            return
        policy, wait = refusal
        counter = {
            "DAILY": "limited_daily",
            "SECONDLY": "limited_secondly",
            "TEN_SECONDLY_ROLLING": "limited_ten_secondly",
        }[policy]
        setattr(self._stats, counter, getattr(self._stats, counter) + 1)
        if limits.send_retry_after:
            headers.append((b"retry-after", str(max(1, math.ceil(wait))).encode()))
        verdict.reply = rate_limit_reply(policy, headers)

    def _limit_headers(
        self, limits: RateLimits, token: str, window: deque[float], now: float, *, search: bool
    ) -> list[tuple[bytes, bytes]]:
        """HubSpot's X-HubSpot-RateLimit-* headers for this token's kind: the enforced figures, else
        the tier's."""
        oauth = self.config.token_kind(token) == "oauth"
        tier = self.config.tier
        headers: list[tuple[str, int]] = []
        if not oauth:
            daily = limits.daily if limits.daily is not None else TIER_DAILY[tier]
            headers += [(HEADER_DAILY, daily), (HEADER_DAILY_REMAINING, max(0, daily - self._daily_count))]
        if not search or self.config.search_rate_headers == "all":
            burst = limits.per_ten_seconds or (PUBLIC_APP_BURST if oauth else TIER_BURST[tier])
            secondly = max(1, burst // 10)
            last_second = 0
            for moment in reversed(window):
                if moment <= now - 1.0:
                    break
                last_second += 1
            headers += [
                (HEADER_INTERVAL, int(limits.window_seconds * 1000)),
                (HEADER_MAX, burst),
                (HEADER_REMAINING, max(0, burst - len(window))),
                (HEADER_SECONDLY, secondly),
                (HEADER_SECONDLY_REMAINING, max(0, secondly - last_second)),
            ]
        return [(name.lower().encode(), str(value).encode()) for name, value in headers]

    def _seconds_to_midnight(self) -> float:
        local = self.clock.now().astimezone(self.clock.zone)
        tomorrow = local.date() + timedelta(days=1)
        midnight = datetime.combine(tomorrow, datetime.min.time(), tzinfo=self.clock.zone)
        return (midnight - local).total_seconds()


def _echoed(token: str, form: str) -> str:
    """The token as a careless server might quote it back."""
    if form == "lower":
        return token.lower()
    if form == "upper":
        return token.upper()
    if form == "url":
        return "".join(f"%{byte:02X}" for byte in token.encode())
    if form == "spaced":
        return " ".join(token)
    if form == "base64":
        return base64.b64encode(token.encode()).decode()
    if form == "basic":
        return "Basic " + base64.b64encode(f"api:{token}".encode()).decode()
    if form == "bearer":
        return f"Authorization: Bearer {token}"
    return token


def rate_limit_reply(policy: Policy, headers: list[tuple[bytes, bytes]]) -> Canned:
    body = {
        "status": "error",
        "message": POLICY_MESSAGES[policy],
        "errorType": "RATE_LIMIT",
        "correlationId": str(uuid.uuid4()),
        "policyName": policy,
        "requestId": str(uuid.uuid4()),
    }
    return Canned(429, json.dumps(body).encode(), [(b"content-type", JSON_TYPE), *headers])


def _expire(window: deque[float], cutoff: float) -> None:
    while window and window[0] <= cutoff:
        window.popleft()
