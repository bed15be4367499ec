"""The AWS managed documents the local SSM knows, read whole and word for word.

Every account sees the documents Amazon owns; code under test describes,
reads and lists them as it would in AWS. Each answer is compared whole,
through botocore's parser, against what AWS's published examples show.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from botocore.config import Config
from botocore.exceptions import ClientError

from ssmkit.testing._documents import MANAGED

if TYPE_CHECKING:
    from ssmkit.testing import StandIn

RUN = "AWS-RunShellScript"
RESTART = "AWS-RestartEC2Instance"
#: When the catalogue's documents were made: a fixed day, so answers repeat.
CREATED = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
PLATFORMS = ["Windows", "Linux", "MacOS"]

#: AWS-RunShellScript's content, as GetDocument answers it.
RUN_CONTENT = {
    "schemaVersion": "2.2",
    "description": "Run a shell script or specify the commands to run.",
    "parameters": {
        "commands": {"type": "String", "default": ""},
        "workingDirectory": {"type": "String", "default": ""},
        "executionTimeout": {"type": "String", "default": ""},
    },
    "mainSteps": [],
}
#: AWS-RestartEC2Instance's: a runbook's parameters have no default.
RESTART_CONTENT = {
    "schemaVersion": "0.3",
    "description": "Restart one or more EC2 instances.",
    "parameters": {
        "InstanceId": {"type": "String"},
        "AutomationAssumeRole": {"type": "String"},
    },
    "mainSteps": [],
}


def refusal(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def answer(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def identifier(name: str, kind: str, schema: str) -> dict[str, Any]:
    """A managed document as ListDocuments lists it."""
    return {
        "Name": name,
        "CreatedDate": CREATED,
        "Owner": "Amazon",
        "PlatformTypes": PLATFORMS,
        "DocumentVersion": "1",
        "DocumentType": kind,
        "SchemaVersion": schema,
        "DocumentFormat": "JSON",
        "Tags": [],
    }


@pytest.mark.parametrize(
    ("name", "kind", "content", "parameters"),
    [
        (
            RUN,
            "Command",
            RUN_CONTENT,
            [
                {"Name": "commands", "Type": "String", "DefaultValue": ""},
                {"Name": "workingDirectory", "Type": "String", "DefaultValue": ""},
                {"Name": "executionTimeout", "Type": "String", "DefaultValue": ""},
            ],
        ),
        (
            RESTART,
            "Automation",
            RESTART_CONTENT,
            [
                {"Name": "InstanceId", "Type": "String"},
                {"Name": "AutomationAssumeRole", "Type": "String"},
            ],
        ),
    ],
)
def test_a_managed_document_is_read_and_described_whole(
    boto: Any,
    name: str,
    kind: str,
    content: dict[str, Any],
    parameters: list[dict[str, str]],
) -> None:
    got = answer(boto.get_document(Name=name))
    text = got.pop("Content")
    assert json.loads(text) == content
    assert text == json.dumps(content, indent=4)
    assert got == {
        "Name": name,
        "CreatedDate": CREATED,
        "DocumentVersion": "1",
        "Status": "Active",
        "DocumentType": kind,
        "DocumentFormat": "JSON",
    }
    digest = hashlib.sha256(text.encode()).hexdigest()
    # As AWS's describe-document example shows a document.
    assert answer(boto.describe_document(Name=name)) == {
        "Document": {
            "Hash": digest,
            "HashType": "Sha256",
            "Name": name,
            "Owner": "Amazon",
            "CreatedDate": CREATED,
            "Status": "Active",
            "DocumentVersion": "1",
            "Description": content["description"],
            "Parameters": parameters,
            "PlatformTypes": PLATFORMS,
            "DocumentType": kind,
            "SchemaVersion": content["schemaVersion"],
            "LatestVersion": "1",
            "DefaultVersion": "1",
            "DocumentFormat": "JSON",
            "Tags": [],
        }
    }


def test_a_change_template_keeps_its_own_type(boto: Any) -> None:
    name = "AWS-HelloWorldChangeTemplate"
    got = boto.get_document(Name=name)
    assert got["DocumentType"] == "Automation.ChangeTemplate"
    assert json.loads(got["Content"])["schemaVersion"] == "0.3"
    described = boto.describe_document(Name=name)["Document"]
    assert (described["DocumentType"], described["SchemaVersion"]) == (
        "Automation.ChangeTemplate",
        "0.3",
    )


def test_a_managed_document_is_read_as_yaml_when_asked(boto: Any) -> None:
    got = answer(boto.get_document(Name=RUN, DocumentFormat="YAML"))
    text = got.pop("Content")
    assert text == yaml.safe_dump(RUN_CONTENT, sort_keys=False)
    assert text.startswith("schemaVersion: '2.2'\ndescription: Run a shell")
    assert got == {
        "Name": RUN,
        "CreatedDate": CREATED,
        "DocumentVersion": "1",
        "Status": "Active",
        "DocumentType": "Command",
        "DocumentFormat": "YAML",
    }


@pytest.mark.parametrize("version", ["1", "$DEFAULT", "$LATEST"])
def test_a_managed_document_s_one_version_is_read_by_any_of_its_names(
    boto: Any, version: str
) -> None:
    got = boto.get_document(Name=RUN, DocumentVersion=version)
    assert (got["DocumentVersion"], json.loads(got["Content"])) == ("1", RUN_CONTENT)
    described = boto.describe_document(Name=RUN, DocumentVersion=version)
    assert described["Document"]["DocumentVersion"] == "1"


@pytest.mark.parametrize(
    "given",
    [{"DocumentVersion": "2"}, {"VersionName": "Release"}],
)
def test_a_managed_document_has_no_other_version(
    boto: Any, given: dict[str, str]
) -> None:
    said = (
        "InvalidDocumentVersion",
        f"The document version isn't valid or doesn't exist: {RUN}",
    )
    with pytest.raises(ClientError) as caught:
        boto.get_document(Name=RUN, **given)
    assert refusal(caught) == said
    with pytest.raises(ClientError) as caught:
        boto.describe_document(Name=RUN, **given)
    assert refusal(caught) == said


def test_a_managed_document_is_not_read_as_text(boto: Any) -> None:
    with pytest.raises(ClientError) as caught:
        boto.get_document(Name=RUN, DocumentFormat="TEXT")
    assert refusal(caught) == (
        "InvalidDocumentSchemaVersion",
        "The document format isn't supported: TEXT",
    )


def test_a_document_of_the_account_is_answered_as_moto_keeps_it(boto: Any) -> None:
    content = {"schemaVersion": "2.2", "description": "mine", "mainSteps": []}
    boto.create_document(
        Name="Mine", Content=json.dumps(content), DocumentType="Command"
    )
    got = boto.get_document(Name="Mine")
    assert json.loads(got["Content"]) == content
    described = boto.describe_document(Name="Mine")["Document"]
    assert (described["Name"], described["Owner"]) == ("Mine", "123456789012")


@pytest.mark.parametrize(
    "name", ["AWS-Mine", "aws-mine", "Amazon-Mine", "AMZN-Mine", "AWSSupport-Mine"]
)
def test_a_reserved_prefix_is_refused_in_any_case(boto: Any, name: str) -> None:
    content = json.dumps({"schemaVersion": "2.2", "description": "d", "mainSteps": []})
    with pytest.raises(ClientError) as caught:
        boto.create_document(Name=name, Content=content, DocumentType="Command")
    assert refusal(caught) == (
        "ValidationException",
        f"The document name {name} is not valid: aws, amazon, amzn, AWSEC2, "
        "AWSConfigRemediation and AWSSupport are reserved name prefixes.",
    )
    # Not made: still unknown.
    with pytest.raises(ClientError) as caught:
        boto.describe_document(Name=name)
    assert refusal(caught)[0] == "InvalidDocument"


def listed(boto: Any, **given: Any) -> list[dict[str, Any]]:
    """Every document ListDocuments lists for these members, page by page."""
    pages = boto.get_paginator("list_documents").paginate(**given)
    return [d for page in pages for d in page["DocumentIdentifiers"]]


def names(boto: Any, **given: Any) -> list[str]:
    return [d["Name"] for d in listed(boto, **given)]


def test_managed_documents_are_listed_whole_in_pages_of_ten(boto: Any) -> None:
    first = boto.list_documents()
    assert len(first["DocumentIdentifiers"]) == 10
    assert first["NextToken"]
    every = listed(boto)
    assert [d["Name"] for d in every] == sorted(MANAGED)
    assert len(every) == len(MANAGED) > 30
    found = {d["Name"]: d for d in every}
    assert found[RUN] == identifier(RUN, "Command", "2.2")
    assert found[RESTART] == identifier(RESTART, "Automation", "0.3")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ([{"Key": "Owner", "Values": ["Amazon"]}], "all"),
        ([{"Key": "Owner", "Values": ["Public"]}], "all"),
        ([{"Key": "Owner", "Values": ["All"]}], "all"),
        ([{"Key": "Owner", "Values": ["Self"]}], []),
        ([{"Key": "Owner", "Values": ["Private"]}], []),
        (
            [{"Key": "Name", "Values": ["AWS-RunPatch", "AWS-ApplyP"]}],
            [
                "AWS-ApplyPatchBaseline",
                "AWS-RunPatchBaseline",
                "AWS-RunPatchBaselineAssociation",
            ],
        ),
        # A prefix, in its own case.
        ([{"Key": "Name", "Values": ["aws-runpatch"]}], []),
        (
            [{"Key": "SearchKeyword", "Values": ["ec2instance", "nothing"]}],
            [
                "AWS-RestartEC2Instance",
                "AWS-StartEC2Instance",
                "AWS-StopEC2Instance",
            ],
        ),
        (
            [
                {"Key": "DocumentType", "Values": ["Automation"]},
                {"Key": "Name", "Values": ["AWS-Create"]},
            ],
            [
                "AWS-CreateImage",
                "AWS-CreateManagedLinuxInstance",
                "AWS-CreateManagedWindowsInstance",
            ],
        ),
        (
            [{"Key": "DocumentType", "Values": ["Automation.ChangeTemplate"]}],
            ["AWS-HelloWorldChangeTemplate"],
        ),
        ([{"Key": "PlatformTypes", "Values": ["Linux"]}], "all"),
        ([{"Key": "PlatformTypes", "Values": ["Solaris", "MacOS"]}], "all"),
        ([{"Key": "PlatformTypes", "Values": ["Solaris"]}], []),
        # The singular, as some of AWS's pages spell it.
        ([{"Key": "PlatformType", "Values": ["Windows"]}], "all"),
        ([{"Key": "PlatformType", "Values": ["Solaris"]}], []),
        # A managed document has no tags.
        ([{"Key": "tag:Env", "Values": ["prod"]}], []),
        ([{"Key": "TargetType", "Values": ["/"]}], []),
    ],
)
def test_managed_documents_are_found_by_each_documented_filter(
    boto: Any, filters: list[dict[str, Any]], expected: Any
) -> None:
    want = sorted(MANAGED) if expected == "all" else expected
    assert names(boto, Filters=filters) == want


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([{"key": "Owner", "value": "Amazon"}], "all"),
        ([{"key": "Owner", "value": "Self"}], []),
        (
            [{"key": "Name", "value": "AWS-Update"}],
            [
                "AWS-UpdateEC2Config",
                "AWS-UpdateLinuxAmi",
                "AWS-UpdateSSMAgent",
                "AWS-UpdateWindowsAmi",
            ],
        ),
        (
            [
                {"key": "DocumentType", "value": "Command"},
                {"key": "PlatformTypes", "value": "Windows"},
                {"key": "Name", "value": "AWS-Run"},
            ],
            [
                "AWS-RunAnsiblePlaybook",
                "AWS-RunDocument",
                "AWS-RunPatchBaseline",
                "AWS-RunPatchBaselineAssociation",
                "AWS-RunPowerShellScript",
                "AWS-RunRemoteScript",
                "AWS-RunShellScript",
            ],
        ),
    ],
)
def test_the_deprecated_filter_list_finds_as_filters_do(
    boto: Any, pairs: list[dict[str, str]], expected: Any
) -> None:
    want = sorted(MANAGED) if expected == "all" else expected
    assert names(boto, DocumentFilterList=pairs) == want


def test_the_account_s_documents_are_listed_before_the_managed_ones(
    boto: Any,
) -> None:
    content = json.dumps({"schemaVersion": "2.2", "description": "d", "mainSteps": []})
    for name in ("Zeta", "Alpha"):
        boto.create_document(Name=name, Content=content, DocumentType="Command")
    every = names(boto)
    assert every[:2] == ["Alpha", "Zeta"]
    assert names(boto, Filters=[{"Key": "Owner", "Values": ["Self"]}]) == [
        "Alpha",
        "Zeta",
    ]
    assert names(boto, Filters=[{"Key": "Name", "Values": ["AWS-RunShell"]}]) == [RUN]


def test_a_node_s_associations_carry_their_document_s_content(boto: Any) -> None:
    node = "i-0123456789abcdef0"
    mine = {"schemaVersion": "2.2", "description": "mine", "mainSteps": []}
    boto.create_document(Name="Mine", Content=json.dumps(mine), DocumentType="Command")
    shared = "arn:aws:ssm:us-east-1:111122223333:document/Shared"
    made = {
        name: boto.create_association(
            Name=name, Targets=[{"Key": "InstanceIds", "Values": [node]}]
        )["AssociationDescription"]["AssociationId"]
        for name in (RUN, "Mine", shared)
    }
    effective = boto.describe_effective_instance_associations(InstanceId=node)
    content = {a["AssociationId"]: a["Content"] for a in effective["Associations"]}
    assert json.loads(content[made[RUN]]) == RUN_CONTENT
    assert json.loads(content[made["Mine"]]) == mine
    # Another account's document: its content is not this account's to read.
    assert content[made[shared]] == ""


def test_the_account_s_documents_are_found_by_the_deprecated_filter_list(
    boto: Any,
) -> None:
    content = json.dumps({"schemaVersion": "2.2", "description": "d", "mainSteps": []})
    boto.create_document(
        Name="Mine",
        Content=content,
        DocumentType="Command",
        Tags=[{"Key": "Env", "Value": "prod"}],
    )
    boto.create_document(Name="Other", Content=content, DocumentType="Command")
    found = listed(boto, DocumentFilterList=[{"key": "Name", "value": "Mi"}])
    assert [d["Name"] for d in found] == ["Mine"]
    # Listed with its tags, as AWS's list-documents example shows them.
    assert found[0]["Tags"] == [{"Key": "Env", "Value": "prod"}]
    mine = [{"key": "Owner", "value": "Self"}, {"key": "Name", "value": "Oth"}]
    assert names(boto, DocumentFilterList=mine) == ["Other"]
    tagged = names(boto, Filters=[{"Key": "tag:Env", "Values": ["test", "prod"]}])
    assert tagged == ["Mine"]
    assert names(boto, Filters=[{"Key": "tag:Env", "Values": ["test"]}]) == []
    assert names(boto, Filters=[{"Key": "tag:Team", "Values": ["prod"]}]) == []


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        # "If you use Name as a key, you can use a name prefix."
        ([{"Key": "Name", "Values": ["Mi"]}], ["Mine"]),
        ([{"Key": "Name", "Values": ["ine"]}], []),
        ([{"Key": "SearchKeyword", "Values": ["INE"]}], ["Mine"]),
        ([{"Key": "Owner", "Values": ["Self"]}], ["Mine", "Runbook"]),
        ([{"Key": "Owner", "Values": ["All"]}], ["Mine", "Runbook"]),
        ([{"Key": "Owner", "Values": ["Amazon"]}], []),
        ([{"Key": "Owner", "Values": ["Private"]}], []),
        ([{"Key": "DocumentType", "Values": ["Automation"]}], ["Runbook"]),
        ([{"Key": "TargetType", "Values": ["/AWS::EC2::Instance"]}], ["Mine"]),
        # Documents made before cloud providers run against AWS.
        ([{"Key": "CloudProviders", "Values": ["AWS"]}], ["Mine", "Runbook"]),
        ([{"Key": "CloudProviders", "Values": ["Azure"]}], []),
        ([{"Key": "Colour", "Values": ["Blue"]}], []),
    ],
)
def test_the_account_s_documents_are_found_by_each_documented_filter(
    boto: Any, filters: list[dict[str, Any]], expected: list[str]
) -> None:
    command = {"schemaVersion": "2.2", "description": "d", "mainSteps": []}
    runbook = {"schemaVersion": "0.3", "description": "d", "mainSteps": []}
    boto.create_document(
        Name="Mine",
        Content=json.dumps(command),
        DocumentType="Command",
        TargetType="/AWS::EC2::Instance",
    )
    boto.create_document(
        Name="Runbook", Content=json.dumps(runbook), DocumentType="Automation"
    )
    own = [{"Key": "Owner", "Values": ["Self"]}]
    assert names(boto, Filters=[*own, *filters]) == expected


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (
            {"DocumentFilterList": [{"key": "Name"}]},
            "1 validation error detected: Value null at "
            "'documentFilterList.1.member.value' failed to satisfy constraint: "
            "Member must not be null",
        ),
        (
            {"DocumentFilterList": [{"key": "Colour", "value": "x"}]},
            "1 validation error detected: Value 'Colour' at "
            "'documentFilterList.1.member.key' failed to satisfy constraint: "
            "Member must satisfy enum value set: [Name, Owner, PlatformTypes, "
            "DocumentType]",
        ),
        (
            {"Filters": [{"Key": "Owner", "Values": ["Self", "Amazon"]}]},
            "Owner filter can only have one value.",
        ),
        (
            {"Filters": [{"Key": "Owner", "Values": []}]},
            "Owner filter can only have one value.",
        ),
        (
            {"Filters": [{"Key": "", "Values": ["x"]}]},
            "1 validation error detected: Value '' at 'filters.1.member.key' "
            "failed to satisfy constraint: Member must have length greater than "
            "or equal to 1",
        ),
    ],
)
def test_a_filter_the_service_would_refuse_is_refused(
    stand_in: StandIn, given: dict[str, Any], said: str
) -> None:
    raw = stand_in.client(config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as caught:
        raw.list_documents(**given)
    assert refusal(caught) == ("ValidationException", said)


def test_a_filter_without_a_key_finds_nothing(stand_in: StandIn) -> None:
    raw = stand_in.client(config=Config(parameter_validation=False))
    found = raw.list_documents(Filters=[{"Values": ["AWS-RunShellScript"]}])
    assert found["DocumentIdentifiers"] == []
