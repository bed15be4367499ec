"""The command across accounts and Regions, as an operator runs it.

Each runs ``python -m ssmkit`` as a subprocess against the local SSM, whose
organization's member accounts keep their own state in each Region.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from moto.iam.models import iam_backends

from .command import HeldFor, run_command, run_interrupted
from .test_cli import argv, command_env
from .test_cli_associations import cells

if TYPE_CHECKING:
    from collections.abc import Callable

    from ssmkit.testing.server import Server

REGIONS = "us-east-1,eu-west-1"
ENTRY = {
    "AssociationName": "inventory",
    "Name": "AWS-GatherSoftwareInventory",
    "Targets": [{"Key": "InstanceIds", "Values": ["*"]}],
    "ScheduleExpression": "rate(1 day)",
}


#: The change most tests across accounts make, to the association ENTRY makes.
BULK_MAX_ERRORS_5 = ["associations", "bulk-update", "--association-name", "inventory"]
BULK_MAX_ERRORS_5 += ["--set", "max_errors=5"]

#: Two targets at once, but the first alone, and none after a failed run.
CANARY_ALONE = ["--fleet-concurrency", "2", "--yes", "--wait", "--canary", "1"]
CANARY_ALONE += ["--max-failed-runs", "0"]


def run(
    server: Server, *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return run_command(argv(server, *args), stdin=stdin, env=command_env(), timeout=300)


def on_a_terminal(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    """The command as on a colour terminal, where stderr has its bars."""
    env = {**command_env(), "FORCE_COLOR": "1", "TERM": "xterm-256color"}
    return run_command(argv(server, *args), stdin="", env=env, timeout=300)


def _plain(text: str) -> str:
    """What a terminal shows of ``text``, its colours and cursor moves left out."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def _bars(stderr: str) -> dict[str, list[str]]:
    """Each bar's last frame: by its label, the targets ended of all, and how."""
    frames = [line.split() for line in _plain(stderr).splitlines() if "━" in line]
    return {frame[0]: frame[2:] for frame in frames}


@pytest.fixture
def members(server: Server) -> list[str]:
    """Three new member accounts, each with nothing in it."""
    return server.stand_in.create_organization(3)


def names(server: Server, account_id: str, region: str) -> list[str]:
    client = member_client(server, account_id, region)
    return sorted(
        a.get("AssociationName", "") for a in client.list_associations()["Associations"]
    )


def member_client(server: Server, account_id: str, region: str = "us-east-1") -> Any:
    import boto3

    sts = boto3.client(
        "sts",
        region_name="us-east-1",
        endpoint_url=server.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    found = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
        RoleSessionName="test",
    )["Credentials"]
    return boto3.client(
        "ssm",
        region_name=region,
        endpoint_url=server.url,
        aws_access_key_id=found["AccessKeyId"],
        aws_secret_access_key=found["SecretAccessKey"],
        aws_session_token=found["SessionToken"],
    )


def test_plan_apply_and_an_empty_plan_across_accounts_and_regions(
    server: Server, members: list[str], tmp_path: Path
) -> None:
    file = tmp_path / "fleet.yaml"
    file.write_text(yaml.safe_dump({"Associations": [ENTRY]}))
    accounts = tmp_path / "accounts.txt"
    # As Notepad saves it, with a byte order mark; a comment holding a '#'.
    accounts.write_text(
        "\ufeff# the members # all three\n"
        + "\n".join(members[:2])
        + f"\n, {members[2]}\n{members[0]}\n",
        encoding="utf-8",
    )
    fleet = ["--accounts", f"@{accounts}", "--regions", REGIONS]

    planned = run(server, "plan", str(file), *fleet, "--detailed-exitcode")
    assert planned.returncode == 3, planned.stderr
    for account_id in members:
        for region in REGIONS.split(","):
            assert (
                f"== account {account_id}, {region}\n+ create inventory"
                in planned.stdout
            )
    assert "Plan: 6 to create" in planned.stderr

    report = tmp_path / "report.jsonl"
    applied = run(server, "apply", str(file), *fleet, "--yes", "--report", str(report))
    assert applied.returncode == 0, applied.stderr
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    assert sorted(
        (x["account_id"], x["region"], x["outcome"]) for x in lines
    ) == sorted((a, r, "created") for a in members for r in REGIONS.split(","))
    # Each line names the file and the change: its content's digest.
    change = hashlib.sha256(file.read_bytes()).hexdigest()[:16]
    assert {(x["file"], x["change"]) for x in lines} == {(str(file), change)}
    for account_id in members:
        for region in REGIONS.split(","):
            assert names(server, account_id, region) == ["inventory"]

    again = run(
        server, "plan", str(file), *fleet, "--detailed-exitcode", "--output", "json"
    )
    assert again.returncode == 0, again.stderr
    document = json.loads(again.stdout)
    assert document["counts"] == {"create": 0, "update": 0, "unchanged": 6, "delete": 0}
    assert all({"account_id", "region"} <= set(x) for x in document["associations"])


def test_list_carries_each_item_s_account_and_region(
    server: Server, members: list[str]
) -> None:
    member_client(server, members[1], "eu-west-1").create_association(**ENTRY)
    listed = run(
        server,
        "associations",
        "list",
        "--accounts",
        ",".join(members),
        "--regions",
        REGIONS,
        "--output",
        "json",
    )
    assert listed.returncode == 0, listed.stderr
    document = json.loads(listed.stdout)
    assert [(i["account_id"], i["region"]) for i in document["Associations"]] == [
        (members[1], "eu-west-1")
    ]
    assert len(document["targets"]) == 6
    assert "Targets: 6 done, 0 failed, 0 skipped." in listed.stderr
    # Without --regions, the session's Region: where the roles are assumed.
    there = run(
        server,
        "--region",
        "eu-west-1",
        "--output",
        "json",
        "associations",
        "list",
        "--accounts",
        members[1],
    )
    assert there.returncode == 0, there.stderr
    found = json.loads(there.stdout)
    assert [(i["account_id"], i["region"]) for i in found["Associations"]] == [
        (members[1], "eu-west-1")
    ]
    assert [t["region"] for t in found["targets"]] == ["eu-west-1"]


def test_an_account_out_of_reach_fails_alone_and_the_exit_status_says_so(
    server: Server, members: list[str]
) -> None:
    iam_backends[members[0]]["global"].delete_role("OrganizationAccountAccessRole")
    listed = run(server, "associations", "list", "--accounts", ",".join(members))
    assert listed.returncode == 1, listed.stderr
    assert (
        f"account {members[0]}, us-east-1: failed: AccountAccessError" in listed.stderr
    )
    assert "AccessDenied" in listed.stderr
    assert "Targets: 2 done, 1 failed, 0 skipped." in listed.stderr


def test_bulk_update_across_accounts_resumes_from_its_report(
    server: Server, members: list[str], tmp_path: Path
) -> None:
    for account_id in members:
        member_client(server, account_id).create_association(**ENTRY)
    report = tmp_path / "report.jsonl"
    change = ["--association-name", "inventory", "--set", "max_errors=5"]
    fleet = ["--accounts", ",".join(members)]
    first = run(
        server,
        "associations",
        "bulk-update",
        *change,
        *fleet,
        "--yes",
        "--report",
        str(report),
    )
    assert first.returncode == 0, first.stderr
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    assert sorted(x["account_id"] for x in lines) == sorted(members)
    assert {x["outcome"] for x in lines} == {"changed"}
    writes = server.stand_in.operations.count("UpdateAssociation")

    again = run(
        server,
        "associations",
        "bulk-update",
        *change,
        *fleet,
        "--yes",
        "--report",
        str(report),
    )
    assert again.returncode == 0, again.stderr
    assert again.stderr == (
        "Selected 0 associations in 0 targets; 3 skipped as done in an earlier "
        "run.\nNothing to update.\nTargets: 3 done, 0 failed, 0 skipped.\n"
    )
    assert server.stand_in.operations.count("UpdateAssociation") == writes

    # Another change: what the report holds was done by a change not this one.
    other = run(
        server,
        "associations",
        "bulk-update",
        "--association-name",
        "inventory",
        "--set",
        "max_errors=6",
        *fleet,
        "--yes",
        "--report",
        str(report),
    )
    assert other.returncode == 0, other.stderr
    assert other.stderr.startswith("Selected 3 associations in 3 targets.\n")
    assert server.stand_in.operations.count("UpdateAssociation") == writes + 3


