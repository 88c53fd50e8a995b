"""geo.scorecard on hand-checkable data: a tiny catalogue and ESS-schema files written to tmp_path.

Wales's 22 districts (sorted by code, Cardiff W06000015 is the 14th) get made-up values, so
every rank, "of", decile, interval verdict and spread below is worked out by hand in the
test; England's 296 districts are used where a code history (Northumberland, published
under its pre-2013 code) or a region is needed.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import geo
from geo.errors import CoverageError, InputError
from geo.outputs.scorecard_pack import build_scorecard, tidy
from geo.statistics.scorecard import scorecard

COLUMNS = ["areacd", "areanm", "geography", "indicator", "period", "observation", "measure", "unit", "lci_95", "uci_95", "status", "notes"]
WALES = ["W06000001", "W06000002", "W06000003", "W06000004", "W06000005", "W06000006", "W06000008", "W06000009", "W06000010",
         "W06000011", "W06000012", "W06000013", "W06000014", "W06000015", "W06000016", "W06000018", "W06000019", "W06000020",
         "W06000021", "W06000022", "W06000023", "W06000024"]
CARDIFF = "W06000015"


def _flag(value: object) -> bool | None:
    """A flag of the scorecard (pandas' nullable boolean) as True, False or None (not judged)."""
    return None if pd.isna(value) else bool(value)


def _row(code: str, value: float, period: str = "2023-01-01/P1Y", geography: str = "Local Authority District",
         low: float = math.nan, high: float = math.nan, indicator: str = "Made-up measure") -> dict[str, object]:
    return {"areacd": code, "areanm": code, "geography": geography, "indicator": indicator, "period": period, "observation": value,
            "measure": "Percentage", "unit": "%", "lci_95": low, "uci_95": high, "status": "", "notes": ""}


def _write(tmp_path: Path, rows: list[dict[str, object]], name: str = "made-up") -> str:
    path = tmp_path / f"{name}.csv"
    pd.DataFrame(rows, columns=COLUMNS).to_csv(path, index=False)
    return str(path)


def _catalogue(ess: str, *, higher_is_better: bool = True, levels: tuple[str, ...] = ("lad24", "ctry"), extra: bool = False) -> pd.DataFrame:
    rows = [{"mission": 1, "mission_name": "Living standards", "metric": "made-up", "name": "Made-up measure", "role": "headline",
             "annex_level": "local authority", "available": True, "ess": ess, "indicator": "Made-up measure", "levels": levels, "unit": "%",
             "higher_is_better": higher_is_better, "reason": None}]
    if extra:
        rows.append({"mission": 11, "mission_name": "Crime", "metric": "absent", "name": "Something unpublished", "role": "supporting",
                     "annex_level": "police force area", "available": False, "ess": None, "indicator": None, "levels": (), "unit": "%",
                     "higher_is_better": False, "reason": "no ESS file in the mirror"})
    return pd.DataFrame(rows)


def _wales(values: dict[str, float], period: str = "2023-01-01/P1Y", nation: float = 50.0, **cardiff: float) -> list[dict[str, object]]:
    rows = [_row(code, value, period, **(cardiff if code == CARDIFF else {})) for code, value in values.items()]
    return [*rows, _row("W92000004", nation, period, geography="Nation")]


def _one(tmp_path: Path, rows: list[dict[str, object]], area: str = "Cardiff", **options: object) -> pd.Series:
    card = scorecard(area, catalogue=_catalogue(_write(tmp_path, rows), **options))
    return card.iloc[0]


def test_rank_of_and_direction(tmp_path: Path) -> None:
    values = {code: float(i) for i, code in enumerate(WALES, start=1)}  # Cardiff = 14
    up = _one(tmp_path, _wales(values))
    assert (up["value"], up["rank"], up["of"]) == (14.0, 9.0, 22)  # 8 areas (15..22) are higher
    assert (up["nation_rank"], up["nation_of"], up["region_rank"], up["region_of"]) == (9.0, 22, 9.0, 22)
    assert up["region_name"] == "Wales" and up["nation_value"] == 50.0 and up["region_value"] == 50.0
    down = _one(tmp_path, _wales(values), higher_is_better=False)
    assert (down["rank"], down["of"]) == (14.0, 22)  # 13 areas (1..13) are lower, so better


def test_missing_areas_are_not_ranked_and_deciles_need_coverage(tmp_path: Path) -> None:
    values = {code: float(i) for i, code in enumerate(WALES, start=1)}
    rows = _wales({c: v for c, v in values.items() if c != "W06000024"})  # the 22nd area is absent
    rows[0]["observation"] = math.nan  # and the 1st has no value
    row = _one(tmp_path, rows)
    assert (row["rank"], row["of"]) == (8.0, 20)  # 15..21 are higher: 7 areas
    # 20 of 22 (91 %): k = round(22 / 10) = 2; 12 ranked areas are worse than Cardiff, so it is out
    # wherever the 2 missing areas fall
    assert row["worst_decile"] == False  # noqa: E712
    assert "not in Wales's worst 10 % of districts (20 of 22 ranked" in row["left_behind_rule"]
    # Cardiff the lowest of the 20: in the worst 2 only if both missing areas are not below it
    low = _one(tmp_path, _wales({c: (0.0 if c == CARDIFF else v) for c, v in values.items() if c != "W06000024"} | {WALES[0]: math.nan}))
    assert pd.isna(low["worst_decile"]) and "perhaps in (not judged) Wales's worst 10 %" in low["left_behind_rule"]
    # 19 of 22 (86 %): below 90 %, never judged
    fewer = {c: v for c, v in values.items() if c not in ("W06000024", "W06000023", WALES[0])}
    few = _one(tmp_path, _wales({c: (0.0 if c == CARDIFF else v) for c, v in fewer.items()}))
    assert pd.isna(few["worst_decile"]) and "values for 19 of Wales's 22 districts" in few["left_behind_rule"]


def test_worst_decile_holds_wherever_missing_areas_fall(tmp_path: Path) -> None:
    # 21 of 22 with values, Cardiff the lowest: k = 2, 0 worse + 1 + 1 missing <= 2, so in
    values = {code: float(i) for i, code in enumerate(WALES, start=1) if code != "W06000024"}
    values[CARDIFF] = 0.0
    row = _one(tmp_path, _wales(values))
    assert row["worst_decile"] == True and row["left_behind"] == True  # noqa: E712
    assert "in Wales's worst 10 % of districts (21 of 22 ranked" in row["left_behind_rule"]


def test_ties_share_the_best_rank(tmp_path: Path) -> None:
    values = {code: float(i) for i, code in enumerate(WALES, start=1)}
    values["W06000016"] = values["W06000018"] = 14.0  # two areas tie with Cardiff (14)
    row = _one(tmp_path, _wales(values))
    assert (row["rank"], row["of"]) == (7.0, 22)  # 6 areas (17th..22nd: 16.0 .. 22.0 less the two) are higher


def test_worst_decile_and_interval_rule(tmp_path: Path) -> None:
    values = {code: float(i) for i, code in enumerate(WALES, start=1)}
    values[CARDIFF], values["W06000002"] = 2.0, 14.0  # k = round(22 / 10) = 2: the worst two are 1 and 2
    row = _one(tmp_path, _wales(values))
    assert _flag(row["worst_decile"]) is True and _flag(row["left_behind"]) is True and row["rank"] == 21.0
    assert "in Wales's worst 10 % of districts (the worst 2 of 22)" in row["left_behind_rule"]
    values = {code: float(i) for i, code in enumerate(WALES, start=1)}
    wholly_below = _one(tmp_path, _wales(values, nation=16.0, low=12.5, high=15.5))
    assert _flag(wholly_below["worst_decile"]) is False and _flag(wholly_below["interval_worse"]) is True and _flag(wholly_below["left_behind"]) is True
    assert "95 % interval 12.5 to 15.5 wholly below Wales's 16" in wholly_below["left_behind_rule"]
    overlapping = _one(tmp_path, _wales(values, nation=15.0, low=12.5, high=15.5))
    assert _flag(overlapping["interval_worse"]) is False and _flag(overlapping["left_behind"]) is False
    above = _one(tmp_path, _wales(values, nation=12.0, low=12.5, high=15.5), higher_is_better=False)  # lower is better
    assert _flag(above["interval_worse"]) is True and _flag(above["worst_decile"]) is False
    no_interval = _one(tmp_path, _wales(values, nation=16.0))
    assert pd.isna(no_interval["interval_worse"]) and "no 95 % interval published" in no_interval["left_behind_rule"]


def test_spread_within_the_region(tmp_path: Path) -> None:
    values = {code: float(i) for i, code in enumerate(WALES, start=1)}
    row = _one(tmp_path, _wales(values))
    # decile gap: k = 2, top {22, 21} median 21.5, bottom {1, 2} median 1.5; p10 = 1 + 0.1 * 21, p90 = 1 + 0.9 * 21
    assert row["spread_areas"] == 22 and row["spread_decile_gap"] == pytest.approx(20.0)
    assert row["spread_p90_p10"] == pytest.approx(19.9 / 3.1)


def test_periods_are_never_mixed(tmp_path: Path) -> None:
    early = {code: float(i) for i, code in enumerate(WALES, start=1)}
    late = {code: 100.0 - i for i, code in enumerate(WALES[:10], start=1)}  # 2024: ten areas only (not Cardiff)
    rows = _wales(early, "2023-01-01/P1Y", nation=50.0) + _wales(late, "2024-01-01/P1Y", nation=60.0)
    row = _one(tmp_path, rows)
    assert row["period"] == "2023-01-01/P1Y"  # Cardiff's latest value
    assert (row["rank"], row["of"], row["nation_value"]) == (9.0, 22, 50.0)  # all from 2023
    late[CARDIFF] = 95.5
    row = _one(tmp_path, _wales(early, "2023-01-01/P1Y", nation=50.0) + _wales(late, "2024-01-01/P1Y", nation=60.0))
    assert row["period"] == "2024-01-01/P1Y" and row["value"] == 95.5
    assert (row["rank"], row["of"], row["nation_value"]) == (5.0, 11, 60.0)  # 99, 98, 97, 96 are higher; 11 areas in 2024
    assert pd.isna(row["worst_decile"])  # 11 of 22: no national decile


def test_trend_keeps_the_last_five_periods(tmp_path: Path) -> None:
    rows = []
    for year in range(2016, 2024):  # eight periods; Cardiff has none in 2021
        values = {code: float(i + year) for i, code in enumerate(WALES, start=1)}
        if year == 2021:
            del values[CARDIFF]
        rows += _wales(values, f"{year}-01-01/P1Y")
    row = _one(tmp_path, rows)
    assert row["trend_periods"] == tuple(f"{y}-01-01/P1Y" for y in range(2019, 2024))
    assert row["trend_values"][:2] == (2033.0, 2034.0) and math.isnan(row["trend_values"][2]) and row["trend_values"][3:] == (2036.0, 2037.0)
    assert row["change"] == 4.0 and row["change_from"] == "2019-01-01/P1Y"


def test_older_codes_are_mapped(tmp_path: Path) -> None:
    england = [c for c in geo.areas("lad24").index if c.startswith("E")]
    rows = [_row("E06000048" if code == "E06000057" else code, float(i)) for i, code in enumerate(england, start=1)]
    card = scorecard("Northumberland", catalogue=_catalogue(_write(tmp_path, rows), levels=("lad24",)))
    row = card.iloc[0]
    expected = float(england.index("E06000057") + 1)  # Northumberland's value, published under its pre-2013 code
    assert row["value"] == expected and row["of"] == 296 and row["source_code"] == "E06000057"
    assert row["rank"] == 296 - expected + 1 and row["region_name"] == "North East"


def test_a_containing_areas_value_is_said_and_not_judged(tmp_path: Path) -> None:
    regions = {f"E1200000{i}": float(i) for i in range(1, 10)}
    rows = [_row(code, value, geography="Region") for code, value in regions.items()] + [_row("E92000001", 5.0, geography="Nation")]
    card = scorecard("Blackpool", catalogue=_catalogue(_write(tmp_path, rows), levels=("rgn24", "ctry"), extra=True))
    row, absent = card.iloc[0], card.iloc[1]
    assert (row["level"], row["source_code"], row["value"], row["rank"], row["of"]) == ("rgn24", "E12000002", 2.0, 8.0, 9)
    assert row["source_level"] == "value of North West (region), which contains Blackpool"
    assert pd.isna(row["left_behind"]) and "not judged" in row["left_behind_rule"] and pd.isna(row["spread_areas"])
    assert not absent["available"] and absent["reason"] == "no ESS file in the mirror" and pd.isna(absent["value"])
    assert card.attrs["with_value"] == 1 and card.attrs["own_values"] == 0 and card.attrs["available"] == 1


def test_the_catalogue_is_not_changed(tmp_path: Path) -> None:
    catalogue = _catalogue(_write(tmp_path, _wales({c: 1.0 for c in WALES})))
    before = catalogue.copy()
    scorecard("Cardiff", catalogue=catalogue)
    pd.testing.assert_frame_equal(catalogue, before)


def test_errors(tmp_path: Path) -> None:
    ess = _write(tmp_path, _wales({code: float(i) for i, code in enumerate(WALES, start=1)}))
    with pytest.raises(InputError, match="area='Blackpoool' matches no area"):
        scorecard("Blackpoool", catalogue=_catalogue(ess))
    with pytest.raises(InputError, match=r"area='North West' is a region .* a scorecard is made for a district"):
        scorecard("North West", catalogue=_catalogue(ess))
    with pytest.raises(InputError, match=r"catalogue= lacks the columns \['levels'\]"):
        scorecard("Cardiff", catalogue=_catalogue(ess).drop(columns=["levels"]))
    with pytest.raises(InputError, match="available metrics without a direction"):
        scorecard("Cardiff", catalogue=_catalogue(ess).assign(higher_is_better=None))
    with pytest.raises(InputError, match="lists metrics twice"):
        scorecard("Cardiff", catalogue=pd.concat([_catalogue(ess)] * 2))
    with pytest.raises(CoverageError, match="none of the 1 metrics of the catalogue has a published value for Belfast"):
        scorecard("Belfast", catalogue=_catalogue(ess))
    unknown = _catalogue(ess).assign(indicator="Not in the file")
    row = scorecard("Cardiff", catalogue=pd.concat([unknown, _catalogue(ess).assign(metric="b")], ignore_index=True)).iloc[0]
    assert pd.isna(row["value"]) and "indicator='Not in the file' is not in ESS file" in row["reason"]


def test_numbers_are_plain_floats(tmp_path: Path) -> None:
    row = _one(tmp_path, _wales({code: float(i) for i, code in enumerate(WALES, start=1)}))
    assert isinstance(row["value"], float) and np.isfinite(row["value"])


def test_the_folder_is_built_atomically_and_replaced_only_when_asked(tmp_path: Path) -> None:
    values = {code: float(i) for i, code in enumerate(WALES, start=1)}
    catalogue = _catalogue(_write(tmp_path, _wales(values)), extra=True)
    out = tmp_path / "cardiff"
    build_scorecard("Cardiff", out, catalogue=catalogue)
    assert sorted(p.name for p in out.iterdir()) == [".levelup-report", "index.html", "scorecard.csv"]  # not left behind: no maps
    long = pd.read_csv(out / "scorecard.csv")
    assert long.loc[long["figure"] == "rank", "value"].tolist() == [9.0] and long.loc[long["figure"] == "of", "value"].tolist() == [22.0]
    assert long.loc[long["metric"] == "absent", "note"].tolist() == ["no ESS file in the mirror"]
    with pytest.raises(InputError, match="exists and holds a previous report; pass --overwrite"):
        build_scorecard("Cardiff", out, catalogue=catalogue)
    values[CARDIFF] = 1.0  # now the worst in Wales: left behind, so a map is drawn
    catalogue = _catalogue(_write(tmp_path, _wales(values), name="worse"))
    build_scorecard("Cardiff", out, catalogue=catalogue, overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == [".levelup-report", "index.html", "maps.png", "scorecard.csv"]
    assert "Cardiff is in the worst national decile on 1 of 1 metrics available for districts" in (out / "index.html").read_text()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no staging folder left
    other = tmp_path / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("keep")
    with pytest.raises(InputError, match="is not a levelup report"):
        build_scorecard("Cardiff", other, catalogue=catalogue, overwrite=True)
    with pytest.raises(InputError, match="matches no area"):
        build_scorecard("Cardif", tmp_path / "new", catalogue=catalogue)
    assert (other / "mine.txt").read_text() == "keep" and not (tmp_path / "new").exists()


def test_tidy_rows(tmp_path: Path) -> None:
    rows = []
    for year in (2022, 2023):
        rows += _wales({code: float(i + year) for i, code in enumerate(WALES, start=1)}, f"{year}-01-01/P1Y")
    long = tidy(scorecard("Cardiff", catalogue=_catalogue(_write(tmp_path, rows))))
    values = long[long["figure"] == "value"]
    assert values[["period", "value"]].values.tolist() == [["2022-01-01/P1Y", 2036.0], ["2023-01-01/P1Y", 2037.0]]
    flags = long[long["figure"] == "left_behind"]
    assert flags["value"].tolist() == [0.0] and "not in Wales's worst 10 %" in flags["note"].iloc[0]
    assert long.index.unique().tolist() == ["Cardiff"] and set(long["area_code"]) == {CARDIFF}


def test_spread_is_guarded() -> None:
    """The claim of test_hints.GUARDED for _spread: every level a scorecard ranks within a region
    nests in the region's level, so geo.inequality raises none of its hints there."""
    from geo.geography import registry
    from geo.statistics.scorecard_metric import REGIONAL, _spread, region_of

    for level in REGIONAL:
        codes = geo.areas(level).index
        for code in (codes[0], codes[-1]):
            region = region_of(level, code)
            if region is None:  # police force areas cover England and Wales only
                continue
            assert region.level in registry.spec(level).nests_in
            members = geo.lookup(level, region.level).query(f"{region.level} == @region.code")[level]
            found = _spread(pd.Series(np.arange(len(members), dtype=float), index=members.to_numpy()), level, region, True)
            assert found["spread_areas"] == len(members)


def test_maps_are_guarded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """The claim of test_hints.GUARDED for small_multiples: a map_layer error leaves that map out, said, and raises nothing."""
    from geo.outputs import scorecard_pack

    values = {code: float(i) for i, code in enumerate(WALES, start=1)}
    values[CARDIFF] = 0.0  # the worst: left behind, so mapped
    card = scorecard("Cardiff", catalogue=_catalogue(_write(tmp_path, _wales(values))))

    def broken(*args: object, **kwargs: object) -> None:
        raise InputError("value column has no numbers; pass code= the column of codes")

    monkeypatch.setattr(scorecard_pack, "map_layer", broken)
    figure = scorecard_pack.small_multiples(card, geo.area("Cardiff"))
    assert figure is not None and "(map not drawn)" in figure.axes[0].get_title()
    assert "scorecard map of made-up not drawn" in caplog.text
