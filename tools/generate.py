"""Generate ssmkit's models, client operations, errors and reference pages.

Everything comes from botocore's SSM service model. Run it after upgrading
botocore, then review the diff::

    python tools/generate.py

It writes, for each area of the service (associations, documents, parameters,
...), ``ssmkit/models/<area>.py`` and ``ssmkit/_operations/<area>.py``, with
``ssmkit/models/common.py`` for the shapes several areas share; the packages'
``__init__`` modules, which load an area on first use; ``ssmkit/_changes.py``;
``ssmkit/_service_errors.py``; and ``docs/reference/``. Python files are then
formatted with ruff. The output is meant to read like hand-written code.

It keeps the model it generated from in ``tools/generated_from/`` (laid out as
a botocore data path, with the botocore release it came with), which the tests
walk, and makes that release the lowest boto3 and botocore ``pyproject.toml``
allows. To see whether the installed botocore would generate anything else::

    python tools/generate.py --check

It writes nothing, exits 0 when the checked-in code is what the installed
botocore generates, and 1 otherwise, listing what the installed model adds,
removes or changes.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import keyword
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import botocore
import botocore.session
from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from ssmkit.models._base import module_of  # noqa: E402 - the one naming rule

if TYPE_CHECKING:
    from collections.abc import Iterator

#: The SSM model the checked-in code was generated from, laid out as a botocore
#: data path (``AWS_DATA_PATH``), with the botocore release it came with.
GENERATION = ROOT / "tools" / "generated_from"
GENERATION_VERSION = GENERATION / "botocore-version"

#: Where the generated files go: the repository, or a scratch copy for --check.
OUT = ROOT
MODELS = OUT / "ssmkit" / "models"
OPERATIONS_DIR = OUT / "ssmkit" / "_operations"
REFERENCE = OUT / "docs" / "reference"

#: Every file and folder the generator writes, relative to the root.
GENERATED = [
    "ssmkit/models",
    "ssmkit/_operations",
    "ssmkit/_changes.py",
    "ssmkit/_change_members.py",
    "ssmkit/_service_errors.py",
    "ssmkit/errors.py",
    "docs/reference",
]


def output_to(root: Path) -> None:
    """Write the generated files under ``root`` instead of the repository."""
    global OUT, MODELS, OPERATIONS_DIR, REFERENCE
    OUT = root
    MODELS = root / "ssmkit" / "models"
    OPERATIONS_DIR = root / "ssmkit" / "_operations"
    REFERENCE = root / "docs" / "reference"


#: Each area, what it is, and the words in an operation's name that put it
#: there. An operation goes to the first area whose word its name holds.
AREAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "associations": ("State Manager associations.", ("Association",)),
    "maintenance_windows": (
        "Maintenance windows, their targets, tasks and executions.",
        ("MaintenanceWindow",),
    ),
    "ops_items": (
        "OpsCenter: OpsItems, their events and related items, and OpsMetadata.",
        ("OpsItem", "OpsMetadata", "OpsSummary"),
    ),
    "patching": (
        "Patch Manager: patch baselines, patch groups and patch states.",
        ("Patch",),
    ),
    "automation": (
        "Automation executions, change requests and change calendars.",
        ("Automation", "ChangeRequest", "ExecutionPreview", "Calendar"),
    ),
    "commands": ("Run Command: commands and their invocations.", ("Command",)),
    "documents": (
        "SSM documents: content, versions, metadata and sharing.",
        ("Document",),
    ),
    "parameters": (
        "Parameter Store: parameters, their versions, labels and policies.",
        ("Parameter",),
    ),
    "inventory": ("Inventory: items, schemas and deletions.", ("Inventory",)),
    "compliance": ("Compliance items and summaries.", ("Compliance",)),
    "sessions": (
        "Session Manager sessions and just-in-time node access.",
        ("Session", "AccessRequest", "AccessToken", "ConnectionStatus"),
    ),
    "nodes": (
        "Managed nodes: activations, node information, cloud connectors and "
        "the default host management configuration.",
        (
            "Activation",
            "Instance",
            "Node",
            "CloudConnector",
            "DefaultHostManagement",
        ),
    ),
    "resource_data_sync": ("Resource data syncs.", ("ResourceDataSync",)),
    "resources": (
        "Tags and resource policies of SSM resources, and the account's service "
        "settings.",
        (),
    ),
}
COMMON_DOC = "Shapes that several areas of SSM share: targets, tags, alarms, ..."

#: Operations whose ssmkit method is hand-written in ``ssmkit/_client.py``: the
#: raw call replaces what it is not sent, so it is never exposed under the safe name.
HAND_WRITTEN = {
    "UpdateAssociation",
    "UpdateMaintenanceWindow",
    "UpdateMaintenanceWindowTarget",
    "UpdateMaintenanceWindowTask",
    "UpdatePatchBaseline",
}

#: The safe updates' changeable members: the update's input less what ssmkit manages.
CHANGES = {
    "AssociationChanges": (
        "UpdateAssociation",
        {"AssociationId", "AssociationVersion"},
    ),
    "MaintenanceWindowTaskChanges": (
        "UpdateMaintenanceWindowTask",
        {"WindowId", "WindowTaskId", "Replace"},
    ),
    "MaintenanceWindowChanges": ("UpdateMaintenanceWindow", {"WindowId", "Replace"}),
    "MaintenanceWindowTargetChanges": (
        "UpdateMaintenanceWindowTarget",
        {"WindowId", "WindowTargetId", "Replace"},
    ),
    "PatchBaselineChanges": ("UpdatePatchBaseline", {"BaselineId", "Replace"}),
}

#: Error codes whose family their name does not tell.
ERROR_FAMILIES = {
    "InvalidDocument": "NotFoundError",
    "ServiceSettingNotFound": "NotFoundError",
    "InvalidAssociationVersion": "ConflictError, InvalidRequestError",
    "IdempotentParameterMismatch": "ConflictError",
    "StatusUnchanged": "ConflictError",
    "InvalidAutomationStatusUpdateException": "ConflictError",
    "AssociatedInstances": "ConflictError",
    "ResourceInUseException": "ConflictError",
    "TargetInUseException": "ConflictError",
    "TooManyUpdates": "ThrottlingError",
    "OpsMetadataTooManyUpdatesException": "ThrottlingError",
    "ThrottlingException": "ThrottlingError",
    "TooManyTagsError": "LimitExceededError",
    "DocumentPermissionLimit": "LimitExceededError",
    "InternalServerError": "ServiceError",
    "AccessDeniedException": "ServiceError",
    "OpsItemAccessDeniedException": "ServiceError",
    "TargetNotConnected": "ServiceError",
    "FeatureNotAvailableException": "InvalidRequestError",
    "MaxDocumentSizeExceeded": "InvalidRequestError",
    "NoLongerSupportedException": "InvalidRequestError",
    "IncompatiblePolicyException": "InvalidRequestError",
    "ValidationException": "InvalidRequestError",
    "AutomationDefinitionNotApprovedException": "InvalidRequestError",
}
ERROR_RULES = (
    (("NotFound", "DoesNotExist"), "NotFoundError"),
    (("AlreadyExists", "Duplicate", "Conflict"), "ConflictError"),
    (("LimitExceeded", "QuotaExceeded", "Exceeded"), "LimitExceededError"),
    (("Invalid", "Unsupported", "Malformed", "Mismatch"), "InvalidRequestError"),
)

SCALARS = {
    "string": "str",
    "integer": "int",
    "long": "int",
    "boolean": "bool",
    "double": "float",
    "float": "float",
    "timestamp": "datetime.datetime",
    "blob": "bytes",
}
PLAIN = {"str", "int", "bool", "float", "datetime.datetime", "bytes"}

HEADER = "# Generated by tools/generate.py from botocore {version}'s SSM model. Do not edit.\n"
AWS_DOCS = "https://docs.aws.amazon.com/systems-manager/latest/APIReference"


# -- naming -----------------------------------------------------------------


def attr_name(member: str) -> str:
    """The attribute name of a member: botocore's snake_case, keywords get ``_``."""
    name = botocore.xform_name(member)
    return name + "_" if keyword.iskeyword(name) else name


