"""Running a command: its handler, the exit status, errors as one line."""

from __future__ import annotations

import importlib
import logging
import os
import sys
from typing import TYPE_CHECKING

import botocore.exceptions

from .. import errors
from ._output import EscapingFormatter, Output, UsageError, one_line
from ._runs import Interrupts

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """Run the command ``args`` name, as ``build_parser()`` parsed them.

    Exit statuses: docs/guides/cli.md has them for every command.
    """
    if sys.stdout is None:
        # Started with ``>&-``: no result could be shown.
        if sys.stderr is not None:
            sys.stderr.write("ssmkit: error: stdout is closed\n")
        return 2
    output = Output(args)
    output.interrupts = Interrupts(output)

    def fail(message: str, status: int) -> int:
        # One line, whatever the message holds: a newline is shown as \n.
        output.err.print(
            f"ssmkit: error: {one_line(message)}", markup=False, highlight=False
        )
        return status

    if args.debug:
        records = logging.StreamHandler(sys.stderr)
        records.setFormatter(EscapingFormatter("%(asctime)s %(levelname)s %(message)s"))
        logger = logging.getLogger("ssmkit")
        logger.addHandler(records)
        logger.setLevel(logging.DEBUG)

    # Each command names its handler as MODULE:FUNCTION (see _parser).
    module, _, name = args.handler.partition(":")
    handler: Callable[[argparse.Namespace, Output], int] = getattr(
        importlib.import_module(f"{__package__}.{module}"), name
    )
    try:
        with output.interrupts.installed():
            return _ran(handler, args, output, fail)
    except KeyboardInterrupt:
        return fail("interrupted", 130)


def _ran(
    handler: Callable[[argparse.Namespace, Output], int],
    args: argparse.Namespace,
    output: Output,
    fail: Callable[[str, int], int],
) -> int:
    """The handler's exit status, or its error said in one line."""
    try:
        return int(handler(args, output))
    except BrokenPipeError:
        # The reader went away (``| head``): end quietly, and keep Python from
        # complaining when it flushes stdout on the way out.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        if hasattr(args, "yes"):
            # A command that writes was cut off midway: whatever it wrote,
            # or failed to, was not said, so it did not succeed.
            return fail(
                "stdout was closed before the command ended; what was written "
                "is in the --report, and a plan shows what is live",
                1,
            )
        return 0
    except UsageError as exc:
        return fail(str(exc), 2)
    except errors.ValidationError as exc:
        return fail(str(exc), 2)
    except errors.ConcurrentUpdateError as exc:
        return fail(f"{exc}; run again to see the new plan", 1)
    except errors.SSMKitError as exc:
        return fail(str(exc), 1)
    except botocore.exceptions.ProfileNotFound as exc:
        return fail(str(exc), 2)
    except (
        botocore.exceptions.NoCredentialsError,
        botocore.exceptions.ConnectionError,  # unreachable, TLS, proxy
        botocore.exceptions.HTTPClientError,  # a connection closed mid-answer
    ) as exc:
        return fail(str(exc), 1)
    except OSError as exc:  # stdout on a full disk, say
        return fail(f"cannot write: {exc.strerror or exc}", 1)
