"""Safe updates: the change named lands, nothing else moves, races are survived.

Every request goes to the stand-in (ssmkit.testing), whose UpdateAssociation
nulls omitted members and whose AssociationVersion is a compare-and-swap token.
"""

from __future__ import annotations

import copy
import gc
import inspect
import json
import logging
import random
import threading
import time
import weakref
from typing import TYPE_CHECKING, Any

import attrs
import boto3
import botocore.exceptions
import botocore.loaders
import botocore.session
import pytest
from botocore.config import Config
from hypothesis import given, settings
from hypothesis import strategies as st

import ssmkit
from ssmkit import CLEAR, errors
from ssmkit._change_members import MEMBERS
from ssmkit.models import (
    Alarm,
    AlarmConfiguration,
    AssociationComplianceSeverity,
    AssociationDescription,
    AssociationSyncCompliance,
    GetMaintenanceWindowTaskResult,
    InstanceAssociationOutputLocation,
    MaintenanceWindowRunCommandParameters,
    MaintenanceWindowTaskInvocationParameters,
    MaintenanceWindowTaskParameterValueExpression,
    S3OutputLocation,
    Target,
    TargetLocation,
)
from ssmkit.testing import StandIn, mock_ssm

from .service_model import operation
from .wire import Wire, wired_client

if TYPE_CHECKING:
    from pathlib import Path

RUN = "AWS-RunShellScript"
ROLE = "arn:aws:iam::123456789012:role/dispatch"
FULL = {
    "Name": RUN,
    "DocumentVersion": "$LATEST",
    "Parameters": {"commands": ["uptime"]},
    "Targets": [{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}],
    "ScheduleExpression": "cron(0 2 ? * SUN *)",
    "OutputLocation": {
        "S3Location": {"OutputS3BucketName": "logs-bucket", "OutputS3KeyPrefix": "ssm/"}
    },
    "AssociationName": "nightly",
    "AutomationTargetParameterName": "InstanceId",
    "MaxErrors": "10%",
    "MaxConcurrency": "2",
    "ComplianceSeverity": "HIGH",
    "SyncCompliance": "AUTO",
    "ApplyOnlyAtCronInterval": True,
    "CalendarNames": ["change-calendar"],
    "TargetLocations": [{"Accounts": ["123456789012"], "Regions": ["us-east-1"]}],
    "ScheduleOffset": 2,
    "Duration": 4,
    "AlarmConfiguration": {
        "Alarms": [{"Name": "cpu-high"}],
        "IgnorePollAlarmFailure": True,
    },
    "AssociationDispatchAssumeRole": ROLE,
}
UPDATABLE = set(operation("UpdateAssociation").input_shape.members) - {
    "AssociationId",
    "AssociationVersion",
}

#: One new, valid value per updatable member: (the keyword, its value, the stored form).
NEW: dict[str, tuple[str, Any, Any]] = {
    "Parameters": ("parameters", {"commands": ["df -h"]}, {"commands": ["df -h"]}),
    "DocumentVersion": ("document_version", "3", "3"),
    "ScheduleExpression": (
        "schedule_expression",
        "cron(0 4 ? * MON *)",
        "cron(0 4 ? * MON *)",
    ),
    "OutputLocation": (
        "output_location",
        InstanceAssociationOutputLocation(
            s3_location=S3OutputLocation(output_s3_region="eu-west-1")
        ),
        {
            "S3Location": {
                "OutputS3BucketName": "logs-bucket",
                "OutputS3KeyPrefix": "ssm/",
                "OutputS3Region": "eu-west-1",
            }
        },
    ),
    "Name": ("name", "AWS-UpdateSSMAgent", "AWS-UpdateSSMAgent"),
    "Targets": (
        "targets",
        [Target(key="tag:Env", values=["prod"])],
        [{"Key": "tag:Env", "Values": ["prod"]}],
    ),
    "AssociationName": ("association_name", "weekly", "weekly"),
    "AutomationTargetParameterName": (
        "automation_target_parameter_name",
        "InstanceIds",
        "InstanceIds",
    ),
    "MaxErrors": ("max_errors", "5", "5"),
    "MaxConcurrency": ("max_concurrency", "50%", "50%"),
    "ComplianceSeverity": (
        "compliance_severity",
        AssociationComplianceSeverity.LOW,
        "LOW",
    ),
    "SyncCompliance": ("sync_compliance", AssociationSyncCompliance.MANUAL, "MANUAL"),
    "ApplyOnlyAtCronInterval": ("apply_only_at_cron_interval", False, False),
    "CalendarNames": ("calendar_names", ["freeze"], ["freeze"]),
    "TargetLocations": (
        "target_locations",
        [TargetLocation(accounts=["210987654321"], regions=["eu-west-1"])],
        [{"Accounts": ["210987654321"], "Regions": ["eu-west-1"]}],
    ),
    "ScheduleOffset": ("schedule_offset", 5, 5),
    "Duration": ("duration", 8, 8),
    "TargetMaps": (
        "target_maps",
        [{"InstanceIds": ["i-1"]}],
        [{"InstanceIds": ["i-1"]}],
    ),
    "AlarmConfiguration": (
        "alarm_configuration",
        AlarmConfiguration(alarms=[Alarm(name="disk-full")]),
        {"Alarms": [{"Name": "disk-full"}], "IgnorePollAlarmFailure": True},
    ),
    "AssociationDispatchAssumeRole": (
        "association_dispatch_assume_role",
        "arn:aws:iam::123456789012:role/other",
        "arn:aws:iam::123456789012:role/other",
    ),
}


def stored(boto: Any, association_id: str) -> dict[str, Any]:
    answer = boto.describe_association(AssociationId=association_id)[
        "AssociationDescription"
    ]
    return {k: v for k, v in answer.items() if k in UPDATABLE}


@pytest.fixture
def client(boto: Any) -> ssmkit.Client:
    return ssmkit.Client(boto3_client=boto)


@pytest.fixture
def full(boto: Any) -> str:
    return boto.create_association(**FULL)["AssociationDescription"]["AssociationId"]  # type: ignore[no-any-return]


def test_every_updatable_member_has_a_case() -> None:
    assert set(NEW) == UPDATABLE
    assert set(FULL) | {"TargetMaps"} == UPDATABLE


#: What else a change must do to keep to the documented rules.
ALONG_WITH: dict[str, dict[str, Any]] = {
    # "Both Targets and TargetMaps can't be specified together."
    "TargetMaps": {"targets": CLEAR},
    # ScheduleOffset and Duration need ApplyOnlyAtCronInterval.
    "ApplyOnlyAtCronInterval": {"schedule_offset": CLEAR, "duration": CLEAR},
}


@pytest.mark.parametrize("member", sorted(UPDATABLE))
def test_changing_one_member_leaves_every_other_exactly_as_it_was(
    boto: Any, client: ssmkit.Client, full: str, stand_in: StandIn, member: str
) -> None:
    keyword, value, expected = NEW[member]
    before = stored(boto, full)
    along = ALONG_WITH.get(member, {})
    changes: dict[str, Any] = {keyword: value, **along}
    cleared = {m for m in UPDATABLE if ssmkit._validate.attribute_name(m) in along}
    stand_in.requests.clear()

    result = client.update_association(full, **changes)
    calls = list(stand_in.operations)

    after = stored(boto, full)
    assert after[member] == expected
    assert result.association_version == "2"
    untouched = {k: v for k, v in before.items() if k != member and k not in cleared}
    assert {k: after.get(k) for k in untouched} == untouched
    assert cleared.isdisjoint(after)
    assert calls == ["DescribeAssociation", "UpdateAssociation"]
    (sent,) = stand_in.requests_for("UpdateAssociation")
    assert sent["AssociationVersion"] == "1"
    assert sent[member] == expected


def test_raw_update_wipes_what_the_safe_update_keeps(
    boto: Any, client: ssmkit.Client
) -> None:
    raw_id = boto.create_association(**FULL)["AssociationDescription"]["AssociationId"]
    safe_id = boto.create_association(**FULL)["AssociationDescription"]["AssociationId"]
    boto.update_association(AssociationId=raw_id, MaxErrors="5")
    client.update_association(safe_id, max_errors="5")
    assert stored(boto, raw_id) == {"MaxErrors": "5"}
    assert stored(boto, safe_id) == {**FULL, "MaxErrors": "5"}


def test_structures_merge_and_clear_removes(
    boto: Any, client: ssmkit.Client, full: str
) -> None:
    client.update_association(
        full,
        output_location=InstanceAssociationOutputLocation(
            s3_location=S3OutputLocation(output_s3_key_prefix="new/")
        ),
        calendar_names=CLEAR,
    )
    after = stored(boto, full)
    assert after["OutputLocation"] == {
        "S3Location": {"OutputS3BucketName": "logs-bucket", "OutputS3KeyPrefix": "new/"}
    }
    assert "CalendarNames" not in after
    assert {k: v for k, v in after.items() if k not in ("OutputLocation",)} == {
        k: v for k, v in FULL.items() if k not in ("OutputLocation", "CalendarNames")
    }


def test_modify_applies_only_what_it_changed(
    boto: Any, client: ssmkit.Client, full: str
) -> None:
    def drop_prefix(current: AssociationDescription) -> AssociationDescription:
        assert current.output_location is not None
        assert current.output_location.s3_location is not None
        s3 = attrs.evolve(
            current.output_location.s3_location, output_s3_key_prefix=None
        )
        return attrs.evolve(
            current,
            output_location=attrs.evolve(current.output_location, s3_location=s3),
            max_concurrency="4",
        )

    client.update_association(full, modify=drop_prefix)
    after = stored(boto, full)
    assert after["OutputLocation"] == {
        "S3Location": {"OutputS3BucketName": "logs-bucket"}
    }
    assert after["MaxConcurrency"] == "4"
    rest = {
        k: v for k, v in FULL.items() if k not in ("OutputLocation", "MaxConcurrency")
    }
    assert {k: after[k] for k in rest} == rest


def test_modify_cannot_change_what_the_service_owns(
    client: ssmkit.Client, full: str, stand_in: StandIn
) -> None:
    with pytest.raises(errors.ValidationError, match="status"):
        client.update_association(full, modify=lambda d: attrs.evolve(d, status=None))
    with pytest.raises(TypeError, match="AssociationDescription"):
        client.update_association(full, modify=lambda d: None)  # type: ignore[arg-type,return-value]
    assert "UpdateAssociation" not in stand_in.operations


def test_a_change_that_changes_nothing_costs_one_call_and_writes_nothing(
    boto: Any, client: ssmkit.Client, full: str, stand_in: StandIn
) -> None:
    stand_in.requests.clear()
    result = client.update_association(
        full,
        max_errors="10%",
        targets=[Target(key="InstanceIds", values=["i-0123456789abcdef0"])],
    )
    assert stand_in.operations == ["DescribeAssociation"]
    assert result.association_version == "1"
    executions = boto.describe_association_executions(AssociationId=full)[
        "AssociationExecutions"
    ]
    assert executions == []  # FULL is cron-only, and no write ran it


