"""A transport for tests: answers at botocore's ``before-send`` event.

botocore's real serializer builds every request and its real parser reads every
answer; only the HTTP exchange is replaced. Each request is recorded as the
operation name and the JSON body that would have gone on the wire.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3.session
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config

if TYPE_CHECKING:
    from collections.abc import Iterator


class Body:
    """An HTTP body as botocore reads it from the wire."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


class Wire:
    """Record the requests a boto3 SSM client sends; answer them from a queue."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self._answers: list[tuple[int, dict[str, Any]]] = []
        client.meta.events.register("before-send.ssm", self._send)

    def answer(self, body: dict[str, Any] | None = None) -> None:
        """Queue a successful answer with this JSON body."""
        self._answers.append((200, body or {}))

    def fail(self, code: str, message: str = "refused", status: int = 400) -> None:
        """Queue an error answer with this code."""
        self._answers.append((status, {"__type": code, "message": message}))

    @property
    def operations(self) -> list[str]:
        return [operation for operation, _ in self.requests]

    def _send(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        target = request.headers["X-Amz-Target"]
        operation = (target.decode() if isinstance(target, bytes) else target).split(
            "."
        )[-1]
        body = request.body or b"{}"
        self.requests.append((operation, json.loads(body)))
        if not self._answers:
            msg = f"no answer queued for {operation}"
            raise AssertionError(msg)
        status, answer = self._answers.pop(0)
        headers = {"x-amzn-RequestId": f"request-{len(self.requests)}"}
        return AWSResponse(
            request.url, status, headers, Body(json.dumps(answer).encode())
        )


def wired_client(attempts: int = 1, session: Any = None) -> tuple[Any, Wire]:
    """A boto3 SSM client with fake credentials, and its wire.

    Args:
        attempts: How many attempts botocore's standard retry mode makes.
        session: The botocore session to make it from; a new default one if None.
    """
    client = boto3.session.Session(botocore_session=session).client(
        "ssm",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"mode": "standard", "total_max_attempts": attempts}),
    )
    return client, Wire(client)
