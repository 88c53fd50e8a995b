"""Within-region inequality, decomposition, comparison, pockets and hot spots."""

from __future__ import annotations

import esda
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings as hsettings, strategies as st
from inequality.theil import TheilD
from libpysal.weights import Queen

import geo
from geo.moving.ess import at_level
from geo.statistics.inequality import decile_groups, gini, theil


@pytest.fixture(scope="module")
def iod(mirror) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return pd.read_csv(mirror / "indicators/IoD2025_LSOA21_EN_scores_ranks_deciles.csv")


def test_weighted_gini_and_theil_by_hand() -> None:
    # two groups of people: 3 with income 1, 1 with income 5 (weights), total 8, mean 2
    x, w = np.array([1.0, 5.0]), np.array([3.0, 1.0])
    # Gini: sum_ij w_i w_j |x_i - x_j| / (2 W^2 mu) = 2*3*1*4 / (2*16*2) = 0.375
    assert gini(x, w) == pytest.approx(0.375)
    assert gini(np.array([1.0, 1.0, 1.0, 5.0])) == pytest.approx(0.375)  # same people, unweighted
    # Theil: (1/W) sum w (x/mu) ln(x/mu) = (3*0.5*ln 0.5 + 1*2.5*ln 2.5)/4
    assert theil(x, w) == pytest.approx((3 * 0.5 * np.log(0.5) + 2.5 * np.log(2.5)) / 4)
    assert gini(np.full(5, 7.0)) == 0 and theil(np.full(5, 7.0)) == pytest.approx(0)


def test_decile_rule_with_ties_and_uneven_counts() -> None:
    values = pd.Series([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 12])  # n = 13 -> k = 1, ties kept
    top, bottom = decile_groups(values)
    assert sorted(top) == [12, 12] and list(bottom) == [1.0]


ENGLISH_ITL1 = {f"E1200000{i}": f"TL{c}" for i, c in zip(range(1, 10), "CDEFGHIJK", strict=True)}


@pytest.fixture(scope="module")
def lsoa_itl1(mirror) -> pd.Series:  # type: ignore[no-untyped-def]
    """ITL1 of each English LSOA from the raw ONS lookups with plain pandas (not the package)."""
    lsoa = pd.read_csv(mirror / "lookups/LSOA21_WD24_LAD24_EW_LU.csv", usecols=["LSOA21CD", "LAD24CD"])
    region = pd.read_csv(mirror / "lookups/LAD24_RGN24_EN_LU.csv").set_index("LAD24CD")["RGN24CD"]
    return lsoa.set_index("LSOA21CD")["LAD24CD"].map(region).map(ENGLISH_ITL1).dropna()


@pytest.fixture(scope="module")
def lad_itl1(mirror) -> pd.Series:  # type: ignore[no-untyped-def]
    region = pd.read_csv(mirror / "lookups/LAD24_RGN24_EN_LU.csv").set_index("LAD24CD")["RGN24CD"]
    return region.map(ENGLISH_ITL1)


@hsettings(max_examples=30, deadline=None)
@given(st.data())
def test_decompose_equals_pysal_on_random_districts(lad_itl1: pd.Series, data: st.DataObject) -> None:
    """geo.decompose on random English districts and values equals PySAL's TheilD run directly;
    with integer weights it equals TheilD on the values repeated weight times."""
    codes = data.draw(st.lists(st.sampled_from(sorted(lad_itl1.index)), min_size=2, max_size=40, unique=True))
    x = np.array(data.draw(st.lists(st.floats(min_value=0.01, max_value=1e4), min_size=len(codes), max_size=len(codes))))
    w = np.array(data.draw(st.lists(st.integers(min_value=1, max_value=5), min_size=len(codes), max_size=len(codes))))
    table = pd.DataFrame({"x": x, "w": w.astype(float)}, index=codes)
    groups = lad_itl1.reindex(codes).to_numpy()
    parts = geo.decompose(table, value="x", within="itl1", level="lad24")
    pysal = TheilD(x, groups)
    assert parts["total"] == pytest.approx(float(pysal.T), abs=1e-10)
    assert parts["between"] == pytest.approx(float(np.ravel(pysal.bg)[0]), abs=1e-10)
    assert parts["within"] == pytest.approx(float(np.ravel(pysal.wg)[0]), abs=1e-10)
    weighted = geo.decompose(table, value="x", within="itl1", level="lad24", weight="w")
    repeated = TheilD(np.repeat(x, w), np.repeat(groups, w))
    assert weighted["total"] == pytest.approx(float(repeated.T), abs=1e-10)
    assert weighted["between"] == pytest.approx(float(np.ravel(repeated.bg)[0]), abs=1e-10)
    assert weighted["within"] == pytest.approx(float(np.ravel(repeated.wg)[0]), abs=1e-10)


