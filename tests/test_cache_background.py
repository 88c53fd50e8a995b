"""Boundary layers built from an empty cache are returned at once and cached in the background.

The GeoParquet entry appears only complete (written beside its place and renamed), a failing
background write is logged and leaves no entry, and a process killed in the middle of the
write leaves no entry either: the next run builds the layer again.
"""

from __future__ import annotations

import errno
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import geo
from geo.data import cache


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_layer_is_served_from_memory_then_cached_whole(empty_cache: Path) -> None:
    layer = geo.boundaries("lad24")
    assert len(layer) == 361 and layer.crs.to_epsg() == 27700
    again = geo.boundaries("lad24")  # pending or written: the same layer, not built again
    assert again.index.equals(layer.index) and again.geometry.equals(layer.geometry)
    cache.wait()
    assert "boundaries/lad24.parquet" in _files(empty_cache) and "boundaries/lad24.parquet.json" in _files(empty_cache)
    assert not [name for name in _files(empty_cache) if name.endswith(".part")]
    cache.clear_memory()  # as a new process: read back from the file and verified
    back = cache.read("boundaries/lad24", version=geo.catalogue.version())
    assert back is not None and back.index.equals(layer.index) and back.geometry.geom_equals(layer.geometry).all()


def test_failed_background_write_only_logs_and_the_next_run_rebuilds(
    empty_cache: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    write = cache.atomic_write_bytes

    def full(dest: Path, data: bytes) -> None:  # the disk fills up while the layer's entries are written
        if "boundaries" in str(dest) or "products" in str(dest):
            raise OSError(errno.ENOSPC, "No space left on device", str(dest))
        write(dest, data)

    monkeypatch.setattr(cache, "atomic_write_bytes", full)
    with caplog.at_level(logging.WARNING, logger="geo.data.cache"):
        layer = geo.boundaries("lad24")  # no error: the layer is returned
        cache.wait()
    assert len(layer) == 361
    assert "could not cache boundaries/lad24 in the background" in caplog.text and "No space left" in caplog.text
    assert not [name for name in _files(empty_cache) if name.startswith(("boundaries", "products"))]  # no entry, no half file
    monkeypatch.undo()
    monkeypatch.setattr(geo.settings, "cache_dir", empty_cache)
    cache.clear_memory()
    assert len(geo.boundaries("lad24")) == 361  # built again, and cached this time
    cache.wait()
    assert "boundaries/lad24.parquet" in _files(empty_cache)


def test_process_killed_while_writing_leaves_no_entry(empty_cache: Path, mirror: Path) -> None:
    script = textwrap.dedent(
        f"""
        import os
        import geo
        from geo.data import atomic, cache

        geo.settings.cache_dir = {str(empty_cache)!r}

        def killed(dest, data):  # half the bytes reach the temporary file, then the process dies
            if "boundaries" in str(dest):
                with atomic.atomic_open(dest, "wb") as handle:
                    handle.write(data[: len(data) // 2])
                    handle.flush()
                    os._exit(9)
            atomic.atomic_write_bytes(dest, data)

        cache.atomic_write_bytes = killed
        geo.boundaries("lad24")
        cache.wait()
        """
    )
    done = subprocess.run([sys.executable, "-c", script], env={**os.environ, "LEVELUP_MIRROR": str(mirror)}, cwd=str(empty_cache.parent),
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 9, done.stderr
    assert "boundaries/lad24.parquet" not in _files(empty_cache)  # only the hidden temporary file may be left
    cache.clear_memory()
    assert cache.read("boundaries/lad24", version=geo.catalogue.version()) is None
    assert len(geo.boundaries("lad24")) == 361  # the next run builds it again
    cache.wait()
    cache.clear_memory()
    assert len(cache.read("boundaries/lad24", version=geo.catalogue.version())) == 361


def test_background_write_goes_to_the_folder_of_the_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write held until later lands in the cache folder of the call, even if the setting changed meanwhile."""
    first, second = tmp_path / "first", tmp_path / "second"
    monkeypatch.setattr(geo.settings, "cache_dir", first)
    with cache.deferred():
        cache.write("examples/where", pd.DataFrame({"a": [1]}), source="test", version="1", background=True)
        monkeypatch.setattr(geo.settings, "cache_dir", second)
    cache.wait()
    assert (first / "examples/where.parquet").is_file() and not (second / "examples").exists()
    monkeypatch.setattr(geo.settings, "cache_dir", first)
    cache.clear_memory()
    assert cache.read("examples/where", version="1")["a"].tolist() == [1]
