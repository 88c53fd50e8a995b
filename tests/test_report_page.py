"""The report a committee reads: places not codes, ranks with their "of N", tidy CSVs, the
headline, the rendering of a pocket profile, A4 print and an offline page with no console errors.

Expected values come from the raw mirror files read with plain pandas."""

from __future__ import annotations

import os
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from browser import chromium, visit

import geo
from geo.outputs import report
from geo.outputs.classes import palette
from geo.outputs.report import build_report, prepare_report
from geo.outputs.report_page import headline, page
from geo.outputs.report_pockets import members, numbered
from geo.outputs.report_tidy import COLUMNS, tidy_summary
from geo.statistics.pocket_profile import PocketProfile

GSS = re.compile(r"\b[ENWSK]\d{8}\b")
DURHAM = "E06000047"


class Tables(HTMLParser):
    """Every table of a page as (caption, headers, rows of cells), and the text of every heading."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, object]] = []
        self.headings: list[str] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append({"caption": "", "headers": [], "rows": [], "scopes": []})
        elif tag in ("caption", "h1", "h2"):
            self._in, self._cell = tag, []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
            if tag == "th":
                self.tables[-1]["scopes"].append(dict(attrs).get("scope"))  # type: ignore[union-attr]

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        text = "".join(self._cell or []).strip()
        if tag == "caption":
            self.tables[-1]["caption"] = text
            self._cell = None
        elif tag in ("h1", "h2"):
            self.headings.append(text)
            self._cell = None
        elif tag in ("td", "th") and self._row is not None:
            self._row.append(text)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            table = self.tables[-1]
            if not table["headers"]:
                table["headers"] = self._row
            else:
                table["rows"].append(self._row)  # type: ignore[union-attr]
            self._row = None


def _parse(text: str) -> Tables:
    parsed = Tables()
    parsed.feed(text)
    return parsed


@pytest.fixture(scope="module")
def raw(mirror: Path) -> pd.DataFrame:
    """The IoD2025 file, the LSOA-to-district lookup and Census 2021 residents, with plain pandas."""
    iod = pd.read_csv(mirror / "indicators/IoD2025_LSOA21_EN_scores_ranks_deciles.csv")
    lad = pd.read_csv(mirror / "lookups/LSOA21_WD24_LAD24_EW_LU.csv", usecols=["LSOA21CD", "LSOA21NM", "LAD24CD"]).drop_duplicates("LSOA21CD")
    people = pd.read_csv(mirror / "indicators/Census2021_usual_residents_LSOA21_EW.csv")[["LSOA21CD", "usual_residents_2021"]]
    return iod.merge(lad, on="LSOA21CD", how="left").merge(people, on="LSOA21CD", how="left")


@pytest.fixture(scope="module")
def durham(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_report("County Durham", tmp_path_factory.mktemp("page") / "durham")


def _no_bare_code(page: str) -> int:
    """Assert that no heading, and no table cell without a name in its row or a "code" header, shows a code; return the codes seen."""
    parsed = _parse(page)
    assert len(parsed.tables) >= 4
    for heading in parsed.headings:
        assert not GSS.search(heading), heading
    checked = 0
    for table in parsed.tables:
        assert table["caption"], "every table has a caption"
        assert set(table["scopes"]) <= {"col", "row"} and "col" in table["scopes"]  # header cells with scope
        headers = [h.lower() for h in table["headers"]]  # type: ignore[union-attr]
        for row in table["rows"]:  # type: ignore[union-attr]
            named = any(re.search(r"[A-Za-z]{3}", GSS.sub("", c)) for c in row)
            for header, cell in zip(headers, row, strict=True):
                if GSS.search(cell):
                    checked += 1
                    assert "code" in header or named, (table["caption"], header, cell)
    return checked


def test_no_table_or_heading_shows_a_bare_code(durham: Path) -> None:
    checked = _no_bare_code((durham / "index.html").read_text())
    assert checked >= 56  # the pocket table's and the LSOA table's codes were all looked at


def test_pocket_table_is_numbered_worst_first_names_first_codes_last(durham: Path, raw: pd.DataFrame) -> None:
    parsed = _parse((durham / "index.html").read_text())
    table = next(t for t in parsed.tables if str(t["caption"]).startswith("Pockets, worst first"))
    headers, rows = table["headers"], table["rows"]
    assert headers[0] == "No." and headers[1].startswith("Pocket") and "codes" in headers[-1]  # type: ignore[index]
    assert [r[0] for r in rows] == [str(n) for n in range(1, 26)]  # type: ignore[union-attr]
    averages = [float(r[headers.index("Average IMD score (IoD2025)")]) for r in rows]  # type: ignore[union-attr]
    assert averages == sorted(averages, reverse=True)
    first = rows[0]  # type: ignore[index]
    code = first[-1]
    lsoa = raw.set_index("LSOA21CD").loc[code]
    wards = pd.read_csv(Path(os.environ["LEVELUP_MIRROR"]) / "lookups/LSOA21_WD24_LAD24_EW_LU.csv", dtype=str).set_index("LSOA21CD")
    assert first[1] == wards.loc[code, "WD24NM"] == "Blackhalls"  # a one-LSOA pocket is named by its ward
    assert float(first[4]) == pytest.approx(lsoa["IMD_score"], abs=0.05)
    assert first[2] == f"{int(lsoa['usual_residents_2021']):,}"
    found = pyogrio.read_dataframe(durham / "pockets.gpkg", layer="pockets")
    assert found["number"].tolist() == list(range(1, 26)) and found.loc[0, "codes"] == code  # the files number them alike


def _ranks_have_of_n(page: str) -> str:
    """Assert that every ordinal on the page is followed by "of N <areas>"; return the page's text."""
    text = re.sub(r"<[^>]+>", " ", page)
    text = re.sub(r"\b\d+th(?: / \d+th)? percentile", "a percentile", text)  # percentiles are not ranks
    for number, after in re.findall(r"\b(\d[\d,]*)(?:st|nd|rd|th)\b(.{0,30})", text):
        assert re.match(r" of [\d,]+ \w+", after), (number, after)
    return text


