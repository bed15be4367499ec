"""Every Python block of the guides and the home page runs alone, as shown.

A block may be written in the page or drawn from an example file
(``--8<-- "docs/examples/x.py:section"``): what a reader sees is what runs,
in a fresh interpreter, with no AWS account and nothing defined before it.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "docs" / "index.md", *sorted((ROOT / "docs" / "guides").glob("*.md"))]
SNIPPET = re.compile(r'^--8<-- "([^":]+)(?::([\w-]+))?"\s*$', re.MULTILINE)


#: A line marking where a section of an example file starts or ends.
MARKER = re.compile(r"^[^\n]*--8<-- \[(?:start|end):[\w-]+\][^\n]*\n", re.MULTILINE)


def shown(block: str) -> str:
    """The block as the site shows it: snippet lines replaced by what they name."""

    def include(match: re.Match[str]) -> str:
        text = (ROOT / match.group(1)).read_text(encoding="utf-8")
        section = match.group(2)
        if section is not None:
            start = f"--8<-- [start:{section}]"
            assert start in text, f"{match.group(1)} has no section {section}"
            text = text.split(start, 1)[1].split(f"--8<-- [end:{section}]", 1)[0]
            text = text.split("\n", 1)[1].rsplit("\n", 1)[0] + "\n"
        return MARKER.sub("", text)

    return SNIPPET.sub(include, block)


def blocks(page: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)


BLOCKS = [
    pytest.param(shown(block), id=f"{page.name}-{number}")
    for page in PAGES
    for number, block in enumerate(
        re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.DOTALL),
        1,
    )
]


def test_the_guides_have_python_blocks() -> None:
    assert len(BLOCKS) >= 15


@pytest.mark.parametrize("code", BLOCKS)
def test_each_block_runs_alone(code: str, tmp_path: Path) -> None:
    # A block of pytest tests runs as pytest runs it, with ssmkit's fixtures.
    tests = re.search(r"^def test_", code, re.MULTILINE) is not None
    block = tmp_path / ("test_block.py" if tests else "block.py")
    # Files a page shows beside its code, as a reader would have them at hand.
    for beside in (ROOT / "docs" / "examples").glob("*.yaml"):
        (tmp_path / beside.name).write_text(beside.read_text(encoding="utf-8"))
    block.write_text(code, encoding="utf-8")
    runner = ["-m", "pytest", "-q", "-p", "no:cacheprovider"] if tests else []
    result = subprocess.run(
        [sys.executable, *runner, str(block)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "AWS_EC2_METADATA_DISABLED": "true"},
        cwd=tmp_path,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-2000:]
    if tests:
        assert " passed" in result.stdout
        assert "failed" not in result.stdout


def test_the_home_page_leads_to_every_guide() -> None:
    home = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    where_next = home.split("## Where next", 1)[1]
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for guide in (ROOT / "docs" / "guides").glob("*.md"):
        assert f"(guides/{guide.name})" in where_next, guide.name
        assert f"guides/{guide.name}" in nav, guide.name


def test_every_table_names_every_column() -> None:
    for page in (ROOT / "docs").rglob("*.md"):
        lines = page.read_text(encoding="utf-8").splitlines()
        for number, (line, below) in enumerate(itertools.pairwise(lines), 1):
            if line.startswith("|") and re.fullmatch(r"\|( *:?-+:? *\|)+", below):
                headers = [cell.strip() for cell in line.strip("|").split("|")]
                assert all(headers), f"{page.name}:{number}: {line}"


def test_no_page_installs_what_cannot_be_installed() -> None:
    # ssmkit is installed from its source: an install by name would fail.
    pages = [ROOT / "README.md", *(ROOT / "docs").rglob("*.md")]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "pip install 'ssmkit" not in text, page.name
        assert 'pip install "ssmkit' not in text, page.name
