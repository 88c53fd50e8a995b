"""A point-in-polygon index that assigns millions of points to areas without point objects.

:class:`PolygonIndex` holds a layer's polygons, prepared (GEOS builds an edge index inside
each on first use), their bounding boxes, and a regular grid over the layer: for each grid
cell, the polygons whose bounding box overlaps it (a compressed sparse row table). Points
arrive as two arrays of coordinates: each point's cell gives its candidate polygons, the
bounding boxes narrow them, and ``shapely.intersects_xy`` on the prepared polygons decides,
so no shapely Point is ever built and the polygons are never re-indexed per call.

The rule for a point on a shared edge (it intersects two or more polygons) is the one
:func:`geo.assign` documents: it goes to the polygon with the lowest code (the index sorts its
polygons by code, so that is the lowest position), and its hit count says it was on an edge.

:func:`polygon_index` is the cache of the index of a level's boundaries: a
``functools.lru_cache`` keyed by the level, the cache folder and the catalogue version (so a
new cache folder or catalogue builds a new index); ``polygon_index.cache_clear()`` empties it.

Threads: GEOS prepared geometries are not safe to query from two threads at once (each builds
its edge index lazily, inside the query), and Dask's default scheduler runs partitions on
threads sharing one index; an unguarded run of 50 million points corrupted the heap about one
time in three. The queries on the prepared polygons therefore hold :data:`PREPARED_QUERIES`, a
lock of the process; the grid and bounding-box work around them runs in parallel.
"""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import shapely

from geo import catalogue, settings
from geo.geography.layers import boundaries

#: Serialises queries on prepared polygons across threads (module description).
PREPARED_QUERIES = threading.Lock()
log = logging.getLogger(__name__)

#: Points handled at once by :meth:`PolygonIndex.locate` (bounds its temporary arrays to a
#: few tens of MB whatever the number of points).
CHUNK = 1000000
#: The grid has at most this many cells (its offsets take 8 bytes each).
MAX_CELLS = 8_000_000


