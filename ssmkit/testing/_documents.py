"""The AWS managed documents the local SSM knows without being told.

AWS accounts come with hundreds of documents owned by Amazon; moto starts with
none. These are the ones State Manager, Run Command, maintenance windows and
Automation are most often pointed at, each with its type and a short content
(schema, description, parameters) for the answers that carry a document's
content. Documents created with ``CreateDocument`` are known as moto keeps them.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["MANAGED", "content_of", "known"]


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