def test_every_rank_has_its_of_n(durham: Path) -> None:
    text = _ranks_have_of_n((durham / "index.html").read_text())
    assert len(re.findall(r"\b\d[\d,]*(?:st|nd|rd|th) of ", text)) >= 60
    assert "47th of 296 districts (1 = most deprived)" in text  # County Durham's average rank
    assert "Average rank (higher" not in text and "rank_of" not in text


@pytest.mark.parametrize(
    ("area", "ranks"),
    [("Cardiff", "of 1,917 LSOAs"), ("Glasgow City", "of 6,976 data zones"), ("Greater Manchester", "of 33,755 LSOAs"), ("North East", "of 33,755 LSOAs")],
)
def test_other_nations_and_levels_show_names_and_ranks_of_n(area: str, ranks: str, tmp_path: Path) -> None:
    """Wales, Scotland, a police force area and a region: the same rules as County Durham."""
    page = (build_report(area, tmp_path / "pack") / "index.html").read_text()
    assert _no_bare_code(page) > 0
    text = _ranks_have_of_n(page)
    assert ranks in text
    if "data zones" in ranks:  # a Scottish page speaks of data zones, not LSOAs
        assert "LSOA" not in text


def test_tidy_csvs(durham: Path, raw: pd.DataFrame) -> None:
    summary = pd.read_csv(durham / "summary.csv")
    assert list(summary.columns) == COLUMNS
    mine = raw[raw["LAD24CD"] == DURHAM]
    rows = summary[summary["code"] == DURHAM].set_index("measure")
    assert set(summary["level"]) == {"district", "region", "nation"} and set(summary["area"]) == {"County Durham", "North East", "England"}
    share = rows.loc["share of LSOAs in the most deprived 10 %"]
    assert share["value"] == round(100 * (mine["IMD_decile"] == 1).sum() / len(mine), 2) == 16.97 and share["unit"] == "%"
    english = raw[raw["LAD24CD"].str.startswith("E")]
    shares = english.groupby("LAD24CD")["IMD_decile"].apply(lambda d: (d == 1).mean())
    assert share["rank"] == int(shares.rank(ascending=False, method="min")[DURHAM]) and share["of"] == english["LAD24CD"].nunique() == 296
    weighted = (mine["IMD_score"] * mine["usual_residents_2021"]).sum() / mine["usual_residents_2021"].sum()
    assert rows.loc["average score", "value"] == round(weighted, 2) and rows.loc["average score", "unit"].startswith("score")
    assert rows.loc["residents (Census 2021)", "value"] == mine["usual_residents_2021"].sum() == 522_063
    assert rows.loc["average rank", "rank"] == 47 and rows.loc["average rank", "of"] == 296
    england = summary[summary["code"] == "E92000001"]
    assert england["rank"].isna().all()  # a nation is not ranked among itself
    assert summary.loc[summary["level"] == "region", "of"].dropna().unique().tolist() == [9]
    unequal = pd.read_csv(durham / "inequality.csv")
    assert list(unequal.columns) == COLUMNS
    values = unequal.set_index("measure")
    ordered = mine.sort_values("IMD_score")
    half = ordered["usual_residents_2021"].cumsum() >= ordered["usual_residents_2021"].sum() / 2
    median = ordered.loc[half, "IMD_score"].iloc[0]  # the residents' median: weighted by population
    assert values.loc["LSOAs with a value", "value"] == 330 and values.loc["median", "value"] == round(median, 2)
    worst = mine.loc[mine["IMD_score"].idxmax()]
    assert values.loc["worst area", "note"].endswith(f"({worst['LSOA21CD']})") and values.loc["worst area", "value"] == round(worst["IMD_score"], 2)
    unrounded = pyogrio.read_dataframe(durham / "pockets.gpkg", layer="summary").set_index("code")
    assert unrounded.loc[DURHAM, "proportion_most_deprived_10"] == pytest.approx(56 / 330, abs=1e-12)
    assert set(dict(pyogrio.list_layers(durham / "pockets.gpkg"))) == {"areas", "pockets", "outlines", "summary", "inequality"}


