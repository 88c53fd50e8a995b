"""Files in and out: spreadsheet-safe CSVs, a read-only cache, validated boundary files, and
the CLI's reading of INPUT files (issue 9, points 5 and 7)."""

from __future__ import annotations

import errno
import io
import json
import logging
import pathlib
import stat
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

import geo
from geo.cli import main
from geo.data import cache, csvsafe, products
from geo.data.readers import read_table

HOSTILE = ['=HYPERLINK("http://x")', "+1", "-cmd", "@SUM(A1)", "\tx", "\rx"]
LAD_FILE = "boundaries/Local_Authority_Districts_May_2024_Boundaries_UK_BUC.geojson"
CENSUS = "indicators/Census2021_usual_residents_LSOA21_EW.csv"


# --- spreadsheet formula neutralisation --------------------------------------------------


def _hostile_frame() -> pd.DataFrame:
    index = pd.Index([*HOSTILE, "E06000047", "plain"], name="=index")
    return pd.DataFrame(
        {
            "name": [*HOSTILE, "Durham", None],
            "change": [-3.2, 1.0, np.nan, -0.0, 5.0, -7.5, 2.0, -1e-9],
            "mixed": ["-x", -1, 2.5, None, "ok", "@y", "+", "-"],
            "code": ["E06000047", "W06000015", "S12000033", "N09000001", "E01000001", "TLC", "E92000001", "K04000001"],
            "@SUM(A1)": [1, 2, 3, 4, 5, 6, 7, -8],
            "\rcr": [True, False, True, False, True, False, True, False],
        },
        index=index,
    )


def test_export_csv_neutralises_text_cells_labels_and_index(tmp_path: Path) -> None:
    frame = _hostile_frame()
    before = frame.copy()
    path = geo.export(frame, tmp_path / "out.csv")
    pd.testing.assert_frame_equal(frame, before)  # the input is not changed
    back = pd.read_csv(path, index_col=0, dtype={"name": str, "mixed": str, "code": str})
    assert back.index.name == "'=index"
    assert back.index[:6].tolist() == ["'" + text for text in HOSTILE]
    assert back.index[6:].tolist() == ["E06000047", "plain"]
    assert back.columns.tolist() == ["name", "change", "mixed", "code", "'@SUM(A1)", "'\rcr"]
    assert back["name"].iloc[:6].tolist() == ["'" + text for text in HOSTILE]
    assert back["name"].iloc[6] == "Durham" and pd.isna(back["name"].iloc[7])
    # numbers untouched: negative, NaN, -0.0 and tiny values come back as numbers
    np.testing.assert_array_equal(back["change"].to_numpy(), frame["change"].to_numpy())
    assert back["change"].dtype == np.float64 and back["'@SUM(A1)"].tolist() == [1, 2, 3, 4, 5, 6, 7, -8]
    # in a mixed column only the text is neutralised: -1 and 2.5 stay numbers
    assert back["mixed"].tolist()[:3] == ["'-x", "-1", "2.5"] and back["mixed"].tolist()[4:] == ["ok", "'@y", "'+", "'-"]
    assert back["code"].tolist() == frame["code"].tolist()
    assert back["'\rcr"].tolist() == frame["\rcr"].tolist()
    raw = path.read_text()
    assert "-3.2" in raw and "'-3.2" not in raw and "\n=" not in raw and ",=" not in raw


def test_geodataframe_and_string_dtype_csv_are_neutralised(tmp_path: Path) -> None:
    layer = geo.boundaries("lad24", within="TLC").copy()
    layer["name"] = layer["name"].astype("string")
    layer.loc["E06000047", "name"] = "=1+1"
    path = geo.export(layer, tmp_path / "lads.csv")
    back = pd.read_csv(path, dtype=str).set_index("code")
    assert back.loc["E06000047", "name"] == "'=1+1"
    assert back.loc["E06000001", "name"] == "Hartlepool"
    assert list(back.columns) == ["name"]  # the geometry is dropped


