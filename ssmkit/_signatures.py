"""Signatures that spell out a safe update's keywords, for ``help()`` and IDEs."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = ["show_changes"]


def show_changes(func: Callable[..., Any], changes: Iterable[tuple[str, str]]) -> None:
    """Spell the ``**changes`` keywords out in ``func``'s signature, for ``help()``.

    Type checkers read them from the ``Unpack[...]`` annotation; this makes
    ``inspect.signature`` and ``help()`` list them too. ``func`` is not wrapped.

    Args:
        changes: Each keyword and its annotation, as ``ssmkit._change_members``
            has them.
    """
    signature = inspect.signature(func)
    kept = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
    spelled = [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation
        )
        for name, annotation in changes
    ]
    func.__signature__ = signature.replace(parameters=[*kept, *spelled])  # type: ignore[attr-defined]
