"""8. A plan across an organization: wall time by concurrency, and memory by size.

The local SSM (``python -m ssmkit.testing.server``, in its own process)
serves an organization of ``ACCOUNTS`` member accounts over real HTTP, with
``LATENCY`` seconds added to each call, as AWS far away would. The file holds
one association; each account has it already in one of the ``REGIONS``.

- **Wall time**: ``Fleet.plan`` over every account and Region (``ACCOUNTS`` x
  3 targets) at each concurrency, rounds alternating between them; each
  figure is the per-round ratio of its time to the time at concurrency 1,
  min / median / max. It falls with concurrency until the CPU (botocore's,
  the client's and the local server's, on this machine's cores) is the limit.
- **Memory**: the peak resident memory of a fresh process planning 600
  targets, against one planning 60 with the same concurrency (a fresh process
  each, alternately), as a per-round ratio. The fleet holds a client only for
  the targets under way, so the ratio stays near 1.

Run: python benchmarks/bench_fleet.py [--accounts N] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from typing import Any

import boto3

import ssmkit

LATENCY = 0.02
ACCOUNTS = 200
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]
CONCURRENCY = [1, 4, 16, 64]
FILE = {
    "Associations": [
        {
            "AssociationName": "inventory",
            "Name": "AWS-GatherSoftwareInventory",
            "Targets": [{"Key": "InstanceIds", "Values": ["*"]}],
            "ScheduleExpression": "rate(1 day)",
        }
    ]
}

# A fresh process's plan of the first N accounts: its peak memory, in KiB.
MEMORY = """
import resource, sys, boto3, ssmkit
url, accounts, concurrency = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])
session = boto3.Session(region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing")
file = {file!r}
fleet = ssmkit.Fleet(accounts=accounts, regions={regions!r}, session=session,
                     endpoint_url=url, concurrency=concurrency)
plan = fleet.plan(file)
assert all(r.outcome == "ok" for r in plan.targets), plan.summary()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _control(url: str, action: str, body: dict[str, Any]) -> None:
    request = urllib.request.Request(
        f"{url}/ssmkit-api/{action}",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30):
        pass


def _organization(url: str, count: int) -> list[str]:
    """``count`` member accounts, each with the file's association in one Region."""
    options = {
        "region_name": "us-east-1",
        "endpoint_url": url,
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    organizations = boto3.client("organizations", **options)
    organizations.create_organization(FeatureSet="ALL")
    accounts = [
        organizations.create_account(AccountName=f"m{n}", Email=f"m{n}@example.com")[
            "CreateAccountStatus"
        ]["AccountId"]
        for n in range(count)
    ]
    session = boto3.Session(
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    fleet = ssmkit.Fleet(
        accounts=accounts, regions=REGIONS[:1], session=session, endpoint_url=url
    )
    fleet.apply(fleet.plan(FILE))
    return accounts


def _report(name: str, found: list[float]) -> None:
    print(
        f"{name:<46} {min(found):6.3f} / {statistics.median(found):6.3f} / "
        f"{max(found):6.3f}  over {len(found)} rounds"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=ACCOUNTS)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, "-m", "ssmkit.testing.server", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        accounts = _organization(url, args.accounts)
        _control(url, "latency", {"seconds": LATENCY})
        session = boto3.Session(
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        targets = len(accounts) * len(REGIONS)
        print(
            f"Fleet.plan of {len(accounts)} accounts x {len(REGIONS)} Regions "
            f"({targets} targets), {LATENCY * 1000:.0f} ms a call"
        )
        times: dict[int, list[float]] = {c: [] for c in CONCURRENCY}
        for _ in range(args.rounds):
            for concurrency in CONCURRENCY:
                fleet = ssmkit.Fleet(
                    accounts=accounts,
                    regions=REGIONS,
                    session=session,
                    endpoint_url=url,
                    concurrency=concurrency,
                )
                start = time.perf_counter()
                plan = fleet.plan(FILE)
                times[concurrency].append(time.perf_counter() - start)
                assert plan.counts()["unchanged"] == len(accounts), plan.summary()
                assert plan.counts()["create"] == targets - len(accounts)
        for concurrency in CONCURRENCY:
            ratios = [
                t / one for t, one in zip(times[concurrency], times[1], strict=True)
            ]
            _report(
                f"concurrency {concurrency:>2} / 1 "
                f"(median {statistics.median(times[concurrency]):6.1f} s)",
                ratios,
            )

        # Peak memory: 600 targets against 60, the same concurrency.
        _control(url, "latency", {"seconds": 0})
        code = MEMORY.format(file=FILE, regions=REGIONS)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        ratios = []
        small, large = accounts[:20], accounts[:200]
        peaks: dict[int, list[int]] = {len(small): [], len(large): []}
        for _ in range(args.rounds):
            found = {}
            for chosen in (small, large):
                out = subprocess.run(
                    [sys.executable, "-c", code, url, ",".join(chosen), "16"],
                    capture_output=True,
                    text=True,
                    check=True,
                    env=env,
                )
                found[len(chosen)] = int(out.stdout.strip().splitlines()[-1])
                peaks[len(chosen)].append(found[len(chosen)])
            ratios.append(found[len(large)] / found[len(small)])
        _report(
            f"peak memory, {len(large) * 3} targets / {len(small) * 3} "
            f"({statistics.median(peaks[len(large)]) / 1024:.0f} MiB / "
            f"{statistics.median(peaks[len(small)]) / 1024:.0f} MiB)",
            ratios,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
