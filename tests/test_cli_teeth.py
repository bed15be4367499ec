"""The command's answers to what an operator types: each a way it could go wrong."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from .standin import server_client
from .test_cli import FULL, create, ssmkit, stored, writes

if TYPE_CHECKING:
    from pathlib import Path

    from ssmkit.testing.server import Server


@pytest.fixture
def boto(server: Server) -> Any:
    server.stand_in.requests.clear()
    return server_client(server)


def test_enter_at_the_question_is_no(server: Server, boto: Any) -> None:
    association_id = create(boto)
    result = ssmkit(
        server,
        "associations",
        "update",
        association_id,
        "--set",
        "max_errors=4",
        stdin="\n",
    )
    assert result.returncode == 1, result.stderr
    assert "Nothing written." in result.stderr
    assert writes(server) == 0
    assert stored(boto, association_id)["MaxErrors"] == FULL["MaxErrors"]


def _sent(server: Server, association_id: str, setting: str) -> dict[str, Any]:
    """The one ``UpdateAssociation`` that ``update --set SETTING`` sends."""
    server.stand_in.requests.clear()
    result = ssmkit(
        server, "associations", "update", association_id, "--set", setting, "--yes"
    )
    assert result.returncode == 0, result.stderr
    [sent] = server.stand_in.requests_for("UpdateAssociation")
    return sent


def test_true_and_false_are_sent_as_such(server: Server, boto: Any) -> None:
    association_id = create(boto)
    for text, value in (("true", True), ("FALSE", False), ("True", True)):
        sent = _sent(server, association_id, f"apply_only_at_cron_interval={text}")
        assert sent["ApplyOnlyAtCronInterval"] is value
    refused = ssmkit(
        server,
        "associations",
        "update",
        association_id,
        "--set",
        "apply_only_at_cron_interval=yes",
        "--yes",
    )
    assert refused.returncode == 2
    assert "true or false" in refused.stderr


def test_a_value_holding_equals_signs_is_sent_whole(server: Server, boto: Any) -> None:
    association_id = create(boto)
    sent = _sent(server, association_id, 'parameters.commands=["export A=1 B=2"]')
    assert sent["Parameters"]["commands"] == ["export A=1 B=2"]


def test_a_dry_run_in_the_report_is_not_done(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    ids = [create(boto, AssociationName=f"dry-{i}") for i in range(2)]
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("\n".join(ids))
    report = tmp_path / "report.jsonl"
    change = ["--ids-from", str(ids_file), "--set", "max_errors=6"]
    dry = ssmkit(
        server,
        "associations",
        "bulk-update",
        *change,
        "--dry-run",
        "--report",
        str(report),
    )
    assert dry.returncode == 0, dry.stderr
    assert writes(server) == 0
    real = ssmkit(
        server,
        "associations",
        "bulk-update",
        *change,
        "--report",
        str(report),
        "--yes",
    )
    assert real.returncode == 0, real.stderr
    assert "2 changed." in real.stderr
    assert "skipped" not in real.stderr
    assert [stored(boto, i)["MaxErrors"] for i in ids] == ["6", "6"]
    outcomes = [json.loads(line)["outcome"] for line in report.read_text().splitlines()]
    assert outcomes == ["planned", "planned", "changed", "changed"]


def test_the_bulk_question_masks_what_it_sets(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    association_id = create(boto)
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text(association_id)
    result = ssmkit(
        server,
        "associations",
        "bulk-update",
        "--ids-from",
        str(ids_file),
        "--set",
        'parameters.commands=["echo s3cret-token"]',
        stdin="n\n",
    )
    assert result.returncode == 1, result.stderr
    assert "parameters.commands=<sensitive>" in result.stderr
    assert "s3cret" not in result.stderr + result.stdout
    assert writes(server) == 0


def test_an_id_given_twice_is_updated_once(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    association_id = create(boto)
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text(f"{association_id}\n{association_id}\n")
    result = ssmkit(
        server,
        "associations",
        "bulk-update",
        "--ids-from",
        str(ids_file),
        "--set",
        "max_errors=7",
        stdin="y\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Selected 1 association:" in result.stderr
    assert "1 changed." in result.stderr
    assert (
        server.stand_in.requests_for("DescribeAssociation").count(
            {"AssociationId": association_id}
        )
        == 2
    )  # once for the question, once for the update


def test_a_report_with_a_bad_line_inside_is_refused(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    association_id = create(boto)
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text(association_id)
    report = tmp_path / "report.jsonl"
    good = json.dumps({"association_id": association_id, "outcome": "failed"})
    report.write_text(f"{good}\nnot json\n{good}\n")
    result = ssmkit(
        server,
        "associations",
        "bulk-update",
        "--ids-from",
        str(ids_file),
        "--set",
        "max_errors=7",
        "--report",
        str(report),
        "--yes",
    )
    assert result.returncode == 2, result.stderr
    assert f"{report}:2: not a report line" in result.stderr
    assert writes(server) == 0


@pytest.mark.parametrize(
    ("answer", "wrote"),
    [
        ("y\n", True),
        ("YES\n", True),
        ("  Yes  \n", True),
        ("yep\n", False),
        ("n\n", False),
        ("\n", False),
    ],
)
def test_only_y_or_yes_is_a_yes(
    server: Server, boto: Any, answer: str, wrote: bool
) -> None:
    association_id = create(boto)
    result = ssmkit(
        server,
        "associations",
        "update",
        association_id,
        "--set",
        "max_errors=4",
        stdin=answer,
    )
    assert result.returncode == (0 if wrote else 1), result.stderr
    assert writes(server) == int(wrote)
    question = (
        f"Write 1 change to association {association_id}? Once written, it runs "
        "at once on its targets. [y/N] "
    )
    assert question in result.stderr


def test_no_answer_at_all_writes_nothing(server: Server, boto: Any) -> None:
    association_id = create(boto)
    result = ssmkit(
        server, "associations", "update", association_id, "--set", "max_errors=4"
    )
    assert result.returncode == 2
    assert result.stderr.endswith(
        "[y/N] \nssmkit: error: no answer to confirm the write: pass --yes to "
        "write without asking\n"
    )
    assert writes(server) == 0


def test_a_question_says_nothing_of_a_run_when_none_starts(
    server: Server, boto: Any
) -> None:
    association_id = create(boto, ApplyOnlyAtCronInterval=True)
    result = ssmkit(
        server,
        "associations",
        "update",
        association_id,
        "--set",
        "max_errors=4",
        stdin="n\n",
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.endswith(
        f"Write 1 change to association {association_id}? [y/N] Nothing written.\n"
    )


def test_a_rerun_skips_what_the_same_change_did_and_only_that(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    done, other = (create(boto, AssociationName=f"rerun-{i}") for i in range(2))
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text(f"{done}\n{other}\n")
    report = tmp_path / "report.jsonl"
    # A report written by an earlier run of the same change, its options in
    # another order: the change's fingerprint is of what it does, sorted.
    line = {
        "association_id": done,
        "change": "43a387a2698bfc94",
        "outcome": "changed",
        "version_after": "2",
        "version_before": "1",
    }
    report.write_text(json.dumps(line) + "\n")
    change = ["--set", "max_errors=6", "--clear", "calendar_names"]
    rerun = ssmkit(
        server,
        "associations",
        "bulk-update",
        "--ids-from",
        str(ids_file),
        *change,
        "--report",
        str(report),
        "--yes",
    )
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stderr == "1 changed; 1 skipped as done in an earlier run.\n"
    assert [
        r["AssociationId"] for r in server.stand_in.requests_for("UpdateAssociation")
    ] == [other]
    # Another value is another change: nothing of it is done yet.
    another = ssmkit(
        server,
        "associations",
        "bulk-update",
        "--ids-from",
        str(ids_file),
        "--set",
        "max_errors=7",
        "--report",
        str(report),
        "--yes",
    )
    assert another.returncode == 0, another.stderr
    assert another.stderr == (
        f"{report} records 2 result(s) of another change; they are not "
        "skipped.\n2 changed.\n"
    )
    assert [stored(boto, i)["MaxErrors"] for i in (done, other)] == ["7", "7"]


def test_a_dry_run_s_json_is_its_plan_and_says_nothing_was_written(
    server: Server, boto: Any
) -> None:
    association_id = create(boto)
    planned = ssmkit(
        server,
        "--output",
        "json",
        "associations",
        "update",
        association_id,
        "--set",
        'parameters.commands=["echo x"]',
        "--dry-run",
    )
    assert planned.returncode == 0, planned.stderr
    found = json.loads(planned.stdout)
    assert found["written"] is False
    assert found["plan"]["changes"] == [
        {
            "action": "change",
            "path": "parameters.commands",
            "before": "<sensitive>",
            "after": "<sensitive>",
        }
    ]
    assert writes(server) == 0
