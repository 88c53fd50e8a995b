"""geo.scorecard and ``levelup scorecard`` on the real ESS files of the mirror (issue 12, points 2-5).

Values and counts are checked against the raw CSVs read with plain pandas (``areacd``,
``indicator``, ``period``); the only package data used for the expectations are the code
lists of the levels and the code history (which older code stands for which area).
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pandas as pd
import pytest
from browser import visit

from geo.catalogue.missions import missions
from geo.cli import main
from geo.geography import lookups, vintages
from geo.statistics.scorecard import scorecard

AREAS = ("Blackpool", "County Durham", "Cardiff", "Glasgow City")
#: A nation's codes as ESS files publish it: its own, or its ITL1 code (the mirror's README: Wales = TLL, Scotland = TLM).
NATION_CODES = {"E92000001": ("E92000001",), "W92000004": ("W92000004", "TLL"), "S92000003": ("S92000003", "TLM")}


@pytest.fixture(scope="module")
def cards() -> dict[str, pd.DataFrame]:
    catalogue = missions()
    return {name: scorecard(name, catalogue=catalogue) for name in AREAS}


@pytest.fixture(scope="module")
def raw() -> dict[str, pd.DataFrame]:
    """The ESS files as published, read with plain pandas (codes and labels as text)."""
    folder = Path(os.environ["LEVELUP_MIRROR"]) / "indicators" / "ess"
    ids = missions()["ess"].dropna().unique()
    return {ess: pd.read_csv(folder / ess / f"{ess}.csv", dtype=str, encoding="utf-8-sig") for ess in ids}


def _published(raw: pd.DataFrame, code: str, indicator: str, period: str, level: str) -> float | None:
    """The published value of ``code`` (or of the one older code that stands for it)."""
    rows = raw[(raw["indicator"] == indicator) & (raw["period"] == period)]
    for candidate in [code, *vintages.history(level).query("to == @code and change == 'recoded'")["from"]]:
        found = pd.to_numeric(rows.loc[rows["areacd"] == candidate, "observation"]).dropna().unique()
        if len(found):
            assert len(found) == 1, (code, indicator, period, found)
            return float(found[0])
    return None


def test_scorecards_build(cards: dict[str, pd.DataFrame]) -> None:
    for name, card in cards.items():
        assert len(card) == len(missions()) and card.attrs["name"] == name
        assert card.attrs["with_value"] >= 20, (name, card.attrs)
        assert card["reason"].notna().sum() + card["value"].notna().sum() == len(card)  # every row has a value or says why
    blackpool = cards["Blackpool"]
    assert blackpool.attrs["judged"] >= 15 and blackpool.attrs["worst_decile"] >= 5
    pay = blackpool.set_index("metric").loc["gross-median-weekly-pay"]
    assert (pay["level"], pay["region_name"], pay["nation_name"]) == ("lad24", "North West", "England")
    assert cards["Cardiff"].attrs["region"].startswith("Wales") and cards["Glasgow City"].attrs["nation"] == "Scotland"
    exports = blackpool.set_index("metric").loc["total-value-of-uk-exports"]
    assert exports["source_level"].startswith("value of North West") and exports["source_level"].endswith("which contains Blackpool")


def test_100_values_match_the_published_files(cards: dict[str, pd.DataFrame], raw: dict[str, pd.DataFrame]) -> None:
    picks = []
    for name, card in cards.items():
        for _, row in card[card["value"].notna()].iterrows():
            for period, value in zip(row["trend_periods"], row["trend_values"], strict=True):
                if not pd.isna(value):
                    picks.append((name, row, period, value))
    assert len(picks) >= 100
    for name, row, period, value in random.Random(12).sample(picks, 100):
        expected = _published(raw[row["ess"]], row["source_code"], row["indicator"], period, row["level"])
        assert expected == value, (name, row["metric"], period)
    for name, card in cards.items():  # region and nation values: the published rows of the same period
        for _, row in card[card["nation_value"].notna()].iterrows():
            file = raw[row["ess"]]
            same = file[(file["indicator"] == row["indicator"]) & (file["period"] == row["period"])]
            found = [same.loc[same["areacd"] == code, "observation"] for code in NATION_CODES[row["nation_code"]]]
            published = next(float(f.iloc[0]) for f in found if len(f))
            assert published == row["nation_value"], (name, row["metric"])


def test_every_of_counts_the_areas_with_a_value(cards: dict[str, pd.DataFrame], raw: dict[str, pd.DataFrame]) -> None:
    checked = 0
    for name, card in cards.items():
        for _, row in card[card["rank"].notna()].iterrows():
            file, level = raw[row["ess"]], row["level"]
            rows = file[(file["indicator"] == row["indicator"]) & (file["period"] == row["period"])]
            rows = rows[pd.to_numeric(rows["observation"]).notna()]
            codes = set(lookups.areas(level).index)
            recoded = vintages.history(level).query("change == 'recoded'").set_index("from")["to"]
            mapped = rows["areacd"].map(lambda c, codes=codes, recoded=recoded: c if c in codes else recoded.get(c))  # merged: no value
            assert row["of"] == mapped.dropna().nunique(), (name, row["metric"], row["period"])
            checked += 1
            ranks = card[card["metric"] == row["metric"]]
            assert 1 <= ranks["rank"].iloc[0] <= row["of"]
    assert checked >= 80


def test_no_metric_mixes_periods(cards: dict[str, pd.DataFrame]) -> None:
    for card in cards.values():
        rows = card[card["value"].notna()]
        assert (rows["trend_periods"].map(lambda p: p[-1]) == rows["period"]).all()
        assert (rows["trend_values"].map(lambda v: v[-1]) == rows["value"]).all()


def test_cli_builds_the_folder_and_the_page_renders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "blackpool"
    assert main(["scorecard", "--area", "Blackpool", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [".levelup-report", "index.html", "maps.png", "scorecard.csv"]
    table = pd.read_csv(out / "scorecard.csv")
    pay = table[(table["metric"] == "gross-median-weekly-pay") & (table["figure"] == "rank")]
    assert len(pay) == 1 and pay["unit"].iloc[0] == "rank (1 = best)"
    text = (out / "index.html").read_text(encoding="utf-8")
    assert "Blackpool is in the worst national decile on" in text and "Left behind:" in text and "<svg" in text
    seen = visit(out / "index.html", tmp_path / "page.png", wait_for="table.card",
                 script="[document.querySelectorAll('table.card tr.lb').length, document.querySelectorAll('svg').length]")
    assert [m for m in seen.messages if m[0] in ("error", "pageerror")] == []
    assert seen.result[0] >= 5 and seen.result[1] >= 40
    capsys.readouterr()
    assert main(["scorecard", "--area", "Blackpool", "--out", str(out)]) == 2
    assert "pass --overwrite to replace it" in capsys.readouterr().err
    assert main(["scorecard", "--area", "Blackpoool", "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--area Blackpoool matches no area" in err and not (tmp_path / "x").exists()
