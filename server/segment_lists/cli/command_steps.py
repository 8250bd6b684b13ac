"""The next steps in the command line's words: the `segment-lists` commands (and options) a person runs.

A hint must work when pasted: it repeats the portal options of the command that printed it
(`--sandbox`, `--base-url`, `--state-dir`), so `apply --sandbox` says `rollback --sandbox`.
"""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

from segment_lists.workflow.next_steps import CONNECT_HINT, NextSteps, Step


def portal_options(args: argparse.Namespace) -> str:
    """The options that chose the portal and the journal, as typed again in a hint (leading space)."""
    words: list[str] = []
    if getattr(args, "sandbox", False) or getattr(args, "sandbox_reset", False):
        words.append("--sandbox")
    if getattr(args, "base_url", None):
        words += ["--base-url", args.base_url]
    state_dir: Path | None = getattr(args, "state_dir", None)
    if state_dir is not None:
        words += ["--state-dir", str(state_dir)]
    return "".join(f" {shlex.quote(word)}" for word in words)


def command(verb: str, options: str, *operands: str | None) -> str:
    """`segment-lists <verb> [operands] <portal options>`, in backticks."""
    given = "".join(f" {shlex.quote(o)}" for o in operands if o)
    return f"`segment-lists {verb}{given}{options}`"


def command_steps(options: str = "") -> NextSteps:
    """The command line's words, each command carrying `options` (see `portal_options`)."""
    return NextSteps(
        face="command line",
        phrases={
            Step.LIST_IDS: lambda _: f"run {command('plan', options)} for the ids of the library's lists",
            Step.PLAN: lambda _: f"run {command('plan', options)}",
            Step.APPLY: lambda _: f"run {command('apply', options)}",
            Step.COUNT: lambda _: f"run {command('verify', options)}",
            Step.LIBRARY: lambda _: (
                f"run {command('plan', options)} for the lists this tool made, with their ids (deleted ones too)"
            ),
            Step.RESTORE: lambda target: f"run {command('restore', options, target or 'LIST_ID')}",
            Step.ROLLBACK: lambda target: f"run {command('rollback', options, target)}",
            Step.FORCE: lambda _: "run it again with --force if you agree",
            Step.ALLOW_FOREIGN: lambda _: (
                "the command line never deletes a list it did not create; delete it in HubSpot if you mean to"
            ),
            Step.CONNECT: lambda _: f"to connect, {CONNECT_HINT}",
            Step.SANDBOX: lambda _: (
                "to try it without a HubSpot account, add --sandbox (a local portal with demo data)"
            ),
        },
    )


COMMAND_STEPS = command_steps()
