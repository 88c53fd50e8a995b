"""Push indicator values down from a level to a finer level that nests in it.

Counts are split in proportion to a weight (Census 2021 population by default), so that
aggregating the result back gives the original counts exactly; rates, means and medians are
broadcast unchanged to every child and marked ``inherited`` (a child's own value is unknown).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.errors import InputError, NestingError, examples
from geo.geography import lookups, registry
from geo.geography.codes import isin
from geo.geography.population import population
from geo.moving.inputs import KINDS, prepare
from geo.moving.values import exact_counts, non_negative


def _weights(weight: str | pd.Series, children: pd.Index, target: str) -> pd.Series:
    if isinstance(weight, pd.Series):
        found = weight.reindex(children)
        what = "the weight Series"
    elif weight == "population":
        if target != "lsoa21" and target not in registry.spec("lsoa21").nests_in:
            raise InputError(f"weight='population': Census 2021 population covers England and Wales (LSOA 2021 and the "
                             f"levels they nest in), not {target}; pass weight='equal' or a Series of weights indexed by {target} code")
        found = population(target).reindex(children)
        what = "Census 2021 population"
    elif weight == "equal":
        return pd.Series(1.0, index=children)
    else:
        raise InputError(f"weight={weight!r}; expected 'population', 'equal' or a Series indexed by {target} code")
    found = pd.Series(pd.to_numeric(found, errors="coerce").to_numpy(dtype="float64"), index=children)
    if found.isna().any():
        raise InputError(f"{what} is missing (or not a number) for {int(found.isna().sum()):,} {target} areas ({examples(children[found.isna()])})")
    bad = np.isinf(found.to_numpy()) | (found.to_numpy() < 0)
    if bad.any():
        raise InputError(f"{what} is infinite or negative for {examples(children[bad])}; weights must be finite and >= 0")
    return found


def _refuse_uncovered(codes: pd.Index, parents: pd.Series, level: str, target: str, *, weighted: bool) -> None:
    """Refuse areas of ``level`` that hold no ``target`` area (``target`` does not cover their
    nation: Scotland has Data Zones, not LSOAs), naming them and the levels that cover them
    (``weighted``: counts split by Census 2021 population, which those levels lack)."""
    alone = codes[~isin(codes, parents.unique())]
    if not len(alone):
        return
    names = lookups.areas(level)["name"]
    if level == "ctry":
        nation = pd.Series([str(c)[0] for c in alone], index=alone)
    else:
        nation = lookups.lookup(level, "ctry").set_index(level)["ctry"].str[0].reindex(alone)
    nation = nation.fillna("?")
    ways = []
    for letter in sorted(set(nation)):
        finer = [other for other, spec in registry.specs().items() if level in spec.nests_in and letter in spec.coverage]
        where = examples(alone[(nation == letter).to_numpy()], limit=2)
        ways.append(f"for {where} pass to={finer[0]!r}" if finer else f"no finer level of the package covers {where}")
    weight = " (with weight='equal' or a Series of weights: Census 2021 population covers England and Wales only)"
    raise InputError(
        f"data hold {len(alone):,} {level} areas that contain no {target} areas "
        f"({examples(f'{code} {names.get(code, str())}'.strip() for code in alone)}): {target} covers "
        f"{'/'.join(registry.spec(target).coverage)} codes only; {'; '.join(ways)}"
        f"{weight if weighted and any('pass to=' in way for way in ways) else ''}, or drop those rows"
    )


def disaggregate(
    data: pd.DataFrame,
    *,
    to: str,
    value: str | list[str],
    kind: str,
    weight: str | pd.Series = "population",
    level: str | None = None,
    code: str | None = None,
) -> pd.DataFrame:
    """Express values of a level at a finer level that nests in it.

    Parameters
    ----------
    data : DataFrame
        One row per area (codes in ``code`` or the index).
    to : str
        The finer target level, e.g. ``"lsoa21"``.
    value : str or list of str
        Value column(s).
    kind : {"count", "rate", "mean", "median"}
        Counts are split; the others are broadcast and marked ``inherited``.
    weight : "population", "equal" or Series
        Split weights for counts, per target area (default Census 2021 population): finite
        and >= 0. A parent whose children all weigh zero cannot be split: refused, naming it.
    level, code : str, optional
        Level of ``data`` (detected when omitted) and the code column (default index).

    Returns
    -------
    DataFrame
        Indexed by target code (named ``to``), with the parent code column (named after the
        level), the value column(s), and ``weight_share`` (counts) or ``inherited`` (others).

    Raises
    ------
    InputError
        Also for an area that contains no ``to`` area because ``to`` does not cover its
        nation (a Scottish council to ``lsoa21``): the message names it and the level that
        does (``to='dz11'`` in Scotland, ``to='sdz21'`` in Northern Ireland).

    Examples
    --------
    >>> import pandas as pd
    >>> lad = pd.DataFrame({"jobs": [1000.0]}, index=["E06000047"])
    >>> out = disaggregate(lad, to="lsoa21", value="jobs", kind="count")
    >>> round(out["jobs"].sum())
    1000
    """
    if kind not in KINDS:
        raise InputError(f"kind={kind!r}; expected one of {KINDS}")
    values = [value] if isinstance(value, str) else list(value)
    if not values:
        raise InputError("value=[]; pass a value column or a non-empty list of them")
    prepared = prepare(data, columns=values, level=level, code=code, kind=kind)
    frame, parent_level = prepared.frame, prepared.level
    if kind == "count":
        exact_counts(frame, values)
        non_negative(frame, values)
    target = registry.resolve(to, argument="to")
    if parent_level not in registry.spec(target).nests_in:
        raise NestingError(
            f"to={target!r} does not nest in {parent_level!r}, so {parent_level} values cannot be split "
            f"onto it; {target} nests in: {', '.join(registry.spec(target).nests_in) or 'nothing'}"
        )
    parents = lookups.lookup(target, parent_level).set_index(target)[parent_level]
    _refuse_uncovered(frame.index, parents, parent_level, target, weighted=kind == "count" and isinstance(weight, str) and weight == "population")
    parents = parents[isin(parents, frame.index)]
    result = pd.DataFrame({parent_level: parents.to_numpy()}, index=pd.Index(parents.index, name=target, dtype="string"))
    broadcast = frame.reindex(parents.to_numpy())
    if kind == "count":
        w = _weights(weight, result.index, target)
        totals = w.groupby(parents.to_numpy()).transform("sum")
        empty = parents[(totals == 0).to_numpy()].unique()
        if len(empty):
            raise InputError(f"the weights of every {target} area in {examples(empty)} are zero; a count cannot be split there")
        share = (w / totals).to_numpy()
        for column in values:
            result[column] = broadcast[column].to_numpy() * share
        result["weight_share"] = share
    else:
        for column in values:
            result[column] = broadcast[column].to_numpy()
        result["inherited"] = True
    result.attrs.update({"level": parent_level, "to": target, "kind": kind, "recoded": prepared.recoded})
    return result.sort_index()
