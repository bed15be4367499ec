"""What the command shows: tables that fit the terminal, JSON, prompts, escaping.

Data goes to stdout, everything else (plans, questions, progress, summaries)
to stderr, so ``--output json | jq`` reads only JSON. Everything shown passes
through one console that escapes control characters, so no name, value or
message, from a file or from the service, can act on the terminal.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import TYPE_CHECKING, Any, NamedTuple

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from .._mask import mask
from .._validate import attribute_name
from .._wire import jsonable
from .._words import CONTROLS, escape_controls, one_line, plural

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterable, Sequence

    from botocore.model import Shape

    from .._safe import UpdatePlan
    from ._runs import Interrupts

__all__ = [
    "DECLINED",
    "Column",
    "Output",
    "UsageError",
    "confirm",
    "escape_controls",
    "listing",
    "one_line",
    "plural",
    "runs_at_once",
    "text_of",
]


class UsageError(Exception):
    """Bad usage or input, found before any call: exit status 2."""


#: The exit status when the operator answers no: nothing was written, and a
#: script must be able to tell that from a write (as Terraform does).
DECLINED = 1


class _Console(Console):
    """A console that shows text as it is, controls escaped, and ends quietly on EPIPE.

    rich's own answer to a closed pipe is exit status 1; the command handles
    the BrokenPipeError instead, the same way for every output.
    """

    def __init__(self, *, stderr: bool = False) -> None:
        # Text as it is: no markup, no highlighting, and no emoji codes, so
        # that ":fire:" in a value or a message is not shown as an emoji.
        super().__init__(
            stderr=stderr, highlight=False, soft_wrap=True, markup=False, emoji=False
        )

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment
            if segment.control or not CONTROLS.search(segment.text)
            else Segment(escape_controls(segment.text), segment.style)
            for segment in buffer
        )

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


class EscapingFormatter(logging.Formatter):
    """Log records for --debug, with control characters escaped."""

    def format(self, record: logging.LogRecord) -> str:
        return escape_controls(super().format(record))


class Column(NamedTuple):
    """A column of a table: its header, and whether its text may wrap.

    Only prose (an error message) wraps. Everything else, ids, names,
    documents, versions, dates, is shown whole at any width: when the
    columns do not fit side by side, each row becomes a block of lines,
    headed by its first column; ``labelled`` puts the header before that
    value (``version 3``) where the value alone would not say what it is.
    """

    header: str
    wraps: bool = False
    labelled: bool = False


#: Narrower than this, a terminal's width is taken for a mistake.
MIN_WIDTH = 20

#: The narrowest a column of prose gets before rows become blocks instead.
PROSE_WIDTH = 30


def _width(text: str) -> int:
    return max(cell_len(line) for line in text.split("\n"))


class Output:
    """Where and how results are shown: data on stdout, the rest on stderr."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.json = args.output == "json"
        self.show_sensitive = bool(args.show_sensitive)
        self.out = _Console()
        self.err = _Console(stderr=True)
        for console in (self.out, self.err):
            if console.width < MIN_WIDTH:  # COLUMNS=0, say: nothing would show
                console.width = 80
        # Ctrl-C for the whole command (see _runs.Interrupts): set by run().
        self.interrupts: Interrupts

    @property
    def notes(self) -> Console:
        """Where plans and other words about the data go: stderr under --output json."""
        return self.err if self.json else self.out

    def emit_json(self, value: Any) -> None:
        sys.stdout.write(json.dumps(jsonable(value), indent=2, sort_keys=True) + "\n")
        sys.stdout.flush()

    def masked(self, value: Any, shape: Shape) -> Any:
        """A boto3 value of ``shape``, masked unless --show-sensitive."""
        return mask(value, shape, show_sensitive=self.show_sensitive)

    def rows(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[str]],
        *,
        styles: Sequence[str] | None = None,
        console: Console | None = None,
    ) -> None:
        """Rows as a table when it fits the terminal, else as one block per row.

        The first column names the row (an id or a name) and heads its block.
        Shown on stdout unless ``console`` says otherwise.
        """
        console = console or self.out
        cells = [
            [
                escape_controls(cell) if column.wraps else one_line(cell)
                for column, cell in zip(columns, row, strict=True)
            ]
            for row in rows
        ]
        styles = styles or [""] * len(cells)
        widths = [
            max([cell_len(column.header)] + [_width(row[i]) for row in cells])
            for i, column in enumerate(columns)
        ]
        needed = sum(
            min(width, PROSE_WIDTH) if column.wraps else width
            for column, width in zip(columns, widths, strict=True)
        )
        spare = console.width - (needed + 3 * len(columns) + 1)
        if spare >= 0:
            table = Table(*(column.header for column in columns))
            for spec, column, width in zip(table.columns, columns, widths, strict=True):
                if column.wraps:
                    # Prose gets what the rest leave, up to all it needs. Its
                    # width is set: rich would otherwise keep its longest
                    # word (an id in an error) whole and pass the terminal.
                    given = min(width, PROSE_WIDTH)
                    more = min(width - given, spare)
                    spare -= more
                    spec.width = given + more
                    spec.overflow = "fold"
                else:
                    spec.min_width = width  # all of it: the table fits
            for row, style in zip(cells, styles, strict=True):
                table.add_row(*(Text(cell) for cell in row), style=style)
            console.print(table)
            return
        label = max(cell_len(column.header) for column in columns[1:]) + 1
        for number, (row, style) in enumerate(zip(cells, styles, strict=True)):
            if number:
                console.print()
            head = f"{columns[0].header} {row[0]}" if columns[0].labelled else row[0]
            console.print(Text(head, style=f"bold {style}".strip()))
            for column, cell in zip(columns[1:], row[1:], strict=True):
                if cell:
                    # Never wrapped here: the terminal wraps a long value,
                    # which a copy then takes whole.
                    lines = cell.split("\n")
                    first = f"  {column.header + ':':<{label}} {lines[0]}"
                    rest = [" " * (label + 3) + line for line in lines[1:]]
                    console.print(Text("\n".join([first, *rest]), style=style))

    def record(self, raw: dict[str, Any], shape: Shape, title: str) -> None:
        """One resource, member by member: a table if it fits, else lines."""
        members = jsonable(self.masked(raw, shape))
        pairs = [
            (attribute_name(wire), one_line(text_of(value)))
            for wire, value in members.items()
        ]
        names = max((cell_len(name) for name, _ in pairs), default=0)
        values = max((_width(value) for _, value in pairs), default=0)
        if names + values + 7 <= self.out.width:
            # It fits, so nothing wraps; and the consoles leave a title on the
            # left, where the lines below put it too.
            table = Table(title=Text(title), show_header=False)
            table.add_column(style="bold")
            table.add_column()
            for name, value in pairs:
                table.add_row(Text(name), Text(value))
            self.out.print(table)
            return
        self.out.print(Text(title, style="bold"))
        for name, value in pairs:
            self.out.print(Text(f"  {name:<{names}}  {value}"))

    def plan(self, plan: UpdatePlan[Any], title: str) -> None:
        """The plan, one line per changed leaf, on stderr when stdout is JSON."""
        console = self.notes
        if plan.is_noop:
            console.print(f"{title}: nothing would change.")
            return
        count = len(plan.changes)
        console.print(Text.assemble((title, "bold"), f": {plural(count, 'change')}"))
        colours = {"add": "green", "remove": "red", "change": "yellow"}
        for change in plan.changes:
            line = change.render(show_sensitive=self.show_sensitive)
            console.print(Text("  " + line, style=colours[change.action]))
        if plan.runs:
            console.print(
                "  Writing it makes the association run at once on its targets."
            )


