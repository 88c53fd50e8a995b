"""The ``levelup`` command line, run as an installed console script."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import geo
from geo.cli import main

LEVELUP = Path(sys.executable).parent / "levelup"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LEVELUP), *args], check=False, input=stdin, capture_output=True, text=True, timeout=300, env=os.environ.copy())


def test_installed_package_is_the_one_tested() -> None:
    if os.environ.get("LEVELUP_TEST_INSTALLED") == "1":  # set by `make test`
        assert "site-packages" in str(geo.__file__), geo.__file__
        assert (Path(geo.__file__).parent / "catalogue/lookups/levels.toml").is_file()
        assert (Path(geo.__file__).parent / "py.typed").is_file()


def test_levels_command_runs_from_the_installed_script() -> None:
    result = run("levels")
    assert result.returncode == 0, result.stderr
    assert "lsoa21" in result.stdout and "35672" in result.stdout and "E06/E07/E08/E09/W06/S12/N09" in result.stdout


def test_levels_csv(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["levels", "--csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), index_col="id")
    assert table.loc["itl1", "areas"] == 12


def test_lookup_command_with_codes_as_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "lsoa21", "itl1", "E01000001", "W01000003"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert table.to_dict("list") == {"lsoa21": ["E01000001", "W01000003"], "itl1": ["TLI", "TLL"], "itl1_name": ["London", "Wales"]}


def test_lookup_command_reads_codes_on_stdin() -> None:
    result = run("lookup", "lad", "county", stdin="LAD24CD\nE07000008\nE06000047\n")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    assert table["utla23"].tolist() == ["E10000003", "E06000047"]


def test_lookup_command_errors_are_clear(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "lsoa21", "itl1", "E01999999"]) == 2
    assert "CODES: 1 codes are not lsoa21 areas" in capsys.readouterr().err
    assert main(["lookup", "pfa", "utla"]) == 2
    assert "does not nest" in capsys.readouterr().err


def test_data_status_and_fetch(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "fetch", "pfa24"]) == 0
    assert "ready: pfa24 (43 areas" in capsys.readouterr().out
    assert main(["data", "status"]) == 0
    out = capsys.readouterr().out
    assert "boundaries/pfa24" in out and "products/pfa20_buc" in out
    assert main(["data", "fetch"]) == 2
    assert "give one LEVEL, --product ID or --all" in capsys.readouterr().err


def test_area_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["area", "county durham"]) == 0
    assert capsys.readouterr().out.strip() == "lad24\tE06000047\tCounty Durham"
