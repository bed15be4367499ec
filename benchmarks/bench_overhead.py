"""1. Per-call overhead of ssmkit.Client against the raw boto3 call on the same client.

Run: python benchmarks/bench_overhead.py
"""

from __future__ import annotations

from typing import Any

from _common import client_answering, compare, full, report

import ssmkit

DESCRIPTION = full("AssociationDescription")
TASK = full("GetMaintenanceWindowTaskResult")
ITEM = full("Association")
PAGES = 20  # of 50 associations: 1,000 in all


def answer(operation: str, request: dict[str, Any]) -> dict[str, Any]:
    if operation == "DescribeAssociation":
        return {"AssociationDescription": DESCRIPTION}
    if operation == "GetMaintenanceWindowTask":
        return TASK
    page = int(request.get("NextToken", "0"))
    body: dict[str, Any] = {"Associations": PAGE}
    if page + 1 < PAGES:
        body = {"Associations": PAGE, "NextToken": str(page + 1)}
    return body


PAGE = [ITEM] * 50


def main() -> None:
    boto = client_answering(answer)
    client = ssmkit.Client(boto3_client=boto)
    raw, kit = compare(
        lambda: boto.describe_association(AssociationId="a1"),
        lambda: client.describe_association(association_id="a1"),
        number=300,
    )
    report("describe_association (fully populated)", raw, kit, target=0.05)

    def raw_list() -> list[Any]:
        pages = boto.get_paginator("list_associations").paginate()
        return [item for page in pages for item in page["Associations"]]

    raw, kit = compare(raw_list, lambda: list(client.list_associations()), number=3)
    report("list_associations, 1,000 items over 20 pages", raw, kit)
    raw, kit = compare(
        lambda: boto.get_maintenance_window_task(
            WindowId="mw-0123456789abcdef0", WindowTaskId="t" * 36
        ),
        lambda: client.get_maintenance_window_task(
            window_id="mw-0123456789abcdef0", window_task_id="t" * 36
        ),
        number=300,
    )
    report("get_maintenance_window_task (fully populated)", raw, kit)


if __name__ == "__main__":
    main()
