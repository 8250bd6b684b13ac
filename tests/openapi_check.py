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
    "crm-contacts-v3/contacts.json",
    "crm-companies-v3/companies.json",
    "crm-objects-v3/objects.json",
    "crm-properties-v3/properties.json",
    "crm-associations-v4/associations.json",
    "automation-v4/automationV4.json",
    "marketing-emails-v3/marketingEmails.json",
]


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


@functools.cache
def _operations() -> list[tuple[str, re.Pattern[str], dict[str, Any], dict[str, Any]]]:
    root = SPEC_ROOT
    found = []
    for name in SPEC_FILES:
        path = root / name
        if not path.exists():
            continue
        spec = _rewrite(json.loads(path.read_text()))
        for template, item in spec["paths"].items():
            pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "/?$")
            for method, operation in item.items():
                if method in {"get", "put", "post", "patch", "delete"}:
                    found.append((method.upper(), pattern, operation, spec))
    # Literal segments beat parameters: try the most specific template first.
    found.sort(key=lambda op: -len(op[1].pattern.replace("[^/]+", "")))
    return found


def response_schema(method: str, path: str, status: int) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    for op_method, pattern, operation, spec in _operations():
        if op_method == method.upper() and pattern.match(path):
            responses = operation.get("responses", {})
            response = responses.get(str(status)) or responses.get("default")
            if isinstance(response, dict) and "$ref" in response:
                # Responses may point into components (HubSpot's `default` error response does).
                node: Any = spec
                for part in response["$ref"].removeprefix("#/").split("/"):
                    node = node[part]
                response = node
            if response is None:
                raise AssertionError(f"{method} {path}: status {status} is not in the spec ({sorted(responses)})")
            content = response.get("content") or {}
            media = content.get("application/json") or next(iter(content.values()), None)
            return (media or {}).get("schema"), spec
    raise AssertionError(f"{method} {path}: no such operation in HubSpot's specs")


def assert_conforms(method: str, path: str, status: int, body: Any) -> None:
    """Raise AssertionError naming the first schema violation."""
    schema, spec = response_schema(method, path, status)
    if schema is None:
        assert body in (None, b"", ""), f"{method} {path} {status}: spec has no body, got {body!r}"
        return
    resolver_schema = {**schema, "components": spec["components"]}
    validator = jsonschema.Draft202012Validator(resolver_schema)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        location = "/".join(str(p) for p in first.absolute_path)
        raise AssertionError(f"{method} {path} {status}: at '{location}': {first.message}")
