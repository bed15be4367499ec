"""``ssmkit demo``: a raw update wiping an association, a safe one keeping it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
from rich.text import Text

from .._client import Client
from .._validate import attribute_name
from ._common import shape_of
from ._output import UsageError

if TYPE_CHECKING:
    import argparse

    from ._output import Output

__all__ = ["demo"]


def demo(args: argparse.Namespace, output: Output) -> int:
    try:
        from ..testing import mock_ssm  # an optional extra
    except ImportError:
        raise UsageError(
            "the demo needs the local SSM, which ssmkit's 'testing' extra "
            "installs (pip install '.[cli,testing]' in a checkout of ssmkit)"
        ) from None
    association: dict[str, Any] = {
        "Name": "AWS-RunPatchBaseline",
        "AssociationName": "weekly-patching",
        "Parameters": {"Operation": ["Install"]},
        "Targets": [{"Key": "tag:Patch", "Values": ["weekly"]}],
        "ScheduleExpression": "cron(0 2 ? * SUN *)",
        "OutputLocation": {"S3Location": {"OutputS3BucketName": "patch-logs"}},
        "MaxConcurrency": "10%",
        "MaxErrors": "5%",
        "ComplianceSeverity": "HIGH",
        "AlarmConfiguration": {"Alarms": [{"Name": "patching-errors"}]},
    }
    change = {"ScheduleExpression": "cron(0 3 ? * SUN *)"}
    say = output.out.print
    with mock_ssm():
        boto3_client: Any = boto3.client("ssm", region_name="us-east-1")
        client = Client(boto3_client=boto3_client)
        say(
            "[bold]1. A fully configured association[/bold] "
            "(local SSM, no AWS account)",
            markup=True,
        )
        raw_id = boto3_client.create_association(**association)[
            "AssociationDescription"
        ]["AssociationId"]
        output.record(
            boto3_client.describe_association(AssociationId=raw_id)[
                "AssociationDescription"
            ],
            shape_of(client, "AssociationDescription"),
            f"association {raw_id}",
        )

        say(
            "\n[bold]2. boto3's update_association()[/bold] of the schedule alone:",
            markup=True,
        )
        boto3_client.update_association(AssociationId=raw_id, **change)
        after = boto3_client.describe_association(AssociationId=raw_id)[
            "AssociationDescription"
        ]
        wiped = [k for k in association if k not in after]
        say(Text(f"   wiped: {', '.join(attribute_name(k) for k in wiped)}", "red"))

        say(
            "\n[bold]3. ssmkit's update_association()[/bold] of it, on a twin:",
            markup=True,
        )
        safe_id = boto3_client.create_association(**association)[
            "AssociationDescription"
        ]["AssociationId"]
        plan = client.plan_association_update(
            safe_id, schedule_expression=change["ScheduleExpression"]
        )
        output.plan(plan, f"association {safe_id}")
        updated = client.update_association(
            safe_id, schedule_expression=change["ScheduleExpression"]
        )
        stored = boto3_client.describe_association(AssociationId=safe_id)[
            "AssociationDescription"
        ]
        kept = [
            k
            for k in association
            if k not in change and stored.get(k) == association[k]
        ]
        names = ", ".join(attribute_name(k) for k in kept)
        say(
            Text.assemble(
                (f"   kept all {len(kept)} other members", "green"), f": {names}"
            )
        )
        say(f"   now at version {updated.association_version}; a no-op would not write")
    return 0 if len(kept) == len(association) - len(change) else 1
