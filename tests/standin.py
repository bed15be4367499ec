"""Fixtures over the stand-in: a boto3 client whose every answer is checked."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.validate import ParamValidator

from ssmkit.testing import StandIn, mock_ssm
from ssmkit.testing.server import Server

if TYPE_CHECKING:
    from collections.abc import Iterator

#: Every operation whose answers the checker validated in this test session.
VALIDATED: set[str] = set()


def _without_empty(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_empty(v) for k, v in value.items() if v != ""}
    if isinstance(value, list):
        return [_without_empty(v) for v in value]
    return value


def check_answers(client: Any) -> None:
    """Validate every parsed answer against its output shape in botocore's model."""
    validator = ParamValidator()

    def after_call(
        http_response: Any, parsed: dict[str, Any], model: Any, **_: Any
    ) -> None:
        if http_response.status_code >= 300 or model.output_shape is None:
            return
        answer = {k: v for k, v in parsed.items() if k != "ResponseMetadata"}
        # AWS answers unset strings of commands and invocations as "", below
        # the model's minimum lengths (its published examples show them).
        report = validator.validate(_without_empty(answer), model.output_shape)
        assert not report.has_errors(), f"{model.name}: {report.generate_report()}"
        VALIDATED.add(model.name)

    client.meta.events.register("after-call.ssm", after_call)


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    with mock_ssm() as handle:
        yield handle


@pytest.fixture
def boto(stand_in: StandIn) -> Any:
    client = boto3.client("ssm", region_name="us-east-1")
    check_answers(client)
    return client


@pytest.fixture
def window(boto: Any) -> str:
    return new_window(boto, "patching")


def new_window(boto: Any, name: str) -> str:
    """A weekly maintenance window that allows tasks without targets."""
    return boto.create_maintenance_window(  # type: ignore[no-any-return]
        Name=name,
        Schedule="cron(0 2 ? * SUN *)",
        Duration=3,
        Cutoff=1,
        AllowUnassociatedTargets=True,
    )["WindowId"]


def no_associations(boto: Any) -> None:
    """Delete every association, for a test that reads them all."""
    for page in boto.get_paginator("list_associations").paginate():
        for association in page["Associations"]:
            boto.delete_association(AssociationId=association["AssociationId"])


def no_windows(boto: Any) -> None:
    """Delete every maintenance window, for a test that lists them all."""
    for found in boto.describe_maintenance_windows()["WindowIdentities"]:
        boto.delete_maintenance_window(WindowId=found["WindowId"])


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """The stand-in over HTTP on loopback, for the command and other clients."""
    with Server() as running:
        yield running


def server_client(server: Server, region: str = "us-east-1") -> Any:
    """A boto3 SSM client of the stand-in served over HTTP, with fake credentials."""
    return boto3.client(
        "ssm",
        region_name=region,
        endpoint_url=server.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def held_for_another(
    server: Server, operation: str, nth: int, seconds: float = 2.0
) -> threading.Event:
    """Hold the ``nth`` ``operation`` until another comes, or ``seconds`` pass.

    The event is set when another came while it was held: a call made at the
    same time as the held one reaches the server before it is answered; a
    call made one at a time, or paced far off, does not. Registered before a
    ``CtrlC`` of the same call, it holds the call before the press.
    """
    another = threading.Event()
    lock = threading.Lock()  # calls come on threads of their own
    seen = 0
    holding = False

    def hook(_: Any) -> None:
        nonlocal seen, holding
        with lock:
            seen += 1
            held = seen == nth
            if held:
                holding = True
            elif holding:
                another.set()
        if held:
            another.wait(seconds)
            with lock:
                holding = False

    server.stand_in.before(operation, hook, times=None)
    return another
