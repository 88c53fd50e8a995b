"""Spreadsheet-safe CSV: text that a spreadsheet would run as a formula is neutralised.

Council analysts open the package's CSVs in Excel or LibreOffice, which evaluate a cell
whose text starts with ``=``, ``+``, ``-`` or ``@`` (and, in some versions, a tab or carriage
return) as a formula — ``=HYPERLINK("http://…")`` in an area name or a column label would
run on opening. Following OWASP's "CSV injection" rule, every text cell starting with one of
those characters gets a leading ``'`` (which spreadsheets show as "text, not a formula").
Numbers are never changed (a numeric ``-3.2`` stays ``-3.2``); column labels, index values
and index names are text cells too and are treated the same way. Every CSV the package
writes goes through :func:`to_csv`.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"name": ["=1+1", "Durham"], "change": [-3.2, 1.0]})
>>> print(to_csv(frame, None, index=False), end="")
name,change
'=1+1,-3.2
Durham,1.0
"""

from __future__ import annotations

import os
from typing import IO, Any

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_datetime64_any_dtype, is_numeric_dtype, is_timedelta64_dtype

#: First characters that make a spreadsheet read a text cell as a formula (OWASP).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_text(value: object) -> object:
    """Return ``value`` with a ``'`` prefixed when it is text starting with a formula trigger.

    Anything that is not a ``str`` (numbers, missing values) is returned unchanged.

    Examples
    --------
    >>> neutralise_text("@SUM(A1)"), neutralise_text("E06000047"), neutralise_text(-3.2)
    ("'@SUM(A1)", 'E06000047', -3.2)
    """
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def _values(values: pd.Series | pd.Index) -> np.ndarray | None:
    """The neutralised values as an object array, or ``None`` when nothing needs a change."""
    if not _is_text(values.dtype):
        return None  # no text can hide in numbers, booleans or dates
    raw = values.to_numpy(dtype=object)
    hit = np.fromiter((isinstance(v, str) and v.startswith(TRIGGERS) for v in raw), dtype=bool, count=len(raw))
    if not hit.any():
        return None
    out = raw.copy()
    out[hit] = ["'" + v for v in raw[hit]]
    return out


def _index(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        levels = [_index(index.get_level_values(i)) for i in range(index.nlevels)]
        return pd.MultiIndex.from_arrays(levels, names=[neutralise_text(n) for n in index.names])
    values = _values(index)
    name = neutralise_text(index.name)
    if values is None:
        return index.rename(name) if name is not index.name else index
    return pd.Index(values, name=name, dtype=object)


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` whose text cells, labels and index are spreadsheet-safe.

    Parameters
    ----------
    frame : DataFrame
        Any table; it is not modified.

    Returns
    -------
    DataFrame
        The same shape, dtypes of numeric, boolean and date columns unchanged; text cells,
        column labels, index values and index names that start with ``=``, ``+``, ``-``,
        ``@``, a tab or a carriage return carry a leading ``'``.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"+share": [0.5]}, index=pd.Index(["-cmd"], name="@code"))
    >>> neutralise(frame)
           '+share
    '@code
    '-cmd       0.5
    """
    table = frame.copy(deep=False)
    changed = {}
    for position in range(table.shape[1]):
        column = table.iloc[:, position]
        values = _values(column)
        if values is not None:
            # keep the pandas string dtype where the column had it
            changed[position] = pd.Series(values, index=column.index).astype(column.dtype if isinstance(column.dtype, pd.StringDtype) else object)
    for position, values in changed.items():
        table.isetitem(position, values)
    table.columns = _index(table.columns)
    table.index = _index(table.index)
    return table


def _is_text(dtype: object) -> bool:
    return not (is_numeric_dtype(dtype) or is_bool_dtype(dtype) or is_datetime64_any_dtype(dtype) or is_timedelta64_dtype(dtype))


def _has_carriage_return(frame: pd.DataFrame) -> bool:
    labels = [*frame.columns.to_flat_index(), *frame.index.to_flat_index(), *frame.index.names]
    columns = [frame.iloc[:, p].to_numpy(dtype=object) for p in range(frame.shape[1]) if _is_text(frame.dtypes.iloc[p])]
    texts = (str(v) if isinstance(v, tuple) else v for v in (*labels, *(v for column in columns for v in column)))
    return any(isinstance(v, str) and "\r" in v for v in texts)


def to_csv(frame: pd.DataFrame, target: str | os.PathLike[str] | IO[Any] | None, **options: Any) -> str | None:
    """Write ``frame`` as CSV after :func:`neutralise`; ``options`` go to ``DataFrame.to_csv``.

    ``target`` is a path or an open text handle; ``None`` returns the CSV as a string. Lines
    end with ``\n``; when some text holds a carriage return, they end with ``\r\n`` (RFC
    4180), which makes Python's CSV writer quote that text — with ``\n`` line ends it would
    write a bare carriage return that spreadsheets read as the end of a row.

    Examples
    --------
    >>> import pandas as pd
    >>> print(to_csv(pd.DataFrame({"-name": ["@x", "b"]}), None, index=False), end="")
    '-name
    '@x
    b
    """
    safe = neutralise(frame)
    if "lineterminator" not in options and _has_carriage_return(safe):
        options["lineterminator"] = "\r\n"
    return safe.to_csv(target, **options)
