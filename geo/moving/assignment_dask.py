"""Assign point files beyond memory to areas with Dask, partition by partition.

:func:`geo.assign` hands a Dask DataFrame, a dask-geopandas GeoDataFrame, or the path (or
glob) of Parquet or CSV files to :func:`assign_lazy`, which returns a lazy Dask frame: each
partition goes through the in-memory :func:`~geo.moving.assignment.assign_frame`, with the
same rules (a point on a shared edge goes to the lowest code) and the same checks (run on
each partition when it is computed). The level's
:class:`~geo.moving.point_index.PolygonIndex` enters the graph once, as one
``dask.delayed`` object: the threaded scheduler (the default) shares it between threads, and
a ``distributed`` cluster ships it to each worker once (it pickles to the polygons' WKB and
is prepared again on arrival). Nothing is computed until the caller asks.

Counting points per area works on the same engine with :func:`count_points`: Dask counts
points per code (a table of at most one row per LSOA, small whatever the number of points),
and :func:`geo.aggregate` takes that table up the levels in memory (``kind="count"``).

Spatially shuffling the partitions first (dask-geopandas ``spatial_shuffle``) is not done:
the index already visits the polygons in order within each chunk, and a shuffle is a full
extra pass over the data (measured in benchmarks/test_bench_assign.py).

Needs the optional dependencies ``pip install levelup-geo[dask]`` (dask[dataframe],
dask-geopandas, distributed).
"""

from __future__ import annotations

import glob
import logging
import os
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.errors import InputError, examples
from geo.moving.assignment import assign_frame, check_nearest, target

log = logging.getLogger(__name__)

#: Bytes of CSV per partition when reading CSV files (Parquet files keep their row groups).
CSV_BLOCKSIZE = "64MB"


def _dask() -> Any:
    try:
        import dask.dataframe as dd
    except ImportError:  # pragma: no cover - the test extra installs dask
        raise InputError("points is a Dask frame or a path of files: assigning it needs Dask; install it with "
                         "pip install 'levelup-geo[dask]'") from None
    return dd


def read_points(path: str | os.PathLike[str]) -> Any:
    """Open Parquet (GeoParquet too) or CSV point files lazily as a Dask frame.

    ``path`` is a file, a folder of Parquet files, or a glob (``"points/*.parquet"``).

    Examples
    --------
    >>> read_points("no/such/*.parquet")
    Traceback (most recent call last):
    ...
    geo.errors.InputError: points='no/such/*.parquet': no such file or folder; give a Parquet or CSV file, a folder of Parquet files or a glob of them
    """
    dd = _dask()
    text = os.fspath(path)
    files = sorted(glob.glob(text)) if glob.has_magic(text) else ([text] if Path(text).exists() else [])
    if not files:
        raise InputError(f"points={text!r}: no such file or folder; give a Parquet or CSV file, a folder of Parquet files or a glob of them")
    suffixes = {Path(name).suffix.lower() for name in files if Path(name).is_file()} or {".parquet"}
    if suffixes <= {".csv", ".gz"}:
        return dd.read_csv(files, blocksize=CSV_BLOCKSIZE if suffixes == {".csv"} else None)
    if not suffixes <= {".parquet", ".pq", ".geoparquet"}:
        raise InputError(f"points={text!r}: files ending {sorted(suffixes)}; expected Parquet (.parquet) or CSV (.csv) files")
    import pyarrow.parquet as pq

    first = next((name for name in files if Path(name).is_file()), None) or next(Path(files[0]).rglob("*.parquet"), None)
    if first is not None and b"geo" in (pq.read_schema(first).metadata or {}):
        import dask_geopandas

        return dask_geopandas.read_parquet(files if len(files) > 1 else files[0])
    return dd.read_parquet(files if len(files) > 1 else files[0])


