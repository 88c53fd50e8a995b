"""Words and numbers the way a committee paper writes them: levels in words, ranks with
their "of N", people rounded for reading, and one plain sentence per deprivation measure.

Everything here returns plain text (not HTML-escaped); :mod:`geo.outputs.report_page`
escapes it. The measures' definitions follow :mod:`geo.statistics.deprivation`.
"""

from __future__ import annotations

import math

import pandas as pd

from geo.errors import InputError

#: One area of each level, in words, and its plural.
LEVEL_WORDS: dict[str, tuple[str, str]] = {
    "lsoa21": ("LSOA (neighbourhood)", "LSOAs (neighbourhoods)"),
    "lsoa11": ("LSOA (2011 neighbourhood)", "LSOAs (2011 neighbourhoods)"),
    "msoa21": ("MSOA", "MSOAs"),
    "dz11": ("data zone", "data zones"),
    "sdz21": ("super data zone", "super data zones"),
    "lad24": ("district", "districts"),
    "utla23": ("county or unitary authority", "counties or unitary authorities"),
    "pfa24": ("police force area", "police force areas"),
    "rgn24": ("region", "regions"),
    "itl1": ("ITL1 region", "ITL1 regions"),
    "ctry": ("nation", "nations"),
}

#: The IoD summary measures: label, unit in the CSV, and what the number means.
MEASURES: dict[str, tuple[str, str]] = {  # {areas}: the small areas in words ("LSOAs", "data zones")
    "n_lsoas": ("{named}", "{areas}"),
    "children_expected": ("{named}", "{areas}"),  # an indicator aggregated from the small areas inside (geo.aggregate)
    "children_present": ("{areas} with a value", "{areas}"),
    "population": ("residents (Census 2021)", "people"),
    "average_score": ("average score", "score (higher = more deprived)"),
    "average_rank": ("average rank", "rank (higher = more deprived)"),
    "proportion_most_deprived_10": ("share of {areas} in the most deprived 10 %", "%"),
    "extent": ("extent", "%"),
    "local_concentration": ("local concentration", "rank (higher = more deprived)"),
}
#: The deprivation summary measures, each said in one sentence with its definition (measure_sentence).
SUMMARY_MEASURES = ("average_score", "average_rank", "proportion_most_deprived_10", "extent", "local_concentration")
#: Measures given as shares (0..1) in the data and as percentages on the page and in the CSVs.
PERCENT = ("proportion_most_deprived_10", "extent")


def measure_label(column: str, level: str = "lsoa21") -> tuple[str, str] | None:
    """The label and unit of a deprivation summary measure for small areas of ``level``, or None.

    Examples
    --------
    >>> measure_label("n_lsoas"), measure_label("proportion_most_deprived_10", "dz11"), measure_label("gini")
    (('neighbourhoods (LSOAs)', 'LSOAs'), ('share of data zones in the most deprived 10 %', '%'), None)
    """
    if column not in MEASURES:
        return None
    areas = short(level, plural=True)
    named = "neighbourhoods (LSOAs)" if level == "lsoa21" else areas
    label, unit = MEASURES[column]
    return label.format(areas=areas, named=named), unit.format(areas=areas)


def level_words(level: str, *, plural: bool = False) -> str:
    """One area of ``level`` in words ("district", "police force area").

    Examples
    --------
    >>> level_words("utla23"), level_words("pfa24", plural=True), level_words("lsoa21")
    ('county or unitary authority', 'police force areas', 'LSOA (neighbourhood)')
    """
    singular, many = LEVEL_WORDS.get(level, (level, f"{level} areas"))
    return many if plural else singular


def short(level: str, *, plural: bool = False) -> str:
    """:func:`level_words` without its explanation in brackets, for running text ("LSOAs").

    Examples
    --------
    >>> short("lsoa21"), short("lsoa21", plural=True), short("utla23", plural=True)
    ('LSOA', 'LSOAs', 'counties or unitary authorities')
    """
    return level_words(level, plural=plural).split(" (")[0]


def ordinal(number: int) -> str:
    """``47`` -> ``"47th"``.

    Examples
    --------
    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111, 296)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st', '111th', '296th']
    """
    number = int(number)
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number:,}{suffix}"


def rank_text(rank: float | None, of: float | None, level: str, *, worst: str = "most deprived") -> str:
    """A rank with its "of N": ``"47th of 296 districts (1 = most deprived)"``; "" without a rank.

    Examples
    --------
    >>> rank_text(47, 296, "lad24")
    '47th of 296 districts (1 = most deprived)'
    >>> rank_text(3, 9, "rgn24", worst="worst"), rank_text(None, 296, "lad24"), rank_text(1, 1, "ctry")
    ('3rd of 9 regions (1 = worst)', '', '')
    >>> rank_text(41, 33755, "lsoa21")
    '41st of 33,755 LSOAs (1 = most deprived)'
    """
    if rank is None or of is None or pd.isna(rank) or pd.isna(of) or int(of) <= 1:
        return ""
    return f"{ordinal(int(rank))} of {int(of):,} {short(level, plural=True)} (1 = {worst})"


