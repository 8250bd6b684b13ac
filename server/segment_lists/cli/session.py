"""What the workflow commands share: the portal session, progress on stderr, confirmation, output, exit codes."""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any, TextIO

from pydantic import BaseModel

from segment_lists.cli.segments_file import SegmentsFileError
from segment_lists.domain.text import clean
from segment_lists.portal import PortalError
from segment_lists.workflow.environment import Settings, load_settings
from segment_lists.workflow.runtime import NoToken, Runtime, open_runtime, sandbox_token


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
    def __init__(self, message: str, code: Exit = Exit.FAILED) -> None:
        super().__init__(message)
        self.code = code


def add_portal_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every workflow command takes: which portal, where the journal is, output style."""
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


# --- progress ------------------------------------------------------------------------------------


class Progress:
    """Bars and activity lines on stderr. A terminal gets a redrawn line; a log gets a line now and then."""

    def __init__(self, enabled: bool, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last_print = 0.0
        self._last_line = ""
        self._lock = threading.Lock()

    def _emit(self, line: str, *, final: bool = False) -> None:
        if not self.enabled:
            return
        with self._lock:
            if self.tty:
                self.stream.write("\r\033[K" + line + ("\n" if final else ""))
                self.stream.flush()
                return
            now = time.monotonic()
            if final or now - self._last_print >= 2.0 and line != self._last_line:
                self.stream.write(line + "\n")
                self.stream.flush()
                self._last_print, self._last_line = now, line

    def bar(self, done: float, total: float, message: str) -> None:
        """A determinate bar: e.g. lists processed out of lists created."""
        width = 28
        share = 0.0 if total <= 0 else min(1.0, done / total)
        filled = int(round(share * width))
        self._emit(f"[{'#' * filled}{'.' * (width - filled)}] {share:4.0%} {message}", final=done >= total > 0)

    @contextmanager
    def activity(self, label: str, calls: Callable[[], int] | None = None) -> Iterator[None]:
        """An indeterminate step (a long read): elapsed time and API calls so far, until it is done."""
        stop = threading.Event()
        started = time.monotonic()
        spinner = "|/-\\"

        def line(tick: int) -> str:
            extra = f", {calls()} API calls" if calls is not None else ""
            return f"{spinner[tick % 4]} {label} ({time.monotonic() - started:.1f} s{extra})"

        def run() -> None:
            tick = 0
            while not stop.wait(0.2):
                tick += 1
                self._emit(line(tick))

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
            extra = f", {calls()} API calls" if calls is not None else ""
            self._emit(f"done: {label} ({time.monotonic() - started:.1f} s{extra})", final=True)


# --- the session ---------------------------------------------------------------------------------


@dataclass
class Session:
    rt: Runtime
    settings: Settings
    progress: Progress
    args: argparse.Namespace
    sandbox: Any = None

    def calls(self) -> int:
        return self.rt.portal.stats().total_calls

    def activity(self, label: str) -> Any:
        return self.progress.activity(label, self.calls)


def resolve_settings(args: argparse.Namespace) -> tuple[Settings, Any]:
    """Settings from the environment/.env and the command line; starts the embedded sandbox if asked."""
    settings = load_settings()
    if getattr(args, "base_url", None):
        settings = settings.model_copy(update={"base_url": args.base_url})
    if getattr(args, "sandbox", False):
        from segment_lists.cli.serve_verb import sandbox_settings, start_embedded_sandbox

        running = start_embedded_sandbox(args.contacts, args.seed, processing_seconds=1.0)
        note(args, f"SANDBOX portal at {running.base_url}: {args.contacts} demo contacts, not your HubSpot account")
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


def note(args: argparse.Namespace, text: str) -> None:
    """A remark for the person at the terminal (stderr, so `--json` stays clean)."""
    print(text, file=sys.stderr, flush=True)


def confirm(args: argparse.Namespace, preview: str, question: str) -> bool:
    """The preview, then a yes/no question; `--yes` answers for scripts. No terminal and no --yes: no."""
    if args.yes:
        return True
    stream = sys.stderr if args.json else sys.stdout
    print(preview, file=stream, flush=True)
    if not sys.stdin.isatty():
        print(f"{question} Not asked: stdin is not a terminal; run again with --yes to agree.", file=stream)
        return False
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in {"y", "yes"}


def emit_json(payload: Any) -> None:
    def default(value: Any) -> Any:
        if isinstance(value, BaseModel):
            return value.model_dump(mode="json")
        return str(value)

    print(json.dumps(payload, default=default, ensure_ascii=False, indent=2))


def table(rows: list[list[Any]], headers: list[str], stream: TextIO | None = None) -> None:
    out = stream or sys.stdout
    cells = [[clean(str("" if c is None else c), limit=80) for c in row] for row in rows]
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *cells, strict=False)]
    for line in [headers, ["-" * w for w in widths], *cells]:
        print("  " + "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=False)), file=out)


def run_command(body: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Known failures become one line on stderr and an exit code; the token never appears (config keeps it secret)."""
    try:
        return int(body(args))
    except CommandError as error:
        print(f"segment-lists {args.command}: {error}", file=sys.stderr)
        return int(error.code)
    except SegmentsFileError as error:
        print(f"segment-lists {args.command}: {error}", file=sys.stderr)
        return int(Exit.USAGE)
    except NoToken as error:
        print(f"segment-lists {args.command}: {error}", file=sys.stderr)
        return int(Exit.FAILED)
    except PortalError as error:
        print(f"segment-lists {args.command}: {clean(str(error), limit=1000)}; nothing more was done", file=sys.stderr)
        return int(Exit.FAILED)
    except KeyboardInterrupt:
        print(f"segment-lists {args.command}: interrupted", file=sys.stderr)
        return 130