def test_decompose_on_iod_equals_pysal(iod: pd.DataFrame, lsoa_itl1: pd.Series) -> None:
    parts = geo.decompose(iod, code="LSOA21CD", value="IMD_score", within="itl1")
    assert parts["between"] + parts["within"] == pytest.approx(parts["total"], rel=1e-12)
    assert parts[[f"TL{c}" for c in "CDEFGHIJK"]].sum() == pytest.approx(parts["within"], rel=1e-12)
    groups = lsoa_itl1.reindex(iod["LSOA21CD"]).to_numpy()
    assert pd.notna(groups).all()
    pysal = TheilD(iod["IMD_score"].to_numpy(), groups)
    assert parts["total"] == pytest.approx(float(pysal.T), rel=1e-10)
    assert parts["between"] == pytest.approx(float(np.ravel(pysal.bg)[0]), rel=1e-10)
    assert parts["within"] == pytest.approx(float(np.ravel(pysal.wg)[0]), rel=1e-10)
    # each region's share of the within part: (its share of the total score) x (its own Theil, by PySAL)
    north_east = iod["IMD_score"].to_numpy()[groups == "TLC"]
    own = float(TheilD(north_east, np.zeros(len(north_east))).T)
    assert parts["TLC"] == pytest.approx(north_east.sum() / iod["IMD_score"].sum() * own, rel=1e-10)
    weighted = geo.decompose(iod, code="LSOA21CD", value="IMD_score", within="itl1", weight="population")
    assert weighted["between"] + weighted["within"] == pytest.approx(weighted["total"], rel=1e-12)


def test_inequality_of_lsoas_within_districts(iod: pd.DataFrame) -> None:
    table = geo.inequality(iod, code="LSOA21CD", value="IMD_score", within="lad24", weight="population", higher_is_better=False)
    assert len(table) == 296 and table["n"].sum() == 33755
    durham = table.loc["E06000047"]
    scores = iod.set_index("LSOA21CD")["IMD_score"].reindex(geo.boundaries("lsoa21", within="E06000047").index)
    assert durham["min"] == scores.min() and durham["max"] == scores.max() and durham["worst_code"] == scores.idxmax()
    assert {"n", "mean", "median", "p10", "p90", "p90_p10_ratio", "decile_gap", "gini", "theil"} <= set(table.columns)
    assert (table["p90"] >= table["p10"]).all() and table["gini"].between(0, 1).all()
    everyone = geo.inequality(iod, code="LSOA21CD", value="IMD_score", within=None)
    assert everyone.index.tolist() == ["all"] and everyone.loc["all", "n"] == 33755


def test_healthy_life_expectancy_decile_gap_from_the_raw_file(mirror) -> None:  # type: ignore[no-untyped-def]
    """The decile gap of UK upper-tier areas, expected value by plain pandas on the raw ONS file."""
    raw = pd.read_csv(mirror / "indicators/ess/healthy-life-expectancy/healthy-life-expectancy.csv")
    utlas = set(pd.read_csv(mirror / "lookups/LTLA23_UTLA23_EW_LU.csv")["UTLA23CD"])
    utlas |= set(pd.read_csv(mirror / "lookups/DZ11_IZ11_LAD20_SC_LU.csv")["LAD20CD"])  # Scottish council areas
    utlas |= set(pd.read_csv(mirror / "lookups/DZ21_SDZ21_DEA14_LGD14_NI_LU.csv")["LGD2014_cd"])  # NI districts
    checked = 0
    for (sex, period), rows in raw[raw["areacd"].isin(utlas)].groupby(["indicator", "period"]):
        areas = rows.drop_duplicates("areacd").set_index("areacd")[["observation"]].dropna()
        values = areas["observation"]
        k = max(1, round(len(values) / 10))
        top, bottom = values.nlargest(k, keep="all"), values.nsmallest(k, keep="all")
        expected = top.median() - bottom.median()
        result = geo.inequality(areas, value="observation", within=None, level="utla23")
        assert result.loc["all", "n"] == len(values)
        assert result.loc["all", "decile_gap"] == pytest.approx(expected, abs=1e-9), (sex, period)
        checked += 1
    assert checked == 24  # two sexes x twelve periods


