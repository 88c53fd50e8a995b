"""Pocket profiles (issue 10, points 1-3 as data): a hand-checkable synthetic case, County Durham
on IoD2025 with IoD2019 converted to LSOA 2021, a Scottish council on SIMD 2020 data zones, a
Northern Irish pocket of super data zones, and every error path.

Expected values come from outside the code under test: hand computation, or plain pandas (and
geopandas for LSOA 2011 areas) on the raw mirror CSVs.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

import geo
from geo.errors import InputError, UnknownLevelError
from geo.statistics.pocket_profile import PocketProfile, earlier_deciles, profile_pockets, words

POCKET_COLUMNS = ["name", "wards", "small_areas", "n_areas", "population", "value", "parent_name", "hidden",
                  "rank_Income", "decile_Income", "rank_Health", "decile_Health", "worst_domains", "change",
                  "n_persistent", "n_new", "pocket_id", "parent", "parent_value", "codes", "geometry"]
MEMBER_COLUMNS = ["name", "ward", "number", "value", "rank", "decile", "decile_Income", "decile_Health", "change"]
LEFT_COLUMNS = ["name", "ward", "decile_earlier", "decile_now"]
IOD_DOMAINS = {"Income": "Income", "Employment": "Employment", "Education": "Education", "Health": "Health", "Crime": "Crime",
               "Housing and services": "Housing_and_Services", "Living environment": "Environment"}


# --- a synthetic area of six made-up squares -------------------------------------------------------
# Pocket (national id) 12 = squares A, B; pocket 4 = square C. D, E, F are in the area, not in pockets.

CODES = ["E01900001", "E01900002", "E01900003", "E01900004", "E01900005", "E01900006"]
A, B, C, D, E, F = CODES


def _synthetic() -> dict[str, object]:
    local = gpd.GeoDataFrame(
        {"pocket": [12, 4], "codes": [f"{A},{B}", C], "n_areas": [2, 1], "population": [400.0, 200.0], "value": [50.0, 60.0],
         "parent": "E06999999", "parent_name": "Testshire", "parent_value": 20.0, "hidden": [False, True]},
        geometry=[box(0, 0, 2, 1), box(2, 0, 3, 1)], crs="EPSG:27700", index=[7, 3],
    )
    data = pd.DataFrame(
        {"score": [55.0, 48.0, 60.0, 30.0, 52.0, 10.0], "IMD_rank": [3, 9, 1, 20, 5, 80], "IMD_decile": [1, 1, 1, 2, 1, 9],
         "Income_rank": [10, 30, 5, 40, 12, 70], "Income_decile": [1, 2, 1, 2, 1, 8],
         "Health_rank": [2, 8, 50, 6, 7, 90], "Health_decile": [1, 1, 3, 1, 1, 10]},
        index=CODES,
    )
    names = pd.DataFrame({"name": [f"Test {c[-1]}A" for c in CODES], "ward": ["North", "South", "North", "East", "East", ""]}, index=CODES)
    return {
        "local": local, "data": data, "names": names, "level": "lsoa21", "value": "score",
        "domains": {"Income": "Income_rank", "Health": "Health_rank"},
        "decile_of": {"Income": "Income_decile", "Health": "Health_decile", "Overall": "IMD_decile"},
        "national_count": 100, "rank": "IMD_rank",
        "weight": pd.Series([100.0, 300.0, 200.0, 50.0, 60.0, 70.0], index=CODES),
        "earlier": pd.Series([1, 3, 1, 1, 1, 2], index=CODES), "earlier_name": "Edition 1",
        "area_codes": pd.Index(CODES),
    }


def test_synthetic_case_by_hand() -> None:
    args = _synthetic()
    kept = {k: v.copy() for k, v in args.items() if isinstance(v, (pd.DataFrame, pd.Series, pd.Index))}
    out = profile_pockets(**args)
    assert isinstance(out, PocketProfile)
    for key, before in kept.items():  # inputs are not mutated
        after = args[key]
        if isinstance(before, pd.Index):
            pd.testing.assert_index_equal(after, before)
        elif isinstance(before, pd.Series):
            pd.testing.assert_series_equal(after, before)
        else:
            pd.testing.assert_frame_equal(after, before)
    p, m, left = out.pockets, out.members, out.left
    assert list(p.columns) == POCKET_COLUMNS and p.index.name == "number" and p.index.tolist() == [1, 2]
    assert list(m.columns) == MEMBER_COLUMNS and list(left.columns) == LEFT_COLUMNS
    assert p["pocket_id"].tolist() == [4, 12]  # national id 4 is the worse: number 1
    assert p["codes"].tolist() == [C, f"{A},{B}"] and p["hidden"].tolist() == [True, False]
    # names: pocket 2 lies in South (weight 300) and North (100): the heavier ward first
    assert p["name"].tolist() == ["North", "South; North"] and p["wards"].tolist() == ["North", "South; North"]
    assert p.loc[2, "small_areas"] == "Test 1A; Test 2A"
    # domain profile, weights A=100, B=300
    assert p.loc[2, "rank_Income"] == pytest.approx((100 * 10 + 300 * 30) / 400)
    assert p.loc[2, "rank_Health"] == pytest.approx((100 * 2 + 300 * 8) / 400)
    assert p.loc[2, "decile_Income"] == pytest.approx(100 / 400) and p.loc[2, "decile_Health"] == 1.0
    assert p.loc[1, "rank_Income"] == 5 and p.loc[1, "decile_Income"] == 1.0 and p.loc[1, "decile_Health"] == 0.0
    assert p["worst_domains"].tolist() == ["income", "health"]
    # change: A was in decile 1 (persistent), B was not (new), C was (persistent)
    assert p["change"].tolist() == ["persistent", "partly new"]
    assert p["n_persistent"].tolist() == [1, 1] and p["n_new"].tolist() == [0, 1]
    assert m.loc[[A, B, C], "change"].tolist() == ["persistent", "new", "persistent"]
    assert m.loc[[A, B, C], "number"].tolist() == [2, 2, 1] and m.loc[A, "ward"] == "North" and m.loc[B, "name"] == "Test 2A"
    assert m.loc[A, "rank"] == 3 and m.loc[B, "decile"] == 1 and m.loc[C, "value"] == 60.0 and m.loc[B, "decile_Income"] == 2
    # left: D (decile 1 before, 2 now); E stays in decile 1; F was never in it
    assert left.index.tolist() == [D] and left.loc[D, "decile_now"] == 2 and left.loc[D, "ward"] == "East"
    # invariants
    assert len(m) == p["n_areas"].sum() and sorted(m["number"].unique()) == list(range(1, len(p) + 1))
    assert p.geometry.area.tolist() == [1.0, 2.0] and p.crs == "EPSG:27700"
    assert out.domains == ("Income", "Health") and out.earlier == "Edition 1" and out.national_count == 100
    assert m.index.name == left.index.name == "code"
    # the same with the codes in a column of data
    again = profile_pockets(**{**args, "data": args["data"].rename_axis("LSOA21CD").reset_index(), "code": "LSOA21CD"})
    pd.testing.assert_frame_equal(again.pockets, p)
    pd.testing.assert_frame_equal(again.members, m)
    joined = " ".join(out.notes)
    assert "weighted by the weights given (weight=)" in joined and "out of 100" in joined
    assert "comparison is of position, not of absolute deprivation" in joined and "wards given (names=)" in joined


def test_without_earlier_weights_or_domains() -> None:
    args = _synthetic()
    for key in ("earlier", "earlier_name", "area_codes", "domains", "national_count"):
        args.pop(key)
    args.update(weight=None, decile_of={"Overall": "IMD_decile"})
    out = profile_pockets(**args)
    p = out.pockets
    assert p["change"].tolist() == ["", ""] and p["n_persistent"].isna().all() and p["n_new"].isna().all()
    assert str(p["n_new"].dtype) == "Int64" and (out.members["change"] == "").all()
    assert out.left.empty and list(out.left.columns) == LEFT_COLUMNS and out.earlier is None and out.domains == ()
    assert [c for c in p.columns if c.startswith(("rank_", "decile_"))] == [] and (p["worst_domains"] == "").all()
    # unweighted: wards ordered by number of small areas, then by name
    assert p.loc[2, "wards"] == "North; South" and out.national_count == 6
    assert any("equal weights" in n for n in out.notes) and not any("Change since" in n for n in out.notes)
    # equal weights: a plain mean
    args.update(domains={"Income": "Income_rank"}, decile_of={"Income": "Income_decile"})
    assert profile_pockets(**args).pockets.loc[2, "rank_Income"] == pytest.approx(20.0)


def test_empty_local_gives_empty_tables() -> None:
    args = _synthetic()
    args["local"] = args["local"].iloc[:0]
    out = profile_pockets(**args)
    assert out.pockets.empty and list(out.pockets.columns) == POCKET_COLUMNS and out.members.empty
    assert out.left.index.tolist() == [D]  # the area's small areas that left decile 1 are still listed


def test_same_wards_are_told_apart_and_long_lists_are_cut() -> None:
    args = _synthetic()
    args["names"] = pd.DataFrame({"name": [f"Test {c[-1]}A" for c in CODES], "ward": "Same"}, index=CODES)
    p = profile_pockets(**args).pockets
    assert p["name"].tolist() == ["Same (Test 3A)", "Same (Test 1A and 1 more small area)"] and p["wards"].tolist() == ["Same", "Same"]
    assert words(["a"]) == "a" and words(["a", "b"]) == "a and b"
    args["names"] = pd.DataFrame({"name": list("pqrstu"), "ward": ["W1", "W2", "W3", "W4", "W5", "W6"]}, index=CODES)
    args["local"] = gpd.GeoDataFrame({**{k: [v.iloc[0]] for k, v in args["local"].drop(columns="geometry").items()},
                                      "codes": [",".join(CODES)], "n_areas": [6]}, geometry=[box(0, 0, 6, 1)], crs="EPSG:27700")
    p = profile_pockets(**args).pockets
    assert p.loc[1, "name"] == "W2; W3; W1 and 3 more wards"  # weights 300, 200, 100, then 70, 60, 50
    assert p.loc[1, "small_areas"] == "p; q; r; s; t and 1 more small area"


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"local": pd.DataFrame({"pocket": [1]})}, r"local= lacks the columns 'codes'"),
        ({"decile_of": {"Income": "Income_decile"}}, r"decile_of lacks the domains 'Health'; pass decile_of="),
        ({"domains": {"Income": "nope"}, "decile_of": {"Income": "Income_decile"}}, r"domains: 'nope' is not a column of data"),
        ({"value": "Score"}, r"value: 'Score' is not a column of data"),
        ({"weight": pd.Series([1.0], index=[A])}, r"weight is missing, infinite, zero or negative for 2 areas \('E01900003', 'E01900002'\)"),
        ({"weight": "residents"}, r"weight='residents'; expected a Series"),
        ({"earlier": [1, 2]}, r"earlier= must be a Series of deciles indexed by code, got list"),
        ({"decile_of": {"Income": "Income_decile", "Health": "Health_decile"}}, r"pass decile_of= with an 'Overall' entry"),
        ({"names": pd.DataFrame({"name": ["x"]})}, r"names= must be a DataFrame indexed by code with columns 'name' and 'ward'"),
        ({"level": "ward"}, r"level='ward' is not a known geography level"),
        ({"code": "LSOA21CD"}, r"code='LSOA21CD' is not a column of data"),
    ],
)
def test_errors(change: dict[str, object], match: str) -> None:
    args = {**_synthetic(), **change}
    error = UnknownLevelError if "level" in change else InputError
    with pytest.raises(error, match=match):
        profile_pockets(**args)


def test_errors_on_inconsistent_tables() -> None:
    args = _synthetic()
    data = args["data"]
    with pytest.raises(InputError, match=r"local= and data= disagree: pocket members missing from data: 'E01900003'"):
        profile_pockets(**{**args, "data": data.drop(index=C)})
    with pytest.raises(InputError, match=r"codes must be present and unique; repeated or missing: 'E01900001'"):
        profile_pockets(**{**args, "data": pd.concat([data, data.iloc[:1]])})
    twice = args["local"].assign(codes=[f"{A},{B}", f"{C},{A}"])
    with pytest.raises(InputError, match=r"small areas in more than one pocket: 'E01900001'"):
        profile_pockets(**{**args, "local": twice})
    with pytest.raises(InputError, match=r"domains: the Health rank or decile is missing for pocket members 'E01900002'"):
        profile_pockets(**{**args, "data": data.assign(Health_decile=[1, None, 3, 1, 1, 10])})
    with pytest.raises(InputError, match=r"domains: column 'Income_rank' holds values that are not numbers at 'E01900002'"):
        profile_pockets(**{**args, "data": data.assign(Income_rank=["1", "x", "3", "4", "5", "6"])})


def test_earlier_deciles_errors() -> None:
    with pytest.raises(InputError, match=r"column='IMD_score' is not a column of iod2019"):
        earlier_deciles("iod2019", column="IMD_score")
    with pytest.raises(InputError, match=r"to='lad24': iod2019 is published on lsoa11"):
        earlier_deciles("iod2019", to="lad24")


# --- real data -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def iod(mirror) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return pd.read_csv(mirror / "indicators/IoD2025_LSOA21_EN_scores_ranks_deciles.csv").set_index("LSOA21CD")


@pytest.fixture(scope="module")
def iod2019_on_2021(mirror) -> pd.Series:  # type: ignore[no-untyped-def]
    """IoD2019 IMD decile on LSOA 2021 by plain pandas: the one LSOA 2011 of an unchanged or split
    LSOA 2021; for a merge, the decile holding most of the merged LSOAs 2011's area (geopandas)."""
    lookup = pd.read_csv(mirror / "lookups/LSOA11_LSOA21_LAD22_EW_LU.csv")
    old = pd.read_csv(mirror / "indicators/IoD2019_LSOA11_EN_ranks_deciles.csv").set_index("LSOA11CD")["IMD_decile"]
    lookup = lookup[lookup["LSOA11CD"].isin(old.index) & lookup["CHGIND"].isin(["U", "S", "M"])].copy()
    lookup["decile"] = old.reindex(lookup["LSOA11CD"]).to_numpy()
    shapes = gpd.read_file(mirror / "boundaries/Lower_Layer_Super_Output_Areas_December_2011_Boundaries_EW_BSC.geojson")
    area = shapes.to_crs(27700).set_index("LSOA11CD").geometry.area
    lookup["area"] = area.reindex(lookup["LSOA11CD"]).to_numpy()
    by = lookup.groupby(["LSOA21CD", "decile"])["area"].sum().reset_index()
    by = by.sort_values(["LSOA21CD", "area", "decile"], ascending=[True, False, True])
    return by.drop_duplicates("LSOA21CD").set_index("LSOA21CD")["decile"]


