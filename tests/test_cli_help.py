"""Every command's ``--help``: the reference page holds it, word for word."""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from ssmkit.cli._completion import _parsers
from ssmkit.cli._parser import build_parser

ROOT = Path(__file__).resolve().parent.parent


def _tool() -> Any:
    spec = importlib.util.spec_from_file_location(
        "command_reference", ROOT / "tools" / "command_reference.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = _tool()
PAGE = TOOL.PAGE.read_text(encoding="utf-8")


def _words(text: str) -> str:
    return " ".join(text.split())


def _said(parser: argparse.ArgumentParser) -> list[str]:
    """What a parser says of itself and of each of its arguments."""
    said = [parser.description or ""]
    for action in parser._actions:
        if action.help and action.help is not argparse.SUPPRESS:
            said.append(action.help % {"default": action.default, "prog": parser.prog})
        if isinstance(action, argparse._SubParsersAction):
            said += [a.help for a in action._choices_actions if a.help]
    return [s for s in said if s]


def test_the_page_names_each_command_and_says_what_its_help_says() -> None:
    text = _words(PAGE)
    for _, command in _parsers(build_parser()):
        assert f"## {command.prog} " in PAGE.replace("\n", " ")
        for said in _said(command):
            assert _words(said) in text, (command.prog, said)


def test_the_page_is_current() -> None:
    laid_out_by = re.match(r"<!-- laid out by Python (\d+\.\d+) -->", PAGE)
    assert laid_out_by is not None
    if laid_out_by.group(1) != "{}.{}".format(*sys.version_info[:2]):
        pytest.skip(f"argparse lays help out otherwise than Python {laid_out_by[1]}")
    assert TOOL.page() == PAGE, "run python tools/command_reference.py"
