"""Installing: the wheel carries the prompts and the skill, installs into a fresh virtual environment,
and serves the MCP tools over stdio, installed and through `uvx --from <wheel>`. (The Claude Code
plugin and `.mcp.json`: test_claude_code_plugin.py.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters

ROOT = Path(__file__).resolve().parents[1]
UV = shutil.which("uv")
UVX = shutil.which("uvx")
EXPECTED_TOOLS = {"list_existing_lists", "propose_segments", "create_list", "count_members", "check_exclusivity"}
PROMPTS = sorted(p.name for p in (ROOT / "prompts").glob("*.md"))

# slow: builds and installs the wheel (`-m "not slow"` skips it)
pytestmark = [pytest.mark.anyio, pytest.mark.slow]


def uv(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    assert UV is not None
    return subprocess.run([UV, *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def clean_env() -> dict[str, str]:
    """The child's environment without any HubSpot token or state of the developer's."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("HUBSPOT_", "SEGMENT_LISTS_", "VIRTUAL_ENV"))}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if UV is None:
        pytest.skip("uv is not installed")
    out = tmp_path_factory.mktemp("dist")
    built = uv("build", "--wheel", "-o", str(out))
    assert built.returncode == 0, built.stderr
    (found,) = out.glob("hubspot_segment_lists-*.whl")
    return found


@pytest.fixture(scope="module")
def pins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The lock file's versions, so the fresh environment gets what CI tested (and the cache can serve it)."""
    path = tmp_path_factory.mktemp("pins") / "requirements.txt"
    exported = uv("export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-project", "-q", "-o", str(path))
    assert exported.returncode == 0, exported.stderr
    return path


def install(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Offline from uv's cache when it can; otherwise from PyPI."""
    offline = uv(*args, "--offline")
    return offline if offline.returncode == 0 else uv(*args)


def test_the_wheel_ships_prompts_skill_and_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for prompt in PROMPTS:
        assert f"segment_lists/_data/prompts/{prompt}" in names
    assert any(p.endswith(".zh.md") for p in PROMPTS)
    assert "segment_lists/_data/SKILL.md" in names
    assert "segment_lists/data/hubspot-default-properties.json" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert zipfile.ZipFile(wheel).read("segment_lists/_data/SKILL.md") == (ROOT / "SKILL.md").read_bytes()


async def test_installed_wheel_serves_tools_and_prompts_over_stdio(wheel: Path, pins: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    created = uv("venv", "-q", str(venv), "--python", sys.executable)
    assert created.returncode == 0, created.stderr
    python = venv / "bin" / "python"
    installed = install(["pip", "install", "-q", "--python", str(python), "-r", str(pins), str(wheel)])
    assert installed.returncode == 0, installed.stderr

    where = subprocess.run(
        [
            str(python),
            "-c",
            "from segment_lists.mcp.prompts import prompts_dir;"
            "from segment_lists.mcp.prompts import prompt_file, load_prompt;"
            "print(prompts_dir()); print(prompt_file('create-segment-lists.md', 'zh'));"
            "print(load_prompt('segment-interview.md', 'zh').language)",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(),
        timeout=60,
        check=False,
    )
    assert where.returncode == 0, where.stderr
    packaged, chinese, language = where.stdout.split()
    assert packaged.startswith(str(venv)) and packaged.endswith("segment_lists/_data/prompts")
    assert chinese.startswith(str(venv)) and chinese.endswith("create-segment-lists.zh.md")
    assert language == "zh"

    params = StdioServerParameters(
        command=str(venv / "bin" / "hubspot-segment-lists"),
        args=["serve", "--sandbox", "--contacts", "0", "--state-dir", str(tmp_path / "state")],
        cwd=str(tmp_path),
        env=clean_env(),
    )
    async with Client(params) as client:
        tools = {tool.name for tool in (await client.list_tools()).tools}
        prompts = {prompt.name for prompt in (await client.list_prompts()).prompts}
        listed = await client.call_tool("list_existing_lists", {})
    assert tools >= EXPECTED_TOOLS
    assert {"create-segment-lists", "segment-interview", "quarterly-review"} <= prompts
    assert not listed.is_error and listed.structured_content["portal"]["is_sandbox"] is True


async def test_uvx_from_the_wheel_serves_the_tools(wheel: Path, pins: Path, tmp_path: Path) -> None:
    if UVX is None:
        pytest.skip("uvx is not installed")
    base = ["--with-requirements", str(pins), "--from", str(wheel), "hubspot-segment-lists"]
    warm = subprocess.run([UVX, "--offline", *base, "--help"], capture_output=True, text=True, timeout=300)
    offline = warm.returncode == 0
    if not offline:  # not all in uv's cache: let uvx fetch from PyPI
        warm = subprocess.run([UVX, *base, "--help"], capture_output=True, text=True, timeout=300)
    assert warm.returncode == 0, warm.stderr
    params = StdioServerParameters(
        command=UVX,
        args=[*(["--offline"] if offline else []), *base, "serve", "--sandbox", "--contacts", "0"]
        + ["--state-dir", str(tmp_path / "state")],
        cwd=str(tmp_path),
        env=clean_env(),
    )
    async with Client(params) as client:
        tools = {tool.name for tool in (await client.list_tools()).tools}
    assert tools >= EXPECTED_TOOLS
