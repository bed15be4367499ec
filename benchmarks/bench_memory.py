"""6. Peak memory walking 10,000 to 100,000 associations through the lazy iterator.

Run: python benchmarks/bench_memory.py
"""

from __future__ import annotations

import tracemalloc
from typing import Any

from _common import client_answering, full

import ssmkit

ITEM = full("Association")
PAGE = 50


def walk(total: int) -> int:
    pages = total // PAGE

    def answer(operation: str, request: dict[str, Any]) -> dict[str, Any]:
        page = int(request.get("NextToken", "0"))
        body: dict[str, Any] = {"Associations": [ITEM] * PAGE}
        if page + 1 < pages:
            body["NextToken"] = str(page + 1)
        return body

    client = ssmkit.Client(boto3_client=client_answering(answer))
    list(client.list_associations(max_results=PAGE))  # warm: caches are not the walk's
    tracemalloc.start()
    seen = sum(1 for _ in client.list_associations(max_results=PAGE))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert seen == total
    return peak


def main() -> None:
    peaks = {total: walk(total) for total in (1_000, 10_000, 100_000)}
    for total, peak in peaks.items():
        print(f"walking {total:>7,} associations: peak {peak / 1024:8.0f} KiB")
    growth = peaks[100_000] / peaks[1_000]
    print(f"100,000 against 1,000: x{growth:.2f} (flat is x1)")


if __name__ == "__main__":
    main()
