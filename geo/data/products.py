"""Obtain catalogue products: from the cache, else a mirror, else the publisher.

The cache holds each product as published (the publisher's column names and CRS) in
Parquet. A mirror is a folder or an http(s) base URL holding the files named as
distributed (``boundaries/…geojson``, ``lookups/…csv``); publishers are reached through the
ONS Open Geography Portal FeatureServer or a direct URL. Where the publisher's download is
not the file as mirrored (a zip archive of several tables, long column labels), the
catalogue entry's ``[source]`` says which member to read and how its columns map, so both
routes give the same table.
"""

from __future__ import annotations

import logging
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import TypeAlias
from urllib.parse import urlparse

import geopandas as gpd
import pandas as pd

from geo import catalogue, settings
from geo.data import cache, download, readers
from geo.errors import DataError, DataUnavailableError, DownloadError, LevelupError

log = logging.getLogger(__name__)

Frame: TypeAlias = pd.DataFrame | gpd.GeoDataFrame
#: A function called with each batch of a boundary file's shapes as they are read.
EachBatch: TypeAlias = Callable[[gpd.GeoSeries], None] | None


def load(product_id: str | catalogue.Product, *, refresh: bool = False, background: bool = False,
         each_batch: Callable[[gpd.GeoSeries], None] | None = None) -> Frame:
    """Return a catalogue product as a (Geo)DataFrame with the publisher's columns.

    Parameters
    ----------
    product_id : str or Product
        A catalogue id, e.g. ``"lad24_buc"`` (see ``geo.catalogue.products()``), or a
        product built from a template (one Explore Local Statistics indicator).
    refresh : bool, default False
        Ignore the cache and fetch again.
    background : bool, default False
        Cache a fetched product in a background thread (``geo.data.cache.write``), so
        that the caller works on it at once.

    Raises
    ------
    DataUnavailableError
        When neither the cache, the mirror nor the publisher could provide the product; the
        message lists every place tried and how to configure a mirror.
    DataError
        When the obtained file does not have the catalogue's expected shape.

    Examples
    --------
    >>> lads = load("lad24_buc")
    >>> len(lads)
    361
    """
    item = product_id if isinstance(product_id, catalogue.Product) else catalogue.product(product_id)
    if item.kind == "table":
        return _validated(item, pd.DataFrame(list(item.data), dtype="string"), "catalogue")
    key = f"products/{item.id}"
    if not refresh:
        cached = cache.read(key, version=item.digest)
        if cached is not None:
            return cached
    frame, source = _fetch(item, each_batch)
    cache.write(key, frame, source=source, version=item.digest, background=background)
    return frame


def source_of(item: catalogue.Product) -> str:
    """Return the publisher address of a product (FeatureServer layer or direct URL).

    Parameters
    ----------
    item : Product
        A catalogue product.

    Returns
    -------
    str
        The FeatureServer layer under ``geo.settings.arcgis_base``, or the file's URL.

    Examples
    --------
    >>> source_of(catalogue.product("lad24_buc"))
    'https://services1.arcgis.com/.../Local_Authority_Districts_May_2024_Boundaries_UK_BUC/FeatureServer/0'
    >>> source_of(catalogue.product("iod2025"))
    'https://assets.publishing.service.gov.uk/media/.../File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv'
    """
    if item.service:
        return f"{settings.arcgis_base}{item.service}/FeatureServer/{item.layer}"
    return str(item.url)


def _fetch(item: catalogue.Product, each_batch: EachBatch = None) -> tuple[Frame, str]:
    tried: list[str] = []
    mirror = settings.get_mirror()
    if mirror:
        try:
            return _from_mirror(item, mirror, each_batch)
        except (FileNotFoundError, DownloadError) as exc:
            tried.append(f"mirror {mirror}: {exc}")
    else:
        tried.append("mirror: none configured (geo.settings.mirror / LEVELUP_MIRROR)")
    if settings.is_offline():
        tried.append("publisher: not contacted (offline: LEVELUP_OFFLINE / geo.settings.offline)")
    else:
        try:
            return _from_publisher(item, each_batch)
        except DownloadError as exc:
            tried.append(f"publisher {source_of(item)}: {exc}")
    raise DataUnavailableError(
        f"cannot obtain product {item.id!r} ({item.title}; file {item.file}). Tried: the cache "
        f"at {settings.get_cache_dir()} (no valid entry); " + "; ".join(tried) + ". "
        "To work offline, point the package at a mirror holding the ONS files named as "
        "distributed: set LEVELUP_MIRROR=/path/or/url (or geo.settings.mirror), or fetch "
        f"it once while online with `levelup data fetch --product {item.id}`."
    )


def _from_mirror(item: catalogue.Product, mirror: str, each_batch: EachBatch = None) -> tuple[Frame, str]:
    assert item.file is not None
    if urlparse(mirror).scheme in {"http", "https"}:
        url = mirror.rstrip("/") + "/" + item.file
        with _scratch() as folder:
            path = download.download_url(url, folder / PurePosixPath(item.file).name, label=item.id)
            return _parse(item, path, each_batch=each_batch), url
    path = Path(mirror).expanduser() / item.file
    if not path.is_file():
        raise FileNotFoundError(f"no file {item.file} under {mirror}")
    log.info("reading %s from mirror %s", item.id, path)
    return _parse(item, path, each_batch=each_batch), str(path)


