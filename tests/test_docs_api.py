"""The API reference (docs/api.rst) lists every name ``import geo`` exports, so a new export
cannot go undocumented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import geo

API = Path(__file__).resolve().parents[1] / "docs" / "api.rst"


def _documented(path: Path = API) -> set[str]:
    """Names the reference documents: autosummary entries (``name`` or ``module.name``, whose
    first part counts too: ``settings.get_mirror`` documents ``settings``) and automodule targets."""
    names: set[str] = set()
    for line in path.read_text().splitlines():
        entry = re.fullmatch(r"   ([A-Za-z_][\w.]*)", line)  # an autosummary item: three spaces, one dotted name
        if entry:
            names.add(entry.group(1))
            names.add(entry.group(1).split(".")[0])
        module = re.fullmatch(r"\.\. automodule:: geo\.([\w.]+)", line.strip())
        if module:
            names.add(module.group(1))
    return names


def test_every_export_is_in_the_api_reference() -> None:
    missing = sorted(set(geo.__all__) - _documented())
    assert not missing, f"docs/api.rst lacks {missing}: add each to an autosummary list of the API reference"


def test_the_reference_lists_only_real_names() -> None:
    # the other way round: a listed name that import geo no longer has would be a broken page
    for name in _documented():
        target: object = geo
        for part in name.split("."):
            target = getattr(target, part)
        assert target is not None


@pytest.mark.parametrize("name", ["missions", "scorecard", "LevelupError", "settings"])
def test_the_check_reads_the_reference(name: str) -> None:
    # the parser finds names of each kind (a function, an error class, a module documented by
    # automodule and its functions), so the test above could fail
    assert name in _documented()


def test_the_check_would_catch_a_missing_name(tmp_path: Path) -> None:
    trimmed = tmp_path / "api.rst"
    trimmed.write_text(re.sub(r"^   scorecard\n", "", API.read_text(), flags=re.M))
    assert "missions" in _documented(trimmed)
    assert "scorecard" in set(geo.__all__) - _documented(trimmed)
