"""A local HTTP server that speaks HubSpot's public API faithfully enough for the official SDK.

HubSpot's side of the wire: it never imports the portal client, the planner or the workflow.
Everything outside the sandbox (the CLI, tests, benchmarks) imports from here, never from its modules,
so the sandbox can be rearranged inside without touching its users.
"""

from segment_lists.sandbox.clock import iso
from segment_lists.sandbox.config import ALL_SCOPES, TIER_LIMITS, Faults, RateLimits, SandboxConfig
from segment_lists.sandbox.crm_types import COMPANIES, CONTACTS
from segment_lists.sandbox.runner import RunningSandbox
from segment_lists.sandbox.seed_crm import SeedSummary, seed_crm
from segment_lists.sandbox.seed_demo import DemoSummary, seed_demo
from segment_lists.sandbox.state import Sandbox

__all__ = [
    "ALL_SCOPES",
    "COMPANIES",
    "CONTACTS",
    "TIER_LIMITS",
    "DemoSummary",
    "Faults",
    "RateLimits",
    "RunningSandbox",
    "Sandbox",
    "SandboxConfig",
    "SeedSummary",
    "iso",
    "seed_crm",
    "seed_demo",
]
