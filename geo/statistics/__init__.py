"""The statistics layer: measures of inequality within regions.

Gini, Theil and decile groups (:mod:`geo.statistics.inequality`), deprivation summaries,
local hotspots, deprived pockets (:mod:`geo.statistics.pockets`) and comparison with a
benchmark. It builds on :mod:`geo.moving` and the layers below it.
"""


def __getattr__(name: str) -> object:
    """Import a module of this layer on first use (PEP 562): ``geo.<layer>.<module>`` works
    after a plain ``import geo``, which imports none of them."""
    from importlib import import_module, util

    if not name.startswith("__") and util.find_spec(f"{__name__}.{name}") is not None:
        return import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
