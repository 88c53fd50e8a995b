"""Products whose download from the publisher is not the file as mirrored (a zip archive of
several tables, long column labels) are read through the catalogue's ``[source]`` and give
the same table as the mirror. The publisher's files are rebuilt here from the mirror, in the
publisher's layout, and served by the local imitation server."""

from __future__ import annotations

import dataclasses
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from fake_arcgis import FakeArcGIS

import geo
from geo import catalogue, products

NAMES = {
    "iod2025": "File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv",
    "iod2019": "File_7_-_All_IoD2019_Scores__Ranks__Deciles_and_Population_Denominators_3.csv",
    "census21_population": "census2021-ts001.zip",
}


def _published_table(item: catalogue.Product, mirror: Path) -> pd.DataFrame:
    """The mirrored file with the publisher's labels and the extra columns it carries."""
    frame = pd.read_csv(mirror / str(item.file), dtype=str)
    frame = frame.rename(columns={v: k for k, v in item.columns.items()})
    frame.insert(1, "a column the catalogue does not keep", "x")
    return frame.iloc[:, ::-1]  # the publisher's order is not the mirror's


@pytest.fixture
def publisher(mirror: Path, tmp_path: Path, empty_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeArcGIS]:
    folder = tmp_path / "publisher"
    folder.mkdir()
    for product_id in ("iod2025", "iod2019"):
        _published_table(catalogue.product(product_id), mirror).to_csv(folder / NAMES[product_id], index=False)
    census = _published_table(catalogue.product("census21_population"), mirror)
    with zipfile.ZipFile(folder / NAMES["census21_population"], "w") as archive:
        archive.writestr("census2021-ts001-ctry.csv", "date,geography,geography code\n2021,England,E92000001\n")
        archive.writestr("census2021-ts001-lsoa.csv", census.to_csv(index=False))
    monkeypatch.delenv("LEVELUP_MIRROR", raising=False)
    monkeypatch.setattr(geo.settings, "offline", False)
    monkeypatch.setattr(geo.settings, "progress", False)
    with FakeArcGIS(folder, {}) as fake:
        yield fake


def _at(fake: FakeArcGIS, product_id: str, name: str | None = None) -> catalogue.Product:
    return dataclasses.replace(catalogue.product(product_id), url=fake.files + (name or NAMES[product_id]))


def _mirrored(product_id: str, mirror: Path) -> pd.DataFrame:
    item = catalogue.product(product_id)
    return products._parse(item, mirror / str(item.file))


@pytest.mark.parametrize("product_id", sorted(NAMES))
def test_the_publishers_form_gives_the_mirrored_table(publisher: FakeArcGIS, mirror: Path, product_id: str) -> None:
    loaded = products.load(_at(publisher, product_id))
    pd.testing.assert_frame_equal(loaded, _mirrored(product_id, mirror))


def test_an_archive_without_the_member_or_columns_fails_clearly(publisher: FakeArcGIS, tmp_path: Path) -> None:
    folder = Path(publisher.mirror)
    with zipfile.ZipFile(folder / "other.zip", "w") as archive:
        archive.writestr("census2021-ts001-msoa.csv", "geography code\nE02000001\n")
    with pytest.raises(geo.DataError, match=r"archive other.zip has 0 files named 'census2021-ts001-lsoa.csv'.*census2021-ts001-msoa.csv"):
        products.load(_at(publisher, "census21_population", "other.zip"))
    (folder / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(geo.DataError, match=r"census21_population.*cannot parse broken.zip"):
        products.load(_at(publisher, "census21_population", "broken.zip"))
    (folder / "revised.csv").write_text("LSOA code (2021),IMD Score\nE01000001,8.7\n")
    with pytest.raises(geo.DataError, match=r"revised.csv lacks the columns .*Index of Multiple Deprivation.*update the entry's \[source.columns\]"):
        products.load(_at(publisher, "iod2025", "revised.csv"))


def test_a_product_only_a_mirror_can_give_says_why(publisher: FakeArcGIS) -> None:
    with pytest.raises(geo.DataUnavailableError, match=r"census21_population_by_age.*not read from the publisher: the six age bands"):
        products.load("census21_population_by_age")
    assert publisher.log == []  # the publisher was not contacted
