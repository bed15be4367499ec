"""The AWS managed documents the local SSM knows without being told.

AWS accounts come with hundreds of documents owned by Amazon; moto starts with
none. These are the ones State Manager, Run Command, maintenance windows and
Automation are most often pointed at, each with its type and a short content
(schema, description, parameters) for the answers that carry a document's
content. Documents created with ``CreateDocument`` are known as moto keeps them.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

__all__ = [
    "MANAGED",
    "content_of",
    "describe_managed",
    "filters_of",
    "get_managed",
    "known",
    "list_managed",
    "managed",
    "matches",
]


def _command(description: str, *parameters: str) -> tuple[str, str]:
    content = {
        "schemaVersion": "2.2",
        "description": description,
        "parameters": {p: {"type": "String", "default": ""} for p in parameters},
        "mainSteps": [],
    }
    return "Command", json.dumps(content, indent=4)


def _automation(description: str, *parameters: str) -> tuple[str, str]:
    content = {
        "schemaVersion": "0.3",
        "description": description,
        "parameters": {p: {"type": "String"} for p in parameters},
        "mainSteps": [],
    }
    return "Automation", json.dumps(content, indent=4)


#: Name -> (document type, content).
MANAGED: dict[str, tuple[str, str]] = {
    "AWS-RunShellScript": _command(
        "Run a shell script or specify the commands to run.",
        "commands",
        "workingDirectory",
        "executionTimeout",
    ),
    "AWS-RunPowerShellScript": _command(
        "Run a PowerShell script or specify the paths to scripts to run.",
        "commands",
        "workingDirectory",
        "executionTimeout",
    ),
    "AWS-RunPatchBaseline": _command(
        "Scans for or installs patches from a patch baseline.",
        "Operation",
        "SnapshotId",
        "InstallOverrideList",
        "BaselineOverride",
        "RebootOption",
    ),
    "AWS-RunPatchBaselineAssociation": _command(
        "Scans for or installs patches from a patch baseline, for associations.",
        "Operation",
        "AssociationId",
        "BaselineTags",
        "RebootOption",
    ),
    "AWS-ApplyPatchBaseline": _command(
        "Scans for or installs patches from a patch baseline (legacy).",
        "Operation",
        "SnapshotId",
    ),
    "AWS-UpdateSSMAgent": _command(
        "Update the Amazon SSM Agent to the latest version or specified version.",
        "version",
        "allowDowngrade",
    ),
    "AWS-GatherSoftwareInventory": _command(
        "Software Inventory Policy Document.",
        "applications",
        "awsComponents",
        "files",
        "networkConfig",
        "windowsUpdates",
        "instanceDetailedInformation",
        "services",
        "windowsRegistry",
        "windowsRoles",
        "customInventory",
        "billingInfo",
    ),
    "AWS-ConfigureAWSPackage": _command(
        "Install or uninstall a Distributor package.",
        "action",
        "installationType",
        "name",
        "version",
        "additionalArguments",
    ),
    "AWS-RunAnsiblePlaybook": _command(
        "Use this document to run Ansible playbooks.",
        "playbook",
        "playbookurl",
        "extravars",
        "check",
        "timeoutSeconds",
    ),
    "AWS-ApplyAnsiblePlaybooks": _command(
        "Use this document to run Ansible playbooks from a source.",
        "SourceType",
        "SourceInfo",
        "PlaybookFile",
        "ExtraVariables",
        "Check",
    ),
    "AWS-RunRemoteScript": _command(
        "Execute scripts stored in a remote location.",
        "sourceType",
        "sourceInfo",
        "commandLine",
        "workingDirectory",
        "executionTimeout",
    ),
    "AWS-RunDocument": _command(
        "Execute composite or nested Systems Manager documents.",
        "sourceType",
        "sourceInfo",
        "documentParameters",
    ),
    "AWS-RefreshAssociation": _command(
        "Refresh the associations of a managed node.", "associationIds"
    ),
    "AWS-InstallApplication": _command(
        "Install an application on Windows.", "action", "parameters", "source"
    ),
    "AWS-ConfigureCloudWatch": _command(
        "Export metrics and log files from your instances to Amazon CloudWatch.",
        "status",
        "properties",
    ),
    "AmazonCloudWatch-ManageAgent": _command(
        "Send commands to the CloudWatch Agent.",
        "action",
        "mode",
        "optionalConfigurationSource",
        "optionalConfigurationLocation",
        "optionalRestart",
    ),
    "AWS-JoinDirectoryServiceDomain": _command(
        "Join instances to an AWS Directory Service domain.",
        "directoryId",
        "directoryName",
        "dnsIpAddresses",
    ),
    "AWS-UpdateEC2Config": _command(
        "Update the EC2Config service to the latest version or specified version.",
        "version",
        "allowDowngrade",
    ),
    "AWS-FindWindowsUpdates": _command(
        "Scan for missing Windows updates.", "UpdateLevel", "Categories"
    ),
    "AWS-InstallWindowsUpdates": _command(
        "Install Windows updates.", "Action", "AllowReboot", "Categories"
    ),
    "AWS-HelloWorld": _automation(
        "A sample runbook that says hello.", "AutomationAssumeRole"
    ),
    "AWS-RestartEC2Instance": _automation(
        "Restart one or more EC2 instances.", "InstanceId", "AutomationAssumeRole"
    ),
    "AWS-StartEC2Instance": _automation(
        "Start one or more EC2 instances.", "InstanceId", "AutomationAssumeRole"
    ),
    "AWS-StopEC2Instance": _automation(
        "Stop one or more EC2 instances.", "InstanceId", "AutomationAssumeRole"
    ),
    "AWS-CreateImage": _automation(
        "Create a new AMI from an EC2 instance.",
        "InstanceId",
        "NoReboot",
        "AutomationAssumeRole",
    ),
    "AWS-UpdateLinuxAmi": _automation(
        "Update a Linux AMI.", "SourceAmiId", "IamInstanceProfileName"
    ),
    "AWS-UpdateWindowsAmi": _automation(
        "Update a Windows AMI.", "SourceAmiId", "IamInstanceProfileName"
    ),
    "AWS-PatchInstanceWithRollback": _automation(
        "Patch an instance and roll back on failure.",
        "InstanceId",
        "ReportS3Bucket",
        "AutomationAssumeRole",
    ),
    "AWS-DisableS3BucketPublicReadWrite": _automation(
        "Disable read and write access on public S3 buckets.",
        "S3BucketName",
        "AutomationAssumeRole",
    ),
    "AWS-InstallPowerShellModule": _command(
        "Install a PowerShell module.",
        "source",
        "sourceHash",
        "commands",
        "workingDirectory",
        "executionTimeout",
    ),
    "AWS-CreateManagedWindowsInstance": _automation(
        "Create a new EC2 instance for Windows Server, managed by Systems Manager.",
        "AmiId",
        "InstanceType",
        "KeyPairName",
        "AutomationAssumeRole",
    ),
    "AWS-CreateManagedLinuxInstance": _automation(
        "Create a new EC2 instance for Linux, managed by Systems Manager.",
        "AmiId",
        "InstanceType",
        "KeyPairName",
        "AutomationAssumeRole",
    ),
    "AWS-HelloWorldChangeTemplate": (
        "Automation.ChangeTemplate",
        _automation(
            "This change template demonstrates the feature set available for "
            "creating change templates for Change Manager.",
            "Approver",
            "ApproverType",
            "ApproverSnsTopicArn",
        )[1],
    ),
    "AWSSupport-ExecuteEC2Rescue": _automation(
        "Run EC2Rescue on an unreachable instance.",
        "UnreachableInstanceId",
        "AutomationAssumeRole",
    ),
}


def _own(backend: Any, name: str) -> Any:
    documents = getattr(backend, "_documents", {})
    return documents.get(name)


def known(backend: Any, name: str) -> bool:
    """Whether a document of this name (or ARN) exists for the backend.

    An ARN names a document another account may share: it is taken as known.
    """
    if name.startswith("arn:"):
        return True
    return name in MANAGED or _own(backend, name) is not None


def content_of(backend: Any, name: str) -> str:
    """The default version's content of a document, or ``""`` if unknown."""
    own = _own(backend, name)
    if own is not None:
        return str(own.get_default_version().content)
    return MANAGED.get(name, ("", ""))[1]


