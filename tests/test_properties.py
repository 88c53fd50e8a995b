"""Issue 9, point 8: random frames through aggregate, disaggregate, inequality and pockets.

Hypothesis draws tables of real codes (some lower-cased or padded), junk codes, duplicates and
extreme values (0, negatives, 1e300, inf, NaN, integers beyond 2**53). The only acceptable
outcomes are a ``geo.errors`` exception or a result that keeps the invariants:

- no invented rows: every output area is a real area of the target level and comes from an
  input row; codes are unique;
- counts are conserved over the matched codes (aggregate: each parent is the sum of its
  children in the raw ONS lookup; disaggregate: each parent's children add up to it);
- a result is never computed from values that must be refused (inf, negative counts; counts
  beyond 2**53 in integer columns are in the corpus) or from codes that collide once normalised (``e01000001`` and ``E01000001``);
- a national threshold is never computed from data that do not cover the nation (99 %).
"""

from __future__ import annotations

import math
from functools import cache

import corpus_helpers as corpus
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings, strategies as st

import geo
from geo.errors import CoverageError, LevelupError

# no shrinking: a failing example is reported as drawn, so a failure costs seconds, not minutes
SETTINGS = settings(max_examples=30, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate], suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                                           HealthCheck.data_too_large])
JUNK = ["X", "", "E01999999", "E0600004", "W99999999", "lsoa21", "=1+1", "../../etc", "E06000047E06000047", "\u00e9\u2603"]
EXTREME = [0.0, -1.0, 1e300, math.inf, -math.inf, math.nan, float(2**60), 2**53 + 1]


@cache
def codes(level: str) -> list[str]:
    return sorted(geo.geography.lookups.areas(level).index.astype(str))


@cache
def known(level: str) -> frozenset[str]:
    return frozenset(codes(level))


@cache
def lad_of() -> pd.Series:
    return corpus.lsoa_lad().set_index("LSOA21CD")["LAD24CD"]


def drawn(codes_: list[str], numbers: list[float]) -> tuple[pd.DataFrame, list[str]]:
    """An explicit example in the strategies' form (known bad inputs are always tried)."""
    return pd.DataFrame({"code": codes_, "v": numbers}), codes_


def values() -> st.SearchStrategy[float]:
    plain = st.floats(min_value=0, max_value=1e6, allow_nan=False) | st.integers(min_value=0, max_value=10**6).map(float)
    return st.one_of(*[plain] * 5, st.sampled_from(EXTREME))


@st.composite
def frames(draw: st.DrawFn, pool: list[str], max_size: int = 25) -> tuple[pd.DataFrame, list[str]]:
    """A table with codes in column ``code`` and values in ``v``; also the raw codes drawn."""
    real = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=max_size, unique=True))
    shown = []
    for item in real:
        style = draw(st.sampled_from(["as is", "as is", "as is", "lower", "padded"]))
        shown.append(item.lower() if style == "lower" else f"  {item} " if style == "padded" else item)
    if draw(st.integers(0, 3)) == 0:
        shown += draw(st.lists(st.sampled_from(JUNK), min_size=1, max_size=2))
    if draw(st.integers(0, 5)) == 0:
        shown.append(draw(st.sampled_from(shown)).lower())  # a duplicate once normalised
    numbers = draw(st.lists(values(), min_size=len(shown), max_size=len(shown)))
    return pd.DataFrame({"code": shown, "v": numbers}), shown


def normalised(frame: pd.DataFrame, level: str) -> pd.Series:
    """Values by normalised code (trimmed, upper-case), real codes of ``level`` only."""
    keys = frame["code"].astype(str).str.strip().str.upper()
    real = keys.isin(known(level)).to_numpy()
    return pd.Series(frame["v"].to_numpy(dtype="float64")[real], index=keys[real].to_numpy())


def outcome(call: object) -> object:
    """Run ``call``: a package error is an acceptable answer (returned as None), anything
    else that is raised fails the test."""
    try:
        return call()  # type: ignore[operator]
    except LevelupError:
        return None


def refused_values(series: pd.Series, *, count: bool) -> bool:
    x = series.to_numpy(dtype="float64")
    bad = np.isinf(x)
    if count:
        bad |= x < 0
    return bool(bad.any())


def collisions(frame: pd.DataFrame) -> bool:
    return bool(frame["code"].astype(str).str.strip().str.upper().duplicated().any())


@SETTINGS
@given(frames(codes("lsoa21")))
@example(drawn(["E01000001", "E01000002"], [0.0, math.inf]))
@example(drawn(["E01000001", "e01000002 "], [1.0, 2.0]))
@example(drawn(["E01000001", "e01000001"], [1.0, 2.0]))
def test_aggregate_counts_are_conserved(drawn: tuple[pd.DataFrame, list[str]]) -> None:
    frame, _ = drawn
    before = frame.copy()
    result = outcome(lambda: geo.aggregate(frame, code="code", value="v", kind="count", to="lad24", level="lsoa21"))
    assert frame.equals(before), "input mutated"
    if result is None:
        return
    assert not collisions(frame), "codes that are equal once normalised were accepted"
    matched = normalised(frame, "lsoa21")
    assert len(matched) == len(frame), "unknown codes accepted without errors='report'"
    assert not refused_values(matched, count=True), f"inf or negative counts accepted: {matched.tolist()}"
    assert result.index.is_unique and set(result.index) <= known("lad24")
    parents = lad_of().reindex(matched.index)
    assert set(result.index) == set(parents), "rows invented or dropped"
    expected = matched.groupby(parents.to_numpy()).sum(min_count=0)
    assert np.allclose(result["v"].reindex(expected.index).to_numpy(dtype="float64"), expected.to_numpy(), rtol=1e-9, atol=0)