def _partition(part: pd.DataFrame, index: Any, column: str, x: str | None, y: str | None, crs: str | None, nearest_within: float) -> pd.DataFrame:
    result = assign_frame(part, index, column=column, x=x, y=y, crs=crs, nearest_within=nearest_within)
    result.attrs.clear()  # Dask concatenates partitions; each one's report would be wrong for the whole
    return result


def assign_lazy(
    points: Any,
    *,
    level: str = "lsoa21",
    x: str | None = None,
    y: str | None = None,
    crs: str | None = None,
    nearest_within: float = 0.0,
    areas: gpd.GeoDataFrame | None = None,
) -> Any:
    """Return a lazy Dask frame of ``points`` with the columns :func:`geo.assign` adds.

    Parameters are those of :func:`geo.assign`; ``points`` is a Dask DataFrame, a
    dask-geopandas GeoDataFrame, or a path or glob of Parquet or CSV files. The result has
    no ``attrs["report"]``: count ``assigned_by`` (missing: unassigned) for one. Bad
    coordinates are refused when the partition holding them is computed.

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> pts = dd.from_pandas(pd.DataFrame({"lon": [-0.0915, -1.5491], "lat": [51.5155, 53.8008]}), npartitions=2)
    >>> lazy = assign_lazy(pts)
    >>> lazy.npartitions, lazy.compute()["lsoa21"].tolist()
    (2, ['E01032739', 'E01033008'])
    """
    import dask

    dd = _dask()
    if isinstance(points, (str, os.PathLike)):
        points = read_points(points)
    if not isinstance(points, dd.DataFrame):
        raise InputError(f"points must be a (Geo)DataFrame, a Dask DataFrame or a path of Parquet/CSV files, got {type(points).__name__}")
    nearest_within = check_nearest(nearest_within)
    column, index = target(level, areas)
    clash = [name for name in (column, "assigned_by") if name in points.columns]
    if clash:
        raise InputError(f"points already has the column(s) {examples(clash)} that assign adds; rename or drop them first")
    meta = points._meta.copy()
    meta[column] = pd.Series(dtype=pd.StringDtype("pyarrow"))
    meta["assigned_by"] = pd.Series(dtype=pd.StringDtype("pyarrow"))
    shared = dask.delayed(index, pure=True, traverse=False)
    return points.map_partitions(_partition, shared, column, x, y, crs, nearest_within, meta=meta)


def count_points(assigned: Any, *, level: str = "lsoa21", to: str | list[str] | None = None) -> Any:
    """Count assigned points per area (Dask counts, the small table is aggregated in memory).

    Parameters
    ----------
    assigned : Dask DataFrame or DataFrame
        The result of :func:`geo.assign` (lazy or not), with a ``level`` column of codes.
    level : str, default "lsoa21"
        The column of codes: the level assigned to (an alias is resolved), or the name of
        the column of ``areas=``.
    to : str or list of str, optional
        Coarser levels to take the counts to with :func:`geo.aggregate` (``kind="count"``).

    Returns
    -------
    DataFrame or dict of DataFrame
        Without ``to``: ``points`` per code of ``level`` (areas with no point are absent;
        unassigned points are not counted), indexed by code. With ``to``: what
        :func:`geo.aggregate` returns for these counts.

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> pts = dd.from_pandas(pd.DataFrame({"lon": [-0.0915, -0.0916, -1.5491], "lat": [51.5155, 51.5155, 53.8008]}), npartitions=2)
    >>> count_points(assign_lazy(pts))["points"].to_dict()
    {'E01032739': 2, 'E01033008': 1}
    """
    from geo.geography import registry
    from geo.moving.aggregation import aggregate

    if level not in assigned.columns:
        level = registry.resolve(level, argument="level")
    if level not in assigned.columns:
        raise InputError(f"level={level!r}: assigned has no column {level!r}; columns are {list(assigned.columns)[:12]}")
    counts = assigned[level].dropna().value_counts()
    if hasattr(counts, "compute"):
        counts = counts.compute()
    table = counts.rename("points").rename_axis(level).sort_index().to_frame()
    table.index = table.index.astype(str)
    table["points"] = table["points"].astype("int64")
    if to is None:
        return table
    return aggregate(table, to=to, value="points", kind="count", level=level)


