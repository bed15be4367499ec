"""Runs over many associations: pace, progress, the report file, Ctrl-C, summaries."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
from typing import IO, TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.text import Text

from .._bulk import MAX_CONCURRENCY, MIN_RATE, check_pace
from .._waits import RUNNING
from ._output import UsageError, escape_controls

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterable, Iterator
    from pathlib import Path

    from rich.console import Console, RenderableType

    from .._waits import AssociationRun
    from ._output import Output

__all__ = [
    "Interrupts",
    "Report",
    "Run",
    "check_pace_options",
    "check_wait_options",
    "run_cell",
    "runs_not_succeeded",
    "sentence",
    "stopped",
    "version_cell",
]


def check_pace_options(args: argparse.Namespace) -> None:
    """--concurrency and --max-rate, checked before any call."""
    try:
        check_pace(args.concurrency, None)
    except ValueError:
        raise UsageError(
            f"--concurrency: must be a whole number from 1 to {MAX_CONCURRENCY}, "
            f"got {args.concurrency}"
        ) from None
    try:
        check_pace(1, args.max_rate)
    except ValueError:
        raise UsageError(
            f"--max-rate: must be a number of calls a second from {MIN_RATE} up, "
            f"got {args.max_rate}"
        ) from None


def run_cell(run: dict[str, Any] | None, *, interrupted: bool = False) -> str:
    """A run as a report line holds it, in a cell: ``Failed (1 target failed)``.

    A run still going when its wait ended timed out, or, after Ctrl-C, was
    left to go on unwatched.
    """
    if run is None:
        return ""
    failed = run["failed_targets"]
    if not run["execution_id"] and not interrupted:
        return "not seen"  # it never showed, or could not be read: see the error
    if run["status"] in RUNNING:
        return f"{run['status']} ({'wait cut short' if interrupted else 'timed out'})"
    if not failed:
        return str(run["status"])
    return f"{run['status']} ({failed} target{'' if failed == 1 else 's'} failed)"


def check_wait_options(args: argparse.Namespace) -> None:
    """--canary and --max-failed-runs need --wait; a dry run has nothing to wait for."""
    if (args.canary is not None or args.max_failed_runs is not None) and not args.wait:
        raise UsageError("--canary and --max-failed-runs judge the runs: add --wait")
    if args.wait and getattr(args, "dry_run", False):
        raise UsageError("--wait: a dry run writes nothing, so nothing runs")


#: Each status a run or a target reads, as the live view words it.
_WORDS = {
    "Pending": "pending",
    "InProgress": "in progress",
    "Success": "succeeded",
    "Failed": "failed",
}


def _word(status: str) -> str:
    return _WORDS.get(status, escape_controls(status).lower())


class _Progress(Progress):
    """The bar, and under it the runs being waited for, one line each."""

    def __init__(
        self,
        *columns: Any,
        under_way: Callable[[], list[AssociationRun]],
        **options: Any,
    ) -> None:
        # Set first: the base class draws the view once while it is made,
        # before its own console is set.
        self._under_way = under_way
        self._terminal: Console = options["console"]
        super().__init__(*columns, **options)

    def get_renderables(self) -> Iterable[RenderableType]:
        yield self.make_tasks_table(self.tasks)
        runs = self._under_way()
        if not runs:
            return
        # What fits under the bar; the rest are counted.
        room = self._terminal.size.height - 4
        if room < 2:  # a terminal too short for a line each
            yield Text(f"{len(runs)} runs under way", no_wrap=True)
            return
        shown = runs[:room] if len(runs) <= room else runs[: room - 1]
        # One line each, cut at the right edge, never wrapped: the id whole.
        width = max(len(run.association_id) for run in shown)
        for run in shown:
            counts = " ".join(
                f"{n} {_word(status)}"
                for status, n in sorted(run.target_counts.items())
            )
            line = (
                f"{run.association_id:<{width}}  v{run.association_version:<3}"
                f" {_word(run.status):<11}  targets: {counts or '-'}"
            )
            yield Text(line, no_wrap=True, overflow="ellipsis")
        if len(shown) < len(runs):
            yield Text(f"... and {len(runs) - len(shown)} more")


def _progress_bar(
    output: Output, label: str, under_way: Callable[[], list[AssociationRun]]
) -> Progress:
    """A transient progress bar on stderr: stdout stays for the results."""
    return _Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        # With --wait: how the runs judged so far went.
        TextColumn("{task.fields[runs]}"),
        console=output.err,
        transient=True,
        # Not drawn where stderr is not a terminal, which it would leave a
        # blank line in.
        disable=not output.err.is_terminal,
        under_way=under_way,
    )


class Interrupts:
    """Ctrl-C, for the whole of a command: the first press stops it, later ones wait.

    Installed while a command runs. The first press raises
    ``KeyboardInterrupt``; later ones only say that the command is
    finishing, so the summary and the exit status 130 always follow. During
    a run over many (``during``), the run under it
    (``ssmkit._bulk.run_all``) finishes the calls under way and starts no new
    one, so every write that landed is reported; and a press that comes
    while a result is being recorded (counted and written to the report)
    takes effect once it is recorded: the report then holds every write the
    summary counts, wherever the press lands.
    """

    def __init__(self, output: Output) -> None:
        self._output = output
        self._what: str | None = None
        self._presses = 0
        self._recording = False
        self._deferred = False

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        previous = signal.signal(signal.SIGINT, self._on_interrupt)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)

    @contextlib.contextmanager
    def during(self, what: str) -> Iterator[None]:
        """A run over many, whose ``what`` (an update, a write) no longer starts."""
        self._what = what
        try:
            yield
        finally:
            self._what = None

    @contextlib.contextmanager
    def recording(self) -> Iterator[None]:
        """Record one result whole; a Ctrl-C meanwhile waits for the end."""
        self._recording = True
        try:
            yield
        finally:
            self._recording = False
        if self._deferred:
            self._deferred = False
            raise KeyboardInterrupt

    def _on_interrupt(self, signum: int, frame: Any) -> None:
        self._presses += 1
        if self._presses > 1:
            self._output.err.print("Still finishing; the summary follows.")
            return
        if self._what is not None:
            self._output.err.print(
                "Interrupted: finishing the calls under way; "
                f"no new {self._what} starts."
            )
        if self._recording:
            self._deferred = True
            return
        raise KeyboardInterrupt


class Report:
    """A run's report: one JSON line per association, for reruns to skip.

    Made before any call: a report that could not be read or written is
    refused then.
    """

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.done: set[str] = set()
        #: Of a run across accounts: (account_id, region, association_id).
        self.done_across: set[tuple[str, str, str]] = set()
        self.other_changes = 0
        if path.is_dir():
            raise UsageError(f"--report: {path} is a directory, not a file")
        if path.exists() and not path.is_file():
            # A pipe would wait for ever, a device never end.
            raise UsageError(f"--report: {path} is not a regular file")
        self._check_writable()
        if not path.exists():
            return
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--report: cannot read {path}: {exc}") from None
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                # A window's line has none: only associations are skipped.
                association_id = entry.get("association_id")
                outcome = entry["outcome"]
                # None: an apply's create that failed or never started.
                if not isinstance(association_id, (str, type(None))) or not isinstance(
                    outcome, str
                ):
                    raise TypeError
            except (
                json.JSONDecodeError,
                KeyError,
                TypeError,
                AttributeError,
                ValueError,  # a number too long to read
                RecursionError,  # nesting too deep to read
            ):
                if number == len(lines):
                    continue  # a line cut short by an earlier interruption
                raise UsageError(f"{path}:{number}: not a report line") from None
            if entry.get("change") != fingerprint:
                self.other_changes += 1
                continue
            if association_id is None:
                continue  # nothing of it done: an apply's create, a target
            where = (entry.get("account_id"), entry.get("region"))
            across = (*where, association_id)
            finished = outcome in ("changed", "unchanged")
            if all(isinstance(w, str) for w in where):
                if finished:
                    self.done_across.add(across)
                else:
                    self.done_across.discard(across)
                continue
            if finished:
                self.done.add(association_id)
            else:
                self.done.discard(association_id)

    def _check_writable(self) -> None:
        """Refuse, before any call, a report that could not be written."""
        where = self.path
        if not where.exists():
            where = where.parent
            if not where.is_dir():
                msg = f"--report: cannot write {self.path}: no such directory"
                raise UsageError(msg)
        if not os.access(where, os.W_OK):
            raise UsageError(f"--report: cannot write {self.path}: permission denied")

    def open(self) -> IO[str]:
        try:
            handle = self.path.open("a", encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--report: cannot write {self.path}: {exc}") from None
        # A line an earlier run left cut short is ended, so this run's stand apart.
        if self.path.stat().st_size and not self.path.read_bytes().endswith(b"\n"):
            handle.write("\n")
        return handle


class _Reported(Protocol):
    def to_json(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=_Reported)


class Run(Generic[R]):
    """A run over many, as the command shows and records it.

    Each result, as it comes, goes to the report (one JSON line, with
    ``extra``), the list of results and the progress bar; a Ctrl-C waits for
    one being recorded to be recorded whole (``Interrupts.recording``).
    """

    def __init__(
        self,
        output: Output,
        report: Report | None,
        label: str,
        total: int | None,
        **extra: str,
    ) -> None:
        self.results: list[R] = []
        self._interrupts = output.interrupts
        self._report = report
        self._extra = extra
        self._total = total
        self._handle: IO[str] | None = None
        self._task: Any = None
        self._runs = {"succeeded": 0, "failed": 0}
        # The runs being waited for, by association, as last read.
        self._under_way: dict[str, AssociationRun] = {}
        self._lock = threading.Lock()
        self._recorded: set[int] = set()  # of results kept in self.results
        self._progress = _progress_bar(output, label, self._waited_for)

    @contextlib.contextmanager
    def going(self, what: str) -> Iterator[None]:
        """While it goes: the report open, the bar shown, Ctrl-C stopping ``what``."""
        self._handle = self._report.open() if self._report else None
        try:
            with self._interrupts.during(what), self._progress:
                self._task = self._progress.add_task(what, total=self._total, runs="")
                yield
        finally:
            if self._handle is not None:
                self._handle.close()

    def watch(self, run: AssociationRun) -> None:
        """A run as just read, from the thread waiting for it."""
        with self._lock:
            if run.running:
                self._under_way[run.association_id] = run
            else:
                self._under_way.pop(run.association_id, None)
        self._progress.update(self._task, runs=self._runs_text())

    def _waited_for(self) -> list[AssociationRun]:
        with self._lock:
            return list(self._under_way.values())

    def record(self, result: R) -> None:
        if id(result) in self._recorded:
            return  # passed on again after a Ctrl-C: recorded already
        with self._lock:
            # A wait that ended unfinished (timed out, cut short) is over too.
            self._under_way.pop(str(result.to_json().get("association_id")), None)
        with self._interrupts.recording():
            if self._handle is not None:
                line = {**result.to_json(), **self._extra}
                self._handle.write(json.dumps(line) + "\n")
                self._handle.flush()
            self.results.append(result)
            self._recorded.add(id(result))
            run = result.to_json().get("run")
            if run is not None:
                self._runs["failed" if run["failed_targets"] else "succeeded"] += 1
            self._progress.update(self._task, advance=1, runs=self._runs_text())

    def never_started(self, results: Iterable[R]) -> None:
        """Those a Ctrl-C kept from starting: in the results and the report too."""
        results = list(results)
        self.results.extend(results)
        if self._report is None or not results:
            return
        with self._report.open() as handle:
            for result in results:
                handle.write(json.dumps({**result.to_json(), **self._extra}) + "\n")

    def _runs_text(self) -> str:
        """``runs: 2 in progress, 12 succeeded, 1 failed``, once one is seen."""
        with self._lock:
            counts = {"in progress": len(self._under_way), **self._runs}
        if not any(counts.values()):
            return ""
        return "runs: " + ", ".join(f"{n} {k}" for k, n in counts.items())


def stopped(failed: int, bound: int | None, never: int, then: str) -> str:
    """What a rollout that stopped says: why, how many never started, and then."""
    return (
        f"Stopped: {failed} target{'' if failed == 1 else 's'} failed, more than "
        f"--max-failed-runs {bound}; {never} never started{then}."
    )


def version_cell(row: dict[str, Any]) -> str:
    """A result's versions, in a cell: ``1 -> 2`` when it wrote, else the one read."""
    before, after = row.get("version_before") or "", row.get("version_after")
    if after and after != before:
        return f"{before} -> {after}" if before else str(after)
    return str(before)


