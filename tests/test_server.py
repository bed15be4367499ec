"""``python -m ssmkit.testing.server``: ready when it says so, controllable, tidy."""

from __future__ import annotations

import base64
import contextlib
import datetime
import errno
import json
import logging
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from .standin import new_window, server_client

if TYPE_CHECKING:
    from collections.abc import Callable

    from ssmkit.testing.server import Server

SERVER = [sys.executable, "-m", "ssmkit.testing.server"]


def control(server: Server, action: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{server.url}/ssmkit-api/{action}",
        data=data,
        method="GET" if body is None else "POST",
        headers={"Content-Type": "application/json"},
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


def test_latency_is_added_to_each_call_and_taken_away(server: Server) -> None:
    client = server_client(server)
    status, _ = control(server, "latency", {"seconds": 0.3})
    assert status == 200
    try:
        started = time.monotonic()
        client.list_associations()
        # At least that late: the call waited before it was served.
        assert time.monotonic() - started >= 0.3
        # The control endpoint itself is never made to wait.
        started = time.monotonic()
        assert control(server, "requests")[0] == 200
        assert time.monotonic() - started < 0.3
    finally:
        assert control(server, "latency", {"seconds": 0})[0] == 200


def test_a_window_runs_through_the_control_endpoint(server: Server) -> None:
    client = server_client(server)
    window = new_window(client, "control")
    status, answer = control(server, "run-maintenance-window", {"window_id": window})
    assert status == 200
    assert answer["WindowExecutionId"]
    assert control(server, "nothing-here") == (
        404,
        {"error": "no GET /ssmkit-api/nothing-here"},
    )


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
    # As a script starts it: stdout a pipe, which Python buffers unless told.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    process = subprocess.Popen(
        [*SERVER, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        # Its URL comes while it serves, not when it ends.
        ready, _, _ = select.select([process.stdout], [], [], 30)
        assert ready, "no URL within 30 s"
        url = process.stdout.readline().strip()
        # Printed once it accepts connections: the first request succeeds.
        with urllib.request.urlopen(f"{url}/ssmkit-api/requests", timeout=30) as answer:
            assert json.load(answer) == {"requests": []}
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0
    assert stderr.strip() == "stopped"


# -- a developer's machine: what a web page could send ----------------------------


def raw(
    server: Server,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str = "POST",
) -> tuple[int, Any]:
    """One HTTP request as given, answered; the answer's JSON body."""
    request = urllib.request.Request(
        f"{server.url}{path}", data=body, method=method, headers=headers or {}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


FAULT = json.dumps({"operation": "DescribeAssociation", "code": "TooManyUpdates"})


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        # A form post: text/plain needs no preflight.
        ("/ssmkit-api/fail", {"Content-Type": "text/plain"}),
        ("/ssmkit-api/fail", {}),
        ("/moto-api/reset", {"Content-Type": "text/plain"}),
        # A page whose name rebinds to 127.0.0.1 sends its own name as Host.
        ("/ssmkit-api/fail", {"Content-Type": "application/json", "Host": "evil.test"}),
        ("/moto-api/reset", {"Content-Type": "application/json", "Host": "evil.test"}),
    ],
)
def test_control_requests_a_browser_could_send_are_forbidden(
    server: Server, path: str, headers: dict[str, str]
) -> None:
    client = server_client(server)
    made = client.create_association(Name="AWS-RunShellScript")[
        "AssociationDescription"
    ]
    status, answer = raw(server, path, FAULT.encode(), headers)
    assert status == 403
    assert answer["error"]
    # Nothing injected, nothing wiped.
    assert client.describe_association(AssociationId=made["AssociationId"])
    client.delete_association(AssociationId=made["AssociationId"])


def test_recorded_requests_are_masked_and_need_the_servers_own_host(
    server: Server,
) -> None:
    client = server_client(server)
    server.stand_in.requests.clear()
    client.create_association(
        Name="AWS-RunShellScript", Parameters={"commands": ["echo hunter2"]}
    )
    status, answer = raw(server, "/ssmkit-api/requests", method="GET")
    assert status == 200
    (recorded,) = answer["requests"]
    assert recorded["params"]["Parameters"] == {"commands": "<sensitive>"}
    assert "hunter2" not in json.dumps(answer)
    forbidden, _ = raw(
        server, "/ssmkit-api/requests", method="GET", headers={"Host": "evil.test"}
    )
    assert forbidden == 403
    from ssmkit.testing.server import Server as Served

    with Served(show_sensitive=True) as shown:
        server_client(shown).create_association(
            Name="AWS-RunShellScript", Parameters={"commands": ["echo hunter2"]}
        )
        _, answer = raw(shown, "/ssmkit-api/requests", method="GET")
        assert "hunter2" in json.dumps(answer)


SSM = {"X-Amz-Target": "AmazonSSM.ListAssociations"}


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b'{"MaxResults": 5, "x": "\xff\xfe"}', "The request body is not UTF-8."),
        ('{"MaxResults": 5}'.encode("utf-16"), "The request body is not UTF-8."),
        (
            '{"MaxResults": 5}'.encode("utf-8-sig"),
            "The request body is not UTF-8 JSON: it starts with a byte order mark.",
        ),
        (b'{"MaxResults": 5', "The request body is not JSON."),
        (
            ("[" * 100_000 + "]" * 100_000).encode(),
            "The request body nests deeper than 64 levels.",
        ),
        (
            b'{"MaxResults": ' + b"[" * 200 + b"]" * 200 + b"}",
            "The request body nests deeper than 64 levels.",
        ),
    ],
)
def test_unreadable_api_bodies_are_400_json_in_awss_shape(
    server: Server, body: bytes, said: str
) -> None:
    headers = {**SSM, "Content-Type": "application/x-amz-json-1.1"}
    assert raw(server, "/", body, headers) == (
        400,
        {"__type": "SerializationException", "message": said},
    )


