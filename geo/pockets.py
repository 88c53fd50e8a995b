"""Left-behind pockets: contiguous groups of areas that all meet a threshold.

A pocket is a connected set of areas (queen or rook contiguity, islands joined to their
nearest area) that all meet the threshold and lie in the same ``within`` parent. Each pocket
reports the parents it lies in at every coarser level, its population-weighted value, its
parent's own average and whether it is *hidden*: inside a parent whose average is better than
the national average, so that the parent's figure conceals it.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from geo import lookups, registry
from geo.codes import isin
from geo.contiguity import neighbour_pairs
from geo.errors import InputError, NestingError
from geo.hotspots import hotspots
from geo.layers import boundaries
from geo.population import population, values_and_weights

PARENT_LEVELS = ("lad24", "utla23", "pfa24", "itl1")


def qualifying(values: pd.Series, *, threshold: str | float, worse: str, parent_mean: pd.Series | None = None) -> pd.Series:
    """Return which areas meet ``threshold`` (``values`` must cover the whole nation for
    national thresholds: ranks are taken among them).

    Thresholds: ``"national_decile_N"`` (in the N worst national deciles: rank worst-first,
    decile = ceil(10 rank / n), ties share the better rank), ``"national_percentile_P"``
    (the worst P%), a number (at or beyond it), ``"parent_mean"`` (worse than the parent's
    population-weighted mean).

    Examples
    --------
    >>> v = pd.Series([1.0, 5.0, 3.0, 9.0, 7.0, 2.0, 4.0, 6.0, 8.0, 10.0])
    >>> int(qualifying(v, threshold="national_decile_2", worse="high").sum())
    2
    """
    if worse not in ("high", "low"):
        raise InputError(f"worse={worse!r}; expected 'high' (high values are worse) or 'low'")
    if isinstance(threshold, (int, float)) and not isinstance(threshold, bool):
        return values >= threshold if worse == "high" else values <= threshold
    text = str(threshold)
    match = re.fullmatch(r"national_(decile|percentile)_(\d+)", text)
    if match:
        parts = 10 if match.group(1) == "decile" else 100
        rank = values.rank(ascending=(worse == "low"), method="min")
        position = np.ceil(parts * rank / values.notna().sum())
        return position <= int(match.group(2))
    if text == "parent_mean":
        if parent_mean is None:
            raise InputError("threshold='parent_mean' needs the parents' means")
        return values > parent_mean if worse == "high" else values < parent_mean
    raise InputError(
        f"threshold={threshold!r}; expected 'national_decile_N', 'national_percentile_P', 'parent_mean' or a number"
    )


def pockets(
    data: pd.DataFrame,
    *,
    value: str,
    level: str = "lsoa21",
    within: str = "lad24",
    worse: str = "high",
    threshold: str | float = "national_decile_1",
    min_population: float = 0,
    contiguity: str = "queen",
    weight: str | None = "population",
    code: str | None = None,
) -> gpd.GeoDataFrame:
    """Find pockets of contiguous areas that all meet ``threshold``.

    Parameters
    ----------
    data : DataFrame
        One row per area with the indicator (for national thresholds: every area of the nation).
    value : str
        The indicator column.
    level : str, default "lsoa21"
        Level of the areas.
    within : str, default "lad24"
        Parent level: pockets do not cross its borders, and ``parent_value``/``hidden`` refer to it.
    worse : {"high", "low"}
        Whether high values (an IMD score) or low values (healthy life expectancy) are worse.
    threshold : str or float
        See :func:`qualifying`; or ``"hotspot"``: areas in significant local clusters of bad
        values (Local Moran High-High when ``worse="high"``, Low-Low otherwise; see
        :func:`geo.hotspots`, default 999 permutations and seed).
    min_population : float, default 0
        Drop pockets with fewer residents (Census 2021); ``attrs["dropped_small"]`` counts them.
    contiguity : {"queen", "rook"}
        Neighbour rule (see :mod:`geo.contiguity`).
    weight : str or None, default "population"
        Weights of the pocket and parent averages: ``"population"`` (Census 2021 residents;
        England and Wales only), a column of ``data``, or ``None`` (every area counts once,
        e.g. for UK-wide indicators of Scottish and Northern Irish areas too).

    Returns
    -------
    GeoDataFrame
        One row per pocket, worst first: ``pocket``, ``codes`` (comma-separated), ``n_areas``,
        ``population`` (Census 2021 residents; missing when a member has none, as Scottish and
        Northern Irish areas), ``value`` (weighted by ``weight``), ``lad24``, ``utla23``, ``pfa24``,
        ``itl1`` (comma-separated when a pocket straddles a border), ``parent`` and
        ``parent_name`` (the ``within`` area), ``parent_value`` (its weighted average),
        ``hidden`` and the dissolved ``geometry`` (EPSG:27700). ``attrs`` gives the national
        value, the number of areas meeting the threshold and of small pockets dropped.

    Examples
    --------
    >>> import geo
    >>> iod = geo.products.load("iod2025")
    >>> found = pockets(iod, code="LSOA21CD", value="IMD_score")
    >>> len(found), int(found["n_areas"].sum()), int((iod["IMD_decile"] == 1).sum())
    (948, 3375, 3375)
    """
    frame, child = values_and_weights(data, value, weight, level, code)
    missing = int(frame[value].isna().sum())
    frame = frame.dropna(subset=[value])
    values, weights = frame[value], frame["__w"]
    target = registry.resolve(within, argument="within")
    if target not in registry.spec(child).nests_in:
        raise NestingError(f"within={within!r}: {child} does not nest in {target}; it nests in {', '.join(registry.spec(child).nests_in)}")
    people = _residents(child).reindex(values.index)
    parent = lookups.lookup(child, target).set_index(child)[target].reindex(values.index)
    weighted = (values * weights).groupby(parent.to_numpy()).sum() / weights.groupby(parent.to_numpy()).sum()
    parent_mean = pd.Series(weighted.reindex(parent.to_numpy()).to_numpy(), index=values.index)
    if threshold == "hotspot":
        spots = hotspots(values.to_frame(value), value=value, level=child, contiguity=contiguity)
        meets = spots["label"].reindex(values.index) == ("High-High" if worse == "high" else "Low-Low")
    else:
        meets = qualifying(values, threshold=threshold, worse=worse, parent_mean=parent_mean)
    if not meets.any():
        raise InputError(f"threshold={threshold!r}: no area meets it (values run from {values.min():g} to {values.max():g})")
    chosen = values.index[meets.to_numpy()]

    pairs = neighbour_pairs(child, kind=contiguity)
    pairs = pairs[isin(pairs["focal"], chosen) & isin(pairs["neighbor"], chosen)]
    position = pd.Series(np.arange(len(chosen)), index=chosen.to_numpy(dtype=object))
    i = position.reindex(pairs["focal"].to_numpy(dtype=object)).to_numpy()
    j = position.reindex(pairs["neighbor"].to_numpy(dtype=object)).to_numpy()
    same = parent.reindex(chosen).to_numpy(dtype=object)
    keep = same[i] == same[j]
    graph = coo_matrix((np.ones(keep.sum()), (i[keep], j[keep])), shape=(len(chosen), len(chosen)))
    _, label = connected_components(graph, directed=False)

    members = pd.DataFrame(
        {"code": chosen, "label": label, "value": values[chosen].to_numpy(), "weight": weights[chosen].to_numpy(), "people": people[chosen].to_numpy()}
    )
    for other in PARENT_LEVELS:
        if other == child:  # pockets of districts (or counties) list the areas themselves
            members[other] = chosen.to_numpy(dtype=object)
        elif other in registry.spec(child).nests_in:
            table = lookups.lookup(child, other).set_index(child)[other]
            members[other] = table.reindex(chosen).to_numpy()
    members["parent"] = same
    members["wx"] = members["value"] * members["weight"]
    grouped = members.groupby("label")
    national = float((values * weights).sum() / weights.sum())
    better = (lambda a, b: a < b) if worse == "high" else (lambda a, b: a > b)
    table = pd.DataFrame(
        {
            "codes": grouped["code"].agg(lambda c: ",".join(sorted(c))),
            "n_areas": grouped.size(),
            "population": grouped["people"].sum(min_count=1).where(grouped["people"].count() == grouped.size()),
            "value": grouped["wx"].sum() / grouped["weight"].sum(),
        }
    )
    for other in PARENT_LEVELS:
        table[other] = grouped[other].agg(lambda c: ",".join(sorted({str(x) for x in c if pd.notna(x)}))) if other in members else ""
    table["parent"] = grouped["parent"].first()
    table["parent_name"] = lookups.areas(target)["name"].reindex(table["parent"]).to_numpy()
    table["parent_value"] = weighted.reindex(table["parent"]).to_numpy()
    table["hidden"] = better(table["parent_value"], national)
    small = table["population"] < min_population
    table = table[~small]
    table = table.sort_values("value", ascending=(worse == "low"), kind="mergesort").reset_index(drop=True)
    table.insert(0, "pocket", np.arange(1, len(table) + 1))
    shapes = boundaries(child).geometry
    kept = members[members["label"].isin(grouped.size()[~small.to_numpy()].index)] if small.any() else members
    outline = gpd.GeoDataFrame({"label": kept["label"].to_numpy()}, geometry=shapes.loc[kept["code"]].to_numpy(), crs=shapes.crs)
    dissolved = outline.dissolve("label").geometry
    label_of = grouped["code"].agg(lambda c: ",".join(sorted(c)))
    by_codes = pd.Series(dissolved.to_numpy(), index=label_of.reindex(dissolved.index).to_numpy())
    result = gpd.GeoDataFrame(table, geometry=by_codes.reindex(table["codes"]).to_numpy(), crs=shapes.crs)
    result.attrs.update(
        {
            "level": child, "within": target, "threshold": threshold, "worse": worse, "national_value": national,
            "areas_meeting_threshold": int(meets.sum()), "dropped_small": int(small.sum()), "weight": weight,
            "missing_values": missing,
        }
    )
    return result


def _residents(level: str) -> pd.Series:
    """Census 2021 residents of the level's areas (empty for levels LSOAs do not nest in)."""
    try:
        return population(level)
    except InputError:
        return pd.Series(dtype="float64")
