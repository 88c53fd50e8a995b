"""Interactive choropleth maps (folium) that stay usable for all 35,672 LSOAs.

Geometry is simplified for the web with ``shapely.coverage_simplify`` — topology-preserving,
so neighbours still meet — then written once as a topology (:mod:`geo.outputs.topology`:
each shared edge stored once, coordinates on a grid of about a metre, delta-encoded) that
the page decodes with topojson-client (vendored, inlined). Outlines of coarser levels are
drawn in the page from the same arcs (the edges ``topojson.mesh`` would pick), so districts, regions and areas
meet exactly. Features carry a class number and indexes into lists of parent names rather
than styles and repeated names, so a national LSOA map is about 4 MB. Every text that comes
from data (names, values) is HTML-escaped before it reaches the page. :func:`to_html`
writes a self-contained page with Leaflet inlined (no CDN, works offline).

The data layers are written by the package's own small Leaflet layer (:class:`_DataLayer`),
as compact JSON made with :func:`json.dumps`: nothing here changes folium's or Jinja's
shared settings, so a user's own folium maps render as before.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.map import Layer
from jinja2 import Template

from geo.errors import DataError, InputError
from geo.geography import lookups, registry
from geo.outputs.classes import MISSING, Classes, map_layer
from geo.outputs.topology import TopologyScript, script_json

ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right; Source: Office for National "
    "Statistics licensed under the Open Government Licence v3.0"
)


#: Credit of the optional street map (shown by Leaflet while the layer is on).
STREETS_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors '
    '&copy; <a href="https://carto.com/attributions">CARTO</a>'
)


def web_geometry(layer: gpd.GeoSeries, tolerance: float) -> gpd.GeoSeries:
    """Simplify a coverage (EPSG:27700) keeping shared edges shared, then reproject to WGS84.

    Parameters
    ----------
    layer : GeoSeries
        Polygons that tile without overlaps, in British National Grid metres.
    tolerance : float
        Simplification tolerance in metres; 0 only reprojects.

    Returns
    -------
    GeoSeries
        The simplified polygons in EPSG:4326, same index.

    Examples
    --------
    >>> from geo.geography.layers import boundaries
    >>> tees_valley = boundaries("lad24").loc[["E06000001", "E06000002", "E06000003", "E06000004", "E06000005"]].geometry
    >>> web = web_geometry(tees_valley, 500)
    >>> web.crs.to_epsg(), int(shapely.get_num_coordinates(tees_valley.to_numpy()).sum()), int(shapely.get_num_coordinates(web.to_numpy()).sum())
    (4326, 191, 171)
    >>> back = web.to_crs(27700)  # still a coverage: no gaps or overlaps opened between neighbours
    >>> round(back.union_all().area / 1e6, 1), round(float(back.area.sum()) / 1e6, 1)  # km², union and sum
    (803.7, 803.7)
    """
    geometry = layer.to_numpy()
    if tolerance > 0:
        geometry = shapely.coverage_simplify(geometry, tolerance)
    return gpd.GeoSeries(geometry, index=layer.index, crs=layer.crs).to_crs(4326)


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "no data"
    if isinstance(value, (float, np.floating)):
        return f"{value:,.4g}"
    return html.escape(str(value))


def _features(shapes: gpd.GeoSeries, properties: pd.DataFrame, decimals: int = 5) -> dict[str, Any]:
    """GeoJSON features with coordinates rounded per vertex (the highlighted shapes)."""
    rounded = shapely.transform(shapes.to_numpy(), lambda xy: np.round(xy, decimals))
    single = [g.geoms[0] if g.geom_type == "MultiPolygon" and len(g.geoms) == 1 else g for g in rounded]
    shapes = gpd.GeoSeries(single, index=shapes.index)
    records = properties.to_dict("records")
    features = [
        {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geometry)}
        for geometry, props in zip(shapes.to_numpy(), records, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def _legend(title: str, classes: Classes) -> folium.Element:
    rows = "".join(
        f'<div><span style="display:inline-block;width:14px;height:14px;background:{colour};'
        f'border:1px solid #999;margin-right:6px"></span>{html.escape(label)} ({count:,})</div>'
        for label, colour, count in classes.legend()
    )
    return folium.Element(
        '<div class="levelup-legend" style="position:fixed;bottom:24px;right:12px;z-index:9999;'
        'background:white;padding:8px 10px;font:12px sans-serif;border:1px solid #999">'
        f"<b>{html.escape(title)}</b>{rows}</div>"
        '<div class="levelup-attribution" style="position:fixed;bottom:2px;left:110px;z-index:9999;'
        f'background:rgba(255,255,255,.8);font:10px sans-serif">{html.escape(ATTRIBUTION)}</div>'
    )


def map(  # noqa: A001 - shadows the builtin on purpose: the public name is geo.map
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
    tooltip: list[str] | None = None,
    higher_is_better: bool = True,
    code: str | None = None,
    title: str | None = None,
    tolerance: float | None = None,
    tiles: str | None = None,
    streets: bool = True,
) -> folium.Map:
    """Return an interactive choropleth of ``value``.

    Parameters
    ----------
    data : DataFrame
        One row per area (codes in ``code`` or the index); for national ranks pass every
        area of the nation and narrow the map with ``within``.
    value : str
        Column to map.
    within : str, optional
        An area code or name (resolved by :func:`geo.area`): map only the areas inside it.
    scheme, k : str, int
        Any mapclassify scheme and the number of classes.
    outlines : tuple of str
        Coarser levels drawn as outlines: the outer edges of the mapped areas in each, drawn in
        the page from the same arcs as the areas.
    highlight : GeoDataFrame, optional
        Shapes drawn on top, e.g. the result of :func:`geo.pockets`.
    highlight_name : str
        The highlight layer's name in the layer control (e.g. ``"Pockets"``).
    highlight_labels : str, optional
        A column of ``highlight`` whose values label each shape on the map (e.g. pocket
        numbers), drawn at a point inside it, in their own layer.
    tooltip : list of str, optional
        Extra columns of ``data`` shown in the tooltip.
    higher_is_better : bool
        Palette direction: the worst class is dark red.
    tolerance : float, optional
        Simplification tolerance in metres (default: 0 below 2,000 areas, else 40).
    tiles : str, optional
        A folium basemap name shown from the start; default none, so the map works offline.
    streets : bool, default True
        Offer a street map (CARTO light, OpenStreetMap data, with attribution) in the layer
        control, switched off at first: it shows when the reader is online and switches it
        on; offline the map works as without it (no tile is requested until then).

    Examples
    --------
    >>> import geo
    >>> iod = geo.data.products.load("iod2025")
    >>> m = map(iod, code="LSOA21CD", value="IMD_score", within="E06000047", higher_is_better=False)
    >>> len(to_html(m, "durham.html")) > 100_000
    True
    >>> "basemaps.cartocdn.com" in to_html(m)  # the street map is offered, switched off
    True
    """
    extra = [c for c in (tooltip or []) if c != value]
    drawn = map_layer(data, value=value, level=level, within=within, code=code, scheme=scheme, k=k, higher_is_better=higher_is_better)
    child, layer, shown, classes = drawn.level, drawn.layer, drawn.shown, drawn.classes
    worst_first = drawn.values.rank(ascending=higher_is_better, method="min")
    large = len(layer) > 5000
    if tolerance is None:
        tolerance = 0.0 if len(layer) < 2000 else 40.0
    shapes = web_geometry(layer.geometry, tolerance)

    properties: dict[str, list[Any]] = {
        "n": [_text(n) for n in layer["name"]],
        "c": [_text(c) for c in layer.index],
        "v": [_text(v) for v in shown],
        "r": [int(r) if pd.notna(r) else "no data" for r in worst_first.reindex(layer.index)],
    }
    wanted = ("lad24", "itl1") if large else ("lad24", "utla23", "itl1")
    parents = [p for p in wanted if p in registry.spec(child).nests_in]
    lists: dict[str, list[str]] = {}
    for number, parent in enumerate(parents):  # each feature holds an index into a name list
        table = lookups.lookup(child, parent).set_index(child)[f"{parent}_name"].reindex(layer.index)
        codes, names = pd.factorize(table, use_na_sentinel=True)
        lists[f"p{number}"] = [_text(n) for n in names] + ["no data"]
        properties[f"p{number}"] = np.where(codes < 0, len(names), codes).tolist()
    source = data.set_index(code) if code else data
    for number, column in enumerate(extra):
        if column not in source.columns:
            raise InputError(f"tooltip column {column!r} is not in data")
        properties[f"x{number}"] = [_text(v) for v in source[column].reindex(layer.index)]
    properties["k"] = classes.index.reindex(layer.index).to_numpy().tolist()
    groups = _outline_groups(layer.index, child, outlines)

    bounds = shapes.total_bounds
    m = folium.Map(tiles=tiles, control_scale=True, prefer_canvas=True)
    m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    label = title or value
    rows = [("n", "Area"), ("c", "Code"), ("v", html.escape(label)), ("r", "National rank (1 = worst)")]
    rows += [(f"p{i}", html.escape(registry.spec(p).title)) for i, p in enumerate(parents)]
    rows += [(f"x{i}", html.escape(c)) for i, c in enumerate(extra)]
    topology = TopologyScript(shapes, properties, groups)
    topology.add_to(m)
    choropleth = _DataLayer(None, source=topology.areas(), name=html.escape(label))
    choropleth.add_to(m)
    _ChoroplethScript(choropleth, [*classes.colours, MISSING], rows, lists).add_to(m)
    for outline in groups:
        _DataLayer(
            None, source=topology.outlines(outline),
            name=html.escape(registry.spec(outline).title),
            style={"fill": False, "color": "#222222", "weight": 2.5 if outline == "itl1" else 1.2},
            tooltip=[("name", html.escape(registry.spec(outline).title))],
        ).add_to(m)
    if highlight is not None:
        _add_highlight(m, highlight, highlight_name)
        if highlight_labels is not None:
            _add_labels(m, highlight, highlight_labels, f"{highlight_name}: numbers")
    if streets and tiles is None:
        _add_streets(m, choropleth)
    m.get_root().html.add_child(_legend(label, classes))  # type: ignore[attr-defined]
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def _outline_groups(codes: pd.Index, level: str, outlines: tuple[str, ...]) -> dict[str, dict[str, list[Any]]]:
    """For each level of ``outlines`` that ``level`` nests in (resolved ids, in the order
    given): its areas' names and, per mapped area, the index of the one it lies in (-1: none)."""
    wanted = [registry.resolve(o, argument="outlines") for o in outlines]
    groups: dict[str, dict[str, list[Any]]] = {}
    for outline in dict.fromkeys(wanted):
        if outline == level or outline not in registry.spec(level).nests_in:
            continue
        parent = lookups.lookup(level, outline).set_index(level)[outline].reindex(codes)
        numbers, parents = pd.factorize(parent, use_na_sentinel=True)
        names = lookups.areas(outline)["name"].reindex(parents)
        groups[outline] = {"names": [_text(n) for n in names], "of": numbers.tolist()}
    return groups


