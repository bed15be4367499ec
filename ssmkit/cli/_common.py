"""What the commands share: the client, the service model, --set and --clear."""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from typing import TYPE_CHECKING, Any

import boto3
import botocore.config
import botocore.exceptions
from botocore import xform_name

from .. import errors
from .._base_client import invoke, translated
from .._bulk import MAX_CONCURRENCY
from .._client import Client
from .._convert import to_boto
from .._mask import MASK, mask
from .._sentinel import CLEAR
from .._validate import attribute_name
from .._wire import jsonable, resolve, within_sensitive
from ..models import AssociationFilter, AssociationFilterKey
from ._output import DECLINED, UsageError, confirm, plural, runs_at_once

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from botocore.model import Shape, StructureShape

    from .._safe import Outcome, UpdatePlan
    from ._output import Output

__all__ = [
    "MANAGED",
    "Edit",
    "asked",
    "call",
    "changes",
    "check_suffix",
    "client_for",
    "emit_written",
    "filters_of",
    "input_shape",
    "pages",
    "path_of",
    "plan_json",
    "request_file",
    "shape_of",
    "tell_masked",
    "value_of",
]


def client_for(args: argparse.Namespace) -> Client:
    """The client the global options name."""
    if args.region is not None and not args.region.strip():
        raise UsageError("--region: empty; give a region such as us-east-1")
    if args.endpoint_url is not None:
        check_endpoint(args.endpoint_url)
    try:
        session = boto3.session.Session(
            profile_name=args.profile, region_name=args.region
        )
        if session.region_name is None and args.endpoint_url:
            session = boto3.session.Session(
                profile_name=args.profile, region_name="us-east-1"
            )
        # A connection for each call under way: urllib3 opens a new one for
        # each call beyond its pool (10 by default).
        pool = min(max(10, getattr(args, "concurrency", None) or 0), MAX_CONCURRENCY)
        boto3_client = session.client(
            "ssm",
            endpoint_url=args.endpoint_url,
            config=botocore.config.Config(max_pool_connections=pool),
        )
    except botocore.exceptions.NoRegionError:
        raise UsageError(
            "no AWS region: pass --region or set AWS_DEFAULT_REGION"
        ) from None
    except ValueError as exc:  # a malformed --endpoint-url
        raise UsageError(str(exc)) from None
    return Client(boto3_client=boto3_client)


def check_endpoint(url: str) -> None:
    """Refuse an --endpoint-url no call could go to, before any call."""
    try:
        parts = urllib.parse.urlsplit(url)  # raises for a bracket left open
        parts.port  # noqa: B018 - raises for a port out of range
    except ValueError as exc:
        raise UsageError(f"--endpoint-url: {url}: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"--endpoint-url: {url}: expected http:// or https:// and a host"
        )


def shape_of(client: Client, name: str) -> Shape:
    return client.boto3_client.meta.service_model.shape_for(name)


def input_shape(client: Client, operation: str) -> StructureShape:
    model = client.boto3_client.meta.service_model.operation_model(operation)
    shape = model.input_shape
    assert shape is not None  # every operation the command calls takes input
    return shape


def call(client: Client, operation: str, **request: Any) -> dict[str, Any]:
    """The raw answer: the command shows members newer than ssmkit's models too."""
    answer = invoke(client.boto3_client, operation, request)
    answer.pop("ResponseMetadata", None)
    return answer


def pages(
    client: Client, operation: str, key: str, shape: str, **request: Any
) -> tuple[list[dict[str, Any]], Shape]:
    """Every item of a paginated operation, raw, and the shape of an item."""
    paginator = client.boto3_client.get_paginator(xform_name(operation))  # type: ignore[call-overload]
    with translated(operation, client.boto3_client):
        items = [
            item for page in paginator.paginate(**request) for item in page.get(key, [])
        ]
    return items, shape_of(client, shape)


def filters_of(args: argparse.Namespace) -> list[AssociationFilter]:
    pairs = [
        (AssociationFilterKey.NAME, args.name),
        (AssociationFilterKey.ASSOCIATION_NAME, args.association_name),
        (AssociationFilterKey.INSTANCE_ID, args.instance_id),
        (AssociationFilterKey.ASSOCIATION_STATUS_NAME, args.status),
    ]
    return [AssociationFilter(key=key, value=value) for key, value in pairs if value]


