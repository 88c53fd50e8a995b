"""Maps, static plots, exports and `levelup report`, checked in headless Chromium."""

from __future__ import annotations

import io
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from browser import visit
from PIL import Image

import geo
from geo.cli import main
from geo.moving.ess import at_level
from geo.outputs import classes
from geo.outputs.classes import outline_shapes
from geo.outputs.report import build_report

XSS = '<img src=x onerror="window.__xss=1">'
OPEN_TOOLTIPS = """() => {
  const layers = Object.keys(window).filter(k => k.startsWith('geo_json_') && window[k] && window[k].eachLayer).map(k => window[k]);
  layers[0].eachLayer(l => { l.openTooltip(l.getBounds().getCenter()); });
  const tips = Array.from(document.querySelectorAll('.leaflet-tooltip')).map(t => t.textContent);
  return {tips: tips, xss: window.__xss === undefined ? null : window.__xss, imgs: document.querySelectorAll('.leaflet-tooltip img').length};
}"""


@pytest.fixture(scope="module")
def iod(mirror: Path) -> pd.DataFrame:
    return pd.read_csv(mirror / "indicators/IoD2025_LSOA21_EN_scores_ranks_deciles.csv")


def _wide(csv: Path, column: str = "value") -> pd.DataFrame:
    """A tidy summary.csv or inequality.csv back in wide form: one row per code, one column per measure."""
    tidy = pd.read_csv(csv)
    return tidy.pivot_table(index="code", columns="measure", values=column, aggfunc="first", sort=False, dropna=False)


def _varied(png: Path, minimum_colours: int = 20) -> None:
    image = Image.open(png).convert("RGB")
    colours = len(image.getcolors(maxcolors=1 << 24) or [])
    assert image.size[0] >= 800 and image.size[1] >= 600
    assert colours >= minimum_colours, f"{png.name} looks blank: {colours} colours"


def test_report_for_county_durham(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["report", "--area", "County Durham", "--out", str(out)]) == 0
    for name in ("index.html", "map.html", "map.png", "pockets.gpkg", "summary.csv", "inequality.csv"):
        assert (out / name).is_file() and (out / name).stat().st_size > 100, name
    _varied(out / "map.png")
    layers = dict(pyogrio.list_layers(out / "pockets.gpkg"))
    assert set(layers) == {"areas", "pockets", "outlines", "summary", "inequality"}
    summary = _wide(out / "summary.csv")
    assert list(summary.index) == ["E06000047", "E12000001", "E92000001"]
    assert summary.loc["E06000047", "share of LSOAs in the most deprived 10 %"] == pytest.approx(100 * 56 / 330, abs=0.005)
    text = (out / "index.html").read_text()
    assert "522,063" in text and "17.0 %" in text  # County Durham's population and share, as a paper shows them
    assert re.search(r"people in County Durham \(district\) live in \d+ pockets .* \d+ in all, with [\d,]+ residents", text)
    assert "Pockets (worst 10%)" in (out / "map.html").read_text()
    page = visit(out / "index.html", tmp_path / "index.png", wait_for="iframe")
    assert [m for m in page.messages if m[0] in ("error", "pageerror")] == []
    _varied(tmp_path / "index.png")
    shown = visit(out / "map.html", tmp_path / "map.png", script=OPEN_TOOLTIPS)
    assert shown.messages == [] and any("County Durham" in tip for tip in shown.result["tips"])
    assert main(["report", "--area", "County Durham", "--out", str(out)]) == 2  # refuses to overwrite


def test_failed_report_leaves_no_folder(tmp_path: Path) -> None:
    assert main(["report", "--area", "Nowhere-on-Sea", "--out", str(tmp_path / "r")]) == 2
    assert main(["report", "--area", "County Durham", "--indicator", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "r")]) == 2
    assert list(tmp_path.iterdir()) == []


def test_national_lsoa_map_is_small_enough_and_renders(iod: pd.DataFrame, tmp_path: Path) -> None:
    m = geo.map(iod, code="LSOA21CD", value="IMD_score", higher_is_better=False)
    page = tmp_path / "national.html"
    geo.export(m, page)
    size = page.stat().st_size
    assert size < 5_000_000, f"{size / 1e6:.1f} MB"  # issue 11: the areas as one topology
    count = "() => window[Object.keys(window).find(k => k.startsWith('geo_json_'))].getLayers().length"
    shown = visit(page, tmp_path / "national.png", script=count)
    assert [m for m in shown.messages if m[0] in ("error", "pageerror")] == []
    assert shown.result == len(geo.boundaries("lsoa21")) == 35_672  # every LSOA of England and Wales drawn
    _varied(tmp_path / "national.png")
    print(f"national LSOA map: {size / 1e6:.2f} MB, loaded in {shown.seconds:.1f} s")


