"""The catalogue of data products and geography levels, read from declarative TOML files.

Products live as one small TOML file each in the repository folders ``boundaries/``,
``lookups/`` and ``indicators/`` (installed as the packages ``geo.catalogue.boundaries``
and so on); the levels and the lookup graph live in ``lookups/levels.toml``. Adding a
product means adding a file: no code changes (the geodatasets model).

Examples
--------
>>> from geo import catalogue
>>> catalogue.product("lad24_buc").rows
361
>>> catalogue.product("lad24_buc").field("lad24")
'LAD24CD'
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from geo.errors import InputError, examples

_FOLDERS = ("boundaries", "lookups", "indicators")
#: catalogue files that are not products: the level graph, the names people use (geo.area),
#: and the levelling-up missions and their metrics (geo.missions)
_NOT_PRODUCTS = ("levels.toml", "aliases.toml", "missions.toml")


@dataclass(frozen=True)
class Product:
    """One published data product, as declared in the catalogue.

    Attributes mirror the TOML keys: ``fields`` maps level ids (``lad24``) and
    ``<level>_name`` to the column names of the file as distributed (``LAD24CD``,
    ``LAD24NM``). Where the publisher's download differs from the file as mirrored, the
    ``[source]`` table says how to read it: ``member`` (the file inside a zip archive),
    ``sheet`` (the worksheet of an ``.xlsx`` workbook; default the first), ``columns``
    (publisher column -> column as mirrored; only these are kept; several publisher names
    may map to one column when editions of the service differ, e.g. ``F_LSOA11CD`` and
    ``LSOA11CD``, and exactly one of them must be present); or ``unavailable`` (why the
    publisher's form cannot be read directly: the product then comes from a mirror only).
    A template (``kind = "indicator_template"``) may list ``known`` ids to fill it with.
    An indicator that is a deprivation index declares it in an ``[index]`` table (nation,
    names, level, overall and domain columns; read by :mod:`geo.statistics.indices`).

    Examples
    --------
    >>> lad = product("lad24_buc")
    >>> lad.kind, lad.levels, lad.rows, lad.is_spatial
    ('boundaries', ('lad24',), 361, True)
    >>> lad.field("lad24_name"), lad.service
    ('LAD24NM', 'Local_Authority_Districts_May_2024_Boundaries_UK_BUC')
    >>> lad.field("rgn24")
    Traceback (most recent call last):
    ...
    geo.errors.InputError: product 'lad24_buc' has no field for 'rgn24'; it has ['lad24', 'lad24_name']
    """

    id: str
    title: str
    kind: str
    levels: tuple[str, ...]
    vintage: str
    publisher: str
    licence: str
    attribution: str
    rows: int
    fields: dict[str, str]
    file: str | None = None
    format: str | None = None
    crs: str | None = None
    service: str | None = None
    layer: int = 0
    url: str | None = None
    member: str | None = None
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    unavailable: str | None = None
    note: str | None = None
    known: tuple[str, ...] = ()
    data: tuple[dict[str, Any], ...] = field(default=(), repr=False)
    index: dict[str, Any] = field(default_factory=dict, repr=False)
    digest: str = field(default="", repr=False)

    def field(self, key: str) -> str:
        """Return the publisher's column name for a level id or ``<level>_name``."""
        try:
            return self.fields[key]
        except KeyError:
            raise InputError(
                f"product {self.id!r} has no field for {key!r}; it has {sorted(self.fields)}"
            ) from None

    @property
    def is_spatial(self) -> bool:
        """Whether the product carries geometry."""
        return self.format == "geojson"


def _read_entries(folder: str) -> list[dict[str, Any]]:
    entries = []
    for item in sorted(resources.files(f"geo.catalogue.{folder}").iterdir(), key=lambda p: p.name):
        if item.name.endswith(".toml") and item.name not in _NOT_PRODUCTS:
            raw = item.read_bytes()
            entry = tomllib.loads(raw.decode("utf-8"))
            entry["digest"] = hashlib.sha256(raw).hexdigest()[:16]
            entry["_where"] = f"{folder}/{item.name}"
            entries.append(entry)
    return entries


def _to_product(entry: dict[str, Any]) -> Product:
    source = entry.get("source", {})
    required = ("id", "title", "kind", "levels", "vintage", "publisher", "licence", "attribution", "rows", "fields")
    missing = [key for key in required if key not in entry]
    if missing:
        raise InputError(f"catalogue entry {entry['_where']} lacks {missing}")
    if entry["kind"] != "table" and "file" not in entry:
        raise InputError(f"catalogue entry {entry['_where']} needs `file` (the name as distributed)")
    if entry["kind"] != "table" and not (source.get("service") or source.get("url")):
        raise InputError(f"catalogue entry {entry['_where']} needs source.service or source.url")
    return Product(
        id=entry["id"],
        title=entry["title"],
        kind=entry["kind"],
        levels=tuple(entry["levels"]),
        vintage=str(entry["vintage"]),
        publisher=entry["publisher"],
        licence=entry["licence"],
        attribution=entry["attribution"],
        rows=int(entry["rows"]),
        fields=dict(entry["fields"]),
        file=entry.get("file"),
        format=entry.get("format"),
        crs=entry.get("crs"),
        service=source.get("service"),
        layer=int(source.get("layer", 0)),
        url=source.get("url"),
        member=source.get("member"),
        sheet=source.get("sheet"),
        columns=dict(source.get("columns", {})),
        unavailable=source.get("unavailable"),
        note=entry.get("note"),
        known=tuple(entry.get("known", ())),
        data=tuple(entry.get("data", ())),
        index=dict(entry.get("index", {})),
        digest=entry["digest"],
    )


@cache
def products() -> dict[str, Product]:
    """Return every catalogue product, keyed by id.

    Examples
    --------
    >>> "lsoa21_bsc" in products()
    True
    """
    found: dict[str, Product] = {}
    for folder in _FOLDERS:
        for entry in _read_entries(folder):
            item = _to_product(entry)
            if item.id in found:
                raise InputError(f"catalogue product id {item.id!r} is declared twice")
            found[item.id] = item
    return found


def product(product_id: str) -> Product:
    """Return one product by id, with a helpful error for an unknown id.

    Parameters
    ----------
    product_id : str
        A catalogue id such as ``"lad24_buc"`` (see ``levelup data status``).

    Returns
    -------
    Product
        Its declaration.

    Raises
    ------
    InputError
        If ``product_id`` is not in the catalogue; the message lists the known ids.

    Examples
    --------
    >>> product("iod2025").title
    'English Indices of Deprivation 2025: LSOA scores, ranks and deciles'
    >>> product("lad24")
    Traceback (most recent call last):
    ...
    geo.errors.InputError: product='lad24' is not in the catalogue; known products: 'area_changes', ...
    """
    try:
        return products()[product_id]
    except KeyError:
        raise InputError(
            f"product={product_id!r} is not in the catalogue; known products: "
            f"{examples(sorted(products()), limit=40)}"
        ) from None


@cache
def graph() -> dict[str, Any]:
    """Return the raw level and edge declarations of ``lookups/levels.toml``."""
    raw = resources.files("geo.catalogue.lookups").joinpath("levels.toml").read_bytes()
    return tomllib.loads(raw.decode("utf-8"))


@cache
def version() -> str:
    """Return a short digest of the whole catalogue (products and level graph).

    Cache entries derived from several products (lookups, dissolved layers) record it, so
    editing any catalogue file invalidates them.
    """
    raw = resources.files("geo.catalogue.lookups").joinpath("levels.toml").read_bytes()
    parts = [hashlib.sha256(raw).hexdigest()] + [p.digest for p in products().values()]
    return hashlib.sha256("-".join(parts).encode()).hexdigest()[:16]


def describe(product_id: str) -> str:
    """Return a product's declaration as indented JSON (for ``levelup data status``).

    Parameters
    ----------
    product_id : str
        A catalogue id.

    Returns
    -------
    str
        The declared fields (all but the inline ``data`` rows of a table) as JSON.

    Raises
    ------
    InputError
        If ``product_id`` is not in the catalogue.

    Examples
    --------
    >>> import json
    >>> declared = json.loads(describe("pfa20_buc"))
    >>> declared["rows"], declared["fields"]
    (43, {'pfa24': 'PFA20CD', 'pfa24_name': 'PFA20NM'})
    """
    item = product(product_id)
    return json.dumps({k: v for k, v in item.__dict__.items() if k != "data"}, indent=2)
