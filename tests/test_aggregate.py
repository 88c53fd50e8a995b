"""aggregate / disaggregate: hand-checkable cases, real IoD2025 data and invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings as hsettings, strategies as st

import geo

CITY = ["E01000001", "E01000002", "E01000003", "E01000005", "E01032739", "E01032740"]  # City of London LSOAs


@pytest.fixture(scope="module")
def underlying(mirror) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return pd.read_csv(mirror / "indicators/IoD2025_LSOA21_EN_underlying_indicators.csv")


@pytest.fixture(scope="module")
def iod(mirror) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return pd.read_csv(mirror / "indicators/IoD2025_LSOA21_EN_scores_ranks_deciles.csv")


def test_city_of_london_by_hand() -> None:
    """Two LSOAs of the City with made-up values, checked by hand."""
    lsoas = geo.lookup("lsoa21", "lad24").query("lad24 == 'E09000001'")["lsoa21"].tolist()
    data = pd.DataFrame({"crimes": [3.0, 4.0], "cases": [1.0, 9.0], "people": [10.0, 30.0]}, index=lsoas[:2])
    counts = geo.aggregate(data, to="lad24", value="crimes", kind="count")
    assert counts.loc["E09000001", "crimes"] == 7.0
    assert counts.loc["E09000001", "name"] == "City of London"
    assert counts.loc["E09000001", "children_expected"] == len(lsoas)
    assert counts.loc["E09000001", "children_present"] == 2
    assert counts.loc["E09000001", "children_missing"] == len(lsoas) - 2
    pop = geo.population("lsoa21")
    assert counts.loc["E09000001", "weight_covered"] == pytest.approx(pop[lsoas[:2]].sum() / pop[lsoas].sum())
    rate = geo.aggregate(data, to="lad24", kind="rate", numerator="cases", denominator="people", value="rate")
    assert rate.loc["E09000001", "rate"] == pytest.approx(10 / 40)  # not the mean of 0.1 and 0.3 (0.2)
    mean = geo.aggregate(data, to="lad24", value="cases", kind="mean", weight="people")
    assert mean.loc["E09000001", "cases"] == pytest.approx((1 * 10 + 9 * 30) / 40)


def test_income_numerator_sums_at_every_level(underlying: pd.DataFrame) -> None:
    column = "income_domain_numerator"
    for level in ("lad24", "utla23", "pfa24", "rgn24", "itl1", "ctry"):
        result = geo.aggregate(underlying, code="LSOA21CD", to=level, value=column, kind="count")
        parents = geo.lookup("lsoa21", level).set_index("lsoa21")[level]
        expected = underlying.set_index("LSOA21CD")[column].groupby(parents).sum()
        pd.testing.assert_series_equal(result[column], expected.reindex(result.index), check_names=False, check_index_type=False)
        assert result[column].sum() == pytest.approx(underlying[column].sum())
        # the published file leaves a few numerators blank: they are reported, not hidden
        assert result["children_missing"].sum() == underlying[column].isna().sum() > 0


def test_rate_of_sums_differs_from_mean_of_rates(underlying: pd.DataFrame) -> None:
    """Income deprivation rate for regions: sum of numerators over sum of populations.

    Small LSOAs weigh as much as large ones in a plain mean of rates, so it is biased.
    """
    data = underlying[["LSOA21CD", "income_domain_numerator"]].merge(
        geo.population("lsoa21").rename("pop").reset_index(), left_on="LSOA21CD", right_on="lsoa21"
    )
    data["rate"] = data["income_domain_numerator"] / data["pop"]
    right = geo.aggregate(data, code="LSOA21CD", to="rgn24", kind="rate", numerator="income_domain_numerator", denominator="pop", value="rate")
    naive = data.set_index("LSOA21CD")["rate"].groupby(geo.lookup("lsoa21", "rgn24").set_index("lsoa21")["rgn24"]).mean()
    by_values = geo.aggregate(data, code="LSOA21CD", to="rgn24", kind="rate", value="rate", denominator="pop")
    np.testing.assert_allclose(right["rate"], by_values["rate"])
    assert (right["rate"] - naive.reindex(right.index)).abs().max() > 1e-4
    data = data.dropna(subset=["income_domain_numerator"])
    sums = data.groupby(data["LSOA21CD"].map(geo.lookup("lsoa21", "rgn24").set_index("lsoa21")["rgn24"]))[["income_domain_numerator", "pop"]].sum()
    np.testing.assert_allclose(right["rate"], (sums["income_domain_numerator"] / sums["pop"]).reindex(right.index))


def test_mean_is_population_weighted(iod: pd.DataFrame) -> None:
    result = geo.aggregate(iod, code="LSOA21CD", to="itl1", value="IMD_score", kind="mean")
    pop = geo.population("lsoa21")
    north_east = geo.lookup("lsoa21", "itl1").query("itl1 == 'TLC'")["lsoa21"]
    scores = iod.set_index("LSOA21CD")["IMD_score"][north_east]
    assert result.loc["TLC", "IMD_score"] == pytest.approx((scores * pop[north_east]).sum() / pop[north_east].sum())
    assert result.attrs["coverage_basis"] == "population"


def test_missing_values_are_reported_not_hidden(iod: pd.DataFrame) -> None:
    data = iod[["LSOA21CD", "IMD_score"]].copy()
    data.loc[data["LSOA21CD"] == "E01000001", "IMD_score"] = np.nan
    result = geo.aggregate(data, code="LSOA21CD", to="lad24", value="IMD_score", kind="mean")
    assert result.loc["E09000001", "children_missing"] == 1
    assert result.loc["E09000001", "weight_covered"] < 1
    low = geo.aggregate(data, code="LSOA21CD", to="lad24", value="IMD_score", kind="mean", min_coverage=0.99)
    assert np.isnan(low.loc["E09000001", "IMD_score"]) and low.loc["E09000001", "below_min_coverage"]
    assert not low.loc["E06000047", "below_min_coverage"]


def test_median_is_refused_unless_approximate(iod: pd.DataFrame) -> None:
    with pytest.raises(geo.InputError, match=r"medians do not aggregate.*approximate=True"):
        geo.aggregate(iod, code="LSOA21CD", to="lad24", value="IMD_score", kind="median")
    approx = geo.aggregate(iod, code="LSOA21CD", to="lad24", value="IMD_score", kind="median", approximate=True)
    assert (approx["approximation"] == "weighted median of children").all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "sum", "value": "x"}, r"kind='sum'; expected one of"),
        ({"kind": "count", "value": "nope"}, r"value column\(s\) \['nope'\] are not in data"),
        ({"kind": "rate", "value": "x"}, r"kind='rate' needs denominator="),
        ({"kind": "count", "value": "x", "weight": "w"}, r"weight= applies to kind='mean'"),
        ({"kind": "mean", "value": "x", "weight": "zero"}, r"weight 'zero' is missing, infinite, zero or negative for 1 areas \('E01000001'\)"),
        ({"kind": "count", "value": "neg"}, r"count column 'neg' has 1 negative values"),
        ({"kind": "count", "value": "x", "to": "lsoa11"}, r"level='lsoa21' does not nest in to='lsoa11': the two levels have no lookup path"),
        ({"kind": "count", "value": "x", "errors": "skip"}, r"errors='skip'"),
    ],
)
def test_refusals_name_the_problem(kwargs: dict[str, object], message: str) -> None:
    data = pd.DataFrame({"x": [1.0, 2.0], "w": [1.0, 2.0], "zero": [0.0, 1.0], "neg": [-1.0, 1.0]}, index=CITY[:2])
    kwargs = {"to": "lad24", **kwargs}
    with pytest.raises(geo.InputError, match=message):
        geo.aggregate(data, **kwargs)  # type: ignore[arg-type]


def test_unknown_duplicated_and_mixed_codes() -> None:
    data = pd.DataFrame({"x": [1.0, 2.0]}, index=["E01000001", "E01999999"])
    with pytest.raises(geo.InputError, match=r"1 of 2 distinct codes are in no level's code list \('E01999999'\)"):
        geo.aggregate(data, to="lad24", value="x", kind="count")
    with pytest.raises(geo.InputError, match=r"1 codes that are not lsoa21 areas \('E01999999'\)"):
        geo.aggregate(data, to="lad24", value="x", kind="count", level="lsoa21")
    reported = geo.aggregate(data, to="lad24", value="x", kind="count", level="lsoa21", errors="report")
    assert reported.attrs["excluded"] == ["E01999999"] and reported["x"].sum() == 1.0
    dup = pd.DataFrame({"code": ["E01000001", "E01000001"], "x": [1.0, 2.0]})
    with pytest.raises(geo.InputError, match=r"1 duplicated area codes \('E01000001'\)"):
        geo.aggregate(dup, code="code", to="lad24", value="x", kind="count")
    only21 = geo.areas("lsoa21").index.difference(geo.areas("lsoa11").index)[0]
    mixed = pd.DataFrame({"x": [1.0, 2.0]}, index=["E01000010", only21])  # 2011-only and 2021-only
    with pytest.raises(geo.InputError, match=r"codes mixes vintages"):
        geo.aggregate(mixed, to="lad24", value="x", kind="count")
    with pytest.raises(geo.InputError, match=r"code='area' is not a column of data"):
        geo.aggregate(dup, code="area", to="lad24", value="x", kind="count")


def test_disaggregate_then_aggregate_round_trips_counts() -> None:
    lads = geo.lookup("lad24", "pfa24")["lad24"]
    data = pd.DataFrame({"jobs": np.arange(len(lads)) * 17.0 + 3}, index=lads)
    down = geo.disaggregate(data, to="lsoa21", value="jobs", kind="count")
    assert len(down) == 35672
    back = geo.aggregate(down, to="lad24", value="jobs", kind="count")
    np.testing.assert_allclose(back["jobs"], data["jobs"].reindex(back.index), rtol=1e-12)
    rates = geo.disaggregate(data.rename(columns={"jobs": "rate"}), to="lsoa21", value="rate", kind="rate")
    assert rates["inherited"].all()
    assert rates.loc["E01000001", "rate"] == data.loc["E09000001", "jobs"]


def test_disaggregate_refuses_a_level_that_does_not_nest() -> None:
    data = pd.DataFrame({"x": [1.0]}, index=["E23000001"])
    with pytest.raises(geo.NestingError, match=r"to='utla23' does not nest in 'pfa24'"):
        geo.disaggregate(data, to="utla23", value="x", kind="count")
    with pytest.raises(geo.InputError, match=r"weight='area'; expected 'population', 'equal' or a Series"):
        geo.disaggregate(data, to="lsoa21", value="x", kind="count", weight="area")


@hsettings(max_examples=15, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=12, max_size=12))
def test_counts_are_conserved_and_lsoa_lad_itl1_equals_lsoa_itl1(values: list[float]) -> None:
    lads = geo.lookup("lad24", "itl1").query("itl1 == 'TLC'")["lad24"]
    data = pd.DataFrame({"n": values[: len(lads)]}, index=lads)
    down = geo.disaggregate(data, to="lsoa21", value="n", kind="count")
    assert down.groupby("lad24")["weight_share"].sum().sub(1).abs().max() < 1e-12
    assert down["n"].sum() == pytest.approx(sum(values[: len(lads)]), rel=1e-12, abs=1e-6)
    via_lad = geo.aggregate(geo.aggregate(down, to="lad24", value="n", kind="count")[["n"]], to="itl1", value="n", kind="count")
    direct = geo.aggregate(down, to="itl1", value="n", kind="count")
    assert via_lad.loc["TLC", "n"] == pytest.approx(direct.loc["TLC", "n"], rel=1e-12, abs=1e-6)


@hsettings(max_examples=10, deadline=None)
@given(st.lists(st.floats(min_value=0.01, max_value=100, allow_nan=False), min_size=12, max_size=12))
def test_rates_nest_through_lad(values: list[float]) -> None:
    lads = geo.lookup("lad24", "itl1").query("itl1 == 'TLC'")["lad24"]
    data = pd.DataFrame({"num": values[: len(lads)]}, index=lads)
    down = geo.disaggregate(data, to="lsoa21", value="num", kind="count")
    down["den"] = geo.population("lsoa21").reindex(down.index)
    lad = geo.aggregate(down, to="lad24", kind="rate", numerator="num", denominator="den")
    via_lad = geo.aggregate(lad, to="itl1", kind="rate", numerator="numerator", denominator="denominator")
    direct = geo.aggregate(down, to="itl1", kind="rate", numerator="num", denominator="den")
    assert via_lad.loc["TLC", "rate"] == pytest.approx(direct.loc["TLC", "rate"], rel=1e-12)


def test_inputs_are_not_mutated(iod: pd.DataFrame) -> None:
    before = iod.copy()
    geo.aggregate(iod, code="LSOA21CD", to="lad24", value="IMD_score", kind="mean")
    pd.testing.assert_frame_equal(iod, before)


def test_missing_weights_and_codes_are_refused() -> None:
    data = pd.DataFrame({"x": [1.0, 2.0], "w": [1.0, np.nan]}, index=CITY[:2])
    with pytest.raises(geo.InputError, match=r"weight 'w' is missing, infinite, zero or negative for 1 areas \('E01000002'\)"):
        geo.aggregate(data, to="lad24", value="x", kind="mean", weight="w")
    no_code = pd.DataFrame({"code": ["E01000001", None], "x": [1.0, 2.0]})
    with pytest.raises(geo.InputError, match=r"data has 1 rows with no area code"):
        geo.aggregate(no_code, code="code", to="lad24", value="x", kind="count")
    text = pd.DataFrame({"x": ["1", "lots"]}, index=CITY[:2])
    with pytest.raises(geo.InputError, match=r"value column 'x' has non-numeric values: 'lots'"):
        geo.aggregate(text, to="lad24", value="x", kind="count")
    scottish = pd.DataFrame({"x": [1.0]}, index=["S01006506"])
    with pytest.raises(geo.InputError, match=r"weight='population' is not available for dz11"):
        geo.aggregate(scottish, to="lad24", value="x", kind="mean")
