"""The answers the front end gives: the real server's own, recorded in `manifest.json`.

Recorded per profile (the full server, or `--read-only`), protocol version and method, as the whole
JSON-RPC response without its id (a result, or an error: at 2026-07-28 `ping` is "Method not found").
The recording is only the truth for the MCP SDK and pydantic it was made with (pydantic writes the
tools' schemas, the SDK negotiates versions and shapes results), so the front end is used only when
those installed are the same versions; otherwise the real server answers everything, as before.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANIFEST_PATH = Path(__file__).with_name("manifest.json")
FULL, READ_ONLY = "full", "read_only"
PROFILES = (FULL, READ_ONLY)
# The distributions whose versions decide the recorded answers.
RECORDED_WITH = ("mcp", "mcp-types", "pydantic")

Body = dict[str, Any]  # {"result": ...} or {"error": ...}


@dataclass(frozen=True)
class Manifest:
    handshake_versions: tuple[str, ...]  # reached through `initialize`, oldest first
    modern_versions: tuple[str, ...]  # per-request envelope (2026-07-28 and later)
    made_with: dict[str, str]  # distribution -> version
    answers: dict[str, dict[str, dict[str, Body]]]  # profile -> protocol version -> method -> body

    @property
    def latest_handshake(self) -> str:
        return self.handshake_versions[-1]

    def answer(self, profile: str, version: str, method: str) -> Body | None:
        return self.answers.get(profile, {}).get(version, {}).get(method)


def to_json(manifest: Manifest) -> dict[str, Any]:
    """The file's form: each distinct body once (most are the same across versions), referred to by index."""
    bodies: list[str] = []
    index: dict[str, int] = {}

    def ref(body: Body) -> int:
        key = json.dumps(body, sort_keys=True)
        if key not in index:
            index[key] = len(bodies)
            bodies.append(key)
        return index[key]

    answers = {
        profile: {
            version: {method: ref(body) for method, body in methods.items()} for version, methods in versions.items()
        }
        for profile, versions in manifest.answers.items()
    }
    return {
        "about": "What `segment-lists serve` answers before the MCP SDK has loaded; recorded from the real server. "
        "Do not edit: python -m segment_lists.mcp.frontend_manifest",
        "made_with": manifest.made_with,
        "handshake_versions": list(manifest.handshake_versions),
        "modern_versions": list(manifest.modern_versions),
        "answers": answers,
        "bodies": [json.loads(body) for body in bodies],
    }


def from_json(data: dict[str, Any]) -> Manifest:
    bodies = data["bodies"]
    return Manifest(
        handshake_versions=tuple(data["handshake_versions"]),
        modern_versions=tuple(data["modern_versions"]),
        made_with=dict(data["made_with"]),
        answers={
            profile: {
                version: {method: bodies[i] for method, i in methods.items()} for version, methods in versions.items()
            }
            for profile, versions in data["answers"].items()
        },
    )


def load(path: Path = MANIFEST_PATH) -> Manifest | None:
    """The manifest, or None when it is missing or unreadable (the front end then stays off)."""
    try:
        return from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def installed_versions(names: tuple[str, ...] = RECORDED_WITH) -> dict[str, str]:
    """The installed version of each distribution, from the first `*.dist-info` on sys.path that names it
    (what `importlib.metadata.version` finds, without its ~40 ms import on the cold-start path)."""
    wanted = {_normalized(name): name for name in names}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            listing = os.listdir(entry or ".")
        except OSError:
            continue
        for item in listing:
            if not item.endswith(".dist-info"):
                continue
            dist, _, version = item[: -len(".dist-info")].partition("-")
            name = wanted.get(_normalized(dist))
            if name is not None and name not in found:
                found[name] = version
        if len(found) == len(wanted):
            break
    return found


def matches_installed(manifest: Manifest) -> bool:
    """Whether the recording holds for this installation (same MCP SDK and pydantic versions)."""
    return installed_versions(tuple(manifest.made_with)) == manifest.made_with
