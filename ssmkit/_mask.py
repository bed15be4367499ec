"""What is sensitive, and how it is hidden: the one place every surface asks.

The service model marks some shapes ``sensitive``: ``Parameters``,
``MaintenanceWindowTaskParameters``, ``MaintenanceWindowLambdaPayload``, a
task's ``Description``, and more, at any depth. A value is sensitive when its
shape is, or when it lies within a sensitive shape. Model reprs, plans, the
command's tables and JSON, validation errors and log records all mask through
``mask``, so they agree.

Sensitivity is read from the shapes the caller gives, which come from the
boto3 client's own service model at run time: members newer than ssmkit's
models are covered too. What each shape holds is worked out once per shape
object and forgotten with it, so a process that makes many clients does not
grow.

A map's keys are shown and its values masked: an operator must see that
``RebootOption`` is being removed without seeing its value.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.model import Shape

__all__ = [
    "MASK",
    "holds_mask",
    "holds_sensitive",
    "is_sensitive",
    "mask",
    "mask_field",
    "mask_strictly",
]

#: What is shown in place of a sensitive value.
MASK = "<sensitive>"
_MASK_BYTES = MASK.encode()

# shape -> whether anything within it is sensitive. Weak, so the facts go when
# the boto3 client's service model goes.
_HOLDS: weakref.WeakKeyDictionary[Shape, bool] = weakref.WeakKeyDictionary()


def is_sensitive(shape: Shape) -> bool:
    """Whether the service model marks this shape itself sensitive."""
    return bool(shape.metadata.get("sensitive"))


def holds_sensitive(shape: Shape) -> bool:
    """Whether a value of this shape is, or may hold, something sensitive."""
    found = _HOLDS.get(shape)
    if found is None:
        found = _holds(shape, set())
        _HOLDS[shape] = found
    return found


def _holds(shape: Shape, seen: set[str]) -> bool:
    if is_sensitive(shape):
        return True
    if shape.name in seen:  # a recursive shape: its own members say
        return False
    seen = seen | {shape.name}
    kind = shape.type_name
    if kind == "structure":
        return any(_holds(m, seen) for m in shape.members.values())  # type: ignore[attr-defined]
    if kind == "list":
        return _holds(shape.member, seen)  # type: ignore[attr-defined]
    if kind == "map":
        return _holds(shape.value, seen)  # type: ignore[attr-defined]
    return False


def mask(value: Any, shape: Shape | None, *, show_sensitive: bool = False) -> Any:
    """A value in boto3's form with everything sensitive replaced by ``MASK``.

    Args:
        value: The value, as boto3 sends or returns it.
        shape: Its shape in the service model (``None``: not known, shown).
        show_sensitive: Return the value as it is.

    Returns:
        The value itself where nothing in it is sensitive (not copied);
        otherwise a copy with sensitive values masked and map keys kept.
    """
    if show_sensitive or shape is None or value is None:
        return value
    if not holds_sensitive(shape):
        return value
    return _masked(value, shape, within=False)


def mask_strictly(value: Any, shape: Shape) -> Any:
    """As ``mask``, for a value nothing has checked against ``shape``.

    A value that did not come through botocore's parser (a member newer than
    ssmkit's models, given by hand) may hold what its shape does not know: a
    member the shape lacks, or a value of another kind than the shape's. Such
    a part cannot be judged, and is masked: better masked than leaked.
    """
    return _masked(value, shape, within=False, strict=True)


def _masked(value: Any, shape: Shape, *, within: bool, strict: bool = False) -> Any:
    within = within or is_sensitive(shape)
    kind = shape.type_name
    if kind == "map" and isinstance(value, dict):
        inner = shape.value  # type: ignore[attr-defined]
        return {
            k: _masked(v, inner, within=within, strict=strict) for k, v in value.items()
        }
    if within:
        return MASK
    if kind == "structure" and isinstance(value, dict):
        members = shape.members  # type: ignore[attr-defined]
        if strict:
            return {
                k: _masked(v, members[k], within=False, strict=True)
                if k in members
                else MASK
                for k, v in value.items()
            }
        return {
            k: _masked(v, members[k], within=False)
            if k in members and holds_sensitive(members[k])
            else v
            for k, v in value.items()
        }
    if kind == "list" and isinstance(value, list):
        item = shape.member  # type: ignore[attr-defined]
        return [_masked(v, item, within=False, strict=strict) for v in value]
    if strict and kind in ("structure", "list", "map"):
        return MASK  # not of its shape's kind: cannot be judged
    return value


def holds_mask(value: Any, shape: Shape, *, within: bool = False) -> bool:
    """Whether ``MASK`` is within a sensitive part of ``value``, whole or in part.

    A value sent with the placeholder where a secret was would replace the
    secret: wherever it stands in a sensitive value, even inside a list or a
    longer text, it is refused by whatever sends.
    """
    within = within or is_sensitive(shape)
    if isinstance(value, str):
        return within and MASK in value
    if isinstance(value, (bytes, bytearray, memoryview)):
        # A blob read back from masked JSON is the placeholder's bytes.
        return within and _MASK_BYTES in bytes(value)
    kind = shape.type_name
    if isinstance(value, dict):
        if kind == "structure":
            members = shape.members  # type: ignore[attr-defined]
            return any(
                holds_mask(v, members[k], within=within)
                for k, v in value.items()
                if k in members
            )
        if kind == "map":
            inner = shape.value  # type: ignore[attr-defined]
            return any(holds_mask(v, inner, within=within) for v in value.values())
    if isinstance(value, (list, tuple)) and kind == "list":
        item = shape.member  # type: ignore[attr-defined]
        return any(holds_mask(v, item, within=within) for v in value)
    return False


def mask_field(value: Any) -> Any:
    """A sensitive model field's value as a repr shows it: map keys kept."""
    if isinstance(value, Mapping):
        return {k: _Masked() for k in value}
    return _Masked()


class _Masked:
    """Stands for a sensitive value in a repr: prints as ``<sensitive>``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return MASK