def test_a_declined_apply_across_accounts_writes_nothing(
    server: Server, members: list[str], tmp_path: Path
) -> None:
    file = tmp_path / "fleet.yaml"
    file.write_text(yaml.safe_dump({"Associations": [ENTRY]}))
    declined = run(
        server, "apply", str(file), "--accounts", ",".join(members), stdin="n\n"
    )
    assert declined.returncode == 1, declined.stderr
    assert "Create 3 resources in 3 targets (account and Region)?" in declined.stderr
    assert "Nothing written." in declined.stderr
    assert all(names(server, a, "us-east-1") == [] for a in members)


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (
            ["--accounts", "1234"],
            "--accounts: '1234' is not an account id (12 digits)",
        ),
        (
            ["--accounts", "1234567890123" * 4],
            f"--accounts: {('1234567890123' * 4)[:40]!r} is not an account id "
            "(12 digits)",
        ),
        (
            ["--accounts", "123456789012,"],
            "--accounts: an empty item in '123456789012,'",
        ),
        (
            ["--accounts", "@/no/such/file"],
            "--accounts: No such file or directory: /no/such/file",
        ),
        (
            ["--organization", "--accounts", "123456789012"],
            "give one of --accounts, --organization and --ou, not --accounts and "
            "--organization",
        ),
        (
            ["--ou", "ou-ab12-cdef3456", "--organization"],
            "give one of --accounts, --organization and --ou, not --organization and "
            "--ou",
        ),
        (
            ["--role", "Admin"],
            "--role and --external-id need --accounts, --organization or --ou",
        ),
        (
            ["--external-id", "abc"],
            "--role and --external-id need --accounts, --organization or --ou",
        ),
        (
            ["--fleet-concurrency", "4"],
            "--fleet-concurrency needs --accounts, --organization, --ou or --regions",
        ),
        (
            ["--organization", "--regions", "us-east-1,mars"],
            "--regions: not a Region: 'mars'",
        ),
        (["--ou", "ou-nope"], "--ou: not an organizational unit id: 'ou-nope'"),
    ],
)
def test_a_fleet_that_cannot_be_is_exit_2_before_any_call(
    server: Server, options: list[str], said: str
) -> None:
    server.stand_in.requests.clear()
    refused = run(server, "associations", "list", *options)
    assert (refused.returncode, refused.stderr) == (2, f"ssmkit: error: {said}\n")
    assert server.stand_in.requests == []


def _ctrl_c_once_reported(
    server: Server, report: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    """The command with ``--yes``, a Ctrl-C once a target's lines are reported."""
    server.set_latency(0.2)  # each call slow, so the first target ends alone
    try:
        return run_interrupted(
            argv(server, *args, "--yes", "--report", str(report)),
            ready=lambda: report.exists() and bool(report.read_text().strip()),
            env=command_env(),
            timeout=120,
        )
    finally:
        server.set_latency(0)


def test_ctrl_c_across_accounts_finishes_the_targets_under_way_and_reports_them(
    server: Server, members: list[str], tmp_path: Path
) -> None:
    file = tmp_path / "fleet.yaml"
    file.write_text(yaml.safe_dump({"Associations": [ENTRY]}))
    report = tmp_path / "report.jsonl"
    more = server.stand_in.create_organization(5)  # more than run at once
    accounts = [*members, *more]
    # Once the first target has ended, others are under way.
    done = _ctrl_c_once_reported(
        server,
        report,
        "apply",
        str(file),
        "--accounts",
        ",".join(accounts),
        "--fleet-concurrency",
        "2",
    )
    err = done.stderr
    assert done.returncode == 130, err
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    landed = [a for a in accounts if names(server, a, "us-east-1") == ["inventory"]]
    # Every write that landed is in the report as such, and only those.
    created = [x["account_id"] for x in lines if x["outcome"] == "created"]
    assert sorted(created) == sorted(landed)
    assert {x["outcome"] for x in lines} <= {"created", "not_started"}
    assert 1 <= len(landed) < len(accounts)
    assert "no new target starts" in err
    assert f"{len(landed)} created" in err, err
    never = len(accounts) - len(landed)
    assert f"{never} target{'s' if never != 1 else ''} never started" in err
    assert " (applying the file again goes on from there).\n" in err
    # Every target counted once: those never started as skipped.
    assert err.endswith(f"Targets: {len(landed)} done, 0 failed, {never} skipped.\n")


@pytest.mark.parametrize("command", ["apply", "bulk-update"])
def test_a_report_that_cannot_grow_keeps_the_results_whole(
    server: Server, members: list[str], tmp_path: Path, command: str
) -> None:
    import resource
    import signal

    file = tmp_path / "fleet.yaml"
    file.write_text(yaml.safe_dump({"Associations": [ENTRY]}))
    report = tmp_path / "report.jsonl"
    if command == "apply":
        how, done = ["apply", str(file)], "3 created"
    else:
        for account_id in members:
            member_client(server, account_id).create_association(**ENTRY)
        how = ["associations", "bulk-update", "--association-name", "inventory"]
        how += ["--set", "max_errors=5"]
        done = "3 changed"

    def small_files() -> None:  # as a full disk: writes past 600 bytes fail
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (600, 600))

    ran = subprocess.run(
        argv(
            server,
            *how,
            "--accounts",
            ",".join(members),
            "--fleet-concurrency",
            "1",
            "--yes",
            "--report",
            str(report),
        ),
        capture_output=True,
        text=True,
        env=command_env(),
        timeout=300,
        preexec_fn=small_files,
    )
    assert ran.returncode == 1, ran.stderr
    assert ran.stderr.endswith(
        f"{done}.\nTargets: 3 done, 0 failed, 0 skipped.\n"
        f"ssmkit: error: --report: cannot write {report}: File too large; it "
        "lacks what followed (the results above are whole)\n"
    )
    assert all(names(server, a, "us-east-1") == ["inventory"] for a in members)
    assert report.read_text().count("\n") < 3  # fewer lines whole than targets


def test_an_account_out_of_reach_has_its_line_in_the_report(
    server: Server, members: list[str], tmp_path: Path
) -> None:
    iam_backends[members[1]]["global"].delete_role("OrganizationAccountAccessRole")
    file = tmp_path / "fleet.yaml"
    file.write_text(yaml.safe_dump({"Associations": [ENTRY]}))
    report = tmp_path / "report.jsonl"
    applied = run(
        server,
        "apply",
        str(file),
        "--accounts",
        ",".join(members),
        "--yes",
        "--report",
        str(report),
        "--output",
        "json",
    )
    assert applied.returncode == 1, applied.stderr
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    by_account = {x["account_id"]: x for x in lines}
    assert by_account[members[1]]["kind"] == "target"
    assert by_account[members[1]]["outcome"] == "failed"
    assert "AccessDenied" in by_account[members[1]]["error"]
    assert {by_account[a]["outcome"] for a in (members[0], members[2])} == {"created"}
    document = json.loads(applied.stdout)
    assert [t["outcome"] for t in document["targets"]] == ["ok", "failed", "ok"]
    assert document["interrupted"] is False


