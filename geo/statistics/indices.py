r"""The deprivation indices of the UK nations, as data: which file, which columns, which domains.

Each index is a catalogue indicator with an ``[index]`` table (``indicators/iod2025.toml``,
``iod2019.toml``, ``wimd2019.toml``, ``simd2020.toml``): its nation (first letter of the GSS
codes), names, the level it is published on, the number of small areas ranked nationally
:math:`N`, the overall score (absent for the SIMD), rank (1 = most deprived of :math:`N`)
and decile (1 = most deprived 10 %, as published) columns, and its domains in the
publisher's order, each with a rank, a decile and (where published) a score column.
``default = true`` marks the index a report uses for the nation.

The indices are built differently and ranked within their own nation only: a rank or decile
of one nation's index says nothing about another nation's small areas (:data:`NOT_COMPARABLE`).
Northern Ireland has no small-area index in the catalogue.

On the level a report maps (:meth:`DeprivationIndex.mapped`): the IoD2025 and the SIMD 2020 as
published (LSOA 2021, Data Zone 2011). An index published on LSOA 2011 with scores (the WIMD
2019) is carried to LSOA 2021 by :func:`geo.convert` (scores as population-weighted means,
:math:`y_j = \sum_i s_i p_{ij} / \sum_i p_{ij}`), and then, for the overall index and each
domain:

- rank :math:`r_j` = position of :math:`y_j` among the nation's LSOAs 2021, highest score
  first (1 = most deprived of :math:`N_{21}`, ties share the better rank);
- decile by the *published boundaries*: with :math:`b_k = \min\{s_i : d_i = k\}` the lowest
  published score of published decile :math:`k` (2011 LSOAs), :math:`d_j = \min\{k : y_j \ge b_k\}`
  (10 when none of :math:`b_1 \dots b_9`; "at or beyond" allows a relative rounding error of
  :math:`10^{-9}`, as the weighted mean of a single score may differ from it in the last digit). An LSOA 2021 is in the nation's most deprived 10 %
  when its converted score is at or beyond the lowest score of the published decile 1. A
  2021 LSOA that is one 2011 LSOA, or a part of one (unchanged or split), keeps its score
  and so its published decile; a merged one gets the weighted mean of its parts' scores
  and the decile that mean falls in. So the count in decile 1 on LSOA 2021 need not be
  10 % of the 2021 LSOAs.

Examples
--------
>>> wimd = deprivation_index("Wales")
>>> wimd.id, wimd.short, wimd.level, wimd.national_count, wimd.score
('wimd2019', 'WIMD 2019', 'lsoa11', 1909, 'IMD_score')
>>> list(wimd.domain_ranks)[:3], wimd.domain_deciles["Income"]
(['Income', 'Employment', 'Health'], 'Income_decile')
>>> deprivation_index("S").score is None  # the SIMD publishes ranks and deciles, no scores
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from geo import catalogue
from geo.data import products
from geo.errors import CoverageError, InputError, examples
from geo.moving.conversion import convert

#: Nation letters (first letter of GSS codes) and names.
NATIONS = {"E": "England", "W": "Wales", "S": "Scotland", "N": "Northern Ireland"}
#: The sentence every output of more than one nation's index must carry.
NOT_COMPARABLE = (
    "The deprivation indices of England (IoD), Wales (WIMD) and Scotland (SIMD) are built from different "
    "indicators and rank small areas within their own nation only, so their ranks, deciles and scores are not "
    "comparable across nations."
)


@dataclass(frozen=True)
class Domain:
    """One domain of an index: its label and columns (``score`` is None where not published).

    Examples
    --------
    >>> deprivation_index("wimd2019").domains[6]
    Domain(label='Community safety', rank='Crime_rank', decile='Crime_decile', score='Crime_score')
    """

    label: str
    rank: str
    decile: str
    score: str | None = None


@dataclass(frozen=True)
class DeprivationIndex:
    """A nation's deprivation index as declared in the catalogue (see the module description).

    Attributes
    ----------
    id : str
        Catalogue id (``"wimd2019"``); :meth:`~geo.DeprivationIndex.load` reads the product.
    name, short, overall : str
        Full name, short name (``"WIMD 2019"``) and the overall measure's label (``"WIMD"``).
    nation, nation_name : str
        Nation letter (``"W"``) and name (``"Wales"``).
    level, code : str
        Level the index is published on (``"lsoa11"``, ``"lsoa21"``, ``"dz11"``) and its code column.
    national_count : int
        :math:`N`, the number of small areas ranked (1 = most deprived, N = least).
    score, rank, decile : str or None
        Overall columns; ``score`` is None when the index publishes no score (SIMD).
    domains : tuple of Domain
        In the publisher's order.
    title, attribution, source : str
        The catalogue title, attribution and publisher address.
    default : bool
        Whether reports use it for the nation.
    earlier : str or None
        The catalogue id of the previous edition of the same index (``"iod2019"`` for the
        IoD2025), for "change since"; None when the catalogue holds none.

    Examples
    --------
    >>> simd = deprivation_index("Scotland")
    >>> simd.name, simd.level, simd.code, simd.national_count, len(simd.domains)
    ('Scottish Index of Multiple Deprivation 2020', 'dz11', 'DZ11CD', 6976, 7)
    """

    id: str
    name: str
    short: str
    overall: str
    nation: str
    nation_name: str
    level: str
    code: str
    national_count: int
    rank: str
    decile: str
    score: str | None
    domains: tuple[Domain, ...]
    title: str
    attribution: str
    source: str
    default: bool = False
    earlier: str | None = None

    @property
    def domain_ranks(self) -> dict[str, str]:
        """Domain label -> national rank column (1 = most deprived), in the publisher's order."""
        return {d.label: d.rank for d in self.domains}

    @property
    def domain_deciles(self) -> dict[str, str]:
        """Domain label -> published decile column (1 = most deprived 10 %)."""
        return {d.label: d.decile for d in self.domains}

    @property
    def domain_scores(self) -> dict[str, str]:
        """Domain label -> score column, for the domains with a published score."""
        return {d.label: d.score for d in self.domains if d.score}

    @property
    def columns(self) -> list[str]:
        """Every column of the index (overall, then domains)."""
        named = [self.score, self.rank, self.decile, *(c for d in self.domains for c in (d.score, d.rank, d.decile))]
        return [c for c in named if c]

    def load(self) -> pd.DataFrame:
        """The index, one row per small area, indexed by code (a copy of the cached product).

        Examples
        --------
        >>> simd = deprivation_index("simd2020").load()
        >>> simd.index.name, len(simd), int((simd["IMD_decile"] == 1).sum())
        ('DZ11CD', 6976, 698)
        """
        frame = products.load(self.id).copy()
        frame[self.code] = frame[self.code].astype("string")
        return frame.set_index(self.code)

    @property
    def mapped_level(self) -> str:
        """The level reports map the index on: LSOA 2021 for an index on LSOA 2011, else its own."""
        return "lsoa21" if self.level == "lsoa11" else self.level

    def mapped(self) -> pd.DataFrame:
        """The index on :attr:`mapped_level`, indexed by code (a copy): as published, or, for an
        index on LSOA 2011, converted to LSOA 2021 with ranks and deciles by the published
        boundaries (module description), plus the conversion's ``routes`` and ``coverage``.

        Examples
        --------
        >>> wales = deprivation_index("W").mapped()
        >>> len(wales), int(wales["IMD_rank"].max()), str(wales.loc["W01000016", "routes"]), int(wales.loc["W01000016", "IMD_decile"])
        (1917, 1917, 'U', 1)
        """
        return _mapped(self.id).copy()


