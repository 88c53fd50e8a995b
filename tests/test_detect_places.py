"""Level detection and area resolution on the real code lists."""

from __future__ import annotations

import pandas as pd
import pytest

import geo


@pytest.fixture(scope="module")
def lsoa_vintages() -> tuple[pd.Index, pd.Index]:
    new, old = geo.areas("lsoa21").index, geo.areas("lsoa11").index
    return new.difference(old), old.difference(new)


def test_detect_level_tells_lsoa21_from_lsoa11(lsoa_vintages: tuple[pd.Index, pd.Index]) -> None:
    assert geo.detect_level(geo.areas("lsoa21").index).level == "lsoa21"
    found = geo.detect_level(pd.Series(geo.areas("lsoa11").index))
    assert (found.level, found.vintage, found.matched) == ("lsoa11", "2011", 34753)
    shared = geo.areas("lsoa21").index.intersection(geo.areas("lsoa11").index)
    assert len(shared) > 33_000
    assert geo.detect_level(shared[:100]).also == ("lsoa11",)


def test_detect_level_refuses_mixed_vintages(lsoa_vintages: tuple[pd.Index, pd.Index]) -> None:
    only21, only11 = lsoa_vintages
    codes = list(only21[:4]) + list(only11[:2]) + list(only21.intersection(only21)[:10])
    with pytest.raises(geo.InputError, match=r"codes mixes vintages: .* are lsoa21; 2 only in lsoa11"):
        geo.detect_level(codes)


def test_detect_level_refuses_mixed_levels() -> None:
    with pytest.raises(geo.InputError, match=r"codes mixes levels: .*only in lad24"):
        geo.detect_level(["E01000001", "E01000002", "E06000047"])


def test_detect_level_reports_unknown_codes() -> None:
    with pytest.raises(geo.InputError, match=r"1 of 3 distinct codes are in no level's code list \('E01999999'\)"):
        geo.detect_level(["E01000001", "E01000002", "E01999999"])
    found = geo.detect_level(["E01000001", "E01999999"], errors="report")
    assert found.unknown == ("E01999999",) and found.matched == 1


def test_detect_level_rejects_missing_values_and_bad_options() -> None:
    with pytest.raises(geo.InputError, match=r"codes has 1 missing values"):
        geo.detect_level(pd.Series(["E01000001", None]))
    with pytest.raises(geo.InputError, match=r"errors='ignore'"):
        geo.detect_level(["E01000001"], errors="ignore")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("County Durham", ("lad24", "E06000047", "County Durham")),
        ("e06000047", ("lad24", "E06000047", "County Durham")),
        ("north east", ("rgn24", "E12000001", "North East")),
        ("TLC", ("itl1", "TLC", "North East (England)")),
        ("E23000001", ("pfa24", "E23000001", "Metropolitan Police")),
        ("Cumberland", ("lad24", "E06000063", "Cumberland")),
    ],
)
def test_area_resolves_codes_and_names(query: str, expected: tuple[str, str, str]) -> None:
    assert tuple(geo.area(query)) == expected


def test_area_errors() -> None:
    with pytest.raises(geo.InputError, match=r"query='Durhamshire' matches no area"):
        geo.area("Durhamshire")
    with pytest.raises(geo.InputError, match=r"query='' must be a non-empty"):
        geo.area("")