@dataclass(frozen=True, eq=False)
class PolygonIndex:
    """Polygons sorted by code, with a grid of candidate polygons per cell (see the module).

    Build one with :meth:`build`; :meth:`locate` finds the polygon of each point.

    Examples
    --------
    >>> import shapely
    >>> squares = [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)]
    >>> index = PolygonIndex.build(["B", "A"], squares)
    >>> position, hits = index.locate(np.array([0.5, 1.5, 1.0, 5.0]), np.array([0.5, 0.5, 0.5, 5.0]))
    >>> index.codes_at(position).tolist(), hits.tolist()
    (['B', 'A', 'A', <NA>], [1, 1, 2, 0])
    """

    codes: np.ndarray
    shapes: np.ndarray
    bounds: np.ndarray
    origin: tuple[float, float]
    cell: float
    shape: tuple[int, int]
    offsets: np.ndarray
    entries: np.ndarray
    _arrow_codes: pa.Array = field(repr=False)

    @classmethod
    def build(cls, codes: object, shapes: object) -> PolygonIndex:
        """Index ``shapes`` (polygons, in one projected CRS) under ``codes`` (text, unique).

        The shapes are prepared in place (shapely keeps the prepared form with each shape).
        """
        code_array = np.asarray(pd.Index(codes).astype(str), dtype=object)
        shape_array = np.asarray(shapes, dtype=object)
        order = np.argsort(code_array, kind="stable")
        code_array, shape_array = code_array[order], shape_array[order]
        shapely.prepare(shape_array)
        bounds = shapely.bounds(shape_array)
        finite = np.isfinite(bounds).all(axis=1)
        if finite.any():
            x0, y0 = bounds[finite, 0].min(), bounds[finite, 1].min()
            x1, y1 = bounds[finite, 2].max(), bounds[finite, 3].max()
            sides = np.maximum(bounds[finite, 2] - bounds[finite, 0], bounds[finite, 3] - bounds[finite, 1])
            cell = float(np.median(sides)) or 1.0
        else:
            x0 = y0 = x1 = y1 = 0.0
            cell = 1.0
        while ((x1 - x0) / cell + 1) * ((y1 - y0) / cell + 1) > MAX_CELLS:
            cell *= 1.5
        nx, ny = int((x1 - x0) // cell) + 1, int((y1 - y0) // cell) + 1
        which = np.flatnonzero(finite)
        ix0 = ((bounds[which, 0] - x0) // cell).astype(np.int64)
        iy0 = ((bounds[which, 1] - y0) // cell).astype(np.int64)
        wide = np.minimum((bounds[which, 2] - x0) // cell, nx - 1).astype(np.int64) - ix0 + 1
        tall = np.minimum((bounds[which, 3] - y0) // cell, ny - 1).astype(np.int64) - iy0 + 1
        per = wide * tall
        polygon = np.repeat(which, per)
        k = np.arange(per.sum()) - np.repeat(np.cumsum(per) - per, per)
        span = np.repeat(tall, per)
        cells = (np.repeat(ix0, per) + k // span) * ny + np.repeat(iy0, per) + k % span
        order = np.argsort(cells, kind="stable")
        offsets = np.zeros(nx * ny + 1, dtype=np.int64)
        np.cumsum(np.bincount(cells, minlength=nx * ny), out=offsets[1:])
        log.debug("polygon index: %d polygons, %d x %d cells of %.0f, %d entries", len(code_array), nx, ny, cell, len(cells))
        return cls(codes=code_array, shapes=shape_array, bounds=bounds, origin=(float(x0), float(y0)), cell=cell, shape=(nx, ny),
                   offsets=offsets, entries=polygon[order].astype(np.int32), _arrow_codes=pa.array(code_array, type=pa.string()))

    def locate(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each point, the position of its polygon (-1: none) and how many polygons it touches.

        A point touching several polygons (on a shared edge) gets the lowest position, that is
        the lowest code. Coordinates are in the polygons' CRS.
        """
        x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
        position = np.full(len(x), -1, dtype=np.int64)
        hits = np.zeros(len(x), dtype=np.int64)
        for start in range(0, len(x), CHUNK):
            part = slice(start, start + CHUNK)
            position[part], hits[part] = self._locate(x[part], y[part])
        return position, hits

    def _locate(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        nx, ny = self.shape
        with np.errstate(invalid="ignore"):
            ix = np.floor((x - self.origin[0]) / self.cell)
            iy = np.floor((y - self.origin[1]) / self.cell)
        on_grid = np.flatnonzero((ix >= 0) & (ix < nx) & (iy >= 0) & (iy < ny))
        cells = ix[on_grid].astype(np.int64) * ny + iy[on_grid].astype(np.int64)
        first, count = self.offsets[cells], self.offsets[cells + 1] - self.offsets[cells]
        point = np.repeat(on_grid, count)
        slot = np.arange(len(point)) - np.repeat(np.cumsum(count) - count, count) + np.repeat(first, count)
        polygon = self.entries[slot]
        px, py = x[point], y[point]
        box = self.bounds
        near = (box[polygon, 0] <= px) & (px <= box[polygon, 2]) & (box[polygon, 1] <= py) & (py <= box[polygon, 3])
        by_polygon = np.flatnonzero(near)[np.argsort(polygon[near], kind="stable")]  # each edge index stays in cache
        point, polygon, px, py = point[by_polygon], polygon[by_polygon], px[by_polygon], py[by_polygon]
        with PREPARED_QUERIES:  # module description: prepared geometries are not thread-safe
            inside = shapely.intersects_xy(self.shapes[polygon], px, py)
        point, polygon = point[inside], polygon[inside]
        lowest = np.full(len(x), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(lowest, point, polygon)
        hits = np.bincount(point, minlength=len(x))
        return np.where(hits > 0, lowest, -1), hits

    def __getstate__(self) -> dict[str, object]:
        """Pickled (to a Dask worker) without the nearest-area tree; the shapes go as WKB."""
        return {name: value for name, value in self.__dict__.items() if name != "tree"}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        shapely.prepare(self.shapes)

    @functools.cached_property
    def tree(self) -> shapely.STRtree:
        """An STRtree of the polygons (for nearest-area queries; positions as in :attr:`codes`)."""
        return shapely.STRtree(self.shapes)

    def codes_at(self, position: np.ndarray) -> pd.arrays.ArrowStringArray:
        """The codes at ``position`` (-1: missing) as an Arrow string array (no Python strings)."""
        position = np.asarray(position)
        taken = self._arrow_codes.take(pa.array(np.maximum(position, 0), mask=position < 0))
        return pd.arrays.ArrowStringArray(taken)


def _layer_index(level: str) -> PolygonIndex:
    layer = boundaries(level)
    return PolygonIndex.build(layer.index, layer.geometry.to_numpy())


@functools.lru_cache(maxsize=4)
def _cached(level: str, cache_dir: str, version: str) -> PolygonIndex:
    return _layer_index(level)


def polygon_index(level: str) -> PolygonIndex:
    """The :class:`PolygonIndex` of a level's boundaries (EPSG:27700), built once per process.

    Cached by level, cache folder and catalogue version (``polygon_index.cache_clear()``
    forgets them; the module docstring says why this is the one cache).

    Examples
    --------
    >>> index = polygon_index("lad24")
    >>> polygon_index("lad24") is index, len(index.codes)
    (True, 361)
    """
    return _cached(level, str(settings.get_cache_dir()), catalogue.version())


polygon_index.cache_clear = _cached.cache_clear  # type: ignore[attr-defined]
