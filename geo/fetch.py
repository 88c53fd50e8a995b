"""Fill the cache ahead of time: one product, one level, or every product and level.

``levelup data fetch`` is built on these functions. Each target ends in one
:class:`Outcome` — fetched, already cached, failed (with the reason) or skipped (with a
note) — and a failure never stops the others. Templates (``kind = "indicator_template"``,
the Explore Local Statistics files) are filled with their ``known`` ids from the catalogue
and, when the mirror is a local folder, with every id the mirror holds.

Examples
--------
>>> outcome = fetch_product(catalogue.product("lad24_buc"))
>>> outcome.status in ("fetched", "cached")
True
>>> fetch_product(catalogue.product("countries")).status
'cached'
"""

from __future__ import annotations

import logging
import string
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from geo import catalogue, settings
from geo.data import cache, products
from geo.errors import InputError, LevelupError, examples
from geo.geography import lookups, registry
from geo.geography.layers import boundaries

log = logging.getLogger(__name__)

Status = Literal["fetched", "cached", "ready", "failed", "skipped"]


@dataclass(frozen=True)
class Outcome:
    """What happened to one product or level: ``status`` and a one-line ``detail``.

    ``status`` is ``"fetched"``, ``"cached"`` (already cached), ``"ready"`` (a level built),
    ``"failed"`` (``detail`` says why) or ``"skipped"`` (``detail`` says why).

    Examples
    --------
    >>> Outcome("lad24_buc", "fetched").line().split()
    ['lad24_buc', 'fetched']
    >>> Outcome("iod2025", "failed", "no file under the mirror").line().split(maxsplit=1)
    ['iod2025', 'FAILED: no file under the mirror']
    """

    name: str
    status: Status
    detail: str = ""

    def line(self) -> str:
        """The outcome as one report line."""
        label = {"fetched": "fetched", "cached": "already cached", "ready": "ready", "failed": "FAILED", "skipped": "skipped"}[self.status]
        return f"{self.name:<58} {label}" + (f": {self.detail}" if self.detail else "")


def template_ids(template: catalogue.Product) -> list[str]:
    """Return the ids a template can be filled with: its ``known`` ids and the mirror's.

    Parameters
    ----------
    template : Product
        A catalogue entry of kind ``indicator_template`` whose ``file`` has one field,
        e.g. ``indicators/ess/{indicator}/{indicator}.csv``.

    Examples
    --------
    >>> "healthy-life-expectancy" in template_ids(catalogue.product("ess"))
    True
    """
    found = dict.fromkeys(template.known)
    mirror = settings.get_mirror()
    pattern = str(template.file)
    names = {name for _, name, _, _ in string.Formatter().parse(pattern) if name}
    if mirror and urlparse(mirror).scheme not in {"http", "https"} and len(names) == 1:
        field = names.pop()
        folder = Path(mirror).expanduser() / pattern.split("{", 1)[0]
        if folder.is_dir():
            for child in sorted(folder.iterdir()):
                if (Path(mirror).expanduser() / pattern.format(**{field: child.name})).is_file():
                    found.setdefault(child.name)
    return list(found)


def _instance(template: catalogue.Product, value: str) -> catalogue.Product:
    if template.id == "ess":
        from geo.moving.ess import _product  # the one place ESS template instances are built

        return _product(value)
    raise InputError(f"--product: template {template.id!r} has no instance builder; fetch its files from a mirror")


def resolve(names: Sequence[str]) -> list[catalogue.Product]:
    """Return the products named by ``names`` (catalogue ids, ``ess_<indicator>`` ids, or a
    template id, meaning every id it is known to have).

    Examples
    --------
    >>> [p.id for p in resolve(["lad24_buc", "ess_healthy-life-expectancy"])]
    ['lad24_buc', 'ess_healthy-life-expectancy']
    """
    found: list[catalogue.Product] = []
    templates = {p.id: p for p in catalogue.products().values() if p.kind == "indicator_template"}
    for name in names:
        prefix, _, value = name.partition("_")
        if name in templates:
            found.extend(_instance(templates[name], value) for value in template_ids(templates[name]))
        elif name not in catalogue.products() and prefix in templates and value:
            found.append(_instance(templates[prefix], value))
        else:
            found.append(catalogue.product(name))
    return found


def _reason(exc: LevelupError) -> str:
    return " ".join(str(exc).split())