def test_neutralise_leaves_safe_tables_as_they_are() -> None:
    frame = pd.DataFrame({"a": [1.5, -2.0], "b": ["x", "y"]}, index=pd.Index(["E1", "E2"], name="code"))
    safe = csvsafe.neutralise(frame)
    pd.testing.assert_frame_equal(safe, frame)
    multi = pd.DataFrame([[1]], columns=pd.MultiIndex.from_tuples([("-a", "b")]), index=pd.MultiIndex.from_tuples([("+x", 1)]))
    out = csvsafe.neutralise(multi)
    assert out.columns.tolist() == [("'-a", "b")] and out.index.tolist() == [("'+x", 1)]


def test_cli_aggregate_to_stdout_and_to_a_file_is_spreadsheet_safe(
    tmp_path: Path, mirror: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    census = pd.read_csv(mirror / CENSUS)
    census = census.rename(columns={"usual_residents_2021": "=cmd|' /C calc'!A0"})
    source = tmp_path / "census.csv"
    census.to_csv(source, index=False)
    args = ["aggregate", str(source), "--code", "LSOA21CD", "--value", "=cmd|' /C calc'!A0", "--kind", "count", "--to", "itl1"]
    assert main(args) == 0
    printed = pd.read_csv(io.StringIO(capsys.readouterr().out), index_col=0)
    assert "'=cmd|' /C calc'!A0" in printed.columns and "=cmd|' /C calc'!A0" not in printed.columns
    # the counts themselves are numbers, untouched: England and Wales add up to the file's total
    assert printed["'=cmd|' /C calc'!A0"].sum() == census["=cmd|' /C calc'!A0"].sum() == 59_597_576
    assert main([*args, "--out", str(tmp_path / "itl1.csv")]) == 0
    written = pd.read_csv(tmp_path / "itl1.csv", index_col=0)
    pd.testing.assert_frame_equal(written, printed)


# --- a read-only cache ---------------------------------------------------------------------


@pytest.fixture
def read_only_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A cache folder holding the lad24_rgn24 lookup, then made read-only (chmod 555).

    Root ignores the mode bits (CI runs as root), so the fixture probes with a real write:
    when the write succeeds, writes and deletions inside the folder are made to fail the way
    a read-only file system fails them (EROFS), so the fallback is exercised either way.
    """
    folder = tmp_path / "shared-cache"
    monkeypatch.setattr(geo.settings, "cache_dir", folder)
    monkeypatch.setattr(cache, "_stand_ins", {})
    cache.clear_memory()
    products.load("lad24_rgn24")
    folders = [folder, *[p for p in folder.rglob("*") if p.is_dir()]]
    for path in folders:
        path.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    probe = folder / "products/.probe"
    try:
        probe.write_bytes(b"")
    except PermissionError:
        pass  # not root: the mode bits alone make the folder read-only
    else:
        probe.unlink()
        inside = lambda path: folder in Path(path).parents  # noqa: E731
        write = cache.atomic_write_bytes
        unlink = pathlib.Path.unlink

        def refuse_write(dest: Path, data: bytes) -> None:
            if inside(dest):
                raise OSError(errno.EROFS, "Read-only file system", str(dest))
            write(dest, data)

        def refuse_unlink(self: Path, missing_ok: bool = False) -> None:
            if inside(self):
                raise OSError(errno.EROFS, "Read-only file system", str(self))
            unlink(self, missing_ok=missing_ok)

        monkeypatch.setattr(cache, "atomic_write_bytes", refuse_write)
        monkeypatch.setattr(pathlib.Path, "unlink", refuse_unlink)
    cache.clear_memory()
    yield folder
    for path in folders:
        path.chmod(0o755)
    cache.clear_memory()


def _listing(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*") if p.is_file()}


def test_read_only_cache_is_read_and_new_products_go_to_a_temporary_cache(
    read_only_cache: Path, mirror: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _listing(read_only_cache)
    with caplog.at_level(logging.WARNING, logger="geo.data.cache"):
        lookup = products.load("lad24_rgn24")  # already there: read, no warning
        assert caplog.text == ""
        lads = products.load("lad24_buc")  # new: cached elsewhere, with one warning
        products.load("lad24_csp24_pfa24")
    pd.testing.assert_frame_equal(lookup, pd.read_csv(mirror / "lookups/LAD24_RGN24_EN_LU.csv", dtype="string"))
    assert len(lads) == 361
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert str(read_only_cache) in warnings[0] and "not writable" in warnings[0]
    assert "geo.settings.cache_dir" in warnings[0] and "LEVELUP_CACHE" in warnings[0]
    stand_in = cache.writable_dir()
    assert stand_in != read_only_cache and str(stand_in) in warnings[0]
    assert (stand_in / "products/lad24_buc.parquet").is_file()
    assert _listing(read_only_cache) == before  # nothing written into the read-only folder
    # a new read (a new process would have nothing in memory) finds it in the stand-in
    cache.clear_memory()
    monkeypatch.setattr(products, "_fetch", lambda item: pytest.fail(f"{item.id} fetched again"))
    assert products.load("lad24_buc").equals(lads)
    keys = {entry["key"]: entry["source"] for entry in cache.entries()}
    assert keys["products/lad24_buc"].endswith("(this session only)")
    assert not keys["products/lad24_rgn24"].endswith("(this session only)")


def test_corrupt_entry_in_a_read_only_cache_is_ignored_and_refetched(
    read_only_cache: Path, mirror: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = read_only_cache / "products/lad24_rgn24.parquet"
    data = path.read_bytes()
    damaged = data[:1000] + bytes([data[1000] ^ 0xFF]) + data[1001:]
    path.chmod(0o644)  # the file's own mode: the test, not the package, damages it
    with open(path, "wb") as handle:
        handle.write(damaged)
    path.chmod(0o444)
    with caplog.at_level(logging.INFO, logger="geo.data.cache"):
        frame = products.load("lad24_rgn24")
    assert "checksum mismatch" in caplog.text and "lad24_rgn24.parquet" in caplog.text
    pd.testing.assert_frame_equal(frame, pd.read_csv(mirror / "lookups/LAD24_RGN24_EN_LU.csv", dtype="string"))
    assert path.read_bytes() == damaged  # could not be deleted: left in place, and ignored
    assert (cache.writable_dir() / "products/lad24_rgn24.parquet").is_file()


def test_other_write_failures_are_not_hidden(empty_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk is not a read-only folder: no silent fallback."""
    monkeypatch.setattr(cache, "_stand_ins", {})

    def full(dest: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(dest))

    monkeypatch.setattr(cache, "atomic_write_bytes", full)
    with pytest.raises(OSError, match="No space left"):
        cache.write("examples/x", pd.DataFrame({"a": [1]}), source="test", version="1")
    assert cache._stand_ins == {}


# --- boundary files with bad shapes ---------------------------------------------------------


def _mirror_with(tmp_path: Path, mirror: Path, edit: dict[str, dict[str, object] | None]) -> Path:
    """A mirror laid out like the real one whose LAD file has the given geometries replaced."""
    fake = tmp_path / "mirror"
    (fake / "boundaries").mkdir(parents=True)
    for folder in ("lookups", "indicators", "points"):
        (fake / folder).symlink_to(mirror / folder)
    for path in (mirror / "boundaries").iterdir():
        if path.name != Path(LAD_FILE).name:
            (fake / "boundaries" / path.name).symlink_to(path)
    collection = json.loads((mirror / LAD_FILE).read_text())
    for feature in collection["features"]:
        code = feature["properties"]["LAD24CD"]
        if code in edit:
            feature["geometry"] = edit[code]
    (fake / LAD_FILE).write_text(json.dumps(collection))
    return fake


def _polygon(*points: tuple[float, float]) -> dict[str, object]:
    return {"type": "Polygon", "coordinates": [[list(p) for p in (*points, points[0])]]}


def test_a_bow_tie_boundary_is_repaired_and_logged(
    tmp_path: Path, mirror: Path, empty_cache: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # two triangles meeting at (-1.7, 54.7): each 0.2 degrees high and 0.1 wide, 0.01 square degrees
    bow_tie = _polygon((-1.8, 54.6), (-1.6, 54.8), (-1.6, 54.6), (-1.8, 54.8))
    monkeypatch.setattr(geo.settings, "mirror", str(_mirror_with(tmp_path, mirror, {"E06000047": bow_tie})))
    with caplog.at_level(logging.INFO, logger="geo.geography.layers"):
        lads = geo.boundaries("lad24")
    assert "repaired 1 invalid shapes" in caplog.text and "'E06000047'" in caplog.text and "lad24_buc" in caplog.text
    assert len(lads) == 361 and lads.is_valid.all()
    durham = lads.loc[["E06000047"]].to_crs(4326).geometry.iloc[0]
    assert durham.geom_type == "MultiPolygon" and len(durham.geoms) == 2
    # the projection round trip bends the edges slightly: 0.5 % is far below the lost half
    assert durham.area == pytest.approx(0.02, rel=5e-3)
    published = pyogrio.read_dataframe(mirror / LAD_FILE).set_index("LAD24CD").to_crs(27700)
    assert shapely.equals_exact(lads.loc["E06000001", "geometry"], published.loc["E06000001", "geometry"], 1e-6)


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        ({"E06000001": None, "E09000001": None}, r"lad24_buc.*2 areas have no shape \(null or empty geometry\): 'E06000001', 'E09000001'"),
        ({"W06000015": {"type": "Polygon", "coordinates": []}}, r"lad24_buc.*1 areas have no shape.*'W06000015'"),
        ({"S12000033": _polygon((-2.2, 57.1), (-2.1, 57.2), (-2.0, 57.3))}, r"lad24_buc.*degenerate shape with no area.*'S12000033'"),
    ],
    ids=["null", "empty", "zero-area"],
)
def test_null_empty_and_degenerate_boundaries_are_refused(
    tmp_path: Path, mirror: Path, empty_cache: Path, monkeypatch: pytest.MonkeyPatch, edit: dict[str, object], match: str
) -> None:
    monkeypatch.setattr(geo.settings, "mirror", str(_mirror_with(tmp_path, mirror, edit)))
    with pytest.raises(geo.DataError, match=match):
        geo.boundaries("lad24")
    # the refused file is not kept in the cache: the corrected file is read on the next run
    assert not (empty_cache / "products/lad24_buc.parquet").exists()
    monkeypatch.setattr(geo.settings, "mirror", str(mirror))
    assert len(geo.boundaries("lad24")) == 361


