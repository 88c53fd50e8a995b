"""Issue 10, point 6: ``geo.area`` resolves the names people use.

Expected codes come from the ONS files as distributed (the LAD 2024 boundaries' properties and
the police force area lookup, read here with pyogrio/pandas), not from the package's area lists;
the preference rules (a local authority before other levels, one territory counted once) are
spelled out by hand in each test.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

import geo
from geo.cli import main
from geo.errors import InputError, UnknownLevelError
from geo.geography.places import Area, area, describe, level_word, normalise

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def districts(mirror: Path) -> pd.Series:
    """LAD24 name by code, from the boundaries file's properties (all 361, four nations)."""
    table = pyogrio.read_dataframe(mirror / "boundaries/Local_Authority_Districts_May_2024_Boundaries_UK_BUC.geojson", read_geometry=False)
    return table.set_index("LAD24CD")["LAD24NM"]


@pytest.fixture(scope="module")
def forces(mirror: Path) -> pd.Series:
    """PFA24 name by code, from the LAD -> CSP -> PFA lookup."""
    table = pd.read_csv(mirror / "lookups/LAD24_CSP24_PFA24_EW_LU.csv", dtype=str)
    return table.drop_duplicates("PFA24CD").set_index("PFA24CD")["PFA24NM"]


@pytest.fixture(scope="module")
def counties(mirror: Path) -> pd.Series:
    """UTLA23 name by code (England and Wales), from the LTLA -> UTLA lookup."""
    table = pd.read_csv(mirror / "lookups/LTLA23_UTLA23_EW_LU.csv", dtype=str)
    return table.drop_duplicates("UTLA23CD").set_index("UTLA23CD")["UTLA23NM"]


def code_of(names: pd.Series, name: str) -> str:
    found = names.index[names == name]
    assert len(found) == 1, (name, list(found))
    return str(found[0])


# ---------------------------------------------------------------------------------------------
# the issue's examples


@pytest.mark.parametrize(
    ("query", "ons_name"),
    [
        ("Hull", "Kingston upon Hull, City of"),
        ("Bristol", "Bristol, City of"),
        ("Herefordshire", "Herefordshire, County of"),
        ("Durham", "County Durham"),
        ("Brighton", "Brighton and Hove"),
        ("Southend", "Southend-on-Sea"),
    ],
)
def test_the_issues_names(districts: pd.Series, query: str, ons_name: str) -> None:
    assert area(query) == Area("lad24", code_of(districts, ons_name), ons_name)


def test_shared_names_prefer_the_local_authority_and_say_the_level(forces: pd.Series, counties: pd.Series) -> None:
    """Greater Manchester and Merseyside are police force areas only (no council has the name);
    Lancashire is a county council and a (larger: with Blackpool and Blackburn) police force area."""
    assert area("Greater Manchester") == Area("pfa24", code_of(forces, "Greater Manchester"), "Greater Manchester")
    assert describe(area("Greater Manchester")) == "Greater Manchester (police force area)"
    assert describe(area("merseyside")) == "Merseyside (police force area)"
    assert area("Lancashire") == Area("utla23", code_of(counties, "Lancashire"), "Lancashire")
    assert area("Lancashire", level="pfa24") == Area("pfa24", code_of(forces, "Lancashire"), "Lancashire")
    assert area("Durham", level="pfa") == Area("pfa24", code_of(forces, "Durham"), "Durham")
    assert describe(area("County Durham")) == "County Durham (district)"


# ---------------------------------------------------------------------------------------------
# every ONS name resolves to its own area


def test_every_district_name_resolves_to_itself(districts: pd.Series) -> None:
    assert len(districts) == 361
    wrong = {}
    for code, name in districts.items():
        for query in (name, name.upper(), f"  {name.lower()} "):
            if area(query) != Area("lad24", code, name):
                wrong[query] = area(query)
    assert wrong == {}


def test_city_and_county_of_forms(districts: pd.Series) -> None:
    """ONS ", City of"/", County of" names resolve without the suffix, with it in front, and
    "X City" names without "City"; "City of London" stays the City (London is the region)."""
    suffixed = districts[districts.str.contains(r", (?:City|County) of$")]
    assert sorted(suffixed) == ["Bristol, City of", "Herefordshire, County of", "Kingston upon Hull, City of"]
    for code, name in suffixed.items():
        base, kind = re.fullmatch(r"(.+), (City|County) of", name).groups()  # type: ignore[union-attr]
        for query in (base, f"{kind} of {base}", f"{kind.lower()} of {base.upper()}"):
            assert area(query) == Area("lad24", code, name), query
    for town, ons in (("Glasgow", "Glasgow City"), ("Aberdeen", "Aberdeen City"), ("Dundee", "Dundee City"),
                      ("Edinburgh", "City of Edinburgh")):
        assert area(town) == Area("lad24", code_of(districts, ons), ons)
    assert area("City of London") == Area("lad24", code_of(districts, "City of London"), "City of London")
    assert area("London") == Area("rgn24", "E12000007", "London")


