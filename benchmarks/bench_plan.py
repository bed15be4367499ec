"""7. A plan of many associations, read side by side against read one at a time.

The local SSM (``python -m ssmkit.testing.server``, in its own process)
serves over real HTTP with ``LATENCY`` seconds added to each call, as AWS
far away would; botocore's
serializer, signer and parser run on every call. It holds ``COUNT``
associations, and the file names every one, so a plan reads each live. Each
round plans the file both ways, one after the other in alternating order:

- ssmkit, side by side: ``Client.plan_associations(concurrency=32)``, through a client
  whose connection pool holds 32 (botocore's default is 10);
- ssmkit, one at a time: ``concurrency=1``, what a plan did before.

The figure is the per-round ratio of wall time, side by side to one at a
time (the target: at most 0.125, at least 8x faster). The local SSM spends
some CPU on every call (about 3 ms), which a server far away does not, so
the figure understates what concurrency buys against AWS. Then the service
refuses a share of the reads as too many (``ThrottlingException``), and the
plan read side by side must still be the same plan.

Run: python benchmarks/bench_plan.py [--count N] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import urllib.request
from typing import Any

import boto3
from _common import ratios, report
from botocore.config import Config

import ssmkit

LATENCY = 0.02
COUNT = 2000
CONCURRENCY = 32


def _control(url: str, action: str, body: dict[str, Any]) -> None:
    request = urllib.request.Request(
        f"{url}/ssmkit-api/{action}",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30):
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=COUNT)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    # The server in its own process, as AWS is: its work is not the client's.
    server = subprocess.Popen(
        [sys.executable, "-m", "ssmkit.testing.server", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        boto = boto3.client(
            "ssm",
            region_name="us-east-1",
            endpoint_url=url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(max_pool_connections=CONCURRENCY),
        )
        client = ssmkit.Client(boto3_client=boto)
        entries = [
            {
                "AssociationName": f"fleet-{n:05d}",
                "Name": "AWS-GatherSoftwareInventory",
                "Targets": [{"Key": "InstanceIds", "Values": ["*"]}],
                "ScheduleExpression": "rate(1 day)",
            }
            for n in range(args.count)
        ]
        client.apply_associations(client.plan_associations(entries), concurrency=16)
        _control(url, "latency", {"seconds": LATENCY})
        expected = client.plan_associations(entries, concurrency=CONCURRENCY)
        assert not expected.pending

        def one_at_a_time() -> None:
            client.plan_associations(entries, concurrency=1)

        def side_by_side() -> None:
            assert (
                client.plan_associations(entries, concurrency=CONCURRENCY) == expected
            )

        found = ratios(
            one_at_a_time,
            side_by_side,
            number=1,
            rounds=args.rounds,
            most=args.rounds,
        )
        report(
            f"plan of {args.count} associations, {LATENCY * 1000:.0f} ms a call, "
            f"concurrency {CONCURRENCY} / 1",
            found,
            target=0.125,
            unit="plan",
        )
        # A share of the reads refused as too many: the same plan all the same.
        refused = max(1, args.count // 100)
        _control(
            url,
            "fail",
            {
                "operation": "DescribeAssociation",
                "code": "ThrottlingException",
                "times": refused,
                "after": args.count // 2,
            },
        )
        start = time.perf_counter()
        side_by_side()
        elapsed = time.perf_counter() - start
        print(
            f"with {refused} reads refused as too many halfway: the same plan, "
            f"in {elapsed:5.2f} s"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
