"""Running the ``ssmkit`` command as the tests do: a real process by default.

With ``pytest --command-in-process`` (set for mutation testing, see
docs/development.md) the command runs in the test's own process instead,
with the same arguments, environment, stdin, stdout and stderr, so that a
change to the command's code is seen by the tests that reach it. Tests that
need a process of their own (signals, closed descriptors, a terminal) start
one themselves.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

#: Set from the ``--command-in-process`` option by conftest.py.
IN_PROCESS = False


def run_command(
    command: list[str], *, stdin: str, env: Mapping[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    """``command`` (``python -m ssmkit ...``) run to its end: status and output."""
    if not IN_PROCESS:
        return subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            text=True,
            env=dict(env),
            timeout=timeout,
        )
    assert command[1:3] == ["-m", "ssmkit"], command
    return _in_process(command, stdin, env)


def _in_process(
    command: list[str], stdin: str, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    from ssmkit.__main__ import run

    out, err = io.StringIO(), io.StringIO()
    with _environment(env), _streams(io.StringIO(stdin), out, err):
        sys.argv = ["ssmkit", *command[3:]]
        try:
            status: object = run()
        except SystemExit as exc:  # argparse: --help, a usage error
            status = exc.code
    if status is None:
        status = 0
    elif not isinstance(status, int):
        err.write(f"{status}\n")
        status = 1
    return subprocess.CompletedProcess(command, status, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    before = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(before)


@contextlib.contextmanager
def _streams(
    stdin: io.StringIO, stdout: io.StringIO, stderr: io.StringIO
) -> Iterator[None]:
    saved = sys.stdin, sys.stdout, sys.stderr, sys.argv
    logger = logging.getLogger("ssmkit")
    handlers, level = list(logger.handlers), logger.level
    sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr
    try:
        yield
    finally:
        sys.stdin, sys.stdout, sys.stderr, sys.argv = saved
        # --debug adds a handler writing to the stderr of its run.
        logger.handlers[:] = handlers
        logger.setLevel(level)


class HeldFor:
    """A ``ready`` for ``run_interrupted``: ``condition()`` has held ``seconds``.

    ``since`` is when it was first seen to hold.
    """

    def __init__(self, condition: Callable[[], bool], seconds: float) -> None:
        self.since: float | None = None
        self._condition = condition
        self._seconds = seconds

    def __call__(self) -> bool:
        if self.since is None:
            if not self._condition():
                return False
            self.since = time.monotonic()
        return time.monotonic() - self.since > self._seconds


def run_interrupted(
    command: list[str],
    *,
    ready: Callable[[], bool],
    env: Mapping[str, str],
    timeout: float,
    pressed_again_after: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """``command`` run to its end, with Ctrl-C pressed once ``ready()`` holds.

    In a process of its own, the press is a SIGINT to it; in the tests'
    process, a SIGINT to the main thread, where the command runs, sent only
    while the command still runs. With ``pressed_again_after``, Ctrl-C is
    pressed a second time that many seconds after the first, if the command
    still runs.
    """
    pressed = threading.Event()

    def press_when_ready(press: Callable[[], None]) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            if time.monotonic() > deadline or ended.is_set():
                return
            time.sleep(0.02)
        with lock:
            if ended.is_set():
                return
            press()
            pressed.set()
        if pressed_again_after is None or ended.wait(pressed_again_after):
            return
        with lock:
            if not ended.is_set():
                press()

    lock = threading.Lock()
    ended = threading.Event()
    if not IN_PROCESS:
        with subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(env),
        ) as process:
            press_when_ready(lambda: process.send_signal(signal.SIGINT))
            out, err = process.communicate(timeout=timeout)
            ended.set()
            assert pressed.is_set(), err
            return subprocess.CompletedProcess(command, process.returncode, out, err)
    main = threading.main_thread().ident or 0
    presser = threading.Thread(
        target=press_when_ready,
        args=(lambda: signal.pthread_kill(main, signal.SIGINT),),
    )
    presser.start()
    try:
        done = _in_process(command, "", env)
    finally:
        with lock:
            ended.set()
        presser.join()
    assert pressed.is_set(), done.stderr
    return done