def enum_member_name(value: str) -> str:
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", value)
    name = re.sub(r"[^0-9A-Za-z]+", "_", name).strip("_").upper()
    if not name or name[0].isdigit():
        name = "V_" + name
    return name


def area_of(operation: str) -> str:
    for area, (_, words) in AREAS.items():
        if any(word in operation for word in words):
            return area
    return "resources"


def mixin_name(area: str) -> str:
    return "".join(part.title() for part in area.split("_")) + "Operations"


# -- documentation ------------------------------------------------------------


def plain(doc: str) -> str:
    """The documentation's HTML as one line of plain text."""
    text = re.sub(r"<[^>]+>", " ", doc or "")
    text = re.sub(r"\s+", " ", html.unescape(text)).strip()
    return re.sub(r" ([.,;:)])", r"\1", text).replace("( ", "(")


def first_sentence(doc: str) -> str:
    text = plain(doc)
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    sentence = match.group(1) if match else text
    return sentence.replace('"""', "'''").replace("\\", "\\\\")


def docstring(text: str, indent: str, fallback: str) -> str:
    text = text or fallback
    width = 88 - len(indent) - 6
    lines = textwrap.wrap(text, width=width) or [fallback]
    if len(lines) == 1:
        return f'{indent}"""{lines[0]}"""\n'
    body = "\n".join(indent + line for line in lines)
    return (
        f'{indent}"""{lines[0]}\n'
        + body[len(indent) + len(lines[0]) + 1 :]
        + f'\n\n{indent}"""\n'
    )


# -- walking the model --------------------------------------------------------


def reached(shape: Shape, seen: set[str] | None = None) -> Iterator[Shape]:
    """Every structure and enum shape reachable from ``shape``, ``shape`` included."""
    seen = set() if seen is None else seen
    if isinstance(shape, StructureShape):
        if shape.name in seen:
            return
        seen.add(shape.name)
        yield shape
        for member in shape.members.values():
            yield from reached(member, seen)
    elif shape.type_name == "list":
        yield from reached(shape.member, seen)  # type: ignore[attr-defined]
    elif shape.type_name == "map":
        yield from reached(shape.key, seen)  # type: ignore[attr-defined]
        yield from reached(shape.value, seen)  # type: ignore[attr-defined]
    elif shape.type_name == "string" and shape.enum:  # type: ignore[attr-defined]
        yield shape


def is_sensitive(shape: Shape) -> bool:
    if shape.metadata.get("sensitive"):
        return True
    if shape.type_name == "list":
        return is_sensitive(shape.member)  # type: ignore[attr-defined]
    if shape.type_name == "map":
        return is_sensitive(shape.value)  # type: ignore[attr-defined]
    return False


PAGINATORS: dict[str, dict[str, object]] = {}


def paginated(op: OperationModel) -> bool:
    return op.name in PAGINATORS


def result_model(op: OperationModel) -> bool:
    """Whether the operation's result gets a model of its own (several members)."""
    out = op.output_shape
    return out is not None and len(out.members) > 1 and not paginated(op)


def type_of(shape: Shape) -> str:
    """A model attribute's annotation: frozen, so tuples and FrozenDicts."""
    if isinstance(shape, StructureShape):
        return shape.name
    if shape.type_name == "list":
        return f"tuple[{type_of(shape.member)}, ...]"  # type: ignore[attr-defined]
    if shape.type_name == "map":
        key, value = shape.key, shape.value  # type: ignore[attr-defined]
        return f"FrozenDict[{type_of(key)}, {type_of(value)}]"
    if shape.type_name == "string" and shape.enum:  # type: ignore[attr-defined]
        return shape.name
    return SCALARS[shape.type_name]


def input_type_of(shape: Shape) -> str:
    """A parameter's annotation: any sequence or mapping will do."""
    if shape.type_name == "list":
        return f"Sequence[{input_type_of(shape.member)}]"  # type: ignore[attr-defined]
    if shape.type_name == "map":
        key, value = shape.key, shape.value  # type: ignore[attr-defined]
        return f"Mapping[{input_type_of(key)}, {input_type_of(value)}]"
    return type_of(shape)


NOT_MODELS = {
    "tuple",
    "FrozenDict",
    "Sequence",
    "Mapping",
    "str",
    "int",
    "bool",
    "float",
    "bytes",
    "None",
    "datetime.datetime",
}


