"""The standing error corpus of issue 9: bad, hostile and unusual inputs with their expected outcome.

Each :class:`Case` calls one public function (or ``geo.cli.main``) with arguments built lazily
(real data are read once per session) and states what must happen:

- :class:`Raises`: a ``geo.errors`` exception of the given class (never a bare ValueError,
  KeyError or AssertionError) whose message matches every pattern (the argument's name first);
- :class:`Returns`: a result, checked against values computed here from the raw mirror
  files with plain pandas, or by hand;
- :class:`Exits`: from the CLI, exit status 2 with exactly one ``levelup: error:`` line, last
  on stderr, no traceback, matching the patterns (or another status with a check).

:func:`outcome` runs a case once per session (``test_bad_inputs.py`` asserts the expectation,
``test_hints.py`` reuses the messages to check every hint against signatures and the parser).
"""

from __future__ import annotations

import atexit
import contextlib
import io
import os
import re
import shutil
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

import geo
from geo import errors
from geo.cli import main as cli_main

# --------------------------------------------------------------------------------------------
# Raw mirror files read with plain pandas (the independent source of expected values)


def mirror() -> Path:
    return Path(os.environ["LEVELUP_MIRROR"])


@cache
def iod() -> pd.DataFrame:
    """IoD2025 as published (33,755 English LSOAs)."""
    return pd.read_csv(mirror() / "indicators/IoD2025_LSOA21_EN_scores_ranks_deciles.csv", dtype={"LSOA21CD": str})


@cache
def lsoa_lad() -> pd.DataFrame:
    """LSOA 2021 -> LAD 2024 lookup as published."""
    return pd.read_csv(mirror() / "lookups/LSOA21_WD24_LAD24_EW_LU.csv", dtype=str)


@cache
def residents() -> pd.Series:
    raw = pd.read_csv(mirror() / "indicators/Census2021_usual_residents_LSOA21_EW.csv", dtype={"LSOA21CD": str})
    return raw.set_index("LSOA21CD")["usual_residents_2021"].astype("float64")


@cache
def hle() -> pd.DataFrame:
    """ESS healthy life expectancy as published (with Barnsley/Sheffield under E08000038/39)."""
    return pd.read_csv(mirror() / "indicators/ess/healthy-life-expectancy/healthy-life-expectancy.csv", dtype={"areacd": str})


@cache
def lsoa11_routes() -> pd.DataFrame:
    return pd.read_csv(mirror() / "lookups/LSOA11_LSOA21_LAD22_EW_LU.csv", dtype=str)


def lsoas_of(lad: str) -> list[str]:
    table = lsoa_lad()
    return sorted(table.loc[table["LAD24CD"] == lad, "LSOA21CD"])


def durham_iod() -> pd.DataFrame:
    """IoD2025 rows of County Durham's 330 LSOAs (the ONS LSOA21 -> LAD24 lookup) only (partial national coverage)."""
    frame = iod()
    return frame[frame["LSOA21CD"].isin(lsoas_of("E06000047"))].reset_index(drop=True)