@SETTINGS
@given(frames([c for c in codes("lad24") if c[:3] in ("E06", "E07", "E08", "E09", "W06")], max_size=4))
@example(drawn(["E06000001", "E06000002"], [0.0, math.inf]))
@example(drawn(["e06000047"], [1000.0]))
def test_disaggregate_children_add_up(drawn: tuple[pd.DataFrame, list[str]]) -> None:
    frame, _ = drawn
    result = outcome(lambda: geo.disaggregate(frame, code="code", value="v", kind="count", to="lsoa21", level="lad24"))
    if result is None:
        return
    assert not collisions(frame), "codes that are equal once normalised were accepted"
    matched = normalised(frame, "lad24")
    assert len(matched) == len(frame), "unknown codes accepted"
    assert not refused_values(matched, count=True), f"inf or negative counts accepted: {matched.tolist()}"
    assert result.index.is_unique and set(result.index) <= known("lsoa21")
    children = lad_of()
    for parent, value in matched.items():
        mine = result[result["lad24"] == parent]
        assert sorted(mine.index) == sorted(children.index[children == parent]), f"children of {parent} wrong"
        if np.isnan(value):
            assert mine["v"].isna().all()
        else:
            assert math.isclose(float(mine["v"].sum()), value, rel_tol=1e-9, abs_tol=1e-9 * max(1.0, value))
    assert set(result["lad24"]) == set(matched.index), "rows invented or dropped"


@SETTINGS
@given(frames(codes("lad24"), max_size=40), st.sampled_from([None, "itl1"]))
@example(drawn(["E06000001", "E06000002", "E06000003"], [0.0, 0.0, math.inf]), None)
@example(drawn(["E06000001", "E06000002", "E06000003", "E06000006"], [0.0, 0.0, 0.0, math.nan]), "itl1")
def test_inequality_counts_every_area_once(drawn: tuple[pd.DataFrame, list[str]], within: str | None) -> None:
    frame, _ = drawn
    result = outcome(lambda: geo.inequality(frame, code="code", value="v", within=within, level="lad24"))
    if result is None:
        return
    assert not collisions(frame)
    matched = normalised(frame, "lad24")
    assert len(matched) == len(frame), "unknown codes accepted"
    assert not refused_values(matched, count=False), f"inf accepted as a value: {matched.tolist()}"
    assert int(result["n"].sum()) == int(matched.notna().sum())
    assert int(result["n_missing"].sum()) == int(matched.isna().sum())
    if within:
        assert set(result.index) <= known("itl1")
    assert (result["n"] + result["n_missing"] > 0).all(), "a parent listed with no area"
    measured = result[result["n"] > 0]  # a parent whose areas all miss a value is listed with n = 0 and no statistics
    assert result.loc[result["n"] == 0, "mean"].isna().all()
    assert ((measured["mean"] >= measured["min"] - 1e-9 * measured["min"].abs()) & (measured["mean"] <= measured["max"] + 1e-9 * measured["max"].abs())).all()


@SETTINGS
@given(frames(codes("lad24"), max_size=60), st.one_of(st.floats(min_value=0, max_value=1e6, allow_nan=False), st.just("national_decile_1")),
       st.sampled_from(["high", "low"]))
@example(drawn(["E06000001", "E06000002"], [0.0, math.inf]), 0.0, "high")
@example(drawn(["E06000001", "E06000002", "E06000003"], [1.0, 5.0, 9.0]), "national_decile_1", "high")
def test_pockets_only_hold_qualifying_input_areas(drawn: tuple[pd.DataFrame, list[str]], threshold: float | str, worse: str) -> None:
    frame, _ = drawn
    try:
        result = geo.pockets(frame, code="code", value="v", level="lad24", within="itl1", worse=worse, threshold=threshold, weight=None)
    except CoverageError:
        return
    except LevelupError:
        return
    assert not collisions(frame)
    matched = normalised(frame, "lad24")
    assert len(matched) == len(frame), "unknown codes accepted"
    assert not refused_values(matched, count=False), f"inf accepted as a value: {matched.tolist()}"
    if isinstance(threshold, str):
        england = [c for c in codes("lad24") if c.startswith("E")]
        nations = {c[0] for c in matched.index}
        for nation in nations:
            own = [c for c in codes("lad24") if c[0] == nation]
            held = sum(1 for c in matched.index if c[0] == nation)
            assert held >= 0.99 * len(own), f"national threshold from {held} of {len(own)} areas ({len(england)} in England)"
        return
    present = matched.dropna()
    meets = present[present >= threshold] if worse == "high" else present[present <= threshold]
    listed = [c for group in result["codes"] for c in group.split(",")] if len(result) else []
    assert sorted(listed) == sorted(meets.index), "pockets hold areas that do not qualify, or miss some"
    assert set(result["parent"]) <= known("itl1") if len(result) else True


def test_strategies_draw_clean_and_dirty_frames() -> None:
    """The strategy reaches both kinds of input (so a pass is not vacuous)."""
    seen = {"clean": 0, "dirty": 0}

    @settings(max_examples=100, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(frames(codes("lad24"), max_size=6))
    def look(drawn: tuple[pd.DataFrame, list[str]]) -> None:
        frame, _ = drawn
        dirty = collisions(frame) or len(normalised(frame, "lad24")) < len(frame) or refused_values(normalised(frame, "lad24"), count=True)
        seen["dirty" if dirty else "clean"] += 1

    look()
    assert seen["clean"] > 4 and seen["dirty"] > 4, seen


pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