# -- answering for the managed documents ---------------------------------------------

#: When the catalogue's documents were made, as the service dates them: a
#: fixed day, so answers repeat.
_CREATED = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
_PLATFORMS = ["Windows", "Linux", "MacOS"]


def managed(backend: Any, name: str) -> bool:
    """Whether ``name`` is a catalogued document the account has no own of."""
    return name in MANAGED and _own(backend, name) is None


def _parsed(name: str) -> dict[str, Any]:
    return json.loads(MANAGED[name][1])  # type: ignore[no-any-return]


def _identifier(name: str) -> dict[str, Any]:
    kind, _ = MANAGED[name]
    content = _parsed(name)
    return {
        "Name": name,
        "CreatedDate": _CREATED,
        "Owner": "Amazon",
        "PlatformTypes": _PLATFORMS,
        "DocumentVersion": "1",
        "DocumentType": kind,
        "SchemaVersion": content["schemaVersion"],
        "DocumentFormat": "JSON",
        "Tags": [],
    }


def _version(name: str, given: dict[str, Any]) -> None:
    version = given.get("DocumentVersion")
    if version not in (None, "1", "$DEFAULT", "$LATEST") or given.get("VersionName"):
        msg = f"The document version isn't valid or doesn't exist: {name}"
        raise ServiceFault("InvalidDocumentVersion", msg)


