"""Associations as code against hostile and careless files: refused, never half-read."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest

import ssmkit
from ssmkit import errors
from ssmkit.testing import StandIn

from .test_cli import ssmkit as run_command
from .test_cli_declared import written
from .test_declared import PATCH, entries, live, writes

if TYPE_CHECKING:
    from pathlib import Path

    from ssmkit.testing.server import Server

SECRET = "hunter2-live"


@pytest.fixture
def client(boto: Any) -> ssmkit.Client:
    return ssmkit.Client(boto3_client=boto)


# -- duplicate keys, anchors and aliases ----------------------------------------------

DUPLICATED_TOP = """\
Associations:
  - AssociationName: team-keep
    Name: AWS-RunShellScript
    Parameters: {commands: [uptime]}
Prune: {NamePrefix: team-}
Associations: []
"""

DUPLICATED_MEMBER = """\
Associations:
  - AssociationName: team-keep
    Name: AWS-RunShellScript
    MaxErrors: "1"
    MaxErrors: "100%"
"""


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        (
            "f.yaml",
            DUPLICATED_TOP,
            "f.yaml:6:1: duplicate key 'Associations' (first at line 1)",
        ),
        (
            "f.yaml",
            DUPLICATED_MEMBER,
            "f.yaml:5:5: duplicate key 'MaxErrors' (first at line 4)",
        ),
        (
            "f.json",
            '{"Associations": [{"AssociationName": "team-keep",'
            ' "Name": "AWS-RunShellScript"}],\n'
            ' "Prune": {"NamePrefix": "team-"},\n "Associations": []}',
            'f.json:3:2: duplicate key "Associations"',
        ),
        (
            "f.json",
            '{"Associations": [{"AssociationName": "a",\n "Name": "x", "Name": "y"}]}',
            'f.json:2:15: duplicate key "Name"',
        ),
    ],
)
def test_a_key_given_twice_refuses_the_file_and_deletes_nothing(
    server: Server, tmp_path: Path, name: str, text: str, where: str
) -> None:
    from .standin import server_client

    boto = server_client(server)
    boto.create_association(Name="AWS-RunShellScript", AssociationName="team-keep")
    server.stand_in.requests.clear()
    path = tmp_path / name
    path.write_text(text)
    done = run_command(server, "associations", "apply", str(path), "--prune", "--yes")
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"ssmkit: error: {tmp_path}/{where}\n"
    assert written(server) == []
    assert server.stand_in.operations == []


def test_aliases_and_anchors_are_refused_at_once(
    tmp_path: Path, client: ssmkit.Client
) -> None:
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for n in range(1, 10):
        previous, name = chr(96 + n), chr(97 + n)
        bomb += f"{name}: &{name} [{','.join(['*' + previous] * 9)}]\n"
    path = tmp_path / "bomb.yaml"
    path.write_text(bomb)
    started = time.monotonic()
    with pytest.raises(errors.ValidationError) as caught:
        client.plan_associations(str(path))
    assert time.monotonic() - started < 1
    assert str(caught.value) == (
        f"{path}:1:4: anchor &a: anchors and aliases are not accepted"
    )
    merged = tmp_path / "merge.yaml"
    merged.write_text("Associations:\n  - <<: {Name: x}\n    AssociationName: y\n")
    with pytest.raises(errors.ValidationError, match=r"merge.yaml:2:5: merge keys"):
        client.plan_associations(str(merged))


def test_an_export_reads_back_though_it_repeats_a_value(
    client: ssmkit.Client, boto: Any, tmp_path: Path
) -> None:
    targets = [{"Key": "tag:Patch", "Values": ["yes"]}]
    for name in ("team-a", "team-b"):
        boto.create_association(Name=PATCH, AssociationName=name, Targets=targets)
    document, _ = client.export_associations()
    # One list object in two places: YAML would write it as an alias.
    document["Associations"][1]["Targets"] = document["Associations"][0]["Targets"]
    path = tmp_path / "out.yaml"
    path.write_text(ssmkit._declared.dump_associations(document, path))
    assert "&" not in path.read_text()
    assert not client.plan_associations(str(path)).pending


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "deep.json",
            "[" * 100_000 + "]" * 100_000,
            "deep.json: nested deeper than 64 levels",
        ),
        (
            "deep.yaml",
            "[" * 100_000 + "]" * 100_000,
            "deep.yaml:1:65: nested deeper than 64 levels",
        ),
        (
            "bad.yaml",
            "Associations:\n  - a: b\n   c: d\n",
            "bad.yaml:3:4: malformed YAML",
        ),
        ("bad.json", '{"Associations": [}', "bad.json:1:19: malformed JSON"),
        ("latin.yaml", b"Associations: [\xe9]", "latin.yaml:1: not UTF-8 text"),
    ],
)
def test_malformed_files_are_refused_with_file_line_and_column(
    tmp_path: Path, client: ssmkit.Client, name: str, text: Any, message: str
) -> None:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    with pytest.raises(errors.ValidationError) as caught:
        client.plan_associations(str(path))
    assert str(caught.value).startswith(f"{tmp_path}/{message}")
    assert "\n" not in str(caught.value)


def test_a_directory_is_not_a_file(tmp_path: Path, client: ssmkit.Client) -> None:
    folder = tmp_path / "ssm.yaml"
    folder.mkdir()
    with pytest.raises(errors.ValidationError, match="is a directory, not a file"):
        client.plan_associations(str(folder))


# -- the placeholder ------------------------------------------------------------------


def _with_secret(boto: Any) -> str:
    return boto.create_association(  # type: ignore[no-any-return]
        Name="AWS-RunShellScript",
        AssociationName="team-run",
        Parameters={"commands": [f"echo {SECRET}"]},
    )["AssociationDescription"]["AssociationId"]


@pytest.mark.parametrize(
    ("parameters", "path"),
    [
        ({"commands": ["<sensitive>", "echo new"]}, "parameters.commands[0]"),
        ({"commands": ["echo <sensitive>"]}, "parameters.commands[0]"),
    ],
)
def test_the_placeholder_stands_only_for_a_whole_live_value(
    client: ssmkit.Client,
    boto: Any,
    stand_in: StandIn,
    parameters: dict[str, Any],
    path: str,
) -> None:
    _with_secret(boto)
    entry = {"AssociationName": "team-run", "Name": "AWS-RunShellScript"}
    stand_in.requests.clear()
    with pytest.raises(errors.ValidationError) as caught:
        client.plan_associations([{**entry, "Parameters": parameters}])
    assert f"{path}: holds the placeholder <sensitive>" in str(caught.value)
    assert writes(stand_in) == []
    assert live(boto, "team-run")["Parameters"] == {"commands": [f"echo {SECRET}"]}
    # Where nothing is sensitive, it is still never sent as text.
    with pytest.raises(
        errors.ValidationError, match="max_errors: holds the placeholder"
    ):
        client.plan_associations([{**entry, "MaxErrors": "<sensitive>"}])
    # Standing for the whole live value, it keeps it.
    whole = client.plan_associations(
        [{**entry, "Parameters": {"commands": "<sensitive>"}}]
    )
    assert not whole.pending
    client.apply_associations(whole)
    assert live(boto, "team-run")["Parameters"] == {"commands": [f"echo {SECRET}"]}


# -- tags are compared with what the plan read -----------------------------------------


def tag_change_planned(client: ssmkit.Client) -> ssmkit.AssociationsPlan:
    """A plan that changes one association's tags and nothing else."""
    desired = entries()[:1]
    desired[0]["Tags"] = [{"Key": "team", "Value": "ops"}]
    client.apply_associations(client.plan_associations(desired))
    desired[0]["Tags"] = [{"Key": "team", "Value": "sre"}]
    return client.plan_associations(desired)


