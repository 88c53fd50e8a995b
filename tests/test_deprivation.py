"""IoD higher-area summaries: a hand-checkable case and the real IoD2025 file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import geo
from geo.statistics.deprivation import extent_weight


@pytest.fixture(scope="module")
def iod(mirror) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return pd.read_csv(mirror / "indicators/IoD2025_LSOA21_EN_scores_ranks_deciles.csv")


def test_hand_checked_two_groups() -> None:
    """Four LSOAs of N = 100 nationally, two made-up groups, population weights given."""
    data = pd.DataFrame(
        {
            "group": ["A", "A", "B", "B"],
            "score": [50.0, 10.0, 20.0, 20.0],
            "rank": [5, 60, 15, 30],
            "pop": [100.0, 300.0, 200.0, 200.0],
        },
        index=["E01000001", "E01000002", "E01000003", "E01000005"],
    )
    out = geo.deprivation_summary(data, to="group", score="score", rank="rank", weight="pop", national_count=100)
    assert out.loc["A", "average_score"] == pytest.approx((50 * 100 + 10 * 300) / 400)
    assert out.loc["A", "average_rank"] == pytest.approx((96 * 100 + 41 * 300) / 400)  # reversed: 101 - rank
    assert out.loc["A", "proportion_most_deprived_10"] == 0.5 and out.loc["B", "proportion_most_deprived_10"] == 0.0
    # extent: A: rank 5 -> percentile 5 (weight 1); rank 60 -> 0. B: percentile 15 -> 0.75, 30 -> 0.
    assert out.loc["A", "extent"] == pytest.approx(100 / 400)
    assert out.loc["B", "extent"] == pytest.approx(0.75 * 200 / 400)
    # local concentration: the most deprived 10% of A's population (40 people) all in the rank-5 LSOA
    assert out.loc["A", "local_concentration"] == pytest.approx(96)
    assert out.loc["B", "local_concentration"] == pytest.approx(86)  # 40 of the rank-15 LSOA's 200
    assert out.loc["A", "rank_of_average_score"] == 1 and out.loc["B", "rank_of_extent"] == 1 and out.loc["A", "rank_of_extent"] == 2


def test_extent_weights_slide_from_095_to_005() -> None:
    np.testing.assert_allclose(extent_weight(np.arange(1, 32)), [1.0] * 10 + list(np.linspace(0.95, 0.0, 20)) + [0.0], atol=1e-12)


@pytest.mark.parametrize("level", ["lad24", "utla23", "pfa24", "itl1"])
def test_proportion_in_most_deprived_decile_is_exact(iod: pd.DataFrame, level: str) -> None:
    out = geo.deprivation_summary(iod, code="LSOA21CD", to=level, score="IMD_score", rank="IMD_rank")
    parents = geo.lookup("lsoa21", level).set_index("lsoa21")[level]
    published = iod.set_index("LSOA21CD")["IMD_decile"].eq(1).groupby(parents).mean()
    pd.testing.assert_series_equal(out["proportion_most_deprived_10"], published.reindex(out.index), check_names=False, check_index_type=False)
    assert out["n_lsoas"].sum() == 33755
    assert out.attrs["national_count"] == 33755
    assert set(out["rank_of_average_rank"]) <= set(range(1, len(out) + 1))


def test_lad_summary_is_consistent_with_the_published_picture(iod: pd.DataFrame) -> None:
    out = geo.deprivation_summary(iod, code="LSOA21CD", to="lad24", score="IMD_score", rank="IMD_rank")
    assert out.loc["E06000009", "name"] == "Blackpool"
    assert out.loc["E06000009", "rank_of_average_score"] == 1 and out.loc["E06000009", "rank_of_average_rank"] == 1
    hart = out.loc[out["name"] == "Hart"].iloc[0]  # among the least deprived districts in every edition
    assert hart["rank_of_average_score"] > 290 and hart["proportion_most_deprived_10"] == 0
    # average score and average rank agree closely across districts
    assert out["average_score"].corr(out["average_rank"], method="spearman") > 0.95


def test_a_subset_is_still_placed_nationally(iod: pd.DataFrame) -> None:
    durham = geo.lookup("lsoa21", "lad24").query("lad24 == 'E06000047'")["lsoa21"]
    subset = iod[iod["LSOA21CD"].isin(durham)]
    alone = geo.deprivation_summary(subset, code="LSOA21CD", to="lad24", score="IMD_score", rank="IMD_rank")
    full = geo.deprivation_summary(iod, code="LSOA21CD", to="lad24", score="IMD_score", rank="IMD_rank")
    for measure in ("average_rank", "proportion_most_deprived_10", "extent", "local_concentration"):
        assert alone.loc["E06000047", measure] == pytest.approx(full.loc["E06000047", measure])
    assert full.loc["E06000047", "lsoas_missing"] == 0
    partial = geo.deprivation_summary(subset.iloc[:-3], code="LSOA21CD", to="lad24", score="IMD_score", rank="IMD_rank")
    assert partial.loc["E06000047", "lsoas_missing"] == 3 and partial.loc["E06000047", "lsoas_expected"] == len(durham)


def test_every_domain_works(iod: pd.DataFrame) -> None:
    for domain in ("Income", "Employment", "Health", "Housing_and_Services"):
        out = geo.deprivation_summary(iod, code="LSOA21CD", to="itl1", score=f"{domain}_score", rank=f"{domain}_rank")
        assert len(out) == 9 and out["extent"].between(0, 1).all()


def test_deprivation_errors(iod: pd.DataFrame) -> None:
    bad = iod[["LSOA21CD", "IMD_score", "IMD_rank"]].head(10).copy()
    bad.loc[bad.index[0], "IMD_rank"] = 40000
    with pytest.raises(geo.InputError, match=r"national ranks must lie in 1\.\.33755"):
        geo.deprivation_summary(bad, code="LSOA21CD", to="lad24", score="IMD_score", rank="IMD_rank")
    bad.loc[bad.index[0], "IMD_rank"] = np.nan
    with pytest.raises(geo.InputError, match=r"IMD_score/IMD_rank are missing for 1 areas"):
        geo.deprivation_summary(bad, code="LSOA21CD", to="lad24", score="IMD_score", rank="IMD_rank")


def test_consistent_with_mhclg_published_summaries(iod: pd.DataFrame) -> None:
    """Figures from MHCLG's IoD2025 local-authority summaries, as quoted by Lancashire County
    Council ("Indices of deprivation 2025", Lancashire Insight). MHCLG weights by its own
    mid-year population estimates and we by Census 2021, so ranks may move by a place or so."""
    lads = geo.deprivation_summary(iod, code="LSOA21CD", to="lad24", score="IMD_score", rank="IMD_rank")
    published_rank_of_average_rank = {"Blackpool": 1, "Burnley": 4, "Blackburn with Darwen": 11, "Pendle": 13, "Hyndburn": 16}
    ours = lads.set_index("name")["rank_of_average_rank"]
    for name, rank in published_rank_of_average_rank.items():
        assert abs(ours[name] - rank) <= 1, (name, ours[name], rank)
    assert len(lads) == 296
    utlas = geo.deprivation_summary(iod, code="LSOA21CD", to="utla23", score="IMD_score", rank="IMD_rank")
    assert len(utlas) == 153
    lancashire = utlas.loc["E10000017"]
    assert lancashire["rank_of_average_rank"] == 84  # published: 84th of 153
    assert lancashire["rank_of_local_concentration"] == 35  # published: 35th
    assert abs(lancashire["rank_of_extent"] - 60) <= 5  # published: 60th (population base differs)
    assert round(100 * lancashire["proportion_most_deprived_10"], 1) == 14.5  # published: 14.5%
    # London, as a public analysis of File 10 v2 reads it: Hackney first on average score,
    # Newham first on average rank
    london = lads[lads.index.str.startswith("E09")]
    assert london["rank_of_average_score"].idxmin() == "E09000012"  # Hackney
    assert london["rank_of_average_rank"].idxmin() == "E09000025"  # Newham