def test_median_weekly_pay_within_each_itl1() -> None:
    pay = geo.read_ess("gross-median-weekly-pay")
    latest = sorted(pay["period"].unique())[-1]
    districts = at_level(pay, "lad24", kind="median", period=latest)
    table = geo.inequality(districts[["observation"]], value="observation", within="itl1", level="lad24")
    assert len(table) == 12 and table["n"].sum() == len(districts.dropna(subset=["observation"]))
    assert table.loc["TLI", "median"] > table.loc["TLC", "median"]  # London pays more than the North East


def test_compare_districts_with_their_parents() -> None:
    hle = geo.read_ess("healthy-life-expectancy")
    one = hle[(hle["indicator"] == "Female healthy life expectancy") & (hle["period"] == "2021-01-01/P3Y")]
    one = one.drop_duplicates("areacd")
    table = geo.compare(one, code="areacd", value="observation", level="lad24", higher_is_better=True)
    hartlepool = table.loc["E06000001"]
    assert hartlepool["rgn24"] == "E12000001" and hartlepool["diff_ctry"] == pytest.approx(53.3 - 61.9)
    assert bool(hartlepool["clear_ctry"]) is True  # CIs do not overlap England's
    assert table["rank_in_rgn24"].min() == 1
    assert "uk_value" in table


def test_pockets_cover_every_decile_one_lsoa(iod: pd.DataFrame) -> None:
    found = geo.pockets(iod, code="LSOA21CD", value="IMD_score", worse="high")
    assert found["n_areas"].sum() == int((iod["IMD_decile"] == 1).sum()) == 3375
    assert found["pocket"].tolist() == list(range(1, len(found) + 1))
    assert found.crs.to_epsg() == 27700 and found.is_valid.all()
    members = found["codes"].str.split(",").explode()
    assert members.is_unique
    hidden = found[found["hidden"] & found["itl1"].isin(["TLJ", "TLH"])]
    assert len(hidden) > 10 and (hidden["parent_value"] < found.attrs["national_value"]).all()
    assert set(hidden["parent_name"]) >= {"East Suffolk"}
    big = geo.pockets(iod, code="LSOA21CD", value="IMD_score", worse="high", min_population=5000)
    assert big.attrs["dropped_small"] == len(found) - len(big) > 0 and (big["population"] >= 5000).all()


def test_pockets_by_hand_on_the_city() -> None:
    """Four City LSOAs, two of them contiguous and 'deprived': one pocket of two."""
    city = geo.boundaries("lsoa21", within="E09000001")
    w = geo.contiguity("lsoa21", city.index)
    first = city.index[0]
    second = w.neighbors[first][0]
    data = pd.DataFrame({"score": 1.0}, index=city.index)
    data.loc[[first, second], "score"] = 50.0
    found = geo.pockets(data, value="score", worse="high", threshold=40)
    assert len(found) == 1 and found.loc[0, "n_areas"] == 2 and set(found.loc[0, "codes"].split(",")) == {first, second}


def test_pockets_from_hot_spots(iod: pd.DataFrame) -> None:
    north_east = geo.boundaries("lsoa21", within="TLC").index
    data = iod[iod["LSOA21CD"].isin(north_east)]
    found = geo.pockets(data, code="LSOA21CD", value="IMD_score", worse="high", threshold="hotspot")
    spots = geo.hotspots(data, code="LSOA21CD", value="IMD_score")
    assert found["n_areas"].sum() == (spots["label"] == "High-High").sum()


