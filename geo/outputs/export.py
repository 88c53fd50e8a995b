"""Write results by file extension, atomically, refusing to overwrite unless asked.

``.gpkg`` (a GeoDataFrame, or a dict of named layers in one file), ``.parquet``
(GeoParquet), ``.geojson`` (WGS84, as the format requires), ``.csv`` (geometry dropped),
``.html`` (a folium map, self-contained), ``.png``/``.svg``/``.pdf`` (a matplotlib figure).
A CSV is spreadsheet-safe: text cells, labels and index values that a spreadsheet would run
as a formula get a leading ``'`` (``geo.data.csvsafe``); numbers are written as they are.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.data import csvsafe
from geo.data.atomic import atomic_open, umask
from geo.errors import InputError

FORMATS = (".gpkg", ".parquet", ".geojson", ".csv", ".html", ".png", ".svg", ".pdf")


def _with_codes(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Keep a named index (area codes) as a column; drop an anonymous row number."""
    return frame.reset_index() if frame.index.name else frame


def _staged(path: Path, write: Any) -> None:
    """Call ``write(temporary_path)`` in the destination folder, then rename onto ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix)
    os.close(descriptor)
    temporary = Path(name)
    temporary.unlink()  # drivers such as GPKG want to create the file themselves
    try:
        write(temporary)
        os.chmod(temporary, 0o666 & ~umask())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def export(obj: Any, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write ``obj`` to ``path``, the format chosen by the extension.

    Parameters
    ----------
    obj : GeoDataFrame, DataFrame, mapping of name to GeoDataFrame, folium.Map or Figure
        What to write: a (Geo)DataFrame to ``.gpkg``, ``.parquet`` (GeoParquet),
        ``.geojson`` or ``.csv`` (text starting with ``=``, ``+``, ``-``, ``@``, a tab or a
        carriage return is prefixed with ``'``, see ``geo.data.csvsafe``); a mapping of layer
        names to GeoDataFrames to ``.gpkg`` (one file, several layers); a folium map to
        ``.html``; a matplotlib figure to ``.png``, ``.svg`` or ``.pdf``.
    path : str or PathLike
        The file written. It is written to a temporary file beside it and renamed into
        place, so a failure never leaves a partial file.
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    InputError
        For an unknown extension, an object the format cannot hold (a GeoDataFrame without a
        CRS for ``.geojson``), a ``path`` that is a directory or lies below a file, or an
        existing file without ``overwrite=True``.

    Examples
    --------
    >>> import geo
    >>> districts = geo.boundaries("lad24", within="TLC")
    >>> regions = geo.boundaries("itl1")
    >>> export({"districts": districts, "regions": regions}, "north_east.gpkg").name
    'north_east.gpkg'
    >>> sorted(pyogrio.list_layers("north_east.gpkg")[:, 0])
    ['districts', 'regions']
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"path={str(path)!r}: unknown extension {suffix!r}; expected one of {FORMATS}")
    if target.is_dir():
        raise InputError(f"path={str(path)!r} is a directory; pass the path of a file to write (e.g. {str(target / ('result' + suffix))!r})")
    blocking = next((parent for parent in target.parents if parent.exists() and not parent.is_dir()), None)
    if blocking is not None:
        raise InputError(f"path={str(path)!r}: {str(blocking)!r} is a file, not a directory, so nothing can be written below it")
    if target.exists() and not overwrite:
        raise InputError(f"path={str(path)!r} exists; pass overwrite=True to replace it")
    if suffix == ".gpkg":
        layers = dict(obj) if isinstance(obj, Mapping) else {target.stem: obj}
        for name, layer in layers.items():
            if not isinstance(layer, gpd.GeoDataFrame):
                raise InputError(f"layer {name!r} must be a GeoDataFrame to go into a GeoPackage, got {type(layer).__name__}")

        def write_gpkg(temporary: Path) -> None:
            for name, layer in layers.items():
                pyogrio.write_dataframe(_with_codes(layer), temporary, layer=str(name), driver="GPKG", append=temporary.exists())

        _staged(target, write_gpkg)
    elif suffix == ".parquet":
        if not isinstance(obj, pd.DataFrame):
            raise InputError(f"a .parquet file holds a (Geo)DataFrame, got {type(obj).__name__}")
        _staged(target, lambda temporary: obj.to_parquet(temporary))
    elif suffix == ".geojson":
        if not isinstance(obj, gpd.GeoDataFrame):
            raise InputError(f"a .geojson file holds a GeoDataFrame, got {type(obj).__name__}")
        if obj.crs is None:
            raise InputError("obj has no CRS, and a .geojson file is written in WGS84 (EPSG:4326), which needs one; set it with "
                             "obj.set_crs(...) (e.g. 'EPSG:27700' for British National Grid metres, 'EPSG:4326' for degrees)")
        _staged(target, lambda temporary: pyogrio.write_dataframe(_with_codes(obj.to_crs(4326)), temporary, driver="GeoJSON"))
    elif suffix == ".csv":
        if not isinstance(obj, pd.DataFrame):
            raise InputError(f"a .csv file holds a DataFrame, got {type(obj).__name__}")
        table = pd.DataFrame(obj.drop(columns=obj.geometry.name)) if isinstance(obj, gpd.GeoDataFrame) else obj
        with atomic_open(target, "w") as handle:
            csvsafe.to_csv(table, handle)
    elif suffix == ".html":
        import folium  # folium and matplotlib are imported only for the files that need them

        from geo.outputs.maps import to_html

        if not isinstance(obj, folium.Map):
            raise InputError(f"a .html file holds a folium.Map (geo.map), got {type(obj).__name__}")
        to_html(obj, target)
    else:
        from matplotlib.figure import Figure

        if not isinstance(obj, Figure):
            raise InputError(f"a {suffix} file holds a matplotlib Figure (geo.plot), got {type(obj).__name__}")
        _staged(target, lambda temporary: obj.savefig(temporary, dpi=150, format=suffix[1:]))
    return target
