"""Reports for every area of some levels, in one process: ``levelup report --all-areas``.

The national steps (indicator, coverage, pockets; boundaries and lookups stay in the
process's cache) are done once by :func:`geo.outputs.report.prepare_report` — once in all for an
indicator of the user's, once per nation for the default (each nation's own deprivation index,
prepared when its first area comes up and reused); each area's pack is then written by
:func:`geo.outputs.report.write_report` into ``OUT/LEVEL/CODE``. Northern Irish areas are refused
with the default (no small-area index). Every area ends in
one of three outcomes: ``written``; ``refused`` (a package error with a one-line reason,
e.g. the indicator does not cover the area's nation); ``crashed`` (any other exception: a
bug, shown with its type). The table of outcomes is also written to ``OUT/outcomes.csv``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from geo.errors import InputError, LevelupError
from geo.geography import lookups, registry
from geo.geography.places import Area
from geo.outputs.export import export
from geo.outputs.report import ReportData, default_nation, prepare_report, write_report

log = logging.getLogger(__name__)

#: The levels of ``make all-areas``.
DEFAULT_LEVELS = ("lad24", "utla23", "pfa24", "itl1")
COLUMNS = ["level", "code", "name", "outcome", "reason", "seconds"]


def _root(out: str | os.PathLike[str]) -> Path:
    root = Path(out).expanduser()
    resolved, here, home = root.resolve(), Path.cwd().resolve(), Path.home().resolve()
    if resolved == here or resolved in here.parents or resolved == home or resolved == Path(resolved.anchor):
        raise InputError(f"--out {str(out)!r} is the working folder, one of its parents or the home folder; pass --out with a folder of its own, e.g. --out out/all-areas")
    if resolved.exists() and not resolved.is_dir():
        raise InputError(f"--out {str(out)!r} is a file, not a folder; pass --out with a folder")
    return root


def report_all(
    levels: Sequence[str] = DEFAULT_LEVELS,
    out: str | os.PathLike[str] = "out/all-areas",
    *,
    indicator: str | None = None,
    value: str | None = None,
    kind: str = "mean",
    level: str | None = None,
    within: str = "lad24",
    higher_is_better: bool | None = None,
    threshold: str | float | None = None,
    overwrite: bool = False,
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Write the report of every area of ``levels`` under ``out``; return the outcomes.

    Parameters
    ----------
    levels : sequence of str
        Levels whose every area gets a report (``lad24``, ``utla23``, ``pfa24``, ``itl1`` ...).
    out : str or PathLike
        Root folder; each pack goes to ``out/LEVEL/CODE`` (replaced on a later run only with
        ``overwrite=True``, and only if it holds a previous report).
    indicator, value, kind, level, within, higher_is_better, threshold
        As for :func:`geo.outputs.report.build_report`; the indicator is loaded and its pockets
        found once (once per nation for the default indicator, the nation's own index).
    overwrite : bool, default False
        Replace packs of an earlier run.
    codes : sequence of str, optional
        Only these area codes (for a quick partial run).

    Returns
    -------
    DataFrame
        One row per area: ``level``, ``code``, ``name``, ``outcome`` (``written``,
        ``refused`` or ``crashed``), ``reason`` (one line) and ``seconds``.

    Examples
    --------
    >>> table = report_all(["itl1"], "regions", codes=["TLC", "TLL", "TLN"])
    >>> table[["code", "outcome"]].values.tolist()
    [['TLC', 'written'], ['TLL', 'written'], ['TLN', 'refused']]
    >>> print(table.loc[2, "reason"])
    --area 'Northern Ireland' has no small-area deprivation index in the catalogue: pass --indicator with a CSV or ESS indicator of Super Data Zones (--level sdz21) or districts (--level lad24), with --higher-is-better
    """
    root = _root(out)
    wanted = [registry.resolve(lv.strip(), argument="--all-areas") for lv in levels if lv.strip()]
    if not wanted:
        raise InputError("--all-areas: give at least one level, e.g. --all-areas lad24,utla23,pfa24,itl1")
    started = time.perf_counter()
    prepared: dict[str, ReportData | LevelupError] = {}

    def prepare(nation: str) -> ReportData:
        """One preparation for a user's indicator, one per nation for the default (the nation's index)."""
        key = "all" if indicator is not None else nation[:1]
        if key not in prepared:
            begun = time.perf_counter()
            try:
                prepared[key] = prepare_report(indicator, value=value, kind=kind, level=level, within=within,
                                               higher_is_better=higher_is_better, threshold=threshold,
                                               nation=None if indicator is not None else nation)
            except LevelupError as exc:  # e.g. no default index for Northern Ireland: every area of it is refused
                prepared[key] = exc
            log.info("national steps (%s) done in %.1f s", key, time.perf_counter() - begun)
        found = prepared[key]
        if isinstance(found, LevelupError):
            raise found
        return found

    rows = []
    for area_level in wanted:
        names = lookups.areas(area_level)["name"]
        if codes is not None:
            names = names[names.index.isin(list(codes))]
        for code, name in names.items():
            place = Area(area_level, str(code), str(name))
            start = time.perf_counter()
            try:
                nation = default_nation(place).code if indicator is None else ""
                write_report(prepare(nation), place, root / area_level / str(code), overwrite=overwrite, progress=False,
                             draw_apart=False)
                outcome, reason = "written", ""
            except LevelupError as exc:
                outcome, reason = "refused", " ".join(str(exc).split())
            except Exception as exc:  # a bug in one area must not stop the others; it is shown as crashed
                outcome, reason = "crashed", f"{type(exc).__name__}: {' '.join(str(exc).split())}"
                log.exception("report for %s (%s) crashed", name, code)
            seconds = time.perf_counter() - start
            log.info("%s %s %s: %s in %.1f s", area_level, code, name, outcome, seconds)
            rows.append((area_level, str(code), str(name), outcome, reason, round(seconds, 2)))
    table = pd.DataFrame(rows, columns=COLUMNS)
    table.attrs["seconds"] = round(time.perf_counter() - started, 1)
    root.mkdir(parents=True, exist_ok=True)
    export(table, root / "outcomes.csv", overwrite=True)
    return table


