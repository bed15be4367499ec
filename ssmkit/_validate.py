"""Checks taken from the service model, for values a caller gives.

Values carried over from the service are never re-judged: the service stored
them, so they are what it accepts, whatever this botocore's model says.
"""

from __future__ import annotations

import datetime
import keyword
import re
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from botocore import xform_name

from ._mask import MASK, holds_mask, holds_sensitive, is_sensitive
from .errors import ValidationError

if TYPE_CHECKING:
    from botocore.model import Shape

__all__ = ["attribute_name", "check_value", "member_path", "pattern"]

# botocore's patterns come from Java. Python's ``re`` has no \p{...} classes; the
# ones the SSM model uses are replaced by classes that admit at least as much,
# so a value the service accepts is never refused here.
_UNICODE_CLASSES = {r"\p{L}": r"\w", r"\p{N}": r"\w", r"\p{Z}": r"\s"}


@lru_cache(maxsize=256)
def pattern(source: str) -> re.Pattern[str] | None:
    """The compiled form of a model pattern, or ``None`` if Python cannot express it."""
    for java, python in _UNICODE_CLASSES.items():
        source = source.replace(java, python)
    if r"\p{" in source or r"\P{" in source:
        return None
    try:
        return re.compile(source)
    except re.error:
        return None


def attribute_name(member: str) -> str:
    """ssmkit's attribute name for a member: botocore's snake_case, keyword_."""
    name = xform_name(member)
    return name + "_" if keyword.iskeyword(name) else name


def member_path(parent: str, member: str) -> str:
    """The dotted path of a member in ssmkit's attribute names."""
    name = attribute_name(member)
    return f"{parent}.{name}" if parent else name


def _refuse(path: str, rule: str, value: Any) -> ValidationError:
    shown = MASK if value is _SENSITIVE else repr(value)
    return ValidationError(f"{path}: {rule} (got {shown})", member=path, rule=rule)


_SENSITIVE = object()


def check_value(
    value: Any,
    shape: Shape,
    path: str,
    *,
    masked: bool = False,
    problems: list[ValidationError] | None = None,
) -> None:
    """Check a caller's value, in boto3's form, against its shape's constraints.

    Args:
        value: The value as boto3 would send it.
        shape: Its shape in the service model.
        path: Where it stands, for the message (``"alarm_configuration.alarms"``).
        masked: Whether it lies within a member the service model marks
            sensitive; then it is never shown. Map keys are shown, as
            everywhere: they name parameters, they do not hold their values.
        problems: Where to gather every problem instead of raising the first
            (a value of the wrong kind is not looked into).

    Raises:
        ssmkit.errors.ValidationError: The value breaks a constraint: type,
            length, range, enum or pattern. The error names the member and rule.
            Not raised when ``problems`` is given.
    """
    try:
        _check(value, shape, path, masked, problems)
    except ValidationError as exc:
        if problems is None:
            raise
        problems.append(exc)


def _check(
    value: Any,
    shape: Shape,
    path: str,
    masked: bool,
    problems: list[ValidationError] | None,
) -> None:
    meta = shape.metadata
    masked = masked or is_sensitive(shape)
    # A value that may hold something sensitive is not shown either: given in
    # the wrong form (a list for a structure), its secrets are not where the
    # shape says, and could be anywhere in it.
    shown = _SENSITIVE if masked or holds_sensitive(shape) else value
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            raise _refuse(path, "must be a structure", shown)
        members = shape.members  # type: ignore[attr-defined]
        for required in shape.required_members:
            if required not in value:
                _gather(
                    _refuse(member_path(path, required), "is required", None), problems
                )
        # botocore refuses these too. Within something sensitive, a misplaced
        # key might be a value, so it is not named.
        for member in sorted(str(m) for m in value if m not in members):
            where, rule = member_path(path, member), "no such member"
            if masked:
                where, rule = path, "holds a member its shape does not have"
            _gather(
                ValidationError(f"{where}: {rule}", member=where, rule=rule), problems
            )
            if masked:
                break
        if getattr(shape, "is_tagged_union", False) and len(value) != 1:
            rule = f"must set exactly one of {', '.join(members)}"
            _gather(
                ValidationError(
                    f"{path}: {rule} (got {len(value)})", member=path, rule=rule
                ),
                problems,
            )
        for member, inner in value.items():
            if member in members:
                check_value(
                    inner,
                    members[member],
                    member_path(path, member),
                    masked=masked,
                    problems=problems,
                )
        return
    if kind == "list":
        if not isinstance(value, list):
            raise _refuse(path, "must be a list", shown)
        _check_range(len(value), meta, path, shown, "length")
        for index, item in enumerate(value):
            check_value(
                item,
                shape.member,  # type: ignore[attr-defined]
                f"{path}[{index}]",
                masked=masked,
                problems=problems,
            )
        return
    if kind == "map":
        if not isinstance(value, dict):
            raise _refuse(path, "must be a map", shown)
        _check_range(len(value), meta, path, shown, "length")
        for key, item in value.items():
            check_value(key, shape.key, f"{path} key", problems=problems)  # type: ignore[attr-defined]
            check_value(
                item,
                shape.value,  # type: ignore[attr-defined]
                f"{path}.{key}",
                masked=masked,
                problems=problems,
            )
        return
    if kind == "string":
        if not isinstance(value, str):
            raise _refuse(path, "must be a string", shown)
        _check_range(len(value), meta, path, shown, "length")
        allowed = getattr(shape, "enum", None)
        if allowed and value not in allowed:
            raise _refuse(path, f"must be one of {', '.join(allowed)}", shown)
        source = meta.get("pattern")
        compiled = pattern(source) if source else None
        if compiled is not None and compiled.search(value) is None:
            raise _refuse(path, f"must match the pattern {source}", shown)
        return
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _refuse(path, "must be a whole number", shown)
        _check_range(value, meta, path, shown, "value")
        return
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _refuse(path, "must be true or false", shown)
        return
    if kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise _refuse(path, "must be a number", shown)
        _check_range(value, meta, path, shown, "value")
        return
    if kind == "timestamp" and not isinstance(value, datetime.datetime):
        raise _refuse(path, "must be a datetime", shown)
    if kind == "blob":
        if not isinstance(value, (bytes, bytearray, str)):
            # boto3 sends bytes, or text as its UTF-8 bytes.
            raise _refuse(path, "must be bytes or text", shown)
        data = value.encode() if isinstance(value, str) else value
        _check_range(len(data), meta, path, shown, "length")


def _gather(error: ValidationError, problems: list[ValidationError] | None) -> None:
    if problems is None:
        raise error
    problems.append(error)


def check_no_placeholder(
    value: Any, shape: Shape, path: str, *, masked: bool = False
) -> None:
    """Refuse the mask's placeholder where a sensitive value is to be sent.

    It stands for a value that was hidden; sent, it would replace the secret
    it stands for, wherever it stands in a sensitive value (a list item, a
    longer text, a blob's bytes).

    Raises:
        ssmkit.errors.ValidationError: It is there.
    """
    if holds_mask(value, shape, within=masked):
        msg = (
            f"{path}: holds the placeholder {MASK}, which stands for a hidden "
            "value; sent, it would replace the secret: write the value itself"
        )
        raise ValidationError(msg, member=path, rule="placeholder")


def _check_range(
    size: float | Decimal, meta: dict[str, Any], path: str, shown: Any, what: str
) -> None:
    low, high = meta.get("min"), meta.get("max")
    if low is not None and size < low:
        raise _refuse(path, f"{what} must be at least {low}", shown)
    if high is not None and size > high:
        raise _refuse(path, f"{what} must be at most {high}", shown)
