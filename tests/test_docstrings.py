"""Every example in the package's docstrings runs and prints what it shows (on the mirror), and
the public API has examples: a module without one, or a public function or class without one
in its own docstring, fails."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

import geo

MODULES = sorted(info.name for info in pkgutil.walk_packages(geo.__path__, "geo.") if info.name != "geo.__main__")
FINDER = doctest.DocTestFinder(recurse=False)  # the object's own docstring only

#: Exception classes are documented by their one-line purpose and by the examples of the
#: functions that raise them; they have no behaviour of their own to show.
EXEMPT = {f"geo.errors.{name}" for name in dir(geo.errors) if name.endswith("Error")}

def _public(module: ModuleType) -> dict[str, object]:
    """Functions and classes defined in ``module`` whose names do not start with ``_``."""
    return {
        f"{module.__name__}.{name}": value
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isfunction(value) or inspect.isclass(value))
        and getattr(value, "__module__", None) == module.__name__
    }


def _has_example(obj: object) -> bool:
    return any(test.examples for test in FINDER.find(obj))


def _without_examples() -> set[str]:
    missing = set()
    for name in MODULES:
        for qualified, value in _public(importlib.import_module(name)).items():
            if qualified not in EXEMPT and not _has_example(value):
                missing.add(qualified)
    return missing


def test_every_module_is_collected() -> None:
    """The walk reaches into the layer sub-packages: every .py file of the package is collected,
    the sub-packages' own ``__init__`` docstrings too."""
    assert {"geo.moving.aggregation", "geo.statistics.pockets", "geo.outputs.maps", "geo.catalogue", "geo.data.csvsafe", "geo.data.readers"} <= set(MODULES)
    assert {"geo.data", "geo.geography", "geo.moving", "geo.statistics", "geo.outputs"} <= set(MODULES)
    root = Path(geo.__file__).parent
    files = {".".join(("geo", *path.relative_to(root).with_suffix("").parts)).removesuffix(".__init__")
             for path in root.rglob("*.py")}
    assert files - {"geo", "geo.__main__"} <= set(MODULES), sorted(files - set(MODULES))  # geo itself: not a sub-module
    assert len(files) >= 45, sorted(files)


def test_the_public_api_has_examples() -> None:
    """Everything ``import geo`` exports (functions and classes) shows an example."""
    exported = {name: getattr(geo, name) for name in geo.__all__}
    assert set(geo.__all__) <= set(dir(geo))
    lacking = [
        name for name, value in exported.items()
        if (inspect.isfunction(value) or inspect.isclass(value))
        and f"{value.__module__}.{value.__name__}" not in EXEMPT
        and not _has_example(value)
    ]
    assert lacking == [], f"geo.{', geo.'.join(lacking)} have no example in their docstrings"
    assert _has_example(geo.settings), "geo.settings (a module) has no example"


def test_every_public_function_and_class_has_an_example() -> None:
    missing = sorted(_without_examples())
    assert missing == [], f"public functions or classes without an Examples section: {missing}"


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # examples that write files write here
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, verbose=False, globs={"geo": geo, **vars(module)})
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed (output above)"
    if _public(module) or name in {"geo", "geo.settings"}:  # not a data folder (geo.catalogue.lookups: TOML files only)
        assert result.attempted > 0, f"{name} has no docstring example: a module of the package must show one"
