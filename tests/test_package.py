"""The public namespace: complete, sorted, typed."""

from __future__ import annotations

import importlib
import inspect
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
            # ssmkit.testing is an opt-in extra (it imports moto), never re-exported.
            or (inspect.ismodule(value) and name == "ssmkit" and attr != "testing")
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
