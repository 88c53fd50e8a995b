"""`levelup report` for every kind of area: no pocket, other nations, partial data, safe output
folders, leftovers of killed runs, the all-areas batch, and no global state changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import folium
import pandas as pd
import pyogrio
import pytest

import geo
from geo.cli import main
from geo.data import atomic
from geo.outputs import report_batch
from geo.outputs.report import MARKER, build_report, prepare_report

FILES = ("index.html", "map.html", "map.png", "pockets.gpkg", "summary.csv", "inequality.csv", MARKER)


@pytest.fixture(scope="module")
def raw(mirror: Path) -> pd.DataFrame:
    """The IoD2025 file and the ONS LSOA-to-district lookup, read with plain pandas."""
    iod = pd.read_csv(mirror / "indicators/IoD2025_LSOA21_EN_scores_ranks_deciles.csv")
    lad = pd.read_csv(mirror / "lookups/LSOA21_WD24_LAD24_EW_LU.csv", usecols=["LSOA21CD", "LAD24CD"]).drop_duplicates("LSOA21CD")
    return iod.merge(lad, on="LSOA21CD", how="left")


def _wide(csv: Path, column: str = "value") -> pd.DataFrame:
    """A tidy summary.csv back in wide form: one row per code, one column per measure."""
    tidy = pd.read_csv(csv)
    return tidy.pivot_table(index="code", columns="measure", values=column, aggfunc="first", sort=False, dropna=False)


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("levelup: error: ") and "\n" not in err and "Traceback" not in err, err
    return err


def test_an_area_with_no_pocket_gets_a_full_pack_saying_so(tmp_path: Path, raw: pd.DataFrame) -> None:
    rutland = raw[raw["LAD24CD"] == "E06000017"]
    assert len(rutland) == 26 and rutland["IMD_decile"].min() > 1  # from the raw file: no LSOA in decile 1
    out = tmp_path / "rutland"
    assert main(["report", "--area", "Rutland", "--out", str(out)]) == 0
    for name in FILES:
        assert (out / name).is_file() and (out / name).stat().st_size > 50, name
    text = (out / "index.html").read_text()
    assert ("No LSOA in Rutland (district) is among England&#x27;s most deprived 10 % of neighbourhoods (LSOAs) on the IMD score "
            "(IoD2025)") in text
    assert "so Rutland has no pocket on this measure" in text
    layers = dict(pyogrio.list_layers(out / "pockets.gpkg"))
    assert set(layers) == {"areas", "pockets", "outlines", "summary", "inequality"}
    found = pyogrio.read_dataframe(out / "pockets.gpkg", layer="pockets")
    assert len(found) == 0 and {"number", "name", "pocket_id", "codes", "n_areas", "population", "value", "parent", "hidden"} <= set(found.columns)
    areas = pyogrio.read_dataframe(out / "pockets.gpkg", layer="areas")
    assert sorted(areas["code"]) == sorted(rutland["LSOA21CD"])
    assert "Pockets (worst 10%): none in Rutland" in (out / "map.html").read_text()
    assert json.loads((out / MARKER).read_text())["code"] == "E06000017"


def test_a_welsh_district_with_the_english_index_is_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The default follows the nation (tests/test_nations.py); the English index named for a Welsh area is refused."""
    assert main(["report", "--area", "Cardiff", "--indicator", "iod2025", "--out", str(tmp_path / "cardiff")]) == 2
    err = _one_line_error(capsys)
    assert "covers England only (33,755 LSOAs); Cardiff is in Wales, whose own index is the WIMD 2019" in err
    assert "leave --indicator out, or pass --indicator" in err
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(geo.CoverageError, match=r"covers England only .*Cardiff is in Wales"):
        build_report("W06000015", tmp_path / "cardiff", indicator="iod2025")


def test_a_scottish_area_with_an_lsoa_indicator_is_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--area", "Glasgow City", "--indicator", "iod2025", "--out", str(tmp_path / "glasgow")]) == 2
    err = _one_line_error(capsys)
    assert "is in Scotland, which has no LSOAs" in err and "pass --level dz11" in err
    assert main(["report", "--area", "TLM", "--indicator", "iod2025", "--out", str(tmp_path / "scotland")]) == 2
    assert "'Scotland' (itl1 TLM) has no LSOAs" in _one_line_error(capsys)
    assert main(["report", "--area", "TLM", "--level", "lsoa21", "--out", str(tmp_path / "scotland")]) == 2
    assert "the Scottish Index of Multiple Deprivation 2020 is mapped on dz11" in _one_line_error(capsys)
    assert list(tmp_path.iterdir()) == []


