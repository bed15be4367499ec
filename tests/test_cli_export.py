"""``ssmkit export`` and ``ssmkit schema``, word for word, in one account or many."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import botocore.session
import pytest
import yaml

from ssmkit._schema import file_schema

from .command import run_command
from .standin import new_window, no_associations, no_windows, server_client
from .test_cli import command_env, ssmkit
from .test_cli_associations import cells
from .test_cli_operator import _plain

if TYPE_CHECKING:
    from ssmkit.testing.server import Server

RUN = "AWS-RunShellScript"
INVENTORY = "AWS-GatherSoftwareInventory"
SECRET = "echo hunter2"
#: What follows the count when something is masked.
#: A weekly window, as a file holds it.
PATCHING = {
    "Name": "patching",
    "Schedule": "cron(0 2 ? * SUN *)",
    "Duration": 3,
    "Cutoff": 1,
    "AllowUnassociatedTargets": True,
}
MASKED_NOTE = (
    "Sensitive values are written as <sensitive>: plan and apply keep the live "
    "value in their place. --show-sensitive writes them.\n"
)


@pytest.fixture
def boto(server: Server) -> Any:
    client = server_client(server)
    no_associations(client)
    no_windows(client)
    server.stand_in.requests.clear()
    return client


def _ops(boto: Any) -> None:
    """An association with a secret, and a window."""
    boto.create_association(
        Name=RUN,
        AssociationName="ops",
        Parameters={"commands": [SECRET]},
        Targets=[{"Key": "InstanceIds", "Values": ["i-1"]}],
    )
    new_window(boto, "patching")


def _unnamed(boto: Any, count: int) -> list[str]:
    """New associations without a name, in the order the service lists them."""
    for _ in range(count):
        boto.create_association(Name=INVENTORY)
    listed = boto.list_associations()["Associations"]
    return [a["AssociationId"] for a in listed if "AssociationName" not in a]


def test_the_whole_export_says_what_it_wrote_and_what_it_masked(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    _ops(boto)
    out = tmp_path / "live.yaml"
    done = ssmkit(server, "export", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert done.stderr == (
        f"Wrote 1 association and 1 maintenance window to {out}.\n" + MASKED_NOTE
    )
    document = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert document["Associations"][0]["Parameters"] == {"commands": "<sensitive>"}
    assert [w["Name"] for w in document["MaintenanceWindows"]] == ["patching"]
    shown = ssmkit(server, "--show-sensitive", "export")
    assert shown.returncode == 0, shown.stderr
    exported = yaml.safe_load(shown.stdout)["Associations"][0]
    assert exported["Parameters"] == {"commands": [SECRET]}
    assert shown.stderr == ""


def test_an_export_with_nothing_secret_says_nothing_of_masks(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    boto.create_association(Name=INVENTORY, AssociationName="inventory")
    for command in (["export"], ["associations", "export"]):
        # The file's name as given: no markup, no emoji code read in it.
        out = tmp_path / "[bold]live:fire:.yaml"
        done = ssmkit(server, *command, "-o", str(out))
        assert done.returncode == 0, done.stderr
        windows = " and 0 maintenance windows" if command == ["export"] else ""
        assert done.stderr == f"Wrote 1 association{windows} to {out}.\n"


def test_an_export_reads_only_what_its_filters_name(server: Server, boto: Any) -> None:
    _ops(boto)
    boto.create_association(Name=INVENTORY, AssociationName="inventory")
    for command in (["export"], ["associations", "export"]):
        done = ssmkit(server, "--output", "json", *command, "--name", INVENTORY)
        assert done.returncode == 0, done.stderr
        names = [a["AssociationName"] for a in json.loads(done.stdout)["Associations"]]
        assert names == ["inventory"]
        [listing] = server.stand_in.requests_for("ListAssociations")[-1:]
        assert listing["AssociationFilterList"] == [{"key": "Name", "value": INVENTORY}]
    done = ssmkit(server, "--show-sensitive", "export", "--association-name", "ops")
    [exported] = yaml.safe_load(done.stdout)["Associations"]
    assert exported["Parameters"] == {"commands": [SECRET]}


def test_an_export_to_a_terminal_is_ascii(server: Server, boto: Any) -> None:
    # A right-to-left override in a tag value would reorder what the reader
    # sees; on stdout it is written as an escape.
    boto.create_association(
        Name=INVENTORY,
        AssociationName="inventory",
        Targets=[{"Key": "tag:Team", "Values": ["ops\u202eevil"]}],
    )
    done = ssmkit(server, "associations", "export")
    assert done.returncode == 0, done.stderr
    assert '    - "ops\\u202Eevil"\n' in done.stdout
    assert done.stdout.isascii()
    [exported] = yaml.safe_load(done.stdout)["Associations"]
    assert exported["Targets"] == [{"Key": "tag:Team", "Values": ["ops\u202eevil"]}]


@pytest.mark.parametrize(
    ("command", "what"),
    [(["export"], "resource(s)"), (["associations", "export"], "association(s)")],
)
def test_an_export_names_what_it_left_out(
    server: Server, boto: Any, command: list[str], what: str
) -> None:
    left_out = _unnamed(boto, 2)
    done = ssmkit(server, *command)
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        f"Left out 2 {what} without a name, or whose name another shares, which a "
        f"file cannot tell apart: {left_out[0]}, {left_out[1]}.\n"
    )


@pytest.mark.parametrize("command", [["export"], ["associations", "export"]])
def test_an_export_refuses_where_it_cannot_write(
    server: Server, boto: Any, tmp_path: Path, command: list[str]
) -> None:
    folder = tmp_path / "looks.yaml"
    folder.mkdir()
    missing = tmp_path / "missing" / "live.yaml"
    for target, said in (
        (tmp_path / "live.txt", f"-o: {tmp_path / 'live.txt'}: expected a .yaml, "),
        (folder, f"-o: {folder} is a directory, not a file\n"),
        (missing, f"-o: {missing.parent}: no such directory\n"),
    ):
        done = ssmkit(server, *command, "-o", str(target))
        assert done.returncode == 2
        assert done.stderr.startswith(f"ssmkit: error: {said}"), done.stderr
    assert server.stand_in.operations == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_an_export_says_why_it_could_not_write(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    boto.create_association(Name=INVENTORY, AssociationName="inventory")
    out = tmp_path / "full.yaml"
    out.symlink_to("/dev/full")  # every write: no space left on the device
    done = ssmkit(server, "associations", "export", "-o", str(out))
    assert done.returncode == 2
    assert done.stderr == (
        f"ssmkit: error: -o: cannot write {out}: [Errno 28] No space left on device\n"
    )


def test_the_schema_is_the_file_schema_of_the_model() -> None:
    done = run_command(
        [sys.executable, "-m", "ssmkit", "schema"],
        stdin="",
        env=command_env(),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    model = botocore.session.get_session().get_service_model("ssm")
    assert json.loads(done.stdout) == file_schema(model)


def test_an_apply_in_json_says_what_it_did_and_masks_it(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    file = tmp_path / "ssm.yaml"
    entry = {
        "AssociationName": "ops",
        "Name": RUN,
        "Parameters": {"commands": [SECRET]},
    }
    _write(file, {"Associations": [entry]})
    done = ssmkit(
        server, "--output", "json", "associations", "apply", str(file), "--yes"
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert sorted(data) == ["counts", "interrupted", "plan", "results"]
    assert data["interrupted"] is False
    [planned] = data["plan"]["associations"]
    assert planned["changes"][1] == {
        "action": "add",
        "after": "<sensitive>",
        "before": None,
        "path": "parameters.commands",
    }
    assert SECRET not in done.stdout + done.stderr
    _write(file, {"Associations": [{**entry, "Parameters": {"commands": ["uptime"]}}]})
    shown = ssmkit(
        server,
        "--show-sensitive",
        "--output",
        "json",
        "associations",
        "apply",
        str(file),
        "--yes",
    )
    assert shown.returncode == 0, shown.stderr
    [planned] = json.loads(shown.stdout)["plan"]["associations"]
    assert planned["changes"] == [
        {
            "action": "change",
            "after": ["uptime"],
            "before": [SECRET],
            "path": "parameters.commands",
        }
    ]


def _asked(server: Server, tmp_path: Path, *command: str, **document: Any) -> str:
    """The question an apply of ``document`` asks, answered no."""
    file = tmp_path / "ssm.yaml"
    scoped = {"Prune": {"NamePrefix": "q-"}, **document}
    _write(file, scoped)
    done = ssmkit(server, *command, str(file), "--prune", stdin="n\n")
    assert done.returncode == 1, done.stderr
    [asked] = [line for line in done.stderr.splitlines() if "[y/N]" in line]
    return asked.removesuffix(" [y/N] Nothing written.")


def _entry(name: str, **more: Any) -> dict[str, Any]:
    return {"AssociationName": f"q-{name}", "Name": INVENTORY, **more}


def test_an_apply_asks_about_each_kind_of_write_and_what_runs(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    associations = ("associations", "apply")
    one = _asked(server, tmp_path, *associations, Associations=[_entry("first")])
    assert one == (
        "Create 1 association? Once written, it runs at once on its targets."
    )
    two = _asked(
        server,
        tmp_path,
        *associations,
        Associations=[_entry("first"), _entry("second")],
    )
    assert two == (
        "Create 2 associations? Once written, they run at once on their targets."
    )
    boto.create_association(**_entry("old"))
    weekly = {
        "ScheduleExpression": "cron(0 2 ? * SUN *)",
        "ApplyOnlyAtCronInterval": True,
    }
    boto.create_association(**_entry("kept", **weekly))
    # One created (runs), one changed that waits for its schedule, one pruned.
    mixed = _asked(
        server,
        tmp_path,
        *associations,
        Associations=[
            _entry("new"),
            _entry("kept", **weekly, MaxErrors="2"),
        ],
    )
    assert mixed == (
        "Create 1 and write 1 and delete 1 associations? Once written, one "
        "association runs at once on its targets."
    )
    both = _asked(
        server,
        tmp_path,
        *associations,
        Associations=[
            _entry("new"),
            _entry("newer"),
            _entry("kept", **weekly, MaxErrors="2"),
        ],
    )
    assert both.endswith("Once written, 2 associations run at once on their targets.")
    whole = _asked(
        server,
        tmp_path,
        "apply",
        Associations=[_entry("old"), _entry("kept", **weekly)],
        MaintenanceWindows=[PATCHING],
    )
    assert whole == "Create 1 resource?"
    assert server.stand_in.operations.count("CreateAssociation") == 2


def test_a_whole_apply_in_json_says_the_kind_of_each_result(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    file = tmp_path / "ssm.yaml"
    _write(file, {"Associations": [_entry("first")], "MaintenanceWindows": [PATCHING]})
    done = ssmkit(server, "--output", "json", "apply", str(file), "--yes")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["results"]
    assert [(row["kind"], row["name"], row["outcome"]) for row in rows] == [
        ("association", "q-first", "created"),
        ("maintenance_window", "patching", "created"),
    ]


@pytest.mark.parametrize("shown", [False, True])
def test_a_plan_in_json_shows_secrets_only_when_asked(
    server: Server, boto: Any, tmp_path: Path, shown: bool
) -> None:
    file = tmp_path / "ssm.yaml"
    entry = _entry("secret", Name=RUN, Parameters={"commands": [SECRET]})
    _write(file, {"Associations": [entry]})
    flags = ["--show-sensitive"] if shown else []
    done = ssmkit(server, *flags, "--output", "json", "associations", "plan", str(file))
    assert done.returncode == 0, done.stderr
    [planned] = json.loads(done.stdout)["associations"]
    after = [
        c["after"] for c in planned["changes"] if c["path"] == "parameters.commands"
    ]
    assert after == ([[SECRET]] if shown else ["<sensitive>"])
    assert (SECRET in done.stderr) is shown


def _write(file: Path, document: dict[str, Any]) -> None:
    """``document`` as a YAML file for plan and apply."""
    file.write_text(yaml.safe_dump(document), encoding="utf-8")


def _on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's output as a colour terminal gets it."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm")


def _result_rows(stdout: str) -> list[str]:
    """The rows of a table of results, colours and all."""
    return [line for line in stdout.splitlines() if line.startswith("│")]


def _whole_file(tmp_path: Path) -> Path:
    """The guide's windows, and an association whose schedule differs from live."""
    document = yaml.safe_load(Path("docs/examples/windows.yaml").read_text())
    document["Associations"] = [_entry("ops", ScheduleExpression="rate(1 day)")]
    file = tmp_path / "whole.yaml"
    _write(file, document)
    return file


