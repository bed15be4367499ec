"""Safe updates: changes, CLEAR, paths=, modify=, plans and expected_version."""

import attrs
import boto3

import ssmkit
from ssmkit import CLEAR, errors
from ssmkit.models import (
    AssociationDescription,
    InstanceAssociationOutputLocation,
    S3OutputLocation,
)
from ssmkit.testing import mock_ssm

with mock_ssm():
    client = ssmkit.Client(boto3_client=boto3.client("ssm", region_name="us-east-1"))
    association_id = (
        client.create_association(
            name="AWS-RunPatchBaseline",
            parameters={"Operation": ["Install"], "RebootOption": ["NoReboot"]},
            schedule_expression="cron(0 2 ? * SUN *)",
            calendar_names=["change-freeze"],
            output_location=InstanceAssociationOutputLocation(
                s3_location=S3OutputLocation(
                    output_s3_bucket_name="patch-logs", output_s3_key_prefix="ssm/"
                )
            ),
        ).association_id
        or ""
    )

    # --8<-- [start:changes]
    # A structure merges member by member: the bucket is kept, the prefix changes.
    client.update_association(
        association_id,
        output_location=InstanceAssociationOutputLocation(
            s3_location=S3OutputLocation(output_s3_key_prefix="patching/")
        ),
        calendar_names=CLEAR,  # removes the member
    )
    # --8<-- [end:changes]

    # --8<-- [start:paths]
    # One key of a map changes, one goes, the rest stay.
    client.update_association(
        association_id,
        paths={
            "parameters.Operation": ["Scan"],
            "parameters.RebootOption": CLEAR,
        },
    )
    # --8<-- [end:paths]

    # --8<-- [start:modify]
    def without_prefix(current: AssociationDescription) -> AssociationDescription:
        location = current.output_location
        assert location is not None
        assert location.s3_location is not None
        s3 = attrs.evolve(location.s3_location, output_s3_key_prefix=None)
        return attrs.evolve(
            current, output_location=attrs.evolve(location, s3_location=s3)
        )

    client.update_association(association_id, modify=without_prefix)
    # --8<-- [end:modify]

    # --8<-- [start:plan]
    plan = client.plan_association_update(
        association_id, max_errors="10%", paths={"parameters.Operation": ["Install"]}
    )
    print(plan)
    # UpdateAssociation: 2 changes
    #   ~ parameters.Operation: (sensitive value changed)
    #   + max_errors: "10%"
    #   (writing it runs the association at once)
    print(plan.to_json(), plan.is_noop, plan.runs, plan.before.association_version)
    # --8<-- [end:plan]

    # --8<-- [start:expected]
    try:
        client.update_association(
            association_id, expected_version="1", max_errors="10%"
        )
    except errors.ConcurrentUpdateError as exc:
        print(f"not written: {exc}")  # the association is at version 4 by now
    # --8<-- [end:expected]

    stored = client.describe_association(association_id=association_id)
    assert stored.output_location == InstanceAssociationOutputLocation(
        s3_location=S3OutputLocation(output_s3_bucket_name="patch-logs")
    )
    assert stored.calendar_names is None
    assert stored.parameters == {"Operation": ("Scan",)}
    assert [c.render() for c in plan.changes] == [
        "~ parameters.Operation: (sensitive value changed)",
        '+ max_errors: "10%"',
    ]
