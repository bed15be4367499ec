"""A file of associations and maintenance windows, planned and applied."""

from pathlib import Path

import boto3

import ssmkit
from ssmkit.testing import mock_ssm

FILE = Path("windows.yaml")  # the file above, in the current directory

with mock_ssm():  # a local SSM: leave this line out to work on your account
    client = ssmkit.Client(boto3_client=boto3.client("ssm", region_name="us-east-1"))

    plan = client.plan(FILE)  # every kind the file holds; nothing is written
    print(plan.summary())  # Plan: 4 to create, 0 to update, 0 unchanged.
    for result in client.apply(plan):
        print(result.to_json()["kind"], result.name, result.outcome)

    print(client.plan(FILE).pending)  # False: the service is as the file says
    document, left_out = client.export()  # back to a file's document
    print([w["Name"] for w in document["MaintenanceWindows"]])  # ['patch-sunday']