def test_every_upper_tier_name_resolves_to_itself(districts: pd.Series, counties: pd.Series) -> None:
    """A unitary authority's code is also a district's: it resolves to the district, the same area."""
    table = geo.areas("utla23")
    assert len(table) == 218 and set(counties.index) <= set(table.index)
    for code, name in table["name"].items():
        expected = "lad24" if code in districts.index else "utla23"
        assert area(name) == Area(expected, code, name), name
        assert area(name, level="utla23") == Area("utla23", code, name), name


def test_every_police_force_name_resolves_to_itself_or_to_the_council(districts: pd.Series, counties: pd.Series, forces: pd.Series) -> None:
    """A force named like a council (Lancashire, Dorset, Durham) gives the council, one named
    like a region asks; with ``level="pfa24"`` every force is found by its own name."""
    assert len(forces) == 43
    councils = {**dict(zip(counties, counties.index, strict=True)), **dict(zip(districts, districts.index, strict=True))}
    aliases = tomllib.loads((REPO / "lookups/aliases.toml").read_text(encoding="utf-8"))["alias"]
    regions = set(geo.areas("rgn24")["name"])
    preferred = []
    for code, name in forces.items():
        if name in regions:  # West Midlands: a force and a region, not the same districts
            with pytest.raises(InputError, match=r"names 2 areas: .*\(police force area, .*\(region, "):
                area(name)
        elif name in councils or name in aliases:
            preferred.append(name)
            assert area(name).code == councils.get(name, aliases.get(name)), name
            assert area(name).level in ("lad24", "utla23")
        else:
            assert area(name) == Area("pfa24", code, name), name
        assert area(name, level="pfa24") == Area("pfa24", code, name), name
    assert {"Lancashire", "Dorset", "Durham", "Wiltshire", "North Yorkshire"} <= set(preferred)
    assert not {"Greater Manchester", "Merseyside", "Cumbria", "Metropolitan Police", "London, City of"} & set(preferred)


def test_regions_nations_and_itl1_areas() -> None:
    """Each region and nation resolves to itself; an ITL1 area to itself by its full name, and
    "London" or "Wales" (a region/nation and an ITL1 area of the same districts) to the region
    or nation. "West Midlands" is a region and a police force area: ambiguous."""
    for code, name in geo.areas("rgn24")["name"].items():
        if name == "West Midlands":
            with pytest.raises(InputError, match=r"names 2 areas"):
                area(name)
        else:
            assert area(name) == Area("rgn24", code, name)
        assert area(name, level="region") == Area("rgn24", code, name)
    for code, name in geo.areas("ctry")["name"].items():
        assert area(name) == Area("ctry", code, name)
    regions, nations = set(geo.areas("rgn24")["name"]), set(geo.areas("ctry")["name"])
    for code, name in geo.areas("itl1")["name"].items():
        found = area(name)
        if name in regions:
            assert found.level == "rgn24" and found.name == name
        elif name in nations:
            assert found.level == "ctry" and found.name == name
        else:
            assert found == Area("itl1", code, name), name  # "North East (England)"
        assert area(name, level="itl1") == Area("itl1", code, name)
    assert area("north east") == Area("rgn24", "E12000001", "North East")


# ---------------------------------------------------------------------------------------------
# the forms people write


@pytest.mark.parametrize(
    ("query", "ons_name"),
    [
        ("St Helens", "St. Helens"), ("Saint Helens", "St. Helens"), ("st. helens", "St. Helens"),
        ("Saint Albans", "St Albans"), ("St. Albans", "St Albans"),
        ("Brighton & Hove", "Brighton and Hove"), ("stockton on tees", "Stockton-on-Tees"),
        ("Stoke on Trent", "Stoke-on-Trent"), ("  county   durham ", "County Durham"),
        ("Kings Lynn and West Norfolk", "King's Lynn and West Norfolk"), ("The Vale of Glamorgan", "Vale of Glamorgan"),
        ("Kingston upon Hull", "Kingston upon Hull, City of"), ("Bournemouth", "Bournemouth, Christchurch and Poole"),
        ("Derry", "Derry City and Strabane"), ("Na h Eileanan Siar", "Na h-Eileanan Siar"), ("HULL", "Kingston upon Hull, City of"),
    ],
)
def test_forms_people_write(districts: pd.Series, query: str, ons_name: str) -> None:
    assert area(query) == Area("lad24", code_of(districts, ons_name), ons_name)


def test_normalise() -> None:
    assert normalise("St. Helens") == normalise("saint helens") == "saint helens"
    assert normalise("Devon & Cornwall") == "devon and cornwall"
    assert normalise("Newcastle-under-Lyme") == "newcastle under lyme"
    assert normalise("Ynys Môn") == "ynys mon"
    assert normalise("West Street") == "west street"  # "st" only as a word of its own