def test_export_across_accounts_writes_a_document_for_each_target(
    server: Server, members: list[str], tmp_path: Path
) -> None:
    first, second = members[:2]
    member_client(server, first).create_association(
        AssociationName="inventory",
        Name="AWS-GatherSoftwareInventory",
        Parameters={"applications": ["Enabled"]},
    )
    for _ in range(2):  # two without a name: left out
        member_client(server, second, "eu-west-1").create_association(
            Name="AWS-GatherSoftwareInventory"
        )
    left_out = [
        a["AssociationId"]
        for a in member_client(server, second, "eu-west-1").list_associations()[
            "Associations"
        ]
    ]
    fleet = ["--accounts", f"{first},{second}", "--regions", REGIONS]

    shown = run(server, "export", *fleet, "--name", "AWS-GatherSoftwareInventory")
    assert shown.returncode == 0, shown.stderr
    empty = "Associations: []\nMaintenanceWindows: []\n"
    assert shown.stdout == (
        f"---\n# account {first}, us-east-1\n"
        "Associations:\n- AssociationName: inventory\n"
        "  Name: AWS-GatherSoftwareInventory\n  DocumentVersion: $DEFAULT\n"
        "  Parameters:\n    applications: <sensitive>\n"
        f"MaintenanceWindows: []\n---\n# account {first}, eu-west-1\n{empty}"
        f"---\n# account {second}, us-east-1\n{empty}"
        f"---\n# account {second}, eu-west-1\n{empty}"
    )
    said_left_out = (
        f"account {second}, eu-west-1: left out 2 resource(s) without a name, "
        f"or whose name another shares: {left_out[0]}, {left_out[1]}.\n"
    )
    masked = (
        "Sensitive values are written as <sensitive>: plan and apply keep the "
        "live value in their place. --show-sensitive writes them.\n"
    )
    ended = "Targets: 4 done, 0 failed, 0 skipped.\n"
    assert shown.stderr == f"{said_left_out}{masked}{ended}"

    as_json = run(server, "--output", "json", "--show-sensitive", "export", *fleet)
    assert as_json.returncode == 0, as_json.stderr
    targets = json.loads(as_json.stdout)["targets"]
    assert [(t["account_id"], t["region"], t["outcome"]) for t in targets] == [
        (first, "us-east-1", "ok"),
        (first, "eu-west-1", "ok"),
        (second, "us-east-1", "ok"),
        (second, "eu-west-1", "ok"),
    ]
    [exported] = targets[0]["document"]["Associations"]
    assert exported["Parameters"] == {"applications": ["Enabled"]}
    assert targets[3]["left_out"] == left_out
    assert as_json.stderr == f"{said_left_out}{ended}"

    folder = tmp_path / "live"
    written = run(server, "export", *fleet, "-o", str(folder))
    assert written.returncode == 0, written.stderr
    assert written.stderr == (
        f"Wrote 4 files to {folder}.\n{said_left_out}{masked}{ended}"
    )
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{a}-{r}.yaml" for a in (first, second) for r in REGIONS.split(",")
    )
    document = yaml.safe_load((folder / f"{first}-us-east-1.yaml").read_text())
    assert [a["AssociationName"] for a in document["Associations"]] == ["inventory"]

    a_file = tmp_path / "one.yaml"
    a_file.write_text("")
    refused = run(server, "export", *fleet, "-o", str(a_file))
    assert refused.returncode == 2
    assert refused.stderr == (
        f"ssmkit: error: -o: {a_file} is a file; across accounts, -o names a "
        "directory that gets one file per account and Region\n"
    )


def test_a_fleet_from_a_file_that_cannot_be_is_exit_2_before_any_call(
    server: Server, tmp_path: Path
) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"123456789012 # caf\xe9\n")
    bad = tmp_path / "bad.txt"
    bad.write_text("123456789012\n# the next is not one\n210987654321, nope\n")
    long = tmp_path / "long.txt"
    long.write_text("1234567890123" * 4)
    empty = tmp_path / "empty.txt"
    empty.write_text("# none yet\n\n")
    cases = [
        (
            ["--accounts", f"@{folder}"],
            f"--accounts: {folder} is a directory, not a file",
        ),
        (["--accounts", f"@{latin}"], f"--accounts: {latin} is not UTF-8 text"),
        (
            ["--accounts", f"@{bad}"],
            f"--accounts: {bad}:3: 'nope' is not an account id",
        ),
        (["--accounts", f"@{empty}"], f"--accounts: {empty} names no account"),
        (
            ["--accounts", f"@{long}"],
            f"--accounts: {long}:1: {('1234567890123' * 4)[:40]!r} is not an "
            "account id\n",
        ),
        (
            ["--regions", "us-east-1", "--role", "Admin"],
            "--role and --external-id need --accounts, --organization or --ou: "
            "--regions alone runs in the session's own account",
        ),
        (
            ["--regions", "us-east-1", "--external-id", "x"],
            "--role and --external-id need --accounts, --organization or --ou: "
            "--regions alone runs in the session's own account",
        ),
        (["--organization", "--regions", "us-east-1,"], "--regions: an empty item in "),
    ]
    server.stand_in.requests.clear()
    for options, said in cases:
        refused = run(server, "associations", "list", *options)
        assert refused.returncode == 2, refused.stderr
        assert refused.stderr.startswith(f"ssmkit: error: {said}"), refused.stderr
    empty_region = run_command(
        [
            sys.executable,
            "-m",
            "ssmkit",
            "--endpoint-url",
            server.url,
            "--region",
            " ",
            "associations",
            "list",
            "--organization",
        ],
        stdin="",
        env=command_env(),
        timeout=60,
    )
    assert empty_region.returncode == 2
    assert empty_region.stderr == (
        "ssmkit: error: --region: empty; give a region such as us-east-1\n"
    )
    assert server.stand_in.requests == []


def test_a_fleet_needs_a_region_to_assume_its_roles_in() -> None:
    env = {
        k: v
        for k, v in command_env().items()
        if k not in ("AWS_DEFAULT_REGION", "AWS_REGION")
    }
    refused = run_command(
        [sys.executable, "-m", "ssmkit", "associations", "list", "--organization"],
        stdin="",
        env=env,
        timeout=60,
    )
    assert refused.returncode == 2
    assert refused.stderr == (
        "ssmkit: error: no AWS region: pass --region (where the roles are assumed) "
        "or set AWS_DEFAULT_REGION\n"
    )
    unknown = run_command(
        [
            sys.executable,
            "-m",
            "ssmkit",
            "--profile",
            "nobody",
            "associations",
            "list",
            "--organization",
        ],
        stdin="",
        env=env,
        timeout=60,
    )
    assert unknown.returncode == 2
    assert unknown.stderr == (
        "ssmkit: error: The config profile (nobody) could not be found\n"
    )


def test_a_fleet_at_a_local_endpoint_without_a_region_works_in_us_east_1(
    server: Server, members: list[str]
) -> None:
    member_client(server, members[0]).create_association(**ENTRY)
    env = {
        k: v
        for k, v in command_env().items()
        if k not in ("AWS_DEFAULT_REGION", "AWS_REGION")
    }
    listed = run_command(
        [
            sys.executable,
            "-m",
            "ssmkit",
            "--endpoint-url",
            server.url,
            "--output",
            "json",
            "associations",
            "list",
            "--accounts",
            members[0],
        ],
        stdin="",
        env=env,
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    document = json.loads(listed.stdout)
    assert [(i["account_id"], i["region"]) for i in document["Associations"]] == [
        (members[0], "us-east-1")
    ]


def test_regions_alone_list_the_session_s_own_account_under_headings(
    server: Server,
) -> None:
    from .standin import no_associations, server_client

    own = server_client(server)
    no_associations(own)
    made = own.create_association(**ENTRY)["AssociationDescription"]
    server.stand_in.requests.clear()
    listed = run(
        server,
        "associations",
        "list",
        "--regions",
        REGIONS,
        "--name",
        "AWS-GatherSoftwareInventory",
    )
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0] == "== account 123456789012, us-east-1"
    assert [c.strip() for c in lines[4].split("│")[1:-1]] == [
        made["AssociationId"],
        "AWS-GatherSoftwareInventory",
        "inventory",
        "1",
        "rate(1 day)",
        "Success",
    ]
    assert len(lines) == 6  # nothing in eu-west-1: no heading, no table
    assert listed.stderr == "Targets: 2 done, 0 failed, 0 skipped.\n"
    asked = [
        (r.account_id, r.region, r.params.get("AssociationFilterList"))
        for r in server.stand_in.requests
        if r.operation == "ListAssociations"
    ]
    assert sorted(asked) == [
        (
            "123456789012",
            region,
            [{"key": "Name", "value": "AWS-GatherSoftwareInventory"}],
        )
        for region in sorted(REGIONS.split(","))
    ]
    no_associations(own)


