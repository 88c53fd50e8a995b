"""Atomic file and folder writes: built beside the destination, then renamed into place.

A crash or an error leaves either the previous file or folder or none — never half of one.
Folders (a report pack) are built in a staging folder beside the target; leftovers of a
killed run are recognised by their name and owner pid and removed by the next run.

Examples
--------
>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
>>> with atomic_open(target, "w") as handle:
...     _ = handle.write("done")
>>> target.read_text()
'done'
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


def umask() -> int:
    """Return the process umask (without changing it).

    Returns
    -------
    int
        The permission bits removed from new files (e.g. ``0o022``).

    Examples
    --------
    >>> before = umask()
    >>> 0 <= before <= 0o777 and umask() == before  # reading it leaves it as it was
    True
    """
    current = os.umask(0o022)
    os.umask(current)
    return current


@contextmanager
def atomic_open(dest: Path, mode: str = "wb") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``dest``; on success rename it onto ``dest``.

    Parameters
    ----------
    dest : Path
        The file to write; its folder is created if missing.
    mode : str
        ``"wb"`` (default) or ``"w"`` (text, UTF-8, newlines as written).

    Yields
    ------
    IO
        The open temporary file. If the ``with`` block raises, it is deleted and ``dest``
        keeps its previous content.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> dest = pathlib.Path(tempfile.mkdtemp()) / "out.csv"
    >>> with atomic_open(dest, "w") as handle:
    ...     _ = handle.write("code,value")
    >>> try:
    ...     with atomic_open(dest, "w") as handle:
    ...         _ = handle.write("half a fi")
    ...         raise RuntimeError("killed")
    ... except RuntimeError:
    ...     pass
    >>> dest.read_text(), sorted(p.name for p in dest.parent.iterdir())  # old content, no leftovers
    ('code,value', ['out.csv'])
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    binary = "b" in mode
    handle: IO[Any] = tempfile.NamedTemporaryFile(  # closed below, renamed only on success
        mode, dir=str(dest.parent), prefix=f".{dest.name}.", suffix=".part", delete=False,
        newline=None if binary else "", encoding=None if binary else "utf-8",
    )
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o666 & ~umask())  # temporary files are private; results are not
        os.replace(handle.name, dest)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def atomic_write_bytes(dest: Path, data: bytes) -> None:
    """Write ``data`` to ``dest`` atomically.

    Parameters
    ----------
    dest : Path
        The file to write (created or replaced).
    data : bytes
        Its whole new content.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> dest = pathlib.Path(tempfile.mkdtemp()) / "sub" / "a.bin"
    >>> atomic_write_bytes(dest, b"PK")
    >>> dest.read_bytes()
    b'PK'
    """
    with atomic_open(dest, "wb") as handle:
        handle.write(data)


#: Prefix of the staging and set-aside folders made beside a folder being replaced.
STAGING_TAG = "levelup-staging-"
ASIDE_TAG = "levelup-old-"
#: Leftover staging folders older than this (seconds) are removed even if their pid is alive
#: (a pid can be reused by another process).
STALE_AFTER = 3600.0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def staging_folder(target: Path) -> Path:
    """Create a private folder beside ``target`` to build it in (``.<name>.levelup-staging-XXXX``),
    holding a ``pid`` file so that :func:`clean_leftovers` never removes a running build's folder.

    Parameters
    ----------
    target : Path
        The folder that will be built (it need not exist).

    Returns
    -------
    Path
        The new, empty staging folder (apart from its ``.pid`` file).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> parent = pathlib.Path(tempfile.mkdtemp())
    >>> staging = staging_folder(parent / "pack")
    >>> staging.parent == parent, staging.name.startswith(".pack.levelup-staging-")
    (True, True)
    >>> clean_leftovers(parent / "pack")  # this process is alive: its folder is kept
    []
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.{STAGING_TAG}"))
    (staging / ".pid").write_text(f"{os.getpid()} {socket.gethostname()}\n", encoding="utf-8")
    return staging


def clean_leftovers(target: Path, *, now: float | None = None) -> list[Path]:
    """Remove staging and set-aside folders of ``target`` left by killed runs; return them.

    A set-aside folder (the previous ``target`` during :func:`replace_folder`) is renamed
    back to ``target`` when ``target`` is missing, so a run killed mid-replacement loses nothing.

    A folder is left over when the process that made it (its ``pid`` file, on this host) is
    no longer running, or when it is older than :data:`STALE_AFTER` seconds. Folders of a
    build still running are kept.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> parent = pathlib.Path(tempfile.mkdtemp())
    >>> old = parent / ".pack.levelup-staging-abcd"
    >>> old.mkdir(); _ = (old / ".pid").write_text("999999999 " + socket.gethostname())
    >>> [p.name for p in clean_leftovers(parent / "pack")]
    ['.pack.levelup-staging-abcd']
    """
    removed: list[Path] = []
    if not target.parent.is_dir():
        return removed
    moment = time.time() if now is None else now
    for prefix in (f".{target.name}.{STAGING_TAG}", f".{target.name}.{ASIDE_TAG}"):
        for folder in target.parent.glob(f"{glob.escape(prefix)}*"):
            if not folder.is_dir() or folder.is_symlink():
                continue
            try:
                age = moment - folder.stat().st_mtime
                pid_text, _, host = (folder / ".pid").read_text(encoding="utf-8").strip().partition(" ")
                owner_dead = host == socket.gethostname() and not _pid_alive(int(pid_text))
            except (OSError, ValueError):
                owner_dead = False
            if not (owner_dead or age > STALE_AFTER):
                continue
            if prefix.endswith(ASIDE_TAG) and not target.exists():  # killed between the two renames
                (folder / ".pid").unlink(missing_ok=True)
                os.rename(folder, target)  # the previous folder is put back, not lost
            else:
                shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def replace_folder(staging: Path, target: Path) -> None:
    """Move the finished ``staging`` folder onto ``target``: the old ``target`` (if any) is
    renamed aside, the new one renamed in, then the old one deleted; if the second rename
    fails the old folder is put back. Each step is one rename on the same file system.

    Parameters
    ----------
    staging : Path
        A finished folder made by :func:`staging_folder`.
    target : Path
        The folder to create or replace.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "pack"
    >>> target.mkdir(); _ = (target / "old.txt").write_text("old")
    >>> staging = staging_folder(target)
    >>> _ = (staging / "new.txt").write_text("new")
    >>> replace_folder(staging, target)
    >>> sorted(p.name for p in target.iterdir()), sorted(p.name for p in target.parent.iterdir())
    (['new.txt'], ['pack'])
    """
    (staging / ".pid").unlink(missing_ok=True)
    os.chmod(staging, 0o777 & ~umask())
    if not target.exists():
        os.rename(staging, target)
        return
    aside = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.{ASIDE_TAG}"))
    os.replace(target, aside)  # aside is an empty folder: replaced by the old target
    (aside / ".pid").write_text(f"{os.getpid()} {socket.gethostname()}\n", encoding="utf-8")
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(aside, target)
        raise
    shutil.rmtree(aside, ignore_errors=True)
