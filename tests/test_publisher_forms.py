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
from geo import catalogue
from geo.data import products

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


# -- editions of a FeatureServer lookup, a NISRA workbook, the ONS ESS data repository -------

LOOKUP = "lsoa11_lsoa21_lad22"


def _lookup_edition(mirror: Path, folder: Path, *, first: str) -> str:
    """The LSOA 2011 -> 2021 lookup in an edition's layout: the first field named ``first``
    (v5: LSOA11CD; the unversioned service: F_LSOA11CD), fields in the service's order, plus
    the Welsh LAD name the mirror does not keep."""
    frame = pd.read_csv(mirror / str(catalogue.product(LOOKUP).file), dtype=str)
    frame["LAD22NMW"] = ""
    frame = frame[["LSOA11CD", "LSOA11NM", "CHGIND", "LSOA21CD", "LSOA21NM", "LAD22CD", "LAD22NM", "LAD22NMW"]]
    name = f"lookup_{first}.csv"
    frame.rename(columns={"LSOA11CD": first}).to_csv(folder / name, index=False)
    return name


@pytest.mark.parametrize("first", ["LSOA11CD", "F_LSOA11CD"])
def test_either_edition_of_the_lookup_service_gives_the_mirrored_table(
    mirror: Path, tmp_path: Path, empty_cache: Path, monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    name = _lookup_edition(mirror, tmp_path, first=first)
    monkeypatch.delenv("LEVELUP_MIRROR", raising=False)
    monkeypatch.setattr(geo.settings, "offline", False)
    monkeypatch.setattr(geo.settings, "progress", False)
    with FakeArcGIS(tmp_path, {"LSOA11_LSOA21_LAD22_EW_LU_v5": name}) as fake:
        monkeypatch.setattr(geo.settings, "arcgis_base", fake.base)
        loaded = products.load(LOOKUP)
    assert any("/LSOA11_LSOA21_LAD22_EW_LU_v5/FeatureServer/0/query" in line for line in fake.log)
    pd.testing.assert_frame_equal(loaded, _mirrored(LOOKUP, mirror))


def test_a_lookup_with_both_or_neither_name_fails_clearly(publisher: FakeArcGIS) -> None:
    folder = Path(publisher.mirror)
    (folder / "both.csv").write_text("LSOA11CD,F_LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,CHGIND,LAD22CD,LAD22NM\n")
    item = dataclasses.replace(catalogue.product(LOOKUP), service=None, url=publisher.files + "both.csv", rows=0)
    with pytest.raises(geo.DataError, match=r"both.csv has \['LSOA11CD', 'F_LSOA11CD'\].*all maps to 'LSOA11CD'"):
        products.load(item)
    (folder / "neither.csv").write_text("LSOA11NM,LSOA21CD,LSOA21NM,CHGIND,LAD22CD,LAD22NM\n")
    item = dataclasses.replace(item, url=publisher.files + "neither.csv")
    with pytest.raises(geo.DataError, match=r"neither.csv lacks the columns \['LSOA11CD or F_LSOA11CD'\]"):
        products.load(item)


NISRA = "dz21_sdz21_lgd14"


def _nisra_workbook(mirror: Path, path: Path, *, cover: bool = False) -> None:
    """The NISRA lookup as an .xlsx workbook, with the area columns NISRA's table also lists."""
    frame = pd.read_csv(mirror / str(catalogue.product(NISRA).file), dtype=str)
    frame["Area_ha"] = 12.5
    frame["Perim_km"] = 3.25
    with pd.ExcelWriter(path, engine="openpyxl") as book:
        if cover:
            pd.DataFrame({"Contents": ["Lookup tables"]}).to_excel(book, sheet_name="Cover", index=False)
        frame.to_excel(book, sheet_name="DZ2021_lookup", index=False)


def test_the_nisra_workbook_gives_the_mirrored_table(publisher: FakeArcGIS, mirror: Path) -> None:
    assert str(catalogue.product(NISRA).url).endswith("/geography-dz2021-lookup-tables.xlsx")
    _nisra_workbook(mirror, Path(publisher.mirror) / "geography-dz2021-lookup-tables.xlsx")
    loaded = products.load(_at(publisher, NISRA, "geography-dz2021-lookup-tables.xlsx"))
    pd.testing.assert_frame_equal(loaded, _mirrored(NISRA, mirror))


def test_a_workbook_sheet_is_chosen_by_name_or_missing_clearly(publisher: FakeArcGIS, mirror: Path) -> None:
    _nisra_workbook(mirror, Path(publisher.mirror) / "with-cover.xlsx", cover=True)
    item = _at(publisher, NISRA, "with-cover.xlsx")
    with pytest.raises(geo.DataError, match=r"with-cover.xlsx lacks the columns \['DZ2021_cd'"):
        products.load(item)  # the first sheet is the cover
    loaded = products.load(dataclasses.replace(item, sheet="DZ2021_lookup"))
    pd.testing.assert_frame_equal(loaded, _mirrored(NISRA, mirror))
    with pytest.raises(geo.DataError, match=r"has no sheet 'Lookup'; it has \['Cover', 'DZ2021_lookup'\].*source.sheet"):
        products.load(dataclasses.replace(item, sheet="Lookup"), refresh=True)


ESS_REPO = "ONSdigital/explore-local-statistics-data/main"


def test_an_ess_indicator_from_the_ons_data_repository_is_the_mirrored_file(publisher: FakeArcGIS, mirror: Path) -> None:
    from geo.moving.ess import _product

    indicator = "healthy-life-expectancy"
    item = _product(indicator)
    assert item.url == f"https://raw.githubusercontent.com/{ESS_REPO}/{indicator}/{indicator}.csv"
    served = Path(publisher.mirror) / ESS_REPO / indicator
    served.mkdir(parents=True)
    (served / f"{indicator}.csv").write_bytes((mirror / str(item.file)).read_bytes())
    loaded = products.load(dataclasses.replace(item, url=item.url.replace("https://raw.githubusercontent.com/", publisher.files)))
    pd.testing.assert_frame_equal(loaded, _mirrored_item(item, mirror))
    assert any(line == f"/files/{ESS_REPO}/{indicator}/{indicator}.csv" for line in publisher.log)


def _mirrored_item(item: catalogue.Product, mirror: Path) -> pd.DataFrame:
    return products._parse(item, mirror / str(item.file))


def test_the_ess_api_csv_is_not_the_tidy_file_and_is_refused_clearly(publisher: FakeArcGIS, mirror: Path) -> None:
    """The app's own CSV route serves areacd, areanm, period, value, lci_95, uci_95 (its API
    docs): without the geography label rows cannot be placed at a level, so the package reads
    the data repository's tidy file instead, and says so if given the API's form."""
    from geo.moving.ess import _product

    indicator = "healthy-life-expectancy"
    item = _product(indicator)
    tidy = pd.read_csv(mirror / str(item.file), dtype=str)
    api = tidy[["areacd", "areanm", "period", "observation", "lci_95", "uci_95"]].rename(columns={"observation": "value"})
    route = Path(publisher.mirror) / "explore-local-statistics/api/v1"
    route.mkdir(parents=True)
    api.to_csv(route / "data.csv", index=False)
    url = publisher.files + f"explore-local-statistics/api/v1/data.csv?indicator={indicator}&time=all"
    with pytest.raises(geo.DataError, match=r"lacks the columns \['geography', 'indicator', 'observation'\]"):
        products.load(dataclasses.replace(item, url=url))


@pytest.mark.parametrize("product_id", ["pfa20_buc", "ctyua21_buc", "msoa21_bsc"])
def test_boundaries_from_the_corrected_services_equal_the_mirror(
    mirror: Path, empty_cache: Path, monkeypatch: pytest.MonkeyPatch, product_id: str
) -> None:
    item = catalogue.product(product_id)
    monkeypatch.delenv("LEVELUP_MIRROR", raising=False)
    monkeypatch.setattr(geo.settings, "offline", False)
    monkeypatch.setattr(geo.settings, "progress", False)
    with FakeArcGIS(mirror, {str(item.service): str(item.file)}) as fake:
        monkeypatch.setattr(geo.settings, "arcgis_base", fake.base)
        loaded = products.load(product_id)
    assert any(f"/{item.service}/FeatureServer/0/query" in line for line in fake.log)
    want = products._parse(item, mirror / str(item.file))
    assert list(loaded.columns) == list(want.columns)
    pd.testing.assert_frame_equal(pd.DataFrame(loaded.drop(columns="geometry")), pd.DataFrame(want.drop(columns="geometry")))
    assert loaded.geometry.geom_equals_exact(want.geometry, tolerance=1e-9).all()
