"""Signatures that spell out a safe update's keywords, for ``help()`` and IDEs."""

from __future__ import annotations

import functools
import inspect
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["show_changes"]


def show_changes(
    func: Callable[..., Any], changes: tuple[tuple[str, str], ...]
) -> None:
    """Spell the ``**changes`` keywords out in ``func``'s signature, for ``help()``.

    Type checkers read them from the ``Unpack[...]`` annotation; this makes
    ``inspect.signature`` and ``help()`` list them too. ``func`` is not wrapped.

    Args:
        changes: Each keyword and its annotation, as ``ssmkit._change_members``
            has them.
    """
    signature = inspect.signature(func)
    kept = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
    func.__signature__ = signature.replace(parameters=[*kept, *_spelled(changes)])  # type: ignore[attr-defined]


@functools.cache
def _spelled(changes: tuple[tuple[str, str], ...]) -> tuple[inspect.Parameter, ...]:
    # Made once for the methods that take the same changes.
    return tuple(
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation
        )
        for name, annotation in changes
    )
