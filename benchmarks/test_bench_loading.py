"""Benchmarks (run with `make bench`): warm-cache loading against a plain pyogrio read.

The baseline reads the published GeoJSON with pyogrio (Arrow I/O) and projects it, which is
what a user would do by hand; `geo.boundaries("lsoa21")` from a warm cache must be at least
five times faster.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyogrio
import pytest

import geo
from geo import cache

MIRROR = Path(os.environ["LEVELUP_MIRROR"])
LSOA = MIRROR / "boundaries/Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BSC_V4.geojson"


@pytest.fixture(scope="module", autouse=True)
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    geo.settings.cache_dir = tmp_path_factory.mktemp("bench-cache")
    geo.boundaries("lsoa21")  # fill the cache once


def test_baseline_pyogrio_geojson(benchmark) -> None:  # type: ignore[no-untyped-def]
    frame = benchmark(pyogrio.read_dataframe, LSOA, use_arrow=True)
    assert len(frame) == 35672


def test_boundaries_lsoa21_warm_cache(benchmark) -> None:  # type: ignore[no-untyped-def]
    """From the GeoParquet cache on disk, verified (a new process: nothing in memory)."""

    def load() -> object:
        cache.clear_memory()
        return geo.boundaries("lsoa21")

    layer = benchmark(load)
    assert len(layer) == 35672 and layer.crs.to_epsg() == 27700


def test_boundaries_lsoa21_in_process(benchmark) -> None:  # type: ignore[no-untyped-def]
    """Second call in the same process: the verified entry is reused."""
    layer = benchmark(geo.boundaries, "lsoa21")
    assert len(layer) == 35672


def test_lookup_lsoa21_itl1_warm_cache(benchmark) -> None:  # type: ignore[no-untyped-def]
    table = benchmark(geo.lookup, "lsoa21", "itl1")
    assert len(table) == 35672