def test_a_bad_date_in_a_filter_is_400_in_awss_shape(server: Server) -> None:
    client = server_client(server)
    with pytest.raises(ClientError) as caught:
        client.list_associations(
            AssociationFilterList=[{"key": "LastExecutedBefore", "value": "yesterday"}]
        )
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    # A date without a zone is UTC, as the service takes it.
    client.list_associations(
        AssociationFilterList=[
            {"key": "LastExecutedBefore", "value": "2026-01-01T00:00:00"}
        ]
    )


def test_a_body_over_the_limit_is_413_before_it_is_read(server: Server) -> None:
    from ssmkit.testing.server import MAX_BODY

    with socket.create_connection(
        ("127.0.0.1", int(server.url.rsplit(":", 1)[1]))
    ) as s:
        s.sendall(
            b"POST / HTTP/1.1\r\nHost: "
            + server.url.split("//")[1].encode()
            + b"\r\nX-Amz-Target: AmazonSSM.ListAssociations\r\n"
            + f"Content-Length: {MAX_BODY + 1}\r\n\r\n".encode()
            + b"{"
        )
        # Answered at once: the rest of the body is never waited for.
        s.settimeout(30)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
        answer = b"".join(chunks).decode()
    assert answer.startswith("HTTP/1.1 413")
    assert '"error": "the request body is larger than' in answer


def test_a_fault_that_never_fires_is_refused_in_one_line() -> None:
    done = subprocess.run(
        [*SERVER, "--port", "0", "--fail", "UpdateAssociation:TooManyUpdates:0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        "python -m ssmkit.testing.server: error: argument --fail: TIMES must be 1 "
        "or more and AFTER 0 or more in 'UpdateAssociation:TooManyUpdates:0'"
    )
    assert "Traceback" not in done.stderr


def test_a_page_of_another_site_is_refused_everywhere(server: Server) -> None:
    client = server_client(server)
    client.put_parameter(Name="/app/secret", Value="hunter2", Type="SecureString")
    evil = {"Origin": "http://evil.example"}
    status, answer = raw(server, "/moto-api/data.json", method="GET", headers=evil)
    assert status == 403
    assert "hunter2" not in json.dumps(answer)
    api = {
        **evil,
        "X-Amz-Target": "AmazonSSM.GetParameter",
        "Content-Type": "application/x-amz-json-1.1",
        "Authorization": SIGNED,
    }
    body = json.dumps({"Name": "/app/secret", "WithDecryption": True}).encode()
    assert raw(server, "/", body, api) == (
        403,
        {"error": "no requests from http://evil.example"},
    )
    # Its own pages, and clients that send no Origin, are served.
    own = {"Origin": server.url}
    assert raw(server, "/moto-api/data.json", method="GET", headers=own)[0] == 200
    assert client.get_parameter(Name="/app/secret", WithDecryption=True)


@pytest.mark.parametrize(
    "path",
    ["/moto-api/recorder/start-recording", "/moto-api/seed?a=42", "/moto-api/reset"],
)
def test_what_moto_changes_on_a_get_is_refused_to_a_get(
    server: Server, path: str
) -> None:
    status, _ = raw(server, path, method="GET")
    assert status == 403


def exchange(
    server: Server, headers: dict[str, str], body: bytes
) -> tuple[str, dict[str, str], bytes]:
    """One POST of an API call, sent byte for byte: status, headers, body."""
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as s:
        lines = [
            "POST / HTTP/1.1",
            f"Host: 127.0.0.1:{port}",
            "X-Amz-Target: AmazonSSM.ListAssociations",
            *(f"{k}: {v}" for k, v in headers.items()),
            "Connection: close",
            "",
            "",
        ]
        s.sendall("\r\n".join(lines).encode() + body)
        s.settimeout(30)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    head, _, payload = answer.partition(b"\r\n\r\n")
    status, *fields = head.decode().split("\r\n")
    named = dict(f.split(": ", 1) for f in fields)
    return status, {k.lower(): v for k, v in named.items()}, payload


@pytest.mark.parametrize(
    ("length", "shown"),
    [("-5", "'-5'"), ("abc", "'abc'"), ("x" * 25, repr("x" * 20))],
)
def test_a_length_that_is_not_one_is_400(
    server: Server, length: str, shown: str
) -> None:
    status, headers, payload = exchange(server, {"Content-Length": length}, b"{}")
    assert status == "HTTP/1.1 400 Bad Request"
    assert headers["content-type"] == "application/json"
    assert json.loads(payload) == {"error": f"Content-Length is not a length: {shown}"}


def test_a_body_of_the_largest_length_is_read(server: Server) -> None:
    from ssmkit.testing.server import MAX_BODY

    body = b"{" + b" " * (MAX_BODY - 1)
    status, headers, payload = exchange(
        server, {"Content-Length": str(len(body)), "Authorization": SIGNED}, body
    )
    assert status == "HTTP/1.1 400 Bad Request"
    assert headers["content-type"] == "application/x-amz-json-1.1"
    assert json.loads(payload) == {
        "__type": "SerializationException",
        "message": "The request body is not JSON.",
    }


def test_a_body_sent_in_chunks_is_read_whole(server: Server) -> None:
    data = b'{"MaxResults": 7}'
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(data), data)
    server.stand_in.requests.clear()
    status, _, payload = exchange(
        server, {"Transfer-Encoding": "chunked", "Authorization": SIGNED}, chunked
    )
    assert status == "HTTP/1.1 200 OK"
    assert "Associations" in json.loads(payload)
    (request,) = server.stand_in.requests
    assert (request.operation, request.params) == (
        "ListAssociations",
        {"MaxResults": 7},
    )


