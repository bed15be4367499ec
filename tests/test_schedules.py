"""Schedule expressions: AWS's own examples taken, nonsense refused before any call."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import awscli
import pytest

import ssmkit
from ssmkit import errors
from ssmkit._schedules import check_schedule
from ssmkit.testing import StandIn

from .test_cli import ssmkit as run_command

#: Every expression AWS's pages print: "Reference: Cron and rate expressions for
#: Systems Manager", its association and maintenance window sections, and the
#: older "Cron Schedules for Systems Manager" tables.
AWS_PAGES = [
    "cron(30 23 ? * TUE#3 *)",
    "cron(0 0 ? * THU#2 *)",
    "cron(0 30 23 ? * TUE#3 *)",
    "cron(0 16 ? * TUE *)",
    "cron(0 10 * * ? *)",
    "cron(15 12 * * ? *)",
    "cron(0 18 ? * MON-FRI *)",
    "cron(0 8 1 * ? *)",
    "cron(0/15 * * * ? *)",
    "cron(0/10 * ? * MON-FRI *)",
    "cron(0/5 8-17 ? * MON-FRI *)",
    "cron(0 0 2 ? 1/1 THU#3 *)",
    "cron(0 15 10 ? * *)",
    "cron(0 0 0 21 1/1 ? *)",
    "cron(0 15 10 ? * MON-FRI)",
    "cron(0 0 2 L * ?)",
    "cron(0 15 10 ? * 6L)",
    "cron(0 0/30 * 1/1 * ? *)",
    "rate(7 days)",
    "rate(2 days)",
    "at(2019-07-07T13:15:30)",
    "at(2020-07-07T15:55:00)",
]

#: Every expression in the AWS CLI's published SSM examples.
EXAMPLES = Path(awscli.__file__).parent / "examples" / "ssm"
AWS_CLI = sorted(
    {
        found
        for page in EXAMPLES.glob("*.rst")
        for found in re.findall(r"(?:cron|rate|at)\([^)]*\)", page.read_text())
    }
)


def test_the_aws_cli_examples_were_found() -> None:
    assert "at(2020-05-14T15:55:00)" in AWS_CLI
    assert len(AWS_CLI) >= 8


@pytest.mark.parametrize("expression", AWS_PAGES + AWS_CLI)
def test_every_expression_aws_publishes_is_taken(expression: str) -> None:
    check_schedule(expression)


@pytest.mark.parametrize(
    ("expression", "why"),
    [
        ("cron(61 99 bad)", "a cron expression has 6 fields"),
        ("cron(bad)", "got 1"),
        ("cron(61 2 ? * SUN *)", "minutes 61 is out of range 0-59"),
        ("cron(0 25 ? * SUN *)", "hours 25 is out of range 0-23"),
        ("cron(0 2 ? * FUNDAY *)", "day-of-week 'FUNDAY' is not a value of it"),
        ("cron(0 2 ? * TUE#9 *)", "the week after # is 1 to 5"),
        ("cron(0 2 1 * TUE *)", "day-of-month and day-of-week cannot both be given"),
        ("rate(0 days)", "a rate's number is 1 or more"),
        ("rate(5 weeks)", "a rate is rate(N minutes)"),
        ("rate(five days)", "a rate is rate(N minutes)"),
        ("at(2020-13-01T00:00:00)", "is not a date and time"),
        ("at(tomorrow)", "a single run is at(YYYY-MM-DDTHH:MM:SS)"),
        ("daily", "expected cron(...), rate(...) or at(...)"),
        ("cron(0 2 ? * SUN *", "expected cron(...), rate(...) or at(...)"),
    ],
)
def test_what_cannot_be_a_schedule_is_refused_with_the_reason(
    expression: str, why: str
) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        check_schedule(expression)
    assert why in str(caught.value)
    assert str(caught.value).startswith(f"schedule_expression: {expression!r}")


def test_a_safe_update_refuses_a_bad_schedule_before_any_call(
    boto: Any, stand_in: StandIn
) -> None:
    client = ssmkit.Client(boto3_client=boto)
    made = boto.create_association(
        Name="AWS-RunShellScript", ScheduleExpression="rate(1 day)"
    )["AssociationDescription"]["AssociationId"]
    stand_in.requests.clear()
    with pytest.raises(errors.ValidationError, match="is not a schedule"):
        client.update_association(made, schedule_expression="cron(61 99 bad)")
    assert stand_in.operations == []
    # A schedule offset works only with cron expressions.
    with pytest.raises(
        errors.ValidationError, match="schedule_offset: works only with cron"
    ):
        client.update_association(
            made,
            schedule_expression="at(2030-01-01T00:00:00)",
            schedule_offset=2,
            apply_only_at_cron_interval=True,
        )
    assert "UpdateAssociation" not in stand_in.operations
    client.update_association(made, schedule_expression="at(2030-05-14T15:55:00)")
    assert (
        boto.describe_association(AssociationId=made)["AssociationDescription"][
            "ScheduleExpression"
        ]
        == "at(2030-05-14T15:55:00)"
    )


def test_a_window_schedule_is_checked_too(
    boto: Any, stand_in: StandIn, window: str
) -> None:
    client = ssmkit.Client(boto3_client=boto)
    stand_in.requests.clear()
    with pytest.raises(errors.ValidationError, match=r"schedule: 'rate\(5 weeks\)'"):
        client.update_maintenance_window(window, schedule="rate(5 weeks)")
    assert stand_in.operations == []


def test_the_local_ssm_takes_a_single_run(boto: Any) -> None:
    made = boto.create_association(
        Name="AWS-UpdateSSMAgent",
        Targets=[{"Key": "instanceids", "Values": ["i-0cb2b964d3e14fd9f"]}],
        ScheduleExpression="at(2020-05-14T15:55:00)",
        ApplyOnlyAtCronInterval=True,
    )
    assert made["AssociationDescription"]["ScheduleExpression"] == (
        "at(2020-05-14T15:55:00)"
    )


def test_the_command_refuses_a_bad_schedule_in_one_line_before_any_call(
    server: Any, tmp_path: Path
) -> None:
    from .standin import server_client

    boto = server_client(server)
    made = boto.create_association(Name="AWS-RunShellScript")["AssociationDescription"]
    server.stand_in.requests.clear()
    done = run_command(
        server,
        "associations",
        "update",
        made["AssociationId"],
        "--set",
        "schedule_expression=cron(bad)",
        "--yes",
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("ssmkit: error: schedule_expression: 'cron(bad)'")
    assert server.stand_in.operations == []
    entry = tmp_path / "f.yaml"
    entry.write_text(
        "Associations:\n  - AssociationName: x\n    Name: AWS-RunShellScript\n"
        "    ScheduleExpression: cron(61 99 bad)\n"
    )
    done = run_command(
        server, "associations", "plan", str(entry), "--detailed-exitcode"
    )
    assert done.returncode == 2, done.stderr
    assert "schedule_expression: 'cron(61 99 bad)' is not a schedule" in done.stderr
    assert server.stand_in.operations == []


def test_create_paths_refuse_a_bad_schedule_before_any_call(
    boto: Any, stand_in: StandIn
) -> None:
    client = ssmkit.Client(boto3_client=boto)
    stand_in.requests.clear()
    with pytest.raises(errors.ValidationError, match="is not a schedule"):
        client.create_association(
            name="AWS-RunShellScript", schedule_expression="cron(61 99 bad)"
        )
    with pytest.raises(errors.ValidationError, match="works only with cron"):
        client.create_association(
            name="AWS-RunShellScript",
            schedule_expression="rate(1 day)",
            schedule_offset=2,
        )
    with pytest.raises(errors.ValidationError, match=r"schedule: 'cron\(61 99 bad\)'"):
        client.create_maintenance_window(
            name="w",
            schedule="cron(61 99 bad)",
            duration=2,
            cutoff=1,
            allow_unassociated_targets=True,
        )
    assert stand_in.operations == []


def test_the_command_creates_nothing_with_a_bad_schedule(server: Any) -> None:
    server.stand_in.requests.clear()
    done = run_command(
        server,
        "associations",
        "create",
        "--set",
        "name=AWS-RunShellScript",
        "--set",
        "association_name=x-y",
        "--set",
        "schedule_expression=cron(61 99 bad)",
        "--yes",
    )
    assert done.returncode == 2, done.stderr
    assert "is not a schedule" in done.stderr
    assert server.stand_in.operations == []


@pytest.mark.parametrize(
    ("expression", "why"),
    [
        ("cron(0 2 ? * TUE#1 *)", None),
        ("cron(0 2 ? * TUE#5 *)", None),
        ("cron(0 2 ? * TUE#0 *)", "day-of-week TUE#0: the week after # is 1 to 5"),
        ("cron(0 2 ? * TUE#6 *)", "day-of-week TUE#6: the week after # is 1 to 5"),
        ("cron(0 2 ? * TUE#x *)", "day-of-week TUE#x: the week after # is 1 to 5"),
        ("cron(0 2 ? * 3#2#1 *)", "day-of-week 3#2#1: the week after # is 1 to 5"),
        ("cron(0 2 ? * FUN#2 *)", "day-of-week 'FUN' is not a value of it"),
        ("cron(0 2 1#2 * ? *)", "day-of-month does not take #"),
        ("cron(0 2 ? * 8 *)", "day-of-week 8 is out of range 1-7"),
        ("cron(0 2 ? * 0 *)", "day-of-week 0 is out of range 1-7"),
        ("cron(0 2 ? * 1 *)", None),
        ("cron(0 2 ? * 7 *)", None),
        ("cron(0 2 ? * 7L *)", None),
        ("cron(0 2 ? * 8L *)", "day-of-week 8 is out of range 1-7"),
        ("cron(0 2 L * ? *)", None),
        ("cron(0 2 LW * ? *)", None),
        ("cron(0 2 15W * ? *)", None),
        ("cron(0 2 32W * ? *)", "day-of-month 32 is out of range 1-31"),
        ("cron(0 2 ? L * *)", "month 'L' is not a value of it"),
        ("cron(0 2 ? * LW *)", "day-of-week does not take LW"),
        ("cron(0 2 W * ? *)", "day-of-month '' is not a value of it"),
        ("cron(0 0 1 1 ? 1970)", None),
        ("cron(0 0 1 1 ? 2199)", None),
        ("cron(0 0 1 1 ? 1969)", "year 1969 is out of range 1970-2199"),
        ("cron(0 0 1 1 ? 2200)", "year 2200 is out of range 1970-2199"),
        ("cron(59 23 31 12 ? *)", None),
        ("cron(60 0 1 1 ? *)", "minutes 60 is out of range 0-59"),
        ("cron(0 24 1 1 ? *)", "hours 24 is out of range 0-23"),
        ("cron(0 0 0 1 ? *)", "day-of-month 0 is out of range 1-31"),
        ("cron(0 0 1 13 ? *)", "month 13 is out of range 1-12"),
        ("cron(0 0 1 0 ? *)", "month 0 is out of range 1-12"),
        ("cron(0 0 1 JAN,DEC ? *)", None),
        ("cron(0 0 1 jan-mar ? *)", None),
        ("cron(0 0 1 JAN- ? *)", "month '' is not a value of it"),
        ("cron(0 0 1 1,,2 ? *)", "month has an empty value"),
        (
            "cron(0/0 0 1 1 ? *)",
            "minutes 0/0: the step after / is a whole number, 1 or more",
        ),
        (
            "cron(0/x 0 1 1 ? *)",
            "minutes 0/x: the step after / is a whole number, 1 or more",
        ),
        ("cron(*/5 0 1 1 ? *)", None),
        ("cron(?/5 0 ? 1 MON *)", "minutes '?' is not a value of it"),
        ("cron(5/70 0 1 1 ? *)", None),
        ("cron(70/5 0 1 1 ? *)", "minutes 70 is out of range 0-59"),
        ("cron(0 0 ? * ? *)", None),
        ("cron(0 0 * * * *)", None),
        ("cron(0 0 1 * MON *)", "day-of-month and day-of-week cannot both be given"),
        ("cron(0 0 1 * ? * *)", "month '?' is not a value of it"),
        ("rate(1 minute)", None),
        ("rate(1 minutes)", None),
        ("rate(01 days)", None),
        ("rate(-1 days)", "a rate is rate(N minutes)"),
        ("rate(1  days)", "a rate is rate(N minutes)"),
        ("at(2020-02-30T00:00:00)", "2020-02-30T00:00:00 is not a date and time"),
        ("at(2020-02-29T23:59:59)", None),
        ("at(2020-02-29T23:59:59Z)", "a single run is at(YYYY-MM-DDTHH:MM:SS)"),
        ("cron()", "got 0"),
        ("cron(1 2 3 4 5 6 7 8)", "got 8"),
    ],
)
def test_each_field_is_judged_to_its_bounds(expression: str, why: str | None) -> None:
    from ssmkit._schedules import schedule_problem

    found = schedule_problem(expression)
    if why is None:
        assert found is None
    else:
        assert found is not None
        assert why in found, found


def test_an_offset_goes_only_with_cron() -> None:
    from ssmkit._schedules import check_offset, check_request_schedule

    check_offset(
        {"ScheduleExpression": "cron(0 2 ? * SUN *)", "ScheduleOffset": 2},
        "ScheduleExpression",
    )
    check_offset({"ScheduleExpression": "rate(1 day)"}, "ScheduleExpression")
    check_offset({"ScheduleOffset": 2}, "ScheduleExpression")
    with pytest.raises(errors.ValidationError) as caught:
        check_offset({"Schedule": "rate(1 day)", "ScheduleOffset": 0}, "Schedule")
    assert str(caught.value) == (
        "schedule_offset: works only with cron expressions, not with rate() "
        "(schedule is 'rate(1 day)')"
    )
    assert caught.value.member == "schedule_offset"
    with pytest.raises(errors.ValidationError, match="not with at\\(\\)"):
        check_request_schedule(
            {"ScheduleExpression": "at(2020-01-01T00:00:00)", "ScheduleOffset": 1},
            "ScheduleExpression",
        )
    with pytest.raises(errors.ValidationError) as caught:
        check_request_schedule({"Schedule": "daily"}, "Schedule")
    assert str(caught.value).startswith("schedule: 'daily' is not a schedule")
    assert caught.value.member == "schedule"
    check_request_schedule({"Schedule": None}, "Schedule")
    check_request_schedule({}, "ScheduleExpression")