def write_assigned(assigned: Any, out: str | os.PathLike[str], *, overwrite: bool = False, progress: bool = True,
                   batch: int | None = None) -> dict[str, int]:
    """Compute a lazy assigned frame a few partitions at a time and write them to ``out``.

    At most ``batch`` partitions (default: the number of CPUs) are in memory at once, computed
    together on the active scheduler (the threaded one, or a ``distributed`` client), and
    appended to ``out`` in order, with a tqdm progress bar of partitions. ``out`` is Parquet
    (``.parquet``) or CSV (``.csv``, spreadsheet formulas neutralised), written atomically (a
    failed run leaves no partial file). Geometry columns are not written: the rows keep the
    input's order, and its coordinate columns.

    Returns
    -------
    dict
        ``points``, ``assigned`` (with a code), ``on_edge``, ``nearest`` and ``unassigned``.

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd, tempfile, pathlib
    >>> pts = dd.from_pandas(pd.DataFrame({"lon": [-0.0915, -1.5491], "lat": [51.5155, 53.8008]}), npartitions=2)
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "codes.parquet"
    >>> write_assigned(assign_lazy(pts), out, progress=False)["assigned"]
    2
    >>> pd.read_parquet(out)["lsoa21"].tolist()
    ['E01032739', 'E01033008']
    """
    import dask
    import pyarrow as pa
    import pyarrow.parquet as pq
    from tqdm import tqdm

    from geo.data import csvsafe
    from geo.data.atomic import atomic_open

    target = Path(out)
    kind = target.suffix.lower()
    if kind not in (".parquet", ".csv"):
        raise InputError(f"out={os.fspath(out)!r}: expected a .parquet or .csv file")
    if target.exists() and not overwrite:
        raise InputError(f"out={os.fspath(out)!r} exists; pass overwrite=True to replace it, or choose another file")
    step = max(1, batch or os.cpu_count() or 1)
    tally = {"points": 0, "assigned": 0, "on_edge": 0, "nearest": 0, "unassigned": 0}
    parts = assigned.to_delayed()
    with atomic_open(target, "wb" if kind == ".parquet" else "w") as handle, \
            tqdm(total=len(parts), unit="partition", desc="assign", disable=not progress) as bar:
        writer: pq.ParquetWriter | None = None
        started = False
        try:
            for start in range(0, len(parts), step):
                for frame in dask.compute(*parts[start:start + step]):
                    table = pd.DataFrame(frame.drop(columns=[c for c in frame.columns if str(frame[c].dtype) == "geometry"]))
                    how = table["assigned_by"]
                    tally["points"] += len(table)
                    tally["assigned"] += int(how.notna().sum())
                    tally["on_edge"] += int((how == "edge").sum())
                    tally["nearest"] += int((how == "nearest").sum())
                    if kind == ".csv":
                        csvsafe.to_csv(table, handle, index=False, header=not started)
                    else:
                        arrow = pa.Table.from_pandas(table, preserve_index=False)
                        if writer is None:
                            writer = pq.ParquetWriter(handle, arrow.schema)
                        writer.write_table(arrow.cast(writer.schema))
                    started = True
                    bar.update(1)
        finally:
            if writer is not None:
                writer.close()
        if not started and kind == ".parquet":  # no partition: an empty file with the frame's columns
            meta = assigned._meta
            pq.write_table(pa.Table.from_pandas(pd.DataFrame(meta.drop(columns=[c for c in meta.columns if str(meta[c].dtype) == "geometry"])),
                                                preserve_index=False), handle)
    tally["unassigned"] = tally["points"] - tally["assigned"]
    log.info("assign: wrote %s: %s", target, tally)
    return tally
