"""Polygons as a TopoJSON topology: each shared edge stored once, as delta-encoded integers.

A national LSOA map written as GeoJSON stores every border twice (once per neighbour) with
full decimal coordinates. A topology (the TopoJSON format, https://github.com/topojson/topojson-specification)
cuts the polygons' rings into *arcs* at the points where the set of neighbours changes,
keeps each arc once (a neighbour refers to it reversed, as ``~index``), snaps coordinates
to an integer grid and stores each arc as a first position and then differences, small
integers that take a few characters each. The page decodes it with topojson-client
(vendored in ``geo/static``); outlines of coarser areas are drawn from the same arcs, so
districts and LSOAs meet exactly.

The arcs are built here with numpy (no extra dependency): the rings are reprojected to
WGS84 and snapped to a grid of ``1e-5`` degrees of latitude and ``1.4e-5`` degrees of
longitude (about 1.1 m and at most 0.98 m in England, so a vertex moves by under 0.75 m),
then a vertex is a *junction* where it occurs with different pairs of neighbouring
vertices. Shared borders of a coverage (e.g. after :func:`shapely.coverage_simplify`) have
identical vertices on both sides, so they become one arc.
"""

from __future__ import annotations

import json
import logging
from importlib import resources
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from geo.errors import InputError

log = logging.getLogger(__name__)

#: Grid step in degrees (longitude, latitude): about 0.98 m x 1.1 m in southern England.
SCALE = (1.4e-5, 1e-5)