def _from_publisher(item: catalogue.Product, each_batch: EachBatch = None) -> tuple[Frame, str]:
    assert item.file is not None
    if item.unavailable:
        raise DownloadError(f"not read from the publisher: {item.unavailable}")
    with _scratch() as folder:
        if item.service:
            path = download.download_feature_service(
                item.service,
                folder / PurePosixPath(item.file).name,
                fmt="geojson" if item.is_spatial else "csv",
                label=item.id,
                layer=item.layer,
                expected_rows=item.rows or None,
            )
        else:
            assert item.url is not None
            name = PurePosixPath(urlparse(item.url).path).name or PurePosixPath(item.file).name
            path = download.download_url(item.url, folder / name, label=item.id)
        return _parse(item, path, as_published=True, each_batch=each_batch), source_of(item)


class _scratch:
    """A temporary download folder inside the cache directory, always removed."""

    def __enter__(self) -> Path:
        self.path = cache.scratch_dir()
        return self.path

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def _parse(item: catalogue.Product, path: Path, *, as_published: bool = False, each_batch: EachBatch = None) -> Frame:
    """Read a downloaded or mirrored file; ``as_published``: in the publisher's form (a
    ``member`` of a zip archive, a ``sheet`` of an ``.xlsx`` workbook, ``columns`` to select
    and rename)."""
    text_columns = {column: "string" for key, column in item.fields.items() if key != "population"}
    renames = item.columns if as_published else {}
    if renames:
        text_columns = {published: "string" for published, mirrored in renames.items() if mirrored in text_columns}
    try:
        if item.is_spatial:
            frame = readers.read_vector(path, each_batch=each_batch)
            for column in text_columns:
                if column in frame:
                    frame[column] = frame[column].astype("string")
        elif as_published and item.member:
            with zipfile.ZipFile(path) as archive, archive.open(_member(item, archive, path)) as handle:
                frame = pd.read_csv(handle, dtype=text_columns)
        elif as_published and path.suffix.lower() == ".xlsx":
            frame = _read_workbook(item, path, text_columns)
        else:
            frame = pd.read_csv(path, dtype=text_columns)
    except LevelupError:
        raise
    except Exception as exc:
        raise DataError(f"product {item.id!r}: cannot parse {path.name}: {exc}") from exc
    if renames:
        frame = _select(item, frame, path)
    return _validated(item, frame, str(path))


def _read_workbook(item: catalogue.Product, path: Path, text_columns: dict[str, str]) -> pd.DataFrame:
    """One worksheet of an ``.xlsx`` workbook (the entry's ``sheet``, else the first)."""
    with pd.ExcelFile(path, engine="openpyxl") as book:
        sheet = item.sheet if item.sheet is not None else book.sheet_names[0]
        if sheet not in book.sheet_names:
            raise DataError(
                f"product {item.id!r}: the workbook {path.name} has no sheet {sheet!r}; it has "
                f"{book.sheet_names[:8]}. The publisher may have revised it: update the entry's source.sheet."
            )
        frame = pd.read_excel(book, sheet_name=sheet, dtype=text_columns)
    return frame.astype({column: "string" for column in text_columns if column in frame.columns})


def _select(item: catalogue.Product, frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Keep and rename the publisher's columns named in ``[source.columns]``.

    Several publisher names may map to one mirrored column (editions of a service that name
    a field differently); exactly one of them must be in the file.
    """
    chosen: dict[str, str] = {}
    missing: list[str] = []
    for mirrored in dict.fromkeys(item.columns.values()):
        names = [published for published, target in item.columns.items() if target == mirrored]
        present = [name for name in names if name in frame.columns]
        if len(present) > 1:
            raise DataError(
                f"product {item.id!r}: the publisher's file {path.name} has {present}, which the "
                f"catalogue all maps to {mirrored!r}; expected one. Update the entry's [source.columns]."
            )
        if present:
            chosen[present[0]] = mirrored
        else:
            missing.append(" or ".join(names))
    if missing:
        raise DataError(
            f"product {item.id!r}: the publisher's file {path.name} lacks the columns {missing[:4]} "
            f"that the catalogue maps; it has {list(frame.columns)[:8]}. The publisher may have "
            "revised the file: update the entry's [source.columns]."
        )
    return frame[list(chosen)].rename(columns=chosen)


def _member(item: catalogue.Product, archive: zipfile.ZipFile, path: Path) -> str:
    """The archive member named by the catalogue (at any depth in the archive)."""
    names = archive.namelist()
    found = [n for n in names if PurePosixPath(n).name == item.member]
    if len(found) != 1:
        raise DataError(
            f"product {item.id!r}: the archive {path.name} has {len(found)} files named {item.member!r}; "
            f"expected one. It holds {names[:6]}"
        )
    return found[0]


def _validated(item: catalogue.Product, frame: Frame, where: str) -> Frame:
    missing = [column for column in item.fields.values() if column not in frame.columns]
    if missing:
        raise DataError(
            f"product {item.id!r} from {where} lacks the columns {missing} that the catalogue "
            f"expects; it has {list(frame.columns)[:12]}. Is this the right edition of the file?"
        )
    if item.rows and len(frame) != item.rows:
        raise DataError(
            f"product {item.id!r} from {where} has {len(frame):,} rows; the catalogue expects "
            f"{item.rows:,}. The file is truncated or a different edition: replace it, or "
            "update the catalogue entry if the publisher has revised it."
        )
    return frame
