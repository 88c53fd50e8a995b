"""Boundary files read in batches (geo.data.readers.read_vector) and the layer built as they are read."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

import geo
from geo.data import cache
from geo.data.readers import read_vector

LSOA = "boundaries/Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BSC_V4.geojson"
LAD = "boundaries/Local_Authority_Districts_May_2024_Boundaries_UK_BUC.geojson"


@pytest.mark.parametrize("name", [LSOA, LAD])
def test_read_vector_equals_read_dataframe(mirror: Path, name: str) -> None:
    seen: list[gpd.GeoSeries] = []
    found = read_vector(mirror / name, each_batch=seen.append, batch_size=5000)
    expected = pyogrio.read_dataframe(mirror / name, use_arrow=True)
    assert list(found.columns) == list(expected.columns) and found.dtypes.equals(expected.dtypes)
    assert found.crs == expected.crs and found.index.equals(expected.index)
    pd.testing.assert_frame_equal(pd.DataFrame(found.drop(columns="geometry")), pd.DataFrame(expected.drop(columns="geometry")))
    assert shapely.equals_exact(found.geometry.to_numpy(), expected.geometry.to_numpy(), tolerance=0).all()
    # every row handed over once, in order, in batches of at most 5000, in the file's CRS
    assert [len(b) for b in seen[:-1]] == [5000] * (len(seen) - 1) and sum(len(b) for b in seen) == len(expected)
    together = pd.concat(seen)
    assert together.index.equals(pd.RangeIndex(len(expected))) and together.crs == expected.crs
    assert shapely.equals_exact(together.to_numpy(), expected.geometry.to_numpy(), tolerance=0).all()


def test_read_vector_raises_the_readers_error_here(tmp_path: Path) -> None:
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": ')
    with pytest.raises(pyogrio.errors.DataSourceError):
        read_vector(broken)


def test_a_layer_built_as_it_is_read_equals_the_plain_way(mirror: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(geo.settings, "cache_dir", str(tmp_path / "cache"))
    cache.clear_memory()
    calls: list[int] = []
    real = read_vector

    def counted(path: Path, **options: object) -> gpd.GeoDataFrame:
        calls.append(1)
        return real(path, **options)  # type: ignore[arg-type]

    monkeypatch.setattr("geo.data.readers.read_vector", counted)
    from geo.geography import layers

    whole = layers.to_grid
    monkeypatch.setattr(layers, "to_grid", lambda *a, **k: pytest.fail("projected after the read, not batch by batch"))
    layer = geo.boundaries("lsoa21")  # from the mirror: projected and checked batch by batch
    cache.wait()
    monkeypatch.setattr(layers, "to_grid", whole)
    assert calls == [1]
    raw = pyogrio.read_dataframe(mirror / LSOA, use_arrow=True).set_index("LSOA21CD").sort_index()
    assert layer.index.equals(pd.Index(raw.index, dtype="string", name="code")) and layer.crs.to_epsg() == 27700
    assert shapely.equals_exact(layer.geometry.to_numpy(), raw.geometry.to_crs(27700).to_numpy(), tolerance=0).all()
    assert layer["name"].to_numpy().tolist() == raw["LSOA21NM"].tolist()
    cache.clear_memory()
    again = geo.boundaries("lsoa21")  # from the cache written after the first call: the same layer
    assert calls == [1] and again.index.equals(layer.index)
    assert shapely.equals_exact(again.geometry.to_numpy(), layer.geometry.to_numpy(), tolerance=0).all()
    assert np.array_equal(again["name"].to_numpy(), layer["name"].to_numpy())


def test_date_time_fields_are_read_as_read_dataframe_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "dated.geojson"
    gpd.GeoDataFrame({"code": ["A1", "A2"], "when": pd.to_datetime(["2021-03-21", "2024-05-01"])}, crs=27700,
                     geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)]).to_file(path)
    seen: list[int] = []
    found = read_vector(path, each_batch=lambda shapes: seen.append(len(shapes)), batch_size=1)
    expected = pyogrio.read_dataframe(path, use_arrow=True)
    assert found["when"].dtype == expected["when"].dtype and found["when"].dt.year.tolist() == [2021, 2024]
    assert seen == [2]  # read by read_dataframe, handed over whole