def test_region_of_a_welsh_area_is_its_nation() -> None:
    from geo.outputs.report import _region_and_nation

    assert _region_and_nation(geo.area("Cardiff")) == [geo.Area("ctry", "W92000004", "Wales")]
    assert [a.code for a in _region_and_nation(geo.area("Glasgow City"))] == ["S92000003"]
    assert [a.code for a in _region_and_nation(geo.area("County Durham"))] == ["E12000001", "E92000001"]
    assert [a.code for a in _region_and_nation(geo.area("TLC"))] == ["E92000001"]


@pytest.fixture(scope="module")
def one_council(tmp_path_factory: pytest.TempPathFactory, raw: pd.DataFrame) -> Path:
    """A user's CSV with the IMD score of County Durham's 330 LSOAs only."""
    path = tmp_path_factory.mktemp("csv") / "durham.csv"
    raw.loc[raw["LAD24CD"] == "E06000047", ["LSOA21CD", "IMD_score"]].rename(columns={"IMD_score": "score"}).to_csv(path, index=False)
    return path


def test_a_csv_of_one_council_gets_no_national_threshold(one_council: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["report", "--area", "County Durham", "--indicator", str(one_council), "--higher-is-better", "no"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 2
    err = _one_line_error(capsys)
    assert "330 of England's 33,755 lsoa21 areas (1.0 %)" in err and "--threshold" in err
    assert main([*args, "--threshold", "national_decile_1", "--out", str(tmp_path / "a")]) == 2
    assert "--threshold national_decile_1 needs data for a whole nation" in _one_line_error(capsys)
    with pytest.raises(geo.CoverageError, match=r"330 of England's 33,755 .*threshold="):
        prepare_report(str(one_council), higher_is_better=False)
    assert not (tmp_path / "a").exists()


def test_a_csv_of_one_council_with_a_numeric_threshold_blanks_national_cells(one_council: Path, tmp_path: Path, raw: pd.DataFrame,
                                                                             mirror: Path) -> None:
    out = tmp_path / "durham"
    assert main(["report", "--area", "County Durham", "--indicator", str(one_council), "--higher-is-better", "no",
                 "--threshold", "40", "--out", str(out)]) == 0
    durham = raw[raw["LAD24CD"] == "E06000047"]
    found = pyogrio.read_dataframe(out / "pockets.gpkg", layer="pockets")
    assert found["n_areas"].sum() == (durham["IMD_score"] >= 40).sum()  # every LSOA at or above 40, each in one pocket
    assert found["hidden"].isna().all()  # no national average from one council
    summary, notes = _wide(out / "summary.csv"), _wide(out / "summary.csv", "note")
    assert list(summary.index) == ["E06000047", "E12000001", "E92000001"]
    score = [c for c in summary.columns if c.startswith("score")]
    assert len(score) == 1
    summary, notes = summary.rename(columns={score[0]: "score"}), notes.rename(columns={score[0]: "score"})
    people = pd.read_csv(mirror / "indicators/Census2021_usual_residents_LSOA21_EW.csv").set_index("LSOA21CD")["usual_residents_2021"]
    weights = people.reindex(durham["LSOA21CD"]).to_numpy()
    assert summary.loc["E06000047", "score"] == pytest.approx((durham["IMD_score"].to_numpy() * weights).sum() / weights.sum(), abs=0.005)
    regions = pd.read_csv(mirror / "lookups/LAD24_RGN24_EN_LU.csv").set_index("LAD24CD")["RGN24CD"]
    north_east = int((raw["LAD24CD"].map(regions) == "E12000001").sum())
    for code, held, total in (("E12000001", 330, north_east), ("E92000001", 330, 33_755)):
        assert pd.isna(summary.loc[code, "score"])
        assert f"has values for {held:,} of its {total:,} LSOAs" in notes.loc[code, "score"]
    text = (out / "index.html").read_text()
    assert "not a whole nation" in text and "at or above 40" in text


def test_a_csv_without_a_direction_is_refused(one_council: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--area", "County Durham", "--indicator", str(one_council), "--threshold", "40", "--out", str(tmp_path / "x")]) == 2
    assert "Pass --higher-is-better yes" in _one_line_error(capsys)
    with pytest.raises(geo.InputError, match=r"higher_is_better= is needed for 'durham.csv'.*higher_is_better=True .*or higher_is_better=False"):
        build_report("County Durham", tmp_path / "x", indicator=str(one_council), threshold=40)
    assert not (tmp_path / "x").exists()


def test_overwrite_never_replaces_a_folder_that_is_not_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    precious = tmp_path / "work"
    precious.mkdir()
    (precious / "budget.xlsx").write_bytes(b"numbers")
    assert main(["report", "--area", "Rutland", "--out", str(precious), "--overwrite"]) == 2
    assert "is not a levelup report (no .levelup-report file)" in _one_line_error(capsys)
    assert sorted(p.name for p in precious.iterdir()) == ["budget.xlsx"] and (precious / "budget.xlsx").read_bytes() == b"numbers"
    assert [p.name for p in tmp_path.iterdir()] == ["work"]  # no staging folder left beside it
    with pytest.raises(geo.InputError, match=r"--out .* is not a levelup report"):
        build_report("Rutland", precious, overwrite=True)


def test_overwrite_refuses_the_working_folder_and_its_parents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    here = tmp_path / "a" / "b"
    here.mkdir(parents=True)
    (here / "notes.txt").write_text("keep")
    monkeypatch.chdir(here)
    for out, what in ((".", "the working folder"), ("..", "a parent of the working folder"), (str(tmp_path), "a parent")):
        assert main(["report", "--area", "Rutland", "--out", out, "--overwrite"]) == 2
        assert what in _one_line_error(capsys)
    with pytest.raises(geo.InputError, match=r"--out '~' is the home folder"):
        build_report("Rutland", "~", overwrite=True)
    assert (here / "notes.txt").read_text() == "keep" and sorted(p.name for p in tmp_path.iterdir()) == ["a"]


def test_a_previous_report_is_replaced_only_with_overwrite_and_an_empty_folder_is_used(tmp_path: Path) -> None:
    out = tmp_path / "r"
    out.mkdir()  # empty: nothing to lose
    assert main(["report", "--area", "Rutland", "--out", str(out)]) == 0
    first = json.loads((out / MARKER).read_text())["written"]
    (out / "old-extra.txt").write_text("from the previous report")
    assert main(["report", "--area", "Rutland", "--out", str(out)]) == 2  # a report is there: needs --overwrite
    assert (out / "old-extra.txt").exists()
    assert main(["report", "--area", "Rutland", "--out", str(out), "--overwrite"]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES) and json.loads((out / MARKER).read_text())["written"] >= first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]  # neither staging nor set-aside folders left


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_leftovers_of_killed_runs_are_cleaned_but_not_a_running_one(tmp_path: Path) -> None:
    import socket

    host = socket.gethostname()
    dead = tmp_path / ".r.levelup-staging-dead"
    live = tmp_path / ".r.levelup-staging-live"
    stranger = tmp_path / ".r.something-else"
    for folder, pid in ((dead, _dead_pid()), (live, os.getpid()), (stranger, _dead_pid())):
        folder.mkdir()
        (folder / ".pid").write_text(f"{pid} {host}")
        (folder / "index.html").write_text("half")
    assert main(["report", "--area", "Rutland", "--out", str(tmp_path / "r")]) == 0
    assert not dead.exists() and live.exists() and stranger.exists()
    old = tmp_path / ".r.levelup-staging-old"
    old.mkdir()
    os.utime(old, (0, 0))  # no pid file, older than an hour
    assert atomic.clean_leftovers(tmp_path / "r") == [old] and live.exists()


def test_a_run_killed_between_the_two_renames_loses_nothing(tmp_path: Path) -> None:
    import socket

    aside = tmp_path / ".r.levelup-old-x"
    aside.mkdir()
    (aside / "index.html").write_text("the previous report")
    (aside / ".pid").write_text(f"{_dead_pid()} {socket.gethostname()}")
    atomic.clean_leftovers(tmp_path / "r")
    assert (tmp_path / "r" / "index.html").read_text() == "the previous report" and not aside.exists()
    assert not (tmp_path / "r" / ".pid").exists()


def test_all_areas_writes_or_refuses_each_area(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    table = report_batch.report_all(["itl1", "lad24"], tmp_path / "all", codes=["TLC", "TLN", "E06000017", "W06000015", "N09000003"])
    assert table[["level", "code", "outcome"]].values.tolist() == [
        ["itl1", "TLC", "written"], ["itl1", "TLN", "refused"],
        ["lad24", "E06000017", "written"], ["lad24", "N09000003", "refused"], ["lad24", "W06000015", "written"],
    ]
    assert (tmp_path / "all" / "itl1" / "TLC" / "index.html").is_file() and not (tmp_path / "all" / "itl1" / "TLN").exists()
    assert "WIMD 2019" in (tmp_path / "all" / "lad24" / "W06000015" / "index.html").read_text()
    assert table.loc[1, "reason"].startswith("--area 'Northern Ireland' has no small-area")
    assert "\n" not in "".join(table["reason"])
    assert pd.read_csv(tmp_path / "all" / "outcomes.csv", index_col=0)["outcome"].tolist() == table["outcome"].tolist()

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(report_batch, "write_report", broken)
    capsys.readouterr()
    with pytest.raises(SystemExit) as stopped:
        main(["report", "--all-areas", "itl1", "--out", str(tmp_path / "crash")])
    assert stopped.value.code == 1
    shown = capsys.readouterr()
    assert "crashed" in shown.out and "RuntimeError: a bug" in shown.out and "11 areas crashed" in shown.err  # Northern Ireland: refused
    assert main(["report", "--all-areas", "itl1", "--out", ".", "--overwrite"]) == 2


def test_import_and_plot_leave_the_matplotlib_backend_alone(tmp_path: Path) -> None:
    script = (
        "import matplotlib; matplotlib.use('svg')\n"
        "import geo\n"
        "iod = geo.data.products.load('iod2025')\n"
        "fig = geo.plot(iod, code='LSOA21CD', value='IMD_score', within='E06000017', higher_is_better=False)\n"
        f"geo.export(fig, {str(tmp_path / 'r.png')!r})\n"
        "import matplotlib.pyplot as plt\n"
        "print(matplotlib.get_backend(), plt.get_fignums())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, env=os.environ, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[-2] == "svg []"
    assert (tmp_path / "r.png").stat().st_size > 10_000


class _Recording(dict):  # type: ignore[type-arg]
    """A dict that records every change (folium's shared Jinja policies)."""

    changes: list[str]

    def __setitem__(self, key: str, value: object) -> None:
        self.changes.append(key)
        super().__setitem__(key, value)


def test_to_html_leaves_folium_and_jinja_settings_alone(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    environment = folium.GeoJson._template.environment
    recording = _Recording(environment.policies)
    recording.changes = []
    monkeypatch.setattr(environment, "policies", recording)
    users = folium.Map(location=[54.7, -1.6], zoom_start=9, tiles=None)
    folium.GeoJson({"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [-1.6, 54.7]}}).add_to(users)
    before = users.get_root().render()
    iod = geo.data.products.load("iod2025")
    m = geo.map(iod, code="LSOA21CD", value="IMD_score", within="E06000017", higher_is_better=False)
    page = geo.outputs.maps.to_html(m, tmp_path / "m.html")
    assert recording.changes == [] and dict(recording) == dict(environment.policies)
    assert '"n_shapes":' in page and '"fill":false,' in page  # the package's layers are compact all the same (topology, outline style)
    users2 = folium.Map(location=[54.7, -1.6], zoom_start=9, tiles=None)
    folium.GeoJson({"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [-1.6, 54.7]}}).add_to(users2)
    after = users2.get_root().render()
    assert len(after) == len(before) and '"coordinates": [-1.6, 54.7]' in after  # the user's map: folium's own settings


def test_an_area_partly_covered_by_the_data_says_what_it_covers(one_council: Path, tmp_path: Path, raw: pd.DataFrame, mirror: Path) -> None:
    out = tmp_path / "ne"
    assert main(["report", "--area", "North East", "--indicator", str(one_council), "--higher-is-better", "no",
                 "--threshold", "parent_mean", "--out", str(out)]) == 0
    regions = pd.read_csv(mirror / "lookups/LAD24_RGN24_EN_LU.csv").set_index("LAD24CD")["RGN24CD"]
    north_east = int((raw["LAD24CD"].map(regions) == "E12000001").sum())
    text = (out / "index.html").read_text()
    assert f"has values for 330 of the {north_east:,} LSOAs in North East; the other {north_east - 330:,} are shown as “no data”" in text
    summary, notes = _wide(out / "summary.csv"), _wide(out / "summary.csv", "note")
    score = next(c for c in summary.columns if c.startswith("score"))
    assert notes.loc["E12000001", score] == f"from the 330 of its {north_east:,} LSOAs that have a value"
    assert pd.isna(summary.loc["E92000001", score])
    found = pyogrio.read_dataframe(out / "pockets.gpkg", layer="pockets")
    assert set(found["parent"]) == {"E06000047"}  # pockets only where there are data