def test_a_region_not_enabled_is_skipped_and_said_so(
    server: Server, members: list[str], tmp_path: Path
) -> None:
    account = members[0]
    why = f"af-south-1 is not enabled in {account}"
    fleet = ["--accounts", account, "--regions", "us-east-1,af-south-1"]
    listed = run(server, "associations", "list", *fleet)
    assert (listed.returncode, listed.stdout) == (0, "")
    assert listed.stderr == (
        "None found.\n"
        f"account {account}, af-south-1: skipped: {why}\n"
        "Targets: 1 done, 0 failed, 1 skipped.\n"
    )
    as_json = run(server, "--output", "json", "associations", "list", *fleet)
    assert json.loads(as_json.stdout)["targets"] == [
        {"account_id": account, "region": "us-east-1", "outcome": "ok"},
        {
            "account_id": account,
            "region": "af-south-1",
            "outcome": "skipped",
            "reason": why,
        },
    ]
    # Those enabled: af-south-1 is not among them, and is not tried. An
    # account out of reach has no Regions known.
    gone = members[1]
    iam_backends[gone]["global"].delete_role("OrganizationAccountAccessRole")
    enabled = run(
        server,
        "--output",
        "json",
        "associations",
        "list",
        "--accounts",
        f"{account},{gone}",
        "--regions",
        " enabled ",
    )
    assert enabled.returncode == 1, enabled.stderr
    targets = json.loads(enabled.stdout)["targets"]
    regions = [t["region"] for t in targets if t["account_id"] == account]
    assert "us-east-1" in regions
    assert "af-south-1" not in regions
    assert len(regions) > 10
    assert enabled.stderr.startswith(
        f"account {gone}, its Regions: failed: AccountAccessError: {gone}: cannot "
        "assume "
    )
    file = tmp_path / "fleet.yaml"
    file.write_text(yaml.safe_dump({"Associations": [ENTRY]}))
    planned = run(server, "plan", str(file), *fleet)
    assert planned.returncode == 0, planned.stderr
    assert planned.stdout.splitlines()[-1] == (
        f"== account {account}, af-south-1: skipped: {why}"
    )
    assert planned.stderr == (
        "Plan: 1 to create, 0 to update, 0 unchanged. "
        "(1 of 2 targets planned, 1 skipped.)\n"
    )
    applied = run(server, "apply", str(file), *fleet, "--yes")
    assert applied.returncode == 0, applied.stderr
    assert applied.stderr.endswith(
        f"1 created.\naccount {account}, af-south-1: skipped: {why}\n"
        "Targets: 1 done, 0 failed, 1 skipped.\n"
    )
    again = run(server, "apply", str(file), *fleet, "--yes")
    assert again.returncode == 0, again.stderr
    assert again.stdout == (
        f"== account {account}, us-east-1: as the file says\n"
        f"== account {account}, af-south-1: skipped: {why}\n"
    )
    assert again.stderr == (
        "Plan: 0 to create, 0 to update, 1 unchanged. "
        "(1 of 2 targets planned, 1 skipped.)\n"
        "Nothing to do: everything is as the file says.\n"
        f"account {account}, af-south-1: skipped: {why}\n"
    )
    as_json = run(server, "--output", "json", "apply", str(file), *fleet, "--yes")
    document = json.loads(as_json.stdout)
    assert (document["results"], document["interrupted"]) == ([], False)
    assert [t["outcome"] for t in document["plan"]["targets"]] == ["ok", "skipped"]


def test_ctrl_c_during_the_waits_across_accounts_says_they_were_cut_short(
    server: Server, members: list[str], tmp_path: Path
) -> None:
    accounts = members[:2]
    for account_id in accounts:
        server.stand_in.set_run_duration(120, account_id=account_id)
    file = tmp_path / "fleet.yaml"
    entry = {**ENTRY, "Targets": [{"Key": "InstanceIds", "Values": ["i-1"]}]}
    file.write_text(yaml.safe_dump({"Associations": [entry]}))
    # Both creates sent, and half a second for their waits to begin.
    waiting = HeldFor(
        lambda: (
            sum(
                r.operation == "CreateAssociation" and r.account_id in accounts
                for r in server.stand_in.requests
            )
            >= 2
        ),
        0.5,
    )

    done = run_interrupted(
        argv(
            server,
            "apply",
            str(file),
            "--accounts",
            ",".join(accounts),
            "--yes",
            "--wait",
        ),
        ready=waiting,
        env=command_env(),
        timeout=60,
    )
    out, err = done.stdout, done.stderr
    assert done.returncode == 130, err
    # Cut short by the Ctrl-C, not run out of time, and not failed.
    assert out.count("Pending (wait cut short)") == 2, out
    assert "timed out" not in out
    assert "2 created; interrupted, so no write was started after Ctrl-C.\n" in err
    for account_id in accounts:
        assert (
            f"account {account_id}, us-east-1: failed: SSMKitError: inventory: its "
            "run had not ended when the wait did (Pending)"
        ) in err
    assert "targets of its run failed" not in err


def test_runs_that_failed_across_accounts_are_counted_in_the_summary(
    server: Server, members: list[str], tmp_path: Path
) -> None:
    accounts = members[:2]
    for account_id in accounts:
        server.stand_in.fail_runs(["i-1"], account_id=account_id)
    file = tmp_path / "fleet.yaml"
    entry = {**ENTRY, "Targets": [{"Key": "InstanceIds", "Values": ["i-1"]}]}
    file.write_text(yaml.safe_dump({"Associations": [entry]}))
    fleet = ["--accounts", ",".join(accounts)]
    try:
        applied = run(server, "apply", str(file), *fleet, "--yes", "--wait")
        assert applied.returncode == 1, applied.stderr
        assert "2 created; 2 runs failed or did not end in time.\n" in applied.stderr
        # One account's update, its run failed; the other's run now succeeds.
        server.stand_in.fail_runs([], account_id=accounts[1])
        updated = run(
            server,
            "associations",
            "bulk-update",
            *fleet,
            "--name",
            "AWS-GatherSoftwareInventory",
            "--set",
            "max_errors=3",
            "--wait",
            "--yes",
        )
    finally:
        for account_id in accounts:
            server.stand_in.fail_runs([], account_id=account_id)
    assert updated.returncode == 1, updated.stderr
    assert "2 changed; 1 run failed or did not end in time.\n" in updated.stderr


def test_bulk_update_across_accounts_asks_first_and_writes_only_on_yes(
    server: Server, members: list[str], tmp_path: Path
) -> None:
    accounts = members[:2]
    for account_id in accounts:
        member_client(server, account_id).create_association(**ENTRY)
    fleet = ["--accounts", ",".join(accounts)]
    select = ["--association-name", "inventory"]
    before = server.stand_in.operations.count("UpdateAssociation")
    declined = run(
        server,
        "associations",
        "bulk-update",
        *select,
        *fleet,
        "--set",
        "max_errors=5",
        stdin="\n",
    )
    assert (declined.returncode, declined.stdout) == (1, "")
    assert declined.stderr == (
        "Selected 2 associations in 2 targets.\n"
        'The change: max_errors="5".\n'
        "Apply it to 2 associations in 2 targets (those it changes are written)? "
        "Each one written runs at once on its targets, unless it has "
        "apply_only_at_cron_interval set. [y/N] Nothing written.\n"
    )
    assert server.stand_in.operations.count("UpdateAssociation") == before
    # A change that makes them run only on their schedule says nothing of runs.
    quiet = run(
        server,
        "associations",
        "bulk-update",
        *select,
        *fleet,
        "--set",
        "apply_only_at_cron_interval=true",
        stdin="no\n",
    )
    assert quiet.returncode == 1
    assert (
        "Apply it to 2 associations in 2 targets (those it changes are written)? "
        "[y/N] Nothing written.\n"
    ) in quiet.stderr
    accepted = run(
        server,
        "associations",
        "bulk-update",
        *select,
        *fleet,
        "--set",
        "max_errors=5",
        stdin="y\n",
    )
    assert accepted.returncode == 0, accepted.stderr
    assert "[y/N] " in accepted.stderr
    assert accepted.stderr.endswith(
        "2 changed.\nTargets: 2 done, 0 failed, 0 skipped.\n"
    )
    assert server.stand_in.operations.count("UpdateAssociation") == before + 2


def test_a_sensitive_change_across_accounts_reads_every_association_again(
    server: Server, members: list[str], tmp_path: Path
) -> None:
    account_id = members[0]
    member_client(server, account_id).create_association(
        **{**ENTRY, "Name": "AWS-RunShellScript", "Parameters": {"commands": ["ls"]}}
    )
    report = tmp_path / "report.jsonl"
    change = [
        "--association-name",
        "inventory",
        "--set",
        'parameters={"commands": ["echo hunter2"]}',
        "--accounts",
        account_id,
        "--report",
        str(report),
        "--yes",
    ]
    # A dry run: each change in the association's row, the secret masked
    # unless asked for.
    also = ["--set", "max_concurrency=2", "--dry-run"]
    for shown, value in (
        ([], "(sensitive value changed)"),
        (["--show-sensitive"], '["ls"] -> ["echo hunter2"]'),
    ):
        planned = run(server, *shown, "associations", "bulk-update", *change, *also)
        [row] = _tables(planned.stdout)[f"{account_id}, us-east-1"][1:]
        assert row[1:] == [
            "planned",
            "1",
            f'~ parameters.commands: {value}; + max_concurrency: "2"',
            "",
        ]
    first = run(server, "associations", "bulk-update", *change)
    assert first.returncode == 0, first.stderr
    again = run(server, "associations", "bulk-update", *change)
    assert again.returncode == 0, again.stderr
    assert again.stderr.startswith(
        "The change sets a sensitive value, which reports do not record: every "
        "association is read again (those already so are unchanged).\n"
        "Selected 1 association in 1 target.\n"
    )
    assert again.stderr.endswith(
        "The change: parameters=<sensitive>.\n"
        "1 unchanged.\nTargets: 1 done, 0 failed, 0 skipped.\n"
    )
    assert "hunter2" not in again.stderr + again.stdout + report.read_text()


