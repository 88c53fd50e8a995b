"""Validate indicator tables before they are moved between levels.

Every public function that takes an indicator table passes it through
:func:`prepare`, which copies it (inputs are never mutated), finds the codes (a column
or the index), detects or checks the level, and refuses duplicates, missing codes and codes
of another level or vintage with errors that name the argument and show examples.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo import lookups, registry
from geo.detect import detect_level
from geo.errors import InputError, examples

KINDS = ("count", "rate", "mean", "median")


@dataclass
class Prepared:
    """A validated indicator table: ``frame`` indexed by code at ``level``.

    ``codes`` holds the same codes as an object array, for fast hashing, and ``positions``
    their positions in :func:`geo.lookups.code_index` of the level.
    """

    frame: pd.DataFrame
    level: str
    codes: np.ndarray
    positions: np.ndarray
    excluded: list[str] = field(default_factory=list)


def codes_of(data: pd.DataFrame, code: str | None) -> pd.Series:
    """Return the area codes of ``data`` (column ``code`` or, when ``None``, the index),
    stripped of surrounding spaces, as an object-dtype Series aligned with ``data``."""
    if not isinstance(data, pd.DataFrame):
        raise InputError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    if code is not None and code not in data.columns:
        raise InputError(f"code={code!r} is not a column of data; columns are {list(data.columns)[:12]}")
    raw = data.index if code is None else data[code]
    values = raw.to_numpy(dtype=object, na_value=None)
    try:
        text = pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # numbers or other objects: compare as text
        text = pa.array([None if pd.isna(v) else str(v) for v in values], type=pa.string())
    trimmed = pc.utf8_trim_whitespace(text).to_numpy(zero_copy_only=False)
    return pd.Series(np.asarray(trimmed, dtype=object), index=data.index, dtype=object)


def prepare(
    data: pd.DataFrame,
    *,
    columns: list[str],
    level: str | None,
    code: str | None,
    errors: str = "raise",
) -> Prepared:
    """Copy ``data``, index it by validated codes of one level, keep ``columns``.

    Parameters
    ----------
    data : DataFrame
        Codes in column ``code`` or in the index.
    columns : list of str
        Value columns that must exist and be numeric.
    level : str, optional
        The level of the codes; detected from the real code lists when ``None``.
    code : str, optional
        Column holding the codes (default: the index).
    errors : {"raise", "report"}
        Codes not in the level: an error, or excluded and listed in ``Prepared.excluded``.
    """
    if errors not in {"raise", "report"}:
        raise InputError(f"errors={errors!r}; expected 'raise' or 'report'")
    codes = codes_of(data, code)
    if codes.isna().any():
        raise InputError(f"data has {int(codes.isna().sum()):,} rows with no area code; drop or fill them first")
    codes_array = codes.to_numpy(dtype=object)
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise InputError(f"value column(s) {missing} are not in data; columns are {list(data.columns)[:12]}")
    if pd.Index(codes_array, dtype=object).has_duplicates:
        duplicated = codes[codes.duplicated()]
        raise InputError(
            f"data has {len(duplicated):,} duplicated area codes ({examples(duplicated.unique())}); each area "
            "must appear once — filter to one period/indicator or aggregate the duplicates first"
        )
    if level is None:
        level = detect_level(codes, errors="raise" if errors == "raise" else "report").level
    else:
        level = registry.resolve(level, argument="level")
    positions = lookups.code_index(level).get_indexer(codes_array)
    member = positions >= 0
    unknown = codes[~member]
    if len(unknown) and errors == "raise":
        raise InputError(
            f"data has {len(unknown):,} codes that are not {level} areas ({examples(unknown)}); "
            f"check the level and vintage (geo.detect_level), or pass errors='report' to exclude them"
        )
    frame = data.loc[:, columns].copy()
    for column in columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            converted = pd.to_numeric(frame[column], errors="coerce")
            bad = frame[column][converted.isna() & frame[column].notna()]
            if len(bad):
                raise InputError(f"value column {column!r} has non-numeric values: {examples(bad.unique())}")
            frame[column] = converted
        frame[column] = frame[column].astype("float64")
    frame.index = pd.Index(codes_array, name=level, dtype=object)
    if not member.all():
        frame = frame.loc[member]
    return Prepared(frame, level, codes_array[member], positions[member], sorted(unknown.unique().tolist()))
