"""6. Memory: walking up to 100,000 associations, and holding 10,000 of them.

Each figure is measured in a fresh process (``tracemalloc``), ssmkit and raw
boto3 alternately, and given as the ratio of ssmkit's to raw boto3's:

- walking: the peak while every association of every page is visited and
  dropped (ssmkit's lazy iterator against botocore's paginator), at 1,000,
  10,000 and 100,000 associations; flat means the same peak at every size;
- holding: the memory taken by 10,000 associations kept in a list (models
  against the dicts botocore parsed).

Run: python benchmarks/bench_memory.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = """
import sys, tracemalloc
sys.path.insert(0, {here!r})
from _common import client_answering, full
import ssmkit
ITEM = full("Association")
PAGE, TOTAL = 50, {total}
def answer(operation, request):
    page = int(request.get("NextToken", "0"))
    body = {{"Associations": [ITEM] * PAGE}}
    if page + 1 < TOTAL // PAGE:
        body["NextToken"] = str(page + 1)
    return body
boto = client_answering(answer)
client = ssmkit.Client(boto3_client=boto)
def raw():
    pages = boto.get_paginator("list_associations").paginate(MaxResults=PAGE)
    return (item for page in pages for item in page["Associations"])
def kit():
    return client.list_associations(max_results=PAGE)
walk = {{"raw": raw, "ssmkit": kit}}[{side!r}]
list(walk())  # warm: what is loaded once is not the walk's
tracemalloc.start()
if {hold!r}:
    before = tracemalloc.get_traced_memory()[0]
    kept = list(walk())
    print(tracemalloc.get_traced_memory()[0] - before)
else:
    seen = sum(1 for _ in walk())
    assert seen == TOTAL
    print(tracemalloc.get_traced_memory()[1])
"""


def measure(side: str, total: int, *, hold: bool) -> int:
    code = CHILD.format(here=str(HERE), total=total, side=side, hold=hold)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    cases = [
        (f"walking {n:,} associations: peak", n, False)
        for n in (1_000, 10_000, 100_000)
    ]
    cases.append(("holding 10,000 associations", 10_000, True))
    print(
        f"ssmkit / raw boto3, fresh processes, {args.rounds} rounds: min / median / max"
    )
    peaks: dict[int, float] = {}
    for name, total, hold in cases:
        values, raws, kits = [], [], []
        for n in range(args.rounds):
            sides = ("raw", "ssmkit") if n % 2 == 0 else ("ssmkit", "raw")
            got = {side: measure(side, total, hold=hold) for side in sides}
            values.append(got["ssmkit"] / got["raw"])
            raws.append(got["raw"])
            kits.append(got["ssmkit"])
        median = statistics.median(values)
        if not hold:
            peaks[total] = statistics.median(kits)
        target = "equal (<= 1.05x)" if not hold else "no larger (<= 1.00x)"
        verdict = "met" if median <= (1.05 if not hold else 1.0) else "MISSED"
        print(
            f"{name:<40} {min(values):5.3f} / {median:5.3f} / {max(values):5.3f}"
            f"  target {target}: {verdict}"
            f"  [raw {statistics.median(raws) / 1024:,.0f} KiB,"
            f" ssmkit {statistics.median(kits) / 1024:,.0f} KiB]"
        )
    growth = peaks[100_000] / peaks[1_000]
    print(f"ssmkit's peak at 100,000 against 1,000: x{growth:.2f} (flat is x1)")


if __name__ == "__main__":
    main()
