"""5. Bulk safe updates: CPU per update against raw boto3 threads, and wall time.

The transport waits ``LATENCY`` seconds per call, as a network round trip
would, with the GIL free meanwhile; botocore's serializer, signer and parser
run on every call. Each round updates ``COUNT`` associations both ways, one
after the other in alternating order:

- ssmkit: ``Client.update_associations(concurrency=32)``;
- raw boto3: 32 threads, each a careful describe-copy-update by hand.

The figure is the per-round ratio of process CPU time (every thread), which
is what concurrency cannot hide, for realistic answers (every member set) and
minimal ones. The wall time of the ssmkit side against the ideal (two calls
per update, ``LATENCY`` each, 32 at a time) is printed too.

Run: python benchmarks/bench_bulk.py [--rounds N]
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from _common import client_answering, full, ratios, report
from bench_safe_update import COPIED

import ssmkit

LATENCY = 0.02
COUNT = 200
CONCURRENCY = 32

REALISTIC = {
    k: v for k, v in full("AssociationDescription").items() if k != "TargetMaps"
}
MINIMAL = {"Name": "AWS-RunShellScript", "MaxErrors": "1"}


def transport(description: dict[str, Any]) -> Any:
    def answer(operation: str, request: dict[str, Any]) -> dict[str, Any]:
        time.sleep(LATENCY)  # a network round trip: the GIL is free meanwhile
        return {
            "AssociationDescription": {
                **description,
                "AssociationId": request["AssociationId"],
                "AssociationVersion": "3",
            }
        }

    return client_answering(answer)


IDS = [f"{i:08d}-0000-4000-8000-000000000000" for i in range(COUNT)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=81)
    args = parser.parse_args()
    for name, description in (("realistic", REALISTIC), ("minimal", MINIMAL)):
        boto = transport(description)
        client = ssmkit.Client(boto3_client=boto)

        def by_hand(association_id: str, boto: Any = boto) -> None:
            current = boto.describe_association(AssociationId=association_id)[
                "AssociationDescription"
            ]
            request = {k: current[k] for k in COPIED if k in current}
            request["MaxErrors"] = "5"
            boto.update_association(
                AssociationId=association_id,
                AssociationVersion=current["AssociationVersion"],
                **request,
            )

        def raw(by_hand: Any = by_hand) -> None:
            with ThreadPoolExecutor(CONCURRENCY) as pool:
                list(pool.map(by_hand, IDS))

        def kit(client: ssmkit.Client = client) -> None:
            results = client.update_associations(
                association_ids=IDS, concurrency=CONCURRENCY, max_errors="5"
            )
            assert {r.outcome for r in results} == {"changed"}, results[0]

        found = ratios(
            raw,
            kit,
            number=1,
            rounds=args.rounds,
            most=4 * args.rounds,
            clock=time.process_time,
        )
        report(
            f"CPU per safe update at concurrency {CONCURRENCY}, {name} answers",
            found,
            target=1.05,
            unit=f"{COUNT} updates",
        )
        start = time.perf_counter()
        kit()
        elapsed = time.perf_counter() - start
        ideal = 2 * LATENCY * COUNT / CONCURRENCY
        print(
            f"{'':<52} wall {elapsed:5.2f} s for {COUNT} updates, ideal {ideal:5.2f} s "
            f"({elapsed / ideal - 1:+.0%})"
        )


if __name__ == "__main__":
    main()
