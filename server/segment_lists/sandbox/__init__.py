"""A local HTTP server that speaks HubSpot's public API faithfully enough for the official SDK.

HubSpot's side of the wire: it never imports the portal client, the planner or the workflow.
Everything outside the sandbox (the CLI, tests, benchmarks) imports from here, never from its modules,
so the sandbox can be rearranged inside without touching its users.

Besides the portal and its seeders, five modules are public under the names tests know them by, for
putting data into a portal in-process (records, associations, property definitions, lists, workflows
and emails) where going over HTTP would only slow a test down.
"""

from segment_lists.sandbox.clock import iso
from segment_lists.sandbox.crm import associations, records
from segment_lists.sandbox.crm import properties as crm_properties
from segment_lists.sandbox.crm.object_types import COMPANIES, CONTACTS
from segment_lists.sandbox.instance import Sandbox
from segment_lists.sandbox.lists import service as lists_service
from segment_lists.sandbox.runner import RunningSandbox
from segment_lists.sandbox.sandbox_config import (
    ALL_SCOPES,
    TIER_LIMITS,
    Credential,
    Faults,
    RateLimits,
    SandboxConfig,
    SearchLimits,
    Strictness,
    parse_fault_spec,
)
from segment_lists.sandbox.seed import assets
from segment_lists.sandbox.seed.crm_data import SeedSummary, seed_crm
from segment_lists.sandbox.seed.demo_portal import DemoSummary, seed_demo

__all__ = [
    "ALL_SCOPES",
    "COMPANIES",
    "CONTACTS",
    "Credential",
    "TIER_LIMITS",
    "DemoSummary",
    "Faults",
    "RateLimits",
    "RunningSandbox",
    "Sandbox",
    "SandboxConfig",
    "SearchLimits",
    "SeedSummary",
    "Strictness",
    "assets",
    "associations",
    "crm_properties",
    "iso",
    "lists_service",
    "parse_fault_spec",
    "records",
    "seed_crm",
    "seed_demo",
]
