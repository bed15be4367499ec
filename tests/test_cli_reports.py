"""A run's ``--report``: refused before any call when it cannot serve, read as written.

Each runs the command in the tests' process with ``--command-in-process``.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import pytest

from .command import run_command
from .standin import no_associations, server_client
from .test_cli import command_env, create, ssmkit, stored

if TYPE_CHECKING:
    from pathlib import Path

    from ssmkit.testing.server import Server

CHANGE = ["--set", "max_errors=6"]


@pytest.fixture
def boto(server: Server) -> Any:
    client = server_client(server)
    no_associations(client)
    server.stand_in.requests.clear()
    return client


def _bulk(server: Server, ids_file: Path, report: Path, *more: str) -> Any:
    return ssmkit(
        server,
        "associations",
        "bulk-update",
        "--ids-from",
        str(ids_file),
        *CHANGE,
        "--report",
        str(report),
        "--yes",
        *more,
    )


def _ids(tmp_path: Path, *ids: str) -> Path:
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("".join(f"{i}\n" for i in ids))
    return ids_file


def _fingerprint(server: Server, ids_file: Path, tmp_path: Path) -> str:
    """The change's fingerprint, as a dry run records it."""
    dry = tmp_path / "dry.jsonl"
    done = _bulk(server, ids_file, dry, "--dry-run")
    assert done.returncode == 0, done.stderr
    return str(json.loads(dry.read_text().splitlines()[0])["change"])


