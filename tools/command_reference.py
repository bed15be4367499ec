"""Write the reference page of the ``ssmkit`` command: every command's ``--help``.

Run ``python tools/command_reference.py`` after changing the command's
arguments; ``--check`` exits 1, writing nothing, when the page is not current
(the tests hold it to that).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "reference" / "command.md"
#: The width the help is laid out at, whatever the terminal running this.
WIDTH = "80"

INTRODUCTION = """\
# The command's options

Every command of `ssmkit`, with its `--help` as this version prints it.
[The command](../guides/cli.md) says how to name what to change, what is
asked before a write, and each command's exit statuses.
"""


@contextlib.contextmanager
def _columns(width: str) -> Iterator[None]:
    """argparse lays help out at ``COLUMNS``: the same page on every machine."""
    before = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = width
    try:
        yield
    finally:
        if before is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = before


def page() -> str:
    """The page, from the command's parser as it is now.

    argparse's layout differs a little between Python versions; the page
    names the version it was laid out by.
    """
    from ssmkit.cli._completion import _parsers
    from ssmkit.cli._parser import build_parser

    laid_out_by = "{}.{}".format(*sys.version_info[:2])
    parts = [f"<!-- laid out by Python {laid_out_by} -->\n{INTRODUCTION}"]
    with _columns(WIDTH):
        for _, command in _parsers(build_parser()):
            parts.append(f"## {command.prog}\n\n```text\n{command.format_help()}```\n")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the page is not current"
    )
    args = parser.parse_args(argv)
    text = page()
    current = PAGE.read_text(encoding="utf-8") if PAGE.exists() else None
    if args.check:
        if current != text:
            print(f"{PAGE.relative_to(ROOT)} is not current: run {sys.argv[0]}")
            return 1
        print("up to date")
        return 0
    PAGE.write_text(text, encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
