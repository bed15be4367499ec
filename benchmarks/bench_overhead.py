"""1. Per-call overhead of ssmkit.Client against the raw boto3 call on the same client.

Run: python benchmarks/bench_overhead.py
"""

from __future__ import annotations

from typing import Any

from _common import client_answering, full, ratios, report

import ssmkit

DESCRIPTION = full("AssociationDescription")
TASK = full("GetMaintenanceWindowTaskResult")
ITEM = full("Association")
PAGES = 20  # of 50 associations: 1,000 in all
#: What a describe usually answers: the members most associations have.
TYPICAL = {
    "Name": "AWS-RunPatchBaseline",
    "AssociationId": "8dfe3659-4309-493a-8755-0123456789ab",
    "AssociationVersion": "3",
    "Date": 1767225600.5,
    "LastUpdateAssociationDate": 1767225600.5,
    "Overview": {
        "Status": "Success",
        "DetailedStatus": "Success",
        "AssociationStatusAggregatedCount": {"Success": 12},
    },
    "DocumentVersion": "$DEFAULT",
    "Parameters": {"Operation": ["Install"], "RebootOption": ["RebootIfNeeded"]},
    "Targets": [{"Key": "tag:Patch", "Values": ["weekly"]}],
    "ScheduleExpression": "cron(0 2 ? * SUN *)",
    "AssociationName": "weekly-patching",
    "MaxErrors": "10%",
    "MaxConcurrency": "25%",
    "ComplianceSeverity": "HIGH",
    "ApplyOnlyAtCronInterval": False,
}


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
    minimal = client_answering(
        lambda operation, request: {"AssociationDescription": TYPICAL}
    )
    minimal_client = ssmkit.Client(boto3_client=minimal)
    found = ratios(
        lambda: boto.describe_association(AssociationId="a1"),
        lambda: client.describe_association(association_id="a1"),
        number=200,
    )
    report("describe_association (fully populated)", found, target=1.03)
    found = ratios(
        lambda: minimal.describe_association(AssociationId="a1"),
        lambda: minimal_client.describe_association(association_id="a1"),
        number=200,
    )
    report("describe_association (a typical answer)", found, target=1.03)

    def raw_list() -> list[Any]:
        pages = boto.get_paginator("list_associations").paginate()
        return [item for page in pages for item in page["Associations"]]

    found = ratios(raw_list, lambda: list(client.list_associations()), number=2)
    report("list_associations, 1,000 items over 20 pages", found, unit="walk")
    found = ratios(
        lambda: boto.get_maintenance_window_task(
            WindowId="mw-0123456789abcdef0", WindowTaskId="t" * 36
        ),
        lambda: client.get_maintenance_window_task(
            window_id="mw-0123456789abcdef0", window_task_id="t" * 36
        ),
        number=200,
    )
    report("get_maintenance_window_task (fully populated)", found)


if __name__ == "__main__":
    main()
