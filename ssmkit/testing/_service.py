"""The SSM operations moto lacks, as AWS documents them.

State lives on moto's SSM backend object (one per account and region), so
moto's own reset clears it. Every request and answer is a boto3-shaped dict;
moto serializes answers through the operation's output shape.
"""

from __future__ import annotations

import base64
import copy
import datetime
import threading
import uuid
import weakref
from typing import TYPE_CHECKING, Any

import botocore.session
from moto.core.exceptions import ServiceException
from moto.ssm.exceptions import SSMException

from .._schedules import schedule_problem
from ._documents import content_of, known

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = ["MODEL", "Service", "fail", "page", "service_for"]

MODEL = botocore.session.get_session().get_service_model("ssm")


def _members(shape: str) -> frozenset[str]:
    return frozenset(MODEL.shape_for(shape).members)  # type: ignore[attr-defined]


DESCRIPTION = _members("AssociationDescription")
UPDATE_INPUT = _members("UpdateAssociationRequest")
TASK_RESULT = _members("GetMaintenanceWindowTaskResult")
#: Each window member moto keeps, and the attribute it keeps it in.
_WINDOW_ATTRIBUTES = {
    "Name": "name",
    "Description": "description",
    "StartDate": "start_date",
    "EndDate": "end_date",
    "Schedule": "schedule",
    "ScheduleTimezone": "schedule_timezone",
    "ScheduleOffset": "schedule_offset",
    "Duration": "duration",
    "Cutoff": "cutoff",
}
_WINDOW_MEMBERS = (*_WINDOW_ATTRIBUTES, "AllowUnassociatedTargets", "Enabled")
_WINDOW_RESULT = _members("UpdateMaintenanceWindowResult")
_TARGET_ATTRIBUTES = {
    "Targets": "targets",
    "OwnerInformation": "owner_information",
    "Name": "name",
    "Description": "description",
}
_BASELINE_ATTRIBUTES = {
    "Name": "name",
    "GlobalFilters": "global_filters",
    "ApprovalRules": "approval_rules",
    "ApprovedPatches": "approved_patches",
    "ApprovedPatchesComplianceLevel": "approved_patches_compliance_level",
    "ApprovedPatchesEnableNonSecurity": "approved_patches_enable_non_security",
    "RejectedPatches": "rejected_patches",
    "RejectedPatchesAction": "rejected_patches_action",
    "Description": "description",
    "Sources": "sources",
}
AUTOMATION = _members("AutomationExecution")
Params = dict[str, Any]


def _phase(
    start: datetime.datetime, end: datetime.datetime, now: datetime.datetime
) -> str:
    """What a thing under way reads: Pending its first quarter, then InProgress."""
    return "Pending" if now - start < (end - start) / 4 else "InProgress"


def _now() -> datetime.datetime:
    # To the millisecond, as AWS keeps and answers its times (the AWS CLI's
    # examples: "CreatedTime": 1550505827.119): a time read from an answer
    # then finds what it came from (a CreatedTime filter of Type EQUAL).
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _clean(data: Params) -> Params:
    """A deep copy without ``None`` values: what is not set is absent."""
    return {k: copy.deepcopy(v) for k, v in data.items() if v is not None}


def fail(code: str, message: str) -> ServiceException:
    """An error answer with the service's code.

    moto finds an error's service by the exception's module, hence its SSM class.
    """
    return SSMException(code, message)


class _Association:
    def __init__(self, description: Params) -> None:
        self.versions: list[Params] = [description]
        self.executions: list[Params] = []

    @property
    def current(self) -> Params:
        return self.versions[-1]