def test_real_invalid_data_zones_are_repaired(empty_cache: Path, mirror: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The Scottish data zone file as published has ten invalid shapes (nested holes)."""
    raw = pyogrio.read_dataframe(mirror / "boundaries/SG_DataZoneBdry_2011.geojson").to_crs(27700)
    invalid = raw.loc[~raw.is_valid, "DataZone"].tolist()
    assert len(invalid) == 10
    with caplog.at_level(logging.INFO, logger="geo.geography.layers"):
        zones = geo.boundaries("dz11")
    assert "repaired 10 invalid shapes" in caplog.text and all(f"'{code}'" in caplog.text for code in invalid[:5])
    assert zones.is_valid.all() and len(zones) == 6976
    fixed = raw.set_index("DataZone").loc[invalid].make_valid()
    np.testing.assert_allclose(zones.loc[invalid].area.to_numpy(), fixed.area.to_numpy(), rtol=1e-9)


# --- the CLI's INPUT files -----------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], path: Path | str) -> str:
    args = ["aggregate", str(path), "--value", "n", "--kind", "count", "--to", "lad24"]
    assert main(args) == 2
    error = capsys.readouterr().err
    assert error.startswith("levelup: error: INPUT ") and "Traceback" not in error
    return error


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("missing.csv", None, r"INPUT '.*missing.csv': no such file"),
        ("folder.csv", "folder", r"INPUT '.*folder.csv' is a folder"),
        ("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r"INPUT '.*binary.csv' holds binary data"),
        ("empty.csv", b"", r"INPUT '.*empty.csv' is empty"),
        ("blank.csv", b"\n\n  \n", r"INPUT '.*blank.csv' is empty"),
        ("header.csv", b"LSOA21CD,n\n", r"INPUT '.*header.csv' has a header \(LSOA21CD, n\) but no rows"),
        ("sheet.xlsx", b"PK\x03\x04", r"INPUT '.*sheet.xlsx': cannot read a .xlsx file; expected a .csv.*CSV UTF-8"),
        ("noext", b"a,b\n1,2\n", r"INPUT '.*noext': cannot read a file without an extension"),
        ("latin.csv", b"code,n\n\x81\x8d,1\n", r"INPUT '.*latin.csv' is neither UTF-8 nor Windows-1252"),
        ("broken.gpkg", b"SQLite format 3\x00 but not really", r"INPUT '.*broken.gpkg': cannot read it as a .gpkg file"),
        ("broken.parquet", b"PAR1 truncated", r"INPUT '.*broken.parquet': cannot read it as a .parquet file"),
        ("ragged.csv", b'code,n\n"E01000001,1\n', r"INPUT '.*ragged.csv': cannot read it as a .csv file"),
    ],
)
def test_bad_input_files_give_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes | str | None, match: str
) -> None:
    path = tmp_path / name
    if content == "folder":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    assert _run(capsys, path)
    with pytest.raises(geo.InputError, match=match):
        read_table(path, argument="INPUT")


def test_unreadable_input_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.csv"
    path.write_text("LSOA21CD,n\nE01000001,1\n")
    path.chmod(0)
    opened = pathlib.Path.open

    def refuse(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if self == path:  # root ignores mode 000; fail the way everyone else would
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return opened(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pathlib.Path, "open", refuse)
    assert "permission denied" in _run(capsys, path)
    path.chmod(0o644)


def test_codes_are_read_as_text_and_numbers_as_numbers(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes("\ufeffcode,ward,count,rate,label\n01234,007,7,0.5,=x\nE06000047,010,3,,b\n".encode())
    table = read_table(path)
    assert table.columns.tolist() == ["code", "ward", "count", "rate", "label"]  # the BOM is not in the name
    assert table["code"].tolist() == ["01234", "E06000047"]
    assert table["ward"].tolist() == ["007", "010"]  # leading zeros: text
    assert table["count"].dtype == np.int64 and table["count"].tolist() == [7, 3]
    assert table["rate"].dtype == np.float64 and table["rate"].iloc[0] == 0.5 and np.isnan(table["rate"].iloc[1])
    assert table["label"].tolist() == ["=x", "b"]  # read as written; neutralised only on output


def test_cli_reads_an_excel_csv_and_a_geopackage(tmp_path: Path, mirror: Path, capsys: pytest.CaptureFixture[str]) -> None:
    census = pd.read_csv(mirror / CENSUS)
    expected = census["usual_residents_2021"].sum()
    excel = tmp_path / "census.csv"
    excel.write_bytes(census.to_csv(index=False).encode("utf-8-sig"))
    assert main(["aggregate", str(excel), "--value", "usual_residents_2021", "--kind", "count", "--to", "ctry"]) == 0
    assert pd.read_csv(io.StringIO(capsys.readouterr().out), index_col=0)["usual_residents_2021"].sum() == expected
    layer = geo.boundaries("lsoa21").join(census.set_index("LSOA21CD"))
    geo.export(layer, tmp_path / "census.gpkg")
    assert main(["aggregate", str(tmp_path / "census.gpkg"), "--code", "code", "--value", "usual_residents_2021",
                 "--kind", "count", "--to", "ctry"]) == 0
    assert pd.read_csv(io.StringIO(capsys.readouterr().out), index_col=0)["usual_residents_2021"].sum() == expected