@pytest.mark.parametrize(
    ("size", "status"),
    [(8 * 1024 * 1024, "HTTP/1.1 200 OK"), (8 * 1024 * 1024 + 1, "HTTP/1.1 413 ")],
)
def test_a_chunked_body_is_read_up_to_the_limit(
    server: Server, size: int, status: str
) -> None:
    from ssmkit.testing.server import MAX_BODY

    assert size - MAX_BODY in (0, 1)
    start = b'{"MaxResults": 7'
    data = start + b" " * (size - len(start) - 1) + b"}"
    half = len(data) // 2
    chunked = b"".join(
        b"%x\r\n%s\r\n" % (len(part), part) for part in (data[:half], data[half:])
    )
    got, _, payload = exchange(
        server,
        {"Transfer-Encoding": "chunked", "Authorization": SIGNED},
        chunked + b"0\r\n\r\n",
    )
    assert got.startswith(status)
    if status.endswith("OK"):
        assert "Associations" in json.loads(payload)
    else:
        assert json.loads(payload) == {
            "error": f"the request body is larger than {MAX_BODY} bytes"
        }


def test_chunks_that_cannot_be_read_are_400(server: Server) -> None:
    got, _, payload = exchange(
        server,
        {"Transfer-Encoding": "chunked", "Authorization": SIGNED},
        b"zz\r\n{}\r\n0\r\n\r\n",
    )
    assert got == "HTTP/1.1 400 Bad Request"
    assert json.loads(payload) == {"error": "the request's chunks cannot be read"}


#: What an SDK signs with: moto tells the service by the credential's scope.
SIGNED = (
    "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ssm/aws4_request, "
    "SignedHeaders=host, Signature=0"
)


def test_a_member_of_the_wrong_type_is_refused_by_every_operation(
    server: Server,
) -> None:
    headers = {
        "X-Amz-Target": "AmazonSSM.PutParameter",
        "Content-Type": "application/x-amz-json-1.1",
        "Authorization": SIGNED,
    }
    body = json.dumps({"Name": "/x", "Value": ["x"], "Type": "String"}).encode()
    status, answer = raw(server, "/", body, headers)
    assert status == 400
    assert answer["__type"] == "SerializationException"
    with pytest.raises(ClientError):
        server_client(server).get_parameter(Name="/x")  # nothing was stored


def test_what_moto_did_not_foresee_is_500_json_not_html() -> None:
    from ssmkit.testing.server import _json_failures

    def moto_failing(environ: Any, start_response: Any) -> list[bytes]:
        start_response("500 INTERNAL SERVER ERROR", [("Content-Type", "text/html")])
        return [b"<html>Internal Server Error</html>"]

    answered: list[Any] = []
    body = _json_failures(
        moto_failing, {}, lambda status, headers: answered.append((status, headers))
    )
    ((status, headers),) = answered
    assert status == "500 Internal Server Error"
    assert ("Content-Type", "application/x-amz-json-1.1") in headers
    assert json.loads(b"".join(body)) == {
        "__type": "InternalFailure",
        "message": "The local SSM failed to serve this.",
    }


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("fail", {"operation": "A", "code": "B", "times": 1e400}),
        ("fail", {"operation": None, "code": "B"}),
        ("fail", {"operation": "A", "code": "B", "times": True}),
        ("run-maintenance-window", {"window_id": "mw-0000000000000000f"}),
        # An account or a region AWS cannot have is refused, not made up.
        ("run-duration", {"seconds": 1, "account_id": "../../etc"}),
        ("run-duration", {"seconds": 1, "account_id": "12345678901"}),
        ("fail-runs", {"resource_ids": [], "region": "nowhere-1"}),
        ("fail-runs", {"resource_ids": [], "region": "us-east-1\n"}),
        ("latency", {"seconds": -1}),
        ("latency", {"seconds": 61}),
        ("latency", {"seconds": "0.1"}),
        ("latency", {"seconds": True}),
        ("latency", {}),
    ],
)
def test_bad_control_values_are_400_json(
    server: Server, action: str, body: Any
) -> None:
    status, answer = control(server, action, body)
    assert status == 400
    assert answer["error"]