class Service:
    """The stand-in's state and operations for one account and region."""

    #: The resource types whose tags the stand-in keeps (moto keeps the rest).
    TAGGED = frozenset({"Association", "Automation"})

    def __init__(self, account_id: str, region: str, backend: Any = None) -> None:
        self.account_id = account_id
        self.region = region
        # moto's backend, for the documents it keeps; weakly, as it holds us.
        self._backend = weakref.ref(backend) if backend is not None else None
        # One lock makes each operation atomic, as a compare-and-swap must be.
        self.lock = threading.RLock()
        self.associations: dict[str, _Association] = {}
        self.tasks: dict[str, dict[str, Params]] = {}
        # What moto does not keep of a window: AllowUnassociatedTargets,
        # Enabled and its dates; and a baseline's dates.
        self.window_state: dict[str, Params] = {}
        self.baseline_dates: dict[str, list[datetime.datetime]] = {}
        self.command_alarms: dict[str, Params] = {}
        self.automations: dict[str, Params] = {}
        self.window_executions: dict[str, dict[str, Params]] = {}
        self.client_tokens: set[str] = set()
        # (resource type, resource id) -> tags, key -> value
        self.tags: dict[tuple[str, str], dict[str, str]] = {}
        # command id -> {"all": its nodes, "on": the nodes it was cancelled on}
        self.cancelled: dict[str, dict[str, set[str]]] = {}
        # Members UpdateAssociation keeps when omitted (StandIn.keep_on_update).
        self.kept_on_update: frozenset[str] = frozenset()
        # Managed nodes whose association runs fail (StandIn.fail_runs).
        self.failing: set[str] = set()
        # Seconds an association run takes (StandIn.set_run_duration): until
        # then it reads Pending, then InProgress, and its outcome after.
        self.run_duration = 0.0
        # Runs under way: (association, execution), oldest first.
        self.running: list[tuple[_Association, Params]] = []
        # Automation executions under way, and when each ends.
        self.automation_ends: dict[str, datetime.datetime] = {}
        # Commands sent with a run duration: when each started and ends, and
        # the nodes it fails on.
        self.command_times: dict[
            str, tuple[datetime.datetime, datetime.datetime, frozenset[str]]
        ] = {}

    # -- associations -------------------------------------------------------

    def _check_association_rules(self, p: Params) -> None:
        schedule = p.get("ScheduleExpression")
        if schedule is not None and schedule_problem(schedule) is not None:
            # ScheduleExpression: "A cron expression that specifies a schedule
            # when the association runs"; rate expressions, and "a timestamp in
            # Coordinated Universal Time (UTC) format so that it runs once at the
            # specified time. For example: at(2020-07-07T15:55:00)", too.
            raise fail(
                "InvalidSchedule",
                "The schedule is invalid. Verify your cron or rate expression "
                "and try again.",
            )
        cron_only = bool(p.get("ApplyOnlyAtCronInterval"))
        # UpdateAssociation, ScheduleOffset: "To use offsets, you must specify the
        # ApplyOnlyAtCronInterval parameter."
        if p.get("ScheduleOffset") is not None and not cron_only:
            raise fail(
                "InvalidParameters",
                "ScheduleOffset: to use offsets, you must specify "
                "ApplyOnlyAtCronInterval.",
            )
        # UpdateAssociation, Duration: "The Duration parameter applies only when
        # [...] the command specifies the ApplyOnlyAtCronInterval parameter."
        if p.get("Duration") is not None and not cron_only:
            raise fail(
                "InvalidParameters",
                "Duration: applies only when ApplyOnlyAtCronInterval is specified.",
            )
        # ApplyOnlyAtCronInterval: "This parameter isn't supported for rate
        # expressions."
        if cron_only and str(p.get("ScheduleExpression", "")).startswith("rate("):
            raise fail(
                "InvalidParameters",
                "ApplyOnlyAtCronInterval: this parameter isn't supported for rate "
                "expressions.",
            )
        # TargetMaps: "Both Targets and TargetMaps can't be specified together."
        if p.get("Targets") and p.get("TargetMaps"):
            raise fail(
                "InvalidParameters",
                "TargetMaps: both Targets and TargetMaps can't be specified together.",
            )

    def _association(self, association_id: str | None) -> _Association:
        found = self.associations.get(association_id or "")
        if found is None:
            raise fail(
                "AssociationDoesNotExist", "The specified association doesn't exist."
            )
        return found

    def _by_name_and_instance(
        self, name: str | None, instance_id: str | None
    ) -> _Association:
        for association in self.associations.values():
            current = association.current
            if current.get("Name") == name and current.get("InstanceId") == instance_id:
                return association
        raise fail(
            "AssociationDoesNotExist", "The specified association doesn't exist."
        )

    def _run(self, association: _Association) -> None:
        """Start one run: what create, update and StartAssociationsOnce cause.

        Each target succeeds unless ``StandIn.fail_runs`` named it. With a run
        duration (``StandIn.set_run_duration``), the run and each target read
        ``Pending``, then ``InProgress``, and their outcome once that much time
        has passed, as AWS reports a run moving; the association's
        ``Overview`` and ``Status`` then follow the run, as ``ListAssociations``
        with the ``AssociationStatusName`` filter sees.
        """
        current = association.current
        now = _now()
        targets = _resource_ids(current)
        outcomes = {
            resource: "Failed" if resource in self.failing else "Success"
            for resource in targets
        }
        execution = _clean(
            {
                "AssociationId": current["AssociationId"],
                "AssociationVersion": current["AssociationVersion"],
                "ExecutionId": str(uuid.uuid4()),
                "CreatedTime": now,
                "AlarmConfiguration": current.get("AlarmConfiguration"),
            }
        )
        execution["_outcomes"] = outcomes
        execution["_ends"] = now + datetime.timedelta(seconds=self.run_duration)
        execution["_targets"] = [
            {
                "AssociationId": current["AssociationId"],
                "AssociationVersion": current["AssociationVersion"],
                "ExecutionId": execution["ExecutionId"],
                "ResourceId": resource,
                "ResourceType": "ManagedInstance",
                # Each target's run is a Run Command invocation.
                "OutputSource": {
                    "OutputSourceId": str(uuid.uuid4()),
                    "OutputSourceType": "RunCommand",
                },
            }
            for resource in targets
        ]
        association.executions.append(execution)
        self._show(execution, "Pending", now)
        if self.run_duration <= 0:
            self._finish(association, execution)
            return
        self.running.append((association, execution))
        current["Overview"] = {
            "Status": "Pending",
            "DetailedStatus": "InProgress",
            "AssociationStatusAggregatedCount": {"Pending": len(targets)},
        }

    @staticmethod
    def _show(execution: Params, status: str, now: datetime.datetime) -> None:
        """A run under way, as read now: every target at ``status``."""
        targets = execution["_targets"]
        execution["Status"] = execution["DetailedStatus"] = status
        execution["ResourceCountByStatus"] = (
            f"{{{status}={len(targets)}}}" if targets else "{}"
        )
        for target in targets:
            target["Status"] = target["DetailedStatus"] = status
            target["LastExecutionDate"] = now

    def settle(self) -> None:
        """Move the runs under way on to what they read now; finish those due."""
        if self.automation_ends:
            self._settle_automations()
        if not self.running:
            return
        now = _now()
        still = []
        for association, execution in self.running:
            if now >= execution["_ends"]:
                self._finish(association, execution)
                continue
            still.append((association, execution))
            if (
                _phase(execution["CreatedTime"], execution["_ends"], now)
                == "InProgress"
            ):
                self._show(execution, "InProgress", now)
        self.running = still

    def _settle_automations(self) -> None:
        """Automation executions with a run duration: Pending, InProgress, Success."""
        now = _now()
        for execution_id, ends in list(self.automation_ends.items()):
            execution = self.automations[execution_id]
            if execution["AutomationExecutionStatus"] not in ("Pending", "InProgress"):
                del self.automation_ends[execution_id]  # stopped meanwhile
            elif now >= ends:
                execution["AutomationExecutionStatus"] = "Success"
                execution["ExecutionEndTime"] = ends
                del self.automation_ends[execution_id]
            else:
                start = execution["ExecutionStartTime"]
                execution["AutomationExecutionStatus"] = _phase(start, ends, now)

    def _finish(self, association: _Association, execution: Params) -> None:
        """A run's outcome, on the run, its targets and the association."""
        end = execution["_ends"]
        outcomes = execution["_outcomes"]
        counts: dict[str, int] = {}
        for status in outcomes.values():
            counts[status] = counts.get(status, 0) + 1
        outcome = "Failed" if "Failed" in counts else "Success"
        execution["Status"] = execution["DetailedStatus"] = outcome
        execution["ResourceCountByStatus"] = (
            "{" + ", ".join(f"{k}={n}" for k, n in sorted(counts.items())) + "}"
        )
        for target in execution["_targets"]:
            status = outcomes[target["ResourceId"]]
            target["Status"] = target["DetailedStatus"] = status
            target["LastExecutionDate"] = end
        current = association.current
        if association.executions[-1] is not execution:
            return  # a later run has started: the association follows that one
        current["LastExecutionDate"] = end
        if outcome == "Success":
            current["LastSuccessfulExecutionDate"] = end
        current["Overview"] = {
            "Status": outcome,
            "DetailedStatus": outcome,
            "AssociationStatusAggregatedCount": counts,
        }
        if current.get("InstanceId"):
            # A legacy association's Status is what its node's agent reports
            # (UpdateAssociationStatus); a run does not change it.
            return
        failed = counts.get("Failed", 0)
        total = len(outcomes)
        current["Status"] = {
            "Date": end,
            "Name": outcome,
            "Message": f"{failed} of {total} targets failed"
            if failed
            else f"{total} of {total} targets succeeded",
        }

    def _new_status(self, now: datetime.datetime, p: Params) -> Params:
        # As AWS's create-association examples show them: a legacy association
        # (InstanceId) is "Associated with" its document; Overview is
        # "Pending"/"Creating" until a run is recorded.
        if p.get("InstanceId"):
            name, message = "Associated", f"Associated with {p.get('Name')}"
        else:
            name, message = "Pending", "Associated with targets"
        return {
            "Status": {"Date": now, "Name": name, "Message": message},
            "Overview": {"Status": "Pending", "DetailedStatus": "Creating"},
        }

    def _create_one(self, p: Params) -> Params:
        self._check_association_rules(p)
        self.check_document(p.get("Name"))
        instance_id = p.get("InstanceId")
        if instance_id:
            for association in self.associations.values():
                current = association.current
                if (
                    current.get("Name") == p.get("Name")
                    and current.get("InstanceId") == instance_id
                ):
                    raise fail(
                        "AssociationAlreadyExists",
                        "The specified association already exists.",
                    )
        now = _now()
        description = {k: v for k, v in _clean(p).items() if k in DESCRIPTION}
        description.setdefault("DocumentVersion", "$DEFAULT")
        if instance_id and not description.get("Targets"):
            # A legacy association reports its node as its target.
            description["Targets"] = [{"Key": "InstanceIds", "Values": [instance_id]}]
        description.update(
            AssociationId=str(uuid.uuid4()),
            AssociationVersion="1",
            Date=now,
            LastUpdateAssociationDate=now,
            **self._new_status(now, p),
        )
        association = _Association(description)
        self.associations[description["AssociationId"]] = association
        # Tags: "Adds or overwrites one or more tags for a State Manager
        # association"; ListTagsForResource serves them.
        if p.get("Tags"):
            key = ("Association", description["AssociationId"])
            self.tags[key] = {t["Key"]: t["Value"] for t in p["Tags"]}
        # The answer is the association as created; the run it causes is seen
        # by later reads. ApplyOnlyAtCronInterval: "By default, when you create a
        # new association, the system runs it immediately after it is created."
        created = copy.deepcopy(association.current)
        if not p.get("ApplyOnlyAtCronInterval"):
            self._run(association)
        return created

    def create_association(self, p: Params) -> Params:
        return {"AssociationDescription": self._create_one(p)}

    def create_association_batch(self, p: Params) -> Params:
        # Entries that fail are reported in Failed; the others are created.
        successful, failed = [], []
        for entry in p["Entries"]:
            try:
                successful.append(self._create_one(entry))
            except ServiceException as exc:
                failed.append(
                    {"Entry": entry, "Message": exc.message, "Fault": "Client"}
                )
        return {"Successful": successful, "Failed": failed}

    def describe_association(self, p: Params) -> Params:
        if p.get("AssociationId"):
            association = self._association(p["AssociationId"])
        else:
            association = self._by_name_and_instance(p.get("Name"), p.get("InstanceId"))
        # AssociationVersion: "To view the latest version, either specify $LATEST for
        # this parameter, or omit this parameter."
        version = p.get("AssociationVersion")
        if version in (None, "$LATEST"):
            return {"AssociationDescription": association.current}
        for described in association.versions:
            if described["AssociationVersion"] == version:
                return {"AssociationDescription": described}
        raise fail("InvalidAssociationVersion", f"Version {version} doesn't exist.")

    def update_association(self, p: Params) -> Params:
        association = self._association(p.get("AssociationId"))
        current = association.current
        # AssociationVersion: "This parameter is provided for concurrency control
        # purposes. You must specify the latest association version in the service.
        # If you want to ensure that this request succeeds, either specify $LATEST,
        # or omit this parameter."
        version = p.get("AssociationVersion")
        if (
            version not in (None, "$LATEST")
            and version != current["AssociationVersion"]
        ):
            raise fail(
                "InvalidAssociationVersion",
                f"Version {version} isn't the latest, "
                f"{current['AssociationVersion']} is.",
            )
        self._check_association_rules(p)
        self.check_document(p.get("Name"))
        # "When you call UpdateAssociation, the system removes all optional
        # parameters from the request and overwrites the association with null
        # values for those parameters. This is by design. You must specify all
        # optional parameters in the call, even if you are not changing the
        # parameters. This includes the Name parameter."
        # So every member the request could carry is taken from the request or
        # nulled; the members only the service sets are kept.
        now = _now()
        updated = {
            k: copy.deepcopy(v) for k, v in current.items() if k not in UPDATE_INPUT
        }
        updated.update({k: v for k, v in _clean(p).items() if k in DESCRIPTION})
        # Opted into by a test: AWS's update-association examples show Name and
        # Targets kept by a partial update, against the API reference above.
        for member in self.kept_on_update - set(_clean(p)):
            if member in current:
                updated[member] = copy.deepcopy(current[member])
        updated.update(
            AssociationId=current["AssociationId"],
            AssociationVersion=str(int(current["AssociationVersion"]) + 1),
            LastUpdateAssociationDate=now,
            **self._new_status(now, updated),
        )
        association.versions.append(updated)
        written = copy.deepcopy(updated)
        # "When you update an association, the association immediately runs against
        # the specified targets. You can add the ApplyOnlyAtCronInterval parameter to
        # run the association during the next schedule run."
        if not p.get("ApplyOnlyAtCronInterval"):
            self._run(association)
        return {"AssociationDescription": written}

    def delete_association(self, p: Params) -> Params:
        if p.get("AssociationId"):
            association = self._association(p["AssociationId"])
        else:
            association = self._by_name_and_instance(p.get("Name"), p.get("InstanceId"))
        association_id = association.current["AssociationId"]
        del self.associations[association_id]
        self.tags.pop(("Association", association_id), None)
        return {}

    def check_document(self, name: str | None) -> None:
        """Refuse a document the account does not have, as the service does.

        AWS's managed documents (see ``_documents.MANAGED``) and those made
        with ``CreateDocument`` exist; an ARN is taken on trust.
        """
        if name is not None and not known(self.backend, name):
            raise fail("InvalidDocument", "The specified SSM document doesn't exist.")

    @property
    def backend(self) -> Any:
        """moto's SSM backend for this account and region (``None`` if gone)."""
        return self._backend() if self._backend is not None else None

    def _on_node(self, instance_id: str) -> list[_Association]:
        return [
            a
            for a in self.associations.values()
            if instance_id in _resource_ids(a.current)
        ]

    def describe_instance_associations_status(self, p: Params) -> Params:
        # "The status of the associations for the managed node(s)": the latest
        # run of each association on this node, or Pending before its first.
        instance_id = p["InstanceId"]
        infos = []
        for association in self._on_node(instance_id):
            current = association.current
            info = {
                "AssociationId": current["AssociationId"],
                "Name": current["Name"],
                "DocumentVersion": current.get("DocumentVersion", "$DEFAULT"),
                "AssociationVersion": current["AssociationVersion"],
                "InstanceId": instance_id,
                "ExecutionDate": current.get("Date"),
                "Status": "Pending",
                "DetailedStatus": "Associated",
                "AssociationName": current.get("AssociationName"),
            }
            for execution in reversed(association.executions):
                targets = execution["_targets"]
                ran = [t for t in targets if t["ResourceId"] == instance_id]
                if ran:
                    info.update(
                        ExecutionDate=ran[0]["LastExecutionDate"],
                        Status=ran[0]["Status"],
                        DetailedStatus=ran[0]["DetailedStatus"],
                        ExecutionSummary=_summary(ran[0]["Status"]),
                    )
                    break
            infos.append(_clean(info))
        return page(infos, p, "InstanceAssociationStatusInfos")

    def describe_effective_instance_associations(self, p: Params) -> Params:
        # "All associations for the managed node(s)", each with its document's
        # content.
        instance_id = p["InstanceId"]
        effective = [
            {
                "AssociationId": a.current["AssociationId"],
                "InstanceId": instance_id,
                "Content": content_of(self.backend, a.current["Name"]),
                "AssociationVersion": a.current["AssociationVersion"],
            }
            for a in self._on_node(instance_id)
        ]
        return page(effective, p, "Associations", limit=5)

    # -- tags ---------------------------------------------------------------

    def _tag_list(self, resource_type: str, resource_id: str) -> list[Params]:
        tags = self.tags.get((resource_type, resource_id), {})
        return [{"Key": k, "Value": v} for k, v in tags.items()]

    def _tagged(self, p: Params) -> dict[str, str]:
        # ResourceId: "Use the ID of the resource"; an association's is its id,
        # an automation's its execution id.
        resource = (p["ResourceType"], p["ResourceId"])
        exists: dict[str, Any] = {
            "Association": self.associations,
            "Automation": self.automations,
        }
        if resource[1] not in exists[resource[0]]:
            raise fail("InvalidResourceId", "The resource ID isn't valid.")
        return self.tags.setdefault(resource, {})

    def add_tags_to_resource(self, p: Params) -> Params:
        tags = self._tagged(p)
        # "Adds or overwrites one or more tags"; "Most resources can have a
        # maximum of 50 tags."
        added = {t["Key"]: t["Value"] for t in p["Tags"]}
        most = 5 if p["ResourceType"] == "Automation" else 50
        if len({**tags, **added}) > most:
            raise fail(
                "TooManyTagsError",
                "The Targets parameter includes too many tags.",
            )
        tags.update(added)
        return {}

    def remove_tags_from_resource(self, p: Params) -> Params:
        tags = self._tagged(p)
        for key in p["TagKeys"]:
            tags.pop(key, None)
        return {}

    def list_tags_for_resource(self, p: Params) -> Params:
        self._tagged(p)
        return {"TagList": self._tag_list(p["ResourceType"], p["ResourceId"])}

    def list_associations(self, p: Params) -> Params:
        matches: list[Callable[[Params], bool]] = []
        for f in p.get("AssociationFilterList", []):
            matches.append(_association_filter(f["key"], f["value"]))
        found = [
            a.current
            for a in self.associations.values()
            if all(match(a.current) for match in matches)
        ]
        return page(found, p, "Associations")

    def list_association_versions(self, p: Params) -> Params:
        association = self._association(p.get("AssociationId"))
        versions = [
            {**described, "CreatedDate": described["LastUpdateAssociationDate"]}
            for described in reversed(association.versions)
        ]
        return page(versions, p, "AssociationVersions")

    def update_association_status(self, p: Params) -> Params:
        # "UpdateAssociationStatus is primarily used by the Amazon Web Services
        # Systems Manager Agent (SSM Agent) to report status updates about your
        # associations and is only used for associations created with the
        # InstanceId legacy parameter."
        association = self._by_name_and_instance(p.get("Name"), p.get("InstanceId"))
        status = dict(p["AssociationStatus"])
        status["Date"] = _timestamp(status["Date"])
        current = association.current
        # StatusUnchanged: "The updated status is the same as the current
        # status": the status as reported, its date aside.
        compared = ("Name", "Message", "AdditionalInfo")
        now = current["Status"]
        if all(now.get(k) == status.get(k) for k in compared):
            raise fail(
                "StatusUnchanged",
                "The updated status is the same as the current status.",
            )
        current["Status"] = status
        return {"AssociationDescription": current}

    def start_associations_once(self, p: Params) -> Params:
        # "Runs an association immediately and only one time."
        ids = p["AssociationIds"]
        for association_id in ids:
            if association_id not in self.associations:
                raise fail(
                    "InvalidAssociation",
                    "The association isn't valid or doesn't exist.",
                )
        for association_id in ids:
            self._run(self.associations[association_id])
        return {}

    def describe_association_executions(self, p: Params) -> Params:
        association = self._association(p.get("AssociationId"))
        executions = [
            {k: v for k, v in e.items() if not k.startswith("_")}
            for e in reversed(association.executions)
        ]
        for f in p.get("Filters", []):
            executions = [e for e in executions if _execution_filter(e, f)]
        return page(executions, p, "AssociationExecutions")

    def describe_association_execution_targets(self, p: Params) -> Params:
        association = self._association(p.get("AssociationId"))
        for execution in association.executions:
            if execution["ExecutionId"] == p.get("ExecutionId"):
                targets = list(execution["_targets"])
                break
        else:
            raise fail(
                "AssociationExecutionDoesNotExist",
                "The specified execution ID doesn't exist.",
            )
        for f in p.get("Filters", []):
            targets = [t for t in targets if str(t.get(f["Key"])) == f["Value"]]
        return page(targets, p, "AssociationExecutionTargets")

    # -- maintenance windows, their targets, and patch baselines --------------
    #
    # moto keeps these, but lacks their updates and GetPatchBaseline, drops
    # members (AllowUnassociatedTargets, Enabled, a target's OwnerInformation)
    # and finds no window target once a filter is given. The stand-in serves
    # them from moto's objects.

    def _window(self, backend: Any, window_id: str) -> Any:
        window = backend.windows.get(window_id)
        if window is None:
            raise fail(
                "DoesNotExistException",
                f"Maintenance window {window_id} does not exist",
            )
        if window_id not in self.window_state:
            # One moment: a window never updated was modified when it was made.
            now = _now()
            self.window_state[window_id] = {
                "AllowUnassociatedTargets": False,
                "Enabled": True,
                "CreatedDate": now,
                "ModifiedDate": now,
            }
        return window

    def _window_view(self, window: Any) -> Params:
        return _clean(
            {
                **{m: getattr(window, a) for m, a in _WINDOW_ATTRIBUTES.items()},
                "WindowId": window.id,
                **self.window_state[window.id],
            }
        )

    def create_maintenance_window(self, p: Params, backend: Any) -> Params:
        _check_window_schedule(p)
        window_id = backend.create_maintenance_window(
            **{a: p.get(m) for m, a in _WINDOW_ATTRIBUTES.items()},
            tags=p.get("Tags"),
        )
        self._window(backend, window_id)
        # AllowUnassociatedTargets is required; Enabled is not a member of the
        # request: "By default, a maintenance window is enabled".
        self.window_state[window_id]["AllowUnassociatedTargets"] = p[
            "AllowUnassociatedTargets"
        ]
        return {"WindowId": window_id}

    def get_maintenance_window(self, p: Params, backend: Any) -> Params:
        return self._window_view(self._window(backend, p["WindowId"]))

    @staticmethod
    def _replaced(p: Params, create: str, members: Iterable[str]) -> Params:
        """What an update with ``Replace`` stores, or without it, changes.

        Without Replace: "Only specified parameters are modified." With it: "If
        True, then all fields that are required by the [create] operation are
        also required for this API request. Optional fields that aren't
        specified are set to null."
        """
        if not p.get("Replace"):
            return {m: p[m] for m in members if p.get(m) is not None}
        shape = MODEL.operation_model(create).input_shape
        assert shape is not None
        required = shape.required_members
        missing = [m for m in required if m in members and p.get(m) is None]
        if missing:
            raise fail(
                "ValidationException",
                f"{', '.join(missing)} must be specified when Replace is true.",
            )
        return {m: p.get(m) for m in members}

    def update_maintenance_window(self, p: Params, backend: Any) -> Params:
        _check_window_schedule(p)
        window = self._window(backend, p["WindowId"])
        given = self._replaced(p, "CreateMaintenanceWindow", _WINDOW_MEMBERS)
        state = self.window_state[window.id]
        for member, value in given.items():
            if member in _WINDOW_ATTRIBUTES:
                setattr(window, _WINDOW_ATTRIBUTES[member], copy.deepcopy(value))
            else:
                state[member] = value
        state["ModifiedDate"] = _now()
        view = self._window_view(window)
        return {k: v for k, v in view.items() if k in _WINDOW_RESULT}

    def _window_target(self, window: Any, target_id: str) -> Any:
        target = window.targets.get(target_id)
        if target is None:
            raise fail(
                "DoesNotExistException",
                f"Maintenance window target {target_id} does not exist",
            )
        return target

    @staticmethod
    def _target_view(target: Any) -> Params:
        return _clean(
            {
                "WindowId": target.window_id,
                "WindowTargetId": target.window_target_id,
                "ResourceType": target.resource_type,
                "Targets": target.targets,
                "OwnerInformation": target.owner_information,
                "Name": target.name,
                "Description": target.description,
            }
        )

    def describe_maintenance_window_targets(self, p: Params, backend: Any) -> Params:
        window = self._window(backend, p["WindowId"])
        targets = [self._target_view(t) for t in window.targets.values()]
        # "The supported filter keys are Type, WindowTargetId, and OwnerInformation."
        keys = {"Type": "ResourceType"}
        for f in p.get("Filters", []):
            member = keys.get(f["Key"], f["Key"])
            targets = [t for t in targets if t.get(member) in f.get("Values", [])]
        return page(targets, p, "Targets")

    def deregister_target_from_maintenance_window(
        self, p: Params, backend: Any
    ) -> Params:
        window = self._window(backend, p["WindowId"])
        self._window_target(window, p["WindowTargetId"])
        # Safe: "The system checks if the target is being referenced by a
        # task. If the target is being referenced, the system returns an error
        # and doesn't deregister the target from the maintenance window."
        if p.get("Safe"):
            for task in self.tasks.get(p["WindowId"], {}).values():
                for target in task.get("Targets") or []:
                    named = target.get("Values") or []
                    if (
                        target.get("Key") == "WindowTargetIds"
                        and p["WindowTargetId"] in named
                    ):
                        raise fail(
                            "TargetInUseException",
                            "You specified the Safe option for the "
                            "DeregisterTargetFromMaintenanceWindow operation, but "
                            "the target is still referenced in a task.",
                        )
        del window.targets[p["WindowTargetId"]]
        return {"WindowId": p["WindowId"], "WindowTargetId": p["WindowTargetId"]}

    def update_maintenance_window_target(self, p: Params, backend: Any) -> Params:
        window = self._window(backend, p["WindowId"])
        target = self._window_target(window, p["WindowTargetId"])
        given = self._replaced(
            p, "RegisterTargetWithMaintenanceWindow", _TARGET_ATTRIBUTES
        )
        for member, value in given.items():
            setattr(target, _TARGET_ATTRIBUTES[member], copy.deepcopy(value))
        view = self._target_view(target)
        view.pop("ResourceType")
        return view

    def _baseline(self, backend: Any, baseline_id: str) -> Any:
        baseline = backend.baselines.get(baseline_id)
        if baseline is None:
            raise fail(
                "DoesNotExistException", f"Patch baseline {baseline_id} does not exist"
            )
        if baseline_id not in self.baseline_dates:
            now = _now()
            self.baseline_dates[baseline_id] = [now, now]
        return baseline

    def _baseline_view(self, baseline: Any) -> Params:
        created, modified = self.baseline_dates[baseline.id]
        view = {m: getattr(baseline, a) for m, a in _BASELINE_ATTRIBUTES.items()}
        # The documented defaults of what was never set.
        view["ApprovedPatchesComplianceLevel"] = (
            view["ApprovedPatchesComplianceLevel"] or "UNSPECIFIED"
        )
        view["RejectedPatchesAction"] = (
            view["RejectedPatchesAction"] or "ALLOW_AS_DEPENDENCY"
        )
        view["ApprovedPatchesEnableNonSecurity"] = bool(
            view["ApprovedPatchesEnableNonSecurity"]
        )
        # moto keeps {} for filters and rules never given; AWS answers a
        # baseline without global filters with an empty list of them.
        view["GlobalFilters"] = view["GlobalFilters"] or {"PatchFilters": []}
        view["ApprovalRules"] = view["ApprovalRules"] or None
        return _clean(
            {
                "BaselineId": baseline.id,
                # OperatingSystem: "If you don't specify an operating system
                # value, the patch baseline defaults to Windows."
                "OperatingSystem": baseline.operating_system or "WINDOWS",
                **view,
                "CreatedDate": created,
                "ModifiedDate": modified,
            }
        )

    def get_patch_baseline(self, p: Params, backend: Any) -> Params:
        baseline = self._baseline(backend, p["BaselineId"])
        groups = [
            name
            for name, group in backend.patch_groups.items()
            if baseline.id in group.associations.values()
        ]
        return {**self._baseline_view(baseline), "PatchGroups": groups}

    def update_patch_baseline(self, p: Params, backend: Any) -> Params:
        baseline = self._baseline(backend, p["BaselineId"])
        given = self._replaced(p, "CreatePatchBaseline", _BASELINE_ATTRIBUTES)
        for member, value in given.items():
            setattr(baseline, _BASELINE_ATTRIBUTES[member], copy.deepcopy(value))
        self.baseline_dates[baseline.id][1] = _now()
        return self._baseline_view(baseline)

    # -- maintenance window tasks ---------------------------------------------

    def _window_tasks(
        self, window_id: str, windows: Iterable[str]
    ) -> dict[str, Params]:
        if window_id not in windows:
            raise fail(
                "DoesNotExistException",
                f"Maintenance window {window_id} does not exist",
            )
        return self.tasks.setdefault(window_id, {})

    def _task(self, p: Params, windows: Iterable[str]) -> Params:
        tasks = self._window_tasks(p["WindowId"], windows)
        task = tasks.get(p["WindowTaskId"])
        if task is None:
            raise fail(
                "DoesNotExistException",
                f"Maintenance window task {p['WindowTaskId']} does not exist",
            )
        return task

    @staticmethod
    def _check_task_targets(task: Params, given: Params) -> None:
        # MaxConcurrency and MaxErrors: "For maintenance window tasks without a
        # target specified, you can't supply a value for this option. Instead, the
        # system inserts a placeholder value of 1. This value doesn't affect the
        # running of your task." And: "a value can be omitted only when you are
        # registering or updating a targetless task. You must provide a value in
        # all other cases."
        if not task.get("Targets"):
            if task.get("TaskType") == "RUN_COMMAND":
                raise fail(
                    "ValidationException",
                    "One or more targets must be specified for maintenance window "
                    "Run Command-type tasks.",
                )
            for member in ("MaxConcurrency", "MaxErrors"):
                if given.get(member) is not None:
                    raise fail(
                        "ValidationException",
                        f"{member}: for maintenance window tasks without a target "
                        "specified, you can't supply a value for this option.",
                    )
                task[member] = "1"
        else:
            for member in ("MaxConcurrency", "MaxErrors"):
                if not task.get(member):
                    raise fail(
                        "ValidationException",
                        f"{member}: a value can be omitted only for a targetless task.",
                    )

    def register_task_with_maintenance_window(
        self, p: Params, windows: Iterable[str]
    ) -> Params:
        tasks = self._window_tasks(p["WindowId"], windows)
        task = {k: v for k, v in _clean(p).items() if k in TASK_RESULT}
        task["WindowTaskId"] = str(uuid.uuid4())
        self._check_task_targets(task, p)
        self._check_task_document(task)
        tasks[task["WindowTaskId"]] = task
        return {"WindowTaskId": task["WindowTaskId"]}

    def _check_task_document(self, task: Params) -> None:
        # TaskArn: for RUN_COMMAND and AUTOMATION tasks, "the SSM document name
        # or ARN".
        if task.get("TaskType") in ("RUN_COMMAND", "AUTOMATION"):
            self.check_document(task.get("TaskArn"))

    def get_maintenance_window_task(self, p: Params, windows: Iterable[str]) -> Params:
        return self._task(p, windows)

    def describe_maintenance_window_tasks(
        self, p: Params, windows: Iterable[str]
    ) -> Params:
        tasks = list(self._window_tasks(p["WindowId"], windows).values())
        for f in p.get("Filters", []):
            tasks = [t for t in tasks if str(t.get(f["Key"])) in f.get("Values", [])]
        described = [{**t, "Type": t.get("TaskType")} for t in tasks]
        return page(described, p, "Tasks")

    def deregister_task_from_maintenance_window(
        self, p: Params, windows: Iterable[str]
    ) -> Params:
        self._task(p, windows)
        del self.tasks[p["WindowId"]][p["WindowTaskId"]]
        return {"WindowId": p["WindowId"], "WindowTaskId": p["WindowTaskId"]}

    def update_maintenance_window_task(
        self, p: Params, windows: Iterable[str]
    ) -> Params:
        task = self._task(p, windows)
        given = {k: v for k, v in _clean(p).items() if k in TASK_RESULT}
        if "TaskArn" in given:
            self._check_task_document({**task, **given})
        if p.get("Replace"):
            # Replace: "If True, then all fields that are required by the
            # RegisterTaskWithMaintenanceWindow operation are also required for this
            # API request. Optional fields that aren't specified are set to null."
            if "TaskArn" not in given:
                raise fail(
                    "ValidationException", "TaskArn is required when Replace is true."
                )
            updated = {
                "WindowId": task["WindowId"],
                "WindowTaskId": task["WindowTaskId"],
                "TaskType": task["TaskType"],  # "You can't change the task type"
                **given,
            }
        else:
            # "If the value for a parameter in UpdateMaintenanceWindowTask is null,
            # then the corresponding field isn't modified." But TaskInvocationParameters
            # is replaced whole: "When you update a maintenance window task that has
            # options specified in TaskInvocationParameters, you must provide again all
            # the TaskInvocationParameters values that you want to retain. The values
            # you don't specify again are removed."
            updated = {**copy.deepcopy(task), **given}
            if not given.get("Targets") and "Targets" in given:
                updated.pop("Targets")
        # A task that loses its targets goes back to the placeholders.
        self._check_task_targets(updated, given)
        task.clear()
        task.update(updated)
        return task

    def run_maintenance_window(self, window_id: str, windows: Iterable[str]) -> str:
        """Record one run of a window: a successful execution of each of its tasks."""
        tasks = self._window_tasks(window_id, windows)
        execution_id = str(uuid.uuid4())
        now = _now()
        runs: dict[str, Params] = {}
        for task in tasks.values():
            task_execution_id = str(uuid.uuid4())
            runs[task_execution_id] = _clean(
                {
                    "WindowExecutionId": execution_id,
                    "TaskExecutionId": task_execution_id,
                    "TaskArn": task["TaskArn"],
                    "TaskType": task["TaskType"],
                    "Type": task["TaskType"],
                    "ServiceRole": task.get("ServiceRoleArn"),
                    "TaskParameters": [task["TaskParameters"]]
                    if task.get("TaskParameters")
                    else None,
                    "Priority": task.get("Priority"),
                    "MaxConcurrency": task.get("MaxConcurrency"),
                    "MaxErrors": task.get("MaxErrors"),
                    "Status": "SUCCESS",
                    "StatusDetails": "Success",
                    "StartTime": now,
                    "EndTime": now,
                    "AlarmConfiguration": task.get("AlarmConfiguration"),
                }
            )
        self.window_executions[execution_id] = runs
        return execution_id

    def _window_execution(self, execution_id: str) -> dict[str, Params]:
        runs = self.window_executions.get(execution_id)
        if runs is None:
            raise fail(
                "DoesNotExistException",
                f"Maintenance window execution {execution_id} does not exist",
            )
        return runs

    def describe_maintenance_window_execution_tasks(self, p: Params) -> Params:
        runs = list(self._window_execution(p["WindowExecutionId"]).values())
        for f in p.get("Filters", []):
            runs = [r for r in runs if str(r.get(f["Key"])) in f.get("Values", [])]
        return page(runs, p, "WindowExecutionTaskIdentities")

    def get_maintenance_window_execution_task(self, p: Params) -> Params:
        run = self._window_execution(p["WindowExecutionId"]).get(p["TaskId"])
        if run is None:
            raise fail(
                "DoesNotExistException", f"Task execution {p['TaskId']} does not exist"
            )
        return run

    # -- commands -------------------------------------------------------------

    def cancel(
        self, command_id: str, instance_ids: Iterable[str], everywhere: list[str]
    ) -> None:
        """Record a CancelCommand: on these nodes, of the command's ``everywhere``."""
        cancelled = self.cancelled.setdefault(command_id, {"all": set(everywhere)})
        cancelled.setdefault("on", set()).update(instance_ids)

    def time_command(self, command_id: str) -> None:
        """A command just sent.

        It takes the run duration (without one, it is done at once), and fails
        on the nodes ``fail_runs`` names now.
        """
        now = _now()
        end = now + datetime.timedelta(seconds=self.run_duration)
        self.command_times[command_id] = (now, end, frozenset(self.failing))

    def unseen_yet(self, command_id: str) -> bool:
        """Whether a command's invocations are not to be found yet.

        Right after SendCommand, AWS may answer GetCommandInvocation with
        InvocationDoesNotExist and list no invocation (botocore's
        CommandExecuted waiter fails on it: boto/boto3#2701): so does the
        local SSM for the first quarter of a timed command's run.
        """
        times = self.command_times.get(command_id)
        if times is None:
            return False
        return _phase(times[0], times[1], _now()) == "Pending"

    def show_timed(self, answer: Params) -> None:
        """A command or invocation answer as the time since it was sent has it."""
        times = self.command_times.get(answer.get("CommandId", ""))
        if times is None or answer.get("Status") == "Cancelled":
            return
        start, end, failing = times
        now = _now()
        if now < end:
            status = _phase(start, end, now)
            answer["Status"] = answer["StatusDetails"] = status
            if "CompletedCount" in answer:
                answer["CompletedCount"] = 0  # a command: no node has finished
            for plugin in answer.get("CommandPlugins", []):
                plugin["Status"] = status
                plugin["ResponseCode"] = -1
            if "ResponseCode" in answer:
                answer["ResponseCode"] = -1
            return
        if "InstanceId" in answer:
            failed = answer["InstanceId"] in failing
        else:
            errors = len(failing & set(answer.get("InstanceIds") or ()))
            failed = bool(errors)
            if "ErrorCount" in answer:
                answer["ErrorCount"] = errors  # a command: its failed nodes
        if not failed:
            return
        answer["Status"] = answer["StatusDetails"] = "Failed"
        for plugin in answer.get("CommandPlugins", []):
            plugin["Status"] = "Failed"
            plugin["ResponseCode"] = 1
        if "ResponseCode" in answer:
            answer["ResponseCode"] = 1
            answer["StandardErrorContent"] = "failed on this node (StandIn.fail_runs)"

    def show_cancelled(self, answer: Params) -> None:
        """A command or invocation answer as CancelCommand left it.

        An invocation cancelled on its node reads ``Cancelled``; a command
        reads ``Cancelled`` once it is cancelled on every node it was sent to,
        so ListCommands, ListCommandInvocations and GetCommandInvocation agree.
        """
        if answer.get("StatusDetails") == "Details placeholder":
            # moto's filler; AWS details a finished command as its status.
            answer["StatusDetails"] = answer.get("Status")
        cancelled = self.cancelled.get(answer.get("CommandId", ""))
        if cancelled is None:
            return
        if "InstanceId" in answer:
            hit = answer["InstanceId"] in cancelled["on"]
        else:
            hit = cancelled["all"] <= cancelled["on"]
        if hit:
            # An invocation's plugins are listed after, from its status.
            answer["Status"] = answer["StatusDetails"] = "Cancelled"

    def remember_command_alarms(self, command: Params, p: Params) -> None:
        if p.get("AlarmConfiguration"):
            self.command_alarms[command["CommandId"]] = copy.deepcopy(
                p["AlarmConfiguration"]
            )
        self.add_command_alarms(command)

    def add_command_alarms(self, command: Params) -> None:
        alarms = self.command_alarms.get(command.get("CommandId", ""))
        if alarms is not None:
            command["AlarmConfiguration"] = copy.deepcopy(alarms)

    # -- automation -----------------------------------------------------------

    def start_automation_execution(self, p: Params) -> Params:
        token = p.get("ClientToken")
        if token and token.lower() in self.client_tokens:
            # ClientToken: "The token must be unique, is case insensitive, enforces
            # the UUID format, and can't be reused."
            raise fail(
                "IdempotentParameterMismatch", "The client token was used before."
            )
        self.check_document(p.get("DocumentName"))
        execution_id = str(uuid.uuid4())
        if token:
            self.client_tokens.add(token.lower())
        execution = {k: v for k, v in _clean(p).items() if k in AUTOMATION}
        # Tags: kept for ListTagsForResource (resource type Automation) and the
        # TagKey filter; "Automations can have a maximum of 5 tags."
        if p.get("Tags"):
            self.tags[("Automation", execution_id)] = {
                t["Key"]: t["Value"] for t in p["Tags"]
            }
        execution.setdefault("DocumentVersion", "$DEFAULT")
        execution.setdefault("Mode", "Auto")
        execution.update(
            AutomationExecutionId=execution_id,
            AutomationExecutionStatus="InProgress",
            ExecutionStartTime=_now(),
            ExecutedBy=f"arn:aws:sts::{self.account_id}:assumed-role/test/test",
            AutomationType="CrossAccount" if p.get("TargetLocations") else "Local",
        )
        if self.run_duration > 0:
            # With a run duration, it ends in Success once that has passed;
            # without one it stays InProgress, for a test to stop it.
            execution["AutomationExecutionStatus"] = "Pending"
            self.automation_ends[execution_id] = execution[
                "ExecutionStartTime"
            ] + datetime.timedelta(seconds=self.run_duration)
        self.automations[execution_id] = execution
        return {"AutomationExecutionId": execution_id}

    def _automation(self, execution_id: str | None) -> Params:
        found = self.automations.get(execution_id or "")
        if found is None:
            raise fail(
                "AutomationExecutionNotFoundException",
                "There is no automation execution information for the requested "
                "automation execution ID.",
            )
        return found

    def get_automation_execution(self, p: Params) -> Params:
        return {"AutomationExecution": self._automation(p.get("AutomationExecutionId"))}

    def describe_automation_executions(self, p: Params) -> Params:
        found = [
            {**e, "_tags": self._tag_list("Automation", e["AutomationExecutionId"])}
            for e in self.automations.values()
        ]
        for f in p.get("Filters", []):
            # Each date is judged whether or not an execution is there to match.
            if f["Key"] in ("StartTimeBefore", "StartTimeAfter"):
                for value in f["Values"]:
                    _moment(value)
            found = [e for e in found if _automation_filter(e, f["Key"], f["Values"])]
        # The answer is written through its shape: "_tags" never leaves.
        return page(found, p, "AutomationExecutionMetadataList")

    def stop_automation_execution(self, p: Params) -> Params:
        execution = self._automation(p.get("AutomationExecutionId"))
        if execution["AutomationExecutionStatus"] not in (
            "Pending",
            "InProgress",
            "Waiting",
        ):
            raise fail(
                "InvalidAutomationStatusUpdateException",
                "The specified update status operation isn't valid.",
            )
        # Type: "The stop request type. Valid types include the following: Cancel
        # and Complete. The default type is Cancel."
        stopped = "Success" if p.get("Type") == "Complete" else "Cancelled"
        execution["AutomationExecutionStatus"] = stopped
        execution["ExecutionEndTime"] = _now()
        return {}


