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


# --------------------------------------------------------------------------------------------
# errors in the user's terms (issue 9, point 6): API keywords become the options of the command


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("levelup: error: "), lines
    assert sum(line.startswith("levelup: error:") for line in lines) == 1, lines
    return lines[-1]


def test_every_spelling_is_an_option_of_its_command() -> None:
    """Each keyword -> option mapping of every command names an option or positional it really has."""
    from geo.cli import build_parser
    from geo.cli_terms import RENAMED, leaves, spellings

    commands = dict(leaves(build_parser()))
    assert ("report",) in commands and ("data", "fetch") in commands
    for path, parser in commands.items():
        typed = {s for a in parser._actions for s in a.option_strings} | {str(a.metavar or a.dest.upper()) for a in parser._actions if not a.option_strings}
        for keyword, spelling in spellings(parser, path[-1]).items():
            assert spelling.option in typed, f"levelup {' '.join(path)}: {keyword}= spelled {spelling.option}, which it lacks"
    for command in RENAMED:
        assert command == "*" or any(path[-1] == command for path in commands), command
    aggregate = spellings(commands[("aggregate",)], "aggregate")
    assert aggregate["min_coverage"].option == "--min-coverage" and aggregate["path"].option == "--out"
    assert "path" not in spellings(commands[("lookup",)], "lookup")  # lookup writes no file


def test_error_names_the_options_typed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.csv"
    pd.DataFrame({"LSOA21CD": ["E01000001", "E01000002"], "crimes": [3, 4]}).to_csv(data, index=False)
    mine = tmp_path / "mine.csv"
    mine.write_text("precious\n", encoding="utf-8")
    assert main(["aggregate", str(data), "--value", "crimes", "--kind", "count", "--to", "lad24", "--out", str(mine)]) == 2
    assert _error_line(capsys) == f"levelup: error: --out {mine} exists; pass --overwrite to replace it"
    assert mine.read_text(encoding="utf-8") == "precious\n"
    assert main(["aggregate", str(data), "--value", "crimes", "--kind", "count", "--to", "lad24", "--weight", "crimes"]) == 2
    assert _error_line(capsys) == "levelup: error: --weight applies to --kind mean or 'median'; a count needs none"
    unknown = tmp_path / "u.csv"
    pd.DataFrame({"LSOA21CD": ["E01000001", "E01999999"], "crimes": [3, 4]}).to_csv(unknown, index=False)
    assert main(["aggregate", str(unknown), "--value", "crimes", "--kind", "count", "--to", "lad24"]) == 2
    line = _error_line(capsys)
    assert "pass --report-unknown" in line and "errors=" not in line, line
    assert main(["aggregate", str(unknown), "--value", "crimes", "--kind", "count", "--to", "lad24", "--report-unknown"]) == 0
    assert main(["lookup", "itl1", "lsoa21"]) == 2
    assert _error_line(capsys).startswith("levelup: error: FROM itl1 does not nest in TO lsoa21: ")
    medians = tmp_path / "m.csv"
    pd.DataFrame({"LSOA21CD": ["E01000001", "E01000002"], "pay": [30.0, 40.0]}).to_csv(medians, index=False)
    assert main(["aggregate", str(medians), "--value", "pay", "--kind", "median", "--to", "lad24"]) == 2
    line = _error_line(capsys)
    assert "pass --approximate for the weighted median" in line and "approximate=" not in line, line
    assert main(["aggregate", str(medians), "--value", "pay", "--kind", "median", "--to", "lad24", "--approximate", "--weight", "pay"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), index_col=0)
    assert table.loc["E09000001", "pay"] == 40.0  # weights 30 and 40: half of 70 is reached at 40


