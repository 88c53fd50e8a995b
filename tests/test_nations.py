"""All four nations: the Welsh and Scottish indices in the catalogue, their deprivation summaries
(checked against plain pandas on the raw mirror files), the report's default indicator per
nation, and Northern Ireland (no small-area index: a user's indicator, the default refused)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest

import geo
from geo import catalogue
from geo.cli import main
from geo.outputs import report_batch
from geo.outputs.report import MARKER, build_report, prepare_report
from geo.statistics.deprivation import deprivation_summary
from geo.statistics.indices import NOT_COMPARABLE, boundary_deciles, deprivation_index, indices

WIMD = "indicators/WIMD2019_LSOA11_WA_scores_ranks_deciles.csv"
SIMD = "indicators/SIMD2020_DZ11_SC_ranks_deciles.csv"


@pytest.fixture(scope="module")
def wimd_raw(mirror: Path) -> pd.DataFrame:
    """The raw WIMD file with each LSOA 2011's district from the raw ONS lookup (Welsh codes did not change 2022 → 2024)."""
    raw = pd.read_csv(mirror / WIMD, dtype={"LSOA11CD": str})
    lookup = pd.read_csv(mirror / "lookups/LSOA11_LSOA21_LAD22_EW_LU.csv", dtype=str)
    district = lookup.drop_duplicates("LSOA11CD").set_index("LSOA11CD")["LAD22CD"]
    return raw.assign(lad=district.reindex(raw["LSOA11CD"]).to_numpy())


@pytest.fixture(scope="module")
def simd_raw(mirror: Path) -> pd.DataFrame:
    raw = pd.read_csv(mirror / SIMD, dtype={"DZ11CD": str})
    lookup = pd.read_csv(mirror / "lookups/DZ11_IZ11_LAD20_SC_LU.csv", dtype=str).set_index("DZ11CD")["LAD20CD"]
    return raw.assign(lad=lookup.reindex(raw["DZ11CD"]).to_numpy())


# --- catalogue and registry ---------------------------------------------------------------


@pytest.mark.parametrize(("product", "rows", "publisher", "code"), [
    ("wimd2019", 1909, "Welsh Government", "LSOA11CD"),
    ("simd2020", 6976, "Scottish Government", "DZ11CD"),
])
def test_catalogue_entries_load_with_their_rows(product: str, rows: int, publisher: str, code: str, mirror: Path) -> None:
    item = catalogue.product(product)
    assert item.publisher == publisher and item.licence == "Open Government Licence v3.0" and item.url.startswith("https://www.gov.")
    frame = geo.data.products.load(product)
    raw = pd.read_csv(mirror / item.file, dtype={code: str})
    assert len(frame) == rows == len(raw) and frame[code].is_unique
    pd.testing.assert_frame_equal(frame.drop(columns=code).reset_index(drop=True), raw.drop(columns=code), check_dtype=False)