def test_a_declined_apply_across_accounts_in_json_says_what_it_planned(
    server: Server, members: list[str], tmp_path: Path
) -> None:
    file = tmp_path / "fleet.yaml"
    file.write_text(yaml.safe_dump({"Associations": [ENTRY]}))
    declined = run(
        server,
        "--output",
        "json",
        "apply",
        str(file),
        "--accounts",
        members[0],
        stdin="n\n",
    )
    assert declined.returncode == 1, declined.stderr
    document = json.loads(declined.stdout)
    assert (document["results"][0]["outcome"], document["interrupted"]) == (
        "not_started",
        False,
    )
    assert document["counts"]["not_started"] == 1
    assert [t["outcome"] for t in document["plan"]["targets"]] == ["ok"]
    assert names(server, members[0], "us-east-1") == []


def test_plan_across_accounts_in_json_is_the_fleet_plan_and_its_exit_status(
    server: Server, members: list[str], tmp_path: Path
) -> None:
    file = tmp_path / "fleet.yaml"
    file.write_text(yaml.safe_dump({"Associations": [ENTRY]}))
    fleet = ["--accounts", ",".join(members[:2])]
    planned = run(server, "--output", "json", "plan", str(file), *fleet)
    assert planned.returncode == 0, planned.stderr
    document = json.loads(planned.stdout)
    assert document["counts"] == {"create": 2, "update": 0, "unchanged": 0, "delete": 0}
    assert [(t["account_id"], t["outcome"]) for t in document["targets"]] == [
        (members[0], "ok"),
        (members[1], "ok"),
    ]
    assert [(a["account_id"], a["action"]) for a in document["associations"]] == [
        (members[0], "create"),
        (members[1], "create"),
    ]
    assert planned.stderr.endswith(
        "Plan: 2 to create, 0 to update, 0 unchanged. (2 of 2 targets planned.)\n"
    )
    detailed = run(server, "plan", str(file), *fleet, "--detailed-exitcode")
    assert detailed.returncode == 3, detailed.stderr
    assert all(names(server, a, "us-east-1") == [] for a in members[:2])


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (
            ["--ids-from", "-"],
            "--ids-from: an id is one account's and Region's; across accounts, "
            "select with filters (--name, --association-name, ...)",
        ),
        ([], "select associations with a filter (--name, ...)"),
    ],
)
def test_bulk_update_across_accounts_selects_by_filters_alone(
    server: Server, members: list[str], options: list[str], said: str
) -> None:
    server.stand_in.requests.clear()
    refused = run(
        server,
        "associations",
        "bulk-update",
        "--accounts",
        members[0],
        *options,
        "--set",
        "max_errors=5",
        stdin="",
    )
    assert (refused.returncode, refused.stderr) == (2, f"ssmkit: error: {said}\n")
    assert server.stand_in.requests == []


def test_export_across_accounts_to_a_directory_that_cannot_be_made_is_exit_2(
    server: Server, members: list[str], tmp_path: Path
) -> None:
    a_file = tmp_path / "one.yaml"
    a_file.write_text("")
    out = a_file / "live"
    refused = run(server, "export", "--accounts", members[0], "-o", str(out))
    assert refused.returncode == 2
    assert refused.stderr.startswith(f"ssmkit: error: -o: cannot make {out}: ")
    assert not out.exists()


def test_a_declined_bulk_update_across_accounts_leaves_its_report_empty(
    server: Server, members: list[str], tmp_path: Path
) -> None:
    member_client(server, members[0]).create_association(**ENTRY)
    report = tmp_path / "report.jsonl"
    declined = run(
        server,
        "associations",
        "bulk-update",
        "--association-name",
        "inventory",
        "--accounts",
        members[0],
        "--set",
        "max_errors=5",
        "--report",
        str(report),
        stdin="n\n",
    )
    assert declined.returncode == 1, declined.stderr
    assert declined.stderr.endswith("[y/N] Nothing written.\n")
    assert report.read_text() == ""


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (
            ["--role", "a b"],
            "--role: role_name must be an IAM role name, got 'a b'",
        ),
        (
            ["--external-id", "x"],
            "--external-id: external_id must be text of 2 to 1224 characters",
        ),
    ],
)
def test_what_the_fleet_refuses_names_the_option_it_came_from(
    server: Server, options: list[str], said: str
) -> None:
    server.stand_in.requests.clear()
    refused = run(
        server, "associations", "list", "--accounts", "111122223333", *options
    )
    assert (refused.returncode, refused.stderr) == (2, f"ssmkit: error: {said}\n")
    assert server.stand_in.requests == []


def test_apply_across_accounts_asks_of_each_kind_of_change_in_words(
    server: Server, members: list[str], tmp_path: Path
) -> None:
    file = tmp_path / "fleet.yaml"
    file.write_text(
        yaml.safe_dump({"Prune": {"NamePrefix": "inventory"}, "Associations": [ENTRY]})
    )
    first, second = members[:2]
    # The first account has it on another schedule; the second, an old one.
    member_client(server, first).create_association(
        **{**ENTRY, "ScheduleExpression": "rate(2 days)"}
    )
    member_client(server, second).create_association(
        **{**ENTRY, "AssociationName": "inventory-old"}
    )
    # The third has it as the file says: nothing to do there.
    third = members[2]
    member_client(server, third).create_association(**ENTRY)
    asked = run(
        server,
        "apply",
        str(file),
        "--prune",
        "--accounts",
        f"{first},{second},{third}",
        stdin="n\n",
    )
    assert asked.returncode == 1, asked.stderr
    assert (
        "Create 1 and write 1 and delete 1 resources in 2 targets (account and "
        "Region)? [y/N] Nothing written.\n"
    ) in asked.stderr
    [empty] = server.stand_in.create_organization(1)
    one = run(server, "apply", str(file), "--accounts", empty, stdin="n\n")
    assert (
        "Create 1 resource in 1 target (account and Region)? [y/N] Nothing written.\n"
    ) in one.stderr
    assert names(server, empty, "us-east-1") == []


def test_export_across_accounts_keeps_to_its_filter_and_says_a_target_failed(
    server: Server, members: list[str], tmp_path: Path
) -> None:
    first, second = members[:2]
    member_client(server, first).create_association(**ENTRY)
    member_client(server, first).create_association(
        **{**ENTRY, "AssociationName": "patching", "Name": "AWS-RunPatchBaseline"}
    )
    iam_backends[second]["global"].delete_role("OrganizationAccountAccessRole")
    folder = tmp_path / "deep" / "er"
    exported = run(
        server,
        "export",
        "--accounts",
        f"{second},{first}",
        "--name",
        "AWS-GatherSoftwareInventory",
        "-o",
        str(folder),
    )
    # The one target out of reach, first: exit 1, the other's file written whole.
    assert exported.returncode == 1, exported.stderr
    assert sorted(p.name for p in folder.iterdir()) == [f"{first}-us-east-1.yaml"]
    document = yaml.safe_load((folder / f"{first}-us-east-1.yaml").read_text())
    assert [a["AssociationName"] for a in document["Associations"]] == ["inventory"]
    assert exported.stderr.startswith(f"Wrote 1 file to {folder}.\n")
    assert exported.stderr.endswith("Targets: 1 done, 1 failed, 0 skipped.\n")

    # In JSON, on a terminal: each target, the document of the one reached.
    as_json = on_a_terminal(
        server, "--output", "json", "export", "--accounts", f"{second},{first}"
    )
    assert as_json.returncode == 1, as_json.stderr
    assert _bars(as_json.stderr) == {"exporting": ["2/2", "targets:", "1", "failed"]}
    gone, reached = json.loads(as_json.stdout)["targets"]
    assert (gone["account_id"], gone["outcome"], "document" in gone) == (
        second,
        "failed",
        False,
    )
    assert (reached["account_id"], reached["outcome"], reached["left_out"]) == (
        first,
        "ok",
        [],
    )
    assert sorted(
        a["AssociationName"] for a in reached["document"]["Associations"]
    ) == [
        "inventory",
        "patching",
    ]

    # A target's file that cannot be written: said, exit 2.
    blocked = tmp_path / "blocked"
    (blocked / f"{first}-us-east-1.yaml").mkdir(parents=True)
    refused = run(server, "export", "--accounts", first, "-o", str(blocked))
    assert refused.returncode == 2
    assert refused.stderr.startswith(
        f"ssmkit: error: -o: cannot write {blocked / f'{first}-us-east-1.yaml'}: "
    )


