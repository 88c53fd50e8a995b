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
from geo.ess import at_level
from geo.inequality import decile_groups, gini, theil


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


@hsettings(max_examples=40, deadline=None)
@given(st.lists(st.floats(min_value=0.01, max_value=1e4), min_size=2, max_size=40), st.data())
def test_theil_decomposition_is_exact(values: list[float], data: st.DataObject) -> None:
    groups = data.draw(st.lists(st.sampled_from("abc"), min_size=len(values), max_size=len(values)))
    x, g = np.array(values), np.array(groups)
    ours = _decompose_arrays(x, g)
    assert ours["between"] + ours["within"] == pytest.approx(ours["total"], abs=1e-12)
    pysal = TheilD(x, g)
    assert ours["total"] == pytest.approx(float(pysal.T), abs=1e-10)
    assert ours["between"] == pytest.approx(float(np.ravel(pysal.bg)[0]), abs=1e-10)


def _decompose_arrays(x: np.ndarray, g: np.ndarray) -> dict[str, float]:
    total = theil(x)
    mean = x.mean()
    between = sum((len(x[g == k]) / len(x)) * (x[g == k].mean() / mean) * np.log(x[g == k].mean() / mean) for k in set(g))
    within = sum((x[g == k].sum() / x.sum()) * theil(x[g == k]) for k in set(g))
    return {"total": total, "between": between, "within": within}


def test_decompose_on_iod_equals_pysal(iod: pd.DataFrame) -> None:
    parts = geo.decompose(iod, code="LSOA21CD", value="IMD_score", within="itl1")
    assert parts["between"] + parts["within"] == pytest.approx(parts["total"], rel=1e-12)
    assert parts[[f"TL{c}" for c in "CDEFGHIJK"]].sum() == pytest.approx(parts["within"], rel=1e-12)
    groups = geo.lookup("lsoa21", "itl1").set_index("lsoa21")["itl1"].reindex(iod["LSOA21CD"]).to_numpy()
    pysal = TheilD(iod["IMD_score"].to_numpy(), groups)
    assert parts["total"] == pytest.approx(float(pysal.T), rel=1e-10)
    assert parts["between"] == pytest.approx(float(np.ravel(pysal.bg)[0]), rel=1e-10)
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


def test_healthy_life_expectancy_decile_gap_for_uk_local_areas() -> None:
    hle = geo.read_ess("healthy-life-expectancy")
    for sex in hle["indicator"].unique():
        for period in sorted(hle["period"].unique()):
            areas = at_level(hle, "utla23", kind="mean", indicator=sex, period=period)
            nations = set(areas.index.str[0])
            assert {"E", "W", "S"} <= nations  # NI districts are published from 2020 onwards
            if period >= "2020":
                assert "N" in nations
            result = geo.inequality(areas[["observation"]], value="observation", within=None, level="utla23")
            top, bottom = decile_groups(areas["observation"].dropna())
            assert result.loc["all", "decile_gap"] == pytest.approx(top.median() - bottom.median())
            assert 5 < result.loc["all", "decile_gap"] < 25  # years between best and worst tenth


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
    table = geo.compare(one, code="areacd", value="observation", level="lad24")
    hartlepool = table.loc["E06000001"]
    assert hartlepool["rgn24"] == "E12000001" and hartlepool["diff_ctry"] == pytest.approx(53.3 - 61.9)
    assert bool(hartlepool["clear_ctry"]) is True  # CIs do not overlap England's
    assert table["rank_in_rgn24"].min() == 1
    assert "uk_value" in table


def test_pockets_cover_every_decile_one_lsoa(iod: pd.DataFrame) -> None:
    found = geo.pockets(iod, code="LSOA21CD", value="IMD_score")
    assert found["n_areas"].sum() == int((iod["IMD_decile"] == 1).sum()) == 3375
    assert found["pocket"].tolist() == list(range(1, len(found) + 1))
    assert found.crs.to_epsg() == 27700 and found.is_valid.all()
    members = found["codes"].str.split(",").explode()
    assert members.is_unique
    hidden = found[found["hidden"] & found["itl1"].isin(["TLJ", "TLH"])]
    assert len(hidden) > 10 and (hidden["parent_value"] < found.attrs["national_value"]).all()
    assert set(hidden["parent_name"]) >= {"East Suffolk"}
    big = geo.pockets(iod, code="LSOA21CD", value="IMD_score", min_population=5000)
    assert big.attrs["dropped_small"] == len(found) - len(big) > 0 and (big["population"] >= 5000).all()


def test_pockets_by_hand_on_the_city() -> None:
    """Four City LSOAs, two of them contiguous and 'deprived': one pocket of two."""
    city = geo.boundaries("lsoa21", within="E09000001")
    w = geo.contiguity("lsoa21", city.index)
    first = city.index[0]
    second = w.neighbors[first][0]
    data = pd.DataFrame({"score": 1.0}, index=city.index)
    data.loc[[first, second], "score"] = 50.0
    found = geo.pockets(data, value="score", threshold=40)
    assert len(found) == 1 and found.loc[0, "n_areas"] == 2 and set(found.loc[0, "codes"].split(",")) == {first, second}


def test_pockets_from_hot_spots(iod: pd.DataFrame) -> None:
    north_east = geo.boundaries("lsoa21", within="TLC").index
    data = iod[iod["LSOA21CD"].isin(north_east)]
    found = geo.pockets(data, code="LSOA21CD", value="IMD_score", threshold="hotspot")
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
    labels = np.where(direct.p_sim < 0.05, pd.Series(direct.q).map({1: "High-High", 2: "Low-High", 3: "Low-Low", 4: "High-Low"}), "Not significant")
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
    with pytest.raises(geo.InputError, match=r"threshold=1000: no area meets it"):
        geo.pockets(iod, code="LSOA21CD", value="IMD_score", threshold=1000)
    with pytest.raises(geo.InputError, match=r"weight 'w' is missing, zero or negative for 1 areas"):
        geo.inequality(lads.assign(w=[1.0, -1.0]), value="x", within="itl1", weight="w")
    with pytest.raises(geo.InputError, match=r"threshold='bottom'; expected"):
        geo.pockets(iod, code="LSOA21CD", value="IMD_score", threshold="bottom")
    with pytest.raises(geo.InputError, match=r"method='kriging'"):
        geo.hotspots(iod, code="LSOA21CD", value="IMD_score", method="kriging")