def runs_not_succeeded(rows: Iterable[dict[str, Any]], *, interrupted: bool) -> int:
    """Runs waited for that failed, timed out or were not seen, as rows hold them.

    After Ctrl-C, a run whose wait it cut short is not counted: it goes on.
    """
    return sum(
        1
        for row in rows
        if (run := row.get("run")) is not None
        and run["failed_targets"]
        and not (interrupted and run["status"] in RUNNING)
    )


def sentence(
    counts: dict[str, int],
    *,
    skipped: int = 0,
    interrupted: bool,
    not_started: int | None = None,
    what: str = "update",
    runs_not_succeeded: int = 0,
) -> str:
    """``3 changed and 1 failed; 2 skipped as done in an earlier run.``

    With ``--wait`` it says how many runs did not succeed; after Ctrl-C, how
    many were never started.
    """
    parts = [f"{n} {o.replace('_', ' ')}" for o, n in counts.items() if n]
    if not parts:
        text = "No association was updated"
    elif len(parts) == 1:
        text = parts[0]
    else:
        text = f"{', '.join(parts[:-1])} and {parts[-1]}"
    text = text[0].upper() + text[1:]
    if skipped:
        text += f"; {skipped} skipped as done in an earlier run"
    if runs_not_succeeded:
        n = runs_not_succeeded
        text += f"; {n} run{'' if n == 1 else 's'} failed or did not end in time"
    if interrupted:
        text += f"; interrupted, so no {what} was started after Ctrl-C"
        if not_started:
            text += f": {not_started} never started"
    return text + "."