def summary_text(table: pd.DataFrame, width: int = 110) -> str:
    """The table of outcomes (reasons cut to one short line) and the counts per level and outcome.

    Parameters
    ----------
    table : DataFrame
        The outcomes returned by :func:`report_all` (columns :data:`COLUMNS`).
    width : int
        Reasons are cut to this many characters.

    Returns
    -------
    str
        The text printed at the end of ``levelup report --all-areas``.

    Examples
    --------
    >>> table = pd.DataFrame([("itl1", "TLC", "North East (England)", "written", "", 3.2),
    ...                       ("itl1", "TLL", "Wales", "refused", "IMD score (IoD2025) covers England only", 0.1)],
    ...                      columns=COLUMNS)
    >>> print(summary_text(table, width=20))
    level code                 name outcome               reason  seconds
     itl1  TLC North East (England) written                           3.2
     itl1  TLL                Wales refused IMD score (IoD2025)       0.1
    <BLANKLINE>
    Outcomes per level:
    outcome  refused  written  total
    level
    itl1           1        1      2
    total          1        1      2
    <BLANKLINE>
    2 areas in 3 s
    """
    shown = table.assign(reason=table["reason"].str.slice(0, width))
    counts = pd.crosstab(table["level"], table["outcome"], margins=True, margins_name="total")
    with pd.option_context("display.width", 250, "display.max_rows", None, "display.max_colwidth", width):
        body = shown.to_string(index=False)
        tally = counts.to_string()
    total = table.attrs.get("seconds", float(table["seconds"].sum()))
    return f"{body}\n\nOutcomes per level:\n{tally}\n\n{len(table):,} areas in {total:,.0f} s"
