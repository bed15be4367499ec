"""What every generated model builds on: field metadata keys and tolerant enums."""

from __future__ import annotations

import enum
from typing import Any

import attrs

from .._mask import mask_field

__all__ = ["SENSITIVE", "WIRE_NAME", "Model", "SSMEnum", "wire"]

#: Key in ``attrs.field(metadata=...)`` holding the member's name on the wire
#: (``"AssociationId"``). SSM's names follow no single rule, so the name is
#: recorded per field and never derived from the attribute name.
WIRE_NAME = "ssmkit.wire_name"

#: Key in ``attrs.field(metadata=...)`` that is ``True`` for members the service
#: model marks sensitive. Their values are masked in ``repr``.
SENSITIVE = "ssmkit.sensitive"


def wire(name: str, *, sensitive: bool = False) -> dict[str, Any]:
    """Build the metadata of a model field.

    Args:
        name: The member's name on the wire.
        sensitive: Whether the service model marks the member sensitive.

    Returns:
        The mapping to pass as ``attrs.field(metadata=...)``.
    """
    if sensitive:
        return {WIRE_NAME: name, SENSITIVE: True}
    return {WIRE_NAME: name}


class Model:
    """Base of ssmkit's models: a repr that shows only the members that are set.

    Shapes have dozens of optional members; a repr listing every ``None`` would
    bury the few that matter. The values of sensitive members are masked; of a
    sensitive map, the keys are shown.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        shown = []
        for field in attrs.fields(type(self)):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if value is None:
                continue
            if field.metadata.get(SENSITIVE):
                value = mask_field(value)
            shown.append(f"{field.name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"


class SSMEnum(str, enum.Enum):
    """Base of ssmkit's enumerations: a ``str`` that also admits values added later.

    The service adds enum values over time. A value ssmkit does not know yet
    becomes a pseudo-member of the enumeration whose ``value`` is the string
    the service sent, so it parses, compares equal to that string and goes
    back to the service unchanged.
    """

    @classmethod
    def _missing_(cls, value: object) -> SSMEnum | None:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        # Cache it so that repeated parses give the same object.
        return cls._value2member_map_.setdefault(value, member)  # type: ignore[return-value]

    def __str__(self) -> str:
        return str(self.value)

    @property
    def is_known(self) -> bool:
        """Whether this value was in the service model ssmkit was built from."""
        return type(self).__members__.get(self._name_) is self
