"""The pytest fixtures: run with ``pytest docs/examples/testing_fixtures.py``."""

import ssmkit


def test_my_code_retries(ssm):  # a fresh local SSM for this test
    client = ssm.client()
    association_id = client.create_association(Name="AWS-RunShellScript")[
        "AssociationDescription"
    ]["AssociationId"]
    ssm.fail_next("UpdateAssociation", "TooManyUpdates")
    ssmkit.safe_update_association(client, association_id, max_errors="2")
    assert ssm.operations.count("UpdateAssociation") == 2


def test_over_http(ssm_server):  # one server for the session
    client = ssm_server.client()  # a boto3 client; the AWS CLI takes ssm_server.url
    client.put_parameter(Name="/test/over-http", Value="yes", Type="String")
    assert client.get_parameter(Name="/test/over-http")["Parameter"]["Value"] == "yes"
