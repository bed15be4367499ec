"""``python -m ssmkit.testing.server``: ready when it says so, controllable, tidy."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from .standin import new_window, server_client

if TYPE_CHECKING:
    from ssmkit.testing.server import Server

SERVER = [sys.executable, "-m", "ssmkit.testing.server"]


def control(server: Server, action: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{server.url}/ssmkit-api/{action}",
        data=data,
        method="GET" if body is None else "POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_faults_and_failing_runs_are_set_while_it_runs(server: Server) -> None:
    client = server_client(server)
    status, _ = control(
        server,
        "fail",
        {"operation": "DescribeAssociation", "code": "AssociationDoesNotExist"},
    )
    assert status == 200
    made = client.create_association(
        Name="AWS-RunShellScript",
        Targets=[{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}],
    )["AssociationDescription"]
    with pytest.raises(ClientError) as caught:
        client.describe_association(AssociationId=made["AssociationId"])
    assert caught.value.response["Error"]["Code"] == "AssociationDoesNotExist"

    assert (
        control(server, "fail-runs", {"resource_ids": ["i-0123456789abcdef0"]})[0]
        == 200
    )
    client.start_associations_once(AssociationIds=[made["AssociationId"]])
    now = client.describe_association(AssociationId=made["AssociationId"])
    assert now["AssociationDescription"]["Overview"]["Status"] == "Failed"
    control(server, "fail-runs", {"resource_ids": []})

    status, answer = control(server, "requests")
    assert status == 200
    operations = [r["operation"] for r in answer["requests"]]
    assert operations[-3:] == [
        "DescribeAssociation",
        "StartAssociationsOnce",
        "DescribeAssociation",
    ]
    assert answer["requests"][-2]["params"] == {
        "AssociationIds": [made["AssociationId"]]
    }


def test_a_window_runs_through_the_control_endpoint(server: Server) -> None:
    client = server_client(server)
    window = new_window(client, "control")
    status, answer = control(server, "run-maintenance-window", {"window_id": window})
    assert status == 200
    assert answer["WindowExecutionId"]


@pytest.mark.parametrize(
    ("action", "body", "status"),
    [
        ("fail", [1], 400),
        ("fail", {"code": "X"}, 400),
        ("fail-runs", {"resource_ids": "i-1"}, 400),
        ("nothing-here", {}, 404),
    ],
)
def test_bad_control_requests_are_answered_in_json(
    server: Server, action: str, body: Any, status: int
) -> None:
    got, answer = control(server, action, body)
    assert got == status
    assert answer["error"]


def test_a_busy_port_or_one_out_of_range_is_one_line_and_exit_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = subprocess.run(
            [*SERVER, "--port", str(port)], capture_output=True, text=True, timeout=60
        )
    assert busy.returncode == 2
    assert busy.stderr.strip().splitlines() == [
        f"python -m ssmkit.testing.server: error: port {port} is in use"
    ]
    assert busy.stdout == ""
    wide = subprocess.run(
        [*SERVER, "--port", "70000"], capture_output=True, text=True, timeout=60
    )
    assert wide.returncode == 2
    assert "expected a port from 0 to 65535, got '70000'" in wide.stderr


def test_it_stops_cleanly_on_sigterm() -> None:
    process = subprocess.Popen(
        [*SERVER, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        # Printed once it accepts connections: the first request succeeds.
        with urllib.request.urlopen(f"{url}/ssmkit-api/requests", timeout=30) as answer:
            assert json.load(answer) == {"requests": []}
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0
    assert stderr.strip() == "stopped"
