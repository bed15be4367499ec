"""``ssmkit completion bash|zsh``: shell completion of commands and options.

The script is made from the parser itself, so it completes exactly the
commands and options this version has. It completes file names after the
options that take a file, ``table``/``json`` after ``--output``, and no
association ids: each would cost a call to AWS at every Tab.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ._parser import build_parser

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ._output import Output

__all__ = ["completion", "script"]

#: The commands whose --set and --clear name members of an operation's input.
_UPDATES = {
    "associations update": "UpdateAssociation",
    "associations bulk-update": "UpdateAssociation",
    "tasks update": "UpdateMaintenanceWindowTask",
}

_BASH = """\
# ssmkit completion for bash: commands, options, and files where one is due.
_ssmkit_files() {{
    # One file a line, kept whole: names with spaces or * are not split.
    local name
    COMPREPLY=()
    compopt -o filenames 2>/dev/null
    while IFS= read -r name; do COMPREPLY+=("$name"); done < <(compgen -f -- "$1")
}}
_ssmkit_complete() {{
    local cur prev cmd word i
    cur="${{COMP_WORDS[COMP_CWORD]}}"
    prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    cmd=""
    i=1
    while [[ $i -lt $COMP_CWORD ]]; do
        word="${{COMP_WORDS[i]}}"
        i=$((i + 1))
        case "$cmd:$word" in
{steps}
        esac
    done
    case "$prev" in
        --output) COMPREPLY=($(compgen -W "table json" -- "$cur")); return ;;
        {files}) _ssmkit_files "$cur"; return ;;
        --set|--clear)
            local members=""
            case "$cmd" in
{members}
            esac
            if [[ "$prev" == --set ]]; then
                COMPREPLY=($(compgen -S = -W "$members" -- "$cur"))
                compopt -o nospace 2>/dev/null
            else
                COMPREPLY=($(compgen -W "$members" -- "$cur"))
            fi
            return ;;
    esac
    local choices=""
    case "$cmd" in
{choices}
    esac
    if [[ "$cur" != -* ]] && [[ {file_paths} ]]; then
        _ssmkit_files "$cur"
        return
    fi
    COMPREPLY=($(compgen -W "$choices" -- "$cur"))
}}
complete -o default -F _ssmkit_complete ssmkit
"""


_ZSH = """\
# ssmkit completion for zsh: commands, options, and files where one is due.
(( $+functions[compdef] )) || {{ autoload -U compinit && compinit }}
_ssmkit() {{
    local cmd="" word i members="" choices=""
    for (( i = 2; i < CURRENT; i++ )); do
        word="${{words[i]}}"
        case "$cmd:$word" in
{steps}
        esac
    done
    case "${{words[CURRENT-1]}}" in
        --output) compadd table json; return ;;
        {files}) _files; return ;;
        --set|--clear)
            case "$cmd" in
{members}
            esac
            if [[ "${{words[CURRENT-1]}}" == --set ]]; then
                compadd -S = -- ${{=members}}
            else
                compadd -- ${{=members}}
            fi
            return ;;
    esac
    case "$cmd" in
{choices}
    esac
    if [[ "${{words[CURRENT]}}" != -* ]] && [[ {file_paths} ]]; then
        _files
        return
    fi
    compadd -- ${{=choices}}
}}
compdef _ssmkit ssmkit
"""


def _parsers(
    parser: argparse.ArgumentParser, path: str = ""
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Each command's path and parser, depth first.

    The top command's path is ``""``; a subcommand's is its words joined by a
    space (``"associations plan"``).
    """
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _parsers(child, f"{path} {name}".strip())


def _commands(
    parser: argparse.ArgumentParser,
) -> Iterator[tuple[str, list[str], list[str]]]:
    """Each command path, with the words that may follow: subcommands, options."""
    for path, command in _parsers(parser):
        words = sorted(
            option
            for action in command._actions
            for option in action.option_strings
            if action.help is not argparse.SUPPRESS
        )
        children: list[str] = []
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                children += action.choices
            elif not action.option_strings and action.choices:
                words = [*map(str, action.choices), *words]  # a positional's choices
        yield path, sorted(children), words


def _files(parser: argparse.ArgumentParser) -> tuple[set[str], set[str]]:
    """The commands whose argument is a file, and the options that take one.

    Read from the parser (each ``type=Path``), so that a new command or option
    that takes a file is completed as one.
    """
    commands: set[str] = set()
    options: set[str] = set()
    for path, command in _parsers(parser):
        for action in command._actions:
            if action.type is not Path:
                continue
            if action.option_strings:
                options.update(action.option_strings)
            else:
                commands.add(path)
    return commands, options


def script(shell: str) -> str:
    """The completion script for ``shell`` (``bash`` or ``zsh``)."""
    parser = build_parser()
    commands = list(_commands(parser))
    file_commands, file_options = _files(parser)
    steps = []
    choices = []
    for path, children, options in commands:
        for child in children:
            pattern = shlex.quote(f"{path}:{child}")
            step = shlex.quote(f"{path} {child}".strip())
            steps.append(f"            {pattern}) cmd={step} ;;")
        words = shlex.quote(" ".join([*children, *options]))
        case = shlex.quote(path)  # '' for the top command, as bash and zsh read it
        choices.append(f"        {case}) choices={words} ;;")
    members = []
    for path, names in _members().items():
        words = shlex.quote(" ".join(names))
        members.append(f"                {shlex.quote(path)}) members={words} ;;")
    file_paths = " || ".join(
        f'"$cmd" == {shlex.quote(p)}' for p in sorted(file_commands)
    )
    template = _ZSH if shell == "zsh" else _BASH
    return template.format(
        steps="\n".join(steps),
        choices="\n".join(choices),
        members="\n".join(members),
        files="|".join(sorted(file_options)),
        file_paths=file_paths,
    )


def _members() -> dict[str, list[str]]:
    """The members --set and --clear name, by command, from the service model."""
    import botocore.session

    from .._validate import attribute_name
    from ._common import MANAGED

    model = botocore.session.get_session().get_service_model("ssm")
    found = {}
    for path, operation in _UPDATES.items():
        shape = model.operation_model(operation).input_shape
        assert shape is not None  # both update operations take input
        found[path] = sorted(
            attribute_name(m) for m in shape.members if m not in MANAGED
        )
    return found


def completion(args: argparse.Namespace, output: Output) -> int:
    sys.stdout.write(script(args.shell))
    sys.stdout.flush()
    return 0
