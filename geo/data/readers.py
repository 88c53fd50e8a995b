"""Read files: a user's table (CSV, Parquet, or a vector layer's attributes) with clear errors,
and a boundary file in batches (:func:`read_vector`).

Every problem with the file — no such path, a folder, no permission, binary content, an
empty file, a header without rows, an extension the package does not read, a damaged
file — is an :class:`~geo.errors.InputError` naming the argument, never a pandas, pyarrow
or GDAL traceback. In a CSV, codes keep their exact text (leading zeros included).

Examples
--------
>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "codes.csv"
>>> _ = path.write_text("code,count\\n01234,7\\nE06000047,3\\n")
>>> table = read_table(path)
>>> table["code"].tolist(), table["count"].tolist()
(['01234', 'E06000047'], [7, 3])
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyogrio

from geo.errors import InputError, LevelupError

if TYPE_CHECKING:
    import geopandas as gpd

log = logging.getLogger(__name__)

#: Extensions :func:`read_table` reads: CSV, (Geo)Parquet, and vector layers via pyogrio.
READABLE = (".csv", ".parquet", ".gpkg", ".geojson", ".shp", ".fgb")


def read_table(path: str | os.PathLike[str], *, argument: str = "path") -> pd.DataFrame:
    """Return the attribute table of a CSV, Parquet or vector file (geometry dropped).

    Parameters
    ----------
    path : str or PathLike
        A ``.csv``, ``.parquet``, ``.gpkg``, ``.geojson``, ``.shp`` or ``.fgb`` file.
    argument : str, default "path"
        The name shown in messages (the CLI passes ``"INPUT"``).

    Returns
    -------
    DataFrame
        At least one column and one row. In a CSV every column is read as text first; a
        column other than the first becomes numeric only when all its values are numbers and
        none has a leading zero (``"01234"`` stays text). The first column, the default code
        column of the CLI, is always text.

    Raises
    ------
    InputError
        Naming ``argument``: a missing path, a folder, an unreadable, binary, empty or
        header-only file, an unknown extension, or a file its format cannot parse.

    Examples
    --------
    >>> read_table("no/such.csv", argument="INPUT")
    Traceback (most recent call last):
    ...
    geo.errors.InputError: INPUT 'no/such.csv': no such file; give the path of a .csv, .parquet, .gpkg, .geojson, .shp or .fgb file
    """
    target = Path(path)
    where = f"{argument} {str(path)!r}"
    kinds = ", ".join(READABLE[:-1]) + f" or {READABLE[-1]}"
    if not target.exists():
        raise InputError(f"{where}: no such file; give the path of a {kinds} file")
    if target.is_dir():
        raise InputError(f"{where} is a folder; give the path of a {kinds} file inside it")
    suffix = target.suffix.lower()
    if suffix not in READABLE:
        shown = f"a {suffix} file" if suffix else "a file without an extension"
        raise InputError(f"{where}: cannot read {shown}; expected a {kinds} file (save a spreadsheet as 'CSV UTF-8')")
    try:
        if suffix == ".csv":
            table = _read_csv(target, where)
        elif suffix == ".parquet":
            table = pd.DataFrame(pd.read_parquet(target))
            table = table.drop(columns=[c for c in ("geometry",) if c in table.columns])
        else:
            table = pd.DataFrame(pyogrio.read_dataframe(target, read_geometry=False))
    except LevelupError:
        raise
    except PermissionError:
        raise InputError(f"{where}: permission denied; make the file readable or copy it somewhere readable") from None
    except Exception as exc:  # pandas, pyarrow and GDAL each raise their own kinds
        text = str(exc).strip()
        reason = text.splitlines()[0][:200] if text else type(exc).__name__
        raise InputError(f"{where}: cannot read it as a {suffix} file ({reason}); is it damaged or in another format?") from None
    if table.shape[1] == 0:
        raise InputError(f"{where} has no columns; expected a column of area codes and value columns")
    if len(table) == 0:
        shown = ", ".join(map(str, table.columns[:5]))
        raise InputError(f"{where} has a header ({shown}) but no rows of data; expected one row per area")
    return table


def _read_csv(target: Path, where: str) -> pd.DataFrame:
    with target.open("rb") as handle:
        head = handle.read(1 << 16)
    if not head.strip():
        raise InputError(f"{where} is empty; expected a header line and one row per area")
    if b"\x00" in head:
        raise InputError(f"{where} holds binary data, not CSV text; export the table as 'CSV UTF-8'")
    try:
        text = pd.read_csv(target, dtype=str, encoding="utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError:
        try:
            text = pd.read_csv(target, dtype=str, encoding="cp1252")  # Excel's plain "CSV" on Windows
        except UnicodeDecodeError:
            raise InputError(f"{where} is neither UTF-8 nor Windows-1252 text; save it as 'CSV UTF-8'") from None
        log.info("%s is not UTF-8; read as Windows-1252", where)
    columns = {
        name: text.iloc[:, position].astype("string") if position == 0 else _numeric_or_text(text.iloc[:, position])
        for position, name in enumerate(text.columns)
    }
    return pd.DataFrame(columns, index=text.index)


def _numeric_or_text(column: pd.Series) -> pd.Series:
    """The column as numbers when every value is one and none has a leading zero, else text."""
    present = column.dropna().str.strip()
    numbers = pd.to_numeric(present.astype(object), errors="coerce")
    if numbers.isna().any() or present.str.match(r"[+-]?0\d").any():
        return column
    # object in, numpy int64/float64 out: the dtypes pandas itself gives a numeric CSV column
    return pd.to_numeric(column.str.strip().astype(object), errors="coerce")


def read_vector(path: str | os.PathLike[str], *, each_batch: Callable[[gpd.GeoSeries], None] | None = None,
                batch_size: int = 4096) -> gpd.GeoDataFrame:
    """Read a vector file as ``pyogrio.read_dataframe(path, use_arrow=True)`` does, in batches.

    GDAL parses the file in a second thread (it holds no Python lock while it does) and hands
    over Arrow batches; each batch's shapes are built here, and ``each_batch`` is called with
    them (a :class:`~geopandas.GeoSeries` in the file's CRS, indexed by row) while the rest of
    the file is parsed, so work on the shapes overlaps the read. Files with date-time or JSON
    fields are read by ``read_dataframe`` itself (``each_batch`` is then called once).

    Examples
    --------
    >>> import geopandas as gpd, shapely, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "squares.geojson"
    >>> squares = gpd.GeoDataFrame({"code": ["A1", "A2", "A3"]}, crs=27700,
    ...                            geometry=[shapely.box(i, 0, i + 1, 1) for i in range(3)])
    >>> squares.to_file(path)
    >>> seen = []
    >>> layer = read_vector(path, each_batch=lambda shapes: seen.append(len(shapes)), batch_size=2)
    >>> layer["code"].tolist(), seen, layer.crs.to_epsg()
    (['A1', 'A2', 'A3'], [2, 1], 27700)
    """
    import geopandas as gpd
    import pyarrow as pa
    import shapely

    batches: queue.Queue[object] = queue.Queue(maxsize=4)
    meta: dict[str, Any] = {}

    def produce() -> None:
        try:
            with pyogrio.raw.open_arrow(path, use_pyarrow=True, batch_size=batch_size) as (found, reader):
                meta.update(found)
                if _converted(found):
                    batches.put(None)  # read_dataframe converts these fields
                    return
                for batch in reader:
                    batches.put(batch)
            batches.put(None)
        except BaseException as exc:  # handed to the reading thread, raised there
            batches.put(exc)

    worker = threading.Thread(target=produce, name="read_vector", daemon=True)
    worker.start()
    tables, shapes, start = [], [], 0
    while (batch := batches.get()) is not None:
        if isinstance(batch, BaseException):
            raise batch
        assert isinstance(batch, pa.RecordBatch)
        name = str(meta["geometry_name"] or "wkb_geometry")
        part = shapely.from_wkb(batch.column(name).to_numpy(zero_copy_only=False))
        if each_batch is not None:
            each_batch(gpd.GeoSeries(part, index=pd.RangeIndex(start, start + len(part)), crs=meta["crs"]))
        start += len(part)
        shapes.append(part)
        tables.append(batch.drop_columns([name]))
    worker.join()
    if _converted(meta):
        frame = pyogrio.read_dataframe(path, use_arrow=True)
        if each_batch is not None:
            each_batch(frame.geometry)
        return frame
    frame = pa.Table.from_batches(tables).to_pandas() if tables else pd.DataFrame(columns=list(meta.get("fields", [])))
    geometry = np.concatenate(shapes) if shapes else np.array([], dtype=object)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=meta.get("crs")))


def _converted(meta: dict[str, Any]) -> bool:
    """Whether a layer has fields ``read_dataframe`` converts after reading (date-times, JSON)."""
    dtypes = [str(d) for d in meta.get("dtypes", [])]
    return any(d.startswith("datetime") for d in dtypes) or "OFSTJSON" in [str(t) for t in meta.get("ogr_subtypes", [])]
