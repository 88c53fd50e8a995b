"""Local spatial clusters (hot and cold spots) with esda, on the package's contiguity weights.

``local_moran`` runs ``esda.Moran_Local`` (row-standardised weights) and labels significant
areas by quadrant: High-High, Low-High, Low-Low, High-Low. ``getis_ord`` runs
``esda.G_Local`` (G*, the area included in its own neighbourhood) and labels significant hot
spots High-High and cold spots Low-Low. One rule for significance: an area is significant
when the pseudo p-value of the conditional permutation test is at or below the cut-off
(``p <= significance``, 0.05 by default), the cut-off being ``significance`` itself or, with
``fdr=True``, the false-discovery-rate cut-off (``esda.fdr``). Results are reproducible with
``seed``.

A constant or near-constant indicator (values equal to a relative 1e-9) has no clusters: its
local statistics are undefined (0/0), so every area is "Not significant" with ``p_value``
and ``statistic`` NaN, and ``attrs["constant"]`` is True (no error is raised, so pockets of
hot spots on such data are simply none).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from geo.errors import InputError
from geo.geography.contiguity import check_kind, contiguity as contiguity_weights
from geo.moving.inputs import prepare
from geo.moving.values import integer, number

LABELS = {1: "High-High", 2: "Low-High", 3: "Low-Low", 4: "High-Low"}
METHODS = ("local_moran", "getis_ord")


def hotspots(
    data: pd.DataFrame,
    *,
    value: str,
    level: str | None = None,
    method: str = "local_moran",
    permutations: int = 999,
    seed: int | None = 12345,
    fdr: bool = False,
    significance: float = 0.05,
    contiguity: str = "queen",
    code: str | None = None,
) -> pd.DataFrame:
    """Find local clusters of high or low values.

    Parameters
    ----------
    data : DataFrame
        One row per area (codes in ``code`` or the index).
    value : str
        The indicator column.
    level : str, optional
        Level of the codes (detected when omitted).
    method : {"local_moran", "getis_ord"}
        Local Moran's I (``esda.Moran_Local``) or Getis-Ord G* (``esda.G_Local``).
    permutations : int, default 999
        Conditional permutations for the pseudo p-values (a whole number >= 1).
    seed : int
        Random seed: the same seed gives the same labels.
    fdr : bool, default False
        Judge significance against the false-discovery-rate cut-off (``esda.fdr``).
    significance : float, default 0.05
        The significance level, in (0, 1); an area is significant when ``p <= cut-off``.
    contiguity : {"queen", "rook"}
        Neighbour rule (see :func:`geo.contiguity`).
    code : str, optional
        Column of codes (default: the index).

    Returns
    -------
    DataFrame
        Indexed by code: ``statistic`` (local Moran's I, or the G* z-score), ``p_value``
        (pseudo p-value), ``label`` in {"High-High", "Low-High", "Low-Low", "High-Low",
        "Not significant"}. Areas with a missing value are left out. Constant data: every
        area "Not significant", ``p_value`` NaN, ``attrs["constant"]`` True (module docstring).

    Examples
    --------
    >>> import geo
    >>> iod = geo.data.products.load("iod2025")
    >>> durham = iod[iod["LSOA21CD"].isin(geo.boundaries("lsoa21", within="E06000047").index)]
    >>> spots = hotspots(durham, code="LSOA21CD", value="IMD_score", permutations=99, seed=1)
    >>> spots.columns.tolist()
    ['statistic', 'p_value', 'label']
    >>> int((spots["label"] == "High-High").sum()) > 0
    True
    """
    if method not in METHODS:
        raise InputError(f"method={method!r}; expected one of {METHODS}")
    check_kind(contiguity, argument="contiguity")
    permutations = integer(permutations, argument="permutations", minimum=1)
    significance = number(significance, argument="significance", low=0, high=1, closed="neither")
    seed = None if seed is None else integer(seed, argument="seed", minimum=0)
    if not isinstance(fdr, (bool, np.bool_)):
        raise InputError(f"fdr={fdr!r}; expected True or False")
    prepared = prepare(data, columns=[value], level=level, code=code, kind="mean")
    y = prepared.frame[value].dropna()
    if len(y) < 3:
        raise InputError(f"value column {value!r} has {len(y)} non-missing areas; local statistics need at least 3")
    w = contiguity_weights(prepared.level, pd.Index(y.index, dtype="string"), kind=contiguity)
    w.transform = "r"
    values = y.to_numpy(dtype="float64")
    index = pd.Index(y.index, dtype="string", name=prepared.level)
    attrs = {"method": method, "permutations": permutations, "seed": seed, "significance": significance, "weights": w,
             "fdr": bool(fdr), "rule": "p_value <= significance", "constant": False}
    if np.isclose(values.min(), values.max(), rtol=1e-9, atol=1e-12):
        out = pd.DataFrame({"statistic": np.nan, "p_value": np.nan, "label": "Not significant"}, index=index)
        attrs["constant"] = True
        out.attrs.update(attrs)
        return out
    import esda  # imported where used: with libpysal it takes a second to load

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "local_moran":
            result = esda.Moran_Local(values, w, permutations=permutations, seed=seed)
            statistic, p_value, quadrant = result.Is, result.p_sim, result.q
        else:
            result = esda.G_Local(values, w, star=True, permutations=permutations, seed=seed, transform="R")
            statistic, p_value = result.Zs, result.p_sim
            quadrant = np.where(statistic > 0, 1, 3)
    cut = float(esda.fdr(p_value, significance)) if fdr else significance
    label = np.where(p_value <= cut, pd.Series(quadrant).map(LABELS).to_numpy(), "Not significant")
    out = pd.DataFrame({"statistic": statistic, "p_value": p_value, "label": label}, index=index)
    attrs["significance"] = cut
    out.attrs.update(attrs)
    return out