def names_in(annotation: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", annotation)) - NOT_MODELS


# -- models -------------------------------------------------------------------


def render_enum(shape: Shape) -> str:
    doc = first_sentence(shape.documentation) or f"Values of ``{shape.name}``."
    out = [f"class {shape.name}(SSMEnum):\n", docstring(doc, "    ", ""), "\n"]
    used: set[str] = set()
    for value in shape.enum:  # type: ignore[attr-defined]
        name = enum_member_name(value)
        while name in used:
            name += "_"
        used.add(name)
        out.append(f"    {name} = {value!r}\n")
    return "".join(out)


def answered(service: ServiceModel) -> set[str]:
    """The models an operation's answer is converted to at the top."""
    found: set[str] = set()
    for name in service.operation_names:
        returns, how, _ = returns_of(service.operation_model(name))
        if how == "iterator":
            returns = returns[len("Iterator[") : -1]
        if how != "none" and returns.isidentifier() and returns not in PLAIN:
            found.add(returns)
    return found


def deferred_members(shape: StructureShape) -> list[str]:
    """An answer's members that are converted when first read: the containers."""
    kinds = ("list", "map", "structure")
    return [attr_name(m) for m, s in shape.members.items() if s.type_name in kinds]


#: Every model's field for the members it has no attribute for.
UNKNOWN_FIELD = "unknown_members"


def render_class(shape: StructureShape, answer: bool = False) -> str:
    fallback = f"The ``{shape.name}`` shape of the SSM API."
    out = []
    deferred = deferred_members(shape) if answer else []
    if deferred:
        names = ", ".join(f"{n!r}" for n in deferred)
        line = f"@read_on_first_use({names})\n"
        if len(line) > 89:
            line = (
                "@read_on_first_use(\n"
                + "".join(f"    {n!r},\n" for n in deferred)
                + ")\n"
            )
        out.append(line)
    out += [
        "@attrs.frozen(kw_only=True, repr=False, eq=False)\n",
        f"class {shape.name}(Model):\n",
        docstring(first_sentence(shape.documentation), "    ", fallback),
    ]
    required = set(shape.required_members)
    if shape.members:
        out.append("\n")
    for member, mshape in shape.members.items():
        annotation = qualified(type_of(mshape))
        sensitive = is_sensitive(mshape)
        meta = f"wire({member!r}, sensitive=True)" if sensitive else f"wire({member!r})"
        args = [] if member in required else ["default=None"]
        if mshape.type_name == "list":
            args.append("converter=to_tuple")
        elif mshape.type_name == "map":
            args.append("converter=to_frozendict")
        elif mshape.type_name == "structure":
            args.append("validator=a_model")
        elif mshape.type_name == "blob":
            args.append("converter=to_bytes")
        if sensitive:
            args.append("repr=False")
        args.append(f"metadata={meta}")
        if member not in required:
            annotation += " | None"
        out.append(
            f"    {attr_name(member)}: {annotation} = field({', '.join(args)})\n"
        )
    assert UNKNOWN_FIELD not in {attr_name(m) for m in shape.members}, shape.name
    out.append(
        f"    {UNKNOWN_FIELD}: FrozenDict[str, Any] | None = field(default=None, "
        "converter=to_unknown, validator=unmodeled, metadata={UNKNOWN: True})\n"
    )
    return "".join(out)


def model_shapes(service: ServiceModel) -> tuple[dict[str, Shape], dict[str, str]]:
    """Every shape that gets a model, and the module it lives in."""
    areas_of: dict[str, set[str]] = {}
    shapes: dict[str, Shape] = {}
    for name in service.operation_names:
        op = service.operation_model(name)
        area = area_of(name)
        for wrapper in (op.input_shape, op.output_shape):
            if wrapper is None:
                continue
            seen: set[str] = {wrapper.name}
            for member in wrapper.members.values():
                for found in reached(member, seen):
                    shapes[found.name] = found
                    areas_of.setdefault(found.name, set()).add(area)
        if result_model(op):
            assert op.output_shape is not None
            shapes[op.output_shape.name] = op.output_shape
            areas_of.setdefault(op.output_shape.name, set()).add(area)
    home = {
        name: next(iter(found)) if len(found) == 1 else "common"
        for name, found in areas_of.items()
    }
    return shapes, home


def qualified(annotation: str) -> str:
    """An annotation naming each model as ``models.Name``.

    A model's module imports no other model: ``models.Name`` imports each one
    only when the annotation is resolved (by ``typing.get_type_hints``).
    """
    for name in sorted(names_in(annotation), key=len, reverse=True):
        annotation = re.sub(rf"(?<![\w.]){name}(?![\w])", f"models.{name}", annotation)
    return annotation


def write_models(
    service: ServiceModel, version: str
) -> tuple[dict[str, Shape], dict[str, str]]:
    """Write the model modules; return the shapes and each one's module."""
    shapes, home = model_shapes(service)
    answers = answered(service)
    reserved = {
        "Model",
        "SSMEnum",
        "FrozenDict",
        "attrs",
        "field",
        "wire",
        "datetime",
        "Any",
        "UNKNOWN",
        "models",
    }
    assert not reserved & set(shapes), reserved & set(shapes)
    modules = {module_of(name) for name in shapes}
    assert len(modules) == len(shapes), "two models would share a module"
    by_area: dict[str, list[Shape]] = {area: [] for area in ["common", *AREAS]}
    for name in sorted(shapes):
        by_area[home[name]].append(shapes[name])

    folder = MODELS / "_shapes"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text(
        HEADER.format(version=version)
        + '"""One module per model, imported when the model is first used."""\n'
    )
    for name, shape in sorted(shapes.items()):
        text = write_model(shape, home[name], version, name in answers)
        (folder / f"{module_of(name)}.py").write_text(text)

    for area, members in by_area.items():
        doc = COMMON_DOC if area == "common" else AREAS[area][0]
        exported = sorted(s.name for s in members)
        text = [HEADER.format(version=version), docstring(doc, "", ""), "\n"]
        text.append(
            "from __future__ import annotations\n\nfrom typing import TYPE_CHECKING\n\n"
        )
        if exported:
            text.append("if TYPE_CHECKING:\n")
            for shape_name in exported:
                text.append(
                    f"    from ._shapes.{module_of(shape_name)} import {shape_name}\n"
                )
        text.append(
            "\n__all__ = [\n" + "".join(f'    "{n}",\n' for n in exported) + "]\n\n"
        )
        # Hidden from type checkers, which then refuse a name the area lacks.
        text.append(
            "if not TYPE_CHECKING:\n"
            "    from ._base import on_first_use\n\n"
            "    __getattr__, __dir__ = on_first_use(__name__, __all__)\n"
        )
        (MODELS / f"{area}.py").write_text("".join(text))

    names = sorted(shapes)
    base_names = ["SENSITIVE", "UNKNOWN", "WIRE_NAME", "FrozenDict", "Model", "SSMEnum"]
    init = [
        HEADER.format(version=version),
        '"""Typed models of every SSM shape, named exactly as botocore names them.\n\n'
        "Each class is a frozen ``attrs`` class: lists are tuples, maps are\n"
        "frozen dicts (``FrozenDict``), and every model is hashable. Convert with\n"
        "``ssmkit.from_boto`` and ``ssmkit.to_boto``, or ``ssmkit.from_json`` and\n"
        "``ssmkit.to_json``.\n\n"
        "The models live in one module per area of the service\n"
        "(``ssmkit.models.associations``, ``ssmkit.models.parameters``, ...), with\n"
        "``ssmkit.models.common`` for the shapes several areas share. A model is\n"
        "built when it is first used, so neither ``import ssmkit`` nor the first\n"
        'model pays for six hundred classes.\n"""\n\n',
        "from __future__ import annotations\n\n",
        "from typing import TYPE_CHECKING, Any\n\n",
        "from . import _base\n",
        f"from ._base import {', '.join(sorted(base_names))}\n\n",
        "if TYPE_CHECKING:\n",
    ]
    for area in by_area:
        if by_area[area]:
            area_names = sorted(s.name for s in by_area[area])
            init.append(f"    from .{area} import (" + ", ".join(area_names) + ",)\n")
    init.append(
        "\n__all__ = [\n"
        + "".join(f'    "{n}",\n' for n in sorted([*names, *base_names]))
        + "]\n\n"
    )
    init.append(
        "_MODELS = frozenset(__all__)\n\n"
        "# Hidden from type checkers, which then refuse a name the package lacks.\n"
        "if not TYPE_CHECKING:\n\n"
        "    def __getattr__(name: str) -> Any:\n"
        '        """Import the model ``name`` the first time it is asked for."""\n'
        "        if name not in _MODELS:\n"
        '            msg = f"module {__name__!r} has no attribute {name!r}"\n'
        "            raise AttributeError(msg)\n"
        "        value = globals()[name] = _base.model_named(name)\n"
        "        return value\n\n"
        "    def __dir__() -> list[str]:\n"
        "        return sorted({*globals(), *__all__})\n"
    )
    (MODELS / "__init__.py").write_text("".join(init))
    return shapes, home


def write_model(shape: Shape, area: str, version: str, answer: bool) -> str:
    """The module of one model: its class, and what the class needs."""
    text = [HEADER.format(version=version)]
    text.append(f'"""``{shape.name}``, of ``ssmkit.models.{area}``."""\n\n')
    text.append("from __future__ import annotations\n\n")
    if not isinstance(shape, StructureShape):
        text.append("from .._base import SSMEnum\n\n\n")
        text.append(render_enum(shape))
        return "".join(text)
    uses = {"Model", "wire", "FrozenDict", "UNKNOWN", "to_unknown", "unmodeled"}
    annotations = ""
    for mshape in shape.members.values():
        annotation = type_of(mshape)
        annotations += annotation + " "
        if mshape.type_name == "list":
            uses.add("to_tuple")
        if mshape.type_name == "map":
            uses.add("to_frozendict")
        if mshape.type_name == "structure":
            uses.add("a_model")
        if mshape.type_name == "blob":
            uses.add("to_bytes")
    if answer and deferred_members(shape):
        uses.add("read_on_first_use")
    if "datetime.datetime" in annotations:
        text.append("import datetime\n")
    text.append("from typing import Any\n\nimport attrs\nfrom attrs import field\n\n")
    if names_in(annotations):
        text.append("from ... import models\n")
    text.append(f"from .._base import {', '.join(sorted(uses))}\n\n\n")
    text.append(render_class(shape, answer))
    return "".join(text)


# -- operations ---------------------------------------------------------------

PAGE_SIZE_DOC = (
    "How many items each page holds: a page size, not a total. To stop after "
    "a number of items, give ``limit``."
)
LIMIT_DOC = "Stop after this many items; no further page is fetched."
EXTRA_DOC = (
    "Request members this method has no argument for (members newer than "
    "ssmkit), in boto3's form, validated by botocore like any other. A member "
    "the method has an argument for is refused before any call."
)


def inputs(op: OperationModel) -> list[tuple[str, Shape]]:
    """The request members a method takes: required first, then in model order."""
    inp = op.input_shape
    if inp is None:
        return []
    required = set(inp.required_members)
    members = [
        (m, s)
        for m, s in inp.members.items()
        if not (paginated(op) and m == "NextToken")
    ]
    members.sort(key=lambda item: item[0] not in required)
    return members


def returns_of(op: OperationModel) -> tuple[str, str, str | None]:
    """The method's return annotation, what it is, and the result member it unwraps."""
    out = op.output_shape
    if paginated(op):
        assert out is not None
        key = str(PAGINATORS[op.name]["result_key"])
        item = type_of(out.members[key].member)  # type: ignore[attr-defined]
        return f"Iterator[{item}]", "iterator", key
    if out is None or not out.members:
        return "None", "none", None
    if len(out.members) == 1:
        ((key, shape),) = out.members.items()
        return type_of(shape), "member", key
    return out.name, "result", None


def render_method(op: OperationModel, home: dict[str, str]) -> tuple[str, set[str]]:
    """One method's source, and the model names its annotations use."""
    inp = op.input_shape
    required = set(inp.required_members) if inp is not None else set()
    members = inputs(op)
    typed: set[str] = set()
    params = []
    args_doc = []
    for member, shape in members:
        annotation = input_type_of(shape)
        typed |= names_in(annotation)
        if member in required:
            params.append(f"        {attr_name(member)}: {annotation},\n")
        else:
            params.append(f"        {attr_name(member)}: {annotation} | None = None,\n")
        doc = first_sentence(shape.documentation) or f"The request's ``{member}``."
        if paginated(op) and member == "MaxResults":
            doc = PAGE_SIZE_DOC
        args_doc.append(
            textwrap.fill(
                f"{attr_name(member)}: {doc}",
                80,
                initial_indent=" " * 12,
                subsequent_indent=" " * 16,
            )
        )
    if paginated(op):
        assert "limit" not in {attr_name(m) for m, _ in members}, op.name
        params.append("        limit: int | None = None,\n")
        args_doc.append(
            textwrap.fill(
                f"limit: {LIMIT_DOC}",
                80,
                initial_indent=" " * 12,
                subsequent_indent=" " * 16,
            )
        )
    assert "extra_params" not in {attr_name(m) for m, _ in members}, op.name
    params.append("        extra_params: Mapping[str, Any] | None = None,\n")
    args_doc.append(
        textwrap.fill(
            f"extra_params: {EXTRA_DOC}",
            80,
            initial_indent=" " * 12,
            subsequent_indent=" " * 16,
        )
    )

    python_name = botocore.xform_name(op.name)
    request = "".join(f"                {m!r}: {attr_name(m)},\n" for m, _ in members)
    call = (
        f"            {op.name!r},\n            {{\n{request}            }},\n"
        "            extra_params,\n"
    )
    returns, how, key = returns_of(op)
    typed |= names_in(returns)
    lines: list[str] = []
    # At run time the models are found on ``ssmkit.models``, which loads an
    # area on first use and keeps each name: a lookup, not an import, per call.
    runtime = re.sub(
        r"\b[A-Z]\w*\b",
        lambda m: f"models.{m[0]}" if m[0] in home or m[0] == "FrozenDict" else m[0],
        returns,
    )
    if how == "iterator":
        assert key is not None
        item = runtime[len("Iterator[") : -1]
        lines.append(
            f"        return self._paginate(\n{call}            {key!r},\n"
            f"            {item},\n            limit=limit,\n        )\n"
        )
        returns_doc = (
            f"A lazy iterator over the ``{key}`` of every page, each page fetched "
            "as the iterator reaches it."
        )
    elif how == "none":
        lines.append(f"        self._call(\n{call}        )\n")
        returns_doc = ""
    elif how == "member":
        lines.append(f"        result = self._call(\n{call}        )\n")
        if returns in PLAIN:
            lines.append(
                f"        value: {returns} = self._member(result, {op.name!r}, {key!r})\n"
                "        return value\n"
            )
        else:
            lines.append(
                f"        return from_answer(\n            {runtime},\n"
                f"            self._member(result, {op.name!r}, {key!r}),\n        )\n"
            )
        returns_doc = f"The result's ``{key}``."
    else:
        lines.append(
            f"        result = self._call(\n{call}        )\n        return from_answer({runtime}, result)\n"
        )
        returns_doc = f"The whole result, as ``ssmkit.models.{returns}``."

    summary = first_sentence(op.documentation)
    doc = (
        [f'        """{op.name}: {summary}\n']
        if len(summary) + len(op.name) < 70
        else [
            f'        """{op.name}.\n\n'
            + textwrap.fill(
                summary, 80, initial_indent=" " * 8, subsequent_indent=" " * 8
            )
            + "\n"
        ]
    )
    doc.append(f"\n        Wraps ``{python_name}`` of the boto3 SSM client.\n")
    if args_doc:
        doc.append("\n        Args:\n" + "\n".join(args_doc) + "\n")
    if returns_doc:
        doc.append(
            "\n        Returns:\n"
            + textwrap.fill(
                returns_doc, 80, initial_indent=" " * 12, subsequent_indent=" " * 12
            )
            + "\n"
        )
    doc.append(
        "\n        Raises:\n            ssmkit.errors.ValidationError: The request is malformed.\n"
    )
    for error in sorted(op.error_shapes, key=lambda e: e.name):
        why = (
            first_sentence(error.documentation)
            or f"The service answered ``{error.name}``."
        )
        line = f"ssmkit.errors.{error.name}: {why}"
        doc.append(
            textwrap.fill(line, 84, initial_indent=" " * 12, subsequent_indent=" " * 16)
            + "\n"
        )
    doc.append('        """\n')
    signature = (
        f"    def {python_name}(\n        self,\n        *,\n"
        + "".join(params)
        + f"    ) -> {returns}:\n"
    )
    return signature + "".join(doc) + "".join(lines), typed


def operations_by_area(service: ServiceModel) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {area: [] for area in AREAS}
    for name in sorted(service.operation_names):
        found[area_of(name)].append(name)
    return found


def write_operations(service: ServiceModel, version: str, home: dict[str, str]) -> None:
    OPERATIONS_DIR.mkdir(exist_ok=True)
    mixins = []
    for area, names in operations_by_area(service).items():
        methods = []
        typed: set[str] = set()
        for name in names:
            if name in HAND_WRITTEN:
                continue
            text, used = render_method(service.operation_model(name), home)
            methods.append(text)
            typed |= used
        source = "\n".join(methods)
        checking = []
        if "datetime.datetime" in source:
            checking.append("    import datetime\n")
        abc = [n for n in ("Iterator", "Mapping", "Sequence") if f"{n}[" in source]
        if abc:
            checking.append(f"    from collections.abc import {', '.join(abc)}\n\n")
        models = sorted(n for n in typed if n in home)
        if "FrozenDict[" in source:
            models.append("FrozenDict")
        if models:
            checking.append(f"    from ..models import ({', '.join(models)},)\n")
        mixin = mixin_name(area)
        mixins.append((area, mixin))
        text = [
            HEADER.format(version=version),
            docstring(
                f"The typed operations of one area of SSM. {AREAS[area][0]}", "", ""
            ),
            "\n",
            "from __future__ import annotations\n\n",
            "from typing import TYPE_CHECKING, Any\n\n" if checking else "",
            "from .. import models\n" if "models." in source else "",
            "from .._base_client import BaseClient\n",
            "from .._convert import from_answer\n" if "from_answer(" in source else "",
            "\nif TYPE_CHECKING:\n" + "".join(checking) if checking else "",
            f'\n__all__ = ["{mixin}"]\n\n\n',
            f"class {mixin}(BaseClient):\n",
            docstring(AREAS[area][0], "    ", ""),
            "\n" + source if source else "",
        ]
        (OPERATIONS_DIR / f"{area}.py").write_text("".join(text))
    init = [
        HEADER.format(version=version),
        '"""One typed method per SSM operation, in one module per area of the service."""\n\n',
        "".join(f"from .{area} import {mixin}\n" for area, mixin in mixins),
        '\n__all__ = ["Operations"]\n\n\n',
        "class Operations(\n"
        + "".join(f"    {mixin},\n" for _, mixin in mixins)
        + "):\n",
        '    """Every SSM operation whose wire form needs no care beyond conversion."""\n',
    ]
    (OPERATIONS_DIR / "__init__.py").write_text("".join(init))


def write_changes(service: ServiceModel, version: str, home: dict[str, str]) -> None:
    classes = []
    imports: set[str] = set()
    spelled: dict[str, list[tuple[str, str]]] = {}
    for name, (operation, managed) in CHANGES.items():
        inp = service.operation_model(operation).input_shape
        assert inp is not None
        spelled[name] = [
            (attr_name(member), f"{input_type_of(shape)} | Clear")
            for member, shape in inp.members.items()
            if member not in managed
        ]
        lines = [
            f"class {name}(TypedDict, total=False):\n",
            f'    """The members a safe ``{operation}`` may change.\n\n'
            "    Leave a member out to keep it; give ``ssmkit.CLEAR`` to remove it.\n"
            '    """\n\n',
        ]
        for member, shape in inp.members.items():
            if member in managed:
                continue
            annotation = input_type_of(shape)
            imports |= names_in(annotation)
            lines.append(f"    {attr_name(member)}: {annotation} | Clear\n")
        classes.append("".join(lines))
    text = [
        HEADER.format(version=version),
        '"""The members each safe update can change, for type checkers and IDEs."""\n\n',
        "from __future__ import annotations\n\n",
        "from typing import TYPE_CHECKING, TypedDict\n\n",
        "if TYPE_CHECKING:\n",
        "    import datetime\n\n" if any("datetime" in c for c in classes) else "",
        "    from collections.abc import Mapping, Sequence\n\n",
        "    from ._sentinel import Clear\n",
        "    from .models import ("
        + ", ".join(sorted(n for n in imports if n in home))
        + ",)\n\n",
        "__all__ = [" + ", ".join(f'"{n}"' for n in CHANGES) + "]\n\n\n",
        "\n\n".join(classes),
    ]
    (OUT / "ssmkit" / "_changes.py").write_text("".join(text))
    members = [
        HEADER.format(version=version),
        '"""The members each safe update can change, by name, with their annotations.\n\n'
        "What the client's signatures spell out for ``help()``: plain strings,\n"
        "read without building the ``TypedDict`` classes of ``ssmkit._changes``.\n"
        '"""\n\n',
        "from __future__ import annotations\n\n",
        '__all__ = ["MEMBERS"]\n\n',
        "MEMBERS: dict[str, tuple[tuple[str, str], ...]] = {\n",
        "".join(
            f'    "{name}": (\n'
            + "".join(f"        ({n!r}, {a!r}),\n" for n, a in pairs)
            + "    ),\n"
            for name, pairs in spelled.items()
        ),
        "}\n",
    ]
    (OUT / "ssmkit" / "_change_members.py").write_text("".join(members))


# -- errors -------------------------------------------------------------------


def family_of(code: str) -> str:
    if code in ERROR_FAMILIES:
        return ERROR_FAMILIES[code]
    for words, family in ERROR_RULES:
        if any(word in code for word in words):
            return family
    return "ServiceError"


def error_shapes(service: ServiceModel) -> dict[str, Shape]:
    found: dict[str, Shape] = {}
    for name in service.operation_names:
        for error in service.operation_model(name).error_shapes:
            found[error.name] = error
    return dict(sorted(found.items()))


def write_errors(service: ServiceModel, version: str) -> None:
    errors = error_shapes(service)
    families = sorted({f for code in errors for f in family_of(code).split(", ")})
    classes = []
    for code, shape in errors.items():
        doc = first_sentence(shape.documentation) or f"The service answered ``{code}``."
        classes.append(
            f"class {code}({family_of(code)}):\n" + docstring(doc, "    ", "") + "\n"
        )
    text = [
        HEADER.format(version=version),
        '"""One exception per error code in the SSM service model, named like the code.\n\n'
        "Import them from ``ssmkit.errors``, which loads this module on first use.\n"
        '"""\n\n',
        f"from .errors import {', '.join(families)}\n\n",
        "__all__ = [\n" + "".join(f'    "{c}",\n' for c in errors) + "]\n\n\n",
        "\n\n".join(classes),
    ]
    (OUT / "ssmkit" / "_service_errors.py").write_text("".join(text))


def write_error_names(service: ServiceModel) -> None:
    """The leaves' names in ``ssmkit/errors.py``, between its generated markers.

    Type checkers see each leaf imported from ``_service_errors`` and listed
    in ``__all__``, so each is a real class to them; at run time the module
    loads them on first use.
    """
    path = OUT / "ssmkit" / "errors.py"
    text = path.read_text()
    start, end = "# -- generated: the leaves --\n", "# -- end of generated --\n"
    codes = list(error_shapes(service))
    bases = re.search(r"_BASES = \[(.*?)\]", text, re.DOTALL)
    assert bases is not None
    names = sorted({*re.findall(r'"(\w+)"', bases.group(1)), *codes})
    block = (
        start
        + "if TYPE_CHECKING:\n    from ._service_errors import (\n"
        + "".join(f"        {c},\n" for c in codes)
        + "    )\n\n"
        + "__all__ = [\n"
        + "".join(f'    "{n}",\n' for n in names)
        + "]\n\n"
        + "#: The error codes that have a class of their own, in ``_service_errors``.\n"
        + "_LEAVES = frozenset(__all__).difference(_BASES)\n"
        + end
    )
    before, rest = text.split(start)
    _, after = rest.split(end)
    path.write_text(before + block + after)


# -- reference pages ----------------------------------------------------------


def cell(text: str) -> str:
    """Text that is safe inside a Markdown table cell."""
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace("*", "\\*")
        .replace("`", "'")
    )


