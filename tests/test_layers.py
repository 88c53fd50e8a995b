"""The package's layers import one way: data <- geography <- moving <- statistics <- outputs.

Every module's ``from geo... import`` / ``import geo...`` statements (lazy imports inside
functions too) are parsed with ``ast``; a module may import from its own layer and the layers
below it, never from a later one. ``geo.errors``, ``geo.settings`` and ``geo.catalogue`` are
the lowest layer; ``geo.cli``, ``geo.cli_terms`` and ``geo.fetch`` (the back end of
``levelup data fetch``, which builds levels and ESS products) the highest; ``geo/__init__.py``
gathers the public API and is not checked.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import geo

PACKAGE = Path(geo.__file__).parent
ORDER = ["base", "data", "geography", "moving", "statistics", "outputs", "commands"]
TOP = {"errors": "base", "settings": "base", "catalogue": "base", "cli": "commands", "cli_terms": "commands", "fetch": "commands"}
#: names ``from geo import`` may give that are not modules (the version lives in geo/__init__.py)
PACKAGE_ATTRIBUTES = {"__version__"}


def _layer(module: str) -> str:
    """The layer of a dotted module name (``geo.moving.inputs`` -> ``moving``)."""
    parts = module.split(".")
    assert parts[0] == "geo" and len(parts) >= 2, module
    if parts[1] in ORDER[1:-1]:
        return parts[1]
    assert parts[1] in TOP, f"{module}: a top-level module of no layer; add it to a sub-package or to TOP"
    return TOP[parts[1]]


def _dotted(path: Path) -> str:
    return ".".join(("geo", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) for each package module a source imports (``from geo.x import y``: ``geo.x``,
    or ``geo.x.y`` when ``y`` is a module of ``geo.x``)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "geo"]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "geo" and node.level == 0:
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                is_module = (PACKAGE.joinpath(*name.split(".")[1:]).with_suffix(".py").is_file()
                             or PACKAGE.joinpath(*name.split(".")[1:], "__init__.py").is_file())
                if node.module == "geo" and not is_module:
                    assert alias.name in PACKAGE_ATTRIBUTES, f"line {node.lineno}: from geo import {alias.name} (not a module)"
                    continue
                found.append((node.lineno, name if is_module else node.module))
    return found


SOURCES = sorted(path for path in PACKAGE.rglob("*.py") if path != PACKAGE / "__init__.py")


def test_every_module_has_a_layer() -> None:
    assert len(SOURCES) >= 45
    layers = {_dotted(path): _layer(_dotted(path)) for path in SOURCES}
    assert set(layers.values()) == set(ORDER), sorted(set(layers.values()))
    assert layers["geo.moving.weights"] == "moving" and layers["geo.geography.population"] == "geography"
    assert layers["geo.catalogue"] == "base" and layers["geo.cli"] == "commands"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: _dotted(p))
def test_imports_flow_one_way(path: Path) -> None:
    module = _dotted(path)
    mine = ORDER.index(_layer(module))
    tree = ast.parse(path.read_text(encoding="utf-8"))
    wrong = [f"line {line}: {name} ({_layer(name)})" for line, name in _imported(tree)
             if name != "geo" and ORDER.index(_layer(name)) > mine]
    assert wrong == [], f"{module} ({ORDER[mine]}) imports from a later layer: {wrong}"


def test_the_check_sees_a_wrong_way_import() -> None:
    """The parser is not blind: a geography module importing the moving layer, lazily too, is caught."""
    source = "from geo.moving.inputs import prepare\ndef f():\n    from geo.statistics import pockets\nimport geo.outputs.report\n"
    found = sorted((line, name, _layer(name)) for line, name in _imported(ast.parse(source)))
    assert found == [(1, "geo.moving.inputs", "moving"), (3, "geo.statistics.pockets", "statistics"),
                     (4, "geo.outputs.report", "outputs")]
