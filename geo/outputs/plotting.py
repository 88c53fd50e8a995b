"""Static maps for reports (matplotlib): same classes and palette as :func:`geo.map`,
British National Grid north-up, outlines, legend with counts, title and attribution.

Figures are made with :class:`matplotlib.figure.Figure` directly (saving picks an off-screen
renderer for the file's format), never through ``pyplot``: importing or using this module leaves the user's matplotlib backend and
pyplot's figure list untouched (``plt.show()`` in a notebook works as before).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.errors import InputError
from geo.outputs.classes import map_layer, outline_shapes
from geo.outputs.drawing import Shapes, Sketch, draw, paths
from geo.outputs.maps import ATTRIBUTION

if TYPE_CHECKING:  # matplotlib is imported where used: it is slow to load
    from matplotlib.figure import Figure


def plot(
    data: pd.DataFrame,
    *,
    value: str,
    level: str | None = None,
    within: str | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    outlines: tuple[str, ...] = ("lad24", "itl1"),
    highlight: gpd.GeoDataFrame | None = None,
    highlight_name: str = "Highlighted areas",
    highlight_labels: str | None = None,
    higher_is_better: bool = True,
    code: str | None = None,
    title: str | None = None,
    figsize: tuple[float, float] = (8.0, 9.0),
) -> Figure:
    """Return a matplotlib Figure of ``value`` (save it with ``fig.savefig`` or :func:`geo.export`).

    The static twin of :func:`geo.map`: the same mapclassify classes and palette, drawn
    north-up on the British National Grid with a legend (class bounds and counts), outlines
    of coarser levels, the highlight layer and the licence attribution.

    Parameters
    ----------
    data : DataFrame
        One row per area, codes in ``code`` or the index.
    value : str
        The column mapped.
    level : str, optional
        Level of the codes (detected when omitted).
    within : str, optional
        An area code or name: draw only the areas inside it.
    scheme, k : str, int
        Any mapclassify scheme and the number of classes.
    outlines : tuple of str
        Coarser levels drawn as outlines (dissolved from the mapped areas, so they follow
        their edges).
    highlight : GeoDataFrame, optional
        Shapes outlined on top, e.g. the result of :func:`geo.pockets`.
    highlight_name : str
        The highlight's label in the legend.
    highlight_labels : str, optional
        A column of ``highlight`` whose values label each shape (e.g. pocket numbers),
        written in a white disc at a point inside it.
    higher_is_better : bool
        Direction of the palette: the worst class is always the darkest red.
    code : str, optional
        Column of codes (default: the index).
    title : str, optional
        Title and legend title (default: ``value``).
    figsize : tuple of float
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import geo
    >>> iod = geo.data.products.load("iod2025")
    >>> fig = plot(iod, code="LSOA21CD", value="IMD_score", within="E06000047", higher_is_better=False)
    >>> fig.savefig("durham.png", dpi=150)
    """
    return draw(sketch(data, value=value, level=level, within=within, scheme=scheme, k=k, outlines=outlines, highlight=highlight,
                       highlight_name=highlight_name, highlight_labels=highlight_labels, higher_is_better=higher_is_better,
                       code=code, title=title, figsize=figsize))


def sketch(
    data: pd.DataFrame,
    *,
    value: str,
    level: str | None = None,
    within: str | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    outlines: tuple[str, ...] = ("lad24", "itl1"),
    highlight: gpd.GeoDataFrame | None = None,
    highlight_name: str = "Highlighted areas",
    highlight_labels: str | None = None,
    higher_is_better: bool = True,
    code: str | None = None,
    title: str | None = None,
    figsize: tuple[float, float] = (8.0, 9.0),
) -> Sketch:
    """What :func:`plot` draws, as plain arrays (:class:`geo.outputs.drawing.Sketch`): the
    parameters are :func:`plot`'s. Drawn by :func:`geo.outputs.drawing.draw`, in this process
    or another (:mod:`geo.outputs.report_png`).

    Examples
    --------
    >>> import geo
    >>> iod = geo.data.products.load("iod2025")
    >>> made = sketch(iod, code="LSOA21CD", value="IMD_score", within="E06000017", higher_is_better=False)
    >>> len(made.areas.vertices), len(made.colours), [width for _, width in made.outlines]  # Rutland: 26 LSOAs
    (26, 26, [0.8, 1.6])
    """
    drawn = map_layer(data, value=value, level=level, within=within, code=code, scheme=scheme, k=k, higher_is_better=higher_is_better)
    child, layer, classes = drawn.level, drawn.layer, drawn.classes
    shapes = shapely.normalize(layer.geometry.to_numpy())  # as GeoSeries.plot draws them (rings oriented)
    lines = []
    for outline, made in outline_shapes(layer.geometry, child, outlines).items():
        lines.append((_lines(made.boundary), 1.6 if outline == "itl1" else 0.8))
    shown, labels, edges = None, [], []
    if highlight is not None and len(highlight):
        if highlight_labels is not None and highlight_labels not in highlight.columns:
            raise InputError(f"highlight_labels={highlight_labels!r} is not a column of highlight; columns are {list(highlight.columns)[:12]}")
        moved = highlight.to_crs(layer.crs)
        shown = _paths(shapely.normalize(moved.geometry.to_numpy()))
        edges = _lines(moved.boundary)
        if highlight_labels is not None:
            points = moved.geometry.representative_point()
            labels = [(str(label), float(p.x), float(p.y)) for label, p in zip(moved[highlight_labels], points, strict=True)]
    x0, y0, x1, y1 = (float(b) for b in layer.total_bounds)
    return Sketch(
        areas=_paths(shapes), colours=[classes.colour_of(c) for c in layer.index], outlines=lines, highlight=shown,
        highlight_lines=edges, highlight_name=highlight_name, labels=labels,
        legend=[(f"{label} ({count:,})", colour) for label, colour, count in classes.legend()],
        bounds=(x0, y0, x1, y1), title=title or value, note=ATTRIBUTION + ". British National Grid (EPSG:27700).", figsize=figsize,
    )


def _paths(shapes: np.ndarray) -> Shapes:
    """Matplotlib paths of (multi)polygons, as geopandas makes them (one compound path a shape)."""
    parts, shape = shapely.get_parts(shapes, return_index=True)
    rings, part = shapely.get_rings(parts, return_index=True)
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    return paths((xy, ring, shape[part]), len(shapes))


def _lines(boundaries: gpd.GeoSeries) -> list[np.ndarray]:
    """The line parts of ``boundaries`` as n x 2 arrays, as geopandas draws them (normalised)."""
    parts = shapely.get_parts(shapely.normalize(boundaries.to_numpy()))
    parts = parts[~shapely.is_empty(parts)]
    xy, index = shapely.get_coordinates(parts, return_index=True)
    return list(np.split(xy, np.searchsorted(index, np.arange(1, len(parts)))))
