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

from segment_lists.boundary.ids import InvalidId, checked_list_id
from segment_lists.cli.command_steps import command_steps, portal_options
from segment_lists.cli.embedded_sandbox import EmbeddedSandbox, open_persistent_sandbox, sandbox_settings
from segment_lists.cli.output import Progress, emit_json, note
from segment_lists.cli.sandbox_home import SandboxBusy, SandboxHome
from segment_lists.cli.segments_file import SegmentsFileError
from segment_lists.workflow.environment import Settings, load_settings
from segment_lists.workflow.failures import EXPECTED_FAILURES, Failure, describe_failure
from segment_lists.workflow.next_steps import NextSteps
from segment_lists.workflow.runtime import Runtime, open_runtime, portal_settings, sandbox_token

SANDBOX_CONTACTS = 600  # a new sandbox portal's demo contacts: enough to show every list, quick to seed
SANDBOX_SEED = 42


class Exit(IntEnum):
    """Exit codes a CI job can act on (documented in docs/cli.md)."""

    OK = 0
    FAILED = 1  # could not do it: connection, token, HubSpot refused, an item failed, still processing
    USAGE = 2  # bad arguments or segments file
    OVERLAP = 3  # verify: an exclusivity group overlaps
    DRIFT = 4  # plan --check / verify --check: a list was changed in HubSpot since it was created
    PENDING = 5  # plan --check: the portal is behind the segments file (lists to create, answers missing)
    DOCTOR = 6  # doctor: something needs fixing
    DECLINED = 7  # apply/rollback/restore: not confirmed; nothing was changed
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)


