"""The web page of a missions scorecard (``index.html``): one table grouped by mission.

Each metric's row shows its period, the value with its 95 % interval, the interval drawn as a
bar against the region's and the nation's published values (inline SVG), its rank with its
"of N" (1 = best), its position in the region, its last five values (an inline SVG sparkline),
how unequal the region's areas are, and whether it is left behind — said in words as well as
colour, so the page reads in black and white. A one-line reading opens the page; the terms are
defined in one line each; it prints to A4 (the report's print style). Every text from data is
HTML-escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import pandas as pd

from geo.outputs.report_html import STYLE
from geo.outputs.report_words import number, ordinal, rank_text, short

#: Extra style of the scorecard: left-behind rows, the mission header rows, the drawings.
SCORECARD_STYLE = """
table.card{border-collapse:collapse;font-size:12px;margin:6px 0 12px;width:100%}
table.card th,table.card td{padding:3px 6px;border-bottom:1px solid #ddd;vertical-align:middle;text-align:left}
table.card thead th{border-bottom:2px solid #666;background:#f4f4f4}
table.card tbody th.mission{background:#e8e8e8;font-size:13px;padding-top:8px}
table.card td.n{text-align:right;white-space:nowrap}
table.card tr.lb{background:#fde0dd} table.card tr.lb td.flag{font-weight:bold;color:#a50f15}
table.card tr.na td{color:#666}
p.reading{font-size:16px;font-weight:bold;max-width:60em}
ul.terms li{margin-bottom:2px} svg{vertical-align:middle}
@media print{table.card{font-size:9px} table.card tr{break-inside:avoid} table.card thead{display:table-header-group}
 table.card tr.lb{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""
#: Colours of the drawings (ColorBrewer-safe): the interval, the area's value, the region, the nation.
INK = {"interval": "#9ecae1", "value": "#08306b", "region": "#e6550d", "nation": "#111111"}


def _fmt(value: float) -> str:
    """A value for the page: at most four significant figures, thousands separators."""
    if value is None or pd.isna(value):
        return ""
    magnitude = abs(float(value))
    decimals = 0 if magnitude >= 1000 else 1 if magnitude >= 10 else 2
    return number(float(value), decimals)


def period_words(period: str) -> str:
    """An ESS period as people say it: a calendar year, a financial or school year, a span of
    years, or a day; anything else as published.

    Examples
    --------
    >>> [period_words(p) for p in ("2023-01-01/P1Y", "2020-01-01/P3Y", "2024-09-01/P1Y", "2025-04-30", "2020-04-01/P3Y", "Q1")]
    ['2023', '2020-2022', '2024/25', '30 Apr 2025', '2020/21 to 2022/23', 'Q1']
    """
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:/P(\d+)Y)?", str(period))
    if not match:
        return str(period)
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    if match[4] is None:
        return f"{day} {pd.Timestamp(year=year, month=month, day=day):%b %Y}"
    years = int(match[4])
    if (month, day) == (1, 1):
        return str(year) if years == 1 else f"{year}-{year + years - 1}"
    end = year + years
    return f"{year}/{str(end)[2:]}" if years == 1 else f"{year}/{str(year + 1)[2:]} to {end - 1}/{str(end)[2:]}"


def interval_bar(value: float, low: float, high: float, region: float, nation: float, *, region_name: str, nation_name: str,
                 width: int = 170, height: int = 24) -> str:
    """The area's value and 95 % interval as a bar, with the region (orange triangle) and the
    nation (black line) marked on the same scale; an SVG with a text alternative.

    Examples
    --------
    >>> svg = interval_bar(539.9, 489.1, 590.7, 615.9, 648.4, region_name="North West", nation_name="England")
    >>> svg.startswith("<svg") and 'aria-label="value 539.9, 95 % interval 489.1 to 590.7; North West 615.9; England 648.4"' in svg
    True
    >>> interval_bar(float("nan"), 1, 2, 3, 4, region_name="a", nation_name="b")
    ''
    """
    if value is None or pd.isna(value):
        return ""
    points = [v for v in (value, low, high, region, nation) if v is not None and not pd.isna(v)]
    lo, hi = min(points), max(points)
    span = (hi - lo) or (abs(hi) or 1.0)
    lo, hi = lo - 0.06 * span, hi + 0.06 * span

    def x(v: float) -> float:
        return round(4 + (width - 8) * (v - lo) / (hi - lo), 1)

    label = [f"value {_fmt(value)}"]
    parts = [f'<line x1="4" x2="{width - 4}" y1="{height / 2}" y2="{height / 2}" stroke="#ddd"/>']
    if not (pd.isna(low) or pd.isna(high)):
        label[0] += f", 95 % interval {_fmt(low)} to {_fmt(high)}"
        parts.append(f'<rect x="{x(low)}" y="{height / 2 - 4}" width="{max(x(high) - x(low), 1)}" height="8" fill="{INK["interval"]}"/>')
    if not pd.isna(nation):
        label.append(f"{nation_name} {_fmt(nation)}")
        parts.append(f'<line x1="{x(nation)}" x2="{x(nation)}" y1="2" y2="{height - 2}" stroke="{INK["nation"]}" stroke-width="2"/>')
    if not pd.isna(region) and region_name != nation_name:
        label.insert(1, f"{region_name} {_fmt(region)}")
        r = x(region)
        parts.append(f'<path d="M{r - 4} {height - 1} L{r + 4} {height - 1} L{r} {height - 8} Z" fill="{INK["region"]}"/>')
    parts.append(f'<circle cx="{x(value)}" cy="{height / 2}" r="3.5" fill="{INK["value"]}"/>')
    text = html.escape("; ".join(label))
    return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{text}">'
            f"<title>{text}</title>{''.join(parts)}</svg>")


def sparkline(periods: Sequence[str], values: Sequence[float], *, width: int = 90, height: int = 22) -> str:
    """The last values as a small line (the latest as a dot); an SVG with a text alternative.

    Examples
    --------
    >>> svg = sparkline(["2021", "2022", "2023"], [1.0, float("nan"), 3.0])
    >>> "<polyline" in svg and 'aria-label="2021: 1.00; 2022: no value; 2023: 3.00"' in svg
    True
    >>> sparkline(["2023"], [float("nan")])
    ''
    """
    present = [(i, float(v)) for i, v in enumerate(values) if v is not None and not pd.isna(v)]
    if not present:
        return ""
    lo, hi = min(v for _, v in present), max(v for _, v in present)
    steps = max(len(values) - 1, 1)

    def xy(i: int, v: float) -> str:
        y = height / 2 if hi == lo else 3 + (height - 6) * (hi - v) / (hi - lo)
        return f"{round(3 + (width - 6) * i / steps, 1)},{round(y, 1)}"

    text = html.escape("; ".join(f"{p}: {_fmt(v) if not pd.isna(v) else 'no value'}" for p, v in zip(periods, values, strict=True)))
    line = f'<polyline points="{" ".join(xy(i, v) for i, v in present)}" fill="none" stroke="{INK["value"]}" stroke-width="1.5"/>'
    last = xy(*present[-1]).split(",")
    return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{text}"><title>{text}</title>'
            f'{line}<circle cx="{last[0]}" cy="{last[1]}" r="2.5" fill="{INK["value"]}"/></svg>')


def reading(card: pd.DataFrame) -> str:
    """The whole in one line: "Blackpool is in the worst national decile on 9 of 31 metrics
    available for districts", and how many more are left behind by the interval rule.

    Examples
    --------
    >>> card = pd.DataFrame({"worst_decile": pd.array([True, False, None], dtype="boolean"),
    ...                      "left_behind": pd.array([True, True, None], dtype="boolean")})
    >>> card.attrs.update({"name": "Blackpool", "levels_plural": "districts", "nation": "England"})
    >>> reading(card)
    'Blackpool is in the worst national decile on 1 of 2 metrics available for districts, and left behind on 2 (worst decile, or 95 % interval wholly worse than England).'
    >>> reading(card.iloc[2:])
    'No metric could be judged against national deciles for Blackpool (too few districts with a value, or none published); Blackpool is left behind on 0 (worst decile, or 95 % interval wholly worse than England).'
    """
    judged = int(card["worst_decile"].notna().sum())
    worst = int(card["worst_decile"].fillna(False).sum())
    left = int(card["left_behind"].fillna(False).sum())
    name, areas, nation = card.attrs["name"], card.attrs["levels_plural"], card.attrs["nation"]
    behind = f"left behind on {left} (worst decile, or 95 % interval wholly worse than {nation})"
    if not judged:
        return (f"No metric could be judged against national deciles for {name} (too few {areas} with a value, or none "
                f"published); {name} is {behind}.")
    return f"{name} is in the worst national decile on {worst} of {judged} metrics available for {areas}, and {behind}."


def rank_words(row: pd.Series) -> str:
    """The rank of a row with its "of N" and its level, and its rank in the nation when that differs.

    Examples
    --------
    >>> rank_words(pd.Series({"rank": 353.0, "of": 359, "level": "lad24", "nation_rank": 290.0, "nation_of": 294, "nation_name": "England"}))
    '353rd of 359 districts (1 = best); 290th of 294 in England'
    """
    text = rank_text(row["rank"], row["of"], str(row["level"]), worst="best")
    if text and pd.notna(row.get("nation_rank")) and row["nation_of"] != row["of"] and int(row["nation_of"]) > 1:
        text += f"; {ordinal(int(row['nation_rank']))} of {int(row['nation_of']):,} in {row['nation_name']}"
    return text


def _flag(row: pd.Series) -> str:
    if row["left_behind"] is pd.NA or pd.isna(row["left_behind"]):
        if pd.isna(row["value"]):
            return ""
        return "not judged: a containing area's value" if row["source_level"] else f"not judged: {row['left_behind_rule']}"
    if not bool(row["left_behind"]):
        return "no"
    why = []
    if row["worst_decile"] is not pd.NA and not pd.isna(row["worst_decile"]) and bool(row["worst_decile"]):
        why.append(f"worst 10 % in {row['nation_name']}")
    if row["interval_worse"] is not pd.NA and not pd.isna(row["interval_worse"]) and bool(row["interval_worse"]):
        why.append(f"interval wholly worse than {row['nation_name']}")
    return "Left behind: " + " and ".join(why)


def _cells(row: pd.Series) -> list[str]:
    """The cells of one metric's row (escaped HTML)."""
    e = html.escape
    name = f"{row['name']}" + (" (headline)" if row["role"] == "headline" else "")
    if pd.isna(row["value"]):
        return [f'<th scope="row">{e(name)}</th>', f'<td colspan="8">not available: {e(str(row["reason"]))}</td>']
    value = f"{_fmt(row['value'])} {row['unit']}"
    if pd.notna(row["lci_95"]) and pd.notna(row["uci_95"]):
        value += f" ({_fmt(row['lci_95'])} to {_fmt(row['uci_95'])})"
    if row["source_level"]:
        value += f" — {row['source_level']}"
    region = ""
    if pd.notna(row.get("region_rank")) and pd.notna(row.get("region_of")):
        region = f"{ordinal(int(row['region_rank']))} of {int(row['region_of']):,} in {row['region_name']}"
    spread = ""
    if pd.notna(row.get("spread_decile_gap")):
        spread = f"gap {_fmt(row['spread_decile_gap'])}; p90/p10 {_fmt(row['spread_p90_p10'])} ({int(row['spread_areas'])} areas)"
    bar = interval_bar(row["value"], row["lci_95"], row["uci_95"], row["region_value"], row["nation_value"],
                       region_name=str(row["region_name"]), nation_name=str(row["nation_name"]))
    line = sparkline(list(row["trend_periods"]), list(row["trend_values"]))
    return [f'<th scope="row">{e(name)}</th>', f'<td title="{e(str(row["period"]))}">{e(period_words(row["period"]))}</td>', f'<td>{e(value)}</td>', f"<td>{bar}</td>",
            f"<td>{e(rank_words(row))}</td>", f"<td>{e(region)}</td>", f"<td>{line}</td>", f"<td>{e(spread)}</td>",
            f'<td class="flag">{e(_flag(row))}</td>']


def card_table(card: pd.DataFrame) -> str:
    """The scorecard as one accessible table, a header row per mission.

    Examples
    --------
    >>> from geo.statistics.scorecard import example_catalogue, scorecard
    >>> text = card_table(scorecard("Cardiff", catalogue=example_catalogue()))
    >>> text.count('<th class="mission"'), text.count('<th scope="row">')
    (1, 1)
    """
    head = ["Metric", "Period", "Value (95 % interval)", "Against region ▲ and nation |", "Rank (1 = best)", "In its region",
            "Last five periods", "Spread in the region", "Left behind?"]
    body = []
    for (number_, name), rows in card.groupby(["mission", "mission_name"], sort=True):
        body.append(f'<tr><th class="mission" colspan="{len(head)}" scope="colgroup">Mission {int(number_)}: {html.escape(str(name))}</th></tr>')
        for _, row in rows.iterrows():
            flagged = row["left_behind"] is not pd.NA and not pd.isna(row["left_behind"]) and bool(row["left_behind"])
            kind = ' class="lb"' if flagged else ' class="na"' if pd.isna(row["value"]) else ""
            body.append(f"<tr{kind}>{''.join(_cells(row))}</tr>")
    caption = f"{card.attrs['name']}: every metric of the levelling-up missions, latest period"
    return (f'<table class="card"><caption>{html.escape(caption)}</caption><thead><tr>'
            + "".join(f'<th scope="col">{html.escape(h)}</th>' for h in head) + "</tr></thead><tbody>" + "".join(body) + "</tbody></table>")


def left_behind_list(card: pd.DataFrame) -> str:
    """The left-behind metrics with their ranks, as a list (plain words).

    Examples
    --------
    >>> from geo.statistics.scorecard import example_catalogue, scorecard
    >>> print(left_behind_list(scorecard("Blackpool", catalogue=example_catalogue())))  # doctest: +ELLIPSIS
    <ul class="measures"><li>Gross median weekly pay (30 Apr 2025): 539.9 £ per week — 353rd of 359 districts (1 = best); 290th of 294 in England; in England&#x27;s worst 10 % of districts ...</li></ul>
    """
    rows = card[card["left_behind"].fillna(False).astype(bool)]
    if rows.empty:
        return f"<p>{html.escape(card.attrs['name'])} is left behind on none of the metrics judged.</p>"
    items = [f"<li>{html.escape(str(r['name']))} ({html.escape(period_words(r['period']))}): {html.escape(_fmt(r['value']))} "
             f"{html.escape(str(r['unit']))} — {html.escape(rank_words(r))}; {html.escape(str(r['left_behind_rule']))}</li>"
             for _, r in rows.iterrows()]
    return f'<ul class="measures">{"".join(items)}</ul>'


def terms(card: pd.DataFrame) -> list[str]:
    """The definitions of the page's terms, one line each (plain text).

    Examples
    --------
    >>> card = pd.DataFrame()
    >>> card.attrs.update({"nation": "Wales", "region": "Wales (a nation: Wales has no regions)", "level": "lad24"})
    >>> terms(card)[3]
    'Region: Wales (a nation: Wales has no regions); outside England the nation stands in for the region.'
    """
    nation = card.attrs["nation"]
    region = card.attrs["region"]
    words = short(card.attrs["level"], plural=True)
    return [
        "Value: the published value for the latest period in which the area has one (ONS Explore Local Statistics), "
        "with its 95 % confidence interval where published.",
        "Value of a containing area: where a metric is not published for the area, the value of the county, police force "
        "area, region or nation that contains it; it is not ranked or judged as the area's own.",
        "Rank: position among all areas of the level with a value in that period, 1 = best; ties share the best rank; "
        "areas without a value are left out and not counted in “of”.",
        f"Region: {region}; outside England the nation stands in for the region.",
        f"Worst national decile: among the worst tenth of {nation}'s ranked areas of the level (ties with the last one "
        "included), judged when at least 99 % of them have a value; with 90 to 99 %, only where the missing areas could "
        "not change the answer wherever they fell.",
        f"Interval rule: the 95 % interval lies wholly on the wrong side of {nation}'s published value in the same period.",
        "Left behind: in the worst national decile, or the interval rule holds (marked in red and in words).",
        "Spread in the region: the decile gap (median of the best tenth of the region's areas minus that of the worst "
        "tenth, by value) and the ratio of the 90th to the 10th percentile, across the region's areas of the level.",
        "Last five periods: the area's values in the five latest periods up to the one shown (gaps where none was published).",
        f"The reading counts metrics judged for {words} and other levels of the area's own code (a unitary authority is "
        "also a county or unitary authority).",
    ]


def page(card: pd.DataFrame, *, maps: Sequence[str] = ()) -> str:
    """The whole page (``index.html``) of a scorecard from :func:`geo.statistics.scorecard.scorecard`.

    Parameters
    ----------
    card : DataFrame
        The scorecard (its ``attrs`` name the area).
    maps : sequence of str
        File names of the small-multiple maps written beside the page.

    Examples
    --------
    >>> from geo.statistics.scorecard import example_catalogue, scorecard
    >>> text = page(scorecard("Blackpool", catalogue=example_catalogue()))
    >>> "Blackpool is in the worst national decile on 1 of 1 metrics available for districts" in text, 'class="lb"' in text
    (True, True)
    """
    e = html.escape
    title = f"Levelling-up missions scorecard: {card.attrs['name']}"
    level = short(card.attrs["level"])
    shown = "".join(f'<p><img src="{e(m)}" alt="Maps of {e(card.attrs["region"])} for the metrics on which '
                    f'{e(card.attrs["name"])} is left behind" style="max-width:100%"></p>' for m in maps)
    counts = (f"{card.attrs['with_value']} of the catalogue's {card.attrs['metrics']} metrics have a value for "
              f"{card.attrs['name']} ({level}, {card.attrs['code']}) or an area containing it; {card.attrs['own_values']} are its own; "
              f"{card.attrs['metrics'] - card.attrs['available']} are not published in the files at hand.")
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">', f"<title>{e(title)}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<style>{STYLE}{SCORECARD_STYLE}</style></head><body>",
        f"<h1>{e(title)}</h1>", f'<p class="reading">{e(reading(card))}</p>', f"<p>{e(counts)}</p>",
        card_table(card),
        "<section><h2>Where it is left behind</h2>", left_behind_list(card), shown, "</section>",
        "<section><h2>Terms</h2>", '<ul class="terms">' + "".join(f"<li>{e(t)}</li>" for t in terms(card)) + "</ul>",
        f"<p>{e(card.attrs['rule'].capitalize())}.</p>",
        "<p>Source: Office for National Statistics, Explore Local Statistics, licensed under the Open Government Licence v3.0.</p>",
        "</section></body></html>",
    ])