class _ChoroplethScript(MacroElement):
    """Style and tooltips of the choropleth layer, from compact feature properties.

    Each feature carries its class number ``k`` (-1 = no data) and indexes into lists of
    parent names, instead of a style and repeated names per feature: this keeps a national
    LSOA map small. Every string was HTML-escaped in Python before it got here.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function(){
            var colours = {{ this.colours|tojson }};
            var rows = {{ this.rows|tojson }};
            var lists = {{ this.lists|tojson }};
            var layer = {{ this.layer.get_name() }};
            layer.setStyle(function(feature) {
                var k = feature.properties.k;
                return {fillColor: colours[k < 0 ? colours.length - 1 : k], color: "#ffffff", weight: 0.3, fillOpacity: 0.85};
            });
            layer.eachLayer(function(item) {
                item.bindTooltip(function() {
                    var p = item.feature.properties, html = "<table>";
                    rows.forEach(function(row) {
                        var v = p[row[0]];
                        if (lists[row[0]]) { v = lists[row[0]][v]; }
                        html += "<tr><th style='text-align:left;padding-right:6px'>" + row[1] + "</th><td>" + v + "</td></tr>";
                    });
                    return html + "</table>";
                }, {sticky: true});
            });
        })();
        {% endmacro %}"""
    )

    def __init__(self, layer: _DataLayer, colours: list[str], rows: list[tuple[str, str]], lists: dict[str, list[str]]) -> None:
        super().__init__()
        self._name = "ChoroplethScript"
        self.layer = layer
        self.colours = colours
        self.rows = [list(r) for r in rows]
        self.lists = lists