def test_a_report_that_cannot_serve_is_refused_before_any_call(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    ids_file = _ids(tmp_path, create(boto))
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(b'{"outcome": "caf\xe9"}\n')
    missing = tmp_path / "missing" / "report.jsonl"
    server.stand_in.requests.clear()
    for report, said in (
        (tmp_path, f"--report: {tmp_path} is a directory, not a file"),
        (tmp_path / "ids.txt" / "x", f"--report: cannot write {tmp_path}/ids.txt/x: "),
        (missing, f"--report: cannot write {missing}: no such directory"),
        (
            latin,
            f"--report: cannot read {latin}: 'utf-8' codec can't decode byte 0xe9 "
            "in position 16: invalid continuation byte",
        ),
    ):
        done = _bulk(server, ids_file, report)
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith(f"ssmkit: error: {said}"), done.stderr
    from pathlib import Path

    if Path("/dev/null").exists():
        device = _bulk(server, ids_file, Path("/dev/null"))
        assert device.stderr == (
            "ssmkit: error: --report: /dev/null is not a regular file\n"
        )
    assert server.stand_in.requests == []


def test_a_report_line_cut_short_is_passed_over_and_ended(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    first, second = create(boto), create(boto)
    ids_file = _ids(tmp_path, first, second)
    change = _fingerprint(server, ids_file, tmp_path)
    report = tmp_path / "report.jsonl"
    done_line = json.dumps(
        {"association_id": first, "change": change, "outcome": "changed"}
    )
    # A blank line, and a last line an interruption cut short.
    report.write_text(f"{done_line}\n\n" + '{"association_id": "' + second[:8])
    rerun = _bulk(server, ids_file, report)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stderr == "1 changed; 1 skipped as done in an earlier run.\n"
    lines = report.read_text().splitlines()
    assert lines[:3] == [done_line, "", '{"association_id": "' + second[:8]]
    assert json.loads(lines[3])["association_id"] == second
    assert len(lines) == 4


@pytest.mark.parametrize(
    "line",
    ["[]", '{"association_id": 5, "outcome": "changed"}', '{"association_id": "x"}'],
)
def test_a_report_line_that_is_not_one_is_refused(
    server: Server, boto: Any, tmp_path: Path, line: str
) -> None:
    ids_file = _ids(tmp_path, create(boto))
    report = tmp_path / "report.jsonl"
    report.write_text(f"{line}\n" + json.dumps({"outcome": "changed"}) + "\n")
    server.stand_in.requests.clear()
    done = _bulk(server, ids_file, report)
    assert done.returncode == 2
    assert done.stderr == f"ssmkit: error: {report}:1: not a report line\n"
    assert server.stand_in.requests == []


def test_only_what_the_last_line_says_was_done_is_skipped(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    failed_since, elsewhere, unnamed, done = (create(boto) for _ in range(4))
    ids_file = _ids(tmp_path, failed_since, elsewhere, unnamed, done)
    change = _fingerprint(server, ids_file, tmp_path)
    lines = [
        # Done, then failed in a later run: to do again.
        {"association_id": failed_since, "change": change, "outcome": "changed"},
        {"association_id": failed_since, "change": change, "outcome": "failed"},
        # Done in another account and Region: not this one's.
        {
            "association_id": elsewhere,
            "change": change,
            "outcome": "changed",
            "account_id": "210987654321",
            "region": "eu-west-1",
        },
        # An apply's create that never was: no id.
        {"association_id": None, "change": change, "outcome": "not_started"},
        {"association_id": done, "change": change, "outcome": "unchanged"},
    ]
    report = tmp_path / "report.jsonl"
    report.write_text("".join(json.dumps(line) + "\n" for line in lines))
    rerun = _bulk(server, ids_file, report)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stderr == "3 changed; 1 skipped as done in an earlier run.\n"
    written = [
        r["AssociationId"] for r in server.stand_in.requests_for("UpdateAssociation")
    ]
    assert sorted(written) == sorted([failed_since, elsewhere, unnamed])
    assert stored(boto, done)["MaxErrors"] != "6"


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (
            ["--concurrency", "257"],
            "--concurrency: must be a whole number from 1 to 256, got 257",
        ),
        (
            ["--max-rate", "0"],
            "--max-rate: must be a number of calls a second from 0.01 up, got 0.0",
        ),
        (["--dry-run", "--wait"], "--wait: a dry run writes nothing, so nothing runs"),
        (
            ["--canary", "1"],
            "--canary and --max-failed-runs judge the runs: add --wait",
        ),
    ],
)
def test_pace_and_wait_options_are_refused_before_any_call(
    server: Server, boto: Any, tmp_path: Path, options: list[str], said: str
) -> None:
    ids_file = _ids(tmp_path, create(boto))
    server.stand_in.requests.clear()
    done = _bulk(server, ids_file, tmp_path / "report.jsonl", *options)
    assert (done.returncode, done.stderr) == (2, f"ssmkit: error: {said}\n")
    assert server.stand_in.requests == []


def test_a_wait_that_times_out_says_so_in_its_cell_and_fails(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    from .test_cli_associations import cells

    association_id = create(boto)
    ids_file = _ids(tmp_path, association_id)
    server.stand_in.set_run_duration(30)
    try:
        done = _bulk(
            server, ids_file, tmp_path / "report.jsonl", "--wait", "--timeout", "1"
        )
    finally:
        server.stand_in.set_run_duration(0)
    assert done.returncode == 1, done.stderr
    assert cells(done.stdout) == [
        ["association id", "outcome", "version", "run", "error"],
        [association_id, "changed", "1 -> 2", "Pending (timed out)", ""],
    ]
    assert done.stderr == "1 changed; 1 run failed or did not end in time.\n"
    [line] = [
        json.loads(x) for x in (tmp_path / "report.jsonl").read_text().splitlines()
    ]
    assert (line["outcome"], line["run"]["status"]) == ("changed", "Pending")


WHOLE = "is not a whole number, 0 or more"
COUNT = "is not a whole number, 1 or more"
SECONDS = "is not a number of seconds, more than 0, at most 86400"


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        *(("--max-failed-runs", v, WHOLE) for v in ("-1", "٣", "1.5", "x")),
        *(("--timeout", v, SECONDS) for v in ("x", "0", "-1", "nan", "86400.5")),
        *(("--canary", v, COUNT) for v in ("0", "٣", "x", "-2")),
    ],
)
def test_a_wait_s_numbers_are_refused_word_for_word(
    server: Server, option: str, value: str, said: str
) -> None:
    done = ssmkit(
        server,
        "associations",
        "bulk-update",
        "--name",
        "AWS-RunShellScript",
        "--set",
        "max_errors=1",
        "--wait",
        option,
        value,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.endswith(
        f"ssmkit associations bulk-update: error: argument {option}: "
        f"{value!r} {said} (see ssmkit associations bulk-update --help)\n"
    )


def test_a_wait_of_a_whole_day_is_allowed(server: Server) -> None:
    done = ssmkit(
        server,
        "associations",
        "bulk-update",
        "--name",
        "no-such-document",
        "--set",
        "max_errors=1",
        "--wait",
        "--timeout",
        "86400",
    )
    assert (done.returncode, done.stderr) == (0, "No association was updated.\n")


def test_a_blank_line_inside_a_report_is_passed_over(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    ids = [create(boto) for _ in range(3)]
    ids_file = _ids(tmp_path, *ids)
    report = tmp_path / "report.jsonl"
    (tmp_path / "first").mkdir()
    first = _bulk(server, _ids(tmp_path / "first", ids[0]), report)
    assert first.returncode == 0, first.stderr
    [line] = report.read_text().splitlines()
    done = json.loads(line)
    second = {**done, "association_id": ids[1]}
    report.write_text(f"{line}\n\n   \n{json.dumps(second)}\n")
    server.stand_in.requests.clear()
    rerun = _bulk(server, ids_file, report)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stderr == "1 changed; 2 skipped as done in an earlier run.\n"
    written = server.stand_in.requests_for("UpdateAssociation")
    assert [r["AssociationId"] for r in written] == [ids[2]]


AID = "12345678-1234-1234-1234-123456789012"
WINDOW = "mw-0123456789abcdef0"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["associations", "show", "bogus"],
            "argument ID: 'bogus' is not an association id "
            "(8-4-4-4-12 hexadecimal digits)",
        ),
        (
            ["tasks", "show", "mw-1", AID],
            "argument WINDOW_ID: 'mw-1' is not a maintenance window id "
            "(mw- and 17 hex digits)",
        ),
        (
            ["tasks", "show", WINDOW, "x"],
            "argument TASK_ID: 'x' is not a window task id "
            "(8-4-4-4-12 hexadecimal digits)",
        ),
        *(
            (
                ["associations", "runs", AID, "--version", version],
                f"argument --version: {version!r} is not a version: a whole "
                "number, 1 or more",
            )
            for version in ("0", "01", "٣", "x")
        ),
        *(
            (
                ["associations", command, "bogus", *rest],
                "argument ID: 'bogus' is not an association id "
                "(8-4-4-4-12 hexadecimal digits)",
            )
            for command, rest in (
                ("update", ["--set", "max_errors=1"]),
                ("delete", []),
                ("versions", []),
                ("runs", []),
            )
        ),
        (
            ["associations", "update", AID, "--expected-version", "0"],
            "argument --expected-version: '0' is not a version: a whole number, "
            "1 or more",
        ),
        (
            ["tasks", "list", "mw-1"],
            "argument WINDOW_ID: 'mw-1' is not a maintenance window id "
            "(mw- and 17 hex digits)",
        ),
        (
            ["tasks", "update", "mw-1", AID, "--set", "priority=1"],
            "argument WINDOW_ID: 'mw-1' is not a maintenance window id "
            "(mw- and 17 hex digits)",
        ),
        (
            ["tasks", "update", WINDOW, "x", "--set", "priority=1"],
            "argument TASK_ID: 'x' is not a window task id "
            "(8-4-4-4-12 hexadecimal digits)",
        ),
        *(
            (
                [
                    "associations",
                    "bulk-update",
                    "--all",
                    "--set",
                    "max_errors=1",
                    *option,
                ],
                said,
            )
            for option, said in (
                (
                    ["--concurrency", "0"],
                    "argument --concurrency: '0' is not a whole number, 1 or more",
                ),
                (
                    ["--wait", "--timeout", "soon"],
                    "argument --timeout: 'soon' is not a number of seconds, more "
                    "than 0, at most 86400",
                ),
                (
                    ["--wait", "--canary", "0"],
                    "argument --canary: '0' is not a whole number, 1 or more",
                ),
                (
                    ["--wait", "--max-failed-runs", "-1"],
                    "argument --max-failed-runs: '-1' is not a whole number, 0 or more",
                ),
                (
                    ["--fleet-concurrency", "0"],
                    "argument --fleet-concurrency: '0' is not a whole number, 1 "
                    "or more",
                ),
            )
        ),
    ],
)
def test_an_id_or_a_version_that_cannot_be_is_refused_word_for_word(
    server: Server, args: list[str], said: str
) -> None:
    server.stand_in.requests.clear()
    done = ssmkit(server, *args)
    command = " ".join(args[:2])
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.endswith(
        f"ssmkit {command}: error: {said} (see ssmkit {command} --help)\n"
    )
    assert server.stand_in.requests == []


