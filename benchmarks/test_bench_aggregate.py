"""Benchmarks (run with `make bench`): aggregating all 35,672 LSOAs to the four higher levels.

Baseline: what an analyst writes by hand with the lookup already in memory — one pandas merge
and a groupby-sum per level. ``geo.aggregate`` also validates codes, checks nesting and reports
coverage. Asserted (see conftest.py; ratio = plain way / package, above 1 the package is
faster):

- all four levels in one call: not slower than the plain way (floor 1.0; measured 1.3-1.6);
- one call per level: KNOWN SLOWER than the plain way — each call validates the codes and
  reports coverage again (measured 0.43-0.54 on 2026-11-25). The floor 0.3 guards against it
  getting worse; making it faster is issue 11.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from conftest import assert_ratio

import geo

MIRROR = Path(os.environ["LEVELUP_MIRROR"])
LEVELS = ("lad24", "utla23", "pfa24", "itl1")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    geo.settings.cache_dir = tmp_path_factory.mktemp("bench-cache")
    frame = pd.read_csv(MIRROR / "indicators/Census2021_usual_residents_LSOA21_EW.csv")
    for level in LEVELS:  # warm the cache
        geo.aggregate(frame, code="LSOA21CD", to=level, value="usual_residents_2021", kind="count")
    return frame


def plain_way(data: pd.DataFrame) -> Callable[[], list[pd.Series]]:
    """One merge and groupby-sum per level, the lookups already in memory (fetched untimed)."""
    lookups = {level: geo.lookup("lsoa21", level) for level in LEVELS}

    def baseline() -> list[pd.Series]:
        return [
            data.merge(lookups[level], left_on="LSOA21CD", right_on="lsoa21").groupby(level)["usual_residents_2021"].sum()
            for level in LEVELS
        ]

    return baseline


def test_baseline_merge_groupby(benchmark, data: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    result = benchmark(plain_way(data))
    assert result[-1].sum() == data["usual_residents_2021"].sum()


def test_geo_aggregate_all_levels(benchmark, data: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    def run() -> dict[str, pd.DataFrame]:
        return geo.aggregate(data, code="LSOA21CD", to=list(LEVELS), value="usual_residents_2021", kind="count", level="lsoa21")

    result = benchmark(run)
    assert result["itl1"]["usual_residents_2021"].sum() == data["usual_residents_2021"].sum()
    assert_ratio(benchmark, run, plain_way(data), floor=1.0, claim="aggregate to four levels in one call vs merge + groupby")


def test_geo_aggregate_one_level_at_a_time(benchmark, data: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    def run() -> list[pd.DataFrame]:
        return [geo.aggregate(data, code="LSOA21CD", to=level, value="usual_residents_2021", kind="count", level="lsoa21") for level in LEVELS]

    result = benchmark(run)
    assert result[-1]["usual_residents_2021"].sum() == data["usual_residents_2021"].sum()
    assert_ratio(benchmark, run, plain_way(data), floor=0.3, claim="aggregate one level at a time vs merge + groupby (known slower)")