def test_a_stopped_rollout_across_accounts_in_json_says_what_never_started(
    server: Server, members: list[str], tmp_path: Path
) -> None:
    server.stand_in.fail_runs(["i-1"], account_id=members[0])
    file = tmp_path / "fleet.yaml"
    entry = {**ENTRY, "Targets": [{"Key": "InstanceIds", "Values": ["i-1"]}]}
    # Already as the file says in the others: nothing of it is to start there.
    kept = {
        **ENTRY,
        "AssociationName": "kept",
        "Targets": [{"Key": "InstanceIds", "Values": ["i-2"]}],
    }
    for account_id in members[1:]:
        member_client(server, account_id).create_association(**kept)
    file.write_text(yaml.safe_dump({"Associations": [entry, kept]}))
    try:
        applied = run(
            server,
            "--output",
            "json",
            "apply",
            str(file),
            "--accounts",
            ",".join(members),
            *CANARY_ALONE,
        )
    finally:
        server.stand_in.fail_runs([], account_id=members[0])
    # Two targets at once, but the canary first, alone: its run failed, and
    # neither of the others started.
    assert applied.returncode == 1, applied.stderr
    document = json.loads(applied.stdout)
    assert [(t["account_id"], t["outcome"]) for t in document["targets"]] == [
        (members[0], "failed"),
        (members[1], "skipped"),
        (members[2], "skipped"),
    ]
    assert [t.get("reason") for t in document["targets"][1:]] == [
        "not started: the run stopped"
    ] * 2
    assert [
        (r["account_id"], r["kind"], r["name"], r["outcome"])
        for r in document["results"]
    ] == [
        (members[0], "association", "inventory", "created"),
        (members[0], "association", "kept", "created"),
        (members[1], "association", "inventory", "not_started"),
        (members[2], "association", "inventory", "not_started"),
    ]
    assert document["counts"]["not_started"] == 2
    assert all(names(server, a, "us-east-1") == ["kept"] for a in members[1:])


def _tables(stdout: str) -> dict[str, list[list[str]]]:
    """Each heading of the output, and the cells of the table under it."""
    found: dict[str, list[list[str]]] = {}
    for part in stdout.split("== account ")[1:]:
        heading, _, table = part.partition("\n")
        found[heading] = cells(table)
    return found


def test_bulk_update_across_accounts_shows_each_target_s_results_in_a_table(
    server: Server, members: list[str]
) -> None:
    first, second, third = members
    inventory = member_client(server, first).create_association(**ENTRY)
    changing = inventory["AssociationDescription"]["AssociationId"]
    other = {**ENTRY, "AssociationName": "patching", "Name": "AWS-RunPatchBaseline"}
    member_client(server, first).create_association(**other)
    kept = member_client(server, second).create_association(
        **{**ENTRY, "MaxErrors": "5"}
    )
    unchanged = kept["AssociationDescription"]["AssociationId"]
    change = ["--association-name", "inventory", "--set", "max_errors=5"]
    # The third account has nothing selected: it is done all the same.
    fleet = ["--accounts", f"{first},{second},{third}", "--fleet-concurrency", "1"]
    writes = server.stand_in.operations.count("UpdateAssociation")

    planned = run(server, "associations", "bulk-update", *change, *fleet, "--dry-run")
    assert planned.returncode == 0, planned.stderr
    head = ["association id", "outcome", "version"]
    assert _tables(planned.stdout) == {
        f"{first}, us-east-1": [
            [*head, "changes", "error"],
            [changing, "planned", "1", '+ max_errors: "5"', ""],
        ],
        f"{second}, us-east-1": [
            [*head, "error"],
            [unchanged, "unchanged", "1", ""],
        ],
    }
    assert planned.stderr == (
        "Selected 2 associations in 2 targets.\n"
        'The change: max_errors="5".\n'
        "1 unchanged and 1 planned.\n"
        "Targets: 3 done, 0 failed, 0 skipped.\n"
    )
    assert server.stand_in.operations.count("UpdateAssociation") == writes

    # The first write refused: its error in its row, and exit status 1.
    server.stand_in.fail_next(
        "UpdateAssociation", "InvalidTargetMaps", message="not that way"
    )
    refused = run(server, "associations", "bulk-update", *change, *fleet, "--yes")
    assert refused.returncode == 1, refused.stderr
    [row] = _tables(refused.stdout)[f"{first}, us-east-1"][1:]
    assert row[:3] == [changing, "failed", ""]
    assert "InvalidTargetMaps" in row[3]
    assert "not that way" in row[3]
    assert refused.stderr.endswith(
        "1 unchanged and 1 failed.\n"
        f"account {first}, us-east-1: failed: InvalidTargetMaps: UpdateAssociation: "
        f"InvalidTargetMaps: not that way [association {changing} is unchanged "
        "(still version 1)]\n"
        "Targets: 2 done, 1 failed, 0 skipped.\n"
    )

    updated = run(server, "associations", "bulk-update", *change, *fleet, "--yes")
    assert updated.returncode == 0, updated.stderr
    assert _tables(updated.stdout) == {
        f"{first}, us-east-1": [[*head, "error"], [changing, "changed", "1 -> 2", ""]],
        f"{second}, us-east-1": [[*head, "error"], [unchanged, "unchanged", "1", ""]],
    }
    assert updated.stderr.endswith(
        "1 changed and 1 unchanged.\nTargets: 3 done, 0 failed, 0 skipped.\n"
    )
    # Only what the filter selected was written.
    found = {
        a["AssociationName"]: a.get("MaxErrors")
        for a in (
            member_client(server, first).describe_association(
                AssociationId=i["AssociationId"]
            )["AssociationDescription"]
            for i in member_client(server, first).list_associations()["Associations"]
        )
    }
    assert found == {"inventory": "5", "patching": None}


def test_bulk_update_across_accounts_selecting_nothing_says_so(
    server: Server, members: list[str]
) -> None:
    member_client(server, members[0]).create_association(**ENTRY)
    server.stand_in.requests.clear()
    nothing = run(
        server,
        "associations",
        "bulk-update",
        "--association-name",
        "no-such-name",
        "--set",
        "max_errors=5",
        "--accounts",
        ",".join(members),
    )
    assert (nothing.returncode, nothing.stdout) == (0, ""), nothing.stderr
    assert nothing.stderr == (
        "Selected 0 associations in 0 targets.\n"
        "Nothing to update.\n"
        "Targets: 3 done, 0 failed, 0 skipped.\n"
    )
    assert "UpdateAssociation" not in server.stand_in.operations


def test_bulk_update_across_accounts_in_json_lists_the_targets_that_did_not_end_ok(
    server: Server, members: list[str]
) -> None:
    first, second = members[:2]
    made = member_client(server, first).create_association(**ENTRY)
    iam_backends[second]["global"].delete_role("OrganizationAccountAccessRole")
    updated = run(
        server,
        "--output",
        "json",
        *BULK_MAX_ERRORS_5,
        "--accounts",
        f"{first},{second}",
        "--yes",
    )
    assert updated.returncode == 1, updated.stderr
    document = json.loads(updated.stdout)
    assert set(document) == {"results", "targets", "interrupted"}
    assert [
        (r["account_id"], r["region"], r["association_id"], r["outcome"])
        for r in document["results"]
    ] == [
        (first, "us-east-1", made["AssociationDescription"]["AssociationId"], "changed")
    ]
    # Each target's outcome, in the order given.
    done, failed = document["targets"]
    assert done == {"account_id": first, "region": "us-east-1", "outcome": "ok"}
    assert (failed["account_id"], failed["region"], failed["outcome"]) == (
        second,
        "us-east-1",
        "failed",
    )
    assert "AccessDenied" in failed["error"]
    assert document["interrupted"] is False
    # The target out of reach is said once, when selecting.
    assert updated.stderr.startswith(
        f"account {second}, us-east-1: failed: AccountAccessError: {second}: "
        f"cannot assume arn:aws:iam::{second}:role/OrganizationAccountAccessRole: "
        "AccessDenied: "
    )
    assert updated.stderr.count(": failed: ") == 1
    assert updated.stderr.endswith(
        "Selected 1 association in 1 target.\n"
        'The change: max_errors="5".\n'
        "1 changed.\n"
        "Targets: 1 done, 1 failed, 0 skipped.\n"
    )


