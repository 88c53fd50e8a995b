"""Static maps for reports (matplotlib): same classes and palette as :func:`geo.map`,
British National Grid north-up, outlines, legend with counts, title and attribution."""

from __future__ import annotations

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")  # reports are files, not windows
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from geo import registry
from geo.classes import map_layer, outline_shapes
from geo.maps import ATTRIBUTION


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
    higher_is_better: bool = True,
    code: str | None = None,
    title: str | None = None,
    figsize: tuple[float, float] = (8.0, 9.0),
) -> Figure:
    """Return a matplotlib Figure of ``value`` (save it with ``fig.savefig`` or :func:`geo.export`).

    Examples
    --------
    >>> import geo
    >>> iod = geo.products.load("iod2025")
    >>> fig = plot(iod, code="LSOA21CD", value="IMD_score", within="E06000047", higher_is_better=False)
    >>> fig.savefig("durham.png", dpi=150)
    """
    drawn = map_layer(data, value=value, level=level, within=within, code=code, scheme=scheme, k=k, higher_is_better=higher_is_better)
    child, layer, classes = drawn.level, drawn.layer, drawn.classes
    fig, ax = plt.subplots(figsize=figsize)
    layer.plot(ax=ax, color=[classes.colour_of(c) for c in layer.index], edgecolor="white", linewidth=0.1)
    for outline in outlines:
        shapes = outline_shapes(layer.geometry, child, outline)
        if shapes is not None:
            shapes.boundary.plot(ax=ax, color="#222222", linewidth=1.6 if registry.resolve(outline) == "itl1" else 0.8)
    if highlight is not None and len(highlight):
        highlight.to_crs(layer.crs).boundary.plot(ax=ax, color="#0033cc", linewidth=1.4)
    handles = [Patch(facecolor=colour, edgecolor="#999999", label=f"{label} ({count:,})") for label, colour, count in classes.legend()]
    if highlight is not None and len(highlight):
        handles.append(Patch(facecolor="none", edgecolor="#0033cc", label="highlighted"))
    ax.legend(handles=handles, title=title or value, loc="upper left", fontsize=8, title_fontsize=9, frameon=True)
    ax.set_axis_off()
    ax.set_aspect("equal")
    ax.set_title(title or value, fontsize=12)
    ax.annotate("N ↑", xy=(0.97, 0.97), xycoords="axes fraction", ha="right", va="top", fontsize=11, fontweight="bold")
    fig.text(0.01, 0.01, ATTRIBUTION + ". British National Grid (EPSG:27700).", fontsize=6, color="#444444")
    fig.tight_layout()
    return fig
