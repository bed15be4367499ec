"""The live view of runs under way, and Ctrl-C pressed once, twice, mid-record.

Each is driven in the tests' process: the view is rendered at a given
terminal size, and Ctrl-C is a real SIGINT the process sends itself, which
Python handles before the next line runs.
"""

from __future__ import annotations

import json
import signal
from typing import TYPE_CHECKING

import pytest
from rich.text import Text

from ssmkit._fleet import FleetProgress, FleetResult
from ssmkit._waits import AssociationRun
from ssmkit.cli._fleet import _Recorder
from ssmkit.cli._output import Output
from ssmkit.cli._parser import build_parser
from ssmkit.cli._runs import Interrupts, Report, Run, _progress_bar

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture
def output(monkeypatch: pytest.MonkeyPatch) -> Iterator[Output]:
    """The command's output, on a colour terminal of 80 by 24."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LINES", "24")
    made = Output(build_parser().parse_args(["associations", "list"]))
    made.interrupts = Interrupts(made)
    with made.interrupts.installed():
        yield made


def _run(number: int, status: str, **counts: int) -> AssociationRun:
    return AssociationRun(
        association_id=f"{number:08d}-aaaa-bbbb-cccc-{number:012d}",
        association_version=str(number),
        execution_id=f"run-{number}",
        status=status,
        target_counts=counts,
    )


def _lines(output: Output, runs: list[AssociationRun]) -> list[str]:
    """What the view shows under the bar: each line's text."""
    bar = _progress_bar(output, "Updating", lambda: runs)
    shown = list(bar.get_renderables())
    texts = [line for line in shown[1:] if isinstance(line, Text)]
    assert len(texts) == len(shown) - 1
    # Each run's line is cut at the right edge, never wrapped.
    runs_lines = [line for line in texts if not line.plain.startswith("...")]
    assert all(line.no_wrap for line in runs_lines)
    # A run's line too long for the terminal ends in an ellipsis.
    assert all(
        line.overflow == "ellipsis" for line in runs_lines if "targets:" in line.plain
    )
    return [line.plain for line in texts]


def test_each_run_under_way_has_a_line_with_its_targets_counted(
    output: Output,
) -> None:
    runs = [
        _run(1, "Pending", Pending=2),
        _run(12, "InProgress", Success=1, InProgress=1, Failed=3),
        _run(3, "Success"),
        _run(4, "TimedOut", TimedOut=1),
    ]
    assert _lines(output, runs) == [
        "00000001-aaaa-bbbb-cccc-000000000001  v1   pending      targets: 2 pending",
        "00000012-aaaa-bbbb-cccc-000000000012  v12  in progress  targets: 3 failed "
        "1 in progress 1 succeeded",
        "00000003-aaaa-bbbb-cccc-000000000003  v3   succeeded    targets: -",
        # A status the view has no word for: as the service says it, in lower case.
        "00000004-aaaa-bbbb-cccc-000000000004  v4   timedout     targets: 1 timedout",
    ]
    assert _lines(output, []) == []


def test_what_does_not_fit_under_the_bar_is_counted(output: Output) -> None:
    runs = [_run(n, "Pending", Pending=1) for n in range(1, 31)]
    # 24 lines: the bar and its margins take 4, so 20 lines; the last says
    # how many more there are.
    shown = _lines(output, runs)
    assert len(shown) == 20
    assert shown[18].startswith("00000019-aaaa")
    assert shown[19] == "... and 11 more"
    # As many as fit: a line each, none counted.
    assert len(_lines(output, runs[:20])) == 20
    assert _lines(output, runs[:20])[-1].startswith("00000020-aaaa")
    assert _lines(output, runs[:21])[-1] == "... and 2 more"


@pytest.mark.parametrize(("lines", "said"), [("5", "3 runs under way"), ("6", "")])
def test_a_terminal_too_short_for_a_line_each_says_how_many(
    output: Output, monkeypatch: pytest.MonkeyPatch, lines: str, said: str
) -> None:
    monkeypatch.setenv("LINES", lines)
    short = Output(build_parser().parse_args(["associations", "list"]))
    runs = [_run(n, "Pending", Pending=1) for n in range(1, 4)]
    shown = _lines(short, runs)
    if said:
        assert shown == [said]
    else:
        # Two lines: one run, and how many more.
        assert shown[1:] == ["... and 2 more"]