class _DataLayer(Layer):
    """A Leaflet GeoJSON layer of the package: features as compact JSON, one style for all
    features, an optional tooltip table of properties (already HTML-escaped in Python).

    ``source`` instead of ``features`` is a JavaScript expression giving the features, such
    as the areas or outlines decoded by :class:`geo.outputs.topology.TopologyScript`.

    Unlike ``folium.GeoJson`` it accepts an empty feature collection (an area with no
    pocket still gets its, empty, pockets layer) and needs no change to folium's Jinja
    environment to write compact data. Its name starts with ``geo_json_``, as folium's does.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJson({{ this.data }}, {style: function() { return {{ this.style }}; }});
        {%- if this.fields != "[]" %}
        {{ this.get_name() }}.bindTooltip(function(item) {
            var p = item.feature.properties, rows = {{ this.fields }}, out = "<table>";
            rows.forEach(function(row) {
                out += "<tr><th style='text-align:left;padding-right:6px'>" + row[1] + "</th><td>" + p[row[0]] + "</td></tr>";
            });
            return out + "</table>";
        }, {sticky: true});
        {%- endif %}
        {% endmacro %}"""
    )

    def __init__(self, features: dict[str, Any] | None, *, name: str, style: dict[str, Any] | None = None,
                 tooltip: list[tuple[str, str]] | None = None, source: str | None = None) -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "GeoJson"
        self.data = source if features is None and source is not None else script_json(features)
        self.style = script_json(style or {})
        self.fields = script_json([list(t) for t in tooltip or []])