def tell_masked(output: Output, *documents: Any) -> None:
    """Say, once, that an export wrote sensitive values as the mask."""
    if not output.show_sensitive and any(MASK in json.dumps(d) for d in documents):
        output.err.print(
            f"Sensitive values are written as {MASK}: plan and apply keep the live "
            "value in their place. --show-sensitive writes them."
        )


def check_suffix(path: Path, option: str) -> None:
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise UsageError(f"{option}: {path}: expected a .yaml, .yml or .json file")


def request_file(path: Path) -> dict[str, Any]:
    """A request in boto3's shape from a JSON or YAML file, read strictly."""
    from .._files import read_document

    try:
        data = read_document(path)
    except errors.ValidationError as exc:
        raise UsageError(f"--from: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"--from: {path} must hold one request, a mapping of members")
    return data


# -- --set and --clear ----------------------------------------------------------------

#: Members the command sets itself: the ids, the version, and Replace.
MANAGED = {
    "AssociationId",
    "AssociationVersion",
    "WindowId",
    "WindowTaskId",
    "Replace",
}


def changes(client: Client, operation: str, args: argparse.Namespace) -> Edit:
    """Turn --set and --clear into changes by path, checking names and syntax.

    A path names a member by its attribute name (or its wire name), then
    nested members and map keys: ``parameters.Operation``.
    """
    shape = input_shape(client, operation)
    members = {attribute_name(m): m for m in shape.members if m not in MANAGED}

    paths: dict[str, Any] = {}
    for item in args.sets:
        if "=" not in item:
            raise UsageError(f"--set {item!r}: expected MEMBER=VALUE")
        raw_name, text = item.split("=", 1)
        path, _, leaf = path_of(shape, members, raw_name)
        paths[path] = value_of(path, text, leaf.type_name)
    for item in args.clears:
        path, _, _ = path_of(shape, members, item)
        overlapping = [
            p for p in paths if p == path or p.startswith((f"{path}.", f"{path}["))
        ] + [p for p in paths if path.startswith((f"{p}.", f"{p}["))]
        if overlapping:
            raise UsageError(
                f"{path}: --clear overlaps --set {overlapping[0]}; give one of them"
            )
        paths[path] = CLEAR
    if not paths:
        raise UsageError("nothing to change: give --set MEMBER=VALUE or --clear MEMBER")
    return Edit(paths, shape)


def path_of(
    shape: StructureShape, members: dict[str, str], text: str
) -> tuple[str, tuple[str, ...], Shape]:
    """A PATH given on the command line: as written, on the wire, and its shape.

    The first step may be an attribute name (``max_errors``) or the AWS
    spelling (``MaxErrors``); the rest is resolved as the library does.
    """
    head, dot, rest = text.strip().partition(".")
    name = head if head in members else attribute_name(head)
    if name not in members:
        raise UsageError(
            f"unknown member {head!r}: expected one of {', '.join(sorted(members))}"
        )
    written = f"{name}{dot}{rest}"
    path, leaf = resolve(shape, written, members)
    return written, path, leaf


def value_of(name: str, text: str, kind: str) -> Any:
    """The value of ``--set NAME=TEXT`` for a member of type ``kind``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # bytes the terminal's encoding could not decode
        raise UsageError(f"{name}: the value is not valid UTF-8 text") from None
    if kind == "string":
        return text
    if kind in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            raise UsageError(f"{name}: must be a whole number, got {text!r}") from None
    if kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise UsageError(f"{name}: must be true or false, got {text!r}")
        return text.lower() == "true"
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{name}: malformed JSON ({exc.msg} at column {exc.colno})"
        ) from None
    if value is None:
        raise UsageError(f"{name}: null is not a value; --clear {name} removes it")
    return value


class Edit:
    """The --set and --clear of one command line, by path."""

    def __init__(self, paths: dict[str, Any], shape: StructureShape) -> None:
        self.paths = paths
        self.shape = shape

    @property
    def sensitive(self) -> bool:
        """Whether the change sets a value the service model marks sensitive."""
        return any(
            value is not CLEAR and self._hidden(path)
            for path, value in self.paths.items()
        )

    def _hidden(self, path: str) -> bool:
        wire, _ = resolve(self.shape, path)
        return within_sensitive(self.shape, wire)

    def fingerprint(self) -> str:
        """Names this change in a report, so a rerun of another is not skipped.

        A sensitive value counts as its placeholder: a digest of it in a file
        could be reversed by trying values (``bulk-update`` does not skip on
        the strength of such a change; see ``sensitive``).
        """
        text = json.dumps(
            {
                k: "(clear)" if v is CLEAR else MASK if self._hidden(k) else jsonable(v)
                for k, v in self.paths.items()
            },
            sort_keys=True,
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def describe(self) -> str:
        """``max_errors="5", parameters.Operation=<sensitive>, -calendar_names``."""
        shown = []
        for path, value in self.paths.items():
            if value is CLEAR:
                shown.append(f"-{path}")
                continue
            _, leaf = resolve(self.shape, path)
            hidden = self._hidden(path)
            text = MASK if hidden else json.dumps(jsonable(mask(value, leaf)))
            shown.append(f"{path}={text}")
        return ", ".join(shown)

    def key_clears(self) -> list[str]:
        """The paths --clear gives that end in a map key (free text, unchecked)."""
        found = []
        for path, value in self.paths.items():
            if value is not CLEAR:
                continue
            wire, _ = resolve(self.shape, path)
            shape: Shape = self.shape
            for step in wire:
                if shape.type_name == "map":
                    found.append(path)
                    break
                shape = _member_shape(shape, step)
        return found

    def missing_keys(self, live: dict[str, Any]) -> list[str]:
        """The map keys --clear names that ``live``, in boto3's shape, lacks.

        A member's name is checked against the service model, but a map key
        is free text: a mistyped one would clear nothing and pass unseen. A
        key whose map is absent is missing too; a structure member absent is
        not (its name was checked).
        """
        missing = []
        for path, value in self.paths.items():
            if value is not CLEAR:
                continue
            wire, _ = resolve(self.shape, path)
            shape: Shape = self.shape
            found: Any = live
            for step in wire:
                if shape.type_name == "map" and (
                    not isinstance(found, dict) or step not in found
                ):
                    missing.append(path)  # absent, or the map itself is
                    break
                found = found.get(step) if isinstance(found, dict) else None
                shape = _member_shape(shape, step)
        return missing


def _member_shape(shape: Shape, step: str) -> Shape:
    if shape.type_name == "map":
        return shape.value  # type: ignore[attr-defined,no-any-return]
    if shape.type_name == "structure":
        return shape.members[step]  # type: ignore[attr-defined,no-any-return]
    return shape


# -- the safe update of one resource -------------------------------------------------


def plan_json(plan: UpdatePlan[Any], output: Output) -> dict[str, Any]:
    return plan.to_json(show_sensitive=output.show_sensitive)


def asked(
    args: argparse.Namespace,
    output: Output,
    change: Edit,
    plan: UpdatePlan[Any],
    title: str,
) -> int | None:
    """Show the plan and ask before writing it.

    Returns:
        The exit status when nothing is to be written (nothing would change,
        a dry run, or the answer was no); ``None`` to write.
    """
    missing = change.missing_keys(to_boto(plan.before))
    if missing:
        # A member's name is checked, but a mistyped map key would clear nothing.
        raise UsageError(
            f"--clear {', '.join(missing)}: {title} has no such key; "
            "nothing was written"
        )
    output.plan(plan, title)
    if plan.is_noop or args.dry_run:
        status = 0
    else:
        question = f"Write {plural(len(plan.changes), 'change')} to {title}?"
        if args.yes or confirm(question + runs_at_once(plan.runs)):
            return None
        output.err.print("Nothing written.")
        status = DECLINED
    if output.json:
        output.emit_json({"plan": plan_json(plan, output), "written": False})
    return status


def emit_written(
    output: Output, outcome: Outcome[Any], key: str, shape: Shape, **extra: Any
) -> None:
    """The JSON of a write: its plan, whether it wrote, and the resource now."""
    output.emit_json(
        {
            "plan": plan_json(outcome.plan, output),
            "written": outcome.wrote,
            key: output.masked(to_boto(outcome.result), shape),
            **extra,
        }
    )
