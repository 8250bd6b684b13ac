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

__all__ = [
    "AmbiguousWrite",
    "AuthenticationFailed",
    "DailyLimitReached",
    "DuplicateListName",
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
