"""Atomic file writes: a temporary file in the destination folder, flushed, then renamed.

A crash or an error leaves either the previous file or none — never half a file.

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

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


def umask() -> int:
    """Return the process umask (without changing it)."""
    current = os.umask(0o022)
    os.umask(current)
    return current


@contextmanager
def atomic_open(dest: Path, mode: str = "wb") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``dest``; on success rename it onto ``dest``."""
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
    """Write ``data`` to ``dest`` atomically."""
    with atomic_open(dest, "wb") as handle:
        handle.write(data)