@pytest.fixture(scope="module")
def durham(iod: pd.DataFrame) -> PocketProfile:
    found = geo.pockets(iod, value="IMD_score", level="lsoa21", within="lad24", worse="high", threshold="national_decile_1", weight="population")
    local = found[found["parent"] == "E06000047"]
    codes = geo.lookup("lsoa21", "lad24").set_index("lsoa21")["lad24"]
    return profile_pockets(
        local, level="lsoa21", data=iod, value="IMD_score", domains={k: f"{v}_rank" for k, v in IOD_DOMAINS.items()},
        decile_of={**{k: f"{v}_decile" for k, v in IOD_DOMAINS.items()}, "Overall": "IMD_decile"}, national_count=len(iod),
        earlier=earlier_deciles("iod2019"), earlier_name="IoD2019", area_codes=pd.Index(codes[codes == "E06000047"].index),
        weight="population", rank="IMD_rank",
    )


def test_earlier_deciles_match_plain_pandas(iod2019_on_2021: pd.Series) -> None:
    converted = earlier_deciles("iod2019")
    assert len(converted) == 33755 and converted.index.name == "lsoa21" and converted.notna().all()
    common = iod2019_on_2021.index.intersection(converted.index)
    assert len(common) >= 33755 - 6  # all but the irregular (X) changes, which need an overlay
    pd.testing.assert_series_equal(converted.reindex(common), iod2019_on_2021.reindex(common).astype("float64"),
                                   check_names=False, check_index_type=False)
    assert "geo.convert" in converted.attrs["note"]


