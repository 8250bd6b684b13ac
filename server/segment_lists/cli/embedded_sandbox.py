"""A seeded sandbox portal inside this process: `--sandbox` on every command, `serve --sandbox` and
`demo` start it here, the one place the command line reaches into `segment_lists.sandbox` (imported
when first used: serving HubSpot itself never loads the sandbox)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from segment_lists.workflow.environment import Settings
from segment_lists.workflow.runtime import sandbox_token

if TYPE_CHECKING:
    from segment_lists.sandbox import DemoSummary, RunningSandbox


@dataclass
class EmbeddedSandbox:
    running: RunningSandbox
    demo: DemoSummary  # what was seeded (e.g. the competitor domains the demo answers with)

    @property
    def base_url(self) -> str:
        return self.running.base_url

    def stop(self) -> None:
        self.running.stop()


def start_embedded_sandbox(contacts: int, seed: int, processing_seconds: float = 1.0) -> EmbeddedSandbox:
    from segment_lists.sandbox import RunningSandbox, SandboxConfig, seed_demo

    running = RunningSandbox(SandboxConfig(processing_seconds=processing_seconds)).start()
    try:
        demo = seed_demo(running.sandbox, contacts=contacts, seed=seed)
    except BaseException:
        running.stop()
        raise
    return EmbeddedSandbox(running=running, demo=demo)


def sandbox_settings(base: Settings, base_url: str, state_dir: Path | None) -> Settings:
    """Settings for a sandbox portal: its own (worthless) token, and a fresh state directory unless
    one is given, because a new sandbox reuses list ids and its journal must not mix with another's."""
    state = state_dir or Path(tempfile.mkdtemp(prefix="segment-lists-sandbox-"))
    return base.model_copy(update={"token": sandbox_token(), "base_url": base_url, "sandbox": True, "state_dir": state})