def test_full_width_digits_are_not_a_count() -> None:
    done = subprocess.run(
        [*SERVER, "--port", "0", "--fail", "A:B:\uff11"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "TIMES and AFTER must be whole numbers" in done.stderr


def test_bad_dates_are_refused_though_nothing_matches(server: Server) -> None:
    client = server_client(server)
    with pytest.raises(ClientError) as caught:
        client.describe_automation_executions(
            Filters=[{"Key": "StartTimeBefore", "Values": ["garbage"]}]
        )
    assert caught.value.response["Error"]["Code"] == "InvalidFilterValue"
    with pytest.raises(ClientError) as caught:
        client.create_maintenance_window(
            Name="window",
            Schedule="cron(0 2 ? * SUN *)",
            Duration=2,
            Cutoff=1,
            AllowUnassociatedTargets=True,
            StartDate="garbage",
        )
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as caught:
        client.create_maintenance_window(
            Name="window",
            Schedule="cron(61 99 bad)",
            Duration=2,
            Cutoff=1,
            AllowUnassociatedTargets=True,
        )
    assert caught.value.response["Error"]["Code"] == "ValidationException"


def test_the_reserved_document_prefixes_cannot_be_taken(server: Server) -> None:
    client = server_client(server)
    content = json.dumps({"schemaVersion": "2.2", "description": "d", "mainSteps": []})
    for name in ("AWS-RunShellScript", "amazon-mine", "AWSSupport-Mine"):
        with pytest.raises(ClientError) as caught:
            client.create_document(Name=name, Content=content, DocumentType="Command")
        assert caught.value.response["Error"]["Code"] == "ValidationException"
    described = client.describe_document(Name="AWS-RunShellScript")["Document"]
    assert described["Owner"] == "Amazon"


def test_what_moto_raises_is_500_json_too(server: Server) -> None:
    # Unsigned, moto cannot tell the service and fails inside.
    headers = {
        "X-Amz-Target": "AmazonSSM.ListAssociations",
        "Content-Type": "application/x-amz-json-1.1",
    }
    status, answer = raw(server, "/", b"{}", headers)
    assert status == 500
    assert answer["__type"] == "InternalFailure"


def test_each_call_is_served_whatever_its_signature_names(server: Server) -> None:
    ssm = server_client(server)
    assert "Associations" in ssm.list_associations()
    # A credential scope cut short or naming nothing: answered in AWS's
    # shape, never a crash.
    failed = (
        500,
        {"__type": "InternalFailure", "message": "The local SSM failed to serve this."},
    )
    served = (200, ["Associations"])
    for header, expected in (
        ("AWS4-HMAC-SHA256 Credential=a/b/c/ssm", failed),
        ("AWS4-HMAC-SHA256 Credential=", failed),
        ("Credential=/////", failed),
        ("AWS4-HMAC-SHA256 Credential=k/d/r/ssm/aws4_request/x", failed),
        # Well formed, however it is spaced or wherever it starts.
        (
            "Credential=k/20260101/us-east-1/ssm/aws4_request, SignedHeaders=host, "
            "Signature=0",
            served,
        ),
        (
            "AWS4-HMAC-SHA256 Credential=k/20260101/eu-west-1/ssm/aws4_request,"
            "SignedHeaders=host,Signature=0",
            served,
        ),
    ):
        headers = {
            "Authorization": header,
            "X-Amz-Target": "AmazonSSM.ListAssociations",
            "Content-Type": "application/x-amz-json-1.1",
        }
        status, answer = raw(server, "/", b"{}", headers)
        # Served: the account's associations, whatever other tests made.
        got = (status, sorted(answer)) if status == 200 else (status, answer)
        assert got == expected, header


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["--port", "65536"],
            "argument --port: expected a port from 0 to 65535, got '65536'",
        ),
        (
            ["--port", "http"],
            "argument --port: expected a port from 0 to 65535, got 'http'",
        ),
        (
            ["--port", "-1"],
            "argument --port: expected a port from 0 to 65535, got '-1'",
        ),
        (
            ["--fail", "UpdateAssociation"],
            "argument --fail: expected OPERATION:CODE[:TIMES[:AFTER]], got "
            "'UpdateAssociation'",
        ),
        (
            ["--fail", ":Throttling"],
            "argument --fail: expected OPERATION:CODE[:TIMES[:AFTER]], got "
            "':Throttling'",
        ),
        (
            ["--fail", "A:B:1:2:3"],
            "argument --fail: expected OPERATION:CODE[:TIMES[:AFTER]], got 'A:B:1:2:3'",
        ),
        (
            ["--fail", "A:B:x"],
            "argument --fail: TIMES and AFTER must be whole numbers in 'A:B:x'",
        ),
        (
            ["--fail", "A:B:\u0663"],
            "argument --fail: TIMES and AFTER must be whole numbers in 'A:B:\u0663'",
        ),
        (
            ["--fail", "A:B:0"],
            "argument --fail: TIMES must be 1 or more and AFTER 0 or more in 'A:B:0'",
        ),
        (
            ["--run-duration", "86401"],
            "argument --run-duration: '86401' is not a number of seconds from 0 "
            "to 86400",
        ),
        (
            ["--run-duration", "nan"],
            "argument --run-duration: 'nan' is not a number of seconds from 0 to 86400",
        ),
        (
            ["--run-duration", "-0.5"],
            "argument --run-duration: '-0.5' is not a number of seconds from 0 to "
            "86400",
        ),
        (
            ["--fail", "A:B:"],
            "argument --fail: TIMES and AFTER must be whole numbers in 'A:B:'",
        ),
        (
            ["--run-duration", "soon"],
            "argument --run-duration: 'soon' is not a number of seconds from 0 "
            "to 86400",
        ),
        (
            ["--run-duration", "0.5", "--latency", "60.5"],
            "argument --latency: '60.5' is not a number of seconds from 0 to 60",
        ),
        (
            ["--port", "0", "--latency", "-0.1"],
            "argument --latency: '-0.1' is not a number of seconds from 0 to 60",
        ),
        (
            ["--latency", "61"],
            "argument --latency: '61' is not a number of seconds from 0 to 60",
        ),
        (
            ["--latency", "soon"],
            "argument --latency: 'soon' is not a number of seconds from 0 to 60",
        ),
    ],
)
def test_the_server_command_refuses_what_it_cannot_serve_in_words(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from ssmkit.testing.server import main

    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"python -m ssmkit.testing.server: error: {said}"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(
    argv: list[str],
    use: Callable[[str], dict[str, Any]],
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, str, str, dict[str, Any]]:
    """Run the server command in the tests' own process until ``use`` is done.

    Its signal handlers and settings are put back after, so that each of its
    options is seen to take effect. ``use`` gets the URL the command printed.
    Returns its exit status, what it printed, and what ``use`` saw.
    """
    import threading

    from ssmkit.testing import StandIn
    from ssmkit.testing.server import main

    seen: dict[str, Any] = {}
    said = {"out": "", "err": ""}

    def use_then_stop() -> None:
        try:
            # Ready once it says where it serves, as a script waits for it.
            for _ in range(1200):
                out, err = capsys.readouterr()
                said["out"] += out
                said["err"] += err
                if said["out"]:
                    break
                time.sleep(0.05)
            seen.update(use(said["out"].strip()))
        finally:
            # As `kill` stops it: SIGTERM, to the thread that waits for it.
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGTERM)

    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    interval = sys.getswitchinterval()
    werkzeug = logging.getLogger("werkzeug")
    level = werkzeug.level
    user = threading.Thread(target=use_then_stop)
    try:
        user.start()
        status = main(argv)
    finally:
        user.join(60)
        for number, handler in handlers.items():
            signal.signal(number, handler)
        sys.setswitchinterval(interval)
        werkzeug.setLevel(level)
        # A server already serving in this process (the module's) shares
        # this one's state, and would take its runs as lasting a minute.
        StandIn().set_run_duration(0)
    out, err = capsys.readouterr()
    return status, said["out"] + out, said["err"] + err, seen