def test_the_command_says_its_version() -> None:
    import ssmkit as package

    done = run_command(
        [sys.executable, "-m", "ssmkit", "--version"],
        stdin="",
        env=command_env(),
        timeout=60,
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        f"ssmkit {package.__version__}\n",
        "",
    )


@pytest.mark.parametrize("where", ["before", "after"])
def test_global_options_hold_before_the_command_and_after_it(
    server: Server, boto: Any, where: str
) -> None:
    association_id = create(boto)
    options = ["--debug", "--show-sensitive"]
    command = ["associations", "update", association_id, "--set", "max_errors=3"]
    args = [*options, *command] if where == "before" else [*command, *options]
    done = ssmkit(server, *args, "--set", "max_concurrency=4", "--yes")
    assert done.returncode == 0, done.stderr
    # Both changes named, the write logged, and the secret shown as asked.
    assert '  ~ max_errors: "1" -> "3"\n' in done.stdout
    assert '  ~ max_concurrency: "2" -> "4"\n' in done.stdout
    assert "UpdateAssociation of max_errors, max_concurrency\n" in done.stderr
    shown = ssmkit(server, *options[1:], "associations", "show", association_id)
    assert "hunter2" in shown.stdout
    stored_now = stored(boto, association_id)
    assert (stored_now["MaxErrors"], stored_now["MaxConcurrency"]) == ("3", "4")


