"""The only code that talks to HubSpot: `Portal` over the official `hubspot-api-client` SDK."""

from segment_lists.portal.client import Portal
from segment_lists.portal.connection import LimiterSettings, PortalSettings, RetrySettings
from segment_lists.portal.errors import (
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
from segment_lists.portal.transport import LearnedLimits

__all__ = [
    "AmbiguousWrite",
    "AuthenticationFailed",
    "DailyLimitReached",
    "DuplicateListName",
    "LearnedLimits",
    "LimiterSettings",
    "MissingScope",
    "NotFound",
    "Portal",
    "PortalError",
    "PortalSettings",
    "PortalUnavailable",
    "RateLimited",
    "RetrySettings",
    "ValidationFailed",
]