def test_earlier_deciles_from_the_cache_are_the_converted_ones() -> None:
    """Converted once per catalogue (issue 11): a new process reads the cached entry, and gets the
    same deciles, index and note as the conversion (here: the memory forgotten, the file read)."""
    converted = earlier_deciles("iod2019")
    assert any(e.get("key") == "earlier_deciles/iod2019/IMD_decile/lsoa21" for e in geo.data.cache.entries())
    geo.data.cache.clear_memory()
    again = earlier_deciles("iod2019")
    pd.testing.assert_series_equal(again, converted, check_exact=True)
    assert again.index.dtype == converted.index.dtype and again.attrs == converted.attrs and again.attrs["mixed"] == 70


def test_county_durham_profile(durham: PocketProfile, iod: pd.DataFrame, mirror) -> None:  # type: ignore[no-untyped-def]
    p, m = durham.pockets, durham.members
    assert len(p) == 25 and len(m) == 56 == p["n_areas"].sum() and p["population"].sum() == 81013
    assert p.index.tolist() == list(range(1, 26)) and p["pocket_id"].is_monotonic_increasing
    wards = pd.read_csv(mirror / "lookups/LSOA21_WD24_LAD24_EW_LU.csv").set_index("LSOA21CD")
    in_durham = wards.index[wards["LAD24CD"] == "E06000047"]
    assert set(m.index) == set(in_durham[iod["IMD_decile"].reindex(in_durham).eq(1).to_numpy()])  # the published decile 1
    # one pocket's population-weighted Income rank, by hand from the raw IoD2025 and Census files
    people = pd.read_csv(mirror / "indicators/Census2021_usual_residents_LSOA21_EW.csv").set_index("LSOA21CD")["usual_residents_2021"]
    largest = int(p["n_areas"].idxmax())
    codes = p.loc[largest, "codes"].split(",")
    w = people.reindex(codes)
    assert p.loc[largest, "rank_Income"] == pytest.approx((iod.loc[codes, "Income_rank"] * w).sum() / w.sum())
    assert p.loc[largest, "decile_Crime"] == pytest.approx(w[iod.loc[codes, "Crime_decile"].eq(1).to_numpy()].sum() / w.sum())
    # worst_domains: the domains whose decile-1 share is above one half, from the raw deciles
    for number, row in p.iterrows():
        codes = row["codes"].split(",")
        w = people.reindex(codes)
        worst = [label.lower() for label, col in IOD_DOMAINS.items() if w[iod.loc[codes, f"{col}_decile"].eq(1).to_numpy()].sum() > w.sum() / 2]
        assert row["worst_domains"] == words(worst), number
    # names: the ward of most residents first, from the raw ward lookup
    codes = p.loc[largest, "codes"].split(",")
    heaviest = people.reindex(codes).groupby(wards.loc[codes, "WD24NM"].to_numpy()).sum().idxmax()
    assert p.loc[largest, "name"].startswith(heaviest + ";") and m.loc[codes[0], "name"] == wards.loc[codes[0], "LSOA21NM"]
    assert not p["name"].duplicated().any() and (p["name"] != "").all()
    assert any("electoral wards (May 2024)" in n for n in durham.notes)


