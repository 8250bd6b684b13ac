"""HubSpot's echoed form of a filterBranch: what `GET /crm/v3/lists/{id}?includeFilters=true` returns
after a create or a filter update (reference §8.1, §9.1, §13).

HubSpot fills in what requests may omit: `filterBranchOperator` (the branch type; "AND" for
ASSOCIATION and UNIFIED_EVENTS branches), `filterBranches: []`, `filters: []`,
`includeObjectsWithNoValueSet: false` on operations, `subscriptionType: "SUBSCRIPTION"` on
EMAIL_SUBSCRIPTION filters, upper-case operation types (guide names mapped), and `type` on
TIME_POINT / TIME_RANGED operations. Works on raw JSON, keeps everything else, never raises on odd
input (it leaves what it does not understand alone), and is idempotent. `definition_key` builds on it:
two definitions HubSpot treats as the same (order of groups and filters aside) get the same key.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from .vocab import BRANCH_OPERATOR_DEFAULT, canonical_operation_type


def normalize_filter_branch(data: dict[str, Any]) -> dict[str, Any]:
    """A normalized deep copy of `data` (a filterBranch)."""
    result = copy.deepcopy(data)
    if isinstance(result, dict):
        _branch(result)
    return result


def normalize_operation(operation: dict[str, Any]) -> dict[str, Any]:
    """A normalized deep copy of one PROPERTY operation."""
    result = copy.deepcopy(operation)
    if isinstance(result, dict):
        _operation(result)
    return result


def _branch(branch: dict[str, Any]) -> None:
    kind = branch.get("filterBranchType")
    if isinstance(kind, str) and "filterBranchOperator" not in branch:
        branch["filterBranchOperator"] = BRANCH_OPERATOR_DEFAULT.get(kind, kind)
    branch.setdefault("filterBranches", [])
    branch.setdefault("filters", [])
    if isinstance(branch["filters"], list):
        for item in branch["filters"]:
            if isinstance(item, dict):
                _filter(item)
    if isinstance(branch["filterBranches"], list):
        for child in branch["filterBranches"]:
            if isinstance(child, dict):
                _branch(child)


def _filter(item: dict[str, Any]) -> None:
    kind = item.get("filterType")
    if kind == "PROPERTY" and isinstance(item.get("operation"), dict):
        _operation(item["operation"])
    elif kind == "EMAIL_SUBSCRIPTION":
        item.setdefault("subscriptionType", "SUBSCRIPTION")
    # Event filters carry PROPERTY-style lines and operations of their own.
    lines = item.get("filterLines")
    for line in lines if isinstance(lines, list) else []:
        if isinstance(line, dict) and isinstance(line.get("operation"), dict):
            _operation(line["operation"])
    if isinstance(item.get("valueComparison"), dict):
        _operation(item["valueComparison"])


def _operation(operation: dict[str, Any]) -> None:
    kind = canonical_operation_type(operation.get("operationType"))
    if kind is None:
        return  # unknown: left as it is, validation reports it
    operation["operationType"] = kind
    operation.setdefault("includeObjectsWithNoValueSet", False)
    if kind in ("TIME_POINT", "TIME_RANGED"):
        operation.setdefault("type", kind)


def definition_key(branch: dict[str, Any] | None) -> str:
    """Order-insensitive identity of a filter definition (groups and filters are sets to HubSpot)."""
    if branch is None:
        return ""

    def canonical(node: Any) -> Any:
        if isinstance(node, dict):
            out = {key: canonical(value) for key, value in node.items()}
            for key in ("filters", "filterBranches"):
                if isinstance(out.get(key), list):
                    out[key] = sorted(out[key], key=lambda item: json.dumps(item, sort_keys=True))
            return out
        if isinstance(node, list):
            return [canonical(item) for item in node]
        return node

    return json.dumps(canonical(normalize_filter_branch(branch)), sort_keys=True)
