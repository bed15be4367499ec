"""A JSON Schema of the as-code file, from the service model ssmkit runs with.

Editors (VS Code's YAML extension, JetBrains) and ``check-jsonschema`` read it
to check and complete a file as it is typed: every member with its type,
enum values, pattern, limits and AWS's description; ``null`` where it
removes a member; the export's placeholder where a sensitive value may be
kept. The planner's own checks stay the judge: the schema cannot say
AWS's rules between members, and it leaves out patterns that Python and
JavaScript do not both read (``\\p{L}``, in tag keys).
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

from ._mask import MASK, is_sensitive

if TYPE_CHECKING:
    from botocore.model import ServiceModel, Shape, StructureShape

__all__ = ["file_schema"]

#: Where the schema says it is: ``ssmkit schema`` prints it.
SCHEMA_ID = "https://json-schema.org/draft/2020-12/schema"

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_TYPES = {
    "string": "string",
    "integer": "integer",
    "long": "integer",
    "float": "number",
    "double": "number",
    "boolean": "boolean",
    "timestamp": "string",
    "blob": "string",
}


def file_schema(model: ServiceModel) -> dict[str, Any]:
    """The schema of a file ``ssmkit plan`` reads."""
    defs: dict[str, Any] = {}
    builder = _Builder(defs)

    def entry(operation: str, *, set_here: tuple[str, ...], identity: str) -> Any:
        shape = model.operation_model(operation).input_shape
        assert shape is not None  # each of these takes a request
        return builder.entry(shape, set_here=set_here, identity=identity)

    window = entry(
        "CreateMaintenanceWindow", set_here=("ClientToken",), identity="Name"
    )
    window["properties"]["Targets"] = {
        "description": "The targets registered with the window, each known by its "
        "Name within it.",
        "type": "array",
        "items": entry(
            "RegisterTargetWithMaintenanceWindow",
            set_here=("WindowId", "ClientToken"),
            identity="Name",
        ),
    }
    window["properties"]["Tasks"] = {
        "description": "The window's tasks, each known by its Name within it; "
        "a task's WindowTargetIds name targets of this window.",
        "type": "array",
        "items": entry(
            "RegisterTaskWithMaintenanceWindow",
            set_here=("WindowId", "ClientToken"),
            identity="Name",
        ),
    }
    return {
        "$schema": SCHEMA_ID,
        "title": "ssmkit file: associations and maintenance windows as code",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "Associations": {
                "description": "CreateAssociation requests, each known by its "
                "AssociationName.",
                "type": "array",
                "items": entry(
                    "CreateAssociation", set_here=(), identity="AssociationName"
                ),
            },
            "MaintenanceWindows": {
                "description": "CreateMaintenanceWindow requests, each known by "
                "its Name, with their Targets and Tasks.",
                "type": "array",
                "items": window,
            },
            "Prune": {
                "description": "The scope --prune deletes in: only what is "
                "named with NamePrefix.",
                "type": "object",
                "additionalProperties": False,
                "required": ["NamePrefix"],
                "properties": {"NamePrefix": {"type": "string", "minLength": 1}},
            },
        },
        "$defs": defs,
    }


def _described(shape: Shape | None, documentation: str | None) -> dict[str, Any]:
    text = documentation or (shape.documentation if shape is not None else "")
    plain = _SPACE.sub(" ", html.unescape(_TAG.sub("", str(text or "")))).strip()
    return {"description": plain} if plain else {}


class _Builder:
    def __init__(self, defs: dict[str, Any]) -> None:
        self.defs = defs

    def entry(
        self, shape: StructureShape, *, set_here: tuple[str, ...], identity: str
    ) -> dict[str, Any]:
        """A request as a file holds it: each member optional and nullable but
        the required ones, and the identity required."""
        properties = {}
        required = [identity, *(m for m in shape.required_members if m not in set_here)]
        for name, member in shape.members.items():
            if name in set_here:
                continue
            schema = self.member(member, shape.members[name].documentation)
            if name not in required:
                schema = {"anyOf": [schema, {"type": "null"}]}
            properties[name] = schema
        return {
            "type": "object",
            "additionalProperties": False,
            "required": sorted(set(required), key=required.index),
            "properties": properties,
        }

    def member(self, shape: Shape, documentation: str | None) -> dict[str, Any]:
        """A member: a reference to its shape, with the member's own words."""
        schema = {"$ref": f"#/$defs/{self.define(shape)}"}
        return {**_described(None, documentation), **schema}

    def define(self, shape: Shape) -> str:
        """The shape's definition, made once; its name."""
        name = shape.name
        if name in self.defs:
            return name
        self.defs[name] = {}  # a shape that holds itself refers back here
        schema = self.shape(shape)
        if is_sensitive(shape):
            # An export writes the placeholder for a whole sensitive value;
            # plan keeps the live value in its place.
            schema = {"anyOf": [schema, {"const": MASK}]}
        self.defs[name] = {**_described(shape, None), **schema}
        return name

    def shape(self, shape: Shape) -> dict[str, Any]:
        kind = shape.type_name
        if kind == "structure":
            members = shape.members  # type: ignore[attr-defined]
            required = list(shape.required_members)
            properties = {}
            for name, member in members.items():
                schema = self.member(member, member.documentation)
                if name not in required:
                    schema = {"anyOf": [schema, {"type": "null"}]}
                properties[name] = schema
            out: dict[str, Any] = {
                "type": "object",
                "additionalProperties": False,
                "properties": properties,
            }
            if required:
                out["required"] = required
            return out
        if kind == "list":
            out = {
                "type": "array",
                "items": {"$ref": f"#/$defs/{self.define(shape.member)}"},  # type: ignore[attr-defined]
            }
            return {**out, **_limits(shape, "minItems", "maxItems")}
        if kind == "map":
            value: Any = {"$ref": f"#/$defs/{self.define(shape.value)}"}  # type: ignore[attr-defined]
            if is_sensitive(shape):
                value = {"anyOf": [value, {"const": MASK}]}
            out = {"type": "object", "additionalProperties": value}
            keys = {"type": "string", **_string(shape.key)}  # type: ignore[attr-defined]
            if len(keys) > 1:
                out["propertyNames"] = keys
            return {**out, **_limits(shape, "minProperties", "maxProperties")}
        out = {"type": _TYPES.get(kind, "string")}
        if kind == "string":
            out.update(_string(shape))
        elif kind in ("integer", "long", "float", "double"):
            out.update(_limits(shape, "minimum", "maximum"))
        elif kind == "timestamp":
            out["format"] = "date-time"
        elif kind == "blob":  # text, whose UTF-8 bytes are sent
            out.update(_limits(shape, "minLength", "maxLength"))
        return out


def _string(shape: Shape) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if shape.enum:  # type: ignore[attr-defined]
        out["enum"] = list(shape.enum)  # type: ignore[attr-defined]
    out.update(_limits(shape, "minLength", "maxLength"))
    pattern = shape.metadata.get("pattern")
    if pattern and r"\p{" not in pattern and r"\P{" not in pattern:
        try:
            re.compile(pattern)
        except re.error:
            pass
        else:
            out["pattern"] = pattern
    return out


def _limits(shape: Shape, low: str, high: str) -> dict[str, Any]:
    out = {}
    if "min" in shape.metadata:
        out[low] = shape.metadata["min"]
    if "max" in shape.metadata:
        out[high] = shape.metadata["max"]
    return out
