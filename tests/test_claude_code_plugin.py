"""The Claude Code plugin and the project's `.mcp.json`, as Claude Code reads them (version 2.1.197;
`.ci/claude-code-check.sh` runs Claude Code itself: `claude plugin validate`, an install into a
fresh HOME, and `claude mcp list`).

- The marketplace (`.claude-plugin/marketplace.json`) points at `plugin/`, a folder holding only the
  plugin: its manifest, one MCP server in `plugin/.mcp.json`, the skill in `skills/<name>/SKILL.md`,
  and symlinks to what the server is built from. Claude Code copies a plugin folder into its cache
  and materializes symlinks that stay inside the marketplace, so the copy is the package's source
  and nothing else: no `.venv`, `.tools` or caches.
- Every SKILL.md Claude Code reads is the repository's SKILL.md (the wheel ships that one too).
- One MCP server name everywhere; the plugin's server starts from any directory (Claude Code expands
  ${CLAUDE_PLUGIN_ROOT} and ${CLAUDE_PLUGIN_DATA}); the project's starts from anywhere in the clone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "plugin"
SERVER = "hubspot-segment-lists"
SKILL = "create-segment-lists"
UV = shutil.which("uv")
# What must never reach Claude Code's plugin cache (the issue measured 409 MB of them).
NEVER_COPIED = {".venv", ".tools", ".git", "node_modules", ".pytest_cache", ".ruff_cache", ".hypothesis", ".state"}
NEVER_COPIED |= {"tests", "bench", "dist", "build"}
COPY_LIMIT_BYTES = 10_000_000  # the package's source is ~1 MB (plus __pycache__ in a working checkout)

pytestmark = pytest.mark.anyio


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_marketplace_offers_the_plugin_folder_not_the_repository() -> None:
    market = read_json(ROOT / ".claude-plugin" / "marketplace.json")
    assert market["name"] == SERVER and market["description"] and market["owner"]["name"]
    (entry,) = market["plugins"]
    assert entry["name"] == SERVER and entry["source"] == "./plugin"
    # The repository root is no plugin: no manifest there, so nothing copies the clone wholesale.
    assert sorted(p.name for p in (ROOT / ".claude-plugin").iterdir()) == ["marketplace.json"]


def test_the_plugin_follows_claude_codes_layout() -> None:
    manifest = read_json(PLUGIN / ".claude-plugin" / "plugin.json")
    assert manifest["name"] == SERVER
    assert manifest["description"] and manifest["author"]["name"] and manifest["version"]
    # Components at the plugin root, found by convention: no paths into .claude-plugin/.
    assert not {"skills", "commands", "mcpServers"} & set(manifest)
    assert sorted(p.name for p in (PLUGIN / ".claude-plugin").iterdir()) == ["plugin.json"]
    assert (PLUGIN / "skills" / SKILL / "SKILL.md").is_file()
    front = (PLUGIN / "skills" / SKILL / "SKILL.md").read_text(encoding="utf-8").split("---")[1]
    assert f"name: {SKILL}" in front and "description:" in front


def test_every_skill_claude_code_reads_is_the_repositorys_skill_md() -> None:
    source = (ROOT / "SKILL.md").read_bytes()
    for copy in (PLUGIN / "skills" / SKILL / "SKILL.md", ROOT / ".claude" / "skills" / SKILL / "SKILL.md"):
        assert copy.is_symlink() and copy.resolve() == (ROOT / "SKILL.md").resolve(), copy
        assert copy.read_bytes() == source


def test_one_mcp_server_name_in_every_config() -> None:
    plugin_servers = read_json(PLUGIN / ".mcp.json")["mcpServers"]
    project_servers = read_json(ROOT / ".mcp.json")["mcpServers"]
    assert list(plugin_servers) == [SERVER] and list(project_servers) == [SERVER]
    assert "mcpServers" not in read_json(PLUGIN / ".claude-plugin" / "plugin.json")  # declared once
    # No token in a file under version control: it comes from the environment or .env.
    for server in (*plugin_servers.values(), *project_servers.values()):
        assert not any(name.startswith("HUBSPOT_") for name in server.get("env", {}))
    # SKILL.md pre-approves the read tools under both names Claude Code gives them.
    skill = (ROOT / "SKILL.md").read_text(encoding="utf-8").split("---")[1]
    assert f"mcp__{SERVER}__list_existing_lists" in skill
    assert f"mcp__plugin_{SERVER}_{SERVER}__list_existing_lists" in skill


def plugin_links() -> list[Path]:
    return sorted(p for p in PLUGIN.rglob("*") if p.is_symlink())


def test_plugin_symlinks_stay_inside_the_repository() -> None:
    # Claude Code materializes a symlink only when its target is inside the marketplace (the clone) and
    # not an ancestor of the plugin; any other is skipped, and the plugin would lose that file.
    links = plugin_links()
    assert {p.name for p in links} >= {"pyproject.toml", "server", "prompts", "SKILL.md", "README.md"}
    for link in links:
        target = link.resolve()
        assert target.exists(), link
        assert target.is_relative_to(ROOT) and not PLUGIN.resolve().is_relative_to(target), link
        assert not set(target.relative_to(ROOT).parts) & NEVER_COPIED, link


def copy_like_claude_code(destination: Path) -> Path:
    """The plugin folder as Claude Code caches it from a local marketplace: every file, with symlinks
    inside the marketplace replaced by what they point at."""
    shutil.copytree(PLUGIN, destination, symlinks=False)
    return destination


def test_what_claude_code_copies_is_the_plugin_and_its_source_only(tmp_path: Path) -> None:
    copy = copy_like_claude_code(tmp_path / "cache" / SERVER / "0.1.0")
    names = {p.name for p in copy.rglob("*")}
    assert not names & NEVER_COPIED, names & NEVER_COPIED
    top = sorted(p.name for p in copy.iterdir())
    assert top == sorted(
        [".claude-plugin", ".mcp.json", "README.md", "SKILL.md", "prompts", "pyproject.toml", "server", "skills"]
        + ["uv.lock"]
    )
    size = sum(p.stat().st_size for p in copy.rglob("*") if p.is_file())
    assert size < COPY_LIMIT_BYTES, f"{size:,} bytes would be copied into Claude Code's plugin cache"


def without_secrets(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUBSPOT_", "SEGMENT_LISTS_", "VIRTUAL_ENV"))}
    cache = subprocess.run([UV, "cache", "dir"], capture_output=True, text=True, check=True).stdout.strip()
    return {**env, "HOME": str(home), "UV_CACHE_DIR": cache}  # uv's own cache: no download needed


def expand(value: str, variables: dict[str, str]) -> str:
    for name, replacement in variables.items():
        value = value.replace("${" + name + "}", replacement)
    assert "${" not in value, value
    return value


async def first_tools(params: StdioServerParameters) -> tuple[set[str], dict[str, Any]]:
    with anyio.fail_after(240):
        async with Client(params) as client:
            tools = {tool.name for tool in (await client.list_tools()).tools}
            listed = await client.call_tool("list_existing_lists", {})
    assert not listed.is_error and listed.structured_content is not None
    return tools, listed.structured_content


async def test_the_cached_plugin_serves_from_any_directory(tmp_path: Path) -> None:
    if UV is None:
        pytest.skip("uv is not installed")
    copy = copy_like_claude_code(tmp_path / "cache" / SERVER / "0.1.0")
    (server,) = read_json(copy / ".mcp.json")["mcpServers"].values()
    variables = {"CLAUDE_PLUGIN_ROOT": str(copy), "CLAUDE_PLUGIN_DATA": str(tmp_path / "data")}
    (tmp_path / "home").mkdir()
    (tmp_path / "elsewhere").mkdir()
    env = without_secrets(tmp_path / "home") | {k: expand(v, variables) for k, v in server.get("env", {}).items()}
    args = [expand(arg, variables) for arg in server["args"]]
    # Offline from uv's cache when it can (CI's `uv sync` filled it); otherwise from PyPI.
    warm = subprocess.run([UV, *args[:-1], "--help"], env=env | {"UV_OFFLINE": "1"}, capture_output=True, text=True)
    offline = {"UV_OFFLINE": "1"} if warm.returncode == 0 else {}
    params = StdioServerParameters(command=UV, args=args, env=env | offline, cwd=str(tmp_path / "elsewhere"))
    tools, listed = await first_tools(params)
    assert {"list_existing_lists", "propose_segments", "create_list"} <= tools
    assert listed["portal"]["is_sandbox"] is True  # no token: the labelled first-run sandbox
    # The environment lives in the plugin's data folder, not in the cached copy.
    assert (tmp_path / "data" / "venv").is_dir() and not (copy / ".venv").exists()


async def test_the_project_mcp_json_serves_from_anywhere_in_the_clone(tmp_path: Path) -> None:
    if UV is None:
        pytest.skip("uv is not installed")
    (server,) = read_json(ROOT / ".mcp.json")["mcpServers"].values()
    assert server["command"] == "uv" and server["args"][-2:] == [SERVER, "serve"]
    (tmp_path / "home").mkdir()
    # Claude Code starts a project's servers in its working directory: the clone or a folder in it.
    params = StdioServerParameters(
        command=UV, args=server["args"], env=without_secrets(tmp_path / "home"), cwd=str(ROOT / "docs")
    )
    tools, listed = await first_tools(params)
    assert "propose_segments" in tools and listed["portal"]["is_sandbox"] is True


def test_no_placeholder_claude_code_would_leave_unexpanded() -> None:
    # Claude Code expands ${CLAUDE_PLUGIN_ROOT} / ${CLAUDE_PLUGIN_DATA} in a plugin's server, and only
    # environment variables in a project's .mcp.json (which has none: it needs none).
    plugin = json.dumps(read_json(PLUGIN / ".mcp.json"))
    project = json.dumps(read_json(ROOT / ".mcp.json"))
    assert "${CLAUDE_PLUGIN_ROOT}" in plugin and "${" not in project
