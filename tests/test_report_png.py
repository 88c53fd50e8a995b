"""The report's map.png: drawn from a sketch of plain arrays, by a helper process or in
process, the same file either way; the paths are geopandas' own."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.plotting import _PolygonPatch

import geo
from geo.outputs import report_png
from geo.outputs.drawing import draw
from geo.outputs.plotting import _paths, sketch

DURHAM = "E06000047"


@pytest.fixture(scope="module")
def durham(mirror: Path) -> object:
    iod = pd.read_csv(mirror / "indicators/IoD2025_LSOA21_EN_scores_ranks_deciles.csv").set_index("LSOA21CD")
    found = geo.pockets(iod, value="IMD_score", worse="high", only=DURHAM)
    return sketch(iod, value="IMD_score", within=DURHAM, highlight=found.assign(number=range(1, len(found) + 1)),
                  highlight_labels="number", outlines=("lad24",), higher_is_better=False, title="IMD score: County Durham")


def test_paths_are_geopandas_patches() -> None:
    # a square with a square hole, and two squares as one shape: rings and codes as geopandas makes them
    holed = shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], holes=[[(2, 2), (4, 2), (4, 4), (2, 4)]])
    pair = shapely.MultiPolygon([shapely.box(20, 0, 21, 1), shapely.box(30, 0, 32, 2)])
    shapes = shapely.normalize(np.array([holed, pair], dtype=object))
    made = _paths(shapes)
    for shape, vertices, codes in zip(shapes, made.vertices, made.codes, strict=True):
        path = _PolygonPatch(shape).get_path()
        assert np.array_equal(vertices, path.vertices) and np.array_equal(codes, path.codes)
    assert [len(c) for c in made.codes] == [10, 10] and made.codes[0].tolist()[:6] == [1, 2, 2, 2, 79, 1]


def test_helper_and_this_process_write_the_same_png(durham: object, tmp_path: Path) -> None:
    painter = report_png.start()
    assert painter.process is not None
    painter.paint(durham, tmp_path / "apart.png")
    assert painter.finish() is True  # written by the helper
    report_png.write(durham, tmp_path / "here.png")
    assert (tmp_path / "apart.png").read_bytes() == (tmp_path / "here.png").read_bytes()
    figure = draw(durham)
    assert sorted(int(t.get_text()) for t in figure.axes[0].texts if t.get_text().isdigit()) == list(range(1, 26))
    buffer = io.BytesIO()
    figure.savefig(buffer, dpi=report_png.DPI, format="png")
    assert len(buffer.getvalue()) > 50_000


def test_a_failing_helper_is_replaced_by_this_process(durham: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_png, "_command", lambda: ["python3", "-c", "import sys; sys.exit(3)"])
    painter = report_png.start()
    painter.paint(durham, tmp_path / "map.png")
    assert painter.finish() is False and (tmp_path / "map.png").stat().st_size > 50_000  # drawn here instead
    monkeypatch.setattr(report_png, "_command", lambda: ["/nonexistent/python"])
    painter = report_png.start()  # cannot start: drawn here
    assert painter.process is None
    painter.paint(durham, tmp_path / "again.png")
    assert painter.finish() is False
    assert (tmp_path / "again.png").read_bytes() == (tmp_path / "map.png").read_bytes()


def test_a_stopped_report_stops_its_helper() -> None:
    painter = report_png.start()
    process = painter.process
    assert process is not None
    painter.close()  # nothing sent (the report failed): the helper is ended, not left behind
    assert process.poll() is not None
    waiting = report_png.start()
    assert waiting.process is not None
    with pytest.raises(subprocess.TimeoutExpired):  # a helper given nothing waits for its sketch
        waiting.process.wait(timeout=0.5)
    waiting.close()
    assert waiting.process.poll() is not None


def test_report_png_equals_geo_plot(tmp_path: Path) -> None:
    from geo.outputs.report import build_report, prepare_report
    from geo.outputs.report_page import short_criterion
    from geo.outputs.report_pockets import numbered

    pack = build_report("County Durham", tmp_path / "durham")
    iod = geo.data.products.load("iod2025").set_index("LSOA21CD")

    data = prepare_report()
    shapes = numbered(data.found[data.found["parent"] == DURHAM], higher_is_better=False)
    figure = geo.plot(iod, value="IMD_score", within=DURHAM, highlight=shapes.assign(number=shapes.index),
                      highlight_name=f"Pockets ({short_criterion(data)})", highlight_labels="number", outlines=("lad24",),
                      higher_is_better=False, title=f"{data.indicator.title}: County Durham")
    geo.export(figure, tmp_path / "plot.png")
    assert (pack / "map.png").read_bytes() == (tmp_path / "plot.png").read_bytes()
    assert isinstance(shapes, gpd.GeoDataFrame)


def test_the_helper_only_when_a_processor_is_free(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(os, "getloadavg", lambda: (0.4, 0.5, 0.5))
    assert report_png.spare_core() is True
    monkeypatch.setattr(os, "getloadavg", lambda: (1.6, 0.5, 0.5))  # one core of two busy and more
    assert report_png.spare_core() is False
    assert report_png.painter_for(None).process is None  # drawn in this process
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert report_png.spare_core() is False  # one processor: nothing to share
