"""What the workflow verbs share: the portal options, the session (settings, the runtime, progress),
and failures -> one line on stderr and an exit code (the words from `workflow.failures`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

from segment_lists.cli.embedded_sandbox import EmbeddedSandbox, sandbox_settings, start_embedded_sandbox
from segment_lists.cli.output import Progress, note
from segment_lists.cli.segments_file import SegmentsFileError
from segment_lists.workflow.environment import Settings, load_settings
from segment_lists.workflow.failures import EXPECTED_FAILURES, describe_failure
from segment_lists.workflow.runtime import Runtime, open_runtime, sandbox_token


class Exit(IntEnum):
    """Exit codes a CI job can act on (documented in docs/cli.md)."""

    OK = 0
    FAILED = 1  # could not do it: connection, token, HubSpot refused, an item failed, still processing
    USAGE = 2  # bad arguments or segments file
    OVERLAP = 3  # verify: an exclusivity group overlaps
    DRIFT = 4  # plan --check / verify --check: a list was changed in HubSpot since it was created
    PENDING = 5  # plan --check: the portal is behind the segments file (lists to create, answers missing)
    DOCTOR = 6  # doctor: something needs fixing
    DECLINED = 7  # apply/rollback: not confirmed; nothing was changed


class CommandError(Exception):
    """A verb's own refusal (e.g. `init` would overwrite a file); the message says why."""

    def __init__(self, message: str, code: Exit = Exit.FAILED) -> None:
        super().__init__(message)
        self.code = code


def add_portal_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every workflow verb takes: which portal, where the journal is, output style."""
    where = parser.add_argument_group("portal")
    where.add_argument(
        "--sandbox",
        action="store_true",
        help="run against a fresh embedded sandbox portal with demo data (new on every invocation)",
    )
    where.add_argument("--contacts", type=int, default=600, help="--sandbox: demo contacts to seed (default 600)")
    where.add_argument("--seed", type=int, default=42, help="--sandbox: random seed (default 42)")
    where.add_argument(
        "--base-url",
        help="the portal's API address (default: HUBSPOT_BASE_URL or https://api.hubapi.com); "
        "e.g. a running `segment-lists sandbox`",
    )
    where.add_argument(
        "--state-dir", type=Path, help="where the journal lives (default: SEGMENT_LISTS_STATE_DIR or ~/.local/state)"
    )
    out = parser.add_argument_group("output")
    out.add_argument("--json", action="store_true", help="print one JSON document on stdout (for scripts)")
    out.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")


def add_segments_argument(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    parser.add_argument(
        "segments",
        type=Path,
        nargs=None if required else "?",
        help="the segments file (TOML with the interview's answers)" + ("" if required else "; default: defaults"),
    )


@dataclass
class Session:
    """One verb's run against one portal. It is also the workflow's `Steps`: progress on stderr."""

    rt: Runtime
    settings: Settings
    progress: Progress
    args: argparse.Namespace
    sandbox: EmbeddedSandbox | None = None

    def step(self, label: str) -> AbstractContextManager[None]:
        return self.progress.activity(label, self.rt.api_calls)

    def bar(self, done: float, total: float, message: str) -> None:
        self.progress.bar(done, total, message)


def resolve_settings(args: argparse.Namespace) -> tuple[Settings, EmbeddedSandbox | None]:
    """Settings from the environment/.env and the command line; starts the embedded sandbox if asked."""
    settings = load_settings()
    if getattr(args, "base_url", None):
        settings = settings.model_copy(update={"base_url": args.base_url})
    if getattr(args, "sandbox", False):
        running = start_embedded_sandbox(args.contacts, args.seed, processing_seconds=1.0)
        note(f"SANDBOX portal at {running.base_url}: {args.contacts} demo contacts, not your HubSpot account")
        return sandbox_settings(settings, running.base_url, args.state_dir), running
    if args.state_dir:
        settings = settings.model_copy(update={"state_dir": args.state_dir})
    if settings.token is None and not settings.is_hubspot:
        # A local portal (e.g. `segment-lists sandbox`) accepts any token; never done for HubSpot itself.
        settings = settings.model_copy(update={"token": sandbox_token()})
    return settings, None


@contextmanager
def session(args: argparse.Namespace) -> Iterator[Session]:
    settings, running = resolve_settings(args)
    progress = Progress(enabled=not args.no_progress)
    try:
        with progress.activity("connecting to the portal"):
            rt = open_runtime(settings)
    except BaseException:
        if running is not None:
            running.stop()
        raise
    try:
        yield Session(rt=rt, settings=settings, progress=progress, args=args, sandbox=running)
    finally:
        rt.close()
        if running is not None:
            running.stop()


def run_command(body: Callable[[argparse.Namespace], int], args: argparse.Namespace, not_done: str) -> int:
    """Known failures become one line on stderr and an exit code; `not_done` says what did not happen
    (e.g. "nothing more was created"). The token never appears (the settings keep it secret)."""
    try:
        return int(body(args))
    except CommandError as error:
        print(f"segment-lists {args.command}: {error}", file=sys.stderr)
        return int(error.code)
    except SegmentsFileError as error:
        print(f"segment-lists {args.command}: {error}", file=sys.stderr)
        return int(Exit.USAGE)
    except EXPECTED_FAILURES as error:
        failure = describe_failure(error, not_done)
        print(f"segment-lists {args.command}: {failure.text()}", file=sys.stderr)
        return int(Exit.USAGE if failure.kind == "input" else Exit.FAILED)
    except KeyboardInterrupt:
        print(f"segment-lists {args.command}: interrupted", file=sys.stderr)
        return 130