def fetch_product(item: catalogue.Product, *, refresh: bool = False) -> Outcome:
    """Obtain one product into the cache (cache, else mirror, else publisher).

    A catalogue table (held in the catalogue itself) is reported as cached.

    Parameters
    ----------
    item : Product
        A catalogue product (see :func:`resolve` for ids such as ``ess_<indicator>``).
    refresh : bool
        Obtain it again even when cached.

    Returns
    -------
    Outcome
        ``fetched``, ``cached``, ``failed`` with the reason (never raised), or ``skipped``
        for a template.

    Examples
    --------
    >>> fetch_product(catalogue.product("itl1_codes"))
    Outcome(name='itl1_codes', status='cached', detail='held in the catalogue, no download')
    >>> fetch_product(catalogue.product("ess")).status  # a template: its instances are fetched instead
    'skipped'
    """
    if item.kind == "indicator_template":
        return Outcome(item.id, "skipped", "a template: fetch its instances (`--product ess` or `--product ess_<indicator>`)")
    was_cached = item.kind == "table" or (not refresh and cache.read(f"products/{item.id}", version=item.digest) is not None)
    try:
        products.load(item, refresh=refresh)
    except LevelupError as exc:
        return Outcome(item.id, "failed", _reason(exc))
    if item.kind == "table":
        return Outcome(item.id, "cached", "held in the catalogue, no download")
    return Outcome(item.id, "cached" if was_cached else "fetched")


def fetch_level(level: str) -> Outcome:
    """Build one level's boundary layer and its lookups to every parent level.

    Parameters
    ----------
    level : str
        A level id, e.g. ``"rgn24"``.

    Returns
    -------
    Outcome
        ``ready`` with the number of areas, or ``failed`` with the reason (never raised).

    Examples
    --------
    >>> fetch_level("rgn24")
    Outcome(name='level rgn24', status='ready', detail='rgn24 (9 areas, lookups to itl1, ctry)')
    """
    spec = registry.spec(level)
    try:
        layer = boundaries(level)
        for parent in spec.nests_in:
            lookups.lookup(level, parent)
    except LevelupError as exc:
        return Outcome(f"level {level}", "failed", _reason(exc))
    return Outcome(f"level {level}", "ready", f"{level} ({len(layer):,} areas, lookups to {', '.join(spec.nests_in) or 'none'})")


def fetch_all(*, refresh: bool = False) -> list[Outcome]:
    """Fetch every concrete product (templates filled with their ids) and build every level.

    A template with no known id and no mirror listing is skipped with a note.

    Parameters
    ----------
    refresh : bool
        Obtain every product again even when cached.

    Returns
    -------
    list of Outcome
        One per product, then one per level; failures are reported here, not raised.

    Examples
    --------
    Offline, with an empty cache and a mirror that lacks the files, everything but the
    catalogue's own tables fails, each with the reason and how to fix it:

    >>> import tempfile
    >>> saved = settings.cache_dir, settings.mirror, settings.offline
    >>> settings.cache_dir, settings.mirror, settings.offline = tempfile.mkdtemp(), tempfile.mkdtemp(), True
    >>> outcomes = fetch_all()
    >>> settings.cache_dir, settings.mirror, settings.offline = saved
    >>> sorted({o.status for o in outcomes})
    ['cached', 'failed']
    >>> [o.name for o in outcomes if o.status == "cached"]  # tables held in the catalogue itself
    ['area_changes', 'countries', 'itl1_codes']
    >>> print(outcomes[0].line())
    ctyua21_buc ...FAILED: cannot obtain product 'ctyua21_buc' (...). Tried: the cache at ... (no valid entry);
    mirror ...: no file boundaries/Counties_and_Unitary_Authorities_December_2021_UK_BUC.geojson under ...;
    publisher: not contacted (offline: LEVELUP_OFFLINE / geo.settings.offline). ... `levelup data fetch --product ctyua21_buc`.
    """
    outcomes: list[Outcome] = []
    for item in catalogue.products().values():
        if item.kind != "indicator_template":
            outcomes.append(fetch_product(item, refresh=refresh))
            continue
        ids = template_ids(item)
        if not ids:
            outcomes.append(Outcome(item.id, "skipped", "a template with no known ids and no mirror to list"))
        outcomes.extend(fetch_product(_instance(item, value), refresh=refresh) for value in ids)
    outcomes.extend(fetch_level(level) for level in registry.specs())
    return outcomes


def summary(outcomes: Iterable[Outcome]) -> str:
    """One line counting the outcomes, e.g. ``"12 fetched, 3 already cached, 11 levels ready, 0 failed, 0 skipped"``.

    Examples
    --------
    >>> summary([Outcome("lad24_buc", "fetched"), Outcome("iod2025", "cached"), Outcome("level lad24", "ready")])
    '1 fetched, 1 already cached, 1 levels ready, 0 failed, 0 skipped'
    """
    counts = Counter(o.status for o in outcomes)
    return (f"{counts['fetched']} fetched, {counts['cached']} already cached, {counts['ready']} levels ready, "
            f"{counts['failed']} failed, {counts['skipped']} skipped")


def failures(outcomes: Sequence[Outcome]) -> str:
    """A sentence naming the failed targets (empty when none failed).

    Examples
    --------
    >>> failures([Outcome("lad24_buc", "fetched"), Outcome("iod2025", "failed", "HTTP 404")])
    "1 of 2 could not be fetched: 'iod2025'"
    >>> failures([Outcome("lad24_buc", "cached")])
    ''
    """
    failed = [o.name for o in outcomes if o.status == "failed"]
    return f"{len(failed)} of {len(outcomes)} could not be fetched: {examples(failed)}" if failed else ""
