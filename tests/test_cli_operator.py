"""The command as an operator meets it: any width, what it says, what it lists.

Each runs ``python -m ssmkit`` as a subprocess against the local SSM.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from .command import run_command
from .standin import new_window, no_associations, no_windows, server_client
from .test_cli import argv, command_env, create, stored, writes
from .test_cli_associations import cells

if TYPE_CHECKING:
    from pathlib import Path

    from ssmkit.testing.server import Server

WIDTHS = ["60", "80", "200"]

#: Long enough that no column layout of the list fits in 80 columns.
LONG_NAME = "nightly-inventory-collection-of-every-managed-node-in-the-fleet"


@pytest.fixture
def boto(server: Server) -> Any:
    client = server_client(server)
    # Each test starts from an empty account: the server lives for the module.
    no_associations(client)
    server.stand_in.requests.clear()
    return client


def run(
    server: Server, *args: str, columns: str = "200", stdin: str = "", lines: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {**command_env(), "COLUMNS": columns}
    if lines:
        env["LINES"] = lines
    return run_command(argv(server, *args), stdin=stdin, env=env, timeout=120)


def _plain(text: str) -> str:
    """``text`` as a terminal shows it, without its colours and cursor moves."""
    return re.sub("\x1b\\[[0-9;?]*[A-Za-z]", "", text)


def whole(text: str, *identifiers: str) -> None:
    """Every identifier appears in ``text`` in one piece, on one line."""
    lines = text.splitlines()
    for identifier in identifiers:
        assert any(identifier in line for line in lines), (identifier, text)


# -- tables at every width -----------------------------------------------------------


@pytest.mark.parametrize("columns", WIDTHS)
def test_association_tables_never_cut_an_identifier(
    server: Server, boto: Any, columns: str
) -> None:
    first = create(boto, AssociationName="patching-weekly", Name="AWS-RunPatchBaseline")
    second = create(boto, AssociationName="patching-scan", Name="AWS-RunPatchBaseline")
    third = create(boto, AssociationName=LONG_NAME)
    # A raw update: every member it does not name is wiped, the name kept.
    boto.update_association(
        AssociationId=third,
        AssociationName=LONG_NAME,
        Name="AWS-RunShellScript",
        ScheduleExpression="rate(1 day)",
    )

    listed = run(server, "associations", "list", columns=columns)
    assert listed.returncode == 0, listed.stderr
    whole(
        listed.stdout,
        first,
        second,
        third,
        "patching-weekly",
        "patching-scan",
        LONG_NAME,
        "AWS-RunPatchBaseline",
        "AWS-RunShellScript",
        "cron(0 2 ? * SUN *)",
    )
    versions = run(server, "associations", "versions", third, columns=columns)
    assert versions.returncode == 0, versions.stderr
    created = [
        v["CreatedDate"].isoformat()
        for v in boto.list_association_versions(AssociationId=third)[
            "AssociationVersions"
        ]
    ]
    whole(versions.stdout, LONG_NAME, *created)
    shown = run(server, "associations", "show", third, columns=columns)
    assert shown.returncode == 0, shown.stderr
    whole(shown.stdout, third, LONG_NAME, "AWS-RunShellScript")
    if columns == "200":
        # Wide enough: one table, a row per association.
        assert listed.stdout.count("┃") >= 2
        row = next(line for line in listed.stdout.splitlines() if first in line)
        assert "patching-weekly" in row
        assert "AWS-RunPatchBaseline" in row
    else:
        # Too narrow for the columns side by side: one block per association,
        # each member on a line of its own.
        assert "┃" not in listed.stdout
        lines = listed.stdout.splitlines()
        assert first in lines
        assert "  association name: patching-weekly" in lines
        assert "version 2" in versions.stdout.splitlines()


@pytest.mark.parametrize("columns", WIDTHS)
def test_window_tables_never_cut_an_identifier(
    server: Server, boto: Any, columns: str
) -> None:
    window = new_window(boto, "patch-window-of-the-web-servers-on-sunday")
    task = boto.register_task_with_maintenance_window(
        WindowId=window,
        TaskArn="AWS-RunPatchBaseline",
        TaskType="RUN_COMMAND",
        Targets=[{"Key": "InstanceIds", "Values": ["i-1"]}],
        Name="install-the-patches-and-reboot-if-needed",
        Priority=1,
        MaxConcurrency="1",
        MaxErrors="1",
    )["WindowTaskId"]
    windows = run(server, "windows", "list", columns=columns)
    assert windows.returncode == 0, windows.stderr
    whole(windows.stdout, window, "patch-window-of-the-web-servers-on-sunday")
    tasks = run(server, "tasks", "list", window, columns=columns)
    assert tasks.returncode == 0, tasks.stderr
    whole(
        tasks.stdout,
        task,
        "install-the-patches-and-reboot-if-needed",
        "RUN_COMMAND",
        "AWS-RunPatchBaseline",
    )


@pytest.mark.parametrize("columns", WIDTHS)
def test_result_tables_keep_names_apart_and_errors_readable(
    server: Server, boto: Any, tmp_path: Path, columns: str
) -> None:
    message = (
        "The document named in this association does not exist in this account "
        "and region, or you are not allowed to use it"
    )
    server.stand_in.fail_next(
        "CreateAssociation",
        "InvalidDocument",
        message=message,
        when=lambda p: p.get("AssociationName") == "patching-scan",
    )
    file = tmp_path / "associations.yaml"
    file.write_text(
        yaml.safe_dump(
            {
                "Associations": [
                    {
                        "AssociationName": name,
                        "Name": "AWS-RunPatchBaseline",
                        "Targets": [{"Key": "tag:Patch", "Values": ["yes"]}],
                    }
                    for name in ("patching-weekly", "patching-scan")
                ]
            }
        )
    )
    applied = run(server, "associations", "apply", str(file), "--yes", columns=columns)
    assert applied.returncode == 1, applied.stderr
    whole(applied.stdout, "patching-weekly", "patching-scan")
    lines = applied.stdout.splitlines()
    # The message is not wrapped a word a line: at most a few lines.
    assert sum(bool(set(line) & set("andregion")) for line in lines) < 20
    if columns == "200":
        assert any(message[:30] in line for line in lines)
        table = lines[next(i for i, line in enumerate(lines) if "┏" in line) :]
        assert len(table) <= 7, table
    else:
        whole(applied.stdout, message)

    ids = [create(boto, AssociationName=f"bulk-{i}") for i in range(2)]
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("\n".join(ids))
    server.stand_in.fail_next(
        "UpdateAssociation",
        "InvalidTarget",
        message=message,
        when=lambda p: p["AssociationId"] == ids[1],
    )
    bulk = run(
        server,
        "associations",
        "bulk-update",
        "--ids-from",
        str(ids_file),
        "--set",
        "max_errors=4",
        "--yes",
        columns=columns,
    )
    assert bulk.returncode == 1, bulk.stderr
    whole(bulk.stdout, *ids)
    if columns != "200":
        whole(bulk.stdout, message)


# -- what the command says -------------------------------------------------------------


def test_clearing_a_key_that_is_not_there_is_exit_2(server: Server, boto: Any) -> None:
    association_id = create(boto)
    window = new_window(boto, "clearing")
    task = boto.register_task_with_maintenance_window(
        WindowId=window,
        TaskArn="AWS-RunShellScript",
        TaskType="RUN_COMMAND",
        Targets=[{"Key": "InstanceIds", "Values": ["i-1"]}],
        TaskInvocationParameters={
            "RunCommand": {"Parameters": {"commands": ["uptime"]}}
        },
        Priority=1,
        MaxConcurrency="1",
        MaxErrors="1",
    )["WindowTaskId"]
    server.stand_in.requests.clear()

    result = run(
        server,
        "associations",
        "update",
        association_id,
        "--clear",
        "parameters.NoSuchKey",
        "--yes",
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1
    assert "parameters.NoSuchKey" in result.stderr
    assert "no such key" in result.stderr
    assert writes(server) == 0
    # A key that is there is cleared, and only that key.
    cleared = run(
        server,
        "associations",
        "update",
        association_id,
        "--clear",
        "parameters.commands",
        "--yes",
    )
    assert cleared.returncode == 0, cleared.stderr
    assert stored(boto, association_id).get("Parameters", {}) == {}
    assert stored(boto, association_id)["MaxErrors"] == "1"

    on_task = run(
        server,
        "tasks",
        "update",
        window,
        task,
        "--clear",
        "task_invocation_parameters.run_command.parameters.command",
        "--yes",
    )
    assert on_task.returncode == 2, on_task.stderr
    assert "parameters.command:" in on_task.stderr
    assert "UpdateMaintenanceWindowTask" not in server.stand_in.operations


def test_bulk_update_lists_what_it_selected_before_asking(
    server: Server, boto: Any
) -> None:
    ids = [create(boto, AssociationName=f"fleet-{i:02}") for i in range(30)]
    result = run(
        server,
        "associations",
        "bulk-update",
        "--association-name",
        "fleet-03",
        "--set",
        "max_errors=5",
        stdin="n\n",
    )
    assert result.returncode == 1, result.stderr
    assert "Selected 1 association:" in result.stderr
    row = next(line for line in result.stderr.splitlines() if ids[3] in line)
    assert "fleet-03" in row
    assert "AWS-RunShellScript" in row
    assert "Nothing written." in result.stderr
    assert writes(server) == 0

    # More than a screenful: the first ones, and how many more.
    ids_file_text = "\n".join(ids)
    listed = subprocess.run(
        argv(
            server,
            "associations",
            "bulk-update",
            "--ids-from",
            "/dev/stdin",
            "--set",
            "max_errors=5",
        ),
        input=ids_file_text,
        capture_output=True,
        text=True,
        env={**command_env(), "LINES": "20"},
        timeout=120,
    )
    # stdin held the ids, so no answer: refused, nothing written.
    assert listed.returncode == 2, listed.stderr
    assert "Selected 30 associations:" in listed.stderr
    shown = [i for i in ids if i in listed.stderr]
    assert shown == ids[: len(shown)]
    assert 5 <= len(shown) < 20
    assert f"... and {30 - len(shown)} more." in listed.stderr
    assert writes(server) == 0


def test_ctrl_c_says_what_changed_failed_and_never_started(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    ids = [create(boto, AssociationName=f"slow-{i}") for i in range(8)]
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("\n".join(ids))
    server.stand_in.fail_next(
        "UpdateAssociation",
        "InvalidTarget",
        when=lambda p: p["AssociationId"] == ids[0],
    )
    server.stand_in.before("UpdateAssociation", lambda _: time.sleep(0.4), times=None)
    process = subprocess.Popen(
        argv(
            server,
            "associations",
            "bulk-update",
            "--ids-from",
            str(ids_file),
            "--set",
            "max_errors=8",
            "--concurrency",
            "1",
            "--yes",
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=command_env(),
    )
    try:
        deadline = time.monotonic() + 30
        while writes(server) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        server.stand_in._hooks.clear()
    assert process.returncode == 130, err
    changed = [i for i in ids if stored(boto, i)["MaxErrors"] == "8"]
    never = len(ids) - len(changed) - 1
    assert f"{len(changed)} changed and 1 failed; interrupted" in err
    assert f": {never} never started." in err


# -- apply --output json ------------------------------------------------------------


def test_apply_json_lists_every_entry_whatever_happens(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    entries = [
        {
            "AssociationName": name,
            "Name": "AWS-RunPatchBaseline",
            "Targets": [{"Key": "tag:Patch", "Values": ["yes"]}],
            "ApplyOnlyAtCronInterval": True,
            "ScheduleExpression": "cron(0 2 ? * SUN *)",
        }
        for name in ("json-a", "json-b")
    ]
    file = tmp_path / "associations.json"
    file.write_text(json.dumps({"Associations": entries}))

    def apply(*extra: str, stdin: str = "") -> dict[str, Any]:
        result = run(
            server,
            "--output",
            "json",
            "associations",
            "apply",
            str(file),
            *extra,
            stdin=stdin,
        )
        assert result.returncode in (0, 1), result.stderr
        return json.loads(result.stdout)  # type: ignore[no-any-return]

    declined = apply(stdin="n\n")
    assert [(r["name"], r["outcome"]) for r in declined["results"]] == [
        ("json-a", "not_started"),
        ("json-b", "not_started"),
    ]
    assert declined["counts"]["not_started"] == 2

    created = apply("--yes")
    assert [(r["name"], r["outcome"]) for r in created["results"]] == [
        ("json-a", "created"),
        ("json-b", "created"),
    ]
    assert created["counts"]["created"] == 2

    entries[1]["ScheduleExpression"] = "cron(0 3 ? * SUN *)"
    file.write_text(json.dumps({"Associations": entries}))
    one = apply("--yes")
    assert [(r["name"], r["outcome"]) for r in one["results"]] == [
        ("json-a", "unchanged"),
        ("json-b", "changed"),
    ]
    assert one["counts"] == {
        "created": 0,
        "changed": 1,
        "unchanged": 1,
        "deleted": 0,
        "conflict": 0,
        "failed": 0,
        "not_started": 0,
    }

    same = apply("--yes")
    assert [(r["name"], r["outcome"]) for r in same["results"]] == [
        ("json-a", "unchanged"),
        ("json-b", "unchanged"),
    ]
    assert same["counts"]["unchanged"] == 2
    assert all(r["association_id"] for r in same["results"])


def test_bulk_results_come_in_selection_order(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    ids = [create(boto, AssociationName=f"order-{i}") for i in range(4)]
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("\n".join(ids))
    # The first one read finishes last.
    server.stand_in.before(
        "DescribeAssociation",
        lambda p: time.sleep(1.0) if p["AssociationId"] == ids[0] else None,
        times=None,
    )
    try:
        result = run(
            server,
            "--output",
            "json",
            "associations",
            "bulk-update",
            "--ids-from",
            str(ids_file),
            "--set",
            "max_errors=3",
            "--concurrency",
            "4",
            "--yes",
        )
    finally:
        server.stand_in._hooks.clear()
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [r["association_id"] for r in data["results"]] == ids
    assert data["counts"]["changed"] == 4


def test_a_message_of_several_lines_keeps_every_line_in_a_block(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    association_id = create(boto)
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text(association_id)
    server.stand_in.fail_next(
        "UpdateAssociation", "InvalidTarget", message="first line\nsecond\nthird"
    )
    result = run(
        server,
        "associations",
        "bulk-update",
        "--ids-from",
        str(ids_file),
        "--set",
        "max_errors=4",
        "--yes",
        columns="60",
    )
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if "first line" in line)
    # Continued under the start of the value, after the label.
    label, value = lines[first].split(": ", 1)
    indent = len(lines[first]) - len(value.lstrip())
    assert label.strip() == "error"
    assert lines[first + 1] == " " * indent + "second"
    assert lines[first + 2].startswith(" " * indent + "third")


@pytest.mark.parametrize(
    ("command", "pool"),
    [
        (["associations", "bulk-update", "--concurrency", "24"], 24),
        (["apply", "f.yaml", "--concurrency", "300"], 256),
        (["plan", "f.yaml", "--concurrency", "3"], 10),
        (["associations", "list"], 10),
    ],
)
def test_the_client_keeps_a_connection_for_each_call_under_way(
    server: Server, command: list[str], pool: int
) -> None:
    # botocore pools 10 connections: past them, each call under way would
    # open a connection (a TLS handshake, against AWS) of its own, silently.
    # In a process of its own: the command's modules stay out of this one.
    code = (
        "import sys; from ssmkit.cli._common import client_for; "
        "from ssmkit.cli._parser import build_parser; "
        "made = client_for(build_parser().parse_args(sys.argv[1:])); "
        "print(made.boto3_client.meta.config.max_pool_connections)"
    )
    found = subprocess.run(
        [sys.executable, "-c", code, *argv(server, *command)[3:]],
        capture_output=True,
        text=True,
        env=command_env(),
        check=True,
        timeout=120,
    )
    assert int(found.stdout) == pool


def test_bulk_update_s_question_word_for_word(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    web = create(boto, AssociationName="web")
    nightly = create(boto, AssociationName="nightly-inventory")
    unnamed = create(boto)
    missing = "0123abcd-0123-4567-89ab-0123456789ab"
    ids = tmp_path / "ids.txt"
    ids.write_text("\n".join([web, nightly, unnamed, missing]))
    asked = run(
        server,
        "associations",
        "bulk-update",
        "--ids-from",
        str(ids),
        "--set",
        "max_errors=5",
        stdin="n\n",
    )
    assert asked.returncode == 1, asked.stderr
    # The names aligned to the widest shown, then each one's document.
    wide = len("(no such association)")
    assert asked.stderr.splitlines() == [
        "Selected 4 associations:",
        f"  {web}  {'web':<{wide}}  AWS-RunShellScript",
        f"  {nightly}  {'nightly-inventory':<{wide}}  AWS-RunShellScript",
        f"  {unnamed}  {'':<{wide}}  AWS-RunShellScript",
        f"  {missing}  (no such association)",
        'Apply max_errors="5" to 4 associations (those it changes are written)? '
        "Each one written runs at once on its targets, unless it has "
        "apply_only_at_cron_interval set. [y/N] Nothing written.",
    ]
    assert writes(server) == 0


@pytest.mark.parametrize(("lines", "shown"), [("8", 5), ("12", 6), ("14", 8)])
def test_bulk_update_lists_a_screenful_less_six_lines(
    server: Server, boto: Any, tmp_path: Path, lines: str, shown: int
) -> None:
    ids = [create(boto, AssociationName=f"fleet-{i}") for i in range(8)]
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("\n".join(ids))
    asked = run(
        server,
        "associations",
        "bulk-update",
        "--ids-from",
        str(ids_file),
        "--set",
        "max_errors=5",
        stdin="n\n",
        lines=lines,
    )
    assert asked.returncode == 1, asked.stderr
    said = asked.stderr.splitlines()
    assert said[1 : 1 + shown] == [
        f"  {i}  fleet-{n}  AWS-RunShellScript" for n, i in enumerate(ids[:shown])
    ]
    more = ["  ... and 2 more."] if shown == 6 else ["  ... and 3 more."]
    assert said[1 + shown : -1] == ([] if shown == len(ids) else more)


def test_bulk_update_s_dry_run_json_masks_each_change_unless_asked(
    server: Server, boto: Any
) -> None:
    create(boto, AssociationName="secretive")
    change = ["--set", 'parameters.commands=["echo other"]', "--dry-run"]
    for shown, before, after in (
        ([], "<sensitive>", "<sensitive>"),
        (["--show-sensitive"], ["echo hunter2"], ["echo other"]),
    ):
        planned = run(
            server,
            "--output",
            "json",
            *shown,
            "associations",
            "bulk-update",
            "--association-name",
            "secretive",
            *change,
        )
        assert planned.returncode == 0, planned.stderr
        [result] = json.loads(planned.stdout)["results"]
        assert result["changes"] == [
            {
                "action": "change",
                "path": "parameters.commands",
                "before": before,
                "after": after,
            }
        ]


def test_a_bad_line_of_an_ids_file_is_shown_with_its_controls_escaped(
    server: Server, tmp_path: Path
) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("\nbad\x1b[2J\u202eid\x9f\t\u061c\n", encoding="utf-8")
    refused = run(
        server,
        "associations",
        "bulk-update",
        "--ids-from",
        str(ids),
        "--set",
        "max_errors=5",
    )
    assert refused.returncode == 2
    assert refused.stderr == (
        f"ssmkit: error: --ids-from: {ids}:2: "
        "'bad\\x1b[2J\\u202eid\\x9f\\t\\u061c' is not an association id\n"
    )


def test_bulk_update_names_each_change_in_its_question(
    server: Server, boto: Any
) -> None:
    web = create(boto, AssociationName="web")
    asked = run(
        server,
        "associations",
        "bulk-update",
        "--association-name",
        "web",
        "--set",
        "max_errors=5",
        "--clear",
        "alarm_configuration",
        "--set",
        'parameters.commands=["echo other"]',
        "--clear",
        "calendar_names",
        stdin="n\n",
    )
    assert asked.returncode == 1, asked.stderr
    assert asked.stderr.splitlines()[1:] == [
        f"  {web}  web  AWS-RunShellScript",
        'Apply max_errors="5", parameters.commands=<sensitive>, '
        "-alarm_configuration, -calendar_names to 1 association (those it "
        "changes are written)? Each one written runs at once on its targets, "
        "unless it has apply_only_at_cron_interval set. [y/N] Nothing written.",
    ]
    # Clearing a member none of them has is no mistake, unlike a map's key.
    cleared = run(
        server,
        "associations",
        "bulk-update",
        "--association-name",
        "web",
        "--clear",
        "calendar_names",
        "--yes",
    )
    assert (cleared.returncode, cleared.stderr) == (0, "1 unchanged.\n")
    mistyped = run(
        server,
        "associations",
        "bulk-update",
        "--association-name",
        "web",
        "--clear",
        "parameters.nokey",
        "--clear",
        "parameters.other",
        "--yes",
    )
    assert mistyped.returncode == 2
    assert mistyped.stderr.splitlines()[-1] == (
        "ssmkit: error: --clear parameters.nokey, parameters.other: the "
        "association has no such key"
    )
    create(boto, AssociationName="dbs")
    both = run(
        server,
        "associations",
        "bulk-update",
        "--name",
        "AWS-RunShellScript",
        "--clear",
        "parameters.nokey",
        "--yes",
    )
    assert both.returncode == 2
    assert both.stderr.splitlines()[-1] == (
        "ssmkit: error: --clear parameters.nokey: none of the 2 associations "
        "has such a key"
    )
    assert writes(server) == 0


def test_show_is_a_table_to_the_last_column_that_holds_it(
    server: Server, boto: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    association_id = create(boto, AssociationName="web")
    narrow = run(server, "associations", "show", association_id, columns="40")
    title, *members = narrow.stdout.splitlines()
    assert title == f"association {association_id}"
    assert all(line.startswith("  ") and "│" not in line for line in members)
    # "  name  value" each, so a table's "│ name │ value │" needs three more.
    width = max(len(line) for line in members) + 3
    table = run(server, "associations", "show", association_id, columns=str(width))
    rows = table.stdout.splitlines()
    # The title on the left, then the table, with no header: each row is a
    # member and its value.
    assert rows[0].rstrip() == f"association {association_id}", repr(rows[0])
    assert rows[1].startswith("┌")
    assert max(len(row) for row in rows) == width
    assert sum(row.startswith("│") for row in rows) == len(members)
    lines = run(server, "associations", "show", association_id, columns=str(width - 1))
    assert lines.stdout == narrow.stdout
    # On a terminal, each member's name in bold, its value plain.
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = run(server, "associations", "show", association_id, columns=str(width))
    [row] = [r for r in coloured.stdout.splitlines() if "association_name" in r]
    assert "\x1b[1massociation_name " in row
    assert row.rstrip(" │").endswith("│ web")
    # As lines, the title in bold.
    coloured = run(server, "associations", "show", association_id, columns="40")
    title = coloured.stdout.splitlines()[0]
    assert title == f"\x1b[1massociation {association_id}\x1b[0m"


def test_bulk_update_asks_nothing_when_nothing_is_selected(
    server: Server, boto: Any
) -> None:
    create(boto, AssociationName="web")
    none = run(
        server,
        "associations",
        "bulk-update",
        "--association-name",
        "nothing",
        "--set",
        "max_errors=5",
    )
    assert (none.returncode, none.stdout, none.stderr) == (
        0,
        "",
        "No association was updated.\n",
    )
    # A change that keeps each to its schedule does not say it runs at once.
    asked = run(
        server,
        "associations",
        "bulk-update",
        "--association-name",
        "web",
        "--set",
        "apply_only_at_cron_interval=true",
        stdin="n\n",
    )
    assert asked.stderr.splitlines()[-1] == (
        "Apply apply_only_at_cron_interval=true to 1 association (those it "
        "changes are written)? [y/N] Nothing written."
    )


def test_a_listing_says_when_it_found_none_and_heads_each_block_with_its_id(
    server: Server, boto: Any
) -> None:
    no_windows(boto)
    empty = run(server, "windows", "list")
    assert (empty.returncode, empty.stdout, empty.stderr) == (0, "", "None found.\n")
    window = new_window(boto, LONG_NAME)
    narrow = run(server, "windows", "list", columns="40")
    assert narrow.stdout.splitlines() == [
        window,
        f"  name:     {LONG_NAME}",
        "  enabled:  true",
        "  schedule: cron(0 2 ? * SUN *)",
        "  duration: 3",
    ]


def test_a_listing_refused_names_its_operation(server: Server, boto: Any) -> None:
    server.stand_in.fail_next(
        "DescribeMaintenanceWindows", "ValidationException", message="try later"
    )
    refused = run(server, "windows", "list")
    assert (refused.returncode, refused.stdout) == (1, "")
    assert refused.stderr == (
        "ssmkit: error: DescribeMaintenanceWindows: ValidationException: try later\n"
    )


def test_a_list_is_a_table_to_the_last_column_that_holds_it(
    server: Server, boto: Any
) -> None:
    first = create(boto, AssociationName="patching-weekly")
    second = create(boto, AssociationName="scan", Name="AWS-RunPatchBaseline")
    wide = run(server, "associations", "list", columns="200")
    rows = wide.stdout.splitlines()
    width = len(rows[0])
    # A table as wide as its cells, borders and spaces: at that width the
    # same table, one column less and it becomes blocks.
    assert rows[0].startswith("┏")
    assert rows[0].endswith("┓")
    assert all(len(row) == width for row in rows)
    [row] = [r for r in rows if first in r]
    assert row.startswith(f"│ {first} │ AWS-RunShellScript   │ patching-weekly  │ 1 ")
    fitted = run(server, "associations", "list", columns=str(width))
    assert fitted.stdout == wide.stdout
    blocks = run(server, "associations", "list", columns=str(width - 1))
    assert "┃" not in blocks.stdout
    # One block per association, headed by its id, the next after an empty
    # line; the members' names aligned after the longest.
    assert blocks.stdout.endswith("Success\n")
    assert sorted(blocks.stdout[:-1].split("\n\n")) == sorted(
        [
            f"{first}\n"
            "  name:             AWS-RunShellScript\n"
            "  association name: patching-weekly\n"
            "  version:          1\n"
            "  schedule:         cron(0 2 ? * SUN *)\n"
            "  status:           Success",
            f"{second}\n"
            "  name:             AWS-RunPatchBaseline\n"
            "  association name: scan\n"
            "  version:          1\n"
            "  schedule:         cron(0 2 ? * SUN *)\n"
            "  status:           Success",
        ]
    )


def test_bulk_update_s_results_word_for_word(
    server: Server, boto: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    changed = create(boto, AssociationName="one")
    unchanged = create(boto, AssociationName="two", MaxErrors="5")
    failed = create(boto, AssociationName="three")
    server.stand_in.fail_next(
        "UpdateAssociation",
        "InvalidTarget",
        message="no such target",
        when=lambda p: p["AssociationId"] == failed,
    )
    monkeypatch.setenv("FORCE_COLOR", "1")
    change = ["--name", "AWS-RunShellScript", "--set", "max_errors=5", "--yes"]
    result = run(server, "associations", "bulk-update", *change, columns="100")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    plain = [_plain(line) for line in lines]
    assert plain[1] == (
        f"┃ {'association id':36} ┃ outcome   ┃ version ┃ {'error':35} ┃"
    )
    assert plain[3:6] == [
        f"│ {changed} │ changed   │ 1 -> 2  │ {'':35} │",
        f"│ {unchanged} │ unchanged │ 1       │ {'':35} │",
        f"│ {failed} │ failed    │         │ "
        f"{'UpdateAssociation: InvalidTarget:':35} │",
    ]
    # On a terminal, each row in the colour of its outcome: changed green,
    # failed red, the rest plain.
    assert "\x1b[32mchanged" in lines[3]
    assert "\x1b" not in lines[4]
    assert "\x1b[31mfailed" in lines[5]
    assert result.stderr.endswith("1 changed, 1 unchanged and 1 failed.\n")


def test_bulk_update_s_dry_run_shows_each_plan_and_its_json_is_sorted(
    server: Server, boto: Any
) -> None:
    first = create(boto, AssociationName="one")
    # Already as asked: its plan changes nothing, and is not shown.
    done = create(boto, AssociationName="two", MaxErrors="6")
    selection = ["--name", "AWS-RunShellScript", "--set", "max_errors=6"]
    planned = run(server, "associations", "bulk-update", *selection, "--dry-run")
    assert planned.returncode == 0, planned.stderr
    lines = planned.stdout.splitlines()
    assert lines[:4] == [
        f"association {first}: 1 change",
        '  ~ max_errors: "1" -> "6"',
        "  Writing it makes the association run at once on its targets.",
        "┏" + "━" * 38 + "┳━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━┓",
    ]
    assert cells(planned.stdout)[1:] == [
        [first, "planned", "1", ""],
        [done, "unchanged", "1", ""],
    ]
    assert planned.stderr == "1 unchanged and 1 planned.\n"
    written = run(
        server, "--output", "json", "associations", "bulk-update", *selection, "--yes"
    )
    assert written.returncode == 0, written.stderr
    found = json.loads(written.stdout)
    # Two spaces a level, keys sorted: what a diff of two runs needs.
    assert written.stdout == json.dumps(found, indent=2, sort_keys=True) + "\n"
    assert found == {
        "counts": {"changed": 1, "failed": 0, "planned": 0, "unchanged": 1},
        "interrupted": False,
        "not_started": 0,
        "results": [
            {
                "association_id": first,
                "error": None,
                "outcome": "changed",
                "version_after": "2",
                "version_before": "1",
            },
            {
                "association_id": done,
                "error": None,
                "outcome": "unchanged",
                "version_after": None,
                "version_before": "1",
            },
        ],
        "skipped": 0,
    }


def test_a_plan_on_a_terminal_colours_each_change_by_what_it_does(
    server: Server, boto: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    association_id = create(boto)
    monkeypatch.setenv("FORCE_COLOR", "1")
    change = [
        "--set",
        "max_errors=6",
        "--clear",
        "alarm_configuration",
        "--set",
        "compliance_severity=HIGH",
        "--set",
        'parameters.commands=["echo x"]',
        "--dry-run",
    ]
    planned = run(
        server, "--show-sensitive", "associations", "update", association_id, *change
    )
    assert (planned.returncode, planned.stderr) == (0, "")
    assert planned.stdout.splitlines() == [
        f"\x1b[1massociation {association_id}\x1b[0m: 4 changes",
        '\x1b[33m  ~ parameters.commands: ["echo hunter2"] -> ["echo x"]\x1b[0m',
        '\x1b[33m  ~ max_errors: "1" -> "6"\x1b[0m',
        '\x1b[32m  + compliance_severity: "HIGH"\x1b[0m',
        '\x1b[31m  - alarm_configuration.alarms: [{"Name": "cpu-high"}]\x1b[0m',
        "  Writing it makes the association run at once on its targets.",
    ]
    masked = run(server, "associations", "update", association_id, *change)
    assert "  ~ parameters.commands: (sensitive value changed)" in masked.stdout
    assert "hunter2" not in masked.stdout
    # Nothing to change: plain words, the id not picked out in colour.
    noop = run(
        server, "associations", "update", association_id, "--set", "max_errors=1"
    )
    assert (noop.returncode, noop.stdout) == (
        0,
        f"association {association_id}: nothing would change.\n",
    )


def test_a_block_leaves_out_what_is_not_set_and_shows_the_rest_compact(
    server: Server, boto: Any
) -> None:
    unnamed = create(boto)
    [created] = [
        v["CreatedDate"].isoformat()
        for v in boto.list_association_versions(AssociationId=unnamed)[
            "AssociationVersions"
        ]
    ]
    versions = run(server, "associations", "versions", unnamed, columns="40")
    # Headed "version 1": a number alone would not say what it is.
    assert versions.stdout.splitlines() == [
        "version 1",
        f"  created:          {created}",
        "  name:             AWS-RunShellScript",
        "  schedule:         cron(0 2 ? * SUN *)",
    ]
    shown = run(server, "associations", "show", unnamed, columns="40")
    assert (
        "  alarm_configuration             " + '{"Alarms":[{"Name":"cpu-high"}]}'
        in (shown.stdout.splitlines())
    )


def test_an_error_wraps_in_thirty_columns_before_the_rows_become_blocks(
    server: Server, boto: Any
) -> None:
    failed = create(boto, AssociationName="one")
    message = "the targets named are not there"
    error = (
        f"UpdateAssociation: InvalidTarget: {message} [association {failed} is "
        "unchanged (still version 1)]"
    )
    shown = {}
    for columns in ("93", "92"):
        server.stand_in.fail_next("UpdateAssociation", "InvalidTarget", message=message)
        change = ["--association-name", "one", "--set", "max_errors=5", "--yes"]
        result = run(server, "associations", "bulk-update", *change, columns=columns)
        assert result.returncode == 1, result.stderr
        shown[columns] = result.stdout.splitlines()
    # 36 + 7 + 7 columns of the rest, 30 of prose, 13 of borders and spaces.
    table = shown["93"]
    assert {len(line) for line in table} == {93}
    cells = [line.split("│")[4] for line in table[3:-1]]
    assert {len(cell) for cell in cells} == {32}
    assert [cell.strip() for cell in cells] == [
        "UpdateAssociation:",
        "InvalidTarget: the targets",
        "named are not there",
        "[association",
        failed[:30],
        f"{failed[30:]} is unchanged (still",
        "version 1)]",
    ]
    assert shown["92"] == [
        failed,
        "  outcome: failed",
        f"  error:   {error}",
    ]


def test_bulk_update_selects_by_file_or_filter_and_says_so(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    named = create(boto, AssociationName="web")
    unnamed = create(boto)
    ids = tmp_path / "ids.txt"
    ids.write_text(named)
    change = ["--set", "max_errors=5"]
    for selection, said in (
        (
            ["--ids-from", str(ids), "--name", "x"],
            "give --ids-from or filters, not both",
        ),
        ([], "select associations with --ids-from FILE or a filter (--name, ...)"),
    ):
        refused = run(server, "associations", "bulk-update", *selection, *change)
        assert (refused.returncode, refused.stderr) == (2, f"ssmkit: error: {said}\n")
    # Selected by a filter: the names come with the listing, none read again.
    server.stand_in.requests.clear()
    asked = run(
        server,
        "associations",
        "bulk-update",
        "--name",
        "AWS-RunShellScript",
        *change,
        stdin="n\n",
    )
    assert asked.returncode == 1, asked.stderr
    assert sorted(asked.stderr.splitlines()[1:3]) == sorted(
        [
            f"  {named}  web  AWS-RunShellScript",
            f"  {unnamed}       AWS-RunShellScript",
        ]
    )
    assert server.stand_in.operations == ["ListAssociations"]


def test_a_sensitive_change_is_never_skipped_by_its_report(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    association_id = create(boto, AssociationName="web")
    report = tmp_path / "report.jsonl"
    change = [
        "--association-name",
        "web",
        "--set",
        'parameters.commands=["echo new"]',
        "--report",
        str(report),
        "--yes",
    ]
    first = run(server, "associations", "bulk-update", *change)
    assert first.returncode == 0, first.stderr
    again = run(server, "associations", "bulk-update", *change)
    assert again.returncode == 0, again.stderr
    assert again.stderr == (
        "The change sets a sensitive value, which reports do not record: every "
        "association is read again (those already so are unchanged).\n"
        "1 unchanged.\n"
    )
    assert stored(boto, association_id)["Parameters"] == {"commands": ["echo new"]}


def test_bulk_update_s_bar_says_what_it_does_and_counts_the_selection(
    server: Server, boto: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        create(boto, AssociationName=f"bar-{n}")
    monkeypatch.setenv("FORCE_COLOR", "1")
    change = ["--name", "AWS-RunShellScript", "--set", "max_errors=5", "--yes"]
    for extra, doing in ((["--dry-run"], "planning"), ([], "updating")):
        result = run(server, "associations", "bulk-update", *change, *extra)
        assert result.returncode == 0, result.stderr
        shown = _plain(result.stderr)
        assert re.search(f"{doing} ━+ 0/3", shown), shown
        assert re.search(f"{doing} ━+ 3/3", shown), shown


def test_a_cell_that_does_not_wrap_stays_on_one_line_where_one_that_wraps_does_not(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ssmkit.cli._output import Column, Output
    from ssmkit.cli._parser import build_parser

    monkeypatch.setenv("COLUMNS", "80")
    output = Output(build_parser().parse_args(["associations", "list"]))
    columns = [Column("id"), Column("association name"), Column("error", wraps=True)]
    row = ["a-1", "two\nlines\tand\x1b tab", "one\ntwo\x07"]
    output.rows(columns, [row])
    output.out.width = 20  # too narrow for the table: a block
    output.rows(columns, [row])
    lines = capsys.readouterr().out.splitlines()
    assert lines[3:5] == [
        "│ a-1 │ two\\nlines\\tand\\x1b tab │ one     │",
        "│     │                         │ two\\x07 │",
    ]
    # Each value after its column's name, the names as wide as the widest.
    assert lines[6:] == [
        "a-1",
        "  association name: two\\nlines\\tand\\x1b tab",
        "  error:            one",
        "                    two\\x07",
    ]


def test_two_columns_that_wrap_share_what_the_others_leave(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ssmkit.cli._output import Column, Output
    from ssmkit.cli._parser import build_parser

    monkeypatch.setenv("COLUMNS", "80")
    output = Output(build_parser().parse_args(["associations", "list"]))
    columns = [Column("id"), Column("changes", wraps=True), Column("error", wraps=True)]
    output.rows(columns, [["x", "a" * 60, "b" * 60]])
    # Thirty columns each, and the eight left over to the first.
    assert capsys.readouterr().out.splitlines()[3:5] == [
        f"│ x  │ {'a' * 38} │ {'b' * 30} │",
        f"│    │ {'a' * 22}{' ' * 16} │ {'b' * 30} │",
    ]


def test_a_block_on_a_colour_terminal_has_its_row_s_colour_and_a_bold_head(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ssmkit.cli._output import Column, Output
    from ssmkit.cli._parser import build_parser

    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "20")
    output = Output(build_parser().parse_args(["associations", "list"]))
    output.rows(
        [Column("id"), Column("outcome"), Column("error", wraps=True)],
        [["a-1", "failed", "no"], ["a-2", "changed", ""]],
        styles=["red", ""],
    )
    assert capsys.readouterr().out.splitlines() == [
        "\x1b[1;31ma-1\x1b[0m",
        "\x1b[31m  outcome: failed\x1b[0m",
        "\x1b[31m  error:   no\x1b[0m",
        "",
        "\x1b[1ma-2\x1b[0m",
        "  outcome: changed",
    ]


def test_an_apply_s_error_wraps_in_its_table(
    server: Server, boto: Any, tmp_path: Path
) -> None:
    message = "the document named is not one this account can run, or has no version"
    path = tmp_path / "ssm.yaml"
    path.write_text(
        "Associations:\n"
        "  - AssociationName: wraps-in-its-table\n"
        "    Name: AWS-RunShellScript\n"
        "    Targets: [{Key: InstanceIds, Values: [i-1]}]\n"
    )
    server.stand_in.fail_next("CreateAssociation", "InvalidDocument", message=message)
    result = run(server, "associations", "apply", str(path), "--yes", columns="100")
    assert result.returncode == 1, result.stderr
    # The last lines are the table of results: the error in lines, within it.
    table = result.stdout.splitlines()[4:]
    assert table[0].startswith("┏")
    assert {len(line) for line in table} == {100}
    cells = [line.split("│")[5].strip() for line in table[3:-1]]
    assert " ".join(cells) == f"CreateAssociation: InvalidDocument: {message}"


def test_a_console_shows_the_controls_of_any_text_but_makes_its_own_moves(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.control import Control
    from rich.text import Text

    from ssmkit.cli._output import Output
    from ssmkit.cli._parser import build_parser

    # Whatever reaches the command's consoles is shown, not acted on, even
    # where no part of the command escaped it first; the cursor moves of the
    # consoles' own live view are made.
    monkeypatch.setenv("FORCE_COLOR", "1")
    output = Output(build_parser().parse_args(["associations", "list"]))
    output.out.print("a\x1b[2Jb\u202e", end="")
    output.out.control(Control.move_to_column(0))
    output.out.print(Text("c\x1bd", style="red"), end="")
    assert capsys.readouterr().out == ("a\\x1b[2Jb\\u202e\x1b[1G\x1b[31mc\\x1bd\x1b[0m")