def _add_highlight(m: folium.Map, shapes: gpd.GeoDataFrame, name: str) -> None:
    """Draw ``shapes`` as thick dashed outlines (told apart from the solid outlines without colour)."""
    if shapes.crs is None:
        raise InputError("highlight has no CRS; expected EPSG:27700 shapes such as geo.pockets()")
    frame = shapes.to_crs(4326)
    labels = {"number": "Pocket", "name": "Name", "pocket": "Pocket", "n_areas": "Areas", "population": "Residents",
              "value": "Value", "parent_name": "In"}
    columns = [c for c in labels if c in frame.columns and not (c == "pocket" and "number" in frame.columns)]
    props = pd.DataFrame({c: [_text(v) for v in frame[c]] for c in columns}, index=[str(i) for i in frame.index])
    geometry = gpd.GeoSeries(frame.geometry.to_numpy(), index=props.index)
    _DataLayer(
        _features(geometry, props),
        name=html.escape(name),
        style={"fill": False, "color": "#0033cc", "weight": 3.5, "dashArray": "8 5"},
        tooltip=[(c, labels[c]) for c in columns],
    ).add_to(m)


def _add_labels(m: folium.Map, shapes: gpd.GeoDataFrame, column: str, name: str) -> None:
    """Label each shape with its ``column`` value (a number in a white disc) at a point inside it."""
    if column not in shapes.columns:
        raise InputError(f"highlight_labels={column!r} is not a column of highlight; columns are {list(shapes.columns)[:12]}")
    group = folium.FeatureGroup(name=html.escape(name), overlay=True, control=True, show=True)
    points = shapes.geometry.representative_point().to_crs(4326)
    for label, point in zip(shapes[column], points, strict=True):
        text = html.escape(str(label))
        folium.Marker(
            [round(point.y, 5), round(point.x, 5)],
            icon=folium.DivIcon(
                html=('<div style="width:22px;height:22px;border-radius:11px;background:#fff;border:2px solid #0033cc;'
                      f'font:bold 12px/19px sans-serif;text-align:center;color:#000">{text}</div>'),
                icon_size=(22, 22), icon_anchor=(11, 11), class_name="levelup-label"),
        ).add_to(group)
    group.add_to(m)