def test_an_update_may_only_clear(server: Server, boto: Any) -> None:
    association_id = create(boto)
    done = ssmkit(
        server,
        "associations",
        "update",
        association_id,
        "--clear",
        "alarm_configuration",
        "--yes",
    )
    assert done.returncode == 0, done.stderr
    assert "AlarmConfiguration" not in stored(boto, association_id)
    assert stored(boto, association_id)["MaxErrors"] == "1"


@pytest.mark.parametrize("area", [[], ["associations"], ["tasks"], ["windows"]])
def test_the_command_alone_asks_for_a_command(area: list[str]) -> None:
    done = run_command(
        [sys.executable, "-m", "ssmkit", *area],
        stdin="",
        env=command_env(),
        timeout=60,
    )
    command = " ".join(["ssmkit", *area])
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        f"{command}: error: the following arguments are required: COMMAND "
        f"(see {command} --help)\n",
    )


def test_lines_of_another_change_do_not_hide_the_lines_after_them(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    ids = [create(boto) for _ in range(2)]
    ids_file = _ids(tmp_path, *ids)
    change = _fingerprint(server, ids_file, tmp_path)
    lines = [
        {"association_id": ids[0], "change": "another", "outcome": "changed"},
        {"association_id": ids[0], "change": change, "outcome": "changed"},
    ]
    report = tmp_path / "report.jsonl"
    report.write_text("".join(json.dumps(line) + "\n" for line in lines))
    server.stand_in.requests.clear()
    rerun = _bulk(server, ids_file, report)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stderr.endswith("1 changed; 1 skipped as done in an earlier run.\n")
    written = server.stand_in.requests_for("UpdateAssociation")
    assert [r["AssociationId"] for r in written] == [ids[1]]


@pytest.mark.parametrize(
    ("command", "defaults"),
    [
        (["plan", "f.yaml"], {"concurrency": 8}),
        (["associations", "plan", "f.yaml"], {"concurrency": 8}),
        (
            ["apply", "f.yaml"],
            {"concurrency": 4, "max_rate": None, "timeout": 600.0, "canary": None},
        ),
        (
            ["associations", "bulk-update", "--name", "x", "--set", "max_errors=1"],
            {"concurrency": 8, "max_rate": None, "timeout": 600.0, "canary": None},
        ),
        (["associations", "update", AID, "--set", "max_errors=1"], {"timeout": 600.0}),
    ],
)
def test_the_numbers_a_command_takes_unless_told_are_those_its_help_says(
    command: list[str], defaults: dict[str, object]
) -> None:
    from ssmkit.cli._parser import build_parser

    parsed = vars(build_parser().parse_args(command))
    assert {name: parsed[name] for name in defaults} == defaults


@pytest.mark.parametrize("value", ["0", "x", "1.5"])
def test_a_plan_s_concurrency_is_refused_word_for_word(
    server: Server, tmp_path: Path, value: str
) -> None:
    path = tmp_path / "ssm.yaml"
    path.write_text("Associations: []\n")
    done = ssmkit(server, "plan", str(path), "--concurrency", value)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.endswith(
        f"ssmkit plan: error: argument --concurrency: {value!r} is not a whole "
        "number, 1 or more (see ssmkit plan --help)\n"
    )
