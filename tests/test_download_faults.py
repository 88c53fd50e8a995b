"""The download path against a local imitation of the ONS FeatureServer, with injected faults."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from fake_arcgis import FakeArcGIS
from geopandas.testing import assert_geodataframe_equal

import geo
from geo.data import download, products

SERVICES = {
    "Local_Authority_Districts_May_2024_Boundaries_UK_BUC": "boundaries/Local_Authority_Districts_May_2024_Boundaries_UK_BUC.geojson",
    "LSOA21_WD24_LAD24_EW_LU": "lookups/LSOA21_WD24_LAD24_EW_LU.csv",
    "LAD24_RGN24_EN_LU": "lookups/LAD24_RGN24_EN_LU.csv",
}
LAD = "Local_Authority_Districts_May_2024_Boundaries_UK_BUC"


@pytest.fixture
def server(mirror: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeArcGIS]:
    with FakeArcGIS(mirror, SERVICES) as fake:
        monkeypatch.setattr(geo.settings, "arcgis_base", fake.base)
        monkeypatch.setattr(geo.settings, "backoff", 0.01)
        monkeypatch.setattr(geo.settings, "timeout", 2.0)
        monkeypatch.setattr(geo.settings, "retries", 3)
        monkeypatch.setattr(geo.settings, "progress", False)
        yield fake


def _pages(fake: FakeArcGIS) -> int:
    return sum("resultOffset" in line for line in fake.log)


def _leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_paged_geojson_equals_the_mirror_file(server: FakeArcGIS, tmp_path: Path, mirror: Path) -> None:
    server.max_records = 100
    dest = download.download_feature_service(LAD, tmp_path / "lad.geojson", fmt="geojson", label="lad24_buc", expected_rows=361)
    assert _pages(server) == 4
    got = pyogrio.read_dataframe(dest)
    want = pyogrio.read_dataframe(mirror / SERVICES[LAD])
    assert_geodataframe_equal(got, want, check_crs=False)


def test_paged_csv_equals_the_mirror_file(server: FakeArcGIS, tmp_path: Path, mirror: Path) -> None:
    dest = download.download_feature_service("LSOA21_WD24_LAD24_EW_LU", tmp_path / "lu.csv", fmt="csv", label="lu")
    assert _pages(server) == 18  # 35,672 rows in pages of at most 2,000
    pd.testing.assert_frame_equal(pd.read_csv(dest, dtype=str), pd.read_csv(mirror / SERVICES["LSOA21_WD24_LAD24_EW_LU"], dtype=str))


@pytest.mark.parametrize(("kind", "options"), [("status", {}), ("arcgis_error", {}), ("timeout", {"seconds": 3.0})])
def test_a_transient_fault_is_retried(server: FakeArcGIS, tmp_path: Path, mirror: Path, kind: str, options: dict[str, float]) -> None:
    server.max_records = 100
    server.add(kind, "resultOffset=200", **options)
    dest = download.download_feature_service(LAD, tmp_path / "lad.geojson", fmt="geojson", label="lad24_buc")
    assert sum("resultOffset=200" in line for line in server.log) == 2
    assert len(pyogrio.read_dataframe(dest)) == 361


def test_a_persistent_500_fails_clearly_and_leaves_nothing(server: FakeArcGIS, tmp_path: Path) -> None:
    server.add("status", "resultOffset=0", times=99)
    with pytest.raises(geo.DownloadError, match=r"lad24_buc: download from .*failed after 3 attempts; last error: HTTP 500"):
        download.download_feature_service(LAD, tmp_path / "lad.geojson", fmt="geojson", label="lad24_buc")
    assert _leftovers(tmp_path) == []


def test_a_short_page_is_detected(server: FakeArcGIS, tmp_path: Path) -> None:
    server.max_records = 100
    server.add("short_page", "resultOffset=100")
    with pytest.raises(geo.DownloadError, match=r"delivered 150 features; the layer reports 361.*truncated"):
        download.download_feature_service(LAD, tmp_path / "lad.geojson", fmt="geojson", label="lad24_buc")
    assert _leftovers(tmp_path) == []


def test_expected_rows_must_match(server: FakeArcGIS, tmp_path: Path) -> None:
    with pytest.raises(geo.DownloadError, match=r"the catalogue expects 360"):
        download.download_feature_service(LAD, tmp_path / "lad.geojson", fmt="geojson", label="x", expected_rows=360)


def test_direct_file_download(server: FakeArcGIS, tmp_path: Path, mirror: Path) -> None:
    relative = SERVICES["LAD24_RGN24_EN_LU"]
    dest = download.download_url(server.files + relative, tmp_path / "a.csv", label="lad24_rgn24")
    assert dest.read_bytes() == (mirror / relative).read_bytes()
    server.add("truncate", "/files/")
    again = download.download_url(server.files + relative, tmp_path / "b.csv", label="lad24_rgn24")
    assert again.read_bytes() == (mirror / relative).read_bytes()
    assert sum("/files/" in line for line in server.log) == 3


def test_persistent_truncation_and_404_fail_cleanly(server: FakeArcGIS, tmp_path: Path) -> None:
    server.add("truncate", "/files/", times=99)
    with pytest.raises(geo.DownloadError, match=r"failed after 3 attempts; last error: .*(truncated|broken)"):
        download.download_url(server.files + SERVICES["LAD24_RGN24_EN_LU"], tmp_path / "c.csv", label="x")
    assert _leftovers(tmp_path) == []
    before = len(server.log)
    with pytest.raises(geo.DownloadError, match=r"HTTP 404"):
        download.download_url(server.files + "nope.csv", tmp_path / "d.csv", label="x")
    assert len(server.log) == before + 1  # a 404 is not retried


def test_products_load_from_the_publisher_equals_the_mirror(server: FakeArcGIS, empty_cache: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEVELUP_MIRROR", raising=False)
    monkeypatch.setattr(geo.settings, "offline", False)
    server.max_records = 100
    server.add("status", "resultOffset=100")
    frame = products.load("lad24_buc")
    want = pyogrio.read_dataframe(mirror / SERVICES[LAD], use_arrow=True)
    assert_geodataframe_equal(frame, want, check_dtype=False, check_crs=False)
    lookup = products.load("lad24_rgn24")
    pd.testing.assert_frame_equal(lookup, pd.read_csv(mirror / SERVICES["LAD24_RGN24_EN_LU"], dtype="string"))
    assert not (empty_cache / "downloads").exists() or _leftovers(empty_cache / "downloads") == []


def test_a_failed_publisher_download_leaves_no_cache_entry(server: FakeArcGIS, empty_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEVELUP_MIRROR", raising=False)
    monkeypatch.setattr(geo.settings, "offline", False)
    server.add("short_page", "resultOffset=0")
    with pytest.raises(geo.DataUnavailableError, match=r"cannot obtain product 'lad24_buc'.*publisher .*delivered"):
        products.load("lad24_buc")
    assert list(empty_cache.rglob("*.parquet")) == []
    assert _leftovers(empty_cache / "downloads") == []


def test_http_mirror(server: FakeArcGIS, empty_cache: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(geo.settings, "mirror", server.files)
    monkeypatch.setattr(geo.settings, "offline", True)
    frame = products.load("lad24_rgn24")
    pd.testing.assert_frame_equal(frame, pd.read_csv(mirror / SERVICES["LAD24_RGN24_EN_LU"], dtype="string"))
    assert any(line.startswith("/files/lookups/LAD24_RGN24_EN_LU.csv") for line in server.log)
