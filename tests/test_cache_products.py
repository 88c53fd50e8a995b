"""Loading products: cache -> mirror -> publisher; corrupt caches; offline errors; catalogue."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd
import pytest

import geo
from geo import catalogue
from geo.data import cache, products


def test_catalogue_entries_declare_source_licence_and_rows() -> None:
    items = catalogue.products()
    assert {"lsoa21_bsc", "lad24_buc", "pfa20_buc", "lad24_csp24_pfa24", "iod2025", "census21_population"} <= set(items)
    lsoa = items["lsoa21_bsc"]
    assert lsoa.service == "Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BSC_V4"
    assert lsoa.file == "boundaries/Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BSC_V4.geojson"
    assert lsoa.rows == 35672 and lsoa.field("lsoa21") == "LSOA21CD"
    for item in items.values():
        assert item.licence and item.attribution and item.publisher
        assert item.kind == "table" or (item.service or item.url)


def test_catalogue_files_match_the_mirror(mirror: Path) -> None:
    for item in catalogue.products().values():
        if item.file and "{" not in item.file:  # templates such as the ESS indicators
            assert (mirror / item.file).is_file(), item.file
    ess = mirror / "indicators/ess/healthy-life-expectancy/healthy-life-expectancy.csv"
    assert catalogue.product("ess").file.format(indicator="healthy-life-expectancy") == str(ess.relative_to(mirror))


def test_unknown_product_lists_the_catalogue() -> None:
    with pytest.raises(geo.InputError, match=r"product='nope' is not in the catalogue; known products: .*lad24_buc"):
        catalogue.product("nope")


def test_product_from_mirror_equals_the_published_file(empty_cache: Path, mirror: Path) -> None:
    frame = products.load("lad24_rgn24")
    published = pd.read_csv(mirror / "lookups/LAD24_RGN24_EN_LU.csv", dtype="string")
    pd.testing.assert_frame_equal(frame, published)
    assert (empty_cache / "products/lad24_rgn24.parquet").is_file()
    again = products.load("lad24_rgn24")  # now from the cache
    pd.testing.assert_frame_equal(again, published)


@pytest.mark.parametrize("damage", ["truncate", "flip", "manifest"])
def test_corrupt_cache_is_detected_reported_and_refetched(
    empty_cache: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    first = products.load("lad24_buc")
    path = empty_cache / "products/lad24_buc.parquet"
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        path.write_bytes(data[:1000] + bytes([data[1000] ^ 0xFF]) + data[1001:])
    else:
        Path(str(path) + ".json").write_text("{not json")
    with caplog.at_level(logging.WARNING, logger="geo.data.cache"):
        second = products.load("lad24_buc")
    assert "unusable" in caplog.text and "lad24_buc.parquet" in caplog.text
    assert second.equals(first)
    manifest = json.loads(Path(str(path) + ".json").read_text())
    assert manifest["rows"] == 361 and manifest["bytes"] == path.stat().st_size


def test_stale_catalogue_version_is_rebuilt(empty_cache: Path) -> None:
    products.load("lad24_rgn24")
    assert cache.read("products/lad24_rgn24", version="another") is None
    assert not (empty_cache / "products/lad24_rgn24.parquet").exists()


def test_offline_without_cache_or_mirror_is_one_clear_error(empty_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEVELUP_MIRROR", raising=False)
    monkeypatch.setattr(geo.settings, "offline", True)
    with pytest.raises(
        geo.DataUnavailableError,
        match=r"cannot obtain product 'lad24_buc'.*mirror: none configured.*offline.*LEVELUP_MIRROR",
    ):
        products.load("lad24_buc")
    assert not list(empty_cache.rglob("*.parquet"))


def test_mirror_missing_the_file_is_reported(empty_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(geo.settings, "mirror", str(tmp_path / "empty-mirror"))
    monkeypatch.setattr(geo.settings, "offline", True)
    with pytest.raises(geo.DataUnavailableError, match=r"no file lookups/LAD24_RGN24_EN_LU.csv under .*empty-mirror"):
        products.load("lad24_rgn24")


def test_truncated_mirror_file_fails_on_row_count(empty_cache: Path, tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "mirror/lookups"
    fake.mkdir(parents=True)
    lines = (mirror / "lookups/LAD24_RGN24_EN_LU.csv").read_text().splitlines()
    (fake / "LAD24_RGN24_EN_LU.csv").write_text("\n".join(lines[:100]) + "\n")
    monkeypatch.setattr(geo.settings, "mirror", str(tmp_path / "mirror"))
    with pytest.raises(geo.DataError, match=r"has 99 rows; the catalogue expects 296.*truncated"):
        products.load("lad24_rgn24")
    assert not list(empty_cache.rglob("*.parquet"))


def test_wrong_columns_are_reported(empty_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "mirror/lookups"
    fake.mkdir(parents=True)
    (fake / "LAD24_RGN24_EN_LU.csv").write_text("a,b\n1,2\n")
    monkeypatch.setattr(geo.settings, "mirror", str(tmp_path / "mirror"))
    with pytest.raises(geo.DataError, match=r"lacks the columns \['LAD24CD', 'LAD24NM', 'RGN24CD', 'RGN24NM'\]"):
        products.load("lad24_rgn24")
