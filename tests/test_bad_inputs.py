"""Issue 9, point 8: the standing error corpus (cases in :mod:`corpus_helpers`).

Every bad, hostile or unusual input through the public API and the ``levelup`` command line
must give either the exact right result (checked against the raw mirror files read with plain
pandas, or a hand computation) or a ``geo.errors`` exception whose message names the argument;
from the command line, exit status 2 with one ``levelup: error:`` line and no traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import corpus_helpers as corpus
import pytest

import geo


def test_the_corpus_is_large_and_covers_the_public_api() -> None:
    assert len(corpus.CASES) >= 80
    assert len({case.id for case in corpus.CASES}) == len(corpus.CASES), "case ids must be unique"
    covered = {case.func.__name__ for case in corpus.CASES}
    wanted = {"aggregate", "disaggregate", "convert", "inequality", "decompose", "pockets", "hotspots", "compare", "deprivation_summary",
              "detect_level", "area", "lookup", "boundaries", "assign", "map", "plot", "export", "read_ess", "population", "contiguity", "main"}
    assert wanted <= covered, wanted - covered
    for case in corpus.CASES:
        if isinstance(case.expect, corpus.Raises):
            assert issubclass(case.expect.error, geo.LevelupError) and case.expect.match, case.id


@pytest.mark.parametrize("case", corpus.CASES, ids=[case.id for case in corpus.CASES])
def test_bad_input(case: corpus.Case) -> None:
    corpus.judge(case, corpus.outcome(case))


def test_inputs_are_not_mutated() -> None:
    data = corpus.two(["3", "4"], codes=[" E01000001", "E01000002 "])
    before = data.copy()
    geo.aggregate(data, to="lad24", value="crimes", kind="count")
    assert data.equals(before) and list(data.index) == [" E01000001", "E01000002 "]


def test_installed_levelup_exits_2_with_one_line(tmp_path: Path) -> None:
    """A real subprocess: the console script, a missing file, one line on stderr, no traceback."""
    script = Path(sys.executable).parent / "levelup"
    result = subprocess.run([str(script), "aggregate", str(tmp_path / "missing.csv"), "--value", "x", "--kind", "count", "--to", "lad24"],
                            capture_output=True, text=True, timeout=300, env=os.environ.copy(), check=False)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("levelup: error: INPUT"), result.stderr
    assert "Traceback" not in result.stderr


def test_installed_levelup_report_for_northern_ireland_is_one_line(tmp_path: Path) -> None:
    """The main job for a Northern Irish council with the default indicator (no small-area index there): one clear line."""
    script = Path(sys.executable).parent / "levelup"
    result = subprocess.run([str(script), "report", "--area", "N09000003", "--out", str(tmp_path / "cardiff")],
                            capture_output=True, text=True, timeout=300, env=os.environ.copy(), check=False)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 2, result.stderr[-2000:]
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("levelup: error:"), result.stderr
    assert not (tmp_path / "cardiff").exists()