def describe_managed(name: str, given: dict[str, Any]) -> dict[str, Any]:
    """``DescribeDocument``'s answer for a catalogued document."""
    _version(name, given)
    content = _parsed(name)
    text = MANAGED[name][1]
    description = {
        **{k: v for k, v in _identifier(name).items() if k != "DocumentVersion"},
        "Sha1": hashlib.sha256(text.encode()).hexdigest(),
        "Hash": hashlib.sha256(text.encode()).hexdigest(),
        "HashType": "Sha256",
        "Status": "Active",
        "DocumentVersion": "1",
        "Description": content.get("description", ""),
        "Parameters": [
            {
                "Name": key,
                "Type": spec.get("type", "String"),
                **({"DefaultValue": spec["default"]} if "default" in spec else {}),
            }
            for key, spec in content.get("parameters", {}).items()
        ],
        "LatestVersion": "1",
        "DefaultVersion": "1",
    }
    del description["Sha1"]
    return {"Document": description}


def get_managed(name: str, given: dict[str, Any]) -> dict[str, Any]:
    """``GetDocument``'s answer for a catalogued document."""
    _version(name, given)
    kind, text = MANAGED[name]
    form = given.get("DocumentFormat") or "JSON"
    if form == "YAML":
        import yaml

        text = yaml.safe_dump(json.loads(text), sort_keys=False)
    elif form != "JSON":
        msg = f"The document format isn't supported: {form}"
        raise ServiceFault("InvalidDocumentSchemaVersion", msg)
    return {
        "Name": name,
        "CreatedDate": _CREATED,
        "DocumentVersion": "1",
        "Status": "Active",
        "Content": text,
        "DocumentType": kind,
        "DocumentFormat": form,
    }


def list_managed(filters: list[tuple[str, list[str]]]) -> list[dict[str, Any]]:
    """The catalogued documents ``ListDocuments`` lists for these filters.

    They are owned by Amazon: an ``Owner`` filter of ``Self`` or ``Private``
    leaves them out; ``Amazon``, ``Public`` and ``All`` keep them.
    """
    entries = (_identifier(name) for name in sorted(MANAGED))
    return [entry for entry in entries if matches(entry, filters, "")]


def filters_of(given: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """``ListDocuments``' filters as (key, values) pairs, checked.

    ``DocumentFilterList`` is deprecated but still served: its pairs are
    taken as ``Filters`` of one value each.

    Raises:
        ServiceFault: An ``Owner`` filter of more than one value. "Note that
            only one ``Owner`` can be specified in a request."
    """
    pairs = [(f["key"], [f["value"]]) for f in given.get("DocumentFilterList") or []]
    pairs += [
        (f.get("Key", ""), list(f.get("Values") or []))
        for f in given.get("Filters") or []
    ]
    if any(key == "Owner" and len(values) != 1 for key, values in pairs):
        msg = "Owner filter can only have one value."
        raise ServiceFault("ValidationException", msg)
    return pairs


def matches(
    entry: dict[str, Any], filters: list[tuple[str, list[str]]], account_id: str
) -> bool:
    """Whether a listed document passes every filter (``ListDocuments``).

    ``entry`` is the document as ``ListDocuments`` lists it; it is the
    account's own when its ``Owner`` is ``account_id``. Each filter key is
    read as AWS documents it: "If you use ``Name`` as a key, you can use a
    name prefix"; "To specify a custom key-value pair, use the format
    ``Key=tag:tagName,Values=valueName``"; "If you created a document before
    Systems Manager supported cloud providers, the document runs against
    ``AWS``". A key AWS does not document matches nothing.
    """
    return all(_passes(entry, pair, account_id) for pair in filters)


def _passes(entry: dict[str, Any], pair: tuple[str, list[str]], account: str) -> bool:
    key, values = pair
    if key == "Owner":
        owner = entry["Owner"]
        return any(
            v == "All"
            or (v == "Self" and owner == account)
            or (v in ("Amazon", "Public") and owner == "Amazon")
            for v in values
        )
    if key == "Name":
        return any(entry["Name"].startswith(v) for v in values)
    if key == "DocumentType":
        return entry["DocumentType"] in values
    if key in ("PlatformTypes", "PlatformType"):
        return any(v in entry.get("PlatformTypes", ()) for v in values)
    if key == "SearchKeyword":
        return any(v.lower() in entry["Name"].lower() for v in values)
    if key == "TargetType":
        return entry.get("TargetType") in values
    if key == "CloudProviders":
        return "AWS" in values
    if key.startswith("tag:"):
        tags = {t["Key"]: t["Value"] for t in entry.get("Tags", ())}
        return key[4:] in tags and tags[key[4:]] in values
    return False


class ServiceFault(Exception):
    """A refusal for the stand-in to answer with its code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