def local(url: str, **options: Any) -> Any:
    return boto3.client(
        "ssm",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        **options,
    )


def outcomes(call: Callable[[], object], times: int) -> list[str]:
    """Each call's error code, or "ok"."""
    codes = []
    for _ in range(times):
        try:
            call()
            codes.append("ok")
        except ClientError as exc:
            codes.append(exc.response["Error"]["Code"])
    return codes


def a_run_s_status(client: Any) -> str:
    made = client.create_association(
        Name="AWS-RunShellScript",
        Targets=[{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}],
    )["AssociationDescription"]
    described = client.describe_association(AssociationId=made["AssociationId"])
    return str(described["AssociationDescription"]["Overview"]["Status"])


def secret_shown(url: str) -> bool:
    """Whether the server shows a secret sent to it at its recorded requests."""
    local(url).create_association(
        Name="AWS-RunShellScript", Parameters={"commands": ["echo hunter2"]}
    )
    with urllib.request.urlopen(f"{url}/ssmkit-api/requests", timeout=30) as answer:
        return b"hunter2" in answer.read()


def settings() -> tuple[int, float]:
    """The server command's settings of the process: werkzeug's log, switching."""
    return logging.getLogger("werkzeug").level, sys.getswitchinterval()


def test_the_server_command_serves_what_it_was_given_until_stopped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    port = free_port()

    def use(url: str) -> dict[str, Any]:
        bare = local(
            url, config=Config(retries={"total_max_attempts": 1, "mode": "standard"})
        )
        started = time.monotonic()
        listed = outcomes(bare.list_associations, 2)
        return {
            # --latency 0.2: each call answered that much later, at least.
            "late": time.monotonic() - started >= 0.4,
            # ListAssociations:ThrottlingException: the next call refused.
            "listed": listed,
            # GetDocument:InternalServerError:2: the next two.
            "read": outcomes(lambda: bare.get_document(Name="AWS-RunShellScript"), 3),
            # DescribeDocument:TooManyUpdates:1:1: one served, then one refused.
            "described": outcomes(
                lambda: bare.describe_document(Name="AWS-RunShellScript"), 3
            ),
            # --run-duration 60: the first run is still under way.
            "status": a_run_s_status(local(url)),
            # --show-sensitive: recorded requests shown in clear.
            "secret shown": secret_shown(url),
            "settings": settings(),
        }

    status, out, err, seen = serve(
        [
            "--port",
            str(port),
            "--fail",
            "ListAssociations:ThrottlingException",
            "--fail",
            "GetDocument:InternalServerError:2",
            "--fail",
            "DescribeDocument:TooManyUpdates:1:1",
            "--run-duration",
            "60",
            "--latency",
            "0.2",
            "--show-sensitive",
        ],
        use,
        capsys,
    )
    assert status == 0
    assert out == f"http://127.0.0.1:{port}\n"
    assert err.endswith("stopped\n")
    assert seen == {
        "late": True,
        "listed": ["ThrottlingException", "ok"],
        "read": ["InternalServerError", "InternalServerError", "ok"],
        "described": ["ok", "TooManyUpdates", "ok"],
        "status": "Pending",
        "secret shown": True,
        "settings": (logging.ERROR, 0.0005),
    }
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_the_server_command_s_defaults_fail_nothing_and_run_at_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def use(url: str) -> dict[str, Any]:
        bare = local(
            url, config=Config(retries={"total_max_attempts": 1, "mode": "standard"})
        )
        started = time.monotonic()
        found = {
            "listed": outcomes(bare.list_associations, 2),
            "status": a_run_s_status(bare),
        }
        # No latency: four calls take nowhere near a second each.
        found["prompt"] = time.monotonic() - started < 4.0
        found["secret shown"] = secret_shown(url)
        found["settings"] = settings()
        return found

    status, out, err, seen = serve(["--port", "0"], use, capsys)
    assert status == 0
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+\n", out)
    assert err == "stopped\n"
    assert seen == {
        "listed": ["ok", "ok"],
        "status": "Success",
        "prompt": True,
        "secret shown": False,
        "settings": (logging.ERROR, 0.0005),
    }


