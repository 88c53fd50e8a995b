"""Numbers that cannot lie: national figures only from national data, no default direction,
inf/huge counts/bad weights refused, constant and tiny data give documented results, every
parameter checked. Expected values come from hand computation, plain pandas on the raw mirror
files, or esda/PySAL run directly."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings as hsettings, strategies as st

import geo
from geo.cli import main
from geo.moving.ess import at_level
from geo.statistics.inequality import gini, theil, weighted_quantile

CITY = ["E01000001", "E01000002", "E01000003", "E01000005"]  # four City of London LSOAs
CITY_ALL = sorted(pd.read_csv(Path(os.environ["LEVELUP_MIRROR"]) / "lookups/LSOA21_WD24_LAD24_EW_LU.csv")
                  .query("LAD24CD == 'E09000001'")["LSOA21CD"])  # all of them, from the raw lookup


@pytest.fixture(scope="module")
def iod(mirror: Path) -> pd.DataFrame:
    return pd.read_csv(mirror / "indicators/IoD2025_LSOA21_EN_scores_ranks_deciles.csv")


@pytest.fixture(scope="module")
def lsoa_lad(mirror: Path) -> pd.Series:
    """LAD of each LSOA from the raw ONS lookup, with plain pandas."""
    return pd.read_csv(mirror / "lookups/LSOA21_WD24_LAD24_EW_LU.csv").set_index("LSOA21CD")["LAD24CD"]


@pytest.fixture(scope="module")
def durham(iod: pd.DataFrame, lsoa_lad: pd.Series) -> pd.DataFrame:
    return iod[iod["LSOA21CD"].map(lsoa_lad).eq("E06000047")]


@pytest.fixture(scope="module")
def hle_utla() -> pd.DataFrame:
    hle = geo.read_ess("healthy-life-expectancy")
    one = hle[(hle["indicator"] == "Female healthy life expectancy") & (hle["period"] == "2022-01-01/P3Y")]
    return at_level(one, "utla23", kind="mean")[["observation"]]


# ---------------------------------------------------------------- national means national


def test_national_threshold_on_one_council_is_refused(durham: pd.DataFrame) -> None:
    with pytest.raises(geo.CoverageError, match=r"threshold='national_decile_1' needs data for a whole nation, but the data hold "
                       r"330 of England's 33,755 lsoa21 areas \(1\.0 %\).*pass a numeric threshold="):
        geo.pockets(durham, code="LSOA21CD", value="IMD_score", worse="high")
    with pytest.raises(geo.CoverageError, match=r"threshold='national_percentile_5'"):
        geo.pockets(durham, code="LSOA21CD", value="IMD_score", worse="high", threshold="national_percentile_5")


def test_numeric_threshold_on_partial_data_leaves_hidden_missing(durham: pd.DataFrame) -> None:
    found = geo.pockets(durham, code="LSOA21CD", value="IMD_score", worse="high", threshold=50)
    scores = durham.set_index("LSOA21CD")["IMD_score"]
    assert found["n_areas"].sum() == (scores >= 50).sum() > 0  # plain pandas on the same rows
    assert found["hidden"].isna().all() and np.isnan(found.attrs["national_value"])
    assert "330 of England's 33,755 lsoa21 areas (1.0 %)" in found.attrs["hidden_reason"]
    assert "full national file" in found.attrs["hidden_reason"]


def test_hidden_uses_a_tolerance_within_the_nation(iod: pd.DataFrame) -> None:
    """within='ctry', weight=None: England's own mean equals the national mean, so no pocket is
    hidden (it was 927 of 927 when -3.6e-15 counted as 'better')."""
    found = geo.pockets(iod, code="LSOA21CD", value="IMD_score", worse="high", within="ctry", weight=None)
    assert found.attrs["national_value"] == pytest.approx(iod["IMD_score"].mean(), rel=1e-12)
    assert len(found) > 900 and not found["hidden"].any()
    assert (found["parent_value"] - iod["IMD_score"].mean()).abs().max() < 1e-9


def test_hidden_flag_by_hand(iod: pd.DataFrame, lsoa_lad: pd.Series) -> None:
    """A pocket is hidden when its district's mean is better (lower) than England's: plain pandas."""
    found = geo.pockets(iod, code="LSOA21CD", value="IMD_score", worse="high", weight=None)
    district_mean = iod.groupby(iod["LSOA21CD"].map(lsoa_lad))["IMD_score"].mean()
    national = iod["IMD_score"].mean()
    expected = found["parent"].map(district_mean) < national
    assert (found["hidden"].to_numpy() == expected.to_numpy()).all() and expected.sum() > 50


def test_deprivation_ranks_need_national_data(iod: pd.DataFrame, durham: pd.DataFrame) -> None:
    alone = geo.deprivation_summary(durham, code="LSOA21CD", to="lad24", score="IMD_score", rank="IMD_rank")
    assert alone["rank_of_average_rank"].isna().all() and "pass the full national file" in alone.attrs["rank_reason"]
    full = geo.deprivation_summary(iod, code="LSOA21CD", to="lad24", score="IMD_score", rank="IMD_rank")
    assert full.attrs["rank_reason"] == "" and full["rank_of_average_rank"].notna().all()
    # the measures themselves use the file's national ranks and do not change with the subset
    assert alone.loc["E06000047", "extent"] == pytest.approx(full.loc["E06000047", "extent"])


def test_compare_reads_parent_values_from_the_table_and_needs_a_direction_to_rank() -> None:
    table = pd.DataFrame(
        {"v": [50.0, 60.0, 55.0, 58.0]}, index=["E06000001", "E06000004", "E12000001", "E92000001"]  # Hartlepool, Stockton, NE, England
    )
    out = geo.compare(table, value="v", level="lad24")
    assert out.loc["E06000001", "ctry_value"] == 58.0 and out.loc["E06000001", "diff_rgn24"] == -5.0
    assert out["rank_in_rgn24"].isna().all()
    ranked = geo.compare(table, value="v", level="lad24", higher_is_better=True)
    assert ranked["rank_in_rgn24"].tolist() == [2, 1]
    with pytest.raises(geo.InputError, match=r"column 'v' has non-numeric values \('lots'\)"):
        geo.compare(table.assign(v=["1", "lots", "2", "3"]), value="v", level="lad24")
    with pytest.raises(geo.InputError, match=r"column 'v' has 1 infinite values \(at 'E06000004'\)"):
        geo.compare(table.assign(v=[1.0, np.inf, 2.0, 3.0]), value="v", level="lad24")
    with pytest.raises(geo.InputError, match=r"higher_is_better='yes'"):
        geo.compare(table, value="v", level="lad24", higher_is_better="yes")  # type: ignore[arg-type]


# ---------------------------------------------------------------- no default direction


def test_pockets_need_a_direction(iod: pd.DataFrame) -> None:
    with pytest.raises(geo.InputError, match=r"worse=None; say which values are bad: worse='high'.*worse='low'"):
        geo.pockets(iod, code="LSOA21CD", value="IMD_score")
    with pytest.raises(geo.InputError, match=r"worse='bad'"):
        geo.pockets(iod, code="LSOA21CD", value="IMD_score", worse="bad")


def test_inequality_without_direction_leaves_best_and_worst_missing() -> None:
    lads = pd.DataFrame({"x": [1.0, 3.0]}, index=["E06000047", "E06000001"])
    out = geo.inequality(lads, value="x", within=None)
    assert out.loc["all", "best_code"] is None and out.loc["all", "worst_code"] is None
    assert geo.inequality(lads, value="x", within=None, higher_is_better=False).loc["all", "worst_code"] == "E06000001"


def test_cli_pockets_requires_worse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "city.csv"
    pd.DataFrame({"code": CITY, "score": [50.0, 50.0, 1.0, 1.0]}).to_csv(table, index=False)
    with pytest.raises(SystemExit) as stopped:
        main(["pockets", str(table), "--value", "score", "--threshold", "40"])
    assert stopped.value.code == 2 and "--worse" in capsys.readouterr().err
    assert main(["pockets", str(table), "--value", "score", "--threshold", "40", "--worse", "high", "--out", str(tmp_path / "p.csv")]) == 0
    err = capsys.readouterr().err
    assert "hidden not computed" in err
    assert pd.read_csv(tmp_path / "p.csv")["n_areas"].sum() == 2


# ---------------------------------------------------------------- pockets: results, not crashes


def test_no_pocket_is_a_result_with_the_full_schema(iod: pd.DataFrame, mirror: Path) -> None:
    found = geo.pockets(iod, code="LSOA21CD", value="IMD_score", worse="high", threshold=1000)
    assert len(found) == 0 and isinstance(found, gpd.GeoDataFrame)
    assert list(found.columns) == ["pocket", "codes", "n_areas", "population", "value", "lad24", "utla23", "pfa24", "itl1",
                                   "parent", "parent_name", "parent_value", "hidden", "geometry"]
    assert found.crs.to_epsg() == 27700 and found.attrs["areas_meeting_threshold"] == 0
    people = pd.read_csv(mirror / "indicators/Census2021_usual_residents_LSOA21_EW.csv").set_index("LSOA21CD")["usual_residents_2021"]
    weights = people.reindex(iod["LSOA21CD"]).to_numpy()
    assert found.attrs["national_value"] == pytest.approx((iod["IMD_score"].to_numpy() * weights).sum() / weights.sum(), rel=1e-12)


def test_constant_data_have_no_pockets_and_no_hot_spots(iod: pd.DataFrame) -> None:
    flat = iod[["LSOA21CD"]].assign(score=7.0)
    for threshold in ("national_decile_1", "hotspot"):
        found = geo.pockets(flat, code="LSOA21CD", value="score", worse="high", threshold=threshold)
        assert len(found) == 0 and found.attrs["areas_meeting_threshold"] == 0, threshold
    spots = geo.hotspots(flat.head(300), code="LSOA21CD", value="score", permutations=99)
    assert (spots["label"] == "Not significant").all() and spots["p_value"].isna().all() and spots.attrs["constant"] is True
    nearly = flat.head(300).assign(score=7.0 + np.arange(300) * 1e-14)
    assert (geo.hotspots(nearly, code="LSOA21CD", value="score", permutations=99)["label"] == "Not significant").all()


def test_min_population_drops_pockets_of_unknown_population(hle_utla: pd.DataFrame) -> None:
    kwargs = dict(value="observation", level="utla23", within="itl1", worse="low", weight=None, threshold=60)
    every = geo.pockets(hle_utla, **kwargs)
    unknown = int(every["population"].isna().sum())
    assert unknown > 0 and every["itl1"][every["population"].isna()].isin(["TLM", "TLN"]).all()  # Scotland, NI
    kept = geo.pockets(hle_utla, **kwargs, min_population=1)
    assert kept.attrs["dropped_unknown_population"] == unknown and kept.attrs["dropped_small"] == 0
    assert len(kept) == len(every) - unknown and kept["population"].notna().all()
    assert every.attrs["dropped_unknown_population"] == 0  # min_population=0 keeps them
    with pytest.raises(geo.InputError, match=r"min_population=-1; expected a number in \[0, inf\)"):
        geo.pockets(hle_utla, **kwargs, min_population=-1)


def test_national_threshold_refused_for_hle_missing_two_english_counties(hle_utla: pd.DataFrame) -> None:
    """ONS publishes no HLE for the City of London and the Isles of Scilly: 151 of 153 < 99 %."""
    with pytest.raises(geo.CoverageError, match=r"151 of England's 153 utla23 areas \(98\.7 %\)"):
        geo.pockets(hle_utla, value="observation", level="utla23", within="itl1", worse="low", weight=None)


# ---------------------------------------------------------------- hot spots: one p-value rule


def test_p_value_equal_to_the_level_is_significant(iod: pd.DataFrame, lsoa_lad: pd.Series) -> None:
    import esda

    data = iod[iod["LSOA21CD"].map(lsoa_lad).eq("E08000021")]  # Newcastle
    spots = geo.hotspots(data, code="LSOA21CD", value="IMD_score", permutations=99, seed=7)
    at_level = spots[spots["p_value"] == 0.05]
    assert len(at_level) > 0 and (at_level["label"] != "Not significant").all()
    assert ((spots["label"] != "Not significant") == (spots["p_value"] <= 0.05)).all()
    strict = geo.hotspots(data, code="LSOA21CD", value="IMD_score", permutations=99, seed=7, fdr=True)
    cut = esda.fdr(spots["p_value"].to_numpy(), 0.05)
    assert ((strict["label"] != "Not significant") == (strict["p_value"] <= cut)).all()
    assert strict.attrs["rule"] == "p_value <= significance"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"permutations": 9.5}, r"permutations=9\.5; expected a whole number >= 1"),
        ({"permutations": 0}, r"permutations=0; expected a whole number >= 1"),
        ({"permutations": True}, r"permutations=True"),
        ({"significance": 0}, r"significance=0; expected a number in \(0, 1\)"),
        ({"significance": 1.5}, r"significance=1\.5"),
        ({"significance": float("nan")}, r"significance=nan"),
        ({"seed": -1}, r"seed=-1"),
        ({"fdr": "yes"}, r"fdr='yes'"),
        ({"contiguity": "bishop"}, r"contiguity='bishop'"),
    ],
)
def test_hotspot_parameters_are_checked(durham: pd.DataFrame, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(geo.InputError, match=message):
        geo.hotspots(durham, code="LSOA21CD", value="IMD_score", **kwargs)  # type: ignore[arg-type]


# ---------------------------------------------------------------- inf, huge counts, weights


def test_infinite_values_are_refused_everywhere() -> None:
    city = pd.DataFrame({"x": [1.0, np.inf, 2.0, 3.0], "w": [1.0, 1.0, 1.0, 1.0]}, index=CITY)
    message = r"value column 'x' has 1 infinite values \(at 'E01000002'\)"
    for call in (
        lambda: geo.aggregate(city, to="lad24", value="x", kind="count"),
        lambda: geo.aggregate(city, to="lad24", value="x", kind="mean", weight="w"),
        lambda: geo.inequality(city, value="x", within=None),
        lambda: geo.decompose(city, value="x", within="lad24"),
        lambda: geo.hotspots(city, value="x", permutations=9),
        lambda: geo.pockets(city, value="x", worse="high", threshold=1),
    ):
        with pytest.raises(geo.InputError, match=message):
            call()
    lad = pd.DataFrame({"x": [-np.inf]}, index=["E09000001"])
    with pytest.raises(geo.InputError, match=r"value column 'x' has 1 infinite values \(at 'E09000001'\)"):
        geo.disaggregate(lad, to="lsoa21", value="x", kind="count")
    old = pd.DataFrame({"x": [np.inf]}, index=["E01033468"])
    with pytest.raises(geo.InputError, match=r"value column 'x' has 1 infinite values"):
        geo.convert(old, value="x", kind="count")
    with pytest.raises(geo.InputError, match=r"column 'w' has 1 infinite values \(at 'E01000003'\)"):
        geo.aggregate(city.assign(x=1.0, w=[1.0, 1.0, np.inf, 1.0]), to="lad24", value="x", kind="mean", weight="w")
    with pytest.raises(geo.InputError, match=r"column 'w' has 1 infinite values \(at 'E01000003'\)"):
        geo.inequality(city.assign(x=1.0, w=[1.0, 1.0, np.inf, 1.0]), value="x", within=None, weight="w")


def test_counts_beyond_2_53_are_refused() -> None:
    city = pd.DataFrame({"n": [2**53 + 1, 1, 1, 1]}, index=CITY)
    with pytest.raises(geo.InputError, match=r"count column 'n' has 1 values of 2\*\*53 .*at 'E01000001'"):
        geo.aggregate(city, to="lad24", value="n", kind="count")
    halves = pd.DataFrame({"n": [2.0**52, 2.0**52, 0.0, 0.0]}, index=CITY)  # each exact, the sum is not
    with pytest.raises(geo.InputError, match=r"count column 'n' sums to 9\.0072e\+15, beyond 2\*\*53"):
        geo.aggregate(halves, to="lad24", value="n", kind="count")
    with pytest.raises(geo.InputError, match=r"rate column 'd' has 1 values of 2\*\*53"):
        geo.aggregate(city.assign(d=[2.0**60, 1, 1, 1], k=1.0), to="lad24", value="r", numerator="k", denominator="d", kind="rate")
    with pytest.raises(geo.InputError, match=r"count column 'n' has 1 values of 2\*\*53"):
        geo.disaggregate(pd.DataFrame({"n": [2.0**53]}, index=["E09000001"]), to="lsoa21", value="n", kind="count")
    fine = geo.aggregate(city.assign(n=[2**52, 1, 1, 1]), to="lad24", value="n", kind="count")
    assert fine.loc["E09000001", "n"] == 2**52 + 3  # exact below the limit


def test_disaggregate_weights_must_be_finite() -> None:
    lad = pd.DataFrame({"n": [10.0]}, index=["E09000001"])
    weights = pd.Series([1.0, np.inf, 1.0, 1.0] + [1.0] * (len(CITY_ALL) - 4), index=CITY_ALL)
    with pytest.raises(geo.InputError, match=r"the weight Series is infinite or negative for 'E01000002'"):
        geo.disaggregate(lad, to="lsoa21", value="n", kind="count", weight=weights)
    with pytest.raises(geo.InputError, match=r"every lsoa21 area in 'E09000001' are zero"):
        geo.disaggregate(lad, to="lsoa21", value="n", kind="count", weight=pd.Series(0.0, index=CITY_ALL))
    given = pd.Series(0.0, index=CITY_ALL)
    given[CITY] = [1.0, 1.0, 0.0, 2.0]
    split = geo.disaggregate(lad, to="lsoa21", value="n", kind="count", weight=given)
    assert split["n"].reindex(CITY).tolist() == [2.5, 2.5, 0.0, 5.0] and split["n"].sum() == 10  # by hand: 10 x 1/4, 1/4, 0, 2/4


# ---------------------------------------------------------------- Gini, Theil, decompose on edge cases


def test_gini_and_theil_edge_cases_by_hand() -> None:
    assert gini(np.full(4, 3.0)) == 0.0 and theil(np.full(4, 3.0)) == 0.0  # constant
    assert gini(np.zeros(4)) == 0.0 and theil(np.zeros(4)) == 0.0  # all zero: everyone equal
    assert gini(np.array([5.0])) == 0.0 and theil(np.array([5.0])) == 0.0  # a single value
    # one of two has everything: Gini = |0 - 1| * 2 / (2 * 4 * 0.5) = 0.5; Theil = 0.5 * 2 ln 2 = ln 2
    assert gini(np.array([0.0, 1.0])) == pytest.approx(0.5) and theil(np.array([0.0, 1.0])) == pytest.approx(np.log(2))
    assert gini(np.array([1e-300, 2e-300])) == pytest.approx(1 / 6)  # tiny values: |1-2| * 2 / (2 * 4 * 1.5)
    for function in (gini, theil):
        with pytest.raises(geo.InputError, match=r"values >= 0; found -1\.0"):
            function(np.array([1.0, -1.0]))
        with pytest.raises(geo.InputError, match=r"of no values is undefined"):
            function(np.array([]))
        with pytest.raises(geo.InputError, match=r"finite values; found nan"):
            function(np.array([1.0, np.nan]))
        with pytest.raises(geo.InputError, match=r"weights: must be finite and positive; found 0\.0"):
            function(np.array([1.0, 2.0]), np.array([1.0, 0.0]))
        with pytest.raises(geo.InputError, match=r"weights: 1 weights for 2 values"):
            function(np.array([1.0, 2.0]), np.array([1.0]))
    with pytest.raises(geo.InputError, match=r"q=1\.5; expected a number in \[0, 1\]"):
        weighted_quantile(np.array([1.0]), 1.5)


def test_inequality_and_decompose_of_constant_and_zero_data() -> None:
    lads = pd.DataFrame({"x": 4.0}, index=["E06000047", "E06000001", "E06000002", "E08000021"])
    out = geo.inequality(lads, value="x", within="itl1")
    assert (out["gini"] == 0).all() and (out["theil"] == 0).all() and (out["decile_gap"] == 0).all()
    for value in (4.0, 0.0):
        parts = geo.decompose(lads.assign(x=value), value="x", within="itl1")
        assert (parts == 0).all(), value
    one = geo.inequality(lads.head(1), value="x", within=None)
    assert one.loc["all", ["n", "gini", "theil", "decile_gap"]].tolist() == [1, 0.0, 0.0, 0.0]
    with pytest.raises(geo.InputError, match=r"value column 'x' has negative values; the Theil index needs values >= 0"):
        geo.decompose(lads.assign(x=[1.0, -1.0, 1.0, 1.0]), value="x", within="itl1")
    negative = geo.inequality(lads.assign(x=[1.0, -1.0, 1.0, 1.0]), value="x", within=None)
    assert np.isnan(negative.loc["all", "gini"]) and np.isnan(negative.loc["all", "theil"])  # documented: NaN in the table


# ---------------------------------------------------------------- parameters named


def test_deprivation_national_count_is_checked(iod: pd.DataFrame) -> None:
    head = iod.head(10)
    for bad in (0, -5, 9.5, True):
        with pytest.raises(geo.InputError, match=rf"national_count={bad!r}; expected a whole number >= 1"):
            geo.deprivation_summary(head, code="LSOA21CD", to="lad24", score="IMD_score", rank="IMD_rank", national_count=bad)
    small = geo.deprivation_summary(head, code="LSOA21CD", to="lad24", score="IMD_score", rank="IMD_rank", national_count=40000)
    assert small.attrs["national_count"] == 40000  # given: used, not ignored
    with pytest.raises(geo.InputError, match=r"value column 'IMD_score' has 1 infinite values"):
        geo.deprivation_summary(head.assign(IMD_score=[np.inf] + [1.0] * 9), code="LSOA21CD", to="lad24", score="IMD_score",
                                rank="IMD_rank")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scheme": "rainbow"}, r"scheme='rainbow'; expected one of mapclassify's"),
        ({"k": 1}, r"k=1; expected a whole number >= 2"),
        ({"k": 2.5}, r"k=2\.5; expected a whole number >= 2"),
        ({"higher_is_better": "no"}, r"higher_is_better='no'"),
        ({"scheme": "UserDefined"}, r"scheme='UserDefined' cannot class these values"),
    ],
)
def test_classify_parameters_are_checked(kwargs: dict[str, object], message: str) -> None:
    from geo.outputs.classes import classify

    with pytest.raises(geo.InputError, match=message):
        classify(pd.Series([1.0, 2.0, 3.0, 4.0]), **kwargs)  # type: ignore[arg-type]


def test_classify_refuses_inf() -> None:
    from geo.outputs.classes import classify

    with pytest.raises(geo.InputError, match=r"values: 1 infinite values \(at 3\)"):
        classify(pd.Series([1.0, 2.0, 3.0, np.inf]))


def test_aggregate_and_assign_parameters_are_checked() -> None:
    city = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]}, index=CITY)
    for bad in (1.5, -0.1, float("nan"), "half"):
        with pytest.raises(geo.InputError, match=rf"min_coverage={bad!r}; expected a number in \[0, 1\]"):
            geo.aggregate(city, to="lad24", value="x", kind="count", min_coverage=bad)  # type: ignore[arg-type]
    with pytest.raises(geo.InputError, match=r"approximate='yes'"):
        geo.aggregate(city, to="lad24", value="x", kind="median", approximate="yes")  # type: ignore[arg-type]
    points = pd.DataFrame({"lon": [-0.0915], "lat": [51.5155]})
    with pytest.raises(geo.InputError, match=r"crs='EPSG:999999' is not a known coordinate reference system"):
        geo.assign(points, crs="EPSG:999999")
    with pytest.raises(geo.InputError, match=r"nearest_within=-5; expected a distance in metres >= 0"):
        geo.assign(points, nearest_within=-5)
    with pytest.raises(geo.InputError, match=r"points has 1 rows with infinite coordinates"):
        geo.assign(points.assign(lon=np.inf))
    with pytest.raises(geo.InputError, match=r"weight='people'; expected 'population' \(Census 2021 residents\) or 'area'"):
        geo.convert(pd.DataFrame({"x": [1.0]}, index=["E01033468"]), value="x", kind="count", weight="people")


# ---------------------------------------------------------------- invariants (hypothesis)


@pytest.fixture(scope="module")
def lsoa_codes(lsoa_lad: pd.Series) -> list[str]:
    return sorted(lsoa_lad.index)


@hsettings(max_examples=25, deadline=None)
@given(st.data())
def test_counts_are_conserved_and_nesting_commutes(lsoa_codes: list[str], data: st.DataObject) -> None:
    codes = data.draw(st.lists(st.sampled_from(lsoa_codes), min_size=1, max_size=60, unique=True))
    counts = data.draw(st.lists(st.integers(min_value=0, max_value=10**9), min_size=len(codes), max_size=len(codes)))
    table = pd.DataFrame({"n": np.array(counts, dtype="int64")}, index=codes)
    lad = geo.aggregate(table, to="lad24", value="n", kind="count")
    itl1 = geo.aggregate(table, to="itl1", value="n", kind="count")
    assert lad["n"].sum() == itl1["n"].sum() == sum(counts)  # exact: counts below 2**53
    via = geo.aggregate(lad[["n"]], to="itl1", value="n", kind="count", level="lad24")
    pd.testing.assert_series_equal(via["n"], itl1["n"], check_index_type=False)
    weights = data.draw(st.lists(st.floats(min_value=0.5, max_value=1e4), min_size=len(codes), max_size=len(codes)))
    means = table.assign(n=table["n"].astype(float), w=weights)
    direct = geo.aggregate(means, to="itl1", value="n", kind="mean", weight="w")
    by_lad = geo.aggregate(means, to="lad24", value="n", kind="mean", weight="w")
    stepped = geo.aggregate(by_lad[["n", "weight"]], to="itl1", value="n", kind="mean", weight="weight", level="lad24")
    np.testing.assert_allclose(stepped["n"].to_numpy(), direct["n"].to_numpy(), rtol=1e-9)


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e12), min_size=1, max_size=50),
       st.lists(st.floats(min_value=1e-3, max_value=1e3), min_size=50, max_size=50))
def test_gini_is_in_unit_interval_for_non_negative_data(values: list[float], weights: list[float]) -> None:
    x = np.array(values)
    for w in (None, np.array(weights[: len(x)])):
        g = gini(x, w)
        assert 0 <= g < 1
        assert theil(x, w) >= -1e-12
    assert gini(x) <= (len(x) - 1) / len(x) + 1e-12  # unweighted maximum: everything held by one


def test_other_parameters_are_named() -> None:
    city = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]}, index=CITY)
    with pytest.raises(geo.InputError, match=r"contiguity='bishop'; expected one of"):
        geo.pockets(city, value="x", worse="high", threshold=1000, contiguity="bishop")  # refused even with no pocket
    with pytest.raises(geo.InputError, match=r"weight='people'; expected 'population'.*None.*or a column of data"):
        geo.inequality(city, value="x", within=None, weight="people")
    with pytest.raises(geo.InputError, match=r"to=\[\]; pass a level"):
        geo.aggregate(city, to=[], value="x", kind="count")
    with pytest.raises(geo.InputError, match=r"value=\[\]; pass a value column"):
        geo.disaggregate(pd.DataFrame({"x": [1.0]}, index=["E09000001"]), to="lsoa21", value=[], kind="count")
    with pytest.raises(geo.InputError, match=r"codes: no area given"):
        geo.contiguity("lad24", pd.Index([]))
    with pytest.raises(geo.InputError, match=r"codes: duplicated \('E06000001'\)"):
        geo.contiguity("lad24", pd.Index(["E06000001", "E06000001"]))
    with pytest.raises(geo.InputError, match=r"threshold='national_decile_11'; N must run from 1 to 10"):
        geo.pockets(city, value="x", worse="high", threshold="national_decile_11")
    with pytest.raises(geo.InputError, match=r"threshold=nan; a numeric threshold must be a finite number"):
        geo.pockets(city, value="x", worse="high", threshold=float("nan"))


def test_half_given_coordinates_and_empty_decile_groups_are_refused() -> None:
    from geo.statistics.inequality import decile_groups

    with pytest.raises(geo.InputError, match=r"x='e', y=None: pass both coordinate columns"):
        geo.assign(pd.DataFrame({"e": [530000.0], "lon": [-0.09], "lat": [51.5]}), x="e")
    with pytest.raises(geo.InputError, match=r"decile groups of no values are undefined"):
        decile_groups(pd.Series([], dtype=float))
