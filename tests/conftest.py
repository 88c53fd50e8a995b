"""Shared fixtures: the real ONS mirror (required, never skipped) and an isolated cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import geo


def _mirror() -> Path:
    value = os.environ.get("LEVELUP_MIRROR")
    if not value or not Path(value).is_dir():
        raise pytest.UsageError(
            "The tests need the ONS data mirror: set LEVELUP_MIRROR to the shared data folder "
            "(`make test` does this), e.g. LEVELUP_MIRROR=../shared/data"
        )
    return Path(value).resolve()


MIRROR = _mirror()


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The folder holding the ONS files as distributed."""
    return MIRROR


@pytest.fixture(scope="session", autouse=True)
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One warm cache for the whole session, built from the mirror (never the user's cache)."""
    folder = tmp_path_factory.mktemp("cache")
    os.environ["LEVELUP_CACHE"] = str(folder)
    os.environ["LEVELUP_MIRROR"] = str(MIRROR)
    os.environ["LEVELUP_OFFLINE"] = "1"  # tests never reach a real publisher
    return folder


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty cache for one test."""
    monkeypatch.setattr(geo.settings, "cache_dir", tmp_path / "cache")
    return tmp_path / "cache"