def test_county_durham_change_matches_plain_pandas(durham: PocketProfile, iod: pd.DataFrame, iod2019_on_2021: pd.Series) -> None:
    p, m = durham.pockets, durham.members
    was = iod2019_on_2021.reindex(m.index)
    assert was.notna().all()  # no irregular change among the pocket members
    assert p["n_persistent"].sum() == int((was == 1).sum()) == 34
    assert p["n_new"].sum() == int((was != 1).sum()) == 22
    assert p["change"].value_counts().to_dict() == {"persistent": 9, "new": 9, "partly new": 7}
    for _, row in p.iterrows():
        flags = was.reindex(row["codes"].split(",")) == 1
        assert row["change"] == ("persistent" if flags.all() else "new" if not flags.any() else "partly new")
    area = geo.lookup("lsoa21", "lad24").set_index("lsoa21")["lad24"]
    durham_codes = area.index[area == "E06000047"]
    left = [c for c in durham_codes if iod2019_on_2021.get(c) == 1 and iod.loc[c, "IMD_decile"] != 1]
    assert sorted(durham.left.index) == sorted(left) and len(left) == 5
    assert (durham.left["decile_earlier"] == 1).all() and (durham.left["decile_now"] > 1).all()


def test_scottish_council_on_data_zones(mirror) -> None:  # type: ignore[no-untyped-def]
    simd = pd.read_csv(mirror / "indicators/SIMD2020_DZ11_SC_ranks_deciles.csv").set_index("DZ11CD")
    found = geo.pockets(simd, value="IMD_rank", level="dz11", within="lad24", worse="low", threshold="national_decile_1", weight=None)
    local = found[found["parent"] == "S12000049"]  # Glasgow City
    domains = {"Income": "Income", "Employment": "Employment", "Health": "Health", "Education": "Education",
               "Housing": "Housing", "Access to services": "Access", "Crime": "Crime"}
    out = profile_pockets(local, level="dz11", data=simd, value="IMD_rank", domains={k: f"{v}_rank" for k, v in domains.items()},
                          decile_of={k: f"{v}_decile" for k, v in domains.items()}, national_count=len(simd))
    p = out.pockets
    assert len(p) == len(local) > 10 and len(out.members) == p["n_areas"].sum() == local["n_areas"].sum()
    zones = pd.read_csv(mirror / "lookups/DZ11_IZ11_LAD20_SC_LU.csv").set_index("DZ11CD")
    for _, row in p.iterrows():
        codes = row["codes"].split(",")
        assert row["rank_Income"] == pytest.approx(simd.loc[codes, "Income_rank"].mean())  # equal weights
        worst = [k.lower() for k, v in domains.items() if simd.loc[codes, f"{v}_decile"].eq(1).mean() > 0.5]
        assert row["worst_domains"] == words(worst)
        counts = zones.loc[codes, "IZ11NM"].value_counts().reset_index()  # unweighted: most data zones first, then by name
        ordered = counts.sort_values(["count", "IZ11NM"], ascending=[False, True])["IZ11NM"].tolist()
        more = len(ordered) - 3
        assert row["wards"] == "; ".join(ordered[:3]) + (f" and {more} more intermediate zone{'s' if more > 1 else ''}" if more > 0 else "")
    assert out.members.loc[p.loc[1, "codes"].split(",")[0], "name"] == zones.loc[p.loc[1, "codes"].split(",")[0], "DZ11NM"]
    assert any("intermediate zones (2011)" in n for n in out.notes) and any("equal weights" in n for n in out.notes)
    assert (p["change"] == "").all() and out.earlier is None