def hle_one(geography: tuple[str, ...], prefixes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Female HLE 2022-2024 rows of the given ESS geography labels (optionally code prefixes)."""
    frame = hle()
    rows = frame[(frame["indicator"] == "Female healthy life expectancy") & (frame["period"] == "2022-01-01/P3Y")]
    rows = rows[rows["geography"].isin(geography)]
    if prefixes:
        rows = rows[rows["areacd"].str[:3].isin(prefixes)]
    return rows.drop_duplicates("areacd").reset_index(drop=True)


def hle_utla() -> pd.DataFrame:
    """Counties and unitaries, plus metropolitan districts and London boroughs (upper tier too)."""
    both = pd.concat([hle_one(("County or Unitary Authority",)), hle_one(("Local Authority District",), ("E08", "E09"))])
    return both.drop_duplicates("areacd").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Cases


@dataclass(frozen=True)
class Raises:
    """A ``geo.errors`` exception of class ``error`` whose message matches every pattern."""

    error: type[errors.LevelupError]
    match: tuple[str, ...]


@dataclass(frozen=True)
class Returns:
    """A result; ``check(result, ctx)`` asserts it is the right one."""

    check: Callable[[Any, Ctx], None]


@dataclass(frozen=True)
class Exits:
    """``levelup`` exits with ``code``; for 2, one ``levelup: error:`` line matching ``match``."""

    code: int = 2
    match: tuple[str, ...] = ()
    check: Callable[[Outcome, Ctx], None] | None = None


@dataclass(frozen=True)
class Either:
    """A package error matching ``match``, or a result passing ``check`` (the issue allows both)."""

    match: tuple[str, ...]
    check: Callable[[Any, Ctx], None]


@dataclass(frozen=True)
class Case:
    id: str
    func: Callable[..., Any]
    build: Callable[[Ctx], dict[str, Any]]
    expect: Raises | Returns | Exits | Either
    cwd: bool = False  # run inside the case's temporary folder


@dataclass
class Ctx:
    """Where a case runs: a private temporary folder."""

    tmp: Path

    def csv(self, name: str, frame: pd.DataFrame, **options: Any) -> str:
        path = self.tmp / name
        frame.to_csv(path, **options)
        return str(path)


@dataclass
class Outcome:
    result: Any = None
    error: BaseException | None = None
    trace: str = ""
    code: int | None = None
    out: str = ""
    err: str = ""
    ctx: Ctx | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)


_OUTCOMES: dict[str, Outcome] = {}
_ROOT = Path(tempfile.mkdtemp(prefix="levelup-corpus-"))
atexit.register(shutil.rmtree, _ROOT, ignore_errors=True)  # the cases' folders go with the session


def outcome(case: Case) -> Outcome:
    """Run ``case`` once per session and remember what happened."""
    if case.id in _OUTCOMES:
        return _OUTCOMES[case.id]
    ctx = Ctx(Path(tempfile.mkdtemp(prefix=f"{case.id[:40]}-", dir=_ROOT)))
    result = Outcome(ctx=ctx)
    here = os.getcwd()
    try:
        if case.cwd:
            os.chdir(ctx.tmp)
        kwargs = case.build(ctx)
        result.kwargs = kwargs
        if case.func is cli_main:
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    result.code = cli_main(kwargs["argv"])
                except SystemExit as exc:  # argparse
                    result.code = int(exc.code or 0)
            result.out, result.err = out.getvalue(), err.getvalue()
        else:
            result.result = case.func(**kwargs)
    except Exception as exc:  # recorded and judged by the tests
        result.error = exc
        result.trace = traceback.format_exc()
    finally:
        os.chdir(here)
    _OUTCOMES[case.id] = result
    return result


def error_message(case: Case, got: Outcome) -> str | None:
    """The message a user sees: the exception text, or the CLI's ``levelup: error:`` line."""
    if case.func is cli_main:
        lines = [line for line in got.err.splitlines() if line.startswith("levelup: error:")]
        return lines[-1][len("levelup: error:"):].strip() if lines else None
    if isinstance(got.error, errors.LevelupError):
        return str(got.error)
    return None


def judge(case: Case, got: Outcome) -> None:
    """Assert that ``got`` is what ``case`` expects."""
    expect = case.expect
    ctx = got.ctx
    assert ctx is not None
    if isinstance(expect, Exits):
        assert got.error is None, f"levelup raised instead of exiting:\n{got.trace}"
        assert "Traceback" not in got.err, got.err
        assert got.code == expect.code, f"exit {got.code}, expected {expect.code}; stderr: {got.err!r}"
        if expect.code == 2:
            lines = [line for line in got.err.strip().splitlines() if line.strip()]
            errors_ = [line for line in lines if line.startswith("levelup: error:")]
            assert len(errors_) == 1 and lines[-1] == errors_[0], f"expected one `levelup: error:` line last on stderr, got {got.err!r}"
            for pattern in expect.match:
                assert re.search(pattern, errors_[0]), f"{pattern!r} not in {errors_[0]!r}"
        if expect.check is not None:
            expect.check(got, ctx)
        return
    if isinstance(expect, Raises):
        assert got.error is not None, f"expected {expect.error.__name__}, got a result: {_short(got.result)}"
        assert isinstance(got.error, expect.error), f"expected {expect.error.__name__}, got {type(got.error).__name__}:\n{got.trace}"
        for pattern in expect.match:
            assert re.search(pattern, str(got.error)), f"{pattern!r} not in message {str(got.error)!r}"
        return
    if isinstance(expect, Either):
        if got.error is not None:
            assert isinstance(got.error, errors.LevelupError), f"not a package error:\n{got.trace}"
            for pattern in expect.match:
                assert re.search(pattern, str(got.error)), f"{pattern!r} not in message {str(got.error)!r}"
            return
        expect.check(got.result, ctx)
        return
    assert got.error is None, f"expected a result, got {type(got.error).__name__}:\n{got.trace}"
    expect.check(got.result, ctx)


def _short(value: Any) -> str:
    text = repr(value)
    return text[:400] + ("..." if len(text) > 400 else "")


# --------------------------------------------------------------------------------------------
# Small synthetic inputs

CITY = ["E01000001", "E01000002"]  # two City of London LSOAs (lad24 E09000001)
DATA = r"\bdata\b|\bcodes?\b"  # a message about the table's codes names data= / code=
TO = r"(?<!\.\.\., )\bto="  # names to=, other than in a hint such as geo.disaggregate(..., to='lsoa21')


def two(values: list[Any], column: str = "crimes", codes: list[str] | None = None) -> pd.DataFrame:
    return pd.DataFrame({column: values}, index=codes or CITY)


def lad_frame(codes: list[str], values: list[float], column: str = "jobs") -> pd.DataFrame:
    return pd.DataFrame({"code": codes, column: values})


def _agg_city(expected: float, present: int | None = None) -> Callable[[Any, Ctx], None]:
    def check(result: pd.DataFrame, ctx: Ctx) -> None:
        assert list(result.index) == ["E09000001"], list(result.index)
        assert float(result.loc["E09000001", "crimes"]) == expected
        assert int(result.loc["E09000001", "children_expected"]) == len(lsoas_of("E09000001"))
        if present is not None:
            assert int(result.loc["E09000001", "children_present"]) == present
    return check


def _cumberland(result: pd.DataFrame, ctx: Ctx) -> None:
    assert "E06000063" not in result.index or pd.isna(result.loc["E06000063", "jobs"]), \
        f"Cumberland given a value from Allerdale alone: {result.loc['E06000063', 'jobs']}"


def _edinburgh_dz(result: pd.DataFrame, ctx: Ctx) -> None:
    """City of Edinburgh's Data Zones from the raw Scottish lookup, 600 split equally."""
    raw = pd.read_csv(mirror() / "lookups/DZ11_IZ11_LAD20_SC_LU.csv", dtype=str)
    zones = sorted(raw.loc[raw["LAD20CD"] == "S12000036", "DZ11CD"])
    assert sorted(result.index) == zones
    assert np.allclose(result["jobs"].to_numpy(), 600.0 / len(zones))


def _disagg_sum(parent: str, total: float) -> Callable[[Any, Ctx], None]:
    def check(result: pd.DataFrame, ctx: Ctx) -> None:
        expected = lsoas_of(parent)
        assert sorted(result.index) == expected
        assert abs(float(result["jobs"].sum()) - total) < 1e-6 * total
        weights = residents().reindex(expected)
        assert np.allclose(result["jobs"].reindex(expected).to_numpy(), total * weights.to_numpy() / weights.sum())
    return check


def _ineq_constant(result: pd.DataFrame, ctx: Ctx) -> None:
    row = result.iloc[0]
    assert int(row["n"]) == 5 and float(row["mean"]) == 7.0
    assert float(row["gini"]) == 0.0 and abs(float(row["theil"])) < 1e-15 and float(row["decile_gap"]) == 0.0


def _ineq_hle(rows: Callable[[], pd.DataFrame]) -> Callable[[Any, Ctx], None]:
    def check(result: pd.DataFrame, ctx: Ctx) -> None:
        raw = rows()
        assert int(result.loc["all", "n"]) == len(raw)
        assert abs(float(result.loc["all", "mean"]) - raw["observation"].mean()) < 1e-9
        assert float(result.loc["all", "max"]) == raw["observation"].max()
    return check


def _barnsley_within_region(result: pd.DataFrame, ctx: Ctx) -> None:
    raw = hle_one(("Local Authority District",))
    lads = pd.read_csv(mirror() / "lookups/LAD24_RGN24_EN_LU.csv", dtype=str).set_index("LAD24CD")["RGN24CD"]
    codes = raw["areacd"].replace({"E08000038": "E08000016", "E08000039": "E08000019"})
    region = codes.map(lads)
    yorkshire = raw[region == "E12000003"]
    assert int(result.loc["E12000003", "n"]) == len(yorkshire)
    assert abs(float(result.loc["E12000003", "mean"]) - yorkshire["observation"].mean()) < 1e-9


def _pockets_count(threshold: float, rows: Callable[[], pd.DataFrame], column: str = "IMD_score") -> Callable[[Any, Ctx], None]:
    def check(result: gpd.GeoDataFrame, ctx: Ctx) -> None:
        raw = rows()
        meeting = set(raw.loc[raw[column] >= threshold, "LSOA21CD"])
        listed = [c for codes in result["codes"] for c in codes.split(",")]
        assert sorted(listed) == sorted(meeting)
        assert int(result["n_areas"].sum()) == len(meeting)
    return check


def _empty_pockets(result: gpd.GeoDataFrame, ctx: Ctx) -> None:
    assert isinstance(result, gpd.GeoDataFrame) and len(result) == 0, _short(result)
    assert {"pocket", "codes", "n_areas", "hidden"} <= set(result.columns)


def _national_pockets(result: gpd.GeoDataFrame, ctx: Ctx) -> None:
    assert int(result["n_areas"].sum()) == int((iod()["IMD_decile"] == 1).sum())


def _no_hidden(result: gpd.GeoDataFrame, ctx: Ctx) -> None:
    assert len(result) > 0
    assert int(result["hidden"].sum()) == 0, f"{int(result['hidden'].sum())} of {len(result)} pockets marked hidden within the nation itself"


def _not_significant(result: pd.DataFrame, ctx: Ctx) -> None:
    assert len(result) == len(lsoas_of("E06000047"))
    labels = result["label"].value_counts().to_dict()
    assert labels == {"Not significant": len(result)}, labels


def _ds_durham(result: pd.DataFrame, ctx: Ctx) -> None:
    raw = durham_iod()
    assert int(result.loc["E06000047", "n_lsoas"]) == len(raw)
    expected = float((raw["IMD_decile"] == 1).mean())
    assert abs(float(result.loc["E06000047", "proportion_most_deprived_10"]) - expected) < 1e-12


def _assign_london_paris(result: pd.DataFrame, ctx: Ctx) -> None:
    assert result["lsoa21"].iloc[0] == "E01032739"
    assert pd.isna(result["lsoa21"].iloc[1])
    assert result.attrs["report"]["unassigned"] == 1


def _formula_neutral(name: str, wanted: list[str], unwanted: list[str]) -> Callable[[Any, Ctx], None]:
    def check(result: Any, ctx: Ctx) -> None:
        text = (ctx.tmp / name).read_text(encoding="utf-8")
        cells = [cell.strip('"') for line in text.splitlines() for cell in line.split(",")]
        for cell in wanted:
            assert cell in cells, f"{cell!r} not among cells {cells}"
        for cell in unwanted:
            assert cell not in cells, f"{cell!r} written verbatim: {cells}"
    return check


def _report_pack(got: Outcome, ctx: Ctx) -> None:
    folder = ctx.tmp / "rutland"
    for name in ("index.html", "map.html", "map.png", "pockets.gpkg", "summary.csv", "inequality.csv"):
        assert (folder / name).is_file(), f"{name} missing from the pack"
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "Rutland" in page


def _untouched(got: Outcome, ctx: Ctx) -> None:
    mine = ctx.tmp / "mine"
    assert (mine / "thesis.docx").read_text() == "years of work", "a user file was deleted or changed"
    assert sorted(p.name for p in mine.iterdir()) == ["thesis.docx"]


def _cwd_untouched(got: Outcome, ctx: Ctx) -> None:
    assert (ctx.tmp / "notes.txt").read_text() == "keep me", "the working folder was emptied"


def _mine(ctx: Ctx) -> str:
    folder = ctx.tmp / "mine"
    folder.mkdir()
    (folder / "thesis.docx").write_text("years of work")
    return str(folder)


def _notes(ctx: Ctx) -> str:
    """A user's file in the working folder; returns ``"."`` (the folder, as a user types it)."""
    (ctx.tmp / "notes.txt").write_text("keep me")
    return "."


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def _users_file(path: Path) -> Path:
    path.write_text("mine")
    return path


def _cli_agg_lower(got: Outcome, ctx: Ctx) -> None:
    table = pd.read_csv(ctx.tmp / "out.csv", dtype={"lad24": str})
    assert table.set_index("lad24").loc["E09000001", "crimes"] == 7


def _cli_formula_header(got: Outcome, ctx: Ctx) -> None:
    text = (ctx.tmp / "out.csv").read_text(encoding="utf-8")
    header = text.splitlines()[0].split(",")
    assert "'=1+1" in [h.strip('"') for h in header] and "=1+1" not in [h.strip('"') for h in header], header


def _areas_within(n: int) -> Callable[[Any, Ctx], None]:
    return lambda result, ctx: _eq(len(result), n)


def _eq(a: Any, b: Any) -> None:
    assert a == b, f"{a!r} != {b!r}"


def _build_cases() -> list[Case]:
    agg, dis, conv = geo.aggregate, geo.disaggregate, geo.convert
    ineq, dec, pk, hs = geo.inequality, geo.decompose, geo.pockets, geo.hotspots
    cases: list[Case] = []

    def add(id_: str, func: Callable[..., Any], build: Callable[[Ctx], dict[str, Any]], expect: Any, cwd: bool = False) -> None:
        cases.append(Case(id_, func, build, expect, cwd))

    def cli(id_: str, build: Callable[[Ctx], list[str]], expect: Exits, cwd: bool = False) -> None:
        cases.append(Case(id_, cli_main, lambda c: {"argv": build(c)}, expect, cwd))

    count = {"to": "lad24", "value": "crimes", "kind": "count"}
    # ---------------- aggregate
    add("aggregate-empty-frame", agg, lambda c: {"data": pd.DataFrame({"crimes": pd.Series([], dtype=float)}), **count}, Raises(errors.InputError, (DATA,)))
    add("aggregate-not-a-frame", agg, lambda c: {"data": [3, 4], **count}, Raises(errors.InputError, (r"\bdata\b",)))
    add("aggregate-nan-value-is-missing", agg, lambda c: {"data": two([3.0, np.nan]), **count}, Returns(_agg_city(3.0, present=1)))
    add("aggregate-inf-value", agg, lambda c: {"data": two([3.0, np.inf]), **count}, Raises(errors.InputError, ("crimes", r"inf")))
    add("aggregate-negative-count", agg, lambda c: {"data": two([3, -4]), **count}, Raises(errors.InputError, ("crimes",)))
    add("aggregate-text-in-values", agg, lambda c: {"data": two([3, "four"]), **count}, Raises(errors.InputError, ("crimes", "four")))
    add("aggregate-formula-cell-in-values", agg, lambda c: {"data": two([3, "=1+1"]), **count}, Raises(errors.InputError, ("crimes",)))
    add("aggregate-huge-int-count", agg, lambda c: {"data": two([2**53 + 1, 1]), **count}, Raises(errors.InputError, ("crimes", r"2\^53|9,?007,?199,?254,?740,?99[23]")))
    add("aggregate-duplicate-codes", agg, lambda c: {"data": two([3, 4], codes=["E01000001", "E01000001"]), **count}, Raises(errors.InputError, (DATA, "E01000001")))
    add("aggregate-nan-code", agg, lambda c: {"data": pd.DataFrame({"code": ["E01000001", None], "crimes": [1, 2]}), "code": "code", **count},
        Raises(errors.InputError, (DATA,)))
    add("aggregate-mixed-levels", agg, lambda c: {"data": two([3, 4], codes=["E01000001", "E06000047"]), **count}, Raises(errors.InputError, (DATA, "E06000047")))
    add("aggregate-lsoa11-split-code-in-lsoa21-table", agg, lambda c: {"data": two([3, 4], codes=["E01000001", "E01033468"]), "level": "lsoa21", **count},
        Raises(errors.InputError, (DATA, "E01033468")))
    add("aggregate-old-districts-all-predecessors", agg,
        lambda c: {"data": lad_frame(["E07000026", "E07000028", "E07000029", "E06000047"], [1.0, 2.0, 3.0, 5.0]), "code": "code",
                   "value": "jobs", "kind": "count", "to": "utla23", "level": "lad24"},
        Returns(lambda r, c: (_eq(float(r.loc["E06000063", "jobs"]), 6.0), _eq(float(r.loc["E06000047", "jobs"]), 5.0))))
    add("aggregate-old-district-one-predecessor", agg,
        lambda c: {"data": lad_frame(["E07000026", "E06000047"], [10.0, 5.0]), "code": "code", "value": "jobs", "kind": "count", "to": "utla23", "level": "lad24"},
        Either((r"E07000026",), _cumberland))
    add("aggregate-2025-codes-barnsley-sheffield", agg,
        lambda c: {"data": lad_frame(["E08000038", "E08000039"], [4.0, 6.0]), "code": "code", "value": "jobs", "kind": "count", "to": "itl1"},
        Returns(lambda r, c: _eq(float(r.loc["TLE", "jobs"]), 10.0)))
    add("aggregate-lower-case-codes", agg, lambda c: {"data": two([3, 4], codes=["e01000001", "e01000002"]), **count}, Returns(_agg_city(7.0, present=2)))
    add("aggregate-padded-codes", agg, lambda c: {"data": two([3, 4], codes=[" E01000001", "E01000002  "]), **count}, Returns(_agg_city(7.0, present=2)))
    add("aggregate-zero-width-space-in-code", agg, lambda c: {"data": two([3, 4], codes=["E01000001\u200b", "E01000002"]), **count},
        Raises(errors.InputError, (DATA,)))
    add("aggregate-unknown-kind", agg, lambda c: {"data": two([3, 4]), "to": "lad24", "value": "crimes", "kind": "sum"}, Raises(errors.InputError, (r"kind=",)))
    add("aggregate-unknown-to-level", agg, lambda c: {"data": two([3, 4]), "to": "lsoa99", "value": "crimes", "kind": "count"},
        Raises(errors.UnknownLevelError, (r"to=",)))
    add("aggregate-to-finer-level", agg,
        lambda c: {"data": lad_frame(["E06000047"], [5.0]), "code": "code", "to": "lsoa21", "value": "jobs", "kind": "count"},
        Raises(errors.NestingError, (TO,)))
    add("aggregate-straddling-levels", agg,
        lambda c: {"data": lad_frame(["E23000013"], [5.0]), "code": "code", "to": "utla23", "value": "jobs", "kind": "count", "level": "pfa24"},
        Raises(errors.NestingError, (TO,)))
    add("aggregate-unknown-level-in-to-list", agg, lambda c: {"data": two([3, 4]), "to": ["lad24", "shire"], "value": "crimes", "kind": "count"},
        Raises(errors.UnknownLevelError, (r"to=", "shire")))
    add("aggregate-rate-negative-numerator", agg,
        lambda c: {"data": pd.DataFrame({"num": [1.0, -2.0], "den": [10.0, 10.0]}, index=CITY), "to": "lad24", "value": "rate", "kind": "rate",
                   "numerator": "num", "denominator": "den"},
        Raises(errors.InputError, (r"numerator|\bnum\b",)))
    add("aggregate-median-without-approximate", agg, lambda c: {"data": two([3, 4]), "to": "lad24", "value": "crimes", "kind": "median"},
        Raises(errors.InputError, (r"kind=", "approximate=True")))
    add("aggregate-missing-value-column", agg, lambda c: {"data": two([3, 4]), "to": "lad24", "value": "nope", "kind": "count"},
        Raises(errors.InputError, (r"value=|value column", "nope")))
    add("aggregate-missing-code-column", agg, lambda c: {"data": two([3, 4]), "code": "nope", **count}, Raises(errors.InputError, (r"code=",)))
    add("aggregate-weight-zero", agg,
        lambda c: {"data": pd.DataFrame({"score": [1.0, 2.0], "w": [1.0, 0.0]}, index=CITY), "to": "lad24", "value": "score", "kind": "mean", "weight": "w"},
        Raises(errors.InputError, (r"weight",)))
    add("aggregate-weight-inf", agg,
        lambda c: {"data": pd.DataFrame({"score": [1.0, 2.0], "w": [1.0, np.inf]}, index=CITY), "to": "lad24", "value": "score", "kind": "mean", "weight": "w"},
        Raises(errors.InputError, (r"weight",)))
    add("aggregate-weight-text", agg,
        lambda c: {"data": pd.DataFrame({"score": [1.0, 2.0], "w": [1.0, "heavy"]}, index=CITY), "to": "lad24", "value": "score", "kind": "mean", "weight": "w"},
        Raises(errors.InputError, (r"weight column 'w'", "heavy")))
    add("aggregate-rate-zero-denominator", agg,
        lambda c: {"data": pd.DataFrame({"n": [1.0, 2.0], "d": [10.0, 0.0]}, index=CITY), "to": "lad24", "value": "rate", "kind": "rate",
                   "numerator": "n", "denominator": "d"},
        Raises(errors.InputError, (r"denominator",)))
    add("aggregate-min-coverage-out-of-range", agg, lambda c: {"data": two([3, 4]), "min_coverage": -0.5, **count}, Raises(errors.InputError, (r"min_coverage",)))
    add("aggregate-errors-report-lists-junk", agg, lambda c: {"data": two([3, 4, 9], codes=[*CITY, "E01999999"]), "level": "lsoa21", "errors": "report", **count},
        Returns(lambda r, c: (_agg_city(7.0, present=2)(r, c), _eq(r.attrs["excluded"], ["E01999999"]))))
    add("aggregate-hostile-column-name", agg, lambda c: {"data": two([3, 4], column="=HYPERLINK(\"http://x\")"), "to": "lad24", "value": "=HYPERLINK(\"http://x\")", "kind": "count"},
        Returns(lambda r, c: _eq(float(r.loc["E09000001", "=HYPERLINK(\"http://x\")"]), 7.0)))
    add("aggregate-constant-counts", agg, lambda c: {"data": pd.DataFrame({"crimes": 1.0}, index=lsoas_of("E06000047")), **count},
        Returns(lambda r, c: _eq(float(r.loc["E06000047", "crimes"]), float(len(lsoas_of("E06000047"))))))

    # ---------------- disaggregate
    jobs = {"to": "lsoa21", "value": "jobs", "kind": "count", "code": "code"}
    add("disaggregate-lower-case-code", dis, lambda c: {"data": lad_frame(["e06000047"], [1000.0]), **jobs}, Returns(_disagg_sum("E06000047", 1000.0)))
    add("disaggregate-2025-code-barnsley", dis, lambda c: {"data": lad_frame(["E08000038"], [1000.0]), **jobs}, Returns(_disagg_sum("E08000016", 1000.0)))
    add("disaggregate-negative-count", dis, lambda c: {"data": lad_frame(["E06000047"], [-5.0]), **jobs}, Raises(errors.InputError, ("jobs",)))
    add("disaggregate-inf-count", dis, lambda c: {"data": lad_frame(["E06000047"], [np.inf]), **jobs}, Raises(errors.InputError, ("jobs",)))
    add("disaggregate-text-count", dis, lambda c: {"data": lad_frame(["E06000047"], ["many"]), **jobs}, Raises(errors.InputError, ("jobs", "many")))
    add("disaggregate-empty-frame", dis, lambda c: {"data": lad_frame([], []), **jobs}, Raises(errors.InputError, (DATA,)))
    add("disaggregate-to-coarser-level", dis, lambda c: {"data": two([3, 4]), "to": "lad24", "value": "crimes", "kind": "count"}, Raises(errors.NestingError, (r"to=",)))
    add("disaggregate-unknown-weight", dis, lambda c: {"data": lad_frame(["E06000047"], [5.0]), "weight": "people", **jobs}, Raises(errors.InputError, (r"weight=",)))
    add("disaggregate-unknown-kind", dis, lambda c: {"data": lad_frame(["E06000047"], [5.0]), **{**jobs, "kind": "total"}}, Raises(errors.InputError, (r"kind=",)))
    add("disaggregate-scottish-council-to-lsoa21", dis, lambda c: {"data": lad_frame(["S12000036"], [5.0]), **jobs},
        Raises(errors.InputError, ("S12000036",)))
    add("disaggregate-scottish-and-ni-councils-name-their-levels", dis,
        lambda c: {"data": lad_frame(["S12000036", "N09000001", "E06000047"], [5.0, 3.0, 4.0]), **{**jobs, "kind": "mean"}},
        Raises(errors.InputError, ("S12000036", "to='dz11'", "N09000001", "to='sdz21'")))
    add("disaggregate-scottish-council-to-dz11-equal", dis,
        lambda c: {"data": lad_frame(["S12000036"], [600.0]), **{**jobs, "to": "dz11", "weight": "equal"}}, Returns(_edinburgh_dz))

    # ---------------- convert
    add("convert-lower-case-lsoa11-codes", conv,
        lambda c: {"data": pd.DataFrame({"crimes": [10.0, 4.0, 6.0]}, index=["e01033468", "e01011973", "e01011976"]), "value": "crimes", "kind": "count"},
        Returns(lambda r, c: (_eq(round(float(r["crimes"].sum()), 9), 20.0), _eq(float(r.loc["E01035188", "crimes"]), 10.0))))
    add("convert-wrong-level", conv, lambda c: {"data": two([3, 4]), "value": "crimes", "kind": "count", "level": "lsoa21"}, Raises(errors.InputError, (r"level=",)))
    add("convert-median", conv, lambda c: {"data": two([3, 4]), "value": "crimes", "kind": "median"}, Raises(errors.InputError, (r"kind=",)))
    add("convert-unknown-weight", conv, lambda c: {"data": two([3, 4]), "value": "crimes", "kind": "count", "weight": "people"}, Raises(errors.InputError, (r"weight=",)))
    add("convert-negative-count", conv, lambda c: {"data": two([3, -4]), "value": "crimes", "kind": "count"}, Raises(errors.InputError, ("crimes",)))
    add("convert-lsoa21-only-codes", conv, lambda c: {"data": two([3, 4], codes=["E01035188", "E01000001"]), "value": "crimes", "kind": "count"},
        Raises(errors.InputError, (DATA, "E01035188")))

    # ---------------- inequality and decompose
    constant = lambda c: {"data": pd.DataFrame({"v": 7.0}, index=lsoas_of("E09000001")[:5]), "value": "v"}  # noqa: E731
    add("inequality-constant-data", ineq, lambda c: {**constant(c), "within": None}, Returns(_ineq_constant))
    add("inequality-hle-lad24-2025-codes", ineq, lambda c: {"data": hle_one(("Local Authority District",)), "code": "areacd", "value": "observation", "within": None, "level": "lad24"},
        Returns(_ineq_hle(lambda: hle_one(("Local Authority District",)))))
    add("inequality-hle-lad24-within-region", ineq,
        lambda c: {"data": hle_one(("Local Authority District",)), "code": "areacd", "value": "observation", "within": "rgn24", "level": "lad24"},
        Returns(_barnsley_within_region))
    add("inequality-hle-utla23", ineq, lambda c: {"data": hle_utla(), "code": "areacd", "value": "observation", "within": None, "level": "utla23"},
        Returns(_ineq_hle(hle_utla)))
    add("inequality-welsh-district-within-region-left-out", ineq,
        lambda c: {"data": pd.DataFrame({"v": [1.0, 3.0]}, index=["W06000001", "E06000002"]), "value": "v", "within": "rgn24", "level": "lad24"},
        Returns(lambda r, c: (_eq(list(r.index), ["E12000001"]), _eq(float(r.loc["E12000001", "mean"]), 3.0), _eq(r.attrs["outside"], ["W06000001"]))))
    add("inequality-only-welsh-within-region", ineq,
        lambda c: {"data": pd.DataFrame({"v": [1.0, 3.0]}, index=["W06000001", "W06000002"]), "value": "v", "within": "rgn24", "level": "lad24"},
        Raises(errors.InputError, (r"within=", "W06000001")))
    add("inequality-unknown-within", ineq, lambda c: {**constant(c), "within": "county99"}, Raises(errors.UnknownLevelError, (r"within=",)))
    add("inequality-within-does-not-nest", ineq, lambda c: {**constant(c), "within": "lsoa21"},
        Raises(errors.NestingError, (r"within=",)))
    add("inequality-inf-value", ineq, lambda c: {"data": two([1.0, np.inf], column="v"), "value": "v", "within": None}, Raises(errors.InputError, (r"\bv\b",)))
    add("inequality-all-nan", ineq, lambda c: {"data": two([np.nan, np.nan], column="v"), "value": "v", "within": None}, Raises(errors.InputError, (r"\bv\b",)))
    add("inequality-negative-weight-column", ineq,
        lambda c: {"data": pd.DataFrame({"v": [1.0, 2.0], "w": [1.0, -1.0]}, index=CITY), "value": "v", "within": None, "weight": "w"},
        Raises(errors.InputError, (r"weight",)))
    add("inequality-lower-case-codes", ineq, lambda c: {"data": pd.DataFrame({"v": [1.0, 3.0]}, index=["e01000001", "e01000002"]), "value": "v", "within": "lad24"},
        Returns(lambda r, c: (_eq(int(r.loc["E09000001", "n"]), 2), _eq(float(r.loc["E09000001", "mean"]), 2.0))))
    add("decompose-constant-data", dec, lambda c: {**constant(c), "within": "lad24"},
        Returns(lambda r, c: _eq([abs(float(r[k])) < 1e-15 for k in ("total", "between", "within")], [True, True, True])))
    add("decompose-negative-values", dec, lambda c: {"data": two([1.0, -2.0], column="v"), "value": "v", "within": "lad24"}, Raises(errors.InputError, (r"\bv\b",)))
    add("decompose-inf-values", dec, lambda c: {"data": two([1.0, np.inf], column="v"), "value": "v", "within": "lad24"}, Raises(errors.InputError, (r"\bv\b",)))
    add("decompose-unknown-within", dec, lambda c: {"data": two([1.0, 2.0], column="v"), "value": "v", "within": "nowhere"}, Raises(errors.UnknownLevelError, (r"within=",)))
    add("decompose-welsh-district-within-region", dec,
        lambda c: {"data": pd.DataFrame({"v": [1.0, 3.0]}, index=["W06000001", "E06000002"]), "value": "v", "within": "rgn24", "level": "lad24"},
        Raises(errors.InputError, (r"within=", "W06000001")))

    # ---------------- pockets
    mine = lambda c: {"data": iod().rename(columns={"IMD_score": "my_indicator"}), "code": "LSOA21CD", "value": "my_indicator"}  # noqa: E731
    add("pockets-user-indicator-needs-worse", pk, mine, Raises(errors.InputError, (r"worse=",)))
    add("pockets-one-council-national-threshold", pk, lambda c: {"data": durham_iod(), "code": "LSOA21CD", "value": "IMD_score", "worse": "high"},
        Raises(errors.CoverageError, (r"threshold", r"\b330 of England|County Durham")))
    add("pockets-one-council-numeric-threshold", pk, lambda c: {"data": durham_iod(), "code": "LSOA21CD", "value": "IMD_score", "worse": "high", "threshold": 50.0},
        Returns(_pockets_count(50.0, durham_iod)))
    add("pockets-no-area-qualifies-is-empty", pk, lambda c: {"data": durham_iod(), "code": "LSOA21CD", "value": "IMD_score", "worse": "high", "threshold": 1000.0},
        Returns(_empty_pockets))
    add("pockets-constant-data-hotspot-is-empty", pk,
        lambda c: {"data": durham_iod().assign(IMD_score=10.0), "code": "LSOA21CD", "value": "IMD_score", "worse": "high", "threshold": "hotspot"},
        Returns(_empty_pockets))
    add("pockets-lower-case-codes-national", pk, lambda c: {"data": iod().assign(LSOA21CD=iod()["LSOA21CD"].str.lower()), "code": "LSOA21CD", "value": "IMD_score", "worse": "high"},
        Returns(_national_pockets))
    add("pockets-within-nation-none-hidden", pk, lambda c: {"data": iod(), "code": "LSOA21CD", "value": "IMD_score", "worse": "high", "within": "ctry", "weight": None},
        Returns(_no_hidden))
    add("pockets-unknown-threshold", pk, lambda c: {"data": iod(), "code": "LSOA21CD", "value": "IMD_score", "worse": "high", "threshold": "decile_1"},
        Raises(errors.InputError, (r"threshold=",)))
    add("pockets-bad-worse", pk, lambda c: {"data": iod(), "code": "LSOA21CD", "value": "IMD_score", "worse": "up"}, Raises(errors.InputError, (r"worse=",)))
    add("pockets-unknown-contiguity", pk, lambda c: {"data": iod(), "code": "LSOA21CD", "value": "IMD_score", "worse": "high", "contiguity": "bishop"},
        Raises(errors.InputError, (r"contiguity=",)))
    add("pockets-within-finer-level", pk, lambda c: {"data": iod(), "code": "LSOA21CD", "value": "IMD_score", "worse": "high", "within": "lsoa21"},
        Raises(errors.NestingError, (r"within=",)))
    add("pockets-negative-min-population", pk, lambda c: {"data": iod(), "code": "LSOA21CD", "value": "IMD_score", "worse": "high", "min_population": -1},
        Raises(errors.InputError, (r"min_population",)))

    # ---------------- hotspots
    durham = lambda c: {"data": durham_iod(), "code": "LSOA21CD", "value": "IMD_score"}  # noqa: E731
    add("hotspots-constant-data", hs, lambda c: {"data": durham_iod().assign(IMD_score=3.0), "code": "LSOA21CD", "value": "IMD_score", "permutations": 99},
        Either((r"IMD_score", r"constant"), _not_significant))
    add("hotspots-fractional-permutations", hs, lambda c: {**durham(c), "permutations": 9.5}, Raises(errors.InputError, (r"permutations=",)))
    add("hotspots-zero-permutations", hs, lambda c: {**durham(c), "permutations": 0}, Raises(errors.InputError, (r"permutations=",)))
    add("hotspots-unknown-method", hs, lambda c: {**durham(c), "method": "kriging"}, Raises(errors.InputError, (r"method=",)))
    add("hotspots-unknown-contiguity", hs, lambda c: {**durham(c), "contiguity": "bishop"}, Raises(errors.InputError, (r"contiguity=",)))
    add("hotspots-significance-out-of-range", hs, lambda c: {**durham(c), "significance": 2.0}, Raises(errors.InputError, (r"significance",)))
    add("hotspots-duplicate-codes", hs, lambda c: {"data": pd.concat([durham_iod(), durham_iod().head(1)]), "code": "LSOA21CD", "value": "IMD_score"},
        Raises(errors.InputError, (DATA,)))
    add("hotspots-two-areas", hs, lambda c: {"data": two([1.0, 2.0], column="v"), "value": "v"}, Raises(errors.InputError, (r"\bv\b",)))
    add("hotspots-inf-value", hs, lambda c: {"data": durham_iod().assign(IMD_score=lambda f: f["IMD_score"].where(f.index > 0, np.inf)), "code": "LSOA21CD",
                                               "value": "IMD_score", "permutations": 9}, Raises(errors.InputError, (r"IMD_score",)))

    # ---------------- compare
    pair = lambda codes, values: pd.DataFrame({"observation": values}, index=codes)  # noqa: E731
    add("compare-lower-case-codes", geo.compare, lambda c: {"data": pair(["e06000001", "e12000001"], [10.0, 20.0]), "value": "observation", "level": "lad24"},
        Returns(lambda r, c: _eq(float(r.loc["E06000001", "diff_rgn24"]), -10.0)))
    add("compare-duplicate-codes", geo.compare, lambda c: {"data": pair(["E06000001", "E06000001"], [10.0, 20.0]), "value": "observation"}, Raises(errors.InputError, (DATA, "E06000001")))
    add("compare-missing-value-column", geo.compare, lambda c: {"data": pair(["E06000001"], [1.0]), "value": "obs"}, Raises(errors.InputError, (r"value=",)))
    add("compare-text-in-values", geo.compare, lambda c: {"data": pair(["E06000001", "E12000001"], ["high", 20.0]), "value": "observation", "level": "lad24"},
        Raises(errors.InputError, (r"observation", "high")))
    add("compare-inf-value", geo.compare, lambda c: {"data": pair(["E06000001", "E12000001"], [np.inf, 20.0]), "value": "observation", "level": "lad24"},
        Raises(errors.InputError, (r"observation",)))
    add("compare-unknown-level", geo.compare, lambda c: {"data": pair(["E06000001"], [1.0]), "value": "observation", "level": "district99"},
        Raises(errors.UnknownLevelError, (r"level=",)))

    # ---------------- deprivation_summary
    ds = lambda c: {"data": durham_iod(), "code": "LSOA21CD", "score": "IMD_score", "rank": "IMD_rank", "to": "lad24"}  # noqa: E731
    add("deprivation-one-council-placed-nationally", geo.deprivation_summary, ds, Returns(_ds_durham))
    add("deprivation-national-count-zero", geo.deprivation_summary, lambda c: {**ds(c), "national_count": 0}, Raises(errors.InputError, (r"national_count",)))
    add("deprivation-national-count-negative", geo.deprivation_summary, lambda c: {**ds(c), "national_count": -3}, Raises(errors.InputError, (r"national_count",)))
    add("deprivation-unknown-to", geo.deprivation_summary, lambda c: {**ds(c), "to": "ward99"}, Raises(errors.UnknownLevelError, (r"to=",)))
    add("deprivation-rank-out-of-range", geo.deprivation_summary, lambda c: {**ds(c), "data": durham_iod().assign(IMD_rank=lambda f: f["IMD_rank"] + 40000)},
        Raises(errors.InputError, (r"rank",)))
    add("deprivation-lower-case-codes", geo.deprivation_summary, lambda c: {**ds(c), "data": durham_iod().assign(LSOA21CD=lambda f: f["LSOA21CD"].str.lower())},
        Returns(_ds_durham))

    # ---------------- detect_level, area, lookup, boundaries, population, contiguity
    add("detect-empty", geo.detect_level, lambda c: {"codes": []}, Raises(errors.InputError, (r"codes",)))
    add("detect-missing-code", geo.detect_level, lambda c: {"codes": ["E01000001", None]}, Raises(errors.InputError, (r"codes",)))
    add("detect-lower-case", geo.detect_level, lambda c: {"codes": ["e01000001", " e01033768 "]}, Returns(lambda r, c: _eq(r.level, "lsoa21")))
    add("detect-mixed-vintages", geo.detect_level, lambda c: {"codes": ["E01035188", "E01033468"]}, Raises(errors.InputError, (r"codes", "vintage")))
    add("detect-bad-errors-value", geo.detect_level, lambda c: {"codes": ["E01000001"], "errors": "ignore"}, Raises(errors.InputError, (r"errors=",)))
    add("area-empty", geo.area, lambda c: {"query": "  "}, Raises(errors.InputError, (r"query",)))
    add("area-path-traversal", geo.area, lambda c: {"query": "../../etc/passwd"}, Raises(errors.InputError, (r"query",)))
    add("area-formula", geo.area, lambda c: {"query": '=HYPERLINK("http://evil","x")'}, Raises(errors.InputError, (r"query",)))
    add("area-very-long", geo.area, lambda c: {"query": "Durham" * 20000}, Raises(errors.InputError, (r"query",)))
    add("area-lower-case-code", geo.area, lambda c: {"query": " e06000047 "}, Returns(lambda r, c: _eq(tuple(r), ("lad24", "E06000047", "County Durham"))))
    add("area-unicode-name", geo.area, lambda c: {"query": "Ynys Môn ☃"}, Raises(errors.InputError, (r"query",)))
    add("area-shared-name", geo.area, lambda c: {"query": "West Midlands"}, Raises(errors.InputError, (r"query=", r"level='rgn24'", "police force area")))
    add("area-name-not-at-level", geo.area, lambda c: {"query": "Manchester", "level": "pfa24"}, Raises(errors.InputError, (r"query=", "pfa24")))
    add("lookup-unknown-level", geo.lookup, lambda c: {"from_level": "lsoa99", "to_level": "lad24"}, Raises(errors.UnknownLevelError, (r"from_level=",)))
    add("lookup-reversed", geo.lookup, lambda c: {"from_level": "itl1", "to_level": "lsoa21"}, Raises(errors.NestingError, (r"from_level|to_level",)))
    add("lookup-same-level", geo.lookup, lambda c: {"from_level": "lad24", "to_level": "lad"}, Raises(errors.NestingError, (r"from_level",)))
    add("lookup-straddling", geo.lookup, lambda c: {"from_level": "pfa24", "to_level": "utla23"}, Raises(errors.NestingError, (r"best_fit=True",)))
    add("lookup-lsoa11-to-lsoa21", geo.lookup, lambda c: {"from_level": "lsoa11", "to_level": "lsoa21"}, Raises(errors.NestingError, (r"geo\.convert",)))
    add("boundaries-unknown-level", geo.boundaries, lambda c: {"level": "wards"}, Raises(errors.UnknownLevelError, (r"level=",)))
    add("boundaries-unknown-within", geo.boundaries, lambda c: {"level": "lad24", "within": "X99999999"}, Raises(errors.InputError, (r"within=",)))
    add("boundaries-within-lower-case", geo.boundaries, lambda c: {"level": "lad24", "within": "tlc"}, Returns(_areas_within(12)))
    add("boundaries-within-finer", geo.boundaries, lambda c: {"level": "lad24", "within": "E01000001"}, Raises(errors.NestingError, (r"within=",)))
    add("boundaries-unknown-dissolve-from", geo.boundaries, lambda c: {"level": "lad24", "dissolve_from": "blocks"}, Raises(errors.UnknownLevelError, (r"dissolve_from=",)))
    add("boundaries-dissolve-from-coarser", geo.boundaries, lambda c: {"level": "lsoa21", "dissolve_from": "lad24"}, Raises(errors.InputError, (r"dissolve_from=",)))
    add("boundaries-dissolve-from-straddling", geo.boundaries, lambda c: {"level": "lad24", "dissolve_from": "msoa21"},
        Raises(errors.NestingError, (r"dissolve_from=", "lsoa21")))
    add("population-unknown-level", geo.population, lambda c: {"level": "parish"}, Raises(errors.UnknownLevelError, (r"level=",)))
    add("population-level-without-census", geo.population, lambda c: {"level": "lsoa11"}, Raises(errors.InputError, (r"level=",)))
    add("contiguity-unknown-codes", geo.contiguity, lambda c: {"level": "lad24", "codes": pd.Index(["E06000001", "X1"])}, Raises(errors.InputError, (r"codes", "X1")))
    add("contiguity-unknown-kind", geo.contiguity, lambda c: {"level": "lad24", "kind": "king"}, Raises(errors.InputError, (r"kind=",)))
    add("contiguity-lower-case-codes", geo.contiguity, lambda c: {"level": "lad24", "codes": pd.Index(["e06000001", "e06000004", "e06000003"])},
        Returns(lambda r, c: _eq(sorted(r.neighbors.get("E06000004", r.neighbors.get("e06000004", []))), ["E06000001", "E06000003"])))

    # ---------------- assign
    london, paris = (-0.0915, 51.5155), (2.3522, 48.8566)
    add("assign-outside-uk-reported", geo.assign, lambda c: {"points": pd.DataFrame({"lon": [london[0], paris[0]], "lat": [london[1], paris[1]]})},
        Returns(_assign_london_paris))
    add("assign-swapped-lon-lat", geo.assign, lambda c: {"points": pd.DataFrame({"lon": [51.5155, 53.48], "lat": [-0.0915, -2.24]})},
        Raises(errors.InputError, (r"lon|lat|x=|y=", r"swap")))
    add("assign-no-crs", geo.assign, lambda c: {"points": gpd.GeoDataFrame(geometry=[shapely.Point(london)])}, Raises(errors.InputError, (r"CRS|crs",)))
    add("assign-wrong-crs-metres-as-degrees", geo.assign, lambda c: {"points": pd.DataFrame({"e": [532000.0], "n": [181000.0]}), "x": "e", "y": "n", "crs": "EPSG:4326"},
        Raises(errors.InputError, (r"crs=",)))
    add("assign-unknown-crs", geo.assign, lambda c: {"points": pd.DataFrame({"e": [532000.0], "n": [181000.0]}), "x": "e", "y": "n", "crs": "EPSG:999999"},
        Raises(errors.InputError, (r"crs=",)))
    add("assign-degrees-given-as-metres", geo.assign, lambda c: {"points": pd.DataFrame({"e": [london[0]], "n": [london[1]]}), "x": "e", "y": "n", "crs": "EPSG:27700"},
        Raises(errors.InputError, (r"crs=", "EPSG:4326")))
    add("assign-geodataframe-swapped", geo.assign, lambda c: {"points": gpd.GeoDataFrame(geometry=[shapely.Point(london[1], london[0])], crs="EPSG:4326")},
        Raises(errors.InputError, (r"points", r"swap")))
    add("assign-all-outside-uk", geo.assign, lambda c: {"points": pd.DataFrame({"lon": [paris[0]], "lat": [paris[1]]})}, Raises(errors.InputError, (r"points", "UK")))
    add("assign-nan-coordinates", geo.assign, lambda c: {"points": pd.DataFrame({"lon": [london[0], np.nan], "lat": [london[1], 51.0]})}, Raises(errors.InputError, (r"points", "lon")))
    add("assign-inf-coordinates", geo.assign, lambda c: {"points": pd.DataFrame({"lon": [london[0], np.inf], "lat": [london[1], 51.0]})}, Raises(errors.InputError, (r"points", "lon")))
    add("assign-no-coordinate-columns", geo.assign, lambda c: {"points": pd.DataFrame({"a": [1.0]})}, Raises(errors.InputError, (r"x=",)))
    add("assign-empty-points", geo.assign, lambda c: {"points": pd.DataFrame({"lon": pd.Series([], dtype=float), "lat": pd.Series([], dtype=float)})},
        Returns(lambda r, c: (_eq(len(r), 0), _eq("lsoa21" in r.columns, True))))
    add("assign-negative-nearest-within", geo.assign, lambda c: {"points": pd.DataFrame({"lon": [london[0]], "lat": [london[1]]}), "nearest_within": -5.0},
        Raises(errors.InputError, (r"nearest_within",)))

    # ---------------- map, plot, export, read_ess
    lad_values = lambda c: {"data": pd.DataFrame({"v": np.arange(12.0)}, index=geo.boundaries("lad24", within="TLC").index), "value": "v"}  # noqa: E731
    add("map-unknown-scheme", geo.map, lambda c: {**lad_values(c), "scheme": "rainbow"}, Raises(errors.InputError, (r"scheme=",)))
    add("map-k-zero", geo.map, lambda c: {**lad_values(c), "k": 0}, Raises(errors.InputError, (r"\bk=",)))
    add("plot-unknown-scheme", geo.plot, lambda c: {**lad_values(c), "scheme": "rainbow"}, Raises(errors.InputError, (r"scheme=",)))
    add("plot-k-zero", geo.plot, lambda c: {**lad_values(c), "k": 0}, Raises(errors.InputError, (r"\bk=",)))
    add("map-unknown-within", geo.map, lambda c: {**lad_values(c), "within": "Z99"}, Raises(errors.InputError, (r"within=",)))
    table = pd.DataFrame({"name": ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "safe"], "count": [1, -5, 3, 4, 5]})
    add("export-formula-cells-neutralised", geo.export, lambda c: {"obj": table, "path": c.tmp / "t.csv"},
        Returns(_formula_neutral("t.csv", ["'=1+1", "'+SUM(A1)", "'-2+3", "'@cmd", "safe", "-5"], ["=1+1", "+SUM(A1)", "@cmd", "'-5"])))
    add("export-formula-header-neutralised", geo.export, lambda c: {"obj": pd.DataFrame({"=HYPERLINK(1)": [1]}), "path": c.tmp / "h.csv"},
        Returns(_formula_neutral("h.csv", ["'=HYPERLINK(1)"], ["=HYPERLINK(1)"])))
    add("export-geojson-without-crs", geo.export, lambda c: {"obj": gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(0, 0)]), "path": c.tmp / "p.geojson"},
        Raises(errors.InputError, (r"CRS|crs",)))
    add("export-unknown-extension", geo.export, lambda c: {"obj": table, "path": c.tmp / "t.xlsx"}, Raises(errors.InputError, (r"path=",)))
    add("export-path-is-a-directory", geo.export, lambda c: {"obj": table, "path": _folder(c.tmp / "d.csv"), "overwrite": True},
        Raises(errors.InputError, (r"path=", "director")))
    add("export-existing-file", geo.export, lambda c: {"obj": table, "path": _users_file(c.tmp / "x.csv")},
        Raises(errors.InputError, (r"path=", "overwrite=True")))
    add("export-path-below-a-file", geo.export, lambda c: {"obj": table, "path": _users_file(c.tmp / "f.csv") / "t.csv"},
        Raises(errors.InputError, (r"path=", "not a directory")))
    add("export-unicode-file-name", geo.export, lambda c: {"obj": table, "path": c.tmp / "résumé ✓.csv"},
        Returns(lambda r, c: _eq(pd.read_csv(c.tmp / "résumé ✓.csv")["count"].tolist(), [1, -5, 3, 4, 5])))
    add("export-wrong-object-for-html", geo.export, lambda c: {"obj": table, "path": c.tmp / "t.html"}, Raises(errors.InputError, (r"folium",)))
    add("read-ess-missing-file", geo.read_ess, lambda c: {"path_or_id": str(c.tmp / "nope.csv")}, Raises(errors.InputError, (r"path_or_id=",)))
    add("read-ess-directory", geo.read_ess, lambda c: {"path_or_id": str(c.tmp)}, Raises(errors.InputError, (r"path_or_id=",)))
    add("read-ess-path-traversal-id", geo.read_ess, lambda c: {"path_or_id": "../../etc/passwd"}, Raises(errors.InputError, (r"path_or_id=",)))
    add("read-ess-wrong-schema", geo.read_ess, lambda c: {"path_or_id": c.csv("w.csv", pd.DataFrame({"a": [1]}))}, Raises(errors.InputError, (r"path_or_id=", "areacd")))
    add("read-ess-bad-period", geo.read_ess,
        lambda c: {"path_or_id": c.csv("p.csv", hle().head(3).assign(period="last year"), index=False)}, Raises(errors.InputError, (r"period", "last year")))

    # ---------------- the command line
    def lower_csv(c: Ctx) -> str:
        return c.csv("lower.csv", pd.DataFrame({"LSOA21CD": ["e01000001", "e01000002"], "crimes": [3, 4]}), index=False)

    def upper_csv(c: Ctx) -> str:
        return c.csv("upper.csv", pd.DataFrame({"LSOA21CD": CITY, "crimes": [3, 4]}), index=False)

    cli("cli-aggregate-missing-input", lambda c: ["aggregate", str(c.tmp / "nope.csv"), "--value", "x", "--kind", "count", "--to", "lad24"], Exits(2, ("INPUT",)))
    cli("cli-aggregate-input-is-directory", lambda c: ["aggregate", str(c.tmp), "--value", "x", "--kind", "count", "--to", "lad24"], Exits(2, ("INPUT",)))
    cli("cli-aggregate-lower-case-codes", lambda c: ["aggregate", lower_csv(c), "--value", "crimes", "--kind", "count", "--to", "lad24", "--out", str(c.tmp / "out.csv")],
        Exits(0, check=_cli_agg_lower))
    cli("cli-aggregate-formula-column-name", lambda c: ["aggregate", c.csv("f.csv", pd.DataFrame({"LSOA21CD": CITY, "=1+1": [3, 4]}), index=False),
                                                        "--value", "=1+1", "--kind", "count", "--to", "lad24", "--out", str(c.tmp / "out.csv")],
        Exits(0, check=_cli_formula_header))
    cli("cli-aggregate-unknown-level", lambda c: ["aggregate", upper_csv(c), "--value", "crimes", "--kind", "count", "--to", "lsoa99"], Exits(2, (r"--to|to=",)))
    cli("cli-aggregate-out-exists", lambda c: ["aggregate", upper_csv(c), "--value", "crimes", "--kind", "count", "--to", "lad24",
                                           "--out", str(_users_file(c.tmp / "o.csv"))],
        Exits(2, (r"--out", "--overwrite")))
    cli("cli-aggregate-text-values", lambda c: ["aggregate", c.csv("t.csv", pd.DataFrame({"LSOA21CD": CITY, "crimes": ["3", "lots"]}), index=False),
                                                "--value", "crimes", "--kind", "count", "--to", "lad24"], Exits(2, ("crimes", "lots")))
    cli("cli-pockets-user-csv-needs-direction", lambda c: ["pockets", c.csv("u.csv", iod()[["LSOA21CD", "IMD_score"]].rename(columns={"IMD_score": "mine"}), index=False),
                                                           "--value", "mine", "--code", "LSOA21CD"], Exits(2, (r"--worse|--higher-is-better",)))
    cli("cli-pockets-one-council", lambda c: ["pockets", c.csv("d.csv", durham_iod()[["LSOA21CD", "IMD_score"]], index=False), "--value", "IMD_score",
                                              "--code", "LSOA21CD", "--worse", "high"], Exits(2, (r"--threshold",)))
    cli("cli-pockets-bad-threshold", lambda c: ["pockets", c.csv("d.csv", durham_iod()[["LSOA21CD", "IMD_score"]], index=False), "--value", "IMD_score",
                                                "--code", "LSOA21CD", "--worse", "high", "--threshold", "worst"], Exits(2, (r"--threshold",)))
    cli("cli-map-k-zero", lambda c: ["map", c.csv("d.csv", durham_iod()[["LSOA21CD", "IMD_score"]], index=False), "--value", "IMD_score", "--code", "LSOA21CD",
                                     "--k", "0", "--out", str(c.tmp / "m.html")], Exits(2, (r"--k\b",)))
    cli("cli-map-unknown-scheme", lambda c: ["map", c.csv("d.csv", durham_iod()[["LSOA21CD", "IMD_score"]], index=False), "--value", "IMD_score", "--code", "LSOA21CD",
                                             "--scheme", "rainbow", "--out", str(c.tmp / "m.html")], Exits(2, (r"--scheme",)))
    cli("cli-report-welsh-area-english-indicator", lambda c: ["report", "--area", "Cardiff", "--indicator", "iod2025", "--out", str(c.tmp / "cardiff")],
        Exits(2, (r"--area|--indicator", "Wales|Cardiff")))
    cli("cli-report-scottish-area-english-indicator", lambda c: ["report", "--area", "S12000036", "--indicator", "iod2025", "--out", str(c.tmp / "edinburgh")],
        Exits(2, (r"--area|--indicator",)))
    cli("cli-report-northern-irish-area-default-indicator", lambda c: ["report", "--area", "Belfast", "--out", str(c.tmp / "belfast")],
        Exits(2, (r"--indicator", "Northern Ireland")))
    cli("cli-report-scottish-area-index-on-lsoas", lambda c: ["report", "--area", "Glasgow City", "--level", "lsoa21", "--out", str(c.tmp / "glasgow")],
        Exits(2, (r"--level", "dz11")))
    cli("cli-report-no-pocket-rutland", lambda c: ["report", "--area", "E06000017", "--out", str(c.tmp / "rutland")], Exits(0, check=_report_pack))
    cli("cli-report-overwrite-user-folder", lambda c: ["report", "--area", "Rutland", "--out", _mine(c), "--overwrite"], Exits(2, (r"--out",), check=_untouched))
    cli("cli-report-overwrite-working-folder", lambda c: ["report", "--area", "Rutland", "--out", _notes(c), "--overwrite"],
        Exits(2, (r"--out",), check=_cwd_untouched), cwd=True)
    cli("cli-report-hostile-area", lambda c: ["report", "--area", '=HYPERLINK("http://evil")', "--out", str(c.tmp / "x")], Exits(2, (r"--area",)))
    cli("cli-report-shared-area-name", lambda c: ["report", "--area", "West Midlands", "--out", str(c.tmp / "wm")], Exits(2, (r"--area", r"--area-level rgn24")))
    cli("cli-area-shared-name", lambda c: ["area", "West Midlands"], Exits(2, (r"QUERY", r"--level rgn24")))
    cli("cli-report-path-traversal-area", lambda c: ["report", "--area", "../../etc/passwd", "--out", str(c.tmp / "x")], Exits(2, (r"--area",)))
    cli("cli-lookup-unknown-codes", lambda c: ["lookup", "lsoa21", "itl1", "E01999999"], Exits(2, ("CODES",)))
    cli("cli-lookup-reversed", lambda c: ["lookup", "itl1", "lsoa21"], Exits(2, (r"FROM|TO",)))
    cli("cli-data-fetch-unknown-level", lambda c: ["data", "fetch", "parishes"], Exits(2, ("LEVEL",)))
    cli("cli-map-unknown-within", lambda c: ["map", c.csv("d.csv", durham_iod()[["LSOA21CD", "IMD_score"]], index=False), "--value", "IMD_score", "--code", "LSOA21CD",
                                             "--within", "Z99", "--out", str(c.tmp / "m.html")], Exits(2, (r"--within",)))
    cli("cli-report-user-csv-needs-direction", lambda c: ["report", "--area", "Rutland", "--out", str(c.tmp / "r"),
                                                          "--indicator", c.csv("u.csv", iod()[["LSOA21CD", "IMD_score"]].rename(columns={"IMD_score": "mine"}), index=False)],
        Exits(2, (r"--higher-is-better",)))
    cli("cli-area-unknown", lambda c: ["area", "Atlantis"], Exits(2, ("Atlantis",)))
    return cases


CASES: list[Case] = _build_cases()