def test_headline(durham: Path, raw: pd.DataFrame) -> None:
    mine = raw[(raw["LAD24CD"] == DURHAM) & (raw["IMD_decile"] == 1)]
    people = int(mine["usual_residents_2021"].sum())
    assert people == 81_013 and len(mine) == 56
    found = pyogrio.read_dataframe(durham / "pockets.gpkg", layer="pockets")
    assert len(found) == 25 and found["n_areas"].sum() == 56  # 25 pockets: the independent count
    text = (durham / "index.html").read_text()
    said = ("About 81,000 people in County Durham (district) live in 25 pockets that are among England&#x27;s most deprived 10 % "
            "of neighbourhoods (LSOAs) on the IMD score (IoD2025). The pockets are groups of neighbouring LSOAs, 56 in all, "
            "with 81,013 residents (Census 2021)")
    assert said in text
    assert "0 of the pockets are hidden" not in text and "of the level" not in text
    assert f'title="Interactive map. {said}' in text and f'alt="Map of County Durham. {said}' in text  # the map's text alternative


def test_hidden_pockets_are_said_in_plain_words_only_when_there_are_some() -> None:
    data = prepare_report()
    hidden = data.found[data.found["hidden"].fillna(False).astype(bool)]
    parent = hidden["parent"].iloc[0]
    place = geo.area(parent)
    local = data.found[data.found["parent"] == parent]
    said = headline(place, data, numbered(local, higher_is_better=False))
    count = int(local["hidden"].astype(bool).sum())
    assert f"{count} of the pockets {'are' if count > 1 else 'is'} hidden" in said or (count == 1 and "pocket is hidden" in said)
    assert "whose average is better than England's" in said
    durham = data.found[data.found["parent"] == DURHAM]
    assert "hidden" not in headline(geo.area(DURHAM), data, numbered(durham, higher_is_better=False))


