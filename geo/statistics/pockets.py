"""Left-behind pockets: contiguous groups of areas that all meet a threshold.

A pocket is a connected set of areas (queen or rook contiguity, islands joined to their
nearest area) that all meet the threshold and lie in the same ``within`` parent. Each pocket
reports the parents it lies in at every coarser level, its population-weighted value, its
parent's own average and whether it is *hidden*: inside a parent whose average is better than
the national average (by more than a rounding error), so that the parent's figure conceals it.

National thresholds and the ``hidden`` flag need data for a whole nation (at least 99 % of
its areas, :mod:`geo.geography.coverage`); the direction (``worse=``) has no default; no area meeting
the threshold gives an empty result, not an error.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from shapely.errors import GEOSException

from geo import catalogue
from geo.data import cache
from geo.errors import InputError, NestingError, examples
from geo.geography import lookups, registry
from geo.geography.codes import isin
from geo.geography.contiguity import check_kind, neighbour_pairs
from geo.geography.coverage import covers_nation, national_coverage, require_national
from geo.geography.layers import boundaries
from geo.geography.population import population
from geo.moving.values import number
from geo.moving.weights import values_and_weights
from geo.statistics.hotspots import hotspots

logger = logging.getLogger(__name__)

PARENT_LEVELS = ("lad24", "utla23", "pfa24", "itl1")
COLUMNS = ("pocket", "codes", "n_areas", "population", "value", *PARENT_LEVELS, "parent", "parent_name", "parent_value", "hidden")
#: Relative tolerance under which two averages count as equal (equal is not "better").
RTOL = 1e-9
_NATIONAL = re.compile(r"national_(decile|percentile)_(\d+)")
_HOW = ("pass a numeric threshold= (e.g. threshold=40), threshold='parent_mean' or threshold='hotspot', "
        "or the full national file")


def _direction(worse: object) -> str:
    if worse not in ("high", "low"):
        raise InputError(
            f"worse={worse!r}; say which values are bad: worse='high' (high values are worse, as an IMD score) "
            "or worse='low' (low values are worse, as healthy life expectancy) — there is no default"
        )
    return str(worse)


def _national(threshold: object) -> tuple[int, int] | None:
    """(10, N) for "national_decile_N", (100, P) for "national_percentile_P", else None."""
    match = _NATIONAL.fullmatch(threshold) if isinstance(threshold, str) else None
    if not match:
        return None
    parts, share = (10 if match.group(1) == "decile" else 100), int(match.group(2))
    if not 1 <= share <= parts:
        raise InputError(f"threshold={threshold!r}; N must run from 1 to {parts} for national_{match.group(1)}_N")
    return parts, share


def beyond(a: pd.Series | np.ndarray, b: pd.Series | np.ndarray | float, worse: str) -> np.ndarray:
    """Return where ``a`` is worse than ``b`` by more than a rounding error (relative
    tolerance :data:`RTOL`): equal averages are not "worse" or "better".

    Examples
    --------
    >>> beyond(np.array([5.0, 4.0, 4.0 - 3.6e-15]), 4.0, "high").tolist()
    [True, False, False]
    """
    a, b = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
    same = np.isclose(a, b, rtol=RTOL, atol=1e-12)
    return ((a > b) if worse == "high" else (a < b)) & ~same


def qualifying(values: pd.Series, *, threshold: str | float, worse: str | None, parent_mean: pd.Series | None = None) -> pd.Series:
    """Return which areas meet ``threshold``.

    Thresholds: ``"national_decile_N"`` (in the N worst national deciles: rank worst-first,
    decile = ceil(10 rank / n), ties share the better rank), ``"national_percentile_P"``
    (the worst P%), a finite number (at or beyond it), ``"parent_mean"`` (worse than the
    parent's population-weighted mean by more than a rounding error, see :func:`beyond`).
    National thresholds rank among ``values``, so ``values`` must hold the whole nation
    (:func:`pockets` checks this); values with no spread (constant data) have no worst
    decile or percentile: no area meets a national threshold.

    Examples
    --------
    >>> v = pd.Series([1.0, 5.0, 3.0, 9.0, 7.0, 2.0, 4.0, 6.0, 8.0, 10.0])
    >>> int(qualifying(v, threshold="national_decile_2", worse="high").sum())
    2
    >>> int(qualifying(pd.Series([3.0] * 10), threshold="national_decile_1", worse="high").sum())
    0
    """
    worse = _direction(worse)
    if isinstance(threshold, (int, float, np.number)) and not isinstance(threshold, bool):
        if not np.isfinite(threshold):
            raise InputError(f"threshold={threshold!r}; a numeric threshold must be a finite number")
        return values >= threshold if worse == "high" else values <= threshold
    text = str(threshold)
    national = _national(text)
    if national:
        parts, share = national
        present = values.dropna()
        if len(present) == 0 or np.isclose(present.min(), present.max(), rtol=RTOL, atol=1e-12):
            return pd.Series(False, index=values.index)
        rank = values.rank(ascending=(worse == "low"), method="min")
        position = np.ceil(parts * rank / values.notna().sum())
        return position <= share
    if text == "parent_mean":
        if parent_mean is None:
            raise InputError("threshold='parent_mean' needs the parents' means")
        return pd.Series(beyond(values.to_numpy(), parent_mean.reindex(values.index).to_numpy(), worse), index=values.index)
    raise InputError(
        f"threshold={threshold!r}; expected 'national_decile_N', 'national_percentile_P', 'parent_mean', 'hotspot' or a number"
    )


def pockets(
    data: pd.DataFrame,
    *,
    value: str,
    worse: str | None = None,
    level: str = "lsoa21",
    within: str = "lad24",
    threshold: str | float = "national_decile_1",
    min_population: float = 0,
    contiguity: str = "queen",
    weight: str | None = "population",
    code: str | None = None,
    only: str | list[str] | None = None,
) -> gpd.GeoDataFrame:
    """Find pockets of contiguous areas that all meet ``threshold``.

    National means national: a national threshold (``"national_decile_N"``,
    ``"national_percentile_P"``), the ``national_value`` and the ``hidden`` flag compare areas
    with the whole nation, so they are computed only when the data hold at least 99 % of the
    areas of every nation present (:func:`geo.geography.coverage.require_national`). With less, a
    national threshold is refused (:class:`~geo.errors.CoverageError` saying what the data
    cover); with a numeric, ``"parent_mean"`` or ``"hotspot"`` threshold, pockets are found
    but ``national_value`` is NaN and ``hidden`` is missing (NA), with the reason in
    ``attrs["hidden_reason"]``.

    Parameters
    ----------
    data : DataFrame
        One row per area with the indicator (for national thresholds: every area of the nation).
    value : str
        The indicator column (finite numbers or missing; ``inf`` is refused).
    worse : {"high", "low"}
        Required, no default: whether high values (an IMD score) or low values (healthy life
        expectancy) are worse.
    level : str, default "lsoa21"
        Level of the areas.
    within : str, default "lad24"
        Parent level: pockets do not cross its borders, and ``parent_value``/``hidden`` refer to it.
    threshold : str or float
        See ``geo.statistics.pockets.qualifying``; or ``"hotspot"``: areas in significant local clusters of bad
        values (Local Moran High-High when ``worse="high"``, Low-Low otherwise; see
        :func:`geo.hotspots`, default 999 permutations and seed; constant data have none).
    min_population : float, default 0
        Drop pockets with fewer residents (Census 2021); ``attrs["dropped_small"]`` counts
        them. When it is above 0, pockets whose population is unknown (a member outside
        England and Wales, as Scottish and Northern Irish areas) are dropped too, since they
        cannot be shown to reach it, and counted in ``attrs["dropped_unknown_population"]``.
    contiguity : {"queen", "rook"}
        Neighbour rule (see :func:`geo.contiguity`).
    weight : str or None, default "population"
        Weights of the pocket and parent averages: ``"population"`` (Census 2021 residents;
        England and Wales only), a column of ``data`` (finite and positive), or ``None``
        (every area counts once, e.g. for UK-wide indicators of Scottish and Northern Irish
        areas too).
    code : str, optional
        The column of ``data`` holding the area codes (default: the index).
    only : str or list of str, optional
        Codes of ``within`` areas (``"E06000047"`` or a list): return only the pockets inside
        them — the rest are neither joined nor outlined, so a report on one area is fast.
        Thresholds, parent averages and the national figures are still computed on all of
        ``data``, so these pockets are exactly the rows of the full result whose ``parent``
        is in ``only`` (numbered again from 1, worst first); ``attrs["only"]`` lists the codes,
        and ``dropped_small``/``dropped_unknown_population`` count the selected pockets only.

    Returns
    -------
    GeoDataFrame
        One row per pocket, worst first: ``pocket``, ``codes`` (comma-separated), ``n_areas``,
        ``population`` (Census 2021 residents; missing when a member has none, as Scottish and
        Northern Irish areas), ``value`` (weighted by ``weight``), ``lad24``, ``utla23``, ``pfa24``,
        ``itl1`` (comma-separated when a pocket straddles a border), ``parent`` and
        ``parent_name`` (the ``within`` area), ``parent_value`` (its weighted average),
        ``hidden`` (the parent's average is better than the national average by more than a
        rounding error; NA without national data) and the dissolved ``geometry``
        (EPSG:27700). No area meeting the threshold is a result, not an error: an empty
        GeoDataFrame with these columns. ``attrs`` gives the national value, the number of
        areas meeting the threshold, of small pockets and of pockets of unknown population
        dropped.

    Examples
    --------
    >>> import geo
    >>> iod = geo.data.products.load("iod2025")
    >>> found = pockets(iod, code="LSOA21CD", value="IMD_score", worse="high")
    >>> len(found), int(found["n_areas"].sum()), int((iod["IMD_decile"] == 1).sum())
    (948, 3375, 3375)
    >>> durham = pockets(iod, code="LSOA21CD", value="IMD_score", worse="high", only="E06000047")
    >>> len(durham) == int((found["parent"] == "E06000047").sum()), set(durham["parent"])
    (True, {'E06000047'})
    """
    worse = _direction(worse)
    minimum = number(min_population, argument="min_population", low=0, high=np.inf, closed="left")
    check_kind(contiguity, argument="contiguity")
    frame, child = values_and_weights(data, value, weight, level, code)
    recoded = frame.attrs.get("recoded", [])  # codes of other vintages mapped on the way in
    missing = int(frame[value].isna().sum())
    frame = frame.dropna(subset=[value])
    frame.index = pd.Index(frame.index.to_numpy(dtype=object), name=frame.index.name, dtype=object)  # fast look-ups
    values, weights = frame[value], frame["__w"]
    target = registry.resolve(within, argument="within")
    if target not in registry.spec(child).nests_in:
        raise NestingError(f"within={within!r}: {child} does not nest in {target}; it nests in {', '.join(registry.spec(child).nests_in)}")
    only = _parents_given(only, target)
    national_ok = covers_nation(values.index, child)
    if _national(threshold) and not national_ok:  # require_national raises exactly when covers_nation is False
        require_national(values.index, child, what=f"threshold={threshold!r}", how=_HOW)
    version, where = catalogue.version(), str(cache.entry_path(""))
    position = lookups.code_index(child).get_indexer(values.index.to_numpy(dtype=object))  # every code is known (prepared)
    parent = pd.Series(_parents_of(child, target, version, where)[position], index=values.index)
    weighted = (values * weights).groupby(parent.to_numpy()).sum() / weights.groupby(parent.to_numpy()).sum()
    parent_mean = pd.Series(weighted.reindex(parent.to_numpy()).to_numpy(), index=values.index)
    if threshold == "hotspot":
        spots = hotspots(values.to_frame(value), value=value, level=child, contiguity=contiguity)
        meets = spots["label"].reindex(values.index) == ("High-High" if worse == "high" else "Low-Low")
    else:
        meets = qualifying(values, threshold=threshold, worse=worse, parent_mean=parent_mean)
    national = float((values * weights).sum() / weights.sum()) if national_ok else np.nan
    attrs = {
        "level": child, "within": target, "threshold": threshold, "worse": worse, "national_value": national,
        "areas_meeting_threshold": int(meets.sum()), "dropped_small": 0, "dropped_unknown_population": 0,
        "weight": weight, "missing_values": missing, "recoded": recoded,
        "hidden_reason": "" if national_ok else (
            "hidden and national_value need data for a whole nation (at least 99 % of its areas); the data hold "
            + _held(values.index, child) + " — pass the full national file for them"
        ),
    }
    if only is not None:
        attrs["only"] = only
    chosen = values.index[meets.to_numpy()]
    if len(chosen) == 0:
        logger.info("pockets: no %s area meets threshold=%r (values run from %g to %g)", child, threshold, values.min(), values.max())
        return _empty(attrs)

    rows = np.flatnonzero(meets.to_numpy())
    if only is not None:  # the pockets of some parents only: the rest is neither joined nor dissolved
        rows = rows[isin(parent.to_numpy(dtype=object)[rows], only)]
        if len(rows) == 0:
            return _empty(attrs)
    label = _components(child, contiguity, position[rows], parent.to_numpy(dtype=object)[rows])
    count = int(label.max()) + 1
    order = np.lexsort((values.index.to_numpy(dtype=object)[rows].astype(str), label))  # by pocket, then code
    rows, label = rows[order], label[order]
    codes = values.index.to_numpy(dtype=object)[rows]
    sizes = np.bincount(label, minlength=count)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    same = parent.to_numpy(dtype=object)[rows]
    weight_of = weights.to_numpy(dtype="float64")[rows]
    value_of = values.to_numpy(dtype="float64")[rows]
    people_of = _people_of(child, version, where)[position[rows]]
    known_people = np.bincount(label, weights=~np.isnan(people_of), minlength=count)
    table = pd.DataFrame(
        {
            "codes": pd.array(_joined(codes, offsets), dtype="string"),
            "n_areas": sizes,
            "population": np.where(known_people == sizes, np.bincount(label, weights=np.nan_to_num(people_of), minlength=count), np.nan),
            "value": np.bincount(label, weights=value_of * weight_of, minlength=count) / np.bincount(label, weights=weight_of, minlength=count),
        }
    )
    for other in PARENT_LEVELS:
        if other == child:  # pockets of districts (or counties) list the areas themselves
            table[other] = _joined(codes, offsets)
        elif other in registry.spec(child).nests_in:
            table[other] = _distinct_joined(label, _parents_of(child, other, version, where)[position[rows]], count)
        else:
            table[other] = ""
    table["parent"] = same[offsets[:-1]]
    table["parent_name"] = lookups.areas(target)["name"].reindex(table["parent"]).to_numpy()
    table["parent_value"] = weighted.reindex(table["parent"]).to_numpy()
    if national_ok:
        table["hidden"] = beyond(national, table["parent_value"].to_numpy(), worse)
    else:
        table["hidden"] = pd.array([pd.NA] * len(table), dtype="boolean")
    unknown = table["population"].isna() & (minimum > 0)
    small = (table["population"] < minimum) & ~unknown
    attrs.update({"dropped_small": int(small.sum()), "dropped_unknown_population": int(unknown.sum())})
    kept = ~(small | unknown).to_numpy()
    table["__label"] = np.arange(count)
    table = table[kept]
    table = table.sort_values("value", ascending=(worse == "low"), kind="mergesort").reset_index(drop=True)
    table.insert(0, "pocket", np.arange(1, len(table) + 1))
    if table.empty:
        return _empty(attrs)
    shapes = boundaries(child).geometry
    outlines = _outlines(shapes.loc[codes].to_numpy(), offsets, table.pop("__label").to_numpy())
    result = gpd.GeoDataFrame(table, geometry=outlines, crs=shapes.crs)
    result.attrs.update(attrs)
    return result


def _components(level: str, contiguity: str, chosen: np.ndarray, parents: np.ndarray) -> np.ndarray:
    """The pocket of each of ``chosen`` (positions in the level's code index): connected
    components of its contiguity, cut at the borders of ``parents`` (an area with no parent
    is a pocket of its own)."""
    first, second = _pair_positions(level, contiguity, catalogue.version(), str(cache.entry_path("")))
    local = np.full(len(lookups.code_index(level)), -1, dtype=np.intp)
    local[chosen] = np.arange(len(chosen))
    i, j = local[first], local[second]
    inside = (i >= 0) & (j >= 0)
    i, j = i[inside], j[inside]
    keep = ~pd.isna(parents[i]) & (parents[i] == parents[j])
    return connected(len(chosen), i[keep], j[keep])


def connected(count: int, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Connected components of ``count`` nodes joined by the edges ``first[k]``-``second[k]``:
    each node's component, numbered 0, 1, ... in the order of their lowest node (as
    ``scipy.sparse.csgraph.connected_components`` numbers them, without loading scipy).

    Each round hooks the larger of the two labels of every edge onto the smaller (labels are
    roots of a forest pointing to lower nodes), then points every node at its root; when no
    edge joins two labels, each component is labelled by its lowest node. The rounds are about
    the log of the largest component's size.

    Examples
    --------
    >>> connected(6, np.array([0, 4, 3]), np.array([2, 5, 4])).tolist()  # {0, 2}, {1}, {3, 4, 5}
    [0, 1, 0, 2, 2, 2]
    """
    label = np.arange(count, dtype=np.intp)
    while True:
        one, other = label[first], label[second]
        moved = label.copy()
        np.minimum.at(moved, np.maximum(one, other), np.minimum(one, other))
        while True:  # every node to its root
            up = moved[moved]
            if np.array_equal(up, moved):
                break
            moved = up
        if np.array_equal(moved, label):
            return np.unique(label, return_inverse=True)[1].astype(np.int32)
        label = moved


@lru_cache(maxsize=32)
def _parents_of(child: str, parent: str, version: str, where: str) -> np.ndarray:
    """The ``parent`` code of each area of :func:`lookups.code_index` of ``child`` (``None`` where
    it has none), memoised per catalogue and cache."""
    table = lookups.lookup(child, parent)
    found = np.full(len(lookups.code_index(child)), None, dtype=object)
    at = lookups.code_index(child).get_indexer(table[child].to_numpy(dtype=object))
    found[at[at >= 0]] = table[parent].to_numpy(dtype=object)[at >= 0]
    return found


@lru_cache(maxsize=32)
def _people_of(level: str, version: str, where: str) -> np.ndarray:
    """Census 2021 residents of each area of :func:`lookups.code_index` (NaN where unknown)."""
    people = _residents(level)
    return pd.Series(people.to_numpy(dtype="float64"), index=people.index.to_numpy(dtype=object)).reindex(
        lookups.code_index(level)).to_numpy(dtype="float64")


@lru_cache(maxsize=8)
def _pair_positions(level: str, kind: str, version: str, where: str) -> tuple[np.ndarray, np.ndarray]:
    """The level's neighbour pairs as positions in its code index (memoised per catalogue and cache)."""
    pairs = neighbour_pairs(level, kind=kind)
    index = lookups.code_index(level)
    first = index.get_indexer(pairs["focal"].to_numpy(dtype=object))
    second = index.get_indexer(pairs["neighbor"].to_numpy(dtype=object))
    known = (first >= 0) & (second >= 0)
    return first[known], second[known]


def _joined(codes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """``codes[offsets[k]:offsets[k + 1]]`` joined with commas, for each k (one Arrow call)."""
    lists = pa.ListArray.from_arrays(pa.array(offsets, type=pa.int32()), pa.array(codes, type=pa.string()))
    return np.asarray(pc.binary_join(lists, ",").to_numpy(zero_copy_only=False), dtype=object)


def _distinct_joined(label: np.ndarray, values: np.ndarray, count: int) -> np.ndarray:
    """Per label 0..count-1: the distinct non-missing ``values`` sorted and comma-joined ("" for none)."""
    pairs = pd.DataFrame({"label": label, "value": values}).dropna().drop_duplicates()
    pairs = pairs.assign(value=pairs["value"].astype(str)).sort_values(["label", "value"], kind="mergesort")
    sizes = np.bincount(pairs["label"].to_numpy(dtype=np.intp), minlength=count)
    return _joined(pairs["value"].to_numpy(dtype=object), np.concatenate([[0], np.cumsum(sizes)]))


def _outlines(shapes: np.ndarray, offsets: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The union of ``shapes[offsets[k]:offsets[k + 1]]`` for each k of ``labels`` (a pocket
    of one area keeps its shape).

    Areas of a boundary layer meet edge to edge, so each pocket is first merged as a polygon
    coverage (``coverage_union_all``, several times faster than an overlay union); the
    result is kept only if it is valid and its area is the sum of its parts' (parts that
    overlap or whose edges do not match fail this), else the pocket is merged with
    ``union_all`` as ``GeoDataFrame.dissolve`` does.
    """
    labels = np.asarray(labels, dtype=np.intp)
    starts, sizes = offsets[labels], offsets[labels + 1] - offsets[labels]
    out = shapes[starts].copy()  # a pocket of one area keeps its shape
    several = np.flatnonzero(sizes > 1)
    if len(several) == 0:
        return out
    # every pocket of several areas in one call: a row each, padded with missing values
    width = int(sizes[several].max())
    column = np.arange(width)
    inside = column[None, :] < sizes[several][:, None]
    grid = np.full((len(several), width), None, dtype=object)
    grid[inside] = shapes[(starts[several][:, None] + column[None, :])[inside]]
    try:
        merged = shapely.coverage_union_all(grid, axis=1)
    except GEOSException:  # some pocket is not a coverage: each is merged on its own
        merged = np.array([_merged(row[row != None]) for row in grid], dtype=object)  # noqa: E711
    total = np.where(inside, shapely.area(grid), 0.0).sum(axis=1)
    exact = shapely.is_valid(merged) & (np.abs(shapely.area(merged) - total) <= 1e-9 * total)
    for row in np.flatnonzero(~exact):  # overlapping parts or edges that do not match (rare)
        merged[row] = shapely.union_all(grid[row][inside[row]])
    out[several] = merged
    return out


def _merged(parts: np.ndarray) -> shapely.Geometry:
    """The union of ``parts``: as a coverage when that is exact (see :func:`_outlines`)."""
    try:
        merged = shapely.coverage_union_all(parts)
    except GEOSException:
        return shapely.union_all(parts)
    total = float(shapely.area(parts).sum())
    if shapely.is_valid(merged) and abs(shapely.area(merged) - total) <= 1e-9 * total:
        return merged
    return shapely.union_all(parts)


def _parents_given(only: object, target: str) -> list[str] | None:
    """``only`` as a list of trimmed, upper-case codes of the ``target`` level (or ``None``)."""
    if only is None:
        return None
    given = [only] if isinstance(only, str) else list(only) if isinstance(only, (list, tuple, set, pd.Index, pd.Series, np.ndarray)) else None
    if given is None or not all(isinstance(c, str) for c in given):
        raise InputError(f"only={only!r}; expected a {target} code or a list of {target} codes, e.g. only={lookups.code_index(target)[0]!r}")
    codes = list(dict.fromkeys(c.strip().upper() for c in given))
    if not codes:
        raise InputError(f"only={only!r} is empty; pass at least one {target} code (e.g. {lookups.code_index(target)[0]!r}) or only=None for every area")
    unknown = [c for c in codes if c not in lookups.code_index(target)]
    if unknown:
        raise InputError(
            f"only={only!r}: {len(unknown):,} codes are not {target} areas ({examples(unknown)}); "
            f"pass codes of the within= level {target} (e.g. {lookups.code_index(target)[0]!r})"
        )
    return codes


def _empty(attrs: Mapping[str, object]) -> gpd.GeoDataFrame:
    """A result with no pocket: every column of a full result, no row, and the attrs."""
    table = pd.DataFrame({
        "pocket": pd.Series(dtype="int64"), "codes": pd.Series(dtype=object), "n_areas": pd.Series(dtype="int64"),
        "population": pd.Series(dtype="float64"), "value": pd.Series(dtype="float64"),
        **{other: pd.Series(dtype=object) for other in PARENT_LEVELS},
        "parent": pd.Series(dtype=object), "parent_name": pd.Series(dtype=object), "parent_value": pd.Series(dtype="float64"),
        "hidden": pd.Series(dtype="boolean"),
    })
    result = gpd.GeoDataFrame(table[list(COLUMNS)], geometry=gpd.GeoSeries([], crs="EPSG:27700"), crs="EPSG:27700")
    result.attrs.update(attrs)
    return result


def _held(codes: pd.Index, level: str) -> str:
    """What the data cover, nation by nation, for a message ("151 of England's 153 utla23 areas (98.7 %)")."""
    table = national_coverage(codes, level)
    table = table[table["in_data"] > 0]
    return "; ".join(f"{int(r.in_data):,} of {r.name}'s {int(r.areas):,} {level} areas ({100 * r.share:.1f} %)"
                     for r in table.itertuples()) or f"no {level} area of a nation"


def _residents(level: str) -> pd.Series:
    """Census 2021 residents of the level's areas (empty for levels LSOAs do not nest in)."""
    try:
        return population(level)
    except InputError:
        return pd.Series(dtype="float64")
