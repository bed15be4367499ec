"""The command against what a hostile or careless caller does to it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from .command import run_command
from .standin import new_window, no_windows, server_client
from .test_cli import FULL, argv, command_env, create, ssmkit, stored, writes

if TYPE_CHECKING:
    from pathlib import Path

    from ssmkit.testing.server import Server


@pytest.fixture
def boto(server: Server) -> Any:
    client = server_client(server)
    for page in client.get_paginator("list_associations").paginate():
        for association in page["Associations"]:
            client.delete_association(AssociationId=association["AssociationId"])
    server.stand_in.requests.clear()
    return client


def one_line(err: str) -> str:
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_a_report_holds_nothing_a_secret_could_be_found_from(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    ids = [create(boto, AssociationName=f"secret-{i}") for i in range(2)]
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("\n".join(ids))
    report = tmp_path / "report.jsonl"

    def bulk(secret: str) -> subprocess.CompletedProcess[str]:
        return ssmkit(
            server,
            "associations",
            "bulk-update",
            "--ids-from",
            str(ids_file),
            "--set",
            f'parameters.commands=["{secret}"]',
            "--report",
            str(report),
            "--yes",
        )

    # Secrets no association id could hold (ids are hexadecimal).
    first = bulk("swordfish-4821")
    assert first.returncode == 0, first.stderr
    second = bulk("swordfish-9377")
    assert second.returncode == 0, second.stderr
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    # The same change whatever the secret: nothing in the file depends on it.
    assert len({line["change"] for line in lines}) == 1
    assert "swordfish" not in report.read_text()
    # So a rerun skips nothing on its strength: the new secret is written.
    assert "read again" in second.stderr
    assert "2 changed." in second.stderr
    assert [stored(boto, i)["Parameters"] for i in ids] == [
        {"commands": ["swordfish-9377"]},
        {"commands": ["swordfish-9377"]},
    ]


def test_clearing_a_key_of_an_absent_map_is_refused(server: Server, boto: Any) -> None:
    created = boto.create_association(
        Name="AWS-RunShellScript", Targets=FULL["Targets"], AssociationName="bare"
    )["AssociationDescription"]["AssociationId"]
    server.stand_in.requests.clear()
    result = ssmkit(
        server,
        "associations",
        "update",
        created,
        "--clear",
        "parameters.commandz",
        "--yes",
    )
    assert result.returncode == 2, result.stderr
    assert "parameters.commandz" in one_line(result.stderr)
    assert writes(server) == 0


@pytest.mark.parametrize(
    "line",
    [
        '{"association_id": ["x"], "outcome": "changed"}',
        '{"association_id": "x", "outcome": 3}',
        "[1, 2]",
        "[" * 100_000 + "]" * 100_000,
        '{"association_id": ' + "1" * 5000 + ', "outcome": "changed"}',
    ],
)
def test_a_report_line_of_the_wrong_types_is_refused(
    server: Server, boto: Any, tmp_path: Path, line: str
) -> None:
    association_id = create(boto)
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text(association_id)
    report = tmp_path / "report.jsonl"
    report.write_text(line + "\n" + line + "\n")
    result = ssmkit(
        server,
        "associations",
        "bulk-update",
        "--ids-from",
        str(ids_file),
        "--set",
        "max_errors=3",
        "--report",
        str(report),
        "--yes",
    )
    assert result.returncode == 2
    assert one_line(result.stderr).endswith(f"{report}:1: not a report line")


def test_a_report_that_cannot_be_written_is_refused_before_any_call(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    association_id = create(boto)
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text(association_id)
    file = tmp_path / "a.yaml"
    file.write_text(
        yaml.safe_dump(
            {"Associations": [{"AssociationName": "r", "Name": "AWS-RunShellScript"}]}
        )
    )
    server.stand_in.requests.clear()
    nowhere = str(tmp_path / "no" / "such" / "r.jsonl")
    for command in (
        [
            "associations",
            "bulk-update",
            "--ids-from",
            str(ids_file),
            "--set",
            "max_errors=3",
            "--report",
            nowhere,
        ],
        ["associations", "apply", str(file), "--report", nowhere],
    ):
        result = ssmkit(server, *command, stdin="y\n")
        assert result.returncode == 2, result.stderr
        assert "no such directory" in one_line(result.stderr)
    assert server.stand_in.requests == []


def test_closed_streams_full_disks_and_bad_endpoints_are_one_line(
    server: Server, boto: Any
) -> None:
    association_id = create(boto)
    command = argv(
        server, "associations", "update", association_id, "--set", "max_errors=5"
    )
    closed_in = subprocess.run(
        command,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=command_env(),
        timeout=60,
        preexec_fn=lambda: __import__("os").close(0),
    )
    assert closed_in.returncode == 2
    assert "no answer" in one_line(closed_in.stderr.split("[y/N] ")[-1])
    closed_out = subprocess.run(
        " ".join(argv(server, "associations", "list")) + " >&-",
        shell=True,
        capture_output=True,
        text=True,
        env=command_env(),
        timeout=60,
    )
    assert closed_out.returncode == 2
    assert one_line(closed_out.stderr) == "ssmkit: error: stdout is closed"
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            argv(server, "associations", "show", association_id),
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=command_env(),
            timeout=60,
        )
    assert result.returncode == 1
    assert "No space left on device" in one_line(result.stderr)
    for url in ("http://127.0.0.1:99999", "ftp://somewhere"):
        bad = subprocess.run(
            [
                *argv(server, "associations", "list")[:3],
                "--endpoint-url",
                url,
                "associations",
                "list",
            ],
            capture_output=True,
            text=True,
            env=command_env(),
            timeout=60,
        )
        assert bad.returncode == 2, bad.stderr
        assert "--endpoint-url" in one_line(bad.stderr)


def test_a_message_of_several_lines_is_one_line_of_error(
    server: Server, boto: Any
) -> None:
    association_id = create(boto)
    server.stand_in.fail_next(
        "DescribeAssociation", "AccessDeniedException", message="one\ntwo\r\x07three"
    )
    result = ssmkit(server, "associations", "show", association_id)
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert "one\\ntwo\\x0d\\x07three" in line


def test_an_ids_file_with_a_bom_is_read(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    association_id = create(boto)
    ids_file = tmp_path / "ids.txt"
    ids_file.write_bytes(b"\xef\xbb\xbf" + association_id.encode() + b"\r\n")
    result = ssmkit(
        server,
        "associations",
        "bulk-update",
        "--ids-from",
        str(ids_file),
        "--set",
        "max_errors=3",
        "--yes",
    )
    assert result.returncode == 0, result.stderr
    assert stored(boto, association_id)["MaxErrors"] == "3"


def test_json_when_the_answer_is_no(server: Server, boto: Any, tmp_path: Path) -> None:
    association_id = create(boto)
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text(association_id)
    for command, expected in (
        (
            [
                "associations",
                "bulk-update",
                "--ids-from",
                str(ids_file),
                "--set",
                "max_errors=3",
            ],
            {
                "results": [],
                "counts": {"changed": 0, "unchanged": 0, "planned": 0, "failed": 0},
                "skipped": 0,
                "not_started": 1,
                "interrupted": False,
            },
        ),
        (["associations", "delete", association_id], {"Deleted": None}),
        (
            ["associations", "create", "--set", "name=AWS-RunShellScript"],
            {"AssociationDescription": None},
        ),
    ):
        result = ssmkit(server, "--output", "json", *command, stdin="n\n")
        assert result.returncode == 1, result.stderr
        assert json.loads(result.stdout) == expected
    assert writes(server) == 0
    assert "DeleteAssociation" not in server.stand_in.operations


def test_export_leaves_out_names_it_cannot_tell_apart(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    twins = [create(boto, AssociationName="twin") for _ in range(2)]
    create(boto, AssociationName="single")
    out = tmp_path / "out.yaml"
    exported = ssmkit(server, "associations", "export", "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    assert all(t in exported.stderr for t in twins)
    names = [
        e["AssociationName"] for e in yaml.safe_load(out.read_text())["Associations"]
    ]
    assert names == ["single"]
    planned = ssmkit(server, "associations", "plan", str(out), "--detailed-exitcode")
    assert planned.returncode == 0, planned.stderr


def test_a_value_that_is_not_utf8_is_refused(server: Server, boto: Any) -> None:
    association_id = create(boto)
    # The byte 0xff, as Python hands the command an argument it cannot decode.
    result = ssmkit(
        server,
        "associations",
        "update",
        association_id,
        "--set",
        "max_errors=a\udcffb",
        "--yes",
    )
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        "ssmkit: error: max_errors: the value is not valid UTF-8 text\n",
    )
    assert writes(server) == 0


def test_two_quick_presses_of_ctrl_c_still_end_with_the_summary(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    ids = [create(boto, AssociationName=f"quick-{i}") for i in range(10)]
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("\n".join(ids))
    report = tmp_path / "report.jsonl"
    server.stand_in.before("UpdateAssociation", lambda _: time.sleep(0.3), times=None)
    process = subprocess.Popen(
        argv(
            server,
            "associations",
            "bulk-update",
            "--ids-from",
            str(ids_file),
            "--set",
            "max_errors=8",
            "--concurrency",
            "2",
            "--report",
            str(report),
            "--yes",
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=command_env(),
    )
    try:
        deadline = time.monotonic() + 30
        while writes(server) < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        time.sleep(0.002)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        server.stand_in._hooks.clear()
    assert process.returncode == 130, err
    assert "never started" in err
    done = [i for i in ids if stored(boto, i)["MaxErrors"] == "8"]
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    reported = [
        line["association_id"] for line in lines if line["outcome"] == "changed"
    ]
    assert sorted(reported) == sorted(done)
    assert len(lines) == len(ids)  # the rest: never started
    assert f"{len(done)} changed; interrupted" in err


def _windows_at(server: Server, width: str) -> str:
    """What ``windows list`` shows where the terminal says it is ``width`` wide."""
    result = run_command(
        argv(server, "windows", "list"),
        stdin="",
        env={**command_env(), "COLUMNS": width},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("columns", ["0", "5"])
def test_a_width_no_terminal_has_is_not_taken_at_its_word(
    server: Server, boto: Any, columns: str
) -> None:
    no_windows(boto)
    window = new_window(boto, "web")
    # Taken for 80 columns, the width of a terminal unless it says otherwise:
    # a table there, where a narrower terminal shows a block.
    assert _windows_at(server, columns) == _windows_at(server, "80")
    assert "┃" in _windows_at(server, columns)
    assert window in _windows_at(server, "40").splitlines()


@pytest.mark.parametrize("columns", ["0", "5"])
def test_a_width_no_terminal_has_is_eighty_columns_to_the_column(
    server: Server, boto: Any, columns: str
) -> None:
    # A window whose row needs a table of exactly 81 columns: at 80 it is a
    # block, and so it is where the width is taken for 80.
    no_windows(boto)
    probe = new_window(boto, "n" * 10)
    needed = len(_windows_at(server, "200").splitlines()[0])
    boto.delete_maintenance_window(WindowId=probe)
    new_window(boto, "n" * (10 + 81 - needed))
    assert "┃" in _windows_at(server, "81")
    assert "┃" not in _windows_at(server, "80")
    assert _windows_at(server, columns) == _windows_at(server, "80")


def test_a_report_that_is_no_regular_file_is_refused(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    import os

    association_id = create(boto)
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text(association_id)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    endless = tmp_path / "endless"
    endless.symlink_to("/dev/zero")
    for report in (fifo, endless):
        result = ssmkit(
            server,
            "associations",
            "bulk-update",
            "--ids-from",
            str(ids_file),
            "--set",
            "max_errors=3",
            "--report",
            str(report),
            "--yes",
        )
        assert result.returncode == 2, result.stderr
        assert one_line(result.stderr).endswith(f"{report} is not a regular file")
    assert stored(boto, association_id)["MaxErrors"] != "3"


def _without_region(env: dict[str, str]) -> dict[str, str]:
    """``env`` with no Region set in it."""
    return {
        k: v for k, v in env.items() if k not in ("AWS_DEFAULT_REGION", "AWS_REGION")
    }


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (
            ["--endpoint-url", "http://127.0.0.1:99999"],
            "--endpoint-url: http://127.0.0.1:99999: Port out of range 0-65535",
        ),
        (
            ["--endpoint-url", "ftp://somewhere"],
            "--endpoint-url: ftp://somewhere: expected http:// or https:// and a host",
        ),
        (
            ["--endpoint-url", "http://"],
            "--endpoint-url: http://: expected http:// or https:// and a host",
        ),
        (
            ["--endpoint-url", "http://[::1"],
            "--endpoint-url: http://[::1: Invalid IPv6 URL",
        ),
        # A host botocore cannot call: its own words.
        (
            ["--region", "us-east-1", "--endpoint-url", "http://exa mple.com"],
            "Invalid endpoint: http://exa mple.com",
        ),
        (
            ["--region", "us-east-1", "--endpoint-url", "https://exa mple.com"],
            "Invalid endpoint: https://exa mple.com",
        ),
        (["--region", " "], "--region: empty; give a region such as us-east-1"),
        ([], "no AWS region: pass --region or set AWS_DEFAULT_REGION"),
    ],
)
def test_where_to_call_is_refused_in_one_line_before_any_call(
    options: list[str], said: str
) -> None:
    env = _without_region(command_env())
    result = run_command(
        [sys.executable, "-m", "ssmkit", *options, "associations", "list"],
        stdin="",
        env=env,
        timeout=60,
    )
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        f"ssmkit: error: {said}\n",
    )


def _windows_listed(server: Server, env: dict[str, str], *options: str) -> Any:
    """The one request ``windows list`` sends to the local endpoint."""
    server.stand_in.requests.clear()
    result = run_command(
        [
            sys.executable,
            "-m",
            "ssmkit",
            *options,
            "--endpoint-url",
            server.url,
            "windows",
            "list",
        ],
        stdin="",
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    [request] = server.stand_in.requests
    return request


def test_a_local_endpoint_without_a_region_is_called_in_us_east_1(
    server: Server, boto: Any
) -> None:
    request = _windows_listed(server, _without_region(command_env()))
    assert (request.operation, request.region) == (
        "DescribeMaintenanceWindows",
        "us-east-1",
    )


@pytest.mark.parametrize(
    ("config", "region"),
    [
        ("region = eu-west-3\n", "eu-west-3"),
        # No Region in the profile: a local endpoint is called in us-east-1,
        # still with the profile's credentials.
        ("", "us-east-1"),
    ],
)
def test_the_profile_named_is_the_one_called_with(
    server: Server, boto: Any, tmp_path: Path, config: str, region: str
) -> None:
    path = tmp_path / "config"
    path.write_text(
        "[profile ops]\naws_access_key_id = ops-key\n"
        f"aws_secret_access_key = ops-secret\n{config}"
    )
    env = {
        **_without_region(command_env()),
        "AWS_CONFIG_FILE": str(path),
    }
    # Credentials come from the profile alone.
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
    assert _windows_listed(server, env, "--profile", "ops").region == region


def test_each_key_cleared_that_is_not_there_is_named(server: Server, boto: Any) -> None:
    association_id = create(boto)
    result = ssmkit(
        server,
        "associations",
        "update",
        association_id,
        "--set",
        "max_errors=4",
        "--clear",
        "parameters.nokey",
        "--clear",
        "parameters.other",
        "--yes",
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "ssmkit: error: --clear parameters.nokey, parameters.other: association "
        f"{association_id} has no such key; nothing was written\n"
    )
    # A key under structures the task does not have is not there either.
    window = new_window(boto, "bare-task")
    task = boto.register_task_with_maintenance_window(
        WindowId=window,
        TaskArn="AWS-RunShellScript",
        TaskType="RUN_COMMAND",
        Targets=FULL["Targets"],
        Priority=1,
        MaxConcurrency="1",
        MaxErrors="1",
    )["WindowTaskId"]
    path = "task_invocation_parameters.run_command.parameters.commands"
    bare = ssmkit(server, "tasks", "update", window, task, "--clear", path, "--yes")
    assert (bare.returncode, bare.stdout) == (2, "")
    assert bare.stderr == (
        f"ssmkit: error: --clear {path}: task {task} of {window} has no "
        "such key; nothing was written\n"
    )
    assert server.stand_in.operations.count("UpdateMaintenanceWindowTask") == 0
    assert writes(server) == 0


def test_an_ids_file_that_cannot_be_read_is_refused_in_its_own_words(
    server: Server, tmp_path: Path
) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"caf\xe9\n")
    long_line = tmp_path / "long.txt"
    long_line.write_text("x" * 100 + "\n")
    for path, said in (
        (tmp_path, f"--ids-from: {tmp_path} is a directory, not a file"),
        (
            tmp_path / "nope.txt",
            f"--ids-from: No such file or directory: {tmp_path / 'nope.txt'}",
        ),
        (latin, f"--ids-from: {latin} is not UTF-8 text"),
        (
            long_line,
            f"--ids-from: {long_line}:1: '{'x' * 60}' is not an association id",
        ),
    ):
        result = ssmkit(
            server,
            "associations",
            "bulk-update",
            "--ids-from",
            str(path),
            "--set",
            "max_errors=5",
        )
        assert (result.returncode, result.stdout, result.stderr) == (
            2,
            "",
            f"ssmkit: error: {said}\n",
        )


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json", ".YML"])
def test_a_file_of_associations_is_yaml_or_json_by_its_suffix(
    server: Server, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"associations{suffix}"
    path.write_text('{"Associations": []}')
    planned = ssmkit(server, "associations", "plan", str(path))
    assert planned.returncode == 0, planned.stderr
    other = tmp_path / "associations.txt"
    other.write_text('{"Associations": []}')
    refused = ssmkit(server, "associations", "plan", str(other))
    assert (refused.returncode, refused.stderr) == (
        2,
        f"ssmkit: error: FILE: {other}: expected a .yaml, .yml or .json file\n",
    )


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (["--set", "max_errors"], "--set 'max_errors': expected MEMBER=VALUE"),
        (
            ["--set", "nope=1"],
            "unknown member 'nope': expected one of alarm_configuration, "
            "apply_only_at_cron_interval, association_dispatch_assume_role, "
            "association_name, automation_target_parameter_name, calendar_names, "
            "compliance_severity, document_version, duration, max_concurrency, "
            "max_errors, name, output_location, parameters, schedule_expression, "
            "schedule_offset, sync_compliance, target_locations, target_maps, targets",
        ),
        (["--set", "duration=two"], "duration: must be a whole number, got 'two'"),
        (
            ["--set", "apply_only_at_cron_interval=yes"],
            "apply_only_at_cron_interval: must be true or false, got 'yes'",
        ),
        (
            ["--set", "targets=[{"],
            "targets: malformed JSON (Expecting property name enclosed in double "
            "quotes at column 3)",
        ),
        (
            ["--set", "targets=null"],
            "targets: null is not a value; --clear targets removes it",
        ),
        (
            ["--set", "parameters.commands=[]", "--clear", "parameters"],
            "parameters: --clear overlaps --set parameters.commands; give one of them",
        ),
        (
            ["--set", "parameters=[]", "--clear", "parameters.commands"],
            "parameters.commands: --clear overlaps --set parameters; give one of them",
        ),
        (
            ["--set", "max_errors=1", "--clear", "max_errors"],
            "max_errors: --clear overlaps --set max_errors; give one of them",
        ),
        ([], "nothing to change: give --set MEMBER=VALUE or --clear MEMBER"),
    ],
)
def test_a_change_that_makes_no_sense_is_refused_word_for_word(
    server: Server, boto: Any, change: list[str], said: str
) -> None:
    association_id = create(boto)
    server.stand_in.requests.clear()
    result = ssmkit(server, "associations", "update", association_id, *change, "--yes")
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        f"ssmkit: error: {said}\n",
    )
    assert server.stand_in.requests == []


def test_a_member_is_named_as_python_or_as_aws_spells_it(
    server: Server, boto: Any
) -> None:
    association_id = create(boto)
    for given, value in (("MaxErrors", "3"), (" max_errors ", "4")):
        result = ssmkit(
            server,
            "associations",
            "update",
            association_id,
            "--set",
            f"{given}={value}",
            "--yes",
        )
        assert result.returncode == 0, result.stderr
        assert stored(boto, association_id)["MaxErrors"] == value
    wide = ssmkit(
        server,
        "associations",
        "update",
        association_id,
        "--set",
        "duration=4",
        "--set",
        "apply_only_at_cron_interval=TRUE",
        "--yes",
    )
    assert wide.returncode == 0, wide.stderr
    assert stored(boto, association_id)["Duration"] == 4
    assert stored(boto, association_id)["ApplyOnlyAtCronInterval"] is True


def test_an_emoji_code_in_what_is_shown_stays_as_typed(
    server: Server, boto: Any
) -> None:
    association_id = create(boto)
    refused = ssmkit(
        server, "associations", "update", association_id, "--set", "max_errors=:fire:"
    )
    assert refused.returncode == 2
    assert refused.stderr.endswith("(got ':fire:')\n"), refused.stderr
    tagged = create(
        boto,
        Targets=[{"Key": "tag:Team", "Values": [":fire:"]}],
        AssociationName="fire",
    )
    done = ssmkit(
        server, "associations", "update", tagged, "--set", "max_errors=3", "--yes"
    )
    assert done.returncode == 0, done.stderr
    shown = ssmkit(server, "associations", "show", tagged)
    assert ":fire:" in shown.stdout
    assert "\U0001f525" not in shown.stdout + shown.stderr + done.stdout + done.stderr


@pytest.mark.parametrize("colour", ["", "1"])
def test_a_key_holding_controls_is_shown_escaped_in_a_plan(
    server: Server, boto: Any, monkeypatch: pytest.MonkeyPatch, colour: str
) -> None:
    # A map key is free text: its controls are shown, not acted on or
    # dropped, on one line, colour on or off.
    if colour:
        monkeypatch.setenv("FORCE_COLOR", colour)
    association_id = create(boto)
    key = "a\x1b[2J\x07b\u202e\rc\nd"
    planned = ssmkit(
        server,
        "associations",
        "update",
        association_id,
        "--set",
        f'parameters.{key}=["x"]',
        "--dry-run",
    )
    assert (planned.returncode, planned.stderr) == (0, ""), planned.stderr
    [line] = [line for line in planned.stdout.splitlines() if "parameters." in line]
    assert "  + parameters.a\\x1b[2J\\x07b\\u202e\\x0dc\\nd: <sensitive>" in line
    assert "\x1b[2J" not in planned.stdout
