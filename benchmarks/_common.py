"""What the benchmarks share: full answers, a short-circuited transport, timing.

The transport answers at botocore's ``before-send`` event, so botocore's real
serializer, signer and parser run on every call and only the network is left out.
Every figure is a per-round ratio of ssmkit's time to its alternative's, the two
measured alternately in one process, printed as min / median / max.
"""

from __future__ import annotations

import dataclasses
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


# Strings whose form the service and ssmkit check: a schedule offset needs cron.
REALISTIC = {"ScheduleExpression": "cron(0 2 ? * SUN *)"}


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
        if shape.name in REALISTIC:
            return REALISTIC[shape.name]
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


@dataclasses.dataclass(frozen=True)
class Ratios:
    """Per-round ratios of ssmkit's time to its alternative's, and what they rest on."""

    values: list[float]
    raw_per_call: float  # seconds, the alternative's median

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def steady(self) -> bool:
        """Whether the two halves' medians agree within 2%."""
        half = len(self.values) // 2
        first = statistics.median(self.values[:half])
        second = statistics.median(self.values[half:])
        return abs(first - second) / self.median <= 0.02


def ratios(
    raw: Callable[[], object],
    kit: Callable[[], object],
    *,
    number: int,
    rounds: int = 21,
    most: int = 101,
    clock: Callable[[], float] = time.perf_counter,
) -> Ratios:
    """Time both alternately, ``number`` calls a side per round; a ratio per round.

    Rounds are added, ``rounds`` at a time, until the median of the first half
    and of the second half agree within 2% (or ``most`` rounds are done).
    Which side goes first alternates, so drift and warm caches hit both alike.
    """
    raw(), kit()  # warm caches on both sides

    def timed(fn: Callable[[], object]) -> float:
        start = clock()
        for _ in range(number):
            fn()
        return (clock() - start) / number

    values: list[float] = []
    raw_times: list[float] = []
    while True:
        for _ in range(rounds):
            if len(values) % 2:
                k = timed(kit)
                r = timed(raw)
            else:
                r = timed(raw)
                k = timed(kit)
            values.append(k / r)
            raw_times.append(r)
        found = Ratios(values, statistics.median(raw_times))
        if found.steady or len(values) >= most:
            return found


def report(
    name: str, found: Ratios, *, target: float | None = None, unit: str = "call"
) -> None:
    """One line: min / median / max of the ratios, the target and the verdict."""
    values = found.values
    verdict = ""
    if target is not None:
        verdict = f"  target <= {target:.2f}x: {'met' if found.median <= target else 'MISSED'}"
    steady = "" if found.steady else "  (halves disagree by over 2%)"
    print(
        f"{name:<52} {min(values):5.3f} / {found.median:5.3f} / {max(values):5.3f}"
        f"  over {len(values)} rounds{verdict}"
        f"  [alternative {found.raw_per_call * 1e6:,.1f} us/{unit}]{steady}"
    )