def test_the_server_command_s_help_says_each_option(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ssmkit.testing.server import main

    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit) as caught:
        main(["--help"])
    assert caught.value.code == 0
    # Word for word; argparse's layout may differ between Python versions.
    assert capsys.readouterr().out.split() == HELP.split()


HELP = """\
usage: python -m ssmkit.testing.server [-h] [--port PORT]
                                       [--fail OPERATION:CODE[:TIMES[:AFTER]]]
                                       [--run-duration SECONDS]
                                       [--latency SECONDS] [--show-sensitive]

Serve ssmkit's local stand-in SSM over HTTP on 127.0.0.1.

options:
  -h, --help            show this help message and exit
  --port PORT           TCP port (0: any free one)
  --fail OPERATION:CODE[:TIMES[:AFTER]]
                        answer the next TIMES calls of OPERATION with CODE,
                        after AFTER calls
  --run-duration SECONDS
                        make association runs in us-east-1 take this long
                        (default 0)
  --latency SECONDS     answer each API call this much later, as AWS far away
                        would (default 0)
  --show-sensitive      show sensitive members of recorded requests in clear
                        at GET /ssmkit-api/requests (masked by default)
"""


@pytest.mark.parametrize(
    ("port", "options"),
    [
        # The default port, and every bound of the other options, taken.
        (5055, ["--run-duration", "86400", "--latency", "60", "--fail", "A:B:1:0"]),
        (65535, ["--run-duration", "0", "--latency", "0", "--fail", "A:B"]),
    ],
)
def test_a_busy_port_is_said_once_the_options_are_taken(
    port: int, options: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from ssmkit.testing.server import main

    argv = options if port == 5055 else ["--port", str(port), *options]
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    interval = sys.getswitchinterval()
    werkzeug = logging.getLogger("werkzeug")
    level = werkzeug.level
    with socket.socket() as taken:
        # As the server's own probe binds: a port left waiting is taken too.
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            taken.bind(("127.0.0.1", port))
            taken.listen()
        except OSError:
            pass  # listened on by something else: busy either way
        try:
            assert main(argv) == 2
        finally:
            # It set these up before it tried the port: put back for the others.
            for number, handler in handlers.items():
                signal.signal(number, handler)
            sys.setswitchinterval(interval)
            werkzeug.setLevel(level)
    out, err = capsys.readouterr()
    assert (out, err) == (
        "",
        f"python -m ssmkit.testing.server: error: port {port} is in use\n",
    )


def test_a_fault_set_over_http_takes_its_count_delay_and_words(server: Server) -> None:
    client = server_client(server)
    bare = server.client(
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"})
    )
    fault = {
        "operation": "ListAssociations",
        "code": "InternalServerError",
        "times": 2,
        "after": 1,
        "message": "the service is having a day",
    }
    assert control(server, "fail", fault) == (200, {})
    outcomes = []
    for _ in range(4):
        try:
            bare.list_associations()
            outcomes.append("ok")
        except ClientError as exc:
            error = exc.response["Error"]
            outcomes.append(f"{error['Code']}: {error['Message']}")
    refused = "InternalServerError: the service is having a day"
    assert outcomes == ["ok", refused, refused, "ok"]
    assert client.list_associations()["Associations"] is not None
    for given, said in [
        ({"operation": 1, "code": "X"}, "operation and code: expected text"),
        ({"operation": "X", "code": ["Y"]}, "operation and code: expected text"),
        (
            {"operation": "X", "code": "Y", "times": "2"},
            "times and after: expected whole numbers",
        ),
        (
            {"operation": "X", "code": "Y", "after": True},
            "times and after: expected whole numbers",
        ),
        ({"operation": "X", "code": "Y", "message": 5}, "message: expected text"),
    ]:
        assert control(server, "fail", given) == (400, {"error": said}), given
    # Nothing refused was set.
    assert [client.list_associations() is not None for _ in range(3)] == [True] * 3


def test_runs_are_set_in_the_region_the_control_request_names(server: Server) -> None:
    west = server.client("us-west-2")
    east = server_client(server)
    body = {"seconds": 60, "region": "us-west-2"}
    assert control(server, "run-duration", body) == (200, {})
    try:
        assert (a_run_s_status(west), a_run_s_status(east)) == ("Pending", "Success")
    finally:
        assert control(server, "run-duration", {**body, "seconds": 0}) == (200, {})
    assert a_run_s_status(west) == "Success"
    failing = {"resource_ids": ["i-0123456789abcdef0"], "region": "us-west-2"}
    assert control(server, "fail-runs", failing) == (200, {})
    try:
        assert (a_run_s_status(west), a_run_s_status(east)) == ("Failed", "Success")
    finally:
        assert control(server, "fail-runs", {**failing, "resource_ids": []}) == (
            200,
            {},
        )


def test_a_window_runs_in_the_region_the_control_request_names(
    server: Server,
) -> None:
    west = server.client("us-west-2")
    window = new_window(west, "west")
    status, answer = control(
        server, "run-maintenance-window", {"window_id": window, "region": "us-west-2"}
    )
    assert status == 200
    assert list(answer) == ["WindowExecutionId"]
    run = answer["WindowExecutionId"]
    tasks = west.describe_maintenance_window_execution_tasks(WindowExecutionId=run)
    assert tasks["WindowExecutionTaskIdentities"] == []
    with pytest.raises(ClientError) as caught:
        server_client(server).describe_maintenance_window_execution_tasks(
            WindowExecutionId=run
        )
    assert caught.value.response["Error"]["Code"] == "DoesNotExistException"
    # Not in the Region the request did not name.
    assert control(server, "run-maintenance-window", {"window_id": window}) == (
        400,
        {"error": f"DoesNotExistException: Maintenance window {window} does not exist"},
    )


@pytest.mark.parametrize(
    ("action", "body", "said"),
    [
        ("fail", b"[1]", "expected a JSON object"),
        ("fail", b"", "missing or unknown: 'operation'"),
        ("latency", b"", "missing or unknown: 'seconds'"),
        ("run-duration", b"{}", "missing or unknown: 'seconds'"),
        ("run-maintenance-window", b"{}", "missing or unknown: 'window_id'"),
        (
            "fail-runs",
            b'{"resource_ids": "i-1"}',
            "resource_ids: expected a list of managed node ids",
        ),
        (
            "fail",
            b"{",
            "Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1)",
        ),
    ],
)
def test_bad_control_requests_are_said_in_words(
    server: Server, action: str, body: bytes, said: str
) -> None:
    headers = {"Content-Type": "application/json"}
    assert raw(server, f"/ssmkit-api/{action}", body, headers) == (
        400,
        {"error": said},
    )


def test_latency_set_in_process_is_added_to_each_call(server: Server) -> None:
    client = server_client(server)
    with pytest.raises(
        ValueError, match=r"^latency must be a number of seconds from 0 to 60, got 61$"
    ):
        server.set_latency(61)
    server.set_latency(0.3)
    try:
        started = time.monotonic()
        client.list_associations()
        assert time.monotonic() - started >= 0.3
    finally:
        server.set_latency(0)


def serving_threads() -> list[str]:
    import threading

    return [t.name for t in threading.enumerate() if t.name == "ssmkit-server"]


def test_a_server_serves_in_a_thread_of_its_own_and_stops_it() -> None:
    from ssmkit.testing.server import Server

    before = len(serving_threads())
    server = Server().start()
    try:
        assert len(serving_threads()) == before + 1
        # The default: no latency. Three calls take nowhere near three seconds.
        client = server.client()
        started = time.monotonic()
        for _ in range(3):
            client.list_associations()
        assert time.monotonic() - started < 3.0
    finally:
        server.stop()
    # Stopped: its thread is done, and stopping again does nothing.
    assert len(serving_threads()) == before
    server.stop()
    with pytest.raises(AssertionError, match=r"^start\(\) the server first"):
        _ = server.url


def test_calls_side_by_side_are_served_side_by_side() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from ssmkit.testing.server import Server

    with Server(latency=1.0) as server:
        clients = [server.client() for _ in range(4)]
        started = time.monotonic()
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda c: c.list_associations(), clients))
        took = time.monotonic() - started
    assert len(answers) == 4
    # Each waited its second; one after another would take four.
    assert 1.0 <= took < 3.0


