"""What the command line prints: progress on stderr, tables and JSON on stdout, yes/no questions."""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from pydantic import BaseModel

from segment_lists.boundary.text import clean


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


def note(text: str) -> None:
    """A remark for the person at the terminal (stderr, so `--json` stays clean)."""
    print(text, file=sys.stderr, flush=True)


def ask_yes_no(args: argparse.Namespace, preview: str, question: str) -> bool:
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
