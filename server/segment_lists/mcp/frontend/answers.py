"""Which lines the front end answers itself, and what the real server must still see.

The rule is to answer only when sure: a line is answered only if it is a plain JSON-RPC request whose
every part has a shape the MCP SDK certainly reads the same way, and the recorded answer for it is the
one the real server would give at that point of the session. Everything else goes to the real server,
in arrival order. After a line it cannot follow (unreadable, or a shape it does not know), the front end
no longer knows what state the real server would be in, so it answers nothing more ("blind").

The session state mirrors the SDK's (`mcp.server.runner.serve_dual_era_loop`): the client's first
request decides the era, once; a legacy session's protocol version is negotiated by `initialize`
(the client's version when supported, else the latest); 2026-07-28 requests each carry their version.
The real server must reach the same state, so the first request, when the front end answered it, is
also queued for the real server under an internal id (`replay_id`) whose answer is dropped: for a
legacy session that is the client's own `initialize`, capabilities and all.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from segment_lists.mcp.frontend.manifest import Manifest

LISTS = frozenset({"tools/list", "prompts/list", "resources/list", "resources/templates/list"})
LEGACY_METHODS = LISTS | {"ping"}
MODERN_METHODS = LISTS | {"server/discover", "ping"}
PROTOCOL_VERSION_KEY = "io.modelcontextprotocol/protocolVersion"
CLIENT_CAPABILITIES_KEY = "io.modelcontextprotocol/clientCapabilities"
CLIENT_INFO_KEY = "io.modelcontextprotocol/clientInfo"
MAX_LINE = 1 << 16  # longer lines are never a handshake or a listing
MAX_DEPTH = 8  # capabilities' free-form parts; the SDK's parser has its own, deeper limit
ID_RANGE = 1 << 63


class NotPlain(ValueError):
    """A part of a line whose reading by the SDK the front end cannot vouch for."""


@dataclass(frozen=True)
class Step:
    answer: str | None = None  # written to the client now
    forward: str | None = None  # queued for the real server, in arrival order


class Answerer:
    """Decides, line by line, until the real server takes over."""

    def __init__(self, manifest: Manifest, profile: str, replay_id: str) -> None:
        self._manifest = manifest
        self._profile = profile
        self.replay_id = replay_id
        self.replay_answer: dict[str, Any] | None = None  # what the client got for the replayed request
        self._era: str | None = None  # "legacy" or "modern", decided by the first request
        self._negotiated: str | None = None  # a legacy session's version, once this front end answered initialize
        self._blind = False

    def take(self, line: str) -> Step:
        if self._blind:
            return Step(forward=line)
        message = plain_message(line)
        if message is None:
            # It may be a request the SDK reads (an opening request, a second initialize): from here on the
            # front end cannot know the real server's state, so it answers nothing more.
            self._blind = True
            return Step(forward=line)
        if "id" not in message:  # a notification: the real server's to handle, no answer to give
            return Step(forward=line)
        opening = self._era is None
        if opening:
            self._era = era_of(message)
        elif message["method"] == "initialize":
            self._blind = True  # a second initialize may renegotiate the version
            return Step(forward=line)
        body = self._body(message, opening)
        if body is None:
            return Step(forward=line)
        replay = None
        if opening:
            replay, self.replay_answer = _dumps({**message, "id": self.replay_id}), body
        return Step(answer=_dumps({"jsonrpc": "2.0", "id": message["id"], **body}), forward=replay)

    def _body(self, message: dict[str, Any], opening: bool) -> dict[str, Any] | None:
        method, params = message["method"], message.get("params")
        if self._era == "legacy":
            if method == "initialize":
                requested = _initialize_version(params) if opening else None
                if requested is None:
                    return None
                supported = self._manifest.handshake_versions
                negotiated = requested if requested in supported else self._manifest.latest_handshake
                body = self._manifest.answer(self._profile, negotiated, method)
                if body is not None:
                    self._negotiated = negotiated
                return body
            if self._negotiated is None or method not in LEGACY_METHODS or params not in (None, {}):
                return None
            return self._manifest.answer(self._profile, self._negotiated, method)
        if method not in MODERN_METHODS or not isinstance(params, dict) or set(params) != {"_meta"}:
            return None
        version = _envelope_version(params["_meta"], self._manifest.modern_versions)
        return None if version is None else self._manifest.answer(self._profile, version, method)


def era_of(request: dict[str, Any]) -> str:
    """The SDK's rule: a first request carrying the 2026-07-28 envelope opens a modern session, unless it
    is `initialize`; anything else a legacy one."""
    params = request.get("params")
    meta = params.get("_meta") if isinstance(params, dict) else None
    modern = request["method"] != "initialize" and isinstance(meta, dict) and PROTOCOL_VERSION_KEY in meta
    return "modern" if modern else "legacy"


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# --- plain shapes: a subset of what the SDK reads, chosen so that both read it alike -----------------


def plain_message(line: str) -> dict[str, Any] | None:
    """A JSON-RPC request or notification in the plainest form, or None (responses, batches, odd keys,
    duplicate keys, NaN, lone surrogates, very long lines...)."""
    if len(line) > MAX_LINE:
        return None
    try:
        value = json.loads(line, object_pairs_hook=_object, parse_constant=_constant)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict) or value.get("jsonrpc") != "2.0" or not isinstance(value.get("method"), str):
        return None
    if set(value) - {"jsonrpc", "id", "method", "params"}:
        return None
    try:
        _text(value["method"])
        if "id" in value:
            _request_id(value["id"])
    except NotPlain:
        return None
    if "params" in value and not isinstance(value["params"], dict):
        return None
    return value


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise NotPlain("duplicate key")  # parsers differ on which one wins
    for key in keys:
        _text(key)
    return dict(pairs)


def _constant(name: str) -> Any:
    raise NotPlain(name)  # NaN and Infinity are not JSON


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise NotPlain("not a string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise NotPlain("lone surrogate") from None
    return value


def _request_id(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise NotPlain("id")
    if isinstance(value, int) and not -ID_RANGE <= value < ID_RANGE:
        raise NotPlain("id out of range")
    if isinstance(value, str):
        _text(value)


def _initialize_version(params: Any) -> str | None:
    """The version an `initialize` asks for, if its parameters are plain."""
    try:
        if not isinstance(params, dict) or set(params) != {"protocolVersion", "capabilities", "clientInfo"}:
            raise NotPlain("initialize params")
        _capabilities(params["capabilities"])
        _implementation(params["clientInfo"])
        return _text(params["protocolVersion"])
    except NotPlain:
        return None


def _envelope_version(meta: Any, supported: tuple[str, ...]) -> str | None:
    """The version of a plain 2026-07-28 envelope, if it is one the manifest holds."""
    try:
        if not isinstance(meta, dict) or not {PROTOCOL_VERSION_KEY, CLIENT_CAPABILITIES_KEY} <= set(meta):
            raise NotPlain("envelope")
        if set(meta) - {PROTOCOL_VERSION_KEY, CLIENT_CAPABILITIES_KEY, CLIENT_INFO_KEY}:
            raise NotPlain("envelope key")
        _capabilities(meta[CLIENT_CAPABILITIES_KEY])
        if CLIENT_INFO_KEY in meta:
            _implementation(meta[CLIENT_INFO_KEY])
        version = _text(meta[PROTOCOL_VERSION_KEY])
    except NotPlain:
        return None
    return version if version in supported else None


# Capabilities a client declares, each with the sub-keys known to the SDK; free-form where the spec is.
_CAPABILITY_KEYS: dict[str, frozenset[str] | None] = {
    "roots": frozenset({"listChanged"}),
    "sampling": frozenset({"context", "tools"}),
    "elicitation": frozenset({"form", "url"}),
    "experimental": None,
    "extensions": None,
}


def _capabilities(value: Any) -> None:
    if not isinstance(value, dict):
        raise NotPlain("capabilities")
    for name, capability in value.items():
        if name not in _CAPABILITY_KEYS or not isinstance(capability, dict):
            raise NotPlain(f"capability {name}")
        known = _CAPABILITY_KEYS[name]
        for key, part in capability.items():
            if known is None:  # experimental / extensions: name -> an object of anything JSON
                if not isinstance(part, dict):
                    raise NotPlain(f"capability {name}.{key}")
                _json(part, MAX_DEPTH)
            elif key not in known:
                raise NotPlain(f"capability {name}.{key}")
            elif key == "listChanged":
                if not isinstance(part, bool):
                    raise NotPlain("listChanged")
            elif part != {}:
                raise NotPlain(f"capability {name}.{key}")


def _implementation(value: Any) -> None:
    """A client's name and version (and optional words about it), as `Implementation` reads them."""
    if not isinstance(value, dict) or not {"name", "version"} <= set(value):
        raise NotPlain("clientInfo")
    if set(value) - {"name", "version", "title", "description", "websiteUrl"}:
        raise NotPlain("clientInfo key")
    for part in value.values():
        _text(part)


def _json(value: Any, depth: int) -> None:
    """Any JSON both parsers read alike: finite numbers, 64-bit integers, UTF-8 text, bounded depth."""
    if depth < 0:
        raise NotPlain("too deep")
    if isinstance(value, dict):
        for part in value.values():
            _json(part, depth - 1)
    elif isinstance(value, list):
        for part in value:
            _json(part, depth - 1)
    elif isinstance(value, str):
        _text(value)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if not -ID_RANGE <= value < ID_RANGE:
            raise NotPlain("integer out of range")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise NotPlain("number out of range")
    else:
        raise NotPlain(type(value).__name__)
