"""The interview and workflow prompts, from `prompts/*.md`, with completions for their arguments.

The Markdown files are the single source (the skill and the docs link to them). Each starts with a
small frontmatter block (name, title, description); the body may hold `{placeholders}` filled from
the prompt's arguments. Arguments are few and optional: Claude Code passes them positionally.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

from mcp.server import MCPServer
from mcp.server.mcpserver import Message, UserMessage
from mcp.types import Completion, CompletionArgument, CompletionContext, PromptReference, ResourceTemplateReference
from pydantic import Field

from segment_lists.data import default_properties
from segment_lists.domain.i18n import Language, language_of
from segment_lists.domain.industries import VERTICALS
from segment_lists.mcp.prompt_files import load_prompt

LanguageArg = Annotated[str, Field(description="Optional: en (default) or zh for Chinese")]
FOCUS_LINES: dict[Language, tuple[str, str]] = {
    "en": ("The user already said: {focus}", "Start with Q1."),
    "zh": ("用户已经说明:{focus}", "从问题1开始。"),
}
RUN_CLAUSES: dict[Language, tuple[str, str]] = {
    "en": (" in run {run_id}", " in the latest run"),
    "zh": ("(运行 {run_id})", "(最近一次运行)"),
}


@functools.cache
def industry_words() -> list[str]:
    """What the user might type for industries: verticals and HubSpot's industry labels."""
    data = default_properties()
    labels = [o["label"] for p in data["companies"]["properties"] if p["name"] == "industry" for o in p["options"]]
    return sorted({word.title() for word in VERTICALS} | set(labels))


def register_prompts(server: MCPServer[Any]) -> None:
    workflow = load_prompt("create-segment-lists.md")
    interview = load_prompt("segment-interview.md")
    review = load_prompt("quarterly-review.md")
    rollback = load_prompt("rollback.md")

    @server.prompt(name=workflow.name, title=workflow.title, description=workflow.description)
    def create_segment_lists(
        focus: Annotated[
            str,
            Field(description="Optional: what you already know you want, e.g. 'industries Manufacturing and Retail'"),
        ] = "",
        language: LanguageArg = "",
    ) -> list[Message]:
        lang = language_of(language)
        said, start = FOCUS_LINES[lang]
        line = said.format(focus=focus.strip()) if focus.strip() else start
        return [UserMessage(load_prompt("create-segment-lists.md", lang).body.replace("{focus_line}", line))]

    @server.prompt(name=interview.name, title=interview.title, description=interview.description)
    def segment_interview(language: LanguageArg = "") -> list[Message]:
        return [UserMessage(load_prompt("segment-interview.md", language_of(language)).body)]

    @server.prompt(name=review.name, title=review.title, description=review.description)
    def quarterly_review(language: LanguageArg = "") -> list[Message]:
        return [UserMessage(load_prompt("quarterly-review.md", language_of(language)).body)]

    @server.prompt(name=rollback.name, title=rollback.title, description=rollback.description)
    def rollback_segment_lists(
        run_id: Annotated[str, Field(description="Optional: the run to roll back (default: the latest)")] = "",
        language: LanguageArg = "",
    ) -> list[Message]:
        lang = language_of(language)
        named, latest = RUN_CLAUSES[lang]
        clause = named.format(run_id=run_id.strip()) if run_id.strip() else latest
        return [UserMessage(load_prompt("rollback.md", lang).body.replace("{run_clause}", clause))]

    @server.completion()
    async def complete(
        ref: PromptReference | ResourceTemplateReference,
        argument: CompletionArgument,
        context: CompletionContext | None,
    ) -> Completion | None:
        typed = argument.value.strip().lower()
        if isinstance(ref, PromptReference) and ref.name == workflow.name and argument.name == "focus":
            words = [f"industries {w}" for w in industry_words()] + [
                "the default set (core, ICP, engagement)",
                "size tiers",
                "regions",
            ]
            matches = [w for w in words if typed in w.lower()]
            return Completion(values=matches[:100], total=len(matches), has_more=len(matches) > 100)
        if isinstance(ref, PromptReference) and argument.name == "language":
            return Completion(values=[v for v in ("en", "zh") if v.startswith(typed)])
        if isinstance(ref, ResourceTemplateReference) and argument.name == "format":
            return Completion(values=[v for v in ("json", "markdown") if v.startswith(typed)])
        return None
