"""2. ssmkit's safe update against the careful hand-written describe-copy-update.

Run: python benchmarks/bench_safe_update.py
"""

from __future__ import annotations

from typing import Any

from _common import client_answering, full, ratios, report

import ssmkit

DESCRIPTION = {**full("AssociationDescription"), "AssociationVersion": "3"}
TARGET_MAPS = DESCRIPTION.pop("TargetMaps")  # never stored together with Targets
# What a careful user copies back: UpdateAssociation's optional members, by hand.
COPIED = [
    "Parameters",
    "DocumentVersion",
    "ScheduleExpression",
    "OutputLocation",
    "Name",
    "Targets",
    "AssociationName",
    "AutomationTargetParameterName",
    "MaxErrors",
    "MaxConcurrency",
    "ComplianceSeverity",
    "SyncCompliance",
    "ApplyOnlyAtCronInterval",
    "CalendarNames",
    "TargetLocations",
    "ScheduleOffset",
    "Duration",
    "TargetMaps",
    "AlarmConfiguration",
    "AssociationDispatchAssumeRole",
]


def answer(operation: str, request: dict[str, Any]) -> dict[str, Any]:
    return {"AssociationDescription": DESCRIPTION}


def main() -> None:
    boto = client_answering(answer)
    client = ssmkit.Client(boto3_client=boto)

    def by_hand() -> None:
        current = boto.describe_association(AssociationId="a1")[
            "AssociationDescription"
        ]
        request = {k: current[k] for k in COPIED if k in current}
        request["MaxErrors"] = "5"
        boto.update_association(
            AssociationId="a1",
            AssociationVersion=current["AssociationVersion"],
            **request,
        )

    found = ratios(
        by_hand,
        lambda: client.update_association("a1", max_errors="5"),
        number=100,
        rounds=41,
    )
    report("update_association (safe) vs describe-copy-update", found, target=1.00)


if __name__ == "__main__":
    main()
