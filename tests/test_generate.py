"""The generation is current and says when it is not; its error classes are typed.

These run the generator and mypy, which the development extra installs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from .service_model import GENERATED_FROM, GENERATED_VERSION
from .test_newer_botocore import newer_model

ROOT = Path(__file__).resolve().parent.parent


def generator(
    *args: str, data_path: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "AWS_DATA_PATH"}
    if data_path is not None:
        env["AWS_DATA_PATH"] = str(data_path)
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "generate.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_check_passes_on_the_model_generated_from() -> None:
    done = generator("--check", data_path=GENERATED_FROM)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("up to date")


def test_check_fails_on_a_newer_model_and_lists_what_it_adds(tmp_path: Path) -> None:
    model = newer_model()
    shapes = model["shapes"]
    shapes["AssociationStatusName"]["enum"].append("Paused")
    shapes["TargetNotConnected"]["documentation"] = "Changed."
    model["operations"]["DescribeAssociation"]["errors"].append(
        {"shape": "BrandNewFault"}
    )
    shapes["BrandNewFault"] = {"type": "structure", "members": {}, "exception": True}
    folder = tmp_path / "ssm" / model["metadata"]["apiVersion"]
    folder.mkdir(parents=True)
    (folder / "service-2.json").write_text(json.dumps(model))
    (pages,) = GENERATED_FROM.glob("ssm/*/paginators-1.json")
    paginators = json.loads(pages.read_text())
    del paginators["pagination"]["ListAssociations"]
    (folder / "paginators-1.json").write_text(json.dumps(paginators))
    before = _generated_files()
    done = generator("--check", data_path=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert _generated_files() == before  # nothing written
    lines = done.stdout.splitlines()
    assert lines[0].startswith("out of date")
    for expected in (
        "  - paginator ListAssociations",
        "  + error code BrandNewFault",
        "  + string FutureSetting",
        "  + structure FutureLimits",
        "  + member AssociationDescription.FutureSetting (FutureSetting)",
        "  + member Target.FutureSecret (FutureSecret)",
        "  + AssociationStatusName value Paused",
        "  ~ documentation of 1 shapes and operations",
        "  + member Target.FutureSealed (FutureSealed)",
        "    ssmkit/models/_shapes/target.py",
    ):
        assert expected in lines, done.stdout


def _generated_files() -> dict[Path, bytes]:
    return {
        path: path.read_bytes()
        for folder in ("ssmkit", "docs/reference", "tools", ".ruff_cache")
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_lowest_botocore_allowed_is_the_release_generated_from() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    assert re.findall(r'"(boto3|botocore)>=([^"]*)"', text) == [
        ("boto3", GENERATED_VERSION),
        ("botocore", GENERATED_VERSION),
    ]
    stamp = (ROOT / "ssmkit" / "models" / "associations.py").read_text().splitlines()[0]
    assert f"from botocore {GENERATED_VERSION}'s SSM model" in stamp


# -- typing holds for errors -----------------------------------------------------


def test_leaf_errors_are_real_classes_to_mypy(tmp_path: Path) -> None:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(
        "import ssmkit\n"
        "from ssmkit import errors\n\n"
        "try:\n"
        "    pass\n"
        "except ssmkit.errors.AssociationDoesNotExist as exc:\n"
        "    reveal_type(exc)\n"
        "except errors.AssociationDoesNotExit:\n"
        "    pass\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            os.devnull,
            str(snippet),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    found = [
        line.split(": ", 1)[1] for line in done.stdout.splitlines() if ": " in line
    ]
    assert (
        'note: Revealed type is "ssmkit._service_errors.AssociationDoesNotExist"'
        in found
    ), done.stdout
    assert any(
        line.startswith('error: Module has no attribute "AssociationDoesNotExit"')
        for line in found
    ), done.stdout
    assert done.returncode == 1


def test_leaf_errors_still_load_on_first_use() -> None:
    code = (
        "import sys, ssmkit.errors as e\n"
        "assert 'ssmkit._service_errors' not in sys.modules\n"
        "assert e.AssociationDoesNotExist.error_code == 'AssociationDoesNotExist'\n"
        "assert 'AssociationDoesNotExist' in e.__all__\n"
        "try:\n"
        "    e.NoSuchError\n"
        "except AttributeError as exc:\n"
        "    assert 'NoSuchError' in str(exc)\n"
        "else:\n"
        "    raise SystemExit('no AttributeError')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