def about(people: float) -> str:
    """A count of people rounded for reading: exact below 1,000, to the hundred below
    10,000, to the thousand below a million, else in millions to one decimal; "about" when rounded.

    Examples
    --------
    >>> about(812), about(8_149), about(81_013), about(81_000), about(522_063), about(3_586_220)
    ('812', 'about 8,100', 'about 81,000', '81,000', 'about 522,000', 'about 3.6 million')
    """
    exact = round(people)
    if exact >= 1_000_000:
        return f"about {exact / 1e6:.1f} million"
    step = 1 if exact < 1_000 else 100 if exact < 10_000 else 1_000
    rounded = int(round(exact / step) * step)
    return f"{rounded:,}" if rounded == exact else f"about {rounded:,}"


def tidy_round(value: float) -> float:
    """Round for a CSV read by people: four significant figures, never rounding away whole digits.

    Examples
    --------
    >>> tidy_round(28.90744841522958), tidy_round(21547.143335191347), tidy_round(0.32199066), tidy_round(16.969696)
    (28.91, 21547.0, 0.322, 16.97)
    """
    if value is None or pd.isna(value) or value == 0 or not math.isfinite(value):
        return value
    decimals = min(6, max(0, 3 - math.floor(math.log10(abs(value)))))
    return round(float(value), decimals)


def number(value: float, decimals: int = 1) -> str:
    """A number for the page: thousands separators, ``decimals`` places ("" when missing).

    Examples
    --------
    >>> number(28.907), number(21547.14, 0), number(float("nan"))
    ('28.9', '21,547', '')
    """
    return "" if value is None or pd.isna(value) else f"{value:,.{decimals}f}"


def measure_sentence(measure: str, row: pd.Series, *, units: str, nation: str, title: str, weighted: bool = True) -> str:
    """One plain sentence for an IoD summary measure of ``row`` (a row of the summary),
    with its definition and its rank ("of N").

    Parameters
    ----------
    measure : str
        One of :data:`MEASURES`' deprivation measures.
    row : Series
        The area's row: ``name``, ``level``, the measure, ``rank_of_<measure>``, ``ranked``,
        ``n_lsoas``.
    units : str
        The small areas, in words ("LSOAs").
    nation : str
        The nation the ranks are of ("England").
    title : str
        The index ("IMD score (IoD2025)").
    weighted : bool, default True
        Whether the averages weigh the small areas by residents (False: each counts once, as
        for Scotland, which Census 2021 does not cover).

    Examples
    --------
    >>> row = pd.Series({"name": "County Durham", "level": "lad24", "n_lsoas": 330, "proportion_most_deprived_10": 56 / 330,
    ...                  "rank_of_proportion_most_deprived_10": 53, "ranked": 296})
    >>> measure_sentence("proportion_most_deprived_10", row, units="LSOAs", nation="England", title="IMD score (IoD2025)")
    "Share in the most deprived 10 %: 17.0 % of County Durham's LSOAs (56 of 330) are among England's most deprived 10 % — 53rd of 296 districts (1 = most deprived)."
    """
    value = row.get(measure)
    rank = rank_text(row.get(f"rank_of_{measure}"), row.get("ranked"), str(row.get("level")))
    ranked = f" — {rank}" if rank else ""
    name = str(row.get("name"))
    if value is None or pd.isna(value):
        return ""
    weights = "with their residents as weights" if weighted else f"each of the {units} counting once"
    if measure == "average_score":
        text = f"Average score: {value:,.1f} — the {title} of {name}'s {units} averaged {weights} (higher = more deprived)"
    elif measure == "average_rank":
        text = (f"Average rank: {value:,.0f} — the national ranks of {name}'s {units} averaged {weights}, "
                f"counted so that a higher number is more deprived")
    elif measure == "proportion_most_deprived_10":
        count = round(value * float(row.get("n_lsoas", 0) or 0))
        text = (f"Share in the most deprived 10 %: {100 * value:.1f} % of {name}'s {units} ({count:,} of "
                f"{int(row.get('n_lsoas', 0) or 0):,}) are among {nation}'s most deprived 10 %")
    elif measure == "extent":
        who = f"{name}'s residents live in {units}" if weighted else f"{name}'s {units} (each counting once) are"
        text = (f"Extent: {100 * value:.1f} % of {who} among {nation}'s most deprived 30 %, "
                "those in the most deprived 10 % counted in full and those in the next 20 % on a sliding scale")
    elif measure == "local_concentration":
        text = (f"Local concentration: {value:,.0f} — the average national rank (higher = more deprived) of {name}'s most "
                f"deprived {units} that together hold a tenth of its residents")
    else:
        raise InputError(f"measure={measure!r} is not a deprivation summary measure; expected one of {list(SUMMARY_MEASURES)}")
    return text + ranked + "."