def test_unknown_keyword_is_a_type_error_before_any_call(
    client: ssmkit.Client, full: str, stand_in: StandIn
) -> None:
    stand_in.requests.clear()
    with pytest.raises(TypeError, match="schedule"):
        client.update_association(full, schedule="rate(1 day)")  # type: ignore[call-arg]
    assert stand_in.operations == []


@pytest.mark.parametrize(
    ("changes", "member", "rule"),
    [
        ({"max_errors": "lots"}, "max_errors", "pattern"),
        ({"association_name": "x" * 200}, "association_name", "pattern"),
        (
            {"calendar_names": ["c"] * 0, "document_version": "v2"},
            "document_version",
            "pattern",
        ),
        ({"schedule_offset": 9}, "schedule_offset", "at most 6"),
        ({"compliance_severity": "SEVERE"}, "compliance_severity", "one of"),
        (
            {"alarm_configuration": AlarmConfiguration(alarms=[])},
            "alarm_configuration.alarms",
            "at least 1",
        ),
        (
            {"targets": [Target(key="tag:" + "k" * 200, values=["v"])]},
            "targets[0].key",
            "length",
        ),
        (
            {"association_dispatch_assume_role": "not-an-arn"},
            "association_dispatch_assume_role",
            "pattern",
        ),
        ({"max_concurrency": 5}, "max_concurrency", "string"),
    ],
)
def test_constraints_refuse_before_any_call(
    client: ssmkit.Client,
    full: str,
    stand_in: StandIn,
    changes: dict[str, Any],
    member: str,
    rule: str,
) -> None:
    stand_in.requests.clear()
    with pytest.raises(errors.ValidationError, match=rule) as caught:
        client.update_association(full, **changes)
    assert caught.value.member == member
    assert stand_in.operations == []


@pytest.mark.parametrize(
    ("changes", "member"),
    [
        ({"apply_only_at_cron_interval": False}, "schedule_offset"),
        ({"apply_only_at_cron_interval": CLEAR, "schedule_offset": CLEAR}, "duration"),
        ({"schedule_expression": "rate(1 day)"}, "apply_only_at_cron_interval"),
        ({"target_maps": [{"InstanceIds": ["i-1"]}]}, "target_maps"),
    ],
)
def test_cross_member_rules_refuse_before_any_write(
    boto: Any,
    client: ssmkit.Client,
    full: str,
    stand_in: StandIn,
    changes: dict[str, Any],
    member: str,
) -> None:
    stand_in.requests.clear()
    with pytest.raises(errors.ValidationError) as caught:
        client.update_association(full, **changes)
    assert caught.value.member == member
    assert stand_in.operations == ["DescribeAssociation"]
    assert stored(boto, full) == FULL


def test_switching_from_targets_to_target_maps_in_one_call(
    boto: Any, client: ssmkit.Client, full: str
) -> None:
    client.update_association(
        full, target_maps=[{"InstanceIds": ["i-1"]}], targets=CLEAR
    )
    after = stored(boto, full)
    assert after["TargetMaps"] == [{"InstanceIds": ["i-1"]}]
    assert "Targets" not in after


# -- members ssmkit's models do not know ---------------------------------------------


def newer_botocore(tmp_path: Path) -> botocore.session.Session:
    """A botocore session whose SSM model has a member ssmkit's models lack."""

    def edit(shapes: dict[str, Any]) -> None:
        shapes["FutureSetting"] = {"type": "string", "min": 1}
        shapes["FutureSecret"] = {"type": "string", "sensitive": True}
        for shape in ("AssociationDescription", "UpdateAssociationRequest"):
            shapes[shape]["members"]["FutureSetting"] = {"shape": "FutureSetting"}
            shapes[shape]["members"]["FutureSecret"] = {"shape": "FutureSecret"}
        # Inside the items of a list of structures too.
        shapes["TargetLocation"]["members"]["FutureSetting"] = {
            "shape": "FutureSetting"
        }

    return changed_botocore(tmp_path, edit)


def test_members_unknown_to_the_models_survive(tmp_path: Path) -> None:
    boto, wire = wired_client(session=newer_botocore(tmp_path))
    assert "FutureSetting" not in {
        f.metadata.get(ssmkit.models.WIRE_NAME)
        for f in attrs.fields(AssociationDescription)
    }
    described = {
        **FULL,
        "AssociationId": "a1",
        "AssociationVersion": "4",
        "FutureSetting": "keep-me",
    }
    wire.answer({"AssociationDescription": described})
    wire.answer(
        {
            "AssociationDescription": {
                **described,
                "MaxErrors": "7",
                "AssociationVersion": "5",
            }
        }
    )

    result = ssmkit.safe_update_association(boto, "a1", max_errors="7")

    assert wire.requests == [
        ("DescribeAssociation", {"AssociationId": "a1"}),
        (
            "UpdateAssociation",
            {
                **FULL,
                "AssociationId": "a1",
                "AssociationVersion": "4",
                "MaxErrors": "7",
                "FutureSetting": "keep-me",
            },
        ),
    ]
    assert result.max_errors == "7"


def test_empty_lists_the_input_forbids_are_not_sent_back() -> None:
    boto, wire = wired_client()
    described = {
        "Name": RUN,
        "AssociationId": "a1",
        "AssociationVersion": "1",
        "TargetLocations": [],
        "Targets": [],
    }
    wire.answer({"AssociationDescription": described})
    wire.answer({"AssociationDescription": described})
    ssmkit.safe_update_association(boto, "a1", max_errors="1")
    assert wire.requests[1] == (
        "UpdateAssociation",
        {
            "Name": RUN,
            "AssociationId": "a1",
            "AssociationVersion": "1",
            "Targets": [],
            "MaxErrors": "1",
        },
    )


# -- races and faults -------------------------------------------------------------


def test_a_concurrent_writer_between_describe_and_update_loses_nothing(
    boto: Any, client: ssmkit.Client, full: str, stand_in: StandIn
) -> None:
    rival = boto3.client("ssm", region_name="us-east-1")

    def write_between(params: dict[str, Any]) -> None:
        current = rival.describe_association(AssociationId=full)[
            "AssociationDescription"
        ]
        request = {k: v for k, v in current.items() if k in UPDATABLE}
        rival.update_association(
            AssociationId=full, **{**request, "AssociationName": "rival"}
        )

    stand_in.before("UpdateAssociation", write_between)
    stand_in.requests.clear()
    result = client.update_association(full, max_errors="3")
    calls = list(stand_in.operations)
    after = stored(boto, full)
    assert after["AssociationName"] == "rival"
    assert after["MaxErrors"] == "3"
    assert result.association_version == "3"
    assert calls == [
        "DescribeAssociation",
        "UpdateAssociation",  # refused: the rival wrote version 2 first
        "DescribeAssociation",
        "UpdateAssociation",
    ]
    assert [
        r["AssociationVersion"] for r in stand_in.requests_for("UpdateAssociation")
    ] == ["1", "2"]


def test_eight_threads_changing_different_members_all_land(
    boto: Any, client: ssmkit.Client, full: str
) -> None:
    changes = [
        {"max_errors": "1"},
        {"max_concurrency": "3"},
        {"association_name": "threaded"},
        {"document_version": "2"},
        {"calendar_names": ["cal-2"]},
        {"compliance_severity": AssociationComplianceSeverity.CRITICAL},
        {"sync_compliance": AssociationSyncCompliance.MANUAL},
        {"parameters": {"commands": ["whoami"]}},
    ]
    barrier = threading.Barrier(len(changes))
    failures: list[BaseException] = []

    def work(change: dict[str, Any]) -> None:
        barrier.wait()
        try:
            client.update_association(full, **change)
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(c,)) for c in changes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    after = stored(boto, full)
    assert after["MaxErrors"] == "1"
    assert after["MaxConcurrency"] == "3"
    assert after["AssociationName"] == "threaded"
    assert after["DocumentVersion"] == "2"
    assert after["CalendarNames"] == ["cal-2"]
    assert after["ComplianceSeverity"] == "CRITICAL"
    assert after["SyncCompliance"] == "MANUAL"
    assert after["Parameters"] == {"commands": ["whoami"]}
    assert after["AlarmConfiguration"] == FULL["AlarmConfiguration"]
    final = boto.describe_association(AssociationId=full)["AssociationDescription"]
    assert final["AssociationVersion"] == "9"


def test_expected_version_mismatch_raises_without_writing(
    client: ssmkit.Client, full: str, stand_in: StandIn
) -> None:
    stand_in.requests.clear()
    with pytest.raises(errors.ConcurrentUpdateError) as caught:
        client.update_association(full, expected_version="7", max_errors="1")
    assert (caught.value.expected_version, caught.value.actual_version) == ("7", "1")
    assert stand_in.operations == ["DescribeAssociation"]


def test_expected_version_race_raises_at_once(
    boto: Any, client: ssmkit.Client, full: str, stand_in: StandIn
) -> None:
    rival = boto3.client("ssm", region_name="us-east-1")
    stand_in.before(
        "UpdateAssociation",
        lambda _: rival.update_association(
            AssociationId=full, **{**FULL, "MaxErrors": "9"}
        ),
    )
    with pytest.raises(errors.ConcurrentUpdateError, match="nothing was written"):
        client.update_association(full, expected_version="1", max_errors="1")
    assert stored(boto, full)["MaxErrors"] == "9"
    assert stand_in.operations.count("UpdateAssociation") == 1


def test_other_writers_winning_every_race_give_up_cleanly(
    boto: Any,
    client: ssmkit.Client,
    full: str,
    stand_in: StandIn,
    caplog: pytest.LogCaptureFixture,
) -> None:
    rival = boto3.client("ssm", region_name="us-east-1")
    stand_in.before(
        "UpdateAssociation",
        lambda _: rival.update_association(AssociationId=full, **FULL),
        times=None,
    )
    stand_in.requests.clear()
    caplog.set_level(logging.INFO, logger="ssmkit")
    with pytest.raises(errors.ConcurrentUpdateError, match="races") as caught:
        client.update_association(full, max_errors="1")
    # Eight races, each from a fresh read, then it gives up.
    assert caplog.records[-1].getMessage() == (
        f"association {full}: lost 8 races to other writers"
    )
    assert stand_in.operations.count("UpdateAssociation") == 8
    assert stand_in.operations.count("DescribeAssociation") == 8
    assert stored(boto, full)["MaxErrors"] == "10%"
    assert isinstance(
        caught.value.__cause__,
        errors.InvalidAssociationVersion,
    )


def test_too_many_updates_is_retried(
    boto: Any, client: ssmkit.Client, full: str, stand_in: StandIn
) -> None:
    stand_in.fail_next("UpdateAssociation", "TooManyUpdates", times=2)
    stand_in.requests.clear()
    client.update_association(full, max_errors="1")
    assert stand_in.operations == ["DescribeAssociation"] + ["UpdateAssociation"] * 3
    assert stored(boto, full)["MaxErrors"] == "1"


def test_too_many_updates_gives_up_after_bounded_attempts(
    boto: Any, client: ssmkit.Client, full: str, stand_in: StandIn
) -> None:
    stand_in.fail_next("UpdateAssociation", "TooManyUpdates", times=50)
    with pytest.raises(errors.TooManyUpdates, match="unchanged"):
        client.update_association(full, max_errors="1")
    assert 3 <= stand_in.operations.count("UpdateAssociation") <= 10
    assert stored(boto, full) == FULL