class _StreetsScript(MacroElement):
    """While the street map is on, the areas are drawn lighter so that streets show through."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function(){
            var map = {{ this._parent.get_name() }}, tiles = {{ this.tiles.get_name() }}, areas = {{ this.areas.get_name() }};
            map.on("overlayadd", function(e) { if (e.layer === tiles) { areas.setStyle({fillOpacity: 0.45}); } });
            map.on("overlayremove", function(e) { if (e.layer === tiles) { areas.setStyle({fillOpacity: 0.85}); } });
        })();
        {% endmacro %}"""
    )

    def __init__(self, tiles: folium.TileLayer, areas: _DataLayer) -> None:
        super().__init__()
        self._name = "StreetsScript"
        self.tiles = tiles
        self.areas = areas


def _add_streets(m: folium.Map, areas: _DataLayer) -> None:
    """A street map (CARTO light tiles of OpenStreetMap data) in the layer control, off at first:
    nothing is requested until the reader switches it on, so offline pages stay quiet."""
    tiles = folium.TileLayer(
        tiles="https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        attr=STREETS_ATTRIBUTION, name="Street map (online only)", overlay=True, control=True, show=False,
        subdomains="abcd", max_zoom=19,
    )
    tiles.add_to(m)
    _StreetsScript(tiles, areas).add_to(m)


def to_html(m: folium.Map, path: Any = None) -> str:
    """Render a folium map as one self-contained HTML page (Leaflet inlined, no CDN).

    Returns the HTML; also writes it atomically to ``path`` when given.

    Parameters
    ----------
    m : folium.Map
        Any folium map (for example one made by :func:`map`).
    path : str or Path, optional
        Where to write the page.

    Returns
    -------
    str
        The page.

    Examples
    --------
    >>> import pathlib, re, tempfile
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "durham.html"
    >>> page = to_html(folium.Map(location=[54.7, -1.8], zoom_start=9), out)
    >>> out.read_text(encoding="utf-8") == page, re.findall(r"<script src=", page)  # Leaflet inlined: no CDN
    (True, [])
    >>> "L.map(" in page
    True
    """
    m.default_js = [("leaflet", "levelup://leaflet.js")]
    m.default_css = [("leaflet_css", "levelup://leaflet.css")]
    page = m.get_root().render()  # data layers carry compact JSON of their own (no global settings)
    static = resources.files("geo").joinpath("static")
    script = static.joinpath("leaflet.js").read_text(encoding="utf-8")
    style = static.joinpath("leaflet.css").read_text(encoding="utf-8")
    page = page.replace('<script src="levelup://leaflet.js"></script>', f"<script>{script}</script>")
    page = page.replace('<link rel="stylesheet" href="levelup://leaflet.css"/>', f"<style>{style}</style>")
    if "levelup://" in page:
        raise DataError("could not inline Leaflet into the page: this folium version's template is not the one "
                        "levelup-geo knows; install a folium version the package supports (see setup.cfg)")
    if path is not None:
        from pathlib import Path

        from geo.data.atomic import atomic_open

        with atomic_open(Path(path), "w") as handle:
            handle.write(page)
    return page


__all__ = ["ATTRIBUTION", "STREETS_ATTRIBUTION", "json", "map", "to_html", "web_geometry"]
