"""Classing values for maps (mapclassify) and the palettes that follow ``higher_is_better``.

Both the interactive map and the static plot use :func:`classify`, so a report's two maps
show the same classes and colours. The default scheme, quantiles, is computed here with
numpy exactly as ``mapclassify.Quantiles`` computes it (:func:`quantile_classes`), because
importing mapclassify loads scipy.stats, scikit-learn and matplotlib's pyplot (over a second);
every other scheme is mapclassify's own, imported when asked for.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.errors import InputError, examples
from geo.geography import lookups, registry
from geo.geography.layers import boundaries
from geo.moving.inputs import prepare
from geo.moving.values import integer

log = logging.getLogger(__name__)

#: Colour for areas with no value.
MISSING = "#d9d9d9"

#: mapclassify's classifiers (``mapclassify.CLASSIFIERS``; a test checks the two agree), named
#: here so that checking a scheme does not import mapclassify.
SCHEMES = (
    "BoxPlot", "EqualInterval", "FisherJenks", "FisherJenksSampled", "HeadTailBreaks", "JenksCaspall", "JenksCaspallForced",
    "JenksCaspallSampled", "MaxP", "MaximumBreaks", "NaturalBreaks", "Quantiles", "Percentiles", "PrettyBreaks", "StdMean",
    "UserDefined",
)


@dataclass(frozen=True)
class Classes:
    """Class of each area (``-1`` = missing), the classes' upper bounds, counts, colours.

    Made by :func:`classify`; ``lower`` is the smallest value (the first class's lower bound).

    Examples
    --------
    >>> c = classify(pd.Series([1.0, 2, 3, 4, np.nan], index=list("abcde")), k=2)
    >>> c.bins.tolist(), c.counts.tolist()
    ([2.5, 4.0], [2, 2])
    >>> [(colour, count) for _, colour, count in c.legend()]  # labels run from lower to upper bound
    [('#f03b20', 2), ('#ffeda0', 2), ('#d9d9d9', 1)]
    >>> c.legend()[-1]
    ('no data', '#d9d9d9', 1)
    >>> c.colour_of("a"), c.colour_of("e"), c.colour_of("not an area")
    ('#f03b20', '#d9d9d9', '#d9d9d9')
    """

    index: pd.Series
    bins: np.ndarray
    counts: np.ndarray
    colours: list[str]
    lower: float

    def colour_of(self, code: str) -> str:
        k = int(self.index.get(code, -1))
        return MISSING if k < 0 else self.colours[k]

    def legend(self, fmt: str = "{:,.4g}") -> list[tuple[str, str, int]]:
        """Rows (label, colour, count), then the missing class if any."""
        rows = []
        low = self.lower
        for upper, colour, count in zip(self.bins, self.colours, self.counts, strict=True):
            rows.append((f"{fmt.format(low)} – {fmt.format(upper)}", colour, int(count)))
            low = upper
        missing = int((self.index < 0).sum())
        if missing:
            rows.append(("no data", MISSING, missing))
        return rows


#: ColorBrewer YlOrRd (sequential, colour-blind safe; Brewer, colorbrewer2.org), 3 to 9 classes, pale to dark.
YLORRD = {
    3: ("#ffeda0", "#feb24c", "#f03b20"),
    4: ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"),
    5: ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
    6: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"),
    7: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"),
    8: ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"),
    9: ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026"),
}


def palette(n: int) -> list[str]:
    """``n`` colours of ColorBrewer YlOrRd, pale (good) to dark red (bad): the published scheme
    for 3 to 9 classes, its two ends for 2, and matplotlib's YlOrRd (the same scheme
    interpolated) beyond 9.

    Examples
    --------
    >>> palette(5)
    ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026']
    >>> palette(2), len(palette(12))
    (['#ffeda0', '#f03b20'], 12)
    """
    if n in YLORRD:
        return list(YLORRD[n])
    if n <= 2:
        return [YLORRD[3][0], YLORRD[3][-1]][-n:] if n else []
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    return [to_hex(c) for c in colormaps["YlOrRd"](np.linspace(0.0, 1.0, n))]


def _options(scheme: str, k: int, higher_is_better: bool) -> tuple[str, int]:
    """Check the classing options; return mapclassify's name of ``scheme`` and ``k``."""
    k = integer(k, argument="k", minimum=2)
    if not isinstance(higher_is_better, (bool, np.bool_)):
        raise InputError(f"higher_is_better={higher_is_better!r}; expected True or False")
    schemes = {s.lower(): s for s in SCHEMES}
    if not isinstance(scheme, str) or scheme.lower().replace("_", "") not in schemes:
        raise InputError(f"scheme={scheme!r}; expected one of mapclassify's {sorted(SCHEMES)}")
    return schemes[scheme.lower().replace("_", "")], k


