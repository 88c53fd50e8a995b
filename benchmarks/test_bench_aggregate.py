"""Benchmarks (run with `make bench`): aggregating all 35,672 LSOAs to the four higher levels.

Baseline: what an analyst writes by hand with the lookup already in memory — one pandas merge
and a groupby-sum per level. ``geo.aggregate`` also validates codes, checks nesting and reports
coverage, and here detects the level itself (no ``level=``): from a sample of the codes, then
one vectorised look-up in the level's memoised code index. Asserted (see conftest.py; ratio =
plain way / package, above 1 the package is faster):

- all four levels in one call, level detected: not slower than the plain way (floor 1.0;
  measured 3.0-3.4 on 2026-11-26, 0.19 before issue 11);
- all four levels in one call, ``level="lsoa21"`` given: floor 1.0 (measured 3.0-3.7);
- one call per level, level detected each time: floor 1.0 (measured 1.3 on 2026-11-26; 0.04-0.2 before issue 11, when each call counted every code in every level).
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


def _one_call(data: pd.DataFrame, **level: str) -> Callable[[], dict[str, pd.DataFrame]]:
    def run() -> dict[str, pd.DataFrame]:
        return geo.aggregate(data, code="LSOA21CD", to=list(LEVELS), value="usual_residents_2021", kind="count", **level)  # type: ignore[return-value]

    return run


def _check(result: dict[str, pd.DataFrame], plain: list[pd.Series]) -> None:
    for level, expected in zip(LEVELS, plain, strict=True):  # the same sums as the plain way, parent by parent
        assert result[level]["usual_residents_2021"].to_dict() == expected.astype("float64").to_dict()


def test_geo_aggregate_all_levels_detected(benchmark, data: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    run = _one_call(data)
    result = benchmark(run)
    _check(result, plain_way(data)())
    assert_ratio(benchmark, run, plain_way(data), floor=1.0, claim="aggregate to four levels in one call, level detected, vs merge + groupby")


def test_geo_aggregate_all_levels_given(benchmark, data: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    run = _one_call(data, level="lsoa21")
    result = benchmark(run)
    _check(result, plain_way(data)())
    assert_ratio(benchmark, run, plain_way(data), floor=1.0, claim="aggregate to four levels in one call, level given, vs merge + groupby")


def test_geo_aggregate_one_level_at_a_time_detected(benchmark, data: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    def run() -> list[pd.DataFrame]:
        return [geo.aggregate(data, code="LSOA21CD", to=level, value="usual_residents_2021", kind="count") for level in LEVELS]  # type: ignore[misc]

    result = benchmark(run)
    _check(dict(zip(LEVELS, result, strict=True)), plain_way(data)())
    assert_ratio(benchmark, run, plain_way(data), floor=1.0, claim="aggregate one level at a time, level detected, vs merge + groupby")
