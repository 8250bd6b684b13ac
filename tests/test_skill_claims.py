"""Every claim SKILL.md makes, checked against the server: the tools and prompts it names (tools/list,
prompts/list), the read tools it pre-approves, every `code` token it uses, the slash commands it
points to, its catalog table (the domain catalog: names, types, partitions), the prerequisite
warnings it promises from propose_segments, and what it says a first run without a token shows.

A SKILL.md edit that names something the server does not have fails here, and so does a server
change that leaves SKILL.md saying something no longer true.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client

from mcp_support import SeededPortal, call, newcomer, seeded_portal
from segment_lists.domain.catalog import CatalogContext, IndustryMapping, catalog_segments, exclusivity_groups
from segment_lists.domain.interview import Answers
from segment_lists.mcp.server import tools
from segment_lists.workflow.environment import TOKEN_VARIABLES

ROOT = Path(__file__).resolve().parents[1]
TEXT = (ROOT / "SKILL.md").read_text(encoding="utf-8")
_, FRONT, BODY = TEXT.split("---", 2)
FLAT = " ".join(BODY.split())  # for phrases that wrap across lines
SERVER = "hubspot-segment-lists"
PLUGIN = json.loads((ROOT / "plugin" / ".claude-plugin" / "plugin.json").read_text(encoding="utf-8"))["name"]

pytestmark = pytest.mark.anyio


def frontmatter() -> dict[str, str]:
    fields = {}
    for line in FRONT.strip().splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def section(title: str) -> str:
    """The body of `## title`, up to the next heading."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", BODY, re.MULTILINE | re.DOTALL)
    assert match, f"SKILL.md has no section '{title}'"
    return match.group(1)


def code_tokens(text: str) -> list[str]:
    return re.findall(r"`([^`\n]+)`", text)


def tool_prefix(server_name: str) -> str:
    """How Claude Code names an MCP server's tools: `mcp__<name>__`, with every character outside
    [A-Za-z0-9_-] replaced by `_` (a plugin's server is named `plugin:<plugin>:<server>`)."""
    return "mcp__" + re.sub(r"[^A-Za-z0-9_-]", "_", server_name) + "__"


class ServerFacts:
    """What the server offers, read through the MCP protocol."""

    def __init__(self, tools: list[Any], prompts: list[Any], templates: list[Any], resources: list[Any]) -> None:
        self.tools = {tool.name: tool for tool in tools}
        self.prompts = {prompt.name for prompt in prompts}
        self.uris = {t.uri_template for t in templates} | {str(r.uri) for r in resources}

    @property
    def read_tools(self) -> set[str]:
        return {name for name, tool in self.tools.items() if tool.annotations and tool.annotations.read_only_hint}

    def argument_names(self) -> set[str]:
        return {name for tool in self.tools.values() for name in _property_names(tool.input_schema)}

    def result_values(self) -> set[str]:
        """Field names and enumerated values of every tool's result (statuses, plan actions...): of the
        models the server validates each result against (tools/list publishes their top level only)."""
        found: set[str] = set()
        for tool in tools(read_only=False):
            assert tool.name in self.tools and tool.fn_metadata.output_model is not None
            schema = tool.fn_metadata.output_model.model_json_schema()
            published = self.tools[tool.name].output_schema or {}
            assert set(published["properties"]) == set(schema["properties"]), tool.name
            found |= _property_names(schema) | _enum_values(schema)
        return found