def _fake(local: gpd.GeoDataFrame) -> PocketProfile:
    pockets = numbered(local, higher_is_better=False).copy()
    pockets["name"] = [f"Ward {n}" for n in pockets.index]
    pockets["wards"] = pockets["name"]
    pockets["decile_Income"] = [1.0] + [0.5] * (len(pockets) - 1)
    pockets["decile_Crime"] = [0.0] + [0.25] * (len(pockets) - 1)
    pockets["worst_domains"] = ["income"] + [""] * (len(pockets) - 1)
    pockets["change"] = ["persistent"] + ["new"] * (len(pockets) - 1)
    codes = pockets["codes"].str.split(",").explode()
    in_pockets = pd.DataFrame({"name": [f"Small area {c}" for c in codes], "ward": "Ward x", "number": codes.index,
                               "change": "persistent"}, index=pd.Index(codes.to_numpy(), name="code"))
    left = pd.DataFrame({"name": ["County Durham 001A"], "ward": ["Crook"], "decile_earlier": [1], "decile_now": [2]},
                        index=pd.Index(["E01020586"], name="code"))
    return PocketProfile(pockets, in_pockets, left, ("Income", "Crime"), "IoD2019", ("Pockets are named by the wards they lie in.",))


def test_a_pocket_profile_is_rendered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = prepare_report()
    local = data.found[data.found["parent"] == DURHAM]
    fake = _fake(local)
    calls = []

    def profile(*args: object) -> PocketProfile:
        calls.append(args)
        return fake

    monkeypatch.setattr(report, "_profile", profile)
    out = build_report("County Durham", tmp_path / "durham")
    assert len(calls) == 1
    text = (out / "index.html").read_text()
    parsed = _parse(text)
    pockets = next(t for t in parsed.tables if str(t["caption"]).startswith("Pockets, worst first"))
    assert pockets["headers"][1] == "Pocket (wards)" and pockets["rows"][0][1] == "Ward 1"  # type: ignore[index]
    assert "In the worst 10 % on" in pockets["headers"] and "Change since IoD2019" in pockets["headers"]  # type: ignore[operator]
    assert pockets["rows"][0][pockets["headers"].index("Change since IoD2019")] == "in the worst 10 % then and now"  # type: ignore[index, union-attr]
    heat = next(t for t in parsed.tables if "each domain" in str(t["caption"]))
    assert heat["headers"] == ["No.", "Pocket", "Income", "Crime"] and heat["rows"][0] == ["1", "Ward 1", "100 %", "0 %"]  # type: ignore[index]
    assert heat["rows"][1][2:] == ["50 %", "25 %"]  # type: ignore[index]
    assert 'style="background:#08519c;color:#fff">100 %' in text  # ColorBrewer Blues, the number written in the cell
    left = next(t for t in parsed.tables if "left the most deprived 10 % since IoD2019" in str(t["caption"]))
    assert left["rows"] == [["County Durham 001A", "Crook", "1", "2", "E01020586"]]
    assert "Pockets are named by the wards they lie in." in text and "Left the most deprived 10 % since IoD2019" in text
    lsoas = next(t for t in parsed.tables if str(t["caption"]).startswith("The 56 LSOAs"))
    assert lsoas["rows"][0][0].startswith("Small area E01") and lsoas["rows"][0][1] == "Ward x"  # type: ignore[index]
    found = pyogrio.read_dataframe(out / "pockets.gpkg", layer="pockets")
    assert found.loc[0, "name"] == "Ward 1" and "decile_Income" in found.columns


def test_page_without_profile_has_no_profile_sections() -> None:
    data = prepare_report()
    local = numbered(data.found[data.found["parent"] == DURHAM], higher_is_better=False)
    summary = pd.DataFrame({"level": ["lad24"], "name": ["County Durham"], "n_lsoas": [330]}, index=pd.Index([DURHAM], name="code"))
    table = pd.DataFrame({"name": ["County Durham"], "n": [330], "mean": [28.9], "median": [27.7], "p10": [6.9], "p90": [49.7],
                          "p90_p10_ratio": [7.2], "gini": [0.32], "worst_name": ["x"], "worst_code": ["E01020752"]}, index=[DURHAM])
    text = page(geo.area(DURHAM), data, summary=summary, tidy=tidy_summary(summary, title="IMD"), inequality=table, pockets=local,
                members=members(data.indicator.frame, data.indicator.value, local, higher_is_better=False))
    assert "each domain" not in text and "since IoD2019" not in text and "Pocket (its LSOAs)" in text