def test_a_whole_apply_shows_each_result_by_kind_and_version(
    server: Server, boto: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    boto.create_association(**_entry("ops", ScheduleExpression="rate(2 days)"))
    done = ssmkit(server, "apply", str(_whole_file(tmp_path)), "--yes")
    assert done.returncode == 0, done.stderr
    [association] = boto.list_associations()["Associations"]
    [window] = boto.describe_maintenance_windows()["WindowIdentities"]
    window_id = window["WindowId"]
    [target] = boto.describe_maintenance_window_targets(WindowId=window_id)["Targets"]
    tasks = {
        t["Name"]: t["WindowTaskId"]
        for t in boto.describe_maintenance_window_tasks(WindowId=window_id)["Tasks"]
    }
    table = done.stdout[done.stdout.index("┏") :]
    assert cells(table) == [
        ["name", "kind", "id", "outcome", "version", "error"],
        ["q-ops", "association", association["AssociationId"], "changed", "1 -> 2", ""],
        ["patch-sunday", "window", window_id, "created", "", ""],
        [
            "patch-sunday/web",
            "window target",
            target["WindowTargetId"],
            "created",
            "",
            "",
        ],
        ["patch-sunday/patch", "window task", tasks["patch"], "created", "", ""],
        ["patch-sunday/restart", "window task", tasks["restart"], "created", "", ""],
    ]
    assert done.stderr == (
        "Plan: 4 to create, 1 to update, 0 unchanged.\n4 created and 1 changed.\n"
    )
    # On a terminal, what was written is green, and a conflict red.
    boto.update_association(
        AssociationId=association["AssociationId"],
        Name=INVENTORY,
        AssociationName="q-ops",
        ScheduleExpression="rate(3 days)",
    )
    _on_a_terminal(monkeypatch)
    again = ssmkit(server, "apply", str(_whole_file(tmp_path)), "--yes")
    assert again.returncode == 0, again.stderr
    rows = _result_rows(again.stdout)
    assert len(rows) == 5
    assert "\x1b[32mq-ops" in rows[0]
    assert "3 -> 4" in rows[0]
    assert all("\x1b[32m" not in row for row in rows[1:])


def test_an_apply_that_waits_shows_each_run_and_fails_with_one(
    server: Server, boto: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.stand_in.fail_runs(["i-2"])
    nodes = [{"Key": "InstanceIds", "Values": ["i-1", "i-2"]}]
    try:
        boto.create_association(
            **_entry("ops", Targets=nodes, ScheduleExpression="rate(2 days)")
        )
        file = tmp_path / "ssm.yaml"
        entries = [
            _entry("ops", Targets=nodes, ScheduleExpression="rate(1 day)"),
            _entry("new", Targets=[{"Key": "InstanceIds", "Values": ["i-1"]}]),
        ]
        _write(file, {"Associations": entries})
        _on_a_terminal(monkeypatch)
        done = ssmkit(server, "associations", "apply", str(file), "--yes", "--wait")
    finally:
        server.stand_in.fail_runs([])
    assert done.returncode == 1, done.stderr
    ids = {
        a["AssociationName"]: a["AssociationId"]
        for a in boto.list_associations()["Associations"]
    }
    rows = [line for line in done.stdout.splitlines() if line.startswith(("┃", "│"))]
    plain = cells("\n".join(_plain(row) for row in rows))
    assert plain == [
        ["name", "association id", "outcome", "version", "run", "error"],
        ["q-ops", ids["q-ops"], "changed", "1 -> 2", "Failed (1 target failed)", ""],
        ["q-new", ids["q-new"], "created", "1", "Success", ""],
    ]
    assert "\x1b[31mq-ops" in rows[1]
    assert "\x1b[32mq-new" in rows[2]
    # The bar says what it does, counts the entries and the runs judged.
    bar = _plain(done.stderr)
    assert re.search(r"applying ━+ 0/2", bar), bar
    assert re.search(r"applying ━+ 2/2 runs: 0 in progress, 1 succeeded, 1 failed", bar)


def test_a_plan_on_a_terminal_colours_each_entry_and_change(
    server: Server, boto: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = boto.create_association(**_entry("old"))["AssociationDescription"]
    kept = boto.create_association(
        **_entry("kept", ScheduleExpression="rate(1 day)", MaxErrors="1")
    )["AssociationDescription"]
    same = boto.create_association(**_entry("same"))["AssociationDescription"]
    file = tmp_path / "ssm.yaml"
    document = {
        "Prune": {"NamePrefix": "q-"},
        "Associations": [
            _entry("same"),
            _entry("new"),
            _entry(
                "kept",
                ScheduleExpression="rate(2 days)",
                MaxErrors=None,
                MaxConcurrency="2",
            ),
        ],
    }
    _write(file, document)
    _on_a_terminal(monkeypatch)
    done = ssmkit(server, "associations", "plan", str(file), "--prune")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"\x1b[1m= unchanged q-same ({same['AssociationId']})\x1b[0m",
        "\x1b[1;32m+ create q-new (runs at once on its targets)\x1b[0m",
        f'\x1b[32m    + name: "{INVENTORY}"\x1b[0m',
        '\x1b[32m    + association_name: "q-new"\x1b[0m',
        f"\x1b[1;33m~ update q-kept ({kept['AssociationId']}), at version 1 "
        "(runs at once on its targets)\x1b[0m",
        '\x1b[33m    ~ schedule_expression: "rate(1 day)" -> "rate(2 days)"\x1b[0m',
        '\x1b[31m    - max_errors: "1"\x1b[0m',
        '\x1b[32m    + max_concurrency: "2"\x1b[0m',
        f"\x1b[1;31m- delete q-old ({old['AssociationId']}), at version 1\x1b[0m",
    ]


def test_a_write_that_fails_is_a_red_row_with_its_error(
    server: Server, boto: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "ssm.yaml"
    _write(file, {"Associations": [_entry("refused")]})
    server.stand_in.fail_next(
        "CreateAssociation", "AssociationLimitExceeded", message="too many"
    )
    _on_a_terminal(monkeypatch)
    done = ssmkit(server, "associations", "apply", str(file), "--yes")
    assert done.returncode == 1, done.stderr
    [row] = _result_rows(done.stdout)
    assert "\x1b[31mq-refused" in row
    plain = _plain(row)
    [row_cells] = cells(plain)
    assert row_cells[:4] == ["q-refused", "", "failed", ""]
    assert "AssociationLimitExceeded" in row_cells[4]
    assert done.stderr.endswith("1 failed.\n")
    # The whole file's table: a resource that was never made has no id.
    server.stand_in.fail_next("CreateAssociation", "AssociationLimitExceeded")
    whole = ssmkit(server, "apply", str(file), "--yes")
    assert whole.returncode == 1, whole.stderr
    [row] = _result_rows(whole.stdout)
    [row_cells] = cells(_plain(row))
    assert row_cells[:5] == ["q-refused", "association", "", "failed", ""]


def test_a_write_met_by_another_is_a_red_conflict_row(
    server: Server, boto: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = boto.create_association(**_entry("raced", ScheduleExpression="rate(1 day)"))
    association_id = made["AssociationDescription"]["AssociationId"]
    file = tmp_path / "ssm.yaml"
    entry = _entry("raced", ScheduleExpression="rate(2 days)")
    _write(file, {"Associations": [entry]})
    # Another writer's version lands first: the write is refused as stale.
    server.stand_in.fail_next("UpdateAssociation", "InvalidAssociationVersion")
    _on_a_terminal(monkeypatch)
    done = ssmkit(server, "associations", "apply", str(file), "--yes")
    assert done.returncode == 1, done.stderr
    [row] = _result_rows(done.stdout)
    assert "\x1b[31mq-raced" in row
    [row_cells] = cells(_plain(row))
    assert row_cells[:4] == ["q-raced", association_id, "conflict", "1"]
    assert done.stderr.endswith("1 conflict.\n")


def test_an_apply_with_nothing_to_do_or_declined_says_so(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    import hashlib

    file = tmp_path / "ssm.yaml"
    _write(file, {"Associations": [_entry("one")]})
    report = tmp_path / "report.jsonl"
    done = ssmkit(
        server, "associations", "apply", str(file), "--yes", "--report", str(report)
    )
    assert done.returncode == 0, done.stderr
    [line] = [json.loads(x) for x in report.read_text().splitlines()]
    fingerprint = hashlib.sha256(file.read_bytes()).hexdigest()[:16]
    assert (line["change"], line["file"], line["outcome"]) == (
        fingerprint,
        str(file),
        "created",
    )
    for command, what in (
        (["associations", "apply"], "every association is"),
        (["apply"], "everything is"),
    ):
        again = ssmkit(server, *command, str(file), "--yes")
        assert again.returncode == 0, again.stderr
        assert again.stderr.endswith(f"Nothing to do: {what} as the file says.\n")
        as_json = ssmkit(server, "--output", "json", *command, str(file), "--yes")
        document = json.loads(as_json.stdout)
        assert document["interrupted"] is False
        assert [r["outcome"] for r in document["results"]] == ["unchanged"]
    _write(file, {"Associations": [_entry("two")]})
    declined = ssmkit(
        server, "--output", "json", "associations", "apply", str(file), stdin="n\n"
    )
    assert declined.returncode == 1
    document = json.loads(declined.stdout)
    assert document["interrupted"] is False
    assert [r["outcome"] for r in document["results"]] == ["not_started"]


def test_an_apply_waits_as_long_as_told_and_sends_a_canary_first(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    file = tmp_path / "ssm.yaml"
    entries = [
        _entry(f"wave-{n}", Targets=[{"Key": "InstanceIds", "Values": ["i-1"]}])
        for n in range(3)
    ]
    _write(file, {"Associations": entries})
    server.stand_in.fail_runs(["i-1"])
    try:
        # A canary of one, and no failed run allowed: the others never start,
        # however many could go at once.
        stopped = ssmkit(
            server,
            "associations",
            "apply",
            str(file),
            "--yes",
            "--wait",
            "--canary",
            "1",
            "--max-failed-runs",
            "0",
            "--concurrency",
            "4",
        )
    finally:
        server.stand_in.fail_runs([])
    assert stopped.returncode == 1, stopped.stderr
    assert server.stand_in.operations.count("CreateAssociation") == 1
    [only] = cells(stopped.stdout)[1:]  # those never started are not rows
    assert only[:3] == ["q-wave-0", only[1], "created"]
    assert stopped.stderr.endswith(
        "1 created; 1 run failed or did not end in time.\n"
        "Stopped: 1 target failed, more than --max-failed-runs 0; 2 "
        "never started (applying the file again goes on from there).\n"
    )
    no_associations(boto)
    server.stand_in.set_run_duration(30)
    try:
        slow = ssmkit(
            server,
            "associations",
            "apply",
            str(file),
            "--yes",
            "--wait",
            "--timeout",
            "1",
            "--concurrency",
            "4",
        )
    finally:
        server.stand_in.set_run_duration(0)
    assert slow.returncode == 1, slow.stderr
    runs = [row[4] for row in cells(slow.stdout)[1:]]
    assert runs == ["Pending (timed out)"] * 3