def test_northern_irish_pocket_named_by_district_electoral_areas(mirror) -> None:  # type: ignore[no-untyped-def]
    lookup = pd.read_csv(mirror / "lookups/DZ21_SDZ21_DEA14_LGD14_NI_LU.csv").drop_duplicates("SDZ2021_cd").set_index("SDZ2021_cd")
    codes = lookup.index[:3].tolist()
    local = gpd.GeoDataFrame({"pocket": [1], "codes": [",".join(codes)], "n_areas": [3], "population": [np.nan], "value": [9.0],
                              "parent": lookup.loc[codes[0], "LGD2014_cd"], "parent_name": lookup.loc[codes[0], "LGD2014_nm"],
                              "hidden": [pd.NA]}, geometry=[None])
    data = pd.DataFrame({"v": [9.0, 8.0, 10.0]}, index=codes)
    out = profile_pockets(local, level="sdz21", data=data, value="v")
    expected = lookup.loc[codes, "DEA2014_nm"].value_counts()
    assert out.pockets.loc[1, "wards"].split("; ")[0] == expected.index[0]
    assert out.members.loc[codes, "name"].tolist() == lookup.loc[codes, "SDZ2021_nm"].tolist()
    assert any("District Electoral Areas (2014)" in n for n in out.notes)
