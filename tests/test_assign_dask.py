"""geo.assign at scale: the point index's rule on hand-made squares, Dask frames and files
(lazy, equal to the in-memory result), a distributed LocalCluster, and ``levelup assign``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dask.dataframe as dd
import dask_geopandas
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import geo
from geo.moving.assignment_dask import assign_lazy, count_points, read_points, write_assigned
from geo.moving.point_index import PolygonIndex, polygon_index

LEVELUP = Path(sys.executable).parent / "levelup"
#: Four 1 km squares in British National Grid (inside England), codes made up: S1 S2 / S3 S4
#: from the south-west corner (400 000, 300 000), S1 bottom-left, S2 bottom-right.
X0, Y0 = 400_000.0, 300_000.0
SQUARES = gpd.GeoDataFrame(
    {"geometry": [shapely.box(X0 + dx, Y0 + dy, X0 + dx + 1000, Y0 + dy + 1000) for dy in (0, 1000) for dx in (0, 1000)]},
    index=pd.Index(["S3", "S4", "S1", "S2"], name="square"), crs=27700)  # bottom row S3 S4, top row S1 S2


def _points() -> pd.DataFrame:
    """Points whose squares are known by hand (the lowest code wins on an edge)."""
    return pd.DataFrame({
        "easting": [X0 + 500, X0 + 1500, X0 + 500, X0 + 1500, X0 + 1000, X0 + 1000, X0 + 500, X0 + 5000],
        "northing": [Y0 + 500, Y0 + 500, Y0 + 1500, Y0 + 1500, Y0 + 500, Y0 + 1000, Y0 + 2000, Y0 + 500],
    })


EXPECTED = ["S3", "S4", "S1", "S2", "S3", "S1", "S1", None]  # 5th: S3|S4 edge; 6th: corner of all four; 7th: S1's outer edge
HOW = ["contains", "contains", "contains", "contains", "edge", "edge", "contains", None]


def test_polygon_index_squares_by_hand() -> None:
    index = PolygonIndex.build(SQUARES.index, SQUARES.geometry.to_numpy())
    frame = _points()
    position, hits = index.locate(frame["easting"].to_numpy(), frame["northing"].to_numpy())
    assert index.codes_at(position).tolist() == [pd.NA if code is None else code for code in EXPECTED]
    assert hits.tolist() == [1, 1, 1, 1, 2, 4, 1, 0]


def test_assign_with_areas_in_memory_and_on_dask() -> None:
    frame = _points()
    out = geo.assign(frame, areas=SQUARES)
    assert out["square"].astype(object).where(out["square"].notna(), None).tolist() == EXPECTED
    assert out["assigned_by"].astype(object).where(out["assigned_by"].notna(), None).tolist() == HOW
    assert out.attrs["report"]["on_edge"] == 2 and out.attrs["report"]["unassigned"] == 1
    lazy = geo.assign(dd.from_pandas(frame, npartitions=3), areas=SQUARES)
    assert lazy.npartitions == 3 and not isinstance(lazy, pd.DataFrame)
    got = lazy.compute()
    pd.testing.assert_frame_equal(got, out, check_like=False)
    assert count_points(lazy, level="square")["points"].to_dict() == {"S1": 3, "S2": 1, "S3": 2, "S4": 1}


def test_count_points_on_squares_level_must_be_a_column() -> None:
    lazy = geo.assign(dd.from_pandas(_points(), npartitions=2), areas=SQUARES)
    with pytest.raises(geo.InputError, match=r"level='lsoa21': assigned has no column 'lsoa21'"):
        count_points(lazy)


def test_nearest_within_on_dask_squares() -> None:
    frame = _points()
    got = geo.assign(dd.from_pandas(frame, npartitions=2), areas=SQUARES, nearest_within=5000).compute()
    assert got["square"].iloc[-1] == "S4" and got["assigned_by"].iloc[-1] == "nearest"  # 4 km east of S4


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    """100 000 points: the Trafford postcodes, jittered, and uniform points across England and Wales."""
    mirror = Path(geo.settings.get_mirror())
    postcodes = pd.read_csv(mirror / "points/onspd_trafford_2025-02.csv", usecols=["lon", "lat"])
    rng = np.random.default_rng(11)
    lsoas = polygon_index("lsoa21")
    x0, y0 = lsoas.bounds[:, 0].min(), lsoas.bounds[:, 1].min()
    x1, y1 = lsoas.bounds[:, 2].max(), lsoas.bounds[:, 3].max()
    near = postcodes.sample(50_000, replace=True, random_state=1).reset_index(drop=True)
    east, north = gpd.GeoSeries(gpd.points_from_xy(near["lon"], near["lat"]), crs=4326).to_crs(27700).pipe(lambda s: (s.x, s.y))
    return pd.DataFrame({"id": np.arange(100_000),
                         "easting": np.concatenate([east + rng.normal(0, 50, 50_000), rng.uniform(x0, x1, 50_000)]),
                         "northing": np.concatenate([north + rng.normal(0, 50, 50_000), rng.uniform(y0, y1, 50_000)])})


@pytest.fixture(scope="module")
def in_memory(sample: pd.DataFrame) -> pd.DataFrame:
    return geo.assign(sample)


def test_real_data_dask_equals_in_memory_and_sjoin(sample: pd.DataFrame, in_memory: pd.DataFrame) -> None:
    lazy = geo.assign(dd.from_pandas(sample, npartitions=4))
    pd.testing.assert_frame_equal(lazy.compute(), in_memory)
    # outside the code under test: geopandas' own spatial join (points strictly inside)
    layer = geo.boundaries("lsoa21")
    points = gpd.GeoDataFrame(sample, geometry=gpd.points_from_xy(sample["easting"], sample["northing"]), crs=27700)
    joined = gpd.sjoin(points, layer[["geometry"]], predicate="within")["code"]
    assert not joined.index.duplicated().any()  # no point strictly inside two LSOAs
    ours = in_memory["lsoa21"].astype(object)
    assert (ours.loc[joined.index] == joined).all()
    not_inside = ours.drop(joined.index)
    assert (not_inside.isna() | (in_memory.loc[not_inside.index, "assigned_by"] == "edge")).all()
    # per-district counts: Dask counts per LSOA, then the lookup (plain pandas here)
    by_district = count_points(lazy, to="lad24")
    lookup = geo.lookup("lsoa21", "lad24").set_index("lsoa21")["lad24"]
    expected = ours.dropna().map(lookup).value_counts()
    assert by_district["points"].dropna().astype(int).sort_index().to_dict() == expected.sort_index().to_dict()


def test_dask_geopandas_frame_in_lon_lat(sample: pd.DataFrame) -> None:
    head = sample.head(20_000)
    shapes = gpd.GeoSeries(gpd.points_from_xy(head["easting"], head["northing"]), crs=27700).to_crs(4326)
    points = dask_geopandas.from_geopandas(gpd.GeoDataFrame(head[["id"]], geometry=shapes), npartitions=2)
    got = geo.assign(points).compute()
    expected = geo.assign(head)["lsoa21"]
    # a round trip through degrees moves points by nanometres: only points on an edge may differ
    agree = (got["lsoa21"].astype(object).fillna("-").to_numpy() == expected.astype(object).fillna("-").to_numpy()).mean()
    assert agree > 0.9999 and isinstance(got, gpd.GeoDataFrame)


def test_local_cluster_of_two_workers(sample: pd.DataFrame, in_memory: pd.DataFrame) -> None:
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster):
        lazy = geo.assign(dd.from_pandas(sample, npartitions=4))
        got = lazy.compute()
        counts = count_points(lazy)
    pd.testing.assert_frame_equal(got, in_memory)
    assert counts["points"].sum() == in_memory["lsoa21"].notna().sum()


def test_parquet_and_csv_paths(tmp_path: Path, sample: pd.DataFrame) -> None:
    head = sample.head(30_000)
    for n in range(3):
        head.iloc[n * 10_000:(n + 1) * 10_000].to_parquet(tmp_path / f"part{n}.parquet")
    head.to_csv(tmp_path / "points.csv", index=False)
    expected = geo.assign(head)["lsoa21"].tolist()
    from_glob = geo.assign(str(tmp_path / "part*.parquet")).compute()
    assert from_glob["lsoa21"].tolist() == expected and from_glob["id"].tolist() == head["id"].tolist()
    assert geo.assign(tmp_path / "points.csv").compute()["lsoa21"].tolist() == expected
    out = tmp_path / "codes.csv"
    tally = write_assigned(geo.assign(str(tmp_path / "part*.parquet")), out, progress=False, batch=2)
    written = pd.read_csv(out)
    assert written["lsoa21"].fillna("-").tolist() == pd.Series(expected, dtype=object).fillna("-").tolist()
    assert tally["points"] == 30_000 and tally["assigned"] == sum(code is not pd.NA for code in expected)
    with pytest.raises(geo.InputError, match=r"out='.*codes.csv' exists; pass overwrite=True"):
        write_assigned(geo.assign(str(tmp_path / "part*.parquet")), out, progress=False)


def test_cli_assign_small_parquet(tmp_path: Path, sample: pd.DataFrame) -> None:
    head = sample.head(5_000)
    head.to_parquet(tmp_path / "points.parquet")
    out = tmp_path / "codes.parquet"
    done = subprocess.run([str(LEVELUP), "assign", str(tmp_path / "points.parquet"), "--to", "lsoa21", "--out", str(out)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "assign:" in done.stderr and "100%" in done.stderr  # the progress bar
    written = pd.read_parquet(out)
    assert written["lsoa21"].tolist() == geo.assign(head)["lsoa21"].tolist()



def test_cli_assign_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from geo.cli import main

    pd.DataFrame({"easting": [X0 + 500], "northing": [Y0 + 500]}).to_parquet(tmp_path / "points.parquet")
    (tmp_path / "codes.csv").write_text("earlier")
    assert main(["assign", str(tmp_path / "points.parquet"), "--to", "lsoa21", "--out", str(tmp_path / "codes.csv")]) == 2
    assert "exists; pass --overwrite to replace it" in capsys.readouterr().err
    assert main(["assign", str(tmp_path / "nothing*.parquet"), "--out", str(tmp_path / "out.csv")]) == 2
    assert "INPUT" in (err := capsys.readouterr().err) and "no such file" in err
    assert main(["assign", str(tmp_path / "points.parquet"), "--to", "nowhere", "--out", str(tmp_path / "out.csv")]) == 2
    assert "--to" in capsys.readouterr().err
    assert main(["assign", str(tmp_path / "points.parquet"), "--out", str(tmp_path / "out.csv"), "--overwrite", "--quiet"]) == 0
    assert pd.read_csv(tmp_path / "out.csv")["lsoa21"].notna().all() and (tmp_path / "codes.csv").read_text() == "earlier"


def test_errors() -> None:
    with pytest.raises(geo.InputError, match=r"points='no/such\.parquet': no such file or folder"):
        read_points("no/such.parquet")
    with pytest.raises(geo.InputError, match=r"nearest_within=-5"):
        assign_lazy(dd.from_pandas(_points(), npartitions=1), nearest_within=-5)
    with pytest.raises(geo.InputError, match=r"points already has the column\(s\) 'lsoa21'"):
        assign_lazy(dd.from_pandas(_points().assign(lsoa21="x"), npartitions=1))
    with pytest.raises(geo.InputError, match=r"areas= must be a GeoDataFrame of polygons with a CRS"):
        geo.assign(_points(), areas=SQUARES.set_crs(None, allow_override=True))
    with pytest.raises(geo.InputError, match=r"areas= must hold one polygon per code"):
        geo.assign(_points(), areas=pd.concat([SQUARES, SQUARES]))
    with pytest.raises(geo.InputError, match=r"out='x.txt': expected a .parquet or .csv file"):
        write_assigned(assign_lazy(dd.from_pandas(_points(), npartitions=1), areas=SQUARES), "x.txt")
    lazy = assign_lazy(dd.from_pandas(pd.DataFrame({"easting": [51.5], "northing": [-0.1]}), npartitions=1))
    with pytest.raises(geo.InputError, match=r"none of the 1 points lies in the UK"):  # refused when computed
        lazy.compute()
