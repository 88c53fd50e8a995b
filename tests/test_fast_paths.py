"""The fast paths of issue 11 give the answers of the plain libraries and of the full checks.

Level detection from a sample, the one-look-up validation of ``prepare``, the vectorised
pockets table, ``pockets(only=...)`` and the coverage union of pocket outlines; expected
values come from pandas, scipy, libpysal and geopandas run directly on the mirror's files.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from libpysal.weights import Queen
from scipy.sparse.csgraph import connected_components

import geo
from geo.geography.detect import one_level
from geo.statistics.pockets import _merged


@pytest.fixture(scope="module")
def iod(mirror: Path) -> pd.DataFrame:
    return pd.read_csv(mirror / "indicators/IoD2025_LSOA21_EN_scores_ranks_deciles.csv")


@pytest.fixture(scope="module")
def residents(mirror: Path) -> pd.DataFrame:
    return pd.read_csv(mirror / "indicators/Census2021_usual_residents_LSOA21_EW.csv")


def test_detected_level_equals_the_full_count() -> None:
    lsoa21 = geo.areas("lsoa21").index.to_numpy(dtype=object)
    match, positions = one_level(lsoa21)
    assert (match.level, match.n_codes, match.also) == ("lsoa21", 35672, ())
    assert (positions == np.arange(35672)).all()  # the area list is the code index
    shared = np.intersect1d(lsoa21, geo.areas("lsoa11").index.to_numpy(dtype=object))[:500]
    assert one_level(shared)[0].also == ("lsoa11",)  # codes of both vintages: 2021 first, as detect_level
    assert one_level(np.array(["E06000047", "X"], dtype=object)) is None  # an unknown code: the full count decides
    lsoa11 = geo.areas("lsoa11").index.to_numpy(dtype=object)
    # np.setdiff1d compares object arrays pair by pair (35 s here): the same sorted differences through sets
    only_2011 = np.array(sorted(set(lsoa11) - set(lsoa21)), dtype=object)
    only_2021 = np.array(sorted(set(lsoa21) - set(lsoa11)), dtype=object)
    assert one_level(np.concatenate([lsoa21[:100], only_2011[:3]]))[0].level == "lsoa11"  # all 103 are 2011 codes
    mixed = np.concatenate([only_2021[:100], only_2011[:3]])
    assert one_level(mixed) is None  # a mixture of vintages: the full count names it
    with pytest.raises(geo.InputError, match=r"codes mixes vintages: 100 codes are lsoa21; 3 only in lsoa11"):
        geo.detect_level(mixed)


def test_aggregate_with_detection_equals_merge_and_groupby(residents: pd.DataFrame, mirror: Path) -> None:
    shuffled = residents.sample(frac=1.0, random_state=7).reset_index(drop=True)
    shuffled["LSOA21CD"] = " " + shuffled["LSOA21CD"].str.lower()  # trimmed and upper-cased on the way in
    lookup = pd.read_csv(mirror / "lookups/LSOA21_WD24_LAD24_EW_LU.csv", usecols=["LSOA21CD", "LAD24CD"], dtype=str)
    expected = residents.merge(lookup, on="LSOA21CD").groupby("LAD24CD")["usual_residents_2021"].sum()
    found = geo.aggregate(shuffled, code="LSOA21CD", to="lad24", value="usual_residents_2021", kind="count")
    assert found.attrs["level"] == "lsoa21" and found["usual_residents_2021"].to_dict() == expected.astype(float).to_dict()
    assert (found["children_missing"] == 0).all() and shuffled["LSOA21CD"].iloc[0].startswith(" ")  # input untouched


def test_duplicated_valid_codes_still_refused(residents: pd.DataFrame) -> None:
    twice = pd.concat([residents, residents.iloc[:2]])
    with pytest.raises(geo.InputError, match=r"data has 2 duplicated area codes \('E01000001', 'E01000002'\)"):
        geo.aggregate(twice, code="LSOA21CD", to="lad24", value="usual_residents_2021", kind="count")
    with pytest.raises(geo.InputError, match=r"data has 2 duplicated area codes"):
        geo.aggregate(twice, code="LSOA21CD", to="lad24", value="usual_residents_2021", kind="count", level="lsoa21")


def _plain_pockets(iod: pd.DataFrame, region: str, mirror: Path) -> gpd.GeoDataFrame:
    """Decile-1 LSOAs of a region, queen components cut at district borders, dissolved: by hand."""
    layer = geo.boundaries("lsoa21", within=region)
    codes = iod.loc[(iod["IMD_decile"] == 1) & iod["LSOA21CD"].isin(layer.index), "LSOA21CD"].to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = Queen.from_dataframe(layer.loc[codes], use_index=True, silence_warnings=True)
    lookup = pd.read_csv(mirror / "lookups/LSOA21_WD24_LAD24_EW_LU.csv", usecols=["LSOA21CD", "LAD24CD"], dtype=str)
    district = lookup.drop_duplicates("LSOA21CD").set_index("LSOA21CD")["LAD24CD"].reindex(w.id_order).to_numpy()
    links = w.sparse.tocoo()
    keep = district[links.row] == district[links.col]
    graph = np.zeros((len(codes), len(codes)))
    graph[links.row[keep], links.col[keep]] = 1
    _, label = connected_components(graph, directed=False)
    frame = gpd.GeoDataFrame({"label": label, "code": w.id_order}, geometry=layer.geometry.loc[w.id_order].to_numpy(), crs=layer.crs)
    dissolved = frame.dissolve("label", aggfunc={"code": lambda c: ",".join(sorted(c))})
    return dissolved.set_index("code")


def test_pockets_equal_components_and_dissolve_by_hand(iod: pd.DataFrame, mirror: Path) -> None:
    found = geo.pockets(iod, code="LSOA21CD", value="IMD_score", worse="high")
    north_east = found[found["itl1"] == "TLC"].set_index("codes")
    plain = _plain_pockets(iod, "TLC", mirror)
    assert sorted(north_east.index) == sorted(plain.index) and len(plain) > 20
    same = shapely.equals(north_east.geometry.loc[plain.index].to_numpy(), plain.geometry.to_numpy())
    assert same.all()


def test_pockets_only_some_parents(iod: pd.DataFrame) -> None:
    full = geo.pockets(iod, code="LSOA21CD", value="IMD_score", worse="high")
    durham = geo.pockets(iod, code="LSOA21CD", value="IMD_score", worse="high", only=" e06000047")
    expected = full[full["parent"] == "E06000047"].reset_index(drop=True)
    assert len(durham) == len(expected) > 5 and durham["pocket"].tolist() == list(range(1, len(durham) + 1))
    pd.testing.assert_frame_equal(pd.DataFrame(durham.drop(columns=["pocket", "geometry"])),
                                  pd.DataFrame(expected.drop(columns=["pocket", "geometry"])))
    assert shapely.equals(durham.geometry.to_numpy(), expected.geometry.to_numpy()).all()
    assert durham.attrs["only"] == ["E06000047"] and durham.attrs["national_value"] == full.attrs["national_value"]
    two = geo.pockets(iod, code="LSOA21CD", value="IMD_score", worse="high", only=["E06000047", "E08000021"])
    assert set(two["parent"]) == {"E06000047", "E08000021"} and len(two) == int(full["parent"].isin(["E06000047", "E08000021"]).sum())
    counties = geo.pockets(iod, code="LSOA21CD", value="IMD_score", worse="high", within="utla23", only="E10000007")  # Derbyshire
    assert set(counties["parent"]) == {"E10000007"} and set(counties["parent_name"]) == {"Derbyshire"}
    rutland = geo.pockets(iod, code="LSOA21CD", value="IMD_score", worse="high", only="E06000017")  # no decile-1 LSOA
    assert rutland.empty and list(rutland.columns) == list(full.columns) and rutland.attrs["only"] == ["E06000017"]


def test_pockets_only_refuses_other_codes(iod: pd.DataFrame) -> None:
    with pytest.raises(geo.InputError, match=r"only=\['E06000047', 'TLC'\]: 1 codes are not lad24 areas \('TLC'\); pass codes of the within= level lad24"):
        geo.pockets(iod, code="LSOA21CD", value="IMD_score", worse="high", only=["E06000047", "TLC"])
    with pytest.raises(geo.InputError, match=r"only=\[\] is empty; pass at least one lad24 code"):
        geo.pockets(iod, code="LSOA21CD", value="IMD_score", worse="high", only=[])
    with pytest.raises(geo.InputError, match=r"only=47; expected a lad24 code or a list of lad24 codes"):
        geo.pockets(iod, code="LSOA21CD", value="IMD_score", worse="high", only=47)  # type: ignore[arg-type]


def test_outlines_by_hand() -> None:
    left, right = shapely.box(0, 0, 2, 2), shapely.box(2, 0, 4, 2)  # edge to edge: a coverage
    merged = _merged(np.array([left, right]))
    assert merged.geom_type == "Polygon" and merged.area == 8.0 and merged.equals(shapely.box(0, 0, 4, 2))
    overlapping = _merged(np.array([left, shapely.box(1, 0, 3, 2)]))  # not a coverage: the overlay union
    assert overlapping.area == 6.0 and overlapping.equals(shapely.box(0, 0, 3, 2))
    apart = _merged(np.array([left, shapely.box(5, 0, 6, 1)]))
    assert apart.geom_type == "MultiPolygon" and apart.area == 5.0


def test_outlines_of_several_pockets_in_one_call() -> None:
    from geo.statistics.pockets import _outlines

    # pockets as runs of one array: [0:1] one area, [1:3] edge to edge, [3:5] overlapping, [5:8] three in a row
    shapes = np.array([shapely.box(9, 9, 10, 10),
                       shapely.box(0, 0, 2, 2), shapely.box(2, 0, 4, 2),
                       shapely.box(0, 5, 2, 7), shapely.box(1, 5, 3, 7),
                       shapely.box(0, 10, 1, 11), shapely.box(1, 10, 2, 11), shapely.box(2, 10, 3, 11)], dtype=object)
    offsets = np.array([0, 1, 3, 5, 8])
    out = _outlines(shapes, offsets, np.array([3, 0, 2, 1]))  # in any order
    assert out[0].equals(shapely.box(0, 10, 3, 11)) and out[0].area == 3.0
    assert out[1] is shapes[0]  # one area keeps its shape
    assert out[2].equals(shapely.box(0, 5, 3, 7)) and out[2].area == 6.0  # overlapping: the overlay union, not 8
    assert out[3].equals(shapely.box(0, 0, 4, 2)) and out[3].area == 8.0
    assert all(shapely.is_valid(out))


def test_connected_components_equal_scipy() -> None:
    from scipy.sparse import coo_matrix

    from geo.statistics.pockets import connected

    rng = np.random.default_rng(5)
    for count, edges in [(0, 0), (1, 0), (7, 0), (50, 30), (3_000, 2_500), (20_000, 30_000)]:
        first, second = rng.integers(0, max(count, 1), edges), rng.integers(0, max(count, 1), edges)
        graph = coo_matrix((np.ones(edges), (first, second)), shape=(count, count))
        assert np.array_equal(connected(count, first, second), connected_components(graph, directed=False)[1])
    order = rng.permutation(10_000)  # one long chain, numbered at random: the worst case for label spreading
    chain = coo_matrix((np.ones(9_999), (order[:-1], order[1:])), shape=(10_000, 10_000))
    assert np.array_equal(connected(10_000, order[:-1], order[1:]), connected_components(chain, directed=False)[1])


def test_boundaries_projected_on_threads_equal_to_crs(mirror: Path) -> None:
    from geo.geography.layers import to_grid

    raw = gpd.read_file(mirror / "boundaries/Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BSC_V4.geojson",
                        engine="pyogrio", use_arrow=True)
    expected = raw.geometry.to_crs(27700)
    found = to_grid(raw.geometry, threads=3)
    assert found.crs.to_epsg() == 27700 and found.index.equals(expected.index)
    assert shapely.equals_exact(found.to_numpy(), expected.to_numpy(), tolerance=0).all()
