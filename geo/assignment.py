"""Assign points (postcodes, crimes, facilities) to the areas of a level.

Points are matched with a spatial index (shapely STRtree) in British National Grid. A point
on a shared edge touches two polygons: it goes to the one with the lowest code, and is
counted in the report. A point in no polygon (generalised boundaries cut corners along the
coast and estuaries) is kept with no code and reported, or, with ``nearest_within=``, given
the nearest area within that many metres and flagged.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from geo import registry
from geo.errors import InputError, examples
from geo.layers import CRS, boundaries

_XY = (("longitude", "latitude", "EPSG:4326"), ("lon", "lat", "EPSG:4326"), ("Longitude", "Latitude", "EPSG:4326"),
       ("easting", "northing", "EPSG:27700"), ("x", "y", None))


def _crs(crs: object) -> pyproj.CRS:
    """Return ``crs`` as a pyproj CRS, or refuse an unknown one naming ``crs=``."""
    try:
        return pyproj.CRS.from_user_input(crs)
    except (pyproj.exceptions.CRSError, TypeError, ValueError):
        raise InputError(f"crs={crs!r} is not a known coordinate reference system; expected e.g. 'EPSG:4326' "
                         "(longitude/latitude) or 'EPSG:27700' (British National Grid)") from None


def _as_points(points: pd.DataFrame, x: str | None, y: str | None, crs: str | None) -> gpd.GeoSeries:
    if isinstance(points, gpd.GeoDataFrame):
        if points.crs is None:
            raise InputError("points has no CRS; set one with points.set_crs(...) (e.g. EPSG:4326 for longitude/latitude)")
        geometry = points.geometry
        if not geometry.geom_type.isin(["Point"]).all():
            raise InputError(f"points must be Point geometries, found {sorted(set(geometry.geom_type.dropna()))}")
        return geometry.to_crs(CRS)
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
    return gpd.GeoSeries(gpd.points_from_xy(xs, ys), index=points.index, crs=known).to_crs(CRS)


def assign(
    points: pd.DataFrame,
    *,
    level: str = "lsoa21",
    x: str | None = None,
    y: str | None = None,
    crs: str | None = None,
    nearest_within: float = 0.0,
) -> pd.DataFrame:
    """Return a copy of ``points`` with a column of area codes at ``level``.

    Parameters
    ----------
    points : GeoDataFrame or DataFrame
        Points, or a table with longitude/latitude (EPSG:4326) or easting/northing
        (EPSG:27700) columns; other names through ``x``, ``y`` and ``crs``.
    level : str, default "lsoa21"
        The level of the areas.
    x, y, crs : str, optional
        Coordinate columns and their coordinate reference system (any pyproj input, e.g.
        ``"EPSG:4326"``; an unknown CRS is refused). Coordinates must be finite.
    nearest_within : float, default 0
        Give points in no polygon the nearest area within this many metres (finite, >= 0).

    Returns
    -------
    DataFrame (or GeoDataFrame, like the input)
        The input's columns plus ``<level>`` (code, missing for unassigned points) and
        ``assigned_by`` ("contains", "edge", "nearest" or missing). ``attrs["report"]`` gives
        the counts and examples of unassigned points.

    Examples
    --------
    >>> import pandas as pd
    >>> pts = pd.DataFrame({"lon": [-0.0915], "lat": [51.5155]})
    >>> assign(pts)["lsoa21"].iloc[0]
    'E01032739'
    """
    level = registry.resolve(level, argument="level")
    if isinstance(nearest_within, bool) or not isinstance(nearest_within, (int, float, np.number)) or not (
            np.isfinite(nearest_within) and nearest_within >= 0):
        raise InputError(f"nearest_within={nearest_within!r}; expected a distance in metres >= 0 (0: no nearest match)")
    geometry = _as_points(points, x, y, crs)
    areas = boundaries(level)
    tree_hits = areas.sindex.query(geometry.to_numpy(), predicate="intersects")
    hits = pd.DataFrame({"point": tree_hits[0], "area": areas.index.to_numpy()[tree_hits[1]]}).sort_values(["point", "area"])
    per_point = hits.groupby("point")["area"].agg(["first", "size"])
    codes = pd.Series(pd.NA, index=range(len(geometry)), dtype="string")
    how = pd.Series(pd.NA, index=range(len(geometry)), dtype="string")
    codes[per_point.index] = per_point["first"].to_numpy()
    how[per_point.index] = np.where(per_point["size"] > 1, "edge", "contains")
    if nearest_within > 0 and codes.isna().any():
        lonely = np.flatnonzero(codes.isna().to_numpy())
        near = areas.sindex.nearest(geometry.to_numpy()[lonely], max_distance=nearest_within, return_all=False)
        codes[lonely[near[0]]] = areas.index.to_numpy()[near[1]]
        how[lonely[near[0]]] = "nearest"
    result = points.copy()
    result[level] = codes.to_numpy()
    result["assigned_by"] = how.to_numpy()
    outside = result.index[codes.isna().to_numpy()]
    result.attrs["report"] = {
        "points": len(result),
        "assigned": int(codes.notna().sum()),
        "on_edge": int((how == "edge").sum()),
        "nearest": int((how == "nearest").sum()),
        "unassigned": len(outside),
        "unassigned_examples": list(outside[:5]),
    }
    return result