def test_throttling_is_botocores_to_retry(
    boto: Any, client: ssmkit.Client, full: str, stand_in: StandIn
) -> None:
    stand_in.fail_next("UpdateAssociation", "ThrottlingException")
    client.update_association(full, max_errors="1")
    assert stand_in.operations.count("UpdateAssociation") == 2
    assert stored(boto, full)["MaxErrors"] == "1"


def test_a_failed_update_says_the_association_is_untouched(
    boto: Any, client: ssmkit.Client, full: str, stand_in: StandIn
) -> None:
    stand_in.fail_next("UpdateAssociation", "InvalidTarget", message="no such tag")
    with pytest.raises(errors.InvalidTarget) as caught:
        client.update_association(full, targets=[Target(key="tag:Nope", values=["x"])])
    assert "no such tag" in str(caught.value)
    assert "unchanged (still version 1)" in str(caught.value)
    assert caught.value.code == "InvalidTarget"
    assert stored(boto, full) == FULL


def test_unknown_association_is_typed(client: ssmkit.Client) -> None:
    with pytest.raises(errors.AssociationDoesNotExist):
        client.update_association(
            "8d4b0a4e-0000-4000-8000-000000000009", max_errors="1"
        )


# -- plans and the plain-boto3 helper --------------------------------------------


def test_plan_shows_the_exact_request_without_writing(
    client: ssmkit.Client, full: str, stand_in: StandIn
) -> None:
    stand_in.requests.clear()
    plan = client.plan_association_update(
        full, max_errors="1", parameters={"commands": ["cat /etc/shadow"]}
    )
    assert stand_in.operations == ["DescribeAssociation"]
    assert plan.request == {
        **FULL,
        "AssociationId": full,
        "AssociationVersion": "1",
        "MaxErrors": "1",
        "Parameters": {"commands": ["cat /etc/shadow"]},
    }
    assert [(c.path, c.before, c.after, c.sensitive) for c in plan.changes] == [
        ("parameters.commands", ["uptime"], ["cat /etc/shadow"], True),
        ("max_errors", "10%", "1", False),
    ]
    assert not plan.is_noop
    assert plan.before.max_errors == "10%"
    assert plan.after.max_errors == "1"
    text = str(plan)
    assert '  ~ max_errors: "10%" -> "1"' in text
    assert "  ~ parameters.commands: (sensitive value changed)" in text
    assert "shadow" not in text
    assert "shadow" not in repr(plan)
    assert "shadow" not in json.dumps(plan.to_json())
    assert "shadow" in plan.render(show_sensitive=True)
    assert "shadow" in json.dumps(plan.to_json(show_sensitive=True))


def test_plan_of_a_noop(client: ssmkit.Client, full: str) -> None:
    plan = client.plan_association_update(full, max_errors="10%")
    assert plan.is_noop
    assert plan.changes == ()
    assert "nothing would change" in str(plan)


def test_safe_update_on_a_plain_boto3_client(
    boto: Any, full: str, stand_in: StandIn
) -> None:
    result = ssmkit.safe_update_association(boto, full, association_name="plain")
    assert isinstance(result, AssociationDescription)
    assert stored(boto, full) == {**FULL, "AssociationName": "plain"}
    plan = ssmkit.plan_association_update(boto, full, association_name="plain")
    assert plan.is_noop


def test_signature_lists_every_changeable_member() -> None:
    for func in (ssmkit.Client.update_association, ssmkit.safe_update_association):
        names = set(inspect.signature(func).parameters)
        assert {NEW[m][0] for m in UPDATABLE} <= names


# -- the property: any stored association, any change set ----------------------------

VALUES: dict[str, st.SearchStrategy[Any]] = {
    "max_errors": st.sampled_from(["0", "1", "10%", "100%"]),
    "max_concurrency": st.sampled_from(["1", "7", "50%"]),
    "association_name": st.from_regex(r"[a-zA-Z0-9_.\-]{3,20}", fullmatch=True),
    "document_version": st.sampled_from(["$LATEST", "$DEFAULT", "1", "12"]),
    "calendar_names": st.lists(
        st.sampled_from(["cal-a", "cal-b", "cal-c"]), max_size=2
    ),
    "compliance_severity": st.sampled_from(list(AssociationComplianceSeverity)),
    "sync_compliance": st.sampled_from(list(AssociationSyncCompliance)),
    "parameters": st.dictionaries(
        st.sampled_from(["commands", "workingDirectory"]),
        st.lists(st.text(max_size=8), max_size=2),
        max_size=2,
    ),
    "targets": st.lists(
        st.builds(
            Target,
            key=st.sampled_from(["InstanceIds", "tag:Env"]),
            values=st.lists(st.sampled_from(["i-1", "prod"]), min_size=1, max_size=2),
        ),
        max_size=2,
    ),
    "alarm_configuration": st.builds(
        AlarmConfiguration,
        alarms=st.lists(
            st.builds(Alarm, name=st.sampled_from(["cpu", "disk"])),
            min_size=1,
            max_size=1,
        ),
        ignore_poll_alarm_failure=st.none() | st.booleans(),
    ),
    "output_location": st.builds(
        InstanceAssociationOutputLocation,
        s3_location=st.builds(
            S3OutputLocation,
            output_s3_bucket_name=st.none() | st.sampled_from(["bucket-a", "bucket-b"]),
            output_s3_key_prefix=st.none() | st.sampled_from(["p/", "q/"]),
        ),
    ),
}


@st.composite
def change_sets(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.sets(st.sampled_from(sorted(VALUES)), max_size=5))
    return {name: draw(st.just(CLEAR) | VALUES[name]) for name in names}