class CommandError(Exception):
    """A verb's own refusal (e.g. `init` would overwrite a file); the message says why."""

    def __init__(self, message: str, code: Exit = Exit.FAILED, fix: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.fix = fix


def add_portal_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every workflow verb takes: which portal, where the journal is, output style."""
    where = parser.add_argument_group("portal")
    where.add_argument(
        "--sandbox",
        action="store_true",
        help="use the local sandbox portal with demo data instead of HubSpot: one portal kept under the state "
        "directory (sandbox/), seeded on first use, so commands follow each other",
    )
    where.add_argument(
        "--sandbox-reset",
        action="store_true",
        help="delete the sandbox portal and its journal first (says what it deleted), then start afresh; "
        "implies --sandbox",
    )
    where.add_argument(
        "--contacts",
        type=int,
        help=f"sandbox: demo contacts to seed a new sandbox portal with (default {SANDBOX_CONTACTS})",
    )
    where.add_argument(
        "--seed", type=int, help=f"sandbox: random seed of a new sandbox portal (default {SANDBOX_SEED})"
    )
    where.add_argument(
        "--base-url",
        help="the portal's API address (default: HUBSPOT_BASE_URL or https://api.hubapi.com); "
        "e.g. a running `segment-lists sandbox`",
    )
    where.add_argument(
        "--state-dir", type=Path, help="where the journal lives (default: SEGMENT_LISTS_STATE_DIR or ~/.local/state)"
    )
    out = parser.add_argument_group("output")
    out.add_argument(
        "--json", action="store_true", help="print one JSON object on stdout, errors included (for scripts)"
    )
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


def next_steps_for(args: argparse.Namespace) -> NextSteps:
    """The command line's words for next steps, repeating the options that chose this portal."""
    return command_steps(portal_options(args))


@contextmanager
def chosen_portal(args: argparse.Namespace) -> Iterator[tuple[Settings, EmbeddedSandbox | None]]:
    """Settings from the environment/.env and the command line. With --sandbox: the persistent
    sandbox portal, held (locked) and served for as long as the command runs."""
    settings = load_settings()
    if getattr(args, "base_url", None):
        settings = settings.model_copy(update={"base_url": args.base_url})
    if args.state_dir:
        settings = settings.model_copy(update={"state_dir": args.state_dir})
    if not (getattr(args, "sandbox", False) or getattr(args, "sandbox_reset", False)):
        if settings.token is None and not settings.is_hubspot:
            # A local portal (e.g. `segment-lists sandbox`) may accept any token; never done for HubSpot itself.
            settings = settings.model_copy(
                update={
                    "token": sandbox_token(),
                    "token_source": f"none set; a placeholder token, because {settings.base_url} is not HubSpot "
                    "(a `segment-lists sandbox` accepts any token unless started with --token)",
                }
            )
        yield settings, None
        return
    home = SandboxHome.under(settings.state_dir)
    try:
        with home.locked():
            if args.sandbox_reset:
                say_reset(home, home.reset())
            contacts = SANDBOX_CONTACTS if args.contacts is None else args.contacts
            seed = SANDBOX_SEED if args.seed is None else args.seed
            running = open_persistent_sandbox(home.portal_db, contacts, seed)
            try:
                say_sandbox(running, home, args)
                yield sandbox_settings(settings, running.base_url, home.folder), running
            finally:
                running.stop()
    except SandboxBusy as error:
        raise CommandError(str(error), fix="Wait for it to finish (or stop it), then try again.") from None


def say_reset(home: SandboxHome, deleted: list[tuple[Path, int]]) -> None:
    if not deleted:
        note(f"--sandbox-reset: there was no sandbox portal at {home.folder} yet; nothing was deleted.")
        return
    files = "; ".join(f"{path} ({size:,} bytes)" for path, size in deleted)
    note(f"--sandbox-reset deleted the sandbox portal and its journal: {files}")


def say_sandbox(running: EmbeddedSandbox, home: SandboxHome, args: argparse.Namespace) -> None:
    seeded = running.seeded_with
    size = f"{seeded[0]} demo contacts (seed {seeded[1]})" if seeded else "demo data"
    when = "seeded now" if running.demo is not None else "kept between commands"
    note(
        f"SANDBOX portal with {size}, {when} in {home.folder}: not your HubSpot account. "
        "Start it afresh with --sandbox-reset."
    )
    wanted = (args.contacts, args.seed)
    if running.demo is None and seeded and any(w is not None and w != s for w, s in zip(wanted, seeded, strict=True)):
        note(
            f"--contacts/--seed only shape a new sandbox portal; this one has {size}. "
            "Add --sandbox-reset to seed a new one."
        )


@contextmanager
def session(args: argparse.Namespace) -> Iterator[Session]:
    progress = Progress(enabled=not args.no_progress)
    with chosen_portal(args) as (settings, running):
        portal_settings(settings)  # no token: say so before any "connecting" line
        with progress.activity("connecting to the portal"):
            rt = open_runtime(settings, next_steps=next_steps_for(args))
        try:
            yield Session(rt=rt, settings=settings, progress=progress, args=args, sandbox=running)
        finally:
            rt.close()


def run_command(body: Callable[[argparse.Namespace], int], args: argparse.Namespace, not_done: str) -> int:
    """Known failures become one line on stderr (with --json: one JSON object on stdout) and an exit
    code; `not_done` says what did not happen (e.g. "nothing more was created"). The token never
    appears (the settings keep it secret)."""
    try:
        return int(body(args))
    except CommandError as error:
        return report_failure(args, Failure(str(error), not_done, error.fix), error.code)
    except SegmentsFileError as error:
        return report_failure(args, Failure(str(error), not_done), Exit.USAGE)
    except EXPECTED_FAILURES as error:
        failure = describe_failure(error, not_done, next_steps=next_steps_for(args))
        return report_failure(args, failure, Exit.USAGE if failure.kind == "input" else Exit.FAILED)
    except KeyboardInterrupt:
        return report_failure(args, Failure("interrupted", not_done, kind="setup"), Exit.INTERRUPTED)


def report_failure(args: argparse.Namespace, failure: Failure, code: Exit) -> int:
    """The one way a verb fails: a line on stderr, and with --json the same as a JSON object on stdout."""
    if getattr(args, "json", False):
        emit_json(failure_json(failure, code))
    print(f"segment-lists {args.command}: {failure.text()}", file=sys.stderr)
    return int(code)


def declined(args: argparse.Namespace, not_done: str) -> int:
    """Not confirmed (the person said no, or no terminal and no --yes): nothing happened, exit 7."""
    if getattr(args, "json", False):
        fix = "Run it again with --yes to agree (or in a terminal, to be asked)."
        emit_json(failure_json(Failure("not confirmed", not_done, fix), Exit.DECLINED))
    else:
        print(not_done[:1].upper() + not_done[1:] + ".")
    return int(Exit.DECLINED)


def failure_json(failure: Failure, code: Exit) -> dict[str, object]:
    body: dict[str, object] = {
        "error": failure.message,
        "what_did_not_happen": failure.what_did_not_happen,
        "fix": failure.fix,
    }
    if failure.retry_after is not None:
        body["retry_after"] = round(failure.retry_after, 1)
    body["exit_code"] = int(code)
    return body


def list_id_argument(value: str) -> str:
    """A HubSpot list id as typed, in the one form (`boundary.ids`): an alias ("09", fullwidth digits,
    spaces) is refused with the accepted form before any portal call, never quietly rewritten."""
    try:
        return checked_list_id(value)
    except InvalidId as error:
        raise argparse.ArgumentTypeError(str(error)) from None