def test_ctrl_c_in_a_bulk_update_across_accounts_says_where_a_rerun_goes_on(
    server: Server, members: list[str], tmp_path: Path
) -> None:
    accounts = [*members, *server.stand_in.create_organization(3)]
    for account_id in accounts:
        member_client(server, account_id).create_association(**ENTRY)
    report = tmp_path / "report.jsonl"
    change = ["--association-name", "inventory", "--set", "max_errors=5"]
    fleet = ["--accounts", ",".join(accounts), "--fleet-concurrency", "1"]
    done = _ctrl_c_once_reported(
        server,
        report,
        "--output",
        "json",
        "associations",
        "bulk-update",
        *change,
        *fleet,
    )
    assert done.returncode == 130, done.stderr
    document = json.loads(done.stdout)
    changed = [r["account_id"] for r in document["results"]]
    assert {r["outcome"] for r in document["results"]} == {"changed"}
    # One at a time, in the order given: those after the last changed never
    # started, and each is said so.
    never = accounts[len(changed) :]
    assert (changed, document["interrupted"]) == (accounts[: len(changed)], True)
    assert 1 <= len(changed) < len(accounts)
    assert document["targets"] == [
        {"account_id": a, "region": "us-east-1", "outcome": "ok"} for a in changed
    ] + [
        {
            "account_id": a,
            "region": "us-east-1",
            "outcome": "skipped",
            "reason": "not started: the run stopped",
        }
        for a in never
    ]
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    assert [x["account_id"] for x in lines] == changed
    named = ", ".join(f"{a}/us-east-1" for a in never[:4])
    more = f" and {len(never) - 4} more" if len(never) > 4 else ""
    assert done.stderr.endswith(
        "Interrupted: finishing the calls under way; no new target starts.\n"
        f"{len(changed)} changed; interrupted, so no update was started after "
        "Ctrl-C.\n"
        f"{len(never)} target{'s' if len(never) > 1 else ''} never started: "
        f"{named}{more} (a rerun with this --report goes on from there).\n"
        f"Targets: {len(changed)} done, 0 failed, {len(never)} skipped.\n"
    )

    again = run(
        server,
        "associations",
        "bulk-update",
        *change,
        *fleet,
        "--yes",
        "--report",
        str(report),
    )
    assert again.returncode == 0, again.stderr
    assert again.stderr.startswith(
        f"Selected {len(never)} association{'s' if len(never) > 1 else ''} in "
        f"{len(never)} target{'s' if len(never) > 1 else ''}; {len(changed)} "
        "skipped as done in an earlier run.\n"
    )
    assert again.stderr.endswith(
        f"{len(never)} changed.\nTargets: 6 done, 0 failed, 0 skipped.\n"
    )


def test_a_stopped_bulk_update_across_accounts_says_what_never_started(
    server: Server, members: list[str]
) -> None:
    entry = {**ENTRY, "Targets": [{"Key": "InstanceIds", "Values": ["i-1"]}]}
    made = [member_client(server, a).create_association(**entry) for a in members]
    first = made[0]["AssociationDescription"]["AssociationId"]
    server.stand_in.fail_runs(["i-1"], account_id=members[0])
    try:
        stopped = run(
            server,
            *BULK_MAX_ERRORS_5,
            "--accounts",
            ",".join(members),
            *CANARY_ALONE,
        )
    finally:
        server.stand_in.fail_runs([], account_id=members[0])
    # Two at once, but the canary first, alone: its run failed, the budget is
    # spent, and no other target starts.
    assert stopped.returncode == 1, stopped.stderr
    assert _tables(stopped.stdout) == {
        f"{members[0]}, us-east-1": [
            ["association id", "outcome", "version", "error"],
            [first, "changed", "1 -> 2", ""],
        ]
    }
    assert stopped.stderr.endswith(
        "1 changed; 1 run failed or did not end in time.\n"
        f"account {members[0]}, us-east-1: failed: SSMKitError: {first}: 1 target "
        "of its run failed\n"
        f"2 targets never started: {members[1]}/us-east-1, {members[2]}/us-east-1.\n"
        "Targets: 0 done, 1 failed, 2 skipped.\n"
    )
    assert [
        r.account_id
        for r in server.stand_in.requests
        if r.operation == "UpdateAssociation"
    ][-1:] == [members[0]]


def test_a_bulk_update_across_accounts_waits_as_long_as_told(
    server: Server, members: list[str]
) -> None:
    entry = {**ENTRY, "Targets": [{"Key": "InstanceIds", "Values": ["i-1"]}]}
    made = member_client(server, members[0]).create_association(**entry)
    association_id = made["AssociationDescription"]["AssociationId"]
    server.stand_in.set_run_duration(120, account_id=members[0])
    try:
        waited = run(
            server,
            *BULK_MAX_ERRORS_5,
            "--accounts",
            members[0],
            "--yes",
            "--wait",
            "--timeout",
            "1",
        )
    finally:
        server.stand_in.set_run_duration(0, account_id=members[0])
    # A run of two minutes, waited for one second: not ended when the wait was.
    assert waited.returncode == 1, waited.stderr
    assert waited.stderr.endswith(
        "1 changed; 1 run failed or did not end in time.\n"
        f"account {members[0]}, us-east-1: failed: SSMKitError: {association_id}: "
        "its run had not ended when the wait did (Pending)\n"
        "Targets: 0 done, 1 failed, 0 skipped.\n"
    )


def test_a_bulk_update_across_accounts_keeps_to_its_rate_in_each_target(
    server: Server, members: list[str]
) -> None:
    import time

    for name in ("inventory", "inventory-too"):
        member_client(server, members[0]).create_association(
            **{**ENTRY, "AssociationName": name}
        )
    served: list[tuple[str, float]] = []

    def noted(operation: str) -> Callable[[object], None]:
        return lambda _: served.append((operation, time.monotonic()))

    for operation in ("DescribeAssociation", "UpdateAssociation"):
        server.stand_in.before(operation, noted(operation), times=2)
    paced = run(
        server,
        "associations",
        "bulk-update",
        "--name",
        "AWS-GatherSoftwareInventory",
        "--set",
        "max_errors=5",
        "--accounts",
        members[0],
        "--yes",
        "--max-rate",
        "4",
        "--concurrency",
        "1",
    )
    assert paced.returncode == 0, paced.stderr
    assert paced.stderr.endswith("2 changed.\nTargets: 1 done, 0 failed, 0 skipped.\n")
    # Four calls a second at most: a quarter of a second apart, at the least.
    assert [o for o, _ in served] == ["DescribeAssociation", "UpdateAssociation"] * 2
    gaps = [b - a for (_, a), (_, b) in itertools.pairwise(served)]
    assert min(gaps) >= 0.24, gaps


def test_an_apply_across_accounts_keeps_to_its_rate_in_each_target(
    server: Server, members: list[str], tmp_path: Path
) -> None:
    import time

    file = tmp_path / "fleet.yaml"
    entries = [
        {
            **ENTRY,
            "AssociationName": n,
            "Targets": [{"Key": "InstanceIds", "Values": ["*"]}],
        }
        for n in ("one", "two", "three")
    ]
    file.write_text(yaml.safe_dump({"Associations": entries}))
    served: list[float] = []
    server.stand_in.before(
        "CreateAssociation", lambda _: served.append(time.monotonic()), times=3
    )
    applied = run(
        server, "apply", str(file), "--accounts", members[0], "--yes", "--max-rate", "4"
    )
    assert applied.returncode == 0, applied.stderr
    assert names(server, members[0], "us-east-1") == ["one", "three", "two"]
    # Four calls a second at most: a quarter of a second apart, at the least.
    gaps = [b - a for a, b in itertools.pairwise(served)]
    assert len(gaps) == 2
    assert min(gaps) >= 0.24, gaps


