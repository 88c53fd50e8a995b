"""Codes of other vintages: the package's code history, prepare's mapping and the hints around it.

Expected values come from outside the code under test: hand computations, and Census 2021
populations of the 2022 districts summed with plain pandas from the mirror CSVs.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pandas as pd
import pytest

import geo
from geo.geography import lookups, vintages
from geo.moving.ess import at_level
from geo.moving.inputs import prepare

CUMBERLAND = {"E07000026": "Allerdale", "E07000028": "Carlisle", "E07000029": "Copeland"}


@pytest.fixture(scope="module")
def old_population(mirror: Path) -> pd.Series:
    """Census 2021 residents of the 2022 districts, with plain pandas from the raw CSVs."""
    pairs = pd.read_csv(mirror / "lookups" / "LSOA11_LSOA21_LAD22_EW_LU.csv", dtype=str)[["LSOA21CD", "LAD22CD"]].drop_duplicates()
    people = pd.read_csv(mirror / "indicators" / "Census2021_usual_residents_LSOA21_EW.csv", dtype={"LSOA21CD": str})
    return people.merge(pairs, on="LSOA21CD").groupby("LAD22CD")["usual_residents_2021"].sum()


@pytest.fixture(scope="module")
def hle(mirror: Path) -> pd.DataFrame:
    return pd.read_csv(mirror / "indicators" / "ess" / "healthy-life-expectancy" / "healthy-life-expectancy.csv", dtype=str)


def test_every_history_row_ends_at_a_current_area() -> None:
    steps = vintages.history()
    assert set(steps["change"]) <= {"merged", "recoded", "split"} and set(steps["direction"]) <= {"forward", "backward"}
    for level, rows in steps.groupby("level"):
        current = set(lookups.areas(level).index)
        assert not set(rows["from"]) & current, f"{level}: a FROMCD is still a current area"
        for row in rows.itertuples(index=False):
            later = rows[(rows["from"] == row.to) & (rows["year"] > row.year)]
            assert row.to in current or len(later), f"{level}: {row.to} is neither current nor changed later"
        # follow every chain: no cycles, years increase, each ends at a current area
        step = rows[rows["change"] != "split"].drop_duplicates("from").set_index("from")
        for start in step.index:
            seen, code, year = {start}, start, 0
            while code in step.index:
                assert step.loc[code, "year"] > year
                year, code = step.loc[code, "year"], step.loc[code, "to"]
                assert code not in seen, f"cycle through {code}"
                seen.add(code)
            assert code in current


def test_history_direction_chains_and_provenance() -> None:
    steps = vintages.history("lad24")
    taunton = steps[steps["from"] == "E07000190"].iloc[0]
    assert (taunton["to"], taunton["year"]) == ("E07000246", 2019)  # Somerset West and Taunton first
    assert steps.loc[steps["from"] == "E07000246", "to"].tolist() == ["E06000066"]
    found = vintages.resolve(["E07000190", "E08000038"], "lad24")
    assert found.loc["E07000190", "via"] == ["E07000246"] and found.loc["E07000190", "to"] == "E06000066"
    barnsley = steps[steps["from"] == "E08000038"].iloc[0]
    assert (barnsley["to"], barnsley["direction"], barnsley["year"]) == ("E08000016", "backward", 2025)
    assert (steps.loc[steps["direction"] == "forward", "year"] <= 2024).all()
    note = geo.catalogue.product("area_changes").note or ""
    assert "Hand-compiled" in note and "2025" in note


def test_synthetic_merge_hand_computed(monkeypatch: pytest.MonkeyPatch) -> None:
    weights = pd.Series([1.0, 1.0, 2.0], index=list(CUMBERLAND))
    monkeypatch.setattr(vintages, "old_population", lambda codes: weights.reindex(list(codes)))
    data = pd.DataFrame({"score": [10.0, 20.0, 30.0], "people": [1.0, 2.0, 3.0]}, index=list(CUMBERLAND))
    out, records, problems = vintages.combine(data, "lad24", {"score": "mean", "people": "count"})
    assert out.loc["E06000063", "score"] == pytest.approx((10 + 20 + 2 * 30) / 4)  # 22.5
    assert out.loc["E06000063", "people"] == 6.0 and problems == {}
    assert all(r["approximate"] and r["change"] == "merged" for r in records)


def test_real_merge_counts_exact_and_means_population_weighted(old_population: pd.Series) -> None:
    values = {"E07000026": 10.0, "E07000028": 20.0, "E07000029": 40.0, "E06000047": 5.0}
    data = pd.DataFrame({"code": list(values), "n": list(values.values())})
    counts = geo.aggregate(data, code="code", to="itl1", value="n", kind="count")
    assert counts.loc["TLD", "n"] == 70.0 and counts.loc["TLC", "n"] == 5.0  # Cumberland in the North West
    prepared = prepare(data, columns=["n"], level=None, code="code", kind="mean")
    w = old_population.reindex(list(CUMBERLAND))
    expected = (w * pd.Series(values).reindex(list(CUMBERLAND))).sum() / w.sum()
    assert prepared.level == "lad24"
    assert prepared.frame.loc["E06000063", "n"] == pytest.approx(expected)
    assert {r["code"] for r in prepared.recoded} == set(CUMBERLAND) and all(r["approximate"] for r in prepared.recoded)
    assert prepared.frame.attrs["recoded"] == prepared.recoded


def test_merges_that_cannot_be_formed_are_refused() -> None:
    alone = pd.DataFrame({"n": [10.0]}, index=["E07000026"])
    with pytest.raises(geo.InputError, match=r"missing 'E07000028', 'E07000029'"):
        prepare(alone, columns=["n"], level="lad24", code=None, kind="count")
    both = pd.DataFrame({"n": [1.0, 2.0]}, index=["E08000038", "E08000016"])
    with pytest.raises(geo.InputError, match=r"both an old code and its current code"):
        prepare(both, columns=["n"], level="lad24", code=None, kind="count")
    county = pd.DataFrame({"n": [1.0]}, index=["E10000006"])
    with pytest.raises(geo.InputError, match=r"split between several new utla23 areas"):
        prepare(county, columns=["n"], level="utla23", code=None, kind="count")
    somerset = pd.DataFrame({"n": [1.0, 2.0, 3.0, 4.0, 5.0]}, index=["E07000190", "E07000191", "E07000187", "E07000188", "E07000189"])
    summed = prepare(somerset, columns=["n"], level="lad24", code=None, kind="count")
    assert summed.frame.loc["E06000066", "n"] == 15.0  # through the chain via E07000246
    with pytest.raises(geo.InputError, match=r"no Census 2021 population exists for 'E07000190'"):
        prepare(somerset, columns=["n"], level="lad24", code=None, kind="mean")
    overlap = pd.concat([somerset, pd.DataFrame({"n": [9.0]}, index=["E07000246"])])
    with pytest.raises(geo.InputError, match=r"two vintages"):
        prepare(overlap, columns=["n"], level="lad24", code=None, kind="count")
    three = pd.DataFrame({"n": [1.0, 2.0, 3.0]}, index=list(CUMBERLAND))
    with pytest.raises(geo.InputError, match=r"do not combine across merged areas"):
        prepare(three, columns=["n"], level="lad24", code=None, kind="median")
    with pytest.raises(geo.InputError, match=r"do not combine"):
        prepare(three, columns=["n"], level="lad24", code=None)  # kind unknown: no merge


def test_codes_are_trimmed_and_upper_cased_everywhere() -> None:
    data = pd.DataFrame({"code": [" e01000001", "E01000002 "], "n": [3, 4]})
    out = geo.aggregate(data, code="code", to="lad24", value="n", kind="count")
    assert out.loc["E09000001", "n"] == 7.0
    twice = pd.DataFrame({"code": ["e01000001", "E01000001"], "n": [3, 4]})
    with pytest.raises(geo.InputError, match=r"duplicated area codes \('E01000001'\) \(codes are compared trimmed"):
        geo.aggregate(twice, code="code", to="lad24", value="n", kind="count")


def test_new_codes_work_in_aggregate_and_disaggregate() -> None:
    barnsley = pd.DataFrame({"jobs": [100.0]}, index=["E08000038"])
    assert geo.aggregate(barnsley, to="itl1", value="jobs", kind="count").loc["TLE", "jobs"] == 100.0
    split = geo.disaggregate(barnsley, to="lsoa21", value="jobs", kind="count")
    inside = lookups.lookup("lsoa21", "lad24")
    assert set(split.index) == set(inside.loc[inside["lad24"] == "E08000016", "lsoa21"])
    assert split["jobs"].sum() == pytest.approx(100.0)


def _published(hle: pd.DataFrame) -> pd.DataFrame:
    rows = hle[(hle["indicator"] == "Male healthy life expectancy") & (hle["period"] == "2020-01-01/P3Y")]
    rows = rows[rows["geography"].isin(["Local Authority District", "County or Unitary Authority"])].copy()
    rows["observation"] = pd.to_numeric(rows["observation"])
    return rows


def test_published_hle_works_in_inequality_at_utla23_and_lad24(hle: pd.DataFrame) -> None:
    rows = _published(hle)
    assert {"E08000038", "E08000039"} <= set(rows["areacd"])
    utla = geo.inequality(rows, code="areacd", value="observation", level="utla23", within=None)
    assert int(utla.loc["all", "n"]) == len(rows) == 216
    assert utla.loc["all", "mean"] == pytest.approx(rows["observation"].mean())
    districts = rows[(rows["geography"] == "Local Authority District") | rows["areacd"].str.startswith("E06")]
    lad = geo.inequality(districts, code="areacd", value="observation", level="lad24", within=None)
    assert int(lad.loc["all", "n"]) == len(districts) == 195
    assert lad.loc["all", "mean"] == pytest.approx(districts["observation"].mean())


def test_ess_at_level_needs_every_predecessor(tmp_path: Path, old_population: pd.Series) -> None:
    header = "areacd,areanm,geography,indicator,period,observation,measure,unit,lci_95,uci_95,status,notes\n"
    line = "{},{},Local Authority District,Homes,2022-04-01/P1Y,{},Count,homes,,,,\n"
    alone = tmp_path / "alone.csv"
    alone.write_text(header + line.format("E07000026", "Allerdale", 10) + line.format("E06000047", "County Durham", 5))
    counts = at_level(geo.read_ess(alone), "lad24", kind="count")
    assert "E06000063" not in counts.index  # not "Cumberland = 10"
    assert "missing 'E07000028', 'E07000029'" in counts.attrs["missing"]["E06000063"]
    assert counts.attrs["old_areas"] == ["E07000026"]
    full = tmp_path / "full.csv"
    full.write_text(header + "".join(line.format(c, n, v) for (c, n), v in zip(CUMBERLAND.items(), (10, 20, 40), strict=True)))
    assert "E06000063" not in at_level(geo.read_ess(full), "lad24", kind="mean").index  # only on request
    means = at_level(geo.read_ess(full), "lad24", kind="mean", approximate=True)
    w = old_population.reindex(list(CUMBERLAND)).to_numpy()
    assert means.loc["E06000063", "observation"] == pytest.approx((w * [10, 20, 40]).sum() / w.sum())
    assert all(r["approximate"] for r in means.attrs["recoded"])


def test_ess_at_level_maps_published_barnsley(hle: pd.DataFrame) -> None:
    frame = geo.read_ess("healthy-life-expectancy")
    male = at_level(frame, "utla23", kind="mean", indicator="Male healthy life expectancy", period="2020-01-01/P3Y")
    raw = _published(hle).set_index("areacd")["observation"]
    assert male.loc["E08000016", "observation"] == raw["E08000038"]
    assert len(male) == 216 and male.index.is_unique


def test_hints_name_options_the_caller_has() -> None:
    unknown = pd.DataFrame({"v": [1.0, 2.0]}, index=["E01000001", "E01999999"])
    with pytest.raises(geo.InputError) as caught:
        geo.inequality(unknown, value="v", level="lsoa21", within=None)
    assert "errors=" not in str(caught.value) and "errors" not in inspect.signature(geo.inequality).parameters
    with pytest.raises(geo.InputError, match=r"not lsoa21 areas \('E01999999'\)") as caught:
        geo.inequality(unknown, value="v", within=None)  # level detected
    assert "errors=" not in str(caught.value)
    with pytest.raises(geo.InputError, match=r"pass errors='report'"):
        geo.aggregate(unknown, value="v", kind="count", level="lsoa21", to="lad24")
    assert "errors" in inspect.signature(geo.aggregate).parameters
    with pytest.raises(geo.NestingError, match=r"geo\.convert") as caught:
        geo.lookup("lsoa11", "lsoa21")
    assert "geo.disaggregate" not in str(caught.value)


def test_best_fit_hint_names_geo_lookup() -> None:
    with pytest.raises(geo.NestingError) as caught:  # one MSOA straddles two regions
        geo.aggregate(pd.DataFrame({"n": [1.0]}, index=["E02000001"]), value="n", kind="count", to="rgn24", level="msoa21")
    text = str(caught.value)
    assert "best_fit" not in inspect.signature(geo.aggregate).parameters and "Pass best_fit=True" not in text
    assert "geo.lookup('msoa21', 'rgn24', best_fit=True)" in text and "best_fit" in inspect.signature(geo.lookup).parameters


def test_cli_prints_what_was_mapped(capsys: pytest.CaptureFixture[str]) -> None:
    from geo import cli

    result = pd.DataFrame({"jobs": [1.0]}, index=["E08000016"])
    result.attrs["recoded"] = [{"code": "E08000038", "to": "E08000016", "change": "recoded", "approximate": False}]
    cli._write(result, None, False)
    assert "E08000038 -> E08000016 (recoded)" in capsys.readouterr().err