def test_an_area_and_a_code_pass_through() -> None:
    hull = area("Hull")
    assert area(hull) is hull
    assert area("e06000047") == area("E06000047") == Area("lad24", "E06000047", "County Durham")
    assert area("E06000047", level="utla23") == Area("utla23", "E06000047", "County Durham")


# ---------------------------------------------------------------------------------------------
# ambiguous, unknown and wrong


def test_ambiguous_names_list_the_candidates_and_how_to_choose(forces: pd.Series) -> None:
    with pytest.raises(InputError, match=r"query='West Midlands' names 2 areas: West Midlands \(police force area, pfa24 E23000014\); "
                                          r"West Midlands \(region, rgn24 E12000005\)\. To choose one, pass its code \(query='E12000005'\) "
                                          r"or its level \(level='rgn24'\)"):
        area("West Midlands")
    assert area("West Midlands", level="pfa24") == Area("pfa24", code_of(forces, "West Midlands"), "West Midlands")
    with pytest.raises(InputError, match=r"query='Newcastle' names 2 areas: Newcastle-under-Lyme \(district, lad24 E07000195\); "
                                          r"Newcastle upon Tyne \(district, lad24 E08000021\)\. To choose one, pass its code \(query='E08000021'\), or its full name"):
        area("Newcastle")
    with pytest.raises(InputError, match=r"query='Kingston' names 2 areas: Kingston upon Hull, City of .*Kingston upon Thames"):
        area("Kingston")
    with pytest.raises(InputError, match=r"query='North' names 1\d areas: .* \(and \d+ more\)"):
        area("North")


def test_unknown_names_get_close_names() -> None:
    with pytest.raises(InputError, match=r"query='Hul' matches no area code or name at levels lad24, .*Close names: 'Kingston upon Hull, City of'"):
        area("Hul")
    with pytest.raises(InputError, match=r"query='Rhondda Cynon Taff' matches no area .*Close names: 'Rhondda Cynon Taf'"):
        area("Rhondda Cynon Taff")
    with pytest.raises(InputError, match=r"query='Durhamshire' matches no area.*'County Durham'"):
        area("Durhamshire")
    with pytest.raises(InputError, match=r"query='Caerdydd' matches no area"):  # no Welsh names in the mirror's files
        area("Caerdydd")


def test_wrong_levels_and_queries() -> None:
    with pytest.raises(UnknownLevelError, match=r"level='ward' is not a known geography level"):
        area("Hull", level="ward")
    with pytest.raises(InputError, match=r"query='E06000047' is a district, county or unitary authority \(lad24, utla23\) code, "
                                          r"not a police force area \(pfa24\); drop level= or pass a pfa24 code or name"):
        area("E06000047", level="pfa24")
    with pytest.raises(InputError, match=r"query='Hull' is not a lsoa21 code, and lsoa21 areas are found by code only"):
        area("Hull", level="lsoa21")
    with pytest.raises(InputError, match=r"query='Manchester' matches no area code or name at levels pfa24"):
        area("Manchester", level="pfa24")
    with pytest.raises(InputError, match=r"query=None must be a non-empty area code or name"):
        area(None)  # type: ignore[arg-type]


def test_level_words() -> None:
    assert [level_word(level) for level in ("lad24", "utla23", "pfa24", "rgn24", "itl1", "ctry")] == [
        "district", "county or unitary authority", "police force area", "region", "ITL1 area", "nation"]


def test_aliases_are_few_and_name_real_areas(districts: pd.Series) -> None:
    aliases = tomllib.loads((REPO / "lookups/aliases.toml").read_text(encoding="utf-8"))["alias"]
    assert len(aliases) <= 5
    for alias, code in aliases.items():
        assert code in districts.index and area(alias).code == code


# ---------------------------------------------------------------------------------------------
# the command line


def test_cli_area_level_and_ambiguity(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["area", "Lancashire", "--level", "pfa24"]) == 0
    assert capsys.readouterr().out == "pfa24\tE23000003\tLancashire\n"
    assert main(["area", "Hull"]) == 0
    assert capsys.readouterr().out == "lad24\tE06000010\tKingston upon Hull, City of\n"
    assert main(["area", "West Midlands"]) == 2
    assert "pass its code (QUERY E12000005) or its level (--level rgn24)" in capsys.readouterr().err


def test_cli_report_names_its_own_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The report's --level is the mapped level, so the area's level is --area-level."""
    assert main(["report", "--area", "West Midlands", "--out", str(tmp_path / "r")]) == 2
    error = capsys.readouterr().err
    assert "--area 'West Midlands' names 2 areas" in error and "or its level (--area-level rgn24)" in error
    assert main(["report", "--area", "Lancashire", "--area-level", "ward", "--out", str(tmp_path / "r")]) == 2
    assert "--area-level ward is not a known geography level" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()
