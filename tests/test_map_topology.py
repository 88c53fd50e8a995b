"""The map's areas as one topology: decoded back here (a decoder written from the format's
description, not the package's code) they lie within 1 m of the simplified areas; the page
draws every area, outlines from the same vertices, tooltips with names. The national map's
size (< 5 MB) is checked in test_maps_report.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from browser import visit

import geo
from geo.errors import InputError
from geo.outputs.topology import TopologyScript, encode

NORTH_EAST = "E12000001"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _ints(text: str) -> list[int]:
    """Zigzag integers, 5 bits per base64url character, sixth bit = more follow."""
    out, value, shift = [], 0, 0
    for char in text:
        digit = ALPHABET.index(char)
        value |= (digit & 31) << shift
        if digit & 32:
            shift += 5
            continue
        out.append(value >> 1 if value % 2 == 0 else -((value + 1) >> 1))
        value, shift = 0, 0
    return out


def decode(topology: dict) -> list[shapely.Geometry | None]:
    """Shapes (lon, lat) of an embedded topology: arcs, then polygons of rings of arc references."""
    numbers, arcs, i, x, y = _ints(topology["arcs"]), [], 0, 0, 0
    while i < len(numbers):
        count, points = numbers[i], []
        i += 1
        for _ in range(count):
            x, y = x + numbers[i], y + numbers[i + 1]
            i += 2
            points.append((x, y))
        arcs.append(points)
    (sx, sy), (tx, ty) = topology["scale"], topology["translate"]

    def ring(refs: list[int]) -> list[tuple[float, float]]:
        points: list[tuple[int, int]] = []
        for ref in refs:
            arc = arcs[ref // 2][::-1] if ref % 2 else arcs[ref // 2]
            points += arc if not points else arc[1:]
        assert points[0] == points[-1]  # the arcs join into a closed ring
        return [(px * sx + tx, py * sy + ty) for px, py in points]

    stream = iter(_ints(topology["shapes"]))
    previous, shapes = 0, []
    for _ in range(topology["n_shapes"]):
        polygons = []
        for _ in range(next(stream)):
            rings = []
            for _ in range(next(stream)):
                refs = []
                for _ in range(next(stream)):
                    previous += next(stream)
                    refs.append(previous)
                rings.append(ring(refs))
            polygons.append(shapely.Polygon(rings[0], rings[1:]))
        shapes.append(None if not polygons else polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons))
    return shapes


def embedded(page: str) -> dict:
    found = re.findall(r"var t = (\{.*?\}), table = new Int8Array", page)
    assert len(found) == 1
    return json.loads(found[0])


@pytest.fixture(scope="module")
def iod(mirror: Path) -> pd.DataFrame:
    return pd.read_csv(mirror / "indicators/IoD2025_LSOA21_EN_scores_ranks_deciles.csv")


@pytest.fixture(scope="module")
def north_east(iod: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = tmp_path_factory.mktemp("ne") / "north_east.html"
    geo.export(geo.map(iod, code="LSOA21CD", value="IMD_score", within=NORTH_EAST, tolerance=40, higher_is_better=False), page)
    return page


def test_two_squares_share_their_side() -> None:
    squares = gpd.GeoSeries([shapely.box(400000, 500000, 400100, 500100), shapely.box(400100, 500000, 400200, 500100)], crs=27700)
    topology = encode(squares)
    assert topology["n_arcs"] == 3  # the shared side once, and each square's other three sides
    back = gpd.GeoSeries(decode(topology), crs=4326).to_crs(27700)
    assert shapely.hausdorff_distance(back.to_numpy(), squares.to_numpy()).max() < 1.0
    assert back.union_all().area == pytest.approx(back.area.sum(), rel=1e-9)  # no gap or overlap between the two
    assert back.area.sum() == pytest.approx(20_000, abs=600 * 1.0)  # vertices moved by < 1 m along a 600 m edge


def test_a_hole_filled_by_an_island_is_one_arc() -> None:
    outer = shapely.box(0, 0, 300, 300).difference(shapely.box(100, 100, 200, 200))
    shapes = gpd.GeoSeries([outer, shapely.box(100, 100, 200, 200)], crs=27700).translate(400000, 500000)
    topology = encode(shapes)
    assert topology["n_arcs"] == 2  # the outer edge, and the hole's edge = the island's edge
    back = gpd.GeoSeries(decode(topology), crs=4326).to_crs(27700)
    assert shapely.hausdorff_distance(back.to_numpy(), shapes.to_numpy()).max() < 1.0
    assert back.iloc[0].area == pytest.approx(80_000, abs=1600 * 1.0)  # the hole is still a hole
    assert back.union_all().area == pytest.approx(back.area.sum(), rel=1e-9)  # the island fills it exactly


def test_decoded_areas_are_within_a_metre_of_the_simplified_layer(north_east: Path) -> None:
    topology = embedded(north_east.read_text(encoding="utf-8"))
    codes = topology["properties"]["c"]
    layer = geo.boundaries("lsoa21", within=NORTH_EAST)
    assert sorted(codes) == sorted(layer.index) and len(codes) == topology["n_shapes"] > 1500
    layer = layer.loc[codes]
    simplified = shapely.coverage_simplify(layer.geometry.to_numpy(), 40)
    back = gpd.GeoSeries(decode(topology), crs=4326).to_crs(27700).to_numpy()
    distance = shapely.hausdorff_distance(back, simplified)
    assert distance.max() < 1.0, f"{codes[int(np.argmax(distance))]}: {distance.max():.2f} m"
    assert shapely.is_valid(back).all()
    assert topology["n_arcs"] < shapely.get_num_coordinates(simplified).sum() / 2  # shared edges stored once


def test_the_page_draws_every_area_outlines_on_the_same_vertices_and_names_in_tooltips(north_east: Path, tmp_path: Path) -> None:
    script = """() => {
      const layers = Object.keys(window).filter(k => k.startsWith('geo_json_') && window[k] && window[k].eachLayer).map(k => window[k]);
      const key = ll => ll.lat.toFixed(7) + ',' + ll.lng.toFixed(7);
      const vertices = new Set();
      layers[0].eachLayer(l => l.getLatLngs().flat(3).forEach(ll => vertices.add(key(ll))));
      const outlines = layers.slice(1, 3).map(layer => {
        let points = 0, off = 0;
        layer.eachLayer(l => l.getLatLngs().flat(3).forEach(ll => { points += 1; if (!vertices.has(key(ll))) { off += 1; } }));
        return {features: layer.getLayers().length, points: points, off: off};
      });
      const first = layers[0].getLayers()[0];
      first.openTooltip(first.getBounds().getCenter());
      return {areas: layers[0].getLayers().length, outlines: outlines, tip: document.querySelector('.leaflet-tooltip').textContent,
              code: first.feature.properties.c};
    }"""
    shown = visit(north_east, tmp_path / "ne.png", script=script)
    assert [m for m in shown.messages if m[0] in ("error", "warning", "pageerror")] == []
    layer = geo.boundaries("lsoa21", within=NORTH_EAST)
    districts = geo.lookup("lsoa21", "lad24").set_index("lsoa21").loc[layer.index, "lad24"].nunique()
    assert shown.result["areas"] == len(layer)
    districts_drawn, regions_drawn = shown.result["outlines"]
    assert (districts_drawn["features"], regions_drawn["features"]) == (districts, 1)
    assert districts_drawn["points"] > 1000 and regions_drawn["points"] > 500
    assert districts_drawn["off"] == 0 and regions_drawn["off"] == 0  # outlines meet the areas exactly
    code = shown.result["code"]
    assert layer.loc[code, "name"] in shown.result["tip"] and code in shown.result["tip"]


def test_bad_inputs_to_the_topology() -> None:
    with pytest.raises(InputError, match="polygons or multipolygons"):
        encode(gpd.GeoSeries([shapely.LineString([(0, 0), (1, 1)])], crs=27700))
    square = gpd.GeoSeries([shapely.box(400000, 500000, 400100, 500100)], crs=27700)
    with pytest.raises(InputError, match=r"\['n'\] do not have one value per shape \(1\)"):
        TopologyScript(square, {"n": ["a", "b"]}, {})
