"""Boundary layers on the real mirror, and their error paths."""

from __future__ import annotations

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


def test_derived_utla_uses_2023_shapes_not_the_2021_counties() -> None:
    utla = geo.boundaries("utla23")
    assert {"E06000063", "E06000064", "E06000065", "E06000066"} <= set(utla.index)
    assert "E10000006" not in utla.index  # Cumbria county (abolished April 2023)
    # Cumberland + Westmorland and Furness cover what the old county covered
    new = utla.loc[["E06000063", "E06000064"]].union_all()
    lsoas = geo.boundaries("lsoa21", within="E06000063")
    assert new.contains(lsoas.representative_point().union_all())


def test_itl1_outlines_follow_lsoa_edges() -> None:
    """Dissolved from LSOAs: each region's outline is exactly the union of its LSOAs."""
    north_east = geo.boundaries("itl1").loc["TLC", "geometry"]
    lsoas = geo.boundaries("lsoa21", within="TLC")
    assert shapely.symmetric_difference(north_east, lsoas.union_all()).area < 1.0  # m²


def test_uk_layers_take_scotland_and_ni_from_the_lad_layer() -> None:
    itl1 = geo.boundaries("itl1")
    lads = geo.boundaries("lad24")
    scotland = lads[lads.index.str.startswith("S")].union_all()
    assert abs(itl1.loc["TLM", "geometry"].area - scotland.area) / scotland.area < 1e-6


def test_within_selects_through_the_lookups() -> None:
    north_east = geo.boundaries("lad24", within="TLC")
    assert len(north_east) == 12
    expected = geo.lookup("lad24", "itl1").query("itl1 == 'TLC'")["lad24"]
    assert set(north_east.index) == set(expected)
    assert len(geo.boundaries("utla23", within="TLC")) == 12
    durham = geo.boundaries("lsoa21", within="E06000047")
    assert len(durham) == (geo.lookup("lsoa21", "lad24")["lad24"] == "E06000047").sum()


def test_dissolve_from_gives_lad_outlines_on_lsoa_edges() -> None:
    lads = geo.boundaries("lad24", dissolve_from="lsoa21")
    assert len(lads) == 361
    published = geo.boundaries("lad24")
    assert lads.loc["S12000033", "geometry"].equals(published.loc["S12000033", "geometry"])
    durham = geo.boundaries("lsoa21", within="E06000047").union_all()
    assert shapely.symmetric_difference(lads.loc["E06000047", "geometry"], durham).area < 1.0


def test_within_rejects_unknown_and_non_parent_codes() -> None:
    with pytest.raises(geo.InputError, match=r"within='E99999999' is not a known area code"):
        geo.boundaries("lad24", within="E99999999")
    with pytest.raises(geo.NestingError, match=r"within='E01000001' is a lsoa21/lsoa11 code, and lad24 does not nest"):
        geo.boundaries("lad24", within="E01000001")


def test_unknown_level_is_named() -> None:
    with pytest.raises(geo.UnknownLevelError, match=r"level='wards'"):
        geo.boundaries("wards")
