"""A local HTTP server that speaks HubSpot's public API faithfully enough for the official SDK.

HubSpot's side of the wire: it never imports the portal client, the planner or the workflow.
"""

from segment_lists.sandbox.config import Faults, RateLimits, SandboxConfig
from segment_lists.sandbox.runner import RunningSandbox
from segment_lists.sandbox.state import Sandbox

__all__ = ["Faults", "RateLimits", "RunningSandbox", "Sandbox", "SandboxConfig"]
