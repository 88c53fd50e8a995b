"""Boundary layers for every level, in British National Grid, from the catalogue.

Levels with a boundary product are read from it (the cache holds them already projected and
repaired); levels without one (``utla23``, ``rgn24``, ``itl1``, ``ctry``) are dissolved from
finer layers through the lookups — in England and Wales from the LSOA layer, so their edges
follow LSOA edges and maps show no slivers, and in Scotland and Northern Ireland from the LAD
layer. The December 2021 counties file predates the April 2023 reorganisation and is never
used for ``utla23``.

Every shape is checked when a layer is built (from a mirror or a publisher alike): an area
whose geometry is null, empty or degenerate (zero area, also after repair) is refused with a
:class:`~geo.errors.DataError` naming the product and the codes — an area without a shape
cannot be mapped, and silently dropping it would drop its data from maps and pockets; an
invalid geometry (a self-intersecting "bow-tie" ring) is repaired with ``make_valid``,
keeping only its polygonal parts, and the repaired codes are logged.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import catalogue
from geo.data import cache, products
from geo.errors import DataError, InputError, NestingError, examples
from geo.geography import lookups, registry
from geo.geography.codes import isin
from geo.geography.places import area, levels_of

log = logging.getLogger(__name__)

#: British National Grid, the CRS of every layer returned.
CRS = "EPSG:27700"
#: A shape whose area is at most this share of its layer's bounding box is degenerate
#: (about 1 m² for the UK, in degrees or in metres).
DEGENERATE = 1e-12


def boundaries(level: str, *, within: str | None = None, dissolve_from: str | None = None) -> gpd.GeoDataFrame:
    """Return the areas of a level as a GeoDataFrame indexed by code.

    Parameters
    ----------
    level : str
        A level id or alias (``"lsoa21"``, ``"utla"``, ``"region"``).
    within : str, optional
        An area at a coarser level, by code (``"TLC"``, ``"E06000047"``, ``"E23000001"``) or by
        name (``"County Durham"``, resolved by :func:`geo.area`): only the areas inside it are
        returned, selected through the lookups (not geometry).
    dissolve_from : str, optional
        Build the layer by dissolving this finer level through the lookups instead of
        reading the level's own boundary product; ``boundaries("lad24",
        dissolve_from="lsoa21")`` gives district outlines that follow LSOA edges exactly
        (areas the finer level does not cover, such as Scottish councils, keep their
        published shapes).

    Returns
    -------
    GeoDataFrame
        Index ``code``, columns ``name`` and ``geometry``, CRS EPSG:27700, valid geometries,
        sorted by code.

    Examples
    --------
    >>> lads = boundaries("lad24")
    >>> len(lads), lads.crs.to_epsg()
    (361, 27700)
    >>> boundaries("lad24", within="TLC").shape[0]
    12
    """
    item = registry.spec(level)
    base = registry.resolve(dissolve_from, argument="dissolve_from") if dissolve_from else None
    if base == item.id:
        base = None
    if base is not None and item.id not in registry.spec(base).nests_in:
        finer = [other for other, spec in registry.specs().items() if item.id in spec.nests_in]
        how = f"choose a finer level that nests in {item.id} ({', '.join(repr(f) for f in finer)})" if finer else \
            f"no level nests in {item.id}, so call boundaries({item.id!r}) without dissolve_from="
        coarser = base in item.nests_in
        raise NestingError(
            f"dissolve_from={dissolve_from!r}: a {item.id} layer can only be dissolved from a finer level whose areas nest "
            f"in {item.id}, and {base} {'is coarser than' if coarser else 'does not nest in'} {item.id}; {how}"
        )
    layer = _layer(item, base)
    if within is None:
        return layer
    return layer.loc[_codes_within(item.id, within)]


def _layer(item: registry.LevelSpec, base: str | None) -> gpd.GeoDataFrame:
    key = f"boundaries/{item.id}" + (f"-from-{base}" if base else "")
    version = catalogue.version()
    cached = cache.read(key, version=version)
    if cached is not None:
        return cached
    # the caller gets the layer now; its GeoParquet entry (and the product's) are written by a
    # background thread once it is built
    with cache.deferred():
        if base is None and item.boundaries:
            layer = _from_product(item)
            source = item.boundaries
        else:
            bases = (base, *[b for b in item.dissolve if b != base]) if base else item.dissolve
            layer = _dissolved(item, bases)
            source = "dissolved from " + " + ".join(bases)
        cache.write(key, layer, source=source, version=version, background=True)
    return layer


def _polygonal(shape: shapely.Geometry) -> shapely.Geometry:
    """``make_valid`` keeping only the polygonal parts (lines and points of a collapsed ring go)."""
    fixed = shapely.make_valid(shape)
    if fixed.geom_type in ("Polygon", "MultiPolygon"):
        return fixed
    parts = [p for part in shapely.get_parts(fixed) for p in shapely.get_parts(part) if p.geom_type == "Polygon" and p.area > 0]
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def valid_shapes(geometry: gpd.GeoSeries, codes: pd.Series, *, what: str, sound: np.ndarray | None = None) -> gpd.GeoSeries:
    """Return ``geometry`` with invalid shapes repaired; refuse null, empty or degenerate ones.

    Parameters
    ----------
    geometry : GeoSeries
        One shape per area.
    codes : Series
        The area codes, aligned with ``geometry`` by position (named in messages).
    what : str
        What the shapes are, for messages (``"product 'lad24_buc'"``).
    sound : ndarray of bool, optional
        Which shapes are already known present and valid (checked as they were read); only
        the others are examined for being null, empty or invalid.

    Returns
    -------
    GeoSeries
        Same index and CRS; invalid shapes replaced by ``make_valid``'s polygonal parts.

    Raises
    ------
    DataError
        Naming ``what`` and the codes, when shapes are null or empty, or have no area once
        repaired (a ring collapsed to a line). "No area" is at most :data:`DEGENERATE` of the
        layer's bounding box — about 1 m² for a UK layer in degrees or metres (the smallest
        LSOA 2021 has ~1,250 m²) — so that a ring of nearly collinear points, "valid" with
        an area of 1e-16 square degrees, is refused too.

    Examples
    --------
    >>> import pandas as pd, shapely
    >>> bow_tie = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    >>> fixed = valid_shapes(gpd.GeoSeries([bow_tie]), pd.Series(["X1"]), what="an example")
    >>> fixed[0].geom_type, fixed[0].area, bool(fixed.is_valid.all())
    ('MultiPolygon', 2.0, True)
    >>> valid_shapes(gpd.GeoSeries([None]), pd.Series(["X2"]), what="an example")
    Traceback (most recent call last):
    ...
    geo.errors.DataError: an example: 1 areas have no shape (null or empty geometry): 'X2'. ...
    """
    shapes = geometry.to_numpy().copy()
    labels = pd.Series(codes.to_numpy(), dtype="string")
    fix = "Replace the file with the publisher's edition (or fetch it again) and run again."
    unknown = np.ones(len(shapes), dtype=bool) if sound is None else ~sound
    missing = np.zeros(len(shapes), dtype=bool)
    missing[unknown] = shapely.is_missing(shapes[unknown]) | shapely.is_empty(shapes[unknown])
    if missing.any():
        raise DataError(
            f"{what}: {int(missing.sum()):,} areas have no shape (null or empty geometry): "
            f"{examples(labels[missing])}. An area without a shape cannot be mapped. {fix}"
        )
    invalid = np.zeros(len(shapes), dtype=bool)
    invalid[unknown] = ~shapely.is_valid(shapes[unknown])
    if invalid.any():
        reasons = shapely.is_valid_reason(shapes[invalid])
        shapes[invalid] = [_polygonal(shape) for shape in shapes[invalid]]
        log.info("%s: repaired %d invalid shapes with make_valid (polygonal parts kept): %s; first reason: %s",
                 what, int(invalid.sum()), examples(labels[invalid]), reasons[0])
    minx, miny, maxx, maxy = shapely.total_bounds(shapes)
    degenerate = shapely.is_empty(shapes) | (shapely.area(shapes) <= DEGENERATE * (maxx - minx) * (maxy - miny))
    if degenerate.any():
        raise DataError(
            f"{what}: {int(degenerate.sum()):,} areas have a degenerate shape with no area (a ring "
            f"collapsed to a line or a point): {examples(labels[degenerate])}. {fix}"
        )
    return gpd.GeoSeries(shapes, index=geometry.index, crs=geometry.crs)


def _finish(item: registry.LevelSpec, codes: pd.Series, geometry: gpd.GeoSeries, *, what: str, checked: bool = False,
            names: pd.Series | None = None) -> gpd.GeoDataFrame:
    """The layer: named, sorted, every code known; shapes checked unless ``checked`` (already
    checked as published: projecting keeps a valid shape valid)."""
    names = lookups.areas(item.id)["name"] if names is None else names
    extra = codes[~isin(codes, names.index)]
    if len(extra):
        raise DataError(f"{item.id} boundaries: {len(extra):,} codes are not in the {item.id} area list: {examples(extra)}")
    layer = gpd.GeoDataFrame(
        {"name": names.reindex(codes).to_numpy()},
        geometry=(geometry if checked else valid_shapes(geometry, codes, what=what)).to_numpy(),
        index=pd.Index(codes.to_numpy(), name="code", dtype="string"),
        crs=CRS,
    ).sort_index()
    missing = names.index.difference(layer.index)
    if len(missing):
        raise DataError(f"{item.id} boundaries: {len(missing):,} areas have no shape: {examples(missing)}")
    return layer


def to_grid(geometry: gpd.GeoSeries, *, threads: int = 2) -> gpd.GeoSeries:
    """``geometry.to_crs("EPSG:27700")``, its points projected by ``threads`` threads at once.

    The same coordinates as ``to_crs`` (the same transformation, point by point; geopandas
    projects every point of a layer in one call, which runs on one core). Shapes with a z
    coordinate, small layers and layers already on the grid go through ``to_crs``.

    Examples
    --------
    >>> lads = products.load("lad24_buc")
    >>> bool(shapely.equals_exact(to_grid(lads.geometry).to_numpy(), lads.geometry.to_crs(CRS).to_numpy(), 0).all())
    True
    """
    from pyproj import CRS as ProjCRS, Transformer

    shapes = geometry.to_numpy()
    if (geometry.crs is None or threads < 2 or len(shapes) < 100 or ProjCRS(geometry.crs).is_exact_same(ProjCRS(CRS))
            or shapely.has_z(shapes).any()):
        return geometry.to_crs(CRS)
    xy = shapely.get_coordinates(shapes)
    cuts = np.linspace(0, len(xy), threads + 1).astype(int)

    def project(start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        grid = Transformer.from_crs(geometry.crs, CRS, always_xy=True)  # one per thread
        return grid.transform(xy[start:stop, 0], xy[start:stop, 1])

    with ThreadPoolExecutor(max_workers=threads) as pool:
        parts = list(pool.map(project, cuts[:-1], cuts[1:]))
    moved = np.column_stack([np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])])
    return gpd.GeoSeries(shapely.set_coordinates(shapes.copy(), moved), index=geometry.index, crs=CRS)


class _AsRead:
    """Each batch of a boundary file's shapes projected to the grid and checked as it is read
    (:func:`geo.data.readers.read_vector`), while the rest of the file is parsed."""

    def __init__(self) -> None:
        self.projected: list[np.ndarray] = []
        self.sound: list[np.ndarray] = []
        self.rows = -1

    def __call__(self, shapes: gpd.GeoSeries) -> None:
        raw = shapes.to_numpy()
        self.sound.append(~(shapely.is_missing(raw) | shapely.is_empty(raw)) & shapely.is_valid(raw))
        self.projected.append(shapes.to_crs(CRS).to_numpy())
        self.rows = max(self.rows, 0) + len(raw)


def _from_product(item: registry.LevelSpec) -> gpd.GeoDataFrame:
    assert item.boundaries is not None
    source = catalogue.product(item.boundaries)
    reading = _AsRead()
    frame = products.load(source.id, background=True, each_batch=reading)
    if frame.crs is None:
        raise DataError(f"product {source.id!r} has no CRS; the catalogue says {source.crs}")
    codes = frame[source.field(item.id)].astype("string")
    what = f"{item.id} boundaries from product {source.id!r}"
    try:
        # checked once, as published (a ring collinear in degrees is not collinear once
        # projected); projecting keeps valid shapes valid
        if reading.rows == len(frame):  # read from the file: projected and checked batch by batch
            projected = gpd.GeoSeries(np.concatenate(reading.projected), index=frame.index, crs=CRS)
            shapes = valid_shapes(frame.geometry, codes, what=what, sound=np.concatenate(reading.sound))
            names = lookups.areas(item.id)["name"]
        else:  # from the cache: checked and named while the points are projected
            with ThreadPoolExecutor(max_workers=2) as pool:
                checking = pool.submit(valid_shapes, frame.geometry, codes, what=what)
                naming = pool.submit(lambda: lookups.areas(item.id)["name"])  # often from the same product, in memory
                projected = to_grid(frame.geometry)
                shapes, names = checking.result(), naming.result()
        repaired = np.fromiter((a is not b for a, b in zip(shapes.to_numpy(), frame.geometry.to_numpy(), strict=True)), dtype=bool, count=len(shapes))
        if repaired.any():  # the repaired shapes are projected again
            again = projected.to_numpy().copy()
            again[repaired] = shapes[repaired].to_crs(CRS).to_numpy()
            projected = gpd.GeoSeries(again, index=projected.index, crs=CRS)
        return _finish(item, codes, projected, what=f"{what}, projected", checked=True, names=names)
    except DataError as exc:
        # the product's cache entry holds the file as published; drop it so that a
        # corrected file is read on the next run
        cache.discard(f"products/{source.id}", f"its shapes were refused: {exc}")
        raise


def _dissolved(item: registry.LevelSpec, bases: tuple[str, ...]) -> gpd.GeoDataFrame:
    pieces: list[gpd.GeoDataFrame] = []
    done: set[str] = set()
    for base in bases:
        shapes = boundaries(base)
        parents = lookups.lookup(base, item.id, best_fit=True).set_index(base)[item.id]
        shapes = shapes.loc[isin(shapes.index, parents.index)]
        grouped = gpd.GeoDataFrame(
            {"parent": parents.reindex(shapes.index).to_numpy()}, geometry=shapes.geometry.to_numpy(), crs=CRS
        )
        grouped = grouped[~grouped["parent"].isin(done)]
        if grouped.empty:
            continue
        log.info("dissolving %d %s areas into %s", len(grouped), base, item.id)
        merged = grouped.dissolve("parent")
        pieces.append(merged)
        done.update(merged.index)
    if item.boundaries:  # areas the bases do not cover (Scotland, NI) keep the published shapes
        own = _from_product(item)
        own = own[~own.index.isin(done)]
        pieces.append(own[["geometry"]])
    if not pieces:
        raise DataError(f"{item.id}: nothing to dissolve from {bases}")
    merged = pd.concat(pieces)
    what = f"{item.id} boundaries dissolved from {' + '.join(bases)}"
    return _finish(item, merged.index.to_series().astype("string"), merged.geometry, what=what)


def _codes_within(level: str, within: str) -> pd.Index:
    code = str(within).strip().upper()
    if not levels_of(code):  # a name people use ("County Durham", "Hull")
        try:
            code = area(str(within)).code
        except InputError as error:
            raise InputError(
                f"within={within!r} is neither an area code nor a place name; expected e.g. 'TLC', 'E06000047' "
                f"or 'County Durham' ({str(error).split(' at levels ')[-1]})"
            ) from None
    holders = [h for h in levels_of(code) if h in registry.spec(level).nests_in]
    if not holders:
        found = levels_of(code)
        raise NestingError(
            f"within={within!r} is a {'/'.join(found)} code, and {level} does not nest in "
            f"{'/'.join(found)}; {level} nests in: {', '.join(registry.spec(level).nests_in) or 'nothing'}"
        )
    table = lookups.lookup(level, holders[0])
    return pd.Index(table.loc[table[holders[0]] == code, level], name="code")
