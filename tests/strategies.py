"""Hypothesis strategies built from botocore's own SSM shape definitions.

They draw dicts of the kind botocore produces or accepts for a shape, so the
round-trip properties cover every member, including ones nobody thought of.
"""

from __future__ import annotations

import datetime
from typing import Any

from botocore.model import Shape, StructureShape
from hypothesis import strategies as st

from .service_model import SERVICE

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


_BY_NAME: dict[tuple[str, int], st.SearchStrategy[Any]] = {}

#: How deep a shape that holds itself (``OpsAggregator``) is drawn.
DEPTH = 3


def boto_value(shape: Shape, depth: int = 0) -> st.SearchStrategy[Any]:
    """A strategy for values of ``shape`` in boto3's form."""
    # Shape names are unique within a service model.
    key = (shape.name, min(depth, DEPTH + 1))
    if key not in _BY_NAME:
        _BY_NAME[key] = st.deferred(lambda: _strategy(shape, depth))
    return _BY_NAME[key]


def _strategy(shape: Shape, depth: int) -> st.SearchStrategy[Any]:
    name, type_name = shape.name, shape.type_name
    deeper = depth + 1
    if isinstance(shape, StructureShape):
        required = set(shape.required_members)
        return st.fixed_dictionaries(
            {
                m: boto_value(s, deeper)
                for m, s in shape.members.items()
                if m in required
            },
            optional={}
            if depth > DEPTH
            else {
                m: boto_value(s, deeper)
                for m, s in shape.members.items()
                if m not in required
            },
        )
    if type_name == "list":
        return st.lists(
            boto_value(shape.member, deeper),  # type: ignore[attr-defined]
            max_size=0 if depth > DEPTH else 3,
        )
    if type_name == "map":
        return st.dictionaries(
            boto_value(shape.key, deeper),  # type: ignore[attr-defined]
            boto_value(shape.value, deeper),  # type: ignore[attr-defined]
            max_size=0 if depth > DEPTH else 3,
        )
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