def classify(values: pd.Series, *, scheme: str = "quantiles", k: int = 5, higher_is_better: bool = True) -> Classes:
    """Class values with a mapclassify scheme and colour them.

    The palette runs from pale (good) to dark red (bad): with ``higher_is_better=True``
    the lowest class is the darkest. ``scheme`` is a mapclassify classifier name (any case,
    underscores ignored); ``k`` a whole number >= 2, lowered to the number of distinct values
    when there are fewer. Values must be finite numbers or missing (``inf`` is refused).

    Examples
    --------
    >>> c = classify(pd.Series([1.0, 2, 3, 4, np.nan], index=list("abcde")), k=2)
    >>> c.index.tolist()
    [0, 0, 1, 1, -1]
    """
    name, k = _options(scheme, k, higher_is_better)
    present = pd.to_numeric(values.dropna(), errors="coerce").astype("float64")
    if present.isna().any():
        raise InputError(f"values: non-numeric values {examples(values.dropna()[present.isna()].unique())}; values must be numbers or missing")
    infinite = present.index[np.isinf(present.to_numpy())]
    if len(infinite):
        raise InputError(f"values: {len(infinite):,} infinite values (at {examples(infinite)}); values must be finite numbers or missing")
    if present.empty:
        raise InputError("value has no non-missing values to map")
    k = min(k, present.nunique())
    if name == "Quantiles":
        yb, bins, counts = quantile_classes(present.to_numpy(), k)
    else:
        yb, bins, counts = _mapclassify(name, scheme, present.to_numpy(), k)
    index = pd.Series(-1, index=values.index, dtype="int64")
    index[present.index] = yb
    ramp = palette(len(bins))
    colours = ramp[::-1] if higher_is_better else ramp
    return Classes(index, bins, counts, colours, float(present.min()))