def test_a_server_started_in_a_script_does_not_keep_it_running() -> None:
    script = (
        "from ssmkit.testing.server import Server\n"
        "print(Server().start().url, flush=True)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+\n", done.stdout)


def test_recorded_blobs_and_dates_are_json(server: Server) -> None:
    from ssmkit.testing.server import Server as Served

    payload = b'{"reboot": true}'
    with Served(show_sensitive=True) as shown:
        client = server_client(shown)
        window = new_window(client, "lambda")
        client.register_task_with_maintenance_window(
            WindowId=window,
            TaskArn="arn:aws:lambda:us-east-1:123456789012:function:patch",
            TaskType="LAMBDA",
            TaskInvocationParameters={"Lambda": {"Payload": payload}},
        )
        association = client.create_association(Name="AWS-RunShellScript")[
            "AssociationDescription"
        ]
        when = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
        with contextlib.suppress(ClientError):
            client.update_association_status(
                Name="AWS-RunShellScript",
                InstanceId="i-0123456789abcdef0",
                AssociationStatus={"Date": when, "Name": "Success", "Message": "m"},
            )
        status, answer = raw(shown, "/ssmkit-api/requests", method="GET")
    assert status == 200
    recorded = {r["operation"]: r["params"] for r in answer["requests"]}
    task = recorded["RegisterTaskWithMaintenanceWindow"]
    assert task["TaskInvocationParameters"] == {
        "Lambda": {"Payload": base64.b64encode(payload).decode()}
    }
    # A date as the request carried it: seconds since the epoch.
    assert recorded["UpdateAssociationStatus"]["AssociationStatus"] == {
        "Date": when.timestamp(),
        "Name": "Success",
        "Message": "m",
    }
    assert association["AssociationId"]


