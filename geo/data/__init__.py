"""The data layer: getting the published files and keeping them.

Downloading (:mod:`geo.data.download`) from ONS or a mirror, the on-disk cache
(:mod:`geo.data.cache`), loading catalogue products into tables (:mod:`geo.data.products`,
:mod:`geo.data.readers`), atomic writes (:mod:`geo.data.atomic`) and spreadsheet-safe CSV
cells (:mod:`geo.data.csvsafe`). It imports only :mod:`geo.errors`, :mod:`geo.settings` and
:mod:`geo.catalogue`; every other layer builds on it.
"""


def __getattr__(name: str) -> object:
    """Import a module of this layer on first use (PEP 562): ``geo.<layer>.<module>`` works
    after a plain ``import geo``, which imports none of them."""
    from importlib import import_module, util

    if not name.startswith("__") and util.find_spec(f"{__name__}.{name}") is not None:
        return import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