def test_the_bar_counts_the_runs_judged_so_far(output: Output) -> None:
    run: Run[_Result] = Run(output, None, "Updating", 3)
    with run.going("update"):
        assert _field(run) == ""  # no run judged or under way yet
        run.watch(_run(1, "InProgress", InProgress=1))
        run.watch(_run(2, "InProgress", InProgress=1))
        assert _field(run) == "runs: 2 in progress, 0 succeeded, 0 failed"
        assert [r.association_id[:8] for r in _under_way(run)] == [
            "00000001",
            "00000002",
        ]
        # A run read as ended is no longer under way, before its result comes.
        run.watch(_run(2, "Success"))
        assert [r.association_id[:8] for r in _under_way(run)] == ["00000001"]
        assert _field(run) == "runs: 1 in progress, 0 succeeded, 0 failed"
        run.watch(_run(2, "InProgress", InProgress=1))
        run.record(_Result(_run(1, "Success"), failed=0))
        run.record(_Result(_run(2, "Failed"), failed=2))
        assert _field(run) == "runs: 0 in progress, 1 succeeded, 1 failed"
        assert _under_way(run) == []
        # Recorded once, however often it is passed on.
        again = run.results[0]
        run.record(again)
        assert len(run.results) == 2


class _Result:
    def __init__(self, run: AssociationRun, *, failed: int) -> None:
        self._json = {
            "association_id": run.association_id,
            "run": {"failed_targets": failed, "status": run.status},
        }

    def to_json(self) -> dict[str, object]:
        return self._json


def _field(run: Run[_Result]) -> str:
    [task] = run._progress.tasks
    return str(task.fields["runs"])


def _under_way(run: Run[_Result]) -> list[AssociationRun]:
    return run._waited_for()


# -- Ctrl-C -----------------------------------------------------------------------


def test_the_first_ctrl_c_stops_a_run_and_says_what_goes_on(
    output: Output, capsys: pytest.CaptureFixture[str]
) -> None:
    interrupts = output.interrupts
    with pytest.raises(KeyboardInterrupt), interrupts.during("update"):
        signal.raise_signal(signal.SIGINT)
    assert capsys.readouterr().err == (
        "Interrupted: finishing the calls under way; no new update starts.\n"
    )
    # Pressed again, and again: said each time; the command goes on to its end.
    try:
        signal.raise_signal(signal.SIGINT)
        signal.raise_signal(signal.SIGINT)
    except KeyboardInterrupt:
        pytest.fail("a later press stopped the command")
    assert capsys.readouterr().err == "Still finishing; the summary follows.\n" * 2


