"""Ctrl-C at each step of a run over many, made deterministic by the local SSM.

Each test presses Ctrl-C (a real SIGINT to the command's process) from a hook
the local server runs just before it serves a chosen call, and holds that call
until the command has taken the Ctrl-C: with ``--debug``, the run logs
"interrupted: finishing the N calls under way" once it has stopped anything
new from starting. Only then is the call answered. So each case knows exactly
which calls were under way when Ctrl-C came, whatever the machine's speed, and
states what was written and what the report holds.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest

from ssmkit.testing.server import Server

from . import command as command_module
from .command import run_command
from .standin import held_for_another, server_client
from .test_cli import argv, command_env, create, stored

TAKEN = "interrupted: finishing the"


class CtrlC:
    """Press Ctrl-C in the command as the ``nth`` ``operation`` is to be served.

    The command runs in a process of its own, or, with
    ``--command-in-process``, in the tests' main thread, which the press then
    interrupts as the terminal's Ctrl-C interrupts a process's.
    """

    def __init__(
        self, server: Server, operation: str, nth: int, *, until_exit: bool = False
    ) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.out = ""  # what the command wrote on stdout, once it has ended
        self.pressed = threading.Event()
        self._running = threading.Event()
        self._ended = threading.Event()
        self._taken = threading.Event()
        self._seen = 0
        self._nth = nth
        self._until_exit = until_exit
        server.stand_in.before(operation, self._hook, times=None)

    def _hook(self, _: Any) -> None:
        self._seen += 1
        if self._seen != self._nth or not self._running.is_set():
            return
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)
        else:
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
        self.pressed.set()
        if self._until_exit:  # a Ctrl-C that ends the command before any write
            assert self._ended.wait(30), "the command did not end"
            return
        # Held until the command says nothing new starts: then it is answered.
        assert self._taken.wait(30), "the command did not take the Ctrl-C"

    def run(self, command: list[str]) -> tuple[int, str]:
        """Run ``command``; its exit status and what it wrote on stderr."""
        if command_module.IN_PROCESS:
            return self._run_in_process(command)
        with (
            tempfile.TemporaryFile("w+") as out,
            subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.PIPE,
                text=True,
                env=command_env(),
            ) as self.process,
        ):
            assert self.process.stderr is not None
            self._running.set()
            err = []
            for line in self.process.stderr:
                err.append(line)
                if TAKEN in line:
                    self._taken.set()
            status = self.process.wait(timeout=60)
            self._ended.set()
            out.seek(0)
            self.out = out.read()
            return status, "".join(err)

    def _run_in_process(self, command: list[str]) -> tuple[int, str]:
        taken = self._taken

        class Taken(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                if TAKEN in record.getMessage():
                    taken.set()

        logger = logging.getLogger("ssmkit")
        handler = Taken()
        logger.addHandler(handler)
        self._running.set()
        try:
            done = run_command(command, stdin="", env=command_env(), timeout=60)
        finally:
            self._ended.set()
            logger.removeHandler(handler)
        self.out = done.stdout
        return done.returncode, done.stderr


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    """``command`` run to its end, without a Ctrl-C."""
    return run_command(command, stdin="", env=command_env(), timeout=60)


@pytest.fixture
def boto(server: Server) -> Any:
    server.stand_in.requests.clear()
    return server_client(server)


@pytest.fixture
def ids(boto: Any) -> list[str]:
    return [create(boto, AssociationName=f"step-{i}") for i in range(5)]


def bulk_update(server: Server, ids: list[str], report: Path, *extra: str) -> list[str]:
    ids_file = report.parent / "ids.txt"
    ids_file.write_text("\n".join(ids))
    return argv(
        server,
        "--debug",
        "associations",
        "bulk-update",
        "--ids-from",
        str(ids_file),
        "--set",
        "max_errors=8",
        "--concurrency",
        "1",
        "--report",
        str(report),
        "--yes",
        *extra,
    )


def outcomes(report: Path) -> dict[str, str]:
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    return {line["association_id"]: line["outcome"] for line in lines}


def changed(boto: Any, ids: list[str]) -> list[str]:
    return [i for i in ids if stored(boto, i)["MaxErrors"] == "8"]


def calls(server: Server) -> list[str]:
    return [
        operation
        for operation in server.stand_in.operations
        if operation in ("DescribeAssociation", "UpdateAssociation")
    ]


# -- associations bulk-update, one at a time ------------------------------------


def test_ctrl_c_during_a_read_writes_nothing_for_it(
    server: Server, boto: Any, ids: list[str], tmp_path: Path
) -> None:
    report = tmp_path / "report.jsonl"
    press = CtrlC(server, "DescribeAssociation", 3)

    status, err = press.run(bulk_update(server, ids, report))

    assert press.pressed.is_set()
    assert status == 130, err
    # The third read was under way: it is answered, and its write never sent.
    assert calls(server) == ["DescribeAssociation", "UpdateAssociation"] * 2 + [
        "DescribeAssociation"
    ]
    assert changed(boto, ids) == ids[:2]
    assert outcomes(report) == {
        **dict.fromkeys(ids[:2], "changed"),
        **dict.fromkeys(ids[2:], "not_started"),
    }
    assert "2 changed; interrupted" in err


def test_ctrl_c_during_a_write_keeps_it_and_reports_it(
    server: Server, boto: Any, ids: list[str], tmp_path: Path
) -> None:
    report = tmp_path / "report.jsonl"
    press = CtrlC(server, "UpdateAssociation", 3)

    status, err = press.run(bulk_update(server, ids, report))

    assert status == 130, err
    assert "Interrupted: finishing the calls under way; no new update starts.\n" in err
    # The third write was sent: it lands, is counted and is in the report.
    assert calls(server) == ["DescribeAssociation", "UpdateAssociation"] * 3
    assert changed(boto, ids) == ids[:3]
    assert outcomes(report) == {
        **dict.fromkeys(ids[:3], "changed"),
        **dict.fromkeys(ids[3:], "not_started"),
    }
    assert "3 changed; interrupted" in err


def test_ctrl_c_during_pacing_ends_the_wait_and_sends_nothing_more(
    server: Server, boto: Any, ids: list[str], tmp_path: Path
) -> None:
    # Two at once, two calls a second: each call waits its turn, so when the
    # first write is served the other update is waiting for its own turn.
    report = tmp_path / "report.jsonl"
    press = CtrlC(server, "UpdateAssociation", 1)
    command = bulk_update(server, ids, report, "--max-rate", "2")
    command[command.index("--concurrency") + 1] = "2"

    status, err = press.run(command)

    assert status == 130, err
    # The wait ends at once: neither a read nor a write is sent after it.
    assert calls(server) == ["DescribeAssociation"] * 2 + ["UpdateAssociation"]
    done = changed(boto, ids)
    assert len(done) == 1
    assert outcomes(report) == {
        i: "changed" if i in done else "not_started" for i in ids
    }


def test_bulk_update_paces_its_updates_at_max_rate(
    server: Server, boto: Any, ids: list[str], tmp_path: Path
) -> None:
    # Two at once, one call in ten seconds: the second update's read waits its
    # turn, and a Ctrl-C during the first read ends that wait. Unpaced, both
    # would be under way together, and both would be finished.
    report = tmp_path / "report.jsonl"
    another = held_for_another(server, "DescribeAssociation", 1)
    press = CtrlC(server, "DescribeAssociation", 1)
    command = bulk_update(server, ids, report, "--max-rate", "0.1")
    command[command.index("--concurrency") + 1] = "2"

    status, err = press.run(command)

    assert status == 130, err
    assert not another.is_set()
    assert calls(server) == ["DescribeAssociation"]
    assert changed(boto, ids) == []
    assert outcomes(report) == dict.fromkeys(ids, "not_started")


def test_the_rerun_after_a_ctrl_c_takes_up_only_what_was_left(
    server: Server, boto: Any, ids: list[str], tmp_path: Path
) -> None:
    report = tmp_path / "report.jsonl"
    CtrlC(server, "UpdateAssociation", 2).run(bulk_update(server, ids, report))
    server.stand_in.requests.clear()

    rerun = run(bulk_update(server, ids, report))

    assert rerun.returncode == 0, rerun.stderr
    # Neither read nor written again: the report says they are done.
    assert calls(server) == ["DescribeAssociation", "UpdateAssociation"] * 3
    assert changed(boto, ids) == ids


# -- associations apply, one at a time -------------------------------------------


@pytest.fixture
def applied(server: Server, boto: Any, tmp_path: Path) -> tuple[str, list[str]]:
    """A file of four associations, applied; then the same with MaxErrors 8."""
    entries = [
        {
            "AssociationName": f"step-apply-{i}",
            "Name": "AWS-RunShellScript",
            "Targets": [{"Key": "InstanceIds", "Values": ["i-1"]}],
            "Parameters": {"commands": ["uptime"]},
            "MaxErrors": "1",
        }
        for i in range(4)
    ]
    path = tmp_path / "ssm.json"
    path.write_text(json.dumps({"Associations": entries}))
    first = run(argv(server, "associations", "apply", str(path), "--yes"))
    assert first.returncode == 0, first.stderr
    pages = boto.get_paginator("list_associations").paginate()
    listed = [a for page in pages for a in page["Associations"]]
    # Other tests' associations may share the account: these have names.
    found = {a.get("AssociationName"): a["AssociationId"] for a in listed}
    changed_file = [{**e, "MaxErrors": "8"} for e in entries]
    path.write_text(json.dumps({"Associations": changed_file}))
    server.stand_in.requests.clear()
    return str(path), [found[e["AssociationName"]] for e in entries]


def apply(server: Server, path: str, report: Path) -> list[str]:
    return argv(
        server,
        "--debug",
        "associations",
        "apply",
        path,
        "--concurrency",
        "1",
        "--report",
        str(report),
        "--yes",
    )


def by_name(report: Path) -> dict[str, str]:
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    return {line["name"]: line["outcome"] for line in lines}


def test_apply_ctrl_c_while_planning_writes_nothing(
    server: Server, boto: Any, applied: tuple[str, list[str]], tmp_path: Path
) -> None:
    path, ids = applied
    report = tmp_path / "report.jsonl"
    press = CtrlC(server, "DescribeAssociation", 2, until_exit=True)

    status, err = press.run(apply(server, path, report))

    assert status == 130, err
    # Planning reads each entry first: no write is sent, nothing is reported.
    assert "UpdateAssociation" not in server.stand_in.operations
    assert changed(boto, ids) == []
    assert not report.exists() or report.read_text() == ""


def test_apply_ctrl_c_during_a_read_writes_nothing_for_it(
    server: Server, boto: Any, applied: tuple[str, list[str]], tmp_path: Path
) -> None:
    path, ids = applied
    report = tmp_path / "report.jsonl"
    # Four reads plan the file; the sixth read is the second entry's, at its write.
    press = CtrlC(server, "DescribeAssociation", 6)

    status, err = press.run(apply(server, path, report))

    assert status == 130, err
    assert server.stand_in.operations.count("UpdateAssociation") == 1
    assert changed(boto, ids) == ids[:1]
    assert by_name(report) == {
        "step-apply-0": "changed",
        **dict.fromkeys([f"step-apply-{i}" for i in (1, 2, 3)], "not_started"),
    }


def test_apply_ctrl_c_during_a_write_keeps_it_and_reports_it(
    server: Server, boto: Any, applied: tuple[str, list[str]], tmp_path: Path
) -> None:
    path, ids = applied
    report = tmp_path / "report.jsonl"
    press = CtrlC(server, "UpdateAssociation", 2)

    status, err = press.run(apply(server, path, report))

    assert status == 130, err
    assert "Interrupted: finishing the calls under way; no new write starts.\n" in err
    assert server.stand_in.operations.count("UpdateAssociation") == 2
    assert changed(boto, ids) == ids[:2]
    assert by_name(report) == {
        **dict.fromkeys(["step-apply-0", "step-apply-1"], "changed"),
        **dict.fromkeys(["step-apply-2", "step-apply-3"], "not_started"),
    }


def test_apply_paces_its_writes_at_max_rate(
    server: Server, boto: Any, applied: tuple[str, list[str]], tmp_path: Path
) -> None:
    # Two at once, one call in ten seconds: the second entry's read waits its
    # turn, and a Ctrl-C during the first read ends that wait. Unpaced, both
    # reads would be under way together, and both would be finished.
    path, ids = applied
    report = tmp_path / "report.jsonl"
    another = held_for_another(server, "DescribeAssociation", 5)
    press = CtrlC(server, "DescribeAssociation", 5)
    command = [*apply(server, path, report), "--max-rate", "0.1"]
    command[command.index("--concurrency") + 1] = "2"

    status, err = press.run(command)

    assert status == 130, err
    assert not another.is_set()
    # Four reads plan the file; then the first write's read, and nothing more.
    assert calls(server) == ["DescribeAssociation"] * 5
    assert changed(boto, ids) == []
    assert by_name(report) == dict.fromkeys(
        [f"step-apply-{i}" for i in range(4)], "not_started"
    )


def test_apply_ctrl_c_leaves_an_unchanged_entry_out_of_those_never_started(
    server: Server, boto: Any, applied: tuple[str, list[str]], tmp_path: Path
) -> None:
    path, ids = applied
    entries = json.loads(Path(path).read_text())["Associations"]
    entries[3]["MaxErrors"] = "1"  # as it stands: nothing to write
    Path(path).write_text(json.dumps({"Associations": entries}))
    report = tmp_path / "report.jsonl"
    press = CtrlC(server, "UpdateAssociation", 1)

    status, err = press.run(apply(server, path, report))

    assert status == 130, err
    assert changed(boto, ids) == ids[:1]
    assert by_name(report) == {
        "step-apply-0": "changed",
        "step-apply-1": "not_started",
        "step-apply-2": "not_started",
    }
    assert err.endswith(
        "1 changed and 1 unchanged; interrupted, so no write was started after "
        "Ctrl-C: 2 never started.\n"
    ), err


def test_apply_ctrl_c_during_a_wait_leaves_the_run_going_and_says_so(
    server: Server, boto: Any, applied: tuple[str, list[str]], tmp_path: Path
) -> None:
    path, ids = applied
    report = tmp_path / "report.jsonl"
    server.stand_in.set_run_duration(30)
    press = CtrlC(server, "DescribeAssociationExecutions", 1)
    try:
        status, err = press.run([*apply(server, path, report), "--wait"])
    finally:
        server.stand_in.set_run_duration(0)

    assert status == 130, err
    assert changed(boto, ids) == ids[:1]
    # The run goes on unwatched: neither failed nor timed out.
    assert err.endswith(
        "1 changed; interrupted, so no write was started after Ctrl-C: "
        "3 never started.\n"
    ), err
    [row] = [line for line in press.out.splitlines() if " changed " in line]
    assert ids[0] in row
    assert "Pending (wait cut short)" in row, press.out
