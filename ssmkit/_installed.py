"""The installed botocore's SSM model: what ssmkit knows of members it has no model for.

A model keeps the members of a boto3 dict that it has no attribute for in
``unknown_members`` (members the service added after this release of
ssmkit). Whether one of them is sensitive, and what type its values are, is
read here from the SSM model of the botocore that is installed, as
``botocore.session.get_session()`` loads it (``AWS_DATA_PATH`` included),
under the shape named like the model's class. A member that model does not
know either cannot be judged, and is treated as sensitive: better masked than
leaked.

The service model is loaded on the first such question, not before: models
without unknown members never ask.
"""

from __future__ import annotations

import base64
import datetime
import os
from typing import TYPE_CHECKING, Any

from ._mask import MASK, _Masked, is_sensitive, mask_strictly
from .models._base import thaw

if TYPE_CHECKING:
    from collections.abc import Mapping

    from botocore.model import ServiceModel, Shape

__all__ = ["from_json_value", "mask_unknown", "masked_unknown", "member_shape"]

# One service model per data path: the model loaded is the one botocore would
# load now, and a test or a user that points AWS_DATA_PATH elsewhere gets that.
_MODELS: dict[str | None, ServiceModel] = {}


def _service_model() -> ServiceModel:
    where = os.environ.get("AWS_DATA_PATH")
    found = _MODELS.get(where)
    if found is None:
        import botocore.session

        found = botocore.session.get_session().get_service_model("ssm")
        _MODELS[where] = found
    return found


def _shape(name: str) -> Shape | None:
    """The shape of this name in the installed model; ``None``: not known."""
    from botocore.model import NoShapeFoundError

    try:
        return _service_model().shape_for(name)
    except NoShapeFoundError:
        return None


def member_shape(owner: str, member: str) -> Shape | None:
    """The shape of ``owner``'s member in the installed model; ``None``: not known.

    Args:
        owner: The shape's name, which is the model class's name.
        member: The member's wire name.
    """
    members = getattr(_shape(owner), "members", None)
    if members is None:
        return None
    found: Shape | None = members.get(member)
    return found


def _owner_sensitive(owner: str) -> bool:
    """Whether the installed model marks the shape ``owner`` itself sensitive."""
    shape = _shape(owner)
    return shape is not None and is_sensitive(shape)


def mask_unknown(owner: str, member: str, value: Any) -> Any:
    """An unknown member's value in boto3's form, with what is sensitive masked.

    A member the installed model does not know is masked whole, and so is one
    of a shape it marks sensitive (everything within is); within the value,
    what its shape marks sensitive is masked, and so is every member the shape
    does not know: neither can be judged.
    """
    shape = member_shape(owner, member)
    if shape is None or _owner_sensitive(owner):
        return MASK
    return mask_strictly(value, shape)


def masked_unknown(owner: str, members: Mapping[str, Any]) -> dict[str, Any]:
    """A model's unknown members as its repr shows them: sensitive parts masked."""
    return {
        name: _for_repr(mask_unknown(owner, name, thaw(value)))
        for name, value in members.items()
    }


def _for_repr(value: Any) -> Any:
    if isinstance(value, str) and value == MASK:
        return _Masked()
    if isinstance(value, list):
        return [_for_repr(item) for item in value]
    if isinstance(value, dict):
        return {key: _for_repr(item) for key, item in value.items()}
    return value


def from_json_value(owner: str, member: str, value: Any) -> Any:
    """An unknown member's value read from JSON, in the types botocore gives.

    JSON carries dates as ISO 8601 text and blobs as base64; where the
    installed model says a value is a timestamp or a blob, it is made one
    again, so a model read back from ``to_json`` equals the model written. A
    member that model does not know is kept as JSON gave it.

    Raises:
        ValueError: A date or a blob that cannot be read as one.
    """
    shape = member_shape(owner, member)
    return value if shape is None else _typed(value, shape, f"{owner}.{member}")


def _typed(value: Any, shape: Shape, where: str) -> Any:
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = shape.members  # type: ignore[attr-defined]
        return {
            key: _typed(item, members[key], f"{where}.{key}")
            if key in members
            else item
            for key, item in value.items()
        }
    if kind == "list" and isinstance(value, list):
        item_shape = shape.member  # type: ignore[attr-defined]
        return [
            _typed(item, item_shape, f"{where}[{index}]")
            for index, item in enumerate(value)
        ]
    if kind == "map" and isinstance(value, dict):
        value_shape = shape.value  # type: ignore[attr-defined]
        return {
            key: _typed(item, value_shape, f"{where}.{key}")
            for key, item in value.items()
        }
    if kind == "timestamp" and isinstance(value, str):
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            # Not quoted: the value may be a secret.
            msg = f"{where}: expected a date in ISO 8601"
            raise ValueError(msg) from None
    if kind == "timestamp" and isinstance(value, (int, float)):
        if isinstance(value, bool):
            return value
        return datetime.datetime.fromtimestamp(value, tz=datetime.timezone.utc)
    if kind == "blob" and isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except ValueError:
            msg = f"{where}: expected base64 text for a blob"
            raise ValueError(msg) from None
    return value
