"""Signatures that spell out a safe update's keywords, for ``help()`` and IDEs."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["show_changes"]


def show_changes(func: Callable[..., Any], changes: type) -> None:
    """Spell the ``**changes`` keywords out in ``func``'s signature, for ``help()``.

    Type checkers read them from the ``Unpack[...]`` annotation; this makes
    ``inspect.signature`` and ``help()`` list them too. ``func`` is not wrapped.
    """
    signature = inspect.signature(func)
    kept = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
    spelled = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=getattr(kind, "__forward_arg__", kind),
        )
        for name, kind in changes.__annotations__.items()
    ]
    func.__signature__ = signature.replace(parameters=[*kept, *spelled])  # type: ignore[attr-defined]
