"""Validate sandbox responses against HubSpot's published OpenAPI specs (tests/hubspot/openapi, see SOURCE.md).

`conforms(method, path, status, body)` finds the operation whose path template matches the
concrete path in any of the specs, takes the response schema for the status (or `default`), and
validates with jsonschema. The specs' `oneOf`s overlap (a filter matches several branches), so
they are read as `anyOf`, which is what HubSpot's own SDK generators effectively do.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import jsonschema

SPEC_ROOT = Path(__file__).resolve().parent / "hubspot" / "openapi"
SPEC_FILES = [
    "crm-lists-v3/lists.json",
    "crm-lists-2026-03/lists.json",
    "crm-lists-2026-09/lists.json",
    "crm-lists-2026-09-beta/lists.json",
    "crm-contacts-v3/contacts.json",
    "crm-companies-v3/companies.json",
    "crm-objects-v3/objects.json",
    "crm-objects-2026-03/objects.json",
    "crm-objects-2026-09/objects.json",
    "crm-properties-v3/properties.json",
    "crm-properties-2026-03/properties.json",
    "crm-properties-2026-09/properties.json",
    "crm-associations-v4/associations.json",
    "crm-associations-2026-03/associations.json",
    "crm-associations-2026-09/associations.json",
    "crm-associations-schema-v4/associationsSchema.json",
    "crm-associations-schema-2026-03/associationsSchema.json",
    "crm-associations-schema-2026-09/associationsSchema.json",
    "account-info-v3/accountInfo.json",
    "account-info-2026-03/accountInfo.json",
    "account-info-2026-09/accountInfo.json",
    "settings-users-v3/userProvisioning.json",
    "settings-users-2026-03/userProvisioning.json",
    "automation-v4/automationV4.json",
    "marketing-emails-v3/marketingEmails.json",
    "marketing-emails-2026-03/marketingEmails.json",
    "marketing-emails-2026-09/marketingEmails.json",
]
# The spec collection's `2026-09/` lists file is a pre-release placeholder (committed once in March 2026,
# never updated, without the `/all` endpoint HubSpot's 2026-09 guide documents); the shipped 2026-09
# contract is what HubSpot publishes as `2026-09-beta`. Its templates also stand for the GA paths, and a
# 2026-09 response must satisfy both files wherever both define the operation (SOURCE.md).
PATH_ALIASES = {"crm-lists-2026-09-beta/lists.json": ("/crm/lists/2026-09-beta", "/crm/lists/2026-09")}


# HubSpot's generator writes a map of Java `Object`s (any JSON value) as additionalProperties of this
# shape, e.g. a workflow action's `fields` ({"listId": "1234"} in HubSpot's own changelog examples):
# read it as "any value".
_ANY_OBJECT = {"type": "object", "properties": {}, "example": None}


def _rewrite(node: Any) -> Any:
    if isinstance(node, dict):
        if node.get("additionalProperties") == _ANY_OBJECT:
            node = {**node, "additionalProperties": {}}
        out = {("anyOf" if key == "oneOf" else key): _rewrite(value) for key, value in node.items()}
        if out.get("nullable") is True and "type" in out:
            out["type"] = [out["type"], "null"]
        return out
    if isinstance(node, list):
        return [_rewrite(item) for item in node]
    return node


Operation = tuple[str, str, re.Pattern[str], dict[str, Any], dict[str, Any]]  # file, method, path, op, spec


@functools.cache
def _operations() -> list[Operation]:
    root = SPEC_ROOT
    found = []
    for name in SPEC_FILES:
        path = root / name
        if not path.exists():
            continue
        spec = _rewrite(json.loads(path.read_text()))
        for template, item in spec["paths"].items():
            if name in PATH_ALIASES:
                old, new = PATH_ALIASES[name]
                template = template.replace(old, new, 1)
            pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "/?$")
            for method, operation in item.items():
                if method in {"get", "put", "post", "patch", "delete"}:
                    found.append((name, method.upper(), pattern, operation, spec))
    # Literal segments beat parameters: try the most specific template first.
    found.sort(key=lambda op: -len(op[2].pattern.replace("[^/]+", "")))
    return found


def spec_operations(method: str, path: str) -> list[Operation]:
    """Every spec file's operation for this concrete path: per file, its most specific template."""
    seen: set[str] = set()
    matches = []
    for op in _operations():
        if op[1] == method.upper() and op[2].match(path) and op[0] not in seen:
            seen.add(op[0])
            matches.append(op)
    return matches


def _schema(operation: dict[str, Any], spec: dict[str, Any], where: str, status: int) -> dict[str, Any] | None:
    responses = operation.get("responses", {})
    response = responses.get(str(status)) or responses.get("default")
    if isinstance(response, dict) and "$ref" in response:
        # Responses may point into components (HubSpot's `default` error response does).
        node: Any = spec
        for part in response["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        response = node
    if response is None:
        raise AssertionError(f"{where}: status {status} is not in the spec ({sorted(responses)})")
    content = response.get("content") or {}
    media = content.get("application/json") or next(iter(content.values()), None)
    return (media or {}).get("schema")


def response_schema(method: str, path: str, status: int) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The schema of the most specific matching operation (the first spec that has it)."""
    matches = spec_operations(method, path)
    if not matches:
        raise AssertionError(f"{method} {path}: no such operation in HubSpot's specs")
    _, _, _, operation, spec = matches[0]
    return _schema(operation, spec, f"{method} {path}", status), spec


def assert_conforms(method: str, path: str, status: int, body: Any) -> None:
    """Raise AssertionError naming the first schema violation, against every spec file that defines
    the operation (a date-versioned path must satisfy each of its version's files)."""
    matches = spec_operations(method, path)
    if not matches:
        raise AssertionError(f"{method} {path}: no such operation in HubSpot's specs")
    for name, _, _, operation, spec in matches:
        where = f"{method} {path} {status} ({name})"
        schema = _schema(operation, spec, where, status)
        if schema is None:
            assert body in (None, b"", ""), f"{where}: spec has no body, got {body!r}"
            continue
        resolver_schema = {**schema, "components": spec["components"]}
        validator = jsonschema.Draft202012Validator(resolver_schema)
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        if errors:
            first = errors[0]
            location = "/".join(str(p) for p in first.absolute_path)
            raise AssertionError(f"{where}: at '{location}': {first.message}")