def test_a_ctrl_c_outside_a_run_over_many_stops_it_without_a_word(
    output: Output, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(KeyboardInterrupt):
        signal.raise_signal(signal.SIGINT)
    assert capsys.readouterr().err == ""


def test_a_ctrl_c_while_a_result_is_recorded_waits_for_the_record(
    output: Output,
) -> None:
    steps = []
    with pytest.raises(KeyboardInterrupt):  # noqa: PT012
        with output.interrupts.during("update"), output.interrupts.recording():
            signal.raise_signal(signal.SIGINT)
            steps.append("recorded whole")
        steps.append("after the record")
    assert steps == ["recorded whole"]
    # Taken once: the next record is not cut short by it.
    with output.interrupts.recording():
        steps.append("the next")
    assert steps == ["recorded whole", "the next"]


class _PressedWhileRecorded(_Result):
    """A result during whose record (its second reading) Ctrl-C is pressed."""

    def __init__(self, run: AssociationRun) -> None:
        super().__init__(run, failed=0)
        self.read = 0

    def to_json(self) -> dict[str, object]:
        self.read += 1
        if self.read == 2:
            signal.raise_signal(signal.SIGINT)
        return super().to_json()


def test_a_result_a_ctrl_c_cut_off_is_written_to_the_report_once(
    output: Output, tmp_path: Path
) -> None:
    path = tmp_path / "report.jsonl"
    run: Run[_Result] = Run(output, Report(path, "f"), "Updating", 2, change="f")
    pressed = _PressedWhileRecorded(_run(1, "Success"))
    with run.going("update"):
        # The press takes effect once the result is recorded whole ...
        with pytest.raises(KeyboardInterrupt):
            run.record(pressed)
        assert run.results == [pressed]
        # ... and the run passes the result on again: it is not taken twice.
        run.record(pressed)
        run.record(_Result(_run(2, "Success"), failed=0))
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [x["association_id"][:8] for x in lines] == ["00000001", "00000002"]
    assert all(x["change"] == "f" for x in lines)
    assert len(run.results) == 2


def test_a_target_a_ctrl_c_cut_off_is_written_to_the_fleet_report_once(
    output: Output, tmp_path: Path
) -> None:
    path = tmp_path / "report.jsonl"

    class PressedOnFlush:
        """The report's file, with Ctrl-C pressed as its first lines are flushed."""

        def __init__(self) -> None:
            self.file = path.open("a", encoding="utf-8")
            self.write = self.file.write
            self.flushed = 0

        def flush(self) -> None:
            self.file.flush()
            self.flushed += 1
            if self.flushed == 1:
                signal.raise_signal(signal.SIGINT)

        def close(self) -> None:
            self.file.close()

    recorder = _Recorder(output, path, PressedOnFlush(), change="f")
    ended = [
        FleetResult("111122223333", "us-east-1", "ok", value=[]),
        FleetResult("444455556666", "us-east-1", "ok", value=[]),
    ]
    rows = [[{"account_id": r.account_id, "outcome": "created"}] for r in ended]
    told = [FleetProgress(n + 1, 0, 0, 1 - n, r) for n, r in enumerate(ended)]
    with output.interrupts.during("target"):
        with pytest.raises(KeyboardInterrupt):
            recorder(told[0], rows[0])
        # Told again after the Ctrl-C, as the fleet does: not taken twice.
        recorder(told[0], rows[0])
        recorder(told[1], rows[1])
    recorder.close()
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines == [
        {"account_id": "111122223333", "outcome": "created", "change": "f"},
        {"account_id": "444455556666", "outcome": "created", "change": "f"},
    ]
    assert recorder.ended == ended


def test_those_never_started_are_results_too_without_a_report(
    output: Output,
) -> None:
    run: Run[_Result] = Run(output, None, "Updating", 2)
    never = [
        _Result(_run(1, "Pending"), failed=0),
        _Result(_run(2, "Pending"), failed=0),
    ]
    run.never_started(never)
    assert run.results == never


@pytest.mark.parametrize(
    ("failed", "said"),
    [
        (1, "Stopped: 1 target failed, more than --max-failed-runs 0;"),
        (2, "Stopped: 2 targets failed, more than --max-failed-runs 0;"),
    ],
)
def test_a_stopped_rollout_counts_its_failed_targets(failed: int, said: str) -> None:
    from ssmkit.cli._runs import stopped

    assert stopped(failed, 0, 3, "") == f"{said} 3 never started."


@pytest.mark.parametrize(
    ("run", "interrupted", "cell"),
    [
        (None, False, ""),
        (
            {"execution_id": "", "status": "Pending", "failed_targets": 1},
            False,
            "not seen",
        ),
        (
            {"execution_id": "", "status": "Pending", "failed_targets": 1},
            True,
            "Pending (wait cut short)",
        ),
        (
            {"execution_id": "e-1", "status": "InProgress", "failed_targets": 1},
            False,
            "InProgress (timed out)",
        ),
        (
            {"execution_id": "e-1", "status": "Success", "failed_targets": 0},
            False,
            "Success",
        ),
        (
            {"execution_id": "e-1", "status": "Failed", "failed_targets": 1},
            True,
            "Failed (1 target failed)",
        ),
        (
            {"execution_id": "e-1", "status": "Failed", "failed_targets": 3},
            False,
            "Failed (3 targets failed)",
        ),
    ],
)
def test_a_run_in_a_cell(
    run: dict[str, object] | None, interrupted: bool, cell: str
) -> None:
    from ssmkit.cli._runs import run_cell

    assert run_cell(run, interrupted=interrupted) == cell


@pytest.mark.parametrize(
    ("counts", "options", "said"),
    [
        ({}, {}, "No association was updated."),
        ({"changed": 0, "failed": 0}, {}, "No association was updated."),
        ({"changed": 3}, {}, "3 changed."),
        ({"changed": 0, "failed": 2}, {}, "2 failed."),
        ({"changed": 3, "failed": 1}, {}, "3 changed and 1 failed."),
        (
            {"changed": 1, "unchanged": 2, "planned": 0, "failed": 4},
            {},
            "1 changed, 2 unchanged and 4 failed.",
        ),
        ({"not_started": 2}, {}, "2 not started."),
        (
            {"changed": 1},
            {"skipped": 2},
            "1 changed; 2 skipped as done in an earlier run.",
        ),
        (
            {"changed": 2},
            {"runs_not_succeeded": 1},
            "2 changed; 1 run failed or did not end in time.",
        ),
        (
            {"changed": 2},
            {"runs_not_succeeded": 2},
            "2 changed; 2 runs failed or did not end in time.",
        ),
        (
            {"changed": 1},
            {"interrupted": True},
            "1 changed; interrupted, so no update was started after Ctrl-C.",
        ),
        (
            {"changed": 1},
            {"interrupted": True, "not_started": 0},
            "1 changed; interrupted, so no update was started after Ctrl-C.",
        ),
        (
            {},
            {"interrupted": True, "not_started": 3, "what": "write"},
            "No association was updated; interrupted, so no write was started "
            "after Ctrl-C: 3 never started.",
        ),
        (
            {"created": 1, "failed": 1},
            {
                "skipped": 1,
                "runs_not_succeeded": 1,
                "interrupted": True,
                "not_started": 1,
            },
            "1 created and 1 failed; 1 skipped as done in an earlier run; "
            "1 run failed or did not end in time; interrupted, so no update was "
            "started after Ctrl-C: 1 never started.",
        ),
        # A count given only when the run was not interrupted says nothing.
        ({"changed": 1}, {"not_started": 2}, "1 changed."),
    ],
)
def test_a_summary_says_each_count_in_words(
    counts: dict[str, int], options: dict[str, object], said: str
) -> None:
    from ssmkit.cli._runs import sentence

    assert sentence(counts, **{"interrupted": False, **options}) == said
