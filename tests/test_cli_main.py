"""What the command says when it cannot reach AWS at all: one line, a status."""

from __future__ import annotations

import os
import socket
import sys

import pytest

from .command import run_command


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