def _objects(schema: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object nested in a schema, the schema included."""
    if isinstance(schema, dict):
        yield schema
        values: Any = schema.values()
    else:
        values = schema if isinstance(schema, list) else []
    for value in values:
        yield from _objects(value)


def _property_names(schema: Any) -> set[str]:
    return {name for node in _objects(schema) for name in node.get("properties", {})}


def _enum_values(schema: Any) -> set[str]:
    return {
        str(v)
        for node in _objects(schema)
        for v in [*node.get("enum", []), *([node["const"]] if "const" in node else [])]
    }


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededPortal]:
    with seeded_portal(tmp_path_factory.mktemp("skill"), contacts=300) as seeded:
        yield seeded


@pytest.fixture(scope="module")
def server(portal: SeededPortal) -> ServerFacts:
    async def read() -> ServerFacts:
        async with portal.client() as client:
            return ServerFacts(
                (await client.list_tools()).tools,
                (await client.list_prompts()).prompts,
                (await client.list_resource_templates()).resource_templates,
                (await client.list_resources()).resources,
            )

    return anyio.run(read)


def test_the_skill_is_named_as_the_readme_tells_people_to_type_it() -> None:
    fields = frontmatter()
    assert fields["name"] == "create-segment-lists" and len(fields["description"]) > 100
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    # In a clone (the project skill) and from the plugin (Claude Code namespaces plugin skills).
    assert f"/{fields['name']}" in readme and f"/{PLUGIN}:{fields['name']}" in readme


def test_allowed_tools_are_the_read_tools_under_both_server_names(server: ServerFacts) -> None:
    allowed = set(frontmatter()["allowed-tools"].split())
    expected = {
        prefix + tool
        for prefix in (tool_prefix(SERVER), tool_prefix(f"plugin:{PLUGIN}:{SERVER}"))
        for tool in server.read_tools
    }
    assert allowed == expected  # every read tool pre-approved, never a write tool


def test_the_skill_names_every_tool_and_only_tools_that_exist(server: ServerFacts) -> None:
    tokens = set(code_tokens(BODY))
    assert set(server.tools) <= tokens, f"tools SKILL.md does not mention: {set(server.tools) - tokens}"


def test_every_code_token_in_the_skill_is_something_the_server_has(server: ServerFacts) -> None:
    arguments, results = server.argument_names(), server.result_values()
    naming = Answers().naming.format(category="Category", name="Segment Name")
    unverified = []
    for token in code_tokens(BODY):
        if token in server.tools or token in server.prompts or token in arguments or token in results:
            continue
        if token.startswith("segment-lists://"):
            if not any(uri.split("{")[0] == token for uri in server.uris):
                unverified.append(token)
            continue
        if "." in token and all(part in results | arguments for part in token.split(".")):  # a field path
            continue
        if token in {SERVER, naming, *TOKEN_VARIABLES}:
            continue
        unverified.append(token)
    assert unverified == []


def test_the_skill_points_to_no_command_that_does_not_exist(server: ServerFacts) -> None:
    commands = set(re.findall(r"(?<![\w.:/`])/[a-z][a-z0-9:_-]+", TEXT))
    skill = frontmatter()["name"]
    known = {f"/{skill}", f"/{PLUGIN}:{skill}"} | {f"/{prompt}" for prompt in server.prompts}
    assert commands <= known, commands - known
    assert "/create-icp-tiers" not in TEXT and "/fix-lifecycle-stages" not in TEXT


def test_the_prompts_section_lists_every_prompt(server: ServerFacts) -> None:
    assert set(code_tokens(section("Prompts"))) == server.prompts


def catalog_rows() -> list[tuple[list[str], str]]:
    """The catalog table: each row's list names (`[Size] - A / B` is two) and its type."""
    rows = []
    for line in section("Catalog").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in {"List", "Segment", "---"}:
            continue
        category, _, names = cells[0].partition(" - ")
        rows.append(([f"{category} - {name.strip()}" for name in names.split(" / ")], cells[1]))
    return rows


def full_catalog() -> list[Any]:
    """Every family, two industries: what a user who asks for everything gets."""
    answers = Answers(
        families=["core", "icp", "industries", "size", "regions", "engagement"], industries=["Retail", "Machinery"]
    )
    mappings = [IndustryMapping(word=w, values=[w.upper()], labels=[w], how="label") for w in answers.industries]
    return catalog_segments(answers, CatalogContext(industries=mappings))


def test_the_catalog_table_is_the_catalog() -> None:
    segments = full_catalog()
    kinds = {"DYNAMIC": "active", "MANUAL": "static"}
    catalog = {s.name: kinds[s.processing_type] for s in segments if s.family != "industries"}
    table: dict[str, str] = {}
    for names, kind in catalog_rows():
        for name in names:
            table[name] = kind
    industry_rows = {name: kind for name, kind in table.items() if name == "[Industry] - <Name>"}
    assert industry_rows == {"[Industry] - <Name>": "active"}
    industries = [s for s in segments if s.family == "industries"]
    assert industries and all(s.name.startswith("[Industry] - ") and s.processing_type == "DYNAMIC" for s in industries)
    del table["[Industry] - <Name>"]
    assert table == catalog  # every list of the catalog, by its exact name and type; nothing else


def test_the_partitions_the_skill_names_are_the_catalogs() -> None:
    groups = {group.name: group for group in exclusivity_groups(full_catalog())}
    assert "ICP tiers, size bands and regions are partitions" in FLAT
    assert groups["icp-tiers"].partition and groups["size-bands"].partition and groups["regions"].partition
    assert "the engagement segments exclude each other" in FLAT
    assert not groups["engagement"].partition and len(groups["engagement"].members) == 3


async def test_propose_segments_reports_the_prerequisites_the_skill_promises(portal: SeededPortal) -> None:
    workflow = " ".join(section("Workflow").split())
    assert "missing ICP tier property" in workflow and "lifecycle stages that need cleanup" in workflow
    async with portal.client() as client:
        named = {"icp_marker": {"property": "no_such_tier_property"}}
        missing = await call(client, "propose_segments", {"answers": named, "estimate": False})
        plain = await call(client, "propose_segments", {"estimate": False})
    assert "icp-property-missing" in missing["plan"]["warnings"]
    assert "lifecycle-cleanup" in plain["plan"]["warnings"]  # the demo seeds a custom stage


async def test_a_first_run_shows_what_the_skill_says(tmp_path: Path) -> None:
    which = section("Which portal")
    promised = [" ".join(words.split()) for words in re.findall(r'"([^"]+)"', which)]
    assert "SANDBOX" in promised and "Not connected to HubSpot" in promised
    with anyio.fail_after(120):
        async with Client(newcomer(tmp_path)) as client:
            listed = await call(client, "list_existing_lists")
    notice = listed["portal"]["notice"]
    assert listed["portal"]["is_sandbox"] is True
    for words in promised:
        assert words in notice, (words, notice)
    for token in code_tokens(which):
        assert token in notice or token in listed["portal"] or token == "portal.notice", token


def test_the_prompts_that_call_tools_say_what_a_sandbox_result_means(server: ServerFacts) -> None:
    from segment_lists.workflow.runtime import NO_TOKEN_SANDBOX_NOTICE

    for path in sorted((ROOT / "prompts").glob("*.md")):
        body = path.read_text(encoding="utf-8").split("---", 2)[2]
        if any(f"call `{tool}`" in body.lower() for tool in server.tools):  # a prompt that has tools called
            assert "SANDBOX" in body, path.name
    workflow = (ROOT / "prompts" / "create-segment-lists.md").read_text(encoding="utf-8")
    for words in re.findall(r'"([^"]+)"', " ".join(workflow.split())):
        if words[:1].isupper():  # quoted result text (not the user's words like "active")
            assert words in NO_TOKEN_SANDBOX_NOTICE, words


def test_the_readme_quotes_the_first_run_notice_as_it_is() -> None:
    from segment_lists.workflow.runtime import NO_TOKEN_SANDBOX_NOTICE

    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    first_run = readme[readme.index("**First run, no token needed.**") :][:800]
    (quoted,) = re.findall(r'"(SANDBOX portal:[^"]+)"', first_run)
    assert quoted in NO_TOKEN_SANDBOX_NOTICE
