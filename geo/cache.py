"""A verified, atomic, columnar cache of data products and derived layers.

Each entry is one Parquet file (GeoParquet when it has geometry) plus a JSON manifest
beside it recording its SHA-256, size, row count, where it came from and the catalogue
version it was built from. Reads check the manifest: a truncated, corrupt or stale file is
reported in the log, deleted and rebuilt by the caller — never used. Writes go to a temporary
file in the same folder, are flushed to disk and renamed into place, so a crash leaves either
the old entry or none.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import time
from pathlib import Path
from typing import Any, TypeAlias

import geopandas as gpd
import pandas as pd

from geo import settings
from geo.atomic import atomic_write_bytes

log = logging.getLogger(__name__)

Frame: TypeAlias = pd.DataFrame | gpd.GeoDataFrame

#: Entries already verified in this process, keyed by path, with the file's (mtime, size)
#: and catalogue version at verification: a changed file is verified again. Frames are
#: handed out as shallow copies (pandas copy-on-write keeps the memory's copy intact).
_verified: dict[Path, tuple[tuple[int, int, int, str], Frame]] = {}


def clear_memory() -> None:
    """Forget the entries verified in this process (the files stay on disk)."""
    _verified.clear()


def _stamp(path: Path, version: str) -> tuple[int, int, int, str]:
    status, manifest = path.stat(), _manifest_path(path).stat() if _manifest_path(path).exists() else None
    return (status.st_mtime_ns, status.st_size, manifest.st_mtime_ns if manifest else -1, version)


def entry_path(key: str) -> Path:
    """Return the Parquet path of a cache key such as ``"products/lad24_buc"``."""
    return settings.get_cache_dir() / f"{key}.parquet"


def _manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def write(key: str, frame: Frame, *, source: str, version: str) -> Path:
    """Store ``frame`` under ``key`` atomically, with its manifest.

    Parameters
    ----------
    key : str
        Cache key, a relative path without extension (``"boundaries/lsoa21"``).
    frame : DataFrame or GeoDataFrame
        The table to store; a GeoDataFrame is written as GeoParquet.
    source : str
        Where the data came from (a mirror path or URL), shown by ``levelup data status``.
    version : str
        The catalogue version the entry was built from; a different version is stale.
    """
    buffer = io.BytesIO()
    frame.to_parquet(buffer, compression="zstd")
    data = buffer.getvalue()
    path = entry_path(key)
    manifest = {
        "key": key,
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "rows": len(frame),
        "geometry": isinstance(frame, gpd.GeoDataFrame),
        "source": source,
        "version": version,
        "written": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    atomic_write_bytes(path, data)
    atomic_write_bytes(_manifest_path(path), json.dumps(manifest, indent=1).encode())
    _verified[path] = (_stamp(path, version), frame.copy(deep=False))
    log.debug("cached %s (%d rows, %d bytes)", key, len(frame), len(data))
    return path


def _discard(path: Path, reason: str, *, level: int = logging.WARNING) -> None:
    log.log(level, "cache file %s is unusable (%s); discarding it and fetching again", path, reason)
    _verified.pop(path, None)
    path.unlink(missing_ok=True)
    _manifest_path(path).unlink(missing_ok=True)


def read(key: str, *, version: str) -> Frame | None:
    """Return the cached table for ``key``, or ``None`` when absent, corrupt or stale.

    A file whose size, checksum or row count disagrees with its manifest, or that Parquet
    cannot parse, is logged, deleted and reported as absent.
    """
    path = entry_path(key)
    if not path.exists():
        _verified.pop(path, None)
        return None
    known = _verified.get(path)
    if known is not None and known[0] == _stamp(path, version):
        return known[1].copy(deep=False)
    try:
        manifest = json.loads(_manifest_path(path).read_text())
    except (OSError, ValueError) as exc:
        _discard(path, f"manifest unreadable: {exc}")
        return None
    if manifest.get("version") != version:
        _discard(path, "built from another catalogue version", level=logging.INFO)
        return None
    data = path.read_bytes()
    if len(data) != manifest.get("bytes"):
        _discard(path, f"size {len(data)} bytes, manifest says {manifest.get('bytes')}: truncated")
        return None
    if hashlib.sha256(data).hexdigest() != manifest.get("sha256"):
        _discard(path, "checksum mismatch: corrupt")
        return None
    try:
        reader = gpd.read_parquet if manifest.get("geometry") else pd.read_parquet
        frame = reader(io.BytesIO(data))
    except Exception as exc:  # any parse failure means the file is unusable
        _discard(path, f"unreadable Parquet: {exc}")
        return None
    if len(frame) != manifest.get("rows"):
        _discard(path, f"{len(frame)} rows, manifest says {manifest.get('rows')}")
        return None
    _verified[path] = (_stamp(path, version), frame)
    return frame.copy(deep=False)


def entries() -> list[dict[str, Any]]:
    """Return the manifests of every cache entry (for ``levelup data status``)."""
    root = settings.get_cache_dir()
    found = []
    for manifest_file in sorted(root.rglob("*.parquet.json")):
        try:
            found.append(json.loads(manifest_file.read_text()))
        except (OSError, ValueError):
            found.append({"key": str(manifest_file.relative_to(root)), "source": "unreadable manifest"})
    return found