def test_area_names_from_data_cannot_run_script(iod: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = classes.boundaries

    def poisoned(level: str, *, within: str | None = None) -> gpd.GeoDataFrame:
        layer = real(level, within=within).copy()
        layer.loc[layer.index[0], "name"] = XSS
        return layer

    monkeypatch.setattr(classes, "boundaries", poisoned)
    data = iod.assign(note=XSS)
    m = geo.map(data, code="LSOA21CD", value="IMD_score", within="E09000001", tooltip=["note"], title=XSS)
    page = tmp_path / "xss.html"
    geo.export(m, page)
    assert XSS not in page.read_text()
    shown = visit(page, tmp_path / "xss.png", script=OPEN_TOOLTIPS)
    assert shown.result["xss"] is None and shown.result["imgs"] == 0
    assert any(XSS in tip for tip in shown.result["tips"])  # shown as text


def test_static_plot(iod: pd.DataFrame, tmp_path: Path) -> None:
    found = geo.pockets(iod, code="LSOA21CD", value="IMD_score", worse="high")
    figure = geo.plot(iod, code="LSOA21CD", value="IMD_score", within="TLC", highlight=found[found["itl1"] == "TLC"], higher_is_better=False)
    for suffix in (".png", ".svg", ".pdf"):
        geo.export(figure, tmp_path / f"map{suffix}")
        assert (tmp_path / f"map{suffix}").stat().st_size > 10_000
    _varied(tmp_path / "map.png")
    # pockets elsewhere in England do not widen the view beyond the North East
    wide = geo.plot(iod, code="LSOA21CD", value="IMD_score", within="TLC", highlight=found, highlight_name="Pockets", higher_is_better=False)
    x0, y0, x1, y1 = geo.boundaries("lsoa21", within="TLC").total_bounds
    left, right = wide.axes[0].get_xlim()
    assert x0 - 0.05 * (y1 - y0) < left < x0 and x1 < right < x1 + 0.05 * (y1 - y0)
    labels = [t.get_text() for t in wide.axes[0].get_legend().get_texts()]
    assert labels[-1] == "Pockets" and len(labels) == 6
    assert any(t.get_text().endswith(" km") for t in wide.axes[0].texts)  # scale bar


def test_outlines_dissolved_through_finer_outlines_equal_direct_dissolve() -> None:
    shapes = geo.boundaries("lsoa21", within="TLC").geometry
    made = outline_shapes(shapes, "lsoa21", ["itl1", "lad", "pfa24", "utla23", "lsoa21"])
    assert list(made) == ["itl1", "lad24", "pfa24", "utla23"]  # order kept, aliases resolved, own level skipped
    assert {k: len(v) for k, v in made.items()} == {"itl1": 1, "lad24": 12, "pfa24": 3, "utla23": 12}
    parent = geo.lookup("lsoa21", "itl1").set_index("lsoa21")["itl1"].reindex(shapes.index)
    direct = gpd.GeoDataFrame({"itl1": parent.to_numpy()}, geometry=shapes.to_numpy(), crs=shapes.crs).dissolve("itl1").geometry
    assert direct.symmetric_difference(made["itl1"], align=True).area.max() < 1.0  # square metres
    assert made["itl1"].area.sum() == pytest.approx(shapes.area.sum())


def test_export_round_trips_through_pyogrio(iod: pd.DataFrame, tmp_path: Path) -> None:
    found = geo.pockets(iod, code="LSOA21CD", value="IMD_score", worse="high", min_population=5000)
    lads = geo.boundaries("lad24", within="TLC").reset_index()
    geo.export({"pockets": found, "districts": lads}, tmp_path / "pack.gpkg")
    for name, original in (("pockets", found), ("districts", lads)):
        back = pyogrio.read_dataframe(tmp_path / "pack.gpkg", layer=name)
        assert back.crs.to_epsg() == 27700
        pd.testing.assert_frame_equal(pd.DataFrame(back.drop(columns="geometry")),
                                      pd.DataFrame(original.reset_index(drop=True).drop(columns="geometry")), check_dtype=False)
        assert back.geometry.geom_equals(original.reset_index(drop=True).geometry).all()  # GPKG stores MultiPolygons
    geo.export(found, tmp_path / "pockets.parquet")
    back = gpd.read_parquet(tmp_path / "pockets.parquet")
    assert back.crs.to_epsg() == 27700 and back.drop(columns="geometry").equals(found.drop(columns="geometry"))
    geo.export(found, tmp_path / "pockets.geojson")
    assert pyogrio.read_dataframe(tmp_path / "pockets.geojson").crs.to_epsg() == 4326
    geo.export(found, tmp_path / "pockets.csv")
    assert len(pd.read_csv(tmp_path / "pockets.csv")) == len(found)


def test_export_errors(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [1]})
    geo.export(frame, tmp_path / "a.csv")
    with pytest.raises(geo.InputError, match=r"exists; pass overwrite=True"):
        geo.export(frame, tmp_path / "a.csv")
    geo.export(frame.assign(a=2), tmp_path / "a.csv", overwrite=True)
    assert pd.read_csv(tmp_path / "a.csv")["a"].tolist() == [2]
    with pytest.raises(geo.InputError, match=r"unknown extension '.xlsx'"):
        geo.export(frame, tmp_path / "a.xlsx")
    with pytest.raises(geo.InputError, match=r"a .gpkg file|must be a GeoDataFrame to go into a GeoPackage"):
        geo.export(frame, tmp_path / "a.gpkg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_map_errors(iod: pd.DataFrame) -> None:
    with pytest.raises(geo.InputError, match=r"scheme='rainbow'"):
        geo.map(iod, code="LSOA21CD", value="IMD_score", within="E09000001", scheme="rainbow")
    with pytest.raises(geo.InputError, match=r"tooltip column 'nope'"):
        geo.map(iod, code="LSOA21CD", value="IMD_score", within="E09000001", tooltip=["nope"])


def test_cli_commands(tmp_path: Path, mirror: Path, capsys: pytest.CaptureFixture[str]) -> None:
    iod = str(mirror / "indicators/IoD2025_LSOA21_EN_scores_ranks_deciles.csv")
    assert main(["pockets", iod, "--value", "IMD_score", "--worse", "high", "--out", str(tmp_path / "p.gpkg")]) == 0
    assert len(pyogrio.read_dataframe(tmp_path / "p.gpkg")) > 900
    assert main(["pockets", iod, "--value", "IMD_score", "--worse", "high", "--weight", "none", "--within", "itl1", "--out", str(tmp_path / "q.gpkg")]) == 0
    equal = pyogrio.read_dataframe(tmp_path / "q.gpkg")
    assert equal["parent"].str.startswith("TL").all() and equal["n_areas"].sum() == 3375
    assert main(["map", iod, "--value", "IMD_score", "--within", "E06000047", "--lower-is-better", "--out", str(tmp_path / "m.png")]) == 0
    _varied(tmp_path / "m.png")
    people = str(mirror / "indicators/Census2021_usual_residents_LSOA21_EW.csv")
    capsys.readouterr()
    assert main(["aggregate", people, "--value", "usual_residents_2021", "--kind", "count", "--to", "itl1"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), index_col="itl1")
    assert table["usual_residents_2021"].sum() == 59597576
    table.reset_index()[["itl1", "usual_residents_2021"]].to_csv(tmp_path / "itl.csv", index=False)
    assert main(["disaggregate", str(tmp_path / "itl.csv"), "--value", "usual_residents_2021", "--kind", "count", "--to", "lsoa21", "--out", str(tmp_path / "l.csv")]) == 0
    assert pd.read_csv(tmp_path / "l.csv")["usual_residents_2021"].sum() == pytest.approx(59597576)
    for command in ("report", "aggregate", "disaggregate", "pockets", "map"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        shown = capsys.readouterr().out
        assert shown.count("Example: levelup " + command) == 1  # once, after the options


def test_report_of_a_uk_wide_published_indicator(tmp_path: Path) -> None:
    out = tmp_path / "hle"
    args = ["report", "--area", "North West", "--indicator", "healthy-life-expectancy", "--value", "Female healthy life expectancy",
            "--higher-is-better", "yes"]
    assert main([*args, "--out", str(tmp_path / "lsoa")]) == 2  # not published for LSOAs: says which levels
    assert not (tmp_path / "lsoa").exists()
    # 151 of England's 153 counties: Cumberland and Westmorland and Furness are published under their old districts
    with pytest.raises(geo.CoverageError, match=r"151 of England's 153 utla23 areas \(98.7 %\).*pass a number as threshold="):
        build_report("North West", out, indicator="healthy-life-expectancy", value="Female healthy life expectancy",
                     level="utla23", within="itl1", higher_is_better=True)
    assert main([*args, "--level", "utla23", "--within", "itl1", "--threshold", "parent_mean", "--out", str(out)]) == 0
    summary = _wide(out / "summary.csv")
    assert list(summary.index) == ["E12000002", "E92000001"]  # the region and England, as published
    published, lower = summary.columns[0], summary.columns[1]
    assert published.startswith("Female healthy life expectancy") and lower.startswith("lower 95 % confidence limit of")
    assert set(pd.read_csv(out / "summary.csv")["unit"]) == {"published value"}
    assert summary[published].tolist() == [59.2, 61.3] and summary[lower].tolist() == [58.4, 61.0]
    found = gpd.read_file(out / "pockets.gpkg", layer="pockets")
    assert set(found["codes"]) >= {"E06000009"}  # Blackpool: the lowest female HLE in the North West
    text = (out / "index.html").read_text()
    assert "weigh every area equally" in text and "Female healthy life expectancy (2022–2024" in text
    assert "worse than the average of its ITL1 region" in text and "not a whole nation" in text
    assert found["hidden"].isna().all()  # no national comparison from partial national data
    inequality = _wide(out / "inequality.csv")
    notes = _wide(out / "inequality.csv", "note")
    assert inequality.loc["E12000002", "counties or unitary authorities with a value"] == 24 and notes.loc["E12000002", "worst area"].endswith("(E06000009)")


def test_pockets_of_uk_areas_weigh_equally_when_asked() -> None:
    hle = geo.read_ess("healthy-life-expectancy")
    one = hle[(hle["indicator"] == "Female healthy life expectancy") & (hle["period"] == "2022-01-01/P3Y")]
    table = at_level(one, "utla23", kind="mean")[["observation"]]
    with pytest.raises(geo.InputError, match=r"weight 'population' is missing.*S12.*pass weight=None"):
        geo.pockets(table, value="observation", level="utla23", within="itl1", worse="low")
    # HLE has no City of London or Isles of Scilly: 151 of 153 English utla23 areas, short of the 99 % national rule
    with pytest.raises(geo.CoverageError, match=r"151 of England's 153 utla23 areas"):
        geo.pockets(table, value="observation", level="utla23", within="itl1", worse="low", weight=None)
    found = geo.pockets(table, value="observation", level="utla23", within="itl1", worse="low", weight=None, threshold=60)
    assert found["n_areas"].sum() == found.attrs["areas_meeting_threshold"]
    scottish = found[found["itl1"] == "TLM"]
    assert len(scottish) and scottish["population"].isna().all()  # no Census 2021 E&W population: unknown, not zero
    english = found[found["itl1"].str.startswith("TL") & (found["itl1"] != "TLM") & (found["itl1"] != "TLN") & (found["itl1"] != "TLL")]
    assert english["population"].notna().all()
    one_area = found[found["n_areas"] == 1].iloc[0]
    assert one_area["value"] == table.loc[one_area["codes"], "observation"]


def test_report_of_district_medians_from_a_csv(tmp_path: Path) -> None:
    pay = geo.read_ess("gross-median-weekly-pay")
    districts = at_level(pay, "lad24", kind="median", period=max(pay["period"].unique()))
    districts[["observation"]].rename(columns={"observation": "weekly_pay"}).reset_index().to_csv(tmp_path / "pay.csv", index=False)
    out = tmp_path / "pay"
    assert main(["report", "--area", "North East", "--indicator", str(tmp_path / "pay.csv"), "--level", "lad24",
                 "--within", "itl1", "--kind", "median", "--higher-is-better", "yes", "--out", str(out)]) == 0
    summary = pd.read_csv(out / "summary.csv")
    assert summary["measure"].str.startswith("weekly_pay").all() and summary["unit"].eq("median").all()
    assert summary["value"].isna().all() and set(summary["note"]) == {"medians do not aggregate"}
    assert _wide(out / "inequality.csv").loc["E12000001", "districts with a value"] == 12


def test_a_published_indicator_under_old_district_codes_is_reported_not_averaged() -> None:
    from geo.outputs.report import load_indicator

    wellbeing = load_indicator("personal-wellbeing-estimates", value="Satisfaction", kind="mean", level="lad24", higher_is_better=True)
    assert "E06000063" not in wellbeing.frame.index  # Cumberland: formed in 2023 from districts published separately
    assert len(wellbeing.caveats) == 1 and "17 areas are published under district codes" in wellbeing.caveats[0]
    assert "E07000026" in wellbeing.caveats[0] and wellbeing.weight is None  # UK-wide: equal weights
