"""What the command says when it cannot reach AWS at all: one line, a status."""

from __future__ import annotations

import contextlib
import io
import os
import re
import socket
import sys
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ssmkit.testing.server import Server

from .command import run_command
from .standin import server_client
from .test_cli import command_env, create, ssmkit


def _env(**more: str) -> dict[str, str]:
    """No credentials, no configuration, no instance metadata to ask."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        COLUMNS="200",
        **more,
    )
    return env


def _ssmkit(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    done = run_command(
        [sys.executable, "-m", "ssmkit", *args], stdin="", env=env, timeout=60
    )
    return done.returncode, done.stdout, done.stderr


def _nowhere() -> str:
    """The URL of a port on loopback that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


NOWHERE = _nowhere()


@pytest.mark.parametrize(
    ("env", "args", "said"),
    [
        (
            {},
            [
                "--region",
                "us-east-1",
                "--endpoint-url",
                NOWHERE,
                "associations",
                "list",
            ],
            (1, "ssmkit: error: Unable to locate credentials\n"),
        ),
        (
            {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"},
            ["--region", "us-east-1", "--endpoint-url", NOWHERE, "windows", "list"],
            (
                1,
                'ssmkit: error: Could not connect to the endpoint URL: "'
                + NOWHERE
                + '/"\n',
            ),
        ),
        (
            {},
            ["--profile", "nobody", "--region", "us-east-1", "associations", "list"],
            (2, "ssmkit: error: The config profile (nobody) could not be found\n"),
        ),
    ],
)
def test_what_keeps_the_command_from_aws_is_said_in_one_line(
    env: dict[str, str], args: list[str], said: tuple[int, str]
) -> None:
    status, out, err = _ssmkit(*args, env=_env(**env))
    assert (status, err) == said
    assert out == ""


def test_an_endpoint_that_hangs_up_mid_answer_is_said_in_one_line() -> None:
    import threading

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        stop = threading.Event()

        def hang_up() -> None:
            # Each request is read, then the connection is closed unanswered.
            listener.settimeout(0.2)
            while not stop.is_set():
                try:
                    connection, _ = listener.accept()
                except TimeoutError:
                    continue
                with connection:
                    connection.recv(65536)

        server = threading.Thread(target=hang_up)
        server.start()
        try:
            said = _ssmkit(
                "--region",
                "us-east-1",
                "--endpoint-url",
                url,
                "associations",
                "list",
                env=_env(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing"),
            )
        finally:
            stop.set()
            server.join()
    assert said == (
        1,
        "",
        "ssmkit: error: Connection was closed before we received a valid response "
        f'from endpoint URL: "{url}/".\n',
    )


def _demo(**more: str) -> tuple[int, str, str]:
    # 80 columns, where a record is too wide for a table.
    return _ssmkit("demo", env={**_env(**more), "COLUMNS": "80"})


def test_the_demo_shows_a_raw_update_wiping_and_a_safe_one_keeping() -> None:
    import re

    status, out, err = _demo()

    assert (status, err) == (0, "")
    ids = re.findall(r"association ([0-9a-f-]{36})", out)
    assert len(ids) == 2, out
    assert ids[0] != ids[1]
    shown = out.replace(ids[0], "RAW").replace(ids[1], "TWIN")
    shown = re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+\+00:00", "DATE", shown)
    members = "name, association_name, parameters, targets, output_location, "
    members += "max_concurrency, max_errors, compliance_severity, alarm_configuration"
    assert shown.splitlines() == [
        "1. A fully configured association (local SSM, no AWS account)",
        "association RAW",
        "  name                            AWS-RunPatchBaseline",
        "  association_version             1",
        "  date                            DATE",
        "  last_update_association_date    DATE",
        '  status                          {"Date":"DATE","Name":"Success",'
        '"Message":"0 of 0 targets succeeded"}',
        '  overview                        {"Status":"Success","DetailedStatus":'
        '"Success","AssociationStatusAggregatedCount":{}}',
        "  document_version                $DEFAULT",
        '  parameters                      {"Operation":"<sensitive>"}',
        "  association_id                  RAW",
        '  targets                         [{"Key":"tag:Patch","Values":["weekly"]}]',
        "  schedule_expression             cron(0 2 ? * SUN *)",
        '  output_location                 {"S3Location":{"OutputS3BucketName":'
        '"patch-logs"}}',
        "  last_execution_date             DATE",
        "  last_successful_execution_date  DATE",
        "  association_name                weekly-patching",
        "  max_errors                      5%",
        "  max_concurrency                 10%",
        "  compliance_severity             HIGH",
        '  alarm_configuration             {"Alarms":[{"Name":"patching-errors"}]}',
        "",
        "2. boto3's update_association() of the schedule alone:",
        f"   wiped: {members}",
        "",
        "3. ssmkit's update_association() of it, on a twin:",
        "association TWIN: 1 change",
        '  ~ schedule_expression: "cron(0 2 ? * SUN *)" -> "cron(0 3 ? * SUN *)"',
        "  Writing it makes the association run at once on its targets.",
        f"   kept all 9 other members: {members}",
        "   now at version 2; a no-op would not write",
    ]


def test_the_demo_in_colour_marks_what_was_wiped_and_what_was_kept() -> None:
    status, out, _ = _demo(FORCE_COLOR="1", TERM="xterm-256color")

    assert status == 0
    assert "\x1b[1m1. A fully configured association\x1b[0m (local SSM" in out
    assert "\x1b[1m2. boto3's update_association()\x1b[0m of the schedule" in out
    assert "\x1b[1m3. ssmkit's update_association()\x1b[0m of it, on a twin" in out
    assert "\x1b[31m   wiped: name, association_name," in out
    assert "\x1b[32m   kept all 9 other members\x1b[0m: name, " in out


def test_the_demo_without_the_local_ssm_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from . import command

    if not command.IN_PROCESS:
        pytest.skip("hides the testing extra from the tests' own process")
    # As where ssmkit's testing extra is not installed.
    monkeypatch.setitem(sys.modules, "ssmkit.testing", None)

    assert _demo() == (
        2,
        "",
        "ssmkit: error: the demo needs the local SSM, which ssmkit's 'testing' "
        "extra installs (pip install '.[cli,testing]' in a checkout of ssmkit)\n",
    )


def test_the_demo_shows_the_parameters_only_when_asked() -> None:
    status, out, _ = _ssmkit(
        "--show-sensitive", "demo", env={**_env(), "COLUMNS": "80"}
    )
    assert status == 0
    assert '  parameters                      {"Operation":["Install"]}\n' in out
    assert "<sensitive>" not in out


def test_a_closed_stdout_is_said_on_stderr_and_is_status_2(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ssmkit.cli import main

    # As a shell starts it with >&-: Python has no stdout at all.
    err = io.StringIO()
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", err)
    assert main(["--region", "us-east-1", "associations", "list"]) == 2
    assert err.getvalue() == "ssmkit: error: stdout is closed\n"
    # With >&- 2>&-, nothing to say it on: the status alone says it.
    monkeypatch.setattr(sys, "stderr", None)
    assert main(["--region", "us-east-1", "associations", "list"]) == 2


@pytest.mark.parametrize(
    ("args", "status", "said"),
    [
        # A reading command cut off, as `| head` does: it ends quietly.
        (["associations", "list"], 0, ""),
        # A writing one: what it wrote was not all said, so it did not succeed.
        (
            ["associations", "update", "{id}", "--set", "max_errors=5", "--yes"],
            1,
            "ssmkit: error: stdout was closed before the command ended; what was "
            "written is in the --report, and a plan shows what is live\n",
        ),
    ],
)
def test_a_reader_gone_midway_ends_the_command_as_its_kind_says(
    server: Server,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    status: int,
    said: str,
) -> None:
    from ssmkit.cli import main

    association_id = create(server_client(server))
    for key, value in command_env().items():
        monkeypatch.setenv(key, value)
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line
    stdout = open(write, "w", buffering=1)  # noqa: SIM115 - closed below
    err = io.StringIO()
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", err)
    try:
        given = [a.replace("{id}", association_id) for a in args]
        got = main(["--endpoint-url", server.url, "--region", "us-east-1", *given])
        # What was left to write went nowhere, quietly.
        print("more", file=stdout)
    finally:
        stdout.close()
    assert (got, err.getvalue()) == (status, said)


def test_debug_logs_each_write_on_its_own_dated_line_without_secrets(
    server: Server,
) -> None:
    association_id = create(server_client(server))
    done = ssmkit(
        server,
        "--debug",
        "associations",
        "update",
        association_id,
        "--set",
        'parameters.commands=["echo s3cret"]',
        "--yes",
    )
    assert done.returncode == 0, done.stderr
    line, said = done.stderr.splitlines()
    assert said == f"Updated association {association_id} to version 2."
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO association "
        + association_id
        + ": UpdateAssociation of parameters.commands",
        line,
    ), line
    assert "s3cret" not in done.stderr + done.stdout


@pytest.mark.parametrize(
    ("args", "said"),
    [
        # ssmkit's own check of a value: a usage error.
        (
            ["associations", "update", "{id}", "--set", "max_errors=lots", "--yes"],
            (
                2,
                "ssmkit: error: max_errors: must match the pattern "
                "^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$ (got 'lots')\n",
            ),
        ),
        # Said as it is: what looks like markup is not taken as markup.
        (
            ["associations", "update", "{id}", "--set", "max_errors=[b]x[/b]", "--yes"],
            (
                2,
                "ssmkit: error: max_errors: length must be at most 7 "
                "(got '[b]x[/b]')\n",
            ),
        ),
        # The service's refusal: the command could not do it.
        (
            ["associations", "show", "00000000-0000-4000-8000-000000000000"],
            (
                1,
                "ssmkit: error: DescribeAssociation: AssociationDoesNotExist: The "
                "specified association doesn't exist.\n",
            ),
        ),
    ],
)
def test_an_error_is_said_in_one_line_with_its_status(
    server: Server, args: list[str], said: tuple[int, str]
) -> None:
    association_id = create(server_client(server))
    given = [a.replace("{id}", association_id) for a in args]
    done = ssmkit(server, *given)
    assert (done.returncode, done.stderr) == said


def test_a_full_disk_under_stdout_is_said_in_one_line(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ssmkit.cli import main

    server_client(server).create_association(Name="AWS-RunShellScript")
    for key, value in command_env().items():
        monkeypatch.setenv(key, value)
    err = io.StringIO()
    full = open("/dev/full", "w", buffering=1)  # noqa: SIM115 - closed below
    monkeypatch.setattr(sys, "stdout", full)
    monkeypatch.setattr(sys, "stderr", err)
    try:
        got = main(
            [
                "--endpoint-url",
                server.url,
                "--region",
                "us-east-1",
                "associations",
                "list",
            ]
        )
    finally:
        monkeypatch.undo()
        with contextlib.suppress(OSError):  # what is left cannot be written either
            full.close()
    assert (got, err.getvalue()) == (
        1,
        "ssmkit: error: cannot write: No space left on device\n",
    )
