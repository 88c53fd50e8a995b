"""HTML building blocks of the report page: accessible tables (a ``<caption>``, ``<th>``
header cells with ``scope``), a heat table readable in print (ColorBrewer colours with the
number written in each cell), and the page's screen and A4 print style.

Every text is HTML-escaped here; callers pass plain text.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd

#: ColorBrewer "Blues" (5 classes, sequential, colour-blind safe) for the heat table, pale = few.
HEAT = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")

STYLE = """
body{font:14px/1.45 sans-serif;margin:0 24px 40px;color:#111;max-width:1200px}
h1{font-size:22px;margin-bottom:4px} h2{margin-top:28px;font-size:18px}
p.headline{font-size:16px;font-weight:bold;max-width:60em}
iframe{width:100%;height:640px;border:1px solid #ccc}
img.print{display:none}
table.t{border-collapse:collapse;font-size:12px;margin:6px 0 12px}
table.t caption{text-align:left;font-weight:bold;padding:4px 0;caption-side:top}
table.t td,table.t th{padding:3px 6px;border-bottom:1px solid #ddd;vertical-align:top}
table.t thead th{border-bottom:2px solid #666;text-align:left;background:#f4f4f4}
table.t th[scope=row]{text-align:left;font-weight:normal}
table.t td.n{text-align:right;white-space:nowrap}
table.t td.codes{max-width:30em;overflow-wrap:normal;word-break:keep-all;min-width:6.5em;color:#444;font-size:11px}
table.heat td{text-align:center;min-width:5em}
ul.measures li{margin-bottom:4px}
@page{size:A4;margin:14mm 12mm}
@media print{
 body{margin:0;font-size:11px;max-width:none} h1{font-size:18px}
 iframe{display:none} img.print{display:block;max-width:100%;max-height:235mm;margin:0 auto}
 section{break-before:page} h2{break-after:avoid}
 table.t{font-size:9.5px;break-inside:auto} table.t td.codes{font-size:8.5px} table.t tr{break-inside:avoid} table.t thead{display:table-header-group}
 table.small{break-inside:avoid}
 table.heat td{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""


def table(rows: pd.DataFrame, caption: str, *, numeric: Sequence[str] = (), codes: Sequence[str] = (), row_header: str | None = None,
          small: bool = False, note: str = "") -> str:
    """An accessible HTML table of text cells (``rows`` already formatted as text).

    Parameters
    ----------
    rows : DataFrame
        Cells as text; the column names are the headers (``<th scope="col">``).
    caption : str
        What the table shows (``<caption>``).
    numeric, codes : sequence of str
        Columns right-aligned as numbers; columns of codes (small grey text).
    row_header : str, optional
        The column whose cells head their rows (``<th scope="row">``).
    small : bool
        Keep the table on one printed page.
    note : str
        A paragraph after the table.

    Examples
    --------
    >>> rows = pd.DataFrame({"No.": ["1"], "Name": ["Horden <north>"], "Residents": ["1,500"]})
    >>> print(table(rows, "Pockets", numeric=["Residents"], row_header="Name"))  # doctest: +NORMALIZE_WHITESPACE
    <table class="t"><caption>Pockets</caption><thead><tr><th scope="col">No.</th><th scope="col">Name</th><th scope="col">Residents</th></tr></thead>
    <tbody><tr><td>1</td><th scope="row">Horden &lt;north&gt;</th><td class="n">1,500</td></tr></tbody></table>
    """
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in rows.columns)
    body = []
    for _, row in rows.iterrows():
        cells = []
        for column, cell in row.items():
            text = html.escape("" if cell is None or (not isinstance(cell, str) and pd.isna(cell)) else str(cell))
            if column == row_header:
                cells.append(f'<th scope="row">{text}</th>')
            else:
                kind = ' class="n"' if column in numeric else ' class="codes"' if column in codes else ""
                cells.append(f"<td{kind}>{text}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    classes = "t small" if small else "t"
    after = f"<p>{html.escape(note)}</p>" if note else ""
    return (f'<table class="{classes}"><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>\n'
            f"<tbody>{''.join(body)}</tbody></table>{after}")


def heat_table(shares: pd.DataFrame, labels: pd.Series, caption: str) -> str:
    """Pockets by domains: each cell the share (0..1) written as a percentage, coloured with
    ColorBrewer Blues in five steps of 20 % (dark cells get white text).

    Parameters
    ----------
    shares : DataFrame
        Rows = pockets (index = number), columns = domain labels, values 0..1 or missing.
    labels : Series
        The pocket names, same index.
    caption : str
        What the cells mean.

    Examples
    --------
    >>> shares = pd.DataFrame({"Income": [1.0, 0.25], "Crime": [0.0, None]}, index=pd.Index([1, 2], name="number"))
    >>> text = heat_table(shares, pd.Series(["Horden", "Peterlee"], index=[1, 2]), "Share of residents")
    >>> 'style="background:#08519c;color:#fff">100 %</td>' in text, 'style="background:#bdd7e7;color:#111">25 %</td>' in text
    (True, True)
    >>> text.count('<th scope="row">')
    2
    """
    head = '<th scope="col">No.</th><th scope="col">Pocket</th>' + "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in shares.columns)
    body = []
    for number, row in shares.iterrows():
        cells = [f"<td>{html.escape(str(number))}</td>", f'<th scope="row">{html.escape(str(labels.get(number, "")))}</th>']
        for share in row:
            if share is None or pd.isna(share):
                cells.append("<td>no data</td>")
                continue
            step = min(int(float(share) * 5), 4)
            ink = "#fff" if step >= 3 else "#111"
            cells.append(f'<td style="background:{HEAT[step]};color:{ink}">{100 * float(share):.0f} %</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (f'<table class="t heat small"><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>\n'
            f"<tbody>{''.join(body)}</tbody></table>")