def _expected(before: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The merge the safe update promises, computed independently."""
    shape = operation("UpdateAssociation").input_shape
    expected = copy.deepcopy(before)
    for name, value in changes.items():
        member = next(
            m for m in shape.members if ssmkit._validate.attribute_name(m) == name
        )
        if value is CLEAR:
            expected.pop(member, None)
            continue
        wire = ssmkit.to_boto(value)
        if shape.members[member].type_name == "structure" and member in expected:
            expected[member] = _merge(expected[member], wire)
        else:
            expected[member] = wire
    return expected


def _merge(current: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    merged = dict(current)
    for key, value in given.items():
        merged[key] = (
            _merge(current[key], value)
            if isinstance(value, dict) and isinstance(current.get(key), dict)
            else value
        )
    return merged


@settings(max_examples=60)
@given(start=change_sets(), changes=change_sets())
def test_any_change_set_lands_exactly_as_merged(
    start: dict[str, Any], changes: dict[str, Any]
) -> None:
    with mock_ssm() as stand_in:
        boto = boto3.client("ssm", region_name="us-east-1")
        initial = {k: v for k, v in start.items() if v is not CLEAR}
        created = boto.create_association(
            Name=RUN, **ssmkit.to_boto(_as_request(initial))
        )["AssociationDescription"]["AssociationId"]
        before = stored(boto, created)
        expected = _expected(before, changes)
        stand_in.requests.clear()
        ssmkit.safe_update_association(boto, created, **changes)
        after = stored(boto, created)
        assert after == expected
        writes = stand_in.operations.count("UpdateAssociation")
        assert writes == (0 if expected == before else 1)


def _as_request(values: dict[str, Any]) -> dict[str, Any]:
    shape = operation("CreateAssociation").input_shape
    by_name = {ssmkit._validate.attribute_name(m): m for m in shape.members}
    return {by_name[name]: value for name, value in values.items()}


# -- maintenance window tasks ---------------------------------------------------------

TASK = {
    "TaskArn": RUN,
    "TaskType": "RUN_COMMAND",
    "Targets": [{"Key": "InstanceIds", "Values": ["i-1"]}],
    "ServiceRoleArn": "arn:aws:iam::123456789012:role/maintenance",
    "TaskInvocationParameters": {
        "RunCommand": {
            "Comment": "weekly patching",
            "NotificationConfig": {
                "NotificationArn": "arn:aws:sns:us-east-1:1:t",
                "NotificationType": "Command",
            },
            "OutputS3BucketName": "logs-bucket",
            "Parameters": {"commands": ["yum update -y"]},
        }
    },
    "Priority": 2,
    "MaxConcurrency": "5",
    "MaxErrors": "1",
    "Name": "patch",
    "Description": "weekly",
    "CutoffBehavior": "CANCEL_TASK",
    "AlarmConfiguration": {"Alarms": [{"Name": "cpu-high"}]},
}


def task_state(boto: Any, window: str, task_id: str) -> dict[str, Any]:
    answer = boto.get_maintenance_window_task(WindowId=window, WindowTaskId=task_id)
    return {
        k: v
        for k, v in answer.items()
        if k not in ("ResponseMetadata", "WindowId", "WindowTaskId")
    }


def test_task_invocation_parameters_merge_member_by_member(
    boto: Any, client: ssmkit.Client, window: str, stand_in: StandIn
) -> None:
    task_id = boto.register_task_with_maintenance_window(WindowId=window, **TASK)[
        "WindowTaskId"
    ]
    stand_in.requests.clear()
    result = client.update_maintenance_window_task(
        window,
        task_id,
        task_invocation_parameters=MaintenanceWindowTaskInvocationParameters(
            run_command=MaintenanceWindowRunCommandParameters(
                output_s3_bucket_name="other-bucket"
            )
        ),
    )
    calls = list(stand_in.operations)
    expected = copy.deepcopy(TASK)
    expected["TaskInvocationParameters"]["RunCommand"]["OutputS3BucketName"] = (
        "other-bucket"
    )
    assert task_state(boto, window, task_id) == expected
    assert result.task_invocation_parameters is not None
    assert result.task_type == "RUN_COMMAND"
    assert calls == ["GetMaintenanceWindowTask", "UpdateMaintenanceWindowTask"]
    (sent,) = stand_in.requests_for("UpdateMaintenanceWindowTask")
    assert "Replace" not in sent


def test_task_member_changes_keep_the_rest(
    boto: Any, client: ssmkit.Client, window: str
) -> None:
    task_id = boto.register_task_with_maintenance_window(WindowId=window, **TASK)[
        "WindowTaskId"
    ]
    client.update_maintenance_window_task(window, task_id, priority=7, max_errors="2")
    assert task_state(boto, window, task_id) == {
        **TASK,
        "Priority": 7,
        "MaxErrors": "2",
    }


def test_task_clear_uses_replace_and_nulls_only_that(
    boto: Any, client: ssmkit.Client, window: str, stand_in: StandIn
) -> None:
    task_id = boto.register_task_with_maintenance_window(WindowId=window, **TASK)[
        "WindowTaskId"
    ]
    client.update_maintenance_window_task(window, task_id, alarm_configuration=CLEAR)
    expected = {k: v for k, v in TASK.items() if k != "AlarmConfiguration"}
    assert task_state(boto, window, task_id) == expected
    (sent,) = stand_in.requests_for("UpdateMaintenanceWindowTask")
    assert sent["Replace"] is True


def test_targetless_task_placeholders_are_not_sent_back(
    boto: Any, client: ssmkit.Client, window: str, stand_in: StandIn
) -> None:
    task_id = boto.register_task_with_maintenance_window(
        WindowId=window,
        TaskArn="AWS-RestartEC2Instance",
        TaskType="AUTOMATION",
        Priority=1,
    )["WindowTaskId"]
    stand_in.requests.clear()
    client.update_maintenance_window_task(window, task_id, priority=4)
    (sent,) = stand_in.requests_for("UpdateMaintenanceWindowTask")
    assert "MaxConcurrency" not in sent
    assert "MaxErrors" not in sent
    assert task_state(boto, window, task_id)["Priority"] == 4
    with pytest.raises(errors.ValidationError, match="without targets"):
        client.update_maintenance_window_task(window, task_id, max_concurrency="5")


@pytest.mark.parametrize("given", ["modify", "paths"])
def test_a_task_update_and_its_plan_send_the_change_they_are_given(
    boto: Any, client: ssmkit.Client, window: str, stand_in: StandIn, given: str
) -> None:
    task_id = boto.register_task_with_maintenance_window(WindowId=window, **TASK)[
        "WindowTaskId"
    ]
    change: dict[str, Any] = (
        {"modify": lambda t: attrs.evolve(t, priority=9)}
        if given == "modify"
        else {"paths": {"task_invocation_parameters.run_command.comment": "monthly"}}
    )
    sent = (
        {"Priority": 9}
        if given == "modify"
        else {
            "TaskInvocationParameters": {
                "RunCommand": {
                    **TASK["TaskInvocationParameters"]["RunCommand"],
                    "Comment": "monthly",
                }
            }
        }
    )
    plan = client.plan_maintenance_window_task_update(window, task_id, **change)
    assert [c.path for c in plan.changes] == [
        "priority"
        if given == "modify"
        else "task_invocation_parameters.run_command.comment"
    ]
    assert plan.request.items() >= sent.items()
    client.update_maintenance_window_task(window, task_id, **change)
    assert stand_in.requests_for("UpdateMaintenanceWindowTask") == [plan.request]
    assert task_state(boto, window, task_id) == {**TASK, **sent}


def test_task_noop_and_plan(
    boto: Any, client: ssmkit.Client, window: str, stand_in: StandIn
) -> None:
    task_id = boto.register_task_with_maintenance_window(WindowId=window, **TASK)[
        "WindowTaskId"
    ]
    stand_in.requests.clear()
    client.update_maintenance_window_task(window, task_id, priority=2)
    assert stand_in.operations == ["GetMaintenanceWindowTask"]
    plan = client.plan_maintenance_window_task_update(
        window, task_id, description="secret words"
    )
    assert [(c.path, c.before, c.after) for c in plan.changes] == [
        ("description", "weekly", "secret words")
    ]
    assert "secret words" not in str(plan)  # Description is sensitive in the model
    assert "weekly" not in str(plan)
    plain = ssmkit.safe_update_maintenance_window_task(
        boto, window, task_id, name="renamed"
    )
    assert plain.name == "renamed"
    assert task_state(boto, window, task_id) == {**TASK, "Name": "renamed"}


def test_task_failure_says_whether_it_changed(
    boto: Any, client: ssmkit.Client, window: str, stand_in: StandIn
) -> None:
    task_id = boto.register_task_with_maintenance_window(WindowId=window, **TASK)[
        "WindowTaskId"
    ]
    # A 500, which botocore retries: it fails every attempt.
    stand_in.fail_next("UpdateMaintenanceWindowTask", "InternalServerError", times=10)
    with pytest.raises(errors.InternalServerError, match="unchanged"):
        client.update_maintenance_window_task(window, task_id, priority=9)
    assert task_state(boto, window, task_id) == TASK


def test_validation_errors_never_show_what_a_sensitive_member_holds(
    boto: Any, client: ssmkit.Client, window: str
) -> None:
    # TaskParameters is sensitive: its values are masked, its keys (the
    # parameter names) are shown, as everywhere.
    task_id = boto.register_task_with_maintenance_window(WindowId=window, **TASK)[
        "WindowTaskId"
    ]
    secret = "db-password-is-hunter2-" + "x" * 255
    with pytest.raises(
        errors.ValidationError, match="length must be at most 255"
    ) as caught:
        client.update_maintenance_window_task(
            window,
            task_id,
            task_parameters={
                "password": MaintenanceWindowTaskParameterValueExpression(
                    values=[secret]
                )
            },
        )
    assert "hunter2" not in str(caught.value)
    assert str(caught.value) == (
        "task_parameters.password.values[0]: length must be at most 255 "
        "(got <sensitive>)"
    )


# -- every path, every depth ----------------------------------------------------------


def test_modify_keeps_unknown_members_inside_list_items(tmp_path: Path) -> None:
    boto, wire = wired_client(session=newer_botocore(tmp_path))
    locations = [
        {"Accounts": ["123456789012"], "Regions": ["us-east-1"], "FutureSetting": "a"},
        {"Accounts": ["210987654321"], "Regions": ["eu-west-1"], "FutureSetting": "b"},
    ]
    described = {**FULL, "AssociationId": "a1", "AssociationVersion": "4"}
    described["TargetLocations"] = locations
    wire.answer({"AssociationDescription": described})
    wire.answer({"AssociationDescription": described})

    def widen(current: AssociationDescription) -> AssociationDescription:
        assert current.target_locations is not None
        first = attrs.evolve(
            current.target_locations[0], regions=["us-east-1", "us-west-2"]
        )
        return attrs.evolve(
            current, target_locations=[first, *current.target_locations[1:]]
        )

    ssmkit.safe_update_association(boto, "a1", modify=widen)

    sent = wire.requests[1][1]
    assert sent["TargetLocations"] == [
        {
            "Accounts": ["123456789012"],
            "Regions": ["us-east-1", "us-west-2"],
            "FutureSetting": "a",
        },
        locations[1],
    ]


def test_a_sensitive_member_newer_than_the_models_is_masked(tmp_path: Path) -> None:
    boto, wire = wired_client(session=newer_botocore(tmp_path))
    described = {**FULL, "AssociationId": "a1", "AssociationVersion": "4"}
    wire.answer({"AssociationDescription": {**described, "FutureSecret": "hunter2"}})
    plan = ssmkit.plan_association_update(
        boto, "a1", paths={"future_secret": "hunter3"}
    )
    assert str(plan) == (
        "UpdateAssociation: 1 change\n  ~ future_secret: (sensitive value changed)"
    )
    assert "hunter" not in json.dumps(plan.to_json())
    assert plan.request["FutureSecret"] == "hunter3"


def test_a_string_where_a_list_is_expected_is_refused(
    client: ssmkit.Client, full: str, stand_in: StandIn
) -> None:
    stand_in.requests.clear()
    # The models refuse it when built...
    with pytest.raises(TypeError, match="expected a list, got str"):
        Target(key="InstanceIds", values="i-0abc")
    with pytest.raises(TypeError, match="expected a list, got str"):
        TargetLocation(regions="us-east-1")
    # ...and the safe update when given one where a list of them belongs.
    with pytest.raises(errors.ValidationError, match="must be a list"):
        client.update_association(full, targets="i-0abc")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not one string"):
        client.update_associations(association_ids=full, max_errors="1")
    assert stand_in.operations == []


def test_members_a_write_cannot_go_without_are_not_removed(
    boto: Any, client: ssmkit.Client, full: str, window: str, stand_in: StandIn
) -> None:
    task_id = boto.register_task_with_maintenance_window(WindowId=window, **TASK)[
        "WindowTaskId"
    ]
    stand_in.requests.clear()
    with pytest.raises(errors.ValidationError, match="CreateAssociation requires it"):
        client.update_association(full, name=CLEAR)
    with pytest.raises(errors.ValidationError, match="RegisterTaskWithMaintenance"):
        client.update_maintenance_window_task(window, task_id, task_arn=CLEAR)
    with pytest.raises(errors.ValidationError, match="AlarmConfiguration requires"):
        client.update_association(full, paths={"alarm_configuration.alarms": CLEAR})
    assert stand_in.operations == []
    # What may go, goes.
    client.update_association(full, paths={"alarm_configuration": CLEAR})
    assert "AlarmConfiguration" not in stored(boto, full)


def test_an_empty_targets_beside_target_maps_is_not_a_change() -> None:
    boto, wire = wired_client()
    described = {
        k: v for k, v in FULL.items() if k not in ("Targets", "TargetLocations")
    }
    described.update(
        AssociationId="a1",
        AssociationVersion="4",
        Targets=[],
        TargetMaps=[{"InstanceIds": ["i-1"]}],
    )
    wire.answer({"AssociationDescription": described})
    result = ssmkit.safe_update_association(boto, "a1", max_errors=FULL["MaxErrors"])
    assert wire.operations == ["DescribeAssociation"]
    assert result.target_maps == ({"InstanceIds": ("i-1",)},)


def test_modify_cannot_edit_in_place(
    boto: Any, client: ssmkit.Client, full: str, stand_in: StandIn
) -> None:
    # Frozen all the way down: an edit in place fails before anything is written.
    def edit(current: AssociationDescription) -> AssociationDescription:
        assert current.parameters is not None
        current.parameters["commands"] = ["df -h"]  # type: ignore[index]
        return current

    before = stored(boto, full)
    stand_in.requests.clear()
    with pytest.raises(TypeError, match="does not support item assignment"):
        client.update_association(full, modify=edit)
    assert stand_in.operations == ["DescribeAssociation"]
    assert stored(boto, full) == before


def test_a_task_update_that_removes_returns_the_task_without_it(
    boto: Any, client: ssmkit.Client, window: str
) -> None:
    task_id = boto.register_task_with_maintenance_window(WindowId=window, **TASK)[
        "WindowTaskId"
    ]
    result = client.update_maintenance_window_task(
        window, task_id, description=CLEAR, alarm_configuration=CLEAR
    )
    assert result.description is None
    assert result.alarm_configuration is None
    assert result.name == TASK["Name"]
    assert "Description" not in task_state(boto, window, task_id)


def test_a_write_whose_answer_was_lost_is_reported_written() -> None:
    # botocore retries the 500; the write had landed, so the retry is refused.
    boto, wire = wired_client(attempts=2)
    described = {**FULL, "AssociationId": "a1", "AssociationVersion": "4"}
    landed = {**described, "MaxErrors": "7", "AssociationVersion": "5"}
    wire.answer({"AssociationDescription": described})
    wire.fail("InternalServerError", status=500)
    wire.fail("InvalidAssociationVersion")
    wire.answer({"AssociationDescription": landed})

    result = ssmkit.safe_update_association(boto, "a1", max_errors="7")

    assert wire.operations == [
        "DescribeAssociation",
        "UpdateAssociation",
        "UpdateAssociation",
        "DescribeAssociation",
    ]
    assert result.association_version == "5"

    # The same, with an expected version: no error, the write was ours.
    boto, wire = wired_client(attempts=2)
    wire.answer({"AssociationDescription": described})
    wire.fail("InternalServerError", status=500)
    wire.fail("InvalidAssociationVersion")
    wire.answer({"AssociationDescription": landed})
    result = ssmkit.safe_update_association(
        boto, "a1", max_errors="7", expected_version=4
    )
    assert result.association_version == "5"


def test_another_writer_after_a_lost_answer_is_not_taken_for_ours() -> None:
    boto, wire = wired_client(attempts=2)
    described = {**FULL, "AssociationId": "a1", "AssociationVersion": "4"}
    rival = {**described, "AssociationName": "rival", "AssociationVersion": "5"}
    wire.answer({"AssociationDescription": described})
    wire.fail("InternalServerError", status=500)
    wire.fail("InvalidAssociationVersion")
    wire.answer({"AssociationDescription": rival})
    wire.answer({"AssociationDescription": {**rival, "AssociationVersion": "6"}})
    ssmkit.safe_update_association(boto, "a1", max_errors="7")
    sent = wire.requests[-1][1]
    assert sent["AssociationVersion"] == "5"
    assert sent["AssociationName"] == "rival"
    assert sent["MaxErrors"] == "7"


def test_expected_version_may_be_an_int(client: ssmkit.Client, full: str) -> None:
    assert client.update_association(full, max_errors="3", expected_version=1)
    with pytest.raises(
        errors.ConcurrentUpdateError, match="expected version 1, found 2"
    ):
        client.update_association(full, max_errors="4", expected_version=1)
    with pytest.raises(TypeError, match="expected_version"):
        client.update_association(full, max_errors="4", expected_version=True)


def test_none_means_keep_everywhere(
    boto: Any, client: ssmkit.Client, full: str
) -> None:
    [result] = client.update_associations(
        association_ids=[full],
        max_errors=None,
        association_name="renamed",
        paths={"parameters.commands": None},
    )
    assert result.outcome == "changed", result.error
    assert stored(boto, full) == {**FULL, "AssociationName": "renamed"}


PATCHING = {
    **FULL,
    "Name": "AWS-RunPatchBaseline",
    "Parameters": {"Operation": ["Install"], "RebootOption": ["NoReboot"]},
}


def test_a_map_changes_key_by_key(boto: Any, client: ssmkit.Client) -> None:
    association_id = boto.create_association(**PATCHING)["AssociationDescription"][
        "AssociationId"
    ]
    plan = client.plan_association_update(
        association_id, paths={"parameters.Operation": ["Scan"]}
    )
    assert [c.render() for c in plan.changes] == [
        "~ parameters.Operation: (sensitive value changed)"
    ]
    client.update_association(association_id, paths={"parameters.Operation": ["Scan"]})
    assert stored(boto, association_id)["Parameters"] == {
        "Operation": ["Scan"],
        "RebootOption": ["NoReboot"],
    }
    plan = client.plan_association_update(
        association_id, paths={"parameters.RebootOption": CLEAR}
    )
    assert [c.render() for c in plan.changes] == [
        "- parameters.RebootOption: <sensitive>"
    ]
    assert [c.render(show_sensitive=True) for c in plan.changes] == [
        '- parameters.RebootOption: ["NoReboot"]'
    ]
    client.update_association(association_id, paths={"parameters.RebootOption": CLEAR})
    assert stored(boto, association_id)["Parameters"] == {"Operation": ["Scan"]}
    # A whole map still replaces, and the plan names each key it drops.
    plan = client.plan_association_update(
        association_id, parameters={"SnapshotId": ["s-1"]}
    )
    assert [(c.path, c.action) for c in plan.changes] == [
        ("parameters.Operation", "remove"),
        ("parameters.SnapshotId", "add"),
    ]
    assert stored(boto, association_id) == {
        **PATCHING,
        "Parameters": {"Operation": ["Scan"]},
    }


def test_a_nested_member_changes_alone(
    boto: Any, client: ssmkit.Client, window: str
) -> None:
    task = {**TASK}
    task["TaskInvocationParameters"] = {
        "RunCommand": {
            **TASK["TaskInvocationParameters"]["RunCommand"],  # type: ignore[index]
            "TimeoutSeconds": 600,
        }
    }
    task_id = boto.register_task_with_maintenance_window(WindowId=window, **task)[
        "WindowTaskId"
    ]
    path = "task_invocation_parameters.run_command.timeout_seconds"
    plan = client.plan_maintenance_window_task_update(
        window, task_id, paths={path: 1800}
    )
    assert str(plan) == (
        "UpdateMaintenanceWindowTask: 1 change\n"
        "  ~ task_invocation_parameters.run_command.timeout_seconds: 600 -> 1800"
    )
    client.update_maintenance_window_task(
        window,
        task_id,
        paths={path: 1800, "task_invocation_parameters.run_command.comment": CLEAR},
    )
    run_command = dict(task["TaskInvocationParameters"]["RunCommand"])
    del run_command["Comment"]
    assert task_state(boto, window, task_id) == {
        **task,
        "TaskInvocationParameters": {
            "RunCommand": {**run_command, "TimeoutSeconds": 1800}
        },
    }
    with pytest.raises(errors.ValidationError, match="no member 'timeout'"):
        client.update_maintenance_window_task(
            window, task_id, paths={"task_invocation_parameters.run_command.timeout": 1}
        )


def test_the_plan_says_the_association_will_run(
    client: ssmkit.Client, full: str, boto: Any
) -> None:
    plan = client.plan_association_update(full, max_errors="3")
    assert not plan.runs  # FULL is ApplyOnlyAtCronInterval
    plain = {
        k: v
        for k, v in FULL.items()
        if k not in ("ApplyOnlyAtCronInterval", "ScheduleOffset", "Duration")
    }
    other = boto.create_association(**plain)["AssociationDescription"]["AssociationId"]
    plan = client.plan_association_update(other, max_errors="3")
    assert plan.runs
    assert str(plan).endswith("(writing it runs the association at once)")
    assert plan.to_json()["runs"] is True


def test_blobs_survive_any_number_of_safe_updates(
    boto: Any, client: ssmkit.Client, window: str
) -> None:
    task_id = boto.register_task_with_maintenance_window(
        WindowId=window,
        TaskArn="arn:aws:lambda:us-east-1:123456789012:function:f",
        TaskType="LAMBDA",
        TaskInvocationParameters={"Lambda": {"Payload": b'{"a":1}'}},
    )["WindowTaskId"]
    for priority in (3, 4, 5):
        result = client.update_maintenance_window_task(
            window, task_id, priority=priority
        )
        assert result.task_invocation_parameters is not None
        assert result.task_invocation_parameters.lambda_ is not None
        assert result.task_invocation_parameters.lambda_.payload == b'{"a":1}'
    answer = boto.get_maintenance_window_task(WindowId=window, WindowTaskId=task_id)
    assert answer["TaskInvocationParameters"]["Lambda"]["Payload"] == b'{"a":1}'


def test_each_write_race_and_backoff_is_logged(
    client: ssmkit.Client,
    full: str,
    stand_in: StandIn,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="ssmkit")
    stand_in.fail_next("UpdateAssociation", "TooManyUpdates")
    stand_in.fail_next("UpdateAssociation", "InvalidAssociationVersion")
    client.update_association(full, max_errors="9")
    client.update_association(full, max_errors="9")
    seen = [(r.levelname, r.getMessage()) for r in caplog.records]
    what = f"association {full}"
    assert seen == [
        ("INFO", f"{what}: UpdateAssociation of max_errors"),
        ("INFO", f"{what}: TooManyUpdates, backing off (attempt 1)"),
        ("INFO", f"{what}: lost a race to another writer (attempt 1)"),
        ("INFO", f"{what}: UpdateAssociation of max_errors"),
        ("DEBUG", f"{what}: nothing to change, nothing written"),
    ]


def test_clients_made_and_dropped_leave_nothing_behind(
    stand_in: StandIn,
) -> None:
    # A process that makes a client per account must not grow with each one.
    def one() -> weakref.ref[Any]:
        boto = boto3.client("ssm", region_name="us-east-1")
        association_id = boto.create_association(**FULL)["AssociationDescription"][
            "AssociationId"
        ]
        ssmkit.Client(boto3_client=boto).update_association(
            association_id, max_errors="3", paths={"parameters.commands": ["id"]}
        )
        return weakref.ref(boto.meta.service_model)

    from ssmkit import _wire

    one()
    gc.collect()
    kept = len(_wire._ONCE)
    refs = [one() for _ in range(3)]
    gc.collect()
    assert [r() for r in refs] == [None, None, None]
    # The facts worked out per shape went with the shapes, not one set per client.
    assert len(_wire._ONCE) == kept
    assert all(ref() is not None for ref, _ in _wire._ONCE.values())


# -- refusals, to the letter ------------------------------------------------------


def refusal(caught: pytest.ExceptionInfo[errors.ValidationError]) -> tuple[Any, ...]:
    return (str(caught.value), caught.value.member, caught.value.rule)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"apply_only_at_cron_interval": False},
            (
                "schedule_offset: needs apply_only_at_cron_interval=True",
                "schedule_offset",
                "needs apply_only_at_cron_interval",
            ),
        ),
        (
            {"apply_only_at_cron_interval": CLEAR, "schedule_offset": CLEAR},
            (
                "duration: needs apply_only_at_cron_interval=True",
                "duration",
                "needs apply_only_at_cron_interval",
            ),
        ),
        (
            {"schedule_expression": "rate(1 day)"},
            (
                "apply_only_at_cron_interval: not supported with rate() expressions",
                "apply_only_at_cron_interval",
                "not with rate() expressions",
            ),
        ),
        (
            {"target_maps": [{"InstanceIds": ["i-1"]}]},
            (
                "targets and target_maps can't be sent together: to switch from one "
                "to the other, clear the first (ssmkit.CLEAR) in the same call",
                "target_maps",
                "not with targets",
            ),
        ),
        (
            {"alarm_configuration": AlarmConfiguration(alarms=[])},
            (
                "alarm_configuration.alarms: length must be at least 1 (got [])",
                "alarm_configuration.alarms",
                "length must be at least 1",
            ),
        ),
        (
            {"name": CLEAR},
            (
                "name: cannot be removed (CreateAssociation requires it)",
                "name",
                "required",
            ),
        ),
        (
            {"paths": {"alarm_configuration.alarms": CLEAR}},
            (
                "alarm_configuration.alarms: cannot be removed (AlarmConfiguration "
                "requires it; clear what holds it instead)",
                "alarm_configuration.alarms",
                "required",
            ),
        ),
        (
            {"paths": {"parameters.commands": "uptime"}},
            (
                "parameters.commands: must be a list (got <sensitive>)",
                "parameters.commands",
                "must be a list",
            ),
        ),
        (
            {"schedule_offset": True},
            (
                "schedule_offset: must be a whole number (got True)",
                "schedule_offset",
                "must be a whole number",
            ),
        ),
    ],
)
def test_association_refusals_to_the_letter(
    client: ssmkit.Client,
    full: str,
    changes: dict[str, Any],
    expected: tuple[str, str, str],
) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        client.update_association(full, **changes)
    assert refusal(caught) == expected


def targetless() -> dict[str, Any]:
    return {
        "TaskArn": "arn:aws:lambda:us-east-1:123456789012:function:patch",
        "TaskType": "LAMBDA",
        "Priority": 1,
    }


def test_an_alarm_configuration_without_alarms_is_refused_as_the_rule_says(
    client: ssmkit.Client, full: str
) -> None:
    def empty(current: AssociationDescription) -> AssociationDescription:
        return attrs.evolve(current, alarm_configuration=AlarmConfiguration(alarms=[]))

    with pytest.raises(errors.ValidationError) as caught:
        client.update_association(full, modify=empty)
    assert caught.value.member == "alarm_configuration.alarms"


@pytest.mark.parametrize(
    ("task", "changes", "expected"),
    [
        (
            "targets",
            {"max_concurrency": CLEAR},
            (
                "max_concurrency: a task with targets needs a value",
                "max_concurrency",
                "required with targets",
            ),
        ),
        (
            "targets",
            {"max_errors": CLEAR},
            (
                "max_errors: a task with targets needs a value",
                "max_errors",
                "required with targets",
            ),
        ),
        (
            "targetless",
            {"max_errors": "5"},
            (
                "max_errors: a task without targets can't have a value",
                "max_errors",
                "not without targets",
            ),
        ),
        (
            "targets",
            {"task_arn": CLEAR},
            (
                "task_arn: cannot be removed "
                "(RegisterTaskWithMaintenanceWindow requires it)",
                "task_arn",
                "required",
            ),
        ),
    ],
)
def test_task_refusals_to_the_letter(
    boto: Any,
    client: ssmkit.Client,
    window: str,
    stand_in: StandIn,
    task: str,
    changes: dict[str, Any],
    expected: tuple[str, str, str],
) -> None:
    body = TASK if task == "targets" else targetless()
    task_id = boto.register_task_with_maintenance_window(WindowId=window, **body)[
        "WindowTaskId"
    ]
    stand_in.requests.clear()
    with pytest.raises(errors.ValidationError) as caught:
        client.update_maintenance_window_task(window, task_id, **changes)
    assert refusal(caught) == expected
    assert "UpdateMaintenanceWindowTask" not in stand_in.operations


def test_a_failure_says_what_became_of_the_association(
    boto: Any, client: ssmkit.Client, full: str, stand_in: StandIn
) -> None:
    stand_in.fail_next("UpdateAssociation", "InvalidTarget", message="no such tag")
    with pytest.raises(errors.InvalidTarget) as caught:
        client.update_association(full, max_errors="2")
    error = caught.value
    assert (error.code, error.operation) == ("InvalidTarget", "UpdateAssociation")
    assert error.message == (
        f"no such tag [association {full} is unchanged (still version 1)]"
    )
    assert error.request_id
    assert isinstance(error.__cause__, botocore.exceptions.ClientError)

    # A rival wrote before the refusal: the message says to read it again.
    def rival(_: Any) -> None:
        boto.update_association(**{**FULL, "AssociationId": full, "MaxErrors": "9"})

    stand_in.before("UpdateAssociation", rival)
    stand_in.fail_next("UpdateAssociation", "InvalidTarget", message="no such tag")
    with pytest.raises(errors.InvalidTarget) as caught:
        client.update_association(full, max_errors="2")
    assert caught.value.message == (
        f"no such tag [association {full} is now at version 2: read it before retrying]"
    )

    # It could not be read back.
    stand_in.fail_next("UpdateAssociation", "InvalidTarget", message="no such tag")
    stand_in.fail_next("DescribeAssociation", "InternalServerError", after=1, times=9)
    with pytest.raises(errors.InvalidTarget) as caught:
        client.update_association(full, max_errors="2")
    assert caught.value.message == (
        f"no such tag [association {full} could not be read back to check it]"
    )


def test_a_failed_task_update_says_whether_the_task_changed(
    boto: Any, client: ssmkit.Client, window: str, stand_in: StandIn
) -> None:
    task_id = boto.register_task_with_maintenance_window(WindowId=window, **TASK)[
        "WindowTaskId"
    ]
    what = f"maintenance window task {window}/{task_id}"
    # A 500 is retried by botocore: every attempt fails.
    stand_in.fail_next("UpdateMaintenanceWindowTask", "InternalServerError", times=10)
    with pytest.raises(errors.InternalServerError) as caught:
        client.update_maintenance_window_task(window, task_id, priority=9)
    assert caught.value.message.endswith(f"[{what} is unchanged]")

    def rival(_: Any) -> None:
        boto.update_maintenance_window_task(
            WindowId=window, WindowTaskId=task_id, Priority=5
        )

    stand_in.before("UpdateMaintenanceWindowTask", rival)
    stand_in.fail_next("UpdateMaintenanceWindowTask", "InternalServerError", times=10)
    with pytest.raises(errors.InternalServerError) as caught:
        client.update_maintenance_window_task(window, task_id, priority=9)
    assert caught.value.message.endswith(f"[{what} has changed since it was read]")


def test_a_landed_write_returns_what_was_written() -> None:
    boto, wire = wired_client(attempts=2)
    described = {**FULL, "AssociationId": "a1", "AssociationVersion": "4"}
    landed = {**described, "MaxErrors": "7", "AssociationVersion": "5"}
    wire.answer({"AssociationDescription": described})
    wire.fail("InternalServerError", status=500)
    wire.fail("InvalidAssociationVersion")
    wire.answer({"AssociationDescription": landed})
    [result] = ssmkit.Client(boto3_client=boto).update_associations(
        association_ids=["a1"], max_errors="7"
    )
    assert (result.outcome, result.version_before, result.version_after) == (
        "changed",
        "4",
        "5",
    )


def test_show_changes_spells_out_the_keywords() -> None:
    from ssmkit._safe import show_changes

    def update(association_id: str, /, *, modify: Any = None, **changes: Any) -> None:
        return None

    show_changes(update, MEMBERS["AssociationChanges"])
    parameters = inspect.signature(update).parameters
    assert list(parameters)[:2] == ["association_id", "modify"]
    assert "changes" not in parameters
    spelled = parameters["max_errors"]
    assert spelled.kind is inspect.Parameter.KEYWORD_ONLY
    assert spelled.default is None
    assert spelled.annotation == "str | Clear"
    assert set(parameters) - {"association_id", "modify"} == set(
        ssmkit.AssociationChanges.__annotations__
    )


@pytest.mark.parametrize("name", sorted(MEMBERS))
def test_the_spelled_out_keywords_are_the_typed_dicts(name: str) -> None:
    # The plain strings the signatures use, and the TypedDicts type checkers use.
    typed = getattr(ssmkit, name).__annotations__
    assert MEMBERS[name] == tuple(
        (member, getattr(kind, "__forward_arg__", kind))
        for member, kind in typed.items()
    )


def test_modify_removing_a_list_item_keeps_the_others_whole(tmp_path: Path) -> None:
    boto, wire = wired_client(session=newer_botocore(tmp_path))
    locations = [
        {"Accounts": ["123456789012"], "Regions": ["us-east-1"], "FutureSetting": "a"},
        {"Accounts": ["210987654321"], "Regions": ["eu-west-1"], "FutureSetting": "b"},
    ]
    described = {**FULL, "AssociationId": "a1", "AssociationVersion": "4"}
    described["TargetLocations"] = locations
    wire.answer({"AssociationDescription": described})
    wire.answer({"AssociationDescription": described})

    def drop_first_and_unschedule(
        current: AssociationDescription,
    ) -> AssociationDescription:
        assert current.target_locations is not None
        return attrs.evolve(
            current,
            calendar_names=None,
            target_locations=current.target_locations[1:],
        )

    ssmkit.safe_update_association(boto, "a1", modify=drop_first_and_unschedule)
    sent = wire.requests[1][1]
    assert sent["TargetLocations"] == [locations[1]]
    assert "CalendarNames" not in sent


def test_modify_is_checked_at_every_depth(
    boto: Any, client: ssmkit.Client, full: str, window: str
) -> None:
    def no_regions(current: AssociationDescription) -> AssociationDescription:
        assert current.target_locations is not None
        first = attrs.evolve(current.target_locations[0], regions=[])
        return attrs.evolve(current, target_locations=[first])

    with pytest.raises(errors.ValidationError) as caught:
        client.update_association(full, modify=no_regions)
    assert str(caught.value) == (
        "target_locations[0].regions: length must be at least 1 (got [])"
    )
    task_id = boto.register_task_with_maintenance_window(
        WindowId=window, **{**TASK, "TaskParameters": {"p": {"Values": ["v"]}}}
    )["WindowTaskId"]

    def empty_value(
        current: GetMaintenanceWindowTaskResult,
    ) -> GetMaintenanceWindowTaskResult:
        values = MaintenanceWindowTaskParameterValueExpression(values=[""])
        return attrs.evolve(current, task_parameters={"p": values})

    with pytest.raises(errors.ValidationError) as caught:
        client.update_maintenance_window_task(window, task_id, modify=empty_value)
    assert str(caught.value) == (
        "task_parameters.p.values[0]: length must be at least 1 (got <sensitive>)"
    )
    assert (caught.value.member, caught.value.rule) == (
        "task_parameters.p.values[0]",
        "length must be at least 1",
    )


def test_modify_cannot_change_what_ssmkit_sets(
    client: ssmkit.Client, full: str
) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        client.update_association(
            full, modify=lambda d: attrs.evolve(d, association_version="9")
        )
    assert refusal(caught) == (
        "association_version: ssmkit sets it, modify= cannot change it",
        "association_version",
        "not updatable",
    )
    with pytest.raises(TypeError, match="must return a AssociationDescription, got"):
        client.update_association(full, modify=lambda d: None)  # type: ignore[arg-type,return-value]


def test_a_plan_as_text_json_and_repr(
    boto: Any, client: ssmkit.Client, full: str, window: str
) -> None:
    plan = client.plan_association_update(
        full,
        expected_version=1,
        max_errors="3",
        paths={"parameters.commands": ["id"]},
    )
    assert repr(plan) == (
        "UpdatePlan(operation='UpdateAssociation', "
        "changes=[parameters.commands, max_errors])"
    )
    assert plan.to_json() == {
        "operation": "UpdateAssociation",
        "noop": False,
        "runs": False,
        "changes": [
            {
                "path": "parameters.commands",
                "action": "change",
                "before": "<sensitive>",
                "after": "<sensitive>",
            },
            {"path": "max_errors", "action": "change", "before": "10%", "after": "3"},
        ],
    }
    assert str(plan).splitlines()[0] == "UpdateAssociation: 2 changes"
    with pytest.raises(errors.ConcurrentUpdateError):
        client.plan_association_update(full, expected_version="2", max_errors="3")
    plan = client.plan_association_update(
        full, modify=lambda d: attrs.evolve(d, max_errors="4")
    )
    assert [c.after for c in plan.changes] == ["4"]

    task_id = boto.register_task_with_maintenance_window(WindowId=window, **TASK)[
        "WindowTaskId"
    ]
    plan = client.plan_maintenance_window_task_update(
        window, task_id, modify=lambda t: attrs.evolve(t, priority=9)
    )
    assert str(plan) == "UpdateMaintenanceWindowTask: 1 change\n  ~ priority: 2 -> 9"
    assert plan.runs is False
    assert "ResponseMetadata" not in ssmkit.to_boto(
        client.update_maintenance_window_task(window, task_id, priority=9)
    )


# -- the edges of the safe path -----------------------------------------------------

DESCRIBED = {**FULL, "AssociationId": "a1", "AssociationVersion": "4"}
TASK_ID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
TASK_IDS = {"WindowId": "mw-0123456789abcdef0", "WindowTaskId": TASK_ID}


def lost_race(then: dict[str, Any]) -> tuple[Any, Any]:
    """A client whose write is refused as a lost race; the next read finds ``then``.

    ``then`` changes the described association (its version, its members).
    """
    boto, wire = wired_client()
    wire.answer({"AssociationDescription": DESCRIBED})
    wire.fail("InvalidAssociationVersion")
    wire.answer({"AssociationDescription": {**DESCRIBED, **then}})
    return boto, wire


def test_the_backoff_is_full_jitter_doubling_to_its_cap(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    bounds: list[tuple[float, float]] = []

    def uniform(low: float, high: float) -> float:
        bounds.append((low, high))
        return 0.0

    monkeypatch.setattr(random, "uniform", uniform)
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    boto, wire = wired_client()
    wire.answer({"AssociationDescription": DESCRIBED})
    for _ in range(5):
        wire.fail("TooManyUpdates")
    wire.answer({"AssociationDescription": DESCRIBED})  # read back: unchanged
    caplog.set_level(logging.INFO, logger="ssmkit")
    with pytest.raises(errors.TooManyUpdates):
        ssmkit.safe_update_association(boto, "a1", max_errors="7")
    # A random delay from 0 up to 0.05 * 2**attempt seconds, capped at 1.
    assert bounds == [(0, 0.1), (0, 0.2), (0, 0.4), (0, 0.8)]
    assert caplog.messages[-1] == ("association a1: TooManyUpdates 5 times, giving up")
    assert caplog.records[-1].levelno == logging.WARNING


def test_a_refused_write_keeps_its_code_and_cause_and_says_what_is_left() -> None:
    boto, wire = wired_client()
    wire.answer({"AssociationDescription": DESCRIBED})
    wire.fail("InvalidSchedule", "bad schedule")
    wire.answer({"AssociationDescription": DESCRIBED})
    with pytest.raises(errors.InvalidSchedule) as caught:
        ssmkit.safe_update_association(boto, "a1", max_errors="7")
    assert caught.value.code == "InvalidSchedule"
    assert caught.value.operation == "UpdateAssociation"
    assert isinstance(caught.value.__cause__, botocore.exceptions.ClientError)
    assert str(caught.value) == (
        "UpdateAssociation: InvalidSchedule: bad schedule "
        "[association a1 is unchanged (still version 4)]"
    )


def test_a_lost_answer_is_logged_as_landed(caplog: pytest.LogCaptureFixture) -> None:
    boto, _ = lost_race({"MaxErrors": "7", "AssociationVersion": "5"})
    caplog.set_level(logging.INFO, logger="ssmkit")
    (result,) = ssmkit.Client(boto3_client=boto).update_associations(
        association_ids=["a1"], max_errors="7"
    )
    assert (result.outcome, result.version_after) == ("changed", "5")
    assert "association a1: the write landed; its answer was lost" in caplog.messages


def test_the_same_change_made_two_versions_later_is_not_ours() -> None:
    # Our write was refused; two other writers followed, the last writing what
    # we meant to. Nothing of ours landed: there is nothing left to write.
    boto, wire = lost_race({"MaxErrors": "7", "AssociationVersion": "6"})
    (result,) = ssmkit.Client(boto3_client=boto).update_associations(
        association_ids=["a1"], max_errors="7"
    )
    assert (result.outcome, result.version_before) == ("unchanged", "6")
    assert wire.operations.count("UpdateAssociation") == 1


def test_the_keyword_signature_spells_each_change_type() -> None:
    parameters = inspect.signature(ssmkit.safe_update_association).parameters
    assert parameters["max_errors"].annotation == "str | Clear"
    assert parameters["max_errors"].kind is inspect.Parameter.KEYWORD_ONLY


def test_clearing_the_targets_of_a_task_drops_its_concurrency_and_errors() -> None:
    boto, wire = wired_client()
    wire.answer({**TASK, **TASK_IDS})
    wire.answer({})
    ssmkit.safe_update_maintenance_window_task(
        boto, "mw-0123456789abcdef0", TASK_ID, targets=CLEAR
    )
    expected = {
        k: v
        for k, v in TASK.items()
        if k not in ("Targets", "MaxConcurrency", "MaxErrors", "TaskType")
    }
    assert wire.requests[1] == (
        "UpdateMaintenanceWindowTask",
        {**TASK_IDS, **expected, "Replace": True},
    )


@pytest.mark.parametrize(
    "placeholders", [{"MaxConcurrency": "1", "MaxErrors": "1"}, {}]
)
def test_a_targetless_task_is_written_without_placeholders(
    placeholders: dict[str, str],
) -> None:
    targetless = {
        k: v
        for k, v in TASK.items()
        if k not in ("Targets", "MaxConcurrency", "MaxErrors")
    }
    boto, wire = wired_client()
    wire.answer({**targetless, **placeholders, **TASK_IDS})
    wire.answer({})
    ssmkit.safe_update_maintenance_window_task(
        boto, "mw-0123456789abcdef0", TASK_ID, priority=9
    )
    sent = {k: v for k, v in targetless.items() if k != "TaskType"}
    assert wire.requests[1] == (
        "UpdateMaintenanceWindowTask",
        {**TASK_IDS, **sent, "Priority": 9},
    )


def test_modify_sets_and_removes_a_member_the_stored_form_left_out() -> None:
    # The service reports TargetLocations as [], which the input refuses: the
    # stored form leaves it out, and modify= still sets or removes it.
    described = {**DESCRIBED, "TargetLocations": []}
    location = TargetLocation(accounts=["123456789012"], regions=["eu-west-1"])
    boto, wire = wired_client()
    wire.answer({"AssociationDescription": described})
    wire.answer({"AssociationDescription": described})
    ssmkit.safe_update_association(
        boto,
        "a1",
        modify=lambda a: attrs.evolve(a, target_locations=[location]),
    )
    assert wire.requests[1][1]["TargetLocations"] == [
        {"Accounts": ["123456789012"], "Regions": ["eu-west-1"]}
    ]
    boto, wire = wired_client()
    wire.answer({"AssociationDescription": described})
    ssmkit.safe_update_association(
        boto, "a1", modify=lambda a: attrs.evolve(a, target_locations=None)
    )
    assert wire.operations == ["DescribeAssociation"]


def test_modify_values_are_checked_at_their_member() -> None:
    boto, wire = wired_client()
    wire.answer({"AssociationDescription": DESCRIBED})
    with pytest.raises(errors.ValidationError) as caught:
        ssmkit.safe_update_association(
            boto, "a1", modify=lambda a: attrs.evolve(a, max_errors="lots")
        )
    assert caught.value.member == "max_errors"
    assert wire.operations == ["DescribeAssociation"]


def changed_botocore(tmp_path: Path, edit: Any) -> botocore.session.Session:
    """A botocore session whose SSM model ``edit`` changed."""
    loader = botocore.loaders.Loader()
    model = copy.deepcopy(loader.load_service_model("ssm", "service-2"))
    edit(model["shapes"])
    folder = tmp_path / "ssm" / model["metadata"]["apiVersion"]
    folder.mkdir(parents=True)
    (folder / "service-2.json").write_text(json.dumps(model))
    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, str(tmp_path))
    return session


def test_modify_keeps_unknown_members_of_the_other_entries_of_a_map(
    tmp_path: Path,
) -> None:
    def edit(shapes: dict[str, Any]) -> None:
        shapes["FutureSetting"] = {"type": "string"}
        value = shapes["MaintenanceWindowTaskParameterValueExpression"]
        value["members"]["FutureSetting"] = {"shape": "FutureSetting"}

    boto, wire = wired_client(session=changed_botocore(tmp_path, edit))
    parameters = {
        "Keep": {"Values": ["1"], "FutureSetting": "keep-me"},
        "Edit": {"Values": ["2"], "FutureSetting": "and-me"},
    }
    wire.answer({**TASK, **TASK_IDS, "TaskParameters": parameters})
    wire.answer({})

    def edited(task: Any) -> Any:
        values = dict(task.task_parameters)
        values["Edit"] = attrs.evolve(values["Edit"], values=["3"])
        return attrs.evolve(task, task_parameters=values)

    ssmkit.safe_update_maintenance_window_task(
        boto, "mw-0123456789abcdef0", TASK_ID, modify=edited
    )
    assert wire.requests[1][1]["TaskParameters"] == {
        "Keep": {"Values": ["1"], "FutureSetting": "keep-me"},
        "Edit": {"Values": ["3"], "FutureSetting": "and-me"},
    }


def test_modify_names_a_list_item_member_an_older_model_cannot_send(
    tmp_path: Path,
) -> None:
    def edit(shapes: dict[str, Any]) -> None:
        del shapes["TargetLocation"]["members"]["ExcludeAccounts"]

    boto, wire = wired_client(session=changed_botocore(tmp_path, edit))
    wire.answer({"AssociationDescription": DESCRIBED})

    def excluded(a: Any) -> Any:
        location = attrs.evolve(a.target_locations[0], exclude_accounts=["1" * 12])
        return attrs.evolve(a, target_locations=[location])

    with pytest.raises(errors.ValidationError) as caught:
        ssmkit.safe_update_association(boto, "a1", modify=excluded)
    where = "target_locations[0].exclude_accounts"
    assert str(caught.value) == f"{where}: the update cannot change it"
    assert wire.operations == ["DescribeAssociation"]


def test_modify_cannot_change_what_an_older_model_cannot_send(tmp_path: Path) -> None:
    def edit(shapes: dict[str, Any]) -> None:
        del shapes["MaintenanceWindowRunCommandParameters"]["members"]["TimeoutSeconds"]
        del shapes["MaintenanceWindowTaskParameterValueExpression"]["members"]["Values"]

    session = changed_botocore(tmp_path, edit)
    task = {
        **TASK,
        **TASK_IDS,
        "TaskParameters": {"MyKey": {"Values": ["1"]}},
    }
    for modify, where in (
        (
            lambda t: attrs.evolve(
                t,
                task_invocation_parameters=attrs.evolve(
                    t.task_invocation_parameters,
                    run_command=attrs.evolve(
                        t.task_invocation_parameters.run_command, timeout_seconds=60
                    ),
                ),
            ),
            "task_invocation_parameters.run_command.timeout_seconds",
        ),
        (
            lambda t: attrs.evolve(
                t,
                task_parameters={
                    "MyKey": attrs.evolve(t.task_parameters["MyKey"], values=["2"])
                },
            ),
            "task_parameters.MyKey.values",
        ),
    ):
        boto, wire = wired_client(session=session)
        wire.answer(task)
        with pytest.raises(errors.ValidationError) as caught:
            ssmkit.safe_update_maintenance_window_task(
                boto, "mw-0123456789abcdef0", TASK_ID, modify=modify
            )
        assert str(caught.value) == f"{where}: the update cannot change it"
        assert (caught.value.member, caught.value.rule) == (where, "not updatable")
        assert wire.operations == ["GetMaintenanceWindowTask"]


def test_a_pause_on_alarm_failure_without_alarms_is_refused() -> None:
    # No alarm is configured: setting one member of AlarmConfiguration by path
    # would send a configuration without the alarms the service requires.
    described = {k: v for k, v in DESCRIBED.items() if k != "AlarmConfiguration"}
    boto, wire = wired_client()
    wire.answer({"AssociationDescription": described})
    with pytest.raises(errors.ValidationError) as caught:
        ssmkit.safe_update_association(
            boto, "a1", paths={"alarm_configuration.ignore_poll_alarm_failure": True}
        )
    assert str(caught.value) == "alarm_configuration.alarms: needs at least one alarm"
    assert (caught.value.member, caught.value.rule) == (
        "alarm_configuration.alarms",
        "length at least 1",
    )
    assert wire.operations == ["DescribeAssociation"]


def test_switching_to_target_maps_with_an_empty_targets_sends_only_the_maps() -> None:
    boto, wire = wired_client()
    wire.answer({"AssociationDescription": DESCRIBED})
    wire.answer({"AssociationDescription": DESCRIBED})
    ssmkit.safe_update_association(
        boto, "a1", target_maps=[{"InstanceIds": ["i-1"]}], targets=[]
    )
    sent = wire.requests[1][1]
    assert sent["TargetMaps"] == [{"InstanceIds": ["i-1"]}]
    assert "Targets" not in sent


def test_an_empty_target_maps_beside_targets_is_not_a_change() -> None:
    described = {**DESCRIBED, "TargetMaps": []}
    boto, wire = wired_client()
    wire.answer({"AssociationDescription": described})
    ssmkit.safe_update_association(boto, "a1", max_errors=described["MaxErrors"])
    assert wire.operations == ["DescribeAssociation"]


def test_each_write_is_logged_with_the_paths_it_changes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    boto, wire = wired_client()
    wire.answer({"AssociationDescription": DESCRIBED})
    wire.answer({"AssociationDescription": DESCRIBED})
    caplog.set_level(logging.INFO, logger="ssmkit")
    ssmkit.safe_update_association(
        boto, "a1", max_errors="7", schedule_expression="cron(0 3 ? * SUN *)"
    )
    assert (
        "association a1: UpdateAssociation of schedule_expression, max_errors"
        in caplog.messages
    )


def test_a_write_beside_an_empty_target_maps_keeps_the_targets() -> None:
    described = {**DESCRIBED, "TargetMaps": []}
    boto, wire = wired_client()
    wire.answer({"AssociationDescription": described})
    wire.answer({"AssociationDescription": described})
    ssmkit.safe_update_association(boto, "a1", max_errors="7")
    sent = wire.requests[1][1]
    assert sent["Targets"] == FULL["Targets"]
    assert "TargetMaps" not in sent


def test_an_empty_target_maps_given_beside_targets_is_left_out() -> None:
    boto, wire = wired_client()
    wire.answer({"AssociationDescription": DESCRIBED})
    wire.answer({"AssociationDescription": DESCRIBED})
    ssmkit.safe_update_association(boto, "a1", target_maps=[], max_errors="7")
    sent = wire.requests[1][1]
    assert sent["Targets"] == FULL["Targets"]
    assert "TargetMaps" not in sent


def test_a_refusal_with_a_code_ssmkit_does_not_know_keeps_its_code() -> None:
    boto, wire = wired_client()
    wire.answer({"AssociationDescription": DESCRIBED})
    wire.fail("BrandNewRefusal", "not today")
    wire.answer({"AssociationDescription": DESCRIBED})
    with pytest.raises(errors.ServiceError) as caught:
        ssmkit.safe_update_association(boto, "a1", max_errors="7")
    assert type(caught.value) is errors.ServiceError
    assert caught.value.code == "BrandNewRefusal"
    assert caught.value.request_id == "request-2"


def test_a_lost_race_with_an_expected_version_says_so() -> None:
    # Another writer's version, not what was sent: nothing of ours landed.
    boto, _ = lost_race({"MaxErrors": "9", "AssociationVersion": "5"})
    with pytest.raises(errors.ConcurrentUpdateError) as caught:
        ssmkit.safe_update_association(boto, "a1", max_errors="7", expected_version="4")
    assert str(caught.value) == (
        "version 4 was replaced by another writer: nothing was written"
    )
    assert caught.value.expected_version == "4"


def test_a_landed_write_with_an_expected_version_carries_its_plan(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from ssmkit._safe import ASSOCIATION, apply_update

    boto, _ = lost_race({"MaxErrors": "7", "AssociationVersion": "5"})
    caplog.set_level(logging.INFO, logger="ssmkit")
    done = apply_update(
        ASSOCIATION,
        boto,
        {"AssociationId": "a1"},
        expected_version="4",
        modify=None,
        changes={"max_errors": "7"},
    )
    assert done.wrote
    assert done.plan.request["MaxErrors"] == "7"
    assert done.result.association_version == "5"
    assert "association a1: the write landed; its answer was lost" in caplog.messages


# -- the write is validated once --------------------------------------------------


def test_a_stored_value_botocore_would_refuse_is_sent_as_the_service_stored_it() -> (
    None
):
    # The service stored it; botocore's model says MaxConcurrency is at least 1
    # long. What was read is carried as it is, and judged by the service alone.
    boto, wire = wired_client()
    wire.answer({"AssociationDescription": {**DESCRIBED, "MaxConcurrency": ""}})
    wire.answer({"AssociationDescription": {**DESCRIBED, "AssociationVersion": "5"}})

    ssmkit.safe_update_association(boto, "a1", max_errors="5")

    assert wire.operations == ["DescribeAssociation", "UpdateAssociation"]
    sent = wire.requests[1][1]
    assert sent["MaxConcurrency"] == ""
    assert sent["MaxErrors"] == "5"


def test_a_change_is_checked_as_botocore_checks_it_before_any_call() -> None:
    boto, wire = wired_client()
    location = {"S3Location": {"OutputS3BucketName": "b", "Colour": "blue"}}

    with pytest.raises(errors.ValidationError) as caught:
        ssmkit.safe_update_association(boto, "a1", output_location=location)

    assert str(caught.value) == "output_location.s3_location.colour: no such member"
    assert wire.operations == []


def test_other_calls_on_the_client_are_still_validated_by_botocore() -> None:
    boto, wire = wired_client()
    wire.answer({"AssociationDescription": DESCRIBED})
    wire.answer({"AssociationDescription": {**DESCRIBED, "AssociationVersion": "5"}})
    nested: list[BaseException] = []

    def during_the_write(**_: Any) -> None:
        # Another call made while the write is under way, on the same client.
        try:
            boto.update_association(AssociationId="a1", MaxConcurrency="")
        except Exception as exc:
            nested.append(exc)

    boto.meta.events.register("before-call.ssm.UpdateAssociation", during_the_write)
    ssmkit.safe_update_association(boto, "a1", max_errors="5")
    boto.meta.events.unregister("before-call.ssm.UpdateAssociation", during_the_write)

    # Only the safe update's own request skips the second validation: a
    # request made meanwhile (here of the same operation) is validated.
    assert wire.operations == ["DescribeAssociation", "UpdateAssociation"]
    assert [type(e).__name__ for e in nested] == ["ParamValidationError"]
    with pytest.raises(botocore.exceptions.ParamValidationError):
        boto.update_association(AssociationId="a1", MaxConcurrency="")
    assert len(wire.requests) == 2


def test_the_client_keeps_botocore_s_validator_asked_for_all_else() -> None:
    boto, wire = wired_client()
    for version in ("4", "5", "5", "6"):  # read, write, read, write
        wire.answer(
            {"AssociationDescription": {**DESCRIBED, "AssociationVersion": version}}
        )

    serializer = boto._serializer
    validator = serializer._param_validator

    ssmkit.safe_update_association(boto, "a1", max_errors="5")
    wrapped = serializer._param_validator
    ssmkit.safe_update_association(boto, "a1", max_errors="6")

    assert boto._serializer is serializer
    assert wrapped._validator is validator
    assert serializer._param_validator is wrapped  # wrapped once


def test_a_client_without_validation_is_left_as_it_is() -> None:
    boto = boto3.client(
        "ssm",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(parameter_validation=False),
    )
    wire = Wire(boto)
    wire.answer({"AssociationDescription": DESCRIBED})
    wire.answer({"AssociationDescription": {**DESCRIBED, "AssociationVersion": "5"}})
    serializer = boto._serializer

    ssmkit.safe_update_association(boto, "a1", max_errors="5")

    assert wire.requests[1][1]["MaxErrors"] == "5"
    assert boto._serializer is serializer
    assert not hasattr(serializer, "_param_validator")


def test_an_event_handler_s_edit_deep_in_the_write_is_validated() -> None:
    boto, wire = wired_client()
    wire.answer({"AssociationDescription": DESCRIBED})

    def edit(params: dict[str, Any], **_: Any) -> None:
        params["Targets"][0]["Values"] = "weekly"  # a text where a list belongs

    boto.meta.events.register("before-parameter-build.ssm.UpdateAssociation", edit)
    with pytest.raises(errors.ValidationError) as caught:
        ssmkit.safe_update_association(boto, "a1", max_errors="5")

    assert "Invalid type for parameter Targets[0].Values" in str(caught.value)
    assert wire.operations == ["DescribeAssociation"]


def test_a_change_by_path_that_builds_a_structure_needs_its_required_members() -> None:
    boto, wire = wired_client()
    task = {k: v for k, v in TASK.items() if k != "LoggingInfo"}
    wire.answer({**task, **TASK_IDS})

    with pytest.raises(errors.ValidationError) as caught:
        ssmkit.safe_update_maintenance_window_task(
            boto,
            "mw-0123456789abcdef0",
            TASK_ID,
            paths={"logging_info.s3_key_prefix": "x"},
        )

    assert "Missing required parameter in LoggingInfo" in str(caught.value)
    assert "S3BucketName" in str(caught.value)
    assert wire.operations == ["GetMaintenanceWindowTask"]


def test_clear_within_a_value_is_refused_not_sent_as_text() -> None:
    # Sent, it would store the text "CLEAR" where a removal was meant.
    boto, wire = wired_client()
    logging_info = {"S3BucketName": "b", "S3KeyPrefix": ssmkit.CLEAR}

    with pytest.raises(errors.ValidationError) as caught:
        ssmkit.safe_update_maintenance_window_task(
            boto, "mw-0123456789abcdef0", TASK_ID, logging_info=logging_info
        )

    assert str(caught.value).startswith("logging_info: ")
    assert "name its path in paths=" in str(caught.value)
    assert wire.requests == []


def test_a_write_whose_stored_part_was_pruned_is_validated_whole() -> None:
    # The service answered an alarm configuration with no alarms; pruning the
    # list too short to send leaves a structure without its required member.
    boto, wire = wired_client()
    alarms = {"IgnorePollAlarmFailure": False, "Alarms": []}
    wire.answer({**TASK, **TASK_IDS, "AlarmConfiguration": alarms})

    with pytest.raises(errors.ValidationError) as caught:
        ssmkit.safe_update_maintenance_window_task(
            boto, "mw-0123456789abcdef0", TASK_ID, description="new"
        )

    assert 'Missing required parameter in AlarmConfiguration: "Alarms"' in str(
        caught.value
    )
    assert wire.operations == ["GetMaintenanceWindowTask"]
