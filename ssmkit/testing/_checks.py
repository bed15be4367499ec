"""What the service checks in a request before serving it, as AWS words it.

botocore checks types, required members and minimums before sending, but not
maximums, patterns or enums, and other clients may check nothing. The service
refuses what its model forbids: a body that is not JSON, or a member of the
wrong type, is a ``SerializationException``; a value outside its constraints a
``ValidationException`` listing each one, in AWS's words ("1 validation error
detected: Value '9' at 'scheduleOffset' failed to satisfy constraint: Member
must have value less than or equal to 6").
"""

from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING, Any

from .._files import MAX_DEPTH, deeper_than

# The model's Java patterns, read as Python's re can: one translation for all.
from .._validate import pattern

if TYPE_CHECKING:
    from botocore.model import Shape

__all__ = ["Refused", "check_request", "read_body"]


class Refused(Exception):
    """A request the service would not serve: its error code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def read_body(data: bytes | str) -> Any:
    """The JSON a request's body holds (``{}`` for none), or why it cannot be read.

    One reading for every way a request arrives: over HTTP, and in process
    through moto, whether from botocore or from any other client.

    Raises:
        Refused: a ``SerializationException`` saying what is wrong.
    """
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        message = "The request body is not UTF-8."
        raise Refused("SerializationException", message) from None
    if text.startswith("\ufeff"):
        message = (
            "The request body is not UTF-8 JSON: it starts with a byte order mark."
        )
        raise Refused("SerializationException", message)
    if not text:
        return {}
    too_deep = f"The request body nests deeper than {MAX_DEPTH} levels."
    try:
        parsed = json.loads(text)
    except RecursionError:
        raise Refused("SerializationException", too_deep) from None
    except ValueError:
        message = "The request body is not JSON."
        raise Refused("SerializationException", message) from None
    if deeper_than(parsed, MAX_DEPTH):
        raise Refused("SerializationException", too_deep)
    return parsed


#: Members the model leaves optional that a request cannot do without: a
#: maintenance window filter without a Key names nothing to filter by.
_NEEDED = {"MaintenanceWindowFilter": ("Key",)}


def _camel(member: str) -> str:
    return member[:1].lower() + member[1:]


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


#: The JSON types each kind of shape arrives as.
_TYPES: dict[str, type | tuple[type, ...]] = {
    "structure": dict,
    "map": dict,
    "list": list,
    "string": str,
    "boolean": bool,
    "blob": (bytes, str),
}


def check_request(request: Any, shape: Shape | None) -> None:
    """Refuse a request its operation's input shape forbids.

    Raises:
        Refused: ``SerializationException`` for a member of the wrong type,
            ``ValidationException`` for broken constraints, every one listed.
    """
    if shape is None:
        return
    problems: list[str] = []
    _walk(request, shape, "", problems)
    if problems:
        count = len(problems)
        head = f"{count} validation error{'' if count == 1 else 's'} detected: "
        raise Refused("ValidationException", head + "; ".join(problems))


def _walk(value: Any, shape: Shape, path: str, problems: list[str]) -> None:
    kind = shape.type_name
    meta = shape.metadata
    expected = _TYPES.get(kind)
    wrong = (expected is not None and not isinstance(value, expected)) or (
        kind in ("integer", "long")
        and (isinstance(value, bool) or not isinstance(value, int))
    )
    if kind in ("double", "float") and (
        isinstance(value, bool) or not isinstance(value, (int, float))
    ):
        wrong = True
    if kind == "timestamp" and not isinstance(
        value, (int, float, str, datetime.datetime)
    ):
        wrong = True
    if wrong:
        where = path or "the request"
        msg = f"Unexpected {type(value).__name__} at {where}: expected a {kind}"
        raise Refused("SerializationException", msg)
    if kind == "structure":
        members = shape.members  # type: ignore[attr-defined]
        for required in (*shape.required_members, *_NEEDED.get(shape.name, ())):
            if value.get(required) is None:
                at = f"{path}.{_camel(required)}" if path else _camel(required)
                problems.append(
                    f"Value null at '{at}' failed to satisfy constraint: "
                    "Member must not be null"
                )
        for member, inner in value.items():
            if member in members and inner is not None:
                at = f"{path}.{_camel(member)}" if path else _camel(member)
                _walk(inner, members[member], at, problems)
        return
    if kind in ("list", "map"):
        _limits(len(value), meta, path, value, "length", problems)
        if kind == "list":
            for index, item in enumerate(value, 1):
                _walk(item, shape.member, f"{path}.{index}.member", problems)  # type: ignore[attr-defined]
        else:
            for key, item in value.items():
                _walk(key, shape.key, f"{path}.{key}.key", problems)  # type: ignore[attr-defined]
                _walk(item, shape.value, f"{path}.{key}.value", problems)  # type: ignore[attr-defined]
        return
    if kind == "string":
        _limits(len(value), meta, path, value, "length", problems)
        allowed = getattr(shape, "enum", None)
        if allowed and value not in allowed:
            problems.append(
                f"Value '{value}' at '{path}' failed to satisfy constraint: "
                f"Member must satisfy enum value set: [{', '.join(allowed)}]"
            )
        source = meta.get("pattern")
        compiled = pattern(source) if source else None
        if compiled is not None and compiled.search(value) is None:
            problems.append(
                f"Value '{value}' at '{path}' failed to satisfy constraint: "
                f"Member must satisfy regular expression pattern: {source}"
            )
        return
    if kind in ("integer", "long", "double", "float"):
        _limits(value, meta, path, value, "value", problems)


def _limits(
    size: float, meta: dict[str, Any], path: str, value: Any, what: str, out: list[str]
) -> None:
    low, high = meta.get("min"), meta.get("max")
    if low is not None and size < low:
        out.append(
            f"Value '{_shown(value)}' at '{path}' failed to satisfy constraint: "
            f"Member must have {what} greater than or equal to {low}"
        )
    if high is not None and size > high:
        out.append(
            f"Value '{_shown(value)}' at '{path}' failed to satisfy constraint: "
            f"Member must have {what} less than or equal to {high}"
        )