def boundary_deciles(values: pd.Series, scores: pd.Series, deciles: pd.Series) -> pd.Series:
    """Deciles of ``values`` by the published boundaries of ``scores`` and their ``deciles`` (module description).

    Parameters
    ----------
    values : Series
        Scores to place (higher = more deprived), e.g. converted to LSOA 2021; missing stay missing.
    scores, deciles : Series
        The published scores and deciles (1 = most deprived 10 %) of the same measure.

    Returns
    -------
    Series
        Integer deciles 1..10 (``Int64``), indexed as ``values``.

    Examples
    --------
    >>> published = pd.Series([9.0, 8.0, 5.0, 4.0, 1.0]); deciles = pd.Series([1, 1, 2, 3, 10])
    >>> boundary_deciles(pd.Series([8.5, 7.9, 4.5, 0.5]), published, deciles).tolist()
    [1, 2, 3, 10]
    """
    lowest = scores.groupby(deciles.to_numpy()).min().sort_index()  # b_k of the deciles present
    if len(lowest) == 0:
        raise InputError("scores/deciles are empty; boundary deciles need the published scores and deciles")
    x = values.to_numpy(dtype="float64")
    bounds = lowest.to_numpy()[None, :-1]
    # boundaries x falls short of; a converted score equal to a boundary but for rounding (a weighted mean
    # of one value) reaches it (relative tolerance 1e-9)
    beyond = ((x[:, None] < bounds) & ~np.isclose(x[:, None], bounds, rtol=1e-9, atol=0.0)).sum(axis=1)
    place = lowest.index.to_numpy()[beyond].astype("float64")
    return pd.Series(pd.array(np.where(np.isnan(x), np.nan, place), dtype="Int64"), index=values.index)


