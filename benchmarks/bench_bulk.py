"""5. 1,000 safe updates through the stand-in with a simulated latency per call.

Each call waits ``LATENCY`` seconds before the stand-in serves it, as a network
round trip would; the ideal is 2 calls x latency x count / concurrency.

Run: python benchmarks/bench_bulk.py [count]
"""

from __future__ import annotations

import sys
import time

import boto3
from _common import client_answering

import ssmkit
from ssmkit.testing import mock_ssm

LATENCY = 0.02


def run(count: int, concurrency: int) -> float:
    with mock_ssm() as ssm:
        boto = boto3.client("ssm", region_name="us-east-1")
        ids = [
            boto.create_association(Name="AWS-RunShellScript", MaxErrors="1")[
                "AssociationDescription"
            ]["AssociationId"]
            for _ in range(count)
        ]
        for operation in ("DescribeAssociation", "UpdateAssociation"):
            ssm.before(operation, lambda _: time.sleep(LATENCY), times=None)
        client = ssmkit.Client(boto3_client=boto)
        start = time.perf_counter()
        results = client.update_associations(
            association_ids=ids, concurrency=concurrency, max_errors="5"
        )
        elapsed = time.perf_counter() - start
        assert {r.outcome for r in results} == {"changed"}
        return elapsed


def run_on_the_wire(count: int, concurrency: int) -> float:
    """The same updates over a transport that only waits: ssmkit's own scheduling."""
    description = {
        "Name": "AWS-RunShellScript",
        "AssociationVersion": "1",
        "MaxErrors": "1",
    }

    def answer(operation: str, request: dict[str, object]) -> dict[str, object]:
        time.sleep(LATENCY)  # a network round trip: the GIL is free meanwhile
        return {
            "AssociationDescription": {
                **description,
                "AssociationId": request["AssociationId"],
            }
        }

    client = ssmkit.Client(boto3_client=client_answering(answer))
    ids = [f"{i:08d}-0000-4000-8000-000000000000" for i in range(count)]
    start = time.perf_counter()
    results = client.update_associations(
        association_ids=ids, concurrency=concurrency, max_errors="5"
    )
    elapsed = time.perf_counter() - start
    assert {r.outcome for r in results} == {"changed"}
    return elapsed


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    for concurrency in (1, 8, 32):
        elapsed = run(count, concurrency)
        ideal = 2 * LATENCY * count / concurrency
        verdict = (
            ""
            if concurrency != 32
            else f"  (target within 25%: {'met' if elapsed / ideal - 1 < 0.25 else 'MISSED'})"
        )
        print(
            f"{count} updates at concurrency {concurrency:>2}: {elapsed:6.2f} s, ideal {ideal:6.2f} s, "
            f"{elapsed / ideal - 1:+.0%} over{verdict}"
        )
    for concurrency in (8, 32):
        elapsed = run_on_the_wire(count, concurrency)
        ideal = 2 * LATENCY * count / concurrency
        print(
            f"{count} updates, waiting transport only, concurrency {concurrency:>2}: "
            f"{elapsed:6.2f} s, ideal {ideal:6.2f} s, {elapsed / ideal - 1:+.0%} over"
        )


if __name__ == "__main__":
    main()
