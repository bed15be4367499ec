"""ssmkit's main job, on the embedded local SSM: change one member, keep the rest.

Run it: ``python docs/examples/safe_update.py``, after
``pip install 'ssmkit[testing]'``.
"""

from __future__ import annotations

from typing import Any

import boto3

import ssmkit
from ssmkit.testing import mock_ssm

ASSOCIATION = {
    "Name": "AWS-RunPatchBaseline",
    "Parameters": {"Operation": ["Install"]},
    "Targets": [{"Key": "tag:Patch", "Values": ["weekly"]}],
    "ScheduleExpression": "cron(0 2 ? * SUN *)",
    "OutputLocation": {"S3Location": {"OutputS3BucketName": "patch-logs"}},
    "MaxConcurrency": "10%",
    "MaxErrors": "5%",
    "ComplianceSeverity": "HIGH",
    "AlarmConfiguration": {"Alarms": [{"Name": "patching-errors"}]},
}
KEPT = [k for k in ASSOCIATION if k != "ScheduleExpression"]


def stored(boto: Any, association_id: str) -> dict[str, Any]:
    answer = boto.describe_association(AssociationId=association_id)
    return answer["AssociationDescription"]  # type: ignore[no-any-return]


with mock_ssm():
    boto = boto3.client("ssm", region_name="us-east-1")
    client = ssmkit.Client(boto3_client=boto)

    # Raw boto3: change the schedule, lose everything that was not re-sent.
    raw_id = boto.create_association(**ASSOCIATION)["AssociationDescription"][
        "AssociationId"
    ]
    boto.update_association(
        AssociationId=raw_id, ScheduleExpression="cron(0 3 ? * SUN *)"
    )
    lost = [k for k in KEPT if k not in stored(boto, raw_id)]
    print(f"raw update_association wiped: {', '.join(lost)}")

    # ssmkit: the same change, and nothing else moves.
    safe_id = boto.create_association(**ASSOCIATION)["AssociationDescription"][
        "AssociationId"
    ]
    print(
        client.plan_association_update(
            safe_id, schedule_expression="cron(0 3 ? * SUN *)"
        )
    )
    updated = client.update_association(
        safe_id, schedule_expression="cron(0 3 ? * SUN *)"
    )
    kept = [k for k in KEPT if stored(boto, safe_id).get(k) == ASSOCIATION[k]]
    print(
        f"ssmkit update_association kept {len(kept)} of {len(KEPT)}: {', '.join(kept)}"
    )
    version, schedule = updated.association_version, updated.schedule_expression
    print(f"now at version {version}, schedule {schedule}")
    assert kept == KEPT
    assert lost == KEPT
