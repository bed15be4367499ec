"""Hypothesis strategies built from botocore's own SSM shape definitions.

They draw dicts of the kind botocore produces or accepts for a shape, so the
round-trip properties cover every member, including ones nobody thought of.
"""

from __future__ import annotations

import datetime
from typing import Any

import botocore.session
from botocore.model import Shape, StructureShape
from hypothesis import strategies as st

SERVICE = botocore.session.get_session().get_service_model("ssm")

#: Values no release of the service model has had: unknown enum values must survive.
UNKNOWN_ENUM_VALUES = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_",
    min_size=1,
    max_size=12,
)

TIMESTAMPS = st.datetimes(
    min_value=datetime.datetime(2000, 1, 1),
    max_value=datetime.datetime(2100, 1, 1),
    timezones=st.just(datetime.timezone.utc),
)


_BY_NAME: dict[str, st.SearchStrategy[Any]] = {}


def boto_value(shape: Shape) -> st.SearchStrategy[Any]:
    """A strategy for values of ``shape`` in boto3's form."""
    # Shape names are unique within a service model.
    if shape.name not in _BY_NAME:
        _BY_NAME[shape.name] = _strategy(shape)
    return _BY_NAME[shape.name]


def _strategy(shape: Shape) -> st.SearchStrategy[Any]:
    name, type_name = shape.name, shape.type_name
    if isinstance(shape, StructureShape):
        required = set(shape.required_members)
        return st.fixed_dictionaries(
            {m: boto_value(s) for m, s in shape.members.items() if m in required},
            optional={
                m: boto_value(s) for m, s in shape.members.items() if m not in required
            },
        )
    if type_name == "list":
        return st.lists(boto_value(shape.member), max_size=3)  # type: ignore[attr-defined]
    if type_name == "map":
        return st.dictionaries(
            boto_value(shape.key), boto_value(shape.value), max_size=3
        )  # type: ignore[attr-defined]
    if type_name == "string":
        if shape.enum:  # type: ignore[attr-defined]
            return st.one_of(st.sampled_from(shape.enum), UNKNOWN_ENUM_VALUES)  # type: ignore[attr-defined]
        return st.text(max_size=20)
    if type_name in ("integer", "long"):
        return st.integers(min_value=-(2**31), max_value=2**31 - 1)
    if type_name == "boolean":
        return st.booleans()
    if type_name in ("double", "float"):
        return st.floats(allow_nan=False, allow_infinity=False)
    if type_name == "timestamp":
        return TIMESTAMPS
    if type_name == "blob":
        return st.binary(max_size=16)
    msg = f"no strategy for {name} ({type_name})"
    raise NotImplementedError(msg)


def shape_dicts(shape_name: str) -> st.SearchStrategy[dict[str, Any]]:
    """Dicts of the structure shape named ``shape_name``."""
    return boto_value(SERVICE.shape_for(shape_name))
