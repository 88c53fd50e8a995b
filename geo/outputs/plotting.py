"""Static maps for reports (matplotlib): same classes and palette as :func:`geo.map`,
British National Grid north-up, outlines, legend with counts, title and attribution.

Figures are made with :class:`matplotlib.figure.Figure` directly (saving picks an off-screen
renderer for the file's format), never through ``pyplot``: importing or using this module leaves the user's matplotlib backend and
pyplot's figure list untouched (``plt.show()`` in a notebook works as before).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from geo.errors import InputError
from geo.outputs.classes import map_layer, outline_shapes
from geo.outputs.maps import ATTRIBUTION

if TYPE_CHECKING:  # matplotlib is imported where used: it is slow to load
    from matplotlib.axes import Axes
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
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    drawn = map_layer(data, value=value, level=level, within=within, code=code, scheme=scheme, k=k, higher_is_better=higher_is_better)
    child, layer, classes = drawn.level, drawn.layer, drawn.classes
    fig = Figure(figsize=figsize)  # no pyplot: the process's backend is not touched; savefig renders off-screen
    ax = fig.add_subplot()
    layer.plot(ax=ax, color=[classes.colour_of(c) for c in layer.index], edgecolor="white", linewidth=0.1)
    for outline, shapes in outline_shapes(layer.geometry, child, outlines).items():
        shapes.boundary.plot(ax=ax, color="#222222", linewidth=1.6 if outline == "itl1" else 0.8)
    if highlight is not None and len(highlight):  # hatched and dashed: told apart from the classes without colour
        shown = highlight.to_crs(layer.crs)
        shown.plot(ax=ax, facecolor="none", edgecolor="#0033cc", hatch="///", linewidth=0)
        shown.boundary.plot(ax=ax, color="#0033cc", linewidth=1.2, linestyle=(0, (4, 2)))
        if highlight_labels is not None:
            _labels(ax, shown, highlight_labels)
    handles = [Patch(facecolor=colour, edgecolor="#999999", label=f"{label} ({count:,})") for label, colour, count in classes.legend()]
    if highlight is not None and len(highlight):
        handles.append(Patch(facecolor="none", edgecolor="#0033cc", hatch="///", linestyle="--", label=highlight_name))
    ax.set_axis_off()
    ax.set_aspect("equal")
    x0, y0, x1, y1 = layer.total_bounds  # the mapped areas set the view; highlights elsewhere do not
    pad = 0.03 * max(x1 - x0, y1 - y0)
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    ax.legend(handles=handles, title=title or value, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=min(3, len(handles)),
              fontsize=8, title_fontsize=9, frameon=False)
    _scale_bar(ax)
    ax.set_title(title or value, fontsize=12)
    ax.annotate("N ↑", xy=(0.97, 0.97), xycoords="axes fraction", ha="right", va="top", fontsize=11, fontweight="bold")
    fig.text(0.01, 0.01, ATTRIBUTION + ". British National Grid (EPSG:27700).", fontsize=6, color="#444444")
    fig.tight_layout()
    return fig


def _labels(ax: Axes, shapes: gpd.GeoDataFrame, column: str) -> None:
    """Write each shape's ``column`` value in a white disc at a point inside it."""
    if column not in shapes.columns:
        raise InputError(f"highlight_labels={column!r} is not a column of highlight; columns are {list(shapes.columns)[:12]}")
    for label, point in zip(shapes[column], shapes.geometry.representative_point(), strict=True):
        ax.annotate(str(label), xy=(point.x, point.y), ha="center", va="center", fontsize=7, fontweight="bold", color="#000000",
                    bbox={"boxstyle": "circle,pad=0.25", "facecolor": "white", "edgecolor": "#0033cc", "linewidth": 1.0})


def _scale_bar(ax: Axes) -> None:
    """Draw a scale bar (a round number of kilometres, about a fifth of the width) bottom right."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    target = (x1 - x0) / 5
    length = max(n for n in (1, 2, 5, 10, 20, 50, 100, 200) if n * 1000 <= max(target, 1000)) * 1000
    right, bottom = x1 - (x1 - x0) * 0.03, y0 + (y1 - y0) * 0.03
    ax.plot([right - length, right], [bottom, bottom], color="#222222", linewidth=2.5, solid_capstyle="butt")
    ax.text(right - length / 2, bottom + (y1 - y0) * 0.01, f"{length // 1000:g} km", ha="center", va="bottom", fontsize=8,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1})
