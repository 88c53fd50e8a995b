"""Levels and lookups on the real ONS lookups of the mirror."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings as hsettings, strategies as st

import geo
from geo.geography import registry


def _raw(name: str) -> pd.DataFrame:
    """A published lookup of the mirror, read with plain pandas (expected values come from it)."""
    return pd.read_csv(f"{geo.settings.get_mirror()}/lookups/{name}", dtype=str)


#: English regions are ITL1 areas one to one, North East E12000001 = TLC ... South West
#: E12000009 = TLK (the mirror's README, after ONS's ITL1 list).
REGION_ITL1 = {f"E1200000{n}": f"TL{c}" for n, c in zip(range(1, 10), "CDEFGHIJK", strict=True)}

EXPECTED_AREAS = {
    "lsoa21": 35672, "lsoa11": 34753, "msoa21": 7264, "lad24": 361, "utla23": 218, "pfa24": 43,
    "rgn24": 9, "itl1": 12, "ctry": 4, "dz11": 6976, "sdz21": 850,
}


def test_levels_table_lists_every_level_with_counts_and_patterns() -> None:
    table = geo.levels()
    assert table["areas"].to_dict() == EXPECTED_AREAS
    assert table.loc["lad24", "code_pattern"] == "E06/E07/E08/E09/W06/S12/N09"
    assert table.loc["pfa24", "code_pattern"] == "E23/W15"
    assert table.loc["lsoa21", "code_pattern"] == "E01/W01"
    assert "lad24" in table.loc["lsoa21", "nests_in"]
    assert table.loc["lsoa11", "vintage"] == "2011"


@pytest.mark.parametrize(
    ("alias", "level"),
    [("lsoa", "lsoa21"), ("LAD", "lad24"), ("ltla", "lad24"), ("county", "utla23"), ("utla", "utla23"),
     ("pfa", "pfa24"), ("region", "rgn24"), ("nation", "ctry"), ("Itl1", "itl1")],
)
def test_aliases_resolve_to_current_vintage(alias: str, level: str) -> None:
    assert registry.resolve(alias) == level


def test_unknown_level_names_the_argument_and_lists_choices() -> None:
    with pytest.raises(geo.UnknownLevelError, match=r"to_level='wards' is not a known geography level.*lsoa21"):
        geo.lookup("lsoa21", "wards")


@pytest.mark.parametrize("level", sorted(EXPECTED_AREAS))
def test_area_lists_have_the_published_counts(level: str) -> None:
    table = geo.areas(level)
    assert len(table) == EXPECTED_AREAS[level]
    assert table.index.is_unique
    assert table["name"].notna().all()
    assert table.index.str.fullmatch(registry.spec(level).pattern).all()


def test_lsoa21_to_itl1_is_complete_and_correct() -> None:
    table = geo.lookup("lsoa21", "itl1")
    assert list(table.columns) == ["lsoa21", "itl1", "itl1_name"]
    assert len(table) == 35672 and table["lsoa21"].is_unique
    by_code = table.set_index("lsoa21")["itl1"]
    assert by_code["E01000001"] == "TLI"  # City of London
    assert (by_code[by_code.index.str.startswith("W")] == "TLL").all()
    assert set(by_code[by_code.index.str.startswith("E")]) == {f"TL{c}" for c in "CDEFGHIJK"}
    assert table.set_index("lsoa21").loc["E01000001", "itl1_name"] == "London"
    # every row against the published files: LSOA -> LAD -> region -> ITL1; Wales is TLL
    raw = _raw("LSOA21_WD24_LAD24_EW_LU.csv").merge(_raw("LAD24_RGN24_EN_LU.csv"), on="LAD24CD", how="left")
    expected = raw.set_index("LSOA21CD")["RGN24CD"].map(REGION_ITL1).fillna("TLL")
    assert by_code.astype(str).to_dict() == expected.to_dict()


def test_english_regions_map_one_to_one_onto_itl1() -> None:
    table = geo.lookup("rgn24", "itl1").set_index("rgn24")["itl1"]
    assert table["E12000001"] == "TLC" and table["E12000009"] == "TLK"
    assert table.is_unique and len(table) == 9


def test_lsoa21_to_utla23_uses_2023_structure() -> None:
    table = geo.lookup("lsoa21", "utla23")
    assert len(table) == 35672
    raw = _raw("LSOA21_WD24_LAD24_EW_LU.csv").merge(_raw("LTLA23_UTLA23_EW_LU.csv"), left_on="LAD24CD", right_on="LTLA23CD")
    expected = raw.set_index("LSOA21CD")["UTLA23CD"]
    assert len(expected) == 35672
    assert table.set_index("lsoa21")["utla23"].astype(str).to_dict() == expected.to_dict()
    cumbria = raw.loc[raw["LAD24CD"].isin(["E06000063", "E06000064"]), "LSOA21CD"]
    assert set(table.set_index("lsoa21")["utla23"].reindex(cumbria)) == {"E06000063", "E06000064"}
    assert "E10000006" not in set(table["utla23"])  # the abolished Cumbria county


def test_lsoa21_to_pfa24_is_complete() -> None:
    table = geo.lookup("lsoa21", "pfa24")
    assert len(table) == 35672 and table["pfa24"].nunique() == 43
    pfa = _raw("LAD24_CSP24_PFA24_EW_LU.csv").drop_duplicates("LAD24CD").set_index("LAD24CD")["PFA24CD"]
    expected = _raw("LSOA21_WD24_LAD24_EW_LU.csv").set_index("LSOA21CD")["LAD24CD"].map(pfa)
    assert expected.notna().all()
    assert table.set_index("lsoa21")["pfa24"].astype(str).to_dict() == expected.to_dict()
    assert table.set_index("lsoa21").loc["E01000001", "pfa24_name"] == "London, City of"


def test_lad24_to_pfa24_reduces_csp_rows_to_one_pfa_per_lad() -> None:
    raw = pd.read_csv(geo.settings.get_mirror() + "/lookups/LAD24_CSP24_PFA24_EW_LU.csv")
    assert raw["LAD24CD"].duplicated().any()  # the published file repeats LADs
    table = geo.lookup("lad24", "pfa24")
    assert len(table) == 318 and table["lad24"].is_unique
    expected = raw.drop_duplicates("LAD24CD").set_index("LAD24CD")["PFA24CD"]
    assert raw.groupby("LAD24CD")["PFA24CD"].nunique().max() == 1  # one force per district, as published
    assert table.set_index("lad24")["pfa24"].astype(str).to_dict() == expected.to_dict()


def test_lad24_to_itl1_covers_the_uk() -> None:
    table = geo.lookup("lad24", "itl1").set_index("lad24")["itl1"]
    assert len(table) == 361
    assert (table[table.index.str.startswith("S")] == "TLM").all()
    assert (table[table.index.str.startswith("N")] == "TLN").all()
    assert (table[table.index.str.startswith("W")] == "TLL").all()


def test_devolved_small_areas_nest_in_lad24() -> None:
    assert geo.lookup("dz11", "lad24")["lad24"].str.startswith("S12").all()
    sdz = geo.lookup("sdz21", "lad24")
    assert len(sdz) == 850 and sdz["lad24"].nunique() == 11


def test_msoa_straddling_a_district_needs_best_fit() -> None:
    with pytest.raises(geo.NestingError, match=r"E02005686 is split between .*best_fit=True"):
        geo.lookup("msoa21", "lad24")
    table = geo.lookup("msoa21", "lad24", best_fit=True).set_index("msoa21")["lad24"]
    assert len(table) == 7264
    assert table["E02005686"] == "E06000062"  # four of its five LSOAs are in West Northamptonshire


@pytest.mark.parametrize(
    ("child", "parent", "message"),
    [
        ("pfa24", "utla23", r"from_level='pfa24' does not nest in to_level='utla23'.*straddle.*geo\.disaggregate"),
        ("itl1", "lsoa21", r"from_level='itl1' does not nest in to_level='lsoa21': lsoa21 is the finer level.*disaggregate"),
        ("lad24", "lad", r"both 'lad24'"),
        ("lsoa11", "lad24", r"no lookup path"),
    ],
)
def test_non_nesting_requests_explain_why(child: str, parent: str, message: str) -> None:
    with pytest.raises(geo.NestingError, match=message):
        geo.lookup(child, parent)


def test_every_declared_nesting_holds_on_the_real_lookups() -> None:
    for child, item in registry.specs().items():
        for parent in item.nests_in:
            table = geo.lookup(child, parent)
            assert table[child].is_unique, (child, parent)
            assert table[parent].notna().all(), (child, parent)


_CHAINS = [
    (a, b, c)
    for a, spec_a in registry.specs().items()
    for b in spec_a.nests_in
    for c in registry.specs()[b].nests_in
    if c in spec_a.nests_in
]


@hsettings(max_examples=25, deadline=None)
@given(st.sampled_from(_CHAINS))
def test_nesting_commutes(chain: tuple[str, str, str]) -> None:
    """Going a -> b -> c gives the same parent as a -> c, for every declared chain."""
    a, b, c = chain
    direct = geo.lookup(a, c).set_index(a)[c]
    two_steps = geo.lookup(a, b).merge(geo.lookup(b, c), on=b).set_index(a)[c]
    assert two_steps.index.is_unique
    assert two_steps.index.isin(direct.index).all()  # b may cover fewer nations than c
    assert (direct[two_steps.index] == two_steps).all()
