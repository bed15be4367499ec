"""The public namespace: complete, sorted, typed."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import ssmkit

PACKAGES = ["ssmkit", "ssmkit.models", "ssmkit.errors"]


def _isort_style(name: str) -> tuple[int, str]:
    # The order ruff's RUF022 keeps: CONSTANTS, then Classes, then everything else.
    if name.isupper():
        return (0, name)
    return (1, name) if name[0].isupper() else (2, name)


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_complete(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert exported == sorted(exported, key=_isort_style)
    public = {
        attr
        for attr, value in vars(module).items()
        if not attr.startswith("_")
        and (
            inspect.isclass(value)
            or inspect.isfunction(value)
            # Submodules count at the top only; deeper they are import side effects.
            # ssmkit.testing (it imports moto) and ssmkit.cli (the command, which
            # tests may run in their own process) are opt-in extras, never
            # re-exported.
            or (
                inspect.ismodule(value)
                and name == "ssmkit"
                and attr not in ("testing", "cli")
            )
        )
        and (
            getattr(value, "__module__", "") or getattr(value, "__name__", "")
        ).startswith("ssmkit")
    }
    assert public <= set(exported), (
        f"not in {name}.__all__: {sorted(public - set(exported))}"
    )
    for attr in exported:
        assert hasattr(module, attr)


def test_ships_py_typed() -> None:
    assert (Path(ssmkit.__file__).parent / "py.typed").is_file()


def test_version_is_a_string() -> None:
    assert isinstance(ssmkit.__version__, str)
    assert ssmkit.__version__.count(".") == 2


def test_import_loads_no_model_area_nor_the_converter() -> None:
    # The cheap import is a property of what is loaded, checked here; its time
    # is measured in benchmarks/bench_import.py.
    code = (
        "import sys, ssmkit\n"
        "ours = ('ssmkit', 'attr', 'cattrs', 'boto3', 'botocore')\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(ours))\n"
        "print(' '.join(loaded))\n"
        "from ssmkit.models import Parameter\n"
        "print(Parameter.__module__, 'ssmkit.models.parameters' in sys.modules)\n"
    )
    loaded, after = _fresh(code).splitlines()
    names = set(loaded.split())
    assert not {n for n in names if n.startswith(("attr", "cattrs"))}, names
    # Neither boto3 nor the client: ``ssmkit --help`` needs neither.
    assert not {n for n in names if n.startswith(("boto", "ssmkit._client"))}
    assert "ssmkit.models._base" in names
    assert not {
        n
        for n in names
        if n.startswith("ssmkit.models.") and n != "ssmkit.models._base"
    }
    assert not names & {
        "ssmkit._safe",
        "ssmkit._bulk",
        "ssmkit._declared",
        "ssmkit._service_errors",
    }
    assert after == "ssmkit.models._shapes.parameter False"


def test_lazy_names_are_found_by_dir_and_by_type_checkers(tmp_path: Path) -> None:
    assert "Parameter" in dir(ssmkit.models)
    assert "ParameterNotFound" in dir(ssmkit.errors)
    assert "safe_update_association" in dir(ssmkit)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        ssmkit.models.Nope  # noqa: B018
    user = tmp_path / "user.py"
    user.write_text(
        "import ssmkit\n"
        "from ssmkit.models import Parameter, ParameterType\n"
        "from ssmkit.errors import ParameterNotFound\n"
        "def names(client: ssmkit.Client) -> list[str]:\n"
        "    found = client.describe_parameters(max_results=10, limit=20)\n"
        "    return [p.name for p in found if p.name is not None]\n"
        "p = Parameter(name='x', type=ParameterType.STRING, value='v')\n"
        "reveal_type(p.selector)\n"
        "reveal_type(ssmkit.models.Target(values=['a']).values)\n"
        "reveal_type(ssmkit.to_json)\n"
        "e: type[ssmkit.errors.NotFoundError] = ParameterNotFound\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(user)],
        capture_output=True,
        text=True,
    )
    assert "error" not in result.stdout.replace("0 errors", ""), result.stdout
    assert 'Revealed type is "str | None"' in result.stdout
    assert 'Revealed type is "tuple[str, ...] | None"' in result.stdout


def test_type_checkers_refuse_a_model_name_that_does_not_exist(
    tmp_path: Path,
) -> None:
    # The models are imported on first use; type checkers still see each name.
    user = tmp_path / "typo.py"
    user.write_text(
        "import ssmkit.models.common\n"
        "from ssmkit.models import Targett\n"
        "from ssmkit.models.associations import AssociationDescriptio\n"
        "ssmkit.models.common.Nope\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(user)],
        capture_output=True,
        text=True,
    )
    assert 'Module "ssmkit.models" has no attribute "Targett"' in result.stdout
    assert (
        'Module "ssmkit.models.associations" has no attribute "AssociationDescriptio"'
        in result.stdout
    )
    assert 'Module has no attribute "Nope"' in result.stdout
    assert "Found 3 errors" in result.stdout, result.stdout


def test_the_client_loads_boto3_before_its_own_modules() -> None:
    # Measured in fresh processes: boto3's modules import several
    # milliseconds slower when ssmkit's come first.
    code = (
        "import sys, ssmkit\n"
        "ssmkit.Client\n"
        "order = list(sys.modules)\n"
        "print(order.index('boto3') < order.index('ssmkit._operations'))\n"
        "print(order.index('boto3') < order.index('ssmkit._change_members'))\n"
    )
    assert _fresh(code).split() == ["True", "True"]


def test_a_model_loads_only_itself() -> None:
    code = (
        "import sys, ssmkit\n"
        "def ours():\n"
        "    return sorted(m for m in sys.modules if m.startswith('ssmkit.'))\n"
        "ssmkit.Client\n"
        "print(' '.join(ours()))\n"
        "ssmkit.models.AssociationDescription\n"
        "print(' '.join(ours()))\n"
    )
    client, model = (set(line.split()) for line in _fresh(code).splitlines())
    # No model, nor what only some calls use.
    assert not {m for m in client if m.startswith("ssmkit.models.")} - {
        "ssmkit.models._base"
    }
    assert not client & {
        "ssmkit._changes",
        "ssmkit._schedules",
        "ssmkit._safe",
        "ssmkit._validate",
    }
    # A model loads its own module, and no other model nor its area.
    assert model - client == {
        "ssmkit.models._shapes",
        "ssmkit.models._shapes.association_description",
    }


def _fresh(code: str) -> str:
    """What ``code`` prints, run in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return result.stdout