def service_for(backend: Any) -> Service:
    """The stand-in state kept on a moto SSM backend, made on first use."""
    service = backend.__dict__.get("_ssmkit_service")
    if service is None:
        service = backend.__dict__.setdefault(
            "_ssmkit_service",
            Service(backend.account_id, backend.region_name, backend),
        )
    return service  # type: ignore[no-any-return]


# -- helpers ----------------------------------------------------------------------


def _timestamp(value: Any) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.fromtimestamp(float(value), tz=datetime.timezone.utc)


def _resource_ids(description: Params) -> list[str]:
    if description.get("InstanceId"):
        return [description["InstanceId"]]
    ids: list[str] = []
    for target in description.get("Targets", []):
        if str(target.get("Key", "")).lower() == "instanceids":
            ids.extend(v for v in target.get("Values", []) if v != "*")
    return ids


def _summary(status: str) -> str:
    # As AWS's describe-instance-associations-status example words it.
    success, failed = (1, 0) if status == "Success" else (0, 1)
    return (
        f"1 out of 1 plugin processed, {success} success, {failed} failed, "
        "0 timedout, 0 skipped. "
    )


def _association_filter(key: str, value: str) -> Callable[[Params], bool]:
    def by_connector(d: Params) -> bool:
        return any(
            t.get("Key") == "CloudConnectorId" and value in t.get("Values", [])
            for t in d.get("Targets", [])
        )

    def executed(before: bool) -> Callable[[Params], bool]:
        # ListAssociations declares no filter errors: the service's common one.
        moment = _moment(value, "ValidationException")

        def check(d: Params) -> bool:
            last = d.get("LastExecutionDate")
            return last is not None and ((last < moment) if before else (last > moment))

        return check

    filters: dict[str, Callable[[Params], bool]] = {
        # "Filtering associations using the InstanceID attribute only returns
        # legacy associations created using the InstanceID attribute."
        "InstanceId": lambda d: d.get("InstanceId") == value,
        "CloudConnectorId": by_connector,
        "Name": lambda d: d.get("Name") == value,
        "AssociationId": lambda d: d.get("AssociationId") == value,
        "AssociationStatusName": lambda d: d.get("Overview", {}).get("Status") == value,
        "AssociationName": lambda d: d.get("AssociationName") == value,
        "ResourceGroupName": lambda d: any(
            t.get("Key") == "resource-groups:Name" and value in t.get("Values", [])
            for t in d.get("Targets", [])
        ),
    }
    if key in ("LastExecutedBefore", "LastExecutedAfter"):
        return executed(before=key == "LastExecutedBefore")
    if key not in filters:
        raise fail("InvalidFilterKey", f"The specified key isn't valid: {key}")
    return filters[key]