def term(name: str, documentation: str) -> str:
    """One entry of a list of arguments or fields: the name, then its text.

    ``documentation`` is Markdown already made safe (see ``cell``).
    """
    return f"{name}\n:   {documentation or 'No documentation.'}\n"


def linked(annotation: str, home: dict[str, str], here: str) -> str:
    """An annotation with each model name linked to where it is documented."""

    def link(match: re.Match[str]) -> str:
        name = match.group(0)
        if name not in home:
            return name
        page = "" if home[name] == here else f"{home[name]}.md"
        return f"[{name}]({page}#{name.lower()})"

    return re.sub(r"[A-Za-z_][A-Za-z0-9_]*", link, annotation.replace("|", "\\|"))


def aws_link(operation: str) -> str:
    return f"[{operation}]({AWS_DOCS}/API_{operation}.html)"


def method_section(op: OperationModel, home: dict[str, str], here: str) -> str:
    name = botocore.xform_name(op.name)
    required = set(op.input_shape.required_members) if op.input_shape else set()
    returns, how, key = returns_of(op)
    out = [f"### {name}\n\n"]
    if op.name in HAND_WRITTEN:
        changes = next(c for c, (o, _) in CHANGES.items() if o == op.name)
        out.append(
            f"Safe: wraps {aws_link(op.name)} so that it changes only the members "
            "named and keeps the rest. See [Safe updates](../guides/safe-updates.md); "
            f"the members it can change are those of `ssmkit.{changes}`.\n\n"
        )
        return "".join(out)
    args = ", ".join(
        f"{attr_name(m)}" + ("" if m in required else "=None") for m, _ in inputs(op)
    )
    if paginated(op):
        args += ", limit=None"
    star = "*, " if args else ""
    out.append(f"```python\nclient.{name}({star}{args}) -> {returns}\n```\n\n")
    what = {
        "iterator": f"a lazy iterator over every page's `{key}`: ",
        "none": "",
        "member": f"the result's `{key}`: ",
        "result": "the whole result: ",
    }[how]
    out.append(
        f"Wraps {aws_link(op.name)} (`{name}` of boto3). Returns {what}"
        f"{linked(returns, home, here)}.\n\n"
    )
    out.append(cell(plain(op.documentation)) + "\n\n")
    rows = []
    for member, shape in inputs(op):
        doc = (
            PAGE_SIZE_DOC
            if paginated(op) and member == "MaxResults"
            else plain(shape.documentation)
        )
        need = ", required" if member in required else ""
        kind = linked(input_type_of(shape), home, here)
        rows.append(term(f"`{attr_name(member)}` ({kind}{need})", cell(doc)))
    if paginated(op):
        rows.append(term("`limit` (int)", LIMIT_DOC))
    if rows:
        # A list of terms, not a table: a name is never broken across lines.
        out.append("Arguments:\n\n" + "\n".join(rows) + "\n")
    if op.error_shapes:
        codes = ", ".join(
            f"[`{e.name}`](errors.md#{e.name.lower()})"
            for e in sorted(op.error_shapes, key=lambda e: e.name)
        )
        out.append(f"Errors: {codes}.\n\n")
    return "".join(out)


