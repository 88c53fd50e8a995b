"""Every example in the package's docstrings runs and prints what it shows (on the mirror)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import geo

MODULES = sorted(info.name for info in pkgutil.walk_packages(geo.__path__, "geo.") if info.name != "geo.__main__")


def test_every_module_is_collected() -> None:
    assert {"geo.aggregation", "geo.pockets", "geo.maps", "geo.catalogue"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # examples that write files write here
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, verbose=False, globs={"geo": geo, **vars(module)})
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed (output above)"
