"""How to reach a HubSpot portal: where, with which token, at which rate tier, with which retries.

The token is supplied by the caller (reading it from the environment is
`segment_lists.workflow.environment`'s job). It is a `SecretStr`: it never shows in a repr, a log
line or an error message. HubSpot's own figures (tiers, search rate) are in `data.hubspot_limits`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from segment_lists.data.hubspot_limits import HUBSPOT_API, SEARCH_PER_SECOND, TIER_BURST, RateTier
from segment_lists.portal.endpoints import ApiVersion


class RetrySettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    # Attempts per call for 5xx answers and broken connections (first try included).
    max_attempts: int = Field(default=5, ge=1)
    # 429s are part of normal pacing: they get their own, larger budget.
    max_rate_limit_retries: int = Field(default=8, ge=0)
    # No call keeps retrying beyond this, whatever the budgets say.
    max_total_seconds: float = Field(default=120.0, gt=0)
    # Exponential backoff with full jitter: sleep uniform(0, min(cap, base * 2**(n-1))).
    backoff_base_seconds: float = Field(default=0.5, ge=0)
    backoff_cap_seconds: float = Field(default=20.0, ge=0)


class LimiterSettings(BaseModel):
    """The client-side pacing that keeps 429s rare. Defaults follow the tier."""

    model_config = ConfigDict(frozen=True)

    enabled: bool = True
    burst: int | None = Field(default=None, ge=1)  # per window; None = the tier's
    window_seconds: float = Field(default=10.0, gt=0)  # HubSpot's rolling window
    search_per_second: int = Field(default=SEARCH_PER_SECOND, ge=1)
    # Fraction of each limit left unused: other apps' and clocks' slack.
    safety_margin: float = Field(default=0.1, ge=0, lt=1)
    # Undocumented whether search also counts toward the 10-second bucket (reference §12.2):
    # assume it does.
    search_counts_toward_burst: bool = True


class PortalSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    token: SecretStr
    base_url: str = HUBSPOT_API
    tier: RateTier = "free"
    # "latest": each API family at its latest GA date version; "legacy": the v3/v4 paths (portal.endpoints).
    api_version: ApiVersion = "latest"
    retry: RetrySettings = Field(default_factory=RetrySettings)
    limiter: LimiterSettings = Field(default_factory=LimiterSettings)
    timeout_seconds: float = Field(default=30.0, gt=0)
    # The portal's IANA time zone, when known: the daily limit resets at its midnight. If None
    # it is learned from the account details once they have been read.
    time_zone: str | None = None

    def burst_limit(self) -> int:
        """Calls allowed per window by the client: the tier's burst less the safety margin."""
        raw = self.limiter.burst or TIER_BURST[self.tier]
        return max(1, int(raw * (1 - self.limiter.safety_margin)))
