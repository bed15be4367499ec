"""Words shared by the library's logs and the command's output."""

from __future__ import annotations

__all__ = ["plural"]


def plural(count: int, noun: str) -> str:
    """``1 change``, ``2 changes``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
