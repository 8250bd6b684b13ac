"""Shared fixtures: a live sandbox portal on a free port and the official SDK pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import hubspot
from segment_lists.sandbox import RunningSandbox, SandboxConfig

TEST_TOKEN = "pat-na1-00000000-sandbox-test-token"


@pytest.fixture
def anyio_backend() -> str:
    """The async tests (MCP clients) run on asyncio, the loop the MCP SDK and the server use."""
    return "asyncio"


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """Override in a test module (or parametrize) to change the portal's settings."""
    return SandboxConfig()


@pytest.fixture
def sandbox(sandbox_config: SandboxConfig) -> Iterator[RunningSandbox]:
    with RunningSandbox(sandbox_config) as running:
        yield running


@pytest.fixture
def sdk(sandbox: RunningSandbox) -> hubspot.HubSpot:
    """The official client, exactly as users build it, aimed at the sandbox."""
    return hubspot.HubSpot(access_token=TEST_TOKEN, host=sandbox.base_url, base_url=sandbox.base_url)