def test_control_answers_are_json_and_refusals_say_what_is_needed(
    server: Server,
) -> None:
    port = server.url.rsplit(":", 1)[1]
    request = urllib.request.Request(f"{server.url}/ssmkit-api/requests")
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert answer.headers["Content-Type"] == "application/json"
    # A HEAD reads too, as a GET does; a charset beside JSON is JSON.
    head = urllib.request.Request(f"{server.url}/ssmkit-api/requests", method="HEAD")
    with urllib.request.urlopen(head, timeout=30) as answer:
        assert answer.status == 200
    latency = json.dumps({"seconds": 0}).encode()
    typed = {"Content-Type": "application/json; charset=utf-8"}
    assert raw(server, "/ssmkit-api/latency", latency, typed) == (200, {})
    assert raw(server, "/ssmkit-api/latency", latency, {"Host": "evil.test"}) == (
        403,
        {"error": f"control requests are served only to Host 127.0.0.1:{port}"},
    )
    assert raw(server, "/ssmkit-api/latency", latency) == (
        403,
        {
            "error": "control requests that change state need Content-Type: "
            "application/json"
        },
    )


def test_a_busy_port_is_refused_before_anything_is_served() -> None:
    from ssmkit.testing.server import Server

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match="in use") as caught:
            Server(port).start()
    assert caught.value.errno == errno.EADDRINUSE


def test_other_services_are_served_as_moto_serves_them(server: Server) -> None:
    ec2 = boto3.client(
        "ec2",
        region_name="us-east-1",
        endpoint_url=server.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    assert ec2.describe_instances()["Reservations"] == []


def test_an_api_request_without_a_body_is_served_as_one_without_members(
    server: Server,
) -> None:
    headers = {
        "Authorization": "AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/ssm/"
        "aws4_request, SignedHeaders=host, Signature=0",
        "X-Amz-Target": "AmazonSSM.DescribeMaintenanceWindows",
        "Content-Type": "application/x-amz-json-1.1",
    }
    status, answer = raw(server, "/", b"", headers)
    assert status == 200
    assert isinstance(answer["WindowIdentities"], list)
    headers["X-Amz-Target"] = "AmazonSSM.ListAssociations"
    status, answer = raw(server, "/", b"", headers)
    assert status == 200
    assert isinstance(answer["Associations"], list)


@pytest.mark.parametrize(
    ("authorization", "target", "said"),
    [
        # SSM's by its signature alone, or by its operation alone.
        (SIGNED, None, "The request body is not UTF-8."),
        (
            "AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/ec2/aws4_request, "
            "SignedHeaders=host, Signature=0",
            "AmazonSSM.ListAssociations",
            "The request body is not UTF-8.",
        ),
    ],
)
def test_a_request_is_read_as_ssm_s_by_its_signature_or_its_operation(
    server: Server, authorization: str, target: str | None, said: str
) -> None:
    headers = {
        "Authorization": authorization,
        "Content-Type": "application/x-amz-json-1.1",
    }
    if target is not None:
        headers["X-Amz-Target"] = target
    assert raw(server, "/", b'{"x": "\xff"}', headers) == (
        400,
        {"__type": "SerializationException", "message": said},
    )


def test_a_member_the_model_lacks_is_left_to_moto(server: Server) -> None:
    headers = {
        "Authorization": SIGNED,
        "X-Amz-Target": "AmazonSSM.DescribeParameters",
        "Content-Type": "application/x-amz-json-1.1",
    }
    body = json.dumps({"Colour": "blue", "MaxResults": 5}).encode()
    status, answer = raw(server, "/", body, headers)
    assert (status, sorted(answer)) == (200, ["Parameters"])
    assert isinstance(answer["Parameters"], list)
