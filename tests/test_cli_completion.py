"""``ssmkit completion bash|zsh``: the scripts, run by the shells themselves."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from .command import run_command
from .test_cli import command_env


def script(shell: str) -> str:
    result = run_command(
        [sys.executable, "-m", "ssmkit", "completion", shell],
        stdin="",
        env=command_env(),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


#: (the words typed, the last being completed) -> what must be offered, and
#: what must not be.
CASES = [
    (["ssmkit", ""], {"associations", "tasks", "windows", "--region"}, {"list"}),
    (["ssmkit", "ass"], {"associations"}, {"tasks"}),
    (["ssmkit", "associations", "bu"], {"bulk-update"}, {"update"}),
    (
        ["ssmkit", "--region", "eu-west-1", "associations", "update", "x", "--"],
        {"--set", "--clear", "--expected-version", "--yes"},
        {"--prune", "--ids-from"},
    ),
    (
        ["ssmkit", "associations", "update", "x", "--set", "max_"],
        {"max_errors=", "max_concurrency="},
        {"association_id=", "max_errors"},
    ),
    (
        ["ssmkit", "tasks", "update", "w", "t", "--clear", "task_inv"],
        {"task_invocation_parameters"},
        set(),
    ),
    (["ssmkit", "completion", ""], {"bash", "zsh"}, set()),
    (["ssmkit", "--output", ""], {"table", "json"}, set()),
    (["ssmkit", "associations", "apply", "--c"], {"--concurrency"}, set()),
]


@pytest.mark.parametrize(("typed", "offered", "not_offered"), CASES)
def test_bash_completes_commands_options_and_members(
    typed: list[str], offered: set[str], not_offered: set[str]
) -> None:
    words = " ".join(f"'{w}'" for w in typed)
    program = (
        script("bash")
        + f"COMP_WORDS=({words}); COMP_CWORD={len(typed) - 1}\n"
        + "_ssmkit_complete\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
    )
    result = subprocess.run(
        ["bash", "--norc", "-c", program], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    found = set(result.stdout.split())
    assert offered <= found, found
    assert not (not_offered & found), found


#: Where a file name is due: a FILE argument, or an option that takes a file.
FILE_DUE = [
    ["ssmkit", "associations", "plan", "et"],
    ["ssmkit", "associations", "apply", "--yes", "et"],
    ["ssmkit", "plan", "et"],
    ["ssmkit", "apply", "--prune", "et"],
    ["ssmkit", "associations", "bulk-update", "--ids-from", "et"],
    ["ssmkit", "associations", "bulk-update", "--report", "et"],
    ["ssmkit", "export", "-o", "et"],
    ["ssmkit", "associations", "create", "--from", "et"],
]
#: Where it is not: an association id, a member to set.
FILE_NOT_DUE = [
    ["ssmkit", "associations", "show", "et"],
    ["ssmkit", "associations", "update", "x", "--set", "et"],
]


@pytest.mark.parametrize("typed", FILE_DUE + FILE_NOT_DUE)
def test_bash_completes_file_names_where_a_file_is_due(typed: list[str]) -> None:
    words = " ".join(typed)
    program = (
        script("bash")
        + f"cd /; COMP_WORDS=({words}); COMP_CWORD={len(typed) - 1}\n"
        + "_ssmkit_complete\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
    )
    result = subprocess.run(
        ["bash", "--norc", "-c", program], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert ("etc" in result.stdout.split()) == (typed in FILE_DUE), result.stdout


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
@pytest.mark.parametrize("typed", FILE_DUE + FILE_NOT_DUE)
def test_zsh_completes_file_names_where_a_file_is_due(typed: list[str]) -> None:
    words = " ".join(typed)
    program = (
        "compdef() { : }\ncompadd() { : }\n_files() { print -r -- FILES }\n"
        + script("zsh")
        + f"words=({words}); CURRENT={len(typed)}\n_ssmkit\n"
    )
    result = subprocess.run(
        ["zsh", "-f", "-c", program], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ("FILES\n" if typed in FILE_DUE else "")


def test_each_shell_gets_its_own_script() -> None:
    bash, zsh = script("bash"), script("zsh")
    assert bash.startswith("# ssmkit completion for bash:")
    assert bash.endswith("complete -o default -F _ssmkit_complete ssmkit\n")
    assert zsh.startswith("# ssmkit completion for zsh:")
    assert zsh.endswith("compdef _ssmkit ssmkit\n")


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
@pytest.mark.parametrize(("typed", "offered", "not_offered"), CASES)
def test_zsh_completes_commands_options_and_members(
    typed: list[str], offered: set[str], not_offered: set[str]
) -> None:
    # Run outside the completion system: compadd and compdef only print.
    words = " ".join(f"'{w}'" for w in typed)
    program = (
        "compdef() { : }\n"
        "compadd() { local s=''; while [[ $1 == -* ]]; do "
        "[[ $1 == -S ]] && { s=$2; shift }; [[ $1 == -- ]] && { shift; break }; "
        'shift; done; for w in "$@"; do print -r -- "$w$s"; done }\n'
        + script("zsh")
        + f"words=({words}); CURRENT={len(typed)}\n"
        + "_ssmkit\n"
    )
    result = subprocess.run(
        ["zsh", "-f", "-c", program], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    prefix = typed[-1]
    found = {w for w in result.stdout.split() if w.startswith(prefix)}
    assert offered <= found, result.stdout
    assert not (not_offered & found), found