@cache
def _mapped(index_id: str) -> pd.DataFrame:
    index = indices()[index_id]
    published = index.load()
    if index.level in ("lsoa21", "dz11"):
        return published
    if index.level != "lsoa11" or not index.score:
        raise InputError(
            f"index={index_id!r} is published on {index.level} with no scores; only an index with scores on LSOA 2011 "
            "is converted to LSOA 2021 (its ranks and deciles cannot be averaged)"
        )
    measures = [(index.score, index.rank, index.decile)] + [(d.score, d.rank, d.decile) for d in index.domains if d.score]
    converted = convert(published, value=[m[0] for m in measures], kind="mean")
    out = converted.loc[converted[index.score].notna()].copy()
    out.index.name = "LSOA21CD"
    for score, rank, decile in measures:
        out[rank] = out[score].rank(ascending=False, method="min").astype("int64")
        out[decile] = boundary_deciles(out[score], published[score], published[decile])
    return out


def _from_product(item: catalogue.Product) -> DeprivationIndex:
    spec = item.index
    required = ("nation", "name", "short", "overall", "level", "national_count", "rank", "decile", "domains")
    missing = [key for key in required if key not in spec]
    if missing:
        raise InputError(f"catalogue entry {item.id!r}: its [index] table lacks {missing}")
    domains = tuple(Domain(str(d["label"]), str(d["rank"]), str(d["decile"]), d.get("score")) for d in spec["domains"])
    return DeprivationIndex(
        id=item.id, name=str(spec["name"]), short=str(spec["short"]), overall=str(spec["overall"]),
        nation=str(spec["nation"]), nation_name=NATIONS[str(spec["nation"])], level=str(spec["level"]),
        code=item.field(str(spec["level"])), national_count=int(spec["national_count"]), rank=str(spec["rank"]),
        decile=str(spec["decile"]), score=spec.get("score"), domains=domains, title=item.title,
        attribution=item.attribution, source=str(item.url or item.service or ""), default=bool(spec.get("default", False)),
        earlier=spec.get("earlier"),
    )


@cache
def indices() -> dict[str, DeprivationIndex]:
    """Every deprivation index of the catalogue, keyed by id.

    Examples
    --------
    >>> sorted(indices())
    ['iod2019', 'iod2025', 'simd2020', 'wimd2019']
    >>> sorted(i.nation for i in indices().values() if i.default)
    ['E', 'S', 'W']
    """
    return {item.id: _from_product(item) for item in catalogue.products().values() if item.index}


def deprivation_index(key: str) -> DeprivationIndex:
    """Return an index by catalogue id, or a nation's default index by letter, name or code.

    Parameters
    ----------
    key : str
        ``"iod2025"``, ``"wimd2019"``, ``"simd2020"``, ``"iod2019"``; or a nation:
        ``"E"``/``"England"``/``"E92000001"`` (and the same for Wales and Scotland).

    Returns
    -------
    DeprivationIndex

    Raises
    ------
    CoverageError
        For Northern Ireland (no small-area index in the catalogue).
    InputError
        For anything else unknown.

    Examples
    --------
    >>> deprivation_index("England").id, deprivation_index("W92000004").id, deprivation_index("simd2020").nation_name
    ('iod2025', 'wimd2019', 'Scotland')
    >>> deprivation_index("Northern Ireland")
    Traceback (most recent call last):
    ...
    geo.errors.CoverageError: Northern Ireland has no small-area deprivation index in the catalogue; indices are known for England, Wales and Scotland ('iod2019', 'iod2025', 'simd2020', 'wimd2019')
    """
    known = indices()
    if not isinstance(key, str):
        raise InputError(f"index={key!r}; expected a catalogue id ({examples(sorted(known))}) or a nation name or letter")
    if key in known:
        return known[key]
    text = key.strip()
    letter = {name.lower(): code for code, name in NATIONS.items()}.get(text.lower())
    if letter is None and (len(text) == 1 or (len(text) == 9 and text[1:3] == "92")):
        letter = text[0].upper()
    if letter not in NATIONS:
        raise InputError(
            f"index={key!r} is neither a deprivation index ({examples(sorted(known))}) nor a nation "
            f"({', '.join(NATIONS.values())}, or their letters E, W, S, N)"
        )
    found = [i for i in known.values() if i.nation == letter and i.default]
    if not found:
        have = sorted({NATIONS[i.nation] for i in known.values()}, key=list(NATIONS.values()).index)
        raise CoverageError(
            f"{NATIONS[letter]} has no small-area deprivation index in the catalogue; indices are known for "
            f"{', '.join(have[:-1])} and {have[-1]} ({examples(sorted(known))})"
        )
    return found[0]
