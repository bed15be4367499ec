"""Words and text shared by the library's plans and logs and the command.

Plurals, and text made safe to show: control characters written as their
escapes.
"""

from __future__ import annotations

import re

__all__ = ["CONTROLS", "escape_controls", "one_line", "plural"]


def plural(count: int, noun: str) -> str:
    """``1 change``, ``2 changes``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


#: Characters a terminal acts on rather than shows: C0 controls but newline
#: and tab, DEL, C1 controls, and the marks that reverse the order text is
#: shown in. A name from a file or the service holding ``\x1b[2J`` would clear
#: the screen; ``\r`` would overwrite what was printed.
CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
    "\u202a-\u202e\u2066-\u2069]"
)


def escape_controls(text: str) -> str:
    """``text`` with every control character written as its escape (``\\x1b``)."""
    return CONTROLS.sub(_escaped, text)


def one_line(text: str) -> str:
    """``text`` escaped to stay on one line: newlines and tabs too (``\\n``)."""
    return escape_controls(text).replace("\n", "\\n").replace("\t", "\\t")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