def model_section(shape: Shape, home: dict[str, str], here: str) -> str:
    out = [f"### {shape.name}\n\n"]
    doc = cell(plain(shape.documentation))
    if not isinstance(shape, StructureShape):
        values = ", ".join(f"`{v}`" for v in shape.enum)  # type: ignore[attr-defined]
        out.append(f"Enumeration. {doc}\n\nValues: {values}.\n\n")
        return "".join(out)
    out.append(f"{doc}\n\n" if doc else "")
    required = set(shape.required_members)
    rows = []
    for member, mshape in shape.members.items():
        annotation = type_of(mshape) + ("" if member in required else " | None")
        note = plain(mshape.documentation)
        if is_sensitive(mshape):
            note = (
                "**Sensitive**: masked in reprs, logs and JSON unless asked for. "
                + cell(note)
            )
        else:
            note = cell(note)
        kind = linked(annotation, home, here)
        name = f"`{attr_name(member)}` ({kind}), on the wire `{member}`"
        rows.append(term(name, note))
    if rows:
        out.append("Fields:\n\n" + "\n".join(rows) + "\n")
    return "".join(out)


def write_reference(
    service: ServiceModel, version: str, shapes: dict[str, Shape], home: dict[str, str]
) -> None:
    REFERENCE.mkdir(parents=True, exist_ok=True)
    stamp = f"<!-- Generated by tools/generate.py from botocore {version}'s SSM model. Do not edit. -->\n"
    by_area = operations_by_area(service)
    for area in ["common", *AREAS]:
        title = area.replace("_", " ").capitalize()
        doc = COMMON_DOC if area == "common" else AREAS[area][0]
        out = [stamp, f"# {title}\n\n{doc}\n\n"]
        ops = by_area.get(area, [])
        if ops:
            out.append(
                f"Methods of `ssmkit.Client`, from `ssmkit._operations.{area}`; "
                f"models in `ssmkit.models.{area}`.\n\n## Methods\n\n"
            )
            out.extend(
                method_section(service.operation_model(o), home, area) for o in ops
            )
        models = sorted(n for n, a in home.items() if a == area)
        if models:
            out.append(
                f"## Models\n\n`from ssmkit.models import ...`, or from "
                f"`ssmkit.models.{area}`.\n\n"
            )
            out.extend(model_section(shapes[n], home, area) for n in models)
        (REFERENCE / f"{area}.md").write_text("".join(out))

    errors = error_shapes(service)
    rows = [
        f'| <span id="{code.lower()}"></span>`{code}` | `{family_of(code)}` | {cell(plain(s.documentation))} |'
        for code, s in errors.items()
    ]
    (REFERENCE / "errors.md").write_text(
        stamp
        + "# Error codes\n\nEvery error code in the service model has an exception in "
        "`ssmkit.errors`, named like the code, under the family its meaning puts it in "
        "(see [Errors](../guides/errors.md)). A code the service sends that is not "
        "here becomes a plain `ServiceError` with that `code`.\n\n"
        "| Exception | Family | AWS documentation |\n| --- | --- | --- |\n"
        + "\n".join(rows)
        + "\n"
    )

    rows = []
    for area, ops in by_area.items():
        for name in ops:
            op = service.operation_model(name)
            method = botocore.xform_name(name)
            returns, how, key = returns_of(op)
            if name in HAND_WRITTEN:
                note = "safe: changes only the members named"
            elif how == "iterator":
                note = f"lazy iterator over every page's `{key}`"
            elif how == "none":
                note = "returns `None`"
            elif how == "member":
                note = f"returns the `{key}`"
            else:
                note = f"returns `{returns}`"
            rows.append(
                f"| [`{method}()`]({area}.md#{method}) | {aws_link(name)} | {note} |"
            )
    extra = [
        "| `plan_association_update()` | DescribeAssociation | plan only, no write |",
        "| `plan_maintenance_window_task_update()` | GetMaintenanceWindowTask | plan only, no write |",
        "| `update_associations()` | DescribeAssociation, UpdateAssociation | bulk safe updates |",
        "| `plan_associations()`, `apply_associations()`, `export_associations()` | ListAssociations, DescribeAssociation, ... | associations as code |",
    ]
    (REFERENCE / "operations.md").write_text(
        stamp + "# Methods and operations\n\n"
        "Each `ssmkit.Client` method is named like the boto3 method it wraps, so any\n"
        "method maps to the AWS documentation of its operation. Every operation of the\n"
        f"SSM service model has one: {len(service.operation_names)} in all.\n\n"
        "| `ssmkit.Client` | AWS operation | notes |\n| --- | --- | --- |\n"
        + "\n".join(rows + extra)
        + "\n"
    )