def listing(
    output: Output,
    items: list[dict[str, Any]],
    shape: Shape,
    key: str,
    columns: dict[str, Callable[[dict[str, Any]], Any]],
    *,
    labelled: bool = False,
) -> int:
    """Items as ``{key: [...]}`` JSON, or as rows whose first column names each."""
    shown = [jsonable(output.masked(item, shape)) for item in items]
    if output.json:
        output.emit_json({key: shown})
        return 0
    if not shown:
        output.err.print("None found.")
        return 0
    headers = list(columns)
    output.rows(
        [Column(headers[0], labelled=labelled)] + [Column(h) for h in headers[1:]],
        [[text_of(get(item)) for get in columns.values()] for item in shown],
    )
    return 0


def text_of(value: Any) -> str:
    """A JSON value as one cell: strings as they are, the rest as compact JSON."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def confirm(question: str) -> bool:
    """Ask on stderr (stdout is for data); only ``y`` or ``yes`` is a yes."""
    sys.stderr.write(f"{escape_controls(question)} [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline() if sys.stdin is not None else ""  # <&-
    if not answer:
        sys.stderr.write("\n")
        raise UsageError(
            "no answer to confirm the write: pass --yes to write without asking"
        )
    return answer.strip().lower() in ("y", "yes")


def runs_at_once(runs: bool) -> str:
    """The words a question adds when what it writes runs at once."""
    return " Once written, it runs at once on its targets." if runs else ""
