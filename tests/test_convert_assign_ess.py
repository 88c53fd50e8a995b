"""convert (LSOA 2011 -> 2021), assign (points -> areas) and read_ess on the real mirror."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

import geo
from geo.moving.ess import at_level, parse_period


@pytest.fixture(scope="module")
def crimes(mirror: Path) -> pd.DataFrame:
    files = sorted((mirror / "points/police_uk_city_of_london").glob("*.csv"))
    frame = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    return frame.dropna(subset=["LSOA code", "Longitude"])


def test_convert_iod2019_counts_are_conserved_and_routes_reported(mirror: Path) -> None:
    iod = pd.read_csv(mirror / "indicators/IoD2019_LSOA11_EN_ranks_deciles.csv")
    iod["lsoas"] = 1.0
    counts = geo.convert(iod, code="LSOA11CD", value="lsoas", kind="count")
    assert counts["lsoas"].sum() == pytest.approx(len(iod))
    assert counts.attrs["routes"] == {"U": 31810, "S": 834, "M": 194, "X": 6}
    means = geo.convert(iod, code="LSOA11CD", value="IMD_rank", kind="mean")
    assert len(means) == 33755 and (means["coverage"] == 1).all()
    unchanged = means[means["routes"] == "U"].index[:50]
    expected = iod.set_index("LSOA11CD")["IMD_rank"].reindex(unchanged)
    np.testing.assert_allclose(means.loc[unchanged, "IMD_rank"], expected)
    assert set(means["routes"]) == {"U", "S", "M", "X"}


def test_convert_split_uses_2021_population_shares(mirror: Path) -> None:
    pairs = pd.read_csv(mirror / "lookups/LSOA11_LSOA21_LAD22_EW_LU.csv")
    split = pairs[pairs["CHGIND"] == "S"].groupby("LSOA11CD")["LSOA21CD"].apply(list).iloc[0]
    old = pairs[pairs["LSOA21CD"].isin(split)]["LSOA11CD"].iloc[0]
    out = geo.convert(pd.DataFrame({"n": [100.0]}, index=[old]), value="n", kind="count")
    pop = geo.population("lsoa21")[split]
    np.testing.assert_allclose(out.loc[split, "n"], 100 * pop / pop.sum())
    by_area = geo.convert(pd.DataFrame({"n": [100.0]}, index=[old]), value="n", kind="count", weight="area")
    area = geo.boundaries("lsoa21").geometry.area[split]
    np.testing.assert_allclose(by_area.loc[split, "n"], 100 * area / area.sum())
    with pytest.raises(geo.InputError, match=r"weight='households'"):
        geo.convert(pd.DataFrame({"n": [1.0]}, index=[old]), value="n", kind="count", weight="households")


def test_police_crimes_by_lookup_agree_with_coordinates(crimes: pd.DataFrame) -> None:
    counts = crimes.groupby("LSOA code").size().rename("crimes").to_frame()
    assert geo.detect_level(counts.index).level == "lsoa11"
    converted = geo.convert(counts, value="crimes", kind="count")
    assert converted["crimes"].sum() == pytest.approx(len(crimes))
    placed = geo.assign(crimes, nearest_within=250)
    report = placed.attrs["report"]
    assert report["assigned"] + report["unassigned"] == len(crimes)
    one_to_one = pd.read_csv(Path(geo.settings.get_mirror()) / "lookups/LSOA11_LSOA21_LAD22_EW_LU.csv").query("CHGIND == 'U'")
    via = placed["LSOA code"].map(one_to_one.set_index("LSOA11CD")["LSOA21CD"])
    agreement = (via == placed["lsoa21"])[via.notna()].mean()
    # police.uk snaps crimes to anonymised map points and the BSC boundaries are generalised
    # to 200 m, so points near LSOA edges land on the neighbour: most agree, not all
    assert agreement > 0.9


def test_assign_trafford_postcodes_against_the_onspd(mirror: Path) -> None:
    postcodes = pd.read_csv(mirror / "points/onspd_trafford_2025-02.csv")
    placed = geo.assign(postcodes)
    assert placed.attrs["report"]["unassigned"] == 0
    agreement = (placed["lsoa21"] == placed["lsoa_code"]).mean()
    # BSC LSOAs are generalised to 200 m; the ONSPD uses full-resolution shapes, so postcodes
    # within ~100 m of an edge can fall in the neighbour. Most agree:
    assert agreement > 0.8
    assert len(placed) == len(postcodes) and placed.index.equals(postcodes.index)
    # every disagreement lies within the 200 m generalisation of the ONSPD's own LSOA edge
    wrong = placed[placed["lsoa21"] != placed["lsoa_code"]]
    points = gpd.GeoSeries(gpd.points_from_xy(wrong["lon"], wrong["lat"]), crs=4326).to_crs(27700)
    edges = geo.boundaries("lsoa21").geometry.reindex(wrong["lsoa_code"].to_numpy()).boundary
    distance = edges.distance(points, align=False)
    assert distance.max() < 200


def test_assign_reports_points_outside_and_on_edges() -> None:
    lsoas = geo.boundaries("lsoa21", within="E09000001")
    inside = lsoas.geometry.iloc[0].representative_point()
    far = Point(0, 0)  # off the Scilly Isles
    points = gpd.GeoDataFrame({"id": [1, 2]}, geometry=[inside, far], crs=27700)
    out = geo.assign(points)
    assert out["lsoa21"].iloc[0] == lsoas.index[0]
    assert pd.isna(out["lsoa21"].iloc[1])
    assert out.attrs["report"]["unassigned"] == 1 and out.attrs["report"]["unassigned_examples"] == [1]


def test_assign_errors() -> None:
    with pytest.raises(geo.InputError, match=r"points has no coordinate columns: expected longitude/latitude"):
        geo.assign(pd.DataFrame({"a": [1]}))
    with pytest.raises(geo.InputError, match=r"points has no CRS"):
        geo.assign(gpd.GeoDataFrame(geometry=[Point(0, 0)]))
    with pytest.raises(geo.InputError, match=r"points has 1 rows without coordinates"):
        geo.assign(pd.DataFrame({"lon": [None, -0.1], "lat": [51.5, 51.5]}))


def test_parse_period() -> None:
    parsed = parse_period(pd.Series(["2011-01-01/P3Y", "2020-04-01/P1Y", "2024-01-01/P3M", "2008-04-16"]))
    assert parsed["period_end"].dt.strftime("%Y-%m-%d").tolist() == ["2013-12-31", "2021-03-31", "2024-03-31", "2008-04-16"]
    with pytest.raises(geo.InputError, match=r"not ISO 8601"):
        parse_period(pd.Series(["2020"]))


def test_read_ess_healthy_life_expectancy() -> None:
    hle = geo.read_ess("healthy-life-expectancy")
    assert {"areacd", "observation", "lci_95", "uci_95", "period_start", "level"} <= set(hle.columns)
    assert set(hle["level"].dropna()) == {"lad24", "utla23", "rgn24", "ctry"}
    assert hle.loc[hle["geography"] == "Country", "level"].isna().all()  # the UK is not a level
    assert hle["observation"].dtype == "float64"


def test_read_ess_maps_old_district_codes() -> None:
    wellbeing = geo.read_ess("personal-wellbeing-estimates")
    allerdale = wellbeing[wellbeing["areacd"] == "E07000026"]
    assert (allerdale["current_code"] == "E06000063").all() and (allerdale["change"] == "merged").all()
    one = at_level(wellbeing, "lad24", kind="mean", indicator="Anxiety", period="2022-04-01/P1Y")
    assert "E07000026" in one.attrs["old_areas"]  # means are not averaged across merged areas by default
    assert "denominators" in one.attrs["missing"]["E06000063"]
    weighted = at_level(wellbeing, "lad24", kind="mean", indicator="Anxiety", period="2022-04-01/P1Y", approximate=True)
    # Cumberland from its three districts, population-weighted (approximate); nothing left unused
    assert "E06000063" in weighted.index and "E07000026" not in weighted.attrs["old_areas"]
    assert {r["code"] for r in weighted.attrs["recoded"] if r["to"] == "E06000063"} == {"E07000026", "E07000028", "E07000029"}
    assert one.index.is_unique
    with pytest.raises(geo.InputError, match=r"indicator= is needed"):
        at_level(wellbeing, "lad24", kind="mean")


def test_read_ess_errors(tmp_path: Path) -> None:
    with pytest.raises(geo.InputError, match=r"neither an existing file nor an ESS indicator id"):
        geo.read_ess("Not An Id!")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n")
    with pytest.raises(geo.InputError, match=r"is not in the ESS tidy schema: it lacks \['areacd'"):
        geo.read_ess(wrong)


def test_ess_counts_of_merged_districts_are_summed(tmp_path: Path) -> None:
    rows = [
        ("E07000026", "Allerdale", 10.0), ("E07000028", "Carlisle", 20.0), ("E07000029", "Copeland", 30.0),
        ("E06000047", "County Durham", 5.0),
    ]
    text = "areacd,areanm,geography,indicator,period,observation,measure,unit,lci_95,uci_95,status,notes\n" + "".join(
        f"{c},{n},Local Authority District,Homes,2022-04-01/P1Y,{v},Count,homes,,,,\n" for c, n, v in rows
    )
    path = tmp_path / "homes.csv"
    path.write_text(text)
    frame = geo.read_ess(path)
    counts = at_level(frame, "lad24", kind="count")
    assert counts.loc["E06000063", "observation"] == 60.0  # Cumberland = Allerdale + Carlisle + Copeland
    assert counts.loc["E06000047", "observation"] == 5.0
    medians = at_level(frame, "lad24", kind="median")  # medians do not combine across merged areas
    assert "E06000063" not in medians.index and medians.attrs["old_areas"] == ["E07000026", "E07000028", "E07000029"]
    assert "do not combine" in medians.attrs["missing"]["E06000063"]
    totals = geo.aggregate(counts[["observation"]], to="itl1", value="observation", kind="count")
    assert totals.loc["TLD", "observation"] == 60.0 and totals.loc["TLD", "children_present"] == 1