def generate(service: ServiceModel, version: str) -> int:
    """Write every generated file under ``OUT`` and format it; the shapes' count."""
    MODELS.mkdir(parents=True, exist_ok=True)
    shapes, home = write_models(service, version)
    write_operations(service, version, home)
    write_changes(service, version, home)
    write_errors(service, version)
    write_error_names(service)
    write_reference(service, version, shapes, home)
    targets = [str(OUT / path) for path in GENERATED if path.endswith(".py")]
    targets += [str(MODELS), str(OPERATIONS_DIR)]
    # The repository's own settings, wherever the files are written.
    ruff = [sys.executable, "-m", "ruff"]
    # No cache: --check must write nothing in the repository.
    config = ["--config", str(ROOT / "pyproject.toml"), "--no-cache"]
    subprocess.run([*ruff, "format", *config, "--quiet", *targets], check=True)
    subprocess.run(
        [*ruff, "check", *config, "--fix", "--unsafe-fixes", "--quiet", *targets],
        check=True,
        cwd=OUT,
    )
    subprocess.run([*ruff, "format", *config, "--quiet", *targets], check=True)
    return len(shapes)


def load(session: botocore.session.Session) -> tuple[ServiceModel, dict[str, Any]]:
    """The SSM service model and its paginators, as ``session`` loads them."""
    loader = session.get_component("data_loader")
    raw = loader.load_service_model("ssm", "service-2")
    paginators = loader.load_service_model("ssm", "paginators-1")
    return ServiceModel(raw, service_name="ssm"), {"service": raw, **paginators}