def conflict(name: str, what: str) -> str:
    return f"association {name} {what}: nothing was written; plan again"


def test_a_tag_change_alone_keeps_the_version_it_was_planned_at(
    client: ssmkit.Client,
) -> None:
    (result,) = client.apply_associations(tag_change_planned(client))
    assert (result.outcome, result.version_before, result.version_after) == (
        "changed",
        "1",
        "1",
    )


def test_a_rivals_tag_change_between_plan_and_apply_is_a_conflict(
    client: ssmkit.Client, boto: Any, stand_in: StandIn
) -> None:
    plan = tag_change_planned(client)
    association_id = live(boto, "team-patch")["AssociationId"]
    boto.add_tags_to_resource(
        ResourceType="Association",
        ResourceId=association_id,
        Tags=[{"Key": "team", "Value": "rival"}],
    )
    stand_in.requests.clear()
    (result,) = client.apply_associations(plan)
    calls = [r.operation for r in stand_in.requests]
    assert (result.outcome, str(result.error)) == (
        "conflict",
        conflict("team-patch", "had its tags changed since the plan"),
    )
    assert result.error is not None
    assert result.error.__cause__ is None
    tags = boto.list_tags_for_resource(
        ResourceType="Association", ResourceId=association_id
    )["TagList"]
    assert tags == [{"Key": "team", "Value": "rival"}]
    assert calls == ["DescribeAssociation", "ListTagsForResource"]


def test_a_rivals_delete_before_a_tag_change_is_a_conflict(
    client: ssmkit.Client, boto: Any, stand_in: StandIn
) -> None:
    plan = tag_change_planned(client)
    boto.delete_association(AssociationId=live(boto, "team-patch")["AssociationId"])
    stand_in.requests.clear()
    (result,) = client.apply_associations(plan)
    assert (result.outcome, str(result.error)) == (
        "conflict",
        conflict("team-patch", "was deleted since the plan"),
    )
    assert isinstance(result.error, errors.ConcurrentUpdateError)
    assert isinstance(result.error.__cause__, errors.AssociationDoesNotExist)
    assert stand_in.operations == ["DescribeAssociation"]


def test_a_rivals_member_change_before_a_tag_change_is_a_conflict(
    client: ssmkit.Client, boto: Any
) -> None:
    plan = tag_change_planned(client)
    association = live(boto, "team-patch")
    boto.update_association(
        AssociationId=association["AssociationId"],
        Name=PATCH,
        AssociationName="team-patch",
        MaxErrors="50%",
    )
    (result,) = client.apply_associations(plan)
    assert (result.outcome, str(result.error)) == (
        "conflict",
        conflict("team-patch", "is at version 2 since the plan"),
    )