def test_every_index_names_columns_its_file_has() -> None:
    assert sorted(indices()) == ["iod2019", "iod2025", "simd2020", "wimd2019"]
    assert {n: deprivation_index(n).id for n in ("England", "W", "S92000003")} == {"England": "iod2025", "W": "wimd2019", "S92000003": "simd2020"}
    for index in indices().values():
        frame = index.load()
        assert set(index.columns) <= set(frame.columns), (index.id, set(index.columns) - set(frame.columns))
        assert len(frame) == index.national_count == int(frame[index.rank].max())
        assert int((frame[index.decile] == 1).sum()) in range(index.national_count // 10 - 1, index.national_count // 10 + 3)
    assert [len(deprivation_index(k).domains) for k in ("iod2025", "wimd2019", "simd2020")] == [7, 8, 7]
    assert deprivation_index("simd2020").score is None and deprivation_index("simd2020").domain_scores == {}
    assert deprivation_index("wimd2019").domain_ranks["Community safety"] == "Crime_rank"


def test_unknown_index_and_northern_ireland_are_refused() -> None:
    with pytest.raises(geo.CoverageError, match=r"Northern Ireland has no small-area deprivation index in the catalogue"):
        deprivation_index("N92000002")
    with pytest.raises(geo.InputError, match=r"index='nimdm2017' is neither a deprivation index .*'iod2025'"):
        deprivation_index("nimdm2017")


# --- WIMD on LSOA 2021 --------------------------------------------------------------------


def test_boundary_deciles_by_hand() -> None:
    published = pd.Series([10.0, 9.0, 6.0, 5.0, 2.0, 1.0])
    deciles = pd.Series([1, 1, 2, 2, 3, 3])
    got = boundary_deciles(pd.Series([9.5, 9.0, 8.99, 5.0, 4.0, 0.5, np.nan]), published, deciles)
    assert got.tolist() == [1, 1, 2, 2, 3, 3, pd.NA]
    with pytest.raises(geo.InputError, match=r"scores/deciles are empty"):
        boundary_deciles(pd.Series([1.0]), pd.Series([], dtype=float), pd.Series([], dtype=int))


def test_wimd_on_lsoa21_keeps_published_deciles_of_unchanged_and_split_lsoas(wimd_raw: pd.DataFrame, mirror: Path) -> None:
    wales = deprivation_index("W").mapped()
    lookup = pd.read_csv(mirror / "lookups/LSOA11_LSOA21_LAD22_EW_LU.csv", dtype=str)
    lookup = lookup[lookup["LSOA11CD"].str.startswith("W")]
    assert len(wales) == lookup["LSOA21CD"].nunique() == 1917
    one = lookup[lookup["CHGIND"].isin(["U", "S"])]  # the 2021 LSOA lies in one 2011 LSOA
    published = wimd_raw.set_index("LSOA11CD")
    for column in ("IMD_score", "Income_score", "Environment_score"):
        np.testing.assert_allclose(wales.loc[one["LSOA21CD"], column].to_numpy(), published.loc[one["LSOA11CD"], column].to_numpy())
    for column in ("IMD_decile", "Access_decile", "Crime_decile"):
        assert (wales.loc[one["LSOA21CD"], column].to_numpy() == published.loc[one["LSOA11CD"], column].to_numpy()).all()
    lowest = wimd_raw.loc[wimd_raw["IMD_decile"] == 1, "IMD_score"].min()  # the published boundary of decile 1
    assert int((wales["IMD_decile"] == 1).sum()) == int((wales["IMD_score"] >= lowest).sum()) == 189
    assert int((wimd_raw["IMD_decile"] == 1).sum()) == 191
    assert wales["IMD_rank"].min() == 1 and wales.loc[wales["IMD_score"].idxmax(), "IMD_rank"] == 1


# --- deprivation_summary on the Welsh and Scottish indices -----------------------------------


def test_welsh_summary_counts_the_published_deciles_for_every_district(wimd_raw: pd.DataFrame) -> None:
    wimd = geo.data.products.load("wimd2019")
    got = deprivation_summary(wimd, code="LSOA11CD", score="IMD_score", rank="IMD_rank", decile="IMD_decile", to="lad24")
    expected = wimd_raw.groupby("lad").agg(n=("LSOA11CD", "size"), worst=("IMD_decile", lambda d: (d == 1).sum()))
    assert len(got) == 22 and sorted(got.index) == sorted(expected.index)
    assert (got["n_lsoas"] == expected["n"].reindex(got.index)).all() and (got["lsoas_missing"] == 0).all()
    np.testing.assert_array_equal(got["proportion_most_deprived_10"], (expected["worst"] / expected["n"]).reindex(got.index))
    share = expected["worst"] / expected["n"]
    assert (got["rank_of_proportion_most_deprived_10"] == share.rank(ascending=False, method="min").reindex(got.index)).all()
    assert got.loc["W06000022", "rank_of_proportion_most_deprived_10"] == 1  # Newport: 23 of 95 LSOAs
    formula = deprivation_summary(wimd, code="LSOA11CD", score="IMD_score", rank="IMD_rank", to="lad24")
    assert (formula["proportion_most_deprived_10"] != got["proportion_most_deprived_10"]).sum() >= 1  # ceil(10 r / N) is not the published decile
    equal = deprivation_summary(wimd.assign(one=1.0), code="LSOA11CD", score="IMD_score", rank="IMD_rank", to="lad24", weight="one")
    np.testing.assert_allclose(equal["average_score"], wimd_raw.groupby("lad")["IMD_score"].mean().reindex(equal.index))
    assert got.attrs["weighted_by"].startswith("Census 2021 residents of each LSOA 2011's 2021 parts")
    assert got["population"].sum() == pytest.approx(3_107_500, rel=1e-3)  # Wales, Census 2021: 3,107,500


def test_scottish_summary_counts_the_published_deciles_for_every_council(simd_raw: pd.DataFrame) -> None:
    simd = geo.data.products.load("simd2020")
    got = deprivation_summary(simd, code="DZ11CD", rank="IMD_rank", decile="IMD_decile", to="lad24", weight=None)
    expected = simd_raw.groupby("lad").agg(n=("DZ11CD", "size"), worst=("IMD_decile", lambda d: (d == 1).sum()),
                                           rank=("IMD_rank", lambda r: (6977 - r).mean()))
    assert len(got) == 32 and sorted(got.index) == sorted(expected.index)
    np.testing.assert_array_equal(got["proportion_most_deprived_10"], (expected["worst"] / expected["n"]).reindex(got.index))
    share = expected["worst"] / expected["n"]
    assert (got["rank_of_proportion_most_deprived_10"] == share.rank(ascending=False, method="min").reindex(got.index)).all()
    np.testing.assert_allclose(got["average_rank"], expected["rank"].reindex(got.index))  # equal weights
    assert "average_score" not in got.columns and got["population"].isna().all() and got["local_concentration"].isna().all()
    assert got["rank_of_local_concentration"].isna().all() and "left blank" in got.attrs["weight_reason"]
    assert got.loc["S12000018", "rank_of_proportion_most_deprived_10"] == 1  # Inverclyde
    formula = deprivation_summary(simd, code="DZ11CD", rank="IMD_rank", to="lad24", weight=None)
    assert (formula["proportion_most_deprived_10"] != got["proportion_most_deprived_10"]).sum() >= 1


def test_summary_errors_for_scottish_population_and_bad_deciles() -> None:
    simd = geo.data.products.load("simd2020")
    with pytest.raises(geo.InputError, match=r"Census 2021 population covers LSOAs of England and Wales only, not dz11 .*pass weight=None"):
        deprivation_summary(simd, code="DZ11CD", rank="IMD_rank", to="lad24")
    bad = simd.assign(IMD_decile=simd["IMD_decile"].where(simd.index > 0, 11))
    with pytest.raises(geo.InputError, match=r"decile column 'IMD_decile' holds values other than the whole numbers 1\.\.10 for 1 areas"):
        deprivation_summary(bad, code="DZ11CD", rank="IMD_rank", decile="IMD_decile", to="lad24", weight=None)


# --- reports -----------------------------------------------------------------------------------


def test_cardiff_report_uses_the_wimd_on_lsoa21(tmp_path: Path, mirror: Path) -> None:
    out = build_report("Cardiff", tmp_path / "cardiff")
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Welsh Index of Multiple Deprivation 2019" in page and "WIMD score (WIMD 2019)" in page
    assert "not comparable across nations" in page and "Welsh Government" in page
    summary = pyogrio.read_dataframe(out / "pockets.gpkg", layer="summary", read_geometry=False).set_index("code")  # unrounded
    assert summary.loc["W06000015", "n_lsoas"] == 218 and summary.loc["W92000004", "n_lsoas"] == 1917
    pockets = pyogrio.read_dataframe(out / "pockets.gpkg", layer="pockets")
    wales = deprivation_index("W").mapped()
    in_cardiff = pyogrio.read_dataframe(out / "pockets.gpkg", layer="areas", read_geometry=False)["code"]
    assert int(pockets["n_areas"].sum()) == int((wales.loc[in_cardiff, "IMD_decile"] == 1).sum()) == 39
    assert summary.loc["W06000015", "proportion_most_deprived_10"] == pytest.approx(39 / 218)
    assert json.loads((out / MARKER).read_text())["indicator"] == "WIMD score (WIMD 2019)"


def test_glasgow_report_maps_simd_ranks_of_data_zones(tmp_path: Path, simd_raw: pd.DataFrame) -> None:
    out = build_report("Glasgow City", tmp_path / "glasgow")
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Scottish Index of Multiple Deprivation 2020" in page and "rank 1 = most deprived" in page
    assert NOT_COMPARABLE in page
    areas = pyogrio.read_dataframe(out / "pockets.gpkg", layer="areas", read_geometry=False)
    glasgow = simd_raw[simd_raw["lad"] == "S12000049"]
    assert len(areas) == len(glasgow) == 746
    pockets = pyogrio.read_dataframe(out / "pockets.gpkg", layer="pockets")
    assert int(pockets["n_areas"].sum()) == int((glasgow["IMD_decile"] == 1).sum()) == 227
    summary = pyogrio.read_dataframe(out / "pockets.gpkg", layer="summary", read_geometry=False).set_index("code")  # unrounded
    assert "average_score" not in summary.columns and summary.loc["S12000049", "rank_of_average_rank"] == 1
    tidy = pd.read_csv(out / "summary.csv")
    rank = tidy[(tidy["code"] == "S12000049") & (tidy["measure"] == "average rank")].iloc[0]
    assert (rank["rank"], rank["of"], rank["level"]) == (1, 32, "district")


def test_a_northern_irish_council_reports_a_users_super_data_zone_indicator(tmp_path: Path, mirror: Path) -> None:
    lookup = pd.read_csv(mirror / "lookups/DZ21_SDZ21_DEA14_LGD14_NI_LU.csv", dtype=str)
    belfast = sorted(lookup.loc[lookup["LGD2014_cd"] == "N09000003", "SDZ2021_cd"].unique())
    made_up = pd.DataFrame({"sdz": belfast, "score": [(7 * i) % 50 for i in range(len(belfast))]})
    made_up.to_csv(tmp_path / "belfast.csv", index=False)
    out = build_report("Belfast", tmp_path / "belfast", indicator=str(tmp_path / "belfast.csv"), level="sdz21",
                       higher_is_better=False, threshold=45)
    areas = pyogrio.read_dataframe(out / "pockets.gpkg", layer="areas", read_geometry=False)
    assert len(areas) == len(belfast) and set(areas["value"]) <= set(made_up["score"])
    pockets = pyogrio.read_dataframe(out / "pockets.gpkg", layer="pockets")
    assert int(pockets["n_areas"].sum()) == int((made_up["score"] >= 45).sum())
    assert "Belfast" in (out / "index.html").read_text(encoding="utf-8")


def test_northern_ireland_at_district_level_with_an_ess_indicator(tmp_path: Path, mirror: Path) -> None:
    assert main(["report", "--area", "Northern Ireland", "--indicator", "claimant-count", "--level", "lad24", "--within", "itl1",
                 "--kind", "rate", "--higher-is-better", "no", "--out", str(tmp_path / "ni")]) == 0
    areas = pyogrio.read_dataframe(tmp_path / "ni" / "pockets.gpkg", layer="areas", read_geometry=False)
    assert len(areas) == 11 and areas["value"].notna().all()  # the 11 councils of Northern Ireland


def test_the_default_for_northern_ireland_is_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(geo.CoverageError, match=r"--area 'Belfast' is in Northern Ireland, which has no small-area deprivation index .*--level sdz21"):
        build_report("Belfast", tmp_path / "belfast")
    assert main(["report", "--area", "N09000001", "--out", str(tmp_path / "antrim")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pass --indicator with a CSV or ESS indicator of Super Data Zones (--level sdz21)" in err[0]
    with pytest.raises(geo.CoverageError, match=r"Northern Ireland has no small-area deprivation index in the catalogue, so there is no default"):
        prepare_report(nation="Northern Ireland")
    assert list(tmp_path.iterdir()) == []


def test_index_options_are_checked(tmp_path: Path) -> None:
    with pytest.raises(geo.InputError, match=r"--level lsoa21: the Scottish Index of Multiple Deprivation 2020 is mapped on dz11"):
        prepare_report(nation="S", level="lsoa21")
    with pytest.raises(geo.InputError, match=r"--value 'IMD_score' is not a score or rank of the SIMD 2020"):
        prepare_report(nation="S", value="IMD_score")
    with pytest.raises(geo.InputError, match=r"--higher-is-better yes: for the IoD2025 'IMD score \(IoD2025\)' lower values are better"):
        prepare_report(higher_is_better=True)


def test_all_areas_prepares_each_nation_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = report_batch.prepare_report

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(kwargs.get("nation"))
        return real(*args, **kwargs)

    monkeypatch.setattr(report_batch, "prepare_report", counted)
    table = report_batch.report_all(["lad24"], tmp_path / "all", codes=["W06000015", "W06000011", "S12000018", "N09000003"])
    assert dict(zip(table["code"], table["outcome"], strict=True)) == {
        "N09000003": "refused", "S12000018": "written", "W06000011": "written", "W06000015": "written"}
    assert sorted(calls) == ["S92000003", "W92000004"]  # Wales once for two councils; none for Northern Ireland
    assert "Scottish Index of Multiple Deprivation 2020" in (tmp_path / "all" / "lad24" / "S12000018" / "index.html").read_text()


def test_every_index_carries_the_deciles_the_report_profiles_pockets_with() -> None:
    """report._profile passes decile_of={"Overall": ..., **domain deciles}: each column is in the mapped index."""
    for index in indices().values():
        if index.level == "lsoa11" and index.nation == "E":
            continue  # the IoD2019 is the earlier edition only, carried as a decile (pocket_profile.earlier_deciles)
        frame = index.mapped()
        wanted = {"Overall": index.decile, **index.domain_deciles}
        assert set(wanted.values()) <= set(frame.columns), index.id
        assert frame[list(wanted.values())].notna().all().all(), index.id
