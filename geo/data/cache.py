"""A verified, atomic, columnar cache of data products and derived layers.

Each entry is one Parquet file (GeoParquet when it has geometry) plus a JSON manifest
beside it recording its SHA-256, size, row count, where it came from and the catalogue
version it was built from. Reads check the manifest: a truncated, corrupt or stale file is
reported in the log, deleted and rebuilt by the caller — never used. Writes go to a temporary
file in the same folder, are flushed to disk and renamed into place, so a crash leaves either
the old entry or none.

A cache folder the process cannot write to (a shared read-only cache, a read-only mount) is
used read-only: its entries are read, and new entries go to a temporary folder of this
process (created on the first write, removed at exit), with one warning naming the folder and
how to fix it (set ``geo.settings.cache_dir`` or ``LEVELUP_CACHE`` to a writable folder).
Entries of that temporary folder are read first, so an unusable entry of the read-only
folder is replaced for the session.

A write may be left to a background thread (``write(..., background=True)``, used for the
national boundary layers built from an empty cache): the caller gets its table at once, the
entry is served from memory until its file is written, and the file appears only complete
(written beside its place and renamed). A failing background write is logged and leaves no
entry, so the next run builds it again. :func:`wait` blocks until pending writes are done
(:func:`clear_memory`, :func:`discard` and the end of the process wait for them).
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import logging
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeAlias

import geopandas as gpd
import pandas as pd

from geo import settings
from geo.data.atomic import atomic_write_bytes

log = logging.getLogger(__name__)

Frame: TypeAlias = pd.DataFrame | gpd.GeoDataFrame

#: Entries already verified in this process, keyed by path, with the file's (mtime, size)
#: and catalogue version at verification: a changed file is verified again. Frames are
#: handed out as shallow copies (pandas copy-on-write keeps the memory's copy intact).
_verified: dict[Path, tuple[tuple[int, int, int, str], Frame]] = {}

#: Read-only cache folders met in this process, each with its temporary writable stand-in.
_stand_ins: dict[Path, tempfile.TemporaryDirectory[str]] = {}

#: ``OSError`` numbers that mean "this folder cannot be written" (not "this disk failed").
_NOT_WRITABLE = {errno.EACCES, errno.EPERM, errno.EROFS}

#: Entries being written in the background, keyed by (cache folder, key): (version, frame).
_pending: dict[tuple[Path, str], tuple[str, Frame]] = {}
_pending_lock = threading.Lock()
_writes: list[Future[None]] = []
_writer: list[ThreadPoolExecutor] = []  # one worker thread, made on the first background write


_held = threading.local()  # background writes held back by deferred() in this thread


@contextmanager
def deferred() -> Iterator[None]:
    """Hold background writes made inside the block until it ends, so that they do not compete
    for the processor with the work the caller is waiting for; nested blocks release at the
    outermost end.

    Examples
    --------
    >>> import pandas as pd
    >>> with deferred():
    ...     _ = write("examples/held", pd.DataFrame({"a": [2]}), source="example", version="1", background=True)
    ...     read("examples/held", version="1")["a"].tolist()  # served from memory meanwhile
    [2]
    >>> wait(); entry_path("examples/held").is_file()
    True
    """
    depth = getattr(_held, "depth", 0)
    if depth == 0:
        _held.jobs = []
    _held.depth = depth + 1
    try:
        yield
    finally:
        _held.depth = depth
        if depth == 0:
            jobs, _held.jobs = _held.jobs, []
            for job in jobs:
                _submit(job)


def _submit(job: Callable[[], None]) -> None:
    with _pending_lock:
        if not _writer:
            _writer.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="levelup-cache"))
        _writes.append(_writer[0].submit(job))


def wait() -> None:
    """Block until every background write of this process is done (written or logged as failed).

    Examples
    --------
    >>> import pandas as pd
    >>> _ = write("examples/later", pd.DataFrame({"a": [1]}), source="example", version="1", background=True)
    >>> wait()
    >>> entry_path("examples/later").is_file()
    True
    """
    with _pending_lock:
        writes = list(_writes)
        _writes.clear()
    for future in writes:
        future.result()


def clear_memory() -> None:
    """Forget the entries verified in this process (the files stay on disk).

    The next :func:`read` verifies the file again (checksum and rows), as a new process would.

    Examples
    --------
    >>> import pandas as pd
    >>> _ = write("examples/memory", pd.DataFrame({"a": [1]}), source="example", version="1")
    >>> clear_memory()
    >>> read("examples/memory", version="1")["a"].tolist()
    [1]
    """
    wait()
    _verified.clear()


def _stamp(path: Path, version: str) -> tuple[int, int, int, str]:
    status, manifest = path.stat(), _manifest_path(path).stat() if _manifest_path(path).exists() else None
    return (status.st_mtime_ns, status.st_size, manifest.st_mtime_ns if manifest else -1, version)


def entry_path(key: str) -> Path:
    """Return the Parquet path of a cache key such as ``"products/lad24_buc"``.

    This is the path in the configured cache folder; when that folder is read-only, new
    entries are written to :func:`writable_dir` instead (see :func:`write`).

    Examples
    --------
    >>> entry_path("products/lad24_buc").name
    'lad24_buc.parquet'
    """
    return settings.get_cache_dir() / f"{key}.parquet"


def writable_dir() -> Path:
    """Return the folder new entries go to: the cache folder, or its temporary stand-in.

    The stand-in exists only once a write to the configured folder has failed for lack of
    permission (or a read-only file system).

    Examples
    --------
    >>> writable_dir() == geo.settings.get_cache_dir()
    True
    """
    root = settings.get_cache_dir()
    stand_in = _stand_ins.get(root)
    return Path(stand_in.name) if stand_in is not None else root


def scratch_dir() -> Path:
    """Return a new empty folder for a download, inside the cache (or its stand-in when the
    cache folder cannot be written); the caller removes it.

    Examples
    --------
    >>> import shutil
    >>> folder = scratch_dir()
    >>> folder.is_dir(), list(folder.iterdir())
    (True, [])
    >>> shutil.rmtree(folder)
    """
    root = writable_dir() / "downloads"
    try:
        root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=root))
    except OSError as exc:
        if exc.errno not in _NOT_WRITABLE:
            raise
        root = _use_stand_in(settings.get_cache_dir(), exc) / "downloads"
        root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=root))


def _stand_in_path(key: str) -> Path | None:
    stand_in = _stand_ins.get(settings.get_cache_dir())
    return Path(stand_in.name) / f"{key}.parquet" if stand_in is not None else None


def _use_stand_in(root: Path, exc: OSError) -> Path:
    """Switch the writes of ``root`` to a temporary folder of this process (once), with a warning."""
    if root not in _stand_ins:
        _stand_ins[root] = tempfile.TemporaryDirectory(prefix="levelup-cache-")
        log.warning(
            "the cache folder %s is not writable (%s); it is used read-only, and new data are cached "
            "for this session only in %s. To keep them, set geo.settings.cache_dir or the "
            "LEVELUP_CACHE environment variable to a writable folder.",
            root, exc.strerror or exc, _stand_ins[root].name,
        )
    return Path(_stand_ins[root].name)


def _manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def write(key: str, frame: Frame, *, source: str, version: str, background: bool = False) -> Path:
    """Store ``frame`` under ``key`` atomically, with its manifest.

    When the cache folder cannot be written (permission denied, read-only file system), the
    entry goes to a temporary folder of this process instead, with one warning (see the
    module's notes); other errors (a full disk) are raised.

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
    background : bool, default False
        Return at once and write in a background thread: until the file is written,
        :func:`read` serves ``frame`` from memory; a failed write is logged (no entry is
        left, so it is built again next time), never raised.

    Returns
    -------
    Path
        Where the entry is written (for a background write: where it will be, unless the
        folder turns out to be read-only).

    Examples
    --------
    >>> import pandas as pd
    >>> write("examples/tiny", pd.DataFrame({"a": [1, 2]}), source="example", version="1").name
    'tiny.parquet'
    >>> read("examples/tiny", version="1")["a"].tolist()
    [1, 2]
    """
    if background:
        return _write_later(key, frame, source=source, version=version)
    return _write_now(key, frame, source=source, version=version)


def _write_later(key: str, frame: Frame, *, source: str, version: str) -> Path:
    root = settings.get_cache_dir()  # the folder of this call, whatever the settings say later
    slot = (root, key)
    kept = frame.copy(deep=False)  # no data copied (copy-on-write)

    def run() -> None:
        with _pending_lock:
            if _pending.get(slot, (None, None))[1] is not kept:  # discarded or replaced meanwhile
                return
        try:
            _write_now(key, kept, source=source, version=version, root=root)
        except Exception as exc:  # a cache that cannot be written only costs a rebuild
            log.warning("could not cache %s in the background (%s); it will be built again next time", key, exc)
        finally:
            with _pending_lock:
                if _pending.get(slot, (None, None))[1] is kept:
                    del _pending[slot]

    with _pending_lock:
        _pending[slot] = (version, kept)
    if getattr(_held, "depth", 0):
        _held.jobs.append(run)
    else:
        _submit(run)
    return writable_dir() / f"{key}.parquet"


def _write_now(key: str, frame: Frame, *, source: str, version: str, root: Path | None = None) -> Path:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, compression="zstd")
    data = buffer.getvalue()
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
    root = settings.get_cache_dir() if root is None else root
    stand_in = _stand_ins.get(root)
    path = (Path(stand_in.name) if stand_in is not None else root) / f"{key}.parquet"
    try:
        _store(path, data, manifest)
    except OSError as exc:
        if exc.errno not in _NOT_WRITABLE or path != root / f"{key}.parquet":
            raise
        path = _use_stand_in(root, exc) / f"{key}.parquet"
        _store(path, data, manifest)
    _verified[path] = (_stamp(path, version), frame.copy(deep=False))
    log.debug("cached %s (%d rows, %d bytes)", key, len(frame), len(data))
    return path


def _store(path: Path, data: bytes, manifest: dict[str, Any]) -> None:
    atomic_write_bytes(path, data)
    atomic_write_bytes(_manifest_path(path), json.dumps(manifest, indent=1).encode())


def _discard(path: Path, reason: str, *, level: int = logging.WARNING) -> None:
    log.log(level, "cache file %s is unusable (%s); discarding it and fetching again", path, reason)
    _verified.pop(path, None)
    try:
        path.unlink(missing_ok=True)
        _manifest_path(path).unlink(missing_ok=True)
    except OSError as exc:  # a read-only cache: the fresh copy goes to the stand-in folder
        log.info("cannot delete %s (%s); it is left in place and ignored", path, exc.strerror or exc)


def discard(key: str, reason: str) -> None:
    """Delete the entry of ``key`` (wherever it is), logging ``reason``; absent is fine.

    Examples
    --------
    >>> discard("products/not-cached", "an example")
    """
    with _pending_lock:  # a background write not yet started is dropped
        _pending.pop((settings.get_cache_dir(), key), None)
    wait()
    for path in (_stand_in_path(key), entry_path(key)):
        if path is not None and path.exists():
            _discard(path, reason)


def read(key: str, *, version: str) -> Frame | None:
    """Return the cached table for ``key``, or ``None`` when absent, corrupt or stale.

    A file whose size, checksum or row count disagrees with its manifest, or that Parquet
    cannot parse, is logged, deleted and reported as absent. When the cache folder is
    read-only, this process's stand-in folder is looked at first.

    Examples
    --------
    >>> read("products/not-cached", version="any") is None
    True
    """
    with _pending_lock:
        pending = _pending.get((settings.get_cache_dir(), key))
    if pending is not None and pending[0] == version:
        return pending[1].copy(deep=False)
    stand_in = _stand_in_path(key)
    if stand_in is not None and stand_in.exists():
        found = _read(stand_in, version)
        if found is not None:
            return found
    return _read(entry_path(key), version)


def _read(path: Path, version: str) -> Frame | None:
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
    # the checksum is computed in a second thread while Parquet parses the same bytes (both
    # release the interpreter lock); a frame whose bytes fail the checksum is thrown away
    with ThreadPoolExecutor(max_workers=1) as pool:
        checksum = pool.submit(lambda: hashlib.sha256(data).hexdigest())
        frame, failure = None, None
        try:
            reader = gpd.read_parquet if manifest.get("geometry") else pd.read_parquet
            frame = reader(io.BytesIO(data))
        except Exception as exc:  # any parse failure means the file is unusable
            failure = exc
        if checksum.result() != manifest.get("sha256"):
            _discard(path, "checksum mismatch: corrupt")
            return None
    if failure is not None or frame is None:
        _discard(path, f"unreadable Parquet: {failure}")
        return None
    if len(frame) != manifest.get("rows"):
        _discard(path, f"{len(frame)} rows, manifest says {manifest.get('rows')}")
        return None
    _verified[path] = (_stamp(path, version), frame)
    return frame.copy(deep=False)


def entries() -> list[dict[str, Any]]:
    """Return the manifests of every cache entry (for ``levelup data status``).

    Entries of a read-only cache's stand-in folder are listed too, their ``source`` marked
    "(this session only)".

    Examples
    --------
    >>> isinstance(entries(), list)
    True
    """
    found = []
    for root in dict.fromkeys((settings.get_cache_dir(), writable_dir())):
        session = root != settings.get_cache_dir()
        for manifest_file in sorted(root.rglob("*.parquet.json")):
            try:
                manifest = json.loads(manifest_file.read_text())
            except (OSError, ValueError):
                manifest = {"key": str(manifest_file.relative_to(root)), "source": "unreadable manifest"}
            if session:
                manifest["source"] = f"{manifest.get('source', '?')} (this session only)"
            found.append(manifest)
    return found