def test_hotspots_equal_esda_run_directly(iod: pd.DataFrame) -> None:
    north_east = geo.boundaries("lsoa21", within="TLC").index
    data = iod[iod["LSOA21CD"].isin(north_east)]
    ours = geo.hotspots(data, code="LSOA21CD", value="IMD_score", permutations=999, seed=42)
    # the weights as libpysal builds them from the boundary polygons, not through the package
    w = Queen.from_dataframe(geo.boundaries("lsoa21").loc[data["LSOA21CD"]], use_index=True, silence_warnings=True)
    assert not w.islands
    w.transform = "r"
    direct = esda.Moran_Local(data["IMD_score"].to_numpy(), w, permutations=999, seed=42)
    labels = np.where(direct.p_sim <= 0.05, pd.Series(direct.q).map({1: "High-High", 2: "Low-High", 3: "Low-Low", 4: "High-Low"}), "Not significant")
    assert (ours["label"].to_numpy() == labels).all()
    np.testing.assert_allclose(ours["p_value"], direct.p_sim)
    assert (ours["label"] == "High-High").sum() > 50
    again = geo.hotspots(data, code="LSOA21CD", value="IMD_score", permutations=999, seed=42)
    assert again["label"].equals(ours["label"])
    hot = geo.hotspots(data, code="LSOA21CD", value="IMD_score", method="getis_ord", permutations=99, seed=1)
    assert set(hot["label"]) <= {"High-High", "Low-Low", "Not significant"}


def test_false_discovery_rate_keeps_fewer_clusters(iod: pd.DataFrame) -> None:
    data = iod[iod["LSOA21CD"].isin(geo.boundaries("lsoa21", within="E08000021").index)]  # Newcastle
    plain = geo.hotspots(data, code="LSOA21CD", value="IMD_score", permutations=199, seed=3)
    strict = geo.hotspots(data, code="LSOA21CD", value="IMD_score", permutations=199, seed=3, fdr=True)
    cut = esda.fdr(plain["p_value"].to_numpy(), 0.05)
    assert strict.attrs["significance"] == cut < 0.05
    assert ((strict["label"] != "Not significant") == (strict["p_value"] <= cut)).all()
    assert (strict["label"] != "Not significant").sum() < (plain["label"] != "Not significant").sum()


def test_islands_are_joined_to_their_nearest_area() -> None:
    scilly = "E01019077"  # the Isles of Scilly: one LSOA touching no other
    pairs = geo.contiguity("lsoa21")
    assert pairs.neighbors[scilly] == ["E01019005"]  # Penzance, nearest by centroid
    assert scilly in pairs.neighbors["E01019005"]
    # a subset whose members touch none of the others: each joins its nearest member, both ways
    apart = pd.Index(["E06000001", "E06000053", "E09000001", "E06000004"])  # Hartlepool, Scilly, City, Stockton
    w = geo.contiguity("lad24", apart)
    assert w.attrs["joined_to_nearest"] == ["E06000053", "E09000001"]
    assert w.neighbors["E06000053"] == ["E09000001"] and "E06000053" in w.neighbors["E09000001"]
    assert w.neighbors["E06000001"] == ["E06000004"] and not w.islands
    with pytest.raises(geo.InputError, match=r"codes: 1 are not lad24 areas \('E99999999'\)"):
        geo.contiguity("lad24", pd.Index(["E06000001", "E99999999"]))


def test_invalid_requests(iod: pd.DataFrame) -> None:
    lads = pd.DataFrame({"x": [1.0, 2.0]}, index=["E06000047", "E06000001"])
    with pytest.raises(geo.NestingError, match=r"within='lsoa21': lad24 does not nest in lsoa21"):
        geo.inequality(lads, value="x", within="lsoa21")
    with pytest.raises(geo.InputError, match=r"value column 'x' is entirely missing"):
        geo.inequality(lads.assign(x=np.nan), value="x", within="itl1")
    with pytest.raises(geo.InputError, match=r"weight 'w' is missing, infinite, zero or negative for 1 areas \('E06000001'\)"):
        geo.inequality(lads.assign(w=[1.0, -1.0]), value="x", within="itl1", weight="w")
    with pytest.raises(geo.InputError, match=r"threshold='bottom'; expected"):
        geo.pockets(iod, code="LSOA21CD", value="IMD_score", worse="high", threshold="bottom")
    with pytest.raises(geo.InputError, match=r"method='kriging'"):
        geo.hotspots(iod, code="LSOA21CD", value="IMD_score", method="kriging")