def store(raw: dict[str, Any], version: str) -> None:
    """Keep the model generated from, for the tests and for ``--check``."""
    api = raw["service"]["metadata"]["apiVersion"]
    if GENERATION.exists():
        shutil.rmtree(GENERATION)
    folder = GENERATION / "ssm" / api
    folder.mkdir(parents=True)
    # Key order is kept: members are generated in the order the model gives.
    text = json.dumps(raw["service"], indent=1) + "\n"
    # No file name or time in the header: the same model gives the same bytes.
    with (folder / "service-2.json.gz").open("wb") as out:
        out.write(gzip.compress(text.encode(), mtime=0))
    pages = {"pagination": raw["pagination"]}
    (folder / "paginators-1.json").write_text(json.dumps(pages, indent=1) + "\n")
    GENERATION_VERSION.write_text(version + "\n")


def set_lower_bounds(version: str) -> None:
    """Make the release generated from the lowest botocore and boto3 allowed."""
    path = ROOT / "pyproject.toml"
    text = path.read_text()
    for package in ("boto3", "botocore"):
        text, count = re.subn(
            rf'"{package}>=[^"]*"', f'"{package}>={version}"', text, count=1
        )
        assert count == 1, f"pyproject.toml has no {package} bound"
    path.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing: exit 0 if the checked-in code is what the installed "
        "botocore would generate, 1 (listing what its model adds or changes) if not",
    )
    args = parser.parse_args(argv)
    session = botocore.session.get_session()
    service, raw = load(session)
    PAGINATORS.clear()
    PAGINATORS.update(raw["pagination"])
    version = botocore.__version__
    if args.check:
        return check(service, raw, version)
    count = generate(service, version)
    store(raw, version)
    set_lower_bounds(version)
    print(
        f"generated from botocore {version}: {len(service.operation_names)} operations, "
        f"{count} shapes"
    )
    return 0


