"""The lookup graph refuses inconsistent files: a LAD with two PFAs, orphans, bad codes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import geo

PFA = "lookups/LAD24_CSP24_PFA24_EW_LU.csv"
UTLA = "lookups/LTLA23_UTLA23_EW_LU.csv"


@pytest.fixture
def doctored(tmp_path: Path, mirror: Path, empty_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str, Callable[[pd.DataFrame], pd.DataFrame]], None]:
    """A mirror of links to the real files, with one file rewritten by the test."""
    root = tmp_path / "mirror"
    for path in mirror.rglob("*"):
        if path.is_file() and "ess" not in path.parts:
            target = root / path.relative_to(mirror)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path)
    monkeypatch.setattr(geo.settings, "mirror", str(root))

    def rewrite(relative: str, change: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
        frame = change(pd.read_csv(mirror / relative, dtype=str))
        (root / relative).unlink()
        frame.to_csv(root / relative, index=False)

    return rewrite


def test_a_lad_with_two_pfas_fails_loudly(doctored: Callable[..., None]) -> None:
    def second_force(frame: pd.DataFrame) -> pd.DataFrame:
        extra = frame[frame["LAD24CD"] == "E06000047"].assign(PFA24CD="E23000013", PFA24NM="Northumbria", CSP24CD="E22000999")
        frame = frame.iloc[:-1]  # keep the published row count
        return pd.concat([frame, extra], ignore_index=True)

    doctored(PFA, second_force)
    with pytest.raises(geo.DataError, match=r"lookup lad24_csp24_pfa24: 1 lad24 areas map to more than one pfa24 \(E06000047->E23000008, E06000047->E23000013\)"):
        geo.lookup("lsoa21", "pfa24")


def test_an_orphan_district_is_reported(doctored: Callable[..., None]) -> None:
    def orphan(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        frame.loc[frame["LTLA23CD"] == "E06000047", "UTLA23CD"] = None
        return frame

    doctored(UTLA, orphan)
    with pytest.raises(geo.DataError, match=r"from_level='lad24' does not nest in to_level='utla23': 1 lad24 areas have no utla23 parent \('E06000047'\)"):
        geo.lookup("lad24", "utla23")


def test_codes_that_break_their_pattern_are_refused(doctored: Callable[..., None]) -> None:
    def bad_code(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        frame.loc[frame["LTLA23CD"] == "E06000047", "UTLA23CD"] = "E99000047"
        return frame

    doctored(UTLA, bad_code)
    with pytest.raises(geo.DataError, match=r"do not match the utla23 pattern .*'E99000047'"):
        geo.lookup("lad24", "utla23")


def test_a_lookup_naming_an_unknown_child_is_refused(doctored: Callable[..., None]) -> None:
    def stranger(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        frame.loc[frame.index[0], "LAD24CD"] = "E07999999"
        return frame

    doctored("lookups/LAD24_RGN24_EN_LU.csv", stranger)
    with pytest.raises(geo.DataError, match=r"lookup lad24_rgn24: 1 lad24 codes are not in the lad24 area list: 'E07999999'"):
        geo.lookup("lad24", "rgn24")
