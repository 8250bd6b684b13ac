"""One sandbox portal: its settings, its database, its clock, and every in-memory view of its data.

A `Sandbox` owns all of its state. The CRM caches, the association and record indexes and the list
engine hang off it explicitly, never off a module global keyed by sandbox: two portals in one process
(tests run many) can then never see each other's data, a portal's caches go when it goes, and a
reader finds everything a portal holds here. The modules in `crm/` and `lists/` are functions of a
`Sandbox` that reach their state through these attributes.
"""

from __future__ import annotations

from collections.abc import Iterable

from segment_lists.sandbox.access_log import AccessLog
from segment_lists.sandbox.clock import Clock
from segment_lists.sandbox.crm.associations import AssociationIndex
from segment_lists.sandbox.crm.properties import DefinitionCache
from segment_lists.sandbox.crm.record_index import RecordIndex
from segment_lists.sandbox.crm.records import RecordCache
from segment_lists.sandbox.lists.engine import ListEngine
from segment_lists.sandbox.realism import Realism
from segment_lists.sandbox.sandbox_config import Credential, SandboxConfig
from segment_lists.sandbox.store import Store


class Sandbox:
    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.store = Store(self.config.db_path)
        self.clock = Clock(self.config.time_zone, self.config.frozen_now)
        # Rate limits, latency and faults (off by default); `realism.configure(...)` while running.
        self.realism = Realism(self.config, self.clock)
        # Every request's method, path and status (`access_log.entries()`).
        self.access_log = AccessLog()
        # In-memory views of the database, each loaded on first use and kept current by the writes.
        self.property_cache = DefinitionCache()  # crm.properties: definitions by type and name
        self.record_cache = RecordCache()  # crm.records: records by type and id, unique emails
        self.association_index = AssociationIndex()  # crm.associations: who is linked to whom
        self.record_index = RecordIndex(self.store)  # parsed property columns (lists, column search)
        self.list_engine = ListEngine(self)  # when DYNAMIC / SNAPSHOT lists are (re-)evaluated

    # --- auth --------------------------------------------------------------------------------

    def accepts_any_token(self) -> bool:
        return not self.config.tokens

    def token_known(self, token: str | None) -> bool:
        if token is None or token == "":
            return False
        return self.accepts_any_token() or token in self.config.tokens

    def credential(self, token: str | None) -> Credential | None:
        """What the token stands for (None: not accepted). Any token, when none are configured, is a
        private app's with every scope."""
        if not self.token_known(token):
            return None
        granted = self.config.tokens.get(token or "")
        if isinstance(granted, Credential):
            return granted
        return Credential(kind=self.config.token_kind(token), scopes=granted)

    def token_has_any_scope(self, token: str | None, scopes: Iterable[str]) -> bool:
        credential = self.credential(token)
        if credential is None:
            return False
        return credential.scopes is None or any(scope in credential.scopes for scope in scopes)

    # --- change notification -------------------------------------------------------------------

    def records_changed(self, object_type: str, record_ids: list[int]) -> None:
        """Every record write ends here: the record index queues the ids (it re-reads them before the
        next evaluation or column search) and the lists that read this object type become stale."""
        ids = [int(i) for i in record_ids]
        with self.store.lock:
            self.record_index.note_changed(object_type, ids)
            self.list_engine.records_changed(object_type, ids)