# -- every problem, and no terminal escapes --------------------------------------------


def test_every_problem_of_an_entry_is_listed(client: ssmkit.Client) -> None:
    entry = {
        "AssociationName": "team-bad",
        "Name": PATCH,
        "MaxErrors": "abc",
        "MaxConcurrency": "xyz",
        "ComplianceSeverity": "SEVERE",
    }
    with pytest.raises(errors.ValidationError) as caught:
        client.plan_associations([entry])
    lines = str(caught.value).splitlines()
    assert lines[0] == "<entries>: 3 problems, nothing was written"
    assert [line.split(":")[1].strip() for line in lines[1:]] == [
        "max_errors",
        "max_concurrency",
        "compliance_severity",
    ]


def test_names_from_a_file_cannot_drive_the_terminal(
    server: Server, tmp_path: Path
) -> None:
    path = tmp_path / "f.json"
    path.write_text(
        '{"Associations": [{"AssociationName":'
        ' "bad\\u001b[2J\\u001b]0;owned\\u0007name",'
        ' "Name": "AWS-RunShellScript", "MaxErrors": "many"}]}'
    )
    done = run_command(server, "associations", "plan", str(path))
    assert done.returncode == 2
    assert "\x1b" not in done.stderr
    assert "\x07" not in done.stderr
    assert "bad\\x1b[2J\\x1b]0;owned\\x07name" in done.stderr


# -- what a second look found ------------------------------------------------------


def test_a_placeholder_as_a_key_refuses_the_file(client: ssmkit.Client) -> None:
    entry = {
        "AssociationName": "team-x",
        "Name": "AWS-RunShellScript",
        "Parameters": {"<sensitive>": ["x"]},
    }
    with pytest.raises(errors.ValidationError, match=r"parameters.<sensitive>: holds"):
        client.plan_associations([entry])


def test_a_number_too_long_to_read_refuses_the_file(
    tmp_path: Path, client: ssmkit.Client
) -> None:
    for name, text in (
        ("big.json", '{"Associations": [{"Duration": ' + "9" * 5000 + "}]}"),
        ("big.yaml", "Associations:\n  - Duration: " + "9" * 5000 + "\n"),
    ):
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(errors.ValidationError) as caught:
            client.plan_associations(str(path))
        assert str(caught.value) == f"{path}: holds a number too long to read"


def test_every_problem_within_a_member_and_every_rule_is_listed(
    client: ssmkit.Client,
) -> None:
    entry = {
        "AssociationName": "team-bad",
        "Name": PATCH,
        "Targets": [
            {"Key": "bad key!", "Values": ["a"]},
            {"Key": "also bad!", "Values": ["b"]},
        ],
        "Tags": [{"Key": "x", "Value": "y"}, {"Key": "x", "Value": "z"}],
        "MaxErrors": "bogus!",
        "ScheduleExpression": "rate(1 day)",
        "ScheduleOffset": 3,
        "ApplyOnlyAtCronInterval": False,
    }
    with pytest.raises(errors.ValidationError) as caught:
        client.plan_associations([entry])
    text = str(caught.value)
    for expected in (
        "targets[0].key: must match",
        "targets[1].key: must match",
        "max_errors: must match",
        "schedule_offset: needs apply_only_at_cron_interval=True",
        "tags: the key x is given more than once",
    ):
        assert expected in text, text


def test_a_listing_the_service_refuses_is_one_line_and_a_failed_entry(
    client: ssmkit.Client, boto: Any, stand_in: StandIn
) -> None:
    stand_in.fail_next("ListAssociations", "AccessDeniedException")
    with pytest.raises(errors.ServiceError, match="ListAssociations"):
        client.plan_associations(entries())
    plan = client.plan_associations(entries())
    # The check for a name created since the plan is refused for the first
    # create: that entry fails, the other is still created.
    stand_in.fail_next("ListAssociations", "AccessDeniedException")
    results = client.apply_associations(plan, concurrency=1)
    assert sorted(r.outcome for r in results) == ["created", "failed"]
    stand_in.fail_next("ListAssociations", "AccessDeniedException")
    with pytest.raises(errors.ServiceError):
        client.export_associations()


def test_export_to_a_terminal_escapes_what_would_act_on_it(server: Server) -> None:
    from .standin import server_client

    boto = server_client(server)
    boto.create_association(
        Name="AWS-RunShellScript",
        AssociationName="team-evil",
        Targets=[{"Key": "tag:Role", "Values": ["web\u202ex\u2028y"]}],
    )
    done = run_command(server, "associations", "export")
    assert done.returncode == 0, done.stderr
    assert "\u202e" not in done.stdout
    assert "\u2028" not in done.stdout
    import yaml

    (read,) = yaml.safe_load(done.stdout)["Associations"]
    assert read["Targets"] == [{"Key": "tag:Role", "Values": ["web\u202ex\u2028y"]}]
