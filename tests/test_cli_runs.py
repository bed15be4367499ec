"""``ssmkit associations runs``: an association's runs and a run's targets."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import pytest

from .standin import server_client
from .test_cli import ssmkit

if TYPE_CHECKING:
    from ssmkit.testing.server import Server

NODES = ["i-0aaaaaaaaaaaaaaa1", "i-0aaaaaaaaaaaaaaa2"]


@pytest.fixture
def boto(server: Server) -> Any:
    server.stand_in.requests.clear()
    return server_client(server)


def test_runs_newest_first_and_the_targets_of_one(server: Server, boto: Any) -> None:
    association_id = boto.create_association(
        Name="AWS-RunShellScript",
        Targets=[{"Key": "InstanceIds", "Values": NODES}],
        Parameters={"commands": ["uptime"]},
    )["AssociationDescription"]["AssociationId"]
    server.stand_in.fail_runs([NODES[1]])
    server.stand_in.set_run_duration(30)
    try:
        boto.update_association(
            AssociationId=association_id,
            Name="AWS-RunShellScript",
            Targets=[{"Key": "InstanceIds", "Values": NODES}],
            MaxErrors="1",
        )
        listed = ssmkit(
            server, "--output", "json", "associations", "runs", association_id
        )
        assert listed.returncode == 0, listed.stderr
        runs = json.loads(listed.stdout)["AssociationExecutions"]
        assert [(r["AssociationVersion"], r["Status"]) for r in runs] == [
            ("2", "Pending"),
            ("1", "Success"),
        ]
        table = ssmkit(server, "associations", "runs", association_id)
        assert runs[0]["ExecutionId"] in table.stdout
        assert runs[1]["ExecutionId"] in table.stdout
        first = ssmkit(
            server,
            "associations",
            "runs",
            association_id,
            "--targets",
            "--version",
            "1",
        )
        assert first.returncode == 0, first.stderr
        assert f"Run {runs[1]['ExecutionId']} of version 1: Success" in first.stdout
        assert all(node in first.stdout for node in NODES)
    finally:
        server.stand_in.set_run_duration(0)
        server.stand_in.fail_runs([])
    time.sleep(0.1)
    newest = ssmkit(
        server, "--output", "json", "associations", "runs", association_id, "--targets"
    )
    targets = json.loads(newest.stdout)["AssociationExecutionTargets"]
    assert {t["ResourceId"]: t["Status"] for t in targets} == dict.fromkeys(
        NODES, "Pending"
    )
