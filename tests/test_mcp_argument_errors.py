"""A tool called with arguments it cannot take answers what is wrong and one call that works, in words
a person can read aloud (never pydantic's dump), and nothing runs. Through the real protocol, both eras,
for every tool: a wrong type, an unknown key (top level and nested, also inside a JSON string), a bad id,
a missing required argument, a value outside its choices.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from mcp_support import MODES, SeededPortal, error_text, seeded_portal
from segment_lists.mcp import tools_read, tools_write

pytestmark = pytest.mark.anyio

SPECS = {spec.name: spec for spec in (*tools_read.TOOLS, *tools_write.TOOLS)}
# pydantic's own words and marks: none may reach the model.
DUMP = re.compile(r"validation error|Arguments\b|pydantic|input_value|input_type|\[type=|Value error,|Field required")

# tool -> (arguments, what the answer must say is wrong)
CASES: dict[str, list[tuple[dict[str, Any], list[str]]]] = {
    "list_existing_lists": [
        ({"include_filters": "maybe"}, ["include_filters must be true or false", '"maybe"']),
        ({"name_contains": "x", "nameContains": "y"}, ['"nameContains" is not an argument', "name_contains"]),
        ({"name_contains": "x" * 201}, ["name_contains should have at most 200 characters"]),
    ],
    "propose_segments": [
        ({"answers": {"industires": ["Retail"]}}, ['"industires" is not a key of answers', "did you mean industries"]),
        ({"answers": '{"industires": ["Retail"]}'}, ['"industires" is not a key of answers']),
        ({"answers": {"families": ["core", "nope"]}}, ["answers.families[1] must be 'core'", '"nope"']),
        ({"answers": "core"}, ["answers must be an object", '"core"']),
        (
            {"answers": {"signals": [{"kind": "email_open", "window": 90}]}},
            ['"window" is not a key of answers.signals[0]'],
        ),
        ({"estimate": "soon"}, ["estimate must be true or false"]),
    ],
    "count_members": [
        ({"list_ids": "12"}, ["list_ids must be a list", '"12"']),
        ({"list_ids": [12, 13, 14]}, ["list_ids[0]: list id 12 is not a HubSpot id", "(and 2 more like it)"]),
        ({"listIds": ["12"]}, ['"listIds" is not an argument (did you mean list_ids)']),
        ({"list_ids": ["12"], "wait_seconds": "soon"}, ["wait_seconds must be a whole number", '"soon"']),
        ({"list_ids": ["12"], "wait_seconds": 5000}, ["wait_seconds should be less than or equal to 900"]),
    ],
    "check_exclusivity": [
        ({"list_ids": ["012", "13"]}, ["list_ids[0]: list id '012' is not a HubSpot id (it has a leading zero)"]),
        ({"run": "run-1"}, ['"run" is not an argument', "run_id"]),
    ],
    "export_library": [
        ({"format": "csv"}, ["format must be 'json', 'markdown' or 'jsonl'", '"csv"']),
    ],
    "create_list": [
        ({"plan_id": "p", "items": "core.customers"}, ["items must be a list", '"core.customers"']),
        ({"custom": {"name": "x", "processing_type": "SOMETIMES"}}, ["custom.processing_type must be 'DYNAMIC' or"]),
        ({"custom": {"name": "x", "processing_typ": "MANUAL"}}, ['"processing_typ" is not a key of custom']),
        ({"custom": {"processing_type": "MANUAL"}}, ["custom.name is required"]),
        ({"plan_id": 7}, ["plan_id must be text", "7"]),
    ],
    "delete_list": [
        ({}, ["list_id is required"]),
        ({"list_id": 12}, ["list_id: list id 12 is not a HubSpot id (it is a number, not a string)"]),
        ({"list_id": "12", "force": "perhaps"}, ["force must be true or false"]),
    ],
    "restore_list": [
        ({"list_id": "١٢"}, ["it has digits that are not ASCII 0-9"]),
        ({"id": "12"}, ["list_id is required", '"id" is not an argument']),
    ],
    "rollback_run": [
        ({"run_id": ["run-1"]}, ["run_id must be text"]),
        ({"runId": "run-1"}, ['"runId" is not an argument (did you mean run_id)']),
    ],
}


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededPortal]:
    with seeded_portal(tmp_path_factory.mktemp("arguments"), contacts=100) as seeded:
        yield seeded


def test_every_tool_has_cases_and_an_example() -> None:
    assert set(CASES) == set(SPECS)
    assert all(spec.example for spec in SPECS.values())


@pytest.mark.parametrize("mode", MODES)
async def test_bad_arguments_say_what_is_wrong_and_a_call_that_works(portal: SeededPortal, mode: str) -> None:
    before = portal.lists()
    problems: list[str] = []
    async with portal.client(mode) as client:
        for tool, cases in CASES.items():
            example = f"A call that works: {tool} {json.dumps(SPECS[tool].example, ensure_ascii=False)}"
            for arguments, expected in cases:
                result = await client.call_tool(tool, arguments)
                text = error_text(result)
                if not result.is_error:
                    problems.append(f"{tool}({arguments}): accepted: {text[:200]}")
                    continue
                if DUMP.search(text):
                    problems.append(f"{tool}({arguments}): pydantic's words reach the model: {text!r}")
                missing = [e for e in [*expected, "nothing was done", example] if e not in text]
                if missing:
                    problems.append(f"{tool}({arguments}): {missing} not in {text!r}")
    assert problems == [], "\n".join(problems)
    assert portal.lists() == before  # nothing ran


@pytest.mark.parametrize("mode", MODES)
async def test_each_example_is_a_call_the_tool_accepts(portal: SeededPortal, mode: str) -> None:
    """The example may still fail on what it names (a placeholder plan id, a list this portal lacks), but
    never on its arguments, and it writes nothing without a confirmation."""
    before = portal.lists()
    async with portal.client(mode, confirmation="token") as client:
        for tool, spec in SPECS.items():
            result = await client.call_tool(tool, spec.example)
            text = error_text(result)
            assert "A call that works" not in text and not DUMP.search(text), (tool, text)
            if not result.is_error:
                assert result.structured_content is not None
                assert result.structured_content.get("status") in (None, "confirmation_required", "refused")
    assert portal.lists() == before
