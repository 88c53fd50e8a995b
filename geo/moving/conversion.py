r"""Carry LSOA 2011 indicators onto LSOA 2021, driven by the ONS change indicator.

Every row of the ONS LSOA 2011 → 2021 lookup pairs a 2011 area :math:`i` with a 2021 area
:math:`j` through one route (``CHGIND``): U unchanged, S split (one 2011 → several 2021),
M merged (several 2011 → one 2021), X irregular. Each pair gets an estimated shared
population :math:`p_{ij}` from the Census 2021 population :math:`P_j` of the 2021 area:

- U and S: :math:`p_{ij} = P_j` (the 2021 area lies wholly in the 2011 area);
- M: :math:`p_{ij} = P_j\, a_i / \sum_{i' \to j} a_{i'}`, with :math:`a_i` the area of the
  2011 LSOA (it lies wholly in the 2021 area);
- X: :math:`p_{ij} = P_j\, a(i \cap j) / a(j)`, an areal overlay of the two boundary sets,
  assuming residents spread evenly over each 2021 LSOA.

Counts are split in proportion (:math:`y_j = \sum_i x_i\, p_{ij} / \sum_{j'} p_{ij'}`), so
they are conserved in total; rates and means are population-weighted
(:math:`y_j = \sum_i x_i\, p_{ij} / \sum_i p_{ij}`), so an unsplit area keeps its value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo import catalogue
from geo.data import products
from geo.errors import InputError
from geo.geography import registry
from geo.geography.codes import isin
from geo.geography.layers import boundaries
from geo.geography.population import population
from geo.moving.inputs import KINDS, prepare
from geo.moving.values import exact_counts, non_negative

LOOKUP = "lsoa11_lsoa21_lad22"


def _pairs(weight: str) -> pd.DataFrame:
    if weight not in ("population", "area"):
        raise InputError(f"weight={weight!r}; expected 'population' (Census 2021 residents) or 'area'")
    source = catalogue.product(LOOKUP)
    raw = products.load(LOOKUP)
    pairs = pd.DataFrame(
        {
            "lsoa11": raw[source.field("lsoa11")].astype("string"),
            "lsoa21": raw[source.field("lsoa21")].astype("string"),
            "route": raw[source.field("change")].astype("string"),
        }
    ).drop_duplicates(["lsoa11", "lsoa21"])
    merged = (pairs["route"] == "M").to_numpy(dtype=bool, na_value=False)
    irregular = (pairs["route"] == "X").to_numpy(dtype=bool, na_value=False)
    new_layer = boundaries("lsoa21").geometry if weight == "area" or irregular.any() else None  # each national layer read once
    base = population("lsoa21") if new_layer is None or weight == "population" else new_layer.area
    pairs["shared"] = base.reindex(pairs["lsoa21"]).to_numpy()
    if merged.any() or irregular.any():
        old = boundaries("lsoa11").geometry
        if merged.any():
            area = old.reindex(pairs.loc[merged, "lsoa11"]).area.to_numpy()
            total = pd.Series(area).groupby(pairs.loc[merged, "lsoa21"].to_numpy()).transform("sum").to_numpy()
            pairs.loc[merged, "shared"] *= area / total
        if irregular.any() and new_layer is not None:
            new = new_layer.reindex(pairs.loc[irregular, "lsoa21"])
            overlap = old.reindex(pairs.loc[irregular, "lsoa11"]).intersection(new, align=False).area.to_numpy() / new.area.to_numpy()
            pairs.loc[irregular, "shared"] *= overlap
    return pairs


def _routes(target: np.ndarray, route: pd.Series, index: pd.Index) -> pd.Series:
    """The change routes that fed each 2021 area (``target``: its number in ``index``), letters
    sorted and each once ("M", "SU"), without a Python loop over areas: a presence table of
    area x route, one string per distinct row of it."""
    kinds, letters = pd.factorize(route.to_numpy(), sort=True)
    present = np.zeros((len(index), len(letters)), dtype=bool)
    known = kinds >= 0
    present[target[known], kinds[known]] = True
    rows, which = np.unique(present, axis=0, return_inverse=True)
    words = np.array(["".join(str(letters[j]) for j in np.flatnonzero(row)) for row in rows], dtype=object)
    return pd.Series(words[which.ravel()], index=index, dtype="string")


def lsoa11_population() -> pd.Series:
    r"""Census 2021 usual residents estimated for each LSOA 2011: :math:`\sum_j p_{ij}` (module formulae).

    Exact for unchanged and split 2011 areas (the sum of their 2021 parts), an area share of
    the 2021 area for merged ones and an areal overlay for irregular ones.

    Returns
    -------
    Series
        Indexed by LSOA 2011 code (``lsoa11``), float.

    Examples
    --------
    >>> people = lsoa11_population()
    >>> len(people), round(float(people.sum()) / 1e6, 2)  # every 2011 LSOA; E&W 59.60 million (overlays lose ~400)
    (34753, 59.6)
    """
    pairs = _pairs("population")
    people = pairs.groupby("lsoa11")["shared"].sum()
    people.index = pd.Index(people.index, name="lsoa11", dtype="string")
    return people


def convert(
    data: pd.DataFrame,
    *,
    value: str | list[str],
    kind: str,
    to: str = "lsoa21",
    level: str = "lsoa11",
    code: str | None = None,
    weight: str = "population",
) -> pd.DataFrame:
    """Convert LSOA 2011 values to LSOA 2021 (formulae in the module docstring).

    Parameters
    ----------
    data : DataFrame
        One row per 2011 LSOA (codes in ``code`` or the index).
    value : str or list of str
        Value column(s): finite numbers or missing (``inf`` refused); counts below 2**53.
    kind : {"count", "rate", "mean"}
        Counts are split and summed; rates (given as values) and means are weighted.
    to, level : str
        Only ``"lsoa21"`` from ``"lsoa11"`` is supported.
    code : str, optional
        Column of codes (default the index).
    weight : {"population", "area"}
        What :math:`P_j` is: Census 2021 residents (default) or the 2021 LSOA's area (pure
        areal weighting).

    Returns
    -------
    DataFrame
        Indexed by ``lsoa21``: the value column(s), ``routes`` (the change routes that fed
        each 2021 area, e.g. ``"U"`` or ``"M"``) and ``coverage`` (share of the 2021 area's
        estimated population whose 2011 area had a value). ``attrs["routes"]`` counts the
        2011 codes through each route.

    Examples
    --------
    >>> import pandas as pd
    >>> old = pd.DataFrame({"crimes": [10.0, 4.0, 6.0]}, index=["E01033468", "E01011973", "E01011976"])
    >>> new = convert(old, value="crimes", kind="count")  # one split (S), two merged (M)
    >>> new["routes"].tolist(), round(float(new["crimes"].sum()), 9)
    (['M', 'S', 'S'], 20.0)
    >>> new.attrs["routes"]
    {'M': 2, 'S': 1}
    """
    if registry.resolve(to, argument="to") != "lsoa21" or registry.resolve(level) != "lsoa11":
        raise InputError(f"convert supports level='lsoa11' to='lsoa21' only, got level={level!r} to={to!r}")
    if kind not in KINDS or kind == "median":
        raise InputError(f"kind={kind!r}; convert supports 'count', 'rate' (values that are rates) and 'mean'")
    values = [value] if isinstance(value, str) else list(value)
    if not values:
        raise InputError("value=[]; pass a value column or a non-empty list of them")
    if weight not in ("population", "area"):
        raise InputError(f"weight={weight!r}; expected 'population' (Census 2021 residents) or 'area'")
    prepared = prepare(data, columns=values, level="lsoa11", code=code, kind=kind)
    frame = prepared.frame
    if kind == "count":
        exact_counts(frame, values)
        non_negative(frame, values)
    pairs = _pairs(weight)
    pairs = pairs[isin(pairs["lsoa21"], pairs.loc[isin(pairs["lsoa11"], frame.index), "lsoa21"])]
    x = frame.reindex(pairs["lsoa11"].to_numpy())
    has = x[values].notna().all(axis=1).to_numpy()
    shared = pairs["shared"].to_numpy()
    # one factorisation of the 2021 codes (sorted), then every sum is a grouped sum over its integer codes
    target, new_codes = pd.factorize(pairs["lsoa21"].to_numpy(), sort=True)
    out = pd.DataFrame(index=pd.Index(new_codes, name="lsoa21", dtype="string"))

    def by_new(columns: dict[str, np.ndarray], **how: int) -> pd.DataFrame:
        return pd.DataFrame(columns).groupby(target, sort=True).sum(**how).reset_index(drop=True).set_axis(out.index)

    if kind == "count":
        split = pd.Series(shared).groupby(pairs["lsoa11"].to_numpy()).transform("sum").to_numpy()
        share = np.divide(shared, split, out=np.zeros_like(shared), where=split > 0)
        summed = by_new({str(i): x[column].to_numpy() * share for i, column in enumerate(values)}, min_count=1)
        for i, column in enumerate(values):
            out[column] = summed[str(i)]
    else:
        w = np.where(has, shared, 0.0)
        summed = by_new({**{str(i): np.nan_to_num(x[column].to_numpy()) * w for i, column in enumerate(values)}, "den": w})
        den = summed["den"].where(summed["den"] > 0)
        for i, column in enumerate(values):
            out[column] = summed[str(i)] / den
    out["routes"] = _routes(target, pairs["route"], out.index)
    totals = by_new({"covered": np.where(has, shared, 0.0), "total": shared})
    out["coverage"] = (totals["covered"] / totals["total"].where(totals["total"] > 0)).fillna(0.0)
    used = pairs[isin(pairs["lsoa11"], frame.index)].drop_duplicates("lsoa11")
    out.attrs.update({"level": "lsoa11", "to": "lsoa21", "kind": kind, "weight": weight, "routes": used["route"].value_counts().to_dict(),
                     "recoded": prepared.recoded})
    return out
