"""Validate indicator tables before they are moved between levels.

Every public function that takes an indicator table passes it through
:func:`prepare`, which copies it (inputs are never mutated), finds the codes (a column
or the index; trimmed and upper-cased), detects or checks the level, maps codes of other
vintages to the package's areas (:mod:`geo.geography.vintages`: recodes one-to-one, merges summed or
population-weighted, splits refused), and refuses duplicates, missing codes and codes of
another level with errors that name the argument and show examples.

Examples
--------
>>> table = pd.DataFrame({"jobs": [5, 7]}, index=[" e08000038", "E09000001"])
>>> prepared = prepare(table, columns=["jobs"], level="lad24", code=None, kind="count")
>>> prepared.frame.index.tolist(), prepared.recoded[0]["to"]
(['E09000001', 'E08000016'], 'E08000016')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa

from geo import catalogue
from geo.data import cache
from geo.errors import InputError, examples
from geo.geography import lookups, registry, vintages
from geo.geography.codes import code_text, isin
from geo.geography.detect import detect_level, one_level, positions_in
from geo.moving.values import finite

KINDS = ("count", "rate", "mean", "median")


@dataclass
class Prepared:
    """A validated indicator table: ``frame`` indexed by code at ``level``.

    ``codes`` holds the same codes as an object array, for fast hashing, and ``positions``
    their positions in :func:`geo.geography.lookups.code_index` of the level. ``excluded`` lists codes
    left out (``errors="report"``); ``recoded`` the codes of other vintages that were mapped
    (records of :func:`geo.geography.vintages.combine`: ``code``, ``to``, ``change``, ``direction``,
    ``via``, ``approximate``), also in ``frame.attrs["recoded"]``.

    Examples
    --------
    >>> table = pd.DataFrame({"code": ["E06000047", "E06000017", "X1"], "v": ["1", 2, None]})
    >>> prepared = prepare(table, columns=["v"], level=None, code="code", errors="report")
    >>> prepared.level, prepared.frame["v"].to_dict(), prepared.excluded
    ('lad24', {'E06000047': 1.0, 'E06000017': 2.0}, ['X1'])
    >>> list(lookups.code_index("lad24")[prepared.positions]) == list(prepared.codes)
    True
    """

    frame: pd.DataFrame
    level: str
    codes: np.ndarray
    positions: np.ndarray
    excluded: list[str] = field(default_factory=list)
    recoded: list[dict[str, object]] = field(default_factory=list)


def _kinds(kind: str | Mapping[str, str | None] | None, columns: list[str]) -> dict[str, str | None]:
    if kind is None or isinstance(kind, str):
        if kind is not None and kind not in KINDS:
            raise InputError(f"kind={kind!r}; expected one of {KINDS}")
        return dict.fromkeys(columns, kind)
    return {column: kind.get(column) for column in columns}


def _for_detection(codes: pd.Series) -> pd.Series:
    """Codes with those of other vintages replaced by a package code (for detecting the level)."""
    steps = vintages.history()
    old = codes[isin(codes, steps["from"])]
    if old.empty:
        return codes
    out = codes.copy()
    for level in dict.fromkeys(steps["level"]):
        found = vintages.resolve(old.unique(), level)
        target = found["to"].fillna(steps[steps["level"] == level].drop_duplicates("from").set_index("from")["to"].reindex(found.index))
        mapped = old.map(target.dropna())
        out[mapped.notna().reindex(out.index, fill_value=False)] = mapped.dropna()
    return out


def _one_level(codes: pa.Array, level: str | None) -> tuple[str, np.ndarray] | None:
    """The level and code positions when every code is an area of one level, given or detected,
    and no code appears twice; else ``None`` (the caller's full checks then find and name
    the problem).

    Detection of a level with no code in the vintage history gives the answer
    :func:`detect_level` gives after the history's recoding (no code is recoded).
    """
    if len(codes) == 0:
        return None
    if level is None:
        found = one_level(codes, also=False)
        if found is None or _in_history(found[0].level, catalogue.version(), str(cache.entry_path(""))):
            return None
        level, positions = found[0].level, found[1]
    else:
        try:
            level = registry.resolve(level, argument="level")
        except InputError:
            return None
        where = positions_in(codes, level)
        if where is None:
            return None
        positions = where
    if np.bincount(positions).max() > 1:
        return None
    return level, positions


@lru_cache(maxsize=32)
def _in_history(level: str, version: str, where: str) -> bool:
    """Whether any code of ``level`` is an old code of the vintage history (then detection
    goes through the history's recoding)."""
    return bool(isin(vintages.history()["from"], lookups.code_index(level)).any())


def _numeric(data: pd.DataFrame, columns: list[str], codes: np.ndarray, level: str, roles: Mapping[str, str] | None) -> pd.DataFrame:
    """``columns`` of ``data`` as float64, indexed by ``codes``; text that is not a number and
    ``inf`` are refused."""
    frame = data.loc[:, columns].copy()
    role = dict(roles or {})
    for column in columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            converted = pd.to_numeric(frame[column], errors="coerce")
            bad = frame[column][converted.isna() & frame[column].notna()]
            if len(bad):
                raise InputError(f"{role.get(column, 'value')} column {column!r} has non-numeric values: {examples(bad.unique())}")
            frame[column] = converted
        if frame[column].dtype != "float64":
            frame[column] = frame[column].astype("float64")
    frame.index = pd.Index(codes, name=level, dtype=object)
    for column in columns:  # inf is refused like text: a value is a number or missing
        finite(frame, [column], what=role.get(column, "value"))
    return frame


def prepare(
    data: pd.DataFrame,
    *,
    columns: list[str],
    level: str | None,
    code: str | None,
    errors: str = "raise",
    kind: str | Mapping[str, str | None] | None = None,
    exclude_option: str | None = None,
    roles: Mapping[str, str] | None = None,
) -> Prepared:
    """Copy ``data``, index it by validated codes of one level, keep ``columns``.

    Parameters
    ----------
    data : DataFrame
        Codes in column ``code`` or in the index (surrounding spaces and case are ignored).
    columns : list of str
        Value columns that must exist and be numeric.
    level : str, optional
        The level of the codes; detected from the real code lists when ``None``.
    code : str, optional
        Column holding the codes (default: the index).
    errors : {"raise", "report"}
        Codes not in the level: an error, or excluded and listed in ``Prepared.excluded``.
    kind : str or mapping, optional
        What the values are (``"count"``, ``"rate"``, ``"mean"``, ``"median"``; one for all
        columns or a column -> kind mapping). Decides how codes that merged are combined:
        counts are summed, means and rates weighted by Census 2021 population (flagged
        approximate); ``None`` or ``"median"``: merged codes are refused.
    exclude_option : str, optional
        How the caller lets users exclude unknown codes (``"errors='report'"``), suggested in
        the error; ``None`` when the caller offers no such option.
    roles : mapping, optional
        What a column is, for messages (``{"w": "weight"}`` gives "weight column 'w' has ...");
        columns not listed are "value" columns.

    Raises
    ------
    InputError
        For missing or duplicated codes (also an old code next to its current code), codes
        of no level, merges that cannot be formed (a predecessor missing, no weights, a kind
        that does not combine) and splits.

    Returns
    -------
    Prepared
        The copied, validated table and its level.

    Examples
    --------
    >>> table = pd.DataFrame({"code": ["E06000047", "e06000017 "], "v": ["1.5", 2]})
    >>> prepared = prepare(table, columns=["v"], level=None, code="code")
    >>> prepared.level, prepared.frame["v"].to_dict()
    ('lad24', {'E06000047': 1.5, 'E06000017': 2.0})
    >>> table["code"].tolist()  # the input is not changed
    ['E06000047', 'e06000017 ']
    >>> prepare(pd.DataFrame({"code": ["E06000047", "X1"], "v": [1, 2]}), columns=["v"], level="lad24", code="code")
    Traceback (most recent call last):
    ...
    geo.errors.InputError: data has 1 codes that are not lad24 areas ('X1'); check the level and vintage (geo.detect_level)
    >>> prepare(pd.DataFrame({"code": ["E06000047", "e06000047 "], "v": [1, 2]}), columns=["v"], level="lad24", code="code")
    Traceback (most recent call last):
    ...
    geo.errors.InputError: data has 1 duplicated area codes ('E06000047') (codes are compared trimmed and upper-case); ...
    """
    if errors not in {"raise", "report"}:
        raise InputError(f"errors={errors!r}; expected 'raise' or 'report'")
    if code is None and isinstance(data, pd.DataFrame) and pd.api.types.is_integer_dtype(data.index.dtype) and len(data):
        raise InputError(
            f"data: the area codes are taken from the index, which holds row numbers ({examples(data.index)}); "
            f"pass code= with the column that holds the codes (columns: {list(data.columns)[:12]})"
        )
    text = code_text(data, code)
    if text.null_count:
        raise InputError(f"data has {text.null_count:,} rows with no area code; drop or fill them first")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise InputError(f"value column(s) {missing} are not in data; columns are {list(data.columns)[:12]}")
    kinds = _kinds(kind, columns)
    quick = _one_level(text, level)
    if quick is not None:  # every code an area of one level, each once: nothing to report
        level, positions = quick
        known = lookups.code_index(level).to_numpy(dtype=object)[positions]  # the memoised code strings
        frame = _numeric(data, columns, known, level, roles)
        frame.attrs["recoded"] = []
        return Prepared(frame, level, known, positions, [], [])
    codes = pd.Series(np.asarray(text.to_numpy(zero_copy_only=False), dtype=object), index=data.index, dtype=object)
    codes_array = codes.to_numpy(dtype=object)
    if pd.Index(codes_array, dtype=object).has_duplicates:
        duplicated = codes[codes.duplicated()]
        raise InputError(
            f"data has {len(duplicated):,} duplicated area codes ({examples(duplicated.unique())}) (codes are "
            "compared trimmed and upper-case); each area must appear once — filter to one period/indicator "
            "or aggregate the duplicates first"
        )
    if level is None:
        # detect_level's own hint (errors='report') holds only for callers that offer that option
        level = detect_level(_for_detection(codes), errors=errors if exclude_option else "report").level
    else:
        level = registry.resolve(level, argument="level")
    positions = lookups.code_index(level).get_indexer(codes_array)
    member = positions >= 0
    outside = codes[~member]
    if len(outside):
        history = vintages.resolve(outside.unique(), level)
        old = outside[outside.isin(history.index[history["change"].notna()])]
        unknown = outside[~outside.isin(old)]
    else:
        old = unknown = outside
    if len(unknown) and errors == "raise":
        how = f", or pass {exclude_option} to exclude them" if exclude_option else ""
        raise InputError(
            f"data has {len(unknown):,} codes that are not {level} areas ({examples(unknown)}); "
            f"check the level and vintage (geo.detect_level){how}"
        )
    frame = _numeric(data, columns, codes_array, level, roles)
    recoded: list[dict[str, object]] = []
    if len(old):
        is_old = codes.isin(old).to_numpy()
        mapped, recoded, _ = vintages.combine(frame.loc[is_old], level, kinds, present=codes[member])
        frame = pd.concat([frame.loc[member], mapped])
        frame.index = pd.Index(frame.index, name=level, dtype=object)
        positions = np.concatenate([positions[member], lookups.code_index(level).get_indexer(mapped.index.to_numpy(dtype=object))])
    elif not member.all():
        frame, positions = frame.loc[member], positions[member]
    frame.attrs["recoded"] = recoded
    return Prepared(frame, level, frame.index.to_numpy(dtype=object), positions, sorted(unknown.unique().tolist()), recoded)
