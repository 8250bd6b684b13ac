"""A seeded sandbox portal inside this process, the one place the command line reaches into
`segment_lists.sandbox` (imported when first used: serving HubSpot itself never loads the sandbox).

Two kinds: `serve --sandbox` and `demo` start a fresh portal in memory (gone when they end);
`--sandbox` on a workflow command opens the persistent portal in its database file (see
`cli.sandbox_home`), seeding it on first use.
"""

from __future__ import annotations

import os
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
    demo: DemoSummary | None  # what was seeded by this command (None: an earlier command seeded it)
    seeded_with: tuple[int, int] | None = None  # (contacts, seed) the portal was seeded with, when known

    @property
    def base_url(self) -> str:
        return self.running.base_url

    def stop(self) -> None:
        self.running.stop()
        self.running.sandbox.store.close()


def start_embedded_sandbox(contacts: int, seed: int, processing_seconds: float = 1.0) -> EmbeddedSandbox:
    """A fresh portal in memory, seeded now."""
    from segment_lists.sandbox import RunningSandbox, SandboxConfig, seed_demo

    running = RunningSandbox(SandboxConfig(processing_seconds=processing_seconds)).start()
    try:
        demo = seed_demo(running.sandbox, contacts=contacts, seed=seed)
    except BaseException:
        running.stop()
        raise
    return EmbeddedSandbox(running=running, demo=demo, seeded_with=(contacts, seed))


def open_persistent_sandbox(
    db_path: Path, contacts: int, seed: int, processing_seconds: float = 1.0
) -> EmbeddedSandbox:
    """The portal kept in `db_path`, served on a free local port; seeded first if the file does not
    exist yet. Seeding goes to a side file renamed into place when complete, so an interrupted seed
    never leaves a half-seeded portal behind. The caller holds the sandbox's lock."""
    from segment_lists.sandbox import RunningSandbox, Sandbox, SandboxConfig, seed_demo

    demo = None
    if not db_path.exists():
        db_path.parent.mkdir(parents=True, exist_ok=True)
        partial = db_path.with_name(f"{db_path.name}.seeding-{os.getpid()}")
        seeding = Sandbox(SandboxConfig(db_path=str(partial)))
        try:
            demo = seed_demo(seeding, contacts=contacts, seed=seed)
        finally:
            seeding.store.close()
        os.replace(partial, db_path)
    sandbox = Sandbox(SandboxConfig(db_path=str(db_path), processing_seconds=processing_seconds))
    try:
        running = RunningSandbox(sandbox=sandbox).start()
    except BaseException:
        sandbox.store.close()
        raise
    return EmbeddedSandbox(running=running, demo=demo, seeded_with=_seeded_with(sandbox.store.meta_get("seeded")))


def _seeded_with(marker: str | None) -> tuple[int, int] | None:
    """The seed marker `demo:<seed>:<contacts>` -> (contacts, seed)."""
    parts = (marker or "").split(":")
    if len(parts) == 3 and parts[0] == "demo" and parts[1].isdigit() and parts[2].isdigit():
        return int(parts[2]), int(parts[1])
    return None


def sandbox_settings(base: Settings, base_url: str, state_dir: Path) -> Settings:
    """Settings for a sandbox portal: its own (worthless) token, and its own state directory (a new
    sandbox reuses list ids, so its journal must never mix with another portal's)."""
    return base.model_copy(
        update={
            "token": sandbox_token(),
            "token_source": "the sandbox portal's own local token (it accepts any)",
            "base_url": base_url,
            "sandbox": True,
            "state_dir": state_dir,
        }
    )
