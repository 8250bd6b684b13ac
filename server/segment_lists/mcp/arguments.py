"""Arguments a model got wrong, answered in the catalogue's words with one call that works.

The SDK validates a tool's arguments before the tool runs and, on failure, answers with pydantic's
dump ("1 validation error for count_membersArguments ... [type=int_parsing, input_value=...]"), and it
ignores keys the tool does not take, so a typo ("listIds", `answers.industires`) silently falls back to a
default. `SegmentListsServer.call_tool` (the SDK's public entry for every tools/call, in both protocol
eras) adds what the SDK leaves out and rewrites what it says, without patching it:
- every key of the arguments, at any depth, is checked against the input schema the client was shown
  (`tools/list`), before anything runs;
- a validation failure (the SDK raises a ToolError caused by pydantic's ValidationError) becomes
  `failures.describe_invalid_arguments`: what is wrong, "nothing was done", and the tool's example call.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.server.mcpserver.tools import Tool
from pydantic import ValidationError

from segment_lists.workflow.failures import (
    argument_problems,
    describe_invalid_arguments,
    unknown_key_problem,
    where,
)

Schema = dict[str, Any]


class SegmentListsServer(MCPServer[Any]):
    """The SDK's server with this project's tools, whose argument errors a person can read aloud (see
    the module docstring)."""

    def __init__(
        self, *args: Any, tools: Sequence[Tool], examples: Mapping[str, dict[str, Any]], **kwargs: Any
    ) -> None:
        super().__init__(*args, tools=list(tools), **kwargs)
        self._registered = {tool.name: tool for tool in tools}
        self._examples = dict(examples)

    def example(self, tool: str) -> str:
        """The tool's example call, as the model would write it."""
        return f"{tool} {json.dumps(self._examples.get(tool, {}), ensure_ascii=False)}"

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        tool = self._registered.get(name)
        if tool is not None:
            unknown = unknown_keys(arguments, tool.parameters)
            if unknown:  # said together with whatever else is wrong, so one retry can fix everything
                try:
                    tool.fn_metadata.validate_arguments(arguments)
                except ValidationError as error:
                    unknown += argument_problems(error)
                raise ToolError(self._refusal(name, unknown))
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as error:
            cause = error.__cause__
            if isinstance(error, UnexpectedToolError) or not isinstance(cause, ValidationError):
                raise
            # `from cause`: the SDK logs the rejected fields' names (never their values) from it.
            raise ToolError(self._refusal(name, argument_problems(cause))) from cause

    def _refusal(self, tool: str, problems: list[str]) -> str:
        # The SDK's prefix, as on every other tool error the model reads.
        return f"Error executing tool {tool}: {describe_invalid_arguments(problems, self.example(tool)).text()}"


def unknown_keys(arguments: Any, schema: Schema) -> list[str]:
    """Each key, at any depth, that the schema's objects do not declare (objects that take any key, such
    as a filterBranch or `choices`, are not looked into)."""
    defs = schema.get("$defs", {})
    found: list[str] = []

    def resolve(node: Schema) -> list[Schema]:
        """The object schemas a value may match (through $ref and anyOf/oneOf, e.g. `X | None`)."""
        if "$ref" in node:
            return resolve(defs.get(node["$ref"].rsplit("/", 1)[-1], {}))
        for union in ("anyOf", "oneOf"):
            if union in node:
                return [option for choice in node[union] for option in resolve(choice)]
        return [node]

    def walk(value: Any, node: Schema, path: tuple[Any, ...]) -> None:
        if isinstance(value, str) and value[:1] in "[{":
            try:  # the SDK reads a JSON string where an object or a list is expected: so do we
                value = json.loads(value)
            except ValueError:
                return
        options = resolve(node)
        if isinstance(value, dict):
            objects = [o for o in options if o.get("type") == "object" or "properties" in o]
            closed = [o for o in objects if "properties" in o and o.get("additionalProperties") in (None, False)]
            if not closed or len(closed) < len(objects):
                return  # takes any key somewhere, or is not an object here: validation says the rest
            declared = closed[0]["properties"]
            valid = list(declared)
            for key, item in value.items():
                if key not in declared:
                    found.append(unknown_key_problem(where(path) if path else "", str(key), valid))
                else:
                    walk(item, declared[key], (*path, key))
        elif isinstance(value, list):
            for option in options:
                if option.get("type") == "array" and isinstance(option.get("items"), dict):
                    for index, item in enumerate(value):
                        walk(item, option["items"], (*path, index))
                    return

    walk(arguments, schema, ())
    return found