def test_on_a_terminal_a_bar_counts_the_targets_as_they_end(
    server: Server, members: list[str]
) -> None:
    first, second = members[:2]
    member_client(server, first).create_association(**ENTRY)
    iam_backends[second]["global"].delete_role("OrganizationAccountAccessRole")
    updated = on_a_terminal(
        server,
        *BULK_MAX_ERRORS_5,
        "--accounts",
        f"{first},{second}",
        "--yes",
    )
    assert updated.returncode == 1, updated.stderr
    assert f"\x1b[31maccount {second}, us-east-1: failed: " in updated.stderr
    assert _bars(updated.stderr) == {
        "selecting": ["2/2", "targets:", "1", "failed"],
        "updating": ["1/1", "targets"],
    }
    assert _plain(updated.stderr).endswith(
        "1 changed.\nTargets: 1 done, 1 failed, 0 skipped.\n"
    )


def test_a_fleet_plan_on_a_terminal_colours_each_change_by_its_kind(
    server: Server, members: list[str], tmp_path: Path
) -> None:
    first, second, third = members
    [fourth] = server.stand_in.create_organization(1)
    script = {
        **ENTRY,
        "AssociationName": "inventory-script",
        "Name": "AWS-RunShellScript",
        "Parameters": {"commands": ["echo hunter2"]},
        "Targets": [{"Key": "InstanceIds", "Values": ["*"]}],
    }
    wanted = {**ENTRY, "MaxErrors": "5", "ComplianceSeverity": None}
    file = tmp_path / "fleet.yaml"
    file.write_text(
        yaml.safe_dump(
            {"Prune": {"NamePrefix": "inventory"}, "Associations": [script, wanted]}
        )
    )
    # The first has the script as the file says, and the rest to change.
    live = member_client(server, first)
    live.create_association(**script)
    updated = live.create_association(
        **{**ENTRY, "ScheduleExpression": "rate(2 days)", "ComplianceSeverity": "HIGH"}
    )["AssociationDescription"]["AssociationId"]
    deleted = live.create_association(**{**ENTRY, "AssociationName": "inventory-old"})[
        "AssociationDescription"
    ]["AssociationId"]
    # The second has nothing; the fourth all as the file says; the third is
    # out of reach.
    member_client(server, fourth).create_association(**{**ENTRY, "MaxErrors": "5"})
    member_client(server, fourth).create_association(**script)
    iam_backends[third]["global"].delete_role("OrganizationAccountAccessRole")
    # The one out of reach first: the plan goes on past it.
    accounts = f"{third},{first},{second},{fourth}"
    planned = on_a_terminal(
        server, "plan", str(file), "--prune", "--accounts", accounts
    )
    assert planned.returncode == 1, planned.stderr

    def bold(colour: str, text: str) -> str:
        return f"\x1b[1;{colour}m{text}\x1b[0m\n"

    def line(colour: str, text: str) -> str:
        return f"\x1b[{colour}m    {text}\x1b[0m\n"

    green, yellow, red = "32", "33", "31"
    created = [
        bold(green, "+ create inventory-script (runs at once on its targets)"),
        line(green, '+ name: "AWS-RunShellScript"'),
        line(green, "+ parameters.commands: <sensitive>"),
        line(green, '+ targets: [{"Key": "InstanceIds", "Values": ["*"]}]'),
        line(green, '+ schedule_expression: "rate(1 day)"'),
        line(green, '+ association_name: "inventory-script"'),
        bold(green, "+ create inventory (runs at once on its targets)"),
        line(green, '+ name: "AWS-GatherSoftwareInventory"'),
        line(green, '+ targets: [{"Key": "InstanceIds", "Values": ["*"]}]'),
        line(green, '+ schedule_expression: "rate(1 day)"'),
        line(green, '+ association_name: "inventory"'),
        line(green, '+ max_errors: "5"'),
    ]
    assert planned.stdout == "".join(
        [
            f"\x1b[{red}m== account {third}, us-east-1: not planned: "
            f"AccountAccessError: {third}: cannot assume arn:aws:iam::{third}:role/"
            "OrganizationAccountAccessRole: AccessDenied: User: "
            "arn:aws:iam::123456789012:root is not authorized to perform: "
            f"sts:AssumeRole on resource: arn:aws:iam::{third}:role/"
            "OrganizationAccountAccessRole\x1b[0m\n",
            f"\x1b[1m== account {first}, us-east-1\x1b[0m\n",
            bold(
                yellow,
                f"~ update inventory ({updated}), at version 1 (runs at once on its "
                "targets)",
            ),
            line(yellow, '~ schedule_expression: "rate(2 days)" -> "rate(1 day)"'),
            line(green, '+ max_errors: "5"'),
            line(red, '- compliance_severity: "HIGH"'),
            bold(red, f"- delete inventory-old ({deleted}), at version 1"),
            f"\x1b[1m== account {second}, us-east-1\x1b[0m\n",
            *created,
            f"== account {fourth}, us-east-1: as the file says\n",
        ]
    )
    assert planned.stderr.endswith(
        "Plan: 2 to create, 1 to update, 3 unchanged, 1 to delete. (3 of 4 targets "
        "planned, 1 failed.)\n"
    )
    assert _bars(planned.stderr) == {"planning": ["4/4", "targets:", "1", "failed"]}
    shown = run(server, "--show-sensitive", "plan", str(file), "--accounts", second)
    assert '+ parameters.commands: ["echo hunter2"]' in shown.stdout
    for command in (["plan"], ["apply"]):
        as_json = run(
            server,
            "--show-sensitive",
            "--output",
            "json",
            *command,
            str(file),
            "--accounts",
            second,
            stdin="n\n",
        )
        document = json.loads(as_json.stdout)
        plan = document.get("plan", document)
        assert "echo hunter2" in json.dumps(plan["associations"])
    # Nothing to do where it was planned, but a target failed: exit 1.
    nothing = run(server, "apply", str(file), "--accounts", f"{fourth},{third}")
    assert nothing.returncode == 1, nothing.stderr
    assert "Nothing to do: everything is as the file says.\n" in nothing.stderr
    applied = on_a_terminal(server, "apply", str(file), "--accounts", second, "--yes")
    assert applied.returncode == 0, applied.stderr
    assert _bars(applied.stderr) == {
        "planning": ["1/1", "targets"],
        "applying": ["1/1", "targets"],
    }


def test_an_export_across_accounts_is_ascii_on_stdout_and_whole_in_its_files(
    server: Server, members: list[str], tmp_path: Path
) -> None:
    # A right-to-left override in a tag value would reorder what the reader
    # sees: on stdout it is an escape; in a file, the character itself.
    tagged = [{"Key": "tag:Team", "Values": ["ops\u202eevil"]}]
    member_client(server, members[0]).create_association(**{**ENTRY, "Targets": tagged})
    shown = run(server, "export", "--accounts", members[0])
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith(f"---\n# account {members[0]}, us-east-1\n")
    assert '    - "ops\\u202Eevil"\n' in shown.stdout
    assert shown.stdout.isascii()
    folder = tmp_path / "live"
    written = run(server, "export", "--accounts", members[0], "-o", str(folder))
    assert written.returncode == 0, written.stderr
    text = (folder / f"{members[0]}-us-east-1.yaml").read_bytes().decode("utf-8")
    assert "ops\u202eevil" in text
    [exported] = yaml.safe_load(text)["Associations"]
    assert exported["Targets"] == tagged


def test_a_listing_a_target_refuses_says_so_in_the_service_s_words(
    server: Server, members: list[str]
) -> None:
    first, second = members[:2]
    member_client(server, second).create_association(**ENTRY)
    server.stand_in.fail_next(
        "ListAssociations", "AccessDeniedException", message="not for you"
    )
    listed = on_a_terminal(
        server,
        "associations",
        "list",
        "--accounts",
        f"{first},{second}",
        "--fleet-concurrency",
        "1",
    )
    assert listed.returncode == 1, listed.stderr
    assert _bars(listed.stderr) == {"listing": ["2/2", "targets:", "1", "failed"]}
    assert _plain(listed.stderr).endswith(
        f"account {first}, us-east-1: failed: AccessDeniedException: "
        "ListAssociations: AccessDeniedException: not for you\n"
        "Targets: 1 done, 1 failed, 0 skipped.\n"
    )
    assert f"\x1b[1m== account {second}, us-east-1\x1b[0m\n" in listed.stdout
    assert f"== account {first}" not in listed.stdout
