"""Errors: typed, named like the service's codes, grouped in families."""

import boto3

import ssmkit
from ssmkit import errors
from ssmkit.testing import mock_ssm

with mock_ssm():  # a local SSM: leave this line out to work on your account
    client = ssmkit.Client(boto3_client=boto3.client("ssm", region_name="us-east-1"))
    try:
        client.update_association(
            "8d4b0a4e-0000-4000-8000-000000000009", max_errors="5"
        )
    except errors.NotFoundError as exc:  # AssociationDoesNotExist is one
        print(type(exc).__name__, exc.code, exc.operation, exc.request_id)

    try:
        client.update_association(
            "8d4b0a4e-0000-4000-8000-000000000009", max_errors="lots"
        )
    except errors.ValidationError as exc:  # also a ValueError; nothing was called
        print(exc.member, exc.rule)
