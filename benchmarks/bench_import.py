"""4. The time ``import ssmkit`` takes against ``import boto3``, in fresh processes.

Run: python benchmarks/bench_import.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys

CODE = (
    "import time; t = time.perf_counter(); import {0}; print(time.perf_counter() - t)"
)


def once(module: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", CODE.format(module)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout)


def main() -> None:
    boto3_times, ssmkit_times = [], []
    for _ in range(15):  # alternate, so drift hits both alike
        boto3_times.append(once("boto3"))
        ssmkit_times.append(once("ssmkit"))
    boto3_time, ssmkit_time = (
        statistics.median(boto3_times),
        statistics.median(ssmkit_times),
    )
    added = (ssmkit_time - boto3_time) / boto3_time
    verdict = "met" if added < 0.25 else "MISSED"
    print(
        f"import boto3 {boto3_time * 1e3:7.1f} ms   import ssmkit {ssmkit_time * 1e3:7.1f} ms   "
        f"ssmkit adds {added:+.0%} to import boto3 (target < +25%: {verdict})"
    )


if __name__ == "__main__":
    main()
