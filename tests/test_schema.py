"""``ssmkit schema``: the file's JSON Schema, for editors and check-jsonschema."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import jsonschema
import pytest
import yaml

import ssmkit
from ssmkit._schema import file_schema
from ssmkit.testing import StandIn, mock_ssm

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "docs" / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    model = boto3.client("ssm", region_name="us-east-1").meta.service_model
    schema = file_schema(model)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def problems(validator: jsonschema.Draft202012Validator, doc: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(doc)
    ]


def test_the_command_prints_the_schema() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ssmkit", "schema"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},  # no region, no credentials: none needed
    )
    assert done.returncode == 0, done.stderr
    schema = json.loads(done.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["properties"]) == {"Associations", "MaintenanceWindows", "Prune"}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_the_docs_example_files_are_valid(
    validator: jsonschema.Draft202012Validator, example: Path
) -> None:
    assert problems(validator, yaml.safe_load(example.read_text())) == []


def test_every_exported_file_is_valid(
    validator: jsonschema.Draft202012Validator,
) -> None:
    with mock_ssm() as ssm:
        assert isinstance(ssm, StandIn)
        client = ssmkit.Client(
            boto3_client=boto3.client("ssm", region_name="us-east-1")
        )
        for example in EXAMPLES:
            client.apply(client.plan(example))
        for show_sensitive in (False, True):
            exported, _ = client.export(show_sensitive=show_sensitive)
            assert exported["Associations"]
            assert exported["MaintenanceWindows"]
            assert problems(validator, exported) == []


def test_a_misspelt_member_and_a_bad_enum_value_are_caught(
    validator: jsonschema.Draft202012Validator,
) -> None:
    doc = yaml.safe_load((ROOT / "docs" / "examples" / "windows.yaml").read_text())
    bad = copy.deepcopy(doc)
    bad["MaintenanceWindows"][0]["Shedule"] = "cron(0 2 ? * SUN *)"
    bad["MaintenanceWindows"][0]["Tasks"][0]["TaskType"] = "RUN_COMAND"
    bad["MaintenanceWindows"][0]["Duration"] = 99
    found = problems(validator, bad)
    assert any("'Shedule' was unexpected" in p for p in found), found
    assert any(p.startswith("MaintenanceWindows/0/Tasks/0/TaskType") for p in found)
    assert any(p.startswith("MaintenanceWindows/0/Duration") for p in found)


def test_null_removes_where_it_may_and_the_placeholder_stands_for_secrets(
    validator: jsonschema.Draft202012Validator,
) -> None:
    entry = {
        "AssociationName": "a-name",
        "Name": "AWS-RunShellScript",
        "MaxErrors": None,  # removes it
        "Parameters": {"commands": "<sensitive>"},
    }
    assert problems(validator, {"Associations": [entry]}) == []
    assert (
        problems(validator, {"Associations": [{**entry, "Parameters": "<sensitive>"}]})
        == []
    )
    # A required member cannot be null; the identity is required.
    assert problems(validator, {"Associations": [{**entry, "Name": None}]})
    assert problems(
        validator,
        {"Associations": [{k: v for k, v in entry.items() if k != "AssociationName"}]},
    )
    # The placeholder is no value for a member that is not sensitive.
    assert problems(
        validator, {"Associations": [{**entry, "MaxErrors": "<sensitive>"}]}
    )
