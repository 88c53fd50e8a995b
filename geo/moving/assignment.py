"""Assign points (postcodes, crimes, facilities) to the areas of a level.

Points are projected to British National Grid as arrays of coordinates and matched with the
level's :class:`~geo.moving.point_index.PolygonIndex` (a grid of candidate polygons and
prepared point-in-polygon tests, built once per process and kept with the level; no shapely
Point is built per point). A point on a shared edge touches two polygons: it goes to the one
with the lowest code, and is counted in the report. A point in no polygon (generalised boundaries cut corners along the
coast and estuaries) is kept with no code and reported, or, with ``nearest_within=``, given
the nearest area within that many metres and flagged.
"""

from __future__ import annotations

import functools
import logging
import os
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyproj
import shapely

from geo.errors import InputError, examples
from geo.geography import registry
from geo.geography.layers import CRS
from geo.moving.point_index import PolygonIndex, polygon_index

log = logging.getLogger(__name__)

_XY = (("longitude", "latitude", "EPSG:4326"), ("lon", "lat", "EPSG:4326"), ("Longitude", "Latitude", "EPSG:4326"),
       ("easting", "northing", "EPSG:27700"), ("x", "y", None))


#: The United Kingdom's extent in longitude/latitude (west, south, east, north), with a margin
#: of a few kilometres: from St Kilda and Fermanagh to Lowestoft, the Isles of Scilly to Shetland.
UK_BOUNDS = (-8.75, 49.8, 1.9, 60.95)
#: British National Grid's extent in metres (eastings, northings) for mainland Britain and NI.
BNG_BOUNDS = (-250_000.0, 0.0, 700_000.0, 1_300_000.0)


#: How assigned points were assigned (the ``assigned_by`` column), by position.
HOW = pa.array(["contains", "edge", "nearest"], type=pa.string())


@functools.cache
def _bng_inner_box() -> tuple[float, float, float, float]:
    """A rectangle in British National Grid lying inside :data:`UK_BOUNDS` (1 km within it):
    points in it need no projection to be known to lie in the UK."""
    west, south, east, north = UK_BOUNDS
    to_bng = pyproj.Transformer.from_crs("EPSG:4326", CRS, always_xy=True)
    step = np.linspace(0.0, 1.0, 2001)
    west_x, _ = to_bng.transform(np.full_like(step, west), south + step * (north - south))
    east_x, _ = to_bng.transform(np.full_like(step, east), south + step * (north - south))
    _, south_y = to_bng.transform(west + step * (east - west), np.full_like(step, south))
    _, north_y = to_bng.transform(west + step * (east - west), np.full_like(step, north))
    return float(west_x.max()) + 1000, float(south_y.max()) + 1000, float(east_x.min()) - 1000, float(north_y.min()) - 1000


