"""What the benchmarks share: full answers, a short-circuited transport, timing.

The transport answers at botocore's ``before-send`` event, so botocore's real
serializer, signer and parser run on every call and only the network is left out.
Times are reported as ratios against raw boto3 in the same run.
"""

from __future__ import annotations

import json
import statistics
import time
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.config import Config

if TYPE_CHECKING:
    from collections.abc import Callable

SERVICE = botocore.session.get_session().get_service_model("ssm")


def full(shape_name: str) -> dict[str, Any]:
    """A JSON answer for a structure shape with every member set (lists of two)."""
    return _value(SERVICE.shape_for(shape_name), depth=0)  # type: ignore[no-any-return]


def _value(shape: Any, depth: int) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return {m: _value(s, depth + 1) for m, s in shape.members.items() if depth < 6}
    if kind == "list":
        return [_value(shape.member, depth + 1) for _ in range(2)]
    if kind == "map":
        return {f"key{i}": _value(shape.value, depth + 1) for i in range(2)}
    if kind == "string":
        return shape.enum[0] if shape.enum else f"value-{shape.name.lower()}"[:64]
    if kind in ("integer", "long"):
        return 3
    if kind == "boolean":
        return True
    if kind in ("double", "float"):
        return 1.5
    if kind == "timestamp":
        return 1767225600.5
    if kind == "blob":
        return "YmxvYg=="
    raise ValueError(kind)


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Any:
        yield self._data


def client_answering(answer: Callable[[str, dict[str, Any]], dict[str, Any]]) -> Any:
    """A boto3 SSM client whose requests ``answer(operation, request)`` answers."""
    client = boto3.client(
        "ssm",
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )
    # The last answer's bytes: benchmarks answer the same object again and again.
    last: list[Any] = [None, b""]

    def send(request: Any, **_: Any) -> AWSResponse:
        operation = request.headers["X-Amz-Target"].decode().split(".")[-1]
        body = answer(operation, json.loads(request.body or b"{}"))
        if last[0] is body:
            data = last[1]
        else:
            data = json.dumps(body).encode()
            last[:] = [body, data]
        return AWSResponse(request.url, 200, {"x-amzn-RequestId": "bench"}, _Body(data))

    client.meta.events.register("before-send.ssm", send)
    return client


def per_call(fn: Callable[[], object], *, number: int) -> float:
    """Seconds per call of ``fn``, over ``number`` calls."""
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def compare(
    raw: Callable[[], object],
    kit: Callable[[], object],
    *,
    number: int,
    rounds: int = 7,
) -> tuple[float, float]:
    """Median seconds per call of each, measured in alternating rounds."""
    raw(), kit()  # warm caches on both sides
    raw_times, kit_times = [], []
    for _ in range(rounds):
        raw_times.append(per_call(raw, number=number))
        kit_times.append(per_call(kit, number=number))
    return statistics.median(raw_times), statistics.median(kit_times)


def report(
    name: str,
    raw: float,
    kit: float,
    *,
    target: float | None = None,
    what: str = "overhead",
) -> None:
    change = kit / raw - 1
    verdict = (
        ""
        if target is None
        else (
            "  (target < {:.0%}: {})".format(
                target, "met" if change < target else "MISSED"
            )
        )
    )
    times = f"raw {raw * 1e6:10.1f} us   ssmkit {kit * 1e6:10.1f} us"
    print(f"{name:<48} {times}   {what} {change:+7.1%}{verdict}")
