"""Boundary layers on the real mirror, and their error paths."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

import geo

COUNTS = {"lsoa21": 35672, "lad24": 361, "pfa24": 43, "utla23": 218, "rgn24": 9, "itl1": 12, "ctry": 4}


@pytest.mark.parametrize("level", sorted(COUNTS))
def test_boundaries_have_every_area_valid_in_british_national_grid(level: str) -> None:
    layer = geo.boundaries(level)
    assert len(layer) == COUNTS[level]
    assert layer.crs.to_epsg() == 27700
    assert layer.index.name == "code" and layer.index.is_unique
    assert list(layer.columns) == ["name", "geometry"]
    assert layer.is_valid.all() and not layer.is_empty.any()
    assert set(layer.index) == set(geo.areas(level).index)


# Expected values below come from outside the code under test: the published files of the
# mirror read with plain pyogrio and the raw lookup CSVs read with plain pandas.
#
# Tolerances. A layer dissolved from LSOAs must have the area of the LSOAs it holds (they do
# not overlap), up to float rounding in the union: 1e-6 relative (about 9 m² of a region).
# Against the published district file (BUC, generalised to 500 m, where the LSOA file is
# generalised to 200 m on its own), the areas differ by the two generalisations: measured
# 0.02-0.13 % for Wales, the North East, Durham and Cumbria; 0.5 % is allowed.
SAME = 1e-6
GENERALISED = 5e-3


@pytest.fixture(scope="module")
def raw(mirror: Path) -> dict[str, pd.DataFrame]:
    """The published files, read and projected with plain pyogrio, and the raw lookups."""
    def layer(name: str, code: str) -> gpd.GeoDataFrame:
        return pyogrio.read_dataframe(mirror / "boundaries" / name).set_index(code).to_crs(27700)

    return {
        "lsoa": layer("Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BSC_V4.geojson", "LSOA21CD"),
        "lad": layer("Local_Authority_Districts_May_2024_Boundaries_UK_BUC.geojson", "LAD24CD"),
        "county21": layer("Counties_and_Unitary_Authorities_December_2021_UK_BUC.geojson", "CTYUA21CD"),
        "lsoa_lad": pd.read_csv(mirror / "lookups/LSOA21_WD24_LAD24_EW_LU.csv", dtype=str),
        "lad_rgn": pd.read_csv(mirror / "lookups/LAD24_RGN24_EN_LU.csv", dtype=str),
    }


def _lsoas_of(raw: dict[str, pd.DataFrame], lads: pd.Series | list[str]) -> pd.Series:
    table = raw["lsoa_lad"]
    return table.loc[table["LAD24CD"].isin(list(lads)), "LSOA21CD"].drop_duplicates()


def test_derived_utla_uses_2023_shapes_not_the_2021_counties(raw: dict[str, pd.DataFrame]) -> None:
    utla = geo.boundaries("utla23")
    assert {"E06000063", "E06000064", "E06000065", "E06000066"} <= set(utla.index)
    assert "E10000006" not in utla.index  # Cumbria county (abolished April 2023)
    new = utla.loc[["E06000063", "E06000064"]]
    # Cumberland + Westmorland and Furness: the published 2024 districts of the same codes ...
    published = raw["lad"].loc[["E06000063", "E06000064"]].area
    np.testing.assert_allclose(new.area.to_numpy(), published.to_numpy(), rtol=GENERALISED)
    # ... and together they cover what the old county covered (the 2021 counties file)
    assert new.area.sum() == pytest.approx(raw["county21"].loc["E10000006"].geometry.area, rel=GENERALISED)
    lsoas = geo.boundaries("lsoa21", within="E06000063")
    assert new.union_all().contains(lsoas.representative_point().union_all())


def test_itl1_outlines_follow_lsoa_edges(raw: dict[str, pd.DataFrame]) -> None:
    """Dissolved from LSOAs: the North East has the area of its LSOAs as published."""
    north_east = geo.boundaries("itl1").loc["TLC", "geometry"]
    lads = raw["lad_rgn"].loc[raw["lad_rgn"]["RGN24CD"] == "E12000001", "LAD24CD"]  # North East = TLC
    assert len(lads) == 12
    lsoas = _lsoas_of(raw, lads)
    assert len(lsoas) == 1682
    assert north_east.area == pytest.approx(raw["lsoa"].loc[lsoas].area.sum(), rel=SAME)
    assert north_east.area == pytest.approx(raw["lad"].loc[lads].area.sum(), rel=GENERALISED)
    # and its outline is made of LSOA edges: every published LSOA of the region lies inside it
    assert north_east.buffer(1.0).contains(raw["lsoa"].loc[lsoas].union_all())


def test_uk_layers_take_scotland_and_ni_from_the_lad_layer(raw: dict[str, pd.DataFrame]) -> None:
    itl1 = geo.boundaries("itl1")
    for code, nation in (("TLM", "S"), ("TLN", "N")):
        published = raw["lad"][raw["lad"].index.str.startswith(nation)].area.sum()
        assert itl1.loc[code, "geometry"].area == pytest.approx(published, rel=SAME)
    wales = raw["lad"][raw["lad"].index.str.startswith("W")].area.sum()
    assert itl1.loc["TLL", "geometry"].area == pytest.approx(wales, rel=GENERALISED)  # from LSOAs


def test_within_selects_through_the_lookups(raw: dict[str, pd.DataFrame]) -> None:
    north_east = geo.boundaries("lad24", within="TLC")
    expected = raw["lad_rgn"].loc[raw["lad_rgn"]["RGN24CD"] == "E12000001", "LAD24CD"]
    assert set(north_east.index) == set(expected) and len(north_east) == 12
    assert len(geo.boundaries("utla23", within="TLC")) == 12  # all unitary authorities there
    durham = geo.boundaries("lsoa21", within="E06000047")
    assert set(durham.index) == set(_lsoas_of(raw, ["E06000047"])) and len(durham) == 330


def test_dissolve_from_gives_lad_outlines_on_lsoa_edges(raw: dict[str, pd.DataFrame]) -> None:
    lads = geo.boundaries("lad24", dissolve_from="lsoa21")
    assert len(lads) == 361
    # Scotland keeps the published shape (no LSOAs there)
    assert shapely.equals_exact(lads.loc["S12000033", "geometry"], raw["lad"].loc["S12000033", "geometry"], 1e-6)
    durham = lads.loc["E06000047", "geometry"]
    assert durham.area == pytest.approx(raw["lsoa"].loc[_lsoas_of(raw, ["E06000047"])].area.sum(), rel=SAME)
    assert durham.area == pytest.approx(raw["lad"].loc["E06000047", "geometry"].area, rel=GENERALISED)


def test_within_rejects_unknown_and_non_parent_codes() -> None:
    with pytest.raises(geo.InputError, match=r"within='E99999999' is neither an area code nor a place name; expected e.g. 'TLC'"):
        geo.boundaries("lad24", within="E99999999")
    with pytest.raises(geo.InputError, match=r"within='Narnia' is neither .* Close names: 'Arun'"):
        geo.boundaries("lsoa21", within="Narnia")


def test_within_takes_place_names() -> None:
    by_name = geo.boundaries("lsoa21", within="County Durham")
    by_code = geo.boundaries("lsoa21", within="E06000047")
    assert by_name.index.equals(by_code.index) and len(by_code) == 330
    assert geo.boundaries("lad24", within="north east").index.equals(geo.boundaries("lad24", within="E12000001").index)
    with pytest.raises(geo.NestingError, match=r"within='E01000001' is a lsoa21/lsoa11 code, and lad24 does not nest"):
        geo.boundaries("lad24", within="E01000001")


def test_unknown_level_is_named() -> None:
    with pytest.raises(geo.UnknownLevelError, match=r"level='wards'"):
        geo.boundaries("wards")
