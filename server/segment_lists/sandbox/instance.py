"""One sandbox portal: its settings, its database, its clock, and who wants to hear about changes."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from segment_lists.sandbox.clock import Clock
from segment_lists.sandbox.realism import Realism
from segment_lists.sandbox.sandbox_config import SandboxConfig
from segment_lists.sandbox.store import Store

RecordsChanged = Callable[[str, list[int]], None]


class Sandbox:
    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.store = Store(self.config.db_path)
        self.clock = Clock(self.config.time_zone, self.config.frozen_now)
        # Rate limits, latency and faults (off by default); `realism.configure(...)` while running.
        self.realism = Realism(self.config, self.clock)
        self._record_listeners: list[RecordsChanged] = []

    # --- auth --------------------------------------------------------------------------------

    def accepts_any_token(self) -> bool:
        return not self.config.tokens

    def token_known(self, token: str | None) -> bool:
        if token is None or token == "":
            return False
        return self.accepts_any_token() or token in self.config.tokens

    def token_has_any_scope(self, token: str | None, scopes: Iterable[str]) -> bool:
        if self.accepts_any_token():
            return True
        granted = self.config.tokens.get(token or "")
        if granted is None:
            return token in self.config.tokens
        return any(scope in granted for scope in scopes)

    # --- change notification (DYNAMIC lists re-evaluate on record writes) ----------------------

    def on_records_changed(self, listener: RecordsChanged) -> None:
        self._record_listeners.append(listener)

    def records_changed(self, object_type: str, record_ids: list[int]) -> None:
        for listener in self._record_listeners:
            listener(object_type, record_ids)
