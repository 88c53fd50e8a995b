"""Run one large assignment in its own process and print what it took, as JSON (used by
test_bench_assign.py); the peak memory is the process's own high-water mark (``VmHWM``;
``getrusage``'s ``ru_maxrss`` starts, on Linux, at the size of the process that launched it,
here pytest holding a million points).

``python scale_assign.py dask N`` assigns N synthetic points with ``geo.assign`` on Dask and
counts them per district (``count_points(..., to="lad24")``); ``sjoin N`` and ``package N``
assign N points held in memory at once, with geopandas ``sjoin(predicate="within")`` or with
``geo.assign``. Points are uniform in the bounding box of England and Wales (the LSOA
layer's), EPSG:27700, generated partition by partition (seeded), never stored.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

import numpy as np
import pandas as pd

#: Points per Dask partition (each partition is generated, assigned and counted on its own).
PARTITION = 1_000_000


def _bounds() -> tuple[float, float, float, float]:
    import geo

    return tuple(float(v) for v in geo.boundaries("lsoa21").total_bounds)  # type: ignore[return-value]


def _points(seed: int, size: int, bounds: tuple[float, float, float, float]) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = bounds
    return pd.DataFrame({"easting": rng.uniform(x0, x1, size), "northing": rng.uniform(y0, y1, size)})


def run_dask(n: int) -> dict[str, float]:
    import dask.dataframe as dd

    import geo
    from geo.moving.assignment_dask import count_points

    bounds = _bounds()
    sizes = [PARTITION] * (n // PARTITION) + ([n % PARTITION] if n % PARTITION else [])
    start = time.perf_counter()
    points = dd.from_map(_points, list(range(len(sizes))), sizes, [bounds] * len(sizes),
                         meta=pd.DataFrame({"easting": pd.Series(dtype="float64"), "northing": pd.Series(dtype="float64")}))
    lazy = geo.assign(points, level="lsoa21")
    per_lsoa = count_points(lazy, level="lsoa21")
    per_district = geo.aggregate(per_lsoa, to="lad24", value="points", kind="count", level="lsoa21")
    seconds = time.perf_counter() - start
    return {"points": n, "seconds": seconds, "assigned": int(per_lsoa["points"].sum()),
            "districts": int(per_district["points"].notna().sum()), "district_total": float(per_district["points"].sum())}


def run_memory(n: int, how: str) -> dict[str, float]:
    import geopandas as gpd

    import geo

    layer = geo.boundaries("lsoa21")
    points = pd.concat([_points(seed, min(PARTITION, n - seed * PARTITION), tuple(layer.total_bounds)) for seed in range(-(-n // PARTITION))],
                       ignore_index=True)
    start = time.perf_counter()
    if how == "sjoin":
        frame = gpd.GeoDataFrame(points, geometry=gpd.points_from_xy(points["easting"], points["northing"]), crs=27700)
        assigned = int(gpd.sjoin(frame, layer[["geometry"]], predicate="within")["code"].notna().sum())
    else:
        assigned = int(geo.assign(points)["lsoa21"].notna().sum())
    return {"points": n, "seconds": time.perf_counter() - start, "assigned": assigned}


def _peak_mb() -> float:
    """This process's peak resident set in MB (VmHWM; ru_maxrss where /proc is missing)."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    mode, count = sys.argv[1], int(sys.argv[2])
    result = run_dask(count) if mode == "dask" else run_memory(count, mode)
    result["peak_rss_mb"] = _peak_mb()
    print(json.dumps(result), flush=True)
    # leave without tearing down Arrow's and Dask's thread pools at interpreter exit, which can
    # abort the process after the result is out (as geo.cli.run does for the levelup command)
    os._exit(0)