def _in_uk(xs: np.ndarray, ys: np.ndarray, crs: pyproj.CRS) -> np.ndarray:
    """Which points (in ``crs``) lie within :data:`UK_BOUNDS` (a rectangle: a quick sanity test)."""
    if crs.is_geographic and ((np.abs(xs) > 180) | (np.abs(ys) > 90)).any():
        return np.zeros(len(xs), dtype=bool)
    west, south, east, north = UK_BOUNDS
    if crs.to_epsg() == 4326:
        return np.asarray((xs >= west) & (xs <= east) & (ys >= south) & (ys <= north), dtype=bool)
    inside = np.zeros(len(xs), dtype=bool)
    rest = np.arange(len(xs))
    if crs.to_epsg() == 27700:  # most points are well inside: only the others are projected
        x0, y0, x1, y1 = _bng_inner_box()
        inside = (xs > x0) & (xs < x1) & (ys > y0) & (ys < y1)
        rest = np.flatnonzero(~inside)
    lon, lat = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(xs[rest], ys[rest])
    inside[rest] = (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
    return inside


def _check_extent(xs: np.ndarray, ys: np.ndarray, crs: pyproj.CRS, *, x: str, y: str, label: str, set_crs: str, swap: str) -> np.ndarray:
    """Refuse coordinates that cannot be what ``crs`` says, or of which none lies in the UK;
    return which points lie in the UK.

    Degrees beyond ±180/±90 (metres given as degrees) are refused naming the CRS; when no
    point lies in the UK but every point does with x and y exchanged, the points are refused
    as swapped; when no point lies in the UK at all, they are refused. ``label`` names the
    coordinates in messages (``"x='lon', y='lat'"``), ``set_crs`` how to give another CRS (a
    format string of it) and ``swap`` how to exchange x and y. A few points outside the UK
    are reported by :func:`assign`, not refused.
    """
    if not len(xs):
        return np.zeros(0, dtype=bool)
    sample = f"e.g. {x}={xs[0]:,.6g}, {y}={ys[0]:,.6g}"
    name = crs.to_string()
    if crs.is_geographic:
        beyond = (np.abs(xs) > 180) | (np.abs(ys) > 90)
        if beyond.any():
            x0, y0, x1, y1 = BNG_BOUNDS
            metres = bool(((xs >= x0) & (xs <= x1) & (ys >= y0) & (ys <= y1)).all())
            hint = (f"they look like British National Grid metres: {set_crs.format('EPSG:27700')}" if metres else
                    "EPSG:4326 is longitude/latitude in degrees, EPSG:27700 British National Grid in metres")
            raise InputError(
                f"{label}: the CRS {name} is in degrees, but {int(beyond.sum()):,} of {len(xs):,} points are beyond "
                f"±180 (x) / ±90 (y) ({sample}); {hint}"
            )
    inside = _in_uk(xs, ys, crs)
    if inside.any():
        return inside
    if _in_uk(ys, xs, crs).all():
        raise InputError(
            f"{label}: none of the {len(xs):,} points lies in the UK ({sample}), but every one does with x and y "
            f"exchanged — the coordinates look swapped; {swap}"
        )
    other = "EPSG:27700" if crs.is_geographic else "EPSG:4326"
    if _in_uk(xs, ys, pyproj.CRS.from_user_input(other)).all():
        raise InputError(
            f"{label}: none of the {len(xs):,} points lies in the UK in {name} ({sample}), but every one does in {other}; "
            f"{set_crs.format(other)}"
        )
    raise InputError(f"{label}: none of the {len(xs):,} points lies in the UK ({sample} in {name}); check the coordinates and their CRS")


def _crs(crs: object) -> pyproj.CRS:
    """Return ``crs`` as a pyproj CRS, or refuse an unknown one naming ``crs=``."""
    try:
        return pyproj.CRS.from_user_input(crs)
    except (pyproj.exceptions.CRSError, TypeError, ValueError):
        raise InputError(f"crs={crs!r} is not a known coordinate reference system; expected e.g. 'EPSG:4326' "
                         "(longitude/latitude) or 'EPSG:27700' (British National Grid)") from None


def _to_bng(xs: np.ndarray, ys: np.ndarray, crs: pyproj.CRS) -> tuple[np.ndarray, np.ndarray]:
    if crs.to_epsg() == 27700:
        return xs, ys
    east, north = pyproj.Transformer.from_crs(crs, CRS, always_xy=True).transform(xs, ys)
    return np.asarray(east, dtype="float64"), np.asarray(north, dtype="float64")


def _as_points(points: pd.DataFrame, x: str | None, y: str | None, crs: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The points' eastings and northings in British National Grid, and which of them lie in the
    UK (:data:`UK_BOUNDS`)."""
    if isinstance(points, gpd.GeoDataFrame):
        if points.crs is None:
            raise InputError("points has no CRS; set one with points.set_crs(...) (e.g. EPSG:4326 for longitude/latitude)")
        geometry = points.geometry
        if not geometry.geom_type.isin(["Point"]).all():
            raise InputError(f"points must be Point geometries, found {sorted(set(geometry.geom_type.dropna()))}")
        shapes = geometry.to_numpy()
        given, xs, ys = pyproj.CRS(geometry.crs), shapely.get_x(shapes), shapely.get_y(shapes)
        inside = _check_extent(xs, ys, given, x="x", y="y", label=f"points (CRS {geometry.crs.to_string()})",
                               set_crs="set that CRS with points.set_crs({!r}, allow_override=True)",
                               swap="rebuild the points with x and y exchanged")
        return *_to_bng(xs, ys, given), inside
    if not isinstance(points, pd.DataFrame):
        raise InputError(f"points must be a GeoDataFrame or DataFrame, got {type(points).__name__}")
    if (x is None) != (y is None):
        raise InputError(f"x={x!r}, y={y!r}: pass both coordinate columns (and crs=), or neither to detect them")
    if x is None or y is None:
        for cx, cy, ccrs in _XY:
            if cx in points.columns and cy in points.columns:
                x, y, crs = cx, cy, crs or ccrs
                break
        else:
            raise InputError(
                f"points has no coordinate columns: expected longitude/latitude, lon/lat or easting/northing "
                f"(or pass x=, y=, crs=); columns are {list(points.columns)[:12]}"
            )
    if crs is None:
        raise InputError(f"crs= is needed to read columns {x!r}/{y!r} (EPSG:4326 for degrees, EPSG:27700 for metres)")
    known = _crs(crs)
    for column in (x, y):
        if column not in points.columns:
            raise InputError(f"x=/y=: {column!r} is not a column of points; columns are {list(points.columns)[:12]}")
    xs, ys = pd.to_numeric(points[x], errors="coerce"), pd.to_numeric(points[y], errors="coerce")
    bad = points.index[xs.isna() | ys.isna()]
    if len(bad):
        raise InputError(f"points has {len(bad):,} rows without coordinates in {x!r}/{y!r} (index {examples(bad)}); drop them first")
    infinite = points.index[np.isinf(xs.to_numpy(dtype="float64")) | np.isinf(ys.to_numpy(dtype="float64"))]
    if len(infinite):
        raise InputError(f"points has {len(infinite):,} rows with infinite coordinates in {x!r}/{y!r} (index {examples(infinite)}); drop them first")
    x_values, y_values = xs.to_numpy(dtype="float64"), ys.to_numpy(dtype="float64")
    inside = _check_extent(x_values, y_values, known, x=x, y=y, label=f"points: x={x!r}, y={y!r}, crs={crs!r}",
                           set_crs="pass crs={!r}", swap=f"pass x={y!r}, y={x!r}")
    return *_to_bng(x_values, y_values, known), inside


def assign(
    points: pd.DataFrame | str | os.PathLike[str] | Any,
    *,
    level: str = "lsoa21",
    x: str | None = None,
    y: str | None = None,
    crs: str | None = None,
    nearest_within: float = 0.0,
    areas: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame | Any:
    """Return a copy of ``points`` with a column of area codes at ``level``.

    Parameters
    ----------
    points : GeoDataFrame, DataFrame, Dask DataFrame or path
        Points, or a table with longitude/latitude (EPSG:4326) or easting/northing
        (EPSG:27700) columns; other names through ``x``, ``y`` and ``crs``. A Dask DataFrame,
        a dask-geopandas GeoDataFrame, or the path (or glob) of Parquet or CSV files gives a
        lazy Dask frame, assigned partition by partition (see
        :func:`geo.moving.assignment_dask.assign_lazy`; needs ``levelup-geo[dask]``).
    level : str, default "lsoa21"
        The level of the areas.
    x, y, crs : str, optional
        Coordinate columns and their coordinate reference system (any pyproj input, e.g.
        ``"EPSG:4326"``; an unknown CRS is refused). Coordinates must be finite.
    nearest_within : float, default 0
        Give points in no polygon the nearest area within this many metres (finite, >= 0).
    areas : GeoDataFrame, optional
        Polygons indexed by code (any projected or geographic CRS) to assign to instead of
        the boundaries of ``level``; the column of codes is then named after their index
        (``"area"`` when it has no name).

    Returns
    -------
    DataFrame (or GeoDataFrame, like the input)
        The input's columns plus ``<level>`` (code, missing for unassigned points; Arrow
        strings) and ``assigned_by`` ("contains", "edge", "nearest" or missing). A point on
        the edge of two or more areas goes to the one with the lowest code ("edge").
        ``attrs["report"]`` gives the counts and examples of unassigned points, and of those
        outside the UK (``outside_uk``: a rectangle around it, :data:`~geo.moving.assignment.UK_BOUNDS`), which are
        unassigned.

    Raises
    ------
    InputError
        Also when the coordinates cannot be what the CRS says (degrees beyond ±180/±90, such
        as metres given with ``crs="EPSG:4326"``), or when no point lies in the UK: the
        message says whether x and y look swapped (pass ``x=``/``y=`` the other way round) or
        the CRS looks wrong.

    Examples
    --------
    >>> import pandas as pd
    >>> pts = pd.DataFrame({"lon": [-0.0915], "lat": [51.5155]})
    >>> assign(pts)["lsoa21"].iloc[0]
    'E01032739'
    """
    if not isinstance(points, pd.DataFrame) and (isinstance(points, (str, os.PathLike)) or hasattr(points, "__dask_graph__")):
        from geo.moving.assignment_dask import assign_lazy

        return assign_lazy(points, level=level, x=x, y=y, crs=crs, nearest_within=nearest_within, areas=areas)
    column, index = target(level, areas)
    return assign_frame(points, index, column=column, x=x, y=y, crs=crs, nearest_within=check_nearest(nearest_within))


def check_nearest(nearest_within: object) -> float:
    """Return ``nearest_within`` as a float, or refuse it (not a finite distance >= 0).

    Examples
    --------
    >>> check_nearest(250)
    250.0
    >>> check_nearest(-1)
    Traceback (most recent call last):
    ...
    geo.errors.InputError: nearest_within=-1; expected a distance in metres >= 0 (0: no nearest match)
    """
    if isinstance(nearest_within, bool) or not isinstance(nearest_within, (int, float, np.number)) or not (
            np.isfinite(nearest_within) and nearest_within >= 0):
        raise InputError(f"nearest_within={nearest_within!r}; expected a distance in metres >= 0 (0: no nearest match)")
    return float(nearest_within)


def target(level: str, areas: gpd.GeoDataFrame | None) -> tuple[str, PolygonIndex]:
    """The name of the code column and the :class:`PolygonIndex` of ``areas`` or of ``level``.

    Examples
    --------
    >>> column, index = target("lad", None)
    >>> column, len(index.codes)
    ('lad24', 361)
    """
    if areas is None:
        level = registry.resolve(level, argument="level")
        return level, polygon_index(level)
    if not isinstance(areas, gpd.GeoDataFrame) or areas.crs is None:
        raise InputError(f"areas= must be a GeoDataFrame of polygons with a CRS, indexed by code; got "
                         f"{type(areas).__name__}{' without a CRS' if isinstance(areas, gpd.GeoDataFrame) else ''}")
    kinds = set(areas.geom_type.dropna())
    if areas.geometry.isna().any() or not kinds <= {"Polygon", "MultiPolygon"} or not areas.index.is_unique:
        raise InputError(f"areas= must hold one polygon per code (unique index, no missing shapes); found geometry types "
                         f"{sorted(kinds)} and duplicated codes {examples(areas.index[areas.index.duplicated()])}")
    return str(areas.index.name or "area"), PolygonIndex.build(areas.index, areas.geometry.to_crs(CRS).to_numpy())


def assign_frame(points: pd.DataFrame, index: PolygonIndex, *, column: str, x: str | None = None, y: str | None = None,
                 crs: str | None = None, nearest_within: float = 0.0) -> pd.DataFrame:
    """:func:`assign` of an in-memory table to the polygons of ``index`` (one Dask partition, too).

    Examples
    --------
    >>> import pandas as pd, shapely
    >>> squares = PolygonIndex.build(["A", "B"], [shapely.box(400_000, 300_000, 401_000, 301_000),
    ...                                           shapely.box(401_000, 300_000, 402_000, 301_000)])
    >>> out = assign_frame(pd.DataFrame({"easting": [400_500.0, 401_000.0], "northing": [300_500.0, 300_500.0]}),
    ...                    squares, column="square")
    >>> out["square"].tolist(), out["assigned_by"].tolist()
    (['A', 'A'], ['contains', 'edge'])
    """
    east, north, in_uk = _as_points(points, x, y, crs)
    position, hits = index.locate(east, north)
    how = np.where(hits > 1, 1, np.where(hits == 1, 0, -1))
    if nearest_within > 0 and (position < 0).any():
        lonely = np.flatnonzero(position < 0)
        near = index.tree.query_nearest(shapely.points(east[lonely], north[lonely]), max_distance=nearest_within, all_matches=False)
        position[lonely[near[0]]] = near[1]
        how[lonely[near[0]]] = 2
    result = points.copy()
    result[column] = index.codes_at(position)
    result["assigned_by"] = pd.arrays.ArrowStringArray(HOW.take(pa.array(np.maximum(how, 0), mask=how < 0)))
    outside = result.index[position < 0]
    abroad = result.index[~in_uk]
    if len(abroad):
        log.warning("assign: %d of %d points lie outside the UK and are unassigned (index %s)", len(abroad), len(result), examples(abroad))
    result.attrs["report"] = {
        "points": len(result),
        "assigned": int((position >= 0).sum()),
        "on_edge": int((how == 1).sum()),
        "nearest": int((how == 2).sum()),
        "unassigned": len(outside),
        "unassigned_examples": list(outside[:5]),
        "outside_uk": len(abroad),
        "outside_uk_examples": list(abroad[:5]),
    }
    return result
