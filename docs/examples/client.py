"""The client: typed methods, lazy pagination, typed errors."""

import boto3

import ssmkit
from ssmkit import errors
from ssmkit.models import AssociationFilter, AssociationFilterKey, Target
from ssmkit.testing import mock_ssm

with mock_ssm():  # a local SSM: leave this line out to work on your account
    client = ssmkit.Client(boto3_client=boto3.client("ssm", region_name="us-east-1"))
    for n in range(3):
        client.create_association(
            name="AWS-RunShellScript",
            association_name=f"web-{n}",
            targets=[Target(key="tag:Role", values=["web"])],
            parameters={"commands": ["uptime"]},
        )

    # Every page, fetched only as the loop needs it.
    web = [AssociationFilter(key=AssociationFilterKey.NAME, value="AWS-RunShellScript")]
    for association in client.list_associations(
        association_filter_list=web, max_results=2
    ):
        print(association.association_name, association.targets)

    try:
        client.describe_association(
            association_id="8d4b0a4e-0000-4000-8000-000000000009"
        )
    except errors.AssociationDoesNotExist as exc:
        print(exc.code, exc.operation)

    # The rest of the service is typed too: Parameter Store, for one.
    client.put_parameter(name="/app/db-host", value="db.internal", type="String")
    parameter = client.get_parameter(name="/app/db-host")
    print(parameter.name, parameter.value, parameter.version)
