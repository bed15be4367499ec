"""One file, planned and applied in every account and Region of an organization."""

import boto3

import ssmkit
from ssmkit.testing import mock_ssm

FILE = {
    "Associations": [
        {
            "AssociationName": "inventory",
            "Name": "AWS-GatherSoftwareInventory",
            "Targets": [{"Key": "InstanceIds", "Values": ["*"]}],
            "ScheduleExpression": "rate(1 day)",
        }
    ]
}

with mock_ssm() as ssm:  # a local SSM: leave this line out to work on your org
    members = ssm.create_organization(3)  # and the management account
    ssm.enable_region(members[0], "af-south-1")  # an opt-in Region, in one

    fleet = ssmkit.Fleet(
        organization=True,
        regions=["us-east-1", "af-south-1"],
        session=boto3.Session(region_name="us-east-1"),
    )
    plan = fleet.plan(FILE)
    print(plan.render())  # grouped by account and Region
    for result in fleet.apply(
        plan, progress=lambda p: print(p.done, "of", p.done + p.remaining)
    ):
        print(result.account_id, result.region, result.outcome, result.reason or "")

    # Anything else, in every account and Region: a function of the client.
    counts = fleet.map(
        lambda client, account_id, region: len(list(client.list_associations()))
    )
    assert [c.value for c in counts if c.outcome == "ok"] == [1, 1, 1, 1, 1]
    assert not fleet.plan(FILE).pending