def test_values_in_messages_are_left_as_they_are(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A column named like a keyword (``path=1``, ``value=x``) is quoted in the message and not rewritten."""
    data = tmp_path / "d.csv"
    pd.DataFrame({"LSOA21CD": ["E01000001", "E01000002"], "path=1": ["3", "lots"], "value=x y": ["1", "x"]}).to_csv(data, index=False)
    assert main(["aggregate", str(data), "--value", "path=1", "--kind", "count", "--to", "lad24"]) == 2
    assert _error_line(capsys) == "levelup: error: value column 'path=1' has non-numeric values: 'lots'"
    assert main(["aggregate", str(data), "--value", "value=x y", "--kind", "count", "--to", "lad24"]) == 2
    assert _error_line(capsys) == "levelup: error: value column 'value=x y' has non-numeric values: 'x'"


def test_in_cli_terms_by_hand() -> None:
    from geo.cli_terms import Spelling, in_cli_terms

    spelled = {"threshold": Spelling("--threshold"), "k": Spelling("--k"), "to": Spelling("--to"), "weight": Spelling("--weight", {"None": "--weight none"}),
               "overwrite": Spelling.flag("--overwrite"), "higher_is_better": Spelling.flag("--lower-is-better", on="False", off="True")}
    cases = {
        "pass a numeric threshold= (e.g. threshold=40), threshold='parent_mean'": "pass a numeric --threshold (e.g. --threshold 40), --threshold parent_mean",
        "k=0; expected a whole number >= 2": "--k 0; expected a whole number >= 2",
        "use geo.disaggregate(..., to='lsoa21') first": "use geo.disaggregate(..., to='lsoa21') first",  # another function's keyword
        "area 'x to=1' to='lad24'": "area 'x to=1' --to lad24",
        "England's 10 areas; to='a b'": "England's 10 areas; --to 'a b'",
        "higher_is_better=False draws high values dark": "--lower-is-better draws high values dark",
        "pass overwrite=True": "pass --overwrite",
        "kind='x'; pass top=1 or k==2 or geo.k=3 or --k=4": "kind='x'; pass top=1 or k==2 or geo.k=3 or --k=4",  # not keywords of the command
        "to='it\\'s'": "--to 'it\\'s'",
        "pass weight=None to weigh areas equally": "pass --weight none to weigh areas equally",
    }
    for message, expected in cases.items():
        assert in_cli_terms(message, spelled) == expected, message


def test_usage_errors_are_one_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["pockets", str(tmp_path / "x.csv"), "--value", "v"])
    assert stopped.value.code == 2
    assert _error_line(capsys) == "levelup: error: the following arguments are required: --worse (see levelup pockets --help)"
    with pytest.raises(SystemExit):
        main(["map", str(tmp_path / "x.csv"), "--value", "v", "--k", "two", "--out", str(tmp_path / "m.html")])
    assert "argument --k: invalid int value: 'two'" in _error_line(capsys)


def test_map_options_are_checked_before_the_data_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--k 0`` or an unknown ``--scheme`` is refused at once, not after the map is built."""
    def read(*args: object, **kwargs: object) -> None:
        raise AssertionError("the indicator was read before the options were checked")

    monkeypatch.setattr(geo.outputs.classes, "prepare", read)
    data = tmp_path / "d.csv"
    pd.DataFrame({"LSOA21CD": ["E01000001", "E01000002"], "v": [1.0, 2.0]}).to_csv(data, index=False)
    for option, expected in ((["--k", "0"], "levelup: error: --k 0; expected a whole number >= 2"),
                             (["--scheme", "rainbow"], "levelup: error: --scheme rainbow; expected one of mapclassify's")):
        assert main(["map", str(data), "--value", "v", *option, "--out", str(tmp_path / "m.html")]) == 2
        assert _error_line(capsys).startswith(expected)
    assert not (tmp_path / "m.html").exists()


def test_report_refuses_unknown_codes_in_its_terms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A report's CSV with a code of no level: one line naming --indicator and the code, no
    ``errors=`` hint (the report command has no such option)."""
    lookup = pd.read_csv(Path(os.environ["LEVELUP_MIRROR"]) / "lookups/LSOA21_WD24_LAD24_EW_LU.csv", dtype=str)
    codes = [*lookup.loc[lookup["LAD24CD"] == "E09000001", "LSOA21CD"], "E01999999"]
    path = tmp_path / "u.csv"
    pd.DataFrame({"LSOA21CD": codes, "score": range(len(codes))}).to_csv(path, index=False)
    out = tmp_path / "r"
    assert main(["report", "--area", "City of London", "--indicator", str(path), "--higher-is-better", "no", "--threshold", "3", "--out", str(out)]) == 2
    line = _error_line(capsys)
    assert line.startswith(f"levelup: error: --indicator '{path}': 1 codes are in no level's code list ('E01999999')"), line
    assert "errors=" not in line and not out.exists()
