"""The prompt texts, read from `prompts/*.md` (the single source: the skill and the docs link to them).

Each file starts with a small frontmatter block (name, title, description); `<name>.zh.md` is its
Chinese text. Inside an installed wheel the files ship as package data, in a checkout they are at the
top of the repository.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from pydantic import BaseModel

from segment_lists.domain.i18n import Language


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