def _rings(shapes: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rings of all polygons: coordinates (lon, lat), ring id per vertex, part id per ring, area per part."""
    geometry = shapes.to_crs(4326).to_numpy()
    parts, area_of_part = shapely.get_parts(geometry, return_index=True)
    if len(parts) and not np.all(shapely.get_type_id(parts) == 3):
        kinds = sorted(set(shapely.get_type_id(parts).tolist()) - {3})
        raise InputError(f"shapes must be polygons or multipolygons; found geometry type ids {kinds}")
    rings, part_of_ring = shapely.get_rings(parts, return_index=True)
    coords, ring_of_vertex = shapely.get_coordinates(rings, return_index=True)
    return coords, ring_of_vertex, part_of_ring, area_of_part


#: 64 characters that need no escaping in JSON, HTML or JavaScript (base64url's alphabet).
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_CHARS = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)


def varints(values: np.ndarray) -> str:
    """Signed integers as a string: zigzag, then 5 bits per character, low bits first; the
    character's sixth bit says that more follow.

    Examples
    --------
    >>> varints(np.array([0, -1, 1, 15, 16, -300]))
    'ABCegB3S'
    """
    v = np.asarray(values, dtype=np.int64)
    v = (v << 1) ^ (v >> 63)  # zigzag: 0, -1, 1, -2 ... -> 0, 1, 2, 3 ...
    chunks = np.ones(len(v), dtype=np.int64)
    for bits in range(5, 64, 5):
        chunks += v >= (1 << bits)
    ends = np.cumsum(chunks)
    first = ends - chunks
    out = np.empty(int(ends[-1]) if len(v) else 0, dtype=np.uint8)
    for j in range(int(chunks.max()) if len(v) else 0):
        has = chunks > j
        digit = (v[has] >> (5 * j)) & 31
        more = np.where(chunks[has] > j + 1, 32, 0)
        out[first[has] + j] = _CHARS[digit | more]
    return out.tobytes().decode("ascii")


def _cuts(keys: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Where each ring is cut into arcs: vertices met with different pairs of neighbours
    (junctions), or the lowest vertex of a ring that has no junction."""
    position = np.arange(len(keys)) - np.repeat(starts, counts)
    size = np.repeat(counts, counts)
    base = np.repeat(starts, counts)
    before = keys[base + (position - 1) % size]
    after = keys[base + (position + 1) % size]
    pairs = pd.DataFrame({"key": keys, "lo": np.minimum(before, after), "hi": np.maximum(before, after)})
    distinct = pairs.drop_duplicates().groupby("key").size()
    cut = pairs["key"].map(distinct).to_numpy() > 1
    lonely = np.add.reduceat(cut, starts) == 0
    if lonely.any():
        lowest = np.minimum.reduceat(keys, starts)
        at = np.where(keys == np.repeat(lowest, counts), position, len(keys))
        first = np.minimum.reduceat(at, starts)
        cut[(starts + first)[lonely]] = True
    return cut


def encode(shapes: gpd.GeoSeries) -> dict[str, Any]:
    """Encode polygons as a topology: shared arcs, integer coordinates in WGS84, delta-encoded.

    The result is TopoJSON's content in a compact transport form, expanded in the page
    into a TopoJSON ``Topology`` for topojson-client:

    - ``scale``, ``translate``: TopoJSON's ``transform`` (degrees of longitude and latitude);
    - ``arcs``: a :func:`varints` string; per arc its number of positions ``n``, then the
      step from the previous arc's last position (from ``0, 0`` for the first arc) to its
      first, then ``n - 1`` steps ``dx, dy``;
    - ``shapes``: a :func:`varints` string; per shape its number of polygons, per polygon
      its number of rings (exterior first), per ring its number of arcs and then the arcs,
      each as ``2 * index`` (``2 * index + 1`` when used backwards, TopoJSON's ``~index``)
      minus the previous one in the string.

    Parameters
    ----------
    shapes : GeoSeries
        Polygons or multipolygons with a CRS (e.g. EPSG:27700); neighbours that share
        vertices along their border (a coverage) share arcs.

    Returns
    -------
    dict
        ``scale``, ``translate``, ``arcs``, ``shapes`` and the counts ``n_arcs``, ``n_shapes``.
        A shape narrower than the grid everywhere has no polygon.

    Examples
    --------
    Two squares of 100 m sharing a side: three arcs, the shared side used forwards by one
    square and backwards by the other.

    >>> squares = gpd.GeoSeries([shapely.box(400000, 500000, 400100, 500100),
    ...                          shapely.box(400100, 500000, 400200, 500100)], crs=27700)
    >>> topology = encode(squares)
    >>> topology["n_arcs"], topology["shapes"]  # C: 1 polygon, C: 1 ring, E: 2 arcs, A: arc 0, G: +3 = ~1; then CCE, D: -2 = ~0, G: +3 = 2
    (3, 'CCEAGCCEDG')
    """
    coords, ring_of_vertex, part_of_ring, area_of_part = _rings(shapes)
    sx, sy = SCALE
    x0 = float(np.floor(coords[:, 0].min() / sx) * sx) if len(coords) else 0.0
    y0 = float(np.floor(coords[:, 1].min() / sy) * sy) if len(coords) else 0.0
    q = np.column_stack([np.round((coords[:, 0] - x0) / sx), np.round((coords[:, 1] - y0) / sy)]).astype(np.int64)
    keys = (q[:, 0] << 32) | q[:, 1]
    # drop each ring's closing vertex and vertices that snapped onto their predecessor
    same_ring = np.r_[False, ring_of_vertex[1:] == ring_of_vertex[:-1]]
    closing = np.r_[~same_ring[1:], True]
    keep = ~closing & ~(same_ring & (keys == np.r_[-1, keys[:-1]]))
    keys, ring_of_vertex = keys[keep], ring_of_vertex[keep]
    ring_ids, starts, counts = np.unique(ring_of_vertex, return_index=True, return_counts=True)
    wrap = (counts > 1) & (keys[starts + counts - 1] == keys[starts])  # last snapped onto first
    if wrap.any():
        keep = np.ones(len(keys), dtype=bool)
        keep[(starts + counts - 1)[wrap]] = False
        keys, ring_of_vertex = keys[keep], ring_of_vertex[keep]
        ring_ids, starts, counts = np.unique(ring_of_vertex, return_index=True, return_counts=True)
    valid = counts >= 3  # fewer: collapsed onto the grid (narrower than a metre)
    keep = np.repeat(valid, counts)
    keys, ring_of_vertex = keys[keep], ring_of_vertex[keep]
    ring_ids, starts, counts = ring_ids[valid], np.r_[0, np.cumsum(counts[valid])[:-1]], counts[valid]
    n_rings = len(ring_ids)
    if n_rings == 0:
        return {"scale": [sx, sy], "translate": [x0, y0], "arcs": "", "shapes": varints(np.zeros(len(shapes))),
                "n_arcs": 0, "n_shapes": len(shapes)}
    cut = _cuts(keys, starts, counts)

    # each ring rotated to start at its first cut, closed by repeating that vertex
    position = np.arange(len(keys)) - np.repeat(starts, counts)
    first_cut = np.minimum.reduceat(np.where(cut, position, len(keys)), starts)
    order = np.repeat(starts, counts) + (position + np.repeat(first_cut, counts)) % np.repeat(counts, counts)
    closed_starts = starts + np.arange(n_rings)
    closed = np.empty(len(keys) + n_rings, dtype=np.int64)
    is_last = np.zeros(len(closed), dtype=bool)
    is_last[closed_starts + counts] = True
    closed[~is_last] = keys[order]
    closed[is_last] = keys[order[starts]]
    closed_cut = np.zeros(len(closed), dtype=bool)
    closed_cut[~is_last] = cut[order]
    # segments: from each cut to the next cut or the ring's closing vertex, inclusive
    seg_start = np.flatnonzero(closed_cut)
    boundary = closed_cut | is_last
    stops = np.flatnonzero(boundary)
    seg_end = stops[np.searchsorted(stops, seg_start, side="right")]
    seg_ring = np.searchsorted(closed_starts, seg_start, side="right") - 1
    length = seg_end - seg_start + 1
    # canonical direction: the one whose (first, second) vertices are lower; a shared arc is
    # met in both directions and must give the same sequence
    forward = np.stack([closed[seg_start], closed[seg_start + 1]], axis=1)
    backward = np.stack([closed[seg_end], closed[seg_end - 1]], axis=1)
    flip = (backward[:, 0] < forward[:, 0]) | ((backward[:, 0] == forward[:, 0]) & (backward[:, 1] < forward[:, 1]))
    offsets = np.r_[0, np.cumsum(length)[:-1]]
    within = np.arange(int(length.sum())) - np.repeat(offsets, length)
    gather = np.where(np.repeat(flip, length), np.repeat(seg_end, length) - within, np.repeat(seg_start, length) + within)
    canonical = closed[gather]
    buffer = canonical.tobytes()
    ids: dict[bytes, int] = {}
    seg_arc = np.fromiter((ids.setdefault(buffer[8 * a:8 * (a + n)], len(ids)) for a, n in
                           zip(offsets.tolist(), length.tolist(), strict=True)), dtype=np.int64, count=len(seg_start))
    first_seg = np.unique(seg_arc, return_index=True)[1]  # in arc order: arc i first met at segment first_seg[i]

    # arcs stream: n, step to the first position, steps
    arc_len = length[first_seg]
    arc_gather = np.repeat(offsets[first_seg], arc_len) + (np.arange(int(arc_len.sum())) - np.repeat(np.r_[0, np.cumsum(arc_len)[:-1]], arc_len))
    arc_points = canonical[arc_gather]
    xy = np.column_stack([arc_points >> 32, arc_points & 0xFFFFFFFF])
    steps = np.diff(np.vstack([[0, 0], xy]), axis=0)
    header = np.zeros(len(xy), dtype=bool)
    header[np.r_[0, np.cumsum(arc_len)[:-1]]] = True
    stream = np.zeros((len(xy), 3), dtype=np.int64)
    stream[:, 0] = arc_len.repeat(arc_len)
    stream[:, 1:] = steps
    flat = stream.ravel()[np.column_stack([header, np.ones((len(xy), 2), dtype=bool)]).ravel()]

    # shapes stream: per shape polygons, per polygon rings, per ring arcs
    refs = 2 * seg_arc + flip
    ring_arc_count = np.bincount(seg_ring, minlength=n_rings)
    ring_refs = np.split(refs, np.cumsum(ring_arc_count)[:-1])
    ring_of = dict(zip(ring_ids.tolist(), range(n_rings), strict=True))
    rings_of_part: list[list[int]] = [[] for _ in range(len(area_of_part))]
    for ring, part in enumerate(part_of_ring.tolist()):
        rings_of_part[part].append(ring)
    polygons: list[list[list[int]]] = [[] for _ in range(len(shapes))]
    for part, area in enumerate(area_of_part.tolist()):
        rings = rings_of_part[part]
        if rings and rings[0] in ring_of:  # a collapsed exterior drops its part
            polygons[area].append([ring_of[r] for r in rings if r in ring_of])
    numbers: list[int] = []
    previous = 0
    for polygon_list in polygons:
        numbers.append(len(polygon_list))
        for rings in polygon_list:
            numbers.append(len(rings))
            for ring in rings:
                these = ring_refs[ring].tolist()
                numbers.append(len(these))
                for ref in these:
                    numbers.append(ref - previous)
                    previous = ref
    log.debug("topology of %d shapes: %d arcs, %d positions", len(shapes), len(first_seg), len(xy))
    return {"scale": [sx, sy], "translate": [x0, y0], "arcs": varints(flat), "shapes": varints(np.array(numbers)),
            "n_arcs": len(first_seg), "n_shapes": len(shapes)}




def script_json(value: Any) -> str:
    """Compact JSON that is safe inside a ``<script>`` element (``<``, ``>``, ``&``, ``'`` escaped).

    Examples
    --------
    >>> print(script_json({"name": "</script><b>"}))
    {"name":"\\u003c/script\\u003e\\u003cb\\u003e"}
    """
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027")


class TopologyScript(MacroElement):
    """The areas of a map as one topology in the page, decoded there by topojson-client.

    Defines a JavaScript variable (:meth:`get_name`) holding ``areas``, a GeoJSON
    FeatureCollection with one feature per shape (properties from ``properties``, one
    list per key, in the shapes' order), and ``outlines``: for each key of ``groups``
    (``{"names": [...], "of": [index per shape, -1 = none]}``) a FeatureCollection with
    one line feature per group, its outer edge: the arcs used by one area of the group
    whose other side is outside the group (``topojson.mesh``'s rule, computed for all
    groups in one pass over the arcs), decoded by ``topojson.feature`` from the same arcs
    as the areas. topojson-client (ISC licence, ``geo/static``) is inlined in the
    page's header, so the page works offline. Every string was HTML-escaped before.

    Parameters
    ----------
    shapes : GeoSeries
        The areas, as for :func:`encode`.
    properties : dict of str to list
        Feature properties, one list per key with one value per shape.
    groups : dict
        Outlines to draw: per key, ``names`` and ``of`` (index into ``names`` per shape).

    Examples
    --------
    >>> import folium
    >>> squares = gpd.GeoSeries([shapely.box(400000, 500000, 400100, 500100),
    ...                          shapely.box(400100, 500000, 400200, 500100)], crs=27700)
    >>> m = folium.Map()
    >>> script = TopologyScript(squares, {"n": ["West", "East"]}, {"lad24": {"names": ["Both"], "of": [0, 0]}})
    >>> _ = script.add_to(m)
    >>> page = m.get_root().render()
    >>> "topojson-client v3.1.0" in page, page.count("topojson.feature("), script.outlines("lad24").endswith('.outlines["lad24"]')
    (True, 2, True)
    """

    _template = Template(
        """{% macro header(this, kwargs) %}
        <script>{{ this.library }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function() {
            var t = {{ this.data }}, table = new Int8Array(128);
            for (var c = 0; c < 64; c++) { table[t.alphabet.charCodeAt(c)] = c; }
            function ints(text) {
                var out = [], value = 0, weight = 1;
                for (var i = 0; i < text.length; i++) {
                    var d = table[text.charCodeAt(i)];
                    value += (d & 31) * weight;
                    if (d & 32) { weight *= 32; continue; }
                    out.push(value % 2 ? -(value + 1) / 2 : value / 2);
                    value = 0; weight = 1;
                }
                return out;
            }
            var a = ints(t.arcs), arcs = [], i = 0, x = 0, y = 0;
            while (i < a.length) {
                var n = a[i++], arc = [];
                x += a[i++]; y += a[i++]; arc.push([x, y]);
                for (var j = 1; j < n; j++) { var dx = a[i++], dy = a[i++]; x += dx; y += dy; arc.push([dx, dy]); }
                arcs.push(arc);
            }
            var s = ints(t.shapes), k = 0, previous = 0, geometries = [], keys = Object.keys(t.properties);
            for (var g = 0; g < t.n_shapes; g++) {
                var polygons = [], np = s[k++];
                for (var p = 0; p < np; p++) {
                    var rings = [], nr = s[k++];
                    for (var r = 0; r < nr; r++) {
                        var na = s[k++], refs = [];
                        for (var q = 0; q < na; q++) { previous += s[k++]; refs.push(previous % 2 ? ~((previous - 1) / 2) : previous / 2); }
                        rings.push(refs);
                    }
                    polygons.push(rings);
                }
                var properties = {};
                keys.forEach(function(key) { properties[key] = t.properties[key][g]; });
                geometries.push(np === 0 ? {type: null, properties: properties}
                    : np === 1 ? {type: "Polygon", arcs: polygons[0], properties: properties}
                    : {type: "MultiPolygon", arcs: polygons, properties: properties});
            }
            var topology = {type: "Topology", transform: {scale: t.scale, translate: t.translate}, arcs: arcs,
                            objects: {areas: {type: "GeometryCollection", geometries: geometries}}};
            // the one or two areas that use each arc: an arc is on a group's outline when
            // the other area is in another group or there is none (topojson.mesh's rule)
            var first = new Int32Array(arcs.length).fill(-1), second = new Int32Array(arcs.length).fill(-1);
            geometries.forEach(function(geometry, g) {
                var polygons = geometry.type === "Polygon" ? [geometry.arcs] : geometry.type === "MultiPolygon" ? geometry.arcs : [];
                polygons.forEach(function(rings) { rings.forEach(function(ring) { ring.forEach(function(ref) {
                    var i = ref < 0 ? ~ref : ref;
                    if (first[i] < 0) { first[i] = g; } else if (first[i] !== g) { second[i] = g; }
                }); }); });
            });
            var outlines = {};
            Object.keys(t.groups).forEach(function(level) {
                var names = t.groups[level].names, of = t.groups[level].of, lines = names.map(function() { return []; });
                for (var i = 0; i < arcs.length; i++) {
                    var a = first[i], b = second[i], oa = a < 0 ? -1 : of[a], ob = b < 0 ? -1 : of[b];
                    if (a < 0 || (b >= 0 && oa === ob)) { continue; }
                    if (oa >= 0) { lines[oa].push([i]); }
                    if (ob >= 0) { lines[ob].push([i]); }
                }
                var collection = {type: "GeometryCollection", geometries: []};
                lines.forEach(function(list, o) {
                    if (list.length) { collection.geometries.push({type: "MultiLineString", arcs: list, properties: {name: names[o]}}); }
                });
                outlines[level] = topojson.feature(topology, collection);
            });
            return {areas: topojson.feature(topology, topology.objects.areas), outlines: outlines};
        })();
        {% endmacro %}"""
    )

    def __init__(self, shapes: gpd.GeoSeries, properties: dict[str, list[Any]], groups: dict[str, dict[str, list[Any]]]) -> None:
        super().__init__()
        self._name = "Topology"
        wrong = [key for key, column in properties.items() if len(column) != len(shapes)]
        if wrong:
            raise InputError(f"properties {wrong} do not have one value per shape ({len(shapes)}); give one list per key, in the shapes' order")
        self.topology = {**encode(shapes), "alphabet": ALPHABET, "properties": properties, "groups": groups}
        self.data = script_json(self.topology)
        self.library = resources.files("geo").joinpath("static").joinpath("topojson-client.min.js").read_text(encoding="utf-8")

    def areas(self) -> str:
        """JavaScript expression of the areas' FeatureCollection."""
        return f"{self.get_name()}.areas"

    def outlines(self, key: str) -> str:
        """JavaScript expression of the outlines of ``key`` of ``groups``."""
        return f"{self.get_name()}.outlines[{json.dumps(key)}]"


__all__ = ["ALPHABET", "SCALE", "TopologyScript", "encode", "script_json", "varints"]
