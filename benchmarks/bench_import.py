"""4. Cold start: ``import ssmkit`` against ``import boto3``, in fresh processes.

Run: python benchmarks/bench_import.py [--rounds N] [--baseline PATH]

Each round starts one fresh interpreter per case, alternately, and reports the
ratio of the two times; the figure is min / median / max of those per-round
ratios. Bytecode caches are on, as they are for an installed package
(``PYTHONDONTWRITEBYTECODE`` is cleared for the children), and one warm-up
round writes them before anything is timed.

Cases:

- ``import ssmkit`` / ``import boto3``: the import alone, which loads
  neither boto3 nor the client.
- ``import ssmkit`` and ``ssmkit.Client`` / ``import boto3``: what using the
  client loads, boto3 included, with every model of the service available.
- the same and ``ssmkit.models.AssociationDescription`` / ``import boto3``:
  what application code loads before its first call.
- ``ssmkit --help`` / ``python -c 'import boto3'``: the command's cold start,
  each a whole process, timed from outside.
- first call: import, make a client and call ``describe_association`` once,
  ssmkit against raw boto3, the answer coming from a short-circuited transport.
  This includes loading the associations models and building the converter.
- with ``--baseline PATH`` (a checkout of an earlier ssmkit), the same first
  call with this ssmkit against that one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

IMPORT = (
    "import time; t = time.perf_counter(); import {0}; print(time.perf_counter() - t)"
)
CLIENT = (
    "import time; t = time.perf_counter(); import ssmkit; ssmkit.Client; "
    "print(time.perf_counter() - t)"
)
# What application code loads before its first call: the client and a model.
FIRST_USE = (
    "import time; t = time.perf_counter(); import ssmkit; ssmkit.Client; "
    "ssmkit.models.AssociationDescription; print(time.perf_counter() - t)"
)

# A transport that answers DescribeAssociation without a network: the same in
# both cases, and imported before the clock starts.
FIRST_CALL = """
import json, sys, time
sys.path.insert(0, {bench!r})
import botocore.awsrequest
from botocore.awsrequest import AWSResponse
ANSWER = json.dumps({{"AssociationDescription": {{
    "Name": "AWS-RunShellScript", "AssociationId": "a1", "AssociationVersion": "1",
    "Targets": [{{"Key": "tag:Role", "Values": ["web"]}}],
    "Parameters": {{"commands": ["uptime"]}},
    "ScheduleExpression": "rate(30 minutes)", "Date": 1767225600.5,
    "Overview": {{"Status": "Success", "AssociationStatusAggregatedCount": {{"Success": 3}}}},
}}}}).encode()
class Body:
    def stream(self, **_):
        yield ANSWER
def send(request, **_):
    return AWSResponse(request.url, 200, {{}}, Body())
t = time.perf_counter()
{body}
print(time.perf_counter() - t)
"""
RAW = """
import boto3
client = boto3.client("ssm", region_name="us-east-1", aws_access_key_id="b", aws_secret_access_key="b")
client.meta.events.register("before-send.ssm", send)
client.describe_association(AssociationId="a1")["AssociationDescription"]
"""
SSMKIT = """
import boto3, ssmkit
client = ssmkit.Client(boto3_client=boto3.client("ssm", region_name="us-east-1", aws_access_key_id="b", aws_secret_access_key="b"))
client.boto3_client.meta.events.register("before-send.ssm", send)
client.describe_association(association_id="a1").targets
"""


HELP = """
import subprocess, sys, time
command = {command!r}
t = time.perf_counter()
subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
print(time.perf_counter() - t)
"""


def whole(command: list[str]) -> str:
    return HELP.format(command=command)


def run(code: str, path: str | None = None) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if path is not None:
        env["PYTHONPATH"] = path
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=HERE,
    )
    return float(out.stdout.strip().splitlines()[-1])


def first_call(body: str) -> str:
    return FIRST_CALL.format(bench=str(HERE), body=body)


def report(name: str, ratios: list[float], target: float | None) -> None:
    half = len(ratios) // 2
    first, second = statistics.median(ratios[:half]), statistics.median(ratios[half:])
    median = statistics.median(ratios)
    steady = abs(first - second) / median <= 0.02
    verdict = "" if target is None else (" met" if median <= target else " MISSED")
    print(
        f"{name:<42} {min(ratios):5.3f} / {median:5.3f} / {max(ratios):5.3f}"
        f"{'' if target is None else f'   target <= {target:.2f}x:'}{verdict}"
        f"   (halves' medians {first:.3f}, {second:.3f}"
        f"{'' if steady else ': NOT steady, run more rounds'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=41)
    parser.add_argument("--baseline", help="a checkout of an earlier ssmkit")
    args = parser.parse_args()

    cases = {
        "import ssmkit / import boto3": (
            (IMPORT.format("ssmkit"), None),
            (IMPORT.format("boto3"), None),
            None,
        ),
        "import ssmkit, ssmkit.Client / import boto3": (
            (CLIENT, None),
            (IMPORT.format("boto3"), None),
            1.10,
        ),
        "client and one model / import boto3": (
            (FIRST_USE, None),
            (IMPORT.format("boto3"), None),
            1.10,
        ),
        "ssmkit --help / python -c 'import boto3'": (
            (whole([str(Path(sys.executable).parent / "ssmkit"), "--help"]), None),
            (whole([sys.executable, "-c", "import boto3"]), None),
            1.10,
        ),
        "first describe: ssmkit / raw boto3": (
            (first_call(SSMKIT), None),
            (first_call(RAW), None),
            None,
        ),
    }
    if args.baseline:
        cases["first describe: ssmkit / baseline ssmkit"] = (
            (first_call(SSMKIT), None),
            (first_call(SSMKIT), args.baseline),
            1.0,
        )
    for (ours, ours_path), (theirs, theirs_path), _ in cases.values():
        run(ours, ours_path)  # write the bytecode caches
        run(theirs, theirs_path)
    ratios: dict[str, list[float]] = {name: [] for name in cases}
    absolute: dict[str, list[float]] = {name: [] for name in cases}
    for n in range(args.rounds):
        for name, ((ours, ours_path), (theirs, theirs_path), _) in cases.items():
            # Alternate which goes first, so drift and warm caches hit both alike.
            if n % 2:
                b = run(theirs, theirs_path)
                a = run(ours, ours_path)
            else:
                a = run(ours, ours_path)
                b = run(theirs, theirs_path)
            ratios[name].append(a / b)
            absolute[name].append(a - b)
    print(f"per-round ratios over {args.rounds} rounds, min / median / max")
    for name, (_, _, target) in cases.items():
        report(name, ratios[name], target)
        added = statistics.median(absolute[name]) * 1e3
        print(f"{'':<42} median added: {added:+.1f} ms")


if __name__ == "__main__":
    main()
