"""The geography layer: the levels, their areas, boundaries and lookups.

The level registry (:mod:`geo.geography.registry`), code lookups between levels
(:mod:`geo.geography.lookups`), boundaries (:mod:`geo.geography.layers`), named places and
level detection, codes of other vintages, national coverage, contiguity and Census 2021
population per area. It builds on :mod:`geo.data` only.
"""


def __getattr__(name: str) -> object:
    """Import a module of this layer on first use (PEP 562): ``geo.<layer>.<module>`` works
    after a plain ``import geo``, which imports none of them."""
    from importlib import import_module, util

    if not name.startswith("__") and util.find_spec(f"{__name__}.{name}") is not None:
        return import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
