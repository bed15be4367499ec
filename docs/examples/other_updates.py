"""Maintenance windows and patch baselines: read, merge, send what changes."""

import attrs
import boto3

import ssmkit
from ssmkit.testing import mock_ssm

with mock_ssm():  # a local SSM: leave this line out to work on your account
    client = ssmkit.Client(boto3_client=boto3.client("ssm", region_name="us-east-1"))
    window_id = client.create_maintenance_window(
        name="patching",
        schedule="cron(0 2 ? * SUN *)",
        duration=4,
        cutoff=1,
        allow_unassociated_targets=False,
        description="weekly",
    )
    baseline_id = client.create_patch_baseline(
        name="web", approved_patches=["KB5031354"]
    )

    client.update_maintenance_window(window_id, duration=6)  # sends WindowId, Duration
    client.update_patch_baseline(
        baseline_id,
        modify=lambda b: attrs.evolve(
            b, approved_patches=[*(b.approved_patches or ()), "KB5031356"]
        ),
    )  # sends the whole new ApprovedPatches, nothing else
    client.update_maintenance_window(window_id, description=ssmkit.CLEAR)

    print(client.get_maintenance_window(window_id=window_id))
    print(client.get_patch_baseline(baseline_id=baseline_id).approved_patches)