def _mapclassify(name: str, scheme: str, y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Class ``y`` with mapclassify's classifier ``name``: its classes, upper bounds and counts."""
    import mapclassify  # imported only for the schemes not computed here: it is slow to load

    classifier = getattr(mapclassify, name)
    takes_k = "k" in classifier.__init__.__code__.co_varnames
    try:
        fitted = classifier(y, k=k) if takes_k else classifier(y)
    except (TypeError, ValueError) as exc:
        raise InputError(f"scheme={scheme!r} cannot class these values ({exc}); try scheme='quantiles' or 'natural_breaks'") from None
    return np.asarray(fitted.yb), np.asarray(fitted.bins), np.asarray(fitted.counts)


def quantile_classes(y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Quantile classes of finite values ``y``, as ``mapclassify.Quantiles(y, k=k)`` makes them.

    The upper bounds are the values at the percentiles 100/k, 200/k, .., 100 with linear
    interpolation between the sorted values (``scipy.stats.scoreatpercentile``, computed the
    same way to the last bit), repeated bounds kept once (fewer than ``k`` classes when ties
    make bounds repeat); a value belongs to the first class whose upper bound it does not exceed
    (``mapclassify.classifiers.bin1d``).

    Parameters
    ----------
    y : ndarray
        Finite numbers (no missing values), at least one.
    k : int
        The number of classes asked for (>= 1).

    Returns
    -------
    tuple of ndarray
        The class of each value (0..), the classes' upper bounds and their counts.

    Examples
    --------
    >>> yb, bins, counts = quantile_classes(np.array([1.0, 2, 3, 4, 10]), 2)
    >>> yb.tolist(), bins.tolist(), counts.tolist()
    ([0, 0, 0, 1, 1], [3.0, 10.0], [3, 2])
    >>> _, bins, counts = quantile_classes(np.array([1.0, 1, 1, 2]), 4)  # ties: a repeated bound is kept once
    >>> bins.tolist(), counts.tolist()
    ([1.0, 1.25, 2.0], [3, 0, 1])
    """
    step = 100.0 / k
    percents = np.arange(step, 100 + step, step)
    if percents[-1] > 100.0:
        percents[-1] = 100.0
    ordered = np.sort(np.asarray(y, dtype="float64"), axis=None)
    top = ordered.shape[0] - 1
    scores = []
    for per in percents:  # scipy.stats.scoreatpercentile(y, per), interpolation "fraction", operation by operation
        at = per / 100.0 * top
        i = int(at)
        if i == at:
            scores.append(np.add.reduce(ordered[i:i + 1] * np.array(1)) / 1.0)
        else:
            weights = np.array([(i + 1 - at), (at - i)], float)
            scores.append(np.add.reduce(ordered[i:i + 2] * weights) / weights.sum())
    bins = np.unique(np.array(scores))
    if len(bins) < k:
        log.info("quantiles: not enough distinct values for %d classes; %d classes", k, len(bins))
    yb = np.searchsorted(bins, np.asarray(y, dtype="float64"), side="left")
    yb[yb == len(bins)] = 0  # above the last bound: class 0, as bin1d does (never met: the last bound is the largest value)
    return yb, bins, np.bincount(yb, minlength=len(bins))


@dataclass(frozen=True)
class MapLayer:
    """What both map renderers draw: the areas, their values (all of the input, for national
    ranks), the values shown, and the classes.

    Made by :func:`map_layer`; ``layer`` holds the boundaries drawn (indexed by code, in
    British National Grid), ``shown`` the values reindexed to them (missing where none).

    Examples
    --------
    >>> data = pd.DataFrame({"lad24": ["E06000047", "E06000005", "E06000001"], "score": [3.0, 2.0, 1.0]})
    >>> m = map_layer(data, value="score", level=None, within="E06000047", code="lad24",
    ...               scheme="quantiles", k=2, higher_is_better=False)
    >>> m.level, m.layer["name"].tolist(), m.shown.to_dict(), len(m.values)
    ('lad24', ['County Durham'], {'E06000047': 3.0}, 3)
    """

    level: str
    layer: gpd.GeoDataFrame
    values: pd.Series
    shown: pd.Series
    classes: Classes


def map_layer(
    data: pd.DataFrame, *, value: str, level: str | None, within: str | None, code: str | None,
    scheme: str, k: int, higher_is_better: bool,
) -> MapLayer:
    """Validate ``data``, select the areas to draw and class their values.

    Parameters
    ----------
    data : DataFrame
        One row per area: codes in column ``code`` (or the index when ``code`` is None).
    value : str
        The column to map.
    level : str or None
        The codes' level (any alias); None detects it from the codes.
    within : str or None
        Draw only the areas inside this area code (e.g. ``"E12000001"``); None draws all.
    code : str or None
        The column of area codes.
    scheme, k, higher_is_better
        As for :func:`classify`.

    Returns
    -------
    MapLayer
        The areas, all the input values, the values shown and their classes.

    Raises
    ------
    InputError
        For bad codes, a missing column, an unknown ``within`` or classing options.

    Examples
    --------
    >>> north_east = ["E06000001", "E06000002", "E06000003", "E06000004", "E06000005", "E06000047",
    ...               "E06000057", "E08000021", "E08000022", "E08000023", "E08000024", "E08000037"]
    >>> data = pd.DataFrame({"lad24": north_east, "score": np.arange(12.0)})
    >>> m = map_layer(data, value="score", level=None, within="E12000001", code="lad24",
    ...               scheme="quantiles", k=3, higher_is_better=False)
    >>> len(m.layer), m.classes.bins.round(3).tolist(), m.classes.counts.tolist(), m.classes.colours
    (12, [3.667, 7.333, 11.0], [4, 4, 4], ['#ffeda0', '#feb24c', '#f03b20'])
    >>> m.classes.colour_of("E06000047")  # County Durham, score 5: the middle class
    '#feb24c'
    """
    _options(scheme, k, higher_is_better)  # refused before any data are read
    prepared = prepare(data, columns=[value], level=level, code=code, kind="mean")
    values = pd.Series(prepared.frame[value].to_numpy(), index=pd.Index(prepared.frame.index, dtype="string"))
    layer = boundaries(prepared.level, within=within)
    shown = values.reindex(layer.index)
    classes = classify(shown, scheme=scheme, k=k, higher_is_better=higher_is_better)
    return MapLayer(prepared.level, layer, values, shown, classes)


def outline_shapes(shapes: gpd.GeoSeries, level: str, outlines: Sequence[str]) -> dict[str, gpd.GeoSeries]:
    """Dissolve the drawn areas into the outlines of coarser levels, so outlines follow the
    drawn edges exactly.

    Returns a mapping from each level of ``outlines`` that ``level`` nests in (resolved ids,
    in the order given) to its outlines, indexed by code. Each level is dissolved from the
    finest outline already made that nests in it (regions from districts, not from 35,672
    LSOAs), which gives the same shapes at a fraction of the cost.

    Parameters
    ----------
    shapes : GeoSeries
        The drawn areas' geometry, indexed by code at ``level``.
    level : str
        The level of ``shapes`` (resolved id, e.g. ``"lad24"``).
    outlines : sequence of str
        Levels to outline (aliases allowed); those ``level`` does not nest in are left out.

    Returns
    -------
    dict of str to GeoSeries
        Outlines per level, indexed by the coarser level's codes.

    Examples
    --------
    >>> from geo.geography.layers import boundaries
    >>> tees_valley = boundaries("lad24").loc[["E06000001", "E06000002", "E06000003", "E06000004", "E06000005"]]
    >>> outlines = outline_shapes(tees_valley.geometry, "lad24", ["rgn24", "ctry", "lsoa21"])
    >>> {level: list(shapes.index) for level, shapes in outlines.items()}  # lsoa21 is finer: left out
    {'rgn24': ['E12000001'], 'ctry': ['E92000001']}
    >>> round(float(outlines["rgn24"].area.iloc[0] / tees_valley.area.sum()), 6)  # the same land, dissolved
    1.0
    """
    wanted = [registry.resolve(o, argument="outlines") for o in outlines]
    made: dict[str, gpd.GeoSeries] = {}
    for outline in sorted(set(wanted), key=lambda o: -registry.spec(o).areas):
        if outline == level or outline not in registry.spec(level).nests_in:
            continue
        finer = [m for m in made if outline in registry.spec(m).nests_in]
        source, source_level = (made[finer[-1]], finer[-1]) if finer else (shapes, level)
        parent = lookups.lookup(source_level, outline).set_index(source_level)[outline].reindex(source.index)
        frame = gpd.GeoDataFrame({"parent": parent.to_numpy()}, geometry=source.to_numpy(), crs=source.crs)
        made[outline] = frame.dropna().dissolve("parent").geometry
    return {o: made[o] for o in dict.fromkeys(wanted) if o in made}
