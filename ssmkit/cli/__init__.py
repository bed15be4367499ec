"""The ``ssmkit`` command: safe SSM updates from a shell.

Its modules, by what they do:

- ``_parser``: the arguments as argparse sees them; light, so that ``--help``
  and a mistyped argument load nothing else;
- ``_main``: running a command, and its errors as one line and an exit status;
- ``_output``: what is shown: tables that fit the terminal, JSON, prompts,
  escaping;
- ``_common``: what the commands share: the client, --set and --clear;
- ``_runs``: runs over many: pace, progress, the report file, Ctrl-C;
- one module per command group: ``_associations``, ``_bulk_update``,
  ``_as_code``, ``_windows``, ``_demo`` and ``_completion``.

The exit statuses of every command are in docs/guides/cli.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._parser import build_parser

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    from ._main import run

    return run(args)