def _execution_filter(execution: Params, f: Params) -> bool:
    key, value, kind = f["Key"], f["Value"], f["Type"]
    if key == "CreatedTime":
        moment = _moment(value, "ValidationException")
        created = execution["CreatedTime"]
        return bool(
            {
                "EQUAL": created == moment,
                "LESS_THAN": created < moment,
                "GREATER_THAN": created > moment,
            }[kind]
        )
    return bool(str(execution.get(key)) == value)


def _check_window_schedule(p: Params) -> None:
    """A window's schedule and dates, refused as the service refuses them."""
    schedule = p.get("Schedule")
    if schedule is not None and schedule_problem(schedule) is not None:
        raise fail(
            "ValidationException",
            "Invalid cron or rate expression. Verify your schedule and try again.",
        )
    for member in ("StartDate", "EndDate"):
        # "The date and time, in ISO-8601 Extended format".
        value = p.get(member)
        if value is None:
            continue
        try:
            datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            msg = f"{member} must be a date and time in ISO-8601 Extended format."
            raise fail("ValidationException", msg) from None


def _moment(value: str, code: str = "InvalidFilterValue") -> datetime.datetime:
    """A filter's date; one without a zone is UTC, as the service takes it."""
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        msg = f"The filter value isn't valid: {value}"
        raise fail(code, msg) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment


def _automation_filter(execution: Params, key: str, values: list[str]) -> bool:
    """Whether an execution matches one filter: any of its values, by key.

    Every key of ``AutomationExecutionFilterKey`` is applied; a key the model
    does not list is refused, as the service refuses it.
    """
    if key in ("StartTimeBefore", "StartTimeAfter"):
        started = execution["ExecutionStartTime"]
        moments = [_moment(v) for v in values]
        if key == "StartTimeBefore":
            return any(started < m for m in moments)
        return any(started > m for m in moments)
    if key == "DocumentNamePrefix":
        return any(execution["DocumentName"].startswith(v) for v in values)
    if key == "TagKey":
        return any(t["Key"] in values for t in execution["_tags"])
    if key == "TargetResourceGroup":
        return any(
            t.get("Key") == "ResourceGroup" and set(t.get("Values", [])) & set(values)
            for t in execution.get("Targets", [])
        )
    members = {
        "ExecutionId": "AutomationExecutionId",
        "ExecutionStatus": "AutomationExecutionStatus",
        "AutomationType": "AutomationType",
    }
    if key in members:
        return execution[members[key]] in values
    # Members an execution the local SSM starts never has (it starts no child
    # runs and no change requests): nothing matches.
    if key in ("ParentExecutionId", "CurrentAction", "AutomationSubtype", "OpsItemId"):
        return False
    raise fail("InvalidFilterKey", f"The specified key isn't valid: {key}")


def page(items: list[Params], p: Params, key: str, limit: int = 50) -> Params:
    """One page of ``items``, with a NextToken when more remain."""
    token = p.get("NextToken")
    start = 0
    if token:
        try:
            start = int(base64.urlsafe_b64decode(token.encode()).decode())
        except ValueError:
            raise fail("InvalidNextToken", "The specified token isn't valid.") from None
    size = int(p.get("MaxResults") or limit)
    page = items[start : start + size]
    answer: Params = {key: page}
    if start + size < len(items):
        answer["NextToken"] = base64.urlsafe_b64encode(
            str(start + size).encode()
        ).decode()
    return answer
