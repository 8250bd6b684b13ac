"""Hand-built CRM data for list tests, written straight into the sandbox's tables.

Until every record write goes through the CRM module, this helper writes rows the way the store
schema describes them (properties as a JSON object of strings, property history, associations in
both directions: contact->company 279, company->contact 280, HUBSPOT_DEFINED) and then announces
the change with `sandbox.records_changed`, exactly as the CRM module does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from segment_lists.sandbox.clock import iso
from segment_lists.sandbox.instance import Sandbox
from segment_lists.sandbox.store import dumps, loads

CONTACT, COMPANY = "0-1", "0-2"
CONTACT_TO_COMPANY, COMPANY_TO_CONTACT = 279, 280


class Portal:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def _now(self) -> str:
        return self.sandbox.clock.now_iso()

    def record(
        self,
        object_type: str,
        props: dict[str, Any] | None = None,
        *,
        at: datetime | None = None,
        record_id: int | None = None,
    ) -> int:
        stamp = iso(at) if at else self._now()
        rid = record_id or self.sandbox.store.next_id("test-record", start=101)
        values = {k: str(v) for k, v in (props or {}).items() if v is not None}
        values.setdefault("hs_object_id", str(rid))
        with self.sandbox.store.transaction() as db:
            db.execute(
                "INSERT INTO objects (object_type, id, properties, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                (object_type, rid, dumps(values), stamp, stamp),
            )
            db.executemany(
                "INSERT INTO property_history (object_type, id, property, value, timestamp) VALUES (?, ?, ?, ?, ?)",
                [(object_type, rid, k, v, stamp) for k, v in values.items()],
            )
        self.sandbox.records_changed(object_type, [rid])
        return rid

    def contact(self, props: dict[str, Any] | None = None, **kwargs: Any) -> int:
        return self.record(CONTACT, props, **kwargs)

    def company(self, props: dict[str, Any] | None = None, **kwargs: Any) -> int:
        return self.record(COMPANY, props, **kwargs)

    def update(self, object_type: str, rid: int, props: dict[str, Any | None], *, at: datetime | None = None) -> None:
        """Set (or, with None, clear) properties; each change is written to property history."""
        stamp = iso(at) if at else self._now()
        with self.sandbox.store.transaction() as db:
            row = db.execute(
                "SELECT properties FROM objects WHERE object_type = ? AND id = ?", (object_type, rid)
            ).fetchone()
            values = loads(row["properties"])
            for key, value in props.items():
                if value is None:
                    values.pop(key, None)
                else:
                    values[key] = str(value)
                db.execute(
                    "INSERT INTO property_history (object_type, id, property, value, timestamp) VALUES (?, ?, ?, ?, ?)",
                    (object_type, rid, key, None if value is None else str(value), stamp),
                )
            db.execute(
                "UPDATE objects SET properties = ?, updated_at = ? WHERE object_type = ? AND id = ?",
                (dumps(values), stamp, object_type, rid),
            )
        self.sandbox.records_changed(object_type, [rid])

    def archive(self, object_type: str, rid: int) -> None:
        with self.sandbox.store.transaction() as db:
            db.execute("UPDATE objects SET archived = 1 WHERE object_type = ? AND id = ?", (object_type, rid))
        self.sandbox.records_changed(object_type, [rid])

    def associate(self, contact_id: int, company_id: int) -> None:
        with self.sandbox.store.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO associations VALUES (?, ?, ?, ?, ?, 'HUBSPOT_DEFINED')",
                (CONTACT, contact_id, COMPANY, company_id, CONTACT_TO_COMPANY),
            )
            db.execute(
                "INSERT OR IGNORE INTO associations VALUES (?, ?, ?, ?, ?, 'HUBSPOT_DEFINED')",
                (COMPANY, company_id, CONTACT, contact_id, COMPANY_TO_CONTACT),
            )
        self.sandbox.records_changed(CONTACT, [contact_id])
        self.sandbox.records_changed(COMPANY, [company_id])


def prop(name: str, operation: dict[str, Any]) -> dict[str, Any]:
    return {"filterType": "PROPERTY", "property": name, "operation": operation}


def branch(*groups: list[dict[str, Any]], nested: list[list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """OR of AND groups; `nested[i]` are extra branches (ASSOCIATION...) for group i."""
    return {
        "filterBranchType": "OR",
        "filters": [],
        "filterBranches": [
            {
                "filterBranchType": "AND",
                "filters": list(group),
                "filterBranches": (nested[i] if nested and i < len(nested) else []),
            }
            for i, group in enumerate(groups)
        ],
    }


def association(
    filters: list[dict[str, Any]],
    *,
    object_type: str = COMPANY,
    type_id: int = CONTACT_TO_COMPANY,
    operator: str = "IN_LIST",
) -> dict[str, Any]:
    return {
        "filterBranchType": "ASSOCIATION",
        "objectTypeId": object_type,
        "operator": operator,
        "associationTypeId": type_id,
        "associationCategory": "HUBSPOT_DEFINED",
        "filters": filters,
        "filterBranches": [],
    }
