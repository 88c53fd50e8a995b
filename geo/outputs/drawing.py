"""Drawing a static map from plain arrays (:class:`Sketch`), with matplotlib alone.

:func:`geo.plot` works in two steps: :func:`geo.outputs.plotting.sketch` picks the areas,
classes, outlines and labels (geopandas, the package's layers) and turns every shape into
matplotlib path vertices and codes; :func:`draw` draws them. This module imports neither
pandas nor geopandas, so a report can draw its PNG in a second process that loads only numpy
and matplotlib (:mod:`geo.outputs.report_png`) while it writes the rest of the pack.

The paths are those geopandas' ``GeoSeries.plot`` makes (shapes normalised, each ring closed,
a multi-part shape one compound path), so the picture is the one ``plot`` drew through
geopandas, pixel for pixel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # matplotlib is imported where used: it is slow to load
    from matplotlib.axes import Axes
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure

#: matplotlib's path codes (matplotlib.path.Path.MOVETO, LINETO, CLOSEPOLY), without importing it.
MOVETO, LINETO, CLOSEPOLY = 1, 2, 79


@dataclass
class Shapes:
    """Filled shapes as matplotlib paths: ``vertices[i]`` (n x 2 floats) and ``codes[i]`` of shape i.

    Examples
    --------
    >>> Shapes().vertices
    []
    """

    vertices: list[np.ndarray] = field(default_factory=list)
    codes: list[np.ndarray] = field(default_factory=list)


@dataclass
class Sketch:
    """Everything :func:`draw` needs, as plain Python and numpy values (picklable, no geopandas).

    ``areas`` are filled with ``colours`` (one per shape); ``outlines`` are (lines, width)
    pairs, each line an n x 2 array; ``highlight`` is outlined and hatched with its
    ``highlight_lines`` dashed; ``labels`` are (text, x, y); ``legend`` (label, colour) pairs,
    then ``highlight_name`` when there is a highlight; ``bounds`` (x0, y0, x1, y1) set the view.

    Examples
    --------
    >>> import geo
    >>> from geo.outputs.plotting import sketch
    >>> iod = geo.data.products.load("iod2025")
    >>> made = sketch(iod, code="LSOA21CD", value="IMD_score", within="E06000017", higher_is_better=False)
    >>> isinstance(made, Sketch), made.title, len(made.legend)
    (True, 'IMD_score', 5)
    """

    areas: Shapes
    colours: list[str]
    outlines: list[tuple[list[np.ndarray], float]]
    highlight: Shapes | None
    highlight_lines: list[np.ndarray]
    highlight_name: str
    labels: list[tuple[str, float, float]]
    legend: list[tuple[str, str]]
    bounds: tuple[float, float, float, float]
    title: str
    note: str
    figsize: tuple[float, float]


def paths(parts: tuple[np.ndarray, np.ndarray, np.ndarray], count: int) -> Shapes:
    """Compound paths of ``count`` shapes from their rings' coordinates.

    ``parts`` is (coordinates n x 2, ring of each coordinate, shape of each ring), as
    ``shapely.get_coordinates(rings, return_index=True)`` and ``shapely.get_rings(...,
    return_index=True)`` give them, rings in drawing order. Each ring starts with MOVETO, is
    closed by CLOSEPOLY on its repeated last point, and a shape's rings form one path.

    Examples
    --------
    >>> square = np.array([[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]], dtype=float)
    >>> made = paths((square, np.zeros(5, dtype=int), np.zeros(1, dtype=int)), 1)
    >>> made.codes[0].tolist()
    [1, 2, 2, 2, 79]
    """
    xy, ring, shape = parts
    codes = np.full(len(xy), LINETO, dtype=np.uint8)
    if len(xy):
        starts = np.flatnonzero(np.r_[True, ring[1:] != ring[:-1]])
        codes[starts] = MOVETO
        codes[np.r_[starts[1:], len(xy)] - 1] = CLOSEPOLY
    owner = shape[ring] if len(xy) else np.empty(0, dtype=int)
    cuts = np.searchsorted(owner, np.arange(1, count))
    return Shapes(list(np.split(xy, cuts)), list(np.split(codes, cuts)))


def _collection(shapes: Shapes, **style: Any) -> PolyCollection:
    from matplotlib.collections import PolyCollection

    made = PolyCollection([], **style)
    made.set_verts_and_codes(shapes.vertices, shapes.codes)  # type: ignore[arg-type]  # one code array per path
    return made


def draw(sketch: Sketch) -> Figure:
    """The matplotlib Figure of ``sketch`` (no pyplot: the process's backend is not touched).

    Examples
    --------
    >>> square = np.array([[0, 0], [0, 1000], [1000, 1000], [1000, 0], [0, 0]], dtype=float)
    >>> area = paths((square, np.zeros(5, dtype=int), np.zeros(1, dtype=int)), 1)
    >>> fig = draw(Sketch(area, ["#bd0026"], [], None, [], "", [], [("1 to 2 (1)", "#bd0026")],
    ...                   (0.0, 0.0, 1000.0, 1000.0), "A square", "Made up", (4.0, 4.0)))
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['1 to 2 (1)']
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    fig = Figure(figsize=sketch.figsize)  # savefig renders off-screen
    ax = fig.add_subplot()
    ax.set_aspect("equal")
    ax.add_collection(_collection(sketch.areas, facecolor=sketch.colours, edgecolor="white", linewidth=0.1))
    _autoscale(ax)
    for lines, width in sketch.outlines:
        _lines(ax, lines, color="#222222", linewidth=width)
    if sketch.highlight is not None:  # hatched and dashed: told apart from the classes without colour
        ax.add_collection(_collection(sketch.highlight, facecolor="none", edgecolor="#0033cc", hatch="///", linewidth=0))
        _autoscale(ax)
        _lines(ax, sketch.highlight_lines, color="#0033cc", linewidth=1.2, linestyle=(0, (4, 2)))
        for text, x, y in sketch.labels:
            ax.annotate(text, xy=(x, y), ha="center", va="center", fontsize=7, fontweight="bold", color="#000000",
                        bbox={"boxstyle": "circle,pad=0.25", "facecolor": "white", "edgecolor": "#0033cc", "linewidth": 1.0})
    handles = [Patch(facecolor=colour, edgecolor="#999999", label=label) for label, colour in sketch.legend]
    if sketch.highlight is not None:
        handles.append(Patch(facecolor="none", edgecolor="#0033cc", hatch="///", linestyle="--", label=sketch.highlight_name))
    ax.set_axis_off()
    ax.set_aspect("equal")
    x0, y0, x1, y1 = sketch.bounds  # the mapped areas set the view; highlights elsewhere do not
    pad = 0.03 * max(x1 - x0, y1 - y0)
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    ax.legend(handles=handles, title=sketch.title, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=min(3, len(handles)),
              fontsize=8, title_fontsize=9, frameon=False)
    _scale_bar(ax)
    ax.set_title(sketch.title, fontsize=12)
    ax.annotate("N ↑", xy=(0.97, 0.97), xycoords="axes fraction", ha="right", va="top", fontsize=11, fontweight="bold")
    fig.text(0.01, 0.01, sketch.note, fontsize=6, color="#444444")
    fig.tight_layout()
    return fig


def _autoscale(ax: Axes) -> None:
    ax.autoscale_view()


def _lines(ax: Axes, lines: list[np.ndarray], **style: Any) -> None:
    from matplotlib.collections import LineCollection

    if lines:
        ax.add_collection(LineCollection(lines, **style))
        _autoscale(ax)


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
