"""The interview and workflow prompts, from `prompts/*.md`, with completions for their arguments.

The Markdown files are the single source (the skill and the docs link to them). Each starts with a
small frontmatter block (name, title, description); `<name>.zh.md` is its Chinese text; the body may
hold `{placeholders}` filled from the prompt's arguments. Arguments are few and optional: Claude Code
passes them positionally. Inside an installed wheel the files ship as package data, in a checkout
they are at the top of the repository.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from mcp.server import MCPServer
from mcp.server.mcpserver import Message, UserMessage
from mcp.types import Completion, CompletionArgument, CompletionContext, PromptReference, ResourceTemplateReference
from pydantic import BaseModel, Field

from segment_lists.data import default_properties
from segment_lists.domain.i18n import Language, language_of
from segment_lists.domain.industries import VERTICALS

LanguageArg = Annotated[str, Field(description="Optional: en (default) or zh for Chinese")]
FOCUS_LINES: dict[Language, tuple[str, str]] = {
    "en": ("The user already said: {focus}", "Start with Q1."),
    "zh": ("用户已经说明:{focus}", "从问题1开始。"),
}
RUN_CLAUSES: dict[Language, tuple[str, str]] = {
    "en": (" in run {run_id}", " in the latest run"),
    "zh": ("(运行 {run_id})", "(最近一次运行)"),
}


class PromptText(BaseModel):
    name: str
    title: str
    description: str
    body: str
    language: Language


def prompts_dir() -> Path:
    """Inside an installed wheel the prompts ship as package data; in a checkout they are at the top."""
    packaged = resources.files("segment_lists") / "_data" / "prompts"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "prompts"


def prompt_file(file_name: str, language: Language = "en") -> Path:
    """`create-segment-lists.md` in Chinese is `create-segment-lists.zh.md`; English when there is none."""
    base = prompts_dir()
    if language != "en":
        localized = base / file_name.replace(".md", f".{language}.md")
        if localized.is_file():
            return localized
    return base / file_name


@functools.cache
def load_prompt(file_name: str, language: Language = "en") -> PromptText:
    """A prompt's frontmatter (name, title, description) and body, in the language asked for.

    The name is the same in every language (clients call prompts by name); title, description and
    body are translated."""
    path = prompt_file(file_name, language)
    _, front, body = path.read_text(encoding="utf-8").split("---", 2)
    fields = {}
    for line in front.strip().splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    found: Language = language if path.name.endswith(f".{language}.md") else "en"
    return PromptText(
        name=fields["name"],
        title=fields["title"],
        description=fields["description"],
        body=body.strip(),
        language=found,
    )


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