def test_the_page_prints_to_a4_with_the_static_map(durham: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "durham.pdf"
    done = subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                           f"--print-to-pdf={pdf}", (durham / "index.html").resolve().as_uri()],
                          capture_output=True, text=True, timeout=180, check=False)
    assert pdf.is_file() and pdf.stat().st_size > 100_000, done.stderr[-2000:]
    body = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", body))
    assert pages > 1
    sizes = re.findall(rb"/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]", body)
    assert {(round(float(w)), round(float(h))) for w, h in sizes} == {(595, 842)}  # A4 in points
    from PIL import Image

    width, _height = Image.open(durham / "map.png").size
    images = re.findall(rb"/Subtype\s*/Image.{0,200}?/Width (\d+).{0,60}?/Height (\d+)|/Height (\d+).{0,60}?/Subtype\s*/Image", body, re.S)
    widths = [int(w) for w, _, _ in images if w]
    assert width in widths or any(abs(w - width) <= 2 for w in widths), (width, widths)


def test_the_page_and_map_load_offline_with_no_console_errors(durham: Path, tmp_path: Path) -> None:
    shown = visit(durham / "index.html", tmp_path / "index.png", wait_for="iframe")
    assert [m for m in shown.messages if m[0] in ("error", "warning", "pageerror")] == []
    labels = "() => document.querySelectorAll('.levelup-label').length"
    inside = visit(durham / "map.html", tmp_path / "map.png", script=labels)
    assert inside.messages == [] and inside.result == 25  # a number on each pocket
    tiles = "() => Array.from(document.querySelectorAll('img.leaflet-tile')).length"
    assert visit(durham / "map.html", tmp_path / "map2.png", script=tiles).result == 0  # no tile asked for until switched on
    switch = """() => { const box = Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))
        .find(l => l.textContent.includes('Street map')).querySelector('input'); box.click(); return box.checked; }"""
    streets = visit(durham / "map.html", tmp_path / "map3.png", script=switch)
    assert streets.result is True and [m for m in streets.messages if m[0] == "pageerror"] == []  # offline tiles fail quietly
    text = (durham / "map.html").read_text()
    assert "OpenStreetMap" in text and "CARTO" in text  # the street map's attribution


def test_palette_is_colorbrewer_ylorrd_and_numbers_are_on_the_png(raw: pd.DataFrame) -> None:
    # ColorBrewer 2.0 (colorbrewer2.org), YlOrRd, 5 classes
    assert palette(5) == ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]
    assert palette(9)[-1] == "#800026" and palette(3) == ["#ffeda0", "#feb24c", "#f03b20"]
    colours = geo.outputs.classes.classify(pd.Series(range(10), dtype=float), k=5, higher_is_better=False).colours
    assert colours == palette(5)
    data = prepare_report()
    shapes = numbered(data.found[data.found["parent"] == DURHAM], higher_is_better=False)
    shapes = shapes.assign(number=shapes.index)
    figure = geo.plot(raw.set_index("LSOA21CD"), value="IMD_score", within=DURHAM, highlight=shapes, highlight_labels="number",
                      higher_is_better=False)
    written = sorted(int(t.get_text()) for t in figure.axes[0].texts if t.get_text().isdigit())
    assert written == list(range(1, 26))
    with pytest.raises(geo.InputError, match=r"highlight_labels='nope' is not a column of highlight"):
        geo.plot(raw.set_index("LSOA21CD"), value="IMD_score", within=DURHAM, highlight=shapes, highlight_labels="nope")
    with pytest.raises(geo.InputError, match=r"highlight_labels='nope' is not a column of highlight"):
        geo.map(raw.set_index("LSOA21CD"), value="IMD_score", within=DURHAM, highlight=shapes, highlight_labels="nope")