# -- --check --------------------------------------------------------------------

_STAMP = re.compile(r"from botocore \S+'s SSM model")


def check(service: ServiceModel, raw: dict[str, Any], version: str) -> int:
    """Compare the checked-in code with what the installed botocore generates."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "ssmkit").mkdir()
        shutil.copy(ROOT / "ssmkit" / "errors.py", root / "ssmkit" / "errors.py")
        shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
        output_to(root)
        generate(service, version)
        differing = sorted(
            path
            for path in _files(root)
            if _unstamped(root / path) != _unstamped(ROOT / path)
        )
        differing += sorted(set(_files(ROOT)) - set(_files(root)))
    generated_from = GENERATION_VERSION.read_text().strip()
    if not differing:
        print(
            f"up to date: the installed botocore {version}'s SSM model generates "
            f"the checked-in code (generated from botocore {generated_from})"
        )
        return 0
    print(
        f"out of date: the installed botocore {version}'s SSM model differs from "
        f"botocore {generated_from}'s, which the checked-in code was generated from."
    )
    stored = _stored_model()
    old = json.loads(gzip.decompress(stored.read_bytes()))
    changes = model_changes(old, raw["service"])
    stored_pages = json.loads((stored.parent / "paginators-1.json").read_text())[
        "pagination"
    ]
    changes += paginator_changes(stored_pages, raw["pagination"])
    for line in changes or ["(no change to the model: the generator itself changed)"]:
        print(f"  {line}")
    print(f"  files that would change: {len(differing)}")
    for path in differing[:20]:
        print(f"    {path}")
    if len(differing) > 20:
        print(f"    ... and {len(differing) - 20} more")
    print("Run `python tools/generate.py` and review the diff (docs/development.md).")
    return 1


def _stored_model() -> Path:
    found = sorted(GENERATION.glob("ssm/*/service-2.json.gz"))
    assert found, f"no stored model under {GENERATION}"
    return found[-1]


def _files(root: Path) -> list[str]:
    """The generated files under ``root``: those that say so, and errors.py."""
    found = []
    for path in GENERATED:
        full = root / path
        if full.is_dir():
            found += [
                str(p.relative_to(root))
                for p in full.rglob("*")
                if p.is_file()
                and "__pycache__" not in p.parts
                and "Generated by tools/generate.py" in p.read_text()[:200]
            ]
        elif full.exists():
            found.append(path)
    return found


def _unstamped(path: Path) -> str | None:
    if not path.exists():
        return None
    return _STAMP.sub("from botocore's SSM model", path.read_text())


def model_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What ``new`` adds to, removes from or changes in ``old``, one line each.

    Operations, structures and their members, enums and their values, error
    codes, and what is sensitive; a count of documentation changes.
    """
    lines: list[str] = []
    old_ops, new_ops = old["operations"], new["operations"]
    lines += [f"+ operation {n}" for n in sorted(new_ops.keys() - old_ops.keys())]
    lines += [f"- operation {n}" for n in sorted(old_ops.keys() - new_ops.keys())]
    old_shapes, new_shapes = old["shapes"], new["shapes"]
    errors_old = {e["shape"] for o in old_ops.values() for e in o.get("errors", [])}
    errors_new = {e["shape"] for o in new_ops.values() for e in o.get("errors", [])}
    lines += [f"+ error code {n}" for n in sorted(errors_new - errors_old)]
    lines += [f"- error code {n}" for n in sorted(errors_old - errors_new)]
    for name in sorted(new_shapes.keys() | old_shapes.keys()):
        before, after = old_shapes.get(name), new_shapes.get(name)
        if name in errors_new or name in errors_old:
            continue
        kind = (after or before or {}).get("type")
        what = "enum" if (after or before or {}).get("enum") else kind
        if before is None:
            lines.append(f"+ {what} {name}")
            continue
        if after is None:
            lines.append(f"- {what} {name}")
            continue
        lines += _shape_changes(name, before, after)
    for name in sorted(new_ops.keys() & old_ops.keys()):
        for part in ("input", "output"):
            was = old_ops[name].get(part, {}).get("shape")
            now = new_ops[name].get(part, {}).get("shape")
            if was != now:
                lines.append(f"~ operation {name} {part}: {was} -> {now}")
    documented = sum(
        1
        for name in new_shapes.keys() & old_shapes.keys()
        if new_shapes[name].get("documentation")
        != old_shapes[name].get("documentation")
    ) + sum(
        1
        for name in new_ops.keys() & old_ops.keys()
        if new_ops[name].get("documentation") != old_ops[name].get("documentation")
    )
    if documented:
        lines.append(f"~ documentation of {documented} shapes and operations")
    return lines


def paginator_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Which operations the new model pages, or pages otherwise, one line each."""
    lines = [f"+ paginator {n}" for n in sorted(new.keys() - old.keys())]
    lines += [f"- paginator {n}" for n in sorted(old.keys() - new.keys())]
    lines += [
        f"~ paginator {n}" for n in sorted(new.keys() & old.keys()) if new[n] != old[n]
    ]
    return lines


def _shape_changes(
    name: str, before: dict[str, Any], after: dict[str, Any]
) -> list[str]:
    lines = []
    if before.get("type") != after.get("type"):
        lines.append(f"~ {name}: type {before.get('type')} -> {after.get('type')}")
    if bool(before.get("sensitive")) != bool(after.get("sensitive")):
        now = "sensitive" if after.get("sensitive") else "no longer sensitive"
        lines.append(f"~ {name}: {now}")
    old_values, new_values = before.get("enum", []), after.get("enum", [])
    lines += [f"+ {name} value {v}" for v in new_values if v not in old_values]
    lines += [f"- {name} value {v}" for v in old_values if v not in new_values]
    old_members, new_members = before.get("members", {}), after.get("members", {})
    for member in new_members:
        if member not in old_members:
            lines.append(f"+ member {name}.{member} ({new_members[member]['shape']})")
        elif old_members[member]["shape"] != new_members[member]["shape"]:
            lines.append(
                f"~ member {name}.{member}: {old_members[member]['shape']} -> "
                f"{new_members[member]['shape']}"
            )
    lines += [
        f"- member {name}.{member}"
        for member in old_members
        if member not in new_members
    ]
    was, now = set(before.get("required", [])), set(after.get("required", []))
    lines += [f"~ member {name}.{m}: now required" for m in sorted(now - was)]
    lines += [f"~ member {name}.{m}: no longer required" for m in sorted(was - now)]
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
