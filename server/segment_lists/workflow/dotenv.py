"""The environment as the settings read it: the process environment over a `.env` file.

Standard library only: `serve` decides what its stdio front end may answer (read-only or not, the
front end itself on or off) before pydantic and the MCP SDK are loaded, from the very values
`environment.load_settings` reads, so the two can never disagree.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

YES = frozenset({"1", "true", "yes"})


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines, `export` prefixes, quotes and comments: the common subset of .env files."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw_line in path.read_text(encoding="utf-8").splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        key, value = key.strip(), value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in {"'", '"'}:
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key] = value
    return values


def dotenv_path(dotenv: Path | None = None) -> Path:
    """The `.env` file read: the one given, else the working directory's."""
    return dotenv if dotenv is not None else Path.cwd() / ".env"


def merged_environment(env: Mapping[str, str] | None = None, dotenv: Path | None = None) -> dict[str, str]:
    """The process environment (or `env`) wins over `.env`."""
    return {**read_dotenv(dotenv_path(dotenv)), **(os.environ if env is None else env)}


def is_yes(value: str) -> bool:
    """A boolean setting's value ("1", "true", "yes" in any case)."""
    return value.lower() in YES
